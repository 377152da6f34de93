//! `work_rows`: the orders table read once, each row as cpm reads it —
//! the customer id trimmed, the date and amount parsed from their text
//! (`parse`), the `--by` value trimmed, the `--where`/`--where-not` filters
//! applied (spec section 10) — with its status: `ok`, `excluded` (by a
//! filter), or the reason cpm would reject it (`empty`, `bad_date`,
//! `bad_amount`). Every later step reads the `ok` rows; `data_quality`
//! counts the others as `cpm tables --lenient` does, and `cpm_rejects`
//! lists the rejected ones, so that no row vanishes.

use super::{Ctx, cart, parse};

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
pub(crate) fn layer(name: &str, prev: &str, columns: &[(String, String)]) -> String {
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

/// The columns read from the orders table: the customer, date and group
/// cells, whether the filters keep the row, (with --timestamps) the date
/// of the instant, and the cart's (`cart::source_columns`).
fn source(ctx: &Ctx) -> Vec<(String, String)> {
    let d = ctx.d;
    let cols = &ctx.config.columns;
    let group = match &ctx.config.scope.by {
        Some(by) => attribute(ctx, by),
        None => "''".into(),
    };
    let mut source = vec![
        ("c_text".to_string(), text(ctx, &cols.customer)),
        ("t_text".to_string(), text(ctx, &cols.date)),
        ("grp_value".to_string(), group),
        ("kept".to_string(), kept(ctx)),
    ];
    if ctx.source.timestamps {
        source.push((
            "t_date".into(),
            d.local_date(&d.column(&cols.date), ctx.config.time_zone.name(), true),
        ));
    }
    source.extend(cart::source_columns(ctx));
    source
}

/// The date's problem and value: read from text, or (with --timestamps)
/// the instant's date, only its year checked.
fn date_reading(ctx: &Ctx) -> (String, String) {
    if ctx.source.timestamps {
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
    }
}

pub(crate) fn table(ctx: &Ctx) -> String {
    let stamps = ctx.source.timestamps;
    // With --timestamps the date column is an instant: dated by the
    // warehouse in the configured time zone, not read as text.
    let dated = |v: Vec<(String, String)>| -> Vec<(String, String)> {
        v.into_iter().filter(|(n, _)| !(stamps && n.starts_with('t'))).collect()
    };
    let (date_problem, date_value) = date_reading(ctx);
    let problems = [
        (
            "c_problem".to_string(),
            "CASE WHEN c_text IS NULL OR customer_id = '' THEN 'empty value' END".to_string(),
        ),
        ("t_problem".to_string(), date_problem),
        ("a_problem".to_string(), parse::amount_problem(ctx)),
    ];
    // The source's columns, read once; with an amount formula, its other
    // operands are read first (cart), then the main reading as here.
    let source = source(ctx);
    let names: Vec<String> = source.iter().map(|(n, _)| n.clone()).collect();
    let operands = cart::operand_ctes(ctx, "s0", &names);
    let first = if operands.is_empty() { "s" } else { "s0" };
    let select: Vec<String> = source.iter().map(|(n, e)| format!("{e} AS {n}")).collect();
    let mut ctes = vec![format!(
        "{first} AS (SELECT {} FROM {})",
        select.join(", "),
        ctx.source.table
    )];
    ctes.extend(operands);
    ctes.push(layer("l0", "s", &dated(parse::quick(ctx))));
    ctes.push(layer(
        "l1",
        "l0",
        &[
            vec![("customer_id".to_string(), parse::trimmed(ctx, "c_text", true))],
            dated(parse::normalise(ctx)),
        ]
        .concat(),
    ));
    ctes.push(layer("l2", "l1", &dated(parse::pieces(ctx))));
    ctes.push(layer(
        "l3",
        "l2",
        &[parse::amount_pieces(ctx), dated(parse::time_pieces(ctx))].concat(),
    ));
    ctes.push(layer(
        "l4",
        "l3",
        &[parse::amount_numbers(ctx), dated(parse::date_numbers(ctx))].concat(),
    ));
    ctes.push(layer("l5", "l4", &problems));
    let (formula, last) = cart::formula_ctes(ctx, "l5");
    ctes.extend(formula);
    let query = format!(
        "WITH {ctes}\n{select}",
        ctes = ctes.join(",\n"),
        select = final_select(ctx, &cart::amount_problems(ctx), &date_value, &last),
    );
    ctx.d.create_table(&ctx.work("rows"), &query)
}

/// The rows with their status: a row whose formula cannot be computed is
/// rejected first (cpm stops on it), then the filters, cancelled lines,
/// guest orders, and the bad cells in cpm's order (customer, date, the
/// amount or each operand).
fn final_select(ctx: &Ctx, amounts: &[(String, String, String)], date_value: &str, last: &str) -> String {
    let d = ctx.d;
    let cols = &ctx.config.columns;
    let formula = cart::formula(ctx);
    let f_problem = if formula.is_some() {
        "f_problem"
    } else {
        "CAST(NULL AS STRING)"
    };
    let f_problem = f_problem.replace("STRING", d.string_type());
    let mut cells = vec![
        ("c_problem".to_string(), cols.customer.clone(), "c_text".to_string()),
        ("t_problem".to_string(), cols.date.clone(), "t_text".to_string()),
    ];
    cells.extend(amounts.iter().cloned());
    let problem_list: Vec<&str> = cells.iter().map(|(p, _, _)| p.as_str()).collect();
    let mut column = format!(
        "CASE WHEN {f_problem} IS NOT NULL THEN {}",
        d.literal(&cart::amount_name(ctx))
    );
    let mut value = format!("CASE WHEN {f_problem} IS NOT NULL THEN {}", cart::amount_cells(ctx));
    for (problem, name, cell) in &cells {
        column.push_str(&format!(" WHEN {problem} IS NOT NULL THEN {}", d.literal(name)));
        value.push_str(&format!(" WHEN {problem} IS NOT NULL THEN {cell}"));
    }
    format!(
        "SELECT customer_id, CASE WHEN ok THEN {date_value} END AS order_date, \
         CASE WHEN ok OR status IN ('cancelled', 'guest') THEN {amount} END AS amount, grp_value, status,\n\
         CASE WHEN status IN {kept} THEN NULL ELSE {column} END END AS problem_column,\n\
         CASE WHEN status IN {kept} THEN NULL ELSE {value} END END AS problem_value,\n\
         problem, c_text, t_text, {cells} AS a_text\n\
         FROM (SELECT *, CASE WHEN {f_problem} IS NOT NULL THEN 'bad_amount' WHEN NOT kept THEN 'excluded' \
         WHEN {cancelled} THEN 'cancelled' WHEN {guest} THEN 'guest' WHEN ok THEN 'ok' ELSE {reason} END AS status \
         FROM (SELECT *, ({none} AND {f_problem} IS NULL) AS ok, COALESCE({f_problem}, {problems}) AS problem FROM {last}) r) r",
        amount = cart::amount(ctx),
        kept = cart::NOT_REJECTED,
        cells = cart::amount_cells(ctx),
        cancelled = cart::cancelled(ctx),
        guest = cart::guest(ctx),
        reason = code("problem"),
        none = problem_list
            .iter()
            .map(|p| format!("{p} IS NULL"))
            .collect::<Vec<_>>()
            .join(" AND "),
        problems = problem_list.join(", "),
    )
}

/// `cpm_rejects`: the rows cpm would reject, as `rejects.csv` lists them
/// (`place` numbers them: a warehouse table has no lines), with the three
/// cells as read so that each can be found in the orders table.
pub(crate) fn rejects(ctx: &Ctx) -> String {
    let query = format!(
        "SELECT CONCAT('row ', CAST(ROW_NUMBER() OVER (ORDER BY c_text, t_text, a_text) AS {s})) AS place, \
         problem_column AS {column}, \
         COALESCE(problem_value, '') AS {value}, \
         status AS reason, problem, c_text AS customer_text, t_text AS date_text, a_text AS amount_text\n\
         FROM {rows} WHERE status NOT IN {kept}",
        s = ctx.d.string_type(),
        column = ctx.d.quoted("column"),
        value = ctx.d.quoted("value"),
        kept = cart::NOT_REJECTED,
        rows = ctx.work("rows"),
    );
    ctx.d.create_table(&ctx.out("rejects"), &query)
}
