//! `activity`: purchase days, buyers and net sales per month-end, as the
//! engine's `activity.csv` (see `engine::activity`): from `work_days`, one
//! row per customer and day (a purchase day when one of its rows has
//! `amount >= 0`). A month's sales count a customer from the month of their
//! first purchase on (in the portfolio at that month-end), as the sales of
//! `snapshots`. Every month-end has a row, zeros included; with `--by`,
//! every group's (spec section 9).

use super::Ctx;

pub(crate) fn table(ctx: &Ctx) -> String {
    let d = ctx.d;
    let query = format!(
        "WITH firsts AS (SELECT customer_id, MIN(CASE WHEN purchase = 1 THEN month_index END) AS first_t \
         FROM {days} GROUP BY customer_id),\n\
         m AS (SELECT x.grp, x.month_index AS t, SUM(x.purchase) AS purchase_days, \
         COUNT(DISTINCT CASE WHEN x.purchase = 1 THEN x.customer_id END) AS buyers, \
         SUM(CASE WHEN x.month_index >= f.first_t THEN x.net ELSE 0 END) AS sales \
         FROM {days} x JOIN firsts f ON f.customer_id = x.customer_id \
         WHERE x.month_index >= 0 AND f.first_t IS NOT NULL GROUP BY x.grp, x.month_index),\n\
         groups AS (SELECT DISTINCT grp FROM {held})\n\
         SELECT {group}{month_end} AS month_end, CAST(COALESCE(m.purchase_days, 0) AS {int}) AS purchase_days, \
         CAST(COALESCE(m.buyers, 0) AS {int}) AS buyers, CAST(COALESCE(m.sales, 0) AS {money}) AS sales\n\
         FROM groups q CROSS JOIN {calendar} c LEFT JOIN m ON m.grp = q.grp AND m.t = c.t",
        group = ctx.group_column("q"),
        held = ctx.work("held"),
        days = ctx.work("days"),
        calendar = ctx.work("calendar"),
        month_end = d.date_of_epoch("c.snap"),
        int = d.int_type(),
        money = d.money_type(),
    );
    d.create_table(&ctx.out("activity"), &query)
}
