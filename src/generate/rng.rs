//! The generator's PRNG: SplitMix64 (passes BigCrush; one u64 of state per
//! customer), one stream per customer and purpose, so a customer's rows
//! depend only on the seed and their index.

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

#[inline]
fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Salt of a customer's stream for kinds, dates and returns.
pub(super) const TIMING_STREAM: u64 = 0x5EED_C0DE_0000_0001;
/// Salt of a customer's stream for amounts.
pub(super) const VALUE_STREAM: u64 = 0x5EED_C0DE_0000_0002;

pub(super) struct Rng {
    state: u64,
    /// The second normal of the last polar-method pair, if not yet used.
    spare: Option<f64>,
}

impl Rng {
    pub(super) fn for_customer(seed: u64, index: u32, stream: u64) -> Rng {
        let state = mix64(mix64(seed ^ stream) ^ (u64::from(index) + 1).wrapping_mul(GOLDEN));
        Rng { state, spare: None }
    }

    #[inline]
    pub(super) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN);
        mix64(self.state)
    }

    /// Uniform in `[0, 1)`.
    #[inline]
    pub(super) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    #[inline]
    pub(super) fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    #[inline]
    pub(super) fn uniform(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.unit()
    }

    /// Standard normal (Marsaglia's polar method: no trigonometry, and
    /// each accepted pair serves two calls).
    #[inline]
    pub(super) fn normal(&mut self) -> f64 {
        if let Some(spare) = self.spare.take() {
            return spare;
        }
        loop {
            let x = 2.0 * self.unit() - 1.0;
            let y = 2.0 * self.unit() - 1.0;
            let r2 = x * x + y * y;
            if r2 > 0.0 && r2 < 1.0 {
                let factor = (-2.0 * r2.ln() / r2).sqrt();
                self.spare = Some(y * factor);
                return x * factor;
            }
        }
    }

    /// Log-normal with the given median and log-sd.
    #[inline]
    pub(super) fn log_normal(&mut self, median: f64, sigma: f64) -> f64 {
        median * (sigma * self.normal()).exp()
    }

    #[inline]
    pub(super) fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }
}
