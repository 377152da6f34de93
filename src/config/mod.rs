//! The validated, typed configuration every command runs with.
//!
//! Two stages: the TOML file (every field optional) and command-line
//! overrides are merged into a [`Config`] whose defaults come from the spec.
//! Nothing downstream sees clap or raw TOML.

pub mod rules_file;

use std::path::PathBuf;

use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::engine::lifecycle::{LifecycleRules, Share};
use crate::engine::segments::{CpmRules, SuperLoyal};
use crate::error::{Error, Result};
use crate::money::Money;

pub const DEFAULT_CUSTOMER_COL: &str = "customer_id";
pub const DEFAULT_DATE_COL: &str = "order_date";
pub const DEFAULT_AMOUNT_COL: &str = "amount";
pub const DEFAULT_TIME_ZONE: &str = "Asia/Tokyo";

/// The config file as written by a person: every field optional.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ConfigFile {
    pub time_zone: Option<String>,
    /// `cpm` (the ten CPM segments, default) or `lifecycle` (seed 003).
    pub scheme: Option<String>,
    pub columns: ColumnsFile,
    pub cpm: CpmFile,
    pub lifecycle: LifecycleFile,
    pub targets: TargetsFile,
    pub response_rates: ResponseRatesFile,
    /// What a run read, as cpm records it in `tables/rules.toml`; ignored
    /// when the file is read back as a config.
    pub run: Option<RunFile>,
}

/// The `[run]` table of `tables/rules.toml`: informational only.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct RunFile {
    pub cpm_version: Option<String>,
    pub input: Option<String>,
    pub as_of: Option<String>,
    pub config_file: Option<String>,
    pub config_sha256: Option<String>,
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
    /// 超優良 from this cumulative total (off when absent).
    pub super_loyal_amount: Option<AmountValue>,
    /// 超優良 also needs this tenure (optional).
    pub super_loyal_days: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct LifecycleFile {
    pub active_days: Option<i64>,
    pub dormant_days: Option<i64>,
    pub vip_min_purchase_days: Option<i64>,
    pub vip_recency_days: Option<i64>,
    /// A decimal from 0 to 1 (`0.01` or `"0.01"`).
    pub vip_top_share: Option<AmountValue>,
    pub new_max_purchase_days: Option<i64>,
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

    fn to_share(&self) -> Option<Share> {
        match self {
            AmountValue::Integer(n) => Share::parse(&n.to_string()),
            AmountValue::Float(value) => Share::from_f64(*value),
            AmountValue::Text(text) => Share::parse(text),
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
    pub scheme: Option<String>,
    /// An amount, or `off` to turn the tier off whatever the file says.
    pub super_loyal_amount: Option<String>,
    pub super_loyal_days: Option<i64>,
    pub active_days: Option<i64>,
    pub dormant_days: Option<i64>,
    pub vip_min_purchase_days: Option<i64>,
    pub vip_recency_days: Option<i64>,
    pub vip_top_share: Option<String>,
    pub new_max_purchase_days: Option<i64>,
}

/// The threshold keys `--set KEY=VALUE` (and `cpm whatif`) accept, with an
/// optional `cpm.` or `lifecycle.` prefix.
pub const SETTABLE_KEYS: [&str; 13] = [
    "scheme",
    "churn_days",
    "toddler_days",
    "loyal_days",
    "loyal_amount",
    "super_loyal_amount",
    "super_loyal_days",
    "active_days",
    "dormant_days",
    "vip_min_purchase_days",
    "vip_recency_days",
    "vip_top_share",
    "new_max_purchase_days",
];

impl Overrides {
    /// Applies one `KEY=VALUE` setting (as a flag: it wins over the file).
    pub fn set(&mut self, setting: &str) -> Result<()> {
        let (key, value) = setting.split_once('=').ok_or_else(|| {
            Error::Config(format!(
                "--set expects KEY=VALUE, e.g. loyal_amount=50000, got {setting:?}"
            ))
        })?;
        let key = key.trim();
        let bare = key
            .strip_prefix("cpm.")
            .or_else(|| key.strip_prefix("lifecycle."))
            .unwrap_or(key);
        let value = value.trim().to_string();
        let int = |v: &str| -> Result<i64> {
            v.parse::<i64>()
                .map_err(|_| Error::Config(format!("--set {bare}: expected a whole number, got {v:?}")))
        };
        match bare {
            "scheme" => self.scheme = Some(value),
            "churn_days" => self.churn_days = Some(int(&value)?),
            "toddler_days" => self.toddler_days = Some(int(&value)?),
            "loyal_days" => self.loyal_days = Some(int(&value)?),
            "loyal_amount" => self.loyal_amount = Some(value),
            "super_loyal_amount" => self.super_loyal_amount = Some(value),
            "super_loyal_days" => self.super_loyal_days = Some(int(&value)?),
            "active_days" => self.active_days = Some(int(&value)?),
            "dormant_days" => self.dormant_days = Some(int(&value)?),
            "vip_min_purchase_days" => self.vip_min_purchase_days = Some(int(&value)?),
            "vip_recency_days" => self.vip_recency_days = Some(int(&value)?),
            "vip_top_share" => self.vip_top_share = Some(value),
            "new_max_purchase_days" => self.new_max_purchase_days = Some(int(&value)?),
            _ => {
                return Err(Error::Config(format!(
                    "--set: unknown key {key:?}; known keys: {}",
                    SETTABLE_KEYS.join(", ")
                )));
            }
        }
        Ok(())
    }
}

/// Which segment scheme a run computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Scheme {
    /// The ten CPM segments (spec section 3), twelve with 超優良.
    #[default]
    Cpm,
    /// The six-state D2C lifecycle (spec section 8).
    Lifecycle,
}

impl Scheme {
    pub fn id(self) -> &'static str {
        match self {
            Scheme::Cpm => "cpm",
            Scheme::Lifecycle => "lifecycle",
        }
    }

    pub fn parse(text: &str) -> Option<Scheme> {
        match text.trim() {
            "cpm" => Some(Scheme::Cpm),
            "lifecycle" => Some(Scheme::Lifecycle),
            _ => None,
        }
    }
}

