//! One analysis run: read the orders (filtered by the config's scope), pick
//! the snapshot dates, group by customer, compute the portfolio, and with a
//! breakdown column each group's too.

use std::path::Path;

use crate::config::Config;
use crate::dates::Day;
use crate::engine::activity::{self, Activity};
use crate::engine::breakdown::{self, Breakdown};
use crate::engine::portfolio::Portfolio;
use crate::engine::timelines::{self, RowStats, Timelines};
use crate::engine::{grouped, snapshots};
use crate::error::{Error, Result};
use crate::ingest::attribute::Attribute;
use crate::ingest::{self, Customers, IngestReport, Orders, ReadOptions, Rows};
use crate::money::Money;
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
    /// Purchase days, buyers and sales per snapshot month (with `--by`, per group too).
    pub activity: Activity,
    /// With `--keep-cols`: each column's value for each customer of
    /// `portfolio` (in its order), from their latest row.
    pub kept: Vec<Attribute>,
}

/// Reads `path` and analyses its orders, scoped and broken down as the
/// config says.
pub fn analyze(path: &Path, config: &Config, read: &ReadOptions, as_of: Option<Day>, today: Day) -> Result<Analysis> {
    analyze_after_read(path, config, read, as_of, today, |_| {})
}

/// [`analyze`], calling `after_read` with what was read before the
/// analysis starts (so that a warning about the file comes first, not
/// after minutes of work).
pub fn analyze_after_read(
    path: &Path,
    config: &Config,
    read: &ReadOptions,
    as_of: Option<Day>,
    today: Day,
    after_read: impl FnOnce(&IngestReport),
) -> Result<Analysis> {
    let (rows, ingest, attribute) =
        ingest::read_rows_scoped(path, &config.columns, config.time_zone, read, &config.scope)?;
    after_read(&ingest);
    analyze_rows(rows, ingest, attribute, config, as_of, today)
}

/// Analyses the order rows of a polars frame (any column names, as
/// `config.columns` says) into the tables: the library's polars entry.
/// Scoped and broken down as the config says, like a file.
pub fn analyze_frame(
    frame: &polars::prelude::DataFrame,
    config: &Config,
    as_of: Option<Day>,
    today: Day,
) -> Result<Tables> {
    let (orders, ingest, attribute) = ingest::read_frame_scoped(
        frame,
        &config.columns,
        config.time_zone,
        &ReadOptions::default(),
        &config.scope,
    )?;
    let analysis = analyze_grouped(orders, ingest, attribute, config, as_of, today)?;
    Ok(Tables::of(analysis, config))
}

/// Analyses orders already in memory; `ingest` says where they came from.
pub fn analyze_orders(
    orders: Orders,
    ingest: IngestReport,
    config: &Config,
    as_of: Option<Day>,
    today: Day,
) -> Result<Analysis> {
    analyze_rows(Rows::from(orders), ingest, None, config, as_of, today)
}

/// [`analyze_orders`] with a breakdown when `attribute` (one value per
/// order row) is given.
pub fn analyze_grouped(
    orders: Orders,
    ingest: IngestReport,
    attribute: Option<Attribute>,
    config: &Config,
    as_of: Option<Day>,
    today: Day,
) -> Result<Analysis> {
    analyze_rows(Rows::from(orders), ingest, attribute, config, as_of, today)
}

/// What one pass over the rows' days and amounts finds.
#[derive(Clone, Copy)]
struct DayFacts {
    first_row: Day,
    latest_row: Day,
    /// Earliest purchase on or before the cutoff.
    earliest_purchase: Option<Day>,
    rows_after_today: u64,
}

