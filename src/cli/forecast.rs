//! `cpm forecast`: the command's flags, and the glue between them, the
//! files and the engine in `crate::forecast` (which has no I/O).

use std::path::PathBuf;

use clap::Args;

use super::args::InputArgs;
use crate::config::Scheme;
use crate::dates::Day;
use crate::error::{Error, Result};
use crate::forecast::{self, NewCustomers, Settings, backtest, csv};
use crate::tables::{self, write_file};

/// The seed of the simulation: fixed, so a forecast is reproducible.
const SEED: u64 = 20_240_401;

#[derive(Debug, Args)]
pub struct ForecastArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Months to forecast after the last snapshot (at least 1).
    #[arg(long, default_value_t = 12, value_parser = clap::value_parser!(u32).range(1..=120))]
    pub months: u32,
    /// New customers per month: auto (from the history: same month a year earlier × recent trend) or a number.
    #[arg(long, default_value = "auto", value_parser = new_customers_arg, value_name = "auto|N")]
    pub new_customers: NewCustomers,
    /// A scenario beside the baseline: conversion=RATE (初回→よちよち rate, 0 to 1, e.g. conversion=0.5).
    #[arg(long, value_parser = scenario_arg, value_name = "conversion=RATE")]
    pub scenario: Option<f64>,
    /// Also replay the forecast from earlier month-ends and compare with what happened (backtest.csv).
    #[arg(long)]
    pub backtest: bool,
    /// Folder for the CSV files (created if missing).
    #[arg(long, short = 'o')]
    pub out_dir: PathBuf,
}

fn new_customers_arg(text: &str) -> Result<NewCustomers, String> {
    match text.trim() {
        "auto" => Ok(NewCustomers::Auto),
        n => n
            .parse::<u64>()
            .map(NewCustomers::Fixed)
            .map_err(|_| format!("expected auto or a whole number >= 0, got {text:?}")),
    }
}

/// `conversion=RATE` with RATE in [0, 1].
fn scenario_arg(text: &str) -> Result<f64, String> {
    let (key, value) = text
        .split_once('=')
        .ok_or_else(|| format!("expected conversion=RATE (e.g. conversion=0.5), got {text:?}"))?;
    if key.trim() != "conversion" {
        return Err(format!(
            "unknown key {:?}; the only scenario is conversion=RATE (the 初回→よちよち rate, 0 to 1)",
            key.trim()
        ));
    }
    match value.trim().parse::<f64>() {
        Ok(rate) if (0.0..=1.0).contains(&rate) => Ok(rate),
        _ => Err(format!(
            "the conversion rate must be between 0 and 1 (e.g. 0.5 for 50%), got {:?}",
            value.trim()
        )),
    }
}

fn new_customers_text(n: NewCustomers) -> String {
    match n {
        NewCustomers::Auto => "auto".into(),
        NewCustomers::Fixed(n) => n.to_string(),
    }
}

pub(super) fn forecast(args: &ForecastArgs) -> Result<()> {
    let config = super::common::config(&args.input.run)?;
    if config.scheme != Scheme::Cpm && args.scenario.is_some() {
        return Err(Error::Config(
            "--scenario conversion= is a CPM scenario (初回→よちよち); the lifecycle scheme (--scheme lifecycle) has no such rate"
                .into(),
        ));
    }
    tables::ensure_dir(&args.out_dir)?;
    let (tl, days, path) = read_history(args, &config)?;
    let settings = Settings {
        months: args.months as usize,
        new_customers: args.new_customers,
        scenario: args.scenario,
        seed: SEED,
        toddler_days: config.rules.toddler_days,
    };
    let f = forecast::forecast(&tl, config.scheme_rules(), &days, days.len() - 1, &settings)?;
    // The backtest runs before anything is written, so that a run that
    // fails leaves no partial output behind.
    let backtest = if args.backtest {
        let counts =
            crate::engine::snapshots::compute(tl.clone(), config.scheme_rules(), &days, config.rules.toddler_days)
                .counts;
        Some(backtest::backtest(
            &tl,
            config.scheme_rules(),
            &days,
            &counts,
            &settings,
        )?)
    } else {
        None
    };
    write_folder(args, &config, &path, &f, backtest.as_ref())
}

