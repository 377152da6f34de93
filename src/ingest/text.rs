//! Parsing the date and amount cells that real order exports contain.
//!
//! Hand-written rather than regex- or chrono-format-driven because the same
//! column mixes `2024-03-05`, `2024/3/5`, `20240305`, `2024年3月5日`,
//! full-width digits and ISO datetimes with offsets, and because each
//! failure must say what was expected.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use chrono_tz::Tz;

use crate::dates::{Day, day_from_date};
use crate::money::Money;

pub(crate) const DATE_EXPECTED: &str = "a date such as 2024-03-05, 2024/3/5, 20240305, 2024年3月5日 or an ISO datetime such as 2024-03-05T10:00:00+09:00, in the years 1900-2199";
pub(crate) const AMOUNT_EXPECTED: &str = "an amount such as 1234, -500, 1,234.50 or ¥1,234 (at most 6 decimals)";

/// Years a date may have: anything else is a typo (`0024-03-05`) or a
/// placeholder (`9999-12-31`), and would stretch the monthly snapshots over
/// centuries.
pub(crate) const YEARS: std::ops::RangeInclusive<i32> = 1900..=2199;

/// Why a cell (or a whole row) could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellProblem {
    Empty,
    NotADate,
    NoSuchDay,
    /// A real date, but outside [`YEARS`].
    YearOutOfRange,
    NotAnAmount,
    TooManyDecimals,
    TooLarge,
    /// The header line again, in the middle of the file (concatenated
    /// exports): left out and counted, in strict mode too.
    RepeatedHeader,
    /// A row that cannot be split into fields because of its quotes.
    BadQuotes,
    /// A row with more fields than the header.
    TooManyFields,
}

impl CellProblem {
    /// Every problem, for reading `rejects.csv` back.
    pub(crate) const ALL: [CellProblem; 10] = [
        CellProblem::Empty,
        CellProblem::NotADate,
        CellProblem::NoSuchDay,
        CellProblem::YearOutOfRange,
        CellProblem::NotAnAmount,
        CellProblem::TooManyDecimals,
        CellProblem::TooLarge,
        CellProblem::RepeatedHeader,
        CellProblem::BadQuotes,
        CellProblem::TooManyFields,
    ];

    pub(crate) fn describe(self) -> &'static str {
        match self {
            CellProblem::Empty => "empty value",
            CellProblem::NotADate => "not a date",
            CellProblem::NoSuchDay => "no such calendar day",
            CellProblem::YearOutOfRange => "year out of range",
            CellProblem::NotAnAmount => "not an amount",
            CellProblem::TooManyDecimals => "more than 6 decimals",
            CellProblem::TooLarge => "amount too large",
            CellProblem::RepeatedHeader => "the header line repeated",
            CellProblem::BadQuotes => "badly quoted field",
            CellProblem::TooManyFields => "more fields than the header",
        }
    }

    /// Short machine-friendly reason, for counts of rejected rows.
    pub fn code(self) -> &'static str {
        match self {
            CellProblem::Empty => "empty",
            CellProblem::NotADate | CellProblem::NoSuchDay | CellProblem::YearOutOfRange => "bad_date",
            CellProblem::NotAnAmount | CellProblem::TooManyDecimals | CellProblem::TooLarge => "bad_amount",
            CellProblem::RepeatedHeader => "repeated_header",
            CellProblem::BadQuotes => "bad_quotes",
            CellProblem::TooManyFields => "too_many_fields",
        }
    }
}

fn is_blank(c: char) -> bool {
    c.is_whitespace() || c == '\u{3000}' || c == '\u{feff}'
}

/// Maps full-width digits and punctuation to ASCII; `None` when nothing
/// needed mapping, so the common ASCII path allocates nothing.
fn to_ascii_form(text: &str, extra: impl Fn(char) -> Option<&'static str>) -> Option<String> {
    if text.is_ascii() {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '０'..='９' => out.push(char::from(b'0' + (c as u32 - '０' as u32) as u8)),
            '／' => out.push('/'),
            '－' | '−' | '‐' | 'ー' => out.push('-'),
            '：' => out.push(':'),
            '．' => out.push('.'),
            '，' => out.push(','),
            '＋' => out.push('+'),
            'Ｔ' => out.push('T'),
            'Ｚ' => out.push('Z'),
            '\u{3000}' => out.push(' '),
            _ => match extra(c) {
                Some(s) => out.push_str(s),
                None => out.push(c),
            },
        }
    }
    Some(out)
}

