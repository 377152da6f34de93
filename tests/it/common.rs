//! Small helpers to build order histories and run the engine on them.

use cpm::config::{Config, Overrides};
use cpm::dates::{Day, format_day, parse_iso_day};
use cpm::engine::portfolio::Portfolio;
use cpm::ingest::{IngestReport, Orders, text::parse_amount};
use cpm::pipeline::{Analysis, analyze_orders};

/// The date the tests run "today" (the library never reads the clock):
/// after every date the tests use but the far-future ones.
pub fn today() -> Day {
    day("2026-12-01")
}

pub fn day(text: &str) -> Day {
    parse_iso_day(text).unwrap_or_else(|| panic!("bad test date {text}"))
}

/// Orders from `(customer, YYYY-MM-DD, amount)` rows.
pub fn orders(rows: &[(&str, &str, &str)]) -> Orders {
    Orders::from_rows(
        rows.iter()
            .map(|&(c, d, a)| (c, day(d), parse_amount(a).expect("test amount"))),
    )
}

pub fn analyze_with(rows: &[(&str, &str, &str)], config: &Config, as_of: Option<&str>) -> Analysis {
    analyze_orders(
        orders(rows),
        IngestReport::in_memory(rows.len()),
        config,
        as_of.map(day),
        today(),
    )
    .expect("analysis")
}

pub fn analyze(rows: &[(&str, &str, &str)], as_of: Option<&str>) -> Analysis {
    analyze_with(rows, &Config::default(), as_of)
}

pub fn config(toml: &str) -> Config {
    Config::resolve(&Config::parse_file(toml).unwrap(), &Overrides::default()).unwrap()
}

/// The segment id of `customer` at the as-of date, or `None` if absent.
pub fn segment_at_as_of(p: &Portfolio, customer: &str) -> Option<&'static str> {
    p.customers
        .iter()
        .find(|c| p.customer_id(c) == customer)
        .map(|c| p.labels[c.segment].id)
}

/// The state of `customer` at the as-of date.
pub fn state<'a>(p: &'a Portfolio, customer: &str) -> &'a cpm::engine::portfolio::CustomerState {
    p.customers
        .iter()
        .find(|c| p.customer_id(c) == customer)
        .unwrap_or_else(|| panic!("{customer} not present"))
}

/// Count of `segment` at the snapshot dated `date`.
pub fn count(p: &Portfolio, date: &str, segment: &str) -> u64 {
    let t = snapshot(p, date);
    let s = p.labels.iter().position(|l| l.id == segment).expect("segment id");
    p.counts[t][s]
}

pub fn snapshot(p: &Portfolio, date: &str) -> usize {
    let d = day(date);
    p.snapshot_days.iter().position(|&s| s == d).unwrap_or_else(|| {
        panic!(
            "no snapshot {date}; have {:?}",
            p.snapshot_days.iter().map(|&s| format_day(s)).collect::<Vec<_>>()
        )
    })
}

/// Transition count into the snapshot dated `to` (from the one before it).
pub fn moved(p: &Portfolio, to: &str, from_segment: &str, to_segment: &str) -> u64 {
    let t = snapshot(p, to);
    let m = &p.transitions[t - 1];
    let from = if from_segment == "new" {
        m.new_row()
    } else {
        p.labels.iter().position(|l| l.id == from_segment).unwrap()
    };
    let to_i = p.labels.iter().position(|l| l.id == to_segment).unwrap();
    m.cells[from][to_i]
}

/// `1,234` (as the reports print counts).
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
