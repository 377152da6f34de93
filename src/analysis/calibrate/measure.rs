//! The statistics behind the suggestions, in two passes: one walk over
//! every customer's purchase days collects the raw observations (gaps,
//! second-purchase gaps, long-tenure totals, silences), then each
//! statistic and suggestion is read off the sorted observations. The
//! rules for what counts are in the module top of `calibrate`.

use super::{
    CHURN_TAIL, Calibration, FOLLOW_UP_DAYS, LOYAL_PERCENTILE, MIN_OBSERVATIONS, SECOND_PURCHASE_WINDOWS, SILENCES,
    SilenceRow, WindowShare,
};
use crate::dates::Day;
use crate::engine::timelines::Timelines;
use crate::money::Money;

fn round_to(value: f64, step: i32) -> i32 {
    (((value / f64::from(step)).round() as i32) * step).max(step)
}

/// Two significant digits (150,262 → 150,000; 7,450 → 7,500), in whole units.
fn two_significant(m: Money) -> Money {
    let units = m.0 / crate::money::SCALE;
    if units <= 0 {
        return Money::from_units(units).unwrap_or(m);
    }
    let digits = units.ilog10();
    let step = 10i64.pow(digits.saturating_sub(1));
    let rounded = (units + step / 2) / step * step;
    Money::from_units(rounded).unwrap_or(m)
}

/// The `p`-th percentile (nearest rank) of sorted values.
fn percentile<T: Copy>(sorted: &[T], p: u32) -> Option<T> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (u64::from(p) * sorted.len() as u64).div_ceil(100).max(1) as usize;
    Some(sorted[rank.min(sorted.len()) - 1])
}

fn share(part: usize, whole: usize) -> f64 {
    if whole == 0 { 0.0 } else { part as f64 / whole as f64 }
}

/// What the walk over the customers collects.
struct Observations {
    customers: u64,
    repeaters: u64,
    /// First-time buyers with a year of follow-up.
    window_buyers: u64,
    /// Gaps between consecutive purchase days that start at least
    /// [`FOLLOW_UP_DAYS`] before the end.
    gaps: Vec<i32>,
    /// Cumulative sales of the customers with tenure >= loyal_days.
    totals: Vec<Money>,
    /// Second minus first purchase day, of the `window_buyers` who bought again.
    second_gaps: Vec<i32>,
    /// Per entry of [`SILENCES`]: customers whose silence reached it, and of
    /// those, how many bought again.
    silent: [u64; SILENCES.len()],
    came_back: [u64; SILENCES.len()],
}

impl Observations {
    fn new() -> Self {
        Observations {
            customers: 0,
            repeaters: 0,
            window_buyers: 0,
            gaps: Vec::new(),
            totals: Vec::new(),
            second_gaps: Vec::new(),
            silent: [0; SILENCES.len()],
            came_back: [0; SILENCES.len()],
        }
    }

    /// One customer's purchase days (sorted, at least one) and total.
    fn observe(&mut self, purchase_days: &[Day], total: Money, end: Day, loyal_days: i32) {
        let (first, last) = (purchase_days[0], purchase_days[purchase_days.len() - 1]);
        self.customers += 1;
        if purchase_days.len() >= 2 {
            self.repeaters += 1;
        }
        if last - first >= loyal_days {
            self.totals.push(total);
        }
        if end - first >= FOLLOW_UP_DAYS {
            self.window_buyers += 1;
            if let Some(&second) = purchase_days.get(1) {
                self.second_gaps.push(second - first);
            }
        }
        for w in purchase_days.windows(2) {
            if end - w[0] >= FOLLOW_UP_DAYS {
                self.gaps.push(w[1] - w[0]);
            }
        }
        // Each customer's first silence of at least `s` days, and whether it ended.
        for (i, &s) in SILENCES.iter().enumerate() {
            let reached = purchase_days
                .iter()
                .enumerate()
                .find_map(|(k, &d)| match purchase_days.get(k + 1) {
                    Some(&next) if next - d >= s => Some(true),
                    None if end - d >= s => Some(false),
                    _ => None,
                });
            if let Some(back) = reached {
                self.silent[i] += 1;
                self.came_back[i] += u64::from(back);
            }
        }
    }
}

/// Every customer with a purchase day, observed; gaps and totals sorted.
fn observe_all(tl: &Timelines, end: Day, loyal_days: i32) -> Observations {
    let mut obs = Observations::new();
    let mut purchase_days: Vec<Day> = Vec::new();
    for c in 0..tl.customers() {
        purchase_days.clear();
        let mut total = Money::ZERO;
        for e in tl.days(c) {
            total += e.net;
            if e.purchase {
                purchase_days.push(e.day);
            }
        }
        if !purchase_days.is_empty() {
            obs.observe(&purchase_days, total, end, loyal_days);
        }
    }
    obs.gaps.sort_unstable();
    obs.totals.sort_unstable();
    obs
}