/// Reads a date cell; a datetime with an offset is converted to `tz` before
/// its date is taken (spec section 1), one without is taken as written.
pub(crate) fn parse_date(text: &str, tz: Tz) -> Result<Day, CellProblem> {
    let trimmed = text.trim_matches(is_blank);
    if trimmed.is_empty() {
        return Err(CellProblem::Empty);
    }
    let converted = to_ascii_form(trimmed, |c| match c {
        '年' | '月' => Some("/"),
        '日' => Some(" "),
        _ => None,
    });
    let s = converted.as_deref().map_or(trimmed, |s| s.trim());
    parse_ascii_date(s.as_bytes(), tz)
}

fn digits(bytes: &[u8], at: usize, min: usize, max: usize) -> Option<(u32, usize)> {
    let mut value = 0u32;
    let mut n = 0;
    while n < max && at + n < bytes.len() && bytes[at + n].is_ascii_digit() {
        value = value * 10 + u32::from(bytes[at + n] - b'0');
        n += 1;
    }
    (n >= min).then_some((value, at + n))
}

fn parse_ascii_date(b: &[u8], tz: Tz) -> Result<Day, CellProblem> {
    let bad = CellProblem::NotADate;
    let (year, mut at) = digits(b, 0, 4, 4).ok_or(bad)?;
    let (month, day);
    if at < b.len() && b[at].is_ascii_digit() {
        // YYYYMMDD
        let (m, next) = digits(b, at, 2, 2).ok_or(bad)?;
        let (d, next) = digits(b, next, 2, 2).ok_or(bad)?;
        if next < b.len() && b[next].is_ascii_digit() {
            return Err(bad);
        }
        (month, day, at) = (m, d, next);
    } else {
        let sep = *b.get(at).ok_or(bad)?;
        if !matches!(sep, b'-' | b'/' | b'.') {
            return Err(bad);
        }
        let (m, next) = digits(b, at + 1, 1, 2).ok_or(bad)?;
        if b.get(next) != Some(&sep) {
            return Err(bad);
        }
        let (d, next) = digits(b, next + 1, 1, 2).ok_or(bad)?;
        if next < b.len() && b[next].is_ascii_digit() {
            return Err(bad);
        }
        (month, day, at) = (m, d, next);
    }
    // The shape first (`2024-03-0x` is not a date), then the calendar.
    let rest = &b[at..];
    let time = if rest.iter().all(|c| c.is_ascii_whitespace()) {
        None
    } else {
        if !matches!(rest[0], b'T' | b't' | b' ') {
            return Err(bad);
        }
        Some(parse_time_and_offset(rest[1..].trim_ascii()).ok_or(bad)?)
    };
    let date = NaiveDate::from_ymd_opt(year as i32, month, day).ok_or(CellProblem::NoSuchDay)?;
    if !YEARS.contains(&(year as i32)) {
        return Err(CellProblem::YearOutOfRange);
    }
    match time {
        None | Some((_, None)) => Ok(day_from_date(date)),
        Some((time, Some(offset_seconds))) => {
            let utc = NaiveDateTime::new(date, time) - chrono::Duration::seconds(i64::from(offset_seconds));
            Ok(day_from_date(tz.from_utc_datetime(&utc).date_naive()))
        }
    }
}