impl DayFacts {
    fn of(day: &[Day], amount: &[Money], cutoff: Day, today: Day) -> DayFacts {
        let parts = crate::parallel::map_ranges(day.len(), |r| {
            let mut f = DayFacts {
                first_row: Day::MAX,
                latest_row: Day::MIN,
                earliest_purchase: None,
                rows_after_today: 0,
            };
            let (mut earliest, mut found) = (Day::MAX, false);
            for (&d, a) in day[r.clone()].iter().zip(&amount[r]) {
                f.first_row = f.first_row.min(d);
                f.latest_row = f.latest_row.max(d);
                f.rows_after_today += u64::from(d > today);
                if !a.is_negative() && d <= cutoff {
                    earliest = earliest.min(d);
                    found = true;
                }
            }
            f.earliest_purchase = found.then_some(earliest);
            f
        });
        parts
            .into_iter()
            .reduce(|a, b| DayFacts {
                first_row: a.first_row.min(b.first_row),
                latest_row: a.latest_row.max(b.latest_row),
                earliest_purchase: match (a.earliest_purchase, b.earliest_purchase) {
                    (Some(x), Some(y)) => Some(x.min(y)),
                    (x, y) => x.or(y),
                },
                rows_after_today: a.rows_after_today + b.rows_after_today,
            })
            .expect("at least one row")
    }
}

/// Analyses rows as read, broken down by `attribute` (one value per row)
/// when given.
pub(crate) fn analyze_rows(
    rows: Rows,
    mut ingest: IngestReport,
    attribute: Option<Attribute>,
    config: &Config,
    as_of: Option<Day>,
    today: Day,
) -> Result<Analysis> {
    let path = ingest.path.clone();
    if rows.is_empty() {
        return Err(Error::NoUsableRows(Box::new(ingest)));
    }
    let cutoff = as_of.unwrap_or(Day::MAX);
    let facts = DayFacts::of(&rows.day, &rows.amount, cutoff, today);
    let (first_row, latest_row) = (facts.first_row, facts.latest_row);
    let earliest_purchase = facts.earliest_purchase.ok_or_else(|| no_purchase(&path, as_of))?;
    let snapshot_days = snapshots::snapshot_days(earliest_purchase, latest_row, as_of)?;
    let last = *snapshot_days.last().expect("snapshot_days is never empty");
    // Only with --keep-cols: each row's customer code and date, for the latest values.
    let kept_columns = std::mem::take(&mut ingest.kept);
    let (rows, kept_rows) = rows_for_kept(rows, !kept_columns.is_empty());
    let grouping_stage = crate::progress::spinner("grouping rows by customer");
    let (tl, rows, groups) = timelines_and_groups(rows, attribute, last);
    drop(grouping_stage);
    // The column as the config names it (as `rules.toml` records it).
    let groups = groups.map(|(column, of, labels)| (config.scope.by.clone().unwrap_or(column), of, labels));
    if let Some((column, _, labels)) = &groups {
        check_group_memory(&path, column, labels.len(), snapshot_days.len(), config.labels().len())?;
    }
    // Distinct customers with a row on or before the last snapshot.
    let customer_ids = tl.offsets.windows(2).filter(|w| w[1] > w[0]).count();
    let activity = activity::compute(
        &tl,
        &snapshot_days,
        groups.as_ref().map(|(_, of, labels)| (of.as_slice(), labels.len())),
    );
    let month_ends = crate::progress::spinner(format!(
        "portfolio at {} snapshot dates ({customer_ids} customers)",
        snapshot_days.len()
    ));
    let (portfolio, breakdown) = portfolios(tl, groups, config, &snapshot_days);
    drop(month_ends);
    let kept = match kept_rows {
        Some((customer, day)) => {
            crate::engine::kept::latest_values(&customer, &day, last, &kept_columns, &config.scope.keep, &portfolio)
        }
        None => Vec::new(),
    };
    Ok(Analysis {
        ingest,
        rows,
        date_range: (first_row, latest_row),
        customer_ids,
        rows_after_today: facts.rows_after_today,
        portfolio,
        breakdown,
        activity,
        kept,
    })
}

