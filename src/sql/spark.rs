//! Spark SQL (Databricks, local Spark): `CREATE OR REPLACE TABLE ... AS`
//! needs a v2 catalog (Delta), so a table is dropped and created; the
//! session time zone is set to the configured one, which is what Spark uses
//! to take the date of a TIMESTAMP.

use super::dialect::{Dialect, escaped_literal, is_plain_identifier};

pub(crate) struct Spark;

impl Dialect for Spark {
    fn name(&self) -> &'static str {
        "spark"
    }
    fn column(&self, name: &str) -> String {
        if is_plain_identifier(name) {
            name.to_string()
        } else {
            format!("`{}`", name.replace('`', "``"))
        }
    }
    fn quoted(&self, name: &str) -> String {
        format!("`{}`", name.replace('`', "``"))
    }
    fn literal(&self, text: &str) -> String {
        escaped_literal(text)
    }
    fn chr(&self, code: u32) -> String {
        // Spark's chr is ASCII only (it takes the code modulo 256).
        if code < 128 {
            format!("chr({code})")
        } else {
            format!("'\\u{code:04X}'")
        }
    }
    fn trim(&self, text: &str, chars: &str) -> String {
        format!("TRIM(BOTH {chars} FROM {text})")
    }
    fn ltrim(&self, text: &str, chars: &str) -> String {
        // Spark's two-argument LTRIM takes the characters first.
        format!("TRIM(LEADING {chars} FROM {text})")
    }
    fn regex_group(&self, text: &str, pattern: &str, group: usize) -> String {
        format!("regexp_extract({text}, {}, {group})", self.literal(pattern))
    }
    fn regex_matches(&self, text: &str, pattern: &str) -> String {
        format!("({text} RLIKE {})", self.literal(pattern))
    }
    fn try_cast(&self, expr: &str, ty: &str) -> String {
        format!("try_cast({expr} AS {ty})")
    }
    fn epoch_day(&self, date: &str) -> String {
        format!("CAST(datediff({date}, DATE '1970-01-01') AS BIGINT)")
    }
    fn date_of_epoch(&self, days: &str) -> String {
        format!("date_add(DATE '1970-01-01', CAST({days} AS INT))")
    }
    fn month_end_after(&self, date: &str, months: &str) -> String {
        format!("last_day(add_months({date}, CAST({months} AS INT)))")
    }
    fn local_date(&self, column: &str, _time_zone: &str, _timestamps: bool) -> String {
        // A DATE stays a DATE; a TIMESTAMP is an instant, dated in the session
        // time zone set by the preamble.
        format!("CAST({column} AS DATE)")
    }
    fn create_table(&self, name: &str, query: &str) -> String {
        format!("DROP TABLE IF EXISTS {name};\nCREATE TABLE {name} AS\n{query};\n")
    }
    fn preamble(&self, time_zone: &str) -> String {
        format!("SET spark.sql.session.timeZone = {time_zone};\n")
    }
}
