//! The validated, typed configuration every command runs with.
//!
//! Every setting is a row of [`settings::SETTINGS`]; a run's values come
//! from the command line (flags, `--set`) over the config file over the
//! spec's defaults, are checked there, and land in a [`Config`]. Nothing
//! downstream sees clap or raw TOML.

pub mod rules_file;
mod scope;
pub mod settings;

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono_tz::Tz;

use crate::engine::lifecycle::LifecycleRules;
use crate::engine::segments::{CpmRules, SuperLoyal};
use crate::error::{Error, Result};
use crate::ingest::attribute::Scope;
use settings::{SETTINGS, Section, Setting, Value};

/// A config file as written by a person: the settings it gives (by
/// qualified name, as text) and, in a `rules.toml`, what the run read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConfigFile {
    /// `cpm.churn_days` → `"240"`.
    pub values: BTreeMap<String, String>,
    /// The `[run]` table of `tables/rules.toml`: informational only.
    pub run: Option<RunFile>,
}

/// The `[run]` table: `by`, `where` and `where_not` scope the run (spec
/// sections 9 and 10); the rest is what a run read, as `tables/rules.toml`
/// records it (informational).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunFile {
    /// Break every table down by this column (`--by`).
    pub by: Option<String>,
    /// `COLUMN=V1,V2` entries, as for `--where`.
    pub where_: Vec<String>,
    /// `COLUMN=V1,V2` entries, as for `--where-not`.
    pub where_not: Vec<String>,
    pub cpm_version: Option<String>,
    pub input: Option<String>,
    pub as_of: Option<String>,
    pub config_file: Option<String>,
    pub config_sha256: Option<String>,
    /// `cpm report`'s plan file (予実), when not given as `--plan`.
    pub plan: Option<String>,
}

/// Values given on the command line (flags and `--set`), by qualified
/// name, as text; they win over the file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Overrides {
    pub values: BTreeMap<String, String>,
    /// `--by COLUMN` (wins over `[run] by`; an empty name turns it off).
    pub by: Option<String>,
    /// `--where` entries (applied with the file's).
    pub where_: Vec<String>,
    /// `--where-not` entries (applied with the file's).
    pub where_not: Vec<String>,
}

impl Overrides {
    /// Applies one `KEY=VALUE` setting (as a flag: it wins over the file).
    /// The key is a setting's name, with or without its section
    /// (`cpm.churn_days` or `churn_days`).
    pub fn set(&mut self, setting: &str) -> Result<()> {
        let (key, value) = setting.split_once('=').ok_or_else(|| {
            Error::Usage(format!(
                "--set expects KEY=VALUE, e.g. loyal_amount=50000, got {setting:?}"
            ))
        })?;
        let s = settings::find(key).ok_or_else(|| {
            let hint = settings::closest(key.trim()).map_or(String::new(), |n| format!(" — did you mean {n}?"));
            let known: Vec<String> = SETTINGS.iter().map(Setting::name).collect();
            Error::Usage(format!(
                "--set: unknown key {:?}{hint}; known keys: {}",
                key.trim(),
                known.join(", ")
            ))
        })?;
        s.kind
            .parse(value)
            .map_err(|e| Error::Usage(format!("--set {}: {e}", s.name())))?;
        self.values.insert(s.name(), value.trim().to_string());
        Ok(())
    }

    /// Whether no setting was given.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty() && self.by.is_none() && self.where_.is_empty() && self.where_not.is_empty()
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

/// DM response rates by tier, for planning (the book 『社長が知らない秘密の仕組み』).
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
    /// The breakdown column and the filters (spec sections 9 and 10).
    pub scope: Scope,
}

impl Default for Config {
    fn default() -> Self {
        Config::resolve(&ConfigFile::default(), &Overrides::default()).expect("the built-in defaults are valid")
    }
}

/// A TOML value as the text a setting parses.
fn toml_text(value: &toml::Value) -> Option<String> {
    match value {
        toml::Value::String(s) => Some(s.clone()),
        toml::Value::Integer(i) => Some(i.to_string()),
        // A list setting (`guest_ids = ["", "0"]`), as its text.
        toml::Value::Array(items) => items
            .iter()
            .map(|v| match v {
                toml::Value::String(s) => Some(s.clone()),
                toml::Value::Integer(i) => Some(i.to_string()),
                toml::Value::Boolean(b) => Some(b.to_string()),
                _ => None,
            })
            .collect::<Option<Vec<String>>>()
            .map(|values| crate::ingest::filter::list_text(&values)),
        // The shortest form that reads back as the same float: exact for
        // what a person typed (`0.14`, `69999.5`).
        toml::Value::Float(f) if f.is_finite() && !format!("{f}").contains('e') => Some(format!("{f}")),
        _ => None,
    }
}

