//! The tally: every customer's month-end values added into difference
//! arrays over months, then summed into the portfolio's counts, sales,
//! transitions and cohort ladder. O(months × segments), never
//! customers × months.

use super::fold::{Held, SalesSink};
use crate::dates::{Day, month_of};
use crate::engine::portfolio::{
    CohortConversion, CustomerState, LADDER_MONTHS, LadderCohort, Portfolio, TransitionMatrix,
};
use crate::engine::segments::SegmentLabel;
use crate::ids::CustomerIds;

/// Accumulators, flattened `[month][segment]`.
pub(crate) struct Tally {
    pub(super) n_seg: usize,
    months: usize,
    count_diff: Vec<i64>,
    cum_diff: Vec<i128>,
    sales: Vec<i128>,
    /// `[month][from (n_seg = new)][to]`, off-diagonal moves and `new` only.
    moves: Vec<u64>,
    /// `[cohort][k][segment]` difference over k.
    ladder_diff: Vec<i64>,
    cohort_sizes: Vec<u64>,
}

impl Tally {
    pub(super) fn new(n_seg: usize, months: usize) -> Self {
        Tally {
            n_seg,
            months,
            count_diff: vec![0; (months + 1) * n_seg],
            cum_diff: vec![0; (months + 1) * n_seg],
            sales: vec![0; months * n_seg],
            moves: vec![0; months * (n_seg + 1) * n_seg],
            ladder_diff: vec![0; months * (LADDER_MONTHS + 1) * n_seg],
            cohort_sizes: vec![0; months],
        }
    }

    pub(crate) fn merge(&mut self, other: &Tally) {
        fn add<T: Copy + std::ops::AddAssign>(a: &mut [T], b: &[T]) {
            a.iter_mut().zip(b).for_each(|(x, &y)| *x += y);
        }
        add(&mut self.count_diff, &other.count_diff);
        add(&mut self.cum_diff, &other.cum_diff);
        add(&mut self.sales, &other.sales);
        add(&mut self.moves, &other.moves);
        add(&mut self.ladder_diff, &other.ladder_diff);
        add(&mut self.cohort_sizes, &other.cohort_sizes);
    }

    /// Records one customer's month-end values (change months only).
    pub(super) fn add_customer(&mut self, held: &[Held]) {
        let n = self.n_seg;
        let cohort = held[0].month;
        self.cohort_sizes[cohort] += 1;
        for (i, h) in held.iter().enumerate() {
            let end = held.get(i + 1).map_or(self.months, |next| next.month);
            self.count_diff[h.month * n + h.segment] += 1;
            self.count_diff[end * n + h.segment] -= 1;
            self.cum_diff[h.month * n + h.segment] += h.total;
            self.cum_diff[end * n + h.segment] -= h.total;
            let from = if i == 0 {
                Some(n)
            } else {
                Some(held[i - 1].segment).filter(|&s| s != h.segment)
            };
            if let Some(from) = from {
                self.moves[(h.month * (n + 1) + from) * n + h.segment] += 1;
            }
            let k_start = h.month - cohort;
            let k_end = (end - cohort).min(LADDER_MONTHS);
            if k_start < k_end {
                let base = cohort * (LADDER_MONTHS + 1) * n;
                self.ladder_diff[base + k_start * n + h.segment] += 1;
                self.ladder_diff[base + k_end * n + h.segment] -= 1;
            }
        }
    }
}

impl Tally {
    /// Adds a month's sales to the segment the customer is in at its end.
    #[inline]
    pub(super) fn add_sales(&mut self, month: usize, segment: usize, sales: i128) {
        self.sales[month * self.n_seg + segment] += sales;
    }
}

impl SalesSink for Tally {
    #[inline]
    fn add(&mut self, month: usize, segment: usize, sales: i128) {
        self.add_sales(month, segment, sales);
    }
}

fn running_sums<T: Copy + std::ops::AddAssign + Default>(diff: &[T], months: usize, n: usize) -> Vec<Vec<T>> {
    let mut acc = vec![T::default(); n];
    (0..months)
        .map(|m| {
            for s in 0..n {
                acc[s] += diff[m * n + s];
            }
            acc.clone()
        })
        .collect()
}

/// The portfolio from a tally of the whole run (or of one group).
pub(super) fn finish(
    labels: Vec<SegmentLabel>,
    snapshots: &[Day],
    tally: Tally,
    conversion: Vec<CohortConversion>,
    customers: Vec<CustomerState>,
    ids: CustomerIds,
) -> Portfolio {
    let n = tally.n_seg;
    let months = tally.months;
    let counts: Vec<Vec<u64>> = running_sums(&tally.count_diff, months, n)
        .into_iter()
        .map(|row| {
            row.into_iter()
                .map(|c| u64::try_from(c).expect("counts are never negative"))
                .collect()
        })
        .collect();
    let cumulative_sales = running_sums(&tally.cum_diff, months, n);
    let sales = (0..months).map(|m| tally.sales[m * n..(m + 1) * n].to_vec()).collect();
    let transitions = (1..months)
        .map(|t| {
            let mut cells: Vec<Vec<u64>> = (0..=n)
                .map(|from| tally.moves[(t * (n + 1) + from) * n..][..n].to_vec())
                .collect();
            // Stayers: the previous size less everyone who moved out.
            for s in 0..n {
                let moved_out: u64 = cells[s].iter().sum();
                cells[s][s] = counts[t - 1][s] - moved_out;
            }
            TransitionMatrix {
                from_day: snapshots[t - 1],
                to_day: snapshots[t],
                cells,
            }
        })
        .collect();
    let ladder = (0..months)
        .filter(|&c| tally.cohort_sizes[c] > 0)
        .map(|c| {
            let base = c * (LADDER_MONTHS + 1) * n;
            let ks = LADDER_MONTHS.min(months - c);
            let diff = &tally.ladder_diff[base..base + (LADDER_MONTHS + 1) * n];
            let counts = running_sums(diff, ks, n)
                .into_iter()
                .map(|row| {
                    row.into_iter()
                        .map(|v| u64::try_from(v).expect("never negative"))
                        .collect()
                })
                .collect();
            LadderCohort {
                cohort_month: month_of(snapshots[0]) + c as i32,
                size: tally.cohort_sizes[c],
                counts,
            }
        })
        .collect();
    let as_of = *snapshots.last().expect("at least one snapshot");
    Portfolio {
        labels,
        snapshot_days: snapshots.to_vec(),
        counts,
        sales,
        cumulative_sales,
        transitions,
        conversion,
        ladder,
        customers,
        ids,
        as_of,
    }
}
