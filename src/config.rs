//! The validated, typed configuration every command runs with.
//!
//! Two stages: the TOML file (every field optional) and command-line
//! overrides are merged into a [`Config`] whose defaults come from the spec.
//! Nothing downstream sees clap or raw TOML.

use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::money::Money;
use crate::segments::CpmRules;

pub const DEFAULT_CUSTOMER_COL: &str = "customer_id";
pub const DEFAULT_DATE_COL: &str = "order_date";
pub const DEFAULT_AMOUNT_COL: &str = "amount";
pub const DEFAULT_TIME_ZONE: &str = "Asia/Tokyo";

/// The config file as written by a person: every field optional.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ConfigFile {
    pub time_zone: Option<String>,
    pub columns: ColumnsFile,
    pub cpm: CpmFile,
    pub targets: TargetsFile,
    pub response_rates: ResponseRatesFile,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ColumnsFile {
    pub customer: Option<String>,
    pub date: Option<String>,
    pub amount: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct CpmFile {
    pub churn_days: Option<i64>,
    pub toddler_days: Option<i64>,
    pub loyal_days: Option<i64>,
    pub loyal_amount: Option<AmountValue>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct TargetsFile {
    pub conversion: Option<f64>,
    pub loyal_share: Option<f64>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ResponseRatesFile {
    pub first: Option<f64>,
    pub toddler: Option<f64>,
    pub trendy: Option<f64>,
    pub steady: Option<f64>,
    pub loyal: Option<f64>,
}

/// A money amount in TOML: `70000`, `69999.5` or `"70000"`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(untagged)]
pub enum AmountValue {
    Integer(i64),
    Float(f64),
    Text(String),
}

impl AmountValue {
    fn to_money(&self) -> Option<Money> {
        match self {
            AmountValue::Integer(units) => Money::from_units(*units),
            AmountValue::Float(value) => Money::from_f64(*value),
            AmountValue::Text(text) => Money::parse_plain(text.trim()),
        }
    }
}

/// Values given on the command line; they win over the file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Overrides {
    pub customer_col: Option<String>,
    pub date_col: Option<String>,
    pub amount_col: Option<String>,
    pub churn_days: Option<i64>,
    pub toddler_days: Option<i64>,
    pub loyal_days: Option<i64>,
    pub loyal_amount: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Columns {
    pub customer: String,
    pub date: String,
    pub amount: String,
}

/// DM response rates by tier, for planning (seed 002).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ResponseRates {
    /// Indexed by tier: 初回, よちよち, 流行, コツコツ, 優良.
    pub by_tier: [f64; 5],
}

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub columns: Columns,
    pub time_zone: Tz,
    pub rules: CpmRules,
    /// 初回→よちよち conversion target (spec section 6).
    pub conversion_target: f64,
    /// 優良現役 share of active customers target (spec section 7).
    pub loyal_share_target: f64,
    pub response_rates: ResponseRates,
}

impl Default for Config {
    fn default() -> Self {
        Config::resolve(&ConfigFile::default(), &Overrides::default()).expect("the built-in defaults are valid")
    }
}

impl Config {
    /// Parses a config file's text.
    pub fn parse_file(text: &str) -> Result<ConfigFile> {
        toml::from_str(text).map_err(|e| Error::Config(e.to_string()))
    }

    /// Merges file and flags over the spec's defaults and validates.
    pub fn resolve(file: &ConfigFile, flags: &Overrides) -> Result<Config> {
        let pick = |flag: &Option<String>, file: &Option<String>, default: &str| {
            flag.clone()
                .or_else(|| file.clone())
                .unwrap_or_else(|| default.to_string())
        };
        let columns = Columns {
            customer: pick(&flags.customer_col, &file.columns.customer, DEFAULT_CUSTOMER_COL),
            date: pick(&flags.date_col, &file.columns.date, DEFAULT_DATE_COL),
            amount: pick(&flags.amount_col, &file.columns.amount, DEFAULT_AMOUNT_COL),
        };
        for (role, name) in [
            ("customer", &columns.customer),
            ("date", &columns.date),
            ("amount", &columns.amount),
        ] {
            if name.trim().is_empty() {
                return Err(Error::Config(format!("the {role} column name is empty")));
            }
        }

        let tz_name = file.time_zone.as_deref().unwrap_or(DEFAULT_TIME_ZONE);
        let time_zone: Tz = tz_name.parse().map_err(|_| {
            Error::Config(format!(
                "unknown time zone {tz_name:?} (expected an IANA name such as \"Asia/Tokyo\")"
            ))
        })?;

        let days = |name: &str, flag: Option<i64>, file: Option<i64>, default: i64| -> Result<i32> {
            let value = flag.or(file).unwrap_or(default);
            if !(1..=36_500).contains(&value) {
                return Err(Error::Config(format!(
                    "{name} must be a whole number of days from 1 to 36500, got {value}"
                )));
            }
            Ok(value as i32)
        };
        let churn_days = days("churn_days", flags.churn_days, file.cpm.churn_days, 240)?;
        let toddler_days = days("toddler_days", flags.toddler_days, file.cpm.toddler_days, 90)?;
        let loyal_days = days("loyal_days", flags.loyal_days, file.cpm.loyal_days, 210)?;
        let loyal_amount = match (&flags.loyal_amount, &file.cpm.loyal_amount) {
            (Some(text), _) => Money::parse_plain(text.trim()).ok_or_else(|| {
                Error::Config(format!(
                    "loyal_amount must be a decimal amount such as 70000, got {text:?}"
                ))
            })?,
            (None, Some(value)) => value.to_money().ok_or_else(|| {
                Error::Config(format!(
                    "loyal_amount must be a decimal amount such as 70000, got {value:?}"
                ))
            })?,
            (None, None) => Money::from_units(70_000).expect("fits"),
        };
        if loyal_amount.is_negative() {
            return Err(Error::Config(format!(
                "loyal_amount must not be negative, got {loyal_amount}"
            )));
        }

        let fraction = |name: &str, value: Option<f64>, default: f64| -> Result<f64> {
            let value = value.unwrap_or(default);
            if !(0.0..=1.0).contains(&value) {
                return Err(Error::Config(format!(
                    "{name} must be a fraction from 0 to 1, got {value}"
                )));
            }
            Ok(value)
        };
        let r = &file.response_rates;
        Ok(Config {
            columns,
            time_zone,
            rules: CpmRules::new(churn_days, toddler_days, loyal_days, loyal_amount),
            conversion_target: fraction("targets.conversion", file.targets.conversion, 0.5)?,
            loyal_share_target: fraction("targets.loyal_share", file.targets.loyal_share, 0.2)?,
            response_rates: ResponseRates {
                by_tier: [
                    fraction("response_rates.first", r.first, 0.01)?,
                    fraction("response_rates.toddler", r.toddler, 0.05)?,
                    fraction("response_rates.trendy", r.trendy, 0.10)?,
                    fraction("response_rates.steady", r.steady, 0.10)?,
                    fraction("response_rates.loyal", r.loyal, 0.20)?,
                ],
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_spec() {
        let c = Config::default();
        assert_eq!(c.rules.churn_days, 240);
        assert_eq!(c.rules.toddler_days, 90);
        assert_eq!(c.rules.loyal_days, 210);
        assert_eq!(c.rules.loyal_amount, Money::from_units(70_000).unwrap());
        assert_eq!(c.columns.customer, "customer_id");
        assert_eq!(c.time_zone, chrono_tz::Asia::Tokyo);
        assert_eq!(c.conversion_target, 0.5);
    }

    #[test]
    fn flags_win_over_file() {
        let file = Config::parse_file(
            "[cpm]\nchurn_days = 180\nloyal_amount = \"50000.5\"\n[columns]\ncustomer = \"会員ID\"\n",
        )
        .unwrap();
        let flags = Overrides {
            churn_days: Some(200),
            ..Overrides::default()
        };
        let c = Config::resolve(&file, &flags).unwrap();
        assert_eq!(c.rules.churn_days, 200);
        assert_eq!(c.rules.loyal_amount.to_string(), "50000.5");
        assert_eq!(c.columns.customer, "会員ID");
    }

    #[test]
    fn rejects_unknown_keys_and_bad_values() {
        assert!(Config::parse_file("[cpm]\nchurn_dayz = 1\n").is_err());
        let file = Config::parse_file("[cpm]\nchurn_days = 0\n").unwrap();
        let err = Config::resolve(&file, &Overrides::default()).unwrap_err();
        assert!(err.to_string().contains("churn_days"), "{err}");
        let file = Config::parse_file("time_zone = \"Mars/Base\"\n").unwrap();
        assert!(Config::resolve(&file, &Overrides::default()).is_err());
    }
}
