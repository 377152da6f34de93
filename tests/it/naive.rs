//! The fast path against a deliberately naive one: every snapshot computed
//! from scratch for every customer, straight from spec sections 2–7.

use std::collections::BTreeMap;

use crate::common::today;
use cpm::config::{Config, Overrides};
use cpm::dates::{Day, day_from_ymd, last_day_of_month, month_of};
use cpm::engine::portfolio::{LADDER_MONTHS, Portfolio};
use cpm::ingest::{IngestReport, Orders};
use cpm::money::Money;
use cpm::pipeline::analyze_orders;
use proptest::prelude::*;

#[derive(Debug, Clone)]
pub(super) struct Rules {
    pub(super) churn: i32,
    pub(super) toddler: i32,
    pub(super) loyal_days: i32,
    pub(super) loyal_amount: i64,
    /// 超優良: (amount, optional tenure), twelve segments when set.
    pub(super) super_loyal: Option<(i64, Option<i32>)>,
}

impl Rules {
    pub(super) fn tiers(&self) -> usize {
        if self.super_loyal.is_some() { 6 } else { 5 }
    }

    fn segments(&self) -> usize {
        2 * self.tiers()
    }
}

/// Segment index (canonical order) of one customer at `s`, from scratch.
pub(super) fn naive_state(rows: &[(Day, i64)], s: Day, r: &Rules) -> Option<(usize, i64)> {
    let upto: Vec<&(Day, i64)> = rows.iter().filter(|(d, _)| *d <= s).collect();
    let purchases: Vec<Day> = upto.iter().filter(|(_, a)| *a >= 0).map(|(d, _)| *d).collect();
    let first = *purchases.iter().min()?;
    let last = *purchases.iter().max()?;
    let total: i64 = upto.iter().map(|(_, a)| a).sum();
    let tenure = last - first;
    let recency = s - last;
    let tier = if tenure == 0 {
        0
    } else if tenure < r.toddler {
        1
    } else if total < r.loyal_amount {
        3
    } else if tenure < r.loyal_days {
        2
    } else if r
        .super_loyal
        .is_some_and(|(amount, days)| total >= amount && days.is_none_or(|d| tenure >= d))
    {
        5
    } else {
        4
    };
    Some((tier + if recency >= r.churn { r.tiers() } else { 0 }, total))
}

struct Naive {
    counts: Vec<Vec<u64>>,
    cumulative: Vec<Vec<i128>>,
    sales: Vec<Vec<i128>>,
    /// (t, from or the segment count for new, to) → count
    moves: BTreeMap<(usize, usize, usize), u64>,
    /// cohort month → (size, converted)
    cohorts: BTreeMap<i32, (u64, u64)>,
    ladder: BTreeMap<(i32, usize, usize), u64>,
    at_as_of: BTreeMap<String, (usize, i64)>,
}

fn naive(by_customer: &BTreeMap<String, Vec<(Day, i64)>>, snapshots: &[Day], r: &Rules) -> Naive {
    let t_n = snapshots.len();
    let as_of = snapshots[t_n - 1];
    let n_seg = r.segments();
    let mut n = Naive {
        counts: vec![vec![0; n_seg]; t_n],
        cumulative: vec![vec![0; n_seg]; t_n],
        sales: vec![vec![0; n_seg]; t_n],
        moves: BTreeMap::new(),
        cohorts: BTreeMap::new(),
        ladder: BTreeMap::new(),
        at_as_of: BTreeMap::new(),
    };
    let first_month = month_of(snapshots[0]);
    for (id, rows) in by_customer {
        let states: Vec<Option<(usize, i64)>> = snapshots.iter().map(|&s| naive_state(rows, s, r)).collect();
        for t in 0..t_n {
            let Some((seg, total)) = states[t] else { continue };
            n.counts[t][seg] += 1;
            n.cumulative[t][seg] += i128::from(total);
            // Sales dated in the snapshot's month: nothing before the first one.
            let after = if t == 0 {
                cpm::dates::first_day_of_month(month_of(snapshots[0])) - 1
            } else {
                snapshots[t - 1]
            };
            for &(d, a) in rows {
                if d > after && d <= snapshots[t] {
                    n.sales[t][seg] += i128::from(a);
                }
            }
            if t > 0 {
                let from = states[t - 1].map_or(n_seg, |(s, _)| s);
                *n.moves.entry((t, from, seg)).or_default() += 1;
            }
        }
        let mut purchase_days: Vec<Day> = rows
            .iter()
            .filter(|&&(d, a)| a >= 0 && d <= as_of)
            .map(|&(d, _)| d)
            .collect();
        purchase_days.sort();
        purchase_days.dedup();
        if let Some(&first) = purchase_days.first() {
            let cohort = month_of(first);
            let e = n.cohorts.entry(cohort).or_default();
            e.0 += 1;
            if purchase_days.get(1).is_some_and(|&s| s - first < r.toddler) {
                e.1 += 1;
            }
            let c = (cohort - first_month) as usize;
            for k in 0..LADDER_MONTHS {
                if c + k < t_n {
                    let (seg, _) = states[c + k].expect("present from the first purchase month");
                    *n.ladder.entry((cohort, k, seg)).or_default() += 1;
                }
            }
        }
        if let Some(state) = states[t_n - 1] {
            n.at_as_of.insert(id.clone(), state);
        }
    }
    n
}

