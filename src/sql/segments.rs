//! `segments`: every customer in the portfolio at the as-of date (the last
//! snapshot) with their segment and facts (spec section 2), and their
//! segment at the month-end before (`new` when not present yet, empty with
//! a single snapshot: an empty string, not NULL, so that every export writes it as cpm does).

use super::Ctx;

pub(crate) fn table(ctx: &Ctx) -> String {
    let d = ctx.d;
    let query = format!(
        "WITH e AS (SELECT customer_id, grp, first_p, last_p, total, pdays FROM {events} \
         WHERE first_p IS NOT NULL AND next_d IS NULL),\n\
         h AS (SELECT customer_id, segment FROM {held} WHERE next_t IS NULL),\n\
         p AS (SELECT h.customer_id, h.segment FROM {held} h CROSS JOIN (SELECT MAX(months) AS months FROM {calendar}) m \
         WHERE h.t <= m.months - 2 AND (h.next_t IS NULL OR h.next_t > m.months - 2))\n\
         SELECT {group}e.customer_id, h.segment, {first} AS first_purchase, {last} AS last_purchase, \
         CAST(e.last_p - e.first_p AS {int}) AS tenure_days, CAST(z.as_of - e.last_p AS {int}) AS recency_days, \
         CAST(e.total AS {money}) AS total, CAST(e.pdays AS {int}) AS purchase_days, \
         CASE WHEN z.months < 2 THEN '' ELSE COALESCE(p.segment, 'new') END AS previous_segment\n\
         FROM e JOIN h ON h.customer_id = e.customer_id\n\
         LEFT JOIN p ON p.customer_id = e.customer_id\n\
         CROSS JOIN (SELECT MAX(snap) AS as_of, MAX(months) AS months FROM {calendar}) z",
        group = ctx.group_column("e"),
        events = ctx.work("events"),
        held = ctx.work("held"),
        calendar = ctx.work("calendar"),
        first = d.date_of_epoch("e.first_p"),
        last = d.date_of_epoch("e.last_p"),
        int = d.int_type(),
        money = d.money_type(),
    );
    d.create_table(&ctx.out("segments"), &query)
}
