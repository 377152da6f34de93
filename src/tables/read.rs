//! Reading a tables folder back into [`Tables`], so that a report can be
//! rendered without the order file: from `cpm tables`, or from any engine
//! that writes the same files. Strict, because a report drawn from a wrong
//! table looks just as convincing as a right one: a missing file, a header
//! from another version, a bad cell or figures that do not add up stop with
//! one line naming the file, line and column.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::cells::{Table, read_text};
use super::read_quality::{read_quality, read_rejects};
use super::{CONVERSION, LADDER, RULES, SEGMENTS, SNAPSHOTS, TRANSITIONS, Tables};
use crate::config::rules_file::RunInfo;
use crate::config::{Config, ConfigSource, Overrides};
use crate::dates::{Day, format_day, parse_iso_day};
use crate::engine::portfolio::{CohortConversion, CustomerState, LadderCohort, Portfolio, TransitionMatrix};
use crate::engine::segments::SegmentLabel;
use crate::error::{Error, Result};
use crate::ids::CustomerIds;
use crate::money::Money;

/// Reads the tables folder `dir` (as `cpm tables` writes it).
pub fn read(dir: &Path) -> Result<Tables> {
    if !dir.is_dir() {
        return Err(Error::Read {
            path: dir.to_path_buf(),
            source: std::io::Error::other("not a folder; give the tables folder written by `cpm tables`"),
        });
    }
    let (config, run) = read_rules(dir)?;
    let (portfolio, breakdown) = match &config.scope.by {
        Some(by) => {
            let (p, b) = super::read_groups::read(dir, &config, &run, by)?;
            (p, Some(b))
        }
        None => (read_portfolio(dir, &config, &run)?, None),
    };
    let activity = match &breakdown {
        Some(b) => super::activity::read_grouped(dir, b)?,
        None => super::activity::read(dir, &portfolio)?,
    };
    let rejects = read_rejects(dir)?;
    let mut quality = read_quality(dir, &rejects)?;
    quality.filters = config.scope.filters.iter().map(|f| f.describe()).collect();
    let kept = super::kept::read(dir, &portfolio, &config.scope.keep)?;
    Ok(Tables {
        portfolio,
        breakdown,
        activity,
        quality,
        rejects,
        config,
        run,
        kept,
    })
}

/// The last snapshot date must be the run's as-of date.
pub(super) fn check_as_of(dir: &Path, days: &[Day], run: &RunInfo) -> Result<Day> {
    let as_of = *days.last().expect("at least one snapshot");
    if as_of != run.as_of {
        return Err(Error::input(
            dir.join(SNAPSHOTS),
            format!(
                "the last month-end is {}, but rules.toml says the run was as of {}",
                format_day(as_of),
                format_day(run.as_of)
            ),
        ));
    }
    Ok(as_of)
}

/// The portfolio of a folder without a breakdown.
fn read_portfolio(dir: &Path, config: &Config, run: &RunInfo) -> Result<Portfolio> {
    let labels = config.labels();
    let (snapshot_days, counts, sales, cumulative_sales) = read_snapshots(dir, labels)?;
    let as_of = check_as_of(dir, &snapshot_days, run)?;
    let transitions = read_transitions(dir, labels, &snapshot_days, &counts)?;
    let conversion = read_conversion(dir, config, as_of)?;
    let ladder = read_ladder(dir, labels)?;
    let (customers, ids) = read_segments(dir, labels, as_of)?;
    let last: u64 = counts.last().map_or(0, |row| row.iter().sum());
    if customers.len() as u64 != last {
        return Err(Error::input(
            dir.join(SEGMENTS),
            format!(
                "{} customers, but snapshots.csv has {last} at {}",
                customers.len(),
                format_day(as_of)
            ),
        ));
    }
    Ok(Portfolio {
        labels: labels.to_vec(),
        snapshot_days,
        counts,
        sales,
        cumulative_sales,
        transitions,
        conversion,
        ladder,
        customers,
        ids,
        as_of,
    })
}

