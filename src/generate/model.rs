//! The behavioural model of a Japanese mail-order (通販) customer: when they
//! are acquired (seasonal, growing), what kind of buyer they are, their
//! baskets, gaps, lapses and comebacks, same-day extra orders and returns.

use super::GenerateParams;
use super::attributes::{Attrs, Profile};
use super::chunks::Parts;
use super::rng::{Rng, TIMING_STREAM, VALUE_STREAM};
use crate::dates::{Day, month_of, year_month};

/// One row of one customer.
#[derive(Debug, Clone, Copy)]
struct Event {
    day: Day,
    amount: i64,
    attrs: Attrs,
}

/// Relative acquisitions per calendar month (January first): winter gift
/// season and the March fiscal-year end are busy, summer is quiet.
const MONTH_WEIGHT: [f64; 12] = [1.00, 0.90, 1.20, 1.05, 0.95, 0.85, 0.75, 0.70, 0.90, 1.00, 1.30, 1.45];
/// Acquisitions at the end of the span relative to its start.
const GROWTH: f64 = 0.25;

/// Trial-offer prices (お試しセット) for first orders, in yen.
const TRIAL_PRICES: [i64; 6] = [500, 980, 1000, 1480, 1980, 2980];

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
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

impl Kind {
    fn draw(rng: &mut Rng) -> Kind {
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
    }
}

/// A customer's buying habits, drawn once.
struct Habits {
    /// Basket size: a personal median, and a spread around it.
    basket_median: f64,
    basket_sigma: f64,
    /// Rhythm: typical gap and per-order chance of stopping for good (from
    /// the third order on: every repeater makes a second purchase).
    gap_median: f64,
    gap_sigma: f64,
    stop: f64,
    lapse_chance: f64,
}

impl Habits {
    /// The basket from the value stream (not drawn without amounts), then
    /// the rhythm from the timing stream.
    fn draw<const AMOUNTS: bool>(kind: Kind, rng: &mut Rng, value: &mut Rng) -> Habits {
        let (basket_median, basket_sigma) = match kind {
            _ if !AMOUNTS => (0.0, 0.0),
            Kind::Heavy => (value.log_normal(17_000.0, 0.35), 0.45),
            Kind::Burst => (value.log_normal(22_000.0, 0.30), 0.45),
            _ => (value.log_normal(4_300.0, 0.30), 0.55),
        };
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
        Habits {
            basket_median,
            basket_sigma,
            gap_median,
            gap_sigma,
            stop,
            lapse_chance,
        }
    }
}

pub(super) struct Model {
    start: Day,
    end: Day,
    pub(super) span_days: i32,
    customers: u32,
    seed: u64,
    /// Cumulative acquisition weight by day offset.
    cumulative: Vec<f64>,
}

impl Model {
    pub(super) fn new(params: &GenerateParams) -> Model {
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
    pub(super) fn count_rows(&self, range: std::ops::Range<u32>) -> Vec<usize> {
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
    pub(super) fn fill_rows(&self, range: std::ops::Range<u32>, parts: &mut Parts<'_>) {
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

        let kind = Kind::draw(&mut rng);
        let Habits {
            basket_median,
            basket_sigma,
            gap_median,
            gap_sigma,
            stop,
            lapse_chance,
        } = Habits::draw::<AMOUNTS>(kind, &mut rng, &mut value);

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
