//! The portfolio at every snapshot date, computed from change points.
//!
//! A customer's segment changes only on a day with a row of theirs, or on
//! a day when their recency crosses one of the rule's breaks (for CPM,
//! `churn_days`). So each customer contributes a handful of
//! "from month m on, segment s" records, and counts, cumulative sales,
//! transitions and the cohort ladder are difference arrays over months:
//! O(rows + months × segments), never customers × months.

use crate::conversion::CohortCounter;
use crate::dates::{Day, is_month_end, last_day_of_month, month_of};
use crate::error::{Error, Result};
use crate::money::Money;
use crate::portfolio::{CustomerState, LADDER_MONTHS, LadderCohort, Portfolio, TransitionMatrix};
use crate::segments::{Classifier, Facts};
use crate::timelines::Timelines;

/// Snapshot dates (spec section 4). Without `as_of`: every month-end from
/// the month of the earliest purchase through the last month-end on or
/// before the latest row. With `as_of`: the month-ends before it, then the
/// as-of date itself.
pub fn snapshot_days(earliest_purchase: Day, latest_row: Day, as_of: Option<Day>) -> Result<Vec<Day>> {
    let first_month = month_of(earliest_purchase);
    let mut days = Vec::new();
    match as_of {
        Some(as_of) => {
            if as_of < earliest_purchase {
                return Err(Error::NoData(format!(
                    "no purchase on or before the as-of date {}",
                    crate::dates::format_day(as_of)
                )));
            }
            let mut m = first_month;
            while last_day_of_month(m) < as_of {
                days.push(last_day_of_month(m));
                m += 1;
            }
            days.push(as_of);
        }
        None => {
            let mut m = first_month;
            while last_day_of_month(m) <= latest_row {
                days.push(last_day_of_month(m));
                m += 1;
            }
            if days.is_empty() {
                return Err(Error::NoData(format!(
                    "the data ends on {} and covers no whole month yet: no month-end to snapshot. \
                     Pass --as-of YYYY-MM-DD to snapshot a part-covered month",
                    crate::dates::format_day(latest_row)
                )));
            }
        }
    }
    Ok(days)
}

/// Month index (0-based, from the first snapshot's month) of a day on or
/// before the last snapshot, by table look-up. Earlier days (returns before
/// anyone's first purchase) fall into month 0.
struct MonthMap {
    base: Day,
    index: Vec<u32>,
}

impl MonthMap {
    fn new(snapshots: &[Day]) -> Self {
        let first_month = month_of(snapshots[0]);
        let base = crate::dates::first_day_of_month(first_month);
        let last = *snapshots.last().expect("at least one snapshot");
        let mut index = Vec::with_capacity((last - base + 1).max(0) as usize);
        let mut m = 0u32;
        let mut month_end = last_day_of_month(first_month);
        for day in base..=last {
            if day > month_end {
                m += 1;
                month_end = last_day_of_month(first_month + m as i32);
            }
            index.push(m);
        }
        MonthMap { base, index }
    }

    fn index(&self, day: Day) -> usize {
        if day < self.base { 0 } else { self.index[(day - self.base) as usize] as usize }
    }
}

/// The customer's value at a month-end from which it holds.
#[derive(Clone, Copy)]
struct Held {
    month: usize,
    segment: usize,
    total: i128,
}

