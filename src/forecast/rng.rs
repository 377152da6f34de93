//! Seeded random numbers for the simulation, without a crate.
//!
//! Every customer gets its own stream, derived from the run's seed and the
//! customer's position (and the replicate), so the forecast is the same
//! however the customers are split over threads, and a scenario that
//! changes nothing reproduces the baseline draw for draw.

/// SplitMix64: small, fast and good enough for Monte Carlo counts.
#[derive(Debug, Clone)]
pub struct Rng(u64);

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    /// A stream for `(seed, a, b, c)`: distinct keys give unrelated streams.
    pub fn stream(seed: u64, a: u64, b: u64, c: u64) -> Rng {
        let mut s = mix(seed ^ 0x9E37_79B9_7F4A_7C15);
        for k in [a, b, c] {
            s = mix(s ^ k.wrapping_mul(0xD1B5_4A32_D192_ED03));
        }
        Rng(s)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// Uniform in the open interval (0, 1).
    pub fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    /// Uniform integer in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    pub fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }

    /// Exponential with this rate (> 0).
    #[cfg(test)]
    pub fn exponential(&mut self, rate: f64) -> f64 {
        -self.uniform().ln() / rate
    }

    /// Gamma with this shape (> 0) and scale 1 (Marsaglia and Tsang).
    pub fn gamma(&mut self, shape: f64) -> f64 {
        if shape < 1.0 {
            let u = self.uniform();
            return self.gamma(shape + 1.0) * u.powf(1.0 / shape);
        }
        let d = shape - 1.0 / 3.0;
        let c = 1.0 / (9.0 * d).sqrt();
        loop {
            let x = self.normal();
            let v = (1.0 + c * x).powi(3);
            if v <= 0.0 {
                continue;
            }
            let u = self.uniform();
            if u.ln() < 0.5 * x * x + d - d * v + d * v.ln() {
                return d * v;
            }
        }
    }

    /// Beta(a, b), both > 0.
    #[cfg(test)]
    pub fn beta(&mut self, a: f64, b: f64) -> f64 {
        let x = self.gamma(a);
        let y = self.gamma(b);
        if x + y > 0.0 { x / (x + y) } else { 0.5 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moments_match_the_distributions() {
        let mut rng = Rng::stream(7, 1, 2, 3);
        let n = 200_000;
        let (mut g, mut b, mut e) = (0.0, 0.0, 0.0);
        for _ in 0..n {
            g += rng.gamma(0.5);
            b += rng.beta(2.0, 6.0);
            e += rng.exponential(4.0);
        }
        let n = f64::from(n);
        assert!((g / n - 0.5).abs() < 0.01, "gamma mean {}", g / n);
        assert!((b / n - 0.25).abs() < 0.005, "beta mean {}", b / n);
        assert!((e / n - 0.25).abs() < 0.005, "exponential mean {}", e / n);
    }

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: Vec<u64> = (0..4).map(|_| Rng::stream(1, 2, 3, 4).next_u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        assert_ne!(Rng::stream(1, 2, 3, 4).next_u64(), Rng::stream(1, 2, 3, 5).next_u64());
    }
}
