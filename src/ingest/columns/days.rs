//! The date column: polars dates taken as they are, datetimes by their
//! date (in the configured zone when zoned), text parsed by hand; every
//! date within the years the engine accepts.

use chrono::TimeZone;
use chrono_tz::Tz;
use polars::prelude::*;

use super::convert::convert;
use super::{BadCell, as_strings, bad, unreadable};
use crate::dates::{Day, day_from_date};
use crate::ingest::text::{CellProblem, DATE_EXPECTED, YEARS, parse_date};

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

/// Order dates per row as day numbers.
pub(crate) fn read_days(column: &Column, tz: Tz, bad_cells: &mut Vec<BadCell>) -> PolarsResult<Vec<Day>> {
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
