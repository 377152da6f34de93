//! `activity.csv`: purchase days, buyers and net sales per month-end,
//! worked out by hand on a small history; with `--by` the groups add up to
//! the run; `cpm report --tables` refuses a bad file with one line naming
//! the place.

use std::path::{Path, PathBuf};

use crate::commands::{cpm, report_fails, tables};

/// Fourteen month-ends, 2024-01 … 2025-02. By hand (spec section 1):
///
/// | month | purchase days | buyers | sales |
/// | 2024-01 | A (two rows, one day), B: 2 | 2 | 8,000 + 10,000 = 18,000 |
/// | 2024-02 | A, D: 2 | 2 | 4,000 + 3,000 = 7,000 |
/// | 2024-03 … 2024-11 | 0 | 0 | 0 |
/// | 2024-12 | C's return only, C not yet in the portfolio: 0 | 0 | 0 |
/// | 2025-01 | A, B twice, C: 4 | 3 | 6,000 + 14,000 + 7,000 = 27,000 |
/// | 2025-02 | E (A's return is no purchase day): 1 | 1 | -1,000 + 1,500 = 500 |
pub const HISTORY: &str = "customer_id,order_date,amount,channel\n\
A,2024-01-10,5000,web\n\
A,2024-01-10,3000,web\n\
B,2024-01-20,10000,dm\n\
A,2024-02-05,4000,web\n\
D,2024-02-14,3000,dm\n\
C,2024-12-28,-500,web\n\
A,2025-01-15,6000,web\n\
B,2025-01-20,12000,dm\n\
B,2025-01-25,2000,dm\n\
C,2025-01-05,7000,web\n\
A,2025-02-03,-1000,web\n\
E,2025-02-28,1500,web\n";

pub fn history(dir: &Path) -> PathBuf {
    let path = dir.join("orders.csv");
    std::fs::write(&path, HISTORY).unwrap();
    path
}

#[test]
fn activity_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("t");
    tables(&history(dir.path()), &out, &[]);
    let text = std::fs::read_to_string(out.join("activity.csv")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "month_end,purchase_days,buyers,sales");
    assert_eq!(lines.len(), 1 + 14, "{text}");
    assert_eq!(lines[1], "2024-01-31,2,2,18000");
    assert_eq!(lines[2], "2024-02-29,2,2,7000");
    for line in &lines[3..12] {
        assert!(line.ends_with(",0,0,0"), "{line}");
    }
    assert_eq!(lines[12], "2024-12-31,0,0,0");
    assert_eq!(lines[13], "2025-01-31,4,3,27000");
    assert_eq!(lines[14], "2025-02-28,1,1,500");
    // The sales are snapshots.csv's, summed over the segments.
    let snapshots = std::fs::read_to_string(out.join("snapshots.csv")).unwrap();
    let feb: f64 = snapshots
        .lines()
        .filter(|l| l.starts_with("2025-02-28,"))
        .map(|l| l.split(',').nth(4).unwrap().parse::<f64>().unwrap())
        .sum();
    assert_eq!(feb, 500.0);
}

/// The texts of a chart's SVG (each on a line of its own).
fn svg_texts(svg: &Path) -> Vec<String> {
    std::fs::read_to_string(svg)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('<'))
        .map(str::to_string)
        .collect()
}

