//! `--by` and `--where` / `--where-not` on files, as a user runs them
//! (spec sections 9 and 10): the rows accounted for, the filter applied
//! before the group is decided, and the errors.

use std::path::{Path, PathBuf};

use crate::commands::{cpm, run_tables, tables_as_of};

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

pub const ORDERS: &str = "customer_id,order_date,amount,product,shop\n\
    A,2024-01-10,1000,青汁,公式\n\
    A,2024-01-20,2000,\"香醋, 720ml\",楽天\n\
    B,2024-01-15,500,黒酢,楽天\n\
    B,2024-02-03,700,青汁,公式\n\
    C,2024-02-10,900, 青汁 ,公式\n";

/// Runs `cpm tables` with `args`; returns the output folder's files by name.
fn tables(dir: &Path, args: &[&str]) -> (std::collections::BTreeMap<String, String>, String) {
    let input = write(dir, "orders.csv", ORDERS);
    let out = dir.join("out");
    run_tables(tables_as_of(&input, "2024-02-29", &out, args), &out).unwrap_or_else(|stderr| panic!("{stderr}"))
}

fn metric(data_quality: &str, name: &str) -> u64 {
    data_quality
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{name},")))
        .unwrap_or_else(|| panic!("no {name} in {data_quality}"))
        .parse()
        .unwrap()
}

/// Rows read, used, rejected, after the as-of date, excluded by filter.
fn accounting(files: &std::collections::BTreeMap<String, String>) -> [u64; 5] {
    let q = &files["data_quality.csv"];
    let counts = [
        metric(q, "rows_read"),
        metric(q, "rows_used"),
        metric(q, "rows_rejected"),
        metric(q, "rows_after_as_of"),
        metric(q, "excluded_by_filter"),
    ];
    assert_eq!(counts[0], counts[1] + counts[2] + counts[3] + counts[4]);
    counts
}

#[test]
fn where_keeps_rows_with_one_of_the_values() {
    let dir = tempfile::tempdir().unwrap();
    // 青汁 rows: A 01-10, B 02-03, C 02-10 (trimmed): three used, two excluded.
    let (files, stderr) = tables(dir.path(), &["--where", "product=青汁"]);
    assert_eq!(accounting(&files), [5, 3, 0, 0, 2]);
    assert!(
        stderr.contains("Rows excluded by filter (--where product=青汁)"),
        "{stderr}"
    );
    // B's first purchase is their first 青汁 purchase.
    assert_eq!(
        files["segments.csv"],
        "customer_id,segment,first_purchase,last_purchase,tenure_days,recency_days,total,purchase_days,previous_segment\n\
         A,first_active,2024-01-10,2024-01-10,0,50,1000,1,first_active\n\
         B,first_active,2024-02-03,2024-02-03,0,26,700,1,new\n\
         C,first_active,2024-02-10,2024-02-10,0,19,900,1,new\n"
    );
    assert!(
        files["rules.toml"].contains("where = [\"product=青汁\"]"),
        "{}",
        files["rules.toml"]
    );
}

#[test]
fn values_with_commas_are_quoted_and_repeated_flags_add_values() {
    let dir = tempfile::tempdir().unwrap();
    let (files, _) = tables(dir.path(), &["--where", "product=\"香醋, 720ml\""]);
    assert_eq!(accounting(&files), [5, 1, 0, 0, 4]);
    let (files, _) = tables(dir.path(), &["--where", "product=青汁", "--where", "product=黒酢"]);
    assert_eq!(accounting(&files), [5, 4, 0, 0, 1]);
    let (files, _) = tables(dir.path(), &["--where", "product=青汁,黒酢", "--where", "shop=公式"]);
    // 青汁 or 黒酢, and 公式: A 01-10, B 02-03, C.
    assert_eq!(accounting(&files), [5, 3, 0, 0, 2]);
}

