//! One customer's future purchase days under the fitted model (BG/CNBD-k,
//! [`super::regular`]), drawn with the customer's rate and drop-out chance
//! integrated out.
//!
//! Why: the simulation draws every customer's days in every replicate, and
//! most customers buy nothing within the horizon. Drawn one step after the
//! other (alive or not, a gamma rate, a beta drop-out chance, then Erlang
//! waits of k uniform draws each) every customer costs several gamma
//! variates per replicate. Integrated out, the same model says:
//! - given alive and `j` hidden events since the last purchase, the events
//!   of the customer's Poisson clock within the horizon of `w` days are
//!   negative binomial (shape `r + kx + j`, success chance `w / (β + w)`,
//!   β the rate's scale in days), and the first purchase comes with the
//!   `(k − j)`-th event. So the chance of no purchase at all is a short sum
//!   worked out once per customer, and one uniform per replicate decides it;
//! - given `n` events in the horizon, they are `n` uniform points in it, and
//!   the purchases are every k-th of them from the `(k − j)`-th on: order
//!   statistics, drawn as running sums of gamma blocks;
//! - the drop-out chance integrated out is a Pólya urn: a customer who has
//!   survived `i` purchases past the prior's `b` drops out after the next
//!   with chance `a / (a + b + i)`.
//!
//! The draws have the one-step-after-the-other joint distribution exactly
//! (a test compares the two); customers whose clock is so fast that the
//! chance of no event underflows are drawn that way.

use crate::dates::Day;

use super::likelihood::{MAX_K, Terms};
use super::rng::Rng;

/// A customer's process from `start` to the horizon's end.
#[derive(Debug, Clone)]
pub(crate) struct Process {
    start: Day,
    span: f64,
    k: u32,
    /// Chance of buying at least once within the horizon.
    buy: f64,
    /// Chance of being alive (having survived every drop-out so far).
    alive: f64,
    /// Hidden events `j < jn`: their chance given alive (`hidden`), and,
    /// given alive and `j`, the chance of at least `k − j` events
    /// (`tail`) and of exactly `k − j` (`at_m`).
    jn: usize,
    hidden: Terms,
    tail: Terms,
    at_m: Terms,
    /// The rate's gamma shape with no hidden event, and its scale in days.
    shape: f64,
    beta: f64,
    /// `w / (β + w)`.
    q: f64,
    /// The drop-out prior `Beta(a, b)` after the purchases survived so far.
    a: f64,
    b: f64,
    /// The chance of no event underflowed: drawn step by step.
    eager: bool,
}

/// The ingredients of a [`Process`], as the model gives them.
pub(crate) struct Setup<'h> {
    pub start: Day,
    pub end: Day,
    pub k: u32,
    pub alive: f64,
    /// Unnormalised chances of the hidden events `j = 0, 1, …` (one entry:
    /// a purchase was just made).
    pub hidden: &'h [f64],
    pub shape: f64,
    /// The rate's scale in days (`(α + t) · 7 / factor`).
    pub beta: f64,
    pub a: f64,
    pub b: f64,
}

impl Process {
    pub(crate) fn new(s: &Setup<'_>) -> Process {
        let span = f64::from(s.end - s.start);
        let total: f64 = s.hidden.iter().sum();
        let mut p = Process {
            start: s.start,
            span,
            k: s.k,
            buy: 0.0,
            alive: s.alive,
            jn: s.hidden.len().min(MAX_K),
            hidden: [0.0; MAX_K],
            tail: [0.0; MAX_K],
            at_m: [0.0; MAX_K],
            shape: s.shape,
            beta: s.beta,
            q: span / (s.beta + span),
            a: s.a,
            b: s.b,
            eager: false,
        };
        let usable = span > 0.0 && s.beta > 0.0 && s.beta.is_finite() && s.shape > 0.0 && total > 0.0;
        if !usable || s.alive.is_nan() || s.alive <= 0.0 {
            return p;
        }
        // P(N = 0) for j = 0, then times (1 − q) for each further j.
        let mut none = (s.shape * (s.beta / (s.beta + span)).ln()).exp();
        if none.is_nan() || none <= 1e-280 {
            p.eager = true;
            p.buy = 1.0;
        }
        let mut buy = 0.0;
        for j in 0..p.jn {
            p.hidden[j] = s.hidden[j] / total;
            let shape = s.shape + j as f64;
            let (mut pmf, mut below) = (none, 0.0);
            for n in 0..(s.k as usize - j) {
                below += pmf;
                pmf *= (shape + n as f64) * p.q / (n + 1) as f64;
            }
            p.tail[j] = (1.0 - below).max(0.0);
            p.at_m[j] = pmf;
            buy += p.hidden[j] * p.tail[j];
            none *= 1.0 - p.q;
        }
        if !p.eager {
            p.buy = s.alive * buy;
        }
        p
    }

