//! Minimising the purchase model fits' objective over four log-parameters.
//!
//! Why two methods: quasi-Newton (BFGS) with the likelihood's exact
//! gradient needs a few dozen evaluations where the simplex needs a
//! thousand or more, and each evaluation visits every distinct customer
//! summary; the simplex, which needs no gradient and cannot be led astray
//! by one, takes over when BFGS does not converge.

const N: usize = 4;

/// Minimises `f` (value and gradient) from `start` by BFGS with a
/// backtracking line search. `None` when it does not converge: the
/// caller then falls back to [`nelder_mead`].
pub fn bfgs(f: impl Fn(&[f64; N]) -> (f64, [f64; N]), start: [f64; N], scale: f64) -> Option<[f64; N]> {
    let mut x = start;
    let (mut fx, mut g) = f(&x);
    if !fx.is_finite() {
        return None;
    }
    let mut h = identity();
    for iteration in 0..200 {
        // Converged: the gradient is nil to the accuracy of the sum.
        if g.iter().all(|v| v.abs() <= 1e-9 * scale) {
            return Some(x);
        }
        let mut d = mul(&h, &g).map(|v| -v);
        if dot(&d, &g) >= 0.0 {
            h = identity();
            d = g.map(|v| -v);
        }
        // No step of more than a factor e^4 in a parameter at a time.
        let longest = d.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        let mut step = if longest > 4.0 { 4.0 / longest } else { 1.0 };
        let slope = dot(&d, &g);
        let found = loop {
            let y: [f64; N] = std::array::from_fn(|k| x[k] + step * d[k]);
            let (fy, gy) = f(&y);
            if fy.is_finite() && fy <= fx + 1e-4 * step * slope {
                break Some((y, fy, gy));
            }
            step *= 0.5;
            if step < 1e-12 {
                break None;
            }
        };
        let Some((y, fy, gy)) = found else {
            // No descent left along the gradient: converged if the value
            // cannot improve at this precision, else give up.
            return (g.iter().all(|v| v.abs() <= 1e-6 * scale)).then_some(x);
        };
        let s: [f64; N] = std::array::from_fn(|k| y[k] - x[k]);
        let t: [f64; N] = std::array::from_fn(|k| gy[k] - g[k]);
        let st = dot(&s, &t);
        if st > 1e-12 * dot(&s, &s).sqrt() * dot(&t, &t).sqrt() {
            if iteration == 0 {
                let scaled = st / dot(&t, &t);
                h = identity().map(|row| row.map(|v| v * scaled));
            }
            update(&mut h, &s, &t, st);
        }
        let settled = (fx - fy).abs() <= 1e-15 * fx.abs();
        (x, fx, g) = (y, fy, gy);
        if settled && g.iter().all(|v| v.abs() <= 1e-6 * scale) {
            return Some(x);
        }
    }
    None
}

fn identity() -> [[f64; N]; N] {
    std::array::from_fn(|i| std::array::from_fn(|j| if i == j { 1.0 } else { 0.0 }))
}

fn dot(a: &[f64; N], b: &[f64; N]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn mul(h: &[[f64; N]; N], v: &[f64; N]) -> [f64; N] {
    std::array::from_fn(|i| dot(&h[i], v))
}

/// The BFGS update of the inverse Hessian `h` for the step `s` and the
/// change of gradient `t` (`st = s·t > 0`).
fn update(h: &mut [[f64; N]; N], s: &[f64; N], t: &[f64; N], st: f64) {
    let ht = mul(h, t);
    let tht = dot(t, &ht);
    for i in 0..N {
        for j in 0..N {
            h[i][j] += ((st + tht) * s[i] * s[j]) / (st * st) - (ht[i] * s[j] + s[i] * ht[j]) / st;
        }
    }
}

/// Minimises `f` from `start`; restarts twice from the best point, as the
/// simplex can stall on the likelihood's long ridges (a restart that
/// returns its start would return it again: then the rest are skipped).
pub fn nelder_mead(f: impl Fn(&[f64; 4]) -> f64, start: [f64; 4], max_evals: usize) -> [f64; 4] {
    let mut best = start;
    for _ in 0..3 {
        let next = simplex(&f, best, max_evals);
        if next == best {
            break;
        }
        best = next;
    }
    best
}

fn simplex(f: &impl Fn(&[f64; 4]) -> f64, start: [f64; 4], max_evals: usize) -> [f64; 4] {
    let mut pts: Vec<([f64; N], f64)> = Vec::with_capacity(N + 1);
    pts.push((start, f(&start)));
    for i in 0..N {
        let mut p = start;
        p[i] += 0.5;
        pts.push((p, f(&p)));
    }
    let mut evals = N + 1;
    while evals < max_evals {
        pts.sort_by(|a, b| a.1.total_cmp(&b.1));
        let (lo, hi) = (pts[0].1, pts[N].1);
        if (hi - lo).abs() <= 1e-10 * (1.0 + lo.abs()) {
            break;
        }
        let mut centroid = [0.0; N];
        for (p, _) in &pts[..N] {
            for k in 0..N {
                centroid[k] += p[k] / N as f64;
            }
        }
        let along = |t: f64| {
            let mut q = [0.0; N];
            for k in 0..N {
                q[k] = centroid[k] + t * (pts[N].0[k] - centroid[k]);
            }
            q
        };
        let reflected = along(-1.0);
        let fr = f(&reflected);
        evals += 1;
        if fr < pts[0].1 {
            let expanded = along(-2.0);
            let fe = f(&expanded);
            evals += 1;
            pts[N] = if fe < fr { (expanded, fe) } else { (reflected, fr) };
        } else if fr < pts[N - 1].1 {
            pts[N] = (reflected, fr);
        } else {
            let contracted = if fr < pts[N].1 { along(-0.5) } else { along(0.5) };
            let fc = f(&contracted);
            evals += 1;
            if fc < fr.min(pts[N].1) {
                pts[N] = (contracted, fc);
            } else {
                let best = pts[0].0;
                for (p, v) in pts.iter_mut().skip(1) {
                    for k in 0..N {
                        p[k] = best[k] + 0.5 * (p[k] - best[k]);
                    }
                    *v = f(p);
                }
                evals += N;
            }
        }
    }
    pts.sort_by(|a, b| a.1.total_cmp(&b.1));
    pts[0].0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The 4-dimensional Rosenbrock valley, minimum 0 at (1, 1, 1, 1): a
    /// long curved ridge like the likelihood's.
    fn rosenbrock(p: &[f64; N]) -> (f64, [f64; N]) {
        let mut g = [0.0; N];
        let mut f = 0.0;
        for i in 0..N - 1 {
            let (a, b) = (1.0 - p[i], p[i + 1] - p[i] * p[i]);
            f += a * a + 100.0 * b * b;
            g[i] += -2.0 * a - 400.0 * p[i] * b;
            g[i + 1] += 200.0 * b;
        }
        (f, g)
    }

    #[test]
    fn bfgs_and_the_simplex_find_the_valleys_floor() {
        let start = [-1.2, 1.0, -0.5, 0.8];
        let x = bfgs(rosenbrock, start, 1.0).expect("converges");
        assert!(x.iter().all(|v| (v - 1.0).abs() < 1e-6), "{x:?}");
        let y = nelder_mead(|p| rosenbrock(p).0, start, 20_000);
        assert!(y.iter().all(|v| (v - 1.0).abs() < 1e-3), "{y:?}");
    }
}
