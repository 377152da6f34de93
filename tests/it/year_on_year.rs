//! 前年同月比 and the activity table: on the small history of `activity`
//! (month-ends 2024-01 … 2025-02) worked out by hand, in the model, the
//! terminal summary and the workbook; on the sample against figures
//! computed here from the `tables/` files.

use std::path::Path;

use assert_cmd::Command;
use cpm::report::model::{self, ReportModel};
use cpm::text::lang::Lang;

use super::activity::history;
use super::xlsx::read_book;

fn cpm() -> Command {
    Command::cargo_bin("cpm").unwrap()
}

fn model_of(dir: &Path, flags: &[&str], lang: Lang) -> ReportModel {
    let tables = dir.join(format!("t{}", flags.join("_")));
    cpm()
        .args(["tables", "--input"])
        .arg(history(dir))
        .arg("--out-dir")
        .arg(&tables)
        .args(flags)
        .assert()
        .success();
    model::build(&cpm::tables::read(&tables).unwrap(), lang)
}

/// (now, last month, vs last month, a year ago, vs a year ago) of a line.
type Line = (Option<f64>, Option<f64>, Option<f64>, Option<f64>, Option<f64>);

fn line(m: &ReportModel, i: usize) -> Line {
    let l = &m.activity.as_ref().unwrap().lines[i];
    (l.now, l.last, l.vs_last(), l.year_ago, l.vs_year_ago())
}

fn round3(v: Option<f64>) -> Option<f64> {
    v.map(|v| (v * 1000.0).round() / 1000.0)
}

#[test]
fn the_activity_table_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let m = model_of(dir.path(), &[], Lang::Ja);
    let a = m.activity.as_ref().unwrap();
    assert_eq!(a.month_end, cpm::dates::parse_iso_day("2025-02-28").unwrap());
    assert_eq!(a.year_ago, cpm::dates::parse_iso_day("2024-02-29"));
    // Purchase days 1 (last month 4, a year ago 2); buyers 1 (3, 2);
    // sales 500 (27,000, 7,000); average order value 500 (6,750, 3,500).
    let (now, last, vs_last, ago, vs_ago) = line(&m, 0);
    assert_eq!((now, last, ago), (Some(1.0), Some(4.0), Some(2.0)));
    assert_eq!((vs_last, vs_ago), (Some(-0.75), Some(-0.5)));
    let (now, last, vs_last, ago, vs_ago) = line(&m, 1);
    assert_eq!((now, last, ago), (Some(1.0), Some(3.0), Some(2.0)));
    assert_eq!((round3(vs_last), vs_ago), (Some(-0.667), Some(-0.5)));
    let (now, last, vs_last, ago, vs_ago) = line(&m, 2);
    assert_eq!((now, last, ago), (Some(500.0), Some(6750.0), Some(3500.0)));
    assert_eq!((round3(vs_last), round3(vs_ago)), (Some(-0.926), Some(-0.857)));
    let (now, last, vs_last, ago, vs_ago) = line(&m, 3);
    assert_eq!((now, last, ago), (Some(500.0), Some(27000.0), Some(7000.0)));
    assert_eq!((round3(vs_last), round3(vs_ago)), (Some(-0.981), Some(-0.929)));
    assert_eq!(
        a.reading,
        "今月の売上は 500 円(前月比 -98.1%、前年同月比 -92.9%)、購入日数は 1(前月比 -75.0%、前年同月比 -50.0%)、\
         購入者は 1 人、平均購入単価は 500 円です。"
    );
    // The cards: 現役 4 (A, B, C, E) against 3 a year before (A, B, D);
    // no loyal customer either year; the KPI cohort 2024-02 has no cohort
    // a year before it.
    let card = |i: usize| m.cards[i].year_on_year.as_str();
    assert_eq!(card(0), "前年同月比: 1 年前(2023-02)に獲得した顧客がいません");
    assert_eq!(card(1), "前年同月比 ±0.0pt");
    assert_eq!(card(2), "前年同月比 +1");
    assert_eq!(card(3), "前年同月比 ±0");
    let trend = &m.charts.iter().find(|c| c.file == "03_trend").unwrap().reading;
    assert!(
        trend.ends_with("前年同月末(2024-02-29)比では、現役 +1 人、離脱 +1 人です。"),
        "{trend}"
    );
}

