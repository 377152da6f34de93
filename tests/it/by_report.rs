//! The report's breakdown section (`--by`): the Wilson interval by hand,
//! the pooled 初回→よちよち of each group on a hand-made file, the section's
//! numbers against tables/conversion.csv, and one group or fifty groups with
//! long labels.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use cpm::config::Config;
use cpm::ingest::ReadOptions;
use cpm::report::charts::text::{shorten, text_width};
use cpm::report::model::by_group::{ByGroup, wilson};
use cpm::tables::Tables;
use cpm::text::lang::Lang;

use crate::commands::{files, sample};
use crate::common::day;
use crate::common::today;

fn report(input: &Path, out: &Path, extra: &[&str]) -> PathBuf {
    Command::cargo_bin("cpm")
        .unwrap()
        .args(["report", "--input"])
        .arg(input)
        .arg("--out-dir")
        .arg(out)
        .args(extra)
        .assert()
        .success();
    std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.is_dir() && !p.to_string_lossy().ends_with(".previous"))
        .expect("a report folder")
}

/// The breakdown section of the file at `path`, broken down by `channel`.
fn section(path: &Path, as_of: &str) -> (Tables, ByGroup) {
    section_with(path, as_of, Config::default(), Lang::Ja)
}

/// The same with `config` (its `by` set to `channel`), in `lang`.
fn section_with(path: &Path, as_of: &str, mut config: Config, lang: Lang) -> (Tables, ByGroup) {
    config.scope.by = Some("channel".into());
    let a = cpm::pipeline::analyze(path, &config, &ReadOptions::default(), Some(day(as_of)), today()).unwrap();
    let tables = Tables::of(a, &config);
    let by = cpm::report::model::build(&tables, lang)
        .breakdown
        .expect("a breakdown section");
    (tables, by)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 5e-5
}

#[test]
fn wilson_interval_by_hand() {
    // 10 of 40, z = 1.959964: p = .25, z²/n = .0960365, centre
    // (.25 + .0480182) / 1.0960365 = .271906, half-width
    // 1.959964 / 1.0960365 * sqrt(.25 * .75 / 40 + 3.841459 / 6400) = .130034.
    let (lo, hi) = wilson(10, 40).unwrap();
    assert!(close(lo, 0.141872) && close(hi, 0.401940), "{lo} {hi}");
    // 0 of 10: from 0 to z²/n / (1 + z²/n) = .384146 / 1.384146.
    let (lo, hi) = wilson(0, 10).unwrap();
    assert!(close(lo, 0.0) && close(hi, 0.277532), "{lo} {hi}");
    // 10 of 10 mirrors it.
    let (lo, hi) = wilson(10, 10).unwrap();
    assert!(close(lo, 1.0 - 0.277532) && close(hi, 1.0), "{lo} {hi}");
    assert_eq!(wilson(0, 0), None);
}

