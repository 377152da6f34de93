//! `activity.csv`: purchase days, buyers and net sales per month-end
//! (`month_end,purchase_days,buyers,sales`; with `--by` a leading `group`
//! column), written and read back. The reader is as strict as the other
//! tables': one row per month-end of `snapshots.csv`, in order; counts that
//! cannot be (more buyers than purchase days, or than customers at the
//! month-end); and sales that must equal `snapshots.csv`'s sales of that
//! month-end summed over the segments.

use std::fmt::Write as _;
use std::path::Path;

use super::cells::Table;
use super::groups::GROUP_COLUMN;
use super::write::{create_new, csv_field};
use super::{ACTIVITY, SNAPSHOTS};
use crate::dates::format_day;
use crate::engine::activity::{Activity, MonthActivity, sum};
use crate::engine::breakdown::Breakdown;
use crate::engine::portfolio::Portfolio;
use crate::error::{Error, Result};
use crate::money::format_micros;

pub(super) const HEADER: [&str; 4] = ["month_end", "purchase_days", "buyers", "sales"];

/// The rows of one portfolio's months (no header).
fn rows_into(out: &mut String, group: Option<&str>, months: &[MonthActivity]) {
    for m in months {
        if let Some(g) = group {
            out.push_str(g);
            out.push(',');
        }
        let _ = writeln!(
            out,
            "{},{},{},{}",
            format_day(m.month_end),
            m.purchase_days,
            m.buyers,
            format_micros(m.sales)
        );
    }
}

/// `activity.csv` of a run without a breakdown.
pub(crate) fn activity_csv(months: &[MonthActivity]) -> String {
    let mut out = format!("{}\n", HEADER.join(","));
    rows_into(&mut out, None, months);
    out
}

/// `group,month_end,purchase_days,buyers,sales`: each group's months, the
/// groups in the breakdown's (byte) order.
pub(crate) fn grouped_activity_csv(b: &Breakdown, activity: &Activity) -> String {
    let mut out = format!("{GROUP_COLUMN},{}\n", HEADER.join(","));
    for (label, months) in b.groups.iter().zip(&activity.groups) {
        rows_into(&mut out, Some(&csv_field(label)), months);
    }
    out
}

/// Writes `activity.csv` into `dir` (grouped when the run has a breakdown).
pub(crate) fn write(dir: &Path, breakdown: Option<&Breakdown>, activity: &Activity) -> Result<()> {
    let text = match breakdown {
        Some(b) => grouped_activity_csv(b, activity),
        None => activity_csv(&activity.months),
    };
    let path = dir.join(ACTIVITY);
    let mut file = create_new(&path)?;
    std::io::Write::write_all(&mut file, text.as_bytes()).map_err(|source| Error::Write { path, source })?;
    crate::output::file_done();
    Ok(())
}

/// One portfolio's months from its table, checked against the portfolio.
pub(super) fn months_of(t: &Table, p: &Portfolio, group: Option<&str>) -> Result<Vec<MonthActivity>> {
    let whose = group.map_or(String::new(), |g| format!("group {g:?}: "));
    let mut months = Vec::with_capacity(p.snapshot_days.len());
    for (i, r) in t.rows.iter().enumerate() {
        t.fields(r)?;
        let month_end = t.day(r, 0)?;
        let Some(&expected) = p.snapshot_days.get(i) else {
            return Err(t.bad(
                r,
                0,
                &format!("{whose}a row after the last month-end of {SNAPSHOTS}"),
                "one row per month-end of snapshots.csv, in order",
            ));
        };
        if month_end != expected {
            return Err(t.bad(
                r,
                0,
                &format!("{whose}not the next month-end of {SNAPSHOTS}"),
                &format_day(expected),
            ));
        }
        let m = MonthActivity {
            month_end,
            purchase_days: t.count(r, 1)?,
            buyers: t.count(r, 2)?,
            sales: t.micros(r, 3)?,
        };
        if m.buyers > m.purchase_days {
            return Err(t.bad(
                r,
                2,
                &format!("{whose}more buyers than purchase days ({})", m.purchase_days),
                "at most purchase_days (every buyer has a purchase day)",
            ));
        }
        let customers: u64 = p.counts[i].iter().sum();
        if m.buyers > customers {
            return Err(t.bad(
                r,
                2,
                &format!("{whose}more buyers than the {customers} customers of {SNAPSHOTS} at this month-end"),
                "at most the month-end's customers",
            ));
        }
        let sales: i128 = p.sales[i].iter().sum();
        if m.sales != sales {
            return Err(t.bad(
                r,
                3,
                &format!("{whose}not the month-end's sales in {SNAPSHOTS}"),
                &format!("{} (the segments' sales summed)", format_micros(sales)),
            ));
        }
        months.push(m);
    }
    if let Some(&missing) = p.snapshot_days.get(months.len()) {
        return Err(Error::input(
            &t.path,
            format!(
                "{whose}no row for the month-end {} of {SNAPSHOTS} (one row per month-end, in order)",
                format_day(missing)
            ),
        ));
    }
    Ok(months)
}

/// `activity.csv` of a folder without a breakdown.
pub(super) fn read(dir: &Path, p: &Portfolio) -> Result<Activity> {
    let t = Table::open(dir, ACTIVITY, &HEADER)?;
    Ok(Activity {
        months: months_of(&t, p, None)?,
        groups: Vec::new(),
    })
}

/// `activity.csv` of a folder written with `--by`: every group of the
/// breakdown, in its order, and no other; the whole run is their sum.
pub(super) fn read_grouped(dir: &Path, b: &Breakdown) -> Result<Activity> {
    let tables = super::read_groups::open_groups(dir, ACTIVITY, &HEADER)?;
    let mut tables = tables.into_iter().peekable();
    let mut groups = Vec::with_capacity(b.groups.len());
    for (label, p) in b.groups.iter().zip(&b.portfolios) {
        let months = match tables.peek() {
            Some((g, _)) if g == label => {
                let (_, t) = tables.next().expect("peeked");
                months_of(&t, p, Some(label))?
            }
            _ => {
                return Err(Error::input(
                    dir.join(ACTIVITY),
                    format!("group {label:?} of {SNAPSHOTS} has no rows (every group has every month-end)"),
                ));
            }
        };
        groups.push(months);
    }
    if let Some((g, t)) = tables.next() {
        return Err(t.error(&t.rows[0], format!("group {g:?} is not in {SNAPSHOTS}")));
    }
    let days = &b
        .portfolios
        .first()
        .map(|p| p.snapshot_days.clone())
        .unwrap_or_default();
    Ok(Activity {
        months: sum(&groups, days),
        groups,
    })
}
