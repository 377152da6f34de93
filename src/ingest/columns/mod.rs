//! From a polars frame to typed order columns: finding the configured
//! columns, and reading every cell exactly (strings parsed by hand, native
//! Parquet types converted without going through floats).

//!
//! One file per column kind: `names` finds the columns, `customers`,
//! `days` and `amounts` read them, `convert` is the parallel path for
//! native numeric columns.

mod amounts;
mod convert;
mod customers;
mod days;
mod names;

use polars::prelude::*;

pub(crate) use self::amounts::read_amounts;
pub(crate) use self::customers::read_customers;
pub(crate) use self::days::read_days;
pub(crate) use self::names::{closest, find_column};
use super::text::{CellProblem, DATE_EXPECTED};

/// A cell that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BadCell {
    pub(crate) row: usize,
    pub(crate) column: String,
    pub(crate) value: String,
    pub(crate) problem: CellProblem,
    pub(crate) expected: &'static str,
}

fn raw_value(column: &Column, row: usize) -> String {
    match column.get(row) {
        Ok(AnyValue::Null) | Err(_) => String::new(),
        Ok(AnyValue::String(s)) => s.to_string(),
        Ok(other) => other.to_string(),
    }
}

fn bad(column: &Column, row: usize, problem: CellProblem, expected: &'static str) -> BadCell {
    BadCell {
        row,
        column: column.name().to_string(),
        value: raw_value(column, row),
        problem,
        expected,
    }
}

fn as_strings(column: &Column) -> PolarsResult<StringChunked> {
    Ok(column.cast(&DataType::String)?.str()?.clone())
}

/// Binary and nested (list) columns hold no text a cell could be read
/// from: every row is refused, named by row and column.
fn unreadable(column: &Column, expected: &'static str, bad_cells: &mut Vec<BadCell>) -> bool {
    let dtype = column.dtype();
    if !(dtype.is_nested() || matches!(dtype, DataType::Binary | DataType::BinaryOffset)) {
        return false;
    }
    let problem = if expected == DATE_EXPECTED {
        CellProblem::NotADate
    } else {
        CellProblem::NotAnAmount
    };
    bad_cells.extend((0..column.len()).map(|row| bad(column, row, problem, expected)));
    true
}

/// Polars' array type behind a string column.
type StrArray = <StringType as PolarsDataType>::Array;

/// A string column chunk by chunk: Parquet row groups arrive as separate
/// chunks, indexed here rather than rechunked (a full copy).
pub(crate) struct StrChunks<'a> {
    arrays: Vec<&'a StrArray>,
    starts: Vec<usize>,
}

impl<'a> StrChunks<'a> {
    pub(crate) fn new(strings: &'a StringChunked) -> Self {
        let arrays: Vec<&StrArray> = strings.downcast_iter().collect();
        let mut starts = Vec::with_capacity(arrays.len() + 1);
        starts.push(0usize);
        for a in &arrays {
            starts.push(starts.last().expect("starts at 0") + a.len());
        }
        StrChunks { arrays, starts }
    }

    pub(crate) fn rows(&self) -> usize {
        *self.starts.last().expect("starts at 0")
    }

    /// The cell of `row` as written (`None`: null).
    pub(crate) fn get(&self, row: usize) -> Option<&'a str> {
        let k = self.starts.partition_point(|&start| start <= row) - 1;
        self.arrays[k].get(row - self.starts[k])
    }

    /// Calls `f(row, cell)` for every row in `range`, in order.
    pub(crate) fn each(&self, range: std::ops::Range<usize>, mut f: impl FnMut(usize, Option<&'a str>)) {
        let mut k = self
            .starts
            .partition_point(|&start| start <= range.start)
            .saturating_sub(1);
        let mut row = range.start;
        while row < range.end && k < self.arrays.len() {
            let (array, start) = (self.arrays[k], self.starts[k]);
            let take = (range.end - row).min(array.len() - (row - start));
            for value in array.iter().skip(row - start).take(take) {
                f(row, value);
                row += 1;
            }
            k += 1;
        }
    }
}
