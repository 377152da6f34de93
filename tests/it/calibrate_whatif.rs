//! `cpm calibrate` (thresholds suggested from the data) and `cpm whatif`
//! (the as-of portfolio under changed rules).

use std::collections::BTreeMap;
use std::path::Path;

use cpm::analysis::calibrate::calibrate;
use cpm::config::{Config, Overrides};
use cpm::money::Money;
use predicates::prelude::*;

use crate::commands::{cpm, sample};
use crate::common::today;
use crate::common::{day, orders};

/// Customers who buy every `cycle` days from `start` for `orders` orders.
fn regulars(n: usize, cycle: i32, orders_each: i32, amount: &str) -> Vec<(String, String, String)> {
    let start = day("2022-01-01");
    let mut rows = Vec::new();
    for c in 0..n {
        for k in 0..orders_each {
            rows.push((
                format!("r{c:03}"),
                cpm::dates::format_day(start + c as i32 + k * cycle),
                amount.to_string(),
            ));
        }
    }
    rows
}

#[test]
fn calibrate_on_a_known_rhythm() {
    // 100 customers buying every 30 days, 20 times, 5,000 a time (100,000
    // in all, tenure 570 days); 100 one-time buyers of 1,000.
    let mut rows = regulars(100, 30, 20, "5000");
    for c in 0..100 {
        rows.push((format!("o{c:03}"), "2022-03-01".to_string(), "1000".to_string()));
    }
    let borrowed: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str()))
        .collect();
    let o = orders(&borrowed);
    let end = *o.day.iter().max().unwrap();
    let (tl, _) = cpm::engine::timelines::build(o, end);
    let c = calibrate(&tl, end, 210);
    assert_eq!(c.customers, 200);
    assert_eq!(c.repeaters, 100);
    assert_eq!(c.median_cycle, Some(30.0));
    assert_eq!(c.gap_p95, Some(30));
    assert_eq!(c.churn_days, Some(30));
    assert_eq!(c.active_days, Some(30));
    assert_eq!(c.dormant_days, Some(60));
    assert_eq!(c.toddler_days, Some(60));
    assert_eq!(c.long_tenure, 100);
    assert_eq!(c.loyal_amount, Some(Money::from_units(100_000).unwrap()));
    // Every second purchase came 30 days after the first: within 60, not 30.
    let within: Vec<(i32, f64)> = c.windows.iter().map(|w| (w.days, w.of_second)).collect();
    assert_eq!(within, [(30, 0.0), (60, 1.0), (90, 1.0), (120, 1.0), (180, 1.0)]);
    assert_eq!(c.windows[1].of_first, 0.5);
    // The suggestions as a config file that reads back.
    let text = c.config_file(&Config::default(), "orders.csv", cpm::text::lang::Lang::En);
    let suggested = Config::resolve(&Config::parse_file(&text).unwrap(), &Overrides::default()).unwrap();
    assert_eq!(suggested.rules.churn_days, 30);
    assert_eq!(suggested.rules.toddler_days, 60);
    assert_eq!(suggested.rules.loyal_days, 210, "kept");
    assert_eq!(suggested.lifecycle.active_days, 30);
    assert_eq!(suggested.lifecycle.dormant_days, 60);
    assert!(text.contains("# 95% of repeat purchases came within 30 days"), "{text}");
}

#[test]
fn calibrate_keeps_thresholds_it_has_no_evidence_for() {
    let rows = [
        ("a", "2024-01-01", "100"),
        ("a", "2024-02-01", "100"),
        ("b", "2024-01-05", "100"),
    ];
    let o = orders(&rows);
    let end = day("2024-02-01");
    let (tl, _) = cpm::engine::timelines::build(o, end);
    let c = calibrate(&tl, end, 210);
    assert_eq!(
        (c.churn_days, c.toddler_days, c.loyal_amount, c.active_days),
        (None, None, None, None)
    );
    assert_eq!(c.suggested(&Config::default()), Config::default());
}

