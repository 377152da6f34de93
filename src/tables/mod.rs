//! The tables: what a run computed, as the CSV contract holds it. Every
//! output (terminal summary, HTML and charts, lists) is drawn from a
//! [`Tables`], so a folder written earlier by `cpm tables`, or by another
//! engine that writes the same files (generated SQL in a warehouse), renders
//! the same report as the run itself.

pub(crate) mod activity;
mod cells;
pub mod data_quality;
mod frames;
pub mod groups;
mod kept;
mod parquet;
pub mod read;
mod read_groups;
mod read_quality;
mod record;
mod write;

pub(crate) use kept::value as kept_value;
pub(crate) use parquet::write_parquet_tables;
pub use read::read;
pub use write::*;

use crate::config::Config;
use crate::config::rules_file::RunInfo;
use crate::engine::activity::Activity;
use crate::engine::breakdown::Breakdown;
use crate::engine::portfolio::Portfolio;
use crate::ingest::RejectedRow;
use crate::pipeline::Analysis;
use data_quality::DataQuality;

pub(crate) const SNAPSHOTS: &str = "snapshots.csv";
pub(crate) const TRANSITIONS: &str = "transitions.csv";
pub(crate) const CONVERSION: &str = "conversion.csv";
pub(crate) const SEGMENTS: &str = "segments.csv";
pub(crate) const LADDER: &str = "ladder.csv";
pub(crate) const ACTIVITY: &str = "activity.csv";
pub(crate) const DATA_QUALITY: &str = "data_quality.csv";
pub(crate) const REJECTS: &str = "rejects.csv";
pub(crate) const RULES: &str = "rules.toml";
/// With `--keep-cols`: `customer_id` and the kept columns, per customer.
pub(crate) const CUSTOMERS_KEEP: &str = "customers_keep.csv";

/// The tables as Parquet files (`cpm tables --format parquet`): one for
/// each table of the CSV contract.
pub(crate) const PARQUET_TABLES: [&str; 6] = [
    "snapshots.parquet",
    "transitions.parquet",
    "conversion.parquet",
    "segments.parquet",
    "ladder.parquet",
    "activity.parquet",
];

/// Every file a tables folder may hold.
pub(crate) const FILES: [&str; 16] = [
    SNAPSHOTS,
    TRANSITIONS,
    CONVERSION,
    SEGMENTS,
    LADDER,
    ACTIVITY,
    DATA_QUALITY,
    REJECTS,
    RULES,
    CUSTOMERS_KEEP,
    PARQUET_TABLES[0],
    PARQUET_TABLES[1],
    PARQUET_TABLES[2],
    PARQUET_TABLES[3],
    PARQUET_TABLES[4],
    PARQUET_TABLES[5],
];

/// Everything a report needs, and nothing that only the order file has.
#[derive(Debug, Clone, PartialEq)]
pub struct Tables {
    /// The whole run (with a breakdown: the sum of its groups).
    pub portfolio: Portfolio,
    /// With `--by`: each group's portfolio and each customer's group
    /// (spec section 9).
    pub breakdown: Option<Breakdown>,
    /// Purchase days, buyers and sales per month-end (`activity.csv`).
    pub activity: Activity,
    pub quality: DataQuality,
    /// The rows left out (`rejects.csv`; empty when none were).
    pub(crate) rejects: Vec<RejectedRow>,
    /// The rules the numbers were computed with (`rules.toml`).
    pub config: Config,
    /// What the run read: the order file's name and the as-of date.
    pub(crate) run: RunInfo,
    /// With `--keep-cols`: each column's value for each customer of
    /// `portfolio`, in its order (`customers_keep.csv`).
    pub(crate) kept: Vec<crate::orders::Attribute>,
}

impl Tables {
    /// The tables of a run that has just been computed.
    pub fn of(analysis: Analysis, config: &Config) -> Tables {
        let quality = DataQuality::of(&analysis);
        let run = RunInfo {
            input: file_name(&analysis.ingest.path),
            as_of: analysis.portfolio.as_of,
        };
        Tables {
            portfolio: analysis.portfolio,
            breakdown: analysis.breakdown,
            activity: analysis.activity,
            quality,
            rejects: analysis.ingest.rejected,
            config: config.clone(),
            run,
            kept: analysis.kept,
        }
    }
}

/// A path's last component, for people (the whole path when it has none).
pub(crate) fn file_name(path: &std::path::Path) -> String {
    path.file_name()
        .map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}
