//! The monthly report folder, as the analyst opens it.

use std::path::Path;

use assert_cmd::Command;

fn run_report(input: &Path, out: &Path, extra: &[&str]) {
    Command::cargo_bin("cpm")
        .unwrap()
        .args(["report", "--input"])
        .arg(input)
        .arg("--out-dir")
        .arg(out)
        .args(extra)
        .assert()
        .success();
}

fn sample() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/orders.csv")
}

/// Reads a CSV written by `cpm tables` into rows of fields (no quoting in these files).
fn rows(path: &Path) -> Vec<Vec<String>> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

#[test]
fn report_folder_is_complete_and_self_contained() {
    let dir = tempfile::tempdir().unwrap();
    run_report(&sample(), dir.path(), &[]);
    let month = dir.path().join("2025-12");
    for chart in [
        "01_portfolio",
        "02_funnel",
        "03_trend",
        "04_conversion",
        "05_transitions",
        "06_cohort_ladder",
        "07_sales",
    ] {
        let png = std::fs::read(month.join(format!("{chart}.png"))).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "{chart}.png");
        let svg = std::fs::read_to_string(month.join(format!("{chart}.svg"))).unwrap();
        assert!(svg.contains("<svg"), "{chart}.svg");
    }
    for table in ["snapshots", "transitions", "conversion", "segments"] {
        assert!(month.join("tables").join(format!("{table}.csv")).is_file(), "{table}");
    }
    for list in ["loyal_lapsed", "newly_lapsed", "first_last_chance"] {
        assert!(month.join("lists").join(format!("{list}.csv")).is_file(), "{list}");
    }
    let html = std::fs::read_to_string(month.join("index.html")).unwrap();
    // Self-contained: no scripts, no external resources.
    assert!(!html.contains("<script"));
    assert!(!html.contains("http://") && !html.contains("https://"));
    assert!(
        !html.contains("src=\"")
            || html.matches("src=\"").count() == html.matches("src=\"data:image/png;base64,").count()
    );
    assert!(html.contains("@media print"));
    for name in [
        "初回現役",
        "よちよち現役",
        "流行現役",
        "コツコツ現役",
        "優良現役",
        "初回離脱",
        "よちよち離脱",
        "流行離脱",
        "コツコツ離脱",
        "優良離脱",
    ] {
        assert!(html.contains(name), "segment {name} missing from the HTML");
    }

    // The KPI numbers in the page are the ones in tables/.
    let conversion = rows(&month.join("tables/conversion.csv"));
    let latest = conversion
        .iter()
        .rev()
        .find(|r| r[4] == "true")
        .expect("a matured cohort");
    let rate: f64 = latest[3].parse().unwrap();
    let shown = format!("{:.1}%", rate * 100.0);
    assert!(
        html.contains(&format!("<div class=\"value\">{shown}</div>")),
        "conversion {shown} not a KPI card"
    );
    assert!(
        html.contains(&format!("{} 獲得", latest[0])),
        "cohort {} not in HTML",
        latest[0]
    );
    let snapshots = rows(&month.join("tables/snapshots.csv"));
    let last: Vec<&Vec<String>> = snapshots.iter().filter(|r| r[0] == "2025-12-31").collect();
    assert_eq!(last.len(), 10);
    let active: u64 = last[..5].iter().map(|r| r[2].parse::<u64>().unwrap()).sum();
    let loyal: u64 = last[4][2].parse().unwrap();
    let active_text = cpm::text::format::thousands(i128::from(active));
    assert!(
        html.contains(&format!("<div class=\"value\">{active_text}</div>")),
        "active {active_text} not a KPI card"
    );
    let loyal_share = format!("{:.1}%", loyal as f64 * 100.0 / active as f64);
    assert!(
        html.contains(&format!("<div class=\"value\">{loyal_share}</div>")),
        "loyal share {loyal_share} not a KPI card"
    );
}

#[test]
fn english_report_for_an_earlier_month() {
    let dir = tempfile::tempdir().unwrap();
    run_report(&sample(), dir.path(), &["--lang", "en", "--month", "2024-06"]);
    let html = std::fs::read_to_string(dir.path().join("2024-06/index.html")).unwrap();
    assert!(html.contains("<html lang=\"en\">"));
    assert!(html.contains("CPM monthly report — June 2024"));
    assert!(html.contains("Loyal (lapsed)"));
    let snapshots = rows(&dir.path().join("2024-06/tables/snapshots.csv"));
    assert_eq!(snapshots.last().unwrap()[0], "2024-06-30");
}