#[test]
fn calibrate_on_the_sample_recovers_the_generator_s_rhythm() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cpm.toml");
    cpm()
        .args(["calibrate", "--lang", "en", "--input"])
        .arg(sample())
        .arg("--out")
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("Days to the second purchase"))
        .stdout(predicate::str::contains("< 90"))
        .stdout(predicate::str::contains("Gaps between purchase days"))
        .stdout(predicate::str::contains("cpm.churn_days"))
        .stderr(predicate::str::contains("wrote"));
    let text = std::fs::read_to_string(&out).unwrap();
    let c = Config::resolve(&Config::parse_file(&text).unwrap(), &Overrides::default()).unwrap();
    // The generator: subscribers on a 28–50 day cycle, 240/90/210/70000 in mind.
    assert!(
        (220..=260).contains(&c.rules.churn_days),
        "churn {}",
        c.rules.churn_days
    );
    assert!(
        (60..=120).contains(&c.rules.toddler_days),
        "toddler {}",
        c.rules.toddler_days
    );
    assert_eq!(c.rules.loyal_days, 210);
    assert!(
        (28..=50).contains(&c.lifecycle.active_days),
        "active {}",
        c.lifecycle.active_days
    );
    assert_eq!(c.lifecycle.dormant_days, 2 * c.lifecycle.active_days);
    // Never overwritten silently.
    cpm()
        .args(["calibrate", "--input"])
        .arg(sample())
        .arg("--out")
        .arg(&out)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not overwritten"))
        .stderr(predicate::str::contains("--force"));
    std::fs::write(&out, "# mine\n").unwrap();
    cpm()
        .args(["calibrate", "--input"])
        .arg(sample())
        .arg("--out")
        .arg(&out)
        .assert()
        .code(1);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "# mine\n");
    cpm()
        .args(["calibrate", "--force", "--input"])
        .arg(sample())
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    assert_ne!(std::fs::read_to_string(&out).unwrap(), "# mine\n");
    // The written file is a config the other commands take.
    cpm()
        .args(["summary", "--input"])
        .arg(sample())
        .arg("--config")
        .arg(&out)
        .assert()
        .success();
    // Without --out nothing is written: the file goes to stdout.
    cpm()
        .current_dir(dir.path())
        .args(["calibrate", "--input"])
        .arg(sample())
        .assert()
        .success()
        .stdout(predicate::str::contains("[cpm]"));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "only the --out file");
}

/// `customer_id → segment` from a segments.csv.
fn segments(path: &Path) -> BTreeMap<String, String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| {
            let mut f = l.split(',');
            (f.next().unwrap().to_string(), f.next().unwrap().to_string())
        })
        .collect()
}

#[test]
fn whatif_moves_are_the_two_runs_segments_joined() {
    let dir = tempfile::tempdir().unwrap();
    let moves = dir.path().join("moves.csv");
    cpm()
        .args([
            "whatif",
            "--set",
            "loyal_amount=50000",
            "--set",
            "cpm.churn_days=180",
            "--input",
        ])
        .arg(sample())
        .arg("--out")
        .arg(&moves)
        .assert()
        .success()
        .stdout(predicate::str::contains("loyal_amount: 70000 → 50000"))
        .stdout(predicate::str::contains("churn_days: 240 → 180"))
        .stdout(predicate::str::contains("コツコツ現役"))
        .stdout(predicate::str::contains("初回→よちよち転換率"))
        .stdout(predicate::str::contains("優良現役の比率"))
        .stdout(predicate::str::contains("現役顧客数"));
    let before = dir.path().join("before");
    let after = dir.path().join("after");
    for (out, extra) in [
        (&before, vec![]),
        (&after, vec!["--loyal-amount", "50000", "--churn-days", "180"]),
    ] {
        cpm()
            .args(["tables", "--input"])
            .arg(sample())
            .arg("--out-dir")
            .arg(out)
            .args(extra)
            .assert()
            .success();
    }
    let (a, b) = (
        segments(&before.join("segments.csv")),
        segments(&after.join("segments.csv")),
    );
    let mut expected: BTreeMap<(String, String), u64> = BTreeMap::new();
    for (id, from) in &a {
        *expected.entry((from.clone(), b[id].clone())).or_default() += 1;
    }
    let got: BTreeMap<(String, String), u64> = std::fs::read_to_string(&moves)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            ((f[0].to_string(), f[1].to_string()), f[2].parse().unwrap())
        })
        .collect();
    assert_eq!(got, expected);
    assert!(got.keys().any(|(f, t)| f == "steady_active" && t == "loyal_active"));
}

