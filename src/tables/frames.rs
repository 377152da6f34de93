//! The tables as polars frames, one per contract file, with the contract's
//! columns and types (dates as `Date`, money as exact `Decimal(38, 6)`,
//! counts as `UInt64`), for a Rust program with a polars pipeline that
//! calls the engine without files. With `--by` each frame has a first
//! column `group` and the groups' rows, as the CSV files do.

use polars::prelude::*;

use super::Tables;
use super::groups::{GROUP_COLUMN, customers_by_group};
use crate::dates::{Day, date_from_day, format_month};
use crate::engine::activity::MonthActivity;
use crate::engine::breakdown::Breakdown;
use crate::engine::portfolio::Portfolio;

/// Days since 1970-01-01, as polars stores dates.
fn epoch_days(day: Day) -> i32 {
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("a date");
    (date_from_day(day) - epoch).num_days() as i32
}

fn dates(name: &str, days: impl IntoIterator<Item = Day>) -> PolarsResult<Column> {
    let values: Vec<i32> = days.into_iter().map(epoch_days).collect();
    Ok(Int32Chunked::from_vec(name.into(), values)
        .into_series()
        .cast(&DataType::Date)?
        .into_column())
}

fn money(name: &str, micros: Vec<i128>) -> PolarsResult<Column> {
    Ok(Int128Chunked::from_vec(name.into(), micros)
        .into_series()
        .into_decimal(38, 6)?
        .into_column())
}

fn texts(name: &str, values: Vec<String>) -> Column {
    Column::new(name.into(), values)
}

fn counts(name: &str, values: Vec<u64>) -> Column {
    Column::new(name.into(), values)
}

fn id(p: &Portfolio, segment: usize) -> String {
    p.labels.get(segment).map_or("new", |l| l.id).to_string()
}

impl Tables {
    /// `snapshots.csv` as a frame.
    pub fn snapshots_frame(&self) -> PolarsResult<DataFrame> {
        self.by_group(snapshots_frame)
    }

    /// `transitions.csv` as a frame (non-zero cells only).
    pub fn transitions_frame(&self) -> PolarsResult<DataFrame> {
        self.by_group(transitions_frame)
    }

    /// `conversion.csv` as a frame.
    pub fn conversion_frame(&self) -> PolarsResult<DataFrame> {
        self.by_group(conversion_frame)
    }

    /// `segments.csv` as a frame (`previous_segment` null with a single
    /// snapshot); with `--by` every customer by group, as the file.
    pub fn segments_frame(&self) -> PolarsResult<DataFrame> {
        let p = &self.portfolio;
        match &self.breakdown {
            None => segments_frame(p, 0..p.customers.len()),
            Some(b) => {
                let order = customers_by_group(b);
                let groups = order.iter().map(|&i| b.groups[b.customer_group[i] as usize].clone());
                with_group(segments_frame(p, order.iter().copied())?, groups.collect())
            }
        }
    }

    /// `ladder.csv` as a frame.
    pub fn ladder_frame(&self) -> PolarsResult<DataFrame> {
        self.by_group(ladder_frame)
    }

    /// `activity.csv` as a frame; with `--by` each group's months.
    pub(crate) fn activity_frame(&self) -> PolarsResult<DataFrame> {
        match &self.breakdown {
            None => activity_frame(&self.activity.months),
            Some(b) => stack(
                b.groups
                    .iter()
                    .zip(&self.activity.groups)
                    .map(|(label, months)| Ok((label, activity_frame(months)?))),
            ),
        }
    }

    /// The table of the whole run, or with `--by` each group's table with
    /// its `group` column, one after the other in group order.
    fn by_group(&self, table: impl Fn(&Portfolio) -> PolarsResult<DataFrame>) -> PolarsResult<DataFrame> {
        match &self.breakdown {
            None => table(&self.portfolio),
            Some(b) => grouped(b, table),
        }
    }
}

/// Each group's frame with its label in a first column `group`, stacked.
fn grouped(b: &Breakdown, table: impl Fn(&Portfolio) -> PolarsResult<DataFrame>) -> PolarsResult<DataFrame> {
    stack(
        b.groups
            .iter()
            .zip(&b.portfolios)
            .map(|(label, p)| Ok((label, table(p)?))),
    )
}

/// (group label, frame) pairs as one frame with a first column `group`.
fn stack<'a>(frames: impl Iterator<Item = PolarsResult<(&'a String, DataFrame)>>) -> PolarsResult<DataFrame> {
    let mut all: Option<DataFrame> = None;
    for pair in frames {
        let (label, frame) = pair?;
        let height = frame.height();
        let frame = with_group(frame, vec![label.clone(); height])?;
        match &mut all {
            None => all = Some(frame),
            Some(all) => {
                all.vstack_mut_owned(frame)?;
            }
        }
    }
    // A breakdown has at least one group (a run has a customer).
    let mut all = all.unwrap_or_default();
    all.rechunk_mut();
    Ok(all)
}

/// `frame` with a first column `group`.
fn with_group(mut frame: DataFrame, groups: Vec<String>) -> PolarsResult<DataFrame> {
    frame.insert_column(0, texts(GROUP_COLUMN, groups))?;
    Ok(frame)
}

