//! Snowflake: NUMBER(38,6) for money, DATEDIFF/DATEADD with the unit first,
//! CONVERT_TIMEZONE for instants.

use super::dialect::{Dialect, escaped_literal};

pub(crate) struct Snowflake;

impl Dialect for Snowflake {
    fn name(&self) -> &'static str {
        "snowflake"
    }
    fn money_type(&self) -> &'static str {
        "NUMBER(38,6)"
    }
    fn literal(&self, text: &str) -> String {
        escaped_literal(text)
    }
    fn regex_group(&self, text: &str, pattern: &str, group: usize) -> String {
        format!("REGEXP_SUBSTR({text}, {}, 1, 1, 'e', {group})", self.literal(pattern))
    }
    fn regex_matches(&self, text: &str, pattern: &str) -> String {
        format!("REGEXP_LIKE({text}, {})", self.literal(pattern))
    }
    fn instant_type(&self) -> &'static str {
        "TIMESTAMP_TZ"
    }
    fn epoch_day(&self, date: &str) -> String {
        format!("DATEDIFF(day, DATE '1970-01-01', {date})")
    }
    fn date_of_epoch(&self, days: &str) -> String {
        // DATEADD of a DATE is a DATE; the cast says so to any reader (and
        // to transpilers, which may type it a TIMESTAMP).
        format!("CAST(DATEADD(day, {days}, DATE '1970-01-01') AS DATE)")
    }
    fn month_end_after(&self, date: &str, months: &str) -> String {
        format!("LAST_DAY(DATEADD(month, {months}, {date}))")
    }
    fn local_date(&self, column: &str, time_zone: &str, timestamps: bool) -> String {
        if timestamps {
            format!("CAST(CONVERT_TIMEZONE('{time_zone}', CAST({column} AS TIMESTAMP_TZ)) AS DATE)")
        } else {
            format!("CAST({column} AS DATE)")
        }
    }
}
