//! Deterministic synthetic order histories for demos, tests and benchmarks.
//!
//! The generator imitates a Japanese mail-order (通販) health-food business:
//! acquisitions with seasonality (peaks in Nov–Dec and around March, a summer
//! lull) and a gentle growth trend, cheap trial offers (お試し) on many first
//! orders, a 20–35% 初回→よちよち conversion, subscribers on a 30–60 day
//! cycle, occasional buyers with long gaps, a few heavy buyers, lapses of 240+
//! days followed by comebacks, ~2% return rows and the odd second order on the
//! same day.
//!
//! Every customer draws from its own PRNG streams (SplitMix64) seeded from
//! `(seed, index)` — one for dates, one for amounts — so the output depends
//! only on the parameters, not on the order or the threads customers are
//! generated on. Customer indexes increase with the acquisition date, like
//! real member numbers.
//!
//! The result is columnar (16 bytes per row) and sorted by order date, as a
//! real export is. Sorting is a counting sort by day done in two passes over
//! the customers (one drawing only the dates to count rows per day, one to
//! place every row in its final slot), so no per-row intermediate buffer is
//! ever held. Both passes run on consecutive customer ranges in parallel
//! (scoped threads, safe code: each range writes its own sub-slices).

pub mod attributes;
pub mod writer;

use self::attributes::{Attrs, Profile};

use crate::dates::{Day, month_of, year_month};

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenerateParams {
    /// Number of customers (1 ..= `u32::MAX`).
    pub customers: u64,
    pub seed: u64,
    /// First day orders may fall on (inclusive).
    pub start: Day,
    /// Last day orders may fall on (inclusive).
    pub end: Day,
}

/// Generated order rows, one entry per row in each column, sorted by `day`
/// (rows on the same day are ordered by customer, then by the customer's own
/// order). Amounts are integer yen; returns are negative.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GeneratedOrders {
    /// Customer index (`0 .. customers`); see [`GeneratedOrders::customer_id`].
    pub customer: Vec<u32>,
    pub day: Vec<Day>,
    pub amount_yen: Vec<i64>,
    /// Attribute codes per row: indexes into [`attributes::CHANNELS`],
    /// [`attributes::PRODUCTS`] and [`attributes::SHOPS`].
    pub attrs: Vec<Attrs>,
}

/// Length in bytes of every id from [`GeneratedOrders::customer_id`].
pub const CUSTOMER_ID_LEN: usize = 11;

impl GeneratedOrders {
    pub fn len(&self) -> usize {
        self.day.len()
    }

    pub fn is_empty(&self) -> bool {
        self.day.is_empty()
    }

    /// The customer id for a customer index: `C` and ten zero-padded digits
    /// (`C0000000123`), wide enough for any `u32`, so the ids keep their
    /// leading zeros and all have the same width.
    pub fn customer_id(index: u32) -> String {
        let mut buf = [0u8; CUSTOMER_ID_LEN];
        write_customer_id(index, &mut buf);
        // The buffer holds ASCII only.
        String::from_utf8_lossy(&buf).into_owned()
    }
}

/// Writes the id of [`GeneratedOrders::customer_id`] into `buf` without
/// allocating (for writers that emit millions of rows).
#[inline]
pub fn write_customer_id(index: u32, buf: &mut [u8; CUSTOMER_ID_LEN]) {
    buf[0] = b'C';
    let mut n = index;
    for slot in buf[1..].iter_mut().rev() {
        *slot = b'0' + (n % 10) as u8;
        n /= 10;
    }
}

/// Why the parameters cannot be generated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GenerateError {
    #[error("the start date {start} is after the end date {end}")]
    StartAfterEnd { start: String, end: String },

    #[error("the span from {start} to {end} is too long: at most 1,000 years can be generated")]
    SpanTooLong { start: String, end: String },

    #[error("the number of customers must be at least 1")]
    NoCustomers,

    #[error("too many customers: {requested} requested, at most {max} can be generated")]
    TooManyCustomers { requested: u64, max: u64 },
}

