//! Regular purchase timing: BG/CNBD-k (Platzer & Reutterer 2016), BG/NBD
//! with Erlang-k gaps between purchases instead of exponential ones.
//!
//! Why: BG/NBD's gaps are memoryless, so a customer who buys every month
//! like clockwork is as likely to wait 46 days as one who buys at random
//! at the same rate, and a customer who bought yesterday is as "due" as
//! one who bought a month ago. With Erlang-k gaps (every k-th event of a
//! Poisson process is a purchase) the gaps' spread shrinks as 1/√k and the
//! time since the last purchase matters. k is estimated with the other
//! parameters by maximum likelihood (k = 1 is BG/NBD exactly), so an
//! irregular business such as CDNOW keeps BG/NBD and a subscription-like
//! one gets its regularity. Time is in weeks, as in [`super::bgnbd`].

use crate::dates::Day;
use crate::engine::timelines::Timelines;

use super::bgnbd::{BgNbd, Summary, group, ln_gamma};
use super::likelihood::{self, Prepared, Terms, body_ll, coefficients};
use super::process::{Process, Setup};
use super::rng::Rng;

/// The largest k tried (the search stops earlier once the likelihood falls).
pub const MAX_K: u32 = likelihood::MAX_K as u32;

/// Grouped summaries for the fit with every customer's gaps: the sum over
/// customers of the log gaps (weeks) and of the repeat purchases, the
/// likelihood's k-dependent constant.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub data: Vec<(Summary, f64)>,
    pub ln_gaps: f64,
    pub repeats: f64,
}

/// The summaries at `origin` of the customers `ids` present then, with
/// their gaps between purchase days.
pub fn sample(tl: &Timelines, ids: &[usize], origin: Day) -> Sample {
    let (mut ln_gaps, mut repeats) = (0.0, 0.0);
    let mut summaries = Vec::with_capacity(ids.len());
    for &c in ids {
        let (mut first, mut last, mut x) = (None::<Day>, 0, 0u32);
        for e in tl.days(c) {
            if e.day > origin {
                break;
            }
            if !e.purchase {
                continue;
            }
            match first {
                None => first = Some(e.day),
                Some(_) => {
                    ln_gaps += (f64::from(e.day - last) / 7.0).ln();
                    x += 1;
                }
            }
            last = e.day;
        }
        if let Some(first) = first {
            repeats += f64::from(x);
            summaries.push(Summary {
                x,
                t_x: f64::from(last - first) / 7.0,
                t: f64::from(origin - first) / 7.0,
            });
        }
    }
    Sample {
        data: group(summaries),
        ln_gaps,
        repeats,
    }
}

/// The terms `Γ(r+kx+j)/Γ(r+kx) (u/(α+t))^j / j!` of the alive term's sum
/// over the hidden events `j < k` since the last purchase, into `out`, and
/// their sum. With `u/(α+t) < 1` they stay far from overflow for k ≤ MAX_K.
fn hidden_terms(m: &BgNbd, k: u32, s: &Summary, out: &mut Terms) -> f64 {
    coefficients(m.r + f64::from(k * s.x), k, out);
    let y = (s.t - s.t_x).max(0.0) / (m.alpha + s.t);
    let (mut power, mut sum) = (1.0, 0.0);
    for v in out.iter_mut().take(k as usize) {
        *v *= power;
        sum += *v;
        power *= y;
    }
    sum
}

/// The chance of being alive given the hidden-event sum `hidden`.
fn alive_given(m: &BgNbd, k: u32, s: &Summary, hidden: f64) -> f64 {
    if s.x == 0 && !m.modified {
        return 1.0;
    }
    let x = f64::from(s.x);
    let rkx = m.r + f64::from(k * s.x);
    let log_odds =
        (m.a / (m.b + x + m.shift() - 1.0)).ln() + rkx * ((m.alpha + s.t) / (m.alpha + s.t_x)).ln() - hidden.ln();
    1.0 / (1.0 + log_odds.exp())
}

