//! Orders → one timeline per customer: their rows in date order.
//!
//! Grouping is a counting sort by customer code (O(rows)), then a sort of
//! each customer's few rows, in parallel over customers.

use crate::dates::Day;
use crate::ids::CustomerIds;
use crate::money::Money;
use crate::orders::Orders;

/// Every customer's rows, contiguous (CSR layout): customer `c`'s rows are
/// `day[offsets[c]..offsets[c + 1]]` (and the same range of `amount`),
/// sorted by (day, amount). Two arrays rather than one of pairs: 12 bytes a
/// row instead of 16 with padding, which matters at tens of millions.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Timelines {
    pub ids: CustomerIds,
    pub offsets: Vec<usize>,
    pub day: Vec<Day>,
    pub amount: Vec<Money>,
}

/// One day of one customer: several rows the same day are one purchase day
/// whose amounts add up (spec section 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DayEntry {
    pub(crate) day: Day,
    /// Sum of the day's amounts (purchases and returns net out).
    pub(crate) net: Money,
    /// At least one row that day had `amount >= 0`.
    pub(crate) purchase: bool,
}

impl Timelines {
    pub fn customers(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// The customer's days in order.
    pub(crate) fn days(&self, customer: usize) -> Days<'_> {
        let range = self.offsets[customer]..self.offsets[customer + 1];
        Days {
            day: &self.day[range.clone()],
            amount: &self.amount[range],
        }
    }
}

/// Iterator over a customer's days, merging rows of the same day.
pub(crate) struct Days<'a> {
    day: &'a [Day],
    amount: &'a [Money],
}

impl Days<'_> {
    /// The next day after the current position, if any.
    pub(crate) fn peek_day(&self) -> Option<Day> {
        self.day.first().copied()
    }
}

impl Iterator for Days<'_> {
    type Item = DayEntry;

    fn next(&mut self) -> Option<DayEntry> {
        let day = *self.day.first()?;
        let first = self.amount[0];
        let mut entry = DayEntry {
            day,
            net: first,
            purchase: !first.is_negative(),
        };
        let mut n = 1;
        while n < self.day.len() && self.day[n] == day {
            entry.net += self.amount[n];
            entry.purchase |= !self.amount[n].is_negative();
            n += 1;
        }
        self.day = &self.day[n..];
        self.amount = &self.amount[n..];
        Some(entry)
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

/// A raw pointer that worker threads write through, each to slots no
/// other thread writes (here, and in `grouped`'s copy of every customer's
/// block into place).
#[derive(Clone, Copy)]
pub(super) struct Shared<T>(pub(super) *mut T);

// SAFETY: only used by `build` and `grouped::build`, whose workers write
// disjoint slots.
unsafe impl<T> Send for Shared<T> {}
unsafe impl<T> Sync for Shared<T> {}

impl<T> Shared<T> {
    /// # Safety
    /// `i` is in bounds and no other thread writes slot `i`.
    unsafe fn write(self, i: usize, value: T) {
        unsafe { *self.0.add(i) = value }
    }

    /// # Safety
    /// `i` is within the allocation the pointer came from.
    pub(super) unsafe fn at(self, i: usize) -> *mut T {
        unsafe { self.0.add(i) }
    }
}

impl RowStats {
    /// Counts one row: dated after `cutoff`, it is left out (`false`);
    /// else it is a return or a purchase, and used (`true`). `rows_used`
    /// is the caller's, from the rows it keeps.
    #[inline(always)]
    pub(super) fn count(&mut self, day: Day, amount: Money, cutoff: Day) -> bool {
        if day > cutoff {
            self.rows_after_cutoff += 1;
            return false;
        }
        if amount.is_negative() {
            self.return_rows += 1;
            self.returns_total += i128::from(amount.0);
        } else {
            self.purchases_total += i128::from(amount.0);
        }
        true
    }

    /// Adds another part's counts (`rows_used` and `duplicate_rows` included).
    pub(crate) fn add(&mut self, other: &RowStats) {
        self.rows_used += other.rows_used;
        self.rows_after_cutoff += other.rows_after_cutoff;
        self.return_rows += other.return_rows;
        self.returns_total += other.returns_total;
        self.purchases_total += other.purchases_total;
        self.duplicate_rows += other.duplicate_rows;
    }
}

/// Sorts the rows of each range (one customer's) by (day, amount); returns
/// how many rows repeat the one before them exactly. `pairs` is scratch.
pub(crate) fn sort_ranges(
    days: &mut [Day],
    amounts: &mut [Money],
    ranges: impl Iterator<Item = std::ops::Range<usize>>,
    pairs: &mut Vec<(Day, Money)>,
) -> u64 {
    let mut duplicates = 0u64;
    for range in ranges {
        let (d, a) = (&mut days[range.clone()], &mut amounts[range]);
        let sorted = (1..d.len()).all(|i| (d[i - 1], a[i - 1]) <= (d[i], a[i]));
        if !sorted {
            // Rare: exports are by date. Sort the pairs and write back.
            pairs.clear();
            pairs.extend(d.iter().copied().zip(a.iter().copied()));
            pairs.sort_unstable();
            for (i, &(day, amount)) in pairs.iter().enumerate() {
                (d[i], a[i]) = (day, amount);
            }
        }
        duplicates += (1..d.len()).filter(|&i| d[i - 1] == d[i] && a[i - 1] == a[i]).count() as u64;
    }
    duplicates
}

/// Groups the orders dated on or before `cutoff` by customer: a counting
/// sort, in parallel over row ranges. Each worker keeps its rows' order, so
/// a customer's rows stay in input order (already by date for most exports).
pub fn build(orders: Orders, cutoff: Day) -> (Timelines, RowStats) {
    let Orders {
        ids,
        customer,
        day: days,
        amount: amounts,
    } = orders;
    let ranges = row_ranges(customer.len());
    let mut counts = count_rows(&ranges, &customer, &days, cutoff, ids.len());
    let offsets = assign_slots(&mut counts, ids.len());
    let rows = offsets[offsets.len() - 1];
    let mut day_out: Vec<Day> = vec![0; rows];
    let mut amount_out: Vec<Money> = vec![Money::ZERO; rows];
    let parts = scatter(
        Rows {
            ranges: &ranges,
            customer: &customer,
            days: &days,
            amounts: &amounts,
            cutoff,
        },
        &mut counts,
        &mut day_out,
        &mut amount_out,
    );
    drop((counts, customer, days, amounts));
    let mut stats = RowStats {
        rows_used: rows as u64,
        ..RowStats::default()
    };
    for part in &parts {
        stats.add(part);
    }
    stats.duplicate_rows = sort_each_customer(&mut day_out, &mut amount_out, &offsets);
    (
        Timelines {
            ids,
            offsets,
            day: day_out,
            amount: amount_out,
        },
        stats,
    )
}

/// The workers' consecutive ranges of rows (the same in both passes).
fn row_ranges(rows: usize) -> Vec<std::ops::Range<usize>> {
    let chunk = rows.div_ceil(crate::parallel::workers()).max(1);
    (0..rows).step_by(chunk).map(|b| b..(b + chunk).min(rows)).collect()
}

/// Pass 1: rows on or before the cutoff per customer, per worker.
fn count_rows(
    ranges: &[std::ops::Range<usize>],
    customer: &[u32],
    days: &[Day],
    cutoff: Day,
    customers: usize,
) -> Vec<Vec<u32>> {
    crate::parallel::each(ranges, |r| {
        let mut counts = vec![0u32; customers];
        for (&c, &d) in customer[r.clone()].iter().zip(&days[r.clone()]) {
            if d <= cutoff {
                counts[c as usize] += 1;
            }
        }
        counts
    })
}

/// Each customer's offset, and (in place of each worker's count) that
/// worker's first slot for the customer. The last offset is the rows used.
fn assign_slots(counts: &mut [Vec<u32>], customers: usize) -> Vec<usize> {
    let mut offsets = Vec::with_capacity(customers + 1);
    let mut next = 0usize;
    for c in 0..customers {
        offsets.push(next);
        for worker in counts.iter_mut() {
            let n = worker[c] as usize;
            worker[c] = next as u32;
            next += n;
        }
    }
    offsets.push(next);
    assert!(next <= u32::MAX as usize, "more rows than this build can group");
    offsets
}

/// The input columns and the workers' ranges over them.
#[derive(Clone, Copy)]
struct Rows<'a> {
    ranges: &'a [std::ops::Range<usize>],
    customer: &'a [u32],
    days: &'a [Day],
    amounts: &'a [Money],
    cutoff: Day,
}

