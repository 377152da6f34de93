//! The BG/NBD purchase model (Fader, Hardie & Lee 2005), fitted by maximum
//! likelihood.
//!
//! Why this model: it pools every customer's whole history (how often they
//! bought, when they last bought, how long they have been a customer) into
//! four numbers, so it needs no month-by-month rates that a short history
//! cannot estimate, and it extrapolates to tenures never seen yet. Each
//! customer buys at their own rate while "alive" and may drop out after a
//! repeat purchase; rates and drop-out chances vary between customers
//! (gamma and beta distributions). Time is in weeks.

use super::likelihood::{self, from_logs};

/// One customer's summary: repeat purchase days `x`, the time of the last
/// purchase `t_x` and the time observed `t`, both from the first purchase.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub x: u32,
    pub t_x: f64,
    pub t: f64,
}

/// Fitted parameters: purchase rates ~ Gamma(r, α), drop-out ~ Beta(a, b).
/// `modified`: the MBG/NBD variant (Batislam, Denizel & Filiztekin 2007),
/// in which a customer may also drop out right after the first purchase,
/// so that one-time buyers are not all assumed alive.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BgNbd {
    pub r: f64,
    pub alpha: f64,
    pub a: f64,
    pub b: f64,
    pub modified: bool,
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7; about 15 digits).
pub fn ln_gamma(x: f64) -> f64 {
    const G: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut sum = G[0];
    for (i, &g) in G.iter().enumerate().skip(1) {
        sum += g / (x + i as f64);
    }
    let t = x + 7.5;
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + sum.ln()
}

/// Identical summaries once, with how many customers share them.
pub fn group(summaries: impl IntoIterator<Item = Summary>) -> Vec<(Summary, f64)> {
    let mut all: Vec<Summary> = summaries.into_iter().collect();
    all.sort_by(|p, q| (p.x, p.t_x, p.t).partial_cmp(&(q.x, q.t_x, q.t)).expect("finite"));
    let mut out: Vec<(Summary, f64)> = Vec::new();
    for s in all {
        match out.last_mut() {
            Some((last, n)) if *last == s => *n += 1.0,
            _ => out.push((s, 1.0)),
        }
    }
    out
}

impl BgNbd {
    /// Log-likelihood of the grouped summaries (the paper's equation 6; for
    /// MBG/NBD, the same with one more chance to drop out). The fit uses
    /// the prepared form; this plain one is the tests' reference for it.
    #[cfg(test)]
    pub fn log_likelihood(&self, data: &[(Summary, f64)]) -> f64 {
        let BgNbd {
            r,
            alpha,
            a,
            b,
            modified,
        } = *self;
        // MBG/NBD: survival after x + 1 purchases instead of x.
        let shift = if modified { 1.0 } else { 0.0 };
        let base = r * alpha.ln() - ln_gamma(r) + ln_gamma(a + b) - ln_gamma(b);
        let mut total = 0.0;
        let mut cached_x = u32::MAX;
        let (mut part_x, mut rx) = (0.0, 0.0);
        for &(s, n) in data {
            if s.x != cached_x {
                cached_x = s.x;
                let x = f64::from(s.x);
                rx = r + x;
                part_x = ln_gamma(rx) + ln_gamma(b + x + shift) - ln_gamma(a + b + x + shift);
            }
            let a3 = -rx * (alpha + s.t).ln();
            let ll = if s.x > 0 || modified {
                let x = f64::from(s.x);
                let a4 = a.ln() - (b + x + shift - 1.0).ln() - rx * (alpha + s.t_x).ln();
                let m = a3.max(a4);
                m + ((a3 - m).exp() + (a4 - m).exp()).ln()
            } else {
                a3
            };
            total += n * (base + part_x + ll);
        }
        total
    }

    /// Probability that a customer with this summary is still alive (the
    /// tests' reference for [`super::regular`]'s with k = 1).
    #[cfg(test)]
    pub fn p_alive(&self, s: &Summary) -> f64 {
        if s.x == 0 && !self.modified {
            return 1.0;
        }
        let x = f64::from(s.x);
        let log_odds = (self.a / (self.b + x + self.shift() - 1.0)).ln()
            + (self.r + x) * ((self.alpha + s.t) / (self.alpha + s.t_x)).ln();
        1.0 / (1.0 + log_odds.exp())
    }

    /// 1 for MBG/NBD (the first purchase is a chance to drop out), else 0.
    pub fn shift(&self) -> f64 {
        if self.modified { 1.0 } else { 0.0 }
    }