/// `snapshots.csv` of one portfolio.
fn snapshots_frame(p: &Portfolio) -> PolarsResult<DataFrame> {
    let n = p.labels.len();
    let cells = || (0..p.snapshot_days.len()).flat_map(move |t| (0..n).map(move |s| (t, s)));
    let share = |t: usize, s: usize| {
        let all: u64 = p.counts[t].iter().sum();
        if all == 0 {
            0.0
        } else {
            p.counts[t][s] as f64 / all as f64
        }
    };
    DataFrame::new_infer_height(vec![
        dates("month_end", cells().map(|(t, _)| p.snapshot_days[t]))?,
        texts("segment", cells().map(|(_, s)| id(p, s)).collect()),
        counts("customers", cells().map(|(t, s)| p.counts[t][s]).collect()),
        Column::new("share".into(), cells().map(|(t, s)| share(t, s)).collect::<Vec<f64>>()),
        money("sales", cells().map(|(t, s)| p.sales[t][s]).collect())?,
        money(
            "cumulative_sales",
            cells().map(|(t, s)| p.cumulative_sales[t][s]).collect(),
        )?,
    ])
}

/// `transitions.csv` of one portfolio.
fn transitions_frame(p: &Portfolio) -> PolarsResult<DataFrame> {
    let cells: Vec<(Day, Day, usize, usize, u64)> = p
        .transitions
        .iter()
        .flat_map(|m| {
            m.cells.iter().enumerate().flat_map(move |(from, row)| {
                row.iter()
                    .enumerate()
                    .filter(|&(_, &n)| n > 0)
                    .map(move |(to, &n)| (m.from_day, m.to_day, from, to, n))
            })
        })
        .collect();
    DataFrame::new_infer_height(vec![
        dates("from_month_end", cells.iter().map(|c| c.0))?,
        dates("to_month_end", cells.iter().map(|c| c.1))?,
        texts("from_segment", cells.iter().map(|c| id(p, c.2)).collect()),
        texts("to_segment", cells.iter().map(|c| id(p, c.3)).collect()),
        counts("customers", cells.iter().map(|c| c.4).collect()),
    ])
}

/// `conversion.csv` of one portfolio.
fn conversion_frame(p: &Portfolio) -> PolarsResult<DataFrame> {
    let c = &p.conversion;
    DataFrame::new_infer_height(vec![
        texts("cohort_month", c.iter().map(|c| format_month(c.cohort_month)).collect()),
        counts("cohort_size", c.iter().map(|c| c.cohort_size).collect()),
        counts("converted", c.iter().map(|c| c.converted).collect()),
        Column::new("rate".into(), c.iter().map(|c| c.rate).collect::<Vec<f64>>()),
        Column::new("matured".into(), c.iter().map(|c| c.matured).collect::<Vec<bool>>()),
    ])
}

/// `segments.csv` of these customers (indexes into `p.customers`).
fn segments_frame(p: &Portfolio, indexes: impl Iterator<Item = usize>) -> PolarsResult<DataFrame> {
    let c: Vec<_> = indexes.map(|i| &p.customers[i]).collect();
    DataFrame::new_infer_height(vec![
        texts("customer_id", c.iter().map(|c| p.customer_id(c).to_string()).collect()),
        texts("segment", c.iter().map(|c| id(p, c.segment)).collect()),
        dates("first_purchase", c.iter().map(|c| c.first_purchase))?,
        dates("last_purchase", c.iter().map(|c| c.last_purchase))?,
        Column::new(
            "tenure_days".into(),
            c.iter().map(|c| c.tenure_days).collect::<Vec<i32>>(),
        ),
        Column::new(
            "recency_days".into(),
            c.iter().map(|c| c.recency_days).collect::<Vec<i32>>(),
        ),
        money("total", c.iter().map(|c| i128::from(c.total.0)).collect())?,
        Column::new(
            "purchase_days".into(),
            c.iter().map(|c| c.purchase_days).collect::<Vec<u32>>(),
        ),
        Column::new(
            "previous_segment".into(),
            c.iter()
                .map(|c| c.previous_segment.map(|s| id(p, s)))
                .collect::<Vec<Option<String>>>(),
        ),
    ])
}

/// `activity.csv` of one portfolio's months.
fn activity_frame(months: &[MonthActivity]) -> PolarsResult<DataFrame> {
    DataFrame::new_infer_height(vec![
        dates("month_end", months.iter().map(|m| m.month_end))?,
        counts("purchase_days", months.iter().map(|m| m.purchase_days).collect()),
        counts("buyers", months.iter().map(|m| m.buyers).collect()),
        money("sales", months.iter().map(|m| m.sales).collect())?,
    ])
}

/// `ladder.csv` of one portfolio.
fn ladder_frame(p: &Portfolio) -> PolarsResult<DataFrame> {
    let n = p.labels.len();
    let rows: Vec<(String, u64, u64, usize, u64)> = p
        .ladder
        .iter()
        .flat_map(|c| {
            c.counts.iter().enumerate().flat_map(move |(k, row)| {
                (0..n).map(move |s| (format_month(c.cohort_month), c.size, k as u64, s, row[s]))
            })
        })
        .collect();
    DataFrame::new_infer_height(vec![
        texts("cohort_month", rows.iter().map(|r| r.0.clone()).collect()),
        counts("cohort_size", rows.iter().map(|r| r.1).collect()),
        counts("months_after", rows.iter().map(|r| r.2).collect()),
        texts("segment", rows.iter().map(|r| id(p, r.3)).collect()),
        counts("customers", rows.iter().map(|r| r.4).collect()),
    ])
}