#[test]
fn each_groups_rate_pools_its_matured_cohorts_of_the_last_twelve_months() {
    // As of 2024-12-31 with toddler_days 90, the latest matured cohort is
    // 2024-09 (30 Sep + 89 days = 28 Dec), so the window is 2023-10..2024-09.
    let rows = "customer_id,order_date,amount,channel\n\
        A,2024-09-10,1000,web\nA,2024-09-20,1000,web\n\
        B,2024-01-05,1000,web\n\
        C,2023-10-01,1000,web\nC,2023-12-15,1000,dm\n\
        D,2023-09-30,1000,web\nD,2023-10-05,1000,web\n\
        E,2024-10-02,1000,web\nE,2024-10-03,1000,web\n\
        F,2024-03-01,1000,dm\nF,2024-07-01,1000,dm\n\
        G,2024-03-02,1000,dm\nG,2024-03-03,1000,web\n\
        H,2024-05-01,100,dm\nH,2024-05-01,50,web\n";
    // web: A (converted), B (not), C (75 days: converted); D's cohort is
    // before the window, E's not matured. dm: F (122 days: not), G
    // (converted), H (its largest first-day row is dm; not converted).
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("orders.csv");
    std::fs::write(&path, rows).unwrap();
    let (_, by) = section(&path, "2024-12-31");
    let (from, to) = by.window.unwrap();
    assert_eq!(
        (cpm::dates::format_month(from), cpm::dates::format_month(to)),
        ("2023-10".to_string(), "2024-09".to_string())
    );
    let got: Vec<(&str, u64, u64, bool)> = by
        .rates
        .iter()
        .map(|r| (r.label.as_str(), r.first_timers, r.converted, r.judged))
        .collect();
    // Equal sizes: byte order ("dm" < "web").
    assert_eq!(got, [("dm", 3, 1, false), ("web", 3, 2, false)]);
    assert!(close(by.rates[1].rate, 2.0 / 3.0));
    assert!(
        by.rates.iter().all(|r| r.rank.is_none()),
        "too small to judge: not ranked"
    );
    assert!(by.rate_reading.contains("30 人未満"), "{}", by.rate_reading);
    // The portfolio at 2024-12-31 (lapsed from 240 days without a purchase):
    // web has A and E active, B (361 days), C (382) and D lapsed; dm has F
    // (183 days) active, G (303) and H (244) lapsed.
    let boxes: Vec<(&str, u64, u64)> = by
        .boxes
        .iter()
        .map(|b| (b.label.as_str(), b.active, b.lapsed))
        .collect();
    assert_eq!(boxes, [("web", 2, 3), ("dm", 1, 2)]);

    // In English, and in the lifecycle scheme (no active/lapsed split there).
    let (_, en) = section_with(&path, "2024-12-31", Config::default(), Lang::En);
    assert!(
        en.rate_reading.contains("fewer than 30 first-time customers"),
        "{}",
        en.rate_reading
    );
    assert!(
        en.boxes_reading
            .starts_with("The channel with the most active customers is \"web\""),
        "{}",
        en.boxes_reading
    );
    let lifecycle = crate::common::config("scheme = \"lifecycle\"\n");
    let (_, by) = section_with(&path, "2024-12-31", lifecycle, Lang::Ja);
    assert_eq!(by.rates[1].converted, 2, "conversion does not depend on the scheme");
    assert!(by.boxes.iter().all(|b| b.loyal_share.is_none()));
    assert_eq!(by.boxes[0].label, "web");
    assert!(
        by.boxes_reading.starts_with("顧客が最も多い channel は「web」の 5 人"),
        "{}",
        by.boxes_reading
    );
}

#[test]
fn the_section_is_there_only_with_by() {
    let dir = tempfile::tempdir().unwrap();
    let plain = report(&sample(), &dir.path().join("plain"), &[]);
    let html = std::fs::read_to_string(plain.join("index.html")).unwrap();
    assert!(
        !html.contains("class=\"by-group"),
        "no breakdown table (the print stylesheet names the class)"
    );
    assert!(!plain.join("10_by_group.png").exists());
    assert!(!plain.join("11_by_group_trend.png").exists());
    let grouped = report(&sample(), &dir.path().join("grouped"), &["--by", "channel"]);
    let html = std::fs::read_to_string(grouped.join("index.html")).unwrap();
    assert!(html.contains("<table class=\"by-group rates\">"));
    assert!(html.contains("<table class=\"by-group boxes\">"));
    assert!(grouped.join("10_by_group.png").exists());
    assert!(grouped.join("10_by_group.svg").exists());
}

/// `YYYY-MM` as a month count.
fn month(text: &str) -> i32 {
    let (y, m) = text.split_once('-').unwrap();
    y.parse::<i32>().unwrap() * 12 + m.parse::<i32>().unwrap() - 1
}

