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

/// The rows of `data_quality.csv` by metric, each read as its kind.
struct Metrics<'a> {
    t: &'a Table,
    values: BTreeMap<&'a str, &'a Record>,
}

impl<'a> Metrics<'a> {
    /// The metrics, and the title lines before the header (`title_line`
    /// rows, in order).
    fn read(t: &'a Table) -> Result<(Metrics<'a>, Vec<String>)> {
        let mut values = BTreeMap::new();
        let mut titles = Vec::new();
        for r in &t.rows {
            let f = t.fields(r)?;
            if f[0] == "title_line" {
                titles.push(f[1].clone());
            } else {
                values.insert(f[0].as_str(), r);
            }
        }
        Ok((Metrics { t, values }, titles))
    }

    fn has(&self, key: &str) -> bool {
        self.values.contains_key(key)
    }

    fn get(&self, key: &str) -> Result<(&'a Record, &'a str)> {
        self.values
            .get(key)
            .map(|&r| (r, r.fields[1].as_str()))
            .ok_or_else(|| Error::input(&self.t.path, format!("the metric {key} is missing")))
    }

    fn count(&self, key: &str) -> Result<u64> {
        let (r, v) = self.get(key)?;
        v.parse()
            .map_err(|_| self.t.bad(r, 1, "not a count", "a whole number >= 0"))
    }

    /// A count that folders written before it existed do not have: 0.
    fn count_or_zero(&self, key: &str) -> Result<u64> {
        if self.has(key) { self.count(key) } else { Ok(0) }
    }

    fn micros(&self, key: &str) -> Result<i128> {
        let (r, v) = self.get(key)?;
        parse_micros(v).ok_or_else(|| self.t.bad(r, 1, "not an amount", "a decimal amount"))
    }

    fn day(&self, key: &str) -> Result<Day> {
        let (r, v) = self.get(key)?;
        parse_iso_day(v).ok_or_else(|| self.t.bad(r, 1, "not a date", "a date YYYY-MM-DD"))
    }

    /// Rows and their total (`KEY` and `KEY_total`); none in folders
    /// written before the metric existed.
    fn counted(&self, key: &str) -> Result<Counted> {
        if !self.has(key) {
            return Ok(Counted::default());
        }
        Ok(Counted {
            rows: self.count(key)?,
            total: self.micros(&format!("{key}_total"))?,
        })
    }

    /// The header's line number, empty when there was no header line.
    fn header_line(&self) -> Result<Option<u64>> {
        Ok(match self.get("header_line")? {
            (_, "") => None,
            (r, v) => Some(
                v.parse()
                    .map_err(|_| self.t.bad(r, 1, "not a line number", "a line number"))?,
            ),
        })
    }
}

/// The rejected rows counted by reason, and by reason and column.
type RejectCounts = (BTreeMap<&'static str, u64>, BTreeMap<(&'static str, String), u64>);

fn count_rejects(rejects: &[RejectedRow]) -> RejectCounts {
    let mut by_reason = BTreeMap::new();
    let mut by_column = BTreeMap::new();
    for r in rejects {
        *by_reason.entry(r.problem.code()).or_default() += 1;
        *by_column.entry((r.problem.code(), r.column.clone())).or_default() += 1;
    }
    (by_reason, by_column)
}

/// `data_quality.csv`: the run's figures about its input.
pub(super) fn read_quality(dir: &Path, rejects: &[RejectedRow]) -> Result<DataQuality> {
    let t = Table::open(dir, DATA_QUALITY, &["metric", "value"])?;
    let (m, titles) = Metrics::read(&t)?;
    let (rejected_by_reason, rejected_by_column) = count_rejects(rejects);
    let quality = DataQuality {
        rows_read: m.count("rows_read")?,
        rows_used: m.count("rows_used")?,
        rejected_by_reason,
        rejected_by_column,
        rows_rejected: m.count("rows_rejected")?,
        rows_excluded: m.count("rows_after_as_of")?,
        // Folders written before scoped runs have no such metric.
        excluded_by_filter: m.count_or_zero("excluded_by_filter")?,
        filters: Vec::new(),
        // Folders written before cancel columns and guest ids have none.
        cancelled: m.counted("cancelled")?,
        guest_orders: m.counted("guest_orders")?,
        rows_after_today: m.count("rows_after_today")?,
        return_rows: m.count("return_rows")?,
        returns_total: m.micros("returns_total")?,
        purchases_total: m.micros("purchases_total")?,
        duplicate_rows: m.count("duplicate_rows")?,
        first_day: m.day("first_date")?,
        last_day: m.day("last_date")?,
        as_of: m.day("as_of")?,
        customers: m.count("customers")?,
        customers_in_portfolio: m.count("customers_in_portfolio")?,
        header_line: m.header_line()?,
        lines_before_header: titles,
        blank_lines: m.count("blank_lines")?,
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