#[test]
fn the_lifecycle_report_says_its_year_on_year_too() {
    let dir = tempfile::tempdir().unwrap();
    let m = model_of(dir.path(), &["--scheme", "lifecycle"], Lang::En);
    // Not dormant (60 days): A, B, C, E now; A, B, D a year before. Engaged
    // (neither dormant nor at risk past 30 days, VIP first): now E and B (the
    // top 1% of 4 by total, 24,000) of 5; then A (the top one, 12,000) and D
    // of 3: 40.0% - 66.7%.
    let states = &m.charts[0].reading;
    assert!(
        states.ends_with(" Against a year ago (2024-02-29): not dormant +1, dormant +1."),
        "{states}"
    );
    assert_eq!(m.cards[0].year_on_year, "vs a year ago -26.7pt");
    assert_eq!(m.activity.as_ref().unwrap().lines[3].now, Some(500.0));
}

#[test]
fn without_a_year_of_history_it_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let m = model_of(dir.path(), &["--as-of", "2024-06-30"], Lang::Ja);
    let a = m.activity.as_ref().unwrap();
    assert_eq!(a.year_ago, None);
    assert!(
        a.lines
            .iter()
            .all(|l| l.year_ago.is_none() && l.vs_year_ago().is_none())
    );
    assert!(
        a.notes.iter().any(|n| n.contains("データが 1 年分に満たない")),
        "{:?}",
        a.notes
    );
    assert!(
        a.reading
            .ends_with("1 年前のデータがないため、前年同月比はまだ出せません。")
    );
    for c in &m.cards {
        assert!(c.year_on_year.starts_with("前年同月比: 1 年前"), "{}", c.year_on_year);
    }
    let trend = &m.charts.iter().find(|c| c.file == "03_trend").unwrap().reading;
    assert!(
        trend.ends_with("1 年前の月末がまだないため、前年同月比は出せません。"),
        "{trend}"
    );
}

#[test]
fn a_part_covered_month_is_said_to_be_one() {
    // As of 2025-02-15: A's return of the 3rd is the month so far; E's
    // purchase on the 28th is after it.
    let dir = tempfile::tempdir().unwrap();
    let m = model_of(dir.path(), &["--as-of", "2025-02-15"], Lang::En);
    let a = m.activity.as_ref().unwrap();
    assert_eq!(line(&m, 0).0, Some(0.0));
    assert_eq!(line(&m, 2).0, None, "no purchase day: no average order value");
    assert_eq!(line(&m, 3).0, Some(-1000.0));
    assert!(
        a.notes
            .iter()
            .any(|n| n == "This month runs only to 2025-02-15 (last month and a year ago are whole months)."),
        "{:?}",
        a.notes
    );
}

#[test]
fn the_summary_prints_the_activity_table() {
    let dir = tempfile::tempdir().unwrap();
    let out = cpm()
        .args(["summary", "--input"])
        .arg(history(dir.path()))
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let row = |name: &str| -> Vec<String> {
        let line = text
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("{name} in {text}"));
        line[name.len()..].split_whitespace().map(str::to_string).collect()
    };
    assert_eq!(row("購入日数(注文数)"), ["1", "4", "-75.0%", "2", "-50.0%"]);
    assert_eq!(row("購入者数"), ["1", "3", "-66.7%", "2", "-50.0%"]);
    assert_eq!(row("平均購入単価(円)"), ["500", "6,750", "-92.6%", "3,500", "-85.7%"]);
    assert_eq!(
        row("売上(返品控除後、円)"),
        ["500", "27,000", "-98.1%", "7,000", "-92.9%"]
    );
    assert!(text.contains("今月の購入状況(前月・前年同月との比較)"));
}

