//! The BG/CNBD-k log-likelihood of grouped customer summaries, and its
//! exact gradient: the objective of every fit of the purchase model.
//!
//! Why a module of its own: the fits are most of the forecast's work on a
//! small or mid-sized file (each fit visits every distinct summary of up to
//! 100,000 customers at every step), and a quasi-Newton fit
//! ([`super::optimize::bfgs`]) needs the gradient, which is derived here
//! term by term and checked against finite differences of the value.
//! Time is in weeks, as in [`super::bgnbd`]; k = 1 is BG/NBD.

use super::bgnbd::{BgNbd, Summary, ln_gamma};
use super::optimize;

/// The largest k the likelihood takes ([`super::regular::MAX_K`]).
pub(crate) const MAX_K: usize = 12;

/// Per hidden-event terms `j < k`.
pub(crate) type Terms = [f64; MAX_K];

/// `Γ(rkx + j) / Γ(rkx) / j!` for `j < k` (`rkx = r + kx`): the part of
/// each hidden-event term that depends on the customer only through `x`.
pub(crate) fn coefficients(rkx: f64, k: u32, out: &mut Terms) {
    let mut c = 1.0;
    for (j, v) in out.iter_mut().enumerate().take(k as usize) {
        if j > 0 {
            c *= (rkx + (j - 1) as f64) / j as f64;
        }
        *v = c;
    }
}

/// ψ(x) = d ln Γ(x) / dx for x > 0: the recurrence up to 10, then the
/// asymptotic series (about 15 digits).
pub fn digamma(mut x: f64) -> f64 {
    let mut shift = 0.0;
    while x < 10.0 {
        shift -= 1.0 / x;
        x += 1.0;
    }
    let z = 1.0 / (x * x);
    let tail = z * (1.0 / 12.0 - z * (1.0 / 120.0 - z * (1.0 / 252.0 - z * (1.0 / 240.0 - z / 132.0))));
    shift + x.ln() - 0.5 / x - tail
}

/// Grouped summaries (sorted by `x`, as [`super::bgnbd::group`] sorts
/// them) with their times' places among the distinct times.
pub(crate) struct Prepared {
    values: Vec<f64>,
    items: Vec<(Summary, f64, u32, u32)>,
    /// Customers in all (the scale of the gradient's tolerance).
    customers: f64,
}

impl Prepared {
    pub(crate) fn new(data: &[(Summary, f64)]) -> Prepared {
        let mut values: Vec<f64> = data.iter().flat_map(|(s, _)| [s.t, s.t_x]).collect();
        values.sort_by(f64::total_cmp);
        values.dedup();
        let index = |v: f64| values.binary_search_by(|p| p.total_cmp(&v)).expect("listed") as u32;
        let items = data.iter().map(|&(s, n)| (s, n, index(s.t), index(s.t_x))).collect();
        let customers = data.iter().map(|(_, n)| n).sum();
        Prepared {
            values,
            items,
            customers,
        }
    }
}

/// Log-likelihood under BG/CNBD-k without the constant `(k−1) Σ ln gaps −
/// x ln Γ(k)` of [`super::regular::log_likelihood`]: the BG/NBD likelihood
/// with `r + kx` for `r + x` and the chance of no purchase since the last
/// one summed over the `j < k` events that may have happened since.
pub(crate) fn body_ll(m: &BgNbd, k: u32, data: &Prepared) -> f64 {
    evaluate::<false>(m, k, data).0
}

/// [`body_ll`] and its gradient in the logs of `(r, α, a, b)`.
pub(crate) fn body_ll_and_gradient(m: &BgNbd, k: u32, data: &Prepared) -> (f64, [f64; 4]) {
    evaluate::<true>(m, k, data)
}

/// What a summary's terms share with every summary of the same `x`.
#[derive(Default)]
struct PerX {
    rkx: f64,
    part: f64,
    ln_bx: f64,
    inv_bx: f64,
    /// The hidden-event coefficients `c_j`, their derivatives in `r`
    /// (`c_j Σ_{i<j} 1/(rkx + i)`), and `j c_j` (for the slope in `α`).
    coef: Terms,
    d_coef: Terms,
    j_coef: Terms,
    /// The slope of `part` in `(r, α, a, b)`.
    d_part: [f64; 4],
}

