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

use super::{MIN_HISTORY_MONTHS, Projection, Settings, Tuning, forecast_plain, interval, state};

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
        return Err(too_short(settings.months, history_ends.len()));
    }
    let (actual_days, _) = state::purchase_days_by_month(tl, Day::MIN, history_ends);
    let plain = Settings {
        scenario: None,
        ..settings.clone()
    };
    let actual = Actuals {
        history_ends,
        counts,
        purchase_days: &actual_days,
    };
    let mut rows = Vec::new();
    let mut sums = vec![Sums::default(); settings.months];
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
        for (h, sums) in (1..).zip(sums.iter_mut()) {
            let t = o + h;
            if t >= history_ends.len() || history_ends[t] != f.month_ends[h - 1] {
                continue;
            }
            sums.add(&actual, o, h, &f.baseline, &narrow, &mut rows);
        }
    }
    let summary = (1..).zip(&sums).map(|(h, s)| s.error(h)).collect();
    Ok(Backtest { rows, summary })
}

/// The error for a history too short for any origin.
fn too_short(months: usize, history: usize) -> Error {
    Error::NoData(format!(
        "--backtest with --months {} needs at least {} month-ends of history ({} to fit, {} to compare with); \
         the history has {}. Use a smaller --months or a longer order history",
        months,
        MIN_HISTORY_MONTHS + months,
        MIN_HISTORY_MONTHS,
        months,
        history
    ))
}

/// What happened: the month-ends, the segment counts and the purchase days
/// at each.
struct Actuals<'a> {
    history_ends: &'a [Day],
    counts: &'a [Vec<u64>],
    purchase_days: &'a [u64],
}

/// One horizon's sums over the origins, of which the errors are ratios.
#[derive(Debug, Clone, Default)]
struct Sums {
    origins: usize,
    /// Actual customers, |error|, |persistence error|.
    customers: f64,
    error: f64,
    persistence_error: f64,
    /// The same three for the monthly purchase days.
    purchase_days: f64,
    days_error: f64,
    days_persistence_error: f64,
    /// Cells inside the widened interval, all cells, cells inside the
    /// interval of purchase randomness alone.
    inside: f64,
    cells: f64,
    inside_plain: f64,
}

impl Sums {
    /// Origin `o`'s forecast `h` months ahead (the month-end `o + h`, which
    /// the history has) against what happened, one row a segment.
    fn add(
        &mut self,
        actual: &Actuals<'_>,
        o: usize,
        h: usize,
        wide: &Projection,
        narrow: &Projection,
        rows: &mut Vec<Row>,
    ) {
        let t = o + h;
        let counts = actual.counts;
        self.origins += 1;
        for (seg, (&a, &fc)) in counts[t].iter().zip(&wide.customers[h - 1]).enumerate() {
            rows.push(Row {
                origin: actual.history_ends[o],
                horizon: h,
                month_end: actual.history_ends[t],
                segment: seg,
                actual: a,
                forecast: fc,
            });
            self.customers += a as f64;
            self.error += (fc as f64 - a as f64).abs();
            self.persistence_error += (counts[o][seg] as f64 - a as f64).abs();
            let (low, high) = (wide.low[h - 1][seg], wide.high[h - 1][seg]);
            self.inside += f64::from(u8::from(low <= a && a <= high));
            self.cells += 1.0;
            let (low, high) = (narrow.low[h - 1][seg], narrow.high[h - 1][seg]);
            self.inside_plain += f64::from(u8::from(low <= a && a <= high));
        }
        let a = actual.purchase_days[t] as f64;
        self.purchase_days += a;
        self.days_error += (wide.purchase_days[h - 1] - a).abs();
        self.days_persistence_error += (actual.purchase_days[o] as f64 - a).abs();
    }

    fn error(&self, horizon: usize) -> HorizonError {
        let ratio = |n: f64, d: f64| if d > 0.0 { n / d } else { 0.0 };
        HorizonError {
            horizon,
            origins: self.origins,
            segments: ratio(self.error, self.customers),
            segments_persistence: ratio(self.persistence_error, self.customers),
            purchase_days: ratio(self.days_error, self.purchase_days),
            purchase_days_persistence: ratio(self.days_persistence_error, self.purchase_days),
            coverage: ratio(self.inside, self.cells),
            coverage_plain: ratio(self.inside_plain, self.cells),
        }
    }
}
