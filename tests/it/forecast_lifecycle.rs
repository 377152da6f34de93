//! `cpm forecast --scheme lifecycle`: with no repeat buyers the forecast is
//! each customer's deterministic march 新規 → 休眠予備軍 → 休眠 at 30 and 60
//! days, with the VIP top share (the largest total among the non-dormant)
//! worked out here; customers are conserved; the conversion scenario is
//! refused; the report's section shows 優良(Core/VIP).

use super::forecast::{Row, cpm, forecast, num, stationary, table, write_orders};
use cpm::dates::{day_from_ymd, parse_iso_day};
use predicates::prelude::*;

#[test]
fn with_no_repeat_buyers_the_lifecycle_forecast_is_exact() {
    let dir = tempfile::tempdir().unwrap();
    let start = day_from_ymd(2024, 1, 1).unwrap();
    // One customer every three days from 2024-01-01, totals 1000 + i.
    let rows: Vec<Row> = (0..60)
        .map(|i| (format!("K{i:02}"), start + 3 * i, 1000 + i64::from(i)))
        .collect();
    let input = write_orders(dir.path(), &rows);
    let out = dir.path().join("fc");
    forecast(
        &input,
        &out,
        &[
            "--scheme",
            "lifecycle",
            "--as-of",
            "2024-06-30",
            "--new-customers",
            "0",
            "--months",
            "4",
        ],
    )
    .success();
    let fc = table(&out.join("forecast.csv"));
    assert_eq!(fc.len(), 4 * 6);
    for r in &fc {
        let end = parse_iso_day(&r["month_end"]).unwrap();
        // Everyone has bought by 2024-06-26; nobody new comes.
        let present: Vec<i32> = (0..60).collect();
        let recency = |i: i32| end - (start + 3 * i);
        let non_dormant: Vec<i32> = present.iter().copied().filter(|&i| recency(i) <= 60).collect();
        // Top 1% of the non-dormant by total: k = ceil(0.01 n); totals grow with i.
        let k = non_dormant.len().div_ceil(100);
        let vip: Vec<i32> = non_dormant.iter().rev().take(k).copied().collect();
        let expected = match r["segment"].as_str() {
            "dormant" => present.len() - non_dormant.len(),
            "vip" => vip.len(),
            "at_risk" => non_dormant
                .iter()
                .filter(|&&i| recency(i) > 30 && !vip.contains(&i))
                .count(),
            "newcomer" => non_dormant
                .iter()
                .filter(|&&i| recency(i) <= 30 && !vip.contains(&i))
                .count(),
            _ => 0,
        } as f64;
        assert_eq!(num(r, "customers"), expected, "{r:?}");
        // The interval is the earlier forecasts' misses (their new
        // customers' first days are drawn within the month): it brackets.
        assert!(num(r, "low") <= expected && expected <= num(r, "high"), "{r:?}");
    }
}

#[test]
fn the_lifecycle_forecast_conserves_customers_and_shows_in_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_orders(dir.path(), &stationary(20, 25, 9));
    let fc = dir.path().join("fc");
    forecast(
        &input,
        &fc,
        &["--scheme", "lifecycle", "--months", "3", "--scenario", "conversion=0.5"],
    )
    .code(1)
    .stderr(predicate::str::contains("CPM scenario"));
    forecast(&input, &fc, &["--scheme", "lifecycle", "--months", "3"]).success();
    let rows = table(&fc.join("forecast.csv"));
    let flow = table(&fc.join("forecast_flow.csv"));
    // Customers present at the start: everyone who bought by 2021-08-31.
    let mut present = 20.0 * 25.0;
    for (m, f) in flow.iter().enumerate() {
        present += num(f, "new_customers");
        let month: f64 = rows[m * 6..(m + 1) * 6].iter().map(|r| num(r, "customers")).sum();
        assert_eq!(month, present, "month {}", f["month"]);
    }
    let out = dir.path().join("rep");
    cpm()
        .args(["report", "--scheme", "lifecycle", "--lang", "en", "--input"])
        .arg(&input)
        .arg("--forecast")
        .arg(&fc)
        .arg("--out-dir")
        .arg(&out)
        .assert()
        .success();
    let html = std::fs::read_to_string(out.join("2021-08/index.html")).unwrap();
    let vip = rows
        .iter()
        .find(|r| r["month_end"] == "2021-11-30" && r["segment"] == "vip")
        .unwrap();
    assert!(
        html.contains(&format!("VIP (core) will be {} at 2021-11-30", vip["customers"])),
        "the lifecycle reading"
    );
    // A CPM report does not take a lifecycle forecast.
    cpm()
        .args(["report", "--input"])
        .arg(&input)
        .arg("--forecast")
        .arg(&fc)
        .arg("--out-dir")
        .arg(dir.path().join("rep2"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("other rules"));
}
