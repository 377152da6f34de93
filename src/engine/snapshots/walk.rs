//! One worker's share of the customers: each customer's month-end values
//! from the fold (lifted to VIP where the lifecycle's top share says so),
//! added into the worker's tally, cohorts and `segments.csv` rows. One path
//! for every scheme: the scheme is the [`SchemeRules`] value the walk holds.

use super::dates::MonthMap;
use super::fold::{Held, walk_customer};
use super::tally::{Tally, finish};
use super::thresholds::Thresholds;
use super::vip_share::{apply_vip_share, vip_thresholds};
use crate::dates::{Day, month_of};
use crate::engine::conversion::CohortCounter;
use crate::engine::portfolio::{CustomerState, Portfolio};
use crate::engine::scheme::SchemeRules;
use crate::engine::segments::{Classifier, Facts};
use crate::engine::timelines::Timelines;
use crate::ids::CustomerIds;

/// One worker's share of the customers.
pub(crate) struct Part {
    pub(crate) tally: Tally,
    pub(crate) cohorts: CohortCounter,
    pub(crate) customers: Vec<CustomerState>,
}

impl Part {
    /// Adds another part's customers after this one's.
    pub(crate) fn merge(&mut self, other: Part) {
        self.tally.merge(&other.tally);
        self.cohorts.merge(&other.cohorts);
        self.customers.extend(other.customers);
    }
}

/// What the workers share: the timelines, the scheme, the snapshot dates
/// and, when the lifecycle's VIP top share is on, each month's threshold.
pub(crate) struct Walk<'a> {
    tl: &'a Timelines,
    rules: SchemeRules<'a>,
    snapshots: &'a [Day],
    toddler_days: i32,
    months: MonthMap,
    top_share: Option<Thresholds>,
}

impl<'a> Walk<'a> {
    /// `snapshots` ascending, the last one the as-of date; `tl` holds no day
    /// after it. The top share's thresholds take a first pass over `tl`.
    pub fn new(tl: &'a Timelines, rules: SchemeRules<'a>, snapshots: &'a [Day], toddler_days: i32) -> Self {
        let months = MonthMap::new(snapshots);
        let top_share = rules
            .top_share()
            .map(|r| Thresholds::new(&vip_thresholds(tl, r, snapshots, &months)));
        Walk {
            tl,
            rules,
            snapshots,
            toddler_days,
            months,
            top_share,
        }
    }

    /// The part of these customers (codes, in the order their rows go).
    pub(crate) fn part(&self, customers: impl ExactSizeIterator<Item = usize>) -> Part {
        let mut part = self.empty();
        part.customers.reserve(customers.len());
        self.extend(&mut part, customers);
        part
    }

    /// A part of no customer.
    pub(crate) fn empty(&self) -> Part {
        let n_months = self.snapshots.len();
        Part {
            tally: Tally::new(self.rules.labels().len(), n_months),
            cohorts: CohortCounter::new(month_of(self.snapshots[0]), n_months, self.toddler_days),
            customers: Vec::new(),
        }
    }

    /// Adds these customers to `part` (their states after its own).
    pub(crate) fn extend(&self, part: &mut Part, customers: impl Iterator<Item = usize>) {
        match self.rules {
            SchemeRules::Cpm(r) => self.extend_by(r, part, customers),
            SchemeRules::Lifecycle(r) => self.extend_by(r, part, customers),
        }
    }

    /// A part as a portfolio, with these customer ids (empty for a group).
    pub(crate) fn finish(&self, part: Part, ids: CustomerIds) -> Portfolio {
        finish(
            self.rules.labels().to_vec(),
            self.snapshots,
            part.tally,
            part.cohorts.finish(self.as_of()),
            part.customers,
            ids,
        )
    }

    fn as_of(&self) -> Day {
        *self.snapshots.last().expect("at least one snapshot")
    }

    fn extend_by<C: Classifier>(&self, rules: &C, part: &mut Part, customers: impl Iterator<Item = usize>) {
        let n_seg = rules.labels().len();
        let n_months = self.snapshots.len();
        let as_of = self.as_of();
        let mut local = Vec::with_capacity(8);
        let mut lifted = Vec::with_capacity(8);
        let mut sales: Vec<(usize, i128)> = Vec::with_capacity(16);
        for c in customers {
            let (run, held) = match &self.top_share {
                // Every rule local: the segment at each month-end is final,
                // so the month's sales go straight into the tally.
                None => {
                    let run = walk_customer(rules, &self.months, as_of, self.tl, c, &mut local, &mut part.tally);
                    (run, &local)
                }
                Some(th) => {
                    sales.clear();
                    let run = walk_customer(rules, &self.months, as_of, self.tl, c, &mut local, &mut sales);
                    apply_vip_share(&local, n_months, th, &mut lifted);
                    add_sales(&mut part.tally, &sales, &lifted);
                    (run, &lifted)
                }
            };
            let Some(f) = run.facts else { continue };
            part.tally.add_customer(held);
            part.cohorts.add(f.first, run.second);
            let segment = held.last().expect("present").segment;
            let previous = previous_segment(held, n_months, n_seg);
            part.customers.push(customer_state(c, &f, segment, previous, as_of));
        }
    }
}

/// Each month's sales go to the customer's segment at that month-end.
fn add_sales(tally: &mut Tally, sales: &[(usize, i128)], held: &[Held]) {
    let mut j = 0;
    for &(month, amount) in sales {
        while j + 1 < held.len() && held[j + 1].month <= month {
            j += 1;
        }
        tally.add_sales(month, held[j].segment, amount);
    }
}

/// The customer's segment at the month-end before the as-of date, from
/// their month-end values: `n_seg` (the transitions' `new`) when they were
/// not present yet, `None` when the run has a single snapshot.
fn previous_segment(held: &[Held], months: usize, n_seg: usize) -> Option<usize> {
    let previous = months.checked_sub(2)?;
    Some(
        held.iter()
            .take_while(|h| h.month <= previous)
            .last()
            .map_or(n_seg, |h| h.segment),
    )
}

/// One customer's row of `segments.csv`.
fn customer_state(c: usize, f: &Facts, segment: usize, previous: Option<usize>, as_of: Day) -> CustomerState {
    CustomerState {
        customer: c as u32,
        segment,
        previous_segment: previous,
        first_purchase: f.first,
        last_purchase: f.last,
        tenure_days: f.tenure_days(),
        recency_days: as_of - f.last,
        total: f.total,
        purchase_days: f.purchase_days,
    }
}