/// The config file a run read: its path and the SHA-256 of its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigSource {
    pub path: PathBuf,
    pub sha256: String,
}

impl ConfigSource {
    pub fn of(path: PathBuf, bytes: &[u8]) -> ConfigSource {
        use sha2::Digest as _;
        ConfigSource {
            path,
            sha256: format!("{:x}", sha2::Sha256::digest(bytes)),
        }
    }
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
    pub scheme: Scheme,
    /// The CPM rules; also `toddler_days` for the 初回→よちよち conversion in
    /// either scheme.
    pub rules: CpmRules,
    pub lifecycle: LifecycleRules,
    /// 初回→よちよち conversion target (spec section 6).
    pub conversion_target: f64,
    /// 優良現役 share of active customers target (spec section 7).
    pub loyal_share_target: f64,
    pub response_rates: ResponseRates,
    /// The config file read, if any (recorded with every report).
    pub source: Option<ConfigSource>,
}

impl Default for Config {
    fn default() -> Self {
        Config::resolve(&ConfigFile::default(), &Overrides::default()).expect("the built-in defaults are valid")
    }
}

impl Config {
    /// The segment ids and names of this run's scheme, in canonical order.
    pub fn labels(&self) -> &'static [crate::engine::segments::SegmentLabel] {
        use crate::engine::lifecycle::LIFECYCLE_LABELS;
        use crate::engine::segments::{CPM_LABELS, CPM_SUPER_LABELS};
        match (self.scheme, self.rules.super_loyal) {
            (Scheme::Lifecycle, _) => &LIFECYCLE_LABELS,
            (Scheme::Cpm, Some(_)) => &CPM_SUPER_LABELS,
            (Scheme::Cpm, None) => &CPM_LABELS,
        }
    }

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
        let super_loyal = super_loyal(file, flags, loyal_days, loyal_amount)?;

        let scheme = match flags.scheme.as_deref().or(file.scheme.as_deref()) {
            None => Scheme::Cpm,
            Some(text) => Scheme::parse(text)
                .ok_or_else(|| Error::Config(format!("scheme must be cpm or lifecycle, got {text:?}")))?,
        };
        let lifecycle = lifecycle_rules(&file.lifecycle, flags)?;

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
            scheme,
            rules: CpmRules::new(churn_days, toddler_days, loyal_days, loyal_amount).with_super_loyal(super_loyal),
            lifecycle,
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
            source: None,
        })
    }
}

