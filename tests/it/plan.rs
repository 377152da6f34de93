//! The plan file (予実): parsing, one-line errors naming the line, CP932,
//! and plan against actual worked out by hand on a small history.

use crate::commands::cpm;
use cpm::dates::parse_month;
use cpm::plan::{Metric, compare, parse};
use predicates::prelude::*;

fn month(text: &str) -> i32 {
    parse_month(text).unwrap()
}

#[test]
fn a_good_file() {
    let plan = parse(
        "month,metric,value\n2025-11,active,1800\n2025-11,conversion_rate,30%\n\n2025-12,loyal_active_share,0.2\n2025-12,sales,\"5,000,000\"\n",
    )
    .unwrap();
    assert_eq!(plan.values.len(), 4);
    assert_eq!(plan.values[&(month("2025-11"), Metric::Active)], 1800.0);
    assert_eq!(plan.values[&(month("2025-11"), Metric::ConversionRate)], 0.3);
    assert_eq!(plan.values[&(month("2025-12"), Metric::LoyalActiveShare)], 0.2);
    assert_eq!(plan.values[&(month("2025-12"), Metric::Sales)], 5_000_000.0);
}

#[test]
fn errors_name_the_line() {
    let cases = [
        (
            "month,metric,value\n2025-11,actives,10\n",
            "line 2: unknown metric \"actives\"; known metrics: new_customers, conversion_rate, active, loyal_active, loyal_active_share, sales",
        ),
        (
            "month,metric,value\n2025-11,active,10\n2025-13,active,10\n",
            "line 3: bad month \"2025-13\"",
        ),
        (
            "month,metric,value\n2025-11,active,10\n\n2025-11,active,12\n",
            "line 4: 2025-11 active is already given on line 2",
        ),
        ("", "the plan file is empty"),
        ("month,metric,value\n", "the plan file has a header but no values"),
        (
            "month,kpi,value\n2025-11,active,1\n",
            "line 1: expected the header month,metric,value (or 月,指標,値)",
        ),
        (
            "month,metric,value\n2025-11,active,many\n",
            "line 2: bad value \"many\" for active",
        ),
        (
            "month,metric,value\n2025-11,active,5%\n",
            "line 2: bad value \"5%\" for active",
        ),
        (
            "month,metric,value\n2025-11,active\n",
            "line 2: expected month,metric,value",
        ),
    ];
    for (text, message) in cases {
        let err = parse(text).expect_err(text);
        assert!(err.starts_with(message), "{text:?}: {err}");
        assert!(!err.contains('\n'), "one line: {err}");
    }
}

/// 2025-10 one new customer, 2025-11 two (one of whom comes back in
/// 2025-12), 2025-12 one more.
const ORDERS: &str = "customer_id,order_date,amount\nA,2025-10-05,1000\nB,2025-11-02,2000\nC,2025-11-20,3000\nB,2025-12-01,500\nD,2025-12-31,700\n";

#[test]
fn a_shift_jis_plan_in_a_report_and_its_errors() {
    let dir = tempfile::tempdir().unwrap();
    let orders = dir.path().join("orders.csv");
    std::fs::write(&orders, ORDERS).unwrap();
    // CP932: the full-width digits only exist there (and in UTF-8).
    let text = "month,metric,value\n2025-11,new_customers,4\n2025-12,active,2\n2025-12,sales,1000\n2025-11,conversion_rate,０.５\n";
    let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(text);
    let bad = dir.path().join("plan_sjis.csv");
    std::fs::write(&bad, &bytes).unwrap();
    // The full-width digits are not a number: the error names the line.
    cpm()
        .args(["report", "--input"])
        .arg(&orders)
        .arg("--plan")
        .arg(&bad)
        .arg("--out-dir")
        .arg(dir.path().join("r"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "plan_sjis.csv: line 5: bad value \"０.５\" for conversion_rate",
        ));
    let text =
        "月,指標,値\n2025-11,new_customers,4\n2025-12,active,2\n2025-12,sales,1000\n2025-11,conversion_rate,0.5\n";
    let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(text);
    assert!(std::str::from_utf8(&bytes).is_err(), "the test file is not UTF-8");
    let good = dir.path().join("plan.csv");
    std::fs::write(&good, &bytes).unwrap();
    cpm()
        .args(["report", "--input"])
        .arg(&orders)
        .arg("--plan")
        .arg(&good)
        .arg("--out-dir")
        .arg(dir.path().join("r"))
        .assert()
        .success();
    let html = std::fs::read_to_string(dir.path().join("r/2025-12/index.html")).unwrap();
    // 現役 4 against a plan of 2: 200%.
    assert!(html.contains("計画比 200.0%"), "the active card gains 計画比");
    assert!(html.contains("予実表"), "the 予実 table is in the report");
    assert!(dir.path().join("r/2025-12/09_plan.png").is_file());
}

