//! From a polars frame to typed order columns: finding the configured
//! columns, and reading every cell exactly (strings parsed by hand, native
//! Parquet types converted without going through floats).

use chrono::TimeZone;
use chrono_tz::Tz;
use polars::prelude::*;

use super::intern::{Grouping, IdSource, group_ids};
use super::text::{AMOUNT_EXPECTED, CellProblem, DATE_EXPECTED, YEARS, parse_amount, parse_date};
use crate::dates::{Day, day_from_date};
use crate::money::Money;

/// What a customer id cell must be; guest orders have their own setting.
const CUSTOMER_EXPECTED: &str = "a customer id (for guest orders without one, pass --guest-ids \"\")";

/// A cell that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadCell {
    pub row: usize,
    pub column: String,
    pub value: String,
    pub problem: CellProblem,
    pub expected: &'static str,
}

/// Finds `wanted` among the frame's columns: exactly, or else the one
/// column that matches ignoring case and surrounding blanks.
pub fn find_column<'a>(names: &'a [String], wanted: &str) -> Option<&'a str> {
    if let Some(n) = names.iter().find(|n| n.as_str() == wanted) {
        return Some(n);
    }
    let norm = |s: &str| {
        s.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}')
            .to_lowercase()
    };
    let target = norm(wanted);
    let mut matches = names.iter().filter(|n| norm(n) == target);
    match (matches.next(), matches.next()) {
        (Some(one), None) => Some(one),
        _ => None,
    }
}

/// The column name closest to `wanted`, for a hint: the shortest name that
/// contains what was typed with a short note added (`小計` → `小計(税込)`), else the nearest by edit
/// distance.
pub fn closest<'a>(names: &'a [String], wanted: &str) -> Option<&'a str> {
    let wanted_l = wanted.trim().to_lowercase();
    let containing = names
        .iter()
        .filter(|n| {
            // A note added to the name (`(税込)`, `_jpy`), not a whole
            // header read as one column.
            !wanted_l.is_empty()
                && n.to_lowercase().contains(&wanted_l)
                && n.chars().count() <= wanted_l.chars().count() + 8
                && !n.contains([',', ';', '\t'])
        })
        .min_by_key(|n| n.chars().count());
    if let Some(n) = containing {
        return Some(n);
    }
    names
        .iter()
        .map(|n| (edit_distance(&n.to_lowercase(), &wanted_l), n))
        .filter(|(d, n)| *d <= (n.chars().count().max(wanted.chars().count()) / 2).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, n)| n.as_str())
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
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

/// An id without surrounding blanks (ASCII, ideographic space, BOM).
fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        // The common case, checked without decoding characters.
        (Some(a), Some(z)) if a.is_ascii_alphanumeric() && z.is_ascii_alphanumeric() => s,
        _ => s.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}' || c == '\u{feff}'),
    }
}

/// The customer ids of every row, grouped by id (see [`Grouping`]); ids
/// are trimmed of surrounding blanks and otherwise kept as written
/// (`00012` ≠ `12`). Rows without an id are listed as bad cells.
pub fn read_customers(column: Column, bad_cells: &mut Vec<BadCell>) -> PolarsResult<Grouping> {
    let grouping = {
        let strings = as_strings(&column)?;
        group_ids(&ChunkedIds::new(&strings))
    };
    for &row in grouping.missing() {
        bad_cells.push(bad(&column, row as usize, CellProblem::Empty, CUSTOMER_EXPECTED));
    }
    // The distinct ids are copied: the column is freed here.
    Ok(grouping)
}

/// Polars' array type behind a string column.
type StrArray = <StringType as PolarsDataType>::Array;

/// A string column's ids, chunk by chunk: Parquet row groups arrive as
/// separate chunks, indexed here rather than rechunked (a full copy).
struct ChunkedIds<'a> {
    arrays: Vec<&'a StrArray>,
    starts: Vec<usize>,
}

impl<'a> ChunkedIds<'a> {
    fn new(strings: &'a StringChunked) -> Self {
        let arrays: Vec<&StrArray> = strings.downcast_iter().collect();
        let mut starts = Vec::with_capacity(arrays.len() + 1);
        starts.push(0usize);
        for a in &arrays {
            starts.push(starts.last().expect("starts at 0") + a.len());
        }
        ChunkedIds { arrays, starts }
    }

