//! Breakdowns (`--by`, spec section 9) in the engine: the group rule worked
//! out by hand, the groups adding up to the run without `--by`, and each
//! group equal to a run on its customers alone.

use cpm::config::Config;
use cpm::dates::format_day;
use cpm::engine::breakdown::Breakdown;
use cpm::engine::portfolio::Portfolio;
use cpm::ingest::IngestReport;
use cpm::ingest::attribute::Attribute;
use cpm::ingest::text::parse_amount;
use cpm::pipeline::{Analysis, analyze_grouped, analyze_orders};
use cpm::tables;
use proptest::prelude::*;

use crate::common::today;
use crate::common::{config, day, orders};

type Row<'a> = (&'a str, &'a str, &'a str, &'a str);

fn three(rows: &[Row]) -> Vec<(String, String, String)> {
    rows.iter()
        .map(|r| (r.0.to_string(), r.1.to_string(), r.2.to_string()))
        .collect()
}

/// A run of `(customer, date, amount, attribute)` rows broken down by the attribute.
fn grouped(rows: &[Row], config: &Config, as_of: Option<&str>) -> Analysis {
    let plain = three(rows);
    let plain: Vec<(&str, &str, &str)> = plain.iter().map(|r| (&*r.0, &*r.1, &*r.2)).collect();
    let attribute = Attribute::from_values("channel", rows.iter().map(|r| r.3));
    analyze_grouped(
        orders(&plain),
        IngestReport::in_memory(rows.len()),
        Some(attribute),
        config,
        as_of.map(day),
        today(),
    )
    .expect("grouped analysis")
}

fn plain(rows: &[Row], config: &Config, as_of: Option<&str>) -> Analysis {
    let plain = three(rows);
    let plain: Vec<(&str, &str, &str)> = plain.iter().map(|r| (&*r.0, &*r.1, &*r.2)).collect();
    analyze_orders(
        orders(&plain),
        IngestReport::in_memory(rows.len()),
        config,
        as_of.map(day),
        today(),
    )
    .expect("analysis")
}

fn breakdown(a: &Analysis) -> &Breakdown {
    a.breakdown.as_ref().expect("a breakdown")
}

/// Each present customer's group label, by customer id.
fn groups_of(a: &Analysis) -> Vec<(String, String)> {
    let b = breakdown(a);
    let mut out: Vec<(String, String)> = a
        .portfolio
        .customers
        .iter()
        .zip(&b.customer_group)
        .map(|(c, &g)| (a.portfolio.customer_id(c).to_string(), b.groups[g as usize].clone()))
        .collect();
    out.sort();
    out
}

/// The §9 cases, one customer each (the expected group in the comment).
const RULE_ROWS: &[Row] = &[
    // A → 紙DM: of two first-day rows, the larger amount; a later day never decides.
    ("A", "2024-01-10", "3000", "検索広告"),
    ("A", "2024-01-10", "5000", "紙DM"),
    ("A", "2024-02-01", "9000", "SNS広告"),
    // B → 自然流入: a blank value loses even with the larger amount.
    ("B", "2024-01-10", "9000", "  "),
    ("B", "2024-01-10", "100", "自然流入"),
    // C → (none): every first-day value blank (the full-width space too).
    ("C", "2024-01-10", "1000", ""),
    ("C", "2024-01-10", "2000", "\u{3000}"),
    // D → B: equal amounts, the smallest value in byte order ('B' 0x42 < 'b' 0x62 < 検 0xE6).
    ("D", "2024-01-10", "2000", "b"),
    ("D", "2024-01-10", "2000", "B"),
    ("D", "2024-01-10", "2000", "検索広告"),
    // E → x: a return on the first day (larger, byte-smaller value) never decides.
    ("E", "2024-01-10", "1000", "x"),
    ("E", "2024-01-10", "-5000", "a"),
    // F → y: the only row of the first day with rows is a return; the next day with a purchase decides.
    ("F", "2024-01-05", "-500", "a"),
    ("F", "2024-01-20", "800", " y "),
    // H → zero: an amount of 0 is a purchase.
    ("H", "2024-01-15", "0", "zero"),
    // I → 紙DM: trimmed of the full-width space, the same group as A.
    ("I", "2024-01-12", "100", "\u{3000}紙DM "),
    // G: first purchase after the as-of date: in no group, and "late" is no group.
    ("G", "2024-03-15", "700", "late"),
];

const RULE_AS_OF: &str = "2024-02-29";

