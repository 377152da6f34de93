//! The portfolio at every snapshot date, computed from change points.
//!
//! A customer's segment changes only on a day with a row of theirs, or on
//! a day when their recency crosses one of the rule's breaks (for CPM,
//! `churn_days`). So each customer contributes a handful of
//! "from month m on, segment s" records, and counts, cumulative sales,
//! transitions and the cohort ladder are difference arrays over months:
//! O(rows + months × segments), never customers × months.

use crate::dates::{Day, is_month_end, last_day_of_month, month_of};
use crate::engine::conversion::CohortCounter;
use crate::engine::lifecycle::LifecycleRules;
use crate::engine::portfolio::{CustomerState, LADDER_MONTHS, LadderCohort, Portfolio, TransitionMatrix};
use crate::engine::segments::{Classifier, Facts};
use crate::engine::timelines::Timelines;
use crate::error::{Error, Result};
use crate::money::Money;

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
/// anyone's first purchase) fall into month 0 for the customer's state, but
/// their amounts are no month's sales: sales are those dated in the month.
pub(super) struct MonthMap {
    base: Day,
    index: Vec<u32>,
}

impl MonthMap {
    pub(super) fn new(snapshots: &[Day]) -> Self {
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
        if day < self.base {
            0
        } else {
            self.index[(day - self.base) as usize] as usize
        }
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
pub(super) struct Tally {
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

    pub(super) fn merge(&mut self, other: &Tally) {
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

/// Where a customer's monthly sales go while their days are walked: straight
/// into the tally (CPM: the segment at the month-end is final), into a
/// per-customer log (lifecycle: the VIP top-share rule may still change the
/// segment), or nowhere.
trait SalesSink {
    fn add(&mut self, month: usize, segment: usize, sales: i128);
}

impl SalesSink for Tally {
    #[inline]
    fn add(&mut self, month: usize, segment: usize, sales: i128) {
        self.sales[month * self.n_seg + segment] += sales;
    }
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
fn walk_customer<C: Classifier, S: SalesSink>(
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

/// One worker's share of the customers.
pub(super) struct Part {
    pub(super) tally: Tally,
    pub(super) cohorts: CohortCounter,
    pub(super) customers: Vec<CustomerState>,
}

pub(super) fn compute_part<C: Classifier>(
    tl: &Timelines,
    rules: &C,
    snapshots: &[Day],
    toddler_days: i32,
    range: impl ExactSizeIterator<Item = usize>,
    months: &MonthMap,
) -> Part {
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
        part.customers.push(customer_state(
            c,
            &f,
            rules.classify(&f, as_of - f.last),
            previous_segment(&held, snapshots.len(), n_seg),
            as_of,
        ));
    }
    part
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

/// Adds the parts up (in range order, so customers keep their order).
fn merge_parts(parts: Vec<Part>, empty: impl FnOnce() -> Part) -> Part {
    let mut parts = parts.into_iter();
    let mut all = parts.next().unwrap_or_else(empty);
    for part in parts {
        all.tally.merge(&part.tally);
        all.cohorts.merge(&part.cohorts);
        all.customers.extend(part.customers);
    }
    all
}

/// Computes the whole portfolio over `snapshots` (ascending; the last one is
/// the as-of date). `tl` must hold no day after the last snapshot. Customers
/// are split over the machine's cores; the parts add up.
pub fn compute<C: Classifier + Sync>(tl: Timelines, rules: &C, snapshots: &[Day], toddler_days: i32) -> Portfolio {
    let months = snapshots.len();
    debug_assert!(snapshots[..months - 1].iter().all(|&d| is_month_end(d)));
    let month_map = MonthMap::new(snapshots);
    let parts = crate::parallel::map_ranges(tl.customers(), |range| {
        compute_part(&tl, rules, snapshots, toddler_days, range, &month_map)
    });
    let all = merge_parts(parts, || {
        compute_part(&tl, rules, snapshots, toddler_days, 0..0, &month_map)
    });
    let as_of = *snapshots.last().expect("at least one snapshot");
    finish(
        rules.labels().to_vec(),
        snapshots,
        all.tally,
        all.cohorts.finish(as_of),
        all.customers,
        tl.ids,
    )
}

// ---------------------------------------------------------------------------
// The lifecycle scheme (spec section 8).
//
// Every rule but the VIP top share is local to a customer, so the walk above
// gives each customer's month-end states under the local rules. The top
// share needs, at every snapshot, the `k`-th largest total among the
// customers present and not dormant. Pass 1 walks every customer once more
// to get that threshold per month: a customer's (not dormant, total) is
// piecewise constant over months, so each run of months adds its total to a
// multiset at its first month and removes it after its last; an
// order-statistics tree (a Fenwick tree over the distinct totals) gives the
// `k`-th largest after each month's events. O(rows log rows).
//
// Pass 2 walks each customer again and lifts the months in which their total
// reaches the month's threshold into VIP. Most customers are below every
// month's threshold (one comparison); for the others a segment tree over the
// thresholds finds the months where the answer flips, in O(log months) per
// flip, so the work stays proportional to rows plus state changes, never
// customers × months.

/// Counts per distinct total, with order statistics (a Fenwick tree).
struct Fenwick {
    tree: Vec<i64>,
}

impl Fenwick {
    fn new(n: usize) -> Self {
        Fenwick { tree: vec![0; n + 1] }
    }

    fn add(&mut self, index: usize, delta: i64) {
        let mut i = index + 1;
        while i < self.tree.len() {
            self.tree[i] += delta;
            i += i & i.wrapping_neg();
        }
    }

    /// The 0-based index of the `rank`-th smallest element (`rank >= 1`,
    /// at most the number of elements).
    fn kth_smallest(&self, rank: i64) -> usize {
        let n = self.tree.len() - 1;
        let mut pos = 0;
        let mut left = rank;
        let mut step = if n == 0 { 0 } else { 1usize << n.ilog2() };
        while step > 0 {
            if pos + step <= n && self.tree[pos + step] < left {
                pos += step;
                left -= self.tree[pos];
            }
            step >>= 1;
        }
        pos
    }
}

/// A customer's (not dormant, total) runs as multiset events:
/// `(month, total, +1 | -1)`.
fn vip_events(held: &[Held], events: &mut Vec<(u32, i64, i8)>) {
    let mut current: Option<i64> = None;
    for h in held {
        let now = (h.segment != crate::engine::lifecycle::DORMANT).then_some(h.total as i64);
        if now != current {
            if let Some(v) = current {
                events.push((h.month as u32, v, -1));
            }
            if let Some(v) = now {
                events.push((h.month as u32, v, 1));
            }
            current = now;
        }
    }
}

/// Each snapshot's VIP threshold total (`None`: nobody is VIP by share).
pub(super) fn vip_thresholds(
    tl: &Timelines,
    rules: &LifecycleRules,
    snapshots: &[Day],
    months: &MonthMap,
) -> Vec<Option<Money>> {
    let n_months = snapshots.len();
    if rules.vip_top_share.is_zero() {
        return vec![None; n_months];
    }
    let as_of = *snapshots.last().expect("at least one snapshot");
    let parts: Vec<Vec<(u32, i64, i8)>> = crate::parallel::map_ranges(tl.customers(), |range| {
        let mut events = Vec::with_capacity(range.len() * 2);
        let mut held = Vec::with_capacity(8);
        for c in range {
            walk_customer(rules, months, as_of, tl, c, &mut held, &mut ());
            vip_events(&held, &mut events);
        }
        events
    });
    let mut values: Vec<i64> = parts.iter().flatten().map(|e| e.1).collect();
    values.sort_unstable();
    values.dedup();
    // Events bucketed by month (counting sort), as (value index, delta).
    let mut starts = vec![0usize; n_months + 1];
    for e in parts.iter().flatten() {
        starts[e.0 as usize + 1] += 1;
    }
    for m in 0..n_months {
        starts[m + 1] += starts[m];
    }
    let mut fill = starts.clone();
    let mut bucketed = vec![(0u32, 0i8); starts[n_months]];
    for e in parts.into_iter().flatten() {
        let index = values.binary_search(&e.1).expect("every total is a value");
        bucketed[fill[e.0 as usize]] = (index as u32, e.2);
        fill[e.0 as usize] += 1;
    }
    let mut tree = Fenwick::new(values.len());
    let mut present: i64 = 0;
    (0..n_months)
        .map(|m| {
            for &(index, delta) in &bucketed[starts[m]..starts[m + 1]] {
                tree.add(index as usize, i64::from(delta));
                present += i64::from(delta);
            }
            let k = rules.vip_top_share.top_k(present as u64) as i64;
            (k > 0).then(|| Money(values[tree.kth_smallest(present - k + 1)]))
        })
        .collect()
}

/// The months' thresholds, for "the first month in a range whose threshold
/// is (or is not) reached by this total" in O(log months).
pub(super) struct Thresholds {
    size: usize,
    min: Vec<i128>,
    max: Vec<i128>,
    /// The lowest threshold of any month: a total below it is never VIP by share.
    lowest: i128,
}

impl Thresholds {
    pub(super) fn new(thresholds: &[Option<Money>]) -> Self {
        let size = thresholds.len().next_power_of_two();
        let mut min = vec![i128::MAX; 2 * size];
        let mut max = vec![i128::MIN; 2 * size];
        for (m, t) in thresholds.iter().enumerate() {
            let v = t.map_or(i128::MAX, |t| i128::from(t.0));
            min[size + m] = v;
            max[size + m] = v;
        }
        for i in (1..size).rev() {
            min[i] = min[2 * i].min(min[2 * i + 1]);
            max[i] = max[2 * i].max(max[2 * i + 1]);
        }
        Thresholds {
            size,
            lowest: min[1],
            min,
            max,
        }
    }

    /// The first month in `a..b` where `total >= threshold` is `reached`.
    fn first(&self, a: usize, b: usize, total: i128, reached: bool) -> Option<usize> {
        self.find(1, 0, self.size, a, b, total, reached)
    }

    #[allow(clippy::too_many_arguments)]
    fn find(&self, node: usize, lo: usize, hi: usize, a: usize, b: usize, total: i128, reached: bool) -> Option<usize> {
        if hi <= a || b <= lo {
            return None;
        }
        let none_here = if reached {
            self.min[node] > total
        } else {
            self.max[node] <= total
        };
        if none_here {
            return None;
        }
        if hi - lo == 1 {
            return Some(lo);
        }
        let mid = (lo + hi) / 2;
        self.find(2 * node, lo, mid, a, b, total, reached)
            .or_else(|| self.find(2 * node + 1, mid, hi, a, b, total, reached))
    }
}

/// The customer's month-end states with the top-share rule applied: the
/// months of a state that the rule may lift (not dormant, not VIP) in which
/// the total reaches the month's threshold become VIP.
fn apply_vip_share(held: &[Held], months: usize, th: &Thresholds, out: &mut Vec<Held>) {
    out.clear();
    let push = |h: Held, out: &mut Vec<Held>| {
        if out
            .last()
            .is_none_or(|l: &Held| l.segment != h.segment || l.total != h.total)
        {
            out.push(h);
        }
    };
    for (i, h) in held.iter().enumerate() {
        if !LifecycleRules::share_eligible(h.segment) || h.total < th.lowest {
            push(*h, out);
            continue;
        }
        let end = held.get(i + 1).map_or(months, |next| next.month);
        let mut m = h.month;
        while m < end {
            let vip_from = th.first(m, end, h.total, true).unwrap_or(end);
            if vip_from > m {
                push(Held { month: m, ..*h }, out);
            }
            if vip_from == end {
                break;
            }
            let vip_to = th.first(vip_from, end, h.total, false).unwrap_or(end);
            push(
                Held {
                    month: vip_from,
                    segment: crate::engine::lifecycle::VIP,
                    total: h.total,
                },
                out,
            );
            m = vip_to;
        }
    }
}

pub(super) fn compute_part_lifecycle(
    tl: &Timelines,
    rules: &LifecycleRules,
    snapshots: &[Day],
    toddler_days: i32,
    range: impl ExactSizeIterator<Item = usize>,
    months: &MonthMap,
    th: &Thresholds,
) -> Part {
    let n_seg = rules.labels().len();
    let n_months = snapshots.len();
    let as_of = *snapshots.last().expect("at least one snapshot");
    let mut part = Part {
        tally: Tally::new(n_seg, n_months),
        cohorts: CohortCounter::new(month_of(snapshots[0]), n_months, toddler_days),
        customers: Vec::with_capacity(range.len()),
    };
    let mut local = Vec::with_capacity(8);
    let mut held = Vec::with_capacity(8);
    let mut sales: Vec<(usize, i128)> = Vec::with_capacity(16);
    for c in range {
        sales.clear();
        let run = walk_customer(rules, months, as_of, tl, c, &mut local, &mut sales);
        let Some(f) = run.facts else { continue };
        apply_vip_share(&local, n_months, th, &mut held);
        // Each month's sales go to the segment at that month-end.
        let mut j = 0;
        for &(month, amount) in &sales {
            while j + 1 < held.len() && held[j + 1].month <= month {
                j += 1;
            }
            part.tally.add(month, held[j].segment, amount);
        }
        part.tally.add_customer(&held);
        part.cohorts.add(f.first, run.second);
        part.customers.push(customer_state(
            c,
            &f,
            held.last().expect("present").segment,
            previous_segment(&held, n_months, n_seg),
            as_of,
        ));
    }
    part
}

/// The portfolio under the six-state lifecycle scheme (spec section 8), with
/// the VIP top-share rule applied at every snapshot.
pub fn compute_lifecycle(tl: Timelines, rules: &LifecycleRules, snapshots: &[Day], toddler_days: i32) -> Portfolio {
    let month_map = MonthMap::new(snapshots);
    let thresholds = vip_thresholds(&tl, rules, snapshots, &month_map);
    let th = Thresholds::new(&thresholds);
    let parts = crate::parallel::map_ranges(tl.customers(), |range| {
        compute_part_lifecycle(&tl, rules, snapshots, toddler_days, range, &month_map, &th)
    });
    let all = merge_parts(parts, || {
        compute_part_lifecycle(&tl, rules, snapshots, toddler_days, 0..0, &month_map, &th)
    });
    let as_of = *snapshots.last().expect("at least one snapshot");
    finish(
        rules.labels().to_vec(),
        snapshots,
        all.tally,
        all.cohorts.finish(as_of),
        all.customers,
        tl.ids,
    )
}

/// Each snapshot's VIP top-share threshold total for these timelines (for
/// reports and tests): `None` where nobody is VIP by share.
pub fn lifecycle_thresholds(tl: &Timelines, rules: &LifecycleRules, snapshots: &[Day]) -> Vec<Option<Money>> {
    vip_thresholds(tl, rules, snapshots, &MonthMap::new(snapshots))
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

pub(super) fn finish(
    labels: Vec<crate::engine::segments::SegmentLabel>,
    snapshots: &[Day],
    tally: Tally,
    conversion: Vec<crate::engine::portfolio::CohortConversion>,
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