#[test]
fn whatif_across_schemes_and_bad_settings() {
    cpm()
        .args(["whatif", "--lang", "en", "--set", "scheme=lifecycle", "--input"])
        .arg(sample())
        .assert()
        .success()
        .stdout(predicate::str::contains("scheme: cpm → lifecycle"))
        .stdout(predicate::str::contains("VIP customers"))
        .stdout(predicate::str::contains("Loyal share of active"));
    cpm()
        .args(["whatif", "--set", "loyalty=1", "--input"])
        .arg(sample())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown key"))
        .stderr(predicate::str::contains("loyal_amount"));
    cpm()
        .args(["whatif", "--set", "churn_days", "--input"])
        .arg(sample())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("KEY=VALUE"));
    // --set is required.
    cpm().args(["whatif", "--input"]).arg(sample()).assert().code(2);
}

#[test]
fn whatif_compares_the_conversion_of_one_cohort_under_both_rules() {
    // As of 2024-06-30. The 2024-03 cohort (A, B, C) has matured under
    // toddler_days 90 (its window closes 03-31 + 89 = 06-28) and under 60;
    // the 2024-04 cohort (D) only under 60 (04-30 + 59 = 06-28, but
    // 04-30 + 89 = 07-28 under 90). So both are compared on 2024-03:
    // A's second purchase comes 46 days after the first (converted under
    // both), B's 76 days after (only under 90), C never: 2/3 → 1/3.
    let rows = [
        ("A", "2024-03-05", "1000"),
        ("A", "2024-04-20", "1000"),
        ("B", "2024-03-10", "1000"),
        ("B", "2024-05-25", "1000"),
        ("C", "2024-03-15", "1000"),
        ("D", "2024-04-02", "1000"),
        ("D", "2024-04-12", "1000"),
        ("E", "2024-06-30", "1000"),
    ];
    let before = Config::default();
    let mut flags = Overrides::default();
    flags.set("toddler_days=60").unwrap();
    let after = Config::resolve(&Default::default(), &flags).unwrap();
    let result = cpm::analysis::whatif::run(
        orders(&rows),
        cpm::ingest::IngestReport::in_memory(rows.len()),
        &before,
        &after,
        None,
        today(),
    )
    .unwrap();
    let first = &result.kpis[0];
    assert_eq!(first.en, "First → toddler (2024-03 cohort)");
    assert_eq!(first.before, Some(cpm::analysis::whatif::Figure::Rate(2.0 / 3.0)));
    assert_eq!(first.after, Some(cpm::analysis::whatif::Figure::Rate(1.0 / 3.0)));
    let text = result.text(cpm::text::lang::Lang::En);
    assert!(text.contains("the 2024-03 cohort (3), under both rule sets"), "{text}");
    assert!(
        text.contains("now up to 2024-03, after the change up to 2024-04"),
        "{text}"
    );
}

#[test]
fn calibrate_says_what_adopting_it_would_change_as_whatif_does() {
    let assert = cpm()
        .args(["calibrate", "--lang", "en", "--input"])
        .arg(sample())
        .assert()
        .success();
    let out = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(out.contains("How to read a percentile"), "{out}");
    assert!(out.contains("incomparable"), "{out}");
    let moved: u64 = out
        .split("If the suggestion were adopted: ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .map(|n| n.replace(',', "").parse().unwrap())
        .expect("the impact line");
    // The suggested file, as printed, applied with whatif --set.
    let toml = out
        .split("(not written; pass --out cpm.toml to write it) ---\n")
        .nth(1)
        .unwrap();
    let suggested = Config::resolve(&Config::parse_file(toml).unwrap(), &Overrides::default()).unwrap();
    let mut args: Vec<String> = vec!["whatif".into(), "--lang".into(), "en".into()];
    for (s, value) in cpm::config::settings::values(&suggested) {
        let now = (s.get)(&Config::default());
        if let Some(v) = value.filter(|v| Some(v) != now.as_ref()) {
            args.push("--set".into());
            args.push(format!("{}={}", s.name(), v.text()));
        }
    }
    assert!(args.len() > 3, "the sample's suggestion changes something");
    let assert = cpm().args(&args).arg("--input").arg(sample()).assert().success();
    let whatif = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    let expected = format!("Customers changing segment: {} of", crate::common::thousands(moved));
    assert!(whatif.contains(&expected), "{expected} in {whatif}");
    // Japanese throughout under --lang ja.
    let assert = cpm().args(["calibrate", "--input"]).arg(sample()).assert().success();
    let ja = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(
        !ja.contains("suggested config") && ja.contains("提案どおりに変えると"),
        "{ja}"
    );
}
