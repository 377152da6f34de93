//! The generator's properties: determinism, sorting, ranges and the
//! shape of the behaviour it imitates.

use super::chunks::{MIN_CHUNK_CUSTOMERS, generate_in_chunks};
use super::*;
use crate::dates::{day_from_ymd, month_of, year_month};
use std::collections::HashMap;

fn five_years(customers: u64, seed: u64) -> (GenerateParams, GeneratedOrders) {
    let params = GenerateParams {
        customers,
        seed,
        start: day_from_ymd(2021, 1, 1).unwrap(),
        end: day_from_ymd(2025, 12, 31).unwrap(),
    };
    let orders = generate(&params).unwrap();
    (params, orders)
}

/// Per customer: sorted rows `(day, amount)`.
fn by_customer(orders: &GeneratedOrders) -> HashMap<u32, Vec<(Day, i64)>> {
    let mut map: HashMap<u32, Vec<(Day, i64)>> = HashMap::new();
    for i in 0..orders.len() {
        map.entry(orders.customer[i])
            .or_default()
            .push((orders.day[i], orders.amount_yen[i]));
    }
    map
}

fn purchase_days(rows: &[(Day, i64)]) -> Vec<Day> {
    let mut days: Vec<Day> = rows.iter().filter(|r| r.1 >= 0).map(|r| r.0).collect();
    days.sort_unstable();
    days.dedup();
    days
}

/// Spec section 3 by hand, at `asof`.
fn segment(rows: &[(Day, i64)], asof: Day) -> Option<&'static str> {
    let upto: Vec<(Day, i64)> = rows.iter().copied().filter(|r| r.0 <= asof).collect();
    let days = purchase_days(&upto);
    let (first, last) = (*days.first()?, *days.last()?);
    let tenure = last - first;
    let recency = asof - last;
    let total: i64 = upto.iter().map(|r| r.1).sum();
    let tier = if tenure == 0 {
        "first"
    } else if tenure < 90 {
        "toddler"
    } else if total < 70_000 {
        "steady"
    } else if tenure < 210 {
        "trendy"
    } else {
        "loyal"
    };
    let state = if recency >= 240 { "lapsed" } else { "active" };
    Some(match (tier, state) {
        ("first", "active") => "first_active",
        ("toddler", "active") => "toddler_active",
        ("trendy", "active") => "trendy_active",
        ("steady", "active") => "steady_active",
        ("loyal", "active") => "loyal_active",
        ("first", _) => "first_lapsed",
        ("toddler", _) => "toddler_lapsed",
        ("trendy", _) => "trendy_lapsed",
        ("steady", _) => "steady_lapsed",
        _ => "loyal_lapsed",
    })
}

#[test]
fn customer_ids_are_fixed_width() {
    assert_eq!(GeneratedOrders::customer_id(0), "C0000000000");
    assert_eq!(GeneratedOrders::customer_id(123), "C0000000123");
    assert_eq!(GeneratedOrders::customer_id(u32::MAX), "C4294967295");
}

#[test]
fn rejects_bad_parameters() {
    let day = day_from_ymd(2024, 1, 1).unwrap();
    let params = GenerateParams {
        customers: 10,
        seed: 1,
        start: day + 1,
        end: day,
    };
    assert!(matches!(generate(&params), Err(GenerateError::StartAfterEnd { .. })));
    let params = GenerateParams {
        customers: 0,
        seed: 1,
        start: day,
        end: day,
    };
    assert_eq!(generate(&params), Err(GenerateError::NoCustomers));
    let params = GenerateParams {
        customers: u64::from(u32::MAX) + 1,
        seed: 1,
        start: day,
        end: day,
    };
    assert!(matches!(generate(&params), Err(GenerateError::TooManyCustomers { .. })));
    let params = GenerateParams {
        customers: 1,
        seed: 1,
        start: day - 400_000,
        end: day,
    };
    assert!(matches!(generate(&params), Err(GenerateError::SpanTooLong { .. })));
    let message = generate(&GenerateParams {
        customers: 1,
        seed: 1,
        start: day + 1,
        end: day,
    })
    .unwrap_err()
    .to_string();
    assert_eq!(message, "the start date 2024-01-02 is after the end date 2024-01-01");
}