/// The optional 超優良 tier from flags and file.
fn super_loyal(
    file: &ConfigFile,
    flags: &Overrides,
    loyal_days: i32,
    loyal_amount: Money,
) -> Result<Option<SuperLoyal>> {
    let bad = |value: &dyn std::fmt::Debug| {
        Error::Config(format!(
            "super_loyal_amount must be a decimal amount such as 200000 (or off), got {value:?}"
        ))
    };
    let amount = match (&flags.super_loyal_amount, &file.cpm.super_loyal_amount) {
        (Some(text), _) if text.trim() == "off" => None,
        (Some(text), _) => Some(Money::parse_plain(text.trim()).ok_or_else(|| bad(text))?),
        (None, Some(value)) => Some(value.to_money().ok_or_else(|| bad(value))?),
        (None, None) => None,
    };
    let days = flags.super_loyal_days.or(file.cpm.super_loyal_days);
    let Some(amount) = amount else {
        if days.is_some() && flags.super_loyal_amount.is_none() {
            return Err(Error::Config(
                "super_loyal_days is set but super_loyal_amount is not: the 超優良 tier needs an amount".into(),
            ));
        }
        return Ok(None);
    };
    if amount < loyal_amount {
        return Err(Error::Config(format!(
            "super_loyal_amount ({amount}) must be at least loyal_amount ({loyal_amount}): 超優良 is a part of 優良"
        )));
    }
    let days = match days {
        None => None,
        Some(d) if (1..=36_500).contains(&d) && d >= i64::from(loyal_days) => Some(d as i32),
        Some(d) => {
            return Err(Error::Config(format!(
                "super_loyal_days must be a whole number of days from loyal_days ({loyal_days}) to 36500, got {d}"
            )));
        }
    };
    Ok(Some(SuperLoyal { amount, days }))
}

