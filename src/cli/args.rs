//! Command-line arguments (clap). Converted to a [`Config`] and plain
//! options in `app`; nothing past `app` sees these types.
//!
//! [`Config`]: crate::config::Config

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::Scheme;
use crate::dates::{Day, MonthIndex, parse_iso_day, parse_month};
use crate::text::lang::Lang;

/// CSV text encodings, as the flag names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EncodingArg {
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
    /// Shift_JIS as Windows and Excel write it (CP932).
    #[value(name = "shift_jis", aliases = ["sjis", "cp932", "shift-jis"])]
    ShiftJis,
}

/// CSV delimiters, as the flag names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DelimiterArg {
    #[value(alias = ",")]
    Comma,
    #[value(alias = "\\t")]
    Tab,
    #[value(alias = ";")]
    Semicolon,
}

impl DelimiterArg {
    pub fn byte(self) -> u8 {
        match self {
            DelimiterArg::Comma => b',',
            DelimiterArg::Tab => b'\t',
            DelimiterArg::Semicolon => b';',
        }
    }
}

/// `YYYY-MM-DD`, in the years dates may have (1900–2199).
fn day_arg(text: &str) -> Result<Day, String> {
    let day = parse_iso_day(text).ok_or_else(|| format!("expected a date YYYY-MM-DD, got {text:?}"))?;
    let year = crate::dates::year_month(crate::dates::month_of(day)).0;
    if !crate::ingest::text::YEARS.contains(&year) {
        return Err(format!("the year {year} is outside 1900-2199"));
    }
    Ok(day)
}

/// `YYYY-MM`, in the years dates may have (1900–2199).
fn month_arg(text: &str) -> Result<MonthIndex, String> {
    let month = parse_month(text).ok_or_else(|| format!("expected a month YYYY-MM, got {text:?}"))?;
    let year = crate::dates::year_month(month).0;
    if !crate::ingest::text::YEARS.contains(&year) {
        return Err(format!("the year {year} is outside 1900-2199"));
    }
    Ok(month)
}

#[derive(Debug, Parser)]
#[command(
    name = "cpm",
    version,
    about = "Customer Portfolio Management (顧客ポートフォリオマネジメント) for mail-order order histories",
    long_about = "Classifies every customer into the ten CPM segments (初回/よちよち/流行/コツコツ/優良 × 現役/離脱) \
                  at every month-end, with month-over-month transitions and the 初回→よちよち conversion KPI \
                  (or into the six states of the six-state D2C lifecycle with --scheme lifecycle).\n\n\
                  Exit codes: 0 success, 1 bad input or failure, 2 bad command-line usage."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write the machine-readable tables: snapshots, transitions, conversion, segments (CSV).
    Tables(TablesArgs),
    /// Print the CPM table for the latest month-end and the 初回→よちよち KPI.
    Summary(SummaryArgs),
    /// Write the monthly report (HTML, PNG/SVG charts, tables, customer lists).
    Report(ReportArgs),
    /// Generate a deterministic synthetic order history (CSV or Parquet).
    Generate(GenerateArgs),
    /// Suggest thresholds from the data, with the evidence; optionally write them as a cpm.toml to edit.
    Calibrate(CalibrateArgs),
    /// Compare the latest month-end under the current rules and under changed ones (--set KEY=VALUE).
    Whatif(WhatifArgs),
}

/// Where the orders come from and which rules apply.
#[derive(Debug, Args, Clone, Default)]
pub struct InputArgs {
    /// Order file: .csv/.tsv/.txt (UTF-8 or Shift_JIS) or .parquet.
    #[arg(long, short = 'i')]
    pub input: PathBuf,
    #[command(flatten)]
    pub run: RunArgs,
}