/// Longest span in days (about 1,000 years).
const MAX_SPAN_DAYS: i64 = 365_250;

/// Generates the order history described by `params`.
pub fn generate(params: &GenerateParams) -> Result<GeneratedOrders, GenerateError> {
    if params.start > params.end {
        return Err(GenerateError::StartAfterEnd {
            start: crate::dates::format_day(params.start),
            end: crate::dates::format_day(params.end),
        });
    }
    if i64::from(params.end) - i64::from(params.start) >= MAX_SPAN_DAYS {
        return Err(GenerateError::SpanTooLong {
            start: crate::dates::format_day(params.start),
            end: crate::dates::format_day(params.end),
        });
    }
    if params.customers == 0 {
        return Err(GenerateError::NoCustomers);
    }
    if params.customers > u64::from(u32::MAX) {
        return Err(GenerateError::TooManyCustomers {
            requested: params.customers,
            max: u64::from(u32::MAX),
        });
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    Ok(generate_in_chunks(params, threads))
}

/// Customers per chunk below which splitting the work is not worth a thread.
const MIN_CHUNK_CUSTOMERS: u64 = 50_000;
/// Most worker threads used.
const MAX_THREADS: usize = 32;
/// Most (chunk, day) cells, to bound the bookkeeping for very long spans.
const MAX_CHUNK_DAYS: usize = 1 << 20;

/// The generator proper, on at most `threads` threads. The output does not
/// depend on the number of threads: chunks are consecutive customer ranges,
/// and each chunk's rows of a day go after the previous chunk's.
fn generate_in_chunks(params: &GenerateParams, threads: usize) -> GeneratedOrders {
    let model = Model::new(params);
    let span = model.span_days as usize;
    let customers = params.customers;
    let chunk_count = threads
        .clamp(1, MAX_THREADS)
        .min(customers.div_ceil(MIN_CHUNK_CUSTOMERS) as usize)
        .min((MAX_CHUNK_DAYS / span).max(1))
        .max(1);
    let ranges: Vec<std::ops::Range<u32>> = (0..chunk_count as u64)
        .map(|k| {
            let from = customers * k / chunk_count as u64;
            let to = customers * (k + 1) / chunk_count as u64;
            from as u32..to as u32
        })
        .collect();

    // Pass 1: rows per (chunk, day). Only the timing stream is drawn.
    let counts: Vec<Vec<usize>> = std::thread::scope(|scope| {
        let workers: Vec<_> = ranges
            .iter()
            .map(|range| {
                let model = &model;
                let range = range.clone();
                scope.spawn(move || model.count_rows(range))
            })
            .collect();
        workers
            .into_iter()
            .map(|worker| worker.join().expect("generator thread panicked"))
            .collect()
    });
    let total: usize = counts.iter().flatten().sum();

    // Pass 2: regenerate with amounts, each chunk into its own disjoint
    // slots (one sub-slice per day), found by splitting the columns in
    // output order: day by day, chunk by chunk.
    let mut out = GeneratedOrders {
        customer: vec![0; total],
        day: vec![0; total],
        amount_yen: vec![0; total],
        attrs: vec![Attrs::default(); total],
    };
    let customer_parts = split_rows(&mut out.customer, &counts);
    let day_parts = split_rows(&mut out.day, &counts);
    let amount_parts = split_rows(&mut out.amount_yen, &counts);
    let attr_parts = split_rows(&mut out.attrs, &counts);
    std::thread::scope(|scope| {
        let model = &model;
        let workers: Vec<_> = ranges
            .iter()
            .zip(customer_parts)
            .zip(day_parts.into_iter().zip(amount_parts).zip(attr_parts))
            .map(|((range, customer), ((day, amount), attrs))| {
                let range = range.clone();
                scope.spawn(move || {
                    let mut parts = Parts {
                        customer,
                        day,
                        amount,
                        attrs,
                    };
                    model.fill_rows(range, &mut parts);
                })
            })
            .collect();
        for worker in workers {
            worker.join().expect("generator thread panicked");
        }
    });
    out
}

/// Splits `rows` into `[chunk][day]` sub-slices of the sizes in
/// `counts[chunk][day]`, laid out day-major.
fn split_rows<'a, T>(mut rows: &'a mut [T], counts: &[Vec<usize>]) -> Vec<Vec<&'a mut [T]>> {
    let span = counts.first().map_or(0, Vec::len);
    let mut parts: Vec<Vec<&'a mut [T]>> = counts.iter().map(|_| Vec::with_capacity(span)).collect();
    for day in 0..span {
        for (part, chunk_counts) in parts.iter_mut().zip(counts) {
            let (head, tail) = std::mem::take(&mut rows).split_at_mut(chunk_counts[day]);
            part.push(head);
            rows = tail;
        }
    }
    parts
}

