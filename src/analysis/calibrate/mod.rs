//! `cpm calibrate`: thresholds suggested by the data, with the evidence.
//!
//! Nothing here changes a threshold: the result is a table to read and a
//! config file to edit. The statistics, all over purchase days (spec
//! section 1: several rows a day are one purchase day; returns are never
//! purchase days):
//!
//! - **gaps** between consecutive purchase days of a customer. Only gaps
//!   that start at least [`FOLLOW_UP_DAYS`] before the data ends are used:
//!   a purchase made last month cannot show a gap of 200 days yet, so
//!   counting it would make long gaps look rarer than they are.
//!   - the **median purchase cycle** (median gap) → the lifecycle scheme's
//!     `active_days` (one cycle, to 5 days) and `dormant_days` (two);
//!   - the **churn line**: the gap beyond which fewer than 5% of comebacks
//!     happen (95% of repeat purchases come sooner), to the nearest 10
//!     days → `churn_days`;
//! - **second purchases**: of first-time buyers with a year of follow-up,
//!   the share of second purchases that came within N days (`1 <= second -
//!   first < N`, the conversion rule of spec section 6) for N = 30 … 180;
//!   `toddler_days` is suggested as two median cycles (the same line as
//!   `dormant_days`: a newcomer who has let two cycles pass is no longer
//!   being nurtured), to 10 days;
//! - **cumulative sales** of customers whose tenure is at least
//!   `loyal_days` at the end of the data: the 80th percentile, to two
//!   significant digits → `loyal_amount` (the top fifth of established
//!   customers are 優良).
//!
//! `loyal_days` and the other thresholds are policy choices and are kept.
//!
//! The folder: `measure` computes the evidence and the suggestions,
//! `config_file` writes them as a commented cpm.toml, `table` prints them
//! for the terminal, `advice` says them in sentences with their impact.

mod config_file;
mod measure;
mod table;

pub(crate) mod advice;

pub use measure::calibrate;

use crate::config::Config;
use crate::dates::Day;
use crate::money::Money;

/// Windows of the second-purchase table (days).
pub(crate) const SECOND_PURCHASE_WINDOWS: [i32; 5] = [30, 60, 90, 120, 180];
/// Silences of the comeback table (days).
pub(crate) const SILENCES: [i32; 6] = [90, 120, 180, 240, 365, 540];
/// Follow-up a purchase day needs for its gap (or a first purchase for its
/// second-purchase window) to count.
pub(crate) const FOLLOW_UP_DAYS: i32 = 365;
/// The churn line: fewer than this share of comebacks come later.
pub(crate) const CHURN_TAIL: f64 = 0.05;
/// The percentile of long-tenure customers' totals suggested as `loyal_amount`.
pub(crate) const LOYAL_PERCENTILE: u32 = 80;
/// Fewer observations than this and a statistic is not used for a suggestion.
pub(crate) const MIN_OBSERVATIONS: usize = 30;

#[derive(Debug, Clone, PartialEq)]
pub struct WindowShare {
    pub days: i32,
    /// Second purchases within the window / second purchases.
    pub of_second: f64,
    /// Second purchases within the window / first-time buyers.
    pub of_first: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SilenceRow {
    pub days: i32,
    /// Share of the gaps (comebacks) longer than `days`.
    pub later_comebacks: f64,
    /// Customers whose silence reached `days` (counted once, at their first such silence).
    pub silent: u64,
    /// Of those, the share who bought again (so far).
    pub came_back: f64,
}

/// The evidence and the suggestions.
#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    /// The last day of data used.
    pub end: Day,
    pub customers: u64,
    /// Customers with at least two purchase days.
    pub repeaters: u64,
    /// Gaps used (those that start at least [`FOLLOW_UP_DAYS`] before `end`).
    pub gaps: u64,
    pub median_cycle: Option<f64>,
    /// The smallest gap `g` with fewer than 5% of gaps longer than `g`.
    pub gap_p95: Option<i32>,
    pub silences: Vec<SilenceRow>,
    /// First-time buyers with a year of follow-up, and how many bought again.
    pub window_buyers: u64,
    pub window_repeaters: u64,
    pub windows: Vec<WindowShare>,
    /// Customers with tenure >= loyal_days at `end`, and their totals' percentiles.
    pub loyal_days: i32,
    pub long_tenure: u64,
    pub long_tenure_percentiles: Vec<(u32, Money)>,
    pub churn_days: Option<i32>,
    pub toddler_days: Option<i32>,
    pub loyal_amount: Option<Money>,
    pub active_days: Option<i32>,
    pub dormant_days: Option<i32>,
}

impl Calibration {
    /// `current` with the suggestions applied (unchanged where the data
    /// had too little to say).
    pub fn suggested(&self, current: &Config) -> Config {
        let mut c = current.clone();
        let r = &current.rules;
        let super_loyal = r.super_loyal;
        let loyal_amount = self.loyal_amount.unwrap_or(r.loyal_amount);
        c.rules = crate::engine::segments::CpmRules::new(
            self.churn_days.unwrap_or(r.churn_days),
            self.toddler_days.unwrap_or(r.toddler_days),
            r.loyal_days,
            loyal_amount,
        )
        // A 超優良 line below the new 優良 line would not be valid: dropped.
        .with_super_loyal(super_loyal.filter(|s| s.amount >= loyal_amount));
        let l = &current.lifecycle;
        let active = self.active_days.unwrap_or(l.active_days);
        let dormant = self.dormant_days.unwrap_or(l.dormant_days).max(active);
        c.lifecycle = crate::engine::lifecycle::LifecycleRules::new(
            active,
            dormant,
            l.vip_min_purchase_days,
            l.vip_recency_days,
            l.vip_top_share,
            l.new_max_purchase_days,
        );
        c.source = None;
        c
    }
}
