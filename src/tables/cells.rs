//! One contract file being read back: its header checked, its records
//! split, and each cell parsed with an error that names the file, the line
//! and the column.

use std::path::{Path, PathBuf};

use super::record::{Record, records};
use crate::dates::{Day, MonthIndex, parse_iso_day, parse_month};
use crate::engine::segments::SegmentLabel;
use crate::error::{BadValue, Error, Result};
use crate::money::parse_micros;

/// One contract file being read: its path and its records after the header.
pub(super) struct Table {
    pub(super) path: PathBuf,
    pub(super) header: Vec<&'static str>,
    pub(super) rows: Vec<Record>,
}

impl Table {
    /// Reads `dir/name` and checks its header is exactly `header`.
    pub(super) fn open(dir: &Path, name: &str, header: &[&'static str]) -> Result<Table> {
        let path = dir.join(name);
        let text = read_text(&path)?;
        let mut rows = records(&text).map_err(|line| {
            Error::input(
                &path,
                format!("line {line}: a quoted field is not closed or a quote is misplaced"),
            )
        })?;
        if rows.is_empty() {
            return Err(Error::input(&path, "the file is empty (expected a header line)"));
        }
        let found = rows.remove(0).fields;
        if found != header {
            return Err(Error::input(
                &path,
                format!(
                    "line 1: the header is {:?}, expected {:?} (written by another version of cpm, or not a cpm table)",
                    found.join(","),
                    header.join(",")
                ),
            ));
        }
        Ok(Table {
            path,
            header: header.to_vec(),
            rows,
        })
    }

    pub(super) fn bad(&self, r: &Record, col: usize, problem: &str, expected: &str) -> Error {
        Error::BadValue(Box::new(BadValue {
            path: self.path.clone(),
            place: format!("line {}", r.line),
            column: self.header[col].to_string(),
            value: r.fields.get(col).cloned().unwrap_or_default(),
            problem: problem.to_string(),
            expected: expected.to_string(),
        }))
    }

    /// The record's fields, checked to be as many as the header's.
    pub(super) fn fields<'r>(&self, r: &'r Record) -> Result<&'r [String]> {
        if r.fields.len() != self.header.len() {
            return Err(Error::input(
                &self.path,
                format!(
                    "line {}: {} fields, expected {} ({})",
                    r.line,
                    r.fields.len(),
                    self.header.len(),
                    self.header.join(",")
                ),
            ));
        }
        Ok(&r.fields)
    }

    pub(super) fn count(&self, r: &Record, col: usize) -> Result<u64> {
        r.fields[col]
            .parse()
            .map_err(|_| self.bad(r, col, "not a count", "a whole number >= 0"))
    }

    pub(super) fn int(&self, r: &Record, col: usize) -> Result<i64> {
        r.fields[col]
            .parse()
            .map_err(|_| self.bad(r, col, "not a whole number", "a whole number"))
    }

    pub(super) fn day(&self, r: &Record, col: usize) -> Result<Day> {
        parse_iso_day(&r.fields[col]).ok_or_else(|| self.bad(r, col, "not a date", "a date YYYY-MM-DD"))
    }

    pub(super) fn month(&self, r: &Record, col: usize) -> Result<MonthIndex> {
        parse_month(&r.fields[col]).ok_or_else(|| self.bad(r, col, "not a month", "a month YYYY-MM"))
    }

    pub(super) fn micros(&self, r: &Record, col: usize) -> Result<i128> {
        parse_micros(&r.fields[col]).ok_or_else(|| {
            self.bad(
                r,
                col,
                "not an amount",
                "a decimal amount with at most 6 decimals, e.g. -1234.5",
            )
        })
    }

    pub(super) fn segment(&self, r: &Record, col: usize, labels: &[SegmentLabel]) -> Result<usize> {
        let id = &r.fields[col];
        labels.iter().position(|l| l.id == id).ok_or_else(|| {
            let known: Vec<_> = labels.iter().map(|l| l.id).collect();
            self.bad(
                r,
                col,
                "not a segment of these rules",
                &format!("one of {}", known.join(", ")),
            )
        })
    }

    pub(super) fn error(&self, r: &Record, message: impl std::fmt::Display) -> Error {
        Error::input(&self.path, format!("line {}: {message}", r.line))
    }
}

pub(super) fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    String::from_utf8(bytes).map_err(|_| Error::input(path, "not UTF-8 text"))
}
