//! Rows that are orders of the file but not purchases of a customer:
//! lines flagged cancelled in a cancel column (`--cancel-col`), and guest
//! orders, whose customer id is one of `--guest-ids` (`""`: an empty id).
//! Both are read, left out and counted (rows and amount) in the
//! data-quality summary, so that `rows read = used + rejected + excluded`
//! still holds; their other cells are not checked, as for a filter.
//!
//! Without `--cancel-col`, a column whose name or values look like a
//! cancellation flag is reported (the rows it flags are then counted as
//! purchases, which is what the user most needs to know).

use std::collections::HashSet;
use std::path::Path;

use polars::prelude::*;

use super::attribute::Scope;
use super::filter::trim_value;
use super::source::Source;
use crate::error::{Error, Result};

/// Why a row is left out, besides filters and bad cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exclusion {
    Cancelled,
    Guest,
}

/// A column that looks like a cancellation flag but is not configured as one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuspectCancel {
    pub column: String,
    /// Rows whose value there looks like a cancellation.
    pub rows: u64,
    /// The most frequent such value.
    pub value: String,
}

/// Words in a column name that make it a cancellation flag.
const CANCEL_NAMES: [&str; 4] = ["キャンセル", "取消", "取り消し", "cancel"];
/// Words in a column name that make it an order status, which may say
/// cancelled among other states.
const STATUS_NAMES: [&str; 5] = ["ステータス", "状態", "状況", "status", "state"];
/// Words in a status value that say the order was cancelled.
const CANCEL_WORDS: [&str; 4] = ["キャンセル", "取消", "取り消し", "cancel"];

fn text_of(column: &Column) -> PolarsResult<StringChunked> {
    Ok(column.cast(&DataType::String)?.str()?.clone())
}

/// `Some(flags)` (one per row, `Some(reason)` for a row left out) when the
/// scope names a cancel column or guest ids; `None` otherwise.
pub(super) fn read_exclusions(
    path: &Path,
    source: &mut Source,
    scope: &Scope,
    cancel_name: Option<&str>,
    customer_name: &str,
) -> Result<Option<Vec<Option<Exclusion>>>> {
    if cancel_name.is_none() && scope.guest_ids.is_none() {
        return Ok(None);
    }
    let polars_err = |e: PolarsError| Error::input(path, e.to_string());
    let mut flags = vec![None; source.height()];
    if let Some(guests) = &scope.guest_ids {
        let guests: HashSet<&str> = guests.iter().map(|g| trim_value(g)).collect();
        let ids = text_of(&source.peek(path, customer_name)?).map_err(polars_err)?;
        for (flag, id) in flags.iter_mut().zip(ids.iter()) {
            if guests.contains(trim_value(id.unwrap_or(""))) {
                *flag = Some(Exclusion::Guest);
            }
        }
    }
    if let Some(name) = cancel_name {
        let values: HashSet<String> = scope.cancel_values.iter().map(|v| normal(v)).collect();
        let cells = text_of(&source.peek(path, name)?).map_err(polars_err)?;
        for (flag, cell) in flags.iter_mut().zip(cells.iter()) {
            if values.contains(&normal(cell.unwrap_or(""))) {
                *flag = Some(Exclusion::Cancelled);
            }
        }
    }
    Ok(Some(flags))
}

/// A value as compared: trimmed, in lower case.
fn normal(value: &str) -> String {
    trim_value(value).to_lowercase()
}

/// Without a configured cancel column: the first column that looks like a
/// cancellation flag and flags at least one row, with the count.
pub(super) fn suspect_cancel(path: &Path, source: &mut Source, names: &[String]) -> Result<Option<SuspectCancel>> {
    let polars_err = |e: PolarsError| Error::input(path, e.to_string());
    let flag_values: HashSet<String> =
        crate::ingest::filter::parse_values(crate::config::settings::DEFAULT_CANCEL_VALUES)
            .unwrap_or_default()
            .iter()
            .map(|v| normal(v))
            .collect();
    for name in names {
        let lower = name.to_lowercase();
        let is_flag = CANCEL_NAMES.iter().any(|w| lower.contains(w));
        let is_status = !is_flag && STATUS_NAMES.iter().any(|w| lower.contains(w));
        if !is_flag && !is_status {
            continue;
        }
        let cells = text_of(&source.peek(path, name)?).map_err(polars_err)?;
        let mut counts: std::collections::BTreeMap<String, u64> = std::collections::BTreeMap::new();
        for cell in cells.iter() {
            let value = normal(cell.unwrap_or(""));
            let cancelled = if is_flag {
                flag_values.contains(&value)
            } else {
                CANCEL_WORDS.iter().any(|w| value.contains(w))
            };
            if cancelled {
                *counts.entry(value).or_default() += 1;
            }
        }
        let rows: u64 = counts.values().sum();
        if rows > 0 {
            let value = counts
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                .map(|(v, _)| v.clone())
                .unwrap_or_default();
            return Ok(Some(SuspectCancel {
                column: name.clone(),
                rows,
                value,
            }));
        }
    }
    Ok(None)
}

