//! BigQuery (GoogleSQL): NUMERIC for money (exact, nine places), FLOAT64,
//! INT64, backquoted names, and its own argument order for date functions.

use super::dialect::{Dialect, escaped_literal, is_plain_identifier};

pub(crate) struct BigQuery;

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
    fn quoted(&self, name: &str) -> String {
        format!("`{}`", name.replace('`', "\\`"))
    }
    fn literal(&self, text: &str) -> String {
        escaped_literal(text)
    }
    fn regex_group(&self, text: &str, pattern: &str, group: usize) -> String {
        // REGEXP_EXTRACT allows one capturing group: the others are made
        // non-capturing (RE2 reads `(?:`).
        format!("REGEXP_EXTRACT({text}, {})", self.literal(&only_group(pattern, group)))
    }
    fn regex_matches(&self, text: &str, pattern: &str) -> String {
        format!("REGEXP_CONTAINS({text}, {})", self.literal(pattern))
    }
    fn try_cast(&self, expr: &str, ty: &str) -> String {
        format!("SAFE_CAST({expr} AS {ty})")
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

/// `pattern` with only its `group`-th group capturing (`(` outside a
/// bracket expression opens a group).
pub(crate) fn only_group(pattern: &str, group: usize) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let (mut n, mut in_class) = (0, false);
    for c in pattern.chars() {
        match c {
            '[' if !in_class => in_class = true,
            ']' if in_class => in_class = false,
            '(' if !in_class => {
                n += 1;
                out.push('(');
                if n != group {
                    out.push_str("?:");
                }
                continue;
            }
            _ => {}
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_one_group_captures() {
        assert_eq!(
            super::only_group("^([0-9])[(]([a-z]+(x)?)$", 2),
            "^(?:[0-9])[(]([a-z]+(?:x)?)$"
        );
        assert_eq!(super::only_group("(a)(b)", 1), "(a)(?:b)");
    }
}
