//! `snapshots`: every month-end × every segment (zeros included) —
//! customers, share, the month's net sales by the segment's customers and
//! their cumulative sales. Counts are running sums over months of +1 (from
//! a customer's month-end value on) and −1 (from their next one on):
//! O(customers' change months + months × segments), no grid.

use super::Ctx;

/// The segments in canonical order, as rows (segment, ord).
pub(crate) fn segment_rows(ctx: &Ctx) -> String {
    ctx.labels()
        .iter()
        .enumerate()
        .map(|(i, id)| format!("SELECT '{id}' AS segment, {i} AS ord"))
        .collect::<Vec<_>>()
        .join(" UNION ALL ")
}

/// `work_counts`: (grp, t, snap, segment, ord, customers, sales,
/// cumulative_sales): every group has every month-end and segment.
pub(crate) fn counts(ctx: &Ctx) -> String {
    let w = "PARTITION BY g.grp, g.segment ORDER BY g.t ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW";
    let query = format!(
        "WITH deltas AS (\n\
         SELECT grp, t, segment, 1 AS dc, total AS dt FROM {held}\n\
         UNION ALL SELECT grp, next_t AS t, segment, -1 AS dc, -total AS dt FROM {held} WHERE next_t IS NOT NULL),\n\
         agg AS (SELECT grp, t, segment, SUM(dc) AS dc, SUM(dt) AS dt FROM deltas GROUP BY grp, t, segment),\n\
         month_sales AS (SELECT customer_id, month_index AS t, SUM(net) AS net FROM {days} \
         WHERE month_index >= 0 GROUP BY customer_id, month_index),\n\
         sales AS (SELECT h.grp, h.t, h.segment, SUM(s.net) AS sales FROM month_sales s \
         JOIN {held} h ON h.customer_id = s.customer_id AND h.t = s.t GROUP BY h.grp, h.t, h.segment),\n\
         groups AS (SELECT DISTINCT grp FROM {held}),\n\
         g AS (SELECT q.grp, c.t, c.snap, s.segment, s.ord FROM groups q CROSS JOIN {calendar} c CROSS JOIN ({segments}) s)\n\
         SELECT g.grp, g.t, g.snap, g.segment, g.ord,\n\
         SUM(COALESCE(a.dc, 0)) OVER ({w}) AS customers,\n\
         CAST(COALESCE(sa.sales, 0) AS {money}) AS sales,\n\
         CAST(SUM(COALESCE(a.dt, 0)) OVER ({w}) AS {money}) AS cumulative_sales\n\
         FROM g LEFT JOIN agg a ON a.grp = g.grp AND a.t = g.t AND a.segment = g.segment\n\
         LEFT JOIN sales sa ON sa.grp = g.grp AND sa.t = g.t AND sa.segment = g.segment",
        held = ctx.work("held"),
        days = ctx.work("days"),
        calendar = ctx.work("calendar"),
        segments = segment_rows(ctx),
        money = ctx.d.money_type(),
    );
    ctx.d.create_table(&ctx.work("counts"), &query)
}

pub(crate) fn table(ctx: &Ctx) -> String {
    let d = ctx.d;
    let query = format!(
        "SELECT {group}{month_end} AS month_end, segment, customers,\n\
         CASE WHEN SUM(customers) OVER (PARTITION BY grp, t) = 0 THEN CAST(0 AS {float}) \
         ELSE CAST(customers AS {float}) / SUM(customers) OVER (PARTITION BY grp, t) END AS share,\n\
         sales, cumulative_sales\n\
         FROM {counts} c",
        group = ctx.group_column("c"),
        month_end = d.date_of_epoch("snap"),
        float = d.float_type(),
        counts = ctx.work("counts"),
    );
    d.create_table(&ctx.out("snapshots"), &query)
}
