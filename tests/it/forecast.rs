//! `cpm forecast`: conservation of customers, the deterministic lapse at
//! 240 days, the scenario at the observed rate, the backtest on a
//! stationary history, and bad input. Expected values are computed here
//! from the generated rows, not taken from the program.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use cpm::dates::{Day, day_from_ymd, first_day_of_month, format_day, last_day_of_month, month_of};
use predicates::prelude::*;

pub(crate) fn cpm() -> Command {
    Command::cargo_bin("cpm").unwrap()
}

pub(crate) type Row = (String, Day, i64);

pub(crate) fn write_orders(dir: &Path, rows: &[Row]) -> PathBuf {
    let mut text = String::from("customer_id,order_date,amount\n");
    for (c, d, a) in rows {
        text += &format!("{c},{},{a}\n", format_day(*d));
    }
    let path = dir.join("orders.csv");
    std::fs::write(&path, text).unwrap();
    path
}

pub(crate) fn forecast(input: &Path, out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    cpm()
        .args(["forecast", "--input"])
        .arg(input)
        .arg("--out-dir")
        .arg(out)
        .args(extra)
        .assert()
}

/// A CSV file as rows of column → value.
pub(crate) fn table(path: &Path) -> Vec<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    lines
        .map(|l| {
            header
                .iter()
                .map(|h| h.to_string())
                .zip(l.split(',').map(String::from))
                .collect()
        })
        .collect()
}

pub(crate) fn num(row: &BTreeMap<String, String>, key: &str) -> f64 {
    row[key].parse().unwrap_or_else(|_| panic!("{key}: {:?}", row[key]))
}

/// A tiny deterministic generator (64-bit LCG).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
}

/// A stationary history: `per_month` new customers every month for
/// `months` months from 2020-01; 40% never buy again, the others buy again
/// after exponential gaps (mean 30, 60 or 120 days) and stop for good with
/// probability 0.2 after each repeat purchase. Rows run to the last day of
/// the last month.
pub(crate) fn stationary(months: i32, per_month: u32, seed: u64) -> Vec<Row> {
    let mut rng = Lcg(seed);
    let start = month_of(day_from_ymd(2020, 1, 1).unwrap());
    let end = last_day_of_month(start + months - 1);
    let mut rows = Vec::new();
    for m in 0..months {
        let first_of = first_day_of_month(start + m);
        let len = last_day_of_month(start + m) - first_of + 1;
        for k in 0..per_month {
            let id = format!("C{m:03}_{k:03}");
            let mut day = first_of + (rng.next() * f64::from(len)) as Day;
            let gap = [30.0, 60.0, 120.0][(rng.next() * 3.0) as usize];
            let amount = 3000 + (rng.next() * 20.0) as i64 * 1000;
            rows.push((id.clone(), day, amount));
            if rng.next() < 0.4 {
                continue;
            }
            loop {
                day += 1 + (-rng.next().ln() * gap) as Day;
                if day > end {
                    break;
                }
                rows.push((id.clone(), day, amount));
                if rng.next() < 0.2 {
                    break;
                }
            }
        }
    }
    rows
}

#[test]
fn customers_are_conserved_month_by_month() {
    let dir = tempfile::tempdir().unwrap();
    let rows = stationary(24, 40, 1);
    let input = write_orders(dir.path(), &rows);
    let out = dir.path().join("fc");
    forecast(&input, &out, &["--months", "6"]).success();
    let present = rows.iter().map(|r| r.0.as_str()).collect::<BTreeSet<_>>().len() as u64;
    let fc = table(&out.join("forecast.csv"));
    let flow = table(&out.join("forecast_flow.csv"));
    assert_eq!(flow.len(), 6);
    assert_eq!(fc.len(), 6 * 10);
    let mut previous = present;
    for (m, f) in flow.iter().enumerate() {
        let month_rows = &fc[m * 10..(m + 1) * 10];
        let total: u64 = month_rows.iter().map(|r| num(r, "customers") as u64).sum();
        let new = num(f, "new_customers") as u64;
        assert_eq!(total, previous + new, "month {}", f["month"]);
        for r in month_rows {
            assert!(
                num(r, "low") <= num(r, "customers") && num(r, "customers") <= num(r, "high"),
                "{r:?}"
            );
        }
        assert!(num(f, "existing_purchase_days") <= num(f, "purchase_days"));
        previous = total;
    }
    // `auto`: constant acquisitions, so about 40 a month.
    for f in &flow {
        assert!((30.0..=50.0).contains(&num(f, "new_customers")), "{f:?}");
    }
}