/// Rows and amount (millionths) of the rows left out for one reason.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counted {
    pub rows: u64,
    pub total: i128,
}

/// Leaves out the flagged rows that the filters kept (`keep`: `None` when
/// every row is kept), counting them with their amounts; the rows kept.
pub(super) fn apply(
    keep: Option<Vec<bool>>,
    flags: Option<&[Option<Exclusion>]>,
    amount: &[crate::money::Money],
    cancelled: &mut Counted,
    guests: &mut Counted,
) -> Option<Vec<bool>> {
    let Some(flags) = flags else {
        return keep;
    };
    let mut keep = keep.unwrap_or_else(|| vec![true; flags.len()]);
    for ((k, flag), a) in keep.iter_mut().zip(flags).zip(amount) {
        let counted = match (*k, flag) {
            (true, Some(Exclusion::Cancelled)) => &mut *cancelled,
            (true, Some(Exclusion::Guest)) => &mut *guests,
            _ => continue,
        };
        counted.rows += 1;
        counted.total += i128::from(a.0);
        *k = false;
    }
    Some(keep)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(columns: Vec<Column>) -> Source {
        Source::Frame(DataFrame::new(columns[0].len(), columns).unwrap())
    }

    #[test]
    fn cancel_and_guest_rows_are_flagged() {
        let mut s = source(vec![
            Column::new("会員ID".into(), &["A", "", "0", " B ", "0"]),
            Column::new("キャンセル".into(), &["", "1", "0", "キャンセル", " TRUE "]),
        ]);
        let scope = Scope {
            cancel: Some("キャンセル".into()),
            cancel_values: vec!["1".into(), "true".into(), "キャンセル".into()],
            guest_ids: Some(vec!["".into(), "0".into()]),
            ..Scope::default()
        };
        let flags = read_exclusions(Path::new("x.csv"), &mut s, &scope, Some("キャンセル"), "会員ID")
            .unwrap()
            .unwrap();
        use Exclusion::{Cancelled, Guest};
        // A guest row flagged cancelled counts as cancelled.
        assert_eq!(
            flags,
            [None, Some(Cancelled), Some(Guest), Some(Cancelled), Some(Cancelled)]
        );
        assert_eq!(
            read_exclusions(Path::new("x.csv"), &mut s, &Scope::default(), None, "会員ID").unwrap(),
            None
        );
    }

    #[test]
    fn cancel_like_columns_are_found() {
        let names = |s: &Source| s.names();
        let mut flag = source(vec![
            Column::new("id".into(), &["1", "1", "1"]),
            Column::new("キャンセルフラグ".into(), &["0", "1", "1"]),
        ]);
        let n = names(&flag);
        let found = suspect_cancel(Path::new("x"), &mut flag, &n).unwrap().unwrap();
        assert_eq!(
            (found.column.as_str(), found.rows, found.value.as_str()),
            ("キャンセルフラグ", 2, "1")
        );
        let mut status = source(vec![Column::new(
            "受注ステータス".into(),
            &["発送済", "キャンセル済み", "Cancelled", "発送済"],
        )]);
        let n = names(&status);
        let found = suspect_cancel(Path::new("x"), &mut status, &n).unwrap().unwrap();
        assert_eq!(found.rows, 2);
        let mut none = source(vec![Column::new("status".into(), &["shipped", "paid"])]);
        let n = names(&none);
        assert_eq!(suspect_cancel(Path::new("x"), &mut none, &n).unwrap(), None);
    }
}