    /// The mean purchase rate per week of a customer while alive (the
    /// tests' check of a fit).
    #[cfg(test)]
    pub fn mean_rate(&self) -> f64 {
        self.r / self.alpha
    }

    /// [`BgNbd::fit_from`] the default start (the tests' entry).
    #[cfg(test)]
    pub fn fit(data: &[(Summary, f64)], modified: bool) -> Option<BgNbd> {
        BgNbd::fit_from(data, modified, None)
    }

    /// Maximum-likelihood fit on the logs of the parameters (BFGS with the
    /// exact gradient, Nelder–Mead when BFGS does not converge) from
    /// `start` (e.g. the fit at a nearby origin), or from the default
    /// start. `None` when no one bought twice: then there is nothing to fit
    /// and the caller forecasts no repeat purchases.
    pub fn fit_from(data: &[(Summary, f64)], modified: bool, start: Option<BgNbd>) -> Option<BgNbd> {
        if !data.iter().any(|(s, _)| s.x > 0) {
            return None;
        }
        let mean_t = data.iter().map(|(s, n)| s.t * n).sum::<f64>() / data.iter().map(|(_, n)| n).sum::<f64>();
        let prepared = Prepared::new(data);
        let logs = std::cell::RefCell::new(Vec::new());
        let objective = |p: &[f64; 4]| {
            let m = from_logs(p, modified);
            let ll = m.log_likelihood_prepared(&prepared, &mut logs.borrow_mut());
            if ll.is_finite() { -ll } else { f64::INFINITY }
        };
        let start = start.map_or([0.0, mean_t.max(1.0).ln(), 0.0, 0.0], |m| likelihood::to_logs(&m));
        Some(likelihood::fit(
            &likelihood::Prepared::new(data),
            modified,
            1,
            start,
            objective,
        ))
    }

    /// [`BgNbd::log_likelihood`] of prepared data, the same number: the
    /// logarithms of `alpha + t` and `alpha + t_x` are taken once per
    /// distinct value, and the log-sum-exp's larger term is `exp(0) = 1`.
    fn log_likelihood_prepared(&self, d: &Prepared, logs: &mut Vec<f64>) -> f64 {
        let BgNbd {
            r,
            alpha,
            a,
            b,
            modified,
        } = *self;
        let shift = if modified { 1.0 } else { 0.0 };
        logs.clear();
        logs.extend(d.values.iter().map(|v| (alpha + v).ln()));
        let base = r * alpha.ln() - ln_gamma(r) + ln_gamma(a + b) - ln_gamma(b);
        let ln_a = a.ln();
        let mut total = 0.0;
        let mut cached_x = u32::MAX;
        let (mut part_x, mut rx, mut ln_bx) = (0.0, 0.0, 0.0);
        for item in &d.items {
            if item.x != cached_x {
                cached_x = item.x;
                let x = f64::from(item.x);
                rx = r + x;
                part_x = ln_gamma(rx) + ln_gamma(b + x + shift) - ln_gamma(a + b + x + shift);
                ln_bx = (b + x + shift - 1.0).ln();
            }
            let a3 = -rx * logs[item.t as usize];
            let ll = if item.x > 0 || modified {
                let a4 = ln_a - ln_bx - rx * logs[item.t_x as usize];
                let m = a3.max(a4);
                m + (1.0 + (-(a3 - a4).abs()).exp()).ln()
            } else {
                a3
            };
            total += item.n * (base + part_x + ll);
        }
        total
    }
}

/// Grouped summaries with `t` and `t_x` as indexes into their distinct
/// values (a few thousand days at most, however many customers).
struct Prepared {
    values: Vec<f64>,
    items: Vec<Item>,
}

struct Item {
    x: u32,
    t: u32,
    t_x: u32,
    n: f64,
}

