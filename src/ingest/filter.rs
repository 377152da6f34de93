//! Scoped runs (spec section 10): `--where COLUMN=V1,V2` keeps the rows whose
//! value in `COLUMN` (trimmed) is one of the values, `--where-not` drops
//! them. The rows left out are read, not used, and counted as
//! `excluded_by_filter`.
//!
//! The value list is written like a CSV record, so that every value can be
//! said: values are separated by commas; a value in double quotes may hold
//! commas (`"香醋, 720ml"`), and `""` inside quotes is one quote; `""` alone
//! is the blank value. Values are compared trimmed (Unicode whitespace, the
//! full-width space too), as the cells are. Repeating a flag for the same
//! column adds values; filters on different columns must all hold.

use std::collections::HashSet;

/// One `--where` (`keep`) or `--where-not` filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Filter {
    pub(crate) column: String,
    /// Trimmed values, in the order given, without repeats.
    pub(crate) values: Vec<String>,
    /// `true`: keep the rows with one of the values; `false`: drop them.
    pub(crate) keep: bool,
}

/// The trim rule of attribute values, shared with the filters.
pub(crate) use crate::orders::attribute::trim_value;

impl Filter {
    /// Parses `COLUMN=V1,V2` (the text of one flag or config entry).
    pub(crate) fn parse(text: &str, keep: bool) -> Result<Filter, String> {
        let flag = if keep { "--where" } else { "--where-not" };
        let (column, list) = text
            .split_once('=')
            .ok_or_else(|| format!("{flag} expects COLUMN=VALUE[,VALUE...], e.g. channel=検索広告, got {text:?}"))?;
        let column = trim_value(column);
        if column.is_empty() {
            return Err(format!("{flag} {text:?}: the column name is empty"));
        }
        let values = parse_values(list).map_err(|e| format!("{flag} {text:?}: {e}"))?;
        let mut filter = Filter {
            column: column.to_string(),
            values: Vec::new(),
            keep,
        };
        filter.add(values);
        Ok(filter)
    }

    fn add(&mut self, values: Vec<String>) {
        for v in values {
            if !self.values.contains(&v) {
                self.values.push(v);
            }
        }
    }

    /// The filter as it would be written on the command line.
    pub(crate) fn describe(&self) -> String {
        format!("{} {}", if self.keep { "--where" } else { "--where-not" }, self.entry())
    }

    /// `COLUMN=V1,V2`, as [`Filter::parse`] reads it.
    pub(crate) fn entry(&self) -> String {
        format!("{}={}", self.column, list_text(&self.values))
    }
}

/// Filters of the same kind on the same column become one (values added);
/// the order of first appearance is kept.
pub(crate) fn merge(filters: impl IntoIterator<Item = Filter>) -> Vec<Filter> {
    let mut out: Vec<Filter> = Vec::new();
    for f in filters {
        match out.iter_mut().find(|o| o.keep == f.keep && o.column == f.column) {
            Some(o) => o.add(f.values),
            None => out.push(f),
        }
    }
    out
}

/// A list of values written as [`parse_values`] reads it back: values
/// that are blank or hold a comma or quote in quotes.
pub(crate) fn list_text(values: &[String]) -> String {
    let values: Vec<String> = values
        .iter()
        .map(|v| {
            if v.is_empty() || v.contains([',', '"']) {
                format!("\"{}\"", v.replace('"', "\"\""))
            } else {
                v.clone()
            }
        })
        .collect();
    values.join(",")
}

