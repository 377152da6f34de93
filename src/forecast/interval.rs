//! The 80% interval, widened by the forecast's own past errors.
//!
//! Why: the simulation's spread covers only "who happens to buy"; the larger
//! error is the model's (rates that drift, seasons, a campaign). So the
//! same procedure is run from the 12 month-ends before the start, and its
//! misses, less what purchase randomness alone explains, say how far the
//! forecast strays at each horizon: `sd² = simulation variance +
//! k_s·v_h·forecast²`. `v_h`, the relative error `h` months ahead, is
//! pooled over the segments, `v_h = Σ((actual − forecast)² − simulation
//! variance) / Σ forecast²` over the resolved (origin, segment) pairs at
//! that horizon, and never smaller than at a shorter one; how it grows is
//! measured, not assumed (on the sample it grows about linearly with `h`
//! in the CPM grid and stays flat in the lifecycle states). `k_s` scales it
//! to each segment's own misses: `k_s = Σ excess / Σ v_h·forecast²` over
//! that segment's pairs. Beyond the longest horizon measured the error
//! grows with the square root of the months ahead. With more than
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

/// The model error that widens the interval: the pooled relative error by
/// months ahead and each segment's factor on it (see the module's top).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Spread {
    /// `v_h` for `h` = 1, 2, …: the horizons the misses reached.
    pub by_horizon: Vec<f64>,
    /// `k_s` per segment.
    pub by_segment: Vec<f64>,
}

impl Spread {
    /// No model error: the interval of purchase randomness alone.
    pub fn none(segments: usize) -> Spread {
        Spread {
            by_horizon: Vec::new(),
            by_segment: vec![0.0; segments],
        }
    }

    /// The relative model variance of segment `s`, `h` (≥ 1) months ahead:
    /// `k_s·v_h`, with `v_h` grown in proportion to `h` beyond the longest
    /// horizon measured.
    pub fn relative_variance(&self, h: usize, s: usize) -> f64 {
        let Some(&last) = self.by_horizon.last() else {
            return 0.0;
        };
        let measured = self.by_horizon.len();
        let v = match self.by_horizon.get(h.max(1) - 1) {
            Some(&v) => v,
            None => last * h as f64 / measured as f64,
        };
        self.by_segment.get(s).copied().unwrap_or(0.0) * v
    }
}

/// The model error from the misses known at origin `at`: forecasts from
/// the [`LOOKBACK`] month-ends before it, at horizons already past.
pub fn spread(misses: &[Miss], at: usize, segments: usize) -> Spread {
    let known: Vec<&Miss> = misses
        .iter()
        .filter(|m| m.origin + LOOKBACK >= at && m.origin + m.horizon <= at && m.segment < segments)
        .collect();
    let horizons = known.iter().map(|m| m.horizon).max().unwrap_or(0);
    let (mut excess, mut square) = (vec![0.0; horizons], vec![0.0; horizons]);
    for m in &known {
        excess[m.horizon - 1] += (m.actual - m.forecast).powi(2) - m.variance;
        square[m.horizon - 1] += m.forecast * m.forecast;
    }
    let mut by_horizon = Vec::with_capacity(horizons);
    let mut v = 0.0_f64;
    for (&x, &q) in excess.iter().zip(&square) {
        if q > 0.0 {
            v = v.max(x.max(0.0) / q);
        }
        by_horizon.push(v);
    }
    let (mut num, mut den) = (vec![0.0; segments], vec![0.0; segments]);
    for m in &known {
        num[m.segment] += (m.actual - m.forecast).powi(2) - m.variance;
        den[m.segment] += by_horizon[m.horizon - 1] * m.forecast * m.forecast;
    }
    let by_segment = num
        .iter()
        .zip(&den)
        .map(|(&n, &d)| if d > 0.0 { n.max(0.0) / d } else { 0.0 })
        .collect();
    Spread { by_horizon, by_segment }
}

