//! Fitting the purchase model at an origin, and the two settings chosen by
//! rolling origins inside the history: BG/NBD or MBG/NBD (whether one-time
//! buyers can have dropped out already), and whether to scale every
//! purchase rate by how far the model missed the last three months
//! ("recent-rate adjustment").
//!
//! Why: BG/NBD assumes a customer's rate never changes, but whole
//! portfolios speed up and slow down (seasons, campaigns, a site change).
//! Scaling by the recent miss helps when that drift persists and hurts when
//! it does not; and which variant describes one-time buyers better depends
//! on the business. So the history decides: each candidate is fitted at an
//! earlier origin, its forecast of the following three months is checked
//! against what happened (segment counts and purchase days of the customers
//! present then), and the best is refitted at the origin. Whatever follows
//! the origin is never looked at.

use crate::dates::Day;
use crate::engine::scheme::SchemeRules;
use crate::engine::segments::Classifier;
use crate::engine::timelines::Timelines;

use super::bgnbd::{self, BgNbd, Summary};
use super::simulate::{Plan, simulate};
use super::state::{Customer, customer_at};

/// Customers used to fit and to check the model: enough for four-digit
/// accuracy of the parameters, few enough for a fit in well under a second.
const SAMPLE: usize = 100_000;
/// Months the check (and the recent-rate adjustment) looks over.
const WINDOW: usize = 3;

/// One candidate tried at the check origin and its error there.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tried {
    pub modified: bool,
    pub adjusted: bool,
    pub error: f64,
}

/// The model a forecast uses, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelChoice {
    pub params: Option<BgNbd>,
    pub rate_factor: f64,
    /// Where the candidates were checked, and each candidate's error
    /// there, when the history was long enough.
    pub check: Option<(Day, Vec<Tried>)>,
}

/// Every `step`-th customer, by timeline position.
fn sample_ids(tl: &Timelines) -> Vec<usize> {
    let step = tl.customers().div_ceil(SAMPLE).max(1);
    (0..tl.customers()).step_by(step).collect()
}

/// The BG/NBD summary of a customer at `origin`, in weeks.
pub fn summary(c: &Customer, origin: Day) -> Summary {
    Summary {
        x: c.purchase_days - 1,
        t_x: f64::from(c.last - c.first) / 7.0,
        t: f64::from(origin - c.first) / 7.0,
    }
}

pub fn fit(customers: &[Customer], origin: Day, modified: bool) -> Option<BgNbd> {
    fit_from(customers, origin, modified, None)
}

fn fit_from(customers: &[Customer], origin: Day, modified: bool, start: Option<BgNbd>) -> Option<BgNbd> {
    let step = customers.len().div_ceil(SAMPLE).max(1);
    let data = bgnbd::group(customers.iter().step_by(step).map(|c| summary(c, origin)));
    BgNbd::fit_from(&data, modified, start)
}

/// A choice made elsewhere (at a later origin), applied at this one: the
/// variant, whether to adjust the rate, and where the fit starts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fixed {
    pub modified: bool,
    pub adjusted: bool,
    pub start: Option<BgNbd>,
}

impl Fixed {
    /// What `choice` chose.
    pub fn of(choice: &ModelChoice) -> Fixed {
        Fixed {
            modified: choice.params.is_some_and(|m| m.modified),
            adjusted: choice.rate_factor != 1.0,
            start: choice.params,
        }
    }
}

/// Fits the variant `fixed` says at `ends[at]`, with the recent-rate
/// factor measured as [`choose`] measures it when `fixed` adjusts.
pub fn fixed(
    tl: &Timelines,
    rules: SchemeRules<'_>,
    customers: &[Customer],
    ends: &[Day],
    at: usize,
    min_history: usize,
    fixed: Fixed,
) -> ModelChoice {
    let params = fit_from(customers, ends[at], fixed.modified, fixed.start);
    let rate_factor = if fixed.adjusted && at >= min_history + WINDOW {
        let check = actual(
            tl,
            rules,
            &sample_ids(tl),
            ends[at - WINDOW],
            &ends[at - WINDOW + 1..=at],
        );
        let model = fit_from(&check.customers, check.origin, fixed.modified, fixed.start);
        ratio(rules, &check, model)
    } else {
        1.0
    };
    ModelChoice {
        params,
        rate_factor,
        check: None,
    }
}

/// What happened after a check origin to the sampled customers present at
/// it: segment counts at each month-end and purchase days in each month.
struct Actual {
    origin: Day,
    ends: Vec<Day>,
    customers: Vec<Customer>,
    counts: Vec<f64>,
    purchase_days: Vec<f64>,
}

fn actual(tl: &Timelines, rules: SchemeRules<'_>, ids: &[usize], origin: Day, ends: &[Day]) -> Actual {
    let n_seg = rules.labels().len();
    let mut out = Actual {
        origin,
        ends: ends.to_vec(),
        customers: Vec::new(),
        counts: vec![0.0; ends.len() * n_seg],
        purchase_days: vec![0.0; ends.len()],
    };
    for &c in ids {
        let Some(now) = customer_at(tl, c, origin) else {
            continue;
        };
        out.customers.push(now);
        for (m, &end) in ends.iter().enumerate() {
            let later = customer_at(tl, c, end).expect("present at the origin, so later too");
            let facts = crate::engine::segments::Facts {
                first: later.first,
                last: later.last,
                previous: later.previous,
                total: later.total,
                purchase_days: later.purchase_days,
            };
            out.counts[m * n_seg + local(rules, &facts, end - later.last)] += 1.0;
            let before = if m == 0 {
                now
            } else {
                customer_at(tl, c, ends[m - 1]).expect("present")
            };
            out.purchase_days[m] += f64::from(later.purchase_days - before.purchase_days);
        }
    }
    out
}

