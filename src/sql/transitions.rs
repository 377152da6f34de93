//! `transitions`: for consecutive month-ends, each customer present at the
//! later one counted once in (segment before, segment after); `new` for
//! customers first present then (spec section 5). Moves come from the
//! change months; stayers are the earlier size less those who moved out.

use super::Ctx;

pub(crate) fn table(ctx: &Ctx) -> String {
    let d = ctx.d;
    let query = format!(
        "WITH moves AS (\n\
         SELECT grp, t, COALESCE(prev_segment, 'new') AS from_segment, segment AS to_segment, COUNT(*) AS customers \
         FROM {held} WHERE t >= 1 AND (prev_segment IS NULL OR prev_segment <> segment) \
         GROUP BY grp, t, COALESCE(prev_segment, 'new'), segment),\n\
         moved_out AS (SELECT grp, t, from_segment, SUM(customers) AS moved FROM moves GROUP BY grp, t, from_segment),\n\
         stay AS (SELECT c.grp, c.t + 1 AS t, c.segment AS from_segment, c.segment AS to_segment, \
         c.customers - COALESCE(o.moved, 0) AS customers \
         FROM {counts} c LEFT JOIN moved_out o ON o.grp = c.grp AND o.t = c.t + 1 AND o.from_segment = c.segment),\n\
         cells AS (SELECT grp, t, from_segment, to_segment, customers FROM moves \
         UNION ALL SELECT grp, t, from_segment, to_segment, customers FROM stay)\n\
         SELECT {group}{from_end} AS from_month_end, {to_end} AS to_month_end, x.from_segment, x.to_segment, \
         CAST(x.customers AS {int}) AS customers\n\
         FROM cells x JOIN {calendar} b ON b.t = x.t JOIN {calendar} a ON a.t = x.t - 1\n\
         WHERE x.customers > 0",
        group = ctx.group_column("x"),
        held = ctx.work("held"),
        counts = ctx.work("counts"),
        calendar = ctx.work("calendar"),
        from_end = d.date_of_epoch("a.snap"),
        to_end = d.date_of_epoch("b.snap"),
        int = d.int_type(),
    );
    d.create_table(&ctx.out("transitions"), &query)
}
