//! A back-office cart export as it comes (issue 12): Shift_JIS, title
//! lines, one row per order line, a cancel flag column, guest orders with an
//! empty or `0` member id. The numbers of a run with `--cancel-col` and
//! `--guest-ids` are those of the same file cleaned by hand; every row is
//! accounted for.

use std::collections::BTreeMap;
use std::path::Path;

use crate::commands::{cpm, run_tables, tables_as_of};

const HEADER: &str = "受注番号,会員ID,受注日時,商品名,数量,単価,小計(税込),キャンセル,店舗,媒体";
const TITLE: &str = "受注明細データ\n出力日時:2026/12/01 08:30\n";

/// The export's rows, each with what the run must do with it.
const ROWS: [(&str, Keep); 9] = [
    (
        "1001,M001,2026/10/03 10:15,青汁,2,1500,3000,0,公式,検索広告",
        Keep::Used,
    ),
    ("1001,M001,2026/10/03 10:15,黒酢,1,2000,2000,,公式,検索広告", Keep::Used),
    // M002 only ever cancelled: no customer.
    (
        "1002,M002,2026/10/05 12:00,青汁,1,1500,1500,1,公式,SNS",
        Keep::Cancelled,
    ),
    ("1003,,2026/10/06 09:00,黒酢,1,2000,2000,0,楽天,SNS", Keep::Guest),
    ("1004,0,2026/10/07 09:00,青汁,3,1500,4500,0,楽天,検索広告", Keep::Guest),
    ("1005,M003,2026/10/10 18:30,青汁,1,1500,1500,0,公式,SNS", Keep::Used),
    (
        "1006,M003,2026/11/02 08:00,黒酢,2,2000,4000,1,公式,SNS",
        Keep::Cancelled,
    ),
    (
        "1007,M001,2026/11/15 20:00,青汁,1,1500,1500,0,公式,検索広告",
        Keep::Used,
    ),
    // A guest line that was cancelled counts once, as cancelled.
    ("1008,0,2026/11/20 11:00,黒酢,1,2000,2000,1,楽天,SNS", Keep::Cancelled),
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Keep {
    Used,
    Cancelled,
    Guest,
}

fn sjis(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(text);
    assert!(!unmappable);
    bytes.into_owned()
}

/// The export with the rows `keep` selects, after the title lines.
fn export(keep: impl Fn(Keep) -> bool) -> String {
    let mut text = format!("{TITLE}{HEADER}\n");
    for (row, k) in ROWS {
        if keep(k) {
            text += row;
            text += "\n";
        }
    }
    text
}

const COLUMNS: [&str; 6] = [
    "--customer-col",
    "会員ID",
    "--date-col",
    "受注日時",
    "--amount-col",
    "小計(税込)",
];

/// Runs `cpm tables` on `bytes`; the files written and stderr, or the
/// failure's stderr.
fn tables(dir: &Path, bytes: &[u8], args: &[&str]) -> Result<(BTreeMap<String, String>, String), String> {
    let input = dir.join("export.csv");
    std::fs::write(&input, bytes).unwrap();
    let out = dir.join("out");
    let mut command = tables_as_of(&input, "2026-11-30", &out, args);
    command.current_dir(dir);
    run_tables(command, &out)
}

fn metric<'a>(data_quality: &'a str, name: &str) -> &'a str {
    data_quality
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{name},")))
        .unwrap_or_else(|| panic!("no {name} in {data_quality}"))
}

fn args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    COLUMNS.iter().copied().chain(extra.iter().copied()).collect()
}

