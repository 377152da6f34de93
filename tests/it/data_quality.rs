//! The data-quality summary and the rejects file, end to end: a messy
//! Shift_JIS export as Excel writes it, through the CLI, with every count
//! worked out by hand from the file below.

use std::path::Path;

use crate::common::today;
use assert_cmd::Command;
use cpm::config::{Columns, Config};
use cpm::ingest::ReadOptions;
use cpm::pipeline::analyze;
use cpm::tables::data_quality::DataQuality;

/// Lines as numbered; records end in CRLF, the note on line 4 has a line
/// feed inside its quotes (as Excel writes a cell with Alt+Enter).
///
/// | line | what | fate with `--as-of 2025-02-28 --lenient` |
/// | 1 | title | skipped, reported (header on line 2) |
/// | 3 | C001 2025-01-05 ¥1,234 | used |
/// | 4-5 | C002 2025-01-06 ￥12,000, two-line note | used |
/// | 6 | no customer id | rejected: empty (会員ID) |
/// | 7 | 2025-01-32 | rejected: bad_date |
/// | 8 | C001 2025年2月3日 全角 1,500 | used |
/// | 9 | blank | skipped, counted as a blank line, not a row |
/// | 10 | the header again | rejected: repeated_header |
/// | 11 | C004 return -300 | used (a return row) |
/// | 12 | amount `abc` | rejected: bad_amount |
/// | 13 | C002 2025-01-06 ￥12,000 again | used (an exact duplicate of 4) |
/// | 14 | a test order in 2099 | read, excluded (after the as-of date) |
/// | 15 | seven decimals | rejected: bad_amount |
///
/// Rows read 11 = used 5 + rejected 5 + excluded 1.
const MESSY: &[&str] = &[
    "注文データ 2025年12月,,,",
    "会員ID,注文日,金額,備考",
    "C001,2025/1/5,\"¥1,234\",",
    "C002,2025/1/6,\"￥12,000\",\"ギフト\n包装あり\"",
    ",2025/1/7,500,ID なし",
    "C003,2025-01-32,800,",
    "C001,2025年2月3日,１，５００,",
    "",
    "会員ID,注文日,金額,備考",
    "C004,20250210,-300,キャンセル",
    "C005,2025-02-11T23:30:00+09:00,abc,",
    "C002,2025/1/6,\"￥12,000\",重複",
    "C006,2099-01-01,100,テスト注文",
    "C007,2025/2/14,1000.1234567,",
];

fn messy_sjis() -> Vec<u8> {
    let text = MESSY.join("\r\n") + "\r\n";
    let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(&text);
    assert!(!unmappable);
    bytes.into_owned()
}

const COLUMN_FLAGS: [&str; 6] = [
    "--customer-col",
    "会員ID",
    "--date-col",
    "注文日",
    "--amount-col",
    "金額",
];

fn cpm_in(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("cpm").unwrap();
    cmd.current_dir(dir);
    cmd
}

fn normalize_spaces(text: &str) -> String {
    text.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn strict_mode_stops_at_the_first_bad_row() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("messy.csv"), messy_sjis()).unwrap();
    let out = cpm_in(dir.path())
        .args([
            "tables",
            "--input",
            "messy.csv",
            "--out-dir",
            "out",
            "--as-of",
            "2025-02-28",
        ])
        .args(COLUMN_FLAGS)
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "error: messy.csv: line 6, column '会員ID': empty value (value: \"\"; expected a customer id (for guest orders without one, pass --guest-ids \"\"))\n"
    );
    assert!(!dir.path().join("out").exists());
}

#[test]
fn lenient_mode_counts_everything_and_writes_the_rejects() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("messy.csv"), messy_sjis()).unwrap();
    let out = cpm_in(dir.path())
        .args([
            "tables",
            "--input",
            "messy.csv",
            "--out-dir",
            "out",
            "--as-of",
            "2025-02-28",
            "--lenient",
        ])
        .args(COLUMN_FLAGS)
        .assert()
        .success()
        .get_output()
        .clone();
    let read = |name: &str| std::fs::read_to_string(dir.path().join("out").join(name)).unwrap();

    assert_eq!(
        read("rejects.csv"),
        "place,column,value,reason,problem\n\
         line 6,会員ID,,empty,empty value\n\
         line 7,注文日,2025-01-32,bad_date,no such calendar day\n\
         line 10,,\"会員ID,注文日,金額,備考\",repeated_header,the header line repeated\n\
         line 12,金額,abc,bad_amount,not an amount\n\
         line 15,金額,1000.1234567,bad_amount,more than 6 decimals\n"
    );

    // Purchases used: 1,234 + 12,000 + 1,500 + 12,000 = 26,734; returns -300.
    let share = (300.0_f64 / 26734.0).to_string();
    assert_eq!(
        read("data_quality.csv"),
        format!(
            "metric,value\n\
             rows_read,11\n\
             rows_used,5\n\
             rows_rejected,5\n\
             rows_rejected_bad_amount,2\n\
             rows_rejected_bad_date,1\n\
             rows_rejected_empty,1\n\
             rows_rejected_repeated_header,1\n\
             rows_after_as_of,1\n\
             excluded_by_filter,0\n\
             cancelled,0\n\
             cancelled_total,0\n\
             guest_orders,0\n\
             guest_orders_total,0\n\
             rows_after_today,1\n\
             return_rows,1\n\
             returns_total,-300\n\
             purchases_total,26734\n\
             returns_share,{share}\n\
             duplicate_rows,1\n\
             first_date,2025-01-05\n\
             last_date,2099-01-01\n\
             as_of,2025-02-28\n\
             customers,3\n\
             customers_in_portfolio,2\n\
             header_line,2\n\
             lines_before_header,1\n\
             title_line,注文データ 2025年12月\n\
             blank_lines,1\n"
        )
    );

    // C004 has only a return, so is not in the portfolio; C002's two rows
    // on one day are one purchase day.
    assert_eq!(
        read("segments.csv"),
        "customer_id,segment,first_purchase,last_purchase,tenure_days,recency_days,total,purchase_days,previous_segment\n\
         C001,toddler_active,2025-01-05,2025-02-03,29,25,2734,2,first_active\n\
         C002,first_active,2025-01-06,2025-01-06,0,53,24000,1,first_active\n"
    );

    let stderr = normalize_spaces(&String::from_utf8(out.stderr).unwrap());
    for line in [
        "Data quality",
        "Rows read 11",
        "Rows used 5",
        "Rows rejected 5",
        "reason: bad_amount (金額) 2",
        "reason: bad_date (注文日) 1",
        "reason: empty (会員ID) 1",
        "reason: repeated_header 1",
        "Rows after the as-of date 2025-02-28 (excluded) 1",
        "Return rows 1",
        "Returns total -300",
        "Returns share of purchases 1.1%",
        "Identical rows (kept; usual in order-line exports) 1",
        "Date range 2025-01-05 – 2099-01-01",
        "Customer ids 3",
        "Customers in the portfolio 2",
        "Header line 2 (1 line above it skipped: 注文データ 2025年12月)",
        "Rows dated after today 1",
        "Blank lines (skipped) 1",
    ] {
        assert!(stderr.lines().any(|l| l == line), "missing {line:?} in\n{stderr}");
    }
    assert!(!stderr.contains("panicked"));
}

