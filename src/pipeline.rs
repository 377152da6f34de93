//! One analysis run: read the orders (filtered by the config's scope), pick
//! the snapshot dates, group by customer, compute the portfolio, and with a
//! breakdown column each group's too.

use std::path::Path;

use crate::config::{Config, Scheme};
use crate::dates::Day;
use crate::engine::breakdown::{self, Breakdown};
use crate::engine::portfolio::Portfolio;
use crate::engine::snapshots;
use crate::engine::timelines::{self, RowStats};
use crate::error::{Error, Result};
use crate::ingest::attribute::Attribute;
use crate::ingest::{self, IngestReport, Orders, ReadOptions};
use crate::tables::Tables;

/// Everything a run computed, with what it read.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub ingest: IngestReport,
    pub rows: RowStats,
    /// Earliest and latest date of any usable row.
    pub date_range: (Day, Day),
    /// Distinct customer ids among the rows used.
    pub customer_ids: usize,
    /// Rows dated after the day the run was made (test orders dated 2099,
    /// typos): still used unless after the as-of date, but worth a warning.
    pub rows_after_today: u64,
    /// The whole run (with a breakdown: the sum of the groups).
    pub portfolio: Portfolio,
    /// With `--by`: the groups, their portfolios and each customer's group.
    pub breakdown: Option<Breakdown>,
}

/// Reads `path` and analyses its orders, scoped and broken down as the
/// config says.
pub fn analyze(path: &Path, config: &Config, read: &ReadOptions, as_of: Option<Day>) -> Result<Analysis> {
    let (orders, ingest, attribute) =
        ingest::read_scoped(path, &config.columns, config.time_zone, read, &config.scope)?;
    analyze_grouped(orders, ingest, attribute, config, as_of)
}

/// Analyses the order rows of a polars frame (any column names, as
/// `config.columns` says) into the tables: the library's polars entry.
/// Scoped and broken down as the config says, like a file.
pub fn analyze_frame(frame: &polars::prelude::DataFrame, config: &Config, as_of: Option<Day>) -> Result<Tables> {
    let (orders, ingest, attribute) = ingest::read_frame_scoped(
        frame,
        &config.columns,
        config.time_zone,
        &ReadOptions::default(),
        &config.scope,
    )?;
    let analysis = analyze_grouped(orders, ingest, attribute, config, as_of)?;
    Ok(Tables::of(analysis, config))
}

/// Analyses orders already in memory; `ingest` says where they came from.
pub fn analyze_orders(orders: Orders, ingest: IngestReport, config: &Config, as_of: Option<Day>) -> Result<Analysis> {
    analyze_grouped(orders, ingest, None, config, as_of)
}

/// [`analyze_orders`] with a breakdown when `attribute` (one value per
/// order row) is given.
pub fn analyze_grouped(
    orders: Orders,
    ingest: IngestReport,
    attribute: Option<Attribute>,
    config: &Config,
    as_of: Option<Day>,
) -> Result<Analysis> {
    let path = ingest.path.clone();
    if orders.is_empty() {
        return Err(Error::NoUsableRows(Box::new(ingest)));
    }
    let today = crate::dates::today();
    let rows_after_today = orders.day.iter().filter(|&&d| d > today).count() as u64;
    let first_row = *orders.day.iter().min().expect("not empty");
    let latest_row = *orders.day.iter().max().expect("not empty");
    let cutoff = as_of.unwrap_or(Day::MAX);
    let earliest_purchase = orders
        .day
        .iter()
        .zip(&orders.amount)
        .filter(|&(&d, a)| !a.is_negative() && d <= cutoff)
        .map(|(&d, _)| d)
        .min()
        .ok_or_else(|| match as_of {
            Some(day) => Error::NoData(format!(
                "{}: no purchase (a row with amount >= 0) on or before {}",
                path.display(),
                crate::dates::format_day(day)
            )),
            None => Error::NoData(format!(
                "{}: no purchase rows (every amount is negative)",
                path.display()
            )),
        })?;
    let snapshot_days = snapshots::snapshot_days(earliest_purchase, latest_row, as_of)?;
    let last = *snapshot_days.last().expect("snapshot_days is never empty");
    let mut seen = vec![false; orders.ids.len()];
    for (&c, &d) in orders.customer.iter().zip(&orders.day) {
        if d <= last {
            seen[c as usize] = true;
        }
    }
    let customer_ids = seen.iter().filter(|&&s| s).count();
    drop(seen);
    // Each customer's group, while the rows are still in file order.
    let groups = attribute.map(|a| {
        let (of, labels) = breakdown::customer_groups(
            orders.ids.len(),
            &orders.customer,
            &orders.day,
            &orders.amount,
            &a,
            last,
        );
        // The column as the config names it (as `rules.toml` records it).
        (config.scope.by.clone().unwrap_or(a.column), of, labels)
    });
    if let Some((column, _, labels)) = &groups {
        let need = breakdown::memory_estimate(labels.len(), snapshot_days.len(), config.labels().len());
        if need > breakdown::MAX_MEMORY {
            return Err(Error::input(
                &path,
                format!(
                    "--by {column}: {} groups over {} month-ends would need about {} GB for the groups' tables \
                     (at most {} GB); break down by a column with fewer values (a column with a value per \
                     customer or per order is not an attribute), or narrow the run with --where",
                    labels.len(),
                    snapshot_days.len(),
                    need.div_ceil(1 << 30),
                    breakdown::MAX_MEMORY >> 30
                ),
            ));
        }
    }
    let (tl, rows) = timelines::build(orders, last);
    let toddler_days = config.rules.toddler_days;
    let (portfolio, breakdown) = match groups {
        None => (
            match config.scheme {
                Scheme::Cpm => snapshots::compute(tl, &config.rules, &snapshot_days, toddler_days),
                Scheme::Lifecycle => snapshots::compute_lifecycle(tl, &config.lifecycle, &snapshot_days, toddler_days),
            },
            None,
        ),
        Some((column, group_of, labels)) => {
            let (whole, portfolios) = match config.scheme {
                Scheme::Cpm => {
                    breakdown::compute_grouped(tl, &config.rules, &snapshot_days, toddler_days, &group_of, labels.len())
                }
                Scheme::Lifecycle => breakdown::compute_lifecycle_grouped(
                    tl,
                    &config.lifecycle,
                    &snapshot_days,
                    toddler_days,
                    &group_of,
                    labels.len(),
                ),
            };
            let customer_group = whole.customers.iter().map(|c| group_of[c.customer as usize]).collect();
            (
                whole,
                Some(Breakdown {
                    column,
                    groups: labels,
                    portfolios,
                    customer_group,
                }),
            )
        }
    };
    Ok(Analysis {
        ingest,
        rows,
        date_range: (first_row, latest_row),
        customer_ids,
        rows_after_today,
        portfolio,
        breakdown,
    })
}
