//! `export.sql`: one query per table that reads it back in the order of
//! cpm's files, which `cpm report --tables` checks (month-ends ascending,
//! segments in canonical order, `new` last; customers by first purchase).
//! A warehouse table has no order, so the order is in these queries: wrap
//! each in the warehouse's export (EXPORT DATA, COPY INTO @stage, Spark's
//! write.csv); the DuckDB dialect writes the COPY statements itself.

use super::Ctx;
use crate::tables::read as h;

/// `CASE` giving a segment column's canonical position (`new` last).
fn position(ctx: &Ctx, column: &str) -> String {
    let labels = ctx.labels();
    let arms: String = labels
        .iter()
        .enumerate()
        .map(|(i, id)| format!(" WHEN '{id}' THEN {i}"))
        .collect();
    format!("CASE {column}{arms} ELSE {} END", labels.len())
}

/// The columns of a file, each named exactly as the contract's header
/// (quoted: Snowflake would write unquoted names in capitals), with the
/// `group` column first when the table has one.
fn columns(ctx: &Ctx, header: &[&str], grouped: bool) -> String {
    let lead = if grouped && ctx.by() { vec!["group"] } else { vec![] };
    lead.iter()
        .chain(header)
        .map(|c| {
            let q = ctx.d.quoted(c);
            if matches!(*c, "group" | "column" | "value") {
                q
            } else {
                format!("{c} AS {q}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// (file name, ordered query) per output table.
pub(crate) fn queries(ctx: &Ctx) -> Vec<(String, String)> {
    let t = |name: &str| ctx.out(name);
    // With --by, rows are ordered by group first (byte order).
    let g = if ctx.by() {
        format!("{}, ", ctx.d.quoted("group"))
    } else {
        String::new()
    };
    vec![
        (
            "snapshots.csv".into(),
            format!(
                "SELECT {} FROM {} ORDER BY {g}month_end, {}",
                columns(ctx, &h::SNAPSHOTS_HEADER, true),
                t("snapshots"),
                position(ctx, "segment")
            ),
        ),
        (
            "transitions.csv".into(),
            format!(
                "SELECT {} FROM {} ORDER BY {g}to_month_end, {}, {}",
                columns(ctx, &h::TRANSITIONS_HEADER, true),
                t("transitions"),
                position(ctx, "from_segment"),
                position(ctx, "to_segment")
            ),
        ),
        (
            "conversion.csv".into(),
            format!(
                "SELECT {} FROM {} ORDER BY {g}cohort_month",
                columns(ctx, &h::CONVERSION_HEADER, true),
                t("conversion")
            ),
        ),
        (
            "segments.csv".into(),
            format!(
                "SELECT * FROM {} ORDER BY {g}first_purchase, customer_id",
                t("segments")
            ),
        ),
        (
            "ladder.csv".into(),
            format!(
                "SELECT {} FROM {} ORDER BY {g}cohort_month, months_after, {}",
                columns(ctx, &h::LADDER_HEADER, true),
                t("ladder"),
                position(ctx, "segment")
            ),
        ),
        (
            "activity.csv".into(),
            format!(
                "SELECT {} FROM {} ORDER BY {g}month_end",
                columns(ctx, &["month_end", "purchase_days", "buyers", "sales"], true),
                t("activity")
            ),
        ),
        (
            "data_quality.csv".into(),
            format!(
                "SELECT {} FROM {}",
                columns(ctx, &["metric", "value"], false),
                t("data_quality")
            ),
        ),
        (
            "rejects.csv".into(),
            format!(
                "SELECT {} FROM {} ORDER BY LENGTH(place), place",
                columns(ctx, &["place", "column", "value", "reason", "problem"], false),
                t("rejects"),
            ),
        ),
    ]
}

pub(crate) fn file(ctx: &Ctx) -> String {
    queries(ctx)
        .iter()
        .map(|(file, query)| ctx.d.export(file, query))
        .collect::<Vec<_>>()
        .join("\n")
}
