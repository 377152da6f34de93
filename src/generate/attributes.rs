//! The attribute columns of generated histories, for breakdowns (`--by`)
//! and scoped runs (`--where`): `channel` (広告媒体 of each order; the first
//! order's is where the customer came from), `product` (定期コース and 単品
//! lines, お試しセット for trial first orders) and `shop`.
//!
//! They are drawn from a third per-customer stream, after the customer's
//! kind is known, so the dates, amounts and customers of a history are the
//! same as without them. Conversion differs by channel because the kinds do:
//! affiliate and social-media ads bring more one-time buyers, paper DM and
//! organic search more subscribers.

use super::model::Kind;
use super::rng::Rng;

/// `channel` values; the first five are acquisition channels, the last two
/// appear on repeat orders only.
pub(crate) const CHANNELS: [&str; 7] = [
    "検索広告",
    "SNS広告",
    "アフィリエイト",
    "紙DM",
    "自然流入",
    "メルマガ",
    "定期便",
];
const ORGANIC: u8 = 4;
const NEWSLETTER: u8 = 5;
const SUBSCRIPTION: u8 = 6;

/// `product` values: the trial set, two subscription lines, three single
/// items (one with a comma in its name, as real catalogues have).
pub(crate) const PRODUCTS: [&str; 6] = [
    "お試しセット",
    "青汁 定期コース",
    "黒酢 定期コース",
    "青汁 単品",
    "黒酢 単品",
    "香醋, 720ml",
];
const TRIAL: u8 = 0;

/// `shop` values.
pub(crate) const SHOPS: [&str; 4] = ["公式サイト", "楽天市場", "Amazon", "電話注文"];

/// Salt of a customer's stream for attributes.
pub(super) const ATTRIBUTE_STREAM: u64 = 0x5EED_C0DE_0000_0003;

/// One row's attribute codes (indexes into the tables above).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Attrs {
    pub channel: u8,
    pub product: u8,
    pub shop: u8,
}

/// Weights of the acquisition channels by kind: 検索広告, SNS広告,
/// アフィリエイト, 紙DM, 自然流入.
fn channel_weights(kind: Kind) -> [f64; 5] {
    match kind {
        Kind::OneShot => [0.25, 0.30, 0.30, 0.08, 0.16],
        Kind::Occasional => [0.25, 0.17, 0.15, 0.18, 0.25],
        Kind::Regular => [0.22, 0.08, 0.06, 0.22, 0.30],
        Kind::Heavy => [0.15, 0.05, 0.05, 0.35, 0.40],
        Kind::Burst => [0.25, 0.25, 0.20, 0.10, 0.20],
    }
}

fn pick(rng: &mut Rng, weights: &[f64]) -> u8 {
    let total: f64 = weights.iter().sum();
    let mut u = rng.unit() * total;
    for (i, w) in weights.iter().enumerate() {
        if u < *w {
            return i as u8;
        }
        u -= w;
    }
    (weights.len() - 1) as u8
}

/// A customer's attribute profile and stream.
pub(super) struct Profile {
    rng: Rng,
    channel: u8,
    shop: u8,
    /// The subscription line (定期コース) the customer is on, if any.
    subscription: Option<u8>,
}

impl Profile {
    pub(super) fn draw(seed: u64, index: u32, kind: Kind) -> Profile {
        let mut rng = Rng::for_customer(seed, index, ATTRIBUTE_STREAM);
        let channel = pick(&mut rng, &channel_weights(kind));
        let shop = match kind {
            Kind::OneShot => pick(&mut rng, &[0.50, 0.27, 0.17, 0.06]),
            _ => pick(&mut rng, &[0.64, 0.24, 0.06, 0.06]),
        };
        let subscriber = match kind {
            Kind::Regular | Kind::Heavy => 0.70,
            Kind::Occasional | Kind::Burst => 0.10,
            Kind::OneShot => 0.04,
        };
        let subscription = rng.chance(subscriber).then(|| if rng.chance(0.6) { 1 } else { 2 });
        Profile {
            rng,
            channel,
            shop,
            subscription,
        }
    }

    /// The attributes of order `order_number` (1 = the first), which is a
    /// trial set or an extra order on the same day as another.
    pub(super) fn order(&mut self, order_number: u32, trial: bool, extra: bool) -> Attrs {
        let channel = if order_number == 1 {
            self.channel
        } else if self.subscription.is_some() && !extra && self.rng.chance(0.7) {
            SUBSCRIPTION
        } else {
            match self.rng.unit() {
                u if u < 0.45 => NEWSLETTER,
                u if u < 0.80 => ORGANIC,
                _ => self.channel,
            }
        };
        let product = if trial {
            TRIAL
        } else {
            match self.subscription {
                Some(line) if !extra => line,
                _ => 3 + pick(&mut self.rng, &[0.45, 0.30, 0.25]),
            }
        };
        Attrs {
            channel,
            product,
            shop: self.shop,
        }
    }
}
