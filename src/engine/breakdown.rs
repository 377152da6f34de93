//! Breakdowns by a customer attribute (spec section 9): each customer's
//! group, and one portfolio per group over the run's snapshot dates.
//!
//! The group is decided once per customer in one pass over the rows (16
//! bytes a customer). The portfolios come from the same walk as the plain
//! run: customers are ordered by group (a counting sort), each worker walks
//! a range of that order, and each group's change points fold into that
//! group's own tally, which is finished into a portfolio as soon as the
//! group is complete. So memory grows by groups × months × segments (the
//! results), and the whole run is the sum of the groups' tallies, exactly.

use crate::dates::Day;
use crate::engine::portfolio::{CohortConversion, LadderCohort, Portfolio};
use crate::engine::scheme::SchemeRules;
use crate::engine::snapshots::{Part, Walk};
use crate::engine::timelines::Timelines;
use crate::money::Money;
use crate::orders::{Attribute, BLANK};

/// The group of a customer whose first-day purchase rows are all blank.
pub(crate) const NONE_GROUP: &str = "(none)";

/// Marks a customer with no purchase on or before the cutoff (no group).
pub(crate) const NO_GROUP: u32 = u32::MAX;

/// A run split by one attribute.
#[derive(Debug, Clone, PartialEq)]
pub struct Breakdown {
    /// The attribute column as found in the file.
    pub column: String,
    /// Group labels in byte order (UTF-8); a group index is a position here.
    pub groups: Vec<String>,
    /// `portfolios[g]`: group `g`'s portfolio, with the run's snapshot dates
    /// and as-of date. These hold no per-customer rows (`customers` and
    /// `ids` are empty): the customers are the whole run's, with their group
    /// in [`Breakdown::customer_group`].
    pub portfolios: Vec<Portfolio>,
    /// `customer_group[i]`: the group of the whole run's `customers[i]`.
    /// With a breakdown the whole run lists its customers by group (so this
    /// is ascending), then in order of first appearance, as `segments.csv`.
    pub customer_group: Vec<u32>,
}

impl Breakdown {
    /// Indexes into the whole run's `customers` of group `g`'s members.
    pub fn members(&self, g: usize) -> impl Iterator<Item = usize> + '_ {
        self.customer_group
            .iter()
            .enumerate()
            .filter(move |(_, k)| **k as usize == g)
            .map(|(i, _)| i)
    }
}

/// Each customer's first purchase day so far and the best value of that
/// day (spec section 9): the largest amount, then the smallest value code
/// (codes follow byte order); blank values never win. The rows may come in
/// any order: the result does not depend on it.
pub(crate) struct FirstDay {
    /// Per customer: the first purchase day seen ([`Day::MAX`]: none yet).
    pub(crate) first: Vec<Day>,
    /// Per customer: the winning value code of that day ([`BLANK`]: none).
    pub(crate) best: Vec<u32>,
    best_amount: Vec<Money>,
}

impl FirstDay {
    pub fn new(customers: usize) -> FirstDay {
        FirstDay {
            first: vec![Day::MAX; customers],
            best: vec![BLANK; customers],
            best_amount: vec![Money::ZERO; customers],
        }
    }

    /// Takes in a purchase row (`amount >= 0`, dated on or before the
    /// cutoff) of customer `c` with value code `v`.
    #[inline]
    pub(crate) fn see(&mut self, c: usize, d: Day, a: Money, v: u32) {
        if d < self.first[c] {
            self.first[c] = d;
            self.best[c] = BLANK;
        } else if d > self.first[c] {
            return;
        }
        let best = self.best[c];
        if v != BLANK && (best == BLANK || a > self.best_amount[c] || (a == self.best_amount[c] && v < best)) {
            self.best[c] = v;
            self.best_amount[c] = a;
        }
    }
}

/// Each customer's group (spec section 9): the group index per customer
/// code ([`NO_GROUP`] for customers without a purchase on or before
/// `cutoff`), and the group labels in byte order.
///
/// `customer`, `day` and `amount` are the order rows; `attribute.codes` is
/// aligned with them and numbered in byte order of the values.
pub(crate) fn customer_groups(
    customers: usize,
    customer: &[u32],
    day: &[Day],
    amount: &[Money],
    attribute: &Attribute,
    cutoff: Day,
) -> (Vec<u32>, Vec<String>) {
    let mut seen = FirstDay::new(customers);
    for (i, ((&c, &d), &a)) in customer.iter().zip(day).zip(amount).enumerate() {
        if !a.is_negative() && d <= cutoff {
            seen.see(c as usize, d, a, attribute.codes[i]);
        }
    }
    groups_of(&seen.first, &seen.best, &attribute.values)
}