#[test]
fn with_no_repeat_buyers_the_forecast_is_the_lapse_at_240_days() {
    let dir = tempfile::tempdir().unwrap();
    let start = day_from_ymd(2024, 1, 1).unwrap();
    let mut rows: Vec<Row> = (0..60)
        .map(|i| (format!("K{i:02}"), start + 3 * i, 1000 + i64::from(i)))
        .collect();
    // Two rows on one day are one purchase day; a return is no purchase.
    rows.push(("K01".into(), start + 3, 500));
    rows.push(("K00".into(), day_from_ymd(2024, 3, 1).unwrap(), -200));
    let input = write_orders(dir.path(), &rows);
    let out = dir.path().join("fc");
    forecast(&input, &out, &["--as-of", "2024-06-30", "--new-customers", "0"]).success();
    let fc = table(&out.join("forecast.csv"));
    assert_eq!(fc.len(), 12 * 10);
    for r in &fc {
        let end = cpm::dates::parse_iso_day(&r["month_end"]).unwrap();
        let active = (0..60).filter(|i| end - (start + 3 * i) < 240).count() as f64;
        let expected = match r["segment"].as_str() {
            "first_active" => active,
            "first_lapsed" => 60.0 - active,
            _ => 0.0,
        };
        assert_eq!(num(r, "customers"), expected, "{r:?}");
        assert_eq!(num(r, "low"), expected, "{r:?}");
        assert_eq!(num(r, "high"), expected, "{r:?}");
    }
    for f in table(&out.join("forecast_flow.csv")) {
        assert_eq!(num(&f, "purchase_days"), 0.0);
        assert_eq!(num(&f, "sales"), 0.0);
    }
}

/// The spec's 初回→よちよち rate pooled over the last 12 acquisition
/// months whose 90-day window has closed by `as_of`.
fn observed_rate(rows: &[Row], as_of: Day) -> f64 {
    let mut days: BTreeMap<&str, BTreeSet<Day>> = BTreeMap::new();
    for (c, d, a) in rows {
        if *d <= as_of && *a >= 0 {
            days.entry(c.as_str()).or_default().insert(*d);
        }
    }
    let last = (0..24)
        .map(|k| month_of(as_of) - k)
        .find(|&m| last_day_of_month(m) + 89 <= as_of)
        .unwrap();
    let (mut size, mut converted) = (0u64, 0u64);
    for ds in days.values() {
        let mut it = ds.iter();
        let first = *it.next().unwrap();
        if !(last - 11..=last).contains(&month_of(first)) {
            continue;
        }
        size += 1;
        if it.next().is_some_and(|&s| s - first < 90) {
            converted += 1;
        }
    }
    converted as f64 / size as f64
}

#[test]
fn the_scenario_at_the_observed_rate_is_the_baseline() {
    let dir = tempfile::tempdir().unwrap();
    let rows = stationary(18, 40, 7);
    let as_of = rows.iter().map(|r| r.1).max().unwrap();
    let rate = observed_rate(&rows, as_of);
    assert!(rate > 0.05 && rate < 0.95, "{rate}");
    let input = write_orders(dir.path(), &rows);
    let out = dir.path().join("same");
    forecast(
        &input,
        &out,
        &["--months", "6", "--scenario", &format!("conversion={rate}")],
    )
    .success();
    let read = |name: &str| std::fs::read_to_string(out.join(name)).unwrap();
    assert_eq!(read("scenario_forecast.csv"), read("forecast.csv"));
    assert_eq!(read("scenario_forecast_flow.csv"), read("forecast_flow.csv"));
    assert!(read("rules.toml").contains(&format!("observed_conversion = {rate}")));

    // A higher rate: more よちよち, fewer 初回, the same customers in all.
    let high = dir.path().join("high");
    forecast(&input, &high, &["--months", "6", "--scenario", "conversion=0.9"]).success();
    assert!(
        std::fs::read_to_string(high.join("rules.toml"))
            .unwrap()
            .contains("conversion = 0.9")
    );
    let base = table(&high.join("forecast.csv"));
    let scen = table(&high.join("scenario_forecast.csv"));
    let at = |t: &[BTreeMap<String, String>], m: usize, seg: &str| {
        num(
            t[m * 10..(m + 1) * 10].iter().find(|r| r["segment"] == seg).unwrap(),
            "customers",
        )
    };
    assert!(at(&scen, 2, "toddler_active") > at(&base, 2, "toddler_active") + 20.0);
    assert!(at(&scen, 2, "first_active") < at(&base, 2, "first_active"));
    let total = |t: &[BTreeMap<String, String>], m: usize| {
        t[m * 10..(m + 1) * 10].iter().map(|r| num(r, "customers")).sum::<f64>()
    };
    assert_eq!(total(&scen, 5), total(&base, 5));
}

