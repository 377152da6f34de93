//! The binary as a user runs it.

use std::path::Path;

use crate::commands::cpm;
use predicates::prelude::*;

fn write(dir: &std::path::Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

const SMALL: &str = "customer_id,order_date,amount\nA,2024-01-10,5000\nA,2024-02-15,3000\nB,2024-01-20,80000\nC,2024-02-01,1000\nD,2024-03-05,100\n";

#[test]
fn tables_writes_the_four_contract_files() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "orders.csv", SMALL);
    let out = dir.path().join("out");
    cpm()
        .args(["tables", "--input"])
        .arg(&input)
        .arg("--out-dir")
        .arg(&out)
        .assert()
        .success();
    let snapshots = std::fs::read_to_string(out.join("snapshots.csv")).unwrap();
    let lines: Vec<&str> = snapshots.lines().collect();
    assert!(lines[0].starts_with("month_end,segment,customers"));
    // Two month-ends × ten segments.
    assert_eq!(lines.len(), 1 + 20);
    assert!(
        lines.contains(&"2024-02-29,toddler_active,1,0.3333333333333333,3000,8000"),
        "{snapshots}"
    );
    let transitions = std::fs::read_to_string(out.join("transitions.csv")).unwrap();
    assert_eq!(
        transitions,
        "from_month_end,to_month_end,from_segment,to_segment,customers\n\
         2024-01-31,2024-02-29,first_active,first_active,1\n\
         2024-01-31,2024-02-29,first_active,toddler_active,1\n\
         2024-01-31,2024-02-29,new,first_active,1\n"
    );
    let conversion = std::fs::read_to_string(out.join("conversion.csv")).unwrap();
    assert_eq!(
        conversion,
        "cohort_month,cohort_size,converted,rate,matured\n2024-01,2,1,0.5,false\n2024-02,1,0,0,false\n"
    );
    let segments = std::fs::read_to_string(out.join("segments.csv")).unwrap();
    assert_eq!(
        segments,
        "customer_id,segment,first_purchase,last_purchase,tenure_days,recency_days,total,purchase_days,previous_segment\n\
         A,toddler_active,2024-01-10,2024-02-15,36,14,8000,2,first_active\n\
         B,first_active,2024-01-20,2024-01-20,0,40,80000,1,first_active\n\
         C,first_active,2024-02-01,2024-02-01,0,28,1000,1,new\n"
    );
    // The ladder: cohort 2024-01 (A, B) at months 0 and 1, cohort 2024-02 (C)
    // at month 0 only (the last snapshot is 2024-02-29); every segment.
    let mut expected = String::from("cohort_month,cohort_size,months_after,segment,customers\n");
    for (cohort, size, k, counts) in [
        ("2024-01", 2, 0, [("first_active", 2)].as_slice()),
        ("2024-01", 2, 1, &[("first_active", 1), ("toddler_active", 1)]),
        ("2024-02", 1, 0, &[("first_active", 1)]),
    ] {
        for segment in cpm::engine::segments::CPM_LABELS.iter().map(|l| l.id) {
            let n = counts.iter().find(|(s, _)| *s == segment).map_or(0, |&(_, n)| n);
            expected += &format!("{cohort},{size},{k},{segment},{n}\n");
        }
    }
    assert_eq!(std::fs::read_to_string(out.join("ladder.csv")).unwrap(), expected);
}

#[test]
fn summary_prints_the_cpm_table() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "orders.csv", SMALL);
    cpm()
        .args(["summary", "--input"])
        .arg(&input)
        .assert()
        .success()
        .stdout(predicate::str::contains("CPM ポートフォリオ 2024-02-29"))
        .stdout(predicate::str::contains("よちよち"))
        .stdout(predicate::str::contains("初回→よちよち転換率"));
}

#[test]
fn a_bad_column_name_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "orders.csv", SMALL);
    cpm()
        .args(["tables", "--customer-col", "member", "--input"])
        .arg(&input)
        .arg("--out-dir")
        .arg(dir.path().join("out"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("column 'member' not found"))
        .stderr(predicate::str::contains("'customer_id', 'order_date', 'amount'"))
        .stderr(predicate::str::contains("panicked").not());
}

#[test]
fn a_bad_value_names_file_line_column_and_value() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(
        dir.path(),
        "orders.csv",
        "customer_id,order_date,amount\nA,2024-01-10,5000\nB,2024-13-01,100\n",
    );
    cpm()
        .args(["tables", "--input"])
        .arg(&input)
        .arg("--out-dir")
        .arg(dir.path().join("out"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "orders.csv: line 3, column 'order_date': no such calendar day (value: \"2024-13-01\"",
        ));
}

