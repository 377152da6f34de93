//! Exact money: integer millionths of the currency unit.
//!
//! A floating-point sum must never decide which side of a threshold a
//! customer falls on (`99.99 + 0.01` must reach `100`), so every amount is
//! parsed from its decimal text straight into an integer.

use std::fmt;

/// Millionths of a currency unit per unit.
pub(crate) const SCALE: i64 = 1_000_000;
const SCALE_DIGITS: usize = 6;

/// An exact amount of money in millionths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(pub i64);

impl Money {
    pub(crate) const ZERO: Money = Money(0);

    pub fn from_units(units: i64) -> Option<Money> {
        units.checked_mul(SCALE).map(Money)
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// Parses a plain decimal (`-1234`, `1234.5`, `+0.000001`). Anything else,
    /// including more than six decimals, is `None`: rounding would be a silent
    /// change of the user's number.
    pub(crate) fn parse_plain(text: &str) -> Option<Money> {
        let bytes = text.as_bytes();
        let (negative, rest) = match bytes.first()? {
            b'-' => (true, &bytes[1..]),
            b'+' => (false, &bytes[1..]),
            _ => (false, bytes),
        };
        let (int_part, frac_part) = match rest.iter().position(|&b| b == b'.') {
            Some(dot) => (&rest[..dot], &rest[dot + 1..]),
            None => (rest, &rest[rest.len()..]),
        };
        if int_part.is_empty() && frac_part.is_empty() {
            return None;
        }
        if frac_part.len() > SCALE_DIGITS {
            return None;
        }
        let mut units: i64 = 0;
        for &b in int_part {
            if !b.is_ascii_digit() {
                return None;
            }
            units = units.checked_mul(10)?.checked_add(i64::from(b - b'0'))?;
        }
        let mut frac: i64 = 0;
        for &b in frac_part {
            if !b.is_ascii_digit() {
                return None;
            }
            frac = frac * 10 + i64::from(b - b'0');
        }
        frac *= 10_i64.pow((SCALE_DIGITS - frac_part.len()) as u32);
        let micros = units.checked_mul(SCALE)?.checked_add(frac)?;
        Some(Money(if negative { -micros } else { micros }))
    }

    /// Exact conversion of a float written in the shortest form that reads
    /// back as the same float (what a user typed into a spreadsheet).
    pub(crate) fn from_f64(value: f64) -> Option<Money> {
        if !value.is_finite() {
            return None;
        }
        let text = format!("{value}");
        if text.contains('e') {
            return None;
        }
        Money::parse_plain(&text)
    }
}

impl std::ops::Add for Money {
    type Output = Money;
    fn add(self, other: Money) -> Money {
        Money(self.0 + other.0)
    }
}

impl std::ops::AddAssign for Money {
    fn add_assign(&mut self, other: Money) {
        self.0 += other.0;
    }
}

impl fmt::Display for Money {
    /// Decimal text with trailing zeros trimmed: `70000`, `99.99`, `-0.5`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", format_micros(i128::from(self.0)))
    }
}

/// A sum of millionths in currency units, for charts and spreadsheet cells
/// (not for arithmetic: the tables stay exact).
pub(crate) fn micros_to_units(micros: i128) -> f64 {
    micros as f64 / SCALE as f64
}

/// Formats a (possibly large) sum of millionths as decimal text.
pub(crate) fn format_micros(micros: i128) -> String {
    let scale = i128::from(SCALE);
    let sign = if micros < 0 { "-" } else { "" };
    let abs = micros.unsigned_abs();
    let units = abs / scale as u128;
    let frac = abs % scale as u128;
    if frac == 0 {
        format!("{sign}{units}")
    } else {
        let frac = format!("{frac:06}");
        format!("{sign}{units}.{}", frac.trim_end_matches('0'))
    }
}

/// Parses decimal text as [`format_micros`] writes it (`-1234.5`, at most
/// six decimals) back into millionths.
pub(crate) fn parse_micros(text: &str) -> Option<i128> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (units, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if units.is_empty() || units.len() > 30 || frac.len() > 6 || !all_digits(units) || !all_digits(frac) {
        return None;
    }
    if digits.contains('.') && frac.is_empty() {
        return None;
    }
    let value = units.parse::<i128>().ok()? * i128::from(SCALE) + format!("{frac:0<6}").parse::<i128>().ok()?;
    Some(if negative { -value } else { value })
}

/// Appends an integer in decimal to `out`.
pub(crate) fn push_int(out: &mut Vec<u8>, n: i128) {
    if n < 0 {
        out.push(b'-');
    }
    let mut v = n.unsigned_abs();
    let mut digits = [0u8; 40];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

/// Appends millionths as decimal text, as [`format_micros`] writes it.
pub(crate) fn push_micros(out: &mut Vec<u8>, micros: i128) {
    let scale = i128::from(SCALE);
    let (units, frac) = (micros / scale, (micros % scale).unsigned_abs());
    if micros < 0 && units == 0 {
        out.push(b'-');
    }
    push_int(out, units);
    if frac != 0 {
        let mut digits = [0u8; 6];
        let mut v = frac;
        for d in digits.iter_mut().rev() {
            *d = b'0' + (v % 10) as u8;
            v /= 10;
        }
        let len = 6 - digits.iter().rev().take_while(|&&d| d == b'0').count();
        out.push(b'.');
        out.extend_from_slice(&digits[..len]);
    }
}

/// Whole currency units of a sum, rounded half away from zero (for display).
pub(crate) fn round_units(micros: i128) -> i128 {
    let scale = i128::from(SCALE);
    let half = scale / 2;
    if micros >= 0 {
        (micros + half) / scale
    } else {
        (micros - half) / scale
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_sums_exactly() {
        let a = Money::parse_plain("99.99").unwrap();
        let b = Money::parse_plain("0.01").unwrap();
        assert_eq!(a + b, Money::parse_plain("100").unwrap());
        assert_eq!(Money::parse_plain("-1234.5").unwrap().to_string(), "-1234.5");
        assert_eq!(Money::parse_plain(".5").unwrap().to_string(), "0.5");
        assert_eq!(Money::parse_plain("1.0000001"), None);
        assert_eq!(Money::parse_plain("1e3"), None);
        assert_eq!(Money::parse_plain(""), None);
        assert_eq!(Money::parse_plain("-"), None);
        assert_eq!(Money::from_f64(69999.99).unwrap().to_string(), "69999.99");
    }

    #[test]
    fn push_matches_format() {
        for m in [
            0i128,
            1,
            -1,
            999_999,
            -999_999,
            1_000_000,
            -1_500_000,
            123_456_789_012,
            -70_000_000_000,
            5,
        ] {
            let mut out = Vec::new();
            push_micros(&mut out, m);
            assert_eq!(String::from_utf8(out).unwrap(), format_micros(m), "{m}");
        }
    }

    #[test]
    fn formats_large_sums() {
        assert_eq!(format_micros(123_456_789_000_000_i128 * 1000), "123456789000");
        assert_eq!(round_units(2_500_000), 3);
        assert_eq!(round_units(-2_500_000), -3);
    }
}