/// The segment by every rule local to a customer: the lifecycle's VIP top
/// share is left out of the check on both sides (it ranks the whole
/// portfolio, which a sample does not have).
fn local(rules: SchemeRules<'_>, facts: &crate::engine::segments::Facts, recency: i32) -> usize {
    match rules {
        SchemeRules::Cpm(r) => r.classify(facts, recency),
        SchemeRules::Lifecycle(r) => r.classify(facts, recency),
    }
}

/// The forecast of `a`'s customers by `model` with `factor`: (segment
/// counts, purchase days), as in [`Actual`].
fn predict(rules: SchemeRules<'_>, a: &Actual, model: Option<BgNbd>, factor: f64) -> (Vec<f64>, Vec<f64>) {
    let plan = Plan {
        rules,
        toddler_days: 0,
        vip: Vec::new(),
        origin: a.origin,
        month_ends: a.ends.clone(),
        model,
        rate_factor: factor,
        new_per_month: vec![0; a.ends.len()],
        new_spend: Vec::new(),
        scenario: None,
        replicates: (400_000 / a.customers.len().max(1)).clamp(4, 50),
        seed: 17,
    };
    let t = simulate(&plan, &a.customers).baseline;
    (t.counts, t.existing_purchase_days)
}

/// Actual over forecast purchase days: the recent-rate factor.
fn ratio(rules: SchemeRules<'_>, a: &Actual, model: Option<BgNbd>) -> f64 {
    let (_, f) = predict(rules, a, model, 1.0);
    let (f, a): (f64, f64) = (f.iter().sum(), a.purchase_days.iter().sum());
    if f > 0.0 && a > 0.0 {
        (a / f).clamp(0.5, 2.0)
    } else {
        1.0
    }
}

/// Weighted MAPE of the segment counts plus MAPE of the monthly purchase days.
fn error(a: &Actual, counts: &[f64], days: &[f64]) -> f64 {
    let total: f64 = a.counts.iter().sum();
    let seg = if total > 0.0 {
        a.counts.iter().zip(counts).map(|(x, y)| (x - y).abs()).sum::<f64>() / total
    } else {
        0.0
    };
    let terms: Vec<f64> = a
        .purchase_days
        .iter()
        .zip(days)
        .filter(|(x, _)| **x > 0.0)
        .map(|(x, y)| (x - y).abs() / x)
        .collect();
    let pd = if terms.is_empty() {
        0.0
    } else {
        terms.iter().sum::<f64>() / terms.len() as f64
    };
    seg + pd
}

/// Fits the model at `ends[at]` (the origin) and chooses the variant and
/// the rate factor. `min_history` is the first index an origin may have.
pub fn choose(
    tl: &Timelines,
    rules: SchemeRules<'_>,
    customers: &[Customer],
    ends: &[Day],
    at: usize,
    min_history: usize,
) -> ModelChoice {
    let origin = ends[at];
    if at < min_history + WINDOW {
        return ModelChoice {
            params: fit(customers, origin, false),
            rate_factor: 1.0,
            check: None,
        };
    }
    let ids = sample_ids(tl);
    let check_at = at - WINDOW;
    let check = actual(tl, rules, &ids, ends[check_at], &ends[check_at + 1..=at]);
    // The recent-rate factor needs one more window before the check origin.
    let earlier = (check_at >= min_history + WINDOW).then(|| {
        actual(
            tl,
            rules,
            &ids,
            ends[check_at - WINDOW],
            &ends[check_at - WINDOW + 1..=check_at],
        )
    });
    let mut tried = Vec::new();
    let mut best: Option<(f64, bool, bool)> = None;
    for modified in [false, true] {
        let model = fit(&check.customers, check.origin, modified);
        if model.is_none() {
            continue;
        }
        let mut candidates = vec![(false, 1.0)];
        if let Some(e) = &earlier {
            let earlier_model = fit(&e.customers, e.origin, modified);
            candidates.push((true, ratio(rules, e, earlier_model)));
        }
        for (adjusted, factor) in candidates {
            let (counts, days) = predict(rules, &check, model, factor);
            let err = error(&check, &counts, &days);
            tried.push(Tried {
                modified,
                adjusted,
                error: err,
            });
            if best.is_none_or(|(b, _, _)| err < b) {
                best = Some((err, modified, adjusted));
            }
        }
    }
    let Some((_, modified, adjusted)) = best else {
        return ModelChoice {
            params: fit(customers, origin, false),
            rate_factor: 1.0,
            check: None,
        };
    };
    let params = fit(customers, origin, modified);
    let rate_factor = if adjusted {
        ratio(rules, &check, fit(&check.customers, check.origin, modified))
    } else {
        1.0
    };
    ModelChoice {
        params,
        rate_factor,
        check: Some((check.origin, tried)),
    }
}