#[test]
fn generate_is_deterministic_and_parquet_reads_like_csv() {
    let dir = tempfile::tempdir().unwrap();
    let gen_to = |name: &str| {
        let out = dir.path().join(name);
        cpm()
            .args([
                "generate",
                "--customers",
                "300",
                "--seed",
                "7",
                "--start",
                "2022-01-01",
                "--end",
                "2023-12-31",
                "--out",
            ])
            .arg(&out)
            .assert()
            .success();
        out
    };
    let a = gen_to("a.csv");
    let b = gen_to("b.csv");
    let text = std::fs::read_to_string(&a).unwrap();
    assert_eq!(text, std::fs::read_to_string(&b).unwrap(), "same seed, same file");
    assert!(text.starts_with("customer_id,order_date,amount,channel,product,shop\n"));
    let rows: Vec<&str> = text.lines().skip(1).collect();
    assert!(rows.len() > 300, "every customer orders at least once");
    let dates: Vec<&str> = rows.iter().map(|r| r.split(',').nth(1).unwrap()).collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]), "rows come sorted by order date");
    assert!(dates.iter().all(|d| ("2022-01-01"..="2023-12-31").contains(d)));

    let parquet = gen_to("a.parquet");
    let tables = |input: &Path, out: &str| {
        let out = dir.path().join(out);
        cpm()
            .args(["tables", "--input"])
            .arg(input)
            .arg("--out-dir")
            .arg(&out)
            .assert()
            .success();
        out
    };
    let from_csv = tables(&a, "t_csv");
    let from_parquet = tables(&parquet, "t_parquet");
    for file in ["snapshots.csv", "transitions.csv", "conversion.csv", "segments.csv"] {
        assert_eq!(
            std::fs::read_to_string(from_csv.join(file)).unwrap(),
            std::fs::read_to_string(from_parquet.join(file)).unwrap(),
            "{file} differs between CSV and Parquet input"
        );
    }
}

#[test]
fn typed_fast_path_and_text_path_agree() {
    // Plain ISO dates and integer amounts are parsed by polars natively; one
    // `¥`-amount and one slash date send the second file down the text path.
    let dir = tempfile::tempdir().unwrap();
    let plain = write(dir.path(), "plain.csv", SMALL);
    let mixed_text = SMALL.replace("A,2024-02-15,3000", "A,2024/2/15,\"¥3,000\"");
    let mixed = write(dir.path(), "mixed.csv", &mixed_text);
    for (input, out) in [(&plain, "o_plain"), (&mixed, "o_mixed")] {
        cpm()
            .args(["tables", "--input"])
            .arg(input)
            .arg("--out-dir")
            .arg(dir.path().join(out))
            .assert()
            .success();
    }
    for file in ["snapshots.csv", "transitions.csv", "conversion.csv", "segments.csv"] {
        assert_eq!(
            std::fs::read_to_string(dir.path().join("o_plain").join(file)).unwrap(),
            std::fs::read_to_string(dir.path().join("o_mixed").join(file)).unwrap(),
            "{file}"
        );
    }
}

#[test]
fn day_first_dates_are_refused_on_every_path() {
    // Polars alone would read 05/03/2024 as 5 March; cpm refuses the form.
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [
        (
            "first.csv",
            "customer_id,order_date,amount\nA,05/03/2024,100\nB,2024-03-06,5\n",
        ),
        (
            "later.csv",
            "customer_id,order_date,amount\nA,2024-03-06,100\nB,05/03/2024,5\n",
        ),
    ] {
        let input = write(dir.path(), name, text);
        cpm()
            .args(["tables", "--input"])
            .arg(&input)
            .arg("--out-dir")
            .arg(dir.path().join("out"))
            .assert()
            .code(1)
            .stderr(predicate::str::contains(
                "column 'order_date': not a date (value: \"05/03/2024\"",
            ));
    }
}

