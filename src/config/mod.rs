//! The validated, typed configuration every command runs with.
//!
//! Every setting is a row of [`settings::SETTINGS`]; a run's values come
//! from the command line (flags, `--set`) over the config file over the
//! spec's defaults, are checked there, and land in a [`Config`]. Nothing
//! downstream sees clap or raw TOML.

mod parse;
mod resolve;
pub(crate) mod rules_file;
mod scope;
pub mod settings;
mod value;

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono_tz::Tz;

use crate::engine::lifecycle::LifecycleRules;
use crate::engine::segments::CpmRules;
use crate::error::{Error, Result};
use crate::ingest::attribute::Scope;
use settings::{SETTINGS, Setting};

/// A config file as written by a person: the settings it gives (by
/// qualified name, as text) and, in a `rules.toml`, what the run read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConfigFile {
    /// `cpm.churn_days` → `"240"`.
    pub(crate) values: BTreeMap<String, String>,
    /// The `[run]` table of `tables/rules.toml`: informational only.
    pub(crate) run: Option<RunFile>,
}

/// The `[run]` table: `by`, `where` and `where_not` scope the run (spec
/// sections 9 and 10); the rest is what a run read, as `tables/rules.toml`
/// records it (informational).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct RunFile {
    /// Break every table down by this column (`--by`).
    pub(crate) by: Option<String>,
    /// `COLUMN=V1,V2` entries, as for `--where`.
    pub(crate) where_: Vec<String>,
    /// `COLUMN=V1,V2` entries, as for `--where-not`.
    pub(crate) where_not: Vec<String>,
    pub(crate) cpm_version: Option<String>,
    pub(crate) input: Option<String>,
    pub(crate) as_of: Option<String>,
    pub(crate) config_file: Option<String>,
    pub(crate) config_sha256: Option<String>,
    /// `cpm report`'s plan file (予実), when not given as `--plan`.
    pub(crate) plan: Option<String>,
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
    pub(crate) fn id(self) -> &'static str {
        match self {
            Scheme::Cpm => "cpm",
            Scheme::Lifecycle => "lifecycle",
        }
    }
}

/// The config file a run read: its path and the SHA-256 of its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigSource {
    pub(crate) path: PathBuf,
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
    pub(crate) by_tier: [f64; 5],
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
    /// How the order file is read (the `[read]` settings).
    pub read: crate::ingest::ReadOptions,
    /// `cpm report`: refuse data that stops a few days short of a month-end.
    pub strict_month: bool,
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

impl Config {
    /// The run's scheme with its rules, as the engine takes it.
    pub(crate) fn scheme_rules(&self) -> crate::engine::scheme::SchemeRules<'_> {
        use crate::engine::scheme::SchemeRules;
        match self.scheme {
            Scheme::Cpm => SchemeRules::Cpm(&self.rules),
            Scheme::Lifecycle => SchemeRules::Lifecycle(&self.lifecycle),
        }
    }

    /// The segment ids and names of this run's scheme, in canonical order.
    pub(crate) fn labels(&self) -> &'static [crate::engine::segments::SegmentLabel] {
        use crate::engine::lifecycle::LIFECYCLE_LABELS;
        use crate::engine::segments::{CPM_LABELS, CPM_SUPER_LABELS};
        match (self.scheme, self.rules.super_loyal) {
            (Scheme::Lifecycle, _) => &LIFECYCLE_LABELS,
            (Scheme::Cpm, Some(_)) => &CPM_SUPER_LABELS,
            (Scheme::Cpm, None) => &CPM_LABELS,
        }
    }
}

#[cfg(test)]
mod tests;
