//! `cpm forecast`: the portfolio's next months, segment by segment.
//!
//! Why this shape: a per-customer purchase model (BG/NBD, [`bgnbd`]) says
//! *when* each customer is likely to buy again; the CPM rules, applied to
//! those simulated purchase days ([`simulate`]), say *which segment* that
//! puts them in at each coming month-end. The deterministic parts (the
//! 240-day line, tenure thresholds) stay exact; only purchases are random.
//! New customers arrive by a plan from the history ([`history`]); the one
//! tuning choice is made by rolling origins inside the history ([`model`]);
//! [`backtest`] measures the whole procedure against what happened.
//! No I/O and no clock: the caller reads the orders and writes [`csv`].

pub mod backtest;
pub mod bgnbd;
pub mod csv;
pub mod files;
pub mod history;
pub mod interval;
mod likelihood;
pub mod model;
mod optimize;
mod process;
pub mod regular;
pub mod rng;
pub mod simulate;
pub mod state;

use crate::dates::{Day, format_day, last_day_of_month, month_of};
use crate::engine::scheme::SchemeRules;
use crate::engine::segments::SegmentLabel;
use crate::engine::timelines::Timelines;
use crate::error::{Error, Result};

pub use history::NewCustomers;
use history::ObservedConversion;
use model::ModelChoice;
use simulate::{Conversion, Plan, Tally};

/// Month-ends of history an origin needs before it: with fewer, the
/// purchase model has too few repeat purchases to be estimated.
pub const MIN_HISTORY_MONTHS: usize = 3;
/// z of the 10% and 90% quantiles of a normal: an 80% interval.
pub(crate) const Z80: f64 = 1.281_551_565_545;

#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub months: usize,
    pub new_customers: NewCustomers,
    /// The 初回→よちよち rate of the conversion scenario.
    pub scenario: Option<f64>,
    pub seed: u64,
    /// The 初回→よちよち window in days (the CPM rules'; the scenario's).
    pub toddler_days: i32,
}

/// One scenario's (or the baseline's) projection.
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    /// `[month][segment]`: expected customers, rounded so that each month's
    /// segments add up to the customers present exactly.
    pub customers: Vec<Vec<u64>>,
    pub low: Vec<Vec<u64>>,
    pub high: Vec<Vec<u64>>,
    /// Unrounded expected customers.
    pub expected: Vec<Vec<f64>>,
    /// The simulation's variance of each count (purchase randomness only).
    pub variance: Vec<Vec<f64>>,
    pub purchase_days: Vec<f64>,
    pub existing_purchase_days: Vec<f64>,
    /// Expected sales per month, in millionths.
    pub sales: Vec<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Forecast {
    pub labels: Vec<SegmentLabel>,
    pub origin: Day,
    pub month_ends: Vec<Day>,
    pub model: ModelChoice,
    pub new_per_month: Vec<u64>,
    pub replicates: usize,
    pub baseline: Projection,
    pub scenario: Option<(Conversion, ObservedConversion, Projection)>,
    /// Customers present at the origin.
    pub customers_at_origin: u64,
    /// The model error that widens the interval (see [`interval`]), and
    /// how many earlier forecasts it was measured on.
    pub spread: interval::Spread,
    pub spread_origins: usize,
}

/// The month-ends after `origin`, `months` of them.
pub fn future_month_ends(origin: Day, months: usize) -> Vec<Day> {
    let start = if last_day_of_month(month_of(origin)) == origin {
        month_of(origin) + 1
    } else {
        month_of(origin)
    };
    (0..months).map(|k| last_day_of_month(start + k as i32)).collect()
}

/// Replicates per customer: more for small portfolios so that the expected
/// counts are smooth, at least two so that the interval can be estimated.
fn replicates(customers: usize) -> usize {
    (2_000_000usize.div_ceil(customers.max(1))).clamp(2, 100)
}

/// Checks that `at` (an index into `history_ends`) leaves enough history.
pub fn check_history(history_ends: &[Day], at: usize, first_purchase: Day) -> Result<()> {
    if at + 1 < MIN_HISTORY_MONTHS {
        return Err(Error::NoData(format!(
            "a forecast needs at least {MIN_HISTORY_MONTHS} month-ends of history up to its start, to estimate how \
             often customers buy again; the history from {} to {} has {}. Give a later --as-of or a longer order history",
            format_day(first_purchase),
            format_day(history_ends[at]),
            at + 1
        )));
    }
    Ok(())
}

/// Forecasts from `history_ends[at]` (the origin), the interval widened by
/// the errors of the same forecast from the month-ends before it
/// ([`interval`]). `history_ends` are the run's snapshot dates; `tl` holds
/// the rows up to the last of them.
pub fn forecast(
    tl: &Timelines,
    rules: SchemeRules<'_>,
    history_ends: &[Day],
    at: usize,
    settings: &Settings,
) -> Result<Forecast> {
    let mut f = forecast_plain(tl, rules, history_ends, at, settings, &Tuning::default())?;
    let (spread, origins) = calibrate(tl, rules, history_ends, at, settings, model::Fixed::of(&f.model));
    interval::widen(&mut f.baseline, &spread);
    if let Some((_, _, s)) = f.scenario.as_mut() {
        interval::widen(s, &spread);
    }
    f.spread = spread;
    f.spread_origins = origins;
    Ok(f)
}