/// One chunk's output slots, by day offset.
struct Parts<'a> {
    customer: Vec<&'a mut [u32]>,
    day: Vec<&'a mut [Day]>,
    amount: Vec<&'a mut [i64]>,
    attrs: Vec<&'a mut [Attrs]>,
}

/// One row of one customer.
#[derive(Debug, Clone, Copy)]
struct Event {
    day: Day,
    amount: i64,
    attrs: Attrs,
}

// ---------------------------------------------------------------------------
// PRNG: SplitMix64 (passes BigCrush; one u64 of state per customer).

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

#[inline]
fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Salt of a customer's stream for kinds, dates and returns.
const TIMING_STREAM: u64 = 0x5EED_C0DE_0000_0001;
/// Salt of a customer's stream for amounts.
const VALUE_STREAM: u64 = 0x5EED_C0DE_0000_0002;

struct Rng {
    state: u64,
    /// The second normal of the last polar-method pair, if not yet used.
    spare: Option<f64>,
}

impl Rng {
    fn for_customer(seed: u64, index: u32, stream: u64) -> Rng {
        let state = mix64(mix64(seed ^ stream) ^ (u64::from(index) + 1).wrapping_mul(GOLDEN));
        Rng { state, spare: None }
    }

    #[inline]
    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN);
        mix64(self.state)
    }

    /// Uniform in `[0, 1)`.
    #[inline]
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    #[inline]
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    #[inline]
    fn uniform(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.unit()
    }

    /// Standard normal (Marsaglia's polar method: no trigonometry, and
    /// each accepted pair serves two calls).
    #[inline]
    fn normal(&mut self) -> f64 {
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
    fn log_normal(&mut self, median: f64, sigma: f64) -> f64 {
        median * (sigma * self.normal()).exp()
    }

    #[inline]
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }
}

// ---------------------------------------------------------------------------
// The behavioural model.

/// Relative acquisitions per calendar month (January first): winter gift
/// season and the March fiscal-year end are busy, summer is quiet.
const MONTH_WEIGHT: [f64; 12] = [1.00, 0.90, 1.20, 1.05, 0.95, 0.85, 0.75, 0.70, 0.90, 1.00, 1.30, 1.45];
/// Acquisitions at the end of the span relative to its start.
const GROWTH: f64 = 0.25;

/// Trial-offer prices (お試しセット) for first orders, in yen.
const TRIAL_PRICES: [i64; 6] = [500, 980, 1000, 1480, 1980, 2980];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Buys once and never returns.
    OneShot,
    /// Returns now and then, with long irregular gaps.
    Occasional,
    /// A subscriber-like regular on a personal 30–60 day cycle.
    Regular,
    /// A regular with big baskets (becomes 優良, or 流行 early on).
    Heavy,
    /// Big baskets for a few months, then gone (流行 that lapses).
    Burst,
}

struct Model {
    start: Day,
    end: Day,
    span_days: i32,
    customers: u32,
    seed: u64,
    /// Cumulative acquisition weight by day offset.
    cumulative: Vec<f64>,
}

