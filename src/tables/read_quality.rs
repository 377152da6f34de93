//! The run's facts about its input, read back from a tables folder:
//! `rejects.csv` (the rows left out) and `data_quality.csv` (the counts and
//! sums the report's data-quality section shows), as strictly as the other
//! tables.

use std::collections::BTreeMap;
use std::path::Path;

use super::cells::Table;
use super::data_quality::{Counted, DataQuality};
use super::record::Record;
use super::{DATA_QUALITY, REJECTS};
use crate::dates::{Day, parse_iso_day};
use crate::error::{Error, Result};
use crate::ingest::RejectedRow;
use crate::ingest::text::CellProblem;
use crate::money::parse_micros;

/// `rejects.csv`, when the run skipped rows (absent otherwise).
pub(super) fn read_rejects(dir: &Path) -> Result<Vec<RejectedRow>> {
    if !dir.join(REJECTS).exists() {
        return Ok(Vec::new());
    }
    let t = Table::open(dir, REJECTS, &["place", "column", "value", "reason", "problem"])?;
    let mut out = Vec::with_capacity(t.rows.len());
    for r in &t.rows {
        let f = t.fields(r)?;
        let line = f[0]
            .strip_prefix("line ")
            .or_else(|| f[0].strip_prefix("row "))
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| t.bad(r, 0, "not a place", "line N or row N"))?;
        let problem = CellProblem::ALL
            .into_iter()
            .find(|p| p.describe() == f[4] && p.code() == f[3])
            .ok_or_else(|| t.bad(r, 4, "not a known problem", "a problem as cpm describes it"))?;
        out.push(RejectedRow {
            place: f[0].clone(),
            line,
            column: f[1].clone(),
            value: f[2].clone(),
            problem,
        });
    }
    Ok(out)
}

/// `data_quality.csv`: the run's figures about its input.
pub(super) fn read_quality(dir: &Path, rejects: &[RejectedRow]) -> Result<DataQuality> {
    let t = Table::open(dir, DATA_QUALITY, &["metric", "value"])?;
    let mut values: BTreeMap<&str, (&Record, &str)> = BTreeMap::new();
    let mut titles = Vec::new();
    for r in &t.rows {
        let f = t.fields(r)?;
        if f[0] == "title_line" {
            titles.push(f[1].clone());
        } else {
            values.insert(&f[0], (r, &f[1]));
        }
    }
    let get = |key: &str| {
        values
            .get(key)
            .copied()
            .ok_or_else(|| Error::input(&t.path, format!("the metric {key} is missing")))
    };
    let count = |key: &str| -> Result<u64> {
        let (r, v) = get(key)?;
        v.parse().map_err(|_| t.bad(r, 1, "not a count", "a whole number >= 0"))
    };
    let micros = |key: &str| -> Result<i128> {
        let (r, v) = get(key)?;
        parse_micros(v).ok_or_else(|| t.bad(r, 1, "not an amount", "a decimal amount"))
    };
    let day = |key: &str| -> Result<Day> {
        let (r, v) = get(key)?;
        parse_iso_day(v).ok_or_else(|| t.bad(r, 1, "not a date", "a date YYYY-MM-DD"))
    };
    let counted = |key: &str| -> Result<Counted> {
        if !values.contains_key(key) {
            return Ok(Counted::default());
        }
        Ok(Counted {
            rows: count(key)?,
            total: micros(&format!("{key}_total"))?,
        })
    };
    let mut rejected_by_reason = BTreeMap::new();
    let mut rejected_by_column = BTreeMap::new();
    for r in rejects {
        *rejected_by_reason.entry(r.problem.code()).or_default() += 1;
        *rejected_by_column
            .entry((r.problem.code(), r.column.clone()))
            .or_default() += 1;
    }
    let header_line = match get("header_line")? {
        (_, "") => None,
        (r, v) => Some(
            v.parse()
                .map_err(|_| t.bad(r, 1, "not a line number", "a line number"))?,
        ),
    };
    let quality = DataQuality {
        rows_read: count("rows_read")?,
        rows_used: count("rows_used")?,
        rejected_by_reason,
        rejected_by_column,
        rows_rejected: count("rows_rejected")?,
        rows_excluded: count("rows_after_as_of")?,
        // Folders written before scoped runs have no such metric.
        excluded_by_filter: if values.contains_key("excluded_by_filter") {
            count("excluded_by_filter")?
        } else {
            0
        },
        filters: Vec::new(),
        // Folders written before cancel columns and guest ids have none.
        cancelled: counted("cancelled")?,
        guest_orders: counted("guest_orders")?,
        rows_after_today: count("rows_after_today")?,
        return_rows: count("return_rows")?,
        returns_total: micros("returns_total")?,
        purchases_total: micros("purchases_total")?,
        duplicate_rows: count("duplicate_rows")?,
        first_day: day("first_date")?,
        last_day: day("last_date")?,
        as_of: day("as_of")?,
        customers: count("customers")?,
        customers_in_portfolio: count("customers_in_portfolio")?,
        header_line,
        lines_before_header: titles,
        blank_lines: count("blank_lines")?,
    };
    if quality.rows_rejected != rejects.len() as u64 {
        return Err(Error::input(
            &t.path,
            format!(
                "rows_rejected is {}, but rejects.csv lists {} rows",
                quality.rows_rejected,
                rejects.len()
            ),
        ));
    }
    if !quality.balances() {
        return Err(Error::input(
            &t.path,
            "rows_read is not rows_used + rows_rejected + rows_after_as_of + excluded_by_filter + cancelled + guest_orders",
        ));
    }
    Ok(quality)
}