/// How the orders are read and which rules apply.
#[derive(Debug, Args, Clone, Default)]
pub struct RunArgs {
    /// Config file (TOML). Default: ./cpm.toml if it exists.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Snapshot through this date (YYYY-MM-DD): the month-ends before it, then the date itself.
    #[arg(long, value_parser = day_arg, value_name = "YYYY-MM-DD")]
    pub as_of: Option<Day>,
    /// Customer-id column name [default: customer_id].
    #[arg(long)]
    pub customer_col: Option<String>,
    /// Order-date column name [default: order_date].
    #[arg(long)]
    pub date_col: Option<String>,
    /// Amount column name [default: amount].
    #[arg(long)]
    pub amount_col: Option<String>,
    /// Days without a purchase after which a customer is 離脱 (lapsed) [default: 240].
    #[arg(long)]
    pub churn_days: Option<i64>,
    /// Tenure (days) below which a repeat customer is よちよち (toddler) [default: 90].
    #[arg(long)]
    pub toddler_days: Option<i64>,
    /// Tenure (days) from which a high spender is 優良 (loyal) rather than 流行 [default: 210].
    #[arg(long)]
    pub loyal_days: Option<i64>,
    /// Cumulative sales from which a customer is 流行/優良 [default: 70000].
    #[arg(long)]
    pub loyal_amount: Option<String>,
    /// Segment scheme: cpm (the ten segments of Yazuya's CPM) or lifecycle (the six-state D2C lifecycle) [default: cpm].
    #[arg(long, value_enum)]
    pub scheme: Option<Scheme>,
    /// CPM: 優良 customers at or over this total become 超優良 (super-loyal): twelve segments; `off` turns it off [default: off].
    #[arg(long)]
    pub super_loyal_amount: Option<String>,
    /// CPM: 超優良 also needs at least this tenure in days [default: none].
    #[arg(long)]
    pub super_loyal_days: Option<i64>,
    /// Lifecycle: 休眠予備軍 (at risk) when days since the last purchase exceed this [default: 30].
    #[arg(long)]
    pub active_days: Option<i64>,
    /// Lifecycle: 休眠 (dormant) when days since the last purchase exceed this [default: 60].
    #[arg(long)]
    pub dormant_days: Option<i64>,
    /// Lifecycle: VIP by frequency from this many purchase days... [default: 4].
    #[arg(long)]
    pub vip_min_purchase_days: Option<i64>,
    /// Lifecycle: ...with a purchase within this many days [default: 45].
    #[arg(long)]
    pub vip_recency_days: Option<i64>,
    /// Lifecycle: VIP by total: the top share (0 to 1, 0 = off) of non-dormant customers [default: 0.01].
    #[arg(long)]
    pub vip_top_share: Option<String>,
    /// Lifecycle: 新規 (newcomer) up to this many purchase days [default: 2].
    #[arg(long)]
    pub new_max_purchase_days: Option<i64>,
    /// CSV text encoding [default: detect].
    #[arg(long, value_enum)]
    pub encoding: Option<EncodingArg>,
    /// CSV delimiter [default: detect].
    #[arg(long, value_enum)]
    pub delimiter: Option<DelimiterArg>,
    /// Skip bad rows (counted by reason and written to a rejects file) instead of stopping at the first.
    #[arg(long)]
    pub lenient: bool,
}

#[derive(Debug, Args)]
pub struct TablesArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Folder for the CSV files (created if missing).
    #[arg(long, short = 'o')]
    pub out_dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct SummaryArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Language of the table.
    #[arg(long, value_enum, default_value_t = Lang::Ja)]
    pub lang: Lang,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Order file: .csv/.tsv/.txt (UTF-8 or Shift_JIS) or .parquet.
    #[arg(long, short = 'i', required_unless_present = "tables", conflicts_with = "tables")]
    pub input: Option<PathBuf>,
    /// Render from a tables folder written earlier (by `cpm tables` or by the generated SQL) instead of
    /// an order file; the rules are the folder's rules.toml.
    #[arg(long, value_name = "DIR")]
    pub tables: Option<PathBuf>,
    #[command(flatten)]
    pub run: RunArgs,
    /// Report month (YYYY-MM) [default: the latest month-end in the data].
    #[arg(long, value_parser = month_arg, value_name = "YYYY-MM", conflicts_with = "as_of")]
    pub month: Option<MonthIndex>,
    /// Where the report folder YYYY-MM/ is written.
    #[arg(long, default_value = "reports")]
    pub out_dir: PathBuf,
    /// Language of the report.
    #[arg(long, value_enum, default_value_t = Lang::Ja)]
    pub lang: Lang,
}

#[derive(Debug, Args)]
pub struct CalibrateArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Write the suggested thresholds as a config file to edit (e.g. cpm.toml).
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// Overwrite --out if it exists.
    #[arg(long)]
    pub force: bool,
    /// Language of the table and of the file's comments.
    #[arg(long, value_enum, default_value_t = Lang::Ja)]
    pub lang: Lang,
}

#[derive(Debug, Args)]
pub struct WhatifArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// A changed threshold, KEY=VALUE (e.g. loyal_amount=50000); repeat for several.
    #[arg(long = "set", value_name = "KEY=VALUE", required = true)]
    pub set: Vec<String>,
    /// Also write the customer moves as CSV (from_segment,to_segment,customers).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Language of the report.
    #[arg(long, value_enum, default_value_t = Lang::Ja)]
    pub lang: Lang,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Number of customers.
    #[arg(long, default_value_t = 2000)]
    pub customers: u64,
    /// Random seed: the same seed gives the same file.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// First possible order date (YYYY-MM-DD).
    #[arg(long, value_parser = day_arg, default_value = "2021-01-01")]
    pub start: Day,
    /// Last possible order date (YYYY-MM-DD).
    #[arg(long, value_parser = day_arg, default_value = "2025-12-31")]
    pub end: Day,
    /// Output file: .csv or .parquet.
    #[arg(long, short = 'o')]
    pub out: PathBuf,
}
