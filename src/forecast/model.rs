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
//! on the business. So the history decides: each candidate is fitted at
//! each of the three month-ends before the origin, its forecast up to the
//! origin is checked against what happened (segment counts and purchase
//! days of the customers present then), and plain BG/NBD is kept unless
//! another candidate did better from all three; the choice is refitted at
//! the origin. The regularity k of the gaps ([`regular`]) is a parameter
//! like the others, by maximum likelihood at the origin. Whatever follows
//! the origin is never looked at.

use crate::dates::Day;
use crate::engine::scheme::SchemeRules;
use crate::engine::segments::Classifier;
use crate::engine::timelines::Timelines;

use super::bgnbd::{self, BgNbd, Summary};
use super::regular;
use super::simulate::{Plan, simulate};
use super::state::{Customer, customer_at};

/// Customers used to fit and to check the model: enough for four-digit
/// accuracy of the parameters, few enough for a fit in well under a second.
const SAMPLE: usize = 100_000;
/// Months the check (and the recent-rate adjustment) looks over.
const WINDOW: usize = 3;

/// One candidate tried at the check origin and its error there.
#[derive(Debug, Clone, PartialEq)]
pub struct Tried {
    pub modified: bool,
    pub adjusted: bool,
    /// The mean of `errors`.
    pub error: f64,
    /// The error from each check origin, in the order of
    /// [`ModelChoice::check`]'s days.
    pub errors: Vec<f64>,
}

/// The model a forecast uses, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelChoice {
    pub params: Option<BgNbd>,
    /// Events per purchase of the gaps' Erlang-k timing ([`regular`]; 1:
    /// BG/NBD's exponential gaps), by maximum likelihood at the origin.
    pub k: u32,
    pub rate_factor: f64,
    /// Where the candidates were checked (the month-ends before the
    /// origin), and each candidate's errors there, when the history was
    /// long enough.
    pub check: Option<(Vec<Day>, Vec<Tried>)>,
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

/// The fit with `k` events per purchase ([`regular`]; 1: BG/NBD), from
/// `start` when given.
fn fit_from(customers: &[Customer], origin: Day, modified: bool, k: u32, start: Option<BgNbd>) -> Option<BgNbd> {
    let step = customers.len().div_ceil(SAMPLE).max(1);
    let data = bgnbd::group(customers.iter().step_by(step).map(|c| summary(c, origin)));
    if k == 1 {
        return BgNbd::fit_from(&data, modified, start);
    }
    if !data.iter().any(|(s, _)| s.x > 0) {
        return None;
    }
    Some(match start {
        Some(start) => regular::fit_k_from(&data, modified, k, start),
        None => regular::fit_k(&data, modified, k, BgNbd::fit_from(&data, modified, None)?),
    })
}

/// The maximum-likelihood k at `origin`, on the sampled customers
/// (BG/NBD's variant: the regularity of the repeat purchases does not
/// depend on how one-time buyers are treated).
/// With k > 1, the fit for it there: where the other fits with k start.
fn regularity(tl: &Timelines, origin: Day) -> (u32, Option<BgNbd>) {
    let sample = regular::sample(tl, &sample_ids(tl), origin);
    match BgNbd::fit_from(&sample.data, false, None).map(|plain| regular::fit(&sample, plain)) {
        Some((k, m)) if k > 1 => (k, Some(m)),
        _ => (1, None),
    }
}

/// A choice made elsewhere (at a later origin), applied at this one: the
/// variant, whether to adjust the rate, and where the fit starts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fixed {
    pub modified: bool,
    pub k: u32,
    pub adjusted: bool,
    pub start: Option<BgNbd>,
}

