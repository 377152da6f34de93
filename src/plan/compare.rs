//! Plan against actual, month by month, from the tables alone: the months
//! that have a snapshot up to the as-of date and a planned value. Months
//! without a plan are not compared; a figure the scheme does not have (優良
//! for the lifecycle scheme) is left out.

use super::{Metric, Plan};
use crate::dates::{MonthIndex, month_of};
use crate::engine::portfolio::Portfolio;
use crate::engine::segments::CpmLayout;
use crate::text::format::{percent, points};
use crate::text::lang::Lang;

/// One planned value and what happened.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanRow {
    pub month: MonthIndex,
    pub metric: Metric,
    pub plan: f64,
    pub actual: f64,
    /// The conversion cohort's window has not closed yet.
    pub provisional: bool,
}

impl PlanRow {
    /// 計画比: actual / plan (`None` when the plan is 0).
    pub fn ratio(&self) -> Option<f64> {
        (self.plan != 0.0).then(|| self.actual / self.plan)
    }

    pub(crate) fn difference(&self) -> f64 {
        self.actual - self.plan
    }
}

/// The actual value of `metric` in `month`, with the provisional flag.
fn actual(p: &Portfolio, month: MonthIndex, metric: Metric) -> Option<(f64, bool)> {
    let t = p.snapshot_days.iter().position(|&d| month_of(d) == month)?;
    let cohort = p.conversion.iter().find(|c| c.cohort_month == month);
    let layout = CpmLayout::of(&p.labels);
    let sum = |segments: &mut dyn Iterator<Item = usize>| segments.map(|s| p.counts[t][s]).sum::<u64>() as f64;
    Some(match metric {
        Metric::NewCustomers => (cohort.map_or(0.0, |c| c.cohort_size as f64), false),
        Metric::ConversionRate => {
            let c = cohort?;
            (c.rate, !c.matured)
        }
        Metric::Active => (sum(&mut layout?.active()), false),
        Metric::LoyalActive => (sum(&mut layout?.loyal(false)), false),
        Metric::LoyalActiveShare => {
            let active = sum(&mut layout?.active());
            let loyal = sum(&mut layout?.loyal(false));
            (if active == 0.0 { 0.0 } else { loyal / active }, false)
        }
        Metric::Sales => (crate::money::micros_to_units(p.sales[t].iter().sum::<i128>()), false),
    })
}

/// Every planned value that has an actual, by metric then month.
pub fn compare(p: &Portfolio, plan: &Plan) -> Vec<PlanRow> {
    let mut rows: Vec<PlanRow> = plan
        .values
        .iter()
        .filter_map(|(&(month, metric), &planned)| {
            let (actual, provisional) = actual(p, month, metric)?;
            Some(PlanRow {
                month,
                metric,
                plan: planned,
                actual,
                provisional,
            })
        })
        .collect();
    rows.sort_by_key(|r| (r.metric, r.month));
    rows
}

/// 計画比 text for a value against its plan (計画差 in points for a rate).
pub(crate) fn ratio_text(row: &PlanRow, lang: Lang) -> String {
    let label = lang.pick("計画比", "vs plan");
    if row.metric.is_rate() {
        // A rate against its plan: the gap in points, and the plan.
        format!(
            "{} {} ({} {})",
            lang.pick("計画差", "vs plan"),
            points(row.difference()),
            lang.pick("計画", "plan"),
            percent(row.plan)
        )
    } else {
        match row.ratio() {
            Some(r) => format!("{label} {}", percent(r)),
            None => format!("{label} -"),
        }
    }
}

/// The 計画比 line of each CPM KPI card that has a plan this month, by card
/// index (cards: conversion, loyal share, active, lapsed loyal).
pub(crate) fn card_notes(
    rows: &[PlanRow],
    month: MonthIndex,
    conversion_month: Option<MonthIndex>,
    lang: Lang,
) -> Vec<(usize, String)> {
    let find = |metric: Metric, m: MonthIndex| rows.iter().find(|r| r.metric == metric && r.month == m);
    let mut notes = Vec::new();
    if let Some(r) = conversion_month.and_then(|m| find(Metric::ConversionRate, m)) {
        notes.push((0, ratio_text(r, lang)));
    }
    if let Some(r) = find(Metric::LoyalActiveShare, month) {
        notes.push((1, ratio_text(r, lang)));
    }
    if let Some(r) = find(Metric::Active, month) {
        notes.push((2, ratio_text(r, lang)));
    }
    notes
}
