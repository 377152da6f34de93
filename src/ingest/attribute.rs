//! Reading what a run takes besides the three order columns: the
//! customer-attribute column for breakdowns (`--by COLUMN`, spec section
//! 9) and the filter columns of scoped runs (section 10), read as text.
//!
//! Any column can be the attribute: text as written; numbers and dates (in
//! Parquet) as polars writes them as text. The codes it becomes are
//! described with the type, [`crate::orders::Attribute`].

use std::collections::HashMap;
use std::path::Path;

use polars::prelude::*;

use crate::error::{Error, Result};

use super::columns::StrChunks;
use super::filter::{Matcher, trim_value};
pub use crate::orders::attribute::Attribute;
use crate::orders::attribute::Cells;

/// What a run reads besides the three order columns: the breakdown column
/// and the filters (from `--by`, `--where`, `--where-not` or the config).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    pub by: Option<String>,
    pub(crate) filters: Vec<super::filter::Filter>,
    /// The column flagging cancelled lines (`--cancel-col`).
    pub(crate) cancel: Option<String>,
    /// Its values that mark a line cancelled (`--cancel-values`).
    pub(crate) cancel_values: Vec<String>,
    /// Customer ids of guest orders (`--guest-ids`; `""`: an empty id).
    pub(crate) guest_ids: Option<Vec<String>>,
    /// The amount as a formula of columns (`--amount 数量*単価`), instead
    /// of the amount column.
    pub(crate) amount_formula: Option<super::formula::Formula>,
    /// Columns whose values the lists carry (`--keep-cols`): each
    /// customer's from their latest row (empty: none, nothing read).
    pub(crate) keep: Vec<String>,
}

fn as_text(column: &Column) -> PolarsResult<StringChunked> {
    Ok(column.cast(&DataType::String)?.str()?.clone())
}

/// Reads `column` as an attribute.
pub(crate) fn read_attribute(column: &Column) -> PolarsResult<Attribute> {
    let text = as_text(column)?;
    Ok(Attribute::from_cells(
        column.name().as_str(),
        &TextCells(StrChunks::new(&text)),
    ))
}

/// A text column's cells, chunk by chunk.
struct TextCells<'a>(StrChunks<'a>);

impl<'a> Cells<'a> for TextCells<'a> {
    fn rows(&self) -> usize {
        self.0.rows()
    }

    fn each(&self, range: std::ops::Range<usize>, mut f: impl FnMut(Option<&'a str>)) {
        self.0.each(range, |_, cell| f(cell));
    }
}

/// Applies filter `k` of `matcher` to `column`, clearing `keep[row]` for the
/// rows it drops.
pub(crate) fn apply_filter(column: &Column, matcher: &Matcher, k: usize, keep: &mut [bool]) -> PolarsResult<()> {
    let text = as_text(column)?;
    for (flag, cell) in keep.iter_mut().zip(text.iter()) {
        if *flag && !matcher.passes(k, cell) {
            *flag = false;
        }
    }
    Ok(())
}

/// The most frequent trimmed values of `column` (at most `n`, most frequent
/// first, then in byte order), for the message of a filter that keeps
/// nothing.
pub(crate) fn common_values(column: &Column, n: usize) -> PolarsResult<Vec<(String, u64)>> {
    let text = as_text(column)?;
    let mut counts: HashMap<&str, u64> = HashMap::new();
    for cell in text.iter() {
        *counts.entry(trim_value(cell.unwrap_or(""))).or_default() += 1;
    }
    let mut all: Vec<(&str, u64)> = counts.into_iter().collect();
    all.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.as_bytes().cmp(b.0.as_bytes())));
    Ok(all.into_iter().take(n).map(|(v, c)| (v.to_string(), c)).collect())
}

/// Reads the scope's columns from `source` (left in it): the rows the
/// filters keep (`None` without filters) and the breakdown attribute. A
/// filter that keeps no row is an error naming the filters and the values
/// the column holds.
pub(super) fn read_scope(
    path: &Path,
    source: &mut super::source::Source,
    scope: &Scope,
    by_name: Option<&str>,
    filter_names: &[String],
) -> Result<(Option<Vec<bool>>, Option<Attribute>)> {
    let polars_err = |e: PolarsError| Error::input(path, e.to_string());
    let keep = if scope.filters.is_empty() {
        None
    } else {
        let matcher = Matcher::new(&scope.filters);
        let mut keep = vec![true; source.height()];
        for (k, name) in filter_names.iter().enumerate() {
            let column = source.peek(path, name)?;
            apply_filter(&column, &matcher, k, &mut keep).map_err(polars_err)?;
            if !keep.contains(&true) {
                let found = common_values(&column, 8).map_err(polars_err)?;
                let found: Vec<String> = found
                    .iter()
                    .map(|(v, n)| format!("{} ({n})", if v.is_empty() { "(blank)" } else { v }))
                    .collect();
                let given: Vec<String> = scope.filters.iter().map(|f| f.describe()).collect();
                return Err(Error::NoData(format!(
                    "{}: {} keeps none of the {} rows; most common values of '{name}': {}",
                    path.display(),
                    given.join(" "),
                    keep.len(),
                    found.join(", ")
                )));
            }
        }
        Some(keep)
    };
    let attribute = by_name
        .map(|name| read_attribute(&source.peek(path, name)?).map_err(polars_err))
        .transpose()?;
    Ok((keep, attribute))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_dates_are_read_as_text() {
        let ints = Column::new("n".into(), &[3i64, 10, 3]);
        let a = read_attribute(&ints).unwrap();
        assert_eq!(a.values, ["10", "3"]);
        assert_eq!(a.codes, [1, 0, 1]);
    }
}