fn backtest_summary(months: i32, dir: &Path) -> Vec<BTreeMap<String, String>> {
    let sub = dir.join(format!("h{months}"));
    std::fs::create_dir_all(&sub).unwrap();
    let input = write_orders(&sub, &stationary(months, 30, 11));
    let out = sub.join("fc");
    forecast(&input, &out, &["--months", "6", "--backtest"])
        .success()
        .stdout(predicate::str::contains("weighted MAPE"));
    let rows = table(&out.join("backtest.csv"));
    assert!(!rows.is_empty());
    table(&out.join("backtest_summary.csv"))
}

#[test]
fn the_backtest_on_a_stationary_history_has_small_errors_that_shrink_with_history() {
    let dir = tempfile::tempdir().unwrap();
    let short = backtest_summary(15, dir.path());
    let long = backtest_summary(42, dir.path());
    let mean = |s: &[BTreeMap<String, String>], key: &str| s.iter().map(|r| num(r, key)).sum::<f64>() / s.len() as f64;
    for s in [&short, &long] {
        assert_eq!(s.len(), 6);
        for h in s {
            assert!(num(h, "segments_wmape") < num(h, "persistence_segments_wmape"), "{h:?}");
        }
    }
    // 15 months: the early origins have only 3 to 9 months to learn from.
    assert!(num(&short[5], "segments_wmape") < 0.30, "{short:?}");
    assert!(num(&long[5], "segments_wmape") < 0.10, "{long:?}");
    assert!(num(&long[5], "purchase_days_wmape") < 0.15, "{long:?}");
    assert!(
        mean(&long, "segments_wmape") < mean(&short, "segments_wmape"),
        "short {short:?}\nlong {long:?}"
    );
}

#[test]
fn bad_forecast_input_is_refused_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_orders(dir.path(), &stationary(6, 10, 3));
    let out = dir.path().join("fc");
    forecast(&input, &out, &["--months", "0"])
        .code(2)
        .stderr(predicate::str::contains("--months"));
    forecast(&input, &out, &["--as-of", "2020-02-15"])
        .code(1)
        .stderr(predicate::str::contains("at least 3 month-ends of history").and(predicate::str::contains("has 2")));
    forecast(&input, &out, &["--scenario", "retention=0.5"])
        .code(2)
        .stderr(predicate::str::contains("unknown key \"retention\""));
    forecast(&input, &out, &["--scenario", "conversion=1.5"])
        .code(2)
        .stderr(predicate::str::contains("between 0 and 1"));
    forecast(&input, &out, &["--scenario", "conversion=-0.1"])
        .code(2)
        .stderr(predicate::str::contains("between 0 and 1"));
    forecast(&input, &out, &["--new-customers", "many"])
        .code(2)
        .stderr(predicate::str::contains("--new-customers"));
    forecast(&input, &out, &["--scheme", "lifecycle", "--scenario", "conversion=0.5"])
        .code(1)
        .stderr(predicate::str::contains("CPM scenario"));
    forecast(&input, &out, &["--months", "6", "--backtest"])
        .code(1)
        .stderr(predicate::str::contains("needs at least 9 month-ends"));
    assert!(!out.join("forecast.csv").exists());
}