/// Pass 2: every row on or before the cutoff into its customer's slots;
/// each worker's counts of what the summary reports.
fn scatter(rows: Rows<'_>, fills: &mut [Vec<u32>], day_out: &mut [Day], amount_out: &mut [Money]) -> Vec<RowStats> {
    let (out_day, out_amount) = (Shared(day_out.as_mut_ptr()), Shared(amount_out.as_mut_ptr()));
    let cutoff = rows.cutoff;
    crate::parallel::each(rows.ranges.iter().zip(fills.iter_mut()), |(r, fill)| {
        let customer = &rows.customer[r.clone()];
        let (days, amounts) = (&rows.days[r.clone()], &rows.amounts[r.clone()]);
        let mut stats = RowStats::default();
        for ((&c, &day), &amount) in customer.iter().zip(days).zip(amounts) {
            if !stats.count(day, amount, cutoff) {
                continue;
            }
            let slot = &mut fill[c as usize];
            // SAFETY: the slots of customer `c` for this worker are
            // `fill[c]..` up to its count, disjoint from every other
            // worker's and customer's, and within the rows used (the length
            // of both outputs).
            unsafe {
                out_day.write(*slot as usize, day);
                out_amount.write(*slot as usize, amount);
            }
            *slot += 1;
        }
        stats
    })
}

/// Sorts every customer's rows by (day, amount), in parallel over
/// customers; returns how many rows repeat the one before them exactly.
fn sort_each_customer(days: &mut [Day], amounts: &mut [Money], offsets: &[usize]) -> u64 {
    let customers = offsets.len() - 1;
    let per = customers.div_ceil(crate::parallel::workers()).max(1);
    let mut pieces = Vec::new();
    let (mut rest_d, mut rest_a) = (days, amounts);
    let mut consumed = 0;
    for first in (0..customers).step_by(per) {
        let last = (first + per).min(customers);
        let (head_d, tail_d) = rest_d.split_at_mut(offsets[last] - consumed);
        let (head_a, tail_a) = rest_a.split_at_mut(offsets[last] - consumed);
        pieces.push((head_d, head_a, &offsets[first..=last]));
        (rest_d, rest_a) = (tail_d, tail_a);
        consumed = offsets[last];
    }
    let sorted = crate::parallel::each(pieces, |(d, a, offs)| {
        let base = offs[0];
        let mut pairs: Vec<(Day, Money)> = Vec::new();
        sort_ranges(d, a, offs.windows(2).map(|w| w[0] - base..w[1] - base), &mut pairs)
    });
    sorted.into_iter().sum()
}