/// The lifecycle thresholds (spec section 8) from flags and file.
fn lifecycle_rules(file: &LifecycleFile, flags: &Overrides) -> Result<LifecycleRules> {
    let defaults = LifecycleRules::default();
    let whole =
        |name: &str, flag: Option<i64>, file: Option<i64>, default: i64, range: std::ops::RangeInclusive<i64>| {
            let value = flag.or(file).unwrap_or(default);
            if range.contains(&value) {
                Ok(value)
            } else {
                Err(Error::Config(format!(
                    "lifecycle.{name} must be a whole number from {} to {}, got {value}",
                    range.start(),
                    range.end()
                )))
            }
        };
    let days = 0..=36_500;
    let counts = 1..=1_000_000;
    let active_days = whole(
        "active_days",
        flags.active_days,
        file.active_days,
        defaults.active_days.into(),
        days.clone(),
    )?;
    let dormant_days = whole(
        "dormant_days",
        flags.dormant_days,
        file.dormant_days,
        defaults.dormant_days.into(),
        days.clone(),
    )?;
    let vip_recency_days = whole(
        "vip_recency_days",
        flags.vip_recency_days,
        file.vip_recency_days,
        defaults.vip_recency_days.into(),
        days,
    )?;
    let vip_min_purchase_days = whole(
        "vip_min_purchase_days",
        flags.vip_min_purchase_days,
        file.vip_min_purchase_days,
        defaults.vip_min_purchase_days.into(),
        counts,
    )?;
    let new_max_purchase_days = whole(
        "new_max_purchase_days",
        flags.new_max_purchase_days,
        file.new_max_purchase_days,
        defaults.new_max_purchase_days.into(),
        0..=1_000_000,
    )?;
    if active_days > dormant_days {
        return Err(Error::Config(format!(
            "lifecycle.active_days ({active_days}) must not be more than dormant_days ({dormant_days}): \
             休眠予備軍 (at risk) lies between them"
        )));
    }
    let share_error = |value: &dyn std::fmt::Debug| {
        Error::Config(format!(
            "lifecycle.vip_top_share must be a decimal from 0 to 1 with at most six decimals, e.g. 0.01, got {value:?}"
        ))
    };
    let vip_top_share = match (&flags.vip_top_share, &file.vip_top_share) {
        (Some(text), _) => Share::parse(text).ok_or_else(|| share_error(text))?,
        (None, Some(value)) => value.to_share().ok_or_else(|| share_error(value))?,
        (None, None) => defaults.vip_top_share,
    };
    Ok(LifecycleRules::new(
        active_days as i32,
        dormant_days as i32,
        vip_min_purchase_days as u32,
        vip_recency_days as i32,
        vip_top_share,
        new_max_purchase_days as u32,
    ))
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

    fn resolve(toml: &str, flags: &Overrides) -> Result<Config> {
        Config::resolve(&Config::parse_file(toml)?, flags)
    }

    #[test]
    fn scheme_and_lifecycle_thresholds() {
        let c = Config::default();
        assert_eq!(c.scheme, Scheme::Cpm);
        assert_eq!(c.lifecycle, LifecycleRules::default());
        assert_eq!(c.rules.super_loyal, None);
        let c = resolve(
            "scheme = \"lifecycle\"\n[lifecycle]\nactive_days = 40\ndormant_days = 90\nvip_top_share = 0.14\n",
            &Overrides::default(),
        )
        .unwrap();
        assert_eq!(c.scheme, Scheme::Lifecycle);
        assert_eq!((c.lifecycle.active_days, c.lifecycle.dormant_days), (40, 90));
        assert_eq!(c.lifecycle.vip_top_share.millionths(), 140_000);
        assert_eq!(c.lifecycle.vip_top_share.top_k(50), 7);
        let flags = Overrides {
            scheme: Some("cpm".into()),
            vip_top_share: Some("0".into()),
            ..Overrides::default()
        };
        let c = resolve("scheme = \"lifecycle\"\n", &flags).unwrap();
        assert_eq!(c.scheme, Scheme::Cpm);
        assert!(c.lifecycle.vip_top_share.is_zero());
        for bad in [
            "scheme = \"rfm\"\n",
            "[lifecycle]\nvip_top_share = 1.5\n",
            "[lifecycle]\nvip_top_share = \"0.0000001\"\n",
            "[lifecycle]\nactive_days = 90\n",
            "[lifecycle]\nvip_min_purchase_days = 0\n",
            "[lifecycle]\nactive_dayz = 1\n",
        ] {
            assert!(resolve(bad, &Overrides::default()).is_err(), "{bad}");
        }
    }

    #[test]
    fn super_loyal_is_off_by_default_and_validated() {
        let c = resolve("[cpm]\nsuper_loyal_amount = 200000\n", &Overrides::default()).unwrap();
        assert_eq!(
            c.rules.super_loyal,
            Some(SuperLoyal {
                amount: Money::from_units(200_000).unwrap(),
                days: None
            })
        );
        let flags = Overrides {
            super_loyal_amount: Some("off".into()),
            ..Overrides::default()
        };
        let c = resolve("[cpm]\nsuper_loyal_amount = 200000\nsuper_loyal_days = 365\n", &flags).unwrap();
        assert_eq!(c.rules.super_loyal, None);
        assert!(resolve("[cpm]\nsuper_loyal_amount = 60000\n", &Overrides::default()).is_err());
        assert!(resolve("[cpm]\nsuper_loyal_days = 365\n", &Overrides::default()).is_err());
        assert!(resolve("[cpm]\nsuper_loyal_amount = \"lots\"\n", &Overrides::default()).is_err());
        assert!(
            resolve(
                "[cpm]\nsuper_loyal_amount = 100000\nsuper_loyal_days = 100\n",
                &Overrides::default()
            )
            .is_err()
        );
    }

    #[test]
    fn set_maps_keys_onto_flags() {
        let mut flags = Overrides::default();
        flags.set("loyal_amount=50000").unwrap();
        flags.set("cpm.churn_days = 180").unwrap();
        flags.set("lifecycle.vip_top_share=0.05").unwrap();
        flags.set("scheme=lifecycle").unwrap();
        assert_eq!(flags.loyal_amount.as_deref(), Some("50000"));
        assert_eq!(flags.churn_days, Some(180));
        assert_eq!(flags.vip_top_share.as_deref(), Some("0.05"));
        let c = Config::resolve(&ConfigFile::default(), &flags).unwrap();
        assert_eq!(c.scheme, Scheme::Lifecycle);
        assert!(flags.set("churn_days=soon").is_err());
        assert!(flags.set("loyal_amount").is_err());
        let err = flags.set("loyalty=1").unwrap_err().to_string();
        assert!(err.contains("known keys"), "{err}");
    }
}
