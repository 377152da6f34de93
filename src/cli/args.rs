//! Command-line arguments (clap). Converted to a [`Config`] and plain
//! options in `app`; nothing past `app` sees these types.
//!
//! [`Config`]: crate::config::Config

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::settings::{Kind, SETTINGS, Section, Setting, Value};
use crate::dates::{Day, MonthIndex, parse_iso_day, parse_month};
use crate::text::lang::Lang;

/// How `cpm tables` writes its tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum TableFormat {
    /// CSV, the contract `cpm report --tables` reads.
    #[default]
    Csv,
    /// Parquet, with typed columns (dates, exact decimals), for other tools.
    Parquet,
}

/// The flags of every setting that has one, derived from the settings
/// table: values as given (checked by the setting's kind, so a bad value is
/// a usage error), by qualified name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SettingFlags {
    pub values: std::collections::BTreeMap<String, String>,
}

/// [`SettingFlags`] less the `[read]` settings: for `cpm sql`, which reads
/// no order file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RuleFlags(pub SettingFlags);

/// Whether a setting's flag is one of the rules' (not how a file is read).
fn is_rule(s: &Setting) -> bool {
    s.section != Section::Read
}

impl RuleFlags {
    /// The flags as config overrides.
    pub fn overrides(&self) -> crate::config::Overrides {
        self.0.overrides()
    }
}

impl clap::FromArgMatches for RuleFlags {
    fn from_arg_matches(matches: &clap::ArgMatches) -> Result<Self, clap::Error> {
        let mut flags = RuleFlags::default();
        flags.update_from_arg_matches(matches)?;
        Ok(flags)
    }

    fn update_from_arg_matches(&mut self, matches: &clap::ArgMatches) -> Result<(), clap::Error> {
        self.0.read(matches, is_rule);
        Ok(())
    }
}

impl clap::Args for RuleFlags {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        setting_args(cmd, is_rule)
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_args(cmd)
    }
}

impl SettingFlags {
    /// The flags as config overrides.
    pub fn overrides(&self) -> crate::config::Overrides {
        crate::config::Overrides {
            values: self.values.clone(),
            ..Default::default()
        }
    }
}

impl clap::FromArgMatches for SettingFlags {
    fn from_arg_matches(matches: &clap::ArgMatches) -> Result<Self, clap::Error> {
        let mut flags = SettingFlags::default();
        flags.update_from_arg_matches(matches)?;
        Ok(flags)
    }

    fn update_from_arg_matches(&mut self, matches: &clap::ArgMatches) -> Result<(), clap::Error> {
        self.read(matches, |_| true);
        Ok(())
    }
}

impl SettingFlags {
    /// The values of the flags of the settings `which` takes.
    fn read(&mut self, matches: &clap::ArgMatches, which: fn(&Setting) -> bool) {
        for s in SETTINGS.iter().filter(|s| which(s)) {
            let Some(flag) = s.flag else { continue };
            if s.kind == Kind::Switch {
                // A bare flag turns it on; without it the file decides.
                if matches.get_flag(flag) {
                    self.values.insert(s.name(), "true".into());
                }
            } else if let Some(value) = matches.get_one::<String>(flag) {
                self.values.insert(s.name(), value.clone());
            }
        }
    }
}

/// The flags of the settings `which` takes, from the settings table.
fn setting_args(cmd: clap::Command, which: fn(&Setting) -> bool) -> clap::Command {
    let args = SETTINGS.iter().filter(|s| which(s)).filter_map(|s| {
        let flag = s.flag?;
        let kind = s.kind;
        let default = match s.default {
            Some(d) if kind != Kind::Switch => format!(" [default: {d}]"),
            _ => String::new(),
        };
        let arg = clap::Arg::new(flag)
            .long(flag)
            .help(format!("{}{default}", s.help))
            .help_heading(s.section.heading());
        if kind == Kind::Switch {
            return Some(arg.action(clap::ArgAction::SetTrue));
        }
        let arg = arg.allow_negative_numbers(true).value_name(match kind {
            Kind::Whole { .. } => "N",
            Kind::Amount | Kind::AmountOrOff => "AMOUNT",
            Kind::Share | Kind::Fraction => "SHARE",
            Kind::Text => "NAME",
            Kind::List => "V1,V2",
            Kind::TimeZone => "ZONE",
            Kind::Scheme => "SCHEME",
            Kind::Encoding => "ENCODING",
            Kind::Delimiter => "DELIMITER",
            Kind::Switch => unreachable!("a switch takes no value"),
        });
        Some(match kind {
            Kind::Scheme => arg.value_parser(["cpm", "lifecycle"]),
            _ => arg.value_parser(move |text: &str| kind.parse(text).map(|_| text.to_string())),
        })
    });
    cmd.args(args)
}