/// The groups of customers whose first purchase day is `first` (per
/// customer code, [`Day::MAX`] for none) and whose winning value code that
/// day is `best` (an index into `values`, or [`BLANK`]): the group index per
/// customer ([`NO_GROUP`] without a purchase) and the labels in byte order.
pub(crate) fn groups_of(first: &[Day], best: &[u32], values: &[String]) -> (Vec<u32>, Vec<String>) {
    // Labels: the values that are someone's group, and `(none)`, in byte
    // order (a value spelled `(none)` is that group).
    let mut used = vec![false; values.len()];
    let mut none = false;
    for (&b, &f) in best.iter().zip(first) {
        match (f, b) {
            (Day::MAX, _) => {}
            (_, BLANK) => none = true,
            (_, v) => used[v as usize] = true,
        }
    }
    let mut labels: Vec<&str> = values
        .iter()
        .zip(&used)
        .filter(|(_, u)| **u)
        .map(|(v, _)| v.as_str())
        .collect();
    if none {
        labels.push(NONE_GROUP);
    }
    labels.sort_unstable_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
    labels.dedup();
    let position = |label: &str| labels.binary_search_by(|l| l.as_bytes().cmp(label.as_bytes())).ok();
    let index_of: Vec<u32> = values
        .iter()
        .map(|v| position(v).map_or(NO_GROUP, |i| i as u32))
        .collect();
    let none_index = position(NONE_GROUP).map_or(NO_GROUP, |i| i as u32);
    let groups = best
        .iter()
        .zip(first)
        .map(|(&b, &f)| match (f, b) {
            (Day::MAX, _) => NO_GROUP,
            (_, BLANK) => none_index,
            (_, v) => index_of[v as usize],
        })
        .collect();
    (groups, labels.into_iter().map(str::to_string).collect())
}

/// Most memory the groups' portfolios may take (see [`memory_estimate`]).
pub(crate) const MAX_MEMORY: u64 = 4 << 30;

/// Bytes the portfolios of `groups` groups take at most, over `months`
/// month-ends and `segments` segments: per month, a transition matrix
/// (`(segments + 1) × segments` counts), counts and two sums per segment,
/// and the cohort ladder (14 × segments), 8 bytes each, plus the vectors'
/// headers (a small-group estimate: most groups of a wide column are small,
/// and their ladders and cohorts fewer).
pub(crate) fn memory_estimate(groups: usize, months: usize, segments: usize) -> u64 {
    let per_month = ((segments + 1) * segments + 3 * segments + 14 * segments) * 8 + (segments + 4) * 24;
    groups as u64 * months as u64 * per_month as u64
}

/// What one worker produced for a group it walked.
enum GroupPart {
    /// The whole group was in the worker's range: finished.
    Done(Box<Portfolio>),
    /// Part of a group that spans workers: merged with the others after.
    Partial(Box<Part>),
}

/// Up to this many groups, each worker keeps a part per group and walks
/// its customers in file order ([`few_groups`]); past it, customers are
/// walked in group order ([`many_groups`]), so that memory does not grow by
/// workers × groups.
const FEW_GROUPS: usize = 64;

/// Customers per block of [`few_groups`]: their timelines stay in cache
/// while each group's members among them are walked.
const BLOCK: usize = 4096;

/// The whole run's part and every group's portfolio (without per-customer
/// rows: those are the whole run's).
fn grouped(walk: &Walk<'_>, group_of: &[u32], n_groups: usize) -> (Part, Vec<Portfolio>) {
    if n_groups <= FEW_GROUPS {
        few_groups(walk, group_of, n_groups)
    } else {
        many_groups(walk, group_of, n_groups)
    }
}

/// [`grouped`] for a few groups: each worker walks a range of customers in
/// code order (so their timelines are read in memory order), a block at a
/// time, each group's members of the block into that group's part. The
/// whole run lists its customers by group, then in order of first
/// appearance, as `segments.csv`.
fn few_groups(walk: &Walk<'_>, group_of: &[u32], n_groups: usize) -> (Part, Vec<Portfolio>) {
    let per_worker: Vec<Vec<Part>> = crate::parallel::map_ranges(group_of.len(), |range| {
        let mut parts: Vec<Part> = (0..n_groups).map(|_| walk.empty()).collect();
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); n_groups];
        for begin in range.clone().step_by(BLOCK) {
            let end = (begin + BLOCK).min(range.end);
            for (&g, c) in group_of[begin..end].iter().zip(begin..) {
                if g != NO_GROUP {
                    members[g as usize].push(c);
                }
            }
            for (part, list) in parts.iter_mut().zip(members.iter_mut()) {
                walk.extend(part, list.drain(..));
            }
        }
        parts
    });
    let mut groups: Vec<Part> = (0..n_groups).map(|_| walk.empty()).collect();
    for parts in per_worker {
        for (group, part) in groups.iter_mut().zip(parts) {
            group.merge(part);
        }
    }
    let mut whole = walk.empty();
    let mut portfolios = Vec::with_capacity(n_groups);
    for mut group in groups {
        whole.tally.merge(&group.tally);
        whole.cohorts.merge(&group.cohorts);
        whole.customers.append(&mut group.customers);
        portfolios.push(walk.finish(group, Default::default()));
    }
    (whole, portfolios)
}

