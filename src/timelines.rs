//! Orders → one timeline per customer: their distinct days in order, each
//! with the day's net amount and whether it was a purchase day.
//!
//! Grouping is a counting sort by customer code (O(rows)), then a sort of
//! each customer's few rows by day.

use crate::dates::Day;
use crate::ingest::Orders;
use crate::money::Money;

/// Per-customer day lists in one contiguous store (CSR layout): customer
/// `c`'s days are `day[offsets[c]..offsets[c + 1]]`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Timelines {
    pub ids: Vec<String>,
    pub offsets: Vec<usize>,
    pub day: Vec<Day>,
    /// Sum of the day's amounts (purchases and returns net out).
    pub net: Vec<Money>,
    /// At least one row that day had `amount >= 0` (spec section 1).
    pub purchase: Vec<bool>,
}

/// One day of one customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayEntry {
    pub day: Day,
    pub net: Money,
    pub purchase: bool,
}

impl Timelines {
    pub fn customers(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    pub fn entries(&self, customer: usize) -> impl Iterator<Item = DayEntry> + '_ {
        let range = self.offsets[customer]..self.offsets[customer + 1];
        range.map(|i| DayEntry {
            day: self.day[i],
            net: self.net[i],
            purchase: self.purchase[i],
        })
    }
}

/// Facts about the rows that the data-quality summary reports.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RowStats {
    /// Rows dated on or before the cutoff.
    pub rows_used: u64,
    /// Rows dated after the cutoff (the as-of date), left out.
    pub rows_after_cutoff: u64,
    pub return_rows: u64,
    /// Sum of the return rows used, in millionths (negative).
    pub returns_total: i128,
    /// Sum of the purchase rows used, in millionths.
    pub purchases_total: i128,
    /// Rows used that repeat an earlier row exactly (same customer, day and
    /// amount): kept, but counted, since they are often double exports.
    pub duplicate_rows: u64,
}

/// Groups the orders dated on or before `cutoff` by customer.
pub fn build(orders: Orders, cutoff: Day) -> (Timelines, RowStats) {
    let Orders {
        ids,
        customer,
        day: days,
        amount: amounts,
    } = orders;
    let customers = ids.len();
    let mut stats = RowStats::default();
    let mut counts = vec![0usize; customers + 1];
    for (&c, &day) in customer.iter().zip(&days) {
        if day <= cutoff {
            counts[c as usize + 1] += 1;
        }
    }
    for c in 0..customers {
        counts[c + 1] += counts[c];
    }
    let used = counts[customers];
    let mut rows: Vec<(Day, Money)> = vec![(0, Money::ZERO); used];
    let mut fill = counts.clone();
    for ((&c, &day), &amount) in customer.iter().zip(&days).zip(&amounts) {
        if day > cutoff {
            stats.rows_after_cutoff += 1;
            continue;
        }
        if amount.is_negative() {
            stats.return_rows += 1;
            stats.returns_total += i128::from(amount.0);
        } else {
            stats.purchases_total += i128::from(amount.0);
        }
        rows[fill[c as usize]] = (day, amount);
        fill[c as usize] += 1;
    }
    stats.rows_used = used as u64;

    let mut tl = Timelines {
        ids,
        offsets: Vec::with_capacity(customers + 1),
        day: Vec::with_capacity(used),
        net: Vec::with_capacity(used),
        purchase: Vec::with_capacity(used),
    };
    tl.offsets.push(0);
    for c in 0..customers {
        let slice = &mut rows[counts[c]..counts[c + 1]];
        slice.sort_unstable();
        stats.duplicate_rows += slice.windows(2).filter(|w| w[0] == w[1]).count() as u64;
        let mut i = 0;
        while i < slice.len() {
            let day = slice[i].0;
            let (mut net, mut purchase) = (Money::ZERO, false);
            while i < slice.len() && slice[i].0 == day {
                net += slice[i].1;
                purchase |= !slice[i].1.is_negative();
                i += 1;
            }
            tl.day.push(day);
            tl.net.push(net);
            tl.purchase.push(purchase);
        }
        tl.offsets.push(tl.day.len());
    }
    (tl, stats)
}
