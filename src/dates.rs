//! Calendar arithmetic on plain day numbers.
//!
//! The engine works on `Day` = days since 1970-01-01 so that tenure and
//! recency are integer subtractions; chrono is used only at the edges.

use chrono::{Datelike, NaiveDate};

/// Days since 1970-01-01 (negative before it).
pub type Day = i32;

/// `NaiveDate::num_days_from_ce()` of 1970-01-01.
const EPOCH_FROM_CE: i32 = 719_163;

pub(crate) fn day_from_date(date: NaiveDate) -> Day {
    date.num_days_from_ce() - EPOCH_FROM_CE
}

pub(crate) fn date_from_day(day: Day) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt(day + EPOCH_FROM_CE).expect("day numbers come from valid dates")
}

/// Day number of a calendar date, or `None` when the date does not exist.
pub fn day_from_ymd(year: i32, month: u32, day: u32) -> Option<Day> {
    NaiveDate::from_ymd_opt(year, month, day).map(day_from_date)
}

/// `YYYY-MM-DD`.
pub fn format_day(day: Day) -> String {
    date_from_day(day).format("%Y-%m-%d").to_string()
}

/// `YYYY-MM`.
pub fn format_month(month: MonthIndex) -> String {
    let (y, m) = year_month(month);
    format!("{y:04}-{m:02}")
}

/// Months counted from year 0: `year * 12 + (month - 1)`.
pub(crate) type MonthIndex = i32;

pub fn month_of(day: Day) -> MonthIndex {
    let d = date_from_day(day);
    d.year() * 12 + d.month0() as i32
}

pub(crate) fn year_month(month: MonthIndex) -> (i32, u32) {
    (month.div_euclid(12), month.rem_euclid(12) as u32 + 1)
}

pub fn first_day_of_month(month: MonthIndex) -> Day {
    let (y, m) = year_month(month);
    day_from_ymd(y, m, 1).expect("first of a month exists")
}

pub fn last_day_of_month(month: MonthIndex) -> Day {
    first_day_of_month(month + 1) - 1
}

pub(crate) fn is_month_end(day: Day) -> bool {
    last_day_of_month(month_of(day)) == day
}

/// Parses a strict `YYYY-MM-DD` (used for flags and config values).
pub fn parse_iso_day(text: &str) -> Option<Day> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .ok()
        .map(day_from_date)
}

/// Parses `YYYY-MM` into a month index.
pub fn parse_month(text: &str) -> Option<MonthIndex> {
    let (y, m) = text.trim().split_once('-')?;
    if y.len() != 4 || m.is_empty() || m.len() > 2 {
        return None;
    }
    let y: i32 = y.parse().ok()?;
    let m: u32 = m.parse().ok()?;
    (1..=12).contains(&m).then_some(y * 12 + m as i32 - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_and_month_ends() {
        assert_eq!(day_from_ymd(1970, 1, 1), Some(0));
        assert_eq!(format_day(day_from_ymd(2024, 2, 29).unwrap()), "2024-02-29");
        let feb = month_of(day_from_ymd(2024, 2, 10).unwrap());
        assert_eq!(format_day(last_day_of_month(feb)), "2024-02-29");
        assert!(is_month_end(day_from_ymd(2023, 12, 31).unwrap()));
        assert!(!is_month_end(day_from_ymd(2023, 12, 30).unwrap()));
        assert_eq!(parse_month("2024-03"), Some(2024 * 12 + 2));
        assert_eq!(format_month(2024 * 12 + 2), "2024-03");
        assert_eq!(parse_month("2024-13"), None);
    }
}

/// Year, month, day of a day number (Howard Hinnant's `civil_from_days`):
/// integer arithmetic only, for writing millions of dates quickly.
pub(crate) fn civil_from_day(day: Day) -> (i32, u32, u32) {
    let z = i64::from(day) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = (yoe + era * 400 + i64::from(m <= 2)) as i32;
    (y, m, d)
}

/// Appends `YYYY-MM-DD` to `out`.
pub(crate) fn push_day(out: &mut Vec<u8>, day: Day) {
    let (y, m, d) = civil_from_day(day);
    if (0..=9999).contains(&y) {
        let y = y as u32;
        out.extend_from_slice(&[
            b'0' + (y / 1000) as u8,
            b'0' + (y / 100 % 10) as u8,
            b'0' + (y / 10 % 10) as u8,
            b'0' + (y % 10) as u8,
            b'-',
            b'0' + (m / 10) as u8,
            b'0' + (m % 10) as u8,
            b'-',
            b'0' + (d / 10) as u8,
            b'0' + (d % 10) as u8,
        ]);
    } else {
        out.extend_from_slice(format_day(day).as_bytes());
    }
}

#[cfg(test)]
mod civil_tests {
    use super::*;

    #[test]
    fn civil_matches_chrono() {
        for day in (-800_000..800_000).step_by(7) {
            let date = date_from_day(day);
            assert_eq!(
                civil_from_day(day),
                (date.year(), date.month(), date.day()),
                "day {day}"
            );
        }
        let mut out = Vec::new();
        push_day(&mut out, day_from_ymd(2024, 2, 29).unwrap());
        assert_eq!(out, b"2024-02-29");
    }
}