impl clap::Args for SettingFlags {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        setting_args(cmd, |_| true)
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_args(cmd)
    }
}

/// A `--where` value, checked (kept as written).
pub(crate) fn keep_arg(text: &str) -> Result<String, String> {
    crate::ingest::filter::Filter::parse(text, true).map(|_| text.to_string())
}

/// A `--where-not` value, checked (kept as written).
pub(crate) fn drop_arg(text: &str) -> Result<String, String> {
    crate::ingest::filter::Filter::parse(text, false).map(|_| text.to_string())
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

/// The report month: `YYYY-MM`, or `last` (the last complete month of the data).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MonthArg {
    Last,
    Month(MonthIndex),
}

/// `YYYY-MM` in the years dates may have (1900–2199), or `last`.
fn month_arg(text: &str) -> Result<MonthArg, String> {
    if text.trim() == "last" {
        return Ok(MonthArg::Last);
    }
    let month = parse_month(text).ok_or_else(|| format!("expected a month YYYY-MM or last, got {text:?}"))?;
    let year = crate::dates::year_month(month).0;
    if !crate::ingest::text::YEARS.contains(&year) {
        return Err(format!("the year {year} is outside 1900-2199"));
    }
    Ok(MonthArg::Month(month))
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
    /// No progress display on stderr (it is shown only when stderr is a terminal).
    #[arg(long, short = 'q', global = true)]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write the machine-readable tables: snapshots, transitions, conversion, segments (CSV).
    Tables(TablesArgs),
    /// Write SQL that computes the same tables inside a warehouse (BigQuery, Snowflake, Spark, DuckDB).
    Sql(crate::sql::command::SqlArgs),
    /// Print the CPM table for the latest month-end and the 初回→よちよち KPI.
    Summary(SummaryArgs),
    /// Write the monthly report (HTML, PNG/SVG charts, tables, customer lists).
    Report(ReportArgs),
    /// Generate a deterministic synthetic order history (CSV or Parquet), with channel, product and shop columns.
    Generate(GenerateArgs),
    /// Suggest thresholds from the data, with the evidence; optionally write them as a cpm.toml to edit.
    Calibrate(CalibrateArgs),
    /// Compare the latest month-end under the current rules and under changed ones (--set KEY=VALUE).
    Whatif(WhatifArgs),
    /// Forecast the segments for the coming months (with a conversion scenario and a backtest).
    Forecast(super::forecast::ForecastArgs),
    /// Write a cpm.toml for an export: the columns found, cancel and guest settings, every other setting commented.
    Init(InitArgs),
}

/// `cpm init`: a config file for an export.
#[derive(Debug, Args, Clone)]
pub struct InitArgs {
    /// The order export to look at.
    #[arg(long, short = 'i')]
    pub input: PathBuf,
    /// Where to write the config file.
    #[arg(long, default_value = "cpm.toml")]
    pub out: PathBuf,
    /// Replace --out if it exists.
    #[arg(long)]
    pub force: bool,
    /// Text encoding of a CSV export: detect, utf-8 or shift_jis (CP932) [default: detect].
    #[arg(long, value_parser = encoding_arg, value_name = "ENCODING")]
    pub encoding: Option<crate::ingest::csv::Encoding>,
    /// Field delimiter of a CSV export: detect, comma, tab or semicolon [default: detect].
    #[arg(long, value_parser = delimiter_arg, value_name = "DELIMITER")]
    pub delimiter: Option<u8>,
}

