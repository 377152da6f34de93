//! The kinds of value a setting takes and how each is written: parsed and
//! range-checked from text (a flag, `--set`, a config file's value), and
//! written back for people (the rules line, what changed) and as TOML that
//! reads back as the same setting. Kept apart from the settings table so
//! that the table stays a list of rows.

use chrono_tz::Tz;

use super::Scheme;
use crate::engine::lifecycle::Share;
use crate::ingest::csv::Encoding;
use crate::money::Money;

/// What a setting's value is, with its allowed range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A whole number in `min..=max`.
    Whole { min: i64, max: i64, unit: &'static str },
    /// An exact decimal amount, at least 0.
    Amount,
    /// An exact decimal amount, or `off` (unset).
    AmountOrOff,
    /// An exact decimal from 0 to 1 with at most six decimals.
    Share,
    /// A fraction from 0 to 1 (a planning figure, not a threshold).
    Fraction,
    /// Non-empty text (a column name).
    Text,
    /// Values separated by commas, written like a CSV record (`""` is the
    /// blank value), as `--where` takes them.
    List,
    /// An IANA time zone name.
    TimeZone,
    /// `cpm` or `lifecycle`.
    Scheme,
    /// A text encoding of the order file, or `detect`.
    Encoding,
    /// A field delimiter of the order file, or `detect`.
    Delimiter,
    /// On or off: `true`/`false` in a config file, the bare flag on the
    /// command line.
    Switch,
}

/// A setting's value, checked against its [`Kind`].
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Whole(i64),
    Amount(Money),
    Off,
    Share(Share),
    Fraction(f64),
    Text(String),
    /// Trimmed values, in the order given.
    List(Vec<String>),
    TimeZone(Tz),
    Scheme(Scheme),
    /// `None`: detect (BOM, UTF-8, else Shift_JIS).
    Encoding(Option<Encoding>),
    /// `None`: detect from the header line.
    Delimiter(Option<u8>),
    Switch(bool),
}

/// The delimiters a setting can name, with their names.
const DELIMITERS: [(&str, u8); 3] = [("comma", b','), ("tab", b'\t'), ("semicolon", b';')];

impl Kind {
    /// What the value must be, for messages ("must be ...").
    pub(crate) fn expected(self) -> String {
        match self {
            Kind::Whole { min, max, unit } => format!("a whole number of {unit} from {min} to {max}"),
            Kind::Amount => "a decimal amount such as 70000 (at least 0, at most 6 decimals)".into(),
            Kind::AmountOrOff => "a decimal amount such as 200000, or off".into(),
            Kind::Share => "a decimal from 0 to 1 with at most six decimals, e.g. 0.01".into(),
            Kind::Fraction => "a fraction from 0 to 1, e.g. 0.2".into(),
            Kind::Text => "a non-empty name".into(),
            Kind::List => "values separated by commas, e.g. 1,キャンセル (\"\" for the blank value)".into(),
            Kind::TimeZone => "an IANA time zone name such as Asia/Tokyo".into(),
            Kind::Scheme => "cpm or lifecycle".into(),
            Kind::Encoding => "detect, utf-8 or shift_jis (also sjis, cp932)".into(),
            Kind::Delimiter => "detect, comma, tab or semicolon".into(),
            Kind::Switch => "true or false".into(),
        }
    }

