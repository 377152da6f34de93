//! `conversion`: 初回→よちよち by acquisition month (spec section 6):
//! converted when the second purchase day is within `toddler_days` of the
//! first; a cohort is matured once `end of month + toddler_days - 1` is on
//! or before the as-of date (the last snapshot).

use super::Ctx;

pub(crate) fn table(ctx: &Ctx) -> String {
    let d = ctx.d;
    let toddler = ctx.config.rules.toddler_days;
    let query = format!(
        "WITH c AS (\n\
         SELECT customer_id, MIN(grp) AS grp, MIN(first_p) AS first_p, \
         MIN(CASE WHEN purchase = 1 AND pdays = 2 THEN d END) AS second_p, \
         MIN(CASE WHEN purchase = 1 AND pdays = 1 THEN month_index END) AS t \
         FROM {events} WHERE first_p IS NOT NULL GROUP BY customer_id),\n\
         g AS (SELECT grp, t, COUNT(*) AS cohort_size, \
         SUM(CASE WHEN second_p - first_p >= 1 AND second_p - first_p < {toddler} THEN 1 ELSE 0 END) AS converted \
         FROM c GROUP BY grp, t)\n\
         SELECT {group}SUBSTR(CAST({month_end} AS {string}), 1, 7) AS cohort_month, \
         CAST(g.cohort_size AS {int}) AS cohort_size, CAST(g.converted AS {int}) AS converted, \
         CAST(g.converted AS {float}) / g.cohort_size AS rate, \
         (k.month_end + {toddler} - 1 <= z.as_of) AS matured\n\
         FROM g JOIN {calendar} k ON k.t = g.t CROSS JOIN (SELECT MAX(snap) AS as_of FROM {calendar}) z",
        group = ctx.group_column("g"),
        events = ctx.work("events"),
        calendar = ctx.work("calendar"),
        month_end = d.date_of_epoch("k.month_end"),
        string = d.string_type(),
        int = d.int_type(),
        float = d.float_type(),
    );
    d.create_table(&ctx.out("conversion"), &query)
}
