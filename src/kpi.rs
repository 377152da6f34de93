//! The headline figures of a report month (spec sections 6 and 7).

use crate::dates::{Day, last_day_of_month};
use crate::portfolio::{CohortConversion, Portfolio};
use crate::segments::{CPM_TIERS, Tier, cpm_segment};

/// KPIs at snapshot `t`, with the previous snapshot's for comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct Kpis {
    pub t: usize,
    pub customers: u64,
    pub active: u64,
    pub active_prev: Option<u64>,
    /// 優良現役 / all 現役.
    pub loyal_share: f64,
    pub loyal_share_prev: Option<f64>,
    /// The latest cohort whose 初回→よちよち window has closed by `t`.
    pub conversion: Option<CohortConversion>,
    /// The matured cohort before it.
    pub conversion_prev: Option<CohortConversion>,
    /// 優良現役 → 優良離脱 between `t-1` and `t`.
    pub newly_lapsed_loyal: Option<u64>,
    pub newly_lapsed_loyal_prev: Option<u64>,
}

fn active_count(p: &Portfolio, t: usize) -> u64 {
    p.counts[t][..CPM_TIERS].iter().sum()
}

fn loyal_share(p: &Portfolio, t: usize) -> f64 {
    let active = active_count(p, t);
    if active == 0 {
        0.0
    } else {
        p.counts[t][cpm_segment(Tier::Loyal, false)] as f64 / active as f64
    }
}

fn newly_lapsed_loyal(p: &Portfolio, t: usize) -> Option<u64> {
    let m = p.transitions.get(t.checked_sub(1)?)?;
    Some(m.cells[cpm_segment(Tier::Loyal, false)][cpm_segment(Tier::Loyal, true)])
}

/// Cohorts matured by `day`, newest first.
pub fn matured_by(p: &Portfolio, day: Day, toddler_days: i32) -> impl Iterator<Item = &CohortConversion> {
    p.conversion
        .iter()
        .rev()
        .filter(move |c| last_day_of_month(c.cohort_month) + toddler_days - 1 <= day)
}

pub fn at(p: &Portfolio, t: usize, toddler_days: i32) -> Kpis {
    let prev = t.checked_sub(1);
    let mut matured = matured_by(p, p.snapshot_days[t], toddler_days).cloned().map(|mut c| {
        c.matured = true;
        c
    });
    let conversion = matured.next();
    let conversion_prev = matured.next();
    Kpis {
        t,
        customers: p.counts[t].iter().sum(),
        active: active_count(p, t),
        active_prev: prev.map(|s| active_count(p, s)),
        loyal_share: loyal_share(p, t),
        loyal_share_prev: prev.map(|s| loyal_share(p, s)),
        conversion,
        conversion_prev,
        newly_lapsed_loyal: newly_lapsed_loyal(p, t),
        newly_lapsed_loyal_prev: prev.and_then(|s| newly_lapsed_loyal(p, s)),
    }
}
