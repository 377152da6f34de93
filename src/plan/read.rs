//! Reading `plan.csv`: UTF-8 (with or without BOM) or Shift_JIS (CP932),
//! header `month,metric,value` (or `月,指標,値`), one value a line. Every problem is one line
//! naming the file and the line.

use std::path::Path;

use super::{Metric, Plan};
use crate::dates::parse_month;
use crate::error::{Error, Result};

/// Reads and checks a plan file.
pub fn read(path: &Path) -> Result<Plan> {
    let raw = std::fs::read(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let text =
        decode(&raw).ok_or_else(|| Error::input(path, "the plan file is neither UTF-8 nor Shift_JIS (CP932) text"))?;
    let mut plan = parse(&text).map_err(|message| Error::input(path, message))?;
    plan.file = crate::tables::file_name(path);
    Ok(plan)
}

fn decode(raw: &[u8]) -> Option<String> {
    let raw = raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw);
    match std::str::from_utf8(raw) {
        Ok(text) => Some(text.to_string()),
        Err(_) => {
            let (text, had_errors) = encoding_rs::SHIFT_JIS.decode_without_bom_handling(raw);
            (!had_errors).then(|| text.into_owned())
        }
    }
}

fn field(text: &str) -> &str {
    let t = text.trim();
    t.strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(t)
        .trim()
}

/// A value: `1234`, `1,234`, `0.25` or `25%` (a rate).
fn value(text: &str, metric: Metric) -> Option<f64> {
    let plain: String = text.chars().filter(|&c| c != ',').collect();
    let (number, percent) = match plain.strip_suffix('%') {
        Some(n) => (n.trim(), true),
        None => (plain.as_str(), false),
    };
    let v: f64 = number.parse().ok().filter(|v: &f64| v.is_finite())?;
    match (percent, metric.is_rate()) {
        (true, true) => Some(v / 100.0),
        (true, false) => None,
        (false, _) => Some(v),
    }
}

/// Parses the text of a plan file; the error is the message after the
/// file's name (`line 3: ...`).
pub fn parse(text: &str) -> std::result::Result<Plan, String> {
    let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
    let Some((_, header)) = lines.next() else {
        return Err("the plan file is empty: expected a header month,metric,value and one line per value".into());
    };
    let names: Vec<&str> = header.split(',').map(field).collect();
    // The English header, or the same in Japanese (月,指標,値) as a
    // spreadsheet saved in CP932 may have it.
    if names != ["month", "metric", "value"] && names != ["月", "指標", "値"] {
        return Err(format!(
            "line 1: expected the header month,metric,value (or 月,指標,値), found {header:?}"
        ));
    }
    let mut plan = Plan::default();
    let mut first_line = std::collections::BTreeMap::new();
    for (i, line) in lines {
        let n = i + 1;
        let cells: Vec<&str> = line.split(',').collect();
        // A quoted value may hold thousands separators: "1,234,000".
        let rest = cells.get(2..).map(|r| r.join(",")).unwrap_or_default();
        let (month, metric, raw_value) = match cells.as_slice() {
            [m, k, _, ..] => (field(m), field(k), field(&rest)),
            _ => return Err(format!("line {n}: expected month,metric,value, found {line:?}")),
        };
        let Some(month_index) = parse_month(month) else {
            return Err(format!(
                "line {n}: bad month {month:?} (expected YYYY-MM, e.g. 2025-12)"
            ));
        };
        let Some(m) = Metric::parse(metric) else {
            let known: Vec<&str> = Metric::ALL.iter().map(|m| m.id()).collect();
            return Err(format!(
                "line {n}: unknown metric {metric:?}; known metrics: {}",
                known.join(", ")
            ));
        };
        let Some(v) = value(raw_value, m) else {
            return Err(format!(
                "line {n}: bad value {raw_value:?} for {metric} (expected a number{})",
                if m.is_rate() { ", e.g. 0.25 or 25%" } else { "" }
            ));
        };
        if let Some(earlier) = first_line.insert((month_index, m), n) {
            return Err(format!("line {n}: {month} {metric} is already given on line {earlier}"));
        }
        plan.values.insert((month_index, m), v);
    }
    if plan.values.is_empty() {
        return Err("the plan file has a header but no values".into());
    }
    Ok(plan)
}