#[test]
fn the_sales_chart_names_whose_sales_it_counts() {
    // February 2025: E buys 1,500 and A only returns 1,000. The sales are
    // both (500), the buyers only E: the chart's caption must not call the
    // customers whose sales it sums buyers.
    let dir = tempfile::tempdir().unwrap();
    let input = history(dir.path());
    let cases: [(&str, &str, &[&str]); 2] = [
        (
            "ja",
            "2025-02の売上 500円、",
            &[
                "各月の売上（返品控除後）を、その月に購入または返品のあったお客様（返品だけの方も含む）の月末時点のセグメント別に集計。",
            ],
        ),
        (
            "en",
            "Sales in 2025-02: ¥500,",
            &[
                "Net sales (after returns) by the month-end segment of every customer with a purchase or a return in the month.",
                "Customers with only returns are included. Loyal share: loyal customers&apos; share of the month.",
            ],
        ),
    ];
    for (lang, total, caption) in cases {
        let out = dir.path().join(lang);
        cpm()
            .args(["report", "--input"])
            .arg(&input)
            .args(["--lang", lang, "--out-dir"])
            .arg(&out)
            .assert()
            .success();
        let texts = svg_texts(&out.join("2025-02/07_sales.svg"));
        assert!(
            texts.iter().any(|l| l.starts_with(total)),
            "{lang}: {total} in {texts:?}"
        );
        for line in caption {
            assert!(texts.iter().any(|l| l == line), "{lang}: {line} in {texts:?}");
        }
        let says_buyers = |l: &&String| l.contains("購入者") || l.contains("buyer");
        assert!(!texts.iter().any(|l| says_buyers(&l)), "{lang}: {texts:?}");
    }
    let activity = std::fs::read_to_string(dir.path().join("ja/2025-02/tables/activity.csv")).unwrap();
    assert!(activity.lines().any(|l| l == "2025-02-28,1,1,500"), "{activity}");
}

#[test]
fn activity_by_group_adds_up_to_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let input = history(dir.path());
    let (plain, grouped) = (dir.path().join("plain"), dir.path().join("grouped"));
    tables(&input, &plain, &[]);
    tables(&input, &grouped, &["--by", "channel"]);
    let text = std::fs::read_to_string(grouped.join("activity.csv")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "group,month_end,purchase_days,buyers,sales");
    assert_eq!(lines.len(), 1 + 2 * 14);
    // dm (B, D) first in byte order, then web (A, C, E).
    assert_eq!(lines[1], "dm,2024-01-31,1,1,10000");
    assert_eq!(lines[2], "dm,2024-02-29,1,1,3000");
    assert_eq!(lines[14], "dm,2025-02-28,0,0,0");
    assert_eq!(lines[15], "web,2024-01-31,1,1,8000");
    assert_eq!(lines[27], "web,2025-01-31,2,2,13000");
    assert_eq!(lines[28], "web,2025-02-28,1,1,500");
    // Summed over the groups: the run without --by.
    let whole = std::fs::read_to_string(plain.join("activity.csv")).unwrap();
    for (t, line) in whole.lines().skip(1).enumerate() {
        let sum = |col: usize| -> i64 {
            [lines[1 + t], lines[15 + t]]
                .iter()
                .map(|l| l.split(',').nth(col).unwrap().parse::<i64>().unwrap())
                .sum()
        };
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(lines[1 + t].split(',').nth(1), Some(f[0]));
        assert_eq!(
            (sum(2), sum(3), sum(4)),
            (f[1].parse().unwrap(), f[2].parse().unwrap(), f[3].parse().unwrap())
        );
    }
    // And the grouped folder reads back.
    let read = cpm::tables::read(&grouped).unwrap();
    assert_eq!(read.activity.groups.len(), 2);
    assert_eq!(read.activity.months, cpm::tables::read(&plain).unwrap().activity.months);
}

/// A tables folder of the history with `activity.csv` replaced by `edit(text)`.
fn broken(flags: &[&str], edit: impl Fn(&str) -> String) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good");
    tables(&history(dir.path()), &good, flags);
    let path = good.join("activity.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, edit(&text)).unwrap();
    (dir, good)
}

/// `text` with line `n` (1-based) replaced.
fn with_line(text: &str, n: usize, line: &str) -> String {
    let mut lines: Vec<&str> = text.lines().collect();
    lines[n - 1] = line;
    lines.join("\n") + "\n"
}

