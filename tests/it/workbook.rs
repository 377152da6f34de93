//! The workbook (cpm_YYYY-MM.xlsx) read back with openpyxl, as another
//! program reads it: every number equals the tables (read back from the
//! report's tables/ folder and worked out here), numbers are numbers and
//! dates are dates, the sheets are the documented ones in both languages,
//! and the layout is snapshotted. Reading needs openpyxl (see `xlsx`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use cpm::dates::{first_day_of_month, format_day};
use cpm::engine::portfolio::Portfolio;
use cpm::tables::Tables;

use super::xlsx::{Book, ROOT, read_book};

/// Runs `cpm report` on the sample and returns the month folder.
fn report(out: &Path, flags: &[&str]) -> PathBuf {
    Command::cargo_bin("cpm")
        .unwrap()
        .args(["report", "--input"])
        .arg(Path::new(ROOT).join("data/orders.csv"))
        .arg("--out-dir")
        .arg(out)
        .args(flags)
        .assert()
        .success();
    out.join("2025-12")
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

fn assert_close(got: f64, want: f64, what: &str) {
    assert!(close(got, want), "{what}: workbook {got}, tables {want}");
}

fn seg(p: &Portfolio, id: &str) -> usize {
    p.labels.iter().position(|l| l.id == id).unwrap()
}

/// The segments a bridge follows, by id: every `*_active`, or 優良現役 (and 超優良現役).
fn followed(p: &Portfolio, loyal: bool) -> Vec<usize> {
    (0..p.labels.len())
        .filter(|&s| {
            let id = p.labels[s].id;
            id.ends_with("_active") && (!loyal || id == "loyal_active" || id == "super_active")
        })
        .collect()
}

const JA_SHEETS: [&str; 13] = [
    "サマリー",
    "推移",
    "移動",
    "増減",
    "転換率",
    "コホート",
    "売上",
    "予実",
    "データ品質",
    "ルール",
    "優良離脱",
    "今月離脱",
    "初回60-89日",
];

const EN_SHEETS: [&str; 13] = [
    "Summary",
    "Trend",
    "Transitions",
    "Bridge",
    "Conversion",
    "Cohorts",
    "Sales",
    "Plan",
    "Data quality",
    "Rules",
    "Loyal lapsed",
    "Lapsed this month",
    "First-time 60-89 days",
];

/// The plan file as the test reads it: (month, metric) → value.
fn plan_values() -> BTreeMap<(String, String), f64> {
    std::fs::read_to_string(Path::new(ROOT).join("data/plan.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            ((f[0].to_string(), f[1].to_string()), f[2].parse().unwrap())
        })
        .collect()
}

/// 増減 (rows 3 and 4: the whole portfolio still in it, then its best
/// customers), worked out from the latest matrix and the counts;
/// `followed(false)` is every segment of customers who have not left.
fn check_bridge_sheet(book: &Book, bridge: &str, p: &Portfolio, followed: &dyn Fn(bool) -> Vec<usize>) {
    let n = p.labels.len();
    let last = p.snapshot_days.len() - 1;
    let m = &p.transitions[last - 1];
    for (row, loyal) in [(3u32, false), (4, true)] {
        let inside = followed(loyal);
        let actives = followed(false);
        let lapsed: Vec<usize> = (0..n).filter(|s| !actives.contains(s)).collect();
        let sum = |from: &[usize], to: &dyn Fn(usize) -> bool| -> f64 {
            from.iter()
                .map(|&f| (0..n).filter(|&s| to(s)).map(|s| m.cells[f][s]).sum::<u64>())
                .sum::<u64>() as f64
        };
        let is_in = |s: usize| inside.contains(&s);
        let others: Vec<usize> = actives.iter().copied().filter(|s| !inside.contains(s)).collect();
        let start: u64 = inside.iter().map(|&s| p.counts[last - 1][s]).sum();
        let end: u64 = inside.iter().map(|&s| p.counts[last][s]).sum();
        let want = [
            start as f64,
            sum(&[m.new_row()], &is_in),
            sum(&lapsed, &is_in),
            sum(&others, &is_in),
            -sum(&inside, &|s| lapsed.contains(&s)),
            -sum(&inside, &|s| others.contains(&s)),
            end as f64,
            end as f64 - start as f64,
        ];
        for (j, w) in want.iter().enumerate() {
            assert_close(book.num(bridge, row, 2 + j as u32), *w, "bridge step");
        }
    }
}

fn check_cpm_numbers(book: &Book, t: &Tables, dir: &Path, sheets: &[&str]) {
    let p = &t.portfolio;
    let n = p.labels.len();
    let last = p.snapshot_days.len() - 1;
    let name = |i: usize| sheets[i];

    // 推移: counts from row 2, the shares block after a gap.
    let trend = name(1);
    let shares_header = p.snapshot_days.len() as u32 + 4;
    for (i, &day) in p.snapshot_days.iter().enumerate() {
        let row = 2 + i as u32;
        assert_eq!(book.date(trend, row, 1), format_day(day));
        let total: u64 = p.counts[i].iter().sum();
        for s in 0..n {
            assert_close(book.num(trend, row, 2 + s as u32), p.counts[i][s] as f64, "trend count");
            let share = book.num(trend, shares_header + 1 + i as u32, 2 + s as u32);
            assert_close(share, p.counts[i][s] as f64 / total.max(1) as f64, "trend share");
        }
        assert_close(book.num(trend, row, 2 + n as u32), total as f64, "trend total");
    }

    // 移動: the last matrix, counts from row 4 (the new row last).
    let moves = name(2);
    let m = &p.transitions[last - 1];
    for (from, cells) in m.cells.iter().enumerate() {
        for (to, &v) in cells.iter().enumerate() {
            assert_close(book.num(moves, 4 + from as u32, 2 + to as u32), v as f64, "transition");
        }
        let shares_row = n as u32 + 7 + from as u32;
        let total: u64 = cells.iter().sum();
        for (to, &v) in cells.iter().enumerate() {
            let want = if total == 0 { 0.0 } else { v as f64 / total as f64 };
            assert_close(book.num(moves, shares_row, 2 + to as u32), want, "row share");
        }
    }

    // 増減: worked out here from the matrix and the counts.
    check_bridge_sheet(book, name(3), p, &|loyal| followed(p, loyal));

    // 転換率: one row per cohort.
    let conv = name(4);
    for (i, c) in p.conversion.iter().enumerate() {
        let row = 2 + i as u32;
        assert_eq!(book.date(conv, row, 1), format_day(first_day_of_month(c.cohort_month)));
        assert_close(book.num(conv, row, 2), c.cohort_size as f64, "cohort size");
        assert_close(book.num(conv, row, 3), c.converted as f64, "converted");
        assert_close(
            book.num(conv, row, 4),
            c.converted as f64 / c.cohort_size as f64,
            "rate",
        );
        assert_close(book.num(conv, row, 5), 0.5, "target");
        assert_eq!(book.cell(conv, row, 4).format, "0.0%");
    }

    // コホート: members in 優良 (either state, 超優良 too) at month k.
    let cohorts = name(5);
    for (i, c) in p.ladder.iter().enumerate() {
        let row = 3 + i as u32;
        assert_close(book.num(cohorts, row, 2), c.size as f64, "ladder size");
        for (k, counts) in c.counts.iter().enumerate() {
            let loyal: u64 = (0..n)
                .filter(|&s| p.labels[s].id.starts_with("loyal_") || p.labels[s].id.starts_with("super_"))
                .map(|s| counts[s])
                .sum();
            assert_close(book.num(cohorts, row, 3 + k as u32), loyal as f64, "ladder loyal");
        }
    }

    // 売上: money in units.
    let sales = name(6);
    for i in 0..p.snapshot_days.len() {
        for s in 0..n {
            assert_close(
                book.num(sales, 2 + i as u32, 2 + s as u32),
                p.sales[i][s] as f64 / 1e6,
                "sales",
            );
        }
        // By tier (columns after the total and a gap): the tier's active and
        // lapsed segments (ten segments here: tier k is k and k + 5).
        for k in 0..5 {
            assert_close(
                book.num(sales, 2 + i as u32, 2 + n as u32 + 2 + k as u32),
                (p.sales[i][k] + p.sales[i][k + 5]) as f64 / 1e6,
                "sales by tier",
            );
        }
    }
    let line = book.sheets.iter().find(|l| l[0] == sales).unwrap();
    assert_eq!(line[5], "1", "the sales sheet has its chart: {line:?}");

    // サマリー: the portfolio table (tiers across, 現役 then 離脱).
    let summary = name(0);
    let title = if sheets[0] == "サマリー" {
        "ポートフォリオ(今月末)"
    } else {
        "Portfolio at the month-end"
    };
    let top = book.find(summary, 1, title);
    let tiers = n / 2;
    let total: u64 = p.counts[last].iter().sum();
    for (block, offset) in [(0usize, 2u32), (1, 5)] {
        for tier in 0..tiers {
            let s = block * tiers + tier;
            let col = 3 + tier as u32;
            assert_close(
                book.num(summary, top + offset, col),
                p.counts[last][s] as f64,
                "10-box count",
            );
            assert_close(
                book.num(summary, top + offset + 1, col),
                p.counts[last][s] as f64 / total as f64,
                "10-box share",
            );
            let change = p.counts[last][s] as f64 - p.counts[last - 1][s] as f64;
            assert_close(book.num(summary, top + offset + 2, col), change, "10-box change");
        }
    }
    // The 現役 KPI: this month and last.
    let active_row = book.find(
        summary,
        1,
        if sheets[0] == "サマリー" {
            "現役顧客数"
        } else {
            "Active customers"
        },
    );
    let active = |i: usize| followed(p, false).iter().map(|&s| p.counts[i][s]).sum::<u64>() as f64;
    assert_close(book.num(summary, active_row, 2), active(last), "active KPI");
    assert_close(
        book.num(summary, active_row, 3),
        active(last - 1),
        "active KPI last month",
    );
    assert_close(
        book.num(summary, active_row, 5),
        active(last - 12),
        "active KPI a year ago",
    );
    assert_close(
        book.num(summary, active_row, 6),
        active(last) - active(last - 12),
        "active KPI vs a year ago",
    );
    // The activity table: activity.csv this month, last month and a year
    // ago, the average order value as sales / purchase days, the changes as
    // fractions.
    let activity_top = book.find(
        summary,
        1,
        if sheets[0] == "サマリー" {
            "今月の購入状況(前月・前年同月との比較)"
        } else {
            "This month's buying (vs last month and a year ago)"
        },
    );
    let months = &t.activity.months;
    for (col, i) in [(2u32, last), (3, last - 1), (5, last - 12)] {
        let m = &months[i];
        assert_eq!(
            book.date(summary, activity_top + 2, col),
            format_day(p.snapshot_days[i])
        );
        let sales = m.sales as f64 / 1e6;
        let values = [
            m.purchase_days as f64,
            m.buyers as f64,
            sales / m.purchase_days as f64,
            sales,
        ];
        for (k, v) in values.iter().enumerate() {
            assert_close(book.num(summary, activity_top + 3 + k as u32, col), *v, "activity");
        }
    }
    let sales = |i: usize| months[i].sales as f64 / 1e6;
    assert_close(
        book.num(summary, activity_top + 6, 6),
        sales(last) / sales(last - 12) - 1.0,
        "sales vs a year ago",
    );
    assert_close(
        book.num(summary, activity_top + 3, 4),
        months[last].purchase_days as f64 / months[last - 1].purchase_days as f64 - 1.0,
        "purchase days vs last month",
    );

    // 予実: plan from the file, actual from the tables.
    let plan_sheet = name(7);
    let plan = plan_values();
    let mut compared = 0;
    for row in 2..=400u32 {
        let Some(cell) = book.cells.get(&(plan_sheet.to_string(), row, 1)) else {
            break;
        };
        let month = &cell.value[..7];
        let metric = book.text(plan_sheet, row, 3).to_string();
        assert_close(
            book.num(plan_sheet, row, 4),
            plan[&(month.to_string(), metric.clone())],
            "plan",
        );
        let i = p
            .snapshot_days
            .iter()
            .position(|&d| format_day(d).starts_with(month))
            .unwrap();
        let count = |segs: Vec<usize>| segs.iter().map(|&s| p.counts[i][s]).sum::<u64>() as f64;
        let cohort = p
            .conversion
            .iter()
            .find(|c| format_day(first_day_of_month(c.cohort_month)).starts_with(month));
        let actual = match metric.as_str() {
            "new_customers" => cohort.map_or(0.0, |c| c.cohort_size as f64),
            "conversion_rate" => cohort.map(|c| c.converted as f64 / c.cohort_size as f64).unwrap(),
            "active" => count(followed(p, false)),
            "loyal_active" => count(followed(p, true)),
            "loyal_active_share" => count(followed(p, true)) / count(followed(p, false)),
            "sales" => p.sales[i].iter().sum::<i128>() as f64 / 1e6,
            other => panic!("metric {other}"),
        };
        assert_close(
            book.num(plan_sheet, row, 5),
            actual,
            &format!("actual {month} {metric}"),
        );
        compared += 1;
    }
    // The plan covers 2025-04 .. 2026-03; the data ends 2025-12: 9 months × 6.
    assert_eq!(compared, 54);

    // データ品質: rows read and used.
    let quality = name(8);
    assert_close(book.num(quality, 3, 2), t.quality.rows_read as f64, "rows read");
    assert_close(book.num(quality, 4, 2), t.quality.rows_used as f64, "rows used");

    // The lists: the CSV's customers, ids as text, dates as dates.
    for (sheet, file) in [(10, "loyal_lapsed"), (11, "newly_lapsed"), (12, "first_last_chance")] {
        let csv = std::fs::read_to_string(dir.join(format!("lists/{file}.csv"))).unwrap();
        let rows: Vec<Vec<&str>> = csv.lines().skip(1).map(|l| l.split(',').collect()).collect();
        assert!(!rows.is_empty(), "{file} has customers in the sample");
        for (i, r) in rows.iter().enumerate() {
            let row = 2 + i as u32;
            assert_eq!(book.text(name(sheet), row, 1), r[0]);
            assert_eq!(book.date(name(sheet), row, 3), r[2]);
            assert_close(book.num(name(sheet), row, 7), r[6].parse().unwrap(), "list total");
        }
        assert!(
            !book
                .cells
                .contains_key(&(name(sheet).to_string(), 2 + rows.len() as u32, 1))
        );
    }
}

/// No number is stored as text (ids and rules values aside).
fn no_numbers_as_text(book: &Book, rules: &str, lists: &[&str]) {
    for ((sheet, row, col), cell) in &book.cells {
        if cell.kind != 's' || sheet == rules || (lists.contains(&sheet.as_str()) && *col == 1) {
            continue;
        }
        let plain = cell.value.replace([',', '%', '+'], "");
        assert!(
            plain.trim().parse::<f64>().is_err(),
            "{sheet} R{row}C{col}: a number as text: {:?}",
            cell.value
        );
    }
}

#[test]
fn the_workbook_holds_the_tables_numbers_in_japanese_and_english() {
    let dir = tempfile::tempdir().unwrap();
    let plan = Path::new(ROOT).join("data/plan.csv");
    let plan = plan.to_str().unwrap();
    let ja_dir = report(&dir.path().join("ja"), &["--plan", plan]);
    let ja = read_book(&ja_dir.join("cpm_2025-12.xlsx"));
    assert_eq!(ja.names(), JA_SHEETS);
    let tables = cpm::tables::read(&ja_dir.join("tables")).unwrap();
    check_cpm_numbers(&ja, &tables, &ja_dir, &JA_SHEETS);
    no_numbers_as_text(&ja, "ルール", &JA_SHEETS[10..]);
    // The rules sheet names each setting in words: its label from the settings table.
    let churn = ja.find("ルール", 1, "cpm.churn_days");
    assert_eq!(ja.num("ルール", churn, 2), 240.0);
    assert_eq!(ja.text("ルール", churn, 3), "離脱までの日数");
    let rate = ja.find("ルール", 1, "response_rates.loyal");
    assert_eq!(ja.text("ルール", rate, 3), "優良の DM 反応率");

    let en_dir = report(&dir.path().join("en"), &["--plan", plan, "--lang", "en"]);
    let en = read_book(&en_dir.join("cpm_2025-12.xlsx"));
    assert_eq!(en.names(), EN_SHEETS);
    check_cpm_numbers(&en, &tables, &en_dir, &EN_SHEETS);
    let churn = en.find("Rules", 1, "cpm.churn_days");
    assert_eq!(
        en.text("Rules", churn, 3),
        "Days without a purchase after which a customer is 離脱 (lapsed)"
    );
    // Every number sits in the same cell in both languages.
    let numbers = |b: &Book, names: &[&str]| -> BTreeMap<(usize, u32, u32), String> {
        b.cells
            .iter()
            .filter(|(_, c)| c.kind == 'n' || c.kind == 'd')
            .map(|((s, r, c), cell)| ((names.iter().position(|n| n == s).unwrap(), *r, *c), cell.value.clone()))
            .collect()
    };
    let (a, b) = (numbers(&ja, &JA_SHEETS), numbers(&en, &EN_SHEETS));
    assert_eq!(a.len(), b.len(), "as many numbers and dates in both languages");
    for (key, value) in &a {
        assert_eq!(
            Some(value),
            b.get(key),
            "sheet {} R{}C{} in both languages",
            key.0,
            key.1,
            key.2
        );
    }
}

#[test]
fn without_a_plan_there_is_no_plan_sheet_and_lifecycle_has_its_own_sheets() {
    let dir = tempfile::tempdir().unwrap();
    let cpm_dir = report(&dir.path().join("cpm"), &[]);
    let book = read_book(&cpm_dir.join("cpm_2025-12.xlsx"));
    let without: Vec<&str> = JA_SHEETS.iter().copied().filter(|&s| s != "予実").collect();
    assert_eq!(book.names(), without);

    let life_dir = report(&dir.path().join("life"), &["--scheme", "lifecycle", "--lang", "en"]);
    let book = read_book(&life_dir.join("cpm_2025-12.xlsx"));
    assert_eq!(
        book.names(),
        [
            "Summary",
            "Trend",
            "Transitions",
            "Bridge",
            "Conversion",
            "Sales",
            "Data quality",
            "Rules",
            "At risk",
            "Winback",
            "VIP"
        ]
    );
    let t = cpm::tables::read(&life_dir.join("tables")).unwrap();
    let p = &t.portfolio;
    for (i, counts) in p.counts.iter().enumerate() {
        for (s, &v) in counts.iter().enumerate() {
            assert_close(
                book.num("Trend", 2 + i as u32, 2 + s as u32),
                v as f64,
                "lifecycle trend",
            );
        }
    }
    let top = book.find("Summary", 1, "Portfolio at the month-end");
    let last = p.counts.len() - 1;
    assert_close(
        book.num("Summary", top + 2, 3 + seg(p, "dormant") as u32),
        p.counts[last][seg(p, "dormant")] as f64,
        "dormant",
    );
    // Bridge: not dormant (every state but 0), then VIP (state 1).
    let (dormant, vip) = (seg(p, "dormant"), seg(p, "vip"));
    let states = |loyal: bool| -> Vec<usize> {
        (0..p.labels.len())
            .filter(|&s| if loyal { s == vip } else { s != dormant })
            .collect()
    };
    check_bridge_sheet(&book, "Bridge", p, &states);
    assert_eq!(book.text("Bridge", 3, 1), "Not dormant");
    assert_eq!(book.text("Bridge", 2, 6), "Gone dormant");
    no_numbers_as_text(&book, "Rules", &["At risk", "Winback", "VIP"]);
}

/// The layout: per sheet its size, frozen panes, filter, charts and colour
/// scales; its first two rows' text; and each column's cell kinds and formats.
#[test]
fn the_layout_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let plan = Path::new(ROOT).join("data/plan.csv");
    let month = report(dir.path(), &["--plan", plan.to_str().unwrap()]);
    let book = read_book(&month.join("cpm_2025-12.xlsx"));
    let mut out = String::new();
    for s in &book.sheets {
        out += &format!(
            "== {} ({} rows × {} columns) freeze={} filter={} charts={} scales={}\n",
            s[0], s[1], s[2], s[3], s[4], s[5], s[6]
        );
        let name = &s[0];
        for row in 1..=2 {
            let texts: Vec<String> = (1..=40u32)
                .filter_map(|c| book.cells.get(&(name.clone(), row, c)))
                .filter(|c| c.kind == 's')
                .map(|c| c.value.clone())
                .collect();
            if !texts.is_empty() {
                out += &format!("  row {row}: {}\n", texts.join(" | "));
            }
        }
        let mut kinds: BTreeMap<u32, std::collections::BTreeSet<String>> = BTreeMap::new();
        for ((sheet, _, col), c) in &book.cells {
            if sheet == name && c.kind != 's' {
                kinds
                    .entry(*col)
                    .or_default()
                    .insert(format!("{}:{}", c.kind, c.format));
            }
        }
        for (col, k) in kinds {
            out += &format!("  col {col}: {}\n", k.into_iter().collect::<Vec<_>>().join(", "));
        }
    }
    insta::assert_snapshot!(out);
}