#[test]
fn single_day_span_works() {
    let day = day_from_ymd(2024, 1, 1).unwrap();
    let orders = generate(&GenerateParams {
        customers: 50,
        seed: 3,
        start: day,
        end: day,
    })
    .unwrap();
    assert!(orders.len() >= 50);
    assert!(orders.day.iter().all(|&d| d == day));
    assert!(orders.amount_yen.iter().all(|&a| a > 0));
}

#[test]
fn deterministic_sorted_and_in_range() {
    let (params, a) = five_years(3_000, 42);
    let (_, b) = five_years(3_000, 42);
    assert_eq!(a, b);
    let (_, c) = five_years(3_000, 43);
    assert_ne!(a, c);
    assert_eq!(a.customer.len(), a.len());
    assert_eq!(a.amount_yen.len(), a.len());
    assert!(a.day.windows(2).all(|w| w[0] <= w[1]), "sorted by day");
    assert!(a.day.iter().all(|&d| params.start <= d && d <= params.end));
    assert!(a.customer.iter().all(|&c| c < 3_000));
    assert!(a.amount_yen.iter().all(|&x| x != 0));
    // Every customer appears, with a purchase.
    let customers = by_customer(&a);
    assert_eq!(customers.len(), 3_000);
    assert!(customers.values().all(|rows| rows.iter().any(|r| r.1 > 0)));
}

#[test]
fn threads_do_not_change_the_output() {
    let params = GenerateParams {
        customers: 2 * MIN_CHUNK_CUSTOMERS + 7,
        seed: 5,
        start: day_from_ymd(2024, 1, 1).unwrap(),
        end: day_from_ymd(2024, 6, 30).unwrap(),
    };
    let one = generate_in_chunks(&params, 1);
    let three = generate_in_chunks(&params, 3);
    assert_eq!(one, three);
    // Same day: customers in index order.
    assert!((1..one.len()).all(|i| one.day[i - 1] < one.day[i] || one.customer[i - 1] <= one.customer[i]));
}

#[test]
fn realistic_shares() {
    let (params, orders) = five_years(20_000, 1);
    let rows = orders.len() as f64;
    let returns = orders.amount_yen.iter().filter(|&&a| a < 0).count() as f64;
    let return_share = returns / rows;
    assert!((0.01..=0.03).contains(&return_share), "return share {return_share}");

    let per_customer = rows / 20_000.0;
    assert!((4.5..=7.0).contains(&per_customer), "rows per customer {per_customer}");

    // Returns never exceed the order they refund, and never come first.
    let customers = by_customer(&orders);
    for rows in customers.values() {
        let first_purchase = rows.iter().filter(|r| r.1 > 0).map(|r| r.0).min().unwrap();
        for r in rows.iter().filter(|r| r.1 < 0) {
            assert!(r.0 > first_purchase);
        }
    }

    // 初回→よちよち: second purchase day within 90 days of the first,
    // among customers whose 90-day window closed by the end.
    let (mut matured, mut converted) = (0u32, 0u32);
    for rows in customers.values() {
        let days = purchase_days(rows);
        if days[0] + 89 > params.end {
            continue;
        }
        matured += 1;
        if days.len() >= 2 && days[1] - days[0] < 90 {
            converted += 1;
        }
    }
    let rate = f64::from(converted) / f64::from(matured);
    assert!((0.20..=0.35).contains(&rate), "second-within-90 share {rate}");

    // Median order value around ¥4,000–5,000.
    let mut amounts: Vec<i64> = orders.amount_yen.iter().copied().filter(|&a| a > 0).collect();
    amounts.sort_unstable();
    let median = amounts[amounts.len() / 2];
    assert!((3_500..=5_500).contains(&median), "median order {median}");
}