fn median(sorted: &[i32]) -> Option<f64> {
    (!sorted.is_empty()).then(|| {
        let n = sorted.len();
        if n % 2 == 1 {
            f64::from(sorted[n / 2])
        } else {
            (f64::from(sorted[n / 2 - 1]) + f64::from(sorted[n / 2])) / 2.0
        }
    })
}

/// The smallest g with share(gap > g) < 5%.
fn churn_line(gaps: &[i32]) -> Option<i32> {
    (!gaps.is_empty()).then(|| {
        let allowed = (CHURN_TAIL * gaps.len() as f64).ceil() as usize - 1;
        // At most `allowed` gaps may be longer than g: g = gaps[n - 1 - allowed].
        gaps[gaps.len() - 1 - allowed.min(gaps.len() - 1)]
    })
}

fn silence_rows(obs: &Observations) -> Vec<SilenceRow> {
    SILENCES
        .iter()
        .enumerate()
        .map(|(i, &s)| SilenceRow {
            days: s,
            later_comebacks: share(obs.gaps.iter().filter(|&&g| g > s).count(), obs.gaps.len()),
            silent: obs.silent[i],
            came_back: share(obs.came_back[i] as usize, obs.silent[i] as usize),
        })
        .collect()
}

fn window_shares(obs: &Observations) -> Vec<WindowShare> {
    SECOND_PURCHASE_WINDOWS
        .iter()
        .map(|&n| {
            let within = obs.second_gaps.iter().filter(|&&g| (1..n).contains(&g)).count();
            WindowShare {
                days: n,
                of_second: share(within, obs.second_gaps.len()),
                of_first: share(within, obs.window_buyers as usize),
            }
        })
        .collect()
}

/// Computes the evidence and the suggestions from every customer's days up
/// to `end` (the last day of data).
pub fn calibrate(tl: &Timelines, end: Day, loyal_days: i32) -> Calibration {
    let obs = observe_all(tl, end, loyal_days);
    let (gaps, totals) = (&obs.gaps, &obs.totals);
    let enough_gaps = gaps.len() >= MIN_OBSERVATIONS;
    let median_cycle = median(gaps);
    let gap_p95 = churn_line(gaps);
    let active_days = median_cycle.filter(|_| enough_gaps).map(|c| round_to(c, 5));
    let long_tenure_percentiles = [50, 60, 70, 80, 90]
        .iter()
        .filter_map(|&p| percentile(totals, p).map(|m| (p, m)))
        .collect();
    Calibration {
        end,
        customers: obs.customers,
        repeaters: obs.repeaters,
        gaps: gaps.len() as u64,
        median_cycle,
        gap_p95,
        silences: silence_rows(&obs),
        window_buyers: obs.window_buyers,
        window_repeaters: obs.second_gaps.len() as u64,
        windows: window_shares(&obs),
        loyal_days,
        long_tenure: totals.len() as u64,
        long_tenure_percentiles,
        churn_days: gap_p95.filter(|_| enough_gaps).map(|g| round_to(f64::from(g), 10)),
        toddler_days: median_cycle.filter(|_| enough_gaps).map(|c| round_to(2.0 * c, 10)),
        loyal_amount: (totals.len() >= MIN_OBSERVATIONS)
            .then(|| percentile(totals, LOYAL_PERCENTILE).map(two_significant))
            .flatten()
            .filter(|m| !m.is_negative()),
        dormant_days: active_days.map(|a| 2 * a),
        active_days,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_and_percentiles() {
        assert_eq!(round_to(38.0, 5), 40);
        assert_eq!(round_to(37.4, 5), 35);
        assert_eq!(round_to(1.0, 5), 5);
        assert_eq!(round_to(241.0, 10), 240);
        assert_eq!(round_to(236.0, 10), 240);
        let m = |u| Money::from_units(u).unwrap();
        assert_eq!(two_significant(m(150_262)), m(150_000));
        assert_eq!(two_significant(m(7_450)), m(7_500));
        assert_eq!(two_significant(m(9)), m(9));
        assert_eq!(percentile(&[1, 2, 3, 4, 5], 80), Some(4));
        assert_eq!(percentile(&[1, 2, 3, 4, 5], 50), Some(3));
        assert_eq!(percentile::<i32>(&[], 50), None);
    }
}
