//! DuckDB: the dialect the tests execute directly.

use super::dialect::Dialect;

pub(crate) struct DuckDb;

impl Dialect for DuckDb {
    fn name(&self) -> &'static str {
        "duckdb"
    }
    fn epoch_day(&self, date: &str) -> String {
        format!("CAST(date_diff('day', DATE '1970-01-01', {date}) AS BIGINT)")
    }
    fn date_of_epoch(&self, days: &str) -> String {
        format!("CAST(DATE '1970-01-01' + CAST({days} AS INTEGER) AS DATE)")
    }
    fn month_end_after(&self, date: &str, months: &str) -> String {
        format!("last_day(CAST({date} + to_months(CAST({months} AS INTEGER)) AS DATE))")
    }
    fn regex_group(&self, text: &str, pattern: &str, group: usize) -> String {
        format!("regexp_extract({text}, {}, {group})", self.literal(pattern))
    }
    fn regex_matches(&self, text: &str, pattern: &str) -> String {
        format!("regexp_matches({text}, {})", self.literal(pattern))
    }
    fn narrow_money(&self, text: &str) -> String {
        // Text to DECIMAL(38,6) (a 128-bit decimal) costs DuckDB 1.4 about a
        // hundred times text to DECIMAL(18,6); twelve integer digits fit
        // the narrow one, and widening it is exact.
        format!("CAST(TRY_CAST({text} AS DECIMAL(18,6)) AS {})", self.money_type())
    }
    fn instant_type(&self) -> &'static str {
        "TIMESTAMPTZ"
    }
    fn export(&self, file: &str, query: &str) -> String {
        format!("COPY ({query}) TO 'tables/{file}' (HEADER);\n")
    }
    fn local_date(&self, column: &str, time_zone: &str, timestamps: bool) -> String {
        if timestamps {
            format!("CAST(timezone('{time_zone}', CAST({column} AS TIMESTAMPTZ)) AS DATE)")
        } else {
            format!("CAST({column} AS DATE)")
        }
    }
}