/// `HH:MM[:SS[.fff]]` then an optional `Z`, `±HH`, `±HHMM` or `±HH:MM`.
fn parse_time_and_offset(b: &[u8]) -> Option<(NaiveTime, Option<i32>)> {
    let (h, at) = digits(b, 0, 1, 2)?;
    if b.get(at) != Some(&b':') {
        return None;
    }
    let (m, mut at) = digits(b, at + 1, 2, 2)?;
    let mut s = 0;
    if b.get(at) == Some(&b':') {
        let (sec, next) = digits(b, at + 1, 2, 2)?;
        s = sec;
        at = next;
        if b.get(at) == Some(&b'.') || b.get(at) == Some(&b',') {
            let (_, next) = digits(b, at + 1, 1, 9)?;
            at = next;
        }
    }
    let time = NaiveTime::from_hms_opt(h, m, s)?;
    let rest = b[at..].trim_ascii_start();
    if rest.is_empty() {
        return Some((time, None));
    }
    if rest == b"Z" || rest == b"z" || rest.eq_ignore_ascii_case(b"UTC") {
        return Some((time, Some(0)));
    }
    let sign = match rest[0] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let (oh, at) = digits(rest, 1, 2, 2)?;
    let mut om = 0;
    let mut at = at;
    if rest.get(at) == Some(&b':') {
        at += 1;
    }
    if at < rest.len() {
        let (mm, next) = digits(rest, at, 2, 2)?;
        om = mm;
        at = next;
    }
    if at != rest.len() || oh > 23 || om > 59 {
        return None;
    }
    Some((time, Some(sign * (oh as i32 * 3600 + om as i32 * 60))))
}

/// Reads an amount cell: optional sign (`-`, `▲`, `△`, or accounting
/// parentheses), optional currency mark (`¥`, `￥`, `$`, a trailing `円`),
/// thousands separators, up to six decimals.
pub fn parse_amount(text: &str) -> Result<Money, CellProblem> {
    let trimmed = text.trim_matches(is_blank);
    if trimmed.is_empty() {
        return Err(CellProblem::Empty);
    }
    if let Some(m) = Money::parse_plain(trimmed) {
        return Ok(m);
    }
    let converted = to_ascii_form(trimmed, |c| match c {
        '¥' | '￥' | '円' => Some("\u{a5}"),
        '▲' | '△' => Some("-"),
        _ => None,
    });
    let s = converted.as_deref().unwrap_or(trimmed);
    let mut s = s.trim_matches(is_blank);
    let mut negative = false;
    if let Some(inner) = s.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        negative = true;
        s = inner.trim();
    }
    // Sign and currency mark may come in either order: -¥1,234 or ¥-1,234.
    for _ in 0..2 {
        if let Some(rest) = s.strip_prefix('-') {
            negative = !negative;
            s = rest.trim_start();
        } else if let Some(rest) = s.strip_prefix('+') {
            s = rest.trim_start();
        }
        // In Shift_JIS the yen sign is byte 0x5C, which decodes as a backslash.
        if let Some(rest) = s.strip_prefix(['\u{a5}', '$', '\\']) {
            s = rest.trim_start();
        }
    }
    s = s.strip_suffix('\u{a5}').unwrap_or(s).trim_end();
    let (int_part, frac_part) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    let plain_int = strip_thousands(int_part).ok_or(CellProblem::NotAnAmount)?;
    let mut plain = plain_int;
    if let Some(frac) = frac_part {
        if frac.is_empty() || !frac.bytes().all(|c| c.is_ascii_digit()) {
            return Err(CellProblem::NotAnAmount);
        }
        if frac.len() > 6 {
            return Err(CellProblem::TooManyDecimals);
        }
        plain.push('.');
        plain.push_str(frac);
    }
    let value = Money::parse_plain(&plain).ok_or(CellProblem::TooLarge)?;
    Ok(if negative { Money(-value.0) } else { value })
}