#[test]
fn the_workbook_summary_sheet_holds_the_activity_table() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    cpm()
        .args(["report", "--input"])
        .arg(history(dir.path()))
        .arg("--out-dir")
        .arg(&out)
        .assert()
        .success();
    let book = read_book(&out.join("2025-02/cpm_2025-02.xlsx"));
    let s = "サマリー";
    let top = book.find(s, 1, "今月の購入状況(前月・前年同月との比較)");
    assert_eq!(book.text(s, top + 1, 6), "前年同月比");
    assert_eq!(book.date(s, top + 2, 2), "2025-02-28");
    assert_eq!(book.date(s, top + 2, 3), "2025-01-31");
    assert_eq!(book.date(s, top + 2, 5), "2024-02-29");
    let want: [(&str, [f64; 5]); 4] = [
        ("購入日数(注文数)", [1.0, 4.0, -0.75, 2.0, -0.5]),
        ("購入者数", [1.0, 3.0, 1.0 / 3.0 - 1.0, 2.0, -0.5]),
        (
            "平均購入単価(円)",
            [500.0, 6750.0, 500.0 / 6750.0 - 1.0, 3500.0, 500.0 / 3500.0 - 1.0],
        ),
        (
            "売上(返品控除後、円)",
            [500.0, 27000.0, 500.0 / 27000.0 - 1.0, 7000.0, 500.0 / 7000.0 - 1.0],
        ),
    ];
    for (i, (name, values)) in want.iter().enumerate() {
        let row = top + 3 + i as u32;
        assert_eq!(book.text(s, row, 1), *name);
        for (j, v) in values.iter().enumerate() {
            let got = book.num(s, row, 2 + j as u32);
            assert!((got - v).abs() < 1e-9, "{name} column {}: {got} != {v}", 2 + j);
        }
        assert_eq!(book.cell(s, row, 4).format, "+0.0%;-0.0%;0.0%");
        assert_eq!(book.cell(s, row, 6).format, "+0.0%;-0.0%;0.0%");
    }
    assert_eq!(book.cell(s, top + 5, 2).format, "#,##0");
    // The KPI table: 現役 3 a year ago, +1 since.
    let active = book.find(s, 1, "現役顧客数");
    assert_eq!(book.text(s, 4, 5), "前年同月");
    assert_eq!(book.num(s, active, 5), 3.0);
    assert_eq!(book.num(s, active, 6), 1.0);
}

/// Figures from the sample's tables files, computed here.
struct FromFiles {
    /// (cohort_month, cohort_size, converted) rows.
    conversion: Vec<(String, u64, u64)>,
    /// month_end → active customers.
    active: std::collections::BTreeMap<String, u64>,
    /// month_end → (purchase_days, buyers, sales).
    activity: std::collections::BTreeMap<String, (u64, u64, f64)>,
}

fn from_files(dir: &Path) -> FromFiles {
    let rows = |name: &str| -> Vec<Vec<String>> {
        std::fs::read_to_string(dir.join(name))
            .unwrap()
            .lines()
            .skip(1)
            .map(|l| l.split(',').map(str::to_string).collect())
            .collect()
    };
    let mut active = std::collections::BTreeMap::new();
    for r in rows("snapshots.csv") {
        if r[1].ends_with("_active") {
            *active.entry(r[0].clone()).or_insert(0) += r[2].parse::<u64>().unwrap();
        }
    }
    FromFiles {
        conversion: rows("conversion.csv")
            .into_iter()
            .map(|r| (r[0].clone(), r[1].parse().unwrap(), r[2].parse().unwrap()))
            .collect(),
        active,
        activity: rows("activity.csv")
            .into_iter()
            .map(|r| {
                (
                    r[0].clone(),
                    (r[1].parse().unwrap(), r[2].parse().unwrap(), r[3].parse().unwrap()),
                )
            })
            .collect(),
    }
}