/// With `--by`, the 内訳 sheet lists every group's pooled conversion, the
/// same counts as the tables' conversion.csv over the model's window, and
/// the trend by group (the page's table) with conversion.csv's monthly
/// rates.
#[test]
fn the_breakdown_sheet_lists_every_group() {
    let dir = tempfile::tempdir().unwrap();
    assert_cmd::Command::cargo_bin("cpm")
        .unwrap()
        .args(["report", "--by", "channel", "--input"])
        .arg(std::path::Path::new(crate::xlsx::ROOT).join("data/orders.csv"))
        .arg("--out-dir")
        .arg(dir.path())
        .assert()
        .success();
    let month = dir.path().join("2025-12");
    let book = crate::xlsx::read_book(&month.join("cpm_2025-12.xlsx"));
    assert!(book.names().contains(&"内訳"), "{:?}", book.names());
    let tables = cpm::tables::read(&month.join("tables")).unwrap();
    let b = tables.breakdown.as_ref().expect("a breakdown");
    let model = cpm::report::model::build(&tables, cpm::text::lang::Lang::Ja);
    let by = model.breakdown.as_ref().unwrap();
    let (from, to) = by.window.unwrap();
    for (g, label) in b.groups.iter().enumerate() {
        // openpyxl numbers rows and columns from 1.
        let row = book.find("内訳", 1, label);
        let (size, converted) = b.portfolios[g]
            .conversion
            .iter()
            .filter(|c| c.matured && c.cohort_month >= from && c.cohort_month <= to)
            .fold((0, 0), |(s, k), c| (s + c.cohort_size, k + c.converted));
        assert_eq!(book.num("内訳", row, 2), size as f64, "{label}");
        assert_eq!(book.num("内訳", row, 3), converted as f64, "{label}");
    }
    // Below: the trend by group as the page has it, the whole run and the
    // groups drawn, a row per acquisition month of the last 24, with the
    // rates and first-time customers of conversion.csv.
    let s = "内訳";
    let top = book.find(s, 1, "channel 別の初回→よちよち転換率(獲得月別の推移)");
    let header = top + 3;
    assert_eq!((book.text(s, header, 1), book.text(s, header, 2)), ("獲得月", "確定"));
    assert_eq!(
        (book.text(s, header, 3), book.text(s, header, 4)),
        ("全体 転換率", "全体 初回客")
    );
    let drawn: Vec<&str> = by.trend.lines.iter().map(|l| l.label.as_str()).collect();
    assert!(!drawn.is_empty());
    for (j, label) in drawn.iter().enumerate() {
        let col = 5 + 2 * j as u32;
        assert_eq!(book.text(s, header, col), format!("{label} 転換率"));
        assert_eq!(book.text(s, header, col + 1), format!("{label} 初回客"));
    }
    let whole = &tables.portfolio.conversion;
    let shown = &whole[whole.len() - 24..];
    let check = |row: u32, col: u32, c: Option<&cpm::engine::portfolio::CohortConversion>| match c {
        Some(c) => {
            let rate = book.num(s, row, col);
            assert!(
                (rate - c.converted as f64 / c.cohort_size as f64).abs() < 1e-12,
                "R{row}C{col}"
            );
            assert_eq!(book.cell(s, row, col).format, "0.0%");
            assert_eq!(book.num(s, row, col + 1), c.cohort_size as f64, "R{row}C{}", col + 1);
        }
        None => assert!(!book.cells.contains_key(&(s.to_string(), row, col)), "R{row}C{col}"),
    };
    for (i, c) in shown.iter().enumerate() {
        let row = header + 1 + i as u32;
        let month = cpm::dates::format_month(c.cohort_month);
        assert_eq!(book.date(s, row, 1), format!("{month}-01"));
        assert_eq!(book.text(s, row, 2), if c.matured { "確定" } else { "暫定" });
        check(row, 3, Some(c));
        for (j, label) in drawn.iter().enumerate() {
            let g = b.groups.iter().position(|x| x == label).unwrap();
            let group = b.portfolios[g]
                .conversion
                .iter()
                .find(|x| x.cohort_month == c.cohort_month);
            check(row, 5 + 2 * j as u32, group.filter(|x| x.cohort_size > 0));
        }
    }
    let after = header + 25;
    assert!(
        book.text(s, after, 1)
            .starts_with("暫定＝観測期間が終わっていないコホート。")
    );
}