/// The portfolio at every snapshot date; with groups, also each group's
/// (the whole run then is their sum) and each customer's group.
fn portfolios(
    tl: Timelines,
    groups: Option<Groups>,
    config: &Config,
    snapshot_days: &[Day],
) -> (Portfolio, Option<Breakdown>) {
    let toddler_days = config.rules.toddler_days;
    match groups {
        None => (
            snapshots::compute(tl, config.scheme_rules(), snapshot_days, toddler_days),
            None,
        ),
        Some((column, group_of, labels)) => {
            let (whole, portfolios) = breakdown::compute_grouped(
                tl,
                config.scheme_rules(),
                snapshot_days,
                toddler_days,
                &group_of,
                labels.len(),
            );
            let customer_group = whole.customers.iter().map(|c| group_of[c.customer as usize]).collect();
            let breakdown = Breakdown {
                column,
                groups: labels,
                portfolios,
                customer_group,
            };
            (whole, Some(breakdown))
        }
    }
}

/// Each row's customer code and date, in file order.
type KeptRows = (Vec<u32>, Vec<Day>);

/// With `keep`, the rows with a customer code per row and a copy of those
/// codes and the rows' dates (the kept columns' latest values need them);
/// else the rows as they are.
fn rows_for_kept(rows: Rows, keep: bool) -> (Rows, Option<KeptRows>) {
    if !keep {
        return (rows, None);
    }
    let orders = rows.into_orders();
    let copy = (orders.customer.clone(), orders.day.clone());
    (Rows::from(orders), Some(copy))
}

/// Each customer's group: the attribute's column, the group index per
/// customer code and the labels (see `breakdown::groups_of`).
type Groups = (String, Vec<u32>, Vec<String>);

/// The timelines of the rows dated on or before `last`, and with an
/// attribute each customer's group. Rows still grouped by id hash are
/// grouped in their partitions, where each customer's group is decided in
/// cache too; coded rows by a counting sort, after a pass for the groups.
fn timelines_and_groups(rows: Rows, attribute: Option<Attribute>, last: Day) -> (Timelines, RowStats, Option<Groups>) {
    let Rows { customers, day, amount } = rows;
    match (customers, attribute) {
        (Customers::Grouped(grouping), None) => {
            let (tl, stats) = grouped::build(grouping, day, amount, last);
            (tl, stats, None)
        }
        (Customers::Grouped(grouping), Some(a)) => {
            let (tl, stats, (first, best)) = grouped::build_with_attribute(grouping, day, amount, a.codes, last);
            let (of, labels) = breakdown::groups_of(&first, &best, &a.values);
            (tl, stats, Some((a.column, of, labels)))
        }
        (Customers::Coded { ids, customer }, attribute) => {
            let groups = attribute.map(|a| {
                let (of, labels) = breakdown::customer_groups(ids.len(), &customer, &day, &amount, &a, last);
                (a.column, of, labels)
            });
            let orders = Orders {
                ids,
                customer,
                day,
                amount,
            };
            let (tl, stats) = timelines::build(orders, last);
            (tl, stats, groups)
        }
    }
}

/// The groups' tables must fit in memory: a column with a value per
/// customer or per order is refused with advice.
fn check_group_memory(path: &Path, column: &str, groups: usize, months: usize, segments: usize) -> Result<()> {
    let need = breakdown::memory_estimate(groups, months, segments);
    if need > breakdown::MAX_MEMORY {
        return Err(Error::input(
            path,
            format!(
                "--by {column}: {groups} groups over {months} month-ends would need about {} GB for the groups' tables \
                 (at most {} GB); break down by a column with fewer values (a column with a value per \
                 customer or per order is not an attribute), or narrow the run with --where",
                need.div_ceil(1 << 30),
                breakdown::MAX_MEMORY >> 30
            ),
        ));
    }
    Ok(())
}

/// The error for an input with no purchase row on or before the as-of date.
fn no_purchase(path: &Path, as_of: Option<Day>) -> Error {
    match as_of {
        Some(day) => Error::NoData(format!(
            "{}: no purchase (a row with amount >= 0) on or before {}",
            path.display(),
            crate::dates::format_day(day)
        )),
        None => Error::NoData(format!(
            "{}: no purchase rows (every amount is negative)",
            path.display()
        )),
    }
}