#[test]
fn cancelled_and_guest_lines_are_left_out_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let run = args(&["--cancel-col", "キャンセル", "--guest-ids", "\"\",0"]);
    let (files, _) = tables(dir.path(), &sjis(&export(|_| true)), &run).unwrap();
    let q = &files["data_quality.csv"];
    // Worked out from ROWS: cancelled 1500 + 4000 + 2000, guests 2000 + 4500.
    assert_eq!(metric(q, "rows_read"), "9");
    assert_eq!(metric(q, "rows_used"), "4");
    assert_eq!(metric(q, "rows_rejected"), "0");
    assert_eq!(metric(q, "cancelled"), "3");
    assert_eq!(metric(q, "cancelled_total"), "7500");
    assert_eq!(metric(q, "guest_orders"), "2");
    assert_eq!(metric(q, "guest_orders_total"), "6500");
    assert_eq!(metric(q, "customers"), "2");
    assert_eq!(metric(q, "purchases_total"), "8000");

    // The same file cleaned by hand gives the same tables.
    let clean_dir = tempfile::tempdir().unwrap();
    let (clean, _) = tables(clean_dir.path(), &sjis(&export(|k| k == Keep::Used)), &args(&[])).unwrap();
    for (name, text) in &clean {
        if name == "data_quality.csv" || name == "rules.toml" {
            continue;
        }
        assert_eq!(&files[name], text, "{name}");
    }
    let segments = &files["segments.csv"];
    assert!(segments.contains("M001") && segments.contains("M003"));
    assert!(!segments.contains("M002"), "only cancelled: no customer\n{segments}");
    assert!(
        !segments.lines().any(|l| l.starts_with("0,")),
        "a guest is no customer\n{segments}"
    );
}

/// The cancel-flag warning is given once, right after the file is read:
/// before the report's own lines, and even when the analysis then fails.
#[test]
fn the_cancel_warning_comes_right_after_reading() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("export.csv"), sjis(&export(|_| true))).unwrap();
    let report = |extra: &[&str]| {
        let out = cpm()
            .current_dir(dir.path())
            .args([
                "report",
                "--input",
                "export.csv",
                "--out-dir",
                "r",
                "--guest-ids",
                "\"\"",
            ])
            .args(COLUMNS)
            .args(extra)
            .output()
            .unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    let (code, stderr) = report(&["--as-of", "2026-11-30"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stderr.matches("cancellation flag").count(), 1, "{stderr}");
    let warning = stderr.find("warning: column 'キャンセル'").expect("the warning");
    let quality = stderr.find("データ品質").expect("the data-quality lines");
    let wrote = stderr.find("wrote ").expect("the closing note");
    assert!(warning < quality && quality < wrote, "{stderr}");
    // No purchase on or before the as-of date: the analysis fails after reading.
    let (code, stderr) = report(&["--as-of", "2026-09-30"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(stderr.matches("cancellation flag").count(), 1, "{stderr}");
    assert!(stderr.find("cancellation flag") < stderr.find("error:"), "{stderr}");
}

#[test]
fn the_config_file_gives_the_same_run_as_the_flags() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = sjis(&export(|_| true));
    let by_flags = tables(
        dir.path(),
        &bytes,
        &args(&["--cancel-col", "キャンセル", "--guest-ids", "\"\",0"]),
    )
    .unwrap()
    .0;
    std::fs::write(
        dir.path().join("cpm.toml"),
        "[columns]\ncustomer = \"会員ID\"\ndate = \"受注日時\"\namount = \"小計(税込)\"\n\
         cancel = \"キャンセル\"\ncancel_values = [1, \"キャンセル\"]\nguest_ids = [\"\", \"0\"]\n",
    )
    .unwrap();
    let by_file = tables(dir.path(), &bytes, &[]).unwrap().0;
    for name in ["segments.csv", "data_quality.csv", "snapshots.csv"] {
        assert_eq!(by_flags.get(name), by_file.get(name), "{name}");
    }
}

#[test]
fn without_settings_guests_stop_the_run_and_the_cancel_column_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = sjis(&export(|_| true));
    let err = tables(dir.path(), &bytes, &args(&[])).unwrap_err();
    assert!(err.contains("line 7") && err.contains("--guest-ids"), "{err}");
    // With guests handled but no cancel column: one warning with the count.
    let (files, stderr) = tables(dir.path(), &bytes, &args(&["--guest-ids", "\"\""])).unwrap();
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.contains("cancellation flag")).collect();
    assert_eq!(warnings.len(), 1, "{stderr}");
    // Rows 1002, 1006 and 1008 hold 1 in キャンセル.
    assert!(
        warnings[0].contains("'キャンセル'") && warnings[0].contains("3 rows"),
        "{stderr}"
    );
    assert!(warnings[0].contains("--cancel-col キャンセル"), "{stderr}");
    // `0` is then a customer and the cancelled lines are purchases.
    let q = &files["data_quality.csv"];
    assert_eq!(metric(q, "rows_used"), "8");
    assert_eq!(metric(q, "guest_orders"), "1");
    assert_eq!(metric(q, "cancelled"), "0");
}

