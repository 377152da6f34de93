//! Snapshot tests of what people read: the terminal summary, the report
//! model's words and numbers, and error messages. Nothing here depends on
//! the clock; temporary paths are masked.

use std::fmt::Write as _;
use std::path::Path;

use crate::common::today;
use assert_cmd::Command;
use cpm::config::Config;
use cpm::ingest::ReadOptions;
use cpm::text::lang::Lang;

fn sample() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/orders.csv")
}

fn summary(lang: &str) -> String {
    let out = Command::cargo_bin("cpm")
        .unwrap()
        .args(["summary", "--lang", lang, "--input"])
        .arg(sample())
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn summary_ja() {
    insta::assert_snapshot!(summary("ja"));
}

#[test]
fn summary_en() {
    insta::assert_snapshot!(summary("en"));
}

/// The report model in words: cards, readings, actions, list sizes.
fn model_text(lang: Lang) -> String {
    let config = Config::default();
    let a = cpm::pipeline::analyze(&sample(), &config, &ReadOptions::default(), None, today()).unwrap();
    let m = cpm::report::model::build(&cpm::tables::Tables::of(a, &config), lang);
    let mut out = format!("{}\n\n", m.title);
    for c in &m.cards {
        let _ = writeln!(
            out,
            "[{}] {} | {} | {} | {}",
            c.title,
            c.value,
            c.change,
            c.year_on_year,
            c.target.as_deref().unwrap_or("-")
        );
    }
    for s in &m.charts {
        let _ = writeln!(out, "\n## {} ({})\n{}", s.title, s.file, s.reading);
    }
    out.push('\n');
    for r in &m.actions {
        let responders = r.expected_responders.map_or("-".to_string(), |n| format!("{n:.1}"));
        let _ = writeln!(out, "{} {} {} → {responders}", r.name, r.customers, r.communication);
    }
    for l in &m.lists {
        let _ = writeln!(out, "list {}: {} customers", l.file, l.customers.len());
    }
    out
}

#[test]
fn report_model_ja() {
    insta::assert_snapshot!(model_text(Lang::Ja));
}

#[test]
fn report_model_en() {
    insta::assert_snapshot!(model_text(Lang::En));
}

#[test]
fn error_messages() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "bad_date.csv",
            "customer_id,order_date,amount\nA,2024-01-10,5000\nB,2024/02/30,100\n",
        ),
        (
            "bad_amount.csv",
            "customer_id,order_date,amount\nA,2024-01-10,\"1,23\"\n",
        ),
        (
            "no_id.csv",
            "customer_id,order_date,amount\nA,2024-01-10,5000\n ,2024-01-11,100\n",
        ),
        ("wrong_column.csv", "member,order_date,amount\nA,2024-01-10,5000\n"),
        ("header_only.csv", "customer_id,order_date,amount\n"),
    ];
    let mut out = String::new();
    for (name, text) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let result = Command::cargo_bin("cpm")
            .unwrap()
            .args(["tables", "--out-dir"])
            .arg(dir.path().join("out"))
            .arg("--input")
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(result.status.code(), Some(1), "{name}");
        let stderr = String::from_utf8(result.stderr)
            .unwrap()
            .replace(&dir.path().display().to_string(), "[DIR]");
        let _ = writeln!(out, "{name}: {}", stderr.trim_end());
    }
    insta::assert_snapshot!(out);
}

/// The definitions box carries the configured numbers, not the defaults.
#[test]
fn definitions_with_custom_thresholds() {
    let cpm_config = crate::common::config(
        "[cpm]\nchurn_days = 180\ntoddler_days = 60\nloyal_days = 200\nloyal_amount = 50000\nsuper_loyal_amount = 300000\n",
    );
    let lifecycle_config = crate::common::config(
        "scheme = \"lifecycle\"\n[lifecycle]\nactive_days = 40\ndormant_days = 80\nvip_top_share = 0.05\n",
    );
    let mut out = String::new();
    for config in [&cpm_config, &lifecycle_config] {
        for lang in [Lang::Ja, Lang::En] {
            out += &cpm::report::definitions::text(config, lang);
        }
    }
    for number in ["180", "60", "200", "50,000", "300,000", "40", "80", "5%"] {
        assert!(out.contains(number), "{number} in {out}");
    }
    insta::assert_snapshot!(out);
}
