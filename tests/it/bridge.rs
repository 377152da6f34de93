//! The month's bridge (増減の内訳) against a naive one: every customer's
//! segment at both month-ends computed from scratch (as in `naive`, and in
//! `lifecycle` for the six states), each customer counted in the one step
//! their move belongs to; and the steps add up, for every month-end of
//! random histories and of the sample, in both schemes.

use std::collections::BTreeMap;

use cpm::config::{Config, Overrides};
use cpm::dates::{Day, day_from_ymd};
use cpm::engine::bridge::{Bridge, BridgeOf, BridgeScheme, bridge};
use cpm::engine::portfolio::Portfolio;
use cpm::ingest::{IngestReport, Orders};
use cpm::money::Money;
use cpm::pipeline::analyze_orders;
use proptest::prelude::*;

use super::naive::{Rules, naive_state};
use crate::common::today;

/// (start, new, comebacks, promotions, lapsed, demotions, end) by hand.
type Steps = (u64, u64, u64, u64, u64, u64, u64);

/// Whether a segment index (ten or twelve segments) is followed by `of`.
fn followed(seg: usize, of: BridgeOf, tiers: usize) -> bool {
    let (tier, lapsed) = (seg % tiers, seg >= tiers);
    !lapsed && (of == BridgeOf::Active || tier >= 4)
}

/// Each customer's (before, after) segments counted in the one step their
/// move belongs to; `gone(s)`: `s` is a segment of customers who left.
fn naive_bridge(
    states: &[(Option<usize>, Option<usize>)],
    followed: &dyn Fn(usize) -> bool,
    gone: &dyn Fn(usize) -> bool,
) -> Steps {
    let mut s = (0, 0, 0, 0, 0, 0, 0);
    for &(before, after) in states {
        let was = before.is_some_and(followed);
        let is = after.is_some_and(followed);
        if was {
            s.0 += 1;
        }
        if is {
            s.6 += 1;
        }
        match (before, was, is) {
            (None, _, true) => s.1 += 1,
            (Some(b), false, true) if gone(b) => s.2 += 1,
            (Some(_), false, true) => s.3 += 1,
            (Some(_), true, false) if after.is_some_and(gone) => s.4 += 1,
            (Some(_), true, false) => s.5 += 1,
            _ => {}
        }
    }
    s
}

fn steps(b: &Bridge) -> Steps {
    (b.start, b.new, b.comebacks, b.promotions, b.lapsed, b.demotions, b.end)
}

fn check(rows: &[(u8, i32, i64)], r: &Rules) -> Result<(), TestCaseError> {
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
    let Ok(a) = analyze_orders(orders, IngestReport::in_memory(rows.len()), &config, None, today()) else {
        return Ok(());
    };
    let p = &a.portfolio;
    let mut by_customer: BTreeMap<String, Vec<(Day, i64)>> = BTreeMap::new();
    for (&(_, d, amount), id) in rows.iter().zip(&ids) {
        by_customer.entry(id.clone()).or_default().push((base + d, amount));
    }
    prop_assert!(
        bridge(p, 0, BridgeOf::Active).is_none(),
        "no bridge into the first month-end"
    );
    for t in 1..p.snapshot_days.len() {
        let states: Vec<(Option<usize>, Option<usize>)> = by_customer
            .values()
            .map(|rows| {
                (
                    naive_state(rows, p.snapshot_days[t - 1], r).map(|s| s.0),
                    naive_state(rows, p.snapshot_days[t], r).map(|s| s.0),
                )
            })
            .collect();
        for of in BridgeOf::ALL {
            let b = bridge(p, t, of).expect("a bridge after the first month-end");
            prop_assert!(b.adds_up(), "{:?} t={} does not add up: {:?}", of, t, b);
            let tiers = r.tiers();
            let naive = naive_bridge(&states, &|seg| followed(seg, of, tiers), &|seg| seg >= tiers);
            prop_assert_eq!(steps(&b), naive, "{:?} t={}", of, t);
            if of == BridgeOf::Active {
                prop_assert_eq!((b.promotions, b.demotions), (0, 0), "active tiers move within 現役");
            }
        }
    }
    Ok(())
}

