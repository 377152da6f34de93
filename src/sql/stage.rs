//! The work tables every output table is built from, in the engine's terms
//! (spec sections 1, 2 and 4), each O(rows):
//!
//! - `work_calendar`: the snapshot dates (one row a month-end, §4);
//! - `work_days`: one row per customer and day — several rows one day are
//!   one purchase day, their amounts add up; a day is a purchase day when
//!   one of its rows has `amount >= 0` (§1);
//! - `work_events`: each such day with the customer's facts up to it
//!   (running total, first/last/previous purchase day, purchase days);
//! - `work_points`: the days on which a customer's segment may change —
//!   their days with rows, plus the days recency crosses one of the rule's
//!   lines — with the segment from that day on;
//! - `work_monthly`: per customer, the value at each month-end that has a
//!   point in its month (the last point of the month), and the next such
//!   month. Between two of these months nothing changes.
//!
//! - `work_groups` (with `--by`): each customer's group.
//!
//! Day numbers (days since 1970-01-01) are integers throughout, so the only
//! date functions are the dialect's few conversions.

use super::Ctx;

/// `0..10^4` from four cross-joined digit lists (no generator function is
/// common to the four dialects).
pub(crate) fn numbers() -> String {
    let digits = (0..10)
        .map(|n| format!("SELECT {n} AS n"))
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    format!(
        "(SELECT a.n + 10 * b.n + 100 * c.n + 1000 * e.n AS n \
         FROM ({digits}) a CROSS JOIN ({digits}) b CROSS JOIN ({digits}) c CROSS JOIN ({digits}) e)"
    )
}

/// The month number (year × 12 + month − 1) of a DATE expression.
fn month_number(date: &str) -> String {
    format!("(EXTRACT(YEAR FROM {date}) * 12 + EXTRACT(MONTH FROM {date}) - 1)")
}

/// The orders cpm uses (customer_id, order date, amount, `--by` value):
/// the `ok` rows of `work_rows`.
pub(crate) fn source_rows(ctx: &Ctx) -> String {
    format!(
        "SELECT customer_id, order_date, amount, grp_value FROM {} WHERE status = 'ok'",
        ctx.work("rows")
    )
}

/// `work_groups` (with `--by`, spec section 9): each customer's group, the
/// value on their first purchase day (up to the as-of date): blanks
/// ignored, the largest amount's, ties to the smallest in byte order,
/// `(none)` when every value is blank. Returns never decide.
pub(crate) fn groups(ctx: &Ctx) -> String {
    let query = format!(
        "WITH k AS (SELECT MAX(snap) AS last_snap FROM {calendar}),\n\
         p AS (SELECT r.customer_id, {epoch} AS d, r.amount, r.grp_value FROM ({src}) r CROSS JOIN k \
         WHERE r.amount >= 0 AND {epoch} <= k.last_snap),\n\
         f AS (SELECT customer_id, MIN(d) AS first_d FROM p GROUP BY customer_id),\n\
         c AS (SELECT p.customer_id, p.grp_value, ROW_NUMBER() OVER (PARTITION BY p.customer_id \
         ORDER BY CASE WHEN p.grp_value = '' THEN 1 ELSE 0 END, p.amount DESC, p.grp_value) AS rn \
         FROM p JOIN f ON f.customer_id = p.customer_id AND f.first_d = p.d)\n\
         SELECT customer_id, CASE WHEN grp_value = '' THEN {none} ELSE grp_value END AS grp FROM c WHERE rn = 1",
        calendar = ctx.work("calendar"),
        epoch = ctx.d.epoch_day("r.order_date"),
        src = source_rows(ctx),
        none = ctx.d.literal(crate::engine::breakdown::NONE_GROUP),
    );
    ctx.d.create_table(&ctx.work("groups"), &query)
}

pub(crate) fn calendar(ctx: &Ctx) -> String {
    let d = ctx.d;
    let (purchase_cutoff, months, last_snap) = match ctx.source.as_of {
        Some(as_of) => {
            let lit = format!("DATE '{}'", crate::dates::format_day(as_of));
            (
                format!(" AND order_date <= {lit}"),
                format!("{} - {} + 1", month_number(&lit), month_number("earliest")),
                d.epoch_day(&lit),
            )
        }
        None => (
            String::new(),
            format!(
                "{} - {} + CASE WHEN latest = {} THEN 1 ELSE 0 END",
                month_number("latest"),
                month_number("earliest"),
                d.month_end_after("latest", "0")
            ),
            String::new(),
        ),
    };
    let month_end = d.epoch_day(&d.month_end_after("s.earliest", "x.n"));
    let snap = if last_snap.is_empty() {
        month_end.clone()
    } else {
        format!("CASE WHEN x.n = s.months - 1 THEN {last_snap} ELSE {month_end} END")
    };
    let query = format!(
        "WITH src AS ({src}),\n\
         bounds AS (SELECT MIN(CASE WHEN amount >= 0{purchase_cutoff} THEN order_date END) AS earliest, \
         MAX(order_date) AS latest FROM src),\n\
         span AS (SELECT earliest, {months} AS months FROM bounds WHERE earliest IS NOT NULL)\n\
         SELECT x.n AS t, {first_month} AS first_month, {month_end} AS month_end, {snap} AS snap, s.months AS months\n\
         FROM span s CROSS JOIN {numbers} x WHERE x.n < s.months",
        src = source_rows(ctx),
        first_month = month_number("s.earliest"),
        numbers = numbers(),
    );
    d.create_table(&ctx.work("calendar"), &query)
}