/// Recomputes `p`'s low and high with the model error `spread`.
pub fn widen(p: &mut Projection, spread: &Spread) {
    for m in 0..p.expected.len() {
        for s in 0..p.expected[m].len() {
            let e = p.expected[m][s];
            let sd = (p.variance[m][s].max(0.0) + spread.relative_variance(m + 1, s) * e * e).sqrt();
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
        miss_of(origin, horizon, 0, actual, forecast, variance)
    }

    fn miss_of(origin: usize, horizon: usize, segment: usize, actual: f64, forecast: f64, variance: f64) -> Miss {
        Miss {
            origin,
            horizon,
            segment,
            actual,
            forecast,
            variance,
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
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
        // v_1 = 10² / 100² = 0.01; v_2 = (20² − 100) / 100² = 0.03;
        // k = (100 + 300) / (0.01·100² + 0.03·100²) = 1.
        let sp = spread(&m, 10, 1);
        assert_eq!(sp.by_horizon.len(), 2);
        assert!(close(sp.by_horizon[0], 0.01) && close(sp.by_horizon[1], 0.03), "{sp:?}");
        assert!(close(sp.by_segment[0], 1.0), "{sp:?}");
        // Purchase randomness explains everything: no model error.
        let sp = spread(&[miss(8, 1, 101.0, 100.0, 4.0)], 10, 1);
        assert_eq!(sp.relative_variance(1, 0), 0.0);
        // Too long ago.
        let sp = spread(&[miss(0, 1, 200.0, 100.0, 0.0)], 20, 1);
        assert_eq!(sp.relative_variance(1, 0), 0.0);
        assert!(sp.by_horizon.is_empty());
    }

    #[test]
    fn spread_pools_the_horizons_and_scales_each_segment() {
        let at = miss_of;
        let m = [
            at(8, 1, 0, 110.0, 100.0, 0.0),
            at(8, 1, 1, 45.0, 50.0, 5.0),
            at(8, 2, 0, 70.0, 100.0, 0.0),
            at(8, 2, 1, 50.0, 50.0, 0.0),
            at(9, 1, 0, 100.0, 100.0, 0.0),
            at(9, 1, 1, 60.0, 50.0, 0.0),
        ];
        let sp = spread(&m, 10, 2);
        // One month ahead: (10² + 5² − 5 + 0 + 10²) / (100² + 50² + 100² + 50²)
        // = 220 / 25000; two: (30² + 0) / (100² + 50²) = 900 / 12500.
        let (v1, v2) = (220.0 / 25_000.0, 900.0 / 12_500.0);
        assert!(close(sp.by_horizon[0], v1) && close(sp.by_horizon[1], v2), "{sp:?}");
        // Segment 0: (100 + 900 + 0) / (v1·100² + v2·100² + v1·100²) = 1000 / 896;
        // segment 1: (25 − 5 + 0 + 100) / (v1·50² + v2·50² + v1·50²) = 120 / 224.
        assert!(close(sp.by_segment[0], 1000.0 / 896.0), "{sp:?}");
        assert!(close(sp.by_segment[1], 120.0 / 224.0), "{sp:?}");
        assert!(close(sp.relative_variance(2, 1), 120.0 / 224.0 * v2));
        // Beyond the two horizons measured: in proportion to h.
        assert!(close(sp.relative_variance(6, 0), 1000.0 / 896.0 * v2 * 3.0));
    }

    #[test]
    fn the_error_never_shrinks_with_the_horizon() {
        // Two months ahead the misses were smaller than one month ahead:
        // v_2 keeps v_1's 0.04 (v_2 alone would be 0.01); a horizon with no
        // forecast to score (3) keeps the one before it.
        let m = [
            miss(5, 1, 120.0, 100.0, 0.0),
            miss(5, 2, 90.0, 100.0, 0.0),
            miss(4, 4, 150.0, 100.0, 0.0),
        ];
        let sp = spread(&m, 10, 1);
        assert_eq!(sp.by_horizon.len(), 4);
        assert!(close(sp.by_horizon[0], 0.04) && close(sp.by_horizon[1], 0.04), "{sp:?}");
        assert!(close(sp.by_horizon[2], 0.04) && close(sp.by_horizon[3], 0.25), "{sp:?}");
        // k = (400 + 100 + 2500) / (0.04·100² + 0.04·100² + 0.25·100²) = 3000 / 3300.
        assert!(close(sp.by_segment[0], 3000.0 / 3300.0), "{sp:?}");
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
        let spread = Spread {
            by_horizon: vec![0.01],
            by_segment: vec![1.0],
        };
        widen(&mut p, &spread);
        // sd = 0.1 × 100 = 10; 100 ± 12.8.
        assert_eq!((p.low[0][0], p.high[0][0]), (87, 113));
        widen(&mut p, &Spread::none(1));
        assert_eq!((p.low[0][0], p.high[0][0]), (100, 100));
    }
}
