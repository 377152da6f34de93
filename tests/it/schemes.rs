//! The second scheme, the 超優良 tier and the rules record, as a user runs
//! them: `--scheme lifecycle`, `--super-loyal-amount`, `tables/rules.toml`.

use std::path::{Path, PathBuf};

use crate::commands::{cpm, sample, tables};
use predicates::prelude::*;

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn rows(path: &Path) -> Vec<Vec<String>> {
    read(path)
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

const LIFECYCLE_IDS: [&str; 6] = ["dormant", "vip", "at_risk", "winback", "newcomer", "active"];

#[test]
fn lifecycle_tables_keep_the_csv_contract_with_six_states() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("t");
    tables(&sample(), &out, &["--scheme", "lifecycle"]);
    let snapshots = rows(&out.join("snapshots.csv"));
    assert_eq!(snapshots.len() % 6, 0);
    for month in snapshots.chunks(6) {
        let ids: Vec<&str> = month.iter().map(|r| r[1].as_str()).collect();
        assert_eq!(ids, LIFECYCLE_IDS);
        assert!(month.iter().all(|r| r[0] == month[0][0]));
    }
    let transitions = rows(&out.join("transitions.csv"));
    assert!(transitions.iter().any(|r| r[2] == "new" && r[3] == "newcomer"));
    assert!(
        transitions.iter().all(
            |r| (r[2] == "new" || LIFECYCLE_IDS.contains(&r[2].as_str())) && LIFECYCLE_IDS.contains(&r[3].as_str())
        )
    );
    // segments.csv: the as-of states add up to the last snapshot.
    let segments = rows(&out.join("segments.csv"));
    let last = &snapshots[snapshots.len() - 6..];
    for (id, row) in LIFECYCLE_IDS.iter().zip(last) {
        let n = segments.iter().filter(|r| r[1] == *id).count();
        assert_eq!(n.to_string(), row[2], "{id}");
    }
    let rules = read(&out.join("rules.toml"));
    assert!(rules.contains("scheme = \"lifecycle\""), "{rules}");
    assert!(rules.contains("vip_top_share = 0.01"), "{rules}");
}

#[test]
fn rules_toml_reproduces_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first");
    tables(
        &sample(),
        &first,
        &[
            "--churn-days",
            "200",
            "--loyal-amount",
            "60000.5",
            "--super-loyal-amount",
            "150000",
            "--as-of",
            "2025-06-30",
        ],
    );
    let rules = read(&first.join("rules.toml"));
    assert!(rules.contains("churn_days = 200"), "{rules}");
    assert!(rules.contains("loyal_amount = \"60000.5\""), "{rules}");
    assert!(rules.contains("super_loyal_amount = 150000"), "{rules}");
    assert!(rules.contains("as_of = \"2025-06-30\""), "{rules}");
    assert!(rules.contains("input = \"orders.csv\""), "{rules}");
    assert!(rules.contains("# no config file"), "{rules}");
    let again = dir.path().join("again");
    tables(
        &sample(),
        &again,
        &[
            "--config",
            first.join("rules.toml").to_str().unwrap(),
            "--as-of",
            "2025-06-30",
        ],
    );
    for file in ["snapshots.csv", "transitions.csv", "conversion.csv", "segments.csv"] {
        assert_eq!(read(&first.join(file)), read(&again.join(file)), "{file}");
    }
    let snapshots = read(&again.join("snapshots.csv"));
    assert!(snapshots.contains(",super_active,") && snapshots.contains(",super_lapsed,"));
    // The second run records the file it read, with its SHA-256.
    let bytes = std::fs::read(first.join("rules.toml")).unwrap();
    let sha = cpm::config::ConfigSource::of(PathBuf::new(), &bytes).sha256;
    let rules_again = read(&again.join("rules.toml"));
    assert!(
        rules_again.contains(&format!("config_sha256 = \"{sha}\"")),
        "{rules_again}"
    );
}

#[test]
fn a_config_file_with_a_lifecycle_table_is_hashed_into_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("cpm.toml");
    let text = "scheme = \"lifecycle\"\n[lifecycle]\nactive_days = 40\ndormant_days = 80\nvip_top_share = \"0.05\"\n";
    std::fs::write(&config, text).unwrap();
    let sha = cpm::config::ConfigSource::of(PathBuf::new(), text.as_bytes()).sha256;
    let out = dir.path().join("reports");
    cpm()
        .args(["report", "--input"])
        .arg(sample())
        .arg("--config")
        .arg(&config)
        .arg("--out-dir")
        .arg(&out)
        .assert()
        .success();
    let month = out.join("2025-12");
    let html = read(&month.join("index.html"));
    assert!(html.contains(&sha), "the config's SHA-256 is in the HTML");
    assert!(
        html.contains("scheme = lifecycle; active_days = 40, dormant_days = 80"),
        "rules line"
    );
    assert!(html.contains("vip_top_share = 0.05"));
    assert!(html.contains("tables/rules.toml"));
    let rules = read(&month.join("tables/rules.toml"));
    assert!(rules.contains(&format!("config_sha256 = \"{sha}\"")));
    assert!(rules.contains("active_days = 40"));
}