/// `rules.toml`: the config the tables were computed with, and the run.
fn read_rules(dir: &Path) -> Result<(Config, RunInfo)> {
    let path = dir.join(RULES);
    let text = read_text(&path)?;
    let file = Config::parse_file(&text).map_err(|e| Error::input(&path, e.to_string()))?;
    let mut config = Config::resolve(&file, &Overrides::default()).map_err(|e| Error::input(&path, e.to_string()))?;
    let run = file
        .run
        .as_ref()
        .ok_or_else(|| Error::input(&path, "no [run] table: not the rules.toml of a cpm tables folder"))?;
    // Without `as_of` (the SQL of `cpm sql` run without --as-of), the date
    // data_quality.csv records.
    let as_of = match run.as_of.as_deref() {
        Some(text) => parse_iso_day(text),
        None => recorded_as_of(dir)?,
    }
    .ok_or_else(|| Error::input(&path, "[run] as_of is missing or not a date YYYY-MM-DD"))?;
    if let (Some(file), Some(sha256)) = (&run.config_file, &run.config_sha256) {
        config.source = Some(ConfigSource {
            path: PathBuf::from(file),
            sha256: sha256.clone(),
        });
    }
    let info = RunInfo {
        input: run.input.clone().unwrap_or_default(),
        as_of,
    };
    Ok((config, info))
}

/// The `as_of` metric of `data_quality.csv`, if it is a date.
fn recorded_as_of(dir: &Path) -> Result<Option<Day>> {
    let t = Table::open(dir, super::DATA_QUALITY, &["metric", "value"])?;
    for r in &t.rows {
        let f = t.fields(r)?;
        if f[0] == "as_of" {
            return Ok(parse_iso_day(&f[1]));
        }
    }
    Ok(None)
}

pub(super) type SnapshotColumns = (Vec<Day>, Vec<Vec<u64>>, Vec<Vec<i128>>, Vec<Vec<i128>>);

pub(crate) const SNAPSHOTS_HEADER: [&str; 6] = [
    "month_end",
    "segment",
    "customers",
    "share",
    "sales",
    "cumulative_sales",
];
pub(crate) const TRANSITIONS_HEADER: [&str; 5] = [
    "from_month_end",
    "to_month_end",
    "from_segment",
    "to_segment",
    "customers",
];
pub(crate) const CONVERSION_HEADER: [&str; 5] = ["cohort_month", "cohort_size", "converted", "rate", "matured"];
pub(crate) const LADDER_HEADER: [&str; 5] = ["cohort_month", "cohort_size", "months_after", "segment", "customers"];
pub(crate) const SEGMENTS_HEADER: [&str; 9] = [
    "customer_id",
    "segment",
    "first_purchase",
    "last_purchase",
    "tenure_days",
    "recency_days",
    "total",
    "purchase_days",
    "previous_segment",
];

fn read_snapshots(dir: &Path, labels: &[SegmentLabel]) -> Result<SnapshotColumns> {
    snapshots_of(&Table::open(dir, SNAPSHOTS, &SNAPSHOTS_HEADER)?, labels)
}

pub(super) fn snapshots_of(t: &Table, labels: &[SegmentLabel]) -> Result<SnapshotColumns> {
    let n = labels.len();
    let (mut days, mut counts, mut sales, mut cumulative) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (i, r) in t.rows.iter().enumerate() {
        let f = t.fields(r)?;
        let s = i % n;
        if f[1] != labels[s].id {
            return Err(t.bad(
                r,
                1,
                "segments out of order",
                &format!(
                    "{} (every month-end lists the segments in canonical order)",
                    labels[s].id
                ),
            ));
        }
        let day = t.day(r, 0)?;
        if s == 0 {
            if days.last().is_some_and(|&d| d >= day) {
                return Err(t.bad(r, 0, "month-ends out of order", "month-ends in ascending order"));
            }
            days.push(day);
            counts.push(vec![0; n]);
            sales.push(vec![0; n]);
            cumulative.push(vec![0; n]);
        } else if days.last() != Some(&day) {
            return Err(t.bad(
                r,
                0,
                "a month-end without all its segments",
                &format_day(days[days.len() - 1]),
            ));
        }
        t.fields(r)?[3]
            .parse::<f64>()
            .map_err(|_| t.bad(r, 3, "not a share", "a fraction such as 0.25"))?;
        let last = days.len() - 1;
        counts[last][s] = t.count(r, 2)?;
        sales[last][s] = t.micros(r, 4)?;
        cumulative[last][s] = t.micros(r, 5)?;
    }
    if days.is_empty() || !t.rows.len().is_multiple_of(n) {
        return Err(Error::input(
            &t.path,
            format!("expected every month-end with all {n} segments of these rules"),
        ));
    }
    Ok((days, counts, sales, cumulative))
}