    /// Parses and range-checks a value given as text (a flag, `--set`, or a
    /// config file's value as text).
    pub fn parse(self, text: &str) -> Result<Value, String> {
        let t = text.trim();
        let bad = || format!("must be {}, got {text:?}", self.expected());
        match self {
            Kind::Whole { min, max, .. } => {
                let n: i64 = t.parse().map_err(|_| bad())?;
                if (min..=max).contains(&n) {
                    Ok(Value::Whole(n))
                } else {
                    Err(bad())
                }
            }
            Kind::Amount => match Money::parse_plain(t) {
                Some(m) if !m.is_negative() => Ok(Value::Amount(m)),
                _ => Err(bad()),
            },
            Kind::AmountOrOff if t == "off" => Ok(Value::Off),
            Kind::AmountOrOff => match Money::parse_plain(t) {
                Some(m) if !m.is_negative() => Ok(Value::Amount(m)),
                _ => Err(bad()),
            },
            Kind::Share => Share::parse(t).map(Value::Share).ok_or_else(bad),
            Kind::Fraction => match t.parse::<f64>() {
                Ok(f) if (0.0..=1.0).contains(&f) => Ok(Value::Fraction(f)),
                _ => Err(bad()),
            },
            Kind::Text if t.is_empty() => Err(bad()),
            Kind::Text => Ok(Value::Text(text.to_string())),
            Kind::List => crate::ingest::filter::parse_values(text)
                .map(Value::List)
                .map_err(|e| format!("{}: {e}", bad())),
            Kind::TimeZone => t.parse::<Tz>().map(Value::TimeZone).map_err(|_| bad()),
            Kind::Scheme => match t {
                "cpm" => Ok(Value::Scheme(Scheme::Cpm)),
                "lifecycle" => Ok(Value::Scheme(Scheme::Lifecycle)),
                _ => Err(bad()),
            },
            Kind::Encoding if t == "detect" => Ok(Value::Encoding(None)),
            Kind::Encoding => Encoding::parse(t).map(|e| Value::Encoding(Some(e))).ok_or_else(bad),
            Kind::Delimiter if t == "detect" => Ok(Value::Delimiter(None)),
            Kind::Delimiter => DELIMITERS
                .iter()
                .find(|(name, byte)| *name == t || t == (*byte as char).to_string() || (*byte == b'\t' && t == "\\t"))
                .map(|&(_, byte)| Value::Delimiter(Some(byte)))
                .ok_or_else(bad),
            Kind::Switch => match t {
                "true" => Ok(Value::Switch(true)),
                "false" => Ok(Value::Switch(false)),
                _ => Err(bad()),
            },
        }
    }
}

impl Value {
    /// As people read it (rules line, what changed): `70000`, `0.01`, `off`.
    pub fn text(&self) -> String {
        match self {
            Value::Whole(n) => n.to_string(),
            Value::Amount(m) => m.to_string(),
            Value::Off => "off".into(),
            Value::Share(s) => s.to_string(),
            Value::Fraction(f) => f.to_string(),
            Value::Text(t) => t.clone(),
            Value::List(values) => crate::ingest::filter::list_text(values),
            Value::TimeZone(tz) => tz.name().to_string(),
            Value::Scheme(s) => s.id().to_string(),
            Value::Encoding(None) | Value::Delimiter(None) => "detect".into(),
            Value::Encoding(Some(Encoding::Utf8)) => "utf-8".into(),
            Value::Encoding(Some(Encoding::ShiftJis)) => "shift_jis".into(),
            Value::Delimiter(Some(byte)) => DELIMITERS
                .iter()
                .find(|(_, b)| b == byte)
                .map_or_else(|| (*byte as char).to_string(), |(name, _)| name.to_string()),
            Value::Switch(on) => on.to_string(),
        }
    }

    /// As a TOML value that reads back as the same setting.
    pub(crate) fn toml(&self) -> String {
        match self {
            Value::Whole(n) => n.to_string(),
            // Whole amounts as integers, others as exact decimal strings.
            Value::Amount(m) if m.0 % crate::money::SCALE == 0 => (m.0 / crate::money::SCALE).to_string(),
            Value::Share(s) => s.to_string(),
            Value::Switch(on) => on.to_string(),
            Value::Fraction(f) => {
                let text = format!("{f}");
                if text.contains('.') { text } else { format!("{text}.0") }
            }
            other => quoted(&other.text()),
        }
    }
}

/// A TOML basic string, escaped.
pub fn quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
