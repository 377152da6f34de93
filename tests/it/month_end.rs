//! Scheduled runs: `--month last`, and data that stops a few days short of
//! a month-end (an export cut early) said loudly, or refused with
//! `--strict-month`.

use assert_cmd::Command;
use predicates::prelude::*;

fn history(last_day: &str) -> String {
    format!("customer_id,order_date,amount\nA,2026-09-05,1000\nB,2026-10-10,2000\nC,{last_day},3000\n")
}

fn report(dir: &std::path::Path, last_day: &str, flags: &[&str]) -> assert_cmd::assert::Assert {
    std::fs::write(dir.join("o.csv"), history(last_day)).unwrap();
    Command::cargo_bin("cpm")
        .unwrap()
        .current_dir(dir)
        .args(["report", "--input", "o.csv", "--out-dir", "r"])
        .args(flags)
        .assert()
}

#[test]
fn data_ending_on_a_month_end_reports_that_month_quietly() {
    let dir = tempfile::tempdir().unwrap();
    report(dir.path(), "2026-11-30", &["--strict-month"])
        .success()
        .stderr(predicate::str::contains("warning").not());
    assert!(dir.path().join("r/2026-11/index.html").exists());
}

#[test]
fn data_one_day_short_of_a_month_end_is_said_loudly_or_refused() {
    let dir = tempfile::tempdir().unwrap();
    report(dir.path(), "2026-11-29", &["--month", "last"])
        .success()
        .stderr(predicate::str::contains(
            "warning: the data ends on 2026-11-29, 1 day before the month-end 2026-11-30: this report is for 2026-10",
        ))
        .stderr(predicate::str::contains("pass --as-of 2026-11-29"));
    assert!(dir.path().join("r/2026-10/index.html").exists());
    let dir = tempfile::tempdir().unwrap();
    report(dir.path(), "2026-11-29", &["--strict-month"])
        .code(1)
        .stderr(predicate::str::contains("(--strict-month, read.strict_month)"));
    assert!(!dir.path().join("r/2026-10").exists(), "nothing written");
    // Asked for explicitly, the part-covered month is reported without a word.
    let dir = tempfile::tempdir().unwrap();
    report(dir.path(), "2026-11-29", &["--as-of", "2026-11-29", "--strict-month"])
        .success()
        .stderr(predicate::str::contains("warning").not());
    assert!(dir.path().join("r/2026-11/index.html").exists());
}

/// A cron line with no reading flags: encoding, bad rows and the strict
/// month come from cpm.toml's `[read]` table, as the flags would give them.
#[test]
fn the_read_table_replaces_the_reading_flags() {
    let dir = tempfile::tempdir().unwrap();
    let toml = "[read]\nencoding = \"shift_jis\"\nlenient = true\nstrict_month = true\n\
                [columns]\ncustomer = \"会員ID\"\ndate = \"受注日\"\namount = \"金額\"\n";
    std::fs::write(dir.path().join("cpm.toml"), toml).unwrap();
    let run = |last_day: &str| {
        let text =
            format!("会員ID,受注日,金額\nA,2026-09-05,1000\nB,2026-13-01,5\nＢ,2026-10-10,2000\nC,{last_day},3000\n");
        let (bytes, _, bad) = encoding_rs::SHIFT_JIS.encode(&text);
        assert!(!bad);
        std::fs::write(dir.path().join("o.csv"), &bytes).unwrap();
        Command::cargo_bin("cpm")
            .unwrap()
            .current_dir(dir.path())
            .args(["report", "--input", "o.csv", "--out-dir", "r", "--month", "last"])
            .assert()
    };
    // Cut one day short: refused as --strict-month refuses.
    run("2026-11-29")
        .code(1)
        .stderr(predicate::str::contains("(--strict-month, read.strict_month)"));
    assert!(!dir.path().join("r").join("2026-10").exists());
    // The whole month: the bad row skipped as --lenient skips it.
    run("2026-11-30")
        .success()
        .stderr(predicate::str::contains("; 1 bad row skipped"));
    assert!(dir.path().join("r/2026-11/index.html").exists());
    // The encoding is the file's setting, not detected: utf-8 fails on Shift_JIS.
    std::fs::write(dir.path().join("cpm.toml"), toml.replace("shift_jis", "utf-8")).unwrap();
    run("2026-11-30").code(1);
}

#[test]
fn data_a_week_short_of_a_month_end_is_an_ordinary_mid_month_end() {
    let dir = tempfile::tempdir().unwrap();
    report(dir.path(), "2026-11-23", &["--strict-month"])
        .success()
        .stderr(predicate::str::contains("warning").not());
    assert!(dir.path().join("r/2026-10/index.html").exists());
}