/// [`grouped`] for many groups: customers ordered by group (a counting
/// sort), each worker walking a range of that order and finishing each
/// group it holds whole.
fn many_groups(walk: &Walk<'_>, group_of: &[u32], n_groups: usize) -> (Part, Vec<Portfolio>) {
    let empty = || walk.part(0..0);
    let finish_group = |part: Part| walk.finish(part, Default::default());
    // Customers ordered by group (counting sort); `starts[g]..starts[g + 1]`.
    let mut starts = vec![0usize; n_groups + 1];
    for &g in group_of.iter().filter(|&&g| g != NO_GROUP) {
        starts[g as usize + 1] += 1;
    }
    for g in 0..n_groups {
        starts[g + 1] += starts[g];
    }
    let mut fill = starts.clone();
    let mut order = vec![0u32; starts[n_groups]];
    for (c, &g) in group_of.iter().enumerate() {
        if g != NO_GROUP {
            order[fill[g as usize]] = c as u32;
            fill[g as usize] += 1;
        }
    }
    drop(fill);

    let results: Vec<(Part, Vec<(usize, GroupPart)>)> = crate::parallel::map_ranges(order.len(), |range| {
        let mut whole = empty();
        let mut groups = Vec::new();
        let mut at = range.start;
        while at < range.end {
            let g = starts.partition_point(|&s| s <= at) - 1;
            let end = starts[g + 1].min(range.end);
            let mut part = walk.part(order[at..end].iter().map(|&c| c as usize));
            whole.tally.merge(&part.tally);
            whole.cohorts.merge(&part.cohorts);
            whole.customers.append(&mut part.customers);
            let complete = at == starts[g] && end == starts[g + 1];
            groups.push((
                g,
                if complete {
                    GroupPart::Done(Box::new(finish_group(part)))
                } else {
                    GroupPart::Partial(Box::new(part))
                },
            ));
            at = end;
        }
        (whole, groups)
    });

    let mut whole = empty();
    let mut done: Vec<Option<Portfolio>> = (0..n_groups).map(|_| None).collect();
    let mut partial: Vec<Option<Part>> = (0..n_groups).map(|_| None).collect();
    for (part, groups) in results {
        whole.tally.merge(&part.tally);
        whole.cohorts.merge(&part.cohorts);
        whole.customers.extend(part.customers);
        for (g, result) in groups {
            match result {
                GroupPart::Done(p) => done[g] = Some(*p),
                GroupPart::Partial(p) => match &mut partial[g] {
                    Some(acc) => {
                        acc.tally.merge(&p.tally);
                        acc.cohorts.merge(&p.cohorts);
                    }
                    slot => *slot = Some(*p),
                },
            }
        }
    }
    // The workers' ranges follow `order`, so the whole run's customers are
    // by group, then in order of first appearance, as `segments.csv` lists them.
    let portfolios = done
        .into_iter()
        .zip(partial)
        .map(|(d, p)| match (d, p) {
            (Some(d), _) => d,
            (None, Some(p)) => finish_group(p),
            (None, None) => finish_group(empty()),
        })
        .collect();
    (whole, portfolios)
}

/// The whole run and each group's portfolio: as
/// [`snapshots::compute`], with customers split by `group_of` (one group
/// index per customer code, [`NO_GROUP`] for customers never present).
/// Under the lifecycle scheme the VIP top share is the whole run's (a
/// customer's state does not depend on the breakdown), so the groups still
/// add up to the run without `--by`.
///
/// [`snapshots::compute`]: crate::engine::snapshots::compute
pub(crate) fn compute_grouped(
    mut tl: Timelines,
    rules: SchemeRules<'_>,
    snapshots: &[Day],
    toddler_days: i32,
    group_of: &[u32],
    n_groups: usize,
) -> (Portfolio, Vec<Portfolio>) {
    let ids = std::mem::take(&mut tl.ids);
    let walk = Walk::new(&tl, rules, snapshots, toddler_days);
    let (whole, groups) = grouped(&walk, group_of, n_groups);
    (walk.finish(whole, ids), groups)
}

