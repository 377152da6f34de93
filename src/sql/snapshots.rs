//! `snapshots`: every month-end × every segment (zeros included) —
//! customers, share, the month's net sales by the segment's customers and
//! their cumulative sales. Counts are running sums over months of +1 (from
//! a customer's month-end value on) and −1 (from their next one on):
//! O(customers' change months + months × segments), no grid.

use super::Ctx;

/// The segments in canonical order, as rows (segment, ord).
pub fn segment_rows(ctx: &Ctx) -> String {
    ctx.labels()
        .iter()
        .enumerate()
        .map(|(i, id)| format!("SELECT '{id}' AS segment, {i} AS ord"))
        .collect::<Vec<_>>()
        .join(" UNION ALL ")
}

/// `work_counts`: (t, snap, segment, ord, customers, sales, cumulative_sales).
pub fn counts(ctx: &Ctx) -> String {
    let w = "PARTITION BY g.segment ORDER BY g.t ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW";
    let query = format!(
        "WITH deltas AS (\n\
         SELECT t, segment, 1 AS dc, total AS dt FROM {held}\n\
         UNION ALL SELECT next_t AS t, segment, -1 AS dc, -total AS dt FROM {held} WHERE next_t IS NOT NULL),\n\
         agg AS (SELECT t, segment, SUM(dc) AS dc, SUM(dt) AS dt FROM deltas GROUP BY t, segment),\n\
         month_sales AS (SELECT customer_id, month_index AS t, SUM(net) AS net FROM {days} \
         WHERE month_index >= 0 GROUP BY customer_id, month_index),\n\
         sales AS (SELECT h.t, h.segment, SUM(s.net) AS sales FROM month_sales s \
         JOIN {held} h ON h.customer_id = s.customer_id AND h.t = s.t GROUP BY h.t, h.segment),\n\
         g AS (SELECT c.t, c.snap, s.segment, s.ord FROM {calendar} c CROSS JOIN ({segments}) s)\n\
         SELECT g.t, g.snap, g.segment, g.ord,\n\
         SUM(COALESCE(a.dc, 0)) OVER ({w}) AS customers,\n\
         CAST(COALESCE(sa.sales, 0) AS {money}) AS sales,\n\
         CAST(SUM(COALESCE(a.dt, 0)) OVER ({w}) AS {money}) AS cumulative_sales\n\
         FROM g LEFT JOIN agg a ON a.t = g.t AND a.segment = g.segment\n\
         LEFT JOIN sales sa ON sa.t = g.t AND sa.segment = g.segment",
        held = ctx.work("held"),
        days = ctx.work("days"),
        calendar = ctx.work("calendar"),
        segments = segment_rows(ctx),
        money = ctx.d.money_type(),
    );
    ctx.d.create_table(&ctx.work("counts"), &query)
}

pub fn table(ctx: &Ctx) -> String {
    let d = ctx.d;
    let query = format!(
        "SELECT {month_end} AS month_end, segment, customers,\n\
         CASE WHEN SUM(customers) OVER (PARTITION BY t) = 0 THEN CAST(0 AS {float}) \
         ELSE CAST(customers AS {float}) / SUM(customers) OVER (PARTITION BY t) END AS share,\n\
         sales, cumulative_sales\n\
         FROM {counts}",
        month_end = d.date_of_epoch("snap"),
        float = d.float_type(),
        counts = ctx.work("counts"),
    );
    d.create_table(&ctx.out("snapshots"), &query)
}