fn check(rows: &[(u8, i32, i64)], r: &Rules, as_of: Option<i32>) -> Result<(), TestCaseError> {
    let base = day_from_ymd(2023, 1, 1).unwrap();
    let ids: Vec<String> = rows.iter().map(|&(c, _, _)| format!("c{c}")).collect();
    let orders = Orders::from_rows(
        rows.iter()
            .zip(&ids)
            .map(|(&(_, d, a), id)| (id.as_str(), base + d, Money(a))),
    );
    let mut config = Config::resolve(&Default::default(), &Overrides::default()).unwrap();
    config.rules = cpm::engine::segments::CpmRules::new(r.churn, r.toddler, r.loyal_days, Money(r.loyal_amount))
        .with_super_loyal(r.super_loyal.map(|(amount, days)| cpm::engine::segments::SuperLoyal {
            amount: Money(amount),
            days,
        }));
    let Ok(a) = analyze_orders(
        orders,
        IngestReport::in_memory(rows.len()),
        &config,
        as_of.map(|d| base + d),
        today(),
    ) else {
        return Ok(());
    };
    let p: &Portfolio = &a.portfolio;
    let mut by_customer: BTreeMap<String, Vec<(Day, i64)>> = BTreeMap::new();
    for (&(_, d, amount), id) in rows.iter().zip(&ids) {
        by_customer.entry(id.clone()).or_default().push((base + d, amount));
    }
    let n = naive(&by_customer, &p.snapshot_days, r);

    prop_assert_eq!(&p.counts, &n.counts);
    prop_assert_eq!(&p.cumulative_sales, &n.cumulative);
    prop_assert_eq!(&p.sales, &n.sales);
    for (t, m) in p.transitions.iter().enumerate() {
        for (from, row) in m.cells.iter().enumerate() {
            for (to, &count) in row.iter().enumerate() {
                let expected = n.moves.get(&(t + 1, from, to)).copied().unwrap_or(0);
                prop_assert_eq!(count, expected, "t={} from={} to={}", t + 1, from, to);
            }
        }
        // Rows sum to the size at t-1, columns to the size at t.
        for s in 0..r.segments() {
            prop_assert_eq!(m.cells[s].iter().sum::<u64>(), p.counts[t][s]);
            prop_assert_eq!(m.cells.iter().map(|row| row[s]).sum::<u64>(), p.counts[t + 1][s]);
        }
    }
    let totals: Vec<u64> = p.counts.iter().map(|c| c.iter().sum()).collect();
    prop_assert!(
        totals.windows(2).all(|w| w[0] <= w[1]),
        "customers never decrease: {:?}",
        totals
    );
    let cohorts: BTreeMap<i32, (u64, u64)> = p
        .conversion
        .iter()
        .map(|c| (c.cohort_month, (c.cohort_size, c.converted)))
        .collect();
    prop_assert_eq!(&cohorts, &n.cohorts);
    for c in &p.conversion {
        prop_assert_eq!(c.matured, last_day_of_month(c.cohort_month) + r.toddler - 1 <= p.as_of);
    }
    let mut ladder = BTreeMap::new();
    for c in &p.ladder {
        for (k, row) in c.counts.iter().enumerate() {
            for (s, &v) in row.iter().enumerate() {
                if v > 0 {
                    ladder.insert((c.cohort_month, k, s), v);
                }
            }
        }
    }
    prop_assert_eq!(&ladder, &n.ladder);
    let at_as_of: BTreeMap<String, (usize, i64)> = p
        .customers
        .iter()
        .map(|c| (p.customer_id(c).to_string(), (c.segment, c.total.0)))
        .collect();
    prop_assert_eq!(&at_as_of, &n.at_as_of);
    Ok(())
}

fn amount() -> impl Strategy<Value = i64> {
    prop_oneof![
        6 => (0i64..60_000).prop_map(|y| y * 1_000_000),
        1 => (-40_000i64..0).prop_map(|y| y * 1_000_000),
        1 => 0i64..3_000_000_000,
        1 => Just(0),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn fast_path_equals_naive(
        rows in prop::collection::vec((0u8..7, 0i32..700, amount()), 1..40),
        churn in 20i32..300,
        toddler in 1i32..120,
        extra in 0i32..200,
        loyal_amount in 0i64..100_000,
        as_of in prop::option::of(0i32..800),
    ) {
        let r = Rules { churn, toddler, loyal_days: toddler + extra, loyal_amount: loyal_amount * 1_000_000, super_loyal: None };
        check(&rows, &r, as_of)?;
    }

    #[test]
    fn fast_path_equals_naive_with_super_loyal(
        rows in prop::collection::vec((0u8..7, 0i32..700, amount()), 1..40),
        churn in 20i32..300,
        toddler in 1i32..120,
        extra in 0i32..200,
        loyal_amount in 0i64..60_000,
        super_extra in 0i64..80_000,
        super_days in prop::option::of(0i32..200),
        as_of in prop::option::of(0i32..800),
    ) {
        let loyal_days = toddler + extra;
        let r = Rules {
            churn,
            toddler,
            loyal_days,
            loyal_amount: loyal_amount * 1_000_000,
            super_loyal: Some(((loyal_amount + super_extra) * 1_000_000, super_days.map(|d| loyal_days + d))),
        };
        check(&rows, &r, as_of)?;
    }
}

#[test]
fn fast_path_equals_naive_on_the_spec_thresholds() {
    let r = Rules {
        churn: 240,
        toddler: 90,
        loyal_days: 210,
        loyal_amount: 70_000_000_000,
        super_loyal: None,
    };
    let rows = [
        (1, 0, 40_000_000_000),
        (1, 213, 40_000_000_000),
        (1, 222, -10_001_000_000),
        (2, 5, 5_000_000_000),
        (2, 700, 1_000_000),
    ];
    check(&rows, &r, None).unwrap();
    check(&rows, &r, Some(650)).unwrap();
}