/// The orders as timelines up to the last snapshot, the snapshot days (the
/// history's month-ends, up to `--as-of`), and the input's path.
fn read_history(
    args: &ForecastArgs,
    config: &crate::config::Config,
) -> Result<(crate::engine::timelines::Timelines, Vec<Day>, PathBuf)> {
    let as_of = args.input.run.as_of;
    let (orders, ingest) =
        crate::ingest::read_orders(&args.input.input, &config.columns, config.time_zone, &config.read)?;
    super::common::say_what_was_read(&ingest);
    let path = ingest.path.clone();
    let latest_row = orders.day.iter().copied().max();
    let cutoff = as_of.unwrap_or(Day::MAX);
    let earliest = orders
        .day
        .iter()
        .zip(&orders.amount)
        .filter(|&(&d, a)| !a.is_negative() && d <= cutoff)
        .map(|(&d, _)| d)
        .min();
    let (Some(earliest), Some(latest_row)) = (earliest, latest_row) else {
        return Err(Error::NoData(format!(
            "{}: no purchase rows to forecast from",
            path.display()
        )));
    };
    let days = crate::engine::snapshots::snapshot_days(earliest, latest_row, as_of)?;
    let (tl, _) = crate::engine::timelines::build(orders, *days.last().expect("snapshot days"));
    Ok((tl, days, path))
}

/// Writes the forecast's files (and the backtest's) to `--out-dir`: the
/// folder is built beside its place and swapped in whole.
fn write_folder(
    args: &ForecastArgs,
    config: &crate::config::Config,
    path: &std::path::Path,
    f: &forecast::Forecast,
    backtest: Option<&backtest::Backtest>,
) -> Result<()> {
    let ours = [
        csv::FORECAST,
        csv::FLOW,
        csv::SCENARIO_FORECAST,
        csv::SCENARIO_FLOW,
        csv::BACKTEST,
        csv::BACKTEST_SUMMARY,
        tables::RULES,
    ];
    crate::output::folder::check_replaceable(&args.out_dir, &[path], |n| ours.contains(&n), "cpm forecast")?;
    let staged = crate::output::folder::Staged::begin(&args.out_dir)?;
    let dir = &staged.path().to_path_buf();
    write_file(dir, csv::FORECAST, &csv::forecast_csv(f, &f.baseline))?;
    write_file(dir, csv::FLOW, &csv::flow_csv(f, &f.baseline))?;
    if let Some((_, _, s)) = &f.scenario {
        write_file(dir, csv::SCENARIO_FORECAST, &csv::forecast_csv(f, s))?;
        write_file(dir, csv::SCENARIO_FLOW, &csv::flow_csv(f, s))?;
    }
    let run = crate::config::rules_file::RunInfo {
        input: path
            .file_name()
            .map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned()),
        as_of: f.origin,
    };
    let rules = crate::config::rules_file::rules_toml(config, &run)
        + &csv::model_toml(f, args.months as usize, &new_customers_text(args.new_customers), SEED);
    write_file(dir, tables::RULES, &rules)?;
    eprint!("{}", csv::run_text(f));
    if let Some(b) = backtest {
        write_file(dir, csv::BACKTEST, &csv::backtest_csv(b, f))?;
        write_file(dir, csv::BACKTEST_SUMMARY, &csv::backtest_summary_csv(b))?;
        print!("{}", csv::backtest_text(b));
    }
    staged.commit(false)?;
    eprintln!("wrote {}", args.out_dir.display());
    Ok(())
}

/// One file of a folder written by `cpm forecast`: its path and text.
type Source = (PathBuf, String);

/// Reads the files of a `cpm forecast` folder, each as UTF-8 text.
struct Folder<'a> {
    dir: &'a std::path::Path,
}

