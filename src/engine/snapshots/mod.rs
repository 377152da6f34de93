//! The portfolio at every snapshot date, computed from change points.
//!
//! A customer's segment changes only on a day with a row of theirs, or on
//! a day when their recency crosses one of the rule's breaks (for CPM,
//! `churn_days`). So each customer contributes a handful of
//! "from month m on, segment s" records (`fold`), and counts, cumulative
//! sales, transitions and the cohort ladder are difference arrays over
//! months (`tally`): O(rows + months × segments), never customers × months.
//! The lifecycle's VIP top share is the one rule that looks across
//! customers (`vip_share`, with `fenwick` and `thresholds`); `walk` puts
//! the pieces together for one range of customers, whatever the scheme.

mod dates;
mod fenwick;
mod fold;
mod tally;
mod thresholds;
mod vip_share;
mod walk;

pub use dates::snapshot_days;
pub(crate) use walk::{Part, Walk};

use crate::dates::{Day, is_month_end};
use crate::engine::lifecycle::LifecycleRules;
use crate::engine::portfolio::Portfolio;
use crate::engine::scheme::SchemeRules;
use crate::engine::timelines::Timelines;
use crate::money::Money;

/// Computes the whole portfolio over `snapshots` (ascending; the last one is
/// the as-of date) under the scheme's rules; under the lifecycle scheme the
/// VIP top share is applied at every snapshot (spec section 8). `tl` must
/// hold no day after the last snapshot. Customers are split over the
/// machine's cores; the parts add up.
pub(crate) fn compute(mut tl: Timelines, rules: SchemeRules<'_>, snapshots: &[Day], toddler_days: i32) -> Portfolio {
    debug_assert!(snapshots[..snapshots.len() - 1].iter().all(|&d| is_month_end(d)));
    let ids = std::mem::take(&mut tl.ids);
    let walk = Walk::new(&tl, rules, snapshots, toddler_days);
    let parts = crate::parallel::map_ranges(tl.customers(), |range| walk.part(range));
    // In range order, so customers keep their order.
    let mut parts = parts.into_iter();
    let mut all = parts.next().unwrap_or_else(|| walk.part(0..0));
    parts.for_each(|part| all.merge(part));
    walk.finish(all, ids)
}

/// Each snapshot's VIP top-share threshold total for these timelines (for
/// reports and tests): `None` where nobody is VIP by share.
pub fn lifecycle_thresholds(tl: &Timelines, rules: &LifecycleRules, snapshots: &[Day]) -> Vec<Option<Money>> {
    vip_share::vip_thresholds(tl, rules, snapshots, &dates::MonthMap::new(snapshots))
}
