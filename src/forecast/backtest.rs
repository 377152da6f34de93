//! The forecast's track record: the same procedure (model fit, rate choice,
//! new-customer plan) run from earlier month-ends of the history, compared
//! with what then happened, next to the naive forecast "counts stay as they
//! are" (persistence).
//!
//! Why: a forecast is only as credible as its past errors. Every origin
//! sees only the rows up to it, so the figures are honest out-of-sample
//! errors.

use crate::dates::Day;
use crate::engine::scheme::SchemeRules;
use crate::engine::timelines::Timelines;
use crate::error::{Error, Result};

use super::{MIN_HISTORY_MONTHS, Settings, Tuning, forecast_plain, interval, state};

/// At most this many origins (the latest ones).
pub const MAX_ORIGINS: usize = 24;

/// One row of `backtest.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub origin: Day,
    pub horizon: usize,
    pub month_end: Day,
    pub segment: usize,
    pub actual: u64,
    pub forecast: u64,
}

/// Weighted MAPE by horizon: `sum |forecast - actual| / sum actual`.
#[derive(Debug, Clone, PartialEq)]
pub struct HorizonError {
    pub horizon: usize,
    pub origins: usize,
    pub segments: f64,
    pub segments_persistence: f64,
    pub purchase_days: f64,
    pub purchase_days_persistence: f64,
    /// Share of the actual counts inside the forecast's 80% interval, the
    /// interval widened by the misses known at each origin ([`interval`]).
    pub coverage: f64,
    /// The same with the interval of purchase randomness alone.
    pub coverage_plain: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Backtest {
    pub rows: Vec<Row>,
    pub summary: Vec<HorizonError>,
}

/// The origins: month-ends that leave `months` of actuals after them and
/// enough history before them, the last [`MAX_ORIGINS`].
pub fn origins(history_ends: &[Day], months: usize) -> Vec<usize> {
    let first = MIN_HISTORY_MONTHS - 1;
    let last = history_ends.len().checked_sub(months + 1);
    let Some(last) = last.filter(|&l| l >= first) else {
        return Vec::new();
    };
    let from = last.saturating_sub(MAX_ORIGINS - 1).max(first);
    (from..=last).collect()
}

/// Runs the backtest. `counts[t][s]` are the history's actual segment
/// counts at `history_ends[t]`.
pub fn backtest(
    tl: &Timelines,
    rules: SchemeRules<'_>,
    history_ends: &[Day],
    counts: &[Vec<u64>],
    settings: &Settings,
) -> Result<Backtest> {
    let at = origins(history_ends, settings.months);
    if at.is_empty() {
        return Err(Error::NoData(format!(
            "--backtest with --months {} needs at least {} month-ends of history ({} to fit, {} to compare with); \
             the history has {}. Use a smaller --months or a longer order history",
            settings.months,
            MIN_HISTORY_MONTHS + settings.months,
            MIN_HISTORY_MONTHS,
            settings.months,
            history_ends.len()
        )));
    }
    let (actual_days, _) = state::purchase_days_by_month(tl, Day::MIN, history_ends);
    let plain = Settings {
        scenario: None,
        ..settings.clone()
    };
    let h_max = settings.months;
    let mut rows = Vec::new();
    // Per horizon: actual customers, |error|, |persistence error|; the same
    // three for the monthly purchase days.
    // and the cells inside the interval and all cells.
    let mut sums = vec![[0.0f64; 9]; h_max];
    let mut origins_at = vec![0usize; h_max];
    // The forecasts from the month-ends before the first origin too, whose
    // misses widen the first origins' intervals.
    let first = interval::lookback_origins(at[0], MIN_HISTORY_MONTHS - 1).start;
    let mut misses = Vec::new();
    for o in first..at[0] {
        let f = forecast_plain(tl, rules, history_ends, o, &plain, &Tuning::default())?;
        misses.extend(interval::misses(&f.baseline, o, counts, f.replicates));
    }
    let n_seg = rules.labels().len();
    for &o in &at {
        let mut f = forecast_plain(tl, rules, history_ends, o, &plain, &Tuning::default())?;
        misses.extend(interval::misses(&f.baseline, o, counts, f.replicates));
        let narrow = f.baseline.clone();
        interval::widen(&mut f.baseline, &interval::spread(&misses, o, n_seg));
        for h in 1..=h_max {
            let t = o + h;
            if t >= history_ends.len() || history_ends[t] != f.month_ends[h - 1] {
                continue;
            }
            origins_at[h - 1] += 1;
            let s = &mut sums[h - 1];
            for (seg, (&a, &fc)) in counts[t].iter().zip(&f.baseline.customers[h - 1]).enumerate() {
                rows.push(Row {
                    origin: history_ends[o],
                    horizon: h,
                    month_end: history_ends[t],
                    segment: seg,
                    actual: a,
                    forecast: fc,
                });
                s[0] += a as f64;
                s[1] += (fc as f64 - a as f64).abs();
                s[2] += (counts[o][seg] as f64 - a as f64).abs();
                let (low, high) = (f.baseline.low[h - 1][seg], f.baseline.high[h - 1][seg]);
                s[6] += f64::from(u8::from(low <= a && a <= high));
                s[7] += 1.0;
                let (low, high) = (narrow.low[h - 1][seg], narrow.high[h - 1][seg]);
                s[8] += f64::from(u8::from(low <= a && a <= high));
            }
            let a = actual_days[t] as f64;
            s[3] += a;
            s[4] += (f.baseline.purchase_days[h - 1] - a).abs();
            s[5] += (actual_days[o] as f64 - a).abs();
        }
    }
    let ratio = |n: f64, d: f64| if d > 0.0 { n / d } else { 0.0 };
    let summary = sums
        .iter()
        .zip(&origins_at)
        .enumerate()
        .map(|(i, (s, &n))| HorizonError {
            horizon: i + 1,
            origins: n,
            segments: ratio(s[1], s[0]),
            segments_persistence: ratio(s[2], s[0]),
            purchase_days: ratio(s[4], s[3]),
            purchase_days_persistence: ratio(s[5], s[3]),
            coverage: ratio(s[6], s[7]),
            coverage_plain: ratio(s[8], s[7]),
        })
        .collect();
    Ok(Backtest { rows, summary })
}