#[test]
fn a_cancel_column_that_is_not_there_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let err = tables(
        dir.path(),
        &sjis(&export(|_| true)),
        &args(&["--cancel-col", "取消", "--guest-ids", "\"\",0"]),
    )
    .unwrap_err();
    assert!(err.contains("取消") && err.contains("--cancel-col"), "{err}");
}

#[test]
fn the_usual_column_names_are_found_below_the_title_lines() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = sjis(&export(|_| true));
    let guests = ["--cancel-col", "キャンセル", "--guest-ids", "\"\",0"];
    let (named, _) = tables(dir.path(), &bytes, &args(&guests)).unwrap();
    let (found, stderr) = tables(dir.path(), &bytes, &guests).unwrap();
    assert!(
        stderr.contains(
            "'会員ID' as the customer column, '受注日時' as the date column, '小計(税込)' as the amount column"
        ),
        "{stderr}"
    );
    assert_eq!(metric(&found["data_quality.csv"], "header_line"), "3");
    for name in ["segments.csv", "data_quality.csv", "snapshots.csv"] {
        assert_eq!(named.get(name), found.get(name), "{name}");
    }
    // A name typed short is matched to the one containing it.
    let err = tables(dir.path(), &bytes, &["--amount-col", "小計"]).unwrap_err();
    assert!(err.contains("did you mean '小計(税込)'"), "{err}");
}

#[test]
fn init_writes_a_config_that_reproduces_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = sjis(&export(|_| true));
    std::fs::write(dir.path().join("export.csv"), &bytes).unwrap();
    let init = || {
        cpm()
            .current_dir(dir.path())
            .args(["init", "--input", "export.csv"])
            .output()
            .unwrap()
    };
    assert!(init().status.success());
    let toml = std::fs::read_to_string(dir.path().join("cpm.toml")).unwrap();
    let set: Vec<&str> = toml.lines().filter(|l| !l.starts_with('#') && !l.is_empty()).collect();
    assert_eq!(
        set,
        [
            // Read as found, so that a cron line needs no --encoding.
            "[read]",
            "encoding = \"shift_jis\"",
            "delimiter = \"comma\"",
            "[columns]",
            "customer = \"会員ID\"",
            "date = \"受注日時\"",
            "amount = \"小計(税込)\"",
            // Rows 1002, 1006, 1008; guests: 1003 (empty), 1004 and 1008 (0).
            "cancel = \"キャンセル\"  # 3 rows look cancelled (e.g. \"1\")",
            "guest_ids = [\"\", \"0\"]  # rows: (empty) 1, 0 2",
            "[cpm]",
            "[lifecycle]",
            "[targets]",
            "[response_rates]",
        ]
    );
    assert!(
        toml.contains("# Read as Shift_JIS (CP932), header on line 3."),
        "{toml}"
    );
    assert!(toml.contains("# churn_days = 240"), "{toml}");
    // Not overwritten without --force.
    let again = init();
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    // The config alone gives the run of the explicit flags.
    let (by_config, _) = tables(dir.path(), &bytes, &[]).unwrap();
    let other = tempfile::tempdir().unwrap();
    let (by_flags, _) = tables(
        other.path(),
        &bytes,
        &args(&["--cancel-col", "キャンセル", "--guest-ids", "\"\",0"]),
    )
    .unwrap();
    for name in ["segments.csv", "data_quality.csv", "snapshots.csv"] {
        assert_eq!(by_config.get(name), by_flags.get(name), "{name}");
    }
}

