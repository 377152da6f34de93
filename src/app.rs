//! From parsed arguments to work: builds the [`Config`], runs the pipeline
//! and hands the result to `report`.

use std::path::{Path, PathBuf};

use crate::cli::{Cli, Command, GenerateArgs, InputArgs};
use crate::config::{Config, ConfigFile, Overrides};
use crate::dates::{Day, last_day_of_month, parse_iso_day, parse_month};
use crate::error::{Error, Result};
use crate::ingest::ReadOptions;
use crate::ingest::csv::Encoding;
use crate::pipeline::{Analysis, analyze};
use crate::report::lang::Lang;
use crate::quality::DataQuality;
use crate::report::{quality, summary, tables};

/// The config file a run uses: the one given, else `./cpm.toml` if present.
const DEFAULT_CONFIG: &str = "cpm.toml";

pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Tables(args) => {
            let (config, read, as_of) = prepare(&args.input)?;
            let analysis = analyze(&args.input.input, &config, &read, as_of)?;
            tables::write_tables(&args.out_dir, &analysis)?;
            eprint!("{}", quality::text(&DataQuality::of(&analysis), Lang::En));
            eprintln!("{}", run_note(&analysis, &args.out_dir));
            Ok(())
        }
        Command::Summary(args) => {
            let lang = parse_lang(&args.lang)?;
            let (config, read, as_of) = prepare(&args.input)?;
            let analysis = analyze(&args.input.input, &config, &read, as_of)?;
            print!("{}", summary::render(&analysis, &config, lang));
            eprint!("{}", quality::text(&DataQuality::of(&analysis), lang));
            Ok(())
        }
        Command::Report(args) => {
            let lang = parse_lang(&args.lang)?;
            let (config, read, mut as_of) = prepare(&args.input)?;
            if let Some(month) = &args.month {
                // The report month's end is the as-of date, so that every list
                // and KPI is as of that month.
                let m = parse_month(month)
                    .ok_or_else(|| Error::Config(format!("--month must be YYYY-MM, got {month:?}")))?;
                if as_of.is_some() {
                    return Err(Error::Config("give either --month or --as-of, not both".into()));
                }
                as_of = Some(last_day_of_month(m));
            }
            let analysis = analyze(&args.input.input, &config, &read, as_of)?;
            let dir = crate::report::write_report(&analysis, &config, &args.out_dir, lang)?;
            eprint!("{}", quality::text(&DataQuality::of(&analysis), lang));
            eprintln!("{}", run_note(&analysis, &dir));
            Ok(())
        }
        Command::Generate(args) => generate(&args),
    }
}

fn run_note(a: &Analysis, dir: &Path) -> String {
    let p = &a.portfolio;
    let mut note = format!(
        "wrote {}: {} rows read, {} customers, {} snapshots ({} .. {})",
        dir.display(),
        a.ingest.rows_read,
        p.customers.len(),
        p.snapshot_days.len(),
        crate::dates::format_day(p.snapshot_days[0]),
        crate::dates::format_day(p.as_of),
    );
    if a.rows.rows_after_cutoff > 0 {
        note += &format!(
            "; {} rows dated after {} left out",
            a.rows.rows_after_cutoff,
            crate::dates::format_day(p.as_of)
        );
    }
    if !a.ingest.rejected.is_empty() {
        note += &format!("; {} bad rows skipped", a.ingest.rejected.len());
    }
    note
}

fn parse_lang(text: &str) -> Result<Lang> {
    Lang::parse(text).ok_or_else(|| Error::Config(format!("--lang must be ja or en, got {text:?}")))
}

fn parse_day_flag(flag: &str, text: &str) -> Result<Day> {
    parse_iso_day(text).ok_or_else(|| Error::Config(format!("{flag} must be a date YYYY-MM-DD, got {text:?}")))
}

fn load_config(explicit: Option<&Path>) -> Result<ConfigFile> {
    let path: PathBuf = match explicit {
        Some(p) => p.to_path_buf(),
        None if Path::new(DEFAULT_CONFIG).is_file() => PathBuf::from(DEFAULT_CONFIG),
        None => return Ok(ConfigFile::default()),
    };
    let text = std::fs::read_to_string(&path).map_err(|source| Error::Read {
        path: path.clone(),
        source,
    })?;
    Config::parse_file(&text).map_err(|e| Error::Config(format!("{}: {e}", path.display())))
}

/// Config, read options and as-of date from the common input flags.
fn prepare(args: &InputArgs) -> Result<(Config, ReadOptions, Option<Day>)> {
    let file = load_config(args.config.as_deref())?;
    let overrides = Overrides {
        customer_col: args.customer_col.clone(),
        date_col: args.date_col.clone(),
        amount_col: args.amount_col.clone(),
        churn_days: args.churn_days,
        toddler_days: args.toddler_days,
        loyal_days: args.loyal_days,
        loyal_amount: args.loyal_amount.clone(),
    };
    let config = Config::resolve(&file, &overrides)?;
    let encoding = args
        .encoding
        .as_deref()
        .map(|e| {
            Encoding::parse(e).ok_or_else(|| Error::Config(format!("--encoding must be utf-8 or shift_jis, got {e:?}")))
        })
        .transpose()?;
    let delimiter = args
        .delimiter
        .as_deref()
        .map(|d| match d {
            "," | "comma" => Ok(b','),
            "\t" | "\\t" | "tab" => Ok(b'\t'),
            ";" | "semicolon" => Ok(b';'),
            other => Err(Error::Config(format!(
                "--delimiter must be comma, tab or semicolon, got {other:?}"
            ))),
        })
        .transpose()?;
    let as_of = args
        .as_of
        .as_deref()
        .map(|t| parse_day_flag("--as-of", t))
        .transpose()?;
    Ok((
        config,
        ReadOptions {
            encoding,
            delimiter,
            lenient: args.lenient,
        },
        as_of,
    ))
}

fn generate(args: &GenerateArgs) -> Result<()> {
    let params = crate::generate::GenerateParams {
        customers: args.customers,
        seed: args.seed,
        start: parse_day_flag("--start", &args.start)?,
        end: parse_day_flag("--end", &args.end)?,
    };
    let orders = crate::generate::generate(&params).map_err(|e| Error::Config(e.to_string()))?;
    crate::ingest::order_writer::write_orders(&args.out, &orders).map_err(|e| Error::Write {
        path: args.out.clone(),
        source: std::io::Error::other(e.to_string()),
    })?;
    eprintln!(
        "wrote {}: {} rows for {} customers",
        args.out.display(),
        orders.len(),
        args.customers
    );
    Ok(())
}