#[test]
fn a_bad_activity_file_is_one_line_naming_the_place() {
    let (_d, dir) = broken(&[], |t| t.to_string());
    std::fs::remove_file(dir.join("activity.csv")).unwrap();
    report_fails(&dir, "activity.csv: No such file");
    let (_d, dir) = broken(&[], |t| t.replacen("purchase_days,buyers", "orders,buyers", 1));
    report_fails(&dir, "activity.csv: line 1: the header is");
    let (_d, dir) = broken(&[], |t| with_line(t, 3, "2024-02-29,2,2"));
    report_fails(&dir, "activity.csv: line 3: 3 fields, expected 4");
    let (_d, dir) = broken(&[], |t| with_line(t, 2, "2024-01-31,two,2,18000"));
    report_fails(
        &dir,
        "activity.csv: line 2, column 'purchase_days': not a count (value: \"two\"",
    );
    let (_d, dir) = broken(&[], |t| with_line(t, 2, "2024-01-31,2,2,18000.0000001"));
    report_fails(&dir, "line 2, column 'sales': not an amount");
    // Month-ends: another date, a missing last row, a row too many.
    let (_d, dir) = broken(&[], |t| with_line(t, 3, "2024-02-28,2,2,7000"));
    report_fails(
        &dir,
        "line 3, column 'month_end': not the next month-end of snapshots.csv (value: \"2024-02-28\"; expected 2024-02-29)",
    );
    let (_d, dir) = broken(&[], |t| t.replacen("2025-02-28,1,1,500\n", "", 1));
    report_fails(
        &dir,
        "activity.csv: no row for the month-end 2025-02-28 of snapshots.csv",
    );
    let (_d, dir) = broken(&[], |t| format!("{t}2025-03-31,0,0,0\n"));
    report_fails(&dir, "line 16, column 'month_end': a row after the last month-end");
    // Counts that cannot be, and sales that are not the snapshots'.
    let (_d, dir) = broken(&[], |t| with_line(t, 14, "2025-01-31,2,3,27000"));
    report_fails(&dir, "line 14, column 'buyers': more buyers than purchase days (2)");
    let (_d, dir) = broken(&[], |t| with_line(t, 2, "2024-01-31,9,9,18000"));
    report_fails(
        &dir,
        "line 2, column 'buyers': more buyers than the 2 customers of snapshots.csv",
    );
    let (_d, dir) = broken(&[], |t| with_line(t, 15, "2025-02-28,1,1,1500"));
    report_fails(
        &dir,
        "line 15, column 'sales': not the month-end's sales in snapshots.csv (value: \"1500\"; expected 500",
    );
}

#[test]
fn a_bad_grouped_activity_file_is_one_line_naming_the_place() {
    let by = ["--by", "channel"];
    let (_d, dir) = broken(&by, |t| t.replacen("group,", "", 1));
    report_fails(&dir, "activity.csv: line 1: the header is");
    // A group of snapshots.csv without rows; a group snapshots.csv does not have.
    let (_d, dir) = broken(&by, |t| {
        t.lines()
            .filter(|l| !l.starts_with("dm,"))
            .collect::<Vec<_>>()
            .join("\n")
            + "\n"
    });
    report_fails(&dir, "group \"dm\" of snapshots.csv has no rows");
    let (_d, dir) = broken(&by, |t| format!("{t}zz,2024-01-31,0,0,0\n"));
    report_fails(&dir, "line 30: group \"zz\" is not in snapshots.csv");
    // The groups out of byte order.
    let (_d, dir) = broken(&by, |t| {
        let lines: Vec<&str> = t.lines().collect();
        let mut out = vec![lines[0]];
        out.extend(&lines[15..]);
        out.extend(&lines[1..15]);
        out.join("\n") + "\n"
    });
    report_fails(&dir, "group \"dm\" after \"web\"");
    // A group's row checked against that group's snapshots.
    let (_d, dir) = broken(&by, |t| with_line(t, 28, "web,2025-01-31,2,2,13001"));
    report_fails(
        &dir,
        "line 28, column 'sales': group \"web\": not the month-end's sales",
    );
}
