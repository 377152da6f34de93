//! Spec section 3 boundaries and the special rows of section 1, with the
//! expected segments worked out by hand from the spec.

use crate::common::{analyze, analyze_with, config, count, moved, segment_at_as_of};

// 2024 is a leap year: 2024-01-01 + 31 = 02-01, + 60 = 03-01, + 91 = 04-01,
// + 182 = 07-01, + 213 = 08-01.

#[test]
fn recency_239_is_active_and_240_is_lapsed() {
    let rows = [("A", "2024-01-01", "1000")];
    // 2024-01-01 + 239 days = 2024-08-27.
    let p = analyze(&rows, Some("2024-08-27")).portfolio;
    assert_eq!(segment_at_as_of(&p, "A"), Some("first_active"));
    assert_eq!(p.customers[0].recency_days, 239);
    let p = analyze(&rows, Some("2024-08-28")).portfolio;
    assert_eq!(segment_at_as_of(&p, "A"), Some("first_lapsed"));
    assert_eq!(p.customers[0].recency_days, 240);
}

#[test]
fn tenure_0_1_89_90() {
    let rows = [
        // Two rows the same day are one purchase day: still 初回.
        ("same_day", "2024-01-01", "3000"),
        ("same_day", "2024-01-01", "4000"),
        ("t1", "2024-01-01", "1000"),
        ("t1", "2024-01-02", "1000"),
        // + 89 = 2024-03-30, + 90 = 2024-03-31.
        ("t89", "2024-01-01", "50000"),
        ("t89", "2024-03-30", "50000"),
        ("t90_small", "2024-01-01", "1000"),
        ("t90_small", "2024-03-31", "1000"),
        ("t90_big", "2024-01-01", "50000"),
        ("t90_big", "2024-03-31", "20000"),
    ];
    let p = analyze(&rows, None).portfolio;
    assert_eq!(p.as_of, crate::common::day("2024-03-31"));
    assert_eq!(segment_at_as_of(&p, "same_day"), Some("first_active"));
    assert_eq!(crate::common::state(&p, "same_day").purchase_days, 1);
    assert_eq!(segment_at_as_of(&p, "t1"), Some("toddler_active"));
    // Amount is ignored for the first two tiers: 100,000 but still よちよち.
    assert_eq!(segment_at_as_of(&p, "t89"), Some("toddler_active"));
    assert_eq!(segment_at_as_of(&p, "t90_small"), Some("steady_active"));
    assert_eq!(segment_at_as_of(&p, "t90_big"), Some("trendy_active"));
}

#[test]
fn tenure_209_is_trendy_and_210_is_loyal() {
    // + 209 = 2024-07-28, + 210 = 2024-07-29.
    let rows = [
        ("t209", "2024-01-01", "60000"),
        ("t209", "2024-07-28", "10000"),
        ("t210", "2024-01-01", "60000"),
        ("t210", "2024-07-29", "10000"),
    ];
    let p = analyze(&rows, Some("2024-07-31")).portfolio;
    assert_eq!(segment_at_as_of(&p, "t209"), Some("trendy_active"));
    assert_eq!(segment_at_as_of(&p, "t210"), Some("loyal_active"));
    assert_eq!(count(&p, "2024-07-31", "loyal_active"), 1);
    assert_eq!(count(&p, "2024-07-31", "trendy_active"), 1);
    // At 2024-06-30 both had bought once: 初回.
    assert_eq!(count(&p, "2024-06-30", "first_active"), 2);
}

#[test]
fn total_69999_is_steady_and_70000_is_loyal() {
    let rows = [
        ("s", "2024-01-01", "40000"),
        ("s", "2024-08-01", "29999"),
        ("l", "2024-01-01", "40000"),
        ("l", "2024-08-01", "30000"),
    ];
    let p = analyze(&rows, Some("2024-08-31")).portfolio;
    assert_eq!(segment_at_as_of(&p, "s"), Some("steady_active"));
    assert_eq!(segment_at_as_of(&p, "l"), Some("loyal_active"));
}

