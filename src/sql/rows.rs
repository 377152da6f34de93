//! `work_rows`: the orders table read once, each row as cpm reads it —
//! the customer id trimmed, the date and amount parsed from their text
//! (`parse`), the `--by` value trimmed, the `--where`/`--where-not` filters
//! applied (spec section 10) — with its status: `ok`, `excluded` (by a
//! filter), or the reason cpm would reject it (`empty`, `bad_date`,
//! `bad_amount`). Every later step reads the `ok` rows; `data_quality`
//! counts the others as `cpm tables --lenient` does, and `cpm_rejects`
//! lists the rejected ones, so that no row vanishes.

use super::{Ctx, parse};

/// The text of column `name` (NULL stays NULL).
fn text(ctx: &Ctx, name: &str) -> String {
    format!("CAST({} AS {})", ctx.d.column(name), ctx.d.string_type())
}

/// A `--by`/`--where` cell: trimmed text, `''` for blank or NULL.
fn attribute(ctx: &Ctx, name: &str) -> String {
    format!("COALESCE({}, '')", parse::trimmed(ctx, &text(ctx, name), false))
}

/// Whether a row passes every filter (`TRUE` without filters).
fn kept(ctx: &Ctx) -> String {
    let tests: Vec<String> = ctx
        .config
        .scope
        .filters
        .iter()
        .map(|f| {
            let values: Vec<String> = f.values.iter().map(|v| ctx.d.literal(v)).collect();
            format!(
                "{} {}IN ({})",
                attribute(ctx, &f.column),
                if f.keep { "" } else { "NOT " },
                values.join(", ")
            )
        })
        .collect();
    if tests.is_empty() {
        "TRUE".into()
    } else {
        format!("({})", tests.join(" AND "))
    }
}

/// `SELECT *, a AS x, b AS y FROM prev` as CTE `name`.
fn layer(name: &str, prev: &str, columns: &[(String, String)]) -> String {
    let cols: Vec<String> = columns.iter().map(|(n, e)| format!("{e} AS {n}")).collect();
    format!("{name} AS (SELECT *, {} FROM {prev})", cols.join(", "))
}

/// The reason code of a problem (cpm's `CellProblem::code`).
fn code(problem: &str) -> String {
    format!(
        "CASE {problem} WHEN 'empty value' THEN 'empty' WHEN 'not a date' THEN 'bad_date' \
         WHEN 'no such calendar day' THEN 'bad_date' WHEN 'year out of range' THEN 'bad_date' ELSE 'bad_amount' END"
    )
}

pub fn table(ctx: &Ctx) -> String {
    let d = ctx.d;
    let cols = &ctx.config.columns;
    let stamps = ctx.source.timestamps;
    // With --timestamps the date column is an instant: dated by the
    // warehouse in the configured time zone, not read as text.
    let dated = |v: Vec<(String, String)>| -> Vec<(String, String)> {
        v.into_iter().filter(|(n, _)| !(stamps && n.starts_with('t'))).collect()
    };
    let group = match &ctx.config.scope.by {
        Some(by) => attribute(ctx, by),
        None => "''".into(),
    };
    let instant = if stamps {
        format!(
            ", {} AS t_date",
            d.local_date(&d.column(&cols.date), ctx.config.time_zone.name(), true)
        )
    } else {
        String::new()
    };
    let (date_problem, date_value) = if stamps {
        (
            format!(
                "CASE WHEN t_date IS NULL THEN 'empty value' WHEN EXTRACT(YEAR FROM t_date) < {} \
                 OR EXTRACT(YEAR FROM t_date) > {} THEN 'year out of range' END",
                crate::ingest::text::YEARS.start(),
                crate::ingest::text::YEARS.end()
            ),
            "t_date".to_string(),
        )
    } else {
        (parse::date_problem(), parse::date_value(ctx))
    };
    let problems = [
        (
            "c_problem".to_string(),
            "CASE WHEN c_text IS NULL OR customer_id = '' THEN 'empty value' END".to_string(),
        ),
        ("t_problem".to_string(), date_problem),
        ("a_problem".to_string(), parse::amount_problem(ctx)),
    ];
    let query = format!(
        "WITH s AS (SELECT {c} AS c_text, {t} AS t_text, {a} AS a_text, {group} AS grp_value, {kept} AS kept{instant} \
         FROM {table}),\n\
         {l0},\n{l1},\n{l2},\n{l3},\n{l4},\n{l5}\n\
         SELECT customer_id, CASE WHEN ok THEN {date_value} END AS order_date, \
         CASE WHEN ok THEN {amount_value} END AS amount, grp_value,\n\
         CASE WHEN NOT kept THEN 'excluded' WHEN ok THEN 'ok' ELSE {reason} END AS status,\n\
         CASE WHEN NOT kept OR ok THEN NULL WHEN c_problem IS NOT NULL THEN {cc} WHEN t_problem IS NOT NULL THEN {tc} \
         ELSE {ac} END AS problem_column,\n\
         COALESCE(c_problem, t_problem, a_problem) AS problem, c_text, t_text, a_text\n\
         FROM (SELECT *, (c_problem IS NULL AND t_problem IS NULL AND a_problem IS NULL) AS ok FROM l5) r",
        c = text(ctx, &cols.customer),
        t = text(ctx, &cols.date),
        a = text(ctx, &cols.amount),
        kept = kept(ctx),
        table = ctx.source.table,
        l0 = layer("l0", "s", &dated(parse::quick(ctx))),
        l1 = layer(
            "l1",
            "l0",
            &[
                vec![("customer_id".to_string(), parse::trimmed(ctx, "c_text", true))],
                dated(parse::normalise(ctx)),
            ]
            .concat()
        ),
        l2 = layer("l2", "l1", &dated(parse::pieces(ctx))),
        l3 = layer(
            "l3",
            "l2",
            &[parse::amount_pieces(ctx), dated(parse::time_pieces(ctx))].concat()
        ),
        l4 = layer(
            "l4",
            "l3",
            &[parse::amount_numbers(ctx), dated(parse::date_numbers(ctx))].concat()
        ),
        l5 = layer("l5", "l4", &problems),
        amount_value = parse::amount_value(ctx),
        reason = code("COALESCE(c_problem, t_problem, a_problem)"),
        cc = d.literal(&cols.customer),
        tc = d.literal(&cols.date),
        ac = d.literal(&cols.amount),
    );
    d.create_table(&ctx.work("rows"), &query)
}

/// `cpm_rejects`: the rows cpm would reject, as `rejects.csv` lists them
/// (`place` numbers them: a warehouse table has no lines), with the three
/// cells as read so that each can be found in the orders table.
pub fn rejects(ctx: &Ctx) -> String {
    let query = format!(
        "SELECT CONCAT('row ', CAST(ROW_NUMBER() OVER (ORDER BY c_text, t_text, a_text) AS {s})) AS place, \
         problem_column AS {column}, \
         COALESCE(CASE problem_column WHEN {cc} THEN c_text WHEN {tc} THEN t_text ELSE a_text END, '') AS {value}, \
         status AS reason, problem, c_text AS customer_text, t_text AS date_text, a_text AS amount_text\n\
         FROM {rows} WHERE status NOT IN ('ok', 'excluded')",
        s = ctx.d.string_type(),
        column = ctx.d.quoted("column"),
        value = ctx.d.quoted("value"),
        cc = ctx.d.literal(&ctx.config.columns.customer),
        tc = ctx.d.literal(&ctx.config.columns.date),
        rows = ctx.work("rows"),
    );
    ctx.d.create_table(&ctx.out("rejects"), &query)
}
