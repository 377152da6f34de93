//! The `cpm sql` subcommand: arguments, then the files written into the
//! output folder (the SQL, and `rules.toml` beside it).

use std::path::PathBuf;

use clap::Args;

use crate::config::Config;
use crate::config::rules_file::{RunInfo, config_toml, config_toml_open_as_of};
use crate::dates::parse_iso_day;
use crate::error::{Error, Result};

use super::{Source, dialect};

#[derive(Debug, Args)]
pub struct SqlArgs {
    /// Warehouse: bigquery, snowflake, spark (also Databricks) or duckdb.
    #[arg(long, value_parser = ["bigquery", "snowflake", "spark", "databricks", "duckdb"])]
    pub(crate) dialect: String,
    /// The orders table, as the warehouse names it (e.g. shop.orders).
    #[arg(long)]
    pub(crate) table: String,
    /// Folder for run.sql, one file per table, and rules.toml (created if missing).
    #[arg(long, short = 'o')]
    pub(crate) out: PathBuf,
    /// Prefix of the created tables.
    #[arg(long, default_value = "cpm_")]
    pub(crate) prefix: String,
    /// Snapshot through this date (YYYY-MM-DD) [default: the last month-end the data covers].
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub(crate) as_of: Option<String>,
    /// The date column holds instants (TIMESTAMP): take their date in the configured time zone.
    #[arg(long)]
    pub(crate) timestamps: bool,
    /// Break every table down by a customer attribute: the value of COLUMN on each customer's first purchase day
    /// (as `cpm tables --by`).
    #[arg(long, value_name = "COLUMN")]
    pub(crate) by: Option<String>,
    /// Keep only the rows whose COLUMN is one of the values (as `cpm tables --where`).
    #[arg(long = "where", value_name = "COLUMN=V1,V2", value_parser = crate::cli::args::keep_arg)]
    pub(crate) where_: Vec<String>,
    /// Leave out the rows whose COLUMN is one of the values (as `cpm tables --where-not`).
    #[arg(long = "where-not", value_name = "COLUMN=V1,V2", value_parser = crate::cli::args::drop_arg)]
    pub(crate) where_not: Vec<String>,
    /// Config file (TOML), as for the other commands. Default: ./cpm.toml if it exists.
    #[arg(long)]
    pub(crate) config: Option<PathBuf>,
    /// The settings of the settings table (columns, thresholds), as flags.
    #[command(flatten)]
    pub(crate) settings: crate::cli::args::RuleFlags,
}

/// Writes the SQL for `args` with the config file read by `load`.
pub(crate) fn run(
    args: &SqlArgs,
    load: impl FnOnce(Option<&std::path::Path>) -> Result<(crate::config::ConfigFile, Option<crate::config::ConfigSource>)>,
) -> Result<()> {
    let d = dialect::by_name(&args.dialect).ok_or_else(|| {
        Error::Usage(format!(
            "--dialect must be one of {}, got {:?}",
            dialect::DIALECTS.join(", "),
            args.dialect
        ))
    })?;
    let (file, source) = load(args.config.as_deref())?;
    let config = resolve(args, &file, source)?;
    let as_of = args
        .as_of
        .as_deref()
        .map(|t| parse_iso_day(t).ok_or_else(|| Error::Usage(format!("--as-of must be a date YYYY-MM-DD, got {t:?}"))))
        .transpose()?;
    let src = Source {
        table: args.table.clone(),
        prefix: args.prefix.clone(),
        as_of,
        timestamps: args.timestamps,
    };
    let files = super::generate(&config, d, &src)?;
    crate::tables::ensure_dir(&args.out)?;
    // The folder is built beside its place and swapped in whole.
    crate::output::folder::check_replaceable(
        &args.out,
        &[],
        |n| n.ends_with(".sql") || n == crate::tables::RULES,
        "cpm sql",
    )?;
    let staged = crate::output::folder::Staged::begin(&args.out)?;
    let out = staged.path().to_path_buf();
    for f in &files {
        crate::tables::write_file(&out, &f.name, &f.text)?;
    }
    crate::tables::write_file(&out, crate::tables::RULES, &rules_toml(args, &config, d.name(), as_of))?;
    staged.commit(false)?;
    eprintln!(
        "wrote {}: run.sql (creates {}) and rules.toml",
        args.out.display(),
        super::TABLES
            .iter()
            .map(|t| format!("{}{t}", args.prefix))
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(())
}

/// The settings of the file and the flags, less the kept columns (with a
/// note): the SQL writes no customers_keep.csv, so its rules.toml must not
/// ask for one.
fn resolve(
    args: &SqlArgs,
    file: &crate::config::ConfigFile,
    source: Option<crate::config::ConfigSource>,
) -> Result<Config> {
    let overrides = crate::config::Overrides {
        by: args.by.clone(),
        where_: args.where_.clone(),
        where_not: args.where_not.clone(),
        ..args.settings.overrides()
    };
    let mut config = Config::resolve(file, &overrides)?;
    config.source = source;
    if !config.scope.keep.is_empty() {
        eprintln!(
            "note: the SQL does not compute the kept columns (columns.keep: {}); the lists drawn from its tables \
             have none (run cpm report --input for them)",
            config.scope.keep.join(", ")
        );
        config.scope.keep.clear();
    }
    Ok(config)
}

/// `rules.toml`: the rules the SQL computes with. Its [run] table carries
/// --by and the filters, which `cpm report --tables` reads; without
/// --as-of, the date is the data's.
fn rules_toml(args: &SqlArgs, config: &Config, dialect: &str, as_of: Option<crate::dates::Day>) -> String {
    let header = format!(
        "The rules the SQL in this folder computes with (cpm {}, `cpm sql --dialect {}` on {}).\n\
         The same rules for `cpm tables`: cpm tables --config rules.toml --input FILE --out-dir DIR",
        env!("CARGO_PKG_VERSION"),
        dialect,
        args.table
    );
    match as_of {
        Some(as_of) => {
            let run = RunInfo {
                input: args.table.clone(),
                as_of,
            };
            config_toml(config, &header, Some(&run), &|_| None)
        }
        None => config_toml_open_as_of(config, &header, &args.table),
    }
}
