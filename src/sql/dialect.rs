//! What differs between warehouses, and nothing else: type names, the few
//! date functions the queries need (days since 1970-01-01 and back, the
//! month-end some months after a date), identifier quoting and how a table
//! is replaced. Every query is written once, in the SQL all four share
//! (window functions, `CASE`, `UNION ALL`, `EXTRACT`), and asks the
//! dialect for these pieces.

use super::{bigquery::BigQuery, duckdb::DuckDb, snowflake::Snowflake, spark::Spark};

pub(crate) trait Dialect {
    /// The `--dialect` name.
    fn name(&self) -> &'static str;
    /// Exact money: a decimal with six places (never a float).
    fn money_type(&self) -> &'static str {
        "DECIMAL(38,6)"
    }
    fn string_type(&self) -> &'static str {
        "STRING"
    }
    /// For `share` and `rate` only (ratios shown to people, as cpm's floats).
    fn float_type(&self) -> &'static str {
        "DOUBLE"
    }
    fn int_type(&self) -> &'static str {
        "BIGINT"
    }
    /// An exact decimal literal (money thresholds, the VIP share).
    fn exact(&self, text: &str) -> String {
        format!("CAST('{text}' AS {})", self.money_type())
    }
    /// A column name: bare when it is a plain identifier (so that
    /// case-folding warehouses find it as a person typed it), else quoted.
    fn column(&self, name: &str) -> String {
        if is_plain_identifier(name) {
            name.to_string()
        } else {
            format!("\"{}\"", name.replace('"', "\"\""))
        }
    }
    /// A column name always quoted (`"group"`: a reserved word).
    fn quoted(&self, name: &str) -> String {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
    /// A string literal. The default doubles quotes and leaves backslashes
    /// (DuckDB's standard strings); the others read backslash escapes.
    fn literal(&self, text: &str) -> String {
        format!("'{}'", text.replace('\'', "''"))
    }
    /// The character with this Unicode code point.
    fn chr(&self, code: u32) -> String {
        format!("CHR({code})")
    }
    /// `text` without the characters of `chars` (a string expression) at
    /// either end.
    fn trim(&self, text: &str, chars: &str) -> String {
        format!("TRIM({text}, {chars})")
    }
    /// `text` without the characters of `chars` (a string expression) at
    /// its start.
    fn ltrim(&self, text: &str, chars: &str) -> String {
        format!("LTRIM({text}, {chars})")
    }
    /// Group `group` (1-based) of the first match of `pattern` in `text`, or
    /// NULL/empty when it did not take part; every group of `pattern` is
    /// capturing (`(`, never `(?:`).
    fn regex_group(&self, text: &str, pattern: &str, group: usize) -> String;
    /// Whether `text` matches `pattern` (anchored with `^...$` by the caller).
    fn regex_matches(&self, text: &str, pattern: &str) -> String;
    /// `CAST` that gives NULL instead of failing.
    fn try_cast(&self, expr: &str, ty: &str) -> String {
        format!("TRY_CAST({expr} AS {ty})")
    }
    /// Exact money from decimal text with at most twelve integer digits
    /// (NULL when it is not a number).
    fn narrow_money(&self, text: &str) -> String {
        self.try_cast(text, self.money_type())
    }
    /// The type of an instant written with an offset.
    fn instant_type(&self) -> &'static str {
        "TIMESTAMP"
    }
    /// Days since 1970-01-01 of a DATE expression, as an integer.
    fn epoch_day(&self, date: &str) -> String;
    /// The DATE that is `days` days after 1970-01-01.
    fn date_of_epoch(&self, days: &str) -> String;
    /// The last day of the month `months` months after `date`'s month.
    fn month_end_after(&self, date: &str, months: &str) -> String;
    /// The order date column as a DATE in the configured time zone: a DATE
    /// (or `YYYY-MM-DD` text) as it is, or, with `timestamps`, an instant
    /// converted to `time_zone` before its date is taken.
    fn local_date(&self, column: &str, time_zone: &str, timestamps: bool) -> String;
    /// Statements that replace table `name` with the result of `query`.
    fn create_table(&self, name: &str, query: &str) -> String {
        format!("CREATE OR REPLACE TABLE {name} AS\n{query};\n")
    }
    /// One table's export in `export.sql`: by default the ordered query,
    /// headed by the file it belongs in, to wrap in the warehouse's export.
    fn export(&self, file: &str, query: &str) -> String {
        format!("-- {file}\n{query};\n")
    }
    /// Session settings run first (none by default).
    fn preamble(&self, _time_zone: &str) -> String {
        String::new()
    }
}

/// A backslash-escaping literal (BigQuery, Snowflake, Spark).
pub(crate) fn escaped_literal(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
}

pub(crate) fn is_plain_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The dialects `--dialect` accepts.
pub(crate) const DIALECTS: [&str; 4] = ["bigquery", "snowflake", "spark", "duckdb"];

pub(crate) fn by_name(name: &str) -> Option<&'static dyn Dialect> {
    match name.trim().to_ascii_lowercase().as_str() {
        "bigquery" => Some(&BigQuery),
        "snowflake" => Some(&Snowflake),
        "spark" | "databricks" => Some(&Spark),
        "duckdb" => Some(&DuckDb),
        _ => None,
    }
}