#[test]
fn lifecycle_report_has_its_own_charts_cards_and_lists() {
    let dir = tempfile::tempdir().unwrap();
    cpm()
        .args(["report", "--scheme", "lifecycle", "--input"])
        .arg(sample())
        .arg("--out-dir")
        .arg(dir.path())
        .assert()
        .success();
    let month = dir.path().join("2025-12");
    for chart in ["01_states", "02_transitions", "03_winback"] {
        let png = std::fs::read(month.join(format!("{chart}.png"))).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "{chart}.png");
        assert!(read(&month.join(format!("{chart}.svg"))).contains("<svg"));
    }
    for cpm_only in [
        "01_portfolio",
        "02_funnel",
        "04_conversion",
        "06_cohort_ladder",
        "07_sales",
    ] {
        assert!(
            !month.join(format!("{cpm_only}.png")).exists(),
            "{cpm_only} is CPM-only"
        );
    }
    for list in ["at_risk", "winback", "vip"] {
        assert!(month.join("lists").join(format!("{list}.csv")).is_file(), "{list}");
    }
    let html = read(&month.join("index.html"));
    assert!(html.contains("ライフサイクル月次レポート 2025年12月"));
    for name in ["休眠", "優良(Core/VIP)", "休眠予備軍", "復活", "新規", "継続"] {
        assert!(html.contains(name), "{name}");
    }
    assert!(
        !html.contains("優良現役"),
        "no CPM segment names in the lifecycle report"
    );
    // The cards are the tables' numbers.
    let snapshots = rows(&month.join("tables/snapshots.csv"));
    let last: Vec<&Vec<String>> = snapshots.iter().filter(|r| r[0] == "2025-12-31").collect();
    let count = |id: &str| last.iter().find(|r| r[1] == id).unwrap()[2].parse::<u64>().unwrap();
    let vip = cpm::text::format::thousands(i128::from(count("vip")));
    assert!(
        html.contains(&format!("<div class=\"value\">{vip}</div>")),
        "VIP card {vip}"
    );
    let at_risk = cpm::text::format::thousands(i128::from(count("at_risk")));
    assert!(
        html.contains(&format!("<div class=\"value\">{at_risk}</div>")),
        "at-risk card"
    );
    let all: u64 = LIFECYCLE_IDS.iter().map(|id| count(id)).sum();
    let engaged = count("vip") + count("winback") + count("newcomer") + count("active");
    let share = format!("{:.1}%", engaged as f64 * 100.0 / all as f64);
    assert!(
        html.contains(&format!("<div class=\"value\">{share}</div>")),
        "engaged share {share}"
    );
    let transitions = rows(&month.join("tables/transitions.csv"));
    let winbacks: u64 = transitions
        .iter()
        .filter(|r| r[1] == "2025-12-31" && r[3] == "winback" && r[2] != "winback")
        .map(|r| r[4].parse::<u64>().unwrap())
        .sum();
    assert!(
        html.contains(&format!("<div class=\"value\">{winbacks}</div>")),
        "winback card {winbacks}"
    );
    let at_risk_list = rows(&month.join("lists/at_risk.csv"));
    assert_eq!(at_risk_list.len() as u64, count("at_risk"));
}

#[test]
fn super_loyal_report_shows_twelve_segments_and_says_what_is_merged() {
    let dir = tempfile::tempdir().unwrap();
    cpm()
        .args(["report", "--super-loyal-amount", "200000", "--lang", "en", "--input"])
        .arg(sample())
        .arg("--out-dir")
        .arg(dir.path())
        .assert()
        .success();
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
        assert!(month.join(format!("{chart}.png")).is_file(), "{chart}");
    }
    let html = read(&month.join("index.html"));
    assert!(html.contains("Super-loyal (active)") && html.contains("Super-loyal (lapsed)"));
    assert!(html.contains("CPM portfolio (twelve segments, with super-loyal)"));
    assert!(
        html.contains("count super-loyal as loyal"),
        "the merged charts are named"
    );
    assert!(html.contains("super_loyal_amount = 200000"));
    let snapshots = rows(&month.join("tables/snapshots.csv"));
    let last: Vec<&Vec<String>> = snapshots.iter().filter(|r| r[0] == "2025-12-31").collect();
    let ids: Vec<&str> = last.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(
        ids,
        [
            "first_active",
            "toddler_active",
            "trendy_active",
            "steady_active",
            "loyal_active",
            "super_active",
            "first_lapsed",
            "toddler_lapsed",
            "trendy_lapsed",
            "steady_lapsed",
            "loyal_lapsed",
            "super_lapsed"
        ]
    );
    let n = |i: usize| last[i][2].parse::<u64>().unwrap();
    assert!(n(5) > 0, "some customers are super-loyal on the sample");
    let active: u64 = (0..6).map(n).sum();
    let share = format!("{:.1}%", (n(4) + n(5)) as f64 * 100.0 / active as f64);
    assert!(
        html.contains(&format!("<div class=\"value\">{share}</div>")),
        "loyal share incl. super {share}"
    );
    // Same customers as without the tier: 優良 + 超優良 = the ten-segment 優良.
    let plain = dir.path().join("plain");
    tables(&sample(), &plain, &[]);
    let ten = rows(&plain.join("snapshots.csv"));
    let ten_last: Vec<&Vec<String>> = ten.iter().filter(|r| r[0] == "2025-12-31").collect();
    assert_eq!(ten_last[4][2].parse::<u64>().unwrap(), n(4) + n(5));
    assert_eq!(ten_last[9][2].parse::<u64>().unwrap(), n(10) + n(11));
    assert_eq!(ten_last[0][2].parse::<u64>().unwrap(), n(0));
}