#[test]
fn the_sections_numbers_are_those_of_the_tables() {
    let dir = tempfile::tempdir().unwrap();
    let folder = report(&sample(), dir.path(), &["--by", "channel"]);
    let html = std::fs::read_to_string(folder.join("index.html")).unwrap();
    let csv = std::fs::read_to_string(folder.join("tables/conversion.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("group,cohort_month,cohort_size,converted,rate,matured")
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let latest = rows
        .iter()
        .filter(|r| r[5] == "true")
        .map(|r| month(r[1]))
        .max()
        .unwrap();
    let mut pooled: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    for r in &rows {
        let e = pooled.entry(r[0]).or_default();
        let m = month(r[1]);
        if r[5] == "true" && m > latest - 12 && m <= latest {
            e.0 += r[2].parse::<u64>().unwrap();
            e.1 += r[3].parse::<u64>().unwrap();
        }
    }
    assert_eq!(pooled.len(), 5, "the sample's five channels");
    for (group, (n, k)) in &pooled {
        // The Wilson interval again, naively, for the row's interval cell.
        let (nf, p, z) = (*n as f64, *k as f64 / *n as f64, 1.959964_f64);
        let centre = (p + z * z / (2.0 * nf)) / (1.0 + z * z / nf);
        let half = z / (1.0 + z * z / nf) * (p * (1.0 - p) / nf + z * z / (4.0 * nf * nf)).sqrt();
        let row = format!(
            "<tr class=\"group\"><td>{group}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{:.1}%</td><td class=\"num\">{:.1}%–{:.1}%</td>",
            crate::common::thousands(*n),
            crate::common::thousands(*k),
            p * 100.0,
            (centre - half) * 100.0,
            (centre + half) * 100.0,
        );
        assert!(html.contains(&row), "no row {row}");
    }
    // The portfolio table's counts are snapshots.csv's at the last month-end.
    let snapshots = std::fs::read_to_string(folder.join("tables/snapshots.csv")).unwrap();
    let last = snapshots
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap())
        .max()
        .unwrap()
        .to_string();
    for group in pooled.keys() {
        let mut row = format!("<tr class=\"group\"><td>{group}</td>");
        for l in snapshots.lines().skip(1) {
            let f: Vec<&str> = l.split(',').collect();
            if f[0] == *group && f[1] == last {
                let _ = write!(
                    row,
                    "<td class=\"num\">{}</td>",
                    crate::common::thousands(f[3].parse().unwrap())
                );
            }
        }
        assert!(html.contains(&row), "no row {row}");
    }
}

/// A file of `groups` channels named `label(i)`, group `i` with `size(i)`
/// customers, every other one converting.
fn many_groups(path: &Path, groups: usize, label: impl Fn(usize) -> String, size: impl Fn(usize) -> usize) {
    let mut text = String::from("customer_id,order_date,amount,channel\n");
    let mut c = 0;
    for g in 0..groups {
        for j in 0..size(g) {
            let first = format!("2024-{:02}-{:02}", 1 + (j % 6), 1 + (j % 27));
            let _ = writeln!(text, "C{c},{first},1000,{}", label(g));
            if j % 2 == 0 {
                let second = format!("2024-{:02}-{:02}", 1 + (j % 6), 2 + (j % 27));
                let _ = writeln!(text, "C{c},{second},1000,{}", label(g));
            }
            c += 1;
        }
    }
    std::fs::write(path, text).unwrap();
}

#[test]
fn one_group_and_fifty_groups_with_long_labels() {
    let dir = tempfile::tempdir().unwrap();
    let one = dir.path().join("one.csv");
    many_groups(&one, 1, |_| "検索広告".into(), |_| 40);
    let (_, by) = section(&one, "2024-12-31");
    assert_eq!((by.rates.len(), by.shown_rates.len(), by.pooled_rates), (1, 1, 0));
    assert_eq!((by.boxes.len(), by.pooled_boxes), (1, 0));
    assert_eq!((by.rates[0].first_timers, by.rates[0].converted), (40, 20));
    assert_eq!(by.rates[0].rank, Some(1));
    assert_eq!((by.trend.lines.len(), by.trend.left_out), (1, 0));
    let folder = report(
        &one,
        &dir.path().join("r1"),
        &["--by", "channel", "--as-of", "2024-12-31"],
    );
    assert!(folder.join("10_by_group.png").exists());

    let fifty = dir.path().join("fifty.csv");
    let long = |g: usize| format!("とても長いキャンペーン名の広告媒体グループ{g:02}");
    many_groups(&fifty, 50, long, |g| 60 - g);
    let (_, by) = section(&fifty, "2024-12-31");
    assert_eq!((by.rates.len(), by.shown_rates.len(), by.pooled_rates), (50, 9, 42));
    let others = by.shown_rates.last().unwrap();
    assert_eq!(others.label, "その他");
    // Groups 8..49 pooled: sizes 52 down to 11.
    let pooled: u64 = (8..50).map(|g| 60 - g as u64).sum();
    assert_eq!(others.first_timers, pooled);
    assert_eq!(by.shown_rates[0].label, long(0), "largest first");
    // Sizes 60 - g: groups 0..=30 have 30 or more first-time customers.
    assert_eq!(by.rates.iter().filter(|r| r.rank.is_some()).count(), 31);
    assert_eq!((by.boxes.len(), by.pooled_boxes), (9, 42));
    assert_eq!(
        (by.trend.lines.len(), by.trend.left_out),
        (8, 42),
        "the trend draws the largest 8"
    );
    let labels: Vec<&str> = by.trend.lines.iter().map(|l| l.label.as_str()).collect();
    assert_eq!(
        labels,
        (0..8)
            .map(long)
            .collect::<Vec<_>>()
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
    );
    let folder = report(
        &fifty,
        &dir.path().join("r50"),
        &["--by", "channel", "--as-of", "2024-12-31"],
    );
    let html = std::fs::read_to_string(folder.join("index.html")).unwrap();
    assert_eq!(
        html.matches("<tr class=\"group\">").count(),
        50 + 9,
        "every group, then the 9 rows"
    );
    assert!(html.contains("ほか 42 グループ"));

    // Labels that do not fit are shortened in the middle and stay apart.
    let (a, b) = (shorten(&long(1), 26.0, 384.0), shorten(&long(2), 26.0, 384.0));
    for s in [&a, &b] {
        assert!(text_width(s, 26.0) <= 384.0, "{s}");
        assert!(s.contains('…') && s.starts_with("とても") && s.chars().count() < long(1).chars().count());
    }
    assert!(a.ends_with('1') && b.ends_with('2') && a != b, "{a} {b}");
    assert_eq!(shorten("紙DM", 26.0, 314.0), "紙DM");
}

#[test]
fn the_section_is_the_same_from_the_tables() {
    let dir = tempfile::tempdir().unwrap();
    let from_input = report(&sample(), &dir.path().join("a"), &["--by", "channel"]);
    let tables = dir.path().join("tables");
    Command::cargo_bin("cpm")
        .unwrap()
        .args(["tables", "--input"])
        .arg(sample())
        .args(["--by", "channel", "--out-dir"])
        .arg(&tables)
        .assert()
        .success();
    Command::cargo_bin("cpm")
        .unwrap()
        .args(["report", "--tables"])
        .arg(&tables)
        .arg("--out-dir")
        .arg(dir.path().join("b"))
        .assert()
        .success();
    let (a, b) = (files(&from_input), files(&dir.path().join("b/2025-12")));
    assert!(a.contains_key("10_by_group.png"));
    assert!(a.contains_key("11_by_group_trend.png"));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (name, bytes) in &a {
        assert!(bytes == &b[name], "{name} differs between --input and --tables");
    }
}

/// The trend table: one row per acquisition month of the run's last 24,
/// the whole run's rate and each of the largest groups', worked out from
/// tables/conversion.csv; provisional months marked; the reading's
/// figures are the largest group's last 6 matured months against the 6
/// before.
#[test]
fn the_trend_table_is_conversion_csv_by_month() {
    let dir = tempfile::tempdir().unwrap();
    let folder = report(&sample(), dir.path(), &["--by", "channel"]);
    let html = std::fs::read_to_string(folder.join("index.html")).unwrap();
    let csv = std::fs::read_to_string(folder.join("tables/conversion.csv")).unwrap();
    // (group, month) → (size, converted); month → matured.
    let mut cells: BTreeMap<(String, i32), (u64, u64)> = BTreeMap::new();
    let mut whole: BTreeMap<i32, (u64, u64)> = BTreeMap::new();
    let mut matured: BTreeMap<i32, bool> = BTreeMap::new();
    for l in csv.lines().skip(1) {
        let f: Vec<&str> = l.split(',').collect();
        let (m, n, k): (i32, u64, u64) = (month(f[1]), f[2].parse().unwrap(), f[3].parse().unwrap());
        cells.insert((f[0].to_string(), m), (n, k));
        let w = whole.entry(m).or_default();
        w.0 += n;
        w.1 += k;
        matured.insert(m, f[5] == "true");
    }
    let months: Vec<i32> = whole.keys().copied().collect();
    let months = &months[months.len().saturating_sub(24)..];
    let latest = matured.iter().filter(|e| *e.1).map(|e| *e.0).max().unwrap();
    let mut groups: Vec<(String, u64)> = Vec::new();
    for ((g, m), (n, _)) in &cells {
        if matured[m] && *m > latest - 12 {
            match groups.iter_mut().find(|e| &e.0 == g) {
                Some(e) => e.1 += n,
                None => groups.push((g.clone(), *n)),
            }
        }
    }
    groups.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let cell = |p: Option<&(u64, u64)>| match p {
        Some(&(n, k)) if n > 0 => format!(
            "<td class=\"num\">{:.1}%<span class=\"note\"> ({})</span></td>",
            k as f64 / n as f64 * 100.0,
            crate::common::thousands(n)
        ),
        _ => "<td class=\"num\">-</td>".to_string(),
    };
    let (y, mo) = (|m: i32| m.div_euclid(12), |m: i32| m.rem_euclid(12) + 1);
    for &m in months {
        let (class, mark) = if matured[&m] {
            ("month", "")
        } else {
            ("month provisional", " 暫定")
        };
        let mut row = format!(
            "<tr class=\"{class}\"><td>{:04}-{:02}{mark}</td>{}",
            y(m),
            mo(m),
            cell(whole.get(&m))
        );
        for (g, _) in &groups {
            row.push_str(&cell(cells.get(&(g.clone(), m))));
        }
        row.push_str("</tr>");
        assert!(html.contains(&row), "no row {row}");
    }
    assert!(html.contains("2025-12 暫定"), "the open cohorts are marked");
    // The reading: the largest group, last 6 matured months against the 6 before.
    let finals: Vec<i32> = months.iter().copied().filter(|m| matured[m]).collect();
    let pool = |ms: &[i32]| {
        let (n, k) = ms
            .iter()
            .filter_map(|m| cells.get(&(groups[0].0.clone(), *m)))
            .fold((0, 0), |(n, k), &(a, b)| (n + a, k + b));
        k as f64 / n as f64
    };
    let end = finals.len();
    let (recent, before) = (pool(&finals[end - 6..]), pool(&finals[end - 12..end - 6]));
    let want = format!(
        "「{}」の転換率は直近 6 か月の確定コホートで {:.1}%",
        groups[0].0,
        recent * 100.0
    );
    assert!(html.contains(&want), "{want}");
    assert!(html.contains(&format!("その前の 6 か月は {:.1}% でした", before * 100.0)));
}

/// `cpm summary --by`: a line per group, the larger first, with customers,
/// active, the 優良現役 share, first-time customers, the pooled rate and
/// its gap to target worked out by hand; the small group marked.
#[test]
fn the_summary_has_a_line_per_group() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("two.csv");
    // 紙DM: 5 customers, 3 convert; 検索広告: 40, 20 convert (every other one).
    many_groups(&path, 2, |g| ["紙DM", "検索広告"][g].into(), |g| [5, 40][g]);
    let out = Command::cargo_bin("cpm")
        .unwrap()
        .args(["summary", "--input"])
        .arg(&path)
        .args(["--by", "channel", "--as-of", "2024-12-31", "-q"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<Vec<&str>> = text
        .lines()
        .skip_while(|l| !l.starts_with("channel 別"))
        .skip(2)
        .map(|l| l.split_whitespace().collect())
        .collect();
    // Every purchase is in 2024-01..06, so every cohort has matured; active at
    // 2024-12-31 (recency < 240) are those whose last day is 2024-05-06 or later:
    // 11 of 検索広告's, 1 of 紙DM's; none loyal. Wilson by hand: 20/40 → 35.2–64.8%,
    // 3/5 → 23.1–88.2%.
    assert_eq!(
        lines[0],
        ["検索広告", "40", "11", "0.0%", "40", "50.0%", "35–65%", "±0.0pt"],
        "{text}"
    );
    assert_eq!(
        lines[1],
        ["紙DM", "5", "1", "0.0%", "5", "60.0%", "23–88%", "判断外"],
        "{text}"
    );
    assert!(lines[2].concat().starts_with("判断外="), "{text}");
}

/// The handout (printed A4 landscape): each chart, with its title and
/// reading, is one full page (`<div class="page">`, sized to the printable
/// height by the print stylesheet); the breakdown's tables follow it
/// outside that page, so they start on the next one and never push the
/// chart off its page.
#[test]
fn each_chart_is_a_page_and_the_breakdown_tables_follow_it() {
    let dir = tempfile::tempdir().unwrap();
    let folder = report(&sample(), dir.path(), &["--by", "channel"]);
    let html = std::fs::read_to_string(folder.join("index.html")).unwrap();
    let sections: Vec<&str> = html.split("<section class=\"chart\">\n").skip(1).collect();
    assert_eq!(sections.len(), 10, "8 CPM charts and the breakdown's two");
    for s in &sections {
        let s = &s[..s.find("</section>").unwrap()];
        assert!(s.starts_with("<div class=\"page\">\n<h2>"), "{}", &s[..80.min(s.len())]);
        let page_end = s.find("</figure>\n</div>").expect("the page closes after the figure");
        assert!(!s[..page_end].contains("<table"), "no table inside a chart page");
    }
    let by_group = sections.iter().find(|s| s.contains("by-group rates")).unwrap();
    assert!(by_group.find("</figure>\n</div>").unwrap() < by_group.find("<table").unwrap());
    for rule in [
        "@page { size: A4 landscape;",
        "section.chart > .page { height: 189mm;",
        "section.chart > .page + * { break-before: page; }",
        "table.by-group { font-size: 8pt; }",
    ] {
        assert!(html.contains(rule), "print rule {rule}");
    }
}