/// The sum of the groups' portfolios (all with the same labels and
/// snapshot dates): counts, sales, transitions, cohorts and the ladder
/// added up, rates recomputed. Per-customer rows are not summed (`customers`
/// and `ids` are empty): for tables read back, where the groups are all
/// there is.
pub fn sum(groups: &[Portfolio]) -> Option<Portfolio> {
    let first = groups.first()?;
    let mut whole = Portfolio {
        customers: Vec::new(),
        ids: Default::default(),
        conversion: Vec::new(),
        ladder: Vec::new(),
        ..first.clone()
    };
    let add = |a: &mut Vec<Vec<i128>>, b: &[Vec<i128>]| {
        a.iter_mut()
            .zip(b)
            .for_each(|(x, y)| x.iter_mut().zip(y).for_each(|(x, y)| *x += y));
    };
    for p in &groups[1..] {
        for (x, y) in whole.counts.iter_mut().zip(&p.counts) {
            x.iter_mut().zip(y).for_each(|(x, y)| *x += y);
        }
        add(&mut whole.sales, &p.sales);
        add(&mut whole.cumulative_sales, &p.cumulative_sales);
        for (m, q) in whole.transitions.iter_mut().zip(&p.transitions) {
            for (x, y) in m.cells.iter_mut().zip(&q.cells) {
                x.iter_mut().zip(y).for_each(|(x, y)| *x += y);
            }
        }
    }
    let mut conversion: std::collections::BTreeMap<_, CohortConversion> = Default::default();
    let mut ladder: std::collections::BTreeMap<_, LadderCohort> = Default::default();
    for p in groups {
        for c in &p.conversion {
            let e = conversion.entry(c.cohort_month).or_insert(CohortConversion {
                cohort_size: 0,
                converted: 0,
                ..c.clone()
            });
            e.cohort_size += c.cohort_size;
            e.converted += c.converted;
        }
        for c in &p.ladder {
            match ladder.get_mut(&c.cohort_month) {
                None => {
                    ladder.insert(c.cohort_month, c.clone());
                }
                Some(e) => {
                    e.size += c.size;
                    for (x, y) in e.counts.iter_mut().zip(&c.counts) {
                        x.iter_mut().zip(y).for_each(|(x, y)| *x += y);
                    }
                }
            }
        }
    }
    whole.conversion = conversion
        .into_values()
        .map(|c| CohortConversion {
            rate: c.converted as f64 / c.cohort_size as f64,
            ..c
        })
        .collect();
    whole.ladder = ladder.into_values().collect();
    Some(whole)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Config, Overrides};
    use crate::orders::Orders;

    /// Both ways of walking the groups give the same whole run and the
    /// same group portfolios, customers listed alike (several blocks per
    /// worker, customers without a group among them).
    #[test]
    fn few_and_many_groups_walk_alike() {
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n
        };
        let ids: Vec<String> = (0..12_000).map(|c| format!("C{c}")).collect();
        let start = crate::dates::parse_iso_day("2023-01-01").unwrap();
        let rows: Vec<(usize, Day, Money)> = (0..40_000)
            .map(|_| {
                let amount = next(9_000) as i64 - 500;
                (
                    next(12_000) as usize,
                    start + next(700) as Day,
                    Money(amount * 1_000_000),
                )
            })
            .collect();
        let orders = Orders::from_rows(rows.iter().map(|(c, d, a)| (ids[*c].as_str(), *d, *a)));
        let n_groups = 7;
        let group_of: Vec<u32> = (0..orders.ids.len())
            .map(|_| match next(10) {
                0 => NO_GROUP,
                _ => next(n_groups as u64) as u32,
            })
            .collect();
        let snapshots = crate::engine::snapshots::snapshot_days(start, start + 700, None).unwrap();
        let (tl, _) = crate::engine::timelines::build(orders, *snapshots.last().unwrap());
        let lifecycle = Config::parse_file("scheme = \"lifecycle\"\n[lifecycle]\nvip_top_share = 0.2\n").unwrap();
        for file in [Default::default(), lifecycle] {
            let config = Config::resolve(&file, &Overrides::default()).unwrap();
            let walk = Walk::new(&tl, config.scheme_rules(), &snapshots, config.rules.toddler_days);
            let (few_whole, few) = few_groups(&walk, &group_of, n_groups);
            let (many_whole, many) = many_groups(&walk, &group_of, n_groups);
            assert_eq!(few, many);
            assert!(few_whole.customers.len() > 9_000);
            let few_whole = walk.finish(few_whole, Default::default());
            let many_whole = walk.finish(many_whole, Default::default());
            assert_eq!(few_whole, many_whole);
        }
    }
}