#[test]
fn the_report_has_the_data_quality_section_and_the_rejects() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("messy.csv"), messy_sjis()).unwrap();
    cpm_in(dir.path())
        .args([
            "report",
            "--input",
            "messy.csv",
            "--out-dir",
            "reports",
            "--month",
            "2025-02",
            "--lenient",
        ])
        .args(["--lang", "en"])
        .args(COLUMN_FLAGS)
        .assert()
        .success();
    let month = dir.path().join("reports/2025-02");
    let html = std::fs::read_to_string(month.join("index.html")).unwrap();
    for row in [
        "<tr><th>Rows read</th><td>11</td></tr>",
        "<tr><th>Rows used</th><td>5</td></tr>",
        "<tr><th>Rows rejected</th><td>5</td></tr>",
        "<tr><th>  reason: repeated_header</th><td>1</td></tr>",
        "<tr><th>Rows after the as-of date 2025-02-28 (excluded)</th><td>1</td></tr>",
        "<tr><th>Identical rows (kept; usual in order-line exports)</th><td>1</td></tr>",
        "<tr><th>Header</th><td>line 2 (1 line above it skipped: 注文データ 2025年12月)</td></tr>",
        "<tr><th>Blank lines (skipped)</th><td>1</td></tr>",
    ] {
        assert!(html.contains(row), "missing {row}");
    }
    let rejects = std::fs::read_to_string(month.join("tables/rejects.csv")).unwrap();
    assert_eq!(rejects.lines().count(), 1 + 5);
    let quality = std::fs::read_to_string(month.join("tables/data_quality.csv")).unwrap();
    assert!(quality.contains("\nrows_read,11\n"));
}

fn quality_of(bytes: &[u8], columns: &Columns, options: &ReadOptions, as_of: Option<&str>) -> DataQuality {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("o.csv");
    std::fs::write(&path, bytes).unwrap();
    let config = Config {
        columns: columns.clone(),
        ..Config::default()
    };
    let as_of = as_of.map(|d| cpm::dates::parse_iso_day(d).unwrap());
    DataQuality::of(&analyze(&path, &config, options, as_of, today()).unwrap())
}

#[test]
fn rows_read_always_balance() {
    let columns = Columns {
        customer: "会員ID".into(),
        date: "注文日".into(),
        amount: "金額".into(),
    };
    let lenient = ReadOptions {
        lenient: true,
        ..ReadOptions::default()
    };
    let q = quality_of(&messy_sjis(), &columns, &lenient, Some("2025-02-28"));
    assert_eq!(
        (q.rows_read, q.rows_used, q.rows_rejected, q.rows_excluded),
        (11, 5, 5, 1)
    );
    assert!(q.balances());

    // Without --as-of the snapshots run to 2098-12-31, the last month-end
    // on or before the 2099 row, which is still left out.
    let q = quality_of(&messy_sjis(), &columns, &lenient, None);
    assert_eq!(
        (q.rows_read, q.rows_used, q.rows_rejected, q.rows_excluded),
        (11, 5, 5, 1)
    );
    assert!(q.balances());

    // Strict mode with only a repeated header to leave out: it is counted.
    let text = "customer_id,order_date,amount\nA,2024-01-05,10\ncustomer_id,order_date,amount\nA,2024-02-05,10\nB,2024-03-05,-1\n";
    let q = quality_of(
        text.as_bytes(),
        &Config::default().columns,
        &ReadOptions::default(),
        None,
    );
    assert_eq!(
        (q.rows_read, q.rows_used, q.rows_rejected, q.rows_excluded),
        (4, 2, 1, 1)
    );
    assert_eq!(
        q.rejected_by_reason.into_iter().collect::<Vec<_>>(),
        [("repeated_header", 1)]
    );
    assert_eq!(q.header_line, Some(1));
}