    fn id(value: Option<&str>) -> Option<&str> {
        value.map(trim).filter(|s| !s.is_empty())
    }
}

impl IdSource for ChunkedIds<'_> {
    fn rows(&self) -> usize {
        *self.starts.last().expect("starts at 0")
    }

    fn get(&self, row: usize) -> Option<&str> {
        let k = self.starts.partition_point(|&start| start <= row) - 1;
        Self::id(self.arrays[k].get(row - self.starts[k]))
    }

    fn each(&self, range: std::ops::Range<usize>, mut f: impl FnMut(usize, Option<&str>)) {
        let mut k = self
            .starts
            .partition_point(|&start| start <= range.start)
            .saturating_sub(1);
        let mut row = range.start;
        while row < range.end && k < self.arrays.len() {
            let (array, start) = (self.arrays[k], self.starts[k]);
            let take = (range.end - row).min(array.len() - (row - start));
            for value in array.iter().skip(row - start).take(take) {
                f(row, Self::id(value));
                row += 1;
            }
            k += 1;
        }
    }
}

/// A date from a typed column, if its year is one the engine accepts (the
/// same range as for text dates: a typo like year 24 would otherwise
/// stretch the snapshots over centuries).
fn in_years(day: Day) -> Result<Day, CellProblem> {
    let year = crate::dates::civil_from_day(day).0;
    if YEARS.contains(&year) {
        Ok(day)
    } else {
        Err(CellProblem::YearOutOfRange)
    }
}

/// The first and last day of the years the engine accepts ([`YEARS`]).
fn day_bounds() -> (Day, Day) {
    let first = crate::dates::day_from_ymd(*YEARS.start(), 1, 1).expect("a real date");
    let last = crate::dates::day_from_ymd(*YEARS.end(), 12, 31).expect("a real date");
    (first, last)
}

/// Converts a numeric column's values with `f` in parallel over row
/// ranges, reading each chunk's values as a slice (no per-row `Option`
/// when a chunk has no nulls). Rows that fail (a null is
/// [`CellProblem::Empty`]) keep `fill` and are listed, ascending.
fn convert<T, O>(
    ca: &ChunkedArray<T>,
    fill: O,
    f: impl Fn(T::Native) -> Result<O, CellProblem> + Sync,
) -> (Vec<O>, Vec<(usize, CellProblem)>)
where
    T: PolarsNumericType,
    O: Copy + Send + Sync,
{
    let arrays: Vec<_> = ca.downcast_iter().collect();
    let mut starts = Vec::with_capacity(arrays.len() + 1);
    starts.push(0usize);
    for a in &arrays {
        starts.push(starts.last().expect("starts at 0") + a.len());
    }
    let mut out = vec![fill; ca.len()];
    let stage = crate::progress::counted(
        format!("converting {}", ca.name()),
        ca.len() as u64,
        crate::progress::Unit::Rows,
    );
    let problems = crate::parallel::fill(&mut out, |begin, piece| {
        let counter = stage.counter();
        let mut problems = Vec::new();
        let end = begin + piece.len();
        let mut k = starts.partition_point(|&s| s <= begin).saturating_sub(1);
        let mut row = begin;
        while row < end && k < arrays.len() {
            let array = arrays[k];
            let from = row - starts[k];
            let take = (end - row).min(array.len() - from);
            let values = &array.values()[from..from + take];
            let dst = &mut piece[row - begin..row - begin + take];
            match array.validity().filter(|v| v.unset_bits() > 0) {
                None => {
                    for (i, (&v, d)) in values.iter().zip(dst.iter_mut()).enumerate() {
                        match f(v) {
                            Ok(o) => *d = o,
                            Err(p) => problems.push((row + i, p)),
                        }
                    }
                }
                Some(valid) => {
                    for (i, (&v, d)) in values.iter().zip(dst.iter_mut()).enumerate() {
                        if !valid.get_bit(from + i) {
                            problems.push((row + i, CellProblem::Empty));
                            continue;
                        }
                        match f(v) {
                            Ok(o) => *d = o,
                            Err(p) => problems.push((row + i, p)),
                        }
                    }
                }
            }
            row += take;
            k += 1;
            counter.inc(take as u64);
        }
        problems
    });
    (out, problems.concat())
}