#[test]
fn a_return_pulls_the_total_under_the_threshold() {
    let rows = [
        ("r", "2024-01-01", "40000"),
        ("r", "2024-08-01", "40000"),
        ("r", "2024-08-10", "-10001"),
    ];
    // On 2024-08-05 the total is 80,000 with tenure 213: 優良.
    let p = analyze(&rows, Some("2024-08-05")).portfolio;
    assert_eq!(segment_at_as_of(&p, "r"), Some("loyal_active"));
    // After the return the total is 69,999: コツコツ. The return is not a
    // purchase day: last purchase stays 2024-08-01.
    let p = analyze(&rows, Some("2024-08-31")).portfolio;
    assert_eq!(segment_at_as_of(&p, "r"), Some("steady_active"));
    let r = &p.customers[0];
    assert_eq!(
        (r.recency_days, r.purchase_days, r.total.to_string()),
        (30, 2, "69999".to_string())
    );
}

#[test]
fn returns_only_customers_are_not_in_the_portfolio_until_they_buy() {
    let rows = [
        ("buyer", "2024-01-05", "1000"),
        ("ret", "2024-01-10", "-500"),
        ("ret", "2024-03-10", "2000"),
    ];
    let p = analyze(&rows, Some("2024-03-31")).portfolio;
    assert_eq!(count(&p, "2024-01-31", "first_active"), 1);
    assert_eq!(count(&p, "2024-02-29", "first_active"), 1);
    assert_eq!(count(&p, "2024-03-31", "first_active"), 2);
    assert_eq!(moved(&p, "2024-03-31", "new", "first_active"), 1);
    // The earlier return counts in the total once the customer is present.
    let ret = crate::common::state(&p, "ret");
    assert_eq!(ret.total.to_string(), "1500");
    assert_eq!(ret.first_purchase, crate::common::day("2024-03-10"));
}

#[test]
fn a_day_with_a_purchase_and_a_return_is_a_purchase_day_and_nets_out() {
    let rows = [
        ("x", "2024-01-05", "1000"),
        ("x", "2024-02-10", "5000"),
        ("x", "2024-02-10", "-5000"),
    ];
    let p = analyze(&rows, Some("2024-02-29")).portfolio;
    let x = &p.customers[0];
    assert_eq!(x.last_purchase, crate::common::day("2024-02-10"));
    assert_eq!(x.purchase_days, 2);
    assert_eq!(x.total.to_string(), "1000");
    assert_eq!(segment_at_as_of(&p, "x"), Some("toddler_active"));
}

#[test]
fn a_lapsed_customer_who_comes_back() {
    // 2023-01-10 + 240 = 2023-09-07: lapsed at the September month-end.
    // Back on 2023-10-01: tenure 264, total 10,000 → コツコツ現役.
    let rows = [("c", "2023-01-10", "5000"), ("c", "2023-10-01", "5000")];
    let p = analyze(&rows, Some("2023-10-31")).portfolio;
    assert_eq!(count(&p, "2023-08-31", "first_active"), 1);
    assert_eq!(count(&p, "2023-09-30", "first_lapsed"), 1);
    assert_eq!(count(&p, "2023-10-31", "steady_active"), 1);
    assert_eq!(moved(&p, "2023-09-30", "first_active", "first_lapsed"), 1);
    assert_eq!(moved(&p, "2023-10-31", "first_lapsed", "steady_active"), 1);
    assert_eq!(p.customers[0].tenure_days, 264);
}

#[test]
fn money_is_summed_exactly() {
    let cfg = config("[cpm]\nloyal_amount = 100\n");
    let rows = [("d", "2024-01-01", "99.99"), ("d", "2024-08-01", "0.01")];
    let p = analyze_with(&rows, &cfg, Some("2024-08-31")).portfolio;
    assert_eq!(segment_at_as_of(&p, "d"), Some("loyal_active"));
    assert_eq!(p.customers[0].total.to_string(), "100");
}

#[test]
fn customer_ids_stay_strings() {
    let rows = [("00012", "2024-01-05", "1000"), ("12", "2024-01-06", "1000")];
    let p = analyze(&rows, Some("2024-01-31")).portfolio;
    assert_eq!(p.customers.len(), 2);
    assert_eq!(p.customer_id(&p.customers[0]), "00012");
}