/// Log-likelihood of the sample under BG/CNBD-k with these parameters.
pub fn log_likelihood(m: &BgNbd, k: u32, sample: &Sample) -> f64 {
    body_ll(m, k, &Prepared::new(&sample.data)) + f64::from(k - 1) * sample.ln_gaps
        - sample.repeats * ln_gamma(f64::from(k))
}

/// The fit for one k: `plain` (the BG/NBD fit of `data`) for k = 1,
/// the fit from it (with the same mean gap) otherwise.
pub fn fit_k(data: &[(Summary, f64)], modified: bool, k: u32, plain: BgNbd) -> BgNbd {
    if k == 1 {
        return plain;
    }
    // Same mean gap as the plain fit: k events at k times its rate.
    let start = BgNbd {
        alpha: plain.alpha / f64::from(k),
        ..plain
    };
    fit_k_from(data, modified, k, start)
}

/// The fit on the logs of the parameters from `start` (BFGS with the
/// exact gradient, [`likelihood::fit`]).
pub fn fit_k_from(data: &[(Summary, f64)], modified: bool, k: u32, start: BgNbd) -> BgNbd {
    likelihood::fit_k(&Prepared::new(data), modified, k, likelihood::to_logs(&start))
}

/// The maximum-likelihood k (1, 2, … until the likelihood falls) and the
/// parameters for it, from the BG/NBD fit `plain` of the same sample.
pub fn fit(sample: &Sample, plain: BgNbd) -> (u32, BgNbd) {
    let mut best = (1, plain, log_likelihood(&plain, 1, sample));
    for k in 2..=MAX_K {
        // From the previous k's fit, with the same mean gap.
        let start = BgNbd {
            alpha: best.1.alpha * f64::from(k - 1) / f64::from(k),
            ..best.1
        };
        let m = fit_k_from(&sample.data, plain.modified, k, start);
        let ll = log_likelihood(&m, k, sample);
        if ll.is_nan() || ll <= best.2 {
            break;
        }
        best = (k, m, ll);
    }
    (best.0, best.1)
}

/// Probability that a customer with this summary is still alive.
#[cfg(test)]
pub fn p_alive(m: &BgNbd, k: u32, s: &Summary) -> f64 {
    let mut terms = [0.0; MAX_K as usize];
    alive_given(m, k, s, hidden_terms(m, k, s, &mut terms))
}

/// The fitted model as the draws use it: BG/CNBD-k's parameters, k and the
/// recent-rate factor that scales every rate.
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    pub model: BgNbd,
    pub k: u32,
    pub factor: f64,
}

impl Timing {
    /// The rate's scale in days for a customer seen for `t` weeks.
    fn beta(&self, t: f64) -> f64 {
        (self.model.alpha + t) * 7.0 / self.factor
    }

    /// A customer present at `origin` with summary `s`: alive or not given
    /// it, the hidden events since the last purchase, the event rate and
    /// the drop-out chance given those, to `end` ([`Process`]).
    pub(crate) fn existing(&self, s: &Summary, origin: Day, end: Day) -> Process {
        let (m, k) = (&self.model, self.k);
        let mut terms = [0.0; MAX_K as usize];
        let total = hidden_terms(m, k, s, &mut terms);
        Process::new(&Setup {
            start: origin,
            end,
            k,
            alive: alive_given(m, k, s, total),
            hidden: &terms[..k as usize],
            shape: m.r + f64::from(k * s.x),
            beta: self.beta(s.t),
            a: m.a,
            b: m.b + f64::from(s.x) + m.shift(),
        })
    }

    /// A customer whose first purchase is on `first`: rate and drop-out
    /// chance from the model's prior (MBG/NBD: the first purchase may be
    /// the last).
    pub(crate) fn new_customer(&self, first: Day, end: Day) -> Process {
        let m = &self.model;
        let (a, b) = (m.a, m.b);
        Process::new(&Setup {
            start: first,
            end,
            k: self.k,
            alive: if m.modified { b / (a + b) } else { 1.0 },
            hidden: &[1.0],
            shape: m.r,
            beta: self.beta(0.0),
            a,
            b: b + m.shift(),
        })
    }