impl PerX {
    fn new(m: &BgNbd, k: u32, x: u32, gradient: bool) -> PerX {
        let (xf, shift) = (f64::from(x), m.shift());
        let rkx = m.r + f64::from(k * x);
        let (bx, abx) = (m.b + xf + shift, m.a + m.b + xf + shift);
        let mut p = PerX {
            rkx,
            part: ln_gamma(rkx) + ln_gamma(bx) - ln_gamma(abx),
            ln_bx: (bx - 1.0).ln(),
            inv_bx: 1.0 / (bx - 1.0),
            ..PerX::default()
        };
        coefficients(rkx, k, &mut p.coef);
        if gradient {
            let mut harmonic = 0.0;
            for j in 0..k as usize {
                if j > 0 {
                    harmonic += 1.0 / (rkx + (j - 1) as f64);
                }
                p.d_coef[j] = p.coef[j] * harmonic;
                p.j_coef[j] = p.coef[j] * j as f64;
            }
            let psi_abx = digamma(abx);
            p.d_part = [digamma(rkx), 0.0, -psi_abx, digamma(bx) - psi_abx];
        }
        p
    }
}

/// `Σ_j c_j y^j` by Horner.
fn poly(c: &[f64], y: f64) -> f64 {
    c.iter().rev().fold(0.0, |acc, c| acc * y + c)
}

/// The likelihood (and with `GRADIENT` its slope in the log-parameters).
///
/// Per summary: alive `A = −R ln(α+t) + ln S(y)` with `R = r + kx`,
/// `y = (t − t_x)/(α+t)`, `S = Σ_j c_j(R) y^j`; dropped out after the last
/// purchase `D = ln a − ln(b+x+s−1) − R ln(α+t_x)`; the term is
/// `ln(e^A + e^D)`, whose slope is `w ∂A + (1−w) ∂D` with `w = e^A/(e^A+e^D)`.
fn evaluate<const GRADIENT: bool>(m: &BgNbd, k: u32, data: &Prepared) -> (f64, [f64; 4]) {
    let common = m.r * m.alpha.ln() - ln_gamma(m.r) + ln_gamma(m.a + m.b) - ln_gamma(m.b);
    let d_common = if GRADIENT {
        let psi_ab = digamma(m.a + m.b);
        [
            m.alpha.ln() - digamma(m.r),
            m.r / m.alpha,
            psi_ab,
            psi_ab - digamma(m.b),
        ]
    } else {
        [0.0; 4]
    };
    let ln_a = m.a.ln();
    // ln(α + v) and 1/(α + v) once per distinct time.
    let logs: Vec<f64> = data.values.iter().map(|v| (m.alpha + v).ln()).collect();
    let inverse: Vec<f64> = data.values.iter().map(|v| 1.0 / (m.alpha + v)).collect();
    let k_terms = k as usize;
    let (mut cached_x, mut px) = (u32::MAX, PerX::default());
    let (mut total, mut grad) = (0.0, [0.0; 4]);
    for &(s, n, t, t_x) in &data.items {
        if s.x != cached_x {
            cached_x = s.x;
            px = PerX::new(m, k, s.x, GRADIENT);
        }
        let (t, t_x) = (t as usize, t_x as usize);
        let y = (s.t - s.t_x) * inverse[t];
        let sum = poly(&px.coef[..k_terms], y);
        let alive = -px.rkx * logs[t] + sum.ln();
        let has_dead = s.x > 0 || m.modified;
        let (ll, w) = if has_dead {
            let dead = ln_a - px.ln_bx - px.rkx * logs[t_x];
            let e = (-(alive - dead).abs()).exp();
            let w = if alive >= dead { 1.0 / (1.0 + e) } else { e / (1.0 + e) };
            (alive.max(dead) + e.ln_1p(), w)
        } else {
            (alive, 1.0)
        };
        total += n * (common + px.part + ll);
        if GRADIENT {
            let v = 1.0 - w;
            let s_r = poly(&px.d_coef[..k_terms], y) / sum;
            let s_y = poly(&px.j_coef[..k_terms], y) / sum;
            let g = [
                d_common[0] + px.d_part[0] + w * (s_r - logs[t]) - v * logs[t_x],
                d_common[1] - w * inverse[t] * (px.rkx + s_y) - v * px.rkx * inverse[t_x],
                d_common[2] + px.d_part[2] + v / m.a,
                d_common[3] + px.d_part[3] - if has_dead { v * px.inv_bx } else { 0.0 },
            ];
            for (acc, gk) in grad.iter_mut().zip(g) {
                *acc += n * gk;
            }
        }
    }
    let theta = [m.r, m.alpha, m.a, m.b];
    (total, std::array::from_fn(|i| grad[i] * theta[i]))
}

