//! Each customer's facts at the forecast's origin, read from the timelines:
//! what the purchase model needs (first, last, purchase days) and what the
//! CPM rules need (total, and the second purchase for 初回→よちよち).

use crate::dates::Day;
use crate::engine::timelines::Timelines;
use crate::money::Money;

/// A customer present at the origin (at least one purchase dated on or
/// before it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Customer {
    pub first: Day,
    pub last: Day,
    pub second: Option<Day>,
    /// The purchase day before the last (the lifecycle's 復活 rule).
    pub previous: Option<Day>,
    /// Net sales to date, returns included.
    pub total: Money,
    pub purchase_days: u32,
}

impl Customer {
    /// Average net spend of a purchase day so far (never below zero): what
    /// each of the customer's future purchase days is assumed to add.
    pub fn spend(&self) -> i64 {
        (self.total.0 / i64::from(self.purchase_days.max(1))).max(0)
    }
}

pub(crate) use crate::parallel::map_ranges as in_parallel;

/// One customer's facts from their rows dated on or before `day`.
pub fn customer_at(tl: &Timelines, c: usize, day: Day) -> Option<Customer> {
    let mut out: Option<Customer> = None;
    let mut total = Money::ZERO;
    for e in tl.days(c) {
        if e.day > day {
            break;
        }
        total += e.net;
        if e.purchase {
            out = Some(match out {
                None => Customer {
                    first: e.day,
                    last: e.day,
                    second: None,
                    previous: None,
                    total,
                    purchase_days: 1,
                },
                Some(p) => Customer {
                    last: e.day,
                    second: p.second.or(Some(e.day)),
                    previous: Some(p.last),
                    purchase_days: p.purchase_days + 1,
                    total,
                    ..p
                },
            });
        } else if let Some(p) = out.as_mut() {
            p.total = total;
        }
    }
    out
}

/// Every customer present at `day`, in timeline order.
pub fn customers_at(tl: &Timelines, day: Day) -> Vec<Customer> {
    in_parallel(tl.customers(), |range| {
        range.filter_map(|c| customer_at(tl, c, day)).collect::<Vec<_>>()
    })
    .concat()
}

/// Purchase days dated in each period `(month_ends[i-1], month_ends[i]]`
/// (the first period starts after `origin`): `(all, existing)`, where
/// existing counts only customers present at `origin`.
pub fn purchase_days_by_month(tl: &Timelines, origin: Day, month_ends: &[Day]) -> (Vec<u64>, Vec<u64>) {
    let n = month_ends.len();
    let parts = in_parallel(tl.customers(), |range| {
        let (mut all, mut existing) = (vec![0u64; n], vec![0u64; n]);
        for c in range {
            let mut present = false;
            for e in tl.days(c) {
                if !e.purchase {
                    continue;
                }
                if e.day <= origin {
                    present = true;
                    continue;
                }
                let Some(m) = month_ends.iter().position(|&end| e.day <= end) else {
                    break;
                };
                all[m] += 1;
                if present {
                    existing[m] += 1;
                }
            }
        }
        (all, existing)
    });
    let (mut all, mut existing) = (vec![0u64; n], vec![0u64; n]);
    for (a, e) in parts {
        all.iter_mut().zip(&a).for_each(|(x, y)| *x += y);
        existing.iter_mut().zip(&e).for_each(|(x, y)| *x += y);
    }
    (all, existing)
}