#[test]
fn the_amount_can_be_quantity_times_unit_price() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = sjis(&export(|_| true));
    let rest = ["--cancel-col", "キャンセル", "--guest-ids", "\"\",0"];
    let (by_column, _) = tables(dir.path(), &bytes, &args(&rest)).unwrap();
    // In every row of ROWS, 数量 × 単価 is the 小計(税込).
    let mut with_formula = vec![
        "--customer-col",
        "会員ID",
        "--date-col",
        "受注日時",
        "--amount",
        "数量*単価",
    ];
    with_formula.extend(rest);
    let (by_formula, _) = tables(dir.path(), &bytes, &with_formula).unwrap();
    for name in ["segments.csv", "data_quality.csv", "snapshots.csv"] {
        assert_eq!(by_column.get(name), by_formula.get(name), "{name}");
    }
    // Less a discount column: 3000 - 500 on the first line, 0 on the others.
    let mut text = format!("{TITLE}{HEADER},値引\n");
    for (i, (row, _)) in ROWS.iter().enumerate() {
        text += &format!("{row},{}\n", if i == 0 { 500 } else { 0 });
    }
    let mut discounted = with_formula.clone();
    discounted[5] = "数量*単価-値引";
    let (files, _) = tables(dir.path(), &sjis(&text), &discounted).unwrap();
    assert_eq!(metric(&files["data_quality.csv"], "purchases_total"), "7500");
    // A bad operand cell is named by line and column.
    let bad = export(|_| true).replace(
        "1005,M003,2026/10/10 18:30,青汁,1,1500",
        "1005,M003,2026/10/10 18:30,青汁,1,abc",
    );
    let err = tables(dir.path(), &sjis(&bad), &with_formula).unwrap_err();
    assert!(
        err.contains("line 9") && err.contains("'単価'") && err.contains("abc"),
        "{err}"
    );
}

#[test]
fn the_lists_carry_the_segment_name_and_all_customers_are_listed() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("export.csv");
    std::fs::write(&input, sjis(&export(|_| true))).unwrap();
    let out = dir.path().join("r");
    let status = cpm()
        .args(["report", "--as-of", "2026-11-30", "--input"])
        .arg(&input)
        .arg("--out-dir")
        .arg(&out)
        .args(args(&["--cancel-col", "キャンセル", "--guest-ids", "\"\",0"]))
        .output()
        .unwrap();
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    let read = |name: &str| {
        let bytes = std::fs::read(out.join("2026-11/lists").join(name)).unwrap();
        String::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap().to_vec()).unwrap()
    };
    // Worked out from ROWS: M001 bought on 10/03 (5000) and 11/15 (1500);
    // M003 once on 10/10 (its 11/02 line was cancelled). Tenure is first to
    // last purchase, recency last purchase to 11/30.
    assert_eq!(
        read("all_customers.csv"),
        "customer_id,segment,first_purchase,last_purchase,tenure_days,recency_days,total,purchase_days,\
         previous_segment,segment_name\n\
         M001,toddler_active,2026-10-03,2026-11-15,43,15,6500,2,first_active,よちよち現役\n\
         M003,first_active,2026-10-10,2026-10-10,0,51,1500,1,first_active,初回現役\n"
    );
    let segments = std::fs::read_to_string(out.join("2026-11/tables/segments.csv")).unwrap();
    assert_eq!(segments.lines().count(), read("all_customers.csv").lines().count());
    // Every follow-up list has the name column too.
    for entry in std::fs::read_dir(out.join("2026-11/lists")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name != "rejects.csv" {
            assert!(read(&name).lines().next().unwrap().ends_with(",segment_name"), "{name}");
        }
    }
}