/// Parameters from their logs (kept within e^±18, where the likelihood is
/// still a number).
pub(crate) fn from_logs(p: &[f64; 4], modified: bool) -> BgNbd {
    let e = |v: f64| v.clamp(-18.0, 18.0).exp();
    BgNbd {
        r: e(p[0]),
        alpha: e(p[1]),
        a: e(p[2]),
        b: e(p[3]),
        modified,
    }
}

pub(crate) fn to_logs(m: &BgNbd) -> [f64; 4] {
    [m.r.ln(), m.alpha.ln(), m.a.ln(), m.b.ln()]
}

/// The maximum-likelihood fit with `k` from `start`: BFGS with the exact
/// gradient, Nelder–Mead on `fallback` (the value to minimise) when BFGS
/// does not converge.
pub(crate) fn fit(
    data: &Prepared,
    modified: bool,
    k: u32,
    start: [f64; 4],
    fallback: impl Fn(&[f64; 4]) -> f64,
) -> BgNbd {
    let with_gradient = |p: &[f64; 4]| {
        let (ll, g) = body_ll_and_gradient(&from_logs(p, modified), k, data);
        if ll.is_finite() && g.iter().all(|v| v.is_finite()) {
            (-ll, g.map(|v| -v))
        } else {
            (f64::INFINITY, [0.0; 4])
        }
    };
    let best = optimize::bfgs(with_gradient, start, data.customers)
        .unwrap_or_else(|| optimize::nelder_mead(fallback, start, 3000));
    from_logs(&best, modified)
}