#[test]
fn snapshot_dates_follow_section_4() {
    // Latest row 2024-03-30: March is only part-covered, so the last
    // snapshot is 2024-02-29; the March row is left out and counted.
    let rows = [("a", "2024-01-15", "1000"), ("b", "2024-03-30", "-100")];
    let a = analyze(&rows, None);
    let days: Vec<String> = a
        .portfolio
        .snapshot_days
        .iter()
        .map(|&d| cpm::dates::format_day(d))
        .collect();
    assert_eq!(days, ["2024-01-31", "2024-02-29"]);
    assert_eq!(a.rows.rows_after_cutoff, 1);
    // A return on the month-end itself makes that month whole.
    let rows = [("a", "2024-01-15", "1000"), ("b", "2024-03-31", "-100")];
    assert_eq!(analyze(&rows, None).portfolio.snapshot_days.len(), 3);
    // An explicit as-of date is the last snapshot.
    let a = analyze(&rows, Some("2024-03-15"));
    let days: Vec<String> = a
        .portfolio
        .snapshot_days
        .iter()
        .map(|&d| cpm::dates::format_day(d))
        .collect();
    assert_eq!(days, ["2024-01-31", "2024-02-29", "2024-03-15"]);
}

#[test]
fn conversion_counts_second_purchase_days_within_the_window() {
    // Cohort 2024-01, four customers; window: 1 <= second - first < 90.
    let rows = [
        ("d1", "2024-01-01", "1000"),
        ("d1", "2024-01-02", "1000"),
        ("d89", "2024-01-01", "1000"),
        ("d89", "2024-03-30", "1000"),
        ("d90", "2024-01-01", "1000"),
        ("d90", "2024-03-31", "1000"),
        // Same-day second row is not a second purchase day.
        ("same", "2024-01-20", "1000"),
        ("same", "2024-01-20", "1000"),
        // A return is never a purchase.
        ("ret", "2024-01-31", "1000"),
        ("ret", "2024-02-05", "-1000"),
        ("feb", "2024-02-10", "1000"),
    ];
    // Cohort 2024-01 matures when 2024-01-31 + 89 = 2024-04-29 <= as-of.
    let p = analyze(&rows, Some("2024-04-28")).portfolio;
    let jan = &p.conversion[0];
    assert_eq!(cpm::dates::format_month(jan.cohort_month), "2024-01");
    assert_eq!((jan.cohort_size, jan.converted, jan.matured), (5, 2, false));
    assert_eq!(jan.rate, 0.4);
    let p = analyze(&rows, Some("2024-04-29")).portfolio;
    assert!(p.conversion[0].matured);
    let feb = &p.conversion[1];
    assert_eq!((feb.cohort_size, feb.converted, feb.matured), (1, 0, false));
    assert_eq!(p.conversion.len(), 2);
}

#[test]
fn transitions_count_new_customers_and_stayers() {
    let rows = [
        ("a", "2024-01-10", "1000"),
        ("b", "2024-01-20", "1000"),
        ("b", "2024-02-05", "1000"),
        ("c", "2024-02-07", "1000"),
    ];
    let p = analyze(&rows, Some("2024-02-29")).portfolio;
    assert_eq!(moved(&p, "2024-02-29", "first_active", "first_active"), 1);
    assert_eq!(moved(&p, "2024-02-29", "first_active", "toddler_active"), 1);
    assert_eq!(moved(&p, "2024-02-29", "new", "first_active"), 1);
    // The first snapshot has no transitions into it.
    assert_eq!(p.transitions.len(), 1);
}

#[test]
fn a_return_before_the_first_month_is_no_months_sales() {
    // R4's December return counts in R4's total, but January's sales are
    // only what is dated in January: 1,000 (R4) + 1,000 (A).
    let rows = [
        ("R4", "2020-12-20", "-500"),
        ("R4", "2021-01-20", "1000"),
        ("A", "2021-01-10", "1000"),
        ("A", "2021-02-28", "5"),
    ];
    let p = analyze(&rows, None).portfolio;
    let t = crate::common::snapshot(&p, "2021-01-31");
    assert_eq!(p.sales[t][0], 2_000 * 1_000_000);
    assert_eq!(p.cumulative_sales[t][0], 1_500 * 1_000_000);
}