/// What Excel is strict about and LibreOffice is not, checked on the XML
/// parts (tests/tools/xlsx_strict.py: sheet names, defined names, chart
/// ranges against the cells written, number formats, data validations,
/// string lengths, formula syntax, element order, relationships): both
/// schemes and languages, with a plan, 超優良, and a breakdown of fifty
/// long Japanese group names. The checker's self-test shows each check can
/// fail.
#[test]
fn the_workbooks_pass_what_excel_is_strict_about() {
    let dir = tempfile::tempdir().unwrap();
    let plan = Path::new(ROOT).join("data/plan.csv");
    let plan = plan.to_str().unwrap();
    let runs: [&[&str]; 4] = [
        &["--plan", plan, "--by", "channel"],
        &["--scheme", "lifecycle", "--lang", "en", "--by", "product"],
        &["--super-loyal-amount", "150000", "--lang", "en"],
        &["--scheme", "lifecycle"],
    ];
    for (i, flags) in runs.iter().enumerate() {
        let book = report(&dir.path().join(format!("r{i}")), flags).join("cpm_2025-12.xlsx");
        assert_eq!(super::xlsx::strict_problems(&book), Vec::<String>::new(), "{flags:?}");
        if i == 0 {
            super::xlsx::strict_self_test(&book);
        }
    }
    // Fifty groups whose names are long, with characters Excel quotes.
    let mut text = String::from("customer_id,order_date,amount,channel\n");
    for c in 0..600 {
        let group = format!("とても長い[キャンペーン]名の広告媒体 'グループ' {:02}", c % 50);
        text.push_str(&format!("C{c},2024-{:02}-10,1000,\"{group}\"\n", 1 + c % 12));
    }
    let input = dir.path().join("fifty.csv");
    std::fs::write(&input, text).unwrap();
    Command::cargo_bin("cpm")
        .unwrap()
        .args(["report", "--input"])
        .arg(&input)
        .args(["--by", "channel", "--out-dir"])
        .arg(dir.path().join("fifty"))
        .assert()
        .success();
    let book = dir.path().join("fifty/2024-11/cpm_2024-11.xlsx");
    assert_eq!(super::xlsx::strict_problems(&book), Vec::<String>::new());
}
