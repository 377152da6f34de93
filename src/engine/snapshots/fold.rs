//! The month fold: one customer's days walked into their month-end values.
//!
//! A customer's segment changes only on a day with a row of theirs, or on
//! a day when their recency crosses one of the rule's breaks. The walk
//! visits exactly those points, in order, and keeps the last of each month:
//! a handful of "from month m on, segment s" records per customer.

use super::dates::MonthMap;
use crate::dates::Day;
use crate::engine::segments::{Classifier, Facts};
use crate::engine::timelines::Timelines;
use crate::money::Money;

/// The customer's value at a month-end from which it holds.
#[derive(Clone, Copy)]
pub(super) struct Held {
    pub(super) month: usize,
    pub(super) segment: usize,
    pub(super) total: i128,
}

/// A customer's running facts while their days are walked.
#[derive(Clone, Copy)]
pub(super) struct Running {
    pub(super) facts: Option<Facts>,
    total: Money,
    /// The customer's second purchase day.
    pub(super) second: Option<Day>,
}

/// Where a customer's monthly sales go while their days are walked: straight
/// into the tally (CPM: the segment at the month-end is final), into a
/// per-customer log (lifecycle: the VIP top-share rule may still change the
/// segment), or nowhere.
pub(super) trait SalesSink {
    fn add(&mut self, month: usize, segment: usize, sales: i128);
}

/// `(month, sales)` of the months the customer is present in.
impl SalesSink for Vec<(usize, i128)> {
    #[inline]
    fn add(&mut self, month: usize, _segment: usize, sales: i128) {
        self.push((month, sales));
    }
}

/// Discards the sales.
impl SalesSink for () {
    #[inline]
    fn add(&mut self, _: usize, _: usize, _: i128) {}
}

/// Folds a customer's chronological change points into month-end values:
/// within a month only the last point counts.
struct MonthFolder {
    /// The month being folded and the customer's value at its latest point
    /// (`None` while only returns have been seen).
    open: Option<(usize, Option<(usize, i128)>)>,
    month_sales: i128,
}

impl MonthFolder {
    fn feed<S: SalesSink>(
        &mut self,
        month: usize,
        value: Option<(usize, i128)>,
        sales: i128,
        held: &mut Vec<Held>,
        sink: &mut S,
    ) {
        if self.open.is_some_and(|(m, _)| m != month) {
            self.close(held, sink);
        }
        self.open = Some((month, value));
        self.month_sales += sales;
    }

    fn close<S: SalesSink>(&mut self, held: &mut Vec<Held>, sink: &mut S) {
        let Some((month, value)) = self.open.take() else { return };
        let sales = std::mem::take(&mut self.month_sales);
        // Returns before the first purchase: not in the portfolio yet.
        let Some((segment, total)) = value else { return };
        if held.last().is_none_or(|h| h.segment != segment || h.total != total) {
            held.push(Held { month, segment, total });
        }
        sink.add(month, segment, sales);
    }
}

/// Walks one customer's days into `held` (their month-end values, change
/// months only) and the month's sales into `sink`.
pub(super) fn walk_customer<C: Classifier, S: SalesSink>(
    rules: &C,
    months: &MonthMap,
    last_snapshot: Day,
    tl: &Timelines,
    customer: usize,
    held: &mut Vec<Held>,
    sink: &mut S,
) -> Running {
    held.clear();
    let mut run = Running {
        facts: None,
        total: Money::ZERO,
        second: None,
    };
    let mut folder = MonthFolder {
        open: None,
        month_sales: 0,
    };
    let mut days = tl.days(customer);
    while let Some(e) = days.next() {
        let day = e.day;
        run.total += e.net;
        if e.purchase {
            run.facts = Some(match run.facts {
                None => Facts {
                    first: day,
                    last: day,
                    previous: None,
                    total: run.total,
                    purchase_days: 1,
                },
                Some(f) => {
                    if f.purchase_days == 1 {
                        run.second = Some(day);
                    }
                    Facts {
                        first: f.first,
                        last: day,
                        previous: Some(f.last),
                        total: run.total,
                        purchase_days: f.purchase_days + 1,
                    }
                }
            });
        } else if let Some(f) = run.facts.as_mut() {
            f.total = run.total;
        }
        let value = run
            .facts
            .map(|f| (rules.classify(&f, day - f.last), i128::from(f.total.0)));
        let sales = if day < months.base { 0 } else { i128::from(e.net.0) };
        folder.feed(months.index(day), value, sales, held, sink);
        // Until the next day of theirs, only recency moves.
        if let Some(f) = run.facts {
            let next_day = days.peek_day().unwrap_or(Day::MAX);
            for &b in rules.recency_breaks() {
                let at = f.last + b;
                if at > day && at < next_day && at <= last_snapshot {
                    let value = Some((rules.classify(&f, b), i128::from(f.total.0)));
                    folder.feed(months.index(at), value, 0, held, sink);
                }
            }
        }
    }
    folder.close(held, sink);
    run
}
