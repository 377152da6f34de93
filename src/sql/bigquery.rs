//! BigQuery (GoogleSQL): NUMERIC for money (exact, nine places), FLOAT64,
//! INT64, backquoted names, and its own argument order for date functions.

use super::dialect::{Dialect, is_plain_identifier};

pub struct BigQuery;

impl Dialect for BigQuery {
    fn name(&self) -> &'static str {
        "bigquery"
    }
    fn money_type(&self) -> &'static str {
        "NUMERIC"
    }
    fn float_type(&self) -> &'static str {
        "FLOAT64"
    }
    fn int_type(&self) -> &'static str {
        "INT64"
    }
    fn column(&self, name: &str) -> String {
        if is_plain_identifier(name) {
            name.to_string()
        } else {
            format!("`{}`", name.replace('`', "\\`"))
        }
    }
    fn epoch_day(&self, date: &str) -> String {
        format!("DATE_DIFF({date}, DATE '1970-01-01', DAY)")
    }
    fn date_of_epoch(&self, days: &str) -> String {
        // DATE_ADD of a DATE is a DATE; the cast says so to any reader (and
        // to transpilers, which may type it a TIMESTAMP).
        format!("CAST(DATE_ADD(DATE '1970-01-01', INTERVAL {days} DAY) AS DATE)")
    }
    fn month_end_after(&self, date: &str, months: &str) -> String {
        format!("LAST_DAY(DATE_ADD({date}, INTERVAL {months} MONTH))")
    }
    fn local_date(&self, column: &str, time_zone: &str, timestamps: bool) -> String {
        if timestamps {
            format!("DATE(CAST({column} AS TIMESTAMP), '{time_zone}')")
        } else {
            format!("CAST({column} AS DATE)")
        }
    }
}