    /// A first-time customer made to come back on `day` (the conversion
    /// scenario), `t` weeks after their first purchase: rate given that
    /// one gap, drop-out given that purchase (survived the chances before
    /// it; this purchase's chance next).
    pub(crate) fn converted(&self, t: f64, day: Day, end: Day) -> Process {
        let m = &self.model;
        let b = m.b + m.shift();
        Process::new(&Setup {
            start: day,
            end,
            k: self.k,
            alive: b / (m.a + b),
            hidden: &[1.0],
            shape: m.r + f64::from(self.k),
            beta: self.beta(t),
            a: m.a,
            b: b + 1.0,
        })
    }

    /// [`Timing::existing`]'s purchase days after `origin`, into `out`.
    #[cfg(test)]
    pub fn draw_existing(&self, s: &Summary, origin: Day, end: Day, rng: &mut Rng, out: &mut Vec<Day>) {
        self.existing(s, origin, end).draw(rng, out);
    }

    /// [`Timing::converted`]'s purchase days after `day`, into `out`.
    pub fn draw_converted(&self, t: f64, day: Day, end: Day, rng: &mut Rng, out: &mut Vec<Day>) {
        self.converted(t, day, end).draw(rng, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bg(r: f64, alpha: f64, a: f64, b: f64, modified: bool) -> BgNbd {
        BgNbd {
            r,
            alpha,
            a,
            b,
            modified,
        }
    }

    #[test]
    fn k_one_is_bgnbd() {
        let data = crate::forecast::bgnbd::tests::random_summaries(11, 2000, 300, 5);
        for modified in [false, true] {
            for (r, alpha, a, b) in [(0.25, 4.0, 0.8, 2.5), (1.3, 12.5, 0.15, 0.14)] {
                let m = bg(r, alpha, a, b, modified);
                let (ours, theirs) = (body_ll(&m, 1, &Prepared::new(&data)), m.log_likelihood(&data));
                assert!((ours - theirs).abs() < 1e-9 * theirs.abs(), "{m:?}: {ours} vs {theirs}");
                for (s, _) in &data {
                    assert!((p_alive(&m, 1, s) - m.p_alive(s)).abs() < 1e-12);
                }
            }
        }
    }

    /// One customer, worked by hand from the model: r = α = a = b = 1,
    /// k = 2, a repeat purchase 2 weeks after the first, seen for 5 weeks.
    /// Alive: B(1,2)/B(1,1) · [Γ(3)/6³ + Γ(4)·3/6⁴] = ½ · (2/216 + 18/1296);
    /// dropped out after it: B(2,1)/B(1,1) · Γ(3)/3³ = ½ · 2/27; the gap's
    /// Erlang constant (k − 1) ln 2 − ln Γ(2) = ln 2.
    #[test]
    fn a_hand_worked_likelihood_and_alive_chance() {
        let m = bg(1.0, 1.0, 1.0, 1.0, false);
        let s = Summary { x: 1, t_x: 2.0, t: 5.0 };
        let sample = Sample {
            data: vec![(s, 1.0)],
            ln_gaps: 2f64.ln(),
            repeats: 1.0,
        };
        let alive: f64 = 0.5 * (2.0 / 216.0 + 18.0 / 1296.0);
        let dead = 0.5 * 2.0 / 27.0;
        let expected = (alive + dead).ln() + 2f64.ln();
        assert!((log_likelihood(&m, 2, &sample) - expected).abs() < 1e-12);
        assert!((p_alive(&m, 2, &s) - alive / (alive + dead)).abs() < 1e-12);
        assert!((alive / (alive + dead) - 5.0 / 21.0).abs() < 1e-12);
    }

    const AHEAD: f64 = 8.0;

    /// Customers who buy every third event of their own Poisson process:
    /// the story of the model, with k = 3.
    /// Also each customer's purchases in the `AHEAD` weeks after their `t`.
    fn simulated(truth: &BgNbd, k: u32, n: usize) -> (Sample, Vec<(Summary, bool, u32)>) {
        let mut rng = Rng::stream(21, 0, 0, 0);
        let (mut ln_gaps, mut repeats) = (0.0, 0.0);
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            let t = 30.0 + rng.uniform() * 20.0;
            let lambda = rng.gamma(truth.r) / truth.alpha;
            let p = rng.beta(truth.a, truth.b);
            let (mut now, mut x, mut t_x, mut alive, mut later) = (0.0, 0, 0.0, true, 0);
            loop {
                let gap: f64 = (0..k).map(|_| rng.exponential(lambda.max(1e-12))).sum();
                if now + gap > t + AHEAD {
                    break;
                }
                now += gap;
                if now > t {
                    later += 1;
                } else {
                    x += 1;
                    ln_gaps += gap.ln();
                    t_x = now;
                }
                if rng.uniform() < p {
                    alive &= now > t;
                    break;
                }
            }
            repeats += f64::from(x);
            out.push((Summary { x, t_x, t }, alive, later));
        }
        let sample = Sample {
            data: group(out.iter().map(|(s, _, _)| *s)),
            ln_gaps,
            repeats,
        };
        (sample, out)
    }

    #[test]
    fn the_fit_finds_the_regularity_it_simulated() {
        let truth = bg(2.0, 6.0, 0.8, 4.0, false);
        let (sample, _) = simulated(&truth, 3, 20_000);
        let plain = BgNbd::fit(&sample.data, false).unwrap();
        let (k, fit) = fit(&sample, plain);
        assert_eq!(k, 3, "{fit:?}");
        assert!((fit.mean_rate() / truth.mean_rate() - 1.0).abs() < 0.15, "{fit:?}");
        assert!(log_likelihood(&fit, 3, &sample) > log_likelihood(&plain, 1, &sample));
    }

    #[test]
    fn the_alive_chance_matches_who_is_alive() {
        let truth = bg(2.0, 6.0, 0.8, 4.0, false);
        let (_, customers) = simulated(&truth, 3, 20_000);
        // Among the repeat buyers (the others are alive by definition).
        let repeaters: Vec<_> = customers.iter().filter(|(s, _, _)| s.x > 0).collect();
        let expected: f64 = repeaters.iter().map(|(s, _, _)| p_alive(&truth, 3, s)).sum();
        let alive = repeaters.iter().filter(|(_, a, _)| *a).count() as f64;
        assert!((expected / alive - 1.0).abs() < 0.03, "{expected} vs {alive}");
        // Long since the last purchase for a regular buyer: much less alive.
        let recent = Summary {
            x: 5,
            t_x: 29.0,
            t: 30.0,
        };
        let late = Summary {
            x: 5,
            t_x: 15.0,
            t: 30.0,
        };
        assert!(p_alive(&truth, 3, &late) < p_alive(&truth, 3, &recent));
    }

    /// What the draws say the customers buy in the next eight weeks, given
    /// their summaries, against what the story went on to do.
    #[test]
    fn the_draws_continue_the_story() {
        let truth = bg(2.0, 6.0, 0.8, 4.0, false);
        let (_, customers) = simulated(&truth, 3, 20_000);
        let actual: u32 = customers.iter().map(|(_, _, later)| later).sum();
        let (mut drawn, mut days, draws) = (0usize, Vec::new(), 10);
        for (i, (s, _, _)) in customers.iter().enumerate() {
            for d in 0..draws {
                let mut rng = Rng::stream(5, i as u64, d, 0);
                days.clear();
                let timing = Timing {
                    model: truth,
                    k: 3,
                    factor: 1.0,
                };
                timing.draw_existing(s, 0, (AHEAD * 7.0) as Day, &mut rng, &mut days);
                drawn += days.len();
            }
        }
        let drawn = drawn as f64 / f64::from(draws as u32);
        assert!((drawn / f64::from(actual) - 1.0).abs() < 0.04, "{drawn} vs {actual}");
    }
}