/// "unknown setting" with the closest known name.
fn unknown(name: &str) -> Error {
    let hint = settings::closest(name).map_or(String::new(), |n| format!(" — did you mean {n}?"));
    Error::Config(format!("unknown setting {name}{hint}"))
}

impl Config {
    /// The run's scheme with its rules, as the engine takes it.
    pub fn scheme_rules(&self) -> crate::engine::scheme::SchemeRules<'_> {
        use crate::engine::scheme::SchemeRules;
        match self.scheme {
            Scheme::Cpm => SchemeRules::Cpm(&self.rules),
            Scheme::Lifecycle => SchemeRules::Lifecycle(&self.lifecycle),
        }
    }

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

    /// Parses a config file's text: every key must be a setting of its
    /// section (a typo such as `churn_day` is an error that names the
    /// closest setting, not silently ignored).
    pub fn parse_file(text: &str) -> Result<ConfigFile> {
        let table: toml::Table = toml::from_str(text).map_err(|e| Error::Config(e.to_string()))?;
        let mut file = ConfigFile::default();
        let mut put = |name: String, value: &toml::Value| -> Result<()> {
            let s = SETTINGS
                .iter()
                .find(|s| s.name() == name)
                .ok_or_else(|| unknown(&name))?;
            let text = toml_text(value)
                .ok_or_else(|| Error::Config(format!("{name} must be {}, got {value}", s.kind.expected())))?;
            file.values.insert(name, text);
            Ok(())
        };
        for (key, value) in &table {
            match value {
                toml::Value::Table(inner) if key == "run" => file.run = Some(scope::run_file(inner)?),
                toml::Value::Table(inner) => {
                    if !Section::ALL.iter().any(|s| s.table() == Some(key.as_str())) {
                        let tables = Section::ALL.iter().filter_map(|s| s.table()).chain(["run"]);
                        let near = tables.min_by_key(|t| settings::edit_distance(key, t)).expect("tables");
                        return Err(Error::Config(format!("unknown table [{key}] — did you mean [{near}]?")));
                    }
                    for (k, v) in inner {
                        put(format!("{key}.{k}"), v)?;
                    }
                }
                _ => put(key.clone(), value)?,
            }
        }
        Ok(file)
    }

    /// Merges flags over the file over the defaults, and checks every value
    /// and the rules between them.
    pub fn resolve(file: &ConfigFile, flags: &Overrides) -> Result<Config> {
        let mut values: BTreeMap<String, Option<Value>> = BTreeMap::new();
        for s in SETTINGS {
            let name = s.name();
            let raw = flags
                .values
                .get(&name)
                .or_else(|| file.values.get(&name))
                .map(String::as_str)
                .or(s.default);
            let value = raw
                .map(|text| s.kind.parse(text).map_err(|e| Error::Config(format!("{name} {e}"))))
                .transpose()?;
            values.insert(name, value);
        }
        let get = |name: &str| values.get(name).cloned().flatten();
        let whole = |name: &str| match get(name) {
            Some(Value::Whole(n)) => n,
            other => unreachable!("{name} is whole: {other:?}"),
        };
        let text = |name: &str| match get(name) {
            Some(Value::Text(t)) => t,
            other => unreachable!("{name} is text: {other:?}"),
        };
        let list = |name: &str| match get(name) {
            Some(Value::List(values)) => Some(values),
            _ => None,
        };
        let fraction = |name: &str| match get(name) {
            Some(Value::Fraction(f)) => f,
            other => unreachable!("{name} is a fraction: {other:?}"),
        };
        let amount = |name: &str| match get(name) {
            Some(Value::Amount(m)) => Some(m),
            _ => None,
        };
        let loyal_days = whole("cpm.loyal_days") as i32;
        let loyal_amount = amount("cpm.loyal_amount").expect("loyal_amount has a default");
        let super_days = get("cpm.super_loyal_days").map(|_| whole("cpm.super_loyal_days") as i32);
        let super_loyal = match amount("cpm.super_loyal_amount") {
            None => {
                let turned_off = flags
                    .values
                    .get("cpm.super_loyal_amount")
                    .is_some_and(|v| v.trim() == "off");
                if super_days.is_some() && !turned_off {
                    return Err(Error::Config(
                        "super_loyal_days is set but super_loyal_amount is not: the 超優良 tier needs an amount".into(),
                    ));
                }
                None
            }
            Some(amount) => {
                if amount < loyal_amount {
                    return Err(Error::Config(format!(
                        "super_loyal_amount ({amount}) must be at least loyal_amount ({loyal_amount}): 超優良 is a part of 優良"
                    )));
                }
                if let Some(d) = super_days.filter(|&d| d < loyal_days) {
                    return Err(Error::Config(format!(
                        "super_loyal_days ({d}) must be at least loyal_days ({loyal_days}): 超優良 is a part of 優良"
                    )));
                }
                Some(SuperLoyal {
                    amount,
                    days: super_days,
                })
            }
        };
        let toddler_days = whole("cpm.toddler_days") as i32;
        let Some(Value::Scheme(scheme)) = get("scheme") else {
            unreachable!("scheme is a scheme")
        };
        // In the lifecycle scheme toddler_days is only the conversion window.
        if scheme == Scheme::Cpm && toddler_days >= loyal_days {
            return Err(Error::Config(format!(
                "cpm.toddler_days ({toddler_days}) must be less than loyal_days ({loyal_days}): \
                 よちよち ends before 流行/優良 can begin"
            )));
        }
        let columns = Columns {
            customer: text("columns.customer"),
            date: text("columns.date"),
            amount: text("columns.amount"),
        };
        for (a, b, x, y) in [
            ("customer", "date", &columns.customer, &columns.date),
            ("customer", "amount", &columns.customer, &columns.amount),
            ("date", "amount", &columns.date, &columns.amount),
        ] {
            if x.trim().eq_ignore_ascii_case(y.trim()) {
                return Err(Error::Config(format!(
                    "the {a} and {b} columns are both '{x}': each role needs a column of its own \
                     (set columns.{a} / columns.{b}, or --{a}-col / --{b}-col)"
                )));
            }
        }
        let (active_days, dormant_days) = (whole("lifecycle.active_days"), whole("lifecycle.dormant_days"));
        if active_days > dormant_days {
            return Err(Error::Config(format!(
                "lifecycle.active_days ({active_days}) must not be more than dormant_days ({dormant_days}): \
                 休眠予備軍 (at risk) lies between them"
            )));
        }
        let Some(Value::Share(vip_top_share)) = get("lifecycle.vip_top_share") else {
            unreachable!("vip_top_share is a share")
        };
        let Some(Value::TimeZone(time_zone)) = get("time_zone") else {
            unreachable!("time_zone is a time zone")
        };
        Ok(Config {
            columns,
            time_zone,
            scheme,
            rules: CpmRules::new(whole("cpm.churn_days") as i32, toddler_days, loyal_days, loyal_amount)
                .with_super_loyal(super_loyal),
            lifecycle: LifecycleRules::new(
                active_days as i32,
                dormant_days as i32,
                whole("lifecycle.vip_min_purchase_days") as u32,
                whole("lifecycle.vip_recency_days") as i32,
                vip_top_share,
                whole("lifecycle.new_max_purchase_days") as u32,
            ),
            conversion_target: fraction("targets.conversion"),
            loyal_share_target: fraction("targets.loyal_share"),
            response_rates: ResponseRates {
                by_tier: ["first", "toddler", "trendy", "steady", "loyal"]
                    .map(|tier| fraction(&format!("response_rates.{tier}"))),
            },
            source: None,
            scope: Scope {
                cancel: get("columns.cancel").map(|_| text("columns.cancel")),
                cancel_values: list("columns.cancel_values").unwrap_or_default(),
                guest_ids: list("columns.guest_ids"),
                amount_formula: get("columns.amount_formula")
                    .map(|_| crate::ingest::formula::Formula::parse(&text("columns.amount_formula")))
                    .transpose()
                    .map_err(Error::Config)?,
                ..scope::resolve(file, flags)?
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Money;

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
        let mut flags = Overrides::default();
        flags.set("churn_days=200").unwrap();
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
        let mut flags = Overrides::default();
        flags.set("scheme=cpm").unwrap();
        flags.set("vip_top_share=0").unwrap();
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
        let mut flags = Overrides::default();
        flags.set("super_loyal_amount=off").unwrap();
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
        assert_eq!(flags.values["cpm.loyal_amount"], "50000");
        assert_eq!(flags.values["cpm.churn_days"], "180");
        assert_eq!(flags.values["lifecycle.vip_top_share"], "0.05");
        let c = Config::resolve(&ConfigFile::default(), &flags).unwrap();
        assert_eq!(c.scheme, Scheme::Lifecycle);
        assert!(flags.set("churn_days=soon").is_err());
        assert!(flags.set("loyal_amount").is_err());
        let err = flags.set("loyalty=1").unwrap_err().to_string();
        assert!(err.contains("known keys"), "{err}");
    }
}