#[test]
fn neither_utf8_nor_shift_jis() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.csv");
    std::fs::write(&path, b"month,metric,value\n2025-11,active,\xff\xff\n").unwrap();
    let err = cpm::plan::read(&path).unwrap_err().to_string();
    assert!(
        err.ends_with("plan.csv: the plan file is neither UTF-8 nor Shift_JIS (CP932) text"),
        "{err}"
    );
}

#[test]
fn plan_against_actual_by_hand() {
    let rows = [
        ("A", "2025-10-05", "1000"),
        ("B", "2025-11-02", "2000"),
        ("C", "2025-11-20", "3000"),
        ("B", "2025-12-01", "500"),
        ("D", "2025-12-31", "700"),
    ];
    let a = super::common::analyze(&rows, None);
    let plan = parse(
        "month,metric,value\n2025-11,new_customers,4\n2025-12,active,2\n2025-12,sales,1000\n2025-11,conversion_rate,0.4\n2026-01,active,9\n2025-12,loyal_active,1\n",
    )
    .unwrap();
    let rows = compare(&a.portfolio, &plan);
    let got: Vec<(Metric, String, f64, f64, bool)> = rows
        .iter()
        .map(|r| {
            (
                r.metric,
                cpm::dates::format_month(r.month),
                r.plan,
                r.actual,
                r.provisional,
            )
        })
        .collect();
    // 2026-01 has no month-end in the data: not compared. Conversion of the
    // 2025-11 cohort: B came back within 90 days, C not (yet): 1/2,
    // provisional (the window closes in 2026-02).
    assert_eq!(
        got,
        vec![
            (Metric::NewCustomers, "2025-11".into(), 4.0, 2.0, false),
            (Metric::ConversionRate, "2025-11".into(), 0.4, 0.5, true),
            (Metric::Active, "2025-12".into(), 2.0, 4.0, false),
            (Metric::LoyalActive, "2025-12".into(), 1.0, 0.0, false),
            (Metric::Sales, "2025-12".into(), 1000.0, 1200.0, false),
        ]
    );
    assert_eq!(rows[0].ratio(), Some(0.5));
}

#[test]
fn the_plan_from_the_config_file() {
    let dir = tempfile::tempdir().unwrap();
    let orders = dir.path().join("orders.csv");
    std::fs::write(&orders, ORDERS).unwrap();
    std::fs::write(dir.path().join("plan.csv"), "month,metric,value\n2025-12,activ,2\n").unwrap();
    std::fs::write(dir.path().join("cpm.toml"), "[run]\nplan = \"plan.csv\"\n").unwrap();
    cpm()
        .current_dir(dir.path())
        .args(["report", "--input", "orders.csv", "--out-dir", "r"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("plan.csv: line 2: unknown metric \"activ\""));
}

/// `--plan` gives the same report from the orders and from their tables.
#[test]
fn the_plan_is_the_same_from_orders_and_from_tables() {
    let dir = tempfile::tempdir().unwrap();
    let orders = dir.path().join("orders.csv");
    std::fs::write(&orders, ORDERS).unwrap();
    let plan = dir.path().join("plan.csv");
    std::fs::write(
        &plan,
        "month,metric,value\n2025-12,active,3\n2025-11,conversion_rate,0.4\n",
    )
    .unwrap();
    let run = |args: &[&std::ffi::OsStr], out: &str| {
        cpm()
            .args(args)
            .arg("--plan")
            .arg(&plan)
            .arg("--out-dir")
            .arg(dir.path().join(out))
            .assert()
            .success();
    };
    run(&["report".as_ref(), "--input".as_ref(), orders.as_os_str()], "direct");
    cpm()
        .args(["tables", "--input"])
        .arg(&orders)
        .arg("--out-dir")
        .arg(dir.path().join("t"))
        .assert()
        .success();
    let tables = dir.path().join("t");
    run(&["report".as_ref(), "--tables".as_ref(), tables.as_os_str()], "via");
    for file in ["cpm_2025-12.xlsx", "index.html", "09_plan.png"] {
        let a = std::fs::read(dir.path().join("direct/2025-12").join(file)).unwrap();
        let b = std::fs::read(dir.path().join("via/2025-12").join(file)).unwrap();
        assert!(a == b, "{file} is the same from --input and --tables");
    }
}

/// A report folder is replaced whole, so one that holds the plan is refused.
#[test]
fn a_report_folder_holding_the_plan_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let orders = dir.path().join("orders.csv");
    std::fs::write(&orders, ORDERS).unwrap();
    let month = dir.path().join("r/2025-12");
    std::fs::create_dir_all(&month).unwrap();
    let plan = month.join("plan.csv");
    std::fs::write(&plan, "month,metric,value\n2025-12,active,3\n").unwrap();
    cpm()
        .args(["report", "--input"])
        .arg(&orders)
        .arg("--plan")
        .arg(&plan)
        .arg("--out-dir")
        .arg(dir.path().join("r"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("holds the input").and(predicate::str::contains("plan.csv")));
    assert!(plan.is_file(), "the plan is left alone");
}
