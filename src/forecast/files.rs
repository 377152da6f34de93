//! Reading a forecast folder's files back (`cpm report --forecast DIR`):
//! `forecast.csv`, `forecast_flow.csv`, the scenario's two files, the
//! backtest summary and the `[forecast]` part of `rules.toml`, each checked
//! strictly (header, every month-end with every segment in order, counts
//! as whole numbers with low ≤ customers ≤ high), errors naming the file,
//! the line and the column.
//!
//! Why: the report draws from files, as it draws the history from the
//! tables, so a forecast made once can be shown, checked and reshown. The
//! text is parsed here (no I/O); the caller reads the files.

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::dates::{Day, MonthIndex, last_day_of_month, month_of, parse_iso_day, parse_month};
use crate::engine::segments::SegmentLabel;
use crate::error::{BadValue, Error, Result};

pub const FORECAST_HEADER: [&str; 5] = ["month_end", "segment", "customers", "low", "high"];
pub const FLOW_HEADER: [&str; 5] = [
    "month",
    "new_customers",
    "purchase_days",
    "existing_purchase_days",
    "sales",
];
pub const SUMMARY_HEADER: [&str; 7] = [
    "horizon",
    "origins",
    "segments_wmape",
    "persistence_segments_wmape",
    "purchase_days_wmape",
    "persistence_purchase_days_wmape",
    "interval_coverage",
];

/// One segment at one coming month-end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell {
    pub customers: u64,
    pub low: u64,
    pub high: u64,
}

/// `forecast.csv` (or the scenario's): `cells[month][segment]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    pub month_ends: Vec<Day>,
    pub cells: Vec<Vec<Cell>>,
}

/// One row of `forecast_flow.csv`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FlowRow {
    pub month: MonthIndex,
    pub new_customers: u64,
    pub purchase_days: f64,
    pub existing_purchase_days: f64,
    pub sales: f64,
}

/// One row of `backtest_summary.csv` (rates as fractions).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrackRow {
    pub horizon: usize,
    pub origins: usize,
    pub segments: f64,
    pub segments_persistence: f64,
    pub purchase_days: f64,
    pub purchase_days_persistence: f64,
    /// Share of the backtest's actual counts inside the 80% interval.
    pub coverage: f64,
}

/// The scenario beside the baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioFiles {
    pub rate: f64,
    pub observed: f64,
    pub grid: Grid,
    pub flow: Vec<FlowRow>,
}

/// A forecast folder, read.
#[derive(Debug, Clone, PartialEq)]
pub struct ForecastFiles {
    pub dir: PathBuf,
    /// The rules the forecast was made with (from its `rules.toml`).
    pub config: Config,
    /// The forecast's start (`[run] as_of`).
    pub origin: Day,
    pub baseline: Grid,
    pub flow: Vec<FlowRow>,
    pub scenario: Option<ScenarioFiles>,
    pub track: Option<Vec<TrackRow>>,
    /// Every file read, as read (name, text): the report keeps a copy.
    pub sources: Vec<(&'static str, String)>,
}

/// A cell that could not be read.
fn bad(path: &Path, line: usize, column: &str, value: &str, problem: &str, expected: &str) -> Error {
    Error::BadValue(Box::new(BadValue {
        path: path.to_path_buf(),
        place: format!("line {line}"),
        column: column.to_string(),
        value: value.to_string(),
        problem: problem.to_string(),
        expected: expected.to_string(),
    }))
}

/// The records after a header that must be exactly `header`: (line, fields).
fn rows<'t>(path: &Path, text: &'t str, header: &[&str]) -> Result<Vec<(usize, Vec<&'t str>)>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l.trim_end_matches('\r')));
    let found = lines
        .next()
        .map(|(_, l)| l)
        .ok_or_else(|| Error::input(path, "the file is empty (expected a header line)"))?;
    if found != header.join(",") {
        return Err(Error::input(
            path,
            format!(
                "line 1: the header is {found:?}, expected {:?} (written by another version of cpm, or not a cpm forecast file)",
                header.join(",")
            ),
        ));
    }
    let mut out = Vec::new();
    for (line, l) in lines {
        if l.is_empty() {
            continue;
        }
        let fields: Vec<&str> = l.split(',').collect();
        if fields.len() != header.len() {
            return Err(Error::input(
                path,
                format!(
                    "line {line}: {} fields, expected {} ({})",
                    fields.len(),
                    header.len(),
                    header.join(",")
                ),
            ));
        }
        out.push((line, fields));
    }
    if out.is_empty() {
        return Err(Error::input(path, "no rows after the header"));
    }
    Ok(out)
}

