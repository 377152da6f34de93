//! The lifecycle scheme's VIP top share (spec section 8), the one rule that
//! is not local to a customer.
//!
//! The fold gives each customer's month-end states under the local rules.
//! The top share needs, at every snapshot, the `k`-th largest total among
//! the customers present and not dormant. Pass 1 walks every customer once
//! more to get that threshold per month: a customer's (not dormant, total)
//! is piecewise constant over months, so each run of months adds its total
//! to a multiset at its first month and removes it after its last; an
//! order-statistics tree (a Fenwick tree over the distinct totals) gives
//! the `k`-th largest after each month's events. O(rows log rows).
//!
//! Pass 2 (`lift`) lifts the months in which a customer's total reaches the
//! month's threshold into VIP. Most customers are below every month's
//! threshold (one comparison); for the others a segment tree over the
//! thresholds finds the months where the answer flips, in O(log months)
//! per flip, so the work stays proportional to rows plus state changes,
//! never customers × months.

use super::dates::MonthMap;
use super::fenwick::Fenwick;
use super::fold::{Held, walk_customer};
use super::thresholds::Thresholds;
use crate::dates::Day;
use crate::engine::lifecycle::{DORMANT, LifecycleRules, VIP};
use crate::engine::timelines::Timelines;
use crate::money::Money;

/// A customer's (not dormant, total) runs as multiset events:
/// `(month, total, +1 | -1)`.
fn vip_events(held: &[Held], events: &mut Vec<(u32, i64, i8)>) {
    let mut current: Option<i64> = None;
    for h in held {
        let now = (h.segment != DORMANT).then_some(h.total as i64);
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
pub(crate) fn vip_thresholds(
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

/// The customer's month-end states with the top-share rule applied: the
/// months of a state that the rule may lift (not dormant, not VIP) in which
/// the total reaches the month's threshold become VIP.
pub(super) fn apply_vip_share(held: &[Held], months: usize, th: &Thresholds, out: &mut Vec<Held>) {
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
                    segment: VIP,
                    total: h.total,
                },
                out,
            );
            m = vip_to;
        }
    }
}