#[test]
fn summaries_of_both_schemes() {
    cpm()
        .args(["summary", "--scheme", "lifecycle", "--input"])
        .arg(sample())
        .assert()
        .success()
        .stdout(predicate::str::contains("ライフサイクル(6 区分) 2025-12-31"))
        .stdout(predicate::str::contains("休眠予備軍"))
        .stdout(predicate::str::contains("今月の復活"))
        .stdout(predicate::str::contains("VIP 線"))
        .stdout(predicate::str::contains("scheme = lifecycle"));
    cpm()
        .args(["summary", "--super-loyal-amount", "200000", "--input"])
        .arg(sample())
        .assert()
        .success()
        .stdout(predicate::str::contains("超優良"))
        .stdout(predicate::str::contains("優良現役(超優良を含む)の現役比率"));
}

#[test]
fn bad_scheme_settings_are_clear_errors() {
    // A scheme that does not exist is bad usage: clap names the choices.
    cpm()
        .args(["summary", "--input"])
        .arg(sample())
        .args(["--scheme", "rfm"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("possible values: cpm, lifecycle"));
    // A flag's own value out of range is bad usage (exit 2)...
    for (flags, message) in [
        (vec!["--vip-top-share", "1.5"], "must be a decimal from 0 to 1"),
        (vec!["--vip-top-share", "0.0000001"], "at most six decimals"),
        (vec!["--churn-days", "-5"], "from 1 to 36500"),
        (vec!["--churn-days=-5"], "from 1 to 36500"),
    ] {
        cpm()
            .args(["summary", "--input"])
            .arg(sample())
            .args(&flags)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(message))
            .stderr(predicate::str::contains("panicked").not());
    }
    // ...settings that contradict each other are a configuration error (exit 1).
    for (flags, message) in [
        (vec!["--active-days", "90"], "must not be more than dormant_days"),
        (vec!["--super-loyal-amount", "1000"], "must be at least loyal_amount"),
        (vec!["--super-loyal-days", "400"], "needs an amount"),
    ] {
        cpm()
            .args(["summary", "--input"])
            .arg(sample())
            .args(&flags)
            .assert()
            .code(1)
            .stderr(predicate::str::contains(message))
            .stderr(predicate::str::contains("panicked").not());
    }
}

#[test]
fn the_lifecycle_transitions_sentence_tells_top_share_vips_from_purchases() {
    // vip_top_share 0.2, month-ends 2024-12, 2025-01, 2025-02. At 2025-01-31
    // five customers are not dormant, so k = 1: Y (200,000) is VIP; X, Z, W
    // and U are at risk (31-47 days). At 2025-02-28 Y (61 days) and Z (70)
    // are dormant; of the four left k = 1 again: X (100,000, 60 days, no
    // purchase) is VIP by the top share alone. W bought on 02-10 (a newcomer,
    // two purchase days 57 days apart), U (59 days) is still at risk, V is
    // the month's one first purchase.
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("orders.csv");
    std::fs::write(
        &input,
        "customer_id,order_date,amount\nY,2024-12-29,200000\nX,2024-12-30,100000\nZ,2024-12-20,1000\n\
         W,2024-12-15,2000\nU,2024-12-31,50\nW,2025-02-10,1500\nV,2025-02-28,500\n",
    )
    .unwrap();
    let out = dir.path().join("t");
    tables(&input, &out, &["--scheme", "lifecycle", "--vip-top-share", "0.2"]);
    let tables = cpm::tables::read(&out).unwrap();
    let reading = |lang| {
        let m = cpm::report::model::build(&tables, lang);
        m.charts
            .iter()
            .find(|c| c.file == "02_transitions")
            .unwrap()
            .reading
            .clone()
    };
    assert_eq!(
        reading(cpm::text::lang::Lang::Ja),
        "今月の初購入は 1 人。前月末の休眠予備軍 4 人のうち 1 人(25.0%)が休眠に入り、1 人が購入して戻りました。\
         ほかに 1 人は購入がないまま、累計額が休眠以外の上位 20% に入ったため優良(VIP)に数えられています。\
         1 人は休眠予備軍のままです。"
    );
    assert_eq!(
        reading(cpm::text::lang::Lang::En),
        "1 first purchase this month. Of last month's 4 at-risk customers, 1 (25.0%) went dormant and 1 bought \
         again. VIP without a purchase, their total being in the top 20% of the customers not dormant: 1. Still at \
         risk: 1."
    );
}
