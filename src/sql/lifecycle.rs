//! The six-state lifecycle scheme (spec section 8).
//!
//! Every rule but the VIP top share is local to a customer, as in the CPM
//! scheme. The top share needs, at every month-end, the totals of the
//! customers present and not dormant, ranked. That ranking is the one place
//! the SQL lists a customer at month-ends without a change: `work_alive`
//! holds one row per customer and month-end at which they are not dormant.
//! It is not a customers × months grid: a customer is not dormant only
//! within `dormant_days` of a purchase day, so each purchase day yields at
//! most `dormant_days / 28 + 2` such rows — O(rows) for fixed thresholds —
//! whereas a dormant customer (most of an old portfolio) yields none.

use super::Ctx;
use super::stage::numbers;

/// The state at recency `recency` (SQL) by every rule but the top share.
pub(crate) fn classify(ctx: &Ctx, recency: &str) -> String {
    let l = &ctx.config.lifecycle;
    format!(
        "(CASE WHEN {recency} > {dormant} THEN 'dormant' \
         WHEN pdays >= {vip_min} AND {recency} <= {vip_recency} THEN 'vip' \
         WHEN {recency} > {active} THEN 'at_risk' \
         WHEN pdays >= 2 AND prev_p IS NOT NULL AND last_p - prev_p > {dormant} THEN 'winback' \
         WHEN pdays <= {new_max} THEN 'newcomer' ELSE 'active' END)",
        dormant = l.dormant_days,
        vip_min = l.vip_min_purchase_days,
        vip_recency = l.vip_recency_days,
        active = l.active_days,
        new_max = l.new_max_purchase_days,
    )
}

/// Recency values at which the state may change between rows: `x > d`
/// turns true at `d + 1`.
pub(crate) fn breaks(ctx: &Ctx) -> Vec<i32> {
    let l = &ctx.config.lifecycle;
    let mut b = vec![l.active_days + 1, l.vip_recency_days + 1, l.dormant_days + 1];
    b.retain(|&x| x > 0);
    b.sort_unstable();
    b.dedup();
    b
}

/// `work_alive`: (customer, month-end) while not dormant, with the state by
/// the local rules and the total.
pub(crate) fn alive(ctx: &Ctx) -> String {
    let dormant = ctx.config.lifecycle.dormant_days;
    let span = dormant / 28 + 2;
    let query = format!(
        "-- Not dormant at S means S - last purchase <= {dormant}: at most {span} month-ends after a month with a point.\n\
         SELECT m.customer_id, m.grp, c.t, m.segment, m.total\n\
         FROM {monthly} m CROSS JOIN (SELECT n AS k FROM {numbers} x WHERE n <= {span}) o\n\
         JOIN {calendar} c ON c.t = m.t + o.k\n\
         WHERE m.segment <> 'dormant' AND (m.next_t IS NULL OR m.t + o.k < m.next_t) AND c.snap - m.last_p <= {dormant}",
        monthly = ctx.work("monthly"),
        numbers = numbers(),
        calendar = ctx.work("calendar"),
    );
    ctx.d.create_table(&ctx.work("alive"), &query)
}

/// `work_vip_threshold`: per month-end (the whole run's, with `--by` too:
/// a customer's state does not depend on the breakdown), the k-th largest total among the
/// customers not dormant, `k = ceil(vip_top_share × n)` computed in exact
/// decimals (`0.14 × 50` is 7); a month-end with `k = 0` has no row.
pub(crate) fn thresholds(ctx: &Ctx) -> String {
    let share = ctx.config.lifecycle.vip_top_share;
    let query = format!(
        "SELECT t, total AS threshold FROM (\n\
         SELECT t, total, ROW_NUMBER() OVER (PARTITION BY t ORDER BY total DESC) AS rn, \
         COUNT(*) OVER (PARTITION BY t) AS n FROM {alive}) r\n\
         WHERE rn = CEIL(n * {share})",
        alive = ctx.work("alive"),
        share = ctx.d.exact(&share.to_string()),
    );
    ctx.d.create_table(&ctx.work("vip_threshold"), &query)
}

/// `work_held`: the month-end states with the top share applied (a
/// customer not dormant whose total reaches the month's threshold is VIP),
/// and the dormant stretches as they start.
pub(crate) fn held(ctx: &Ctx) -> String {
    let share_on = !ctx.config.lifecycle.vip_top_share.is_zero();
    let alive_rows = if share_on {
        format!(
            "SELECT a.customer_id, a.grp, a.t, CASE WHEN v.threshold IS NOT NULL AND a.total >= v.threshold THEN 'vip' \
             ELSE a.segment END AS segment, a.total FROM {alive} a LEFT JOIN {th} v ON v.t = a.t",
            alive = ctx.work("alive"),
            th = ctx.work("vip_threshold"),
        )
    } else {
        format!("SELECT customer_id, grp, t, segment, total FROM {}", ctx.work("alive"))
    };
    let query = format!(
        "SELECT customer_id, grp, t, segment, total, \
         LAG(segment) OVER (PARTITION BY customer_id ORDER BY t) AS prev_segment, \
         LEAD(t) OVER (PARTITION BY customer_id ORDER BY t) AS next_t\n\
         FROM ({alive_rows}\n\
         UNION ALL\n\
         SELECT customer_id, grp, t, segment, total FROM {monthly} WHERE segment = 'dormant') f",
        monthly = ctx.work("monthly"),
    );
    ctx.d.create_table(&ctx.work("held"), &query)
}