fn read_transitions(
    dir: &Path,
    labels: &[SegmentLabel],
    days: &[Day],
    counts: &[Vec<u64>],
) -> Result<Vec<TransitionMatrix>> {
    transitions_of(
        &Table::open(dir, TRANSITIONS, &TRANSITIONS_HEADER)?,
        labels,
        days,
        counts,
    )
}

pub(super) fn transitions_of(
    t: &Table,
    labels: &[SegmentLabel],
    days: &[Day],
    counts: &[Vec<u64>],
) -> Result<Vec<TransitionMatrix>> {
    let n = labels.len();
    let position: HashMap<Day, usize> = days.iter().enumerate().map(|(i, &d)| (d, i)).collect();
    let mut matrices: Vec<TransitionMatrix> = days
        .windows(2)
        .map(|w| TransitionMatrix {
            from_day: w[0],
            to_day: w[1],
            cells: vec![vec![0; n]; n + 1],
        })
        .collect();
    for r in &t.rows {
        t.fields(r)?;
        let to = t.day(r, 1)?;
        let Some(&at) = position.get(&to).filter(|&&i| i > 0) else {
            return Err(t.bad(
                r,
                1,
                "not a month-end of snapshots.csv after the first",
                "a later month-end",
            ));
        };
        if t.day(r, 0)? != days[at - 1] {
            return Err(t.bad(r, 0, "not the month-end before to_month_end", &format_day(days[at - 1])));
        }
        let from = if r.fields[2] == "new" {
            n
        } else {
            t.segment(r, 2, labels)?
        };
        let to_segment = t.segment(r, 3, labels)?;
        matrices[at - 1].cells[from][to_segment] += t.count(r, 4)?;
    }
    for (m, pair) in matrices.iter().zip(counts.windows(2)) {
        for s in 0..n {
            let out: u64 = m.cells[s].iter().sum();
            let into: u64 = m.cells.iter().map(|row| row[s]).sum();
            if out != pair[0][s] || into != pair[1][s] {
                return Err(Error::input(
                    &t.path,
                    format!(
                        "the moves {} → {} for segment {} do not add up to the customers in snapshots.csv",
                        format_day(m.from_day),
                        format_day(m.to_day),
                        labels[s].id
                    ),
                ));
            }
        }
    }
    Ok(matrices)
}

fn read_conversion(dir: &Path, config: &Config, as_of: Day) -> Result<Vec<CohortConversion>> {
    conversion_of(&Table::open(dir, CONVERSION, &CONVERSION_HEADER)?, config, as_of)
}

pub(super) fn conversion_of(t: &Table, config: &Config, as_of: Day) -> Result<Vec<CohortConversion>> {
    let mut out = Vec::with_capacity(t.rows.len());
    for r in &t.rows {
        t.fields(r)?;
        let month = t.month(r, 0)?;
        let size = t.count(r, 1)?;
        let converted = t.count(r, 2)?;
        if size == 0 || converted > size {
            return Err(t.error(r, format!("converted {converted} of a cohort of {size}")));
        }
        r.fields[3]
            .parse::<f64>()
            .map_err(|_| t.bad(r, 3, "not a rate", "a fraction such as 0.25"))?;
        let matured = match r.fields[4].as_str() {
            "true" => true,
            "false" => false,
            _ => return Err(t.bad(r, 4, "not true or false", "true or false")),
        };
        let window_closes = crate::dates::last_day_of_month(month) + config.rules.toddler_days - 1;
        if matured != (window_closes <= as_of) {
            return Err(t.bad(
                r,
                4,
                "does not match the rules' toddler_days and as-of date",
                "the maturity of spec §6",
            ));
        }
        out.push(CohortConversion {
            cohort_month: month,
            cohort_size: size,
            converted,
            rate: converted as f64 / size as f64,
            matured,
        });
    }
    Ok(out)
}