#[test]
fn year_on_year_on_the_sample_equals_the_tables_files() {
    let dir = tempfile::tempdir().unwrap();
    let tables = dir.path().join("t");
    cpm()
        .args(["tables", "--input"])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/orders.csv"))
        .arg("--out-dir")
        .arg(&tables)
        .assert()
        .success();
    let f = from_files(&tables);
    let m = model::build(&cpm::tables::read(&tables).unwrap(), Lang::En);
    // The KPI cohort is 2025-09 (matured by 2025-12-31 with 90 days); a year
    // before it, 2024-09.
    let rate = |month: &str| {
        let (_, size, converted) = f.conversion.iter().find(|c| c.0 == month).unwrap();
        *converted as f64 / *size as f64
    };
    let pt = ((rate("2025-09") - rate("2024-09")) * 1000.0).round() / 10.0;
    assert_eq!(
        m.cards[0].year_on_year,
        format!(
            "vs a year ago {pt:+.1}pt (2024-09 cohort: {:.1}%)",
            rate("2024-09") * 100.0
        )
    );
    let active = f.active["2025-12-31"] as i64 - f.active["2024-12-31"] as i64;
    assert_eq!(m.cards[2].year_on_year, format!("vs a year ago {active:+}"));
    let a = m.activity.as_ref().unwrap();
    let (now, ago) = (f.activity["2025-12-31"], f.activity["2024-12-31"]);
    let sales = &a.lines[3];
    assert_eq!(sales.now, Some(now.2));
    assert_eq!(sales.year_ago, Some(ago.2));
    assert!((sales.vs_year_ago().unwrap() - (now.2 / ago.2 - 1.0)).abs() < 1e-12);
    let aov = &a.lines[2];
    assert!((aov.vs_year_ago().unwrap() - ((now.2 / now.0 as f64) / (ago.2 / ago.0 as f64) - 1.0)).abs() < 1e-12);
    assert_eq!(a.lines[1].year_ago, Some(ago.1 as f64));
}

/// The lines of a chart's SVG that hold `word` (each text is on a line of
/// its own).
fn svg_texts(svg: &Path, word: &str) -> Vec<String> {
    std::fs::read_to_string(svg)
        .unwrap()
        .lines()
        .filter(|l| l.contains(word))
        .map(str::to_string)
        .collect()
}

fn report_of(dir: &Path, flags: &[&str]) -> std::path::PathBuf {
    let out = dir.join(format!("r{}", flags.join("_")));
    cpm()
        .args(["report", "--input"])
        .arg(history(dir))
        .arg("--out-dir")
        .arg(&out)
        .args(flags)
        .assert()
        .success();
    out
}

#[test]
fn the_trend_charts_mark_the_month_end_a_year_before() {
    let dir = tempfile::tempdir().unwrap();
    // 2024-02-29: A, B and D active (A and D bought that month, B in
    // January), none lapsed; the not-dormant total of the lifecycle is the
    // same three (B 40 days since), none dormant.
    let out = report_of(dir.path(), &[]);
    assert_eq!(
        svg_texts(&out.join("2025-02/03_trend.svg"), "前年同月"),
        ["前年同月 3", "前年同月 0"]
    );
    let out = report_of(dir.path(), &["--scheme", "lifecycle", "--lang", "en"]);
    assert_eq!(
        svg_texts(&out.join("2025-02/01_states.svg"), "A year ago"),
        ["A year ago 3", "A year ago 0"]
    );
    // Less than a year of month-ends: nothing to mark.
    let out = report_of(dir.path(), &["--as-of", "2024-06-30"]);
    assert!(svg_texts(&out.join("2024-06/03_trend.svg"), "前年同月").is_empty());
}