#[test]
fn where_not_drops_rows_with_the_values() {
    let dir = tempfile::tempdir().unwrap();
    let (files, _) = tables(dir.path(), &["--where-not", "product=青汁"]);
    assert_eq!(accounting(&files), [5, 2, 0, 0, 3]);
    assert_eq!(
        files["segments.csv"].lines().skip(1).collect::<Vec<_>>(),
        [
            "A,first_active,2024-01-20,2024-01-20,0,40,2000,1,first_active",
            "B,first_active,2024-01-15,2024-01-15,0,45,500,1,first_active"
        ]
    );
    // Without a filter the column is still there, at zero.
    let (files, stderr) = tables(dir.path(), &[]);
    assert_eq!(accounting(&files), [5, 5, 0, 0, 0]);
    assert!(!stderr.contains("excluded by filter"), "{stderr}");
}

#[test]
fn the_filter_comes_before_the_group() {
    let dir = tempfile::tempdir().unwrap();
    // Without the filter B's first purchase (黒酢, 楽天) puts B in 楽天.
    let (files, _) = tables(dir.path(), &["--by", "shop"]);
    let groups: Vec<&str> = files["segments.csv"]
        .lines()
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(groups, ["group", "公式", "公式", "楽天"]);
    assert!(files["segments.csv"].contains("\n楽天,B,"));
    // With it, B's first purchase is the 青汁 one, in 公式.
    let (files, _) = tables(dir.path(), &["--where", "product=青汁", "--by", "shop"]);
    let groups: Vec<&str> = files["segments.csv"]
        .lines()
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(groups, ["group", "公式", "公式", "公式"]);
    assert!(files["conversion.csv"].starts_with("group,cohort_month,"));
    assert!(files["rules.toml"].contains("by = \"shop\""));
}

#[test]
fn a_filter_that_keeps_nothing_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "orders.csv", ORDERS);
    let output = cpm()
        .args(["tables", "--where", "product=ない", "--out-dir"])
        .arg(dir.path().join("out"))
        .arg("--input")
        .arg(&input)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--where product=ない keeps none of the 5 rows"),
        "{stderr}"
    );
    assert!(stderr.contains("青汁 (3)"), "{stderr}");
    assert!(!dir.path().join("out").exists());
}

#[test]
fn a_missing_column_is_the_missing_column_error() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "orders.csv", ORDERS);
    for (flag, value, role) in [
        ("--by", "prodcut", "--by"),
        ("--where", "prodcut=青汁", "--where"),
        ("--where-not", "prodcut=青汁", "--where-not"),
    ] {
        let output = cpm()
            .args(["summary", flag, value, "--input"])
            .arg(&input)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.contains(&format!(
                "column 'prodcut' not found ({role} column); columns found: 'customer_id', 'order_date', 'amount', \
                 'product', 'shop' — did you mean 'product'?"
            )),
            "{stderr}"
        );
    }
}

#[test]
fn a_bad_where_is_refused_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "orders.csv", ORDERS);
    for bad in ["product", "product=", "product=\"a"] {
        let output = cpm()
            .args(["summary", "--where", bad, "--input"])
            .arg(&input)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{bad}");
        assert!(String::from_utf8_lossy(&output.stderr).contains("--where"), "{bad}");
    }
}

#[test]
fn the_config_file_scopes_the_run_too() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "orders.csv", ORDERS);
    let config = write(
        dir.path(),
        "cpm.toml",
        "[run]\nby = \"shop\"\nwhere = [\"product=青汁,黒酢\"]\n",
    );
    let (files, _) = tables(
        dir.path(),
        &["--config", config.to_str().unwrap(), "--where", "shop=公式"],
    );
    // 青汁 or 黒酢 (file), and 公式 (flag): A 01-10, B 02-03, C.
    assert_eq!(accounting(&files), [5, 3, 0, 0, 2]);
    assert!(files["segments.csv"].starts_with("group,customer_id,"));
    // An empty --by turns the file's breakdown off.
    let (files, _) = tables(dir.path(), &["--config", config.to_str().unwrap(), "--by", ""]);
    assert!(files["segments.csv"].starts_with("customer_id,"));
    let bad = write(dir.path(), "bad.toml", "[run]\nwhere = 3\n");
    let output = cpm()
        .args(["summary", "--config"])
        .arg(&bad)
        .arg("--input")
        .arg(&input)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("run.where"));
}

