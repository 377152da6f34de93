//! The six-state lifecycle scheme (spec section 8): hand-worked cases for
//! every rule, and the fast path against a naive per-snapshot reference
//! written straight from the spec.

use std::collections::BTreeMap;

use cpm::config::{Config, Overrides, Scheme};
use cpm::dates::{Day, day_from_ymd, last_day_of_month, month_of};
use cpm::engine::portfolio::{LADDER_MONTHS, Portfolio};
use cpm::ingest::{IngestReport, Orders};
use cpm::money::Money;
use cpm::pipeline::analyze_orders;
use proptest::prelude::*;

use crate::common::today;
use crate::common::{analyze_with, config, count, moved, segment_at_as_of};

fn lifecycle(extra: &str) -> Config {
    config(&format!("scheme = \"lifecycle\"\n[lifecycle]\n{extra}"))
}

// ------------------------------------------------------------ hand-worked

// Defaults: active_days 30, dormant_days 60, vip_min_purchase_days 4,
// vip_recency_days 45, vip_top_share 0.01, new_max_purchase_days 2.
// 2024 is a leap year. As-of 2024-06-30 throughout unless said otherwise.

#[test]
fn the_six_ids_in_canonical_order() {
    let a = analyze_with(&[("A", "2024-01-05", "1000")], &lifecycle(""), Some("2024-01-31"));
    let ids: Vec<&str> = a.portfolio.labels.iter().map(|l| l.id).collect();
    assert_eq!(ids, ["dormant", "vip", "at_risk", "winback", "newcomer", "active"]);
}

#[test]
fn dormant_is_recency_over_dormant_days() {
    // Last purchase 2024-04-30: +60 = 06-29, +61 = 06-30.
    let rows = [("d60", "2024-05-01", "1000"), ("d61", "2024-04-30", "1000")];
    let p = analyze_with(&rows, &lifecycle("vip_top_share = 0\n"), Some("2024-06-30")).portfolio;
    assert_eq!(segment_at_as_of(&p, "d60"), Some("at_risk"));
    assert_eq!(segment_at_as_of(&p, "d61"), Some("dormant"));
    // Dormant wins over everything, even four purchase days and the top total.
    let rows = [
        ("big", "2024-01-01", "900000"),
        ("big", "2024-02-01", "1"),
        ("big", "2024-03-01", "1"),
        ("big", "2024-04-01", "1"),
        ("small", "2024-06-30", "10"),
    ];
    let p = analyze_with(&rows, &lifecycle("vip_top_share = 1\n"), Some("2024-06-30")).portfolio;
    assert_eq!(segment_at_as_of(&p, "big"), Some("dormant"));
    assert_eq!(
        segment_at_as_of(&p, "small"),
        Some("vip"),
        "share 1: every non-dormant customer"
    );
}

#[test]
fn vip_by_frequency_and_recency() {
    // Four purchase days, the last 45 or 46 days before 06-30 (05-16 / 05-15).
    let four = |id: &'static str, last: &'static str| {
        [
            (id, "2024-02-01", "100"),
            (id, "2024-03-01", "100"),
            (id, "2024-04-01", "100"),
            (id, last, "100"),
        ]
    };
    let mut rows = Vec::new();
    rows.extend(four("r45", "2024-05-16"));
    rows.extend(four("r46", "2024-05-15"));
    // Three purchase days, bought today: not VIP (newcomer needs <= 2): active.
    rows.extend([
        ("three", "2024-06-01", "100"),
        ("three", "2024-06-10", "100"),
        ("three", "2024-06-30", "100"),
    ]);
    let p = analyze_with(&rows, &lifecycle("vip_top_share = 0\n"), Some("2024-06-30")).portfolio;
    assert_eq!(segment_at_as_of(&p, "r45"), Some("vip"));
    assert_eq!(segment_at_as_of(&p, "r46"), Some("at_risk"));
    assert_eq!(segment_at_as_of(&p, "three"), Some("active"));
    // Several rows on one day are one purchase day: still three.
    let rows = [
        ("x", "2024-06-01", "100"),
        ("x", "2024-06-10", "100"),
        ("x", "2024-06-30", "100"),
        ("x", "2024-06-30", "100"),
    ];
    let p = analyze_with(&rows, &lifecycle("vip_top_share = 0\n"), Some("2024-06-30")).portfolio;
    assert_eq!(segment_at_as_of(&p, "x"), Some("active"));
}