/// Replicates of the earlier forecasts that measure the model error.
const CALIBRATION_REPLICATES: usize = 4;

/// The model error (and the number of earlier forecasts it
/// rests on): the same forecast from each of the [`interval::LOOKBACK`]
/// month-ends before `at`, on an even sample of customers, scored on what
/// happened up to `at`. The earlier forecasts refit the model at their own
/// origin but take the variant and the rate adjustment chosen at `at`
/// (`chosen`) rather than choosing again: twelve choices would cost more
/// than the forecast itself.
fn calibrate(
    tl: &Timelines,
    rules: SchemeRules<'_>,
    ends: &[Day],
    at: usize,
    settings: &Settings,
    chosen: model::Fixed,
) -> (interval::Spread, usize) {
    let n_seg = rules.labels().len();
    let step = interval::sample_step(tl.customers());
    let sampled;
    let stl = if step > 1 {
        sampled = interval::sample(tl, step);
        &sampled
    } else {
        tl
    };
    let counts = crate::engine::snapshots::compute(stl.clone(), rules, &ends[..=at], settings.toddler_days).counts;
    // A given number of new customers is the user's plan, not the model's
    // error: the earlier forecasts then get the arrivals that happened.
    let arrivals = match settings.new_customers {
        NewCustomers::Fixed(_) => Some(history::arrivals(&state::customers_at(stl, ends[at]), &ends[..=at])),
        NewCustomers::Auto => None,
    };
    // The earlier forecasts are independent (each refits its own model):
    // one task each on the fan-out queue, their misses then taken in
    // origin order, as one after the other would give them.
    let lookback: Vec<usize> = interval::lookback_origins(at, MIN_HISTORY_MONTHS - 1).collect();
    let mut scored = crate::parallel::queue(lookback.len(), |i| {
        let o = lookback[i];
        let months = settings.months.min(at - o);
        let s = Settings {
            months,
            new_customers: settings.new_customers,
            scenario: None,
            seed: settings.seed,
            toddler_days: settings.toddler_days,
        };
        let tuning = Tuning {
            max_replicates: Some(CALIBRATION_REPLICATES),
            new_per_month: arrivals.as_ref().map(|a| a[o + 1..=o + months].to_vec()),
            model: Some(chosen),
        };
        forecast_plain(stl, rules, ends, o, &s, &tuning)
            .ok()
            .map(|f| interval::misses(&f.baseline, o, &counts, f.replicates))
    });
    scored.sort_by_key(|(i, _)| *i);
    let origins = scored.iter().filter(|(_, m)| m.is_some()).count();
    let misses: Vec<interval::Miss> = scored.into_iter().filter_map(|(_, m)| m).flatten().collect();
    (interval::spread(&misses, at, n_seg), origins)
}

/// What the earlier forecasts that measure the model error change.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tuning {
    /// Caps the replicates per customer.
    pub max_replicates: Option<usize>,
    /// New customers in each coming month, instead of the plan.
    pub new_per_month: Option<Vec<u64>>,
    /// The model's variant and rate adjustment, instead of choosing them.
    pub model: Option<model::Fixed>,
}

/// The forecast with the interval of purchase randomness alone.
pub fn forecast_plain(
    tl: &Timelines,
    rules: SchemeRules<'_>,
    history_ends: &[Day],
    at: usize,
    settings: &Settings,
    tuning: &Tuning,
) -> Result<Forecast> {
    let origin = history_ends[at];
    let customers = state::customers_at(tl, origin);
    let first_purchase = customers.iter().map(|c| c.first).min().unwrap_or(origin);
    check_history(history_ends, at, first_purchase)?;
    let scenario = scenario_at(rules, &customers, origin, settings)?;
    let model = match tuning.model {
        Some(f) => model::fixed(tl, rules, &customers, history_ends, at, MIN_HISTORY_MONTHS - 1, f),
        None => model::choose(tl, rules, &customers, history_ends, at, MIN_HISTORY_MONTHS - 1),
    };
    let month_ends = future_month_ends(origin, settings.months);
    let new_per_month = match &tuning.new_per_month {
        Some(given) => given.clone(),
        None => history::new_customers_plan(settings.new_customers, &customers, origin, &month_ends),
    };
    let total = customers.len() + new_per_month.iter().sum::<u64>() as usize;
    let reps = tuning
        .max_replicates
        .map_or(replicates(total), |m| replicates(total).min(m.max(2)));
    let mut plan = Plan {
        rules,
        toddler_days: settings.toddler_days,
        vip: Vec::new(),
        origin,
        month_ends: month_ends.clone(),
        model: model.params,
        k: model.k,
        rate_factor: model.rate_factor,
        new_per_month: new_per_month.clone(),
        new_spend: history::newcomer_spend(&customers, origin),
        scenario: scenario.map(|(c, _)| c),
        replicates: reps,
        seed: settings.seed,
    };
    plan.vip = simulate::vip_thresholds(&plan, &customers);
    let outcome = simulate::simulate(&plan, &customers);
    let n_seg = rules.labels().len();
    let totals = present_by_month(customers.len() as u64, &new_per_month);
    Ok(Forecast {
        labels: rules.labels().to_vec(),
        origin,
        month_ends,
        model,
        new_per_month,
        replicates: reps,
        baseline: projection(&outcome.baseline, n_seg, &totals),
        scenario: scenario
            .zip(outcome.scenario)
            .map(|((c, o), t)| (c, o, projection(&t, n_seg, &totals))),
        customers_at_origin: customers.len() as u64,
        spread: interval::Spread::none(n_seg),
        spread_origins: 0,
    })
}