#[test]
fn a_filtered_run_is_the_run_of_the_kept_rows() {
    let dir = tempfile::tempdir().unwrap();
    let full = dir.path().join("full.csv");
    cpm()
        .args(["generate", "--customers", "300", "--seed", "5", "--out"])
        .arg(&full)
        .assert()
        .success();
    // `shop` is the last column and never quoted: keep the lines by hand.
    let text = std::fs::read_to_string(&full).unwrap();
    let kept: String = text
        .lines()
        .enumerate()
        .filter(|(i, l)| *i == 0 || !(l.ends_with(",楽天市場") || l.ends_with(",Amazon")))
        .map(|(_, l)| format!("{l}\n"))
        .collect();
    let dropped = text.lines().count() - kept.lines().count();
    assert!(dropped > 0);
    let kept_file = write(dir.path(), "kept.csv", &kept);
    let run = |input: &Path, out: &str, flags: &[&str]| {
        let out = dir.path().join(out);
        cpm()
            .args(["tables", "--by", "channel", "--input"])
            .arg(input)
            .arg("--out-dir")
            .arg(&out)
            .args(flags)
            .assert()
            .success();
        let read = |f: &str| std::fs::read_to_string(out.join(f)).unwrap();
        (
            [
                "snapshots.csv",
                "transitions.csv",
                "conversion.csv",
                "ladder.csv",
                "segments.csv",
            ]
            .map(read),
            read("data_quality.csv"),
        )
    };
    let (filtered, quality) = run(&full, "filtered", &["--where-not", "shop=楽天市場,Amazon"]);
    let (alone, _) = run(&kept_file, "alone", &[]);
    assert_eq!(filtered, alone);
    assert_eq!(metric(&quality, "excluded_by_filter"), dropped as u64);
    // The same rows kept with --where.
    let (kept_by_where, _) = run(&full, "where", &["--where", "shop=公式サイト,電話注文"]);
    assert_eq!(kept_by_where, alone);
}

#[test]
fn lenient_runs_count_rejected_and_excluded_rows_apart() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(
        dir.path(),
        "orders.csv",
        "customer_id,order_date,amount,shop\n\
         A,2024-01-10,1000,公式\n\
         B,2024-01-11,abc,公式\n\
         C,2024-01-12,xyz,楽天\n\
         D,2024-13-01,500,楽天\n\
         E,2024-01-20,700,楽天\n\
         customer_id,order_date,amount,shop\n\
         F,2024-02-03,900,公式\n",
    );
    let out = dir.path().join("out");
    let output = cpm()
        .args([
            "tables",
            "--lenient",
            "--where-not",
            "shop=楽天",
            "--as-of",
            "2024-01-31",
            "--input",
        ])
        .arg(&input)
        .arg("--out-dir")
        .arg(&out)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let q = std::fs::read_to_string(out.join("data_quality.csv")).unwrap();
    // 7 rows read: A used; B rejected (its bad amount); C, D, E excluded (楽天,
    // their bad cells not checked); the repeated header rejected; F after the as-of date.
    assert_eq!(metric(&q, "rows_read"), 7);
    assert_eq!(metric(&q, "rows_used"), 1);
    assert_eq!(metric(&q, "rows_rejected"), 2);
    assert_eq!(metric(&q, "excluded_by_filter"), 3);
    assert_eq!(metric(&q, "rows_after_as_of"), 1);
    // Without --lenient, a bad cell in a row left out does not stop the run,
    // one in a row kept does.
    let strict = |filter: &str| {
        cpm()
            .args(["summary", "--where-not", filter, "--input"])
            .arg(&input)
            .output()
            .unwrap()
    };
    let output = strict("shop=楽天");
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("line 3, column 'amount'"));
    let only_good = write(
        dir.path(),
        "good.csv",
        "customer_id,order_date,amount,shop\nA,2024-01-10,1000,公式\nC,2024-01-12,xyz,楽天\nE,2024-02-20,700,公式\n",
    );
    cpm()
        .args(["summary", "--where-not", "shop=楽天", "--input"])
        .arg(&only_good)
        .assert()
        .success();
}