fn amount() -> impl Strategy<Value = i64> {
    prop_oneof![
        6 => (0i64..60_000).prop_map(|y| y * 1_000_000),
        2 => (-40_000i64..0).prop_map(|y| y * 1_000_000),
        1 => Just(0),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn bridge_equals_naive_and_adds_up(
        rows in prop::collection::vec((0u8..8, 0i32..700, amount()), 1..45),
        churn in 20i32..300,
        toddler in 1i32..120,
        extra in 0i32..200,
        loyal_amount in 0i64..100_000,
        super_loyal in prop::option::of((0i64..80_000, prop::option::of(0i32..200))),
    ) {
        let loyal_days = toddler + extra;
        let r = Rules {
            churn,
            toddler,
            loyal_days,
            loyal_amount: loyal_amount * 1_000_000,
            super_loyal: super_loyal.map(|(e, d)| ((loyal_amount + e) * 1_000_000, d.map(|d| loyal_days + d))),
        };
        check(&rows, &r)?;
    }
}

/// A return that takes a 優良現役 customer's total under the amount: a
/// demotion; and a lapsed 優良 customer who buys again: a come-back.
#[test]
fn demotion_and_come_back_by_hand() {
    let rows = [
        ("a", "2024-01-10", "40000"),
        ("a", "2024-09-10", "40000"),
        ("a", "2024-10-05", "-20000"),
        ("b", "2023-01-10", "50000"),
        ("b", "2023-09-10", "50000"),
        ("b", "2024-10-20", "1000"),
    ];
    let a = super::common::analyze(&rows, Some("2024-10-31"));
    let p = &a.portfolio;
    let t = super::common::snapshot(p, "2024-10-31");
    let b = bridge(p, t, BridgeOf::LoyalActive).unwrap();
    // a: 優良現役 → コツコツ現役 (demoted); b: 優良離脱 (recency 376) → 優良現役.
    assert_eq!(steps(&b), (1, 0, 1, 0, 0, 1, 1));
    let active = bridge(p, t, BridgeOf::Active).unwrap();
    assert_eq!(steps(&active), (1, 0, 1, 0, 0, 0, 2));
}

/// Every month-end of the sample data adds up, for both bridges.
#[test]
fn the_sample_adds_up_every_month() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/orders.csv");
    let a = cpm::pipeline::analyze(&path, &Config::default(), &Default::default(), None, today()).unwrap();
    let p = &a.portfolio;
    for t in 1..p.snapshot_days.len() {
        for of in BridgeOf::ALL {
            let b = bridge(p, t, of).unwrap();
            assert!(b.adds_up(), "{of:?} at {t}: {b:?}");
        }
    }
}

/// The lifecycle bridges of `p` against each customer's naive state at
/// every month-end (`states[t]`: id → (state, total), from section 8 by
/// hand in `lifecycle`): 休眠以外 follows every state but 休眠 (0), 優良(VIP)
/// the VIP state (1); leaving is going dormant.
pub(super) fn check_lifecycle(p: &Portfolio, states: &[BTreeMap<String, (usize, i64)>]) -> Result<(), TestCaseError> {
    const DORMANT: usize = 0;
    const VIP: usize = 1;
    prop_assert!(bridge(p, 0, BridgeOf::Active).is_none());
    for t in 1..states.len() {
        let moves: Vec<(Option<usize>, Option<usize>)> = states[t]
            .iter()
            .map(|(id, &(state, _))| (states[t - 1].get(id).map(|s| s.0), Some(state)))
            .collect();
        for of in BridgeOf::ALL {
            let b = bridge(p, t, of).expect("a lifecycle bridge after the first month-end");
            prop_assert_eq!(b.scheme, BridgeScheme::Lifecycle);
            prop_assert!(b.adds_up(), "{:?} t={} does not add up: {:?}", of, t, b);
            let naive = match of {
                BridgeOf::Active => naive_bridge(&moves, &|s| s != DORMANT, &|s| s == DORMANT),
                BridgeOf::LoyalActive => naive_bridge(&moves, &|s| s == VIP, &|s| s == DORMANT),
            };
            prop_assert_eq!(steps(&b), naive, "lifecycle {:?} t={}", of, t);
        }
    }
    Ok(())
}

/// Lifecycle defaults, no top share. A: four purchase days by 2024-02-10,
/// VIP at 2024-02-29 (recency 19), at risk at 2024-03-31 (recency 50 > 45):
/// a demotion. B: dormant at 2024-02-29 (recency 90), back on 2024-03-20
/// (winback): a come-back. C: new in March.
#[test]
fn lifecycle_demotion_and_come_back_by_hand() {
    let rows = [
        ("A", "2024-01-05", "1000"),
        ("A", "2024-01-15", "1000"),
        ("A", "2024-01-25", "1000"),
        ("A", "2024-02-10", "1000"),
        ("B", "2023-12-01", "1000"),
        ("B", "2024-03-20", "1000"),
        ("C", "2024-03-15", "1000"),
    ];
    let config = super::common::config("scheme = \"lifecycle\"\n[lifecycle]\nvip_top_share = 0\n");
    let a = super::common::analyze_with(&rows, &config, Some("2024-03-31"));
    let p = &a.portfolio;
    let t = super::common::snapshot(p, "2024-03-31");
    let active = bridge(p, t, BridgeOf::Active).unwrap();
    // Start: A; end: A (at risk), B (winback), C (newcomer).
    assert_eq!(steps(&active), (1, 1, 1, 0, 0, 0, 3));
    let vip = bridge(p, t, BridgeOf::LoyalActive).unwrap();
    assert_eq!(steps(&vip), (1, 0, 0, 0, 0, 1, 0));
    assert_eq!(
        cpm::report::model::bridge::sentence(&vip, cpm::text::lang::Lang::Ja),
        "優良(VIP)は −1: 降格 −1"
    );
    assert_eq!(
        cpm::report::model::bridge::sentence(&active, cpm::text::lang::Lang::En),
        "Not dormant +2: new 1, back 1"
    );
}