#[test]
fn all_ten_segments_populated() {
    let (params, orders) = five_years(2_000, 1);
    let mut counts: HashMap<&'static str, u32> = HashMap::new();
    for rows in by_customer(&orders).values() {
        if let Some(segment) = segment(rows, params.end) {
            *counts.entry(segment).or_default() += 1;
        }
    }
    for segment in [
        "first_active",
        "toddler_active",
        "trendy_active",
        "steady_active",
        "loyal_active",
        "first_lapsed",
        "toddler_lapsed",
        "trendy_lapsed",
        "steady_lapsed",
        "loyal_lapsed",
    ] {
        assert!(counts.get(segment).copied().unwrap_or(0) >= 3, "{segment}: {counts:?}");
    }
}

/// Prints the realism figures (`cargo test --lib generate -- --ignored --nocapture`).
#[test]
#[ignore]
fn realism_report() {
    for customers in [2_000u64, 20_000] {
        let (params, orders) = five_years(customers, 1);
        let rows = orders.len() as f64;
        let returns = orders.amount_yen.iter().filter(|&&a| a < 0).count() as f64;
        let customers_map = by_customer(&orders);
        let (mut matured, mut converted) = (0u32, 0u32);
        let mut counts: HashMap<&'static str, u32> = HashMap::new();
        let mut same_day = 0u32;
        for rows in customers_map.values() {
            let days = purchase_days(rows);
            let purchases = rows.iter().filter(|r| r.1 >= 0).count();
            same_day += (purchases - days.len()) as u32;
            if days[0] + 89 <= params.end {
                matured += 1;
                if days.len() >= 2 && days[1] - days[0] < 90 {
                    converted += 1;
                }
            }
            *counts.entry(segment(rows, params.end).unwrap()).or_default() += 1;
        }
        let mut amounts: Vec<i64> = orders.amount_yen.iter().copied().filter(|&a| a > 0).collect();
        amounts.sort_unstable();
        println!(
            "{customers} customers: rows {} ({:.2}/customer), returns {:.2}%, same-day extra {}, \
             second<90 {:.1}%, median ¥{}, p90 ¥{}, p99 ¥{}",
            orders.len(),
            rows / customers as f64,
            100.0 * returns / rows,
            same_day,
            100.0 * f64::from(converted) / f64::from(matured),
            amounts[amounts.len() / 2],
            amounts[amounts.len() * 9 / 10],
            amounts[amounts.len() * 99 / 100],
        );
        let mut counts: Vec<_> = counts.into_iter().collect();
        counts.sort();
        println!("  segments at {}: {counts:?}", crate::dates::format_day(params.end));
        let comebacks = customers_map
            .values()
            .filter(|rows| purchase_days(rows).windows(2).any(|w| w[1] - w[0] >= 240))
            .count();
        let mut by_month = [0u32; 12];
        for rows in customers_map.values() {
            let first = purchase_days(rows)[0];
            by_month[year_month(month_of(first)).1 as usize - 1] += 1;
        }
        println!("  customers with a 240+ day comeback: {comebacks}; acquisitions by month: {by_month:?}");
    }
    for seed in 2..8 {
        let (params, orders) = five_years(2_000, seed);
        let mut counts: HashMap<&'static str, u32> = HashMap::new();
        for rows in by_customer(&orders).values() {
            *counts.entry(segment(rows, params.end).unwrap()).or_default() += 1;
        }
        println!(
            "seed {seed}: {:.2} rows/customer, trendy active {:?} lapsed {:?}, {} segments",
            orders.len() as f64 / 2_000.0,
            counts.get("trendy_active"),
            counts.get("trendy_lapsed"),
            counts.len()
        );
    }
}