/// Order dates per row as day numbers.
pub fn read_days(column: &Column, tz: Tz, bad_cells: &mut Vec<BadCell>) -> PolarsResult<Vec<Day>> {
    if unreadable(column, DATE_EXPECTED, bad_cells) {
        return Ok(vec![Day::MIN; column.len()]);
    }
    if column.dtype() == &DataType::Date {
        // Polars dates are days since 1970-01-01, as ours are.
        let (first, last) = day_bounds();
        let (days, problems) = convert(column.date()?.physical(), Day::MIN, |v| {
            if (first..=last).contains(&v) {
                Ok(v)
            } else {
                Err(CellProblem::YearOutOfRange)
            }
        });
        for (row, problem) in problems {
            bad_cells.push(bad(column, row, problem, DATE_EXPECTED));
        }
        return Ok(days);
    }
    let n = column.len();
    let mut days = Vec::with_capacity(n);
    let mut push = |row: usize, value: Result<Day, CellProblem>| match value {
        Ok(day) => days.push(day),
        Err(problem) => {
            bad_cells.push(bad(column, row, problem, DATE_EXPECTED));
            days.push(Day::MIN);
        }
    };
    match column.dtype() {
        DataType::Datetime(unit, zone) => {
            let per_second: i64 = match unit {
                TimeUnit::Nanoseconds => 1_000_000_000,
                TimeUnit::Microseconds => 1_000_000,
                TimeUnit::Milliseconds => 1_000,
            };
            // A zoned datetime is an instant: take its date in the configured
            // zone. A naive one is a wall-clock time: take its date as written.
            let zoned = zone.is_some();
            for (row, v) in column.datetime()?.physical().iter().enumerate() {
                let value = v.ok_or(CellProblem::Empty).and_then(|v| {
                    let secs = v.div_euclid(per_second);
                    let utc = chrono::DateTime::from_timestamp(secs, 0)
                        .ok_or(CellProblem::NoSuchDay)?
                        .naive_utc();
                    let date = if zoned {
                        tz.from_utc_datetime(&utc).date_naive()
                    } else {
                        utc.date()
                    };
                    in_years(day_from_date(date))
                });
                push(row, value);
            }
        }
        _ => {
            for (row, v) in as_strings(column)?.iter().enumerate() {
                push(row, v.ok_or(CellProblem::Empty).and_then(|s| parse_date(s, tz)));
            }
        }
    }
    Ok(days)
}

/// Amounts per row, exactly.
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

pub fn read_amounts(column: &Column, bad_cells: &mut Vec<BadCell>) -> PolarsResult<Vec<Money>> {
    let dtype = column.dtype().clone();
    if unreadable(column, AMOUNT_EXPECTED, bad_cells) {
        return Ok(vec![Money::ZERO; column.len()]);
    }
    if dtype == DataType::UInt64 {
        // Past i64 the value is too large, not empty (a cast would make it null).
        let (amounts, problems) = convert(column.u64()?, Money::ZERO, |v| {
            i64::try_from(v)
                .ok()
                .and_then(Money::from_units)
                .ok_or(CellProblem::TooLarge)
        });
        for (row, problem) in problems {
            bad_cells.push(bad(column, row, problem, AMOUNT_EXPECTED));
        }
        return Ok(amounts);
    }
    if dtype.is_integer() {
        let ints = column.cast(&DataType::Int64)?;
        let (amounts, problems) = convert(ints.i64()?, Money::ZERO, |v| {
            Money::from_units(v).ok_or(CellProblem::TooLarge)
        });
        for (row, problem) in problems {
            bad_cells.push(bad(column, row, problem, AMOUNT_EXPECTED));
        }
        return Ok(amounts);
    }
    let n = column.len();
    let mut amounts = Vec::with_capacity(n);
    let mut push = |row: usize, value: Result<Money, CellProblem>| match value {
        Ok(m) => amounts.push(m),
        Err(problem) => {
            bad_cells.push(bad(column, row, problem, AMOUNT_EXPECTED));
            amounts.push(Money::ZERO);
        }
    };
    if dtype == DataType::Float32 {
        // Read as the shortest decimal of the float32 itself: a float32 0.1
        // is 0.1, not the 0.10000000149011612 of its float64 widening.
        for (row, v) in column.f32()?.iter().enumerate() {
            push(
                row,
                v.ok_or(CellProblem::Empty).and_then(|v| {
                    let text = format!("{v}");
                    if !v.is_finite() || text.contains('e') {
                        Err(CellProblem::NotAnAmount)
                    } else {
                        Money::parse_plain(&text).ok_or(CellProblem::TooManyDecimals)
                    }
                }),
            );
        }
    } else if dtype.is_float() {
        let floats = column.cast(&DataType::Float64)?;
        for (row, v) in floats.f64()?.iter().enumerate() {
            push(
                row,
                v.ok_or(CellProblem::Empty).and_then(|v| {
                    if !v.is_finite() {
                        Err(CellProblem::NotAnAmount)
                    } else {
                        Money::from_f64(v).ok_or(CellProblem::TooManyDecimals)
                    }
                }),
            );
        }
    } else if let DataType::Decimal(_, scale) = dtype {
        let decimals = column.decimal()?;
        for (row, v) in decimals.physical().iter().enumerate() {
            push(
                row,
                v.ok_or(CellProblem::Empty).and_then(|v| decimal_to_money(v, scale)),
            );
        }
    } else {
        for (row, v) in as_strings(column)?.iter().enumerate() {
            push(row, v.ok_or(CellProblem::Empty).and_then(parse_amount));
        }
    }
    Ok(amounts)
}