pub(crate) fn days(ctx: &Ctx) -> String {
    let d = ctx.d;
    // Customers without a group have no purchase day: never present.
    let (grp, by, join) = if ctx.by() {
        (
            "g.grp",
            ", g.grp",
            format!(" JOIN {} g ON g.customer_id = r.customer_id", ctx.work("groups")),
        )
    } else {
        ("''", "", String::new())
    };
    let query = format!(
        "SELECT r.customer_id, {grp} AS grp, r.d, r.month_number - k.first_month AS month_index, SUM(r.amount) AS net, \
         MAX(CASE WHEN r.amount >= 0 THEN 1 ELSE 0 END) AS purchase\n\
         FROM (SELECT customer_id, {epoch} AS d, {month} AS month_number, amount FROM ({src}) o) r{join}\n\
         CROSS JOIN (SELECT MAX(snap) AS last_snap, MIN(first_month) AS first_month FROM {calendar}) k\n\
         WHERE r.d <= k.last_snap\n\
         GROUP BY r.customer_id{by}, r.d, r.month_number - k.first_month",
        epoch = d.epoch_day("order_date"),
        month = month_number("order_date"),
        src = source_rows(ctx),
        calendar = ctx.work("calendar"),
    );
    d.create_table(&ctx.work("days"), &query)
}

pub(crate) fn events(ctx: &Ctx) -> String {
    let w = "PARTITION BY customer_id ORDER BY d ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW";
    let query = format!(
        "SELECT customer_id, grp, d, month_index, net, purchase,\n\
         SUM(net) OVER ({w}) AS total,\n\
         MIN(CASE WHEN purchase = 1 THEN d END) OVER ({w}) AS first_p,\n\
         MAX(CASE WHEN purchase = 1 THEN d END) OVER ({w}) AS last_p,\n\
         SUM(purchase) OVER ({w}) AS pdays,\n\
         MAX(CASE WHEN purchase = 1 THEN before_p END) OVER ({w}) AS prev_p,\n\
         LEAD(d) OVER (PARTITION BY customer_id ORDER BY d) AS next_d\n\
         FROM (SELECT customer_id, grp, d, month_index, net, purchase, \
         MAX(CASE WHEN purchase = 1 THEN d END) OVER (PARTITION BY customer_id ORDER BY d \
         ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before_p FROM {days}) x",
        days = ctx.work("days"),
    );
    ctx.d.create_table(&ctx.work("events"), &query)
}

/// `classify(recency)` is the SQL of the segment at a recency expression
/// (columns `first_p`, `last_p`, `total`, `pdays`, `prev_p` in scope);
/// `breaks` the recency values at which it may change between rows.
pub(crate) fn points(ctx: &Ctx, classify: &dyn Fn(&str) -> String, breaks: &[i32]) -> String {
    let d = ctx.d;
    let mut parts = vec![format!(
        "SELECT customer_id, grp, d, month_index, total, first_p, last_p, pdays, prev_p, {seg} AS segment \
         FROM {events} WHERE first_p IS NOT NULL",
        seg = classify("(d - last_p)"),
        events = ctx.work("events"),
    )];
    for &b in breaks {
        parts.push(format!(
            "SELECT customer_id, grp, last_p + {b} AS d, {month} - k.first_month AS month_index, total, first_p, last_p, \
             pdays, prev_p, {seg} AS segment \
             FROM {events} CROSS JOIN (SELECT MAX(snap) AS last_snap, MIN(first_month) AS first_month FROM {calendar}) k \
             WHERE first_p IS NOT NULL AND last_p + {b} > d AND (next_d IS NULL OR last_p + {b} < next_d) \
             AND last_p + {b} <= k.last_snap",
            month = month_number(&d.date_of_epoch(&format!("last_p + {b}"))),
            seg = classify(&b.to_string()),
            events = ctx.work("events"),
            calendar = ctx.work("calendar"),
        ));
    }
    d.create_table(&ctx.work("points"), &parts.join("\nUNION ALL\n"))
}

pub(crate) fn monthly(ctx: &Ctx) -> String {
    // The last point of a month is the one whose next point is in a later
    // month (or that has none); that later month is the next such row's.
    let query = format!(
        "SELECT customer_id, grp, month_index AS t, segment, total, last_p, next_m AS next_t\n\
         FROM (SELECT customer_id, grp, month_index, segment, total, last_p, \
         LEAD(month_index) OVER (PARTITION BY customer_id ORDER BY d) AS next_m FROM {points}) p\n\
         WHERE next_m IS NULL OR next_m <> month_index",
        points = ctx.work("points"),
    );
    ctx.d.create_table(&ctx.work("monthly"), &query)
}

/// `work_held` for a scheme whose month-end values are `work_monthly`'s
/// (CPM): with the previous month-end value's segment, for transitions.
pub(crate) fn held_from_monthly(ctx: &Ctx) -> String {
    let query = format!(
        "SELECT customer_id, grp, t, segment, total, \
         LAG(segment) OVER (PARTITION BY customer_id ORDER BY t) AS prev_segment, next_t FROM {monthly}",
        monthly = ctx.work("monthly"),
    );
    ctx.d.create_table(&ctx.work("held"), &query)
}