fn expected_rule_groups() -> Vec<(String, String)> {
    [
        ("A", "紙DM"),
        ("B", "自然流入"),
        ("C", "(none)"),
        ("D", "B"),
        ("E", "x"),
        ("F", "y"),
        ("H", "zero"),
        ("I", "紙DM"),
    ]
    .iter()
    .map(|(c, g)| (c.to_string(), g.to_string()))
    .collect()
}

#[test]
fn the_group_is_the_first_purchase_days_largest_non_blank_value() {
    let a = grouped(RULE_ROWS, &Config::default(), Some(RULE_AS_OF));
    let b = breakdown(&a);
    assert_eq!(b.column, "channel");
    // Byte order: '(' 0x28 < 'B' < 'x' < 'y' < 'z' < 紙 (E7) < 自 (E8).
    assert_eq!(b.groups, ["(none)", "B", "x", "y", "zero", "紙DM", "自然流入"]);
    assert_eq!(groups_of(&a), expected_rule_groups());
}

#[test]
fn the_group_does_not_depend_on_the_order_of_rows() {
    let expected = expected_rule_groups();
    let mut rows = RULE_ROWS.to_vec();
    rows.reverse();
    assert_eq!(
        groups_of(&grouped(&rows, &Config::default(), Some(RULE_AS_OF))),
        expected
    );
    for k in [3, 7, 11] {
        rows.rotate_left(k);
        rows.swap(0, 5);
        assert_eq!(
            groups_of(&grouped(&rows, &Config::default(), Some(RULE_AS_OF))),
            expected
        );
    }
}

#[test]
fn a_groups_portfolio_counts_only_its_customers() {
    let a = grouped(RULE_ROWS, &Config::default(), Some(RULE_AS_OF));
    let b = breakdown(&a);
    let g = b.groups.iter().position(|g| g == "紙DM").unwrap();
    let p = &b.portfolios[g];
    assert_eq!(p.snapshot_days, a.portfolio.snapshot_days);
    // 2024-01-31: A (5000 + 3000) and I (100), both 初回. 2024-02-29: A bought
    // again 22 days after the first purchase: よちよち, total 17000.
    assert_eq!(
        tables::snapshots_csv(p)
            .lines()
            .filter(|l| !l.contains(",0,0,0,0"))
            .collect::<Vec<_>>(),
        [
            "month_end,segment,customers,share,sales,cumulative_sales",
            "2024-01-31,first_active,2,1,8100,8100",
            "2024-02-29,first_active,1,0.5,0,100",
            "2024-02-29,toddler_active,1,0.5,9000,17000",
        ]
    );
    assert_eq!(
        tables::transitions_csv(p),
        "from_month_end,to_month_end,from_segment,to_segment,customers\n\
         2024-01-31,2024-02-29,first_active,first_active,1\n\
         2024-01-31,2024-02-29,first_active,toddler_active,1\n"
    );
    assert_eq!(
        tables::conversion_csv(p),
        "cohort_month,cohort_size,converted,rate,matured\n2024-01,2,1,0.5,false\n"
    );
    // F: the return before the first purchase counts once F is present (800 - 500).
    let y = b.groups.iter().position(|g| g == "y").unwrap();
    assert_eq!(b.portfolios[y].cumulative_sales[0][0], 300_000_000);
    assert_eq!(b.portfolios[y].sales[0][0], 300_000_000);
}

#[test]
fn grouped_tables_lead_with_the_group_in_byte_order() {
    let a = grouped(RULE_ROWS, &Config::default(), Some(RULE_AS_OF));
    let b = breakdown(&a);
    let conversion = tables::groups::conversion_csv(b);
    assert_eq!(
        conversion,
        "group,cohort_month,cohort_size,converted,rate,matured\n\
         (none),2024-01,1,0,0,false\n\
         B,2024-01,1,0,0,false\n\
         x,2024-01,1,0,0,false\n\
         y,2024-01,1,0,0,false\n\
         zero,2024-01,1,0,0,false\n\
         紙DM,2024-01,2,1,0.5,false\n\
         自然流入,2024-01,1,0,0,false\n"
    );
    let snapshots = tables::groups::snapshots_csv(b);
    // Every group has every month-end and segment, zeros included.
    assert_eq!(snapshots.lines().count(), 1 + 7 * 2 * 10);
    let segments = tables::groups::customers_csv(&a.portfolio, b, tables::groups::customers_by_group(b));
    let firsts: Vec<&str> = segments.lines().map(|l| l.split(',').next().unwrap()).collect();
    assert_eq!(
        firsts,
        ["group", "(none)", "B", "x", "y", "zero", "紙DM", "紙DM", "自然流入"]
    );
    assert!(segments.contains("\n紙DM,A,toddler_active,2024-01-10,2024-02-01,22,28,17000,2,first_active\n"));
    assert!(segments.contains("\n紙DM,I,first_active,"));
}