fn decimal_to_money(value: i128, scale: usize) -> Result<Money, CellProblem> {
    let micros = if scale <= 6 {
        value
            .checked_mul(10_i128.pow((6 - scale) as u32))
            .ok_or(CellProblem::TooLarge)?
    } else {
        let div = 10_i128.pow((scale - 6) as u32);
        if value % div != 0 {
            return Err(CellProblem::TooManyDecimals);
        }
        value / div
    };
    let micros = i64::try_from(micros).map_err(|_| CellProblem::TooLarge)?;
    Ok(Money(micros))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_columns_and_suggests() {
        let names: Vec<String> = ["Customer_ID ", "order_date", "amount"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(find_column(&names, "customer_id"), Some("Customer_ID "));
        assert_eq!(find_column(&names, "amount"), Some("amount"));
        assert_eq!(find_column(&names, "amt"), None);
        assert_eq!(closest(&names, "order_dat"), Some("order_date"));
        assert_eq!(closest(&names, "zzzzzzzz"), None);
        // A name containing what was typed beats a nearer edit.
        let ja: Vec<String> = ["受注番号", "数量", "単価", "小計(税込)", "小計(税込)合計"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(closest(&ja, "小計"), Some("小計(税込)"));
    }

    #[test]
    fn chunked_ids_walk_every_chunk_in_order() {
        let mut strings = StringChunked::from_slice("id".into(), &["a", " b", "", "c"]);
        strings
            .append(&StringChunked::from_slice("id".into(), &["b", "d"]))
            .unwrap();
        strings.append(&StringChunked::from_slice("id".into(), &["a"])).unwrap();
        assert_eq!(strings.chunks().len(), 3);
        let ids = ChunkedIds::new(&strings);
        let mut seen = Vec::new();
        ids.each(1..7, |row, id| seen.push((row, id.map(str::to_string))));
        let expected: Vec<(usize, Option<String>)> = [
            (1, Some("b")),
            (2, None),
            (3, Some("c")),
            (4, Some("b")),
            (5, Some("d")),
            (6, Some("a")),
        ]
        .into_iter()
        .map(|(r, s)| (r, s.map(str::to_string)))
        .collect();
        assert_eq!(seen, expected);
        assert_eq!(ids.get(5), Some("d"));
        let (codes, distinct) = group_ids(&ids).finish();
        assert_eq!(codes, [0, 1, u32::MAX, 2, 1, 3, 0]);
        assert_eq!(distinct.iter().collect::<Vec<_>>(), ["a", "b", "c", "d"]);
    }

    #[test]
    fn decimals_convert_exactly() {
        assert_eq!(decimal_to_money(12345, 2), Ok(Money(123_450_000)));
        assert_eq!(decimal_to_money(1, 7), Err(CellProblem::TooManyDecimals));
        assert_eq!(decimal_to_money(10, 7), Ok(Money(1)));
    }
}