/// [`fit`] with the Nelder–Mead fallback on [`body_ll`].
pub(crate) fn fit_k(data: &Prepared, modified: bool, k: u32, start: [f64; 4]) -> BgNbd {
    let objective = |p: &[f64; 4]| {
        let ll = body_ll(&from_logs(p, modified), k, data);
        if ll.is_finite() { -ll } else { f64::INFINITY }
    };
    fit(data, modified, k, start, objective)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forecast::bgnbd::tests::random_summaries;

    #[test]
    fn digamma_is_the_slope_of_ln_gamma() {
        for x in [0.05, 0.3, 1.0, 2.5, 7.0, 40.0, 900.0] {
            let h = 1e-5 * x;
            let slope = (ln_gamma(x + h) - ln_gamma(x - h)) / (2.0 * h);
            assert!((digamma(x) - slope).abs() < 1e-6 * (1.0 + slope.abs()), "x = {x}");
        }
        // ψ(1) = −γ, ψ(1/2) = −γ − 2 ln 2.
        let euler = 0.577_215_664_901_532_9;
        assert!((digamma(1.0) + euler).abs() < 1e-13);
        assert!((digamma(0.5) + euler + 2.0 * std::f64::consts::LN_2).abs() < 1e-13);
    }

    /// The plain formula, term by term with no shared work: the reference
    /// for the value (two exponentials in the log-sum-exp, the hidden-event
    /// terms from ln Γ directly).
    fn naive(m: &BgNbd, k: u32, data: &[(Summary, f64)]) -> f64 {
        let shift = m.shift();
        data.iter()
            .map(|&(s, n)| {
                let x = f64::from(s.x);
                let rkx = m.r + f64::from(k) * x;
                let head = m.r * m.alpha.ln() - ln_gamma(m.r) + ln_gamma(m.a + m.b) - ln_gamma(m.b)
                    + ln_gamma(rkx)
                    + ln_gamma(m.b + x + shift)
                    - ln_gamma(m.a + m.b + x + shift);
                let hidden: f64 = (0..k)
                    .map(|j| {
                        let j = f64::from(j);
                        (ln_gamma(rkx + j) - ln_gamma(rkx) - ln_gamma(j + 1.0)).exp()
                            * ((s.t - s.t_x) / (m.alpha + s.t)).powf(j)
                    })
                    .sum();
                let alive = (-rkx * (m.alpha + s.t).ln()).exp() * hidden;
                let dead = if s.x > 0 || m.modified {
                    m.a / (m.b + x + shift - 1.0) * (-rkx * (m.alpha + s.t_x).ln()).exp()
                } else {
                    0.0
                };
                n * (head + (alive + dead).ln())
            })
            .sum()
    }

    fn model(p: [f64; 4], modified: bool) -> BgNbd {
        BgNbd {
            r: p[0],
            alpha: p[1],
            a: p[2],
            b: p[3],
            modified,
        }
    }

    const POINTS: [[f64; 4]; 3] = [[0.25, 4.0, 0.8, 2.5], [1.3, 12.5, 0.15, 0.14], [3.0, 0.5, 5.0, 0.9]];

    #[test]
    fn the_value_is_the_plain_formula() {
        let data = random_summaries(5, 1500, 300, 6);
        let prepared = Prepared::new(&data);
        for k in [1, 2, 5, 7] {
            for modified in [false, true] {
                for p in POINTS {
                    let m = model(p, modified);
                    let (fast, slow) = (body_ll(&m, k, &prepared), naive(&m, k, &data));
                    assert!((fast - slow).abs() < 1e-9 * slow.abs(), "k {k} {m:?}: {fast} vs {slow}");
                    let (with_gradient, _) = body_ll_and_gradient(&m, k, &prepared);
                    assert_eq!(fast.to_bits(), with_gradient.to_bits());
                }
            }
        }
    }

    #[test]
    fn the_gradient_is_the_likelihoods_slope() {
        let data = random_summaries(11, 2000, 400, 5);
        let prepared = Prepared::new(&data);
        for k in [1, 3, 7] {
            for modified in [false, true] {
                for p in POINTS {
                    let logs = to_logs(&model(p, modified));
                    let (_, grad) = body_ll_and_gradient(&from_logs(&logs, modified), k, &prepared);
                    for i in 0..4 {
                        let h = 1e-6;
                        let (mut up, mut down) = (logs, logs);
                        up[i] += h;
                        down[i] -= h;
                        let at = |q: &[f64; 4]| naive(&from_logs(q, modified), k, &data);
                        let slope = (at(&up) - at(&down)) / (2.0 * h);
                        assert!(
                            (grad[i] - slope).abs() < 1e-5 * (1.0 + slope.abs()),
                            "k {k} {p:?} modified {modified}, parameter {i}: {} vs {slope}",
                            grad[i]
                        );
                    }
                }
            }
        }
    }

    /// `n` customers who buy every `k`-th event of their own Poisson
    /// process and may drop out after each purchase, seen for 20 to 80 weeks.
    fn story(truth: &BgNbd, k: u32, n: usize) -> Vec<(Summary, f64)> {
        let mut rng = crate::forecast::rng::Rng::stream(13, u64::from(k), 0, 0);
        crate::forecast::bgnbd::group((0..n).map(|_| {
            let t = 20.0 + rng.uniform() * 60.0;
            crate::forecast::bgnbd::tests::simulated_customer(&mut rng, truth, k, t)
        }))
    }

    /// BFGS reaches the optimum the simplex reaches, or a better one, and
    /// stops where the gradient is nil.
    #[test]
    fn bfgs_finds_the_simplex_optimum() {
        for k in [1, 4] {
            let truth = model([0.9, 6.0 / f64::from(k), 0.6, 3.0], false);
            let data = story(&truth, k, 5000);
            let prepared = Prepared::new(&data);
            for modified in [false, true] {
                let start = [0.0, 2.0, 0.0, 0.0];
                let fast = fit_k(&prepared, modified, k, start);
                let objective = |p: &[f64; 4]| -body_ll(&from_logs(p, modified), k, &prepared);
                let slow = from_logs(&optimize::nelder_mead(objective, start, 3000), modified);
                let (lf, ls) = (body_ll(&fast, k, &prepared), body_ll(&slow, k, &prepared));
                assert!(lf >= ls - 1e-9 * ls.abs(), "k {k}: {fast:?} {lf} vs {slow:?} {ls}");
                let (_, g) = body_ll_and_gradient(&fast, k, &prepared);
                assert!(
                    g.iter().all(|v| v.abs() < 1e-5 * 5000.0),
                    "k {k}: gradient {g:?} at {fast:?}"
                );
                for (x, y) in [
                    (fast.r, slow.r),
                    (fast.alpha, slow.alpha),
                    (fast.a, slow.a),
                    (fast.b, slow.b),
                ] {
                    assert!((x / y - 1.0).abs() < 1e-3, "k {k}: {fast:?} vs {slow:?}");
                }
            }
        }
    }
}
