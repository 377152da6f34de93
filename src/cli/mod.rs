//! From parsed arguments to work: builds the [`Config`], runs the pipeline
//! and hands the result to `report`.

pub mod args;

use std::path::{Path, PathBuf};

use crate::cli::args::{CalibrateArgs, Cli, Command, GenerateArgs, InputArgs, WhatifArgs};
use crate::config::{Config, ConfigFile, ConfigSource, Overrides};
use crate::dates::{Day, last_day_of_month, parse_iso_day, parse_month};
use crate::error::{Error, Result};
use crate::ingest::ReadOptions;
use crate::ingest::csv::Encoding;
use crate::ingest::text::CellProblem;
use crate::pipeline::{Analysis, analyze};
use crate::report::{quality, summary};
use crate::tables;
use crate::tables::data_quality::DataQuality;
use crate::text::lang::Lang;

/// The config file a run uses: the one given, else `./cpm.toml` if present.
const DEFAULT_CONFIG: &str = "cpm.toml";

pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Tables(args) => {
            let (config, read, as_of) = prepare(&args.input)?;
            tables::ensure_dir(&args.out_dir)?;
            let analysis = analyze(&args.input.input, &config, &read, as_of)?;
            tables::write_tables(&args.out_dir, &analysis, &config)?;
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
            tables::ensure_dir(&args.out_dir)?;
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
        Command::Calibrate(args) => calibrate(&args),
        Command::Whatif(args) => whatif(&args),
    }
}

fn calibrate(args: &CalibrateArgs) -> Result<()> {
    let lang = parse_lang(&args.lang)?;
    let (config, read, as_of) = prepare(&args.input)?;
    if let Some(out) = &args.out
        && out.exists()
        && !args.force
    {
        return Err(Error::Config(format!(
            "{} exists: not overwritten (pass --force to replace it, or choose another --out)",
            out.display()
        )));
    }
    let (orders, ingest) = crate::ingest::read_orders(&args.input.input, &config.columns, config.time_zone, &read)?;
    let end = orders
        .day
        .iter()
        .copied()
        .filter(|&d| as_of.is_none_or(|a| d <= a))
        .max()
        .ok_or_else(|| Error::NoData(format!("{}: no usable order rows", ingest.path.display())))?;
    let (tl, _) = crate::engine::timelines::build(orders, end);
    let calibration = crate::analysis::calibrate::calibrate(&tl, end, config.rules.loyal_days);
    print!("{}", calibration.text(&config, lang));
    let input_name = file_name(&ingest.path);
    let toml = calibration.config_file(&config, &input_name, lang);
    match &args.out {
        Some(out) => {
            std::fs::write(out, &toml).map_err(|source| Error::Write {
                path: out.clone(),
                source,
            })?;
            eprintln!(
                "wrote {}: the suggested thresholds, commented with the evidence. Edit it, then use it with --config {} \
                 (or name it cpm.toml in the folder you run cpm from).",
                out.display(),
                out.display()
            );
        }
        None => {
            println!("\n# --- suggested config (not written; pass --out cpm.toml to write it) ---");
            print!("{toml}");
        }
    }
    Ok(())
}

fn whatif(args: &WhatifArgs) -> Result<()> {
    let lang = parse_lang(&args.lang)?;
    let (file, source) = load_config(args.input.config.as_deref())?;
    let flags = overrides(&args.input);
    let mut before = Config::resolve(&file, &flags)?;
    before.source = source.clone();
    let mut changed = flags.clone();
    for setting in &args.set {
        changed.set(setting)?;
    }
    let mut after = Config::resolve(&file, &changed)?;
    after.source = source;
    let (read, as_of) = read_options(&args.input)?;
    let (orders, ingest) = crate::ingest::read_orders(&args.input.input, &before.columns, before.time_zone, &read)?;
    let result = crate::analysis::whatif::run(orders, ingest, &before, &after, as_of)?;
    print!("{}", result.text(lang));
    if let Some(out) = &args.out {
        std::fs::write(out, result.csv()).map_err(|source| Error::Write {
            path: out.clone(),
            source,
        })?;
        eprintln!("wrote {}", out.display());
    }
    Ok(())
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
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
    let headers = a
        .ingest
        .rejected
        .iter()
        .filter(|r| r.problem == CellProblem::RepeatedHeader)
        .count();
    let bad = a.ingest.rejected.len() - headers;
    if headers > 0 {
        note += &format!("; {headers} repeated header lines skipped");
    }
    if bad > 0 {
        note += &format!("; {bad} bad rows skipped");
    }
    note
}

fn parse_lang(text: &str) -> Result<Lang> {
    Lang::parse(text).ok_or_else(|| Error::Config(format!("--lang must be ja or en, got {text:?}")))
}

fn parse_day_flag(flag: &str, text: &str) -> Result<Day> {
    parse_iso_day(text).ok_or_else(|| Error::Config(format!("{flag} must be a date YYYY-MM-DD, got {text:?}")))
}

fn load_config(explicit: Option<&Path>) -> Result<(ConfigFile, Option<ConfigSource>)> {
    let path: PathBuf = match explicit {
        Some(p) => p.to_path_buf(),
        None if Path::new(DEFAULT_CONFIG).is_file() => PathBuf::from(DEFAULT_CONFIG),
        None => return Ok((ConfigFile::default(), None)),
    };
    let bytes = std::fs::read(&path).map_err(|source| Error::Read {
        path: path.clone(),
        source,
    })?;
    let text = String::from_utf8(bytes.clone())
        .map_err(|_| Error::Config(format!("{}: the config file is not UTF-8 text", path.display())))?;
    let file = Config::parse_file(&text).map_err(|e| Error::Config(format!("{}: {e}", path.display())))?;
    Ok((file, Some(ConfigSource::of(path, &bytes))))
}

/// The thresholds and column names given as flags.
fn overrides(args: &InputArgs) -> Overrides {
    Overrides {
        customer_col: args.customer_col.clone(),
        date_col: args.date_col.clone(),
        amount_col: args.amount_col.clone(),
        churn_days: args.churn_days,
        toddler_days: args.toddler_days,
        loyal_days: args.loyal_days,
        loyal_amount: args.loyal_amount.clone(),
        scheme: args.scheme.clone(),
        super_loyal_amount: args.super_loyal_amount.clone(),
        super_loyal_days: args.super_loyal_days,
        active_days: args.active_days,
        dormant_days: args.dormant_days,
        vip_min_purchase_days: args.vip_min_purchase_days,
        vip_recency_days: args.vip_recency_days,
        vip_top_share: args.vip_top_share.clone(),
        new_max_purchase_days: args.new_max_purchase_days,
    }
}

/// Config, read options and as-of date from the common input flags.
fn prepare(args: &InputArgs) -> Result<(Config, ReadOptions, Option<Day>)> {
    let (file, source) = load_config(args.config.as_deref())?;
    let mut config = Config::resolve(&file, &overrides(args))?;
    config.source = source;
    let (read, as_of) = read_options(args)?;
    Ok((config, read, as_of))
}

/// Read options and as-of date from the common input flags.
fn read_options(args: &InputArgs) -> Result<(ReadOptions, Option<Day>)> {
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
    crate::generate::writer::write_orders(&args.out, &orders).map_err(|e| Error::Write {
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