fn count(path: &Path, line: usize, column: &str, v: &str) -> Result<u64> {
    v.parse()
        .map_err(|_| bad(path, line, column, v, "not a count", "a whole number >= 0"))
}

fn number(path: &Path, line: usize, column: &str, v: &str) -> Result<f64> {
    v.parse::<f64>()
        .ok()
        .filter(|x| x.is_finite() && *x >= 0.0)
        .ok_or_else(|| bad(path, line, column, v, "not a number", "a decimal number >= 0"))
}

/// `forecast.csv`: every month-end (consecutive month-ends) with every
/// segment of `labels` in their order.
pub fn parse_grid(path: &Path, text: &str, labels: &[SegmentLabel]) -> Result<Grid> {
    let records = rows(path, text, &FORECAST_HEADER)?;
    let n = labels.len();
    let mut grid = Grid {
        month_ends: Vec::new(),
        cells: Vec::new(),
    };
    for (i, (line, f)) in records.iter().enumerate() {
        let line = *line;
        let day =
            parse_iso_day(f[0]).ok_or_else(|| bad(path, line, "month_end", f[0], "not a date", "a date YYYY-MM-DD"))?;
        let seg = i % n;
        if seg == 0 {
            let expected = grid.month_ends.last().map(|&d| last_day_of_month(month_of(d) + 1));
            if last_day_of_month(month_of(day)) != day || expected.is_some_and(|e| e != day) {
                let want = expected.map_or("a month-end".to_string(), crate::dates::format_day);
                return Err(bad(path, line, "month_end", f[0], "not the next month-end", &want));
            }
            grid.month_ends.push(day);
            grid.cells.push(Vec::with_capacity(n));
        } else if Some(&day) != grid.month_ends.last() {
            return Err(bad(
                path,
                line,
                "month_end",
                f[0],
                "a month-end with too few segments",
                &format!("every month-end with all {n} segments of these rules, in order"),
            ));
        }
        if f[1] != labels[seg].id {
            return Err(bad(path, line, "segment", f[1], "not the next segment", labels[seg].id));
        }
        let cell = Cell {
            customers: count(path, line, "customers", f[2])?,
            low: count(path, line, "low", f[3])?,
            high: count(path, line, "high", f[4])?,
        };
        if !(cell.low <= cell.customers && cell.customers <= cell.high) {
            return Err(Error::input(
                path,
                format!(
                    "line {line}: low {} ≤ customers {} ≤ high {} does not hold",
                    cell.low, cell.customers, cell.high
                ),
            ));
        }
        grid.cells.last_mut().expect("pushed above").push(cell);
    }
    if grid.cells.last().is_some_and(|c| c.len() != n) {
        return Err(Error::input(
            path,
            format!(
                "the last month-end has {} of the {n} segments",
                grid.cells.last().map_or(0, Vec::len)
            ),
        ));
    }
    Ok(grid)
}

/// `forecast_flow.csv`: one row per month of `month_ends`, in order.
pub fn parse_flow(path: &Path, text: &str, month_ends: &[Day]) -> Result<Vec<FlowRow>> {
    let records = rows(path, text, &FLOW_HEADER)?;
    if records.len() != month_ends.len() {
        return Err(Error::input(
            path,
            format!(
                "{} months, but the forecast has {} month-ends",
                records.len(),
                month_ends.len()
            ),
        ));
    }
    records
        .iter()
        .zip(month_ends)
        .map(|((line, f), &end)| {
            let line = *line;
            let month =
                parse_month(f[0]).ok_or_else(|| bad(path, line, "month", f[0], "not a month", "a month YYYY-MM"))?;
            if month != month_of(end) {
                return Err(bad(
                    path,
                    line,
                    "month",
                    f[0],
                    "not the forecast's month",
                    &crate::dates::format_month(month_of(end)),
                ));
            }
            Ok(FlowRow {
                month,
                new_customers: count(path, line, "new_customers", f[1])?,
                purchase_days: number(path, line, "purchase_days", f[2])?,
                existing_purchase_days: number(path, line, "existing_purchase_days", f[3])?,
                sales: f[4]
                    .parse::<f64>()
                    .ok()
                    .filter(|x| x.is_finite())
                    .ok_or_else(|| bad(path, line, "sales", f[4], "not a number", "a decimal number"))?,
            })
        })
        .collect()
}