impl Prepared {
    fn new(data: &[(Summary, f64)]) -> Prepared {
        let mut values: Vec<f64> = data.iter().flat_map(|(s, _)| [s.t, s.t_x]).collect();
        values.sort_by(f64::total_cmp);
        values.dedup();
        let index = |v: f64| values.binary_search_by(|p| p.total_cmp(&v)).expect("listed") as u32;
        let items = data
            .iter()
            .map(|(s, n)| Item {
                x: s.x,
                t: index(s.t),
                t_x: index(s.t_x),
                n: *n,
            })
            .collect();
        Prepared { values, items }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::forecast::rng::Rng;

    /// `n` random customer summaries, grouped: ages of 1 to `max_days`
    /// days and up to `max_x - 1` repeat purchases (in weeks, whole days).
    pub(crate) fn random_summaries(seed: u64, n: usize, max_days: u64, max_x: u64) -> Vec<(Summary, f64)> {
        let mut rng = Rng::stream(seed, 0, 0, 0);
        group((0..n).map(|_| {
            let t = (rng.below(max_days) + 1) as f64 / 7.0;
            let x = rng.below(max_x) as u32;
            let t_x = if x == 0 {
                0.0
            } else {
                (rng.uniform() * t * 7.0).floor() / 7.0
            };
            Summary { x, t_x, t }
        }))
    }

    /// One customer of the model's own story, seen for `t` weeks: a rate
    /// and a drop-out chance drawn from the model's mixing distributions,
    /// a purchase at every `k`-th event of a Poisson process with that rate
    /// (`k = 1`: BG/NBD), a chance to drop out after each purchase.
    pub(crate) fn simulated_customer(rng: &mut Rng, truth: &BgNbd, k: u32, t: f64) -> Summary {
        let lambda = (rng.gamma(truth.r) / truth.alpha).max(1e-12);
        let p = rng.beta(truth.a, truth.b);
        let (mut now, mut x, mut t_x) = (0.0, 0, 0.0);
        loop {
            now += (0..k).map(|_| rng.exponential(lambda)).sum::<f64>();
            if now > t {
                break;
            }
            x += 1;
            t_x = now;
            if rng.uniform() < p {
                break;
            }
        }
        Summary { x, t_x, t }
    }

    #[test]
    fn ln_gamma_matches_factorials() {
        let mut fact = 1.0f64;
        for n in 1..20 {
            assert!((ln_gamma(f64::from(n)) - fact.ln()).abs() < 1e-10, "n = {n}");
            fact *= f64::from(n);
        }
        assert!((ln_gamma(0.5) - std::f64::consts::PI.sqrt().ln()).abs() < 1e-12);
    }

    /// Simulates the model's own story and fits it back.
    #[test]
    fn fit_recovers_the_parameters_it_simulated() {
        let truth = BgNbd {
            r: 0.25,
            alpha: 4.0,
            a: 0.8,
            b: 2.5,
            modified: false,
        };
        let mut rng = Rng::stream(3, 0, 0, 0);
        let summaries = (0..20_000).map(|_| {
            let t = 39.0 + rng.uniform() * 13.0;
            simulated_customer(&mut rng, &truth, 1, t)
        });
        let data = group(summaries.collect::<Vec<_>>());
        let fit = BgNbd::fit(&data, false).unwrap();
        assert!(fit.log_likelihood(&data) >= truth.log_likelihood(&data) - 1e-6);
        assert!((fit.mean_rate() / truth.mean_rate() - 1.0).abs() < 0.15, "{fit:?}");
        let mean_p = |m: &BgNbd| m.a / (m.a + m.b);
        assert!((mean_p(&fit) - mean_p(&truth)).abs() < 0.08, "{fit:?}");
    }

    #[test]
    fn the_prepared_likelihood_is_the_same_number() {
        let data = random_summaries(5, 3000, 400, 6);
        let prepared = Prepared::new(&data);
        for modified in [false, true] {
            for (r, alpha, a, b) in [(0.25, 4.0, 0.8, 2.5), (1.3, 12.5, 0.15, 0.14), (3.0, 0.5, 5.0, 0.9)] {
                let m = BgNbd {
                    r,
                    alpha,
                    a,
                    b,
                    modified,
                };
                let slow = m.log_likelihood(&data);
                let fast = m.log_likelihood_prepared(&prepared, &mut Vec::new());
                assert_eq!(slow.to_bits(), fast.to_bits(), "{m:?}: {slow} vs {fast}");
            }
        }
    }

    #[test]
    fn nobody_bought_twice_means_nothing_to_fit() {
        let data = group(vec![
            Summary {
                x: 0,
                t_x: 0.0,
                t: 10.0
            };
            5
        ]);
        assert_eq!(
            data,
            vec![(
                Summary {
                    x: 0,
                    t_x: 0.0,
                    t: 10.0
                },
                5.0
            )]
        );
        assert!(BgNbd::fit(&data, false).is_none());
        assert!(BgNbd::fit(&data, true).is_none());
    }
}
