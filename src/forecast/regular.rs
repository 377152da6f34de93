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
use super::rng::Rng;

/// The largest k tried (the search stops earlier once the likelihood falls).
pub const MAX_K: u32 = 12;

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

/// Terms of the alive likelihood's sum over the hidden events `j < k`.
type Terms = [f64; MAX_K as usize];

/// `Γ(rkx + j) / Γ(rkx) / j!` for `j < k` (`rkx = r + kx`): the part of
/// each hidden-event term that depends on the customer only through `x`.
fn coefficients(rkx: f64, k: u32, out: &mut Terms) {
    let mut c = 1.0;
    for (j, v) in out.iter_mut().enumerate().take(k as usize) {
        if j > 0 {
            c *= (rkx + (j - 1) as f64) / j as f64;
        }
        *v = c;
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

/// Log-likelihood of grouped summaries (sorted by `x`, as [`group`] sorts
/// them) under BG/CNBD-k without the constant `(k−1) Σ ln gaps − x ln Γ(k)`
/// of [`log_likelihood`]: the BG/NBD likelihood with `r + kx` for `r + x`
/// and the chance of no purchase since the last one summed over the
/// `j < k` events that may have happened since without one.
fn body_ll(m: &BgNbd, k: u32, data: &Prepared) -> f64 {
    let shift = m.shift();
    let common = m.r * m.alpha.ln() - ln_gamma(m.r) + ln_gamma(m.a + m.b) - ln_gamma(m.b);
    let ln_a = m.a.ln();
    // ln(α + v) and 1/(α + v) once per distinct time.
    let logs: Vec<f64> = data.values.iter().map(|v| (m.alpha + v).ln()).collect();
    let inverse: Vec<f64> = data.values.iter().map(|v| 1.0 / (m.alpha + v)).collect();
    let mut coef = [0.0; MAX_K as usize];
    let (mut cached_x, mut rkx, mut part_x, mut ln_bx) = (u32::MAX, 0.0, 0.0, 0.0);
    let mut total = 0.0;
    for &(s, n, t, t_x) in &data.items {
        if s.x != cached_x {
            cached_x = s.x;
            let x = f64::from(s.x);
            rkx = m.r + f64::from(k * s.x);
            part_x = ln_gamma(rkx) + ln_gamma(m.b + x + shift) - ln_gamma(m.a + m.b + x + shift);
            ln_bx = (m.b + x + shift - 1.0).ln();
            coefficients(rkx, k, &mut coef);
        }
        // The hidden-event sum as a polynomial in y = u/(α+t) < 1 (Horner).
        let y = (s.t - s.t_x) * inverse[t as usize];
        let sum = coef[..k as usize].iter().rev().fold(0.0, |acc, c| acc * y + c);
        let alive = -rkx * logs[t as usize] + sum.ln();
        let ll = if s.x > 0 || m.modified {
            let dead = ln_a - ln_bx - rkx * logs[t_x as usize];
            let top = alive.max(dead);
            top + ((alive - top).exp() + (dead - top).exp()).ln()
        } else {
            alive
        };
        total += n * (common + part_x + ll);
    }
    total
}

/// Grouped summaries with their times' places among the distinct times.
struct Prepared {
    values: Vec<f64>,
    items: Vec<(Summary, f64, u32, u32)>,
}

impl Prepared {
    fn new(data: &[(Summary, f64)]) -> Prepared {
        let mut values: Vec<f64> = data.iter().flat_map(|(s, _)| [s.t, s.t_x]).collect();
        values.sort_by(f64::total_cmp);
        values.dedup();
        let index = |v: f64| values.binary_search_by(|p| p.total_cmp(&v)).expect("listed") as u32;
        let items = data.iter().map(|&(s, n)| (s, n, index(s.t), index(s.t_x))).collect();
        Prepared { values, items }
    }
}

/// Log-likelihood of the sample under BG/CNBD-k with these parameters.
pub fn log_likelihood(m: &BgNbd, k: u32, sample: &Sample) -> f64 {
    body_ll(m, k, &Prepared::new(&sample.data)) + f64::from(k - 1) * sample.ln_gaps
        - sample.repeats * ln_gamma(f64::from(k))
}

/// The fit for one k: `plain` (the BG/NBD fit of `data`) for k = 1,
/// Nelder–Mead on the logs from it otherwise.
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

/// Nelder–Mead on the logs of the parameters, from `start`.
pub fn fit_k_from(data: &[(Summary, f64)], modified: bool, k: u32, start: BgNbd) -> BgNbd {
    let data = Prepared::new(data);
    let objective = |p: &[f64; 4]| {
        let ll = body_ll(&from_logs(p, modified), k, &data);
        if ll.is_finite() { -ll } else { f64::INFINITY }
    };
    let p = [start.r.ln(), start.alpha.ln(), start.a.ln(), start.b.ln()];
    from_logs(&super::bgnbd::nelder_mead(objective, p, 3000), modified)
}

fn from_logs(p: &[f64; 4], modified: bool) -> BgNbd {
    let e = |v: f64| v.clamp(-18.0, 18.0).exp();
    BgNbd {
        r: e(p[0]),
        alpha: e(p[1]),
        a: e(p[2]),
        b: e(p[3]),
        modified,
    }
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

/// One customer's process after a purchase (or the origin): events at
/// `rate` a day, `first` of them to the next purchase, `k` between later
/// ones, a drop-out chance `p` after each purchase.
struct Gaps {
    rate: f64,
    first: u32,
    k: u32,
    p: f64,
}

/// Purchase days after `start`, up to `end`, by `g`.
fn walk(start: Day, g: Gaps, end: Day, rng: &mut Rng, out: &mut Vec<Day>) {
    if g.rate <= 0.0 || !g.rate.is_finite() {
        return;
    }
    let span = f64::from(end - start);
    let mut tau = 0.0;
    let mut events = g.first;
    loop {
        // An Erlang wait: the sum of `events` exponential ones.
        let product: f64 = (0..events).map(|_| rng.uniform()).product();
        tau += -product.ln() / g.rate;
        if tau > span {
            return;
        }
        let day = start + tau.ceil() as Day;
        if out.last() != Some(&day) {
            out.push(day);
        }
        if rng.uniform() < g.p {
            return;
        }
        events = g.k;
    }
}

impl Timing {
    /// A customer present at `origin` with summary `s`: alive or not given
    /// it, the hidden events since the last purchase, the event rate and
    /// the drop-out chance given those; then their purchase days to `end`.
    pub fn draw_existing(&self, s: &Summary, origin: Day, end: Day, rng: &mut Rng, out: &mut Vec<Day>) {
        let (m, k) = (&self.model, self.k);
        let mut terms = [0.0; MAX_K as usize];
        let total = hidden_terms(m, k, s, &mut terms);
        if rng.uniform() >= alive_given(m, k, s, total) {
            return;
        }
        let mut u = rng.uniform() * total;
        let mut j = 0;
        while j + 1 < k as usize && u >= terms[j] {
            u -= terms[j];
            j += 1;
        }
        let x = f64::from(s.x);
        let shape = m.r + f64::from(k * s.x) + j as f64;
        let lambda = rng.gamma(shape) / (m.alpha + s.t) * self.factor;
        let p = rng.beta(m.a, m.b + x + m.shift());
        let gaps = Gaps {
            rate: lambda / 7.0,
            first: k - j as u32,
            k,
            p,
        };
        walk(origin, gaps, end, rng, out);
    }

    /// A customer whose first purchase is on `first`: their rate and
    /// drop-out chance from the model's prior, then their days to `end`.
    pub fn draw_new(&self, first: Day, end: Day, rng: &mut Rng, out: &mut Vec<Day>) {
        let m = &self.model;
        let lambda = rng.gamma(m.r) / m.alpha * self.factor;
        let p = rng.beta(m.a, m.b);
        if m.modified && rng.uniform() < p {
            return;
        }
        let gaps = Gaps {
            rate: lambda / 7.0,
            first: self.k,
            k: self.k,
            p,
        };
        walk(first, gaps, end, rng, out);
    }

    /// A first-time customer made to come back on `day` (the conversion
    /// scenario), `t` weeks after their first purchase: rate given that
    /// one gap, drop-out given that purchase, then their later days.
    pub fn draw_converted(&self, t: f64, day: Day, end: Day, rng: &mut Rng, out: &mut Vec<Day>) {
        let m = &self.model;
        let lambda = rng.gamma(m.r + f64::from(self.k)) / (m.alpha + t) * self.factor;
        let p = rng.beta(m.a, m.b + m.shift());
        if rng.uniform() >= p {
            let gaps = Gaps {
                rate: lambda / 7.0,
                first: self.k,
                k: self.k,
                p,
            };
            walk(day, gaps, end, rng, out);
        }
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