/// Accumulators, flattened `[month][segment]`.
struct Tally {
    n_seg: usize,
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
    fn new(n_seg: usize, months: usize) -> Self {
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

    fn merge(&mut self, other: Tally) {
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
    fn add_customer(&mut self, held: &[Held]) {
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

/// A customer's running facts while their days are walked.
#[derive(Clone, Copy)]
struct Running {
    facts: Option<Facts>,
    total: Money,
    second: Option<Day>,
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
    fn feed(
        &mut self,
        month: usize,
        value: Option<(usize, i128)>,
        sales: i128,
        held: &mut Vec<Held>,
        tally: &mut Tally,
    ) {
        if self.open.is_some_and(|(m, _)| m != month) {
            self.close(held, tally);
        }
        self.open = Some((month, value));
        self.month_sales += sales;
    }

    fn close(&mut self, held: &mut Vec<Held>, tally: &mut Tally) {
        let Some((month, value)) = self.open.take() else { return };
        let sales = std::mem::take(&mut self.month_sales);
        // Returns before the first purchase: not in the portfolio yet.
        let Some((segment, total)) = value else { return };
        if held.last().is_none_or(|h| h.segment != segment || h.total != total) {
            held.push(Held { month, segment, total });
        }
        tally.sales[month * tally.n_seg + segment] += sales;
    }
}

/// Walks one customer's days into `held` (their month-end values, change
/// months only) and the month's sales in `tally`.
fn walk_customer<C: Classifier>(
    rules: &C,
    months: &MonthMap,
    last_snapshot: Day,
    tl: &Timelines,
    customer: usize,
    held: &mut Vec<Held>,
    tally: &mut Tally,
) -> Running {
    held.clear();
    let mut run = Running { facts: None, total: Money::ZERO, second: None };
    let mut folder = MonthFolder { open: None, month_sales: 0 };
    let mut days = tl.days(customer);
    while let Some(e) = days.next() {
        let day = e.day;
        run.total += e.net;
        if e.purchase {
            run.facts = Some(match run.facts {
                None => Facts { first: day, last: day, previous: None, total: run.total, purchase_days: 1 },
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
        let value = run.facts.map(|f| (rules.classify(&f, day - f.last), i128::from(f.total.0)));
        folder.feed(months.index(day), value, i128::from(e.net.0), held, tally);
        // Until the next day of theirs, only recency moves.
        if let Some(f) = run.facts {
            let next_day = days.peek_day().unwrap_or(Day::MAX);
            for &b in rules.recency_breaks() {
                let at = f.last + b;
                if at > day && at < next_day && at <= last_snapshot {
                    let value = Some((rules.classify(&f, b), i128::from(f.total.0)));
                    folder.feed(months.index(at), value, 0, held, tally);
                }
            }
        }
    }
    folder.close(held, tally);
    run
}

/// One worker's share of the customers.
struct Part {
    tally: Tally,
    cohorts: CohortCounter,
    customers: Vec<CustomerState>,
}

fn compute_part<C: Classifier>(tl: &Timelines, rules: &C, snapshots: &[Day], toddler_days: i32, range: std::ops::Range<usize>, months: &MonthMap) -> Part {
    let n_seg = rules.labels().len();
    let as_of = *snapshots.last().expect("at least one snapshot");
    let mut part = Part {
        tally: Tally::new(n_seg, snapshots.len()),
        cohorts: CohortCounter::new(month_of(snapshots[0]), snapshots.len(), toddler_days),
        customers: Vec::with_capacity(range.len()),
    };
    let mut held = Vec::with_capacity(8);
    for c in range {
        let run = walk_customer(rules, months, as_of, tl, c, &mut held, &mut part.tally);
        let Some(f) = run.facts else { continue };
        part.tally.add_customer(&held);
        part.cohorts.add(f.first, run.second);
        part.customers.push(CustomerState {
            customer: c as u32,
            segment: rules.classify(&f, as_of - f.last),
            first_purchase: f.first,
            last_purchase: f.last,
            tenure_days: f.tenure_days(),
            recency_days: as_of - f.last,
            total: f.total,
            purchase_days: f.purchase_days,
            second_purchase: run.second,
        });
    }
    part
}

/// Computes the whole portfolio over `snapshots` (ascending; the last one is
/// the as-of date). `tl` must hold no day after the last snapshot. Customers
/// are split over the machine's cores; the parts add up.
pub fn compute<C: Classifier + Sync>(tl: Timelines, rules: &C, snapshots: &[Day], toddler_days: i32) -> Portfolio {
    let months = snapshots.len();
    debug_assert!(snapshots[..months - 1].iter().all(|&d| is_month_end(d)));
    let month_map = MonthMap::new(snapshots);
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8);
    let n = tl.customers();
    let per = n.div_ceil(workers).max(1);
    let parts: Vec<Part> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..n)
            .step_by(per)
            .map(|first| {
                let (tl, month_map) = (&tl, &month_map);
                s.spawn(move || compute_part(tl, rules, snapshots, toddler_days, first..(first + per).min(n), month_map))
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("portfolio thread")).collect()
    });
    let mut parts = parts.into_iter();
    let mut all = parts.next().unwrap_or_else(|| compute_part(&tl, rules, snapshots, toddler_days, 0..0, &month_map));
    for part in parts {
        all.tally.merge(part.tally);
        all.cohorts.merge(part.cohorts);
        all.customers.extend(part.customers);
    }
    let as_of = *snapshots.last().expect("at least one snapshot");
    finish(rules.labels().to_vec(), snapshots, all.tally, all.cohorts.finish(as_of), all.customers, tl.ids)
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

fn finish(
    labels: Vec<crate::segments::SegmentLabel>,
    snapshots: &[Day],
    tally: Tally,
    conversion: Vec<crate::portfolio::CohortConversion>,
    customers: Vec<CustomerState>,
    ids: crate::ingest::intern::CustomerIds,
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