/// `1,234,567` → `1234567`; separators only between groups of three.
fn strip_thousands(int_part: &str) -> Option<String> {
    if int_part.is_empty() || !int_part.bytes().all(|c| c.is_ascii_digit() || c == b',') {
        return None;
    }
    if int_part.contains(',') {
        let groups: Vec<&str> = int_part.split(',').collect();
        let head_ok = !groups[0].is_empty() && groups[0].len() <= 3;
        if !head_ok || groups[1..].iter().any(|g| g.len() != 3) {
            return None;
        }
    }
    Some(int_part.replace(',', ""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::day_from_ymd;

    const TOKYO: Tz = chrono_tz::Asia::Tokyo;

    fn d(y: i32, m: u32, dd: u32) -> Day {
        day_from_ymd(y, m, dd).unwrap()
    }

    #[test]
    fn date_forms() {
        for text in [
            "2024-03-05",
            "2024/03/05",
            "2024/3/5",
            "20240305",
            "2024年3月5日",
            "２０２４／３／５",
            " 2024-03-05 ",
            "2024.3.5",
            "2024-03-05 23:59",
            "2024-03-05T10:00:00",
        ] {
            assert_eq!(parse_date(text, TOKYO), Ok(d(2024, 3, 5)), "{text}");
        }
        assert_eq!(parse_date("2024-02-30", TOKYO), Err(CellProblem::NoSuchDay));
        assert_eq!(parse_date("05/03/2024", TOKYO), Err(CellProblem::NotADate));
        assert_eq!(parse_date("", TOKYO), Err(CellProblem::Empty));
        assert_eq!(parse_date("2024-03-05x", TOKYO), Err(CellProblem::NotADate));
        assert_eq!(parse_date("202403051", TOKYO), Err(CellProblem::NotADate));
        assert_eq!(parse_date("2024-03-0x", TOKYO), Err(CellProblem::NotADate));
        assert_eq!(parse_date("2024-02-30 10:00", TOKYO), Err(CellProblem::NoSuchDay));
        assert_eq!(parse_date("2024-02-30 25:00", TOKYO), Err(CellProblem::NotADate));
        assert_eq!(parse_date("0024-03-05", TOKYO), Err(CellProblem::YearOutOfRange));
        assert_eq!(parse_date("9999-12-31", TOKYO), Err(CellProblem::YearOutOfRange));
        assert_eq!(parse_date("1900-01-01", TOKYO), Ok(d(1900, 1, 1)));
        assert_eq!(parse_date("2199-12-31T23:59:59+09:00", TOKYO), Ok(d(2199, 12, 31)));
    }

    #[test]
    fn offsets_convert_to_the_configured_zone() {
        // 15:30 UTC on the 4th is 00:30 on the 5th in Tokyo.
        assert_eq!(parse_date("2024-03-04T15:30:00Z", TOKYO), Ok(d(2024, 3, 5)));
        assert_eq!(parse_date("2024-03-04T15:30:00+00:00", TOKYO), Ok(d(2024, 3, 5)));
        assert_eq!(parse_date("2024-03-05T08:59:59+0900", TOKYO), Ok(d(2024, 3, 5)));
        assert_eq!(parse_date("2024-03-04T14:59:59.123Z", TOKYO), Ok(d(2024, 3, 4)));
        assert_eq!(
            parse_date("2024-03-05T01:00:00-05:00", chrono_tz::UTC),
            Ok(d(2024, 3, 5))
        );
        assert_eq!(
            parse_date("2024-03-05T20:00:00-05:00", chrono_tz::UTC),
            Ok(d(2024, 3, 6))
        );
    }

    #[test]
    fn amount_forms() {
        let m = |t: &str| parse_amount(t).map(|m| m.to_string());
        assert_eq!(m("1234"), Ok("1234".into()));
        assert_eq!(m("-500"), Ok("-500".into()));
        assert_eq!(m("1,234.50"), Ok("1234.5".into()));
        assert_eq!(m("¥1,234"), Ok("1234".into()));
        assert_eq!(m("￥１，２３４"), Ok("1234".into()));
        assert_eq!(m("-¥1,234"), Ok("-1234".into()));
        assert_eq!(m("¥-1,234"), Ok("-1234".into()));
        assert_eq!(m("▲1,234"), Ok("-1234".into()));
        assert_eq!(m("(1,234)"), Ok("-1234".into()));
        assert_eq!(m("1234円"), Ok("1234".into()));
        assert_eq!(m("$12.34"), Ok("12.34".into()));
        assert_eq!(m("\\1,234"), Ok("1234".into()));
        assert_eq!(m("0.0000001"), Err(CellProblem::TooManyDecimals));
        assert_eq!(m("12,34"), Err(CellProblem::NotAnAmount));
        assert_eq!(m("abc"), Err(CellProblem::NotAnAmount));
        assert_eq!(m(" "), Err(CellProblem::Empty));
        assert_eq!(m("99999999999999999999"), Err(CellProblem::TooLarge));
    }
}