/// `backtest_summary.csv`: horizons 1, 2, … in order.
pub fn parse_track(path: &Path, text: &str) -> Result<Vec<TrackRow>> {
    let records = rows(path, text, &SUMMARY_HEADER)?;
    records
        .iter()
        .enumerate()
        .map(|(i, (line, f))| {
            let line = *line;
            let horizon = count(path, line, "horizon", f[0])? as usize;
            if horizon != i + 1 {
                return Err(bad(
                    path,
                    line,
                    "horizon",
                    f[0],
                    "not the next horizon",
                    &(i + 1).to_string(),
                ));
            }
            let rate = |col: usize| number(path, line, SUMMARY_HEADER[col], f[col]);
            Ok(TrackRow {
                horizon,
                origins: count(path, line, "origins", f[1])? as usize,
                segments: rate(2)?,
                segments_persistence: rate(3)?,
                purchase_days: rate(4)?,
                purchase_days_persistence: rate(5)?,
                coverage: rate(6)?,
            })
        })
        .collect()
}

/// What `rules.toml` of a forecast folder says: the rules, the start, and
/// the scenario's (rate, observed rate) if there is one.
pub type RulesRead = (Config, Day, Option<(f64, f64)>);

pub fn parse_rules(path: &Path, text: &str) -> Result<RulesRead> {
    let bad_file = |m: String| Error::input(path, m);
    let mut table: toml::Table = toml::from_str(text).map_err(|e| bad_file(e.to_string()))?;
    let forecast = table
        .remove("forecast")
        .ok_or_else(|| bad_file("no [forecast] table: not the rules.toml of a cpm forecast folder".into()))?;
    let rest = toml::to_string(&table).map_err(|e| bad_file(e.to_string()))?;
    let file = Config::parse_file(&rest).map_err(|e| bad_file(e.to_string()))?;
    let config = Config::resolve(&file, &crate::config::Overrides::default()).map_err(|e| bad_file(e.to_string()))?;
    let origin = file
        .run
        .as_ref()
        .and_then(|r| r.as_of.as_deref())
        .and_then(parse_iso_day)
        .ok_or_else(|| bad_file("[run] as_of is missing or not a date YYYY-MM-DD".into()))?;
    let scenario = match forecast.get("scenario") {
        None => None,
        Some(s) => {
            let get = |key: &str| {
                s.get(key)
                    .and_then(|v| v.as_float().or(v.as_integer().map(|i| i as f64)))
                    .filter(|v| (0.0..=1.0).contains(v))
                    .ok_or_else(|| {
                        bad_file(format!(
                            "[forecast.scenario] {key} is missing or not a rate from 0 to 1"
                        ))
                    })
            };
            Some((get("conversion")?, get("observed_conversion")?))
        }
    };
    Ok((config, origin, scenario))
}

/// Checks that a forecast read back belongs with a report as of `as_of`
/// computed with `config`: the same rules and the same start.
pub fn check_against(f: &ForecastFiles, config: &Config, as_of: Day) -> Result<()> {
    let rules = f.dir.join(crate::tables::RULES);
    let (ours, theirs) = (
        crate::config::rules_file::rules_line(&f.config),
        crate::config::rules_file::rules_line(config),
    );
    if f.config.scheme != config.scheme || ours != theirs {
        return Err(Error::input(
            &rules,
            format!(
                "the forecast was made with other rules than the report's ({ours} against {theirs}): \
                 run cpm forecast with the report's rules"
            ),
        ));
    }
    if f.origin != as_of {
        return Err(Error::input(
            &rules,
            format!(
                "the forecast starts from {}, but the report is as of {}: run cpm forecast with --as-of {}",
                crate::dates::format_day(f.origin),
                crate::dates::format_day(as_of),
                crate::dates::format_day(as_of)
            ),
        ));
    }
    Ok(())
}