/// The conversion scenario at `origin` (with the observed rate it moves
/// from), or `None` without `--scenario`.
fn scenario_at(
    rules: SchemeRules<'_>,
    customers: &[state::Customer],
    origin: Day,
    settings: &Settings,
) -> Result<Option<(Conversion, ObservedConversion)>> {
    let Some(rate) = settings.scenario else {
        return Ok(None);
    };
    if !matches!(rules, SchemeRules::Cpm(_)) {
        return Err(Error::Config(
            "--scenario conversion= is a CPM scenario (初回→よちよち); the lifecycle scheme has no such rate".into(),
        ));
    }
    let observed = history::observed_conversion(customers, origin, settings.toddler_days).ok_or_else(|| {
        Error::NoData(format!(
            "the conversion scenario needs at least one acquisition cohort whose {}-day window has closed by {}, \
             to know the observed 初回→よちよち rate; the history is too short",
            settings.toddler_days,
            format_day(origin)
        ))
    })?;
    let conversion = Conversion {
        rate,
        observed: observed.rate,
    };
    Ok(Some((conversion, observed)))
}

/// Customers present at each coming month-end: those at the origin plus
/// the new ones so far.
fn present_by_month(at_origin: u64, new_per_month: &[u64]) -> Vec<u64> {
    new_per_month
        .iter()
        .scan(at_origin, |present, &n| {
            *present += n;
            Some(*present)
        })
        .collect()
}

fn projection(t: &Tally, n_seg: usize, totals: &[u64]) -> Projection {
    let months = totals.len();
    let mut p = Projection {
        customers: Vec::with_capacity(months),
        low: Vec::with_capacity(months),
        high: Vec::with_capacity(months),
        expected: Vec::with_capacity(months),
        variance: Vec::with_capacity(months),
        purchase_days: t.purchase_days.clone(),
        existing_purchase_days: t.existing_purchase_days.clone(),
        sales: t.sales.clone(),
    };
    for (m, &total) in totals.iter().enumerate() {
        let expected = t.counts[m * n_seg..(m + 1) * n_seg].to_vec();
        let rounded = round_to_total(&expected, total);
        let variance = t.variance[m * n_seg..(m + 1) * n_seg].to_vec();
        p.low.push(vec![0; n_seg]);
        p.high.push(vec![0; n_seg]);
        p.customers.push(rounded);
        p.expected.push(expected);
        p.variance.push(variance);
    }
    interval::widen(&mut p, &interval::Spread::none(n_seg));
    p
}

/// Rounds `values` (which add up to `total`, up to float error) to whole
/// numbers that add up to `total` exactly: largest remainders first.
pub fn round_to_total(values: &[f64], total: u64) -> Vec<u64> {
    let mut out: Vec<u64> = values.iter().map(|v| v.max(0.0).floor() as u64).collect();
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| {
        (values[b] - values[b].floor())
            .total_cmp(&(values[a] - values[a].floor()))
            .then(a.cmp(&b))
    });
    let mut sum: u64 = out.iter().sum();
    let mut k = 0;
    while sum < total && !order.is_empty() {
        out[order[k % order.len()]] += 1;
        sum += 1;
        k += 1;
    }
    while sum > total {
        let i = (0..out.len())
            .filter(|&i| out[i] > 0)
            .min_by(|&a, &b| (values[a] - out[a] as f64).total_cmp(&(values[b] - out[b] as f64)));
        let Some(i) = i else { break };
        out[i] -= 1;
        sum -= 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_keeps_the_total() {
        assert_eq!(round_to_total(&[1.5, 1.5, 1.0], 4), vec![2, 1, 1]);
        assert_eq!(round_to_total(&[0.2, 0.3, 2.5], 3), vec![0, 0, 3]);
        assert_eq!(round_to_total(&[3.0000001, 0.0, 0.0], 3), vec![3, 0, 0]);
        assert_eq!(round_to_total(&[], 0), Vec::<u64>::new());
    }

    #[test]
    fn month_ends_follow_the_origin() {
        let d = |y, m, dd| crate::dates::day_from_ymd(y, m, dd).unwrap();
        assert_eq!(
            future_month_ends(d(2024, 1, 31), 2),
            vec![d(2024, 2, 29), d(2024, 3, 31)]
        );
        assert_eq!(future_month_ends(d(2024, 1, 15), 1), vec![d(2024, 1, 31)]);
    }
}