impl Model {
    fn new(params: &GenerateParams) -> Model {
        let span_days = params.end - params.start + 1;
        let mut cumulative = Vec::with_capacity(span_days as usize);
        let mut sum = 0.0;
        let mut month = month_of(params.start);
        let mut month_weight = MONTH_WEIGHT[year_month(month).1 as usize - 1];
        let mut month_end = crate::dates::last_day_of_month(month);
        for offset in 0..span_days {
            let day = params.start + offset;
            if day > month_end {
                month = month_of(day);
                month_weight = MONTH_WEIGHT[year_month(month).1 as usize - 1];
                month_end = crate::dates::last_day_of_month(month);
            }
            let trend = 1.0 + GROWTH * f64::from(offset) / f64::from(span_days.max(2) - 1);
            sum += month_weight * trend;
            cumulative.push(sum);
        }
        Model {
            start: params.start,
            end: params.end,
            span_days,
            customers: params.customers as u32,
            seed: params.seed,
            cumulative,
        }
    }

    /// Acquisition day of a customer: stratified over the seasonal
    /// distribution, so indexes grow with the acquisition date.
    fn acquisition_day(&self, index: u32, rng: &mut Rng) -> Day {
        let total = *self.cumulative.last().expect("span is at least one day");
        let u = (f64::from(index) + rng.unit()) / f64::from(self.customers) * total;
        let offset = self.cumulative.partition_point(|&c| c <= u);
        self.start + offset.min(self.cumulative.len() - 1) as i32
    }

    /// Rows per day offset of the customers in `range` (days only).
    fn count_rows(&self, range: std::ops::Range<u32>) -> Vec<usize> {
        let mut counts = vec![0; self.span_days as usize];
        let mut events: Vec<Event> = Vec::with_capacity(64);
        for index in range {
            self.customer_events::<false>(index, &mut events);
            for event in &events {
                counts[(event.day - self.start) as usize] += 1;
            }
        }
        counts
    }

    /// Places the rows of the customers in `range` into their slots.
    fn fill_rows(&self, range: std::ops::Range<u32>, parts: &mut Parts<'_>) {
        let mut next = vec![0usize; self.span_days as usize];
        let mut events: Vec<Event> = Vec::with_capacity(64);
        for index in range {
            self.customer_events::<true>(index, &mut events);
            for event in &events {
                let offset = (event.day - self.start) as usize;
                let slot = next[offset];
                parts.customer[offset][slot] = index;
                parts.day[offset][slot] = event.day;
                parts.amount[offset][slot] = event.amount;
                parts.attrs[offset][slot] = event.attrs;
                next[offset] = slot + 1;
            }
        }
    }