/// `--encoding` of `cpm init`, read as the `read.encoding` setting reads it.
fn encoding_arg(text: &str) -> Result<crate::ingest::csv::Encoding, String> {
    match Kind::Encoding.parse(text)? {
        Value::Encoding(Some(e)) => Ok(e),
        _ => Err("cpm init detects the encoding when --encoding is not given".into()),
    }
}

/// `--delimiter` of `cpm init`, read as the `read.delimiter` setting reads it.
fn delimiter_arg(text: &str) -> Result<u8, String> {
    match Kind::Delimiter.parse(text)? {
        Value::Delimiter(Some(d)) => Ok(d),
        _ => Err("cpm init detects the delimiter when --delimiter is not given".into()),
    }
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
    /// The settings of the settings table (reading, columns, thresholds), as flags.
    #[command(flatten)]
    pub settings: SettingFlags,
    /// Break every table down by a customer attribute: the value of COLUMN on each customer's first purchase day (e.g. channel).
    #[arg(long, value_name = "COLUMN")]
    pub by: Option<String>,
    /// Keep only the rows whose COLUMN is one of the values. Values are comma-separated; quote a value holding commas
    /// ("香醋, 720ml"); repeat the flag to add values or columns.
    #[arg(long = "where", value_name = "COLUMN=V1,V2", value_parser = keep_arg)]
    pub where_: Vec<String>,
    /// Leave out the rows whose COLUMN is one of the values (written as for --where).
    #[arg(long = "where-not", value_name = "COLUMN=V1,V2", value_parser = drop_arg)]
    pub where_not: Vec<String>,
}

#[derive(Debug, Args)]
pub struct TablesArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Folder for the CSV files (created if missing).
    #[arg(long, short = 'o')]
    pub out_dir: PathBuf,
    /// Format of the tables: csv or parquet (data_quality.csv and rules.toml stay text).
    #[arg(long, value_enum, default_value_t = TableFormat::Csv)]
    pub format: TableFormat,
}

#[derive(Debug, Args)]
pub struct SummaryArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Also print what each segment means, with this run's thresholds, and how the KPI is computed.
    #[arg(long)]
    pub explain: bool,
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
    /// Report month: YYYY-MM, or last = the last complete month of the data [default: last].
    #[arg(long, value_parser = month_arg, value_name = "YYYY-MM|last", conflicts_with = "as_of")]
    pub month: Option<MonthArg>,
    /// Fail (exit 1, nothing written) when the data stops a few days short of a month-end,
    /// as an export cut early does, instead of reporting the month before with a warning
    /// (the `read.strict_month` setting).
    #[arg(long)]
    pub strict_month: bool,
    /// Where the report folder YYYY-MM/ is written.
    #[arg(long, default_value = "reports")]
    pub out_dir: PathBuf,
    /// Language of the report.
    #[arg(long, value_enum, default_value_t = Lang::Ja)]
    pub lang: Lang,
    /// Encoding of the follow-up lists (lists/*.csv) for Excel: UTF-8 with a BOM, or CP932
    /// (refused when a character does not fit).
    #[arg(long, value_enum, default_value_t = crate::output::excel::ExcelEncoding::Utf8Bom)]
    pub excel_encoding: crate::output::excel::ExcelEncoding,
    /// Plan file (month,metric,value) to compare with (予実) [default: `[run] plan` in the config].
    #[arg(long, value_name = "FILE")]
    pub plan: Option<PathBuf>,
    /// A folder written by `cpm forecast` from the report's month-end: adds the forecast section
    /// (where the portfolio is heading) to the page and the workbook.
    #[arg(long, value_name = "DIR")]
    pub forecast: Option<PathBuf>,
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
    /// Replace --out if it exists.
    #[arg(long)]
    pub force: bool,
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
    /// Replace --out if it exists.
    #[arg(long)]
    pub force: bool,
}