#[test]
fn at_risk_is_recency_over_active_days() {
    // +30 = 05-31, +31 = 05-30 before 06-30.
    let rows = [("r30", "2024-05-31", "100"), ("r31", "2024-05-30", "100")];
    let p = analyze_with(&rows, &lifecycle("vip_top_share = 0\n"), Some("2024-06-30")).portfolio;
    assert_eq!(segment_at_as_of(&p, "r30"), Some("newcomer"));
    assert_eq!(segment_at_as_of(&p, "r31"), Some("at_risk"));
}

#[test]
fn winback_is_a_gap_over_dormant_days_between_the_last_two_purchase_days() {
    let rows = [
        // 2024-04-01 → 2024-05-31: 60 days; → 06-01: 61 days.
        ("g60", "2024-04-01", "100"),
        ("g60", "2024-05-31", "100"),
        ("g61", "2024-04-01", "100"),
        ("g61", "2024-06-01", "100"),
        // Only the last two purchase days count: an old long gap does not.
        ("old", "2023-01-01", "100"),
        ("old", "2024-05-01", "100"),
        ("old", "2024-06-01", "100"),
        // A return in the gap is not a purchase day: still a 61-day gap.
        ("ret", "2024-04-01", "100"),
        ("ret", "2024-05-01", "-50"),
        ("ret", "2024-06-01", "100"),
        // Winback comes before newcomer and active: three purchase days too.
        ("three", "2024-01-01", "100"),
        ("three", "2024-02-01", "100"),
        ("three", "2024-06-01", "100"),
    ];
    let p = analyze_with(&rows, &lifecycle("vip_top_share = 0\n"), Some("2024-06-30")).portfolio;
    assert_eq!(segment_at_as_of(&p, "g60"), Some("newcomer"));
    assert_eq!(segment_at_as_of(&p, "g61"), Some("winback"));
    assert_eq!(segment_at_as_of(&p, "old"), Some("active"));
    assert_eq!(segment_at_as_of(&p, "ret"), Some("winback"));
    assert_eq!(segment_at_as_of(&p, "three"), Some("winback"));
    // ...but after active_days it is at_risk (at_risk comes first).
    let p = analyze_with(&rows, &lifecycle("vip_top_share = 0\n"), Some("2024-07-02")).portfolio;
    assert_eq!(segment_at_as_of(&p, "g61"), Some("at_risk"));
    // One purchase day: no gap, never winback.
    let p = analyze_with(
        &[("one", "2024-06-01", "100")],
        &lifecycle("vip_top_share = 0\n"),
        Some("2024-06-30"),
    )
    .portfolio;
    assert_eq!(segment_at_as_of(&p, "one"), Some("newcomer"));
}

#[test]
fn newcomer_up_to_new_max_purchase_days_then_active() {
    let rows = [
        ("p1", "2024-06-30", "100"),
        ("p2", "2024-06-01", "100"),
        ("p2", "2024-06-30", "100"),
        ("p3", "2024-05-20", "100"),
        ("p3", "2024-06-01", "100"),
        ("p3", "2024-06-30", "100"),
    ];
    let p = analyze_with(&rows, &lifecycle("vip_top_share = 0\n"), Some("2024-06-30")).portfolio;
    assert_eq!(segment_at_as_of(&p, "p1"), Some("newcomer"));
    assert_eq!(segment_at_as_of(&p, "p2"), Some("newcomer"));
    assert_eq!(segment_at_as_of(&p, "p3"), Some("active"));
    let p = analyze_with(
        &rows,
        &lifecycle("vip_top_share = 0\nnew_max_purchase_days = 1\n"),
        Some("2024-06-30"),
    )
    .portfolio;
    assert_eq!(segment_at_as_of(&p, "p1"), Some("newcomer"));
    assert_eq!(segment_at_as_of(&p, "p2"), Some("active"));
}