impl Fixed {
    /// What `choice` chose.
    pub fn of(choice: &ModelChoice) -> Fixed {
        Fixed {
            modified: choice.params.is_some_and(|m| m.modified),
            k: choice.k,
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
    let params = fit_from(customers, ends[at], fixed.modified, fixed.k, fixed.start);
    let rate_factor = if fixed.adjusted && at >= min_history + WINDOW {
        let check = actual(
            tl,
            rules,
            &sample_ids(tl),
            ends[at - WINDOW],
            &ends[at - WINDOW + 1..=at],
        );
        let model = fit_from(&check.customers, check.origin, fixed.modified, fixed.k, fixed.start);
        ratio(rules, &check, model, fixed.k)
    } else {
        1.0
    };
    ModelChoice {
        params,
        k: fixed.k,
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
fn predict(rules: SchemeRules<'_>, a: &Actual, model: Option<BgNbd>, k: u32, factor: f64) -> (Vec<f64>, Vec<f64>) {
    let plan = Plan {
        rules,
        toddler_days: 0,
        vip: Vec::new(),
        origin: a.origin,
        month_ends: a.ends.clone(),
        model,
        k,
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
fn ratio(rules: SchemeRules<'_>, a: &Actual, model: Option<BgNbd>, k: u32) -> f64 {
    let (_, f) = predict(rules, a, model, k, 1.0);
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
///
/// The candidates are checked from each of the [`WINDOW`] month-ends
/// before the origin, each forecasting up to the origin (three, two and one
/// months ahead). Plain BG/NBD is the default: another candidate replaces
/// it only if it did better from every one of those month-ends, and then
/// the one with the lowest mean error. One check origin alone can be the
/// odd one out (its fit rests on the least history of all), and a choice
/// it makes alone is not trusted.
pub fn choose(
    tl: &Timelines,
    rules: SchemeRules<'_>,
    customers: &[Customer],
    ends: &[Day],
    at: usize,
    min_history: usize,
) -> ModelChoice {
    let origin = ends[at];
    let (k, start) = regularity(tl, origin);
    let fit =
        |customers: &[Customer], origin: Day, modified: bool, k: u32| fit_from(customers, origin, modified, k, start);
    if at < min_history + WINDOW {
        return ModelChoice {
            params: fit(customers, origin, false, k),
            k,
            rate_factor: 1.0,
            check: None,
        };
    }
    let ids = sample_ids(tl);
    let checks: Vec<Check> = (at - WINDOW..at)
        .map(|o| Check::at(tl, rules, &ids, ends, o, at, min_history))
        .collect();
    // The recent-rate adjustment is a candidate only where every check
    // origin has a window before it to measure the factor on.
    let adjustable = checks.iter().all(|c| c.earlier.is_some());
    // Each (variant, check origin) is its own fits and simulations: one
    // task each on the fan-out queue, taken back in order.
    let mut scored = crate::parallel::queue(2 * checks.len(), |i| {
        checks[i % checks.len()].errors(rules, i >= checks.len(), k, start, adjustable)
    });
    scored.sort_by_key(|(i, _)| *i);
    let mut tried = Vec::new();
    for (modified, scores) in [false, true].into_iter().zip(scored.chunks(checks.len())) {
        let Some(errors) = scores.iter().map(|(_, e)| *e).collect::<Option<Vec<_>>>() else {
            continue;
        };
        let plain: Vec<f64> = errors.iter().map(|e| e.0).collect();
        let adjusted: Option<Vec<f64>> = errors.iter().map(|e| e.1).collect();
        for (adjusted, errors) in [(false, Some(plain)), (true, adjusted)] {
            if let Some(errors) = errors {
                tried.push(Tried {
                    modified,
                    adjusted,
                    error: errors.iter().sum::<f64>() / errors.len() as f64,
                    errors,
                });
            }
        }
    }
    let Some(best) = pick(&tried).cloned() else {
        return ModelChoice {
            params: fit(customers, origin, false, k),
            k,
            rate_factor: 1.0,
            check: None,
        };
    };
    let params = fit(customers, origin, best.modified, k);
    let rate_factor = if best.adjusted {
        let last = &checks[0].actual;
        ratio(rules, last, fit(&last.customers, last.origin, best.modified, k), k)
    } else {
        1.0
    };
    ModelChoice {
        params,
        k,
        rate_factor,
        check: Some((checks.iter().map(|c| c.actual.origin).collect(), tried)),
    }
}

/// Plain BG/NBD, unless another candidate had a lower error from every
/// check origin: then the lowest mean error among those. `None` when plain
/// BG/NBD could not be fitted.
fn pick(tried: &[Tried]) -> Option<&Tried> {
    let default = tried.iter().find(|t| !t.modified && !t.adjusted)?;
    let better = |t: &&Tried| t.errors.iter().zip(&default.errors).all(|(e, d)| e < d);
    Some(
        tried
            .iter()
            .filter(better)
            .min_by(|p, q| p.error.total_cmp(&q.error))
            .unwrap_or(default),
    )
}

/// One check origin: what happened from it up to the forecast's origin,
/// and the window before it that measures the recent-rate factor.
struct Check {
    actual: Actual,
    earlier: Option<Actual>,
}

impl Check {
    fn at(
        tl: &Timelines,
        rules: SchemeRules<'_>,
        ids: &[usize],
        ends: &[Day],
        o: usize,
        at: usize,
        min_history: usize,
    ) -> Check {
        let actual = actual(tl, rules, ids, ends[o], &ends[o + 1..=at]);
        let earlier = (o >= min_history + WINDOW).then(|| actual_of(tl, rules, ids, ends, o - WINDOW, o));
        Check { actual, earlier }
    }

    /// The variant's error from this origin, plain and (when `adjusted`
    /// and there is a window before it) with the recent-rate factor;
    /// `None` when the variant cannot be fitted here.
    fn errors(
        &self,
        rules: SchemeRules<'_>,
        modified: bool,
        k: u32,
        start: Option<BgNbd>,
        adjusted: bool,
    ) -> Option<(f64, Option<f64>)> {
        let fit = |customers: &[Customer], origin: Day| fit_from(customers, origin, modified, k, start);
        let model = fit(&self.actual.customers, self.actual.origin)?;
        let score = |factor: f64| {
            let (counts, days) = predict(rules, &self.actual, Some(model), k, factor);
            error(&self.actual, &counts, &days)
        };
        let with_factor = self
            .earlier
            .as_ref()
            .filter(|_| adjusted)
            .map(|e| score(ratio(rules, e, fit(&e.customers, e.origin), k)));
        Some((score(1.0), with_factor))
    }
}

fn actual_of(tl: &Timelines, rules: SchemeRules<'_>, ids: &[usize], ends: &[Day], from: usize, to: usize) -> Actual {
    actual(tl, rules, ids, ends[from], &ends[from + 1..=to])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tried(modified: bool, adjusted: bool, errors: &[f64]) -> Tried {
        Tried {
            modified,
            adjusted,
            error: errors.iter().sum::<f64>() / errors.len() as f64,
            errors: errors.to_vec(),
        }
    }

    #[test]
    fn plain_bgnbd_stays_unless_another_is_better_from_every_origin() {
        // MBG/NBD wins the first check by far and has the lower mean, but
        // loses the last one: one origin alone does not decide.
        let t = [
            tried(false, false, &[0.16, 0.14, 0.10]),
            tried(true, false, &[0.04, 0.13, 0.11]),
        ];
        assert_eq!(pick(&t), Some(&t[0]));
        // Better from every origin: chosen.
        let t = [
            tried(false, false, &[0.16, 0.14, 0.10]),
            tried(true, false, &[0.15, 0.13, 0.09]),
        ];
        assert_eq!(pick(&t), Some(&t[1]));
        // Of two that are better everywhere, the lower mean; a tie is not better.
        let t = [
            tried(false, false, &[0.2, 0.2]),
            tried(false, true, &[0.1, 0.19]),
            tried(true, false, &[0.19, 0.05]),
            tried(true, true, &[0.01, 0.2]),
        ];
        assert_eq!(pick(&t), Some(&t[2]));
        assert_eq!(pick(&t[1..]), None);
    }
}
