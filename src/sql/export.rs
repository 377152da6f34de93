//! `export.sql`: one query per table that reads it back in the order of
//! cpm's files, which `cpm report --tables` checks (month-ends ascending,
//! segments in canonical order, `new` last; customers by first purchase).
//! A warehouse table has no order, so the order is in these queries: wrap
//! each in the warehouse's export (EXPORT DATA, COPY INTO @stage, Spark's
//! write.csv); the DuckDB dialect writes the COPY statements itself.

use super::Ctx;

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

/// (file name, ordered query) per output table.
pub fn queries(ctx: &Ctx) -> Vec<(String, String)> {
    let t = |name: &str| ctx.out(name);
    vec![
        (
            "snapshots.csv".into(),
            format!(
                "SELECT * FROM {} ORDER BY month_end, {}",
                t("snapshots"),
                position(ctx, "segment")
            ),
        ),
        (
            "transitions.csv".into(),
            format!(
                "SELECT * FROM {} ORDER BY to_month_end, {}, {}",
                t("transitions"),
                position(ctx, "from_segment"),
                position(ctx, "to_segment")
            ),
        ),
        (
            "conversion.csv".into(),
            format!("SELECT * FROM {} ORDER BY cohort_month", t("conversion")),
        ),
        (
            "segments.csv".into(),
            format!("SELECT * FROM {} ORDER BY first_purchase, customer_id", t("segments")),
        ),
        (
            "ladder.csv".into(),
            format!(
                "SELECT * FROM {} ORDER BY cohort_month, months_after, {}",
                t("ladder"),
                position(ctx, "segment")
            ),
        ),
        (
            "activity.csv".into(),
            format!("SELECT * FROM {} ORDER BY month_end", t("activity")),
        ),
        (
            "data_quality.csv".into(),
            format!("SELECT * FROM {}", t("data_quality")),
        ),
    ]
}

pub fn file(ctx: &Ctx) -> String {
    queries(ctx)
        .iter()
        .map(|(file, query)| ctx.d.export(file, query))
        .collect::<Vec<_>>()
        .join("\n")
}