// ---------------------------------------------------------------------------
// Properties on random histories.

const VALUES: [&str; 6] = ["a", " a", "b", "", "\u{3000}", "検索広告"];

#[derive(Debug, Clone)]
struct History {
    rows: Vec<(String, String, String, &'static str)>,
}

impl History {
    fn rows(&self) -> Vec<Row<'_>> {
        self.rows.iter().map(|r| (&*r.0, &*r.1, &*r.2, r.3)).collect()
    }
}

fn history(anchors: bool) -> impl Strategy<Value = History> {
    // Few days and amounts, so that first days with several rows and equal
    // amounts are common.
    let row = (0u8..6, 0i32..30, -2i64..14, 0usize..VALUES.len());
    proptest::collection::vec(row, 1..40).prop_map(move |raw| {
        let base = day("2023-01-01");
        let mut rows: Vec<(String, String, String, &'static str)> = Vec::new();
        if anchors {
            // One customer per possible group with a purchase on the first
            // day, so every group's own run starts in the same month.
            for (k, v) in ["a", "b", "検索広告", ""].iter().enumerate() {
                rows.push((format!("anchor{k}"), "2023-01-01".into(), "1000".into(), v));
            }
        } else {
            rows.push(("c0".into(), "2023-01-01".into(), "1000".into(), "a"));
        }
        // A return only (never present): the data covers whole months.
        rows.push(("zz".into(), "2024-07-01".into(), "-100".into(), "b"));
        for (c, d, a, v) in raw {
            rows.push((
                format!("c{c}"),
                format_day(base + d * 18),
                (if a < 6 { a * 1000 } else { a * 9000 }).to_string(),
                VALUES[v],
            ));
        }
        History { rows }
    })
}

/// The §9 rule, naively: per customer, the first day with a purchase on or
/// before `as_of`, its non-blank trimmed values with their amounts, the
/// largest amount then the smallest bytes.
fn naive_groups(rows: &[Row], as_of: cpm::dates::Day) -> Vec<(String, String)> {
    let mut customers: Vec<&str> = rows.iter().map(|r| r.0).collect();
    customers.sort();
    customers.dedup();
    let mut out = Vec::new();
    for c in customers {
        let purchases: Vec<&Row> = rows
            .iter()
            .filter(|r| r.0 == c && day(r.1) <= as_of && !parse_amount(r.2).unwrap().is_negative())
            .collect();
        let Some(first) = purchases.iter().map(|r| day(r.1)).min() else {
            continue;
        };
        let best = purchases
            .iter()
            .filter(|r| day(r.1) == first && !r.3.trim().is_empty())
            .map(|r| (parse_amount(r.2).unwrap(), r.3.trim()))
            .max_by(|x, y| x.0.cmp(&y.0).then(y.1.as_bytes().cmp(x.1.as_bytes())));
        out.push((c.to_string(), best.map_or("(none)", |b| b.1).to_string()));
    }
    out
}

/// The sum of the groups' portfolios, field by field (no customers).
fn assert_groups_add_up(whole: &Portfolio, b: &Breakdown) {
    let n = whole.labels.len();
    let months = whole.snapshot_days.len();
    for t in 0..months {
        for s in 0..n {
            let sum = |f: &dyn Fn(&Portfolio) -> i128| b.portfolios.iter().map(f).sum::<i128>();
            assert_eq!(sum(&|p| i128::from(p.counts[t][s])), i128::from(whole.counts[t][s]));
            assert_eq!(sum(&|p| p.sales[t][s]), whole.sales[t][s]);
            assert_eq!(sum(&|p| p.cumulative_sales[t][s]), whole.cumulative_sales[t][s]);
        }
    }
    for (t, m) in whole.transitions.iter().enumerate() {
        for (from, row) in m.cells.iter().enumerate() {
            for (to, &cell) in row.iter().enumerate() {
                let sum: u64 = b.portfolios.iter().map(|p| p.transitions[t].cells[from][to]).sum();
                assert_eq!(sum, cell);
            }
        }
    }
    for c in &whole.conversion {
        let members = b
            .portfolios
            .iter()
            .filter_map(|p| p.conversion.iter().find(|k| k.cohort_month == c.cohort_month));
        let (size, converted) = members.fold((0, 0), |acc, k| {
            assert_eq!(k.matured, c.matured);
            (acc.0 + k.cohort_size, acc.1 + k.converted)
        });
        assert_eq!((size, converted), (c.cohort_size, c.converted));
    }
    let cohorts: usize = b.portfolios.iter().map(|p| p.conversion.len()).sum();
    assert!(cohorts >= whole.conversion.len());
    for p in &b.portfolios {
        assert_eq!(p.snapshot_days, whole.snapshot_days);
        assert_eq!(p.as_of, whole.as_of);
        for k in &p.conversion {
            assert!(whole.conversion.iter().any(|c| c.cohort_month == k.cohort_month));
        }
    }
    let members: u64 = b
        .portfolios
        .iter()
        .map(|p| p.counts[months - 1].iter().sum::<u64>())
        .sum();
    assert_eq!(members as usize, b.customer_group.len());
    assert_eq!(b.customer_group.len(), whole.customers.len());
}

const LIFECYCLE: &str = "scheme = \"lifecycle\"\n[lifecycle]\nvip_top_share = 0.2\n";
const LIFECYCLE_NO_SHARE: &str = "scheme = \"lifecycle\"\n[lifecycle]\nvip_top_share = 0\n";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn groups_add_up_to_the_run_without_by(h in history(false), lifecycle in any::<bool>()) {
        let config = if lifecycle { config(LIFECYCLE) } else { Config::default() };
        let rows = h.rows();
        let with = grouped(&rows, &config, None);
        let without = plain(&rows, &config, None);
        // The whole run of a grouped run is the run without --by, exactly;
        // its customers are listed by group.
        let mut whole = with.portfolio.clone();
        let groups: Vec<u32> = breakdown(&with).customer_group.clone();
        prop_assert!(groups.windows(2).all(|w| w[0] <= w[1]));
        whole.customers.sort_by_key(|c| c.customer);
        prop_assert_eq!(&whole, &without.portfolio);
        let mut summed = cpm::engine::breakdown::sum(&breakdown(&with).portfolios).unwrap();
        summed.customers = without.portfolio.customers.clone();
        summed.ids = without.portfolio.ids.clone();
        prop_assert_eq!(&summed, &without.portfolio);
        assert_groups_add_up(&without.portfolio, breakdown(&with));
        prop_assert_eq!(groups_of(&with), naive_groups(&rows, with.portfolio.as_of));
        // Rows shuffled: the same groups.
        let mut shuffled = rows.clone();
        shuffled.reverse();
        shuffled.rotate_left(rows.len() / 3);
        prop_assert_eq!(groups_of(&grouped(&shuffled, &config, None)), groups_of(&with));
    }

    #[test]
    fn each_group_is_the_run_of_its_customers_alone(h in history(true), lifecycle in any::<bool>()) {
        // The VIP top share is the whole run's, so per group only without it.
        let config = if lifecycle { config(LIFECYCLE_NO_SHARE) } else { Config::default() };
        let rows = h.rows();
        let first = grouped(&rows, &config, None);
        let as_of = format_day(first.portfolio.as_of);
        let with = grouped(&rows, &config, Some(&as_of));
        let b = breakdown(&with);
        let groups = groups_of(&with);
        for (g, label) in b.groups.iter().enumerate() {
            let members: Vec<&str> = groups.iter().filter(|(_, l)| l == label).map(|(c, _)| c.as_str()).collect();
            let own: Vec<Row> = rows.iter().copied().filter(|r| members.contains(&r.0)).collect();
            let alone = plain(&own, &config, Some(&as_of));
            let p = &b.portfolios[g];
            prop_assert_eq!(tables::snapshots_csv(p), tables::snapshots_csv(&alone.portfolio));
            prop_assert_eq!(tables::transitions_csv(p), tables::transitions_csv(&alone.portfolio));
            prop_assert_eq!(tables::conversion_csv(p), tables::conversion_csv(&alone.portfolio));
            let group_csv = tables::groups::customers_csv(&with.portfolio, b, b.members(g));
            let rows_of_group: Vec<&str> = group_csv
                .lines()
                .skip(1)
                .map(|l| l.split_once(',').unwrap().1)
                .collect::<Vec<_>>();
            let alone_rows = tables::customers_csv(&alone.portfolio, 0..alone.portfolio.customers.len());
            prop_assert_eq!(rows_of_group, alone_rows.lines().skip(1).collect::<Vec<_>>());
        }
    }
}