/// The values of a list written like a CSV record (see the module notes).
pub(crate) fn parse_values(list: &str) -> Result<Vec<String>, String> {
    let mut values = Vec::new();
    let mut chars = list.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let value = if chars.peek() == Some(&'"') {
            chars.next();
            let mut v = String::new();
            loop {
                match chars.next() {
                    None => return Err("a quoted value is not closed (a \" is missing)".into()),
                    Some('"') if chars.peek() == Some(&'"') => {
                        chars.next();
                        v.push('"');
                    }
                    Some('"') => break,
                    Some(c) => v.push(c),
                }
            }
            while chars.peek().is_some_and(|c| c.is_whitespace()) {
                chars.next();
            }
            if chars.peek().is_some_and(|&c| c != ',') {
                return Err("after a quoted value, a comma or the end is expected".into());
            }
            v
        } else {
            let mut v = String::new();
            while let Some(&c) = chars.peek() {
                if c == ',' {
                    break;
                }
                if c == '"' {
                    return Err("a quote inside an unquoted value: quote the whole value, doubling the quote".into());
                }
                v.push(c);
                chars.next();
            }
            if trim_value(&v).is_empty() {
                return Err("a value is empty (write \"\" for the blank value)".into());
            }
            v
        };
        values.push(trim_value(&value).to_string());
        match chars.next() {
            None => return Ok(values),
            Some(',') => continue,
            Some(_) => unreachable!("a value ends at a comma or the end"),
        }
    }
}

/// Compiled filters over one row's cells: `cells[k]` is the row's value in
/// the column of `filters[k]`.
pub(crate) struct Matcher {
    sets: Vec<(HashSet<String>, bool)>,
}

impl Matcher {
    pub(crate) fn new(filters: &[Filter]) -> Matcher {
        Matcher {
            sets: filters
                .iter()
                .map(|f| (f.values.iter().cloned().collect(), f.keep))
                .collect(),
        }
    }

    /// Whether filter `k` lets a row with this cell through (`None`: null).
    #[inline]
    pub(crate) fn passes(&self, k: usize, cell: Option<&str>) -> bool {
        let (set, keep) = &self.sets[k];
        set.contains(trim_value(cell.unwrap_or(""))) == *keep
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> Vec<String> {
        Filter::parse(text, true).unwrap().values
    }

    #[test]
    fn lists_are_read_like_csv_records() {
        assert_eq!(values("product=青汁"), ["青汁"]);
        assert_eq!(values(" product = 青汁 , 黒酢 "), ["青汁", "黒酢"]);
        assert_eq!(values("product=\"香醋, 720ml\",青汁"), ["香醋, 720ml", "青汁"]);
        assert_eq!(values("product=香醋 720ml"), ["香醋 720ml"]);
        assert_eq!(values("p=\"say \"\"hi\"\"\""), ["say \"hi\""]);
        assert_eq!(values("p=\"\""), [""]);
        assert_eq!(values("p=\u{3000}青汁\u{3000}"), ["青汁"]);
        assert_eq!(values("p=a,a,b"), ["a", "b"]);
        assert_eq!(values("p=a=b"), ["a=b"]);
        let f = Filter::parse("shop=楽天", false).unwrap();
        assert!(!f.keep);
        assert_eq!(f.column, "shop");
    }

    #[test]
    fn bad_lists_are_refused() {
        for bad in ["product", "=a", "p=", "p=a,", "p=a,,b", "p=\"a", "p=\"a\"b", "p=a\"b"] {
            assert!(Filter::parse(bad, true).is_err(), "{bad}");
        }
    }

    #[test]
    fn merging_adds_values_of_the_same_column() {
        let merged = merge([
            Filter::parse("p=a", true).unwrap(),
            Filter::parse("q=x", true).unwrap(),
            Filter::parse("p=b,a", true).unwrap(),
            Filter::parse("p=c", false).unwrap(),
        ]);
        assert_eq!(merged.len(), 3);
        assert_eq!(merged[0].values, ["a", "b"]);
        assert_eq!(merged[2].describe(), "--where-not p=c");
        let m = Matcher::new(&merged);
        assert!(m.passes(0, Some(" a ")));
        assert!(!m.passes(0, Some("c")));
        assert!(!m.passes(0, None));
        assert!(m.passes(2, Some("a")));
        assert!(!m.passes(2, Some("c\u{3000}")));
    }

    #[test]
    fn describe_reads_back() {
        let f = Filter::parse("p=\"香醋, 720ml\",\"\",x", true).unwrap();
        let text = f.describe();
        assert_eq!(text, "--where p=\"香醋, 720ml\",\"\",x");
        assert_eq!(Filter::parse(text.strip_prefix("--where ").unwrap(), true).unwrap(), f);
    }
}