/// `n` single-purchase customers `c00..` bought on the as-of date with
/// totals `total(i)`; `dormant` more bought long ago with huge totals.
fn crowd(n: usize, total: impl Fn(usize) -> i64, dormant: usize) -> (Vec<String>, Vec<(String, &'static str, String)>) {
    let mut ids = Vec::new();
    let mut rows = Vec::new();
    for i in 0..n {
        let id = format!("c{i:02}");
        rows.push((id.clone(), "2024-06-30", total(i).to_string()));
        ids.push(id);
    }
    for i in 0..dormant {
        rows.push((format!("z{i:02}"), "2023-01-01", "9999999".to_string()));
    }
    (ids, rows)
}

fn run_crowd(rows: &[(String, &'static str, String)], share: &str) -> Portfolio {
    let borrowed: Vec<(&str, &str, &str)> = rows.iter().map(|(c, d, a)| (c.as_str(), *d, a.as_str())).collect();
    analyze_with(
        &borrowed,
        &lifecycle(&format!("vip_top_share = {share}\n")),
        Some("2024-06-30"),
    )
    .portfolio
}

fn vips(p: &Portfolio) -> Vec<String> {
    let mut v: Vec<String> = p
        .customers
        .iter()
        .filter(|c| p.labels[c.segment].id == "vip")
        .map(|c| p.customer_id(c).to_string())
        .collect();
    v.sort();
    v
}

#[test]
fn top_share_k_is_exact_decimal_arithmetic() {
    // 0.14 × 50 = 7.000000000000001 in floating point; ceil would say 8.
    assert_eq!((0.14f64 * 50.0).ceil(), 8.0);
    let (ids, rows) = crowd(50, |i| 1000 + i as i64, 0);
    let p = run_crowd(&rows, "0.14");
    assert_eq!(vips(&p), ids[43..].to_vec(), "exactly the top 7 totals");
    assert_eq!(count(&p, "2024-06-30", "vip"), 7);
    assert_eq!(count(&p, "2024-06-30", "newcomer"), 43);
    // As a string too, and 0.15 × 50 = 7.5 → 8.
    let p = run_crowd(&rows, "\"0.14\"");
    assert_eq!(count(&p, "2024-06-30", "vip"), 7);
    let p = run_crowd(&rows, "0.15");
    assert_eq!(count(&p, "2024-06-30", "vip"), 8);
}

#[test]
fn top_share_includes_everyone_tied_with_the_kth() {
    // Eight customers, share 0.25: k = 2. Totals 100, 50, 50, 50, 10, 9, 8, 7:
    // the 2nd is 50, and both other 50s are tied with it: four VIPs.
    let totals = [100, 50, 50, 50, 10, 9, 8, 7];
    let (ids, rows) = crowd(8, |i| totals[i], 0);
    let p = run_crowd(&rows, "0.25");
    assert_eq!(vips(&p), ids[..4].to_vec());
    // k = ceil(0.2 × 8) = 2 as well; 0.1 × 8 → k = 1: only the 100.
    assert_eq!(vips(&run_crowd(&rows, "0.2")), ids[..4].to_vec());
    assert_eq!(vips(&run_crowd(&rows, "0.1")), ids[..1].to_vec());
    // All tied: everyone is VIP however small the share.
    let (ids, rows) = crowd(8, |_| 500, 0);
    assert_eq!(vips(&run_crowd(&rows, "0.01")), ids);
    // Share 0 turns the rule off.
    let (_, rows) = crowd(8, |i| totals[i], 0);
    assert_eq!(vips(&run_crowd(&rows, "0")), Vec::<String>::new());
}

#[test]
fn top_share_counts_only_customers_who_are_not_dormant() {
    // 50 present and not dormant + 50 dormant with bigger totals: n = 50,
    // 0.02 × 50 = 1, and the dormant ones are neither counted nor VIP.
    let (ids, rows) = crowd(50, |i| 1000 + i as i64, 50);
    let p = run_crowd(&rows, "0.02");
    assert_eq!(vips(&p), ids[49..].to_vec());
    assert_eq!(count(&p, "2024-06-30", "dormant"), 50);
}

#[test]
fn top_share_moves_with_the_month_even_without_a_row() {
    // A bought 1,000 on 2024-01-10 and nothing since; B bought 5,000 the same
    // day; C bought 100 on 2024-02-20. Share 0.5.
    // 01-31: n = 2 (A, B), k = 1 → B. A is newcomer.
    // 02-29: n = 3, k = 2 → B and A (1,000 >= 1,000). C newcomer.
    // 03-31: A and B went dormant on 03-11 (recency 61), n = 1 (C), k = 1 → C.
    // A never had a row after January, yet was VIP at 02-29 only.
    let rows = [
        ("A", "2024-01-10", "1000"),
        ("B", "2024-01-10", "5000"),
        ("C", "2024-02-20", "100"),
    ];
    let p = analyze_with(&rows, &lifecycle("vip_top_share = 0.5\n"), Some("2024-03-31")).portfolio;
    assert_eq!(count(&p, "2024-01-31", "vip"), 1);
    assert_eq!(count(&p, "2024-01-31", "newcomer"), 1);
    assert_eq!(count(&p, "2024-02-29", "vip"), 2);
    assert_eq!(count(&p, "2024-02-29", "newcomer"), 1);
    assert_eq!(count(&p, "2024-03-31", "vip"), 1);
    assert_eq!(count(&p, "2024-03-31", "dormant"), 2);
    assert_eq!(moved(&p, "2024-02-29", "newcomer", "vip"), 1);
    assert_eq!(moved(&p, "2024-02-29", "new", "newcomer"), 1);
    assert_eq!(moved(&p, "2024-03-31", "vip", "dormant"), 2);
    assert_eq!(moved(&p, "2024-03-31", "newcomer", "vip"), 1);
    assert_eq!(segment_at_as_of(&p, "C"), Some("vip"));
    // The month's sales go to the state at its month-end: C's 100 in
    // February was a newcomer's; A bought nothing in February.
    let t = crate::common::snapshot(&p, "2024-02-29");
    let newcomer = p.labels.iter().position(|l| l.id == "newcomer").unwrap();
    assert_eq!(p.sales[t][newcomer], 100_000_000);
    let vip = p.labels.iter().position(|l| l.id == "vip").unwrap();
    assert_eq!(p.sales[t][vip], 0);
    assert_eq!(p.cumulative_sales[t][vip], 6_000_000_000);
    // The per-snapshot thresholds the engine used.
    let thresholds = thresholds_of(&rows, "0.5", "2024-03-31");
    assert_eq!(
        thresholds,
        [
            Some(Money::from_units(5000).unwrap()),
            Some(Money::from_units(1000).unwrap()),
            Some(Money::from_units(100).unwrap())
        ]
    );
}

fn thresholds_of(rows: &[(&str, &str, &str)], share: &str, as_of: &str) -> Vec<Option<Money>> {
    let c = lifecycle(&format!("vip_top_share = {share}\n"));
    let orders = crate::common::orders(rows);
    let last = crate::common::day(as_of);
    let days = cpm::engine::snapshots::snapshot_days(
        *orders.day.iter().min().unwrap(),
        *orders.day.iter().max().unwrap(),
        Some(last),
    )
    .unwrap();
    let (tl, _) = cpm::engine::timelines::build(orders, last);
    cpm::engine::snapshots::lifecycle_thresholds(&tl, &c.lifecycle, &days)
}

#[test]
fn transitions_keep_new_as_the_pseudo_segment() {
    let rows = [("A", "2024-01-10", "100"), ("B", "2024-02-10", "100")];
    let p = analyze_with(&rows, &lifecycle("vip_top_share = 0\n"), Some("2024-02-29")).portfolio;
    assert_eq!(moved(&p, "2024-02-29", "new", "newcomer"), 1);
    assert_eq!(moved(&p, "2024-02-29", "newcomer", "at_risk"), 1);
    let csv = cpm::tables::transitions_csv(&p);
    assert!(csv.contains("2024-01-31,2024-02-29,new,newcomer,1\n"), "{csv}");
}

#[test]
fn the_cpm_scheme_is_the_default() {
    let c = Config::default();
    assert_eq!(c.scheme, Scheme::Cpm);
    let a = analyze_with(&[("A", "2024-01-05", "1000")], &c, Some("2024-01-31"));
    assert_eq!(a.portfolio.labels.len(), 10);
}

// ------------------------------------------------------- naive reference

#[derive(Debug, Clone)]
struct Rules {
    active: i32,
    dormant: i32,
    vip_min: u32,
    vip_recency: i32,
    /// The top share as `num / den`.
    share: (u64, u64),
    new_max: u32,
    toddler: i32,
}

const DORMANT: usize = 0;
const VIP: usize = 1;
const AT_RISK: usize = 2;
const WINBACK: usize = 3;
const NEWCOMER: usize = 4;
const ACTIVE: usize = 5;

/// Spec section 2 over the rows dated <= s: (last, previous purchase day,
/// total, purchase days), or None before the first purchase.
fn facts(rows: &[(Day, i64)], s: Day) -> Option<(Day, Option<Day>, i64, u32)> {
    let mut days: Vec<Day> = rows
        .iter()
        .filter(|&&(d, a)| d <= s && a >= 0)
        .map(|&(d, _)| d)
        .collect();
    days.sort();
    days.dedup();
    let last = *days.last()?;
    let previous = days.len().checked_sub(2).map(|i| days[i]);
    let total = rows.iter().filter(|&&(d, _)| d <= s).map(|&(_, a)| a).sum();
    Some((last, previous, total, days.len() as u32))
}

/// Every present customer's state at `s`, straight from section 8.
fn states_at(by_customer: &BTreeMap<String, Vec<(Day, i64)>>, s: Day, r: &Rules) -> BTreeMap<String, (usize, i64)> {
    let present: BTreeMap<&String, (Day, Option<Day>, i64, u32)> = by_customer
        .iter()
        .filter_map(|(id, rows)| facts(rows, s).map(|f| (id, f)))
        .collect();
    // Top share among the present and not dormant, by total descending.
    let mut totals: Vec<i64> = present.values().filter(|f| s - f.0 <= r.dormant).map(|f| f.2).collect();
    totals.sort_by(|a, b| b.cmp(a));
    let n = totals.len() as u64;
    let k = (r.share.0 * n).div_ceil(r.share.1) as usize;
    let threshold = (k > 0).then(|| totals[k - 1]);
    present
        .into_iter()
        .map(|(id, (last, previous, total, purchase_days))| {
            let recency = s - last;
            let state = if recency > r.dormant {
                DORMANT
            } else if (purchase_days >= r.vip_min && recency <= r.vip_recency) || threshold.is_some_and(|t| total >= t)
            {
                VIP
            } else if recency > r.active {
                AT_RISK
            } else if purchase_days >= 2 && previous.is_some_and(|p| last - p > r.dormant) {
                WINBACK
            } else if purchase_days <= r.new_max {
                NEWCOMER
            } else {
                ACTIVE
            };
            (id.clone(), (state, total))
        })
        .collect()
}

fn check(rows: &[(u8, i32, i64)], r: &Rules, as_of: Option<i32>) -> Result<(), TestCaseError> {
    let base = day_from_ymd(2023, 1, 1).unwrap();
    let ids: Vec<String> = rows.iter().map(|&(c, _, _)| format!("c{c}")).collect();
    let orders = Orders::from_rows(
        rows.iter()
            .zip(&ids)
            .map(|(&(_, d, a), id)| (id.as_str(), base + d, Money(a))),
    );
    let share = format!("{}", r.share.0 as f64 / r.share.1 as f64);
    let text = format!(
        "scheme = \"lifecycle\"\n[cpm]\ntoddler_days = {}\nloyal_days = {}\n[lifecycle]\nactive_days = {}\n\
         dormant_days = {}\nvip_min_purchase_days = {}\nvip_recency_days = {}\nvip_top_share = \"{share}\"\n\
         new_max_purchase_days = {}\n",
        r.toddler, r.toddler, r.active, r.dormant, r.vip_min, r.vip_recency, r.new_max
    );
    let config = Config::resolve(&Config::parse_file(&text).unwrap(), &Overrides::default()).unwrap();
    let Ok(a) = analyze_orders(
        orders,
        IngestReport::in_memory(rows.len()),
        &config,
        as_of.map(|d| base + d),
        today(),
    ) else {
        return Ok(());
    };
    let p = &a.portfolio;
    let mut by_customer: BTreeMap<String, Vec<(Day, i64)>> = BTreeMap::new();
    for (&(_, d, amount), id) in rows.iter().zip(&ids) {
        by_customer.entry(id.clone()).or_default().push((base + d, amount));
    }
    let snapshots = &p.snapshot_days;
    let states: Vec<BTreeMap<String, (usize, i64)>> =
        snapshots.iter().map(|&s| states_at(&by_customer, s, r)).collect();
    super::bridge::check_lifecycle(p, &states)?;
    let t_n = snapshots.len();

    let mut counts = vec![vec![0u64; 6]; t_n];
    let mut cumulative = vec![vec![0i128; 6]; t_n];
    let mut sales = vec![vec![0i128; 6]; t_n];
    let mut moves: BTreeMap<(usize, usize, usize), u64> = BTreeMap::new();
    for t in 0..t_n {
        for (id, &(state, total)) in &states[t] {
            counts[t][state] += 1;
            cumulative[t][state] += i128::from(total);
            // Sales dated in the snapshot's month: nothing before the first one.
            let after = if t == 0 {
                cpm::dates::first_day_of_month(month_of(snapshots[0])) - 1
            } else {
                snapshots[t - 1]
            };
            for &(d, a) in &by_customer[id] {
                if d > after && d <= snapshots[t] {
                    sales[t][state] += i128::from(a);
                }
            }
            if t > 0 {
                let from = states[t - 1].get(id).map_or(6, |s| s.0);
                *moves.entry((t, from, state)).or_default() += 1;
            }
        }
    }
    prop_assert_eq!(&p.counts, &counts);
    prop_assert_eq!(&p.cumulative_sales, &cumulative);
    prop_assert_eq!(&p.sales, &sales);
    for (t, m) in p.transitions.iter().enumerate() {
        for (from, row) in m.cells.iter().enumerate() {
            for (to, &n) in row.iter().enumerate() {
                let expected = moves.get(&(t + 1, from, to)).copied().unwrap_or(0);
                prop_assert_eq!(n, expected, "t={} from={} to={}", t + 1, from, to);
            }
        }
    }
    // Ladder: each acquisition cohort's states k months on.
    let first_month = month_of(snapshots[0]);
    let mut ladder: BTreeMap<(i32, usize, usize), u64> = BTreeMap::new();
    let mut cohorts: BTreeMap<i32, (u64, u64)> = BTreeMap::new();
    let as_of_day = snapshots[t_n - 1];
    for (id, rows) in &by_customer {
        let mut days: Vec<Day> = rows
            .iter()
            .filter(|&&(d, a)| a >= 0 && d <= as_of_day)
            .map(|&(d, _)| d)
            .collect();
        days.sort();
        days.dedup();
        let Some(&first) = days.first() else { continue };
        let cohort = month_of(first);
        let e = cohorts.entry(cohort).or_default();
        e.0 += 1;
        if days.get(1).is_some_and(|&s| s - first < r.toddler) {
            e.1 += 1;
        }
        let c = (cohort - first_month) as usize;
        for k in 0..LADDER_MONTHS {
            if c + k < t_n {
                let state = states[c + k][id].0;
                *ladder.entry((cohort, k, state)).or_default() += 1;
            }
        }
    }
    let mut got = BTreeMap::new();
    for c in &p.ladder {
        for (k, row) in c.counts.iter().enumerate() {
            for (s, &v) in row.iter().enumerate() {
                if v > 0 {
                    got.insert((c.cohort_month, k, s), v);
                }
            }
        }
    }
    prop_assert_eq!(&got, &ladder);
    let got_cohorts: BTreeMap<i32, (u64, u64)> = p
        .conversion
        .iter()
        .map(|c| (c.cohort_month, (c.cohort_size, c.converted)))
        .collect();
    prop_assert_eq!(&got_cohorts, &cohorts);
    for c in &p.conversion {
        prop_assert_eq!(c.matured, last_day_of_month(c.cohort_month) + r.toddler - 1 <= p.as_of);
    }
    let at_as_of: BTreeMap<String, (usize, i64)> = p
        .customers
        .iter()
        .map(|c| (p.customer_id(c).to_string(), (c.segment, c.total.0)))
        .collect();
    prop_assert_eq!(&at_as_of, &states[t_n - 1]);
    Ok(())
}

/// Amounts from a small set, so that totals tie often.
fn amount() -> impl Strategy<Value = i64> {
    prop_oneof![
        6 => (1i64..6).prop_map(|y| y * 1_000_000_000),
        1 => (-3i64..0).prop_map(|y| y * 1_000_000_000),
        1 => Just(0),
        1 => 0i64..3_000_000_000,
    ]
}

fn share() -> impl Strategy<Value = (u64, u64)> {
    prop_oneof![
        Just((0, 1)),
        Just((1, 100)),
        Just((14, 100)),
        Just((1, 4)),
        Just((3, 10_000)),
        Just((333_333, 1_000_000)),
        Just((1, 2)),
        Just((1, 1)),
        (0u64..=20).prop_map(|n| (n, 20)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn lifecycle_fast_path_equals_naive(
        rows in prop::collection::vec((0u8..12, 0i32..500, amount()), 1..60),
        active in 0i32..60,
        extra in 0i32..80,
        vip_min in 1u32..6,
        vip_recency in 0i32..90,
        share in share(),
        new_max in 0u32..4,
        toddler in 1i32..120,
        as_of in prop::option::of(0i32..600),
    ) {
        let r = Rules { active, dormant: active + extra, vip_min, vip_recency, share, new_max, toddler };
        check(&rows, &r, as_of)?;
    }
}

#[test]
fn lifecycle_fast_path_equals_naive_on_the_spec_defaults() {
    let r = Rules {
        active: 30,
        dormant: 60,
        vip_min: 4,
        vip_recency: 45,
        share: (1, 100),
        new_max: 2,
        toddler: 90,
    };
    // Regular buyers, one lapse and comeback, a return, ties.
    let mut rows = Vec::new();
    for c in 0u8..10 {
        for k in 0..(c as i32 % 6 + 1) {
            rows.push((c, 10 + k * (20 + c as i32 * 7), 3_000_000_000));
        }
    }
    rows.push((3, 400, 1_000_000_000));
    rows.push((4, 100, -2_000_000_000));
    check(&rows, &r, None).unwrap();
    check(&rows, &r, Some(420)).unwrap();
}
