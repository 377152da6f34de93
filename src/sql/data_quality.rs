//! `data_quality`: the `metric,value` summary `cpm tables --lenient`
//! writes beside the tables, from `work_rows`: rows read, used (dated on or
//! before the as-of date) and after it, rejected (by reason, as
//! `rows_rejected_<reason>`), left out by a filter, cancelled lines and
//! guest orders (rows and amount), returns, duplicates,
//! the date range and customers. A table has no header line, so
//! `header_line` is empty.

use super::stage::source_rows;
use super::{Ctx, Dialect};

/// Each metric and its value as an expression over `m`, `{s}` standing
/// for the dialect's string type.
fn metrics(d: &dyn Dialect) -> [(&'static str, String); 23] {
    [
        ("rows_read", "CAST(all_rows AS {s})".into()),
        ("rows_used", "CAST(rows_used AS {s})".into()),
        ("rows_rejected", "CAST(rows_rejected AS {s})".into()),
        ("rows_after_as_of", "CAST(rows_read - rows_used AS {s})".into()),
        ("excluded_by_filter", "CAST(excluded AS {s})".into()),
        ("cancelled", "CAST(cancelled AS {s})".into()),
        ("cancelled_total", "CAST(cancelled_total AS {s})".into()),
        ("guest_orders", "CAST(guest_orders AS {s})".into()),
        ("guest_orders_total", "CAST(guest_orders_total AS {s})".into()),
        ("rows_after_today", "CAST(rows_after_today AS {s})".into()),
        ("return_rows", "CAST(return_rows AS {s})".into()),
        ("returns_total", "CAST(returns_total AS {s})".into()),
        ("purchases_total", "CAST(purchases_total AS {s})".into()),
        (
            "returns_share",
            format!(
                "CAST(CASE WHEN purchases_total = 0 THEN 0 ELSE CAST(-returns_total AS {f}) / CAST(purchases_total AS {f}) END AS {{s}})",
                f = d.float_type()
            ),
        ),
        ("duplicate_rows", "CAST(duplicate_rows AS {s})".into()),
        ("first_date", format!("CAST({} AS {{s}})", d.date_of_epoch("first_d"))),
        ("last_date", format!("CAST({} AS {{s}})", d.date_of_epoch("last_d"))),
        ("as_of", format!("CAST({} AS {{s}})", d.date_of_epoch("last_snap"))),
        ("customers", "CAST(customers AS {s})".into()),
        ("customers_in_portfolio", "CAST(customers_in_portfolio AS {s})".into()),
        ("header_line", "''".into()),
        ("lines_before_header", "'0'".into()),
        ("blank_lines", "'0'".into()),
    ]
}

pub(crate) fn table(ctx: &Ctx) -> String {
    let d = ctx.d;
    let s = d.string_type();
    let used = "r.d <= k.last_snap";
    let rows = metrics(d)
        .iter()
        .map(|(name, value)| {
            format!(
                "SELECT '{name}' AS metric, {} AS value FROM m WHERE last_snap IS NOT NULL",
                value.replace("{s}", s)
            )
        })
        .chain(std::iter::once(format!(
            "SELECT CONCAT('rows_rejected_', status) AS metric, CAST(COUNT(*) AS {s}) AS value FROM {rows} \
             CROSS JOIN (SELECT MAX(last_snap) AS last_snap FROM m) z \
             WHERE z.last_snap IS NOT NULL AND status NOT IN {kept} GROUP BY status",
            rows = ctx.work("rows"),
            kept = super::cart::NOT_REJECTED,
        )))
        .collect::<Vec<_>>()
        .join("\nUNION ALL ");
    let query = format!(
        "WITH r AS (SELECT customer_id, {epoch} AS d, amount FROM ({src}) o),\n\
         k AS (SELECT MAX(snap) AS last_snap FROM {calendar}),\n\
         a AS (SELECT COUNT(*) AS rows_read, SUM(CASE WHEN {used} THEN 1 ELSE 0 END) AS rows_used, \
         SUM(CASE WHEN r.d > {today} THEN 1 ELSE 0 END) AS rows_after_today, \
         SUM(CASE WHEN {used} AND r.amount < 0 THEN 1 ELSE 0 END) AS return_rows, \
         SUM(CASE WHEN {used} AND r.amount < 0 THEN r.amount ELSE 0 END) AS returns_total, \
         SUM(CASE WHEN {used} AND r.amount >= 0 THEN r.amount ELSE 0 END) AS purchases_total, \
         MIN(r.d) AS first_d, MAX(r.d) AS last_d, MAX(k.last_snap) AS last_snap, \
         COUNT(DISTINCT CASE WHEN {used} THEN r.customer_id END) AS customers FROM r CROSS JOIN k),\n\
         dup AS (SELECT COALESCE(SUM(n - 1), 0) AS duplicate_rows FROM (SELECT COUNT(*) AS n FROM r CROSS JOIN k \
         WHERE {used} GROUP BY r.customer_id, r.d, r.amount) x),\n\
         cip AS (SELECT COUNT(*) AS customers_in_portfolio FROM {segments}),\n\
         st AS (SELECT COUNT(*) AS all_rows, SUM(CASE WHEN status = 'excluded' THEN 1 ELSE 0 END) AS excluded, \
         SUM(CASE WHEN status NOT IN {kept} THEN 1 ELSE 0 END) AS rows_rejected, \
         SUM(CASE WHEN status = 'cancelled' THEN 1 ELSE 0 END) AS cancelled, \
         SUM(CASE WHEN status = 'cancelled' THEN amount ELSE 0 END) AS cancelled_total, \
         SUM(CASE WHEN status = 'guest' THEN 1 ELSE 0 END) AS guest_orders, \
         SUM(CASE WHEN status = 'guest' THEN amount ELSE 0 END) AS guest_orders_total FROM {work_rows}),\n\
         m AS (SELECT * FROM a CROSS JOIN dup CROSS JOIN cip CROSS JOIN st)\n\
         SELECT metric, value FROM ({rows}) q",
        epoch = d.epoch_day("order_date"),
        src = source_rows(ctx),
        calendar = ctx.work("calendar"),
        today = d.epoch_day("CURRENT_DATE"),
        segments = ctx.out("segments"),
        work_rows = ctx.work("rows"),
        kept = super::cart::NOT_REJECTED,
    );
    d.create_table(&ctx.out("data_quality"), &query)
}
