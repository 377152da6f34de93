//! `customers_keep.csv`: the `--keep-cols` values beside the tables, so
//! that `cpm report --tables` lists them as `cpm report --input` does.
//! Written only when the run keeps columns (rules.toml's `columns.keep`
//! names them, in the file's column order): `customer_id`, then each kept
//! column, one row per customer of `segments.csv`, values as read
//! (trimmed; blank when the customer never gave one). Read back strictly:
//! every customer of `segments.csv` exactly once, and no one else.

use std::collections::HashMap;
use std::path::Path;

use super::record::records;
use super::{CUSTOMERS_KEEP, csv_field};
use crate::engine::portfolio::Portfolio;
use crate::error::{Error, Result};
use crate::orders::{Attribute, BLANK};

/// The value of customer `i` (in `p.customers` order) in a kept column.
pub(crate) fn value(a: &Attribute, i: usize) -> &str {
    match a.codes[i] {
        BLANK => "",
        code => &a.values[code as usize],
    }
}

/// The file's text.
pub(crate) fn csv(p: &Portfolio, kept: &[Attribute]) -> String {
    let mut out = String::from("customer_id");
    for a in kept {
        out.push(',');
        out.push_str(&csv_field(&a.column));
    }
    out.push('\n');
    for (i, c) in p.customers.iter().enumerate() {
        out.push_str(&csv_field(p.customer_id(c)));
        for a in kept {
            out.push(',');
            out.push_str(&csv_field(value(a, i)));
        }
        out.push('\n');
    }
    out
}

/// Reads the kept columns back for the customers of `p` (none when
/// `columns` is empty, and then the file must not be there).
pub(super) fn read(dir: &Path, p: &Portfolio, columns: &[String]) -> Result<Vec<Attribute>> {
    let path = dir.join(CUSTOMERS_KEEP);
    if columns.is_empty() {
        if path.exists() {
            return Err(Error::input(
                &path,
                "rules.toml keeps no columns (columns.keep), but this file holds kept values: \
                 the folder mixes two runs",
            ));
        }
        return Ok(Vec::new());
    }
    let text = super::cells::read_text(&path)?;
    let mut rows = records(&text).map_err(|line| {
        Error::input(
            &path,
            format!("line {line}: a quoted field is not closed or a quote is misplaced"),
        )
    })?;
    let expected: Vec<&str> = std::iter::once("customer_id")
        .chain(columns.iter().map(String::as_str))
        .collect();
    if rows.is_empty() || rows[0].fields != expected {
        let found = rows.first().map_or(String::new(), |r| r.fields.join(","));
        return Err(Error::input(
            &path,
            format!(
                "line 1: the header is {found:?}, expected {:?} (rules.toml's columns.keep)",
                expected.join(",")
            ),
        ));
    }
    rows.remove(0);
    let index: HashMap<&str, usize> = p
        .customers
        .iter()
        .enumerate()
        .map(|(i, c)| (p.customer_id(c), i))
        .collect();
    let mut cells: Vec<Option<Vec<String>>> = vec![None; p.customers.len()];
    for r in rows {
        let bad = |what: String| Error::input(&path, format!("line {}: {what}", r.line));
        if r.fields.len() != expected.len() {
            return Err(bad(format!("{} fields, expected {}", r.fields.len(), expected.len())));
        }
        let id = r.fields[0].as_str();
        let &i = index
            .get(id)
            .ok_or_else(|| bad(format!("customer '{id}' is not in segments.csv")))?;
        if cells[i].is_some() {
            return Err(bad(format!("customer '{id}' is listed twice")));
        }
        cells[i] = Some(r.fields[1..].to_vec());
    }
    if let Some(i) = cells.iter().position(Option::is_none) {
        return Err(Error::input(
            &path,
            format!(
                "customer '{}' of segments.csv is missing",
                p.customer_id(&p.customers[i])
            ),
        ));
    }
    let cells: Vec<Vec<String>> = cells.into_iter().flatten().collect();
    Ok(columns
        .iter()
        .enumerate()
        .map(|(k, name)| Attribute::from_values(name, cells.iter().map(|row| row[k].as_str())))
        .collect())
}