/// `--format parquet`: the same tables as Parquet, with typed columns; the
/// values worked out by hand for `SMALL` (as in the CSV test above).
#[test]
fn tables_as_parquet_have_the_contract_columns_and_types() {
    use polars::prelude::*;
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "orders.csv", SMALL);
    let out = dir.path().join("out");
    cpm()
        .args(["tables", "--format", "parquet", "--input"])
        .arg(&input)
        .arg("--out-dir")
        .arg(&out)
        .assert()
        .success();
    for name in [
        "snapshots.csv",
        "transitions.csv",
        "conversion.csv",
        "segments.csv",
        "ladder.csv",
        "activity.csv",
    ] {
        assert!(!out.join(name).exists(), "{name} written with --format parquet");
    }
    assert!(out.join("data_quality.csv").exists() && out.join("rules.toml").exists());
    let read = |name: &str| {
        ParquetReader::new(std::fs::File::open(out.join(name)).unwrap())
            .finish()
            .unwrap()
    };
    let segments = read("segments.parquet");
    let names: Vec<String> = segments.get_column_names().iter().map(|n| n.to_string()).collect();
    assert_eq!(
        names,
        [
            "customer_id",
            "segment",
            "first_purchase",
            "last_purchase",
            "tenure_days",
            "recency_days",
            "total",
            "purchase_days",
            "previous_segment"
        ]
    );
    assert_eq!(segments.height(), 3);
    assert_eq!(segments.column("first_purchase").unwrap().dtype(), &DataType::Date);
    assert!(matches!(
        segments.column("total").unwrap().dtype(),
        DataType::Decimal(_, 6)
    ));
    let ids: Vec<&str> = segments
        .column("customer_id")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .flatten()
        .collect();
    assert_eq!(ids, ["A", "B", "C"]);
    let tenure: Vec<i32> = segments
        .column("tenure_days")
        .unwrap()
        .i32()
        .unwrap()
        .iter()
        .flatten()
        .collect();
    assert_eq!(tenure, [36, 0, 0]);
    let total = segments.column("total").unwrap().cast(&DataType::Float64).unwrap();
    let total: Vec<f64> = total.f64().unwrap().iter().flatten().collect();
    assert_eq!(total, [8000.0, 80000.0, 1000.0]);
    // Two month-ends × ten segments; three non-zero transitions; two cohorts.
    assert_eq!(read("snapshots.parquet").height(), 20);
    assert_eq!(read("transitions.parquet").height(), 3);
    assert_eq!(read("conversion.parquet").height(), 2);
    // Activity: January A and B (5,000 + 80,000), February A and C (3,000 +
    // 1,000); D's March row is after the last month-end.
    let activity = read("activity.parquet");
    let names: Vec<String> = activity.get_column_names().iter().map(|n| n.to_string()).collect();
    assert_eq!(names, ["month_end", "purchase_days", "buyers", "sales"]);
    assert_eq!(activity.column("month_end").unwrap().dtype(), &DataType::Date);
    assert!(matches!(
        activity.column("sales").unwrap().dtype(),
        DataType::Decimal(_, 6)
    ));
    let month_ends = activity.column("month_end").unwrap().cast(&DataType::String).unwrap();
    let month_ends: Vec<&str> = month_ends.str().unwrap().iter().flatten().collect();
    assert_eq!(month_ends, ["2024-01-31", "2024-02-29"]);
    let counts = |name: &str| -> Vec<u64> { activity.column(name).unwrap().u64().unwrap().iter().flatten().collect() };
    assert_eq!(counts("purchase_days"), [2, 2]);
    assert_eq!(counts("buyers"), [2, 2]);
    let sales = activity.column("sales").unwrap().cast(&DataType::Float64).unwrap();
    let sales: Vec<f64> = sales.f64().unwrap().iter().flatten().collect();
    assert_eq!(sales, [85000.0, 4000.0]);
}

/// Every table `cpm tables` writes as CSV has its Parquet twin under
/// `--format parquet`, with the same columns and rows (with `--by` too);
/// only `data_quality.csv` (and `rejects.csv`) and `rules.toml` stay text.
#[test]
fn parquet_writes_every_table_that_csv_writes() {
    use polars::prelude::*;
    let dir = tempfile::tempdir().unwrap();
    let input = write(
        dir.path(),
        "orders.csv",
        "customer_id,order_date,amount,channel\nA,2024-01-10,5000,web\nA,2024-02-15,3000,web\n\
         B,2024-01-20,80000,dm\nC,2024-02-01,1000,dm\nC,2024-02-20,-300,dm\n",
    );
    for by in [&[][..], &["--by", "channel"][..]] {
        let (csv, parquet) = (dir.path().join("csv"), dir.path().join("parquet"));
        for (format, out) in [("csv", &csv), ("parquet", &parquet)] {
            let _ = std::fs::remove_dir_all(out);
            cpm()
                .args(["tables", "--format", format, "--input"])
                .arg(&input)
                .arg("--out-dir")
                .arg(out)
                .args(by)
                .assert()
                .success();
        }
        let mut tables: Vec<String> = std::fs::read_dir(&csv)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".csv") && n != "data_quality.csv" && n != "rejects.csv")
            .collect();
        tables.sort();
        assert_eq!(
            tables,
            [
                "activity.csv",
                "conversion.csv",
                "ladder.csv",
                "segments.csv",
                "snapshots.csv",
                "transitions.csv"
            ]
        );
        for name in &tables {
            let text = std::fs::read_to_string(csv.join(name)).unwrap();
            let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
            let twin = parquet.join(name.replace(".csv", ".parquet"));
            assert!(!parquet.join(name).exists(), "{name} {by:?}");
            let frame = ParquetReader::new(std::fs::File::open(&twin).unwrap_or_else(|e| panic!("{name} {by:?}: {e}")))
                .finish()
                .unwrap();
            let names: Vec<String> = frame.get_column_names().iter().map(|n| n.to_string()).collect();
            assert_eq!(names, header, "{name} {by:?}");
            assert_eq!(frame.height(), text.lines().count() - 1, "{name} {by:?}");
        }
        assert!(parquet.join("data_quality.csv").exists() && parquet.join("rules.toml").exists());
    }
}
