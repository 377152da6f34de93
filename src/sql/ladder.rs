//! `ladder`: the cohort ladder (spec section 7) — of each acquisition
//! month's customers, how many are in each segment k month-ends after it
//! (k = 0 .. 12, as far as the data goes), zeros included. Running sums over
//! k of +1/−1 from the customers' month-end values, as for the counts.

use super::Ctx;
use super::snapshots::segment_rows;
use super::stage::numbers;
use crate::engine::portfolio::LADDER_MONTHS;

pub(crate) fn table(ctx: &Ctx) -> String {
    let d = ctx.d;
    let w = "PARTITION BY g.grp, g.c, g.segment ORDER BY g.k ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW";
    let query = format!(
        "WITH h AS (SELECT customer_id, grp, t, segment, next_t, MIN(t) OVER (PARTITION BY customer_id) AS c FROM {held}),\n\
         z AS (SELECT MAX(months) AS months FROM {calendar}),\n\
         deltas AS (\n\
         SELECT h.grp, h.c, h.t - h.c AS k, h.segment, 1 AS dc FROM h WHERE h.t - h.c < {ladder}\n\
         UNION ALL SELECT h.grp, h.c, LEAST(COALESCE(h.next_t, z.months) - h.c, {ladder}) AS k, h.segment, -1 AS dc \
         FROM h CROSS JOIN z WHERE h.t - h.c < {ladder}),\n\
         agg AS (SELECT grp, c, k, segment, SUM(dc) AS dc FROM deltas GROUP BY grp, c, k, segment),\n\
         sizes AS (SELECT grp, c, COUNT(*) AS cohort_size FROM h WHERE t = c GROUP BY grp, c),\n\
         g AS (SELECT s.grp, s.c, s.cohort_size, x.n AS k, seg.segment, seg.ord FROM sizes s CROSS JOIN z \
         CROSS JOIN (SELECT n FROM {numbers} q WHERE n < {ladder}) x CROSS JOIN ({segments}) seg \
         WHERE x.n < z.months - s.c)\n\
         SELECT {group}SUBSTR(CAST({month_end} AS {string}), 1, 7) AS cohort_month, CAST(g.cohort_size AS {int}) AS cohort_size, \
         CAST(g.k AS {int}) AS months_after, g.segment, CAST(SUM(COALESCE(a.dc, 0)) OVER ({w}) AS {int}) AS customers\n\
         FROM g JOIN {calendar} m ON m.t = g.c LEFT JOIN agg a ON a.grp = g.grp AND a.c = g.c AND a.k = g.k AND a.segment = g.segment",
        group = ctx.group_column("g"),
        held = ctx.work("held"),
        calendar = ctx.work("calendar"),
        ladder = LADDER_MONTHS,
        numbers = numbers(),
        segments = segment_rows(ctx),
        month_end = d.date_of_epoch("m.month_end"),
        string = d.string_type(),
        int = d.int_type(),
    );
    d.create_table(&ctx.out("ladder"), &query)
}
