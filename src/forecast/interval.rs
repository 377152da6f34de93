//! The 80% interval, widened by the forecast's own past errors.
//!
//! Why: the simulation's spread covers only "who happens to buy"; the larger
//! error is the model's (rates that drift, seasons, a campaign). So the
//! same procedure is run from the 12 month-ends before the start, and its
//! misses at each segment and horizon, less what purchase randomness alone
//! explains, give each segment a model error that grows with the square
//! root of the horizon: `sd² = simulation variance + c²·h·forecast²`, with
//! `c² = Σ max(0, Σ(actual − forecast)² − Σ simulation variance) / Σ h·forecast²`
//! over the resolved (origin, horizon) pairs. With more than
//! [`SAMPLE`] customers the earlier runs use an even sample of them (the
//! errors are relative, so a sample measures them). Only what had happened
//! by the start is used, so the backtest can check the coverage honestly.

use crate::engine::timelines::Timelines;
use crate::ids::CustomerIds;

use super::{Projection, Z80};

/// Month-ends before the start whose forecasts are scored.
pub const LOOKBACK: usize = 12;
/// Customers the earlier runs use at most.
pub const SAMPLE: usize = 40_000;

/// One scored cell: a forecast from `origin` (an index into the month-ends)
/// `horizon` months ahead, of one segment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Miss {
    pub origin: usize,
    pub horizon: usize,
    pub segment: usize,
    pub actual: f64,
    pub forecast: f64,
    /// The simulation's own variance of the forecast.
    pub variance: f64,
}

/// The scored cells of a forecast from `origin` against `counts[t][s]`
/// (the actual counts at month-end `t`), those resolved by `counts`. The
/// variance purchase randomness explains is the simulation's, plus the
/// Monte Carlo error of an average over `replicates` draws.
pub fn misses(p: &Projection, origin: usize, counts: &[Vec<u64>], replicates: usize) -> Vec<Miss> {
    let mc = 1.0 + 1.0 / replicates.max(1) as f64;
    let mut out = Vec::new();
    for (m, row) in p.expected.iter().enumerate() {
        let t = origin + m + 1;
        if t >= counts.len() {
            break;
        }
        for (s, &e) in row.iter().enumerate() {
            out.push(Miss {
                origin,
                horizon: m + 1,
                segment: s,
                actual: counts[t][s] as f64,
                forecast: e,
                variance: p.variance[m][s] * mc,
            });
        }
    }
    out
}

/// Each segment's `c²` from the misses known at origin `at`: forecasts
/// from the [`LOOKBACK`] month-ends before it, at horizons already past.
pub fn spread(misses: &[Miss], at: usize, segments: usize) -> Vec<f64> {
    let (mut num, mut var, mut den) = (vec![0.0; segments], vec![0.0; segments], vec![0.0; segments]);
    for m in misses {
        if m.origin + LOOKBACK < at || m.origin + m.horizon > at {
            continue;
        }
        num[m.segment] += (m.actual - m.forecast).powi(2);
        var[m.segment] += m.variance;
        den[m.segment] += m.horizon as f64 * m.forecast * m.forecast;
    }
    (0..segments)
        .map(|s| {
            if den[s] > 0.0 {
                (num[s] - var[s]).max(0.0) / den[s]
            } else {
                0.0
            }
        })
        .collect()
}

/// Recomputes `p`'s low and high with the model error `c2` per segment.
pub fn widen(p: &mut Projection, c2: &[f64]) {
    for m in 0..p.expected.len() {
        let h = (m + 1) as f64;
        for (s, &c2) in c2.iter().enumerate().take(p.expected[m].len()) {
            let e = p.expected[m][s];
            let sd = (p.variance[m][s].max(0.0) + c2 * h * e * e).sqrt();
            let n = p.customers[m][s];
            p.low[m][s] = ((e - Z80 * sd).floor().max(0.0) as u64).min(n);
            p.high[m][s] = ((e + Z80 * sd).ceil().max(0.0) as u64).max(n);
        }
    }
}

/// Every `step`-th customer's timeline (`step` ≥ 1), in order.
pub fn sample(tl: &Timelines, step: usize) -> Timelines {
    let mut out = Timelines {
        ids: CustomerIds::default(),
        offsets: vec![0],
        day: Vec::new(),
        amount: Vec::new(),
    };
    for c in (0..tl.customers()).step_by(step.max(1)) {
        let range = tl.offsets[c]..tl.offsets[c + 1];
        out.day.extend_from_slice(&tl.day[range.clone()]);
        out.amount.extend_from_slice(&tl.amount[range]);
        out.offsets.push(out.day.len());
        out.ids.push(tl.ids.get(c));
    }
    out
}

/// The even step that keeps at most [`SAMPLE`] customers.
pub fn sample_step(customers: usize) -> usize {
    customers.div_ceil(SAMPLE).max(1)
}

/// The month-ends `ends[from..=at]`: the origins scored before `at`.
pub fn lookback_origins(at: usize, first: usize) -> std::ops::Range<usize> {
    at.saturating_sub(LOOKBACK).max(first)..at
}

#[cfg(test)]
mod tests {
    use super::*;

    fn miss(origin: usize, horizon: usize, actual: f64, forecast: f64, variance: f64) -> Miss {
        Miss {
            origin,
            horizon,
            segment: 0,
            actual,
            forecast,
            variance,
        }
    }

    #[test]
    fn spread_uses_only_what_was_known() {
        // Known at 10: origin 8 at horizons 1 and 2 (resolved at 9 and 10);
        // not origin 9 at horizon 2 (resolved at 11), nor origin -3.
        let m = [
            miss(8, 1, 110.0, 100.0, 0.0),
            miss(8, 2, 80.0, 100.0, 100.0),
            miss(9, 2, 1000.0, 100.0, 0.0),
        ];
        // (10² + 20² − 100) / (1·100² + 2·100²) = 400 / 30000.
        let c2 = spread(&m, 10, 1);
        assert!((c2[0] - 400.0 / 30_000.0).abs() < 1e-12, "{c2:?}");
        // Purchase randomness explains everything: no model error.
        assert_eq!(spread(&[miss(8, 1, 101.0, 100.0, 4.0)], 10, 1), vec![0.0]);
        // Too long ago.
        assert_eq!(spread(&[miss(0, 1, 200.0, 100.0, 0.0)], 20, 1), vec![0.0]);
    }

    #[test]
    fn widen_keeps_the_count_inside() {
        let mut p = Projection {
            customers: vec![vec![100]],
            low: vec![vec![0]],
            high: vec![vec![0]],
            expected: vec![vec![100.0]],
            variance: vec![vec![0.0]],
            purchase_days: vec![0.0],
            existing_purchase_days: vec![0.0],
            sales: vec![0.0],
        };
        widen(&mut p, &[0.01]);
        // sd = 0.1 × 100 = 10; 100 ± 12.8.
        assert_eq!((p.low[0][0], p.high[0][0]), (87, 113));
        widen(&mut p, &[0.0]);
        assert_eq!((p.low[0][0], p.high[0][0]), (100, 100));
    }
}