    /// The chance of at least one purchase within the horizon.
    #[cfg(test)]
    pub(crate) fn buy_chance(&self) -> f64 {
        self.buy
    }

    /// The purchase days after `start` up to the end, appended to `out`
    /// (a second purchase on the same day is the same purchase day).
    pub(crate) fn draw(&self, rng: &mut Rng, out: &mut Vec<Day>) {
        if rng.uniform() >= self.buy {
            return;
        }
        if self.eager {
            return self.draw_eager(rng, out);
        }
        // Given a purchase: the hidden events, then the events in the horizon.
        let mut u = rng.uniform() * (self.buy / self.alive);
        let mut j = 0;
        while j + 1 < self.jn && u >= self.hidden[j] * self.tail[j] {
            u -= self.hidden[j] * self.tail[j];
            j += 1;
        }
        let m = self.k as usize - j;
        let shape = self.shape + j as f64;
        let target = rng.uniform() * self.tail[j];
        let (mut n, mut pmf, mut below) = (m, self.at_m[j], 0.0);
        while below + pmf < target && n < m + 1_000_000 {
            below += pmf;
            pmf *= (shape + n as f64) * self.q / (n + 1) as f64;
            n += 1;
            if pmf == 0.0 {
                break;
            }
        }
        self.place(m, n, rng, out);
    }

    /// Purchases at the `m`-th, `(m + k)`-th, … of `n` uniform events in
    /// the horizon, until the urn's drop-out.
    fn place(&self, m: usize, n: usize, rng: &mut Rng, out: &mut Vec<Day>) {
        let k = self.k as usize;
        let possible = 1 + (n - m) / k;
        let mut count = 1;
        while count < possible && rng.uniform() >= self.a / (self.a + self.b + (count - 1) as f64) {
            count += 1;
        }
        // Gamma blocks: the first m events, then k per purchase, then the
        // rest; the purchases at their running sums over the total.
        let (mut small, mut large) = ([0.0; 64], Vec::new());
        let sums: &mut [f64] = if count <= small.len() {
            &mut small[..count]
        } else {
            large.resize(count, 0.0);
            &mut large
        };
        let mut acc = 0.0;
        for (i, v) in sums.iter_mut().enumerate() {
            acc += erlang(rng, if i == 0 { m } else { k });
            *v = acc;
        }
        let total = acc + erlang(rng, n + 1 - m - (count - 1) * k);
        for &v in sums.iter() {
            push_day(self.start, self.span * v / total, out);
        }
    }

    /// Step by step: alive, the hidden events, the rate, then the waits
    /// with the urn's drop-outs.
    fn draw_eager(&self, rng: &mut Rng, out: &mut Vec<Day>) {
        if rng.uniform() >= self.alive {
            return;
        }
        let mut u = rng.uniform();
        let mut j = 0;
        while j + 1 < self.jn && u >= self.hidden[j] {
            u -= self.hidden[j];
            j += 1;
        }
        let rate = rng.gamma(self.shape + j as f64) / self.beta;
        let mut tau = erlang(rng, self.k as usize - j) / rate;
        if tau > self.span {
            return;
        }
        push_day(self.start, tau, out);
        let mut survived = 0;
        while rng.uniform() >= self.a / (self.a + self.b + f64::from(survived)) {
            survived += 1;
            tau += erlang(rng, self.k as usize) / rate;
            if tau > self.span {
                return;
            }
            push_day(self.start, tau, out);
        }
    }
}

/// A Gamma(`n`, 1) variate for a whole `n ≥ 1`: minus the log of a product
/// of uniforms for small `n`, Marsaglia–Tsang for large.
fn erlang(rng: &mut Rng, n: usize) -> f64 {
    if n <= 16 {
        -(0..n).map(|_| rng.uniform()).product::<f64>().ln()
    } else {
        rng.gamma(n as f64)
    }
}