    /// All rows of one customer into `out` (cleared first), in the order
    /// they are drawn (not necessarily by day).
    ///
    /// Dates come from the customer's timing stream, amounts from a separate
    /// value stream, so with `AMOUNTS = false` the same days come out (with
    /// zero amounts) without the cost of drawing the amounts.
    fn customer_events<const AMOUNTS: bool>(&self, index: u32, out: &mut Vec<Event>) {
        out.clear();
        let mut rng = Rng::for_customer(self.seed, index, TIMING_STREAM);
        let mut value = Rng::for_customer(self.seed, index, VALUE_STREAM);
        let first = self.acquisition_day(index, &mut rng);

        let kind = {
            let u = rng.unit();
            if u < 0.53 {
                Kind::OneShot
            } else if u < 0.745 {
                Kind::Occasional
            } else if u < 0.935 {
                Kind::Regular
            } else if u < 0.975 {
                Kind::Heavy
            } else {
                Kind::Burst
            }
        };

        // Basket size: a personal median, and a spread around it.
        let (basket_median, basket_sigma) = match kind {
            _ if !AMOUNTS => (0.0, 0.0),
            Kind::Heavy => (value.log_normal(17_000.0, 0.35), 0.45),
            Kind::Burst => (value.log_normal(22_000.0, 0.30), 0.45),
            _ => (value.log_normal(4_300.0, 0.30), 0.55),
        };
        // Rhythm: typical gap and per-order chance of stopping for good
        // (from the third order on: every repeater makes a second purchase).
        let (gap_median, gap_sigma, stop) = match kind {
            Kind::OneShot => (0.0, 0.0, 1.0),
            Kind::Occasional => (rng.log_normal(180.0, 0.35), 0.80, rng.uniform(0.15, 0.30)),
            Kind::Regular => (rng.uniform(28.0, 50.0), 0.25, rng.uniform(0.002, 0.02)),
            Kind::Heavy => (rng.uniform(25.0, 40.0), 0.25, rng.uniform(0.005, 0.035)),
            Kind::Burst => (rng.uniform(25.0, 45.0), 0.35, rng.uniform(0.15, 0.30)),
        };
        let lapse_chance = match kind {
            Kind::Occasional => 0.03,
            Kind::Burst => 0.0,
            _ => 0.008,
        };

        // Attributes from their own stream (none in the counting pass).
        let mut profile = AMOUNTS.then(|| Profile::draw(self.seed, index, kind));
        let mut attrs = |order_number: u32, trial: bool, extra: bool| {
            profile
                .as_mut()
                .map_or(Attrs::default(), |p| p.order(order_number, trial, extra))
        };

        // Many first orders are a cheap trial set; big spenders skip it more often.
        let trial_chance = match kind {
            Kind::Heavy | Kind::Burst => 0.12,
            _ => 0.35,
        };

        let mut day = first;
        let mut order_number = 0u32;
        loop {
            order_number += 1;
            let mut trial = false;
            let amount = if !AMOUNTS {
                0
            } else if order_number == 1 && value.chance(trial_chance) {
                trial = true;
                TRIAL_PRICES[value.below(TRIAL_PRICES.len() as u64) as usize]
            } else {
                basket(&mut value, basket_median, basket_sigma)
            };
            let a = attrs(order_number, trial, false);
            self.push_order::<AMOUNTS>(&mut rng, &mut value, day, amount, a, out);
            // Now and then a second order on the same day (a forgotten item).
            if rng.chance(0.012) {
                let extra = if AMOUNTS { basket(&mut value, 2_000.0, 0.5) } else { 0 };
                let a = attrs(order_number, false, true);
                self.push_order::<AMOUNTS>(&mut rng, &mut value, day, extra, a, out);
            }

            // Next purchase, if any.
            if kind == Kind::OneShot || (order_number > 1 && rng.chance(stop)) {
                break;
            }
            let mut gap = rng.log_normal(gap_median, gap_sigma);
            if rng.chance(lapse_chance) {
                // A long break (離脱), then a comeback (復活).
                gap = 240.0 + rng.log_normal(110.0, 0.7);
            }
            let gap = (gap.round() as i64).clamp(1, 5_000) as i32;
            if i64::from(day) + i64::from(gap) > i64::from(self.end) {
                break;
            }
            day += gap;
        }
    }

    /// One order, plus (rarely) its return a few days to weeks later.
    fn push_order<const AMOUNTS: bool>(
        &self,
        rng: &mut Rng,
        value: &mut Rng,
        day: Day,
        amount: i64,
        attrs: Attrs,
        out: &mut Vec<Event>,
    ) {
        out.push(Event { day, amount, attrs });
        if rng.chance(0.02) {
            let delay = (2.0 + rng.log_normal(7.0, 0.7)).round().min(60.0) as i32;
            if day + delay > self.end {
                return;
            }
            let refund = if !AMOUNTS || value.chance(0.65) {
                amount
            } else {
                // A partial return, to the ten yen.
                let share = value.uniform(0.15, 0.85);
                (((amount as f64 * share) / 10.0).round() as i64 * 10).clamp(10, amount)
            };
            out.push(Event {
                day: day + delay,
                amount: -refund,
                attrs,
            });
        }
    }
}

