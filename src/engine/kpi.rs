//! The headline figures of a report month (spec sections 6, 7 and 8): one
//! [`Kpis`] value whatever the scheme, holding the scheme's own figures;
//! the 初回→よちよち conversion is the same in both.

use crate::dates::{Day, last_day_of_month};
use crate::engine::lifecycle::{ACTIVE, AT_RISK, DORMANT, NEWCOMER, VIP, WINBACK};
use crate::engine::portfolio::{CohortConversion, Portfolio};
use crate::engine::scheme::SchemeRules;
use crate::engine::segments::{CPM_TIERS, CpmLayout};

/// The KPIs of a snapshot under the run's scheme.
#[derive(Debug, Clone, PartialEq)]
pub enum Kpis {
    Cpm(CpmKpis),
    Lifecycle(LifecycleKpis),
}

impl Kpis {
    /// The CPM scheme's figures, if the run is CPM.
    pub(crate) fn cpm(&self) -> Option<&CpmKpis> {
        match self {
            Kpis::Cpm(k) => Some(k),
            Kpis::Lifecycle(_) => None,
        }
    }

    /// The lifecycle scheme's figures, if the run is lifecycle.
    pub(crate) fn lifecycle(&self) -> Option<&LifecycleKpis> {
        match self {
            Kpis::Lifecycle(k) => Some(k),
            Kpis::Cpm(_) => None,
        }
    }
}

/// The KPIs at snapshot `t` under the scheme of `rules` (the portfolio's).
pub(crate) fn at(p: &Portfolio, t: usize, rules: SchemeRules<'_>, toddler_days: i32) -> Kpis {
    match rules {
        SchemeRules::Cpm(_) => Kpis::Cpm(cpm_at(p, t, toddler_days)),
        SchemeRules::Lifecycle(_) => Kpis::Lifecycle(lifecycle_at(p, t, toddler_days)),
    }
}

/// CPM KPIs at snapshot `t`, with the previous snapshot's for comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct CpmKpis {
    pub(crate) t: usize,
    pub(crate) customers: u64,
    pub(crate) active: u64,
    pub(crate) active_prev: Option<u64>,
    /// 優良現役 / all 現役.
    pub(crate) loyal_share: f64,
    pub(crate) loyal_share_prev: Option<f64>,
    /// The latest cohort whose 初回→よちよち window has closed by `t`.
    pub(crate) conversion: Option<CohortConversion>,
    /// The matured cohort before it.
    pub(crate) conversion_prev: Option<CohortConversion>,
    /// 優良現役 → 優良離脱 between `t-1` and `t`.
    pub(crate) newly_lapsed_loyal: Option<u64>,
    pub(crate) newly_lapsed_loyal_prev: Option<u64>,
}

/// The portfolio's CPM layout (ten segments, or twelve with 超優良); a
/// portfolio of another scheme is read as the ten.
fn layout(p: &Portfolio) -> CpmLayout {
    CpmLayout::of(&p.labels).unwrap_or(CpmLayout { tiers: CPM_TIERS })
}

fn active_count(p: &Portfolio, t: usize) -> u64 {
    p.counts[t][layout(p).active()].iter().sum()
}

/// 優良現役 (with 超優良現役 when that tier is on) / all 現役.
fn loyal_share(p: &Portfolio, t: usize) -> f64 {
    let active = active_count(p, t);
    if active == 0 {
        0.0
    } else {
        layout(p).loyal(false).map(|s| p.counts[t][s]).sum::<u64>() as f64 / active as f64
    }
}

/// 優良現役 → 優良離脱 (超優良 counted as 優良).
fn newly_lapsed_loyal(p: &Portfolio, t: usize) -> Option<u64> {
    let m = p.transitions.get(t.checked_sub(1)?)?;
    let l = layout(p);
    Some(
        l.loyal(false)
            .flat_map(|from| l.loyal(true).map(move |to| m.cells[from][to]))
            .sum(),
    )
}

/// Cohorts matured by `day`, newest first.
pub(crate) fn matured_by(p: &Portfolio, day: Day, toddler_days: i32) -> impl Iterator<Item = &CohortConversion> {
    p.conversion
        .iter()
        .rev()
        .filter(move |c| last_day_of_month(c.cohort_month) + toddler_days - 1 <= day)
}