fn push_day(start: Day, tau: f64, out: &mut Vec<Day>) {
    let day = start + tau.ceil() as Day;
    if out.last() != Some(&day) {
        out.push(day);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The model's story step by step, as the simulation drew it before:
    /// alive, hidden events, a gamma rate and a beta drop-out chance, then
    /// Erlang waits.
    fn eager(s: &Setup<'_>, rng: &mut Rng, out: &mut Vec<Day>) {
        if rng.uniform() >= s.alive {
            return;
        }
        let total: f64 = s.hidden.iter().sum();
        let mut u = rng.uniform() * total;
        let mut j = 0;
        while j + 1 < s.hidden.len() && u >= s.hidden[j] {
            u -= s.hidden[j];
            j += 1;
        }
        let rate = rng.gamma(s.shape + j as f64) / s.beta;
        let p = rng.beta(s.a, s.b);
        let (span, mut tau, mut events) = (f64::from(s.end - s.start), 0.0, s.k as usize - j);
        loop {
            tau += (0..events).map(|_| rng.exponential(rate)).sum::<f64>();
            if tau > span {
                return;
            }
            push_day(s.start, tau, out);
            if rng.uniform() < p {
                return;
            }
            events = s.k as usize;
        }
    }

    /// Shares of 0, 1, 2, 3, 4 and more purchase days, and the mean first
    /// and last purchase day of those who buy.
    fn shares(draw: &dyn Fn(&mut Rng, &mut Vec<Day>), seed: u64, n: u64) -> ([f64; 5], f64, f64) {
        let (mut counts, mut first, mut last, mut buyers) = ([0.0; 5], 0.0, 0.0, 0.0);
        let mut out = Vec::new();
        for i in 0..n {
            out.clear();
            draw(&mut Rng::stream(seed, i, 0, 0), &mut out);
            counts[out.len().min(4)] += 1.0;
            if let (Some(&f), Some(&l)) = (out.first(), out.last()) {
                first += f64::from(f);
                last += f64::from(l);
                buyers += 1.0;
            }
        }
        (counts.map(|c| c / n as f64), first / buyers, last / buyers)
    }

    /// Within five standard errors of a difference of two shares (pooled),
    /// and a few draws for shares near nil.
    fn assert_same_shares(p: &[f64; 5], q: &[f64; 5], n: u64) {
        for i in 0..5 {
            let pooled = (p[i] + q[i]) / 2.0;
            let se = (2.0 * pooled * (1.0 - pooled) / n as f64).sqrt();
            assert!((p[i] - q[i]).abs() < 5.0 * se + 3.0 / n as f64, "{p:?} vs {q:?}");
        }
    }

    fn setup(k: u32, alive: f64, hidden: &[f64], shape: f64, beta: f64, b: f64) -> Setup<'_> {
        Setup {
            start: 0,
            end: 365,
            k,
            alive,
            hidden,
            shape,
            beta,
            a: 0.8,
            b,
        }
    }

    #[test]
    fn the_integrated_draws_have_the_step_by_step_distribution() {
        let n = 60_000;
        let cases = [
            setup(1, 1.0, &[1.0], 0.8, 28.0, 2.5),
            setup(1, 0.4, &[1.0], 4.8, 200.0, 6.5),
            setup(3, 1.0, &[1.0], 0.8, 10.0, 2.5),
            setup(3, 0.7, &[0.5, 0.3, 0.2], 12.8, 90.0, 5.5),
            setup(7, 0.9, &[0.3, 0.2, 0.2, 0.1, 0.1, 0.05, 0.05], 30.0, 60.0, 8.0),
            setup(7, 0.5, &[1.0], 7.8, 40.0, 1.5),
        ];
        for (c, s) in cases.iter().enumerate() {
            let process = Process::new(s);
            let (p, f, l) = shares(&|rng, out| eager(s, rng, out), 1, n);
            let (q, g, h) = shares(&|rng, out| process.draw(rng, out), 2, n);
            assert_same_shares(&p, &q, n);
            assert!(p[0] < 0.9 && p[4] > 0.01, "case {c} exercises repeat purchases: {p:?}");
            assert!((f - g).abs() < 0.03 * f, "case {c}: first day {f} vs {g}");
            assert!((l - h).abs() < 0.03 * l, "case {c}: last day {l} vs {h}");
            assert!((process.buy_chance() - (1.0 - p[0])).abs() < 5.0 * (p[0] * (1.0 - p[0]) / n as f64).sqrt());
        }
    }

    /// A clock so fast that the chance of no event underflows, and one of
    /// thousands of events and purchases: both still agree with the step-by-step draws.
    #[test]
    fn very_fast_clocks_are_drawn_too() {
        let n = 20_000;
        let cases = [
            setup(2, 0.9, &[0.5, 0.5], 900.0, 30.0, 400.0),
            setup(1, 1.0, &[1.0], 100.0, 10.0, 1e6),
        ];
        for s in cases {
            let process = Process::new(&s);
            let (p, f, l) = shares(&|rng, out| eager(&s, rng, out), 3, n);
            let (q, g, h) = shares(&|rng, out| process.draw(rng, out), 4, n);
            assert_same_shares(&p, &q, n);
            assert!((f - g).abs() < 0.03 * f + 0.5, "first day {f} vs {g}");
            assert!((l - h).abs() < 0.03 * l, "last day {l} vs {h}");
        }
    }

    #[test]
    fn no_chance_of_a_purchase_draws_one_uniform() {
        let s = Setup {
            alive: 0.0,
            ..setup(3, 0.0, &[1.0], 1.0, 10.0, 1.0)
        };
        let process = Process::new(&s);
        for i in 0..100 {
            let (mut rng, mut fresh) = (Rng::stream(9, i, 0, 0), Rng::stream(9, i, 0, 0));
            let mut out = Vec::new();
            process.draw(&mut rng, &mut out);
            fresh.uniform();
            assert!(out.is_empty());
            assert_eq!(rng.next_u64(), fresh.next_u64());
        }
    }
}