fn read_ladder(dir: &Path, labels: &[SegmentLabel]) -> Result<Vec<LadderCohort>> {
    ladder_of(&Table::open(dir, LADDER, &LADDER_HEADER)?, labels)
}

pub(super) fn ladder_of(t: &Table, labels: &[SegmentLabel]) -> Result<Vec<LadderCohort>> {
    let n = labels.len();
    let mut out: Vec<LadderCohort> = Vec::new();
    for (i, r) in t.rows.iter().enumerate() {
        t.fields(r)?;
        let s = i % n;
        if r.fields[3] != labels[s].id {
            return Err(t.bad(r, 3, "segments out of order", labels[s].id));
        }
        let month = t.month(r, 0)?;
        let size = t.count(r, 1)?;
        let k = t.count(r, 2)? as usize;
        let starts_cohort = out.last().is_none_or(|c| c.cohort_month != month);
        if starts_cohort {
            if k != 0 || out.last().is_some_and(|c| c.cohort_month > month) {
                return Err(t.bad(r, 2, "a cohort must start at month 0, cohorts in order", "0"));
            }
            out.push(LadderCohort {
                cohort_month: month,
                size,
                counts: Vec::new(),
            });
        }
        let cohort = out.last_mut().expect("pushed");
        if s == 0 {
            if k != cohort.counts.len() {
                return Err(t.bad(r, 2, "months out of order", &cohort.counts.len().to_string()));
            }
            cohort.counts.push(vec![0; n]);
        }
        if size != cohort.size || k + 1 != cohort.counts.len() {
            return Err(t.error(r, "a cohort's rows disagree on its size or month"));
        }
        cohort.counts[k][s] = t.count(r, 4)?;
    }
    Ok(out)
}

fn read_segments(dir: &Path, labels: &[SegmentLabel], as_of: Day) -> Result<(Vec<CustomerState>, CustomerIds)> {
    let t = Table::open(dir, SEGMENTS, &SEGMENTS_HEADER)?;
    let mut ids = CustomerIds::default();
    let mut customers = Vec::with_capacity(t.rows.len());
    segments_into(&t, labels, as_of, &mut ids, &mut customers)?;
    Ok((customers, ids))
}

/// Appends the customers of `t` (codes continuing from `ids`).
pub(super) fn segments_into(
    t: &Table,
    labels: &[SegmentLabel],
    as_of: Day,
    ids: &mut CustomerIds,
    customers: &mut Vec<CustomerState>,
) -> Result<()> {
    for r in &t.rows {
        let code = ids.len();
        t.fields(r)?;
        let first = t.day(r, 2)?;
        let last = t.day(r, 3)?;
        let tenure = t.int(r, 4)?;
        let recency = t.int(r, 5)?;
        if i64::from(last - first) != tenure || i64::from(as_of - last) != recency || first > last {
            return Err(t.error(
                r,
                "tenure_days or recency_days do not follow from the dates and the as-of date",
            ));
        }
        let total = t.micros(r, 6)?;
        let total = i64::try_from(total)
            .map(Money)
            .map_err(|_| t.bad(r, 6, "too large", "a customer's total"))?;
        let purchase_days = u32::try_from(t.count(r, 7)?)
            .ok()
            .filter(|&d| d >= 1)
            .ok_or_else(|| t.bad(r, 7, "out of range", "a count of purchase days >= 1"))?;
        let previous_segment = match r.fields[8].as_str() {
            "" => None,
            "new" => Some(labels.len()),
            _ => Some(t.segment(r, 8, labels)?),
        };
        ids.push(&r.fields[0]);
        customers.push(CustomerState {
            customer: code as u32,
            segment: t.segment(r, 1, labels)?,
            previous_segment,
            first_purchase: first,
            last_purchase: last,
            tenure_days: tenure as i32,
            recency_days: recency as i32,
            total,
            purchase_days,
        });
    }
    Ok(())
}
