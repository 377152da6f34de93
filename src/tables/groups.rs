//! The tables of a run with `--by` (spec section 9): the same files, each
//! with a first column `group`, rows ordered by group (byte order), then as
//! without `--by`.

use std::io::Write as _;
use std::path::Path;

use crate::engine::breakdown::Breakdown;
use crate::engine::portfolio::Portfolio;
use crate::error::{Error, Result};
use crate::tables::write::{csv_field, push_customer_row};

/// The header of a grouped table: `group,` then the plain table's header.
pub(crate) const GROUP_COLUMN: &str = "group";

/// A grouped table from the plain one, into `out`: each group's rows (as
/// `table` writes them for the group's portfolio) prefixed with the group.
/// One group's text at a time, so that 10,000 groups never make one string.
fn grouped_into(
    b: &Breakdown,
    table: impl Fn(&Portfolio) -> String,
    out: &mut impl std::io::Write,
) -> std::io::Result<()> {
    // A run has at least one customer, so a breakdown at least one group.
    debug_assert!(!b.groups.is_empty());
    for (g, (label, p)) in b.groups.iter().zip(&b.portfolios).enumerate() {
        let text = table(p);
        let mut lines = text.lines();
        let header = lines.next().unwrap_or_default();
        if g == 0 {
            writeln!(out, "{GROUP_COLUMN},{header}")?;
        }
        let field = csv_field(label);
        let mut block = Vec::with_capacity(text.len() + text.len() / 8);
        for line in lines {
            block.extend_from_slice(field.as_bytes());
            block.push(b',');
            block.extend_from_slice(line.as_bytes());
            block.push(b'\n');
        }
        out.write_all(&block)?;
    }
    Ok(())
}

fn grouped(b: &Breakdown, table: impl Fn(&Portfolio) -> String) -> String {
    let mut out = Vec::new();
    grouped_into(b, table, &mut out).expect("writing to memory");
    String::from_utf8(out).expect("tables are UTF-8")
}

/// The grouped tables of the portfolio, written to `dir`, each streamed.
pub fn write_tables(dir: &Path, whole: &Portfolio, b: &Breakdown) -> Result<()> {
    use super::{CONVERSION, LADDER, SEGMENTS, SNAPSHOTS, TRANSITIONS};
    type Table = fn(&Portfolio) -> String;
    let tables: [(&str, Table); 4] = [
        (SNAPSHOTS, super::write::snapshots_csv),
        (TRANSITIONS, super::write::transitions_csv),
        (CONVERSION, super::write::conversion_csv),
        (LADDER, super::write::ladder_csv),
    ];
    std::fs::create_dir_all(dir).map_err(|source| Error::Write {
        path: dir.to_path_buf(),
        source,
    })?;
    for (name, table) in tables {
        let path = dir.join(name);
        let write_err = |source| Error::Write {
            path: path.clone(),
            source,
        };
        let mut file = std::io::BufWriter::with_capacity(1 << 20, super::write::create_new(&path)?);
        grouped_into(b, table, &mut file).map_err(write_err)?;
        file.flush().map_err(write_err)?;
        crate::output::file_done();
    }
    write_segments(&dir.join(SEGMENTS), whole, b)
}

/// `group,month_end,segment,customers,share,sales,cumulative_sales`; the
/// share is within the group.
pub fn snapshots_csv(b: &Breakdown) -> String {
    grouped(b, super::write::snapshots_csv)
}

/// `group,cohort_month,cohort_size,converted,rate,matured`.
pub fn conversion_csv(b: &Breakdown) -> String {
    grouped(b, super::write::conversion_csv)
}

/// Indexes into `whole.customers`, by group, each group in the whole run's
/// order (a counting sort).
pub fn customers_by_group(b: &Breakdown) -> Vec<usize> {
    let n = b.groups.len();
    let mut starts = vec![0usize; n + 1];
    for &g in &b.customer_group {
        starts[g as usize + 1] += 1;
    }
    for g in 0..n {
        starts[g + 1] += starts[g];
    }
    let mut order = vec![0usize; b.customer_group.len()];
    for (i, &g) in b.customer_group.iter().enumerate() {
        order[starts[g as usize]] = i;
        starts[g as usize] += 1;
    }
    order
}

/// `group,` then the columns of `segments.csv`, for some customers
/// (indexes into `whole.customers`, written in the order given).
pub fn customers_csv(whole: &Portfolio, b: &Breakdown, indexes: impl IntoIterator<Item = usize>) -> String {
    let mut out = format!("{GROUP_COLUMN},{}", super::write::CUSTOMERS_HEADER).into_bytes();
    let fields: Vec<String> = b.groups.iter().map(|g| csv_field(g).into_owned()).collect();
    for i in indexes {
        out.extend_from_slice(fields[b.customer_group[i] as usize].as_bytes());
        out.push(b',');
        let c = &whole.customers[i];
        push_customer_row(&mut out, whole.customer_id(c), whole, c);
    }
    String::from_utf8(out).expect("ids, groups and labels are UTF-8")
}

/// Writes the grouped `segments.csv`: every customer, by group.
pub(crate) fn write_segments(path: &Path, whole: &Portfolio, b: &Breakdown) -> Result<()> {
    let write_err = |source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    let mut file = std::io::BufWriter::with_capacity(1 << 20, super::write::create_new(path)?);
    write!(file, "{GROUP_COLUMN},{}", super::write::CUSTOMERS_HEADER).map_err(write_err)?;
    let fields: Vec<String> = b.groups.iter().map(|g| csv_field(g).into_owned()).collect();
    let mut row = Vec::with_capacity(256);
    for i in customers_by_group(b) {
        row.clear();
        row.extend_from_slice(fields[b.customer_group[i] as usize].as_bytes());
        row.push(b',');
        let c = &whole.customers[i];
        push_customer_row(&mut row, whole.customer_id(c), whole, c);
        file.write_all(&row).map_err(write_err)?;
    }
    file.flush().map_err(write_err)?;
    crate::output::file_done();
    Ok(())
}