/// A basket value in yen: log-normal, rounded to ¥10 most of the time
/// (shipping and tax sometimes leave odd yen), between ¥300 and ¥1,000,000.
#[inline]
fn basket(rng: &mut Rng, median: f64, sigma: f64) -> i64 {
    let value = rng.log_normal(median, sigma).clamp(300.0, 1_000_000.0);
    if rng.chance(0.8) {
        (value / 10.0).round() as i64 * 10
    } else {
        value.round() as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::day_from_ymd;
    use std::collections::HashMap;

    fn five_years(customers: u64, seed: u64) -> (GenerateParams, GeneratedOrders) {
        let params = GenerateParams {
            customers,
            seed,
            start: day_from_ymd(2021, 1, 1).unwrap(),
            end: day_from_ymd(2025, 12, 31).unwrap(),
        };
        let orders = generate(&params).unwrap();
        (params, orders)
    }

    /// Per customer: sorted rows `(day, amount)`.
    fn by_customer(orders: &GeneratedOrders) -> HashMap<u32, Vec<(Day, i64)>> {
        let mut map: HashMap<u32, Vec<(Day, i64)>> = HashMap::new();
        for i in 0..orders.len() {
            map.entry(orders.customer[i])
                .or_default()
                .push((orders.day[i], orders.amount_yen[i]));
        }
        map
    }

    fn purchase_days(rows: &[(Day, i64)]) -> Vec<Day> {
        let mut days: Vec<Day> = rows.iter().filter(|r| r.1 >= 0).map(|r| r.0).collect();
        days.sort_unstable();
        days.dedup();
        days
    }

    /// Spec section 3 by hand, at `asof`.
    fn segment(rows: &[(Day, i64)], asof: Day) -> Option<&'static str> {
        let upto: Vec<(Day, i64)> = rows.iter().copied().filter(|r| r.0 <= asof).collect();
        let days = purchase_days(&upto);
        let (first, last) = (*days.first()?, *days.last()?);
        let tenure = last - first;
        let recency = asof - last;
        let total: i64 = upto.iter().map(|r| r.1).sum();
        let tier = if tenure == 0 {
            "first"
        } else if tenure < 90 {
            "toddler"
        } else if total < 70_000 {
            "steady"
        } else if tenure < 210 {
            "trendy"
        } else {
            "loyal"
        };
        let state = if recency >= 240 { "lapsed" } else { "active" };
        Some(match (tier, state) {
            ("first", "active") => "first_active",
            ("toddler", "active") => "toddler_active",
            ("trendy", "active") => "trendy_active",
            ("steady", "active") => "steady_active",
            ("loyal", "active") => "loyal_active",
            ("first", _) => "first_lapsed",
            ("toddler", _) => "toddler_lapsed",
            ("trendy", _) => "trendy_lapsed",
            ("steady", _) => "steady_lapsed",
            _ => "loyal_lapsed",
        })
    }

    #[test]
    fn customer_ids_are_fixed_width() {
        assert_eq!(GeneratedOrders::customer_id(0), "C0000000000");
        assert_eq!(GeneratedOrders::customer_id(123), "C0000000123");
        assert_eq!(GeneratedOrders::customer_id(u32::MAX), "C4294967295");
    }

    #[test]
    fn rejects_bad_parameters() {
        let day = day_from_ymd(2024, 1, 1).unwrap();
        let params = GenerateParams {
            customers: 10,
            seed: 1,
            start: day + 1,
            end: day,
        };
        assert!(matches!(generate(&params), Err(GenerateError::StartAfterEnd { .. })));
        let params = GenerateParams {
            customers: 0,
            seed: 1,
            start: day,
            end: day,
        };
        assert_eq!(generate(&params), Err(GenerateError::NoCustomers));
        let params = GenerateParams {
            customers: u64::from(u32::MAX) + 1,
            seed: 1,
            start: day,
            end: day,
        };
        assert!(matches!(generate(&params), Err(GenerateError::TooManyCustomers { .. })));
        let params = GenerateParams {
            customers: 1,
            seed: 1,
            start: day - 400_000,
            end: day,
        };
        assert!(matches!(generate(&params), Err(GenerateError::SpanTooLong { .. })));
        let message = generate(&GenerateParams {
            customers: 1,
            seed: 1,
            start: day + 1,
            end: day,
        })
        .unwrap_err()
        .to_string();
        assert_eq!(message, "the start date 2024-01-02 is after the end date 2024-01-01");
    }

    #[test]
    fn single_day_span_works() {
        let day = day_from_ymd(2024, 1, 1).unwrap();
        let orders = generate(&GenerateParams {
            customers: 50,
            seed: 3,
            start: day,
            end: day,
        })
        .unwrap();
        assert!(orders.len() >= 50);
        assert!(orders.day.iter().all(|&d| d == day));
        assert!(orders.amount_yen.iter().all(|&a| a > 0));
    }

    #[test]
    fn deterministic_sorted_and_in_range() {
        let (params, a) = five_years(3_000, 42);
        let (_, b) = five_years(3_000, 42);
        assert_eq!(a, b);
        let (_, c) = five_years(3_000, 43);
        assert_ne!(a, c);
        assert_eq!(a.customer.len(), a.len());
        assert_eq!(a.amount_yen.len(), a.len());
        assert!(a.day.windows(2).all(|w| w[0] <= w[1]), "sorted by day");
        assert!(a.day.iter().all(|&d| params.start <= d && d <= params.end));
        assert!(a.customer.iter().all(|&c| c < 3_000));
        assert!(a.amount_yen.iter().all(|&x| x != 0));
        // Every customer appears, with a purchase.
        let customers = by_customer(&a);
        assert_eq!(customers.len(), 3_000);
        assert!(customers.values().all(|rows| rows.iter().any(|r| r.1 > 0)));
    }

    #[test]
    fn threads_do_not_change_the_output() {
        let params = GenerateParams {
            customers: 2 * MIN_CHUNK_CUSTOMERS + 7,
            seed: 5,
            start: day_from_ymd(2024, 1, 1).unwrap(),
            end: day_from_ymd(2024, 6, 30).unwrap(),
        };
        let one = generate_in_chunks(&params, 1);
        let three = generate_in_chunks(&params, 3);
        assert_eq!(one, three);
        // Same day: customers in index order.
        assert!((1..one.len()).all(|i| one.day[i - 1] < one.day[i] || one.customer[i - 1] <= one.customer[i]));
    }

    #[test]
    fn realistic_shares() {
        let (params, orders) = five_years(20_000, 1);
        let rows = orders.len() as f64;
        let returns = orders.amount_yen.iter().filter(|&&a| a < 0).count() as f64;
        let return_share = returns / rows;
        assert!((0.01..=0.03).contains(&return_share), "return share {return_share}");

        let per_customer = rows / 20_000.0;
        assert!((4.5..=7.0).contains(&per_customer), "rows per customer {per_customer}");

        // Returns never exceed the order they refund, and never come first.
        let customers = by_customer(&orders);
        for rows in customers.values() {
            let first_purchase = rows.iter().filter(|r| r.1 > 0).map(|r| r.0).min().unwrap();
            for r in rows.iter().filter(|r| r.1 < 0) {
                assert!(r.0 > first_purchase);
            }
        }

        // 初回→よちよち: second purchase day within 90 days of the first,
        // among customers whose 90-day window closed by the end.
        let (mut matured, mut converted) = (0u32, 0u32);
        for rows in customers.values() {
            let days = purchase_days(rows);
            if days[0] + 89 > params.end {
                continue;
            }
            matured += 1;
            if days.len() >= 2 && days[1] - days[0] < 90 {
                converted += 1;
            }
        }
        let rate = f64::from(converted) / f64::from(matured);
        assert!((0.20..=0.35).contains(&rate), "second-within-90 share {rate}");

        // Median order value around ¥4,000–5,000.
        let mut amounts: Vec<i64> = orders.amount_yen.iter().copied().filter(|&a| a > 0).collect();
        amounts.sort_unstable();
        let median = amounts[amounts.len() / 2];
        assert!((3_500..=5_500).contains(&median), "median order {median}");
    }

    #[test]
    fn all_ten_segments_populated() {
        let (params, orders) = five_years(2_000, 1);
        let mut counts: HashMap<&'static str, u32> = HashMap::new();
        for rows in by_customer(&orders).values() {
            if let Some(segment) = segment(rows, params.end) {
                *counts.entry(segment).or_default() += 1;
            }
        }
        for segment in [
            "first_active",
            "toddler_active",
            "trendy_active",
            "steady_active",
            "loyal_active",
            "first_lapsed",
            "toddler_lapsed",
            "trendy_lapsed",
            "steady_lapsed",
            "loyal_lapsed",
        ] {
            assert!(counts.get(segment).copied().unwrap_or(0) >= 3, "{segment}: {counts:?}");
        }
    }

    /// Prints the realism figures (`cargo test --lib generate -- --ignored --nocapture`).
    #[test]
    #[ignore]
    fn realism_report() {
        for customers in [2_000u64, 20_000] {
            let (params, orders) = five_years(customers, 1);
            let rows = orders.len() as f64;
            let returns = orders.amount_yen.iter().filter(|&&a| a < 0).count() as f64;
            let customers_map = by_customer(&orders);
            let (mut matured, mut converted) = (0u32, 0u32);
            let mut counts: HashMap<&'static str, u32> = HashMap::new();
            let mut same_day = 0u32;
            for rows in customers_map.values() {
                let days = purchase_days(rows);
                let purchases = rows.iter().filter(|r| r.1 >= 0).count();
                same_day += (purchases - days.len()) as u32;
                if days[0] + 89 <= params.end {
                    matured += 1;
                    if days.len() >= 2 && days[1] - days[0] < 90 {
                        converted += 1;
                    }
                }
                *counts.entry(segment(rows, params.end).unwrap()).or_default() += 1;
            }
            let mut amounts: Vec<i64> = orders.amount_yen.iter().copied().filter(|&a| a > 0).collect();
            amounts.sort_unstable();
            println!(
                "{customers} customers: rows {} ({:.2}/customer), returns {:.2}%, same-day extra {}, \
                 second<90 {:.1}%, median ¥{}, p90 ¥{}, p99 ¥{}",
                orders.len(),
                rows / customers as f64,
                100.0 * returns / rows,
                same_day,
                100.0 * f64::from(converted) / f64::from(matured),
                amounts[amounts.len() / 2],
                amounts[amounts.len() * 9 / 10],
                amounts[amounts.len() * 99 / 100],
            );
            let mut counts: Vec<_> = counts.into_iter().collect();
            counts.sort();
            println!("  segments at {}: {counts:?}", crate::dates::format_day(params.end));
            let comebacks = customers_map
                .values()
                .filter(|rows| purchase_days(rows).windows(2).any(|w| w[1] - w[0] >= 240))
                .count();
            let mut by_month = [0u32; 12];
            for rows in customers_map.values() {
                let first = purchase_days(rows)[0];
                by_month[year_month(month_of(first)).1 as usize - 1] += 1;
            }
            println!("  customers with a 240+ day comeback: {comebacks}; acquisitions by month: {by_month:?}");
        }
        for seed in 2..8 {
            let (params, orders) = five_years(2_000, seed);
            let mut counts: HashMap<&'static str, u32> = HashMap::new();
            for rows in by_customer(&orders).values() {
                *counts.entry(segment(rows, params.end).unwrap()).or_default() += 1;
            }
            println!(
                "seed {seed}: {:.2} rows/customer, trendy active {:?} lapsed {:?}, {} segments",
                orders.len() as f64 / 2_000.0,
                counts.get("trendy_active"),
                counts.get("trendy_lapsed"),
                counts.len()
            );
        }
    }
}
