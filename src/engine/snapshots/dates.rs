//! Which days a run snapshots, and the month index of a day: the calendar
//! side of the month-end walk, kept apart so the fold works on month
//! numbers only.

use crate::dates::{Day, last_day_of_month, month_of};
use crate::error::{Error, Result};

/// Snapshot dates (spec section 4). Without `as_of`: every month-end from
/// the month of the earliest purchase through the last month-end on or
/// before the latest row. With `as_of`: the month-ends before it, then the
/// as-of date itself.
pub fn snapshot_days(earliest_purchase: Day, latest_row: Day, as_of: Option<Day>) -> Result<Vec<Day>> {
    let first_month = month_of(earliest_purchase);
    let mut days = Vec::new();
    match as_of {
        Some(as_of) => {
            if as_of < earliest_purchase {
                return Err(Error::NoData(format!(
                    "no purchase on or before the as-of date {}",
                    crate::dates::format_day(as_of)
                )));
            }
            let mut m = first_month;
            while last_day_of_month(m) < as_of {
                days.push(last_day_of_month(m));
                m += 1;
            }
            days.push(as_of);
        }
        None => {
            let mut m = first_month;
            while last_day_of_month(m) <= latest_row {
                days.push(last_day_of_month(m));
                m += 1;
            }
            if days.is_empty() {
                return Err(Error::NoData(format!(
                    "the data ends on {} and covers no whole month yet: no month-end to snapshot. \
                     Pass --as-of YYYY-MM-DD to snapshot a part-covered month",
                    crate::dates::format_day(latest_row)
                )));
            }
        }
    }
    Ok(days)
}

/// Month index (0-based, from the first snapshot's month) of a day on or
/// before the last snapshot, by table look-up. Earlier days (returns before
/// anyone's first purchase) fall into month 0 for the customer's state, but
/// their amounts are no month's sales: sales are those dated in the month.
pub(crate) struct MonthMap {
    pub(super) base: Day,
    index: Vec<u32>,
}

impl MonthMap {
    pub fn new(snapshots: &[Day]) -> Self {
        let first_month = month_of(snapshots[0]);
        let base = crate::dates::first_day_of_month(first_month);
        let last = *snapshots.last().expect("at least one snapshot");
        let mut index = Vec::with_capacity((last - base + 1).max(0) as usize);
        let mut m = 0u32;
        let mut month_end = last_day_of_month(first_month);
        for day in base..=last {
            if day > month_end {
                m += 1;
                month_end = last_day_of_month(first_month + m as i32);
            }
            index.push(m);
        }
        MonthMap { base, index }
    }

    pub(super) fn index(&self, day: Day) -> usize {
        if day < self.base {
            0
        } else {
            self.index[(day - self.base) as usize] as usize
        }
    }
}