impl Folder<'_> {
    /// The file `name`, or `None` when the folder has no such file.
    fn read(&self, name: &'static str) -> Result<Option<Source>> {
        let path = self.dir.join(name);
        match std::fs::read(&path) {
            Ok(bytes) => String::from_utf8(bytes)
                .map(|t| Some((path.clone(), t)))
                .map_err(|_| Error::input(&path, "not UTF-8 text")),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(Error::Read { path, source }),
        }
    }

    /// The file `name`, which the folder must have.
    fn need(&self, name: &'static str) -> Result<Source> {
        self.read(name)?.ok_or_else(|| {
            Error::input(
                self.dir.join(name),
                "missing: --forecast takes a folder written by cpm forecast --out-dir",
            )
        })
    }
}

/// Reads a folder written by `cpm forecast` (for `cpm report --forecast`):
/// every file checked; the scenario's files and the backtest summary only
/// when the folder has them.
pub fn read_folder(dir: &std::path::Path) -> Result<forecast::files::ForecastFiles> {
    let folder = Folder { dir };
    let mut sources = Vec::new();
    let (rules_path, rules_text) = folder.need(tables::RULES)?;
    let (config, origin, scenario_rates) = forecast::files::parse_rules(&rules_path, &rules_text)?;
    sources.push((tables::RULES, rules_text));
    let labels = config.labels();
    let (path, text) = folder.need(csv::FORECAST)?;
    let baseline = forecast::files::parse_grid(&path, &text, labels)?;
    let expected = forecast::future_month_ends(origin, baseline.month_ends.len());
    if baseline.month_ends != expected {
        return Err(Error::input(
            &path,
            format!(
                "the first month-end is {}, but a forecast from {} starts at {}",
                crate::dates::format_day(baseline.month_ends[0]),
                crate::dates::format_day(origin),
                crate::dates::format_day(expected[0])
            ),
        ));
    }
    sources.push((csv::FORECAST, text));
    let (path, text) = folder.need(csv::FLOW)?;
    let flow = forecast::files::parse_flow(&path, &text, &baseline.month_ends)?;
    sources.push((csv::FLOW, text));
    let scenario = read_scenario(&folder, scenario_rates, labels, &baseline, &mut sources)?;
    let track = match folder.read(csv::BACKTEST_SUMMARY)? {
        None => None,
        Some((path, text)) => {
            let t = forecast::files::parse_track(&path, &text)?;
            sources.push((csv::BACKTEST_SUMMARY, text));
            Some(t)
        }
    };
    Ok(forecast::files::ForecastFiles {
        dir: dir.to_path_buf(),
        config,
        origin,
        baseline,
        flow,
        scenario,
        track,
        sources,
    })
}

/// The scenario's two files, which the folder has exactly when its
/// `rules.toml` has a `[forecast.scenario]` (`rates`), on the baseline's
/// month-ends.
fn read_scenario(
    folder: &Folder<'_>,
    rates: Option<(f64, f64)>,
    labels: &[crate::engine::segments::SegmentLabel],
    baseline: &forecast::files::Grid,
    sources: &mut Vec<(&'static str, String)>,
) -> Result<Option<forecast::files::ScenarioFiles>> {
    match (rates, folder.read(csv::SCENARIO_FORECAST)?) {
        (None, None) => Ok(None),
        (Some((rate, observed)), Some((path, text))) => {
            let grid = forecast::files::parse_grid(&path, &text, labels)?;
            if grid.month_ends != baseline.month_ends {
                return Err(Error::input(&path, "other month-ends than forecast.csv"));
            }
            sources.push((csv::SCENARIO_FORECAST, text));
            let (path, text) = folder.need(csv::SCENARIO_FLOW)?;
            let flow = forecast::files::parse_flow(&path, &text, &grid.month_ends)?;
            sources.push((csv::SCENARIO_FLOW, text));
            Ok(Some(forecast::files::ScenarioFiles {
                rate,
                observed,
                grid,
                flow,
            }))
        }
        (Some(_), None) => Err(Error::input(
            folder.dir.join(csv::SCENARIO_FORECAST),
            "missing, though rules.toml has a [forecast.scenario]",
        )),
        (None, Some((path, _))) => Err(Error::input(
            path,
            "rules.toml has no [forecast.scenario] for this file",
        )),
    }
}