/// Cohorts matured by snapshot `t`, newest first, marked matured.
fn matured_at(p: &Portfolio, t: usize, toddler_days: i32) -> impl Iterator<Item = CohortConversion> + '_ {
    matured_by(p, p.snapshot_days[t], toddler_days).cloned().map(|mut c| {
        c.matured = true;
        c
    })
}

pub(crate) fn cpm_at(p: &Portfolio, t: usize, toddler_days: i32) -> CpmKpis {
    let prev = t.checked_sub(1);
    let mut matured = matured_at(p, t, toddler_days);
    let conversion = matured.next();
    let conversion_prev = matured.next();
    CpmKpis {
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

/// The lifecycle scheme's headline figures at snapshot `t` (spec section 8).
#[derive(Debug, Clone, PartialEq)]
pub struct LifecycleKpis {
    pub(crate) t: usize,
    pub(crate) customers: u64,
    /// 継続系: VIP, 復活, 新規 and 継続 (everyone neither 休眠 nor 休眠予備軍).
    pub(crate) engaged: u64,
    pub(crate) engaged_prev: Option<u64>,
    pub(crate) vip: u64,
    pub(crate) vip_prev: Option<u64>,
    pub(crate) at_risk: u64,
    pub(crate) at_risk_prev: Option<u64>,
    pub(crate) dormant: u64,
    /// Customers in 復活 at `t` who were not at `t-1`.
    pub(crate) winbacks: Option<u64>,
    pub(crate) winbacks_prev: Option<u64>,
    /// Of them, those who were 休眠 at `t-1`.
    pub(crate) winbacks_from_dormant: Option<u64>,
    /// The latest matured 初回→2回目 cohort (the same conversion as CPM).
    pub(crate) conversion: Option<CohortConversion>,
}

impl LifecycleKpis {
    /// 継続系 / all customers.
    pub(crate) fn engaged_share(&self) -> f64 {
        if self.customers == 0 {
            0.0
        } else {
            self.engaged as f64 / self.customers as f64
        }
    }

    pub(crate) fn engaged_share_prev(&self, p: &Portfolio) -> Option<f64> {
        let prev = self.t.checked_sub(1)?;
        let all: u64 = p.counts[prev].iter().sum();
        Some(if all == 0 {
            0.0
        } else {
            self.engaged_prev? as f64 / all as f64
        })
    }
}

fn engaged(p: &Portfolio, t: usize) -> u64 {
    [VIP, WINBACK, NEWCOMER, ACTIVE].iter().map(|&s| p.counts[t][s]).sum()
}

/// Moves into 復活 between `t-1` and `t` (from any other state or `new`).
pub(crate) fn winbacks(p: &Portfolio, t: usize) -> Option<u64> {
    let m = p.transitions.get(t.checked_sub(1)?)?;
    Some(
        (0..m.cells.len())
            .filter(|&from| from != WINBACK)
            .map(|from| m.cells[from][WINBACK])
            .sum(),
    )
}

pub(crate) fn lifecycle_at(p: &Portfolio, t: usize, toddler_days: i32) -> LifecycleKpis {
    let prev = t.checked_sub(1);
    let conversion = matured_at(p, t, toddler_days).next();
    LifecycleKpis {
        t,
        customers: p.counts[t].iter().sum(),
        engaged: engaged(p, t),
        engaged_prev: prev.map(|s| engaged(p, s)),
        vip: p.counts[t][VIP],
        vip_prev: prev.map(|s| p.counts[s][VIP]),
        at_risk: p.counts[t][AT_RISK],
        at_risk_prev: prev.map(|s| p.counts[s][AT_RISK]),
        dormant: p.counts[t][DORMANT],
        winbacks: winbacks(p, t),
        winbacks_prev: prev.and_then(|s| winbacks(p, s)),
        winbacks_from_dormant: t
            .checked_sub(1)
            .and_then(|s| p.transitions.get(s))
            .map(|m| m.cells[DORMANT][WINBACK]),
        conversion,
    }
}
