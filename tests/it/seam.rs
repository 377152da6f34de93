//! The tables as the seam: a report rendered from a tables folder is the
//! report rendered from the order file, byte for byte; a tables folder reads
//! back into the files it was read from; a folder that is incomplete, from
//! another version or wrong stops with one line naming the place.

use std::path::PathBuf;

use crate::commands::{cpm, files, report_fails, sample, tables};
use crate::common::today;
use predicates::prelude::*;

/// `report --input` and `tables` + `report --tables` give the same folder.
fn same_report(flags: &[&str], lang: &str) {
    let dir = tempfile::tempdir().unwrap();
    let direct = dir.path().join("direct");
    cpm()
        .args(["report", "--input"])
        .arg(sample())
        .arg("--out-dir")
        .arg(&direct)
        .args(["--lang", lang])
        .args(flags)
        .assert()
        .success();
    let tables_dir = dir.path().join("tables");
    tables(&sample(), &tables_dir, flags);
    let via = dir.path().join("via");
    cpm()
        .args(["report", "--tables"])
        .arg(&tables_dir)
        .arg("--out-dir")
        .arg(&via)
        .args(["--lang", lang])
        .assert()
        .success();
    let (a, b) = (files(&direct), files(&via));
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "the same files ({flags:?})"
    );
    assert!(a.keys().any(|k| k.ends_with(".png")) && a.contains_key("2025-12/index.html"));
    assert!(
        a.contains_key("2025-12/cpm_2025-12.xlsx"),
        "the workbook is part of the folder"
    );
    for (name, bytes) in &a {
        assert!(
            bytes == &b[name],
            "{name} differs between --input and --tables ({flags:?})"
        );
    }
    // The report's tables are the tables it was drawn from.
    for (name, bytes) in files(&tables_dir) {
        assert_eq!(&bytes, &a[&format!("2025-12/tables/{name}")], "{name}");
    }
}

#[test]
fn report_from_tables_equals_report_from_orders_cpm() {
    same_report(&[], "ja");
}

#[test]
fn report_from_tables_equals_report_from_orders_lifecycle() {
    same_report(&["--scheme", "lifecycle"], "en");
}

#[test]
fn report_from_tables_equals_report_from_orders_super_loyal() {
    same_report(&["--super-loyal-amount", "200000", "--super-loyal-days", "365"], "ja");
}

#[test]
fn a_tables_folder_reads_back_into_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    // A messy file: a title line, rejects (lenient), a quoted id with a comma.
    let input = dir.path().join("messy.csv");
    std::fs::write(
        &input,
        "注文データ,,\ncustomer_id,order_date,amount\n\"A,1\",2024-01-10,5000\n\"A,1\",2024-03-15,80000\n\
         B,2024-01-20,abc\nB,2024-02-20,1200\nC,2024-02-01,-300\nC,2024-02-03,900\n",
    )
    .unwrap();
    for flags in [vec!["--lenient"], vec!["--lenient", "--scheme", "lifecycle"]] {
        let first = dir.path().join(format!("first{}", flags.len()));
        tables(&input, &first, &flags);
        let read = cpm::tables::read(&first).unwrap();
        let second = dir.path().join(format!("second{}", flags.len()));
        cpm::tables::write_tables(&second, &read).unwrap();
        assert_eq!(files(&first), files(&second), "{flags:?}");
        assert!(files(&first).contains_key("rejects.csv"));
        // The same model as the run itself.
        let config = read.config.clone();
        let options = cpm::ingest::ReadOptions {
            lenient: true,
            ..Default::default()
        };
        let analysis = cpm::pipeline::analyze(&input, &config, &options, None, today()).unwrap();
        let mut direct = cpm::tables::Tables::of(analysis, &config);
        direct.config.source = read.config.source.clone();
        assert_eq!(read, direct, "{flags:?}");
    }
}

/// A copy of a good tables folder with `file` replaced by `edit(text)`.
fn broken(edit_file: &str, edit: impl Fn(&str) -> String) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good");
    tables(&sample(), &good, &[]);
    let text = std::fs::read_to_string(good.join(edit_file)).unwrap();
    std::fs::write(good.join(edit_file), edit(&text)).unwrap();
    (dir, good)
}

#[test]
fn a_bad_tables_folder_is_one_line_naming_the_place() {
    // A missing file.
    let (_d, dir) = broken("ladder.csv", |t| t.to_string());
    std::fs::remove_file(dir.join("ladder.csv")).unwrap();
    report_fails(&dir, "ladder.csv: No such file");
    // A header from another version (segments.csv without previous_segment).
    let (_d, dir) = broken("segments.csv", |t| t.replacen(",previous_segment", "", 1));
    report_fails(&dir, "segments.csv: line 1: the header is");
    // A bad cell: line 3 of snapshots.csv is the second segment of the first month-end.
    let (_d, dir) = broken("snapshots.csv", |t| {
        let mut lines: Vec<String> = t.lines().map(str::to_string).collect();
        let mut fields: Vec<&str> = lines[2].split(',').collect();
        fields[2] = "12x";
        lines[2] = fields.join(",");
        lines.join("\n") + "\n"
    });
    report_fails(
        &dir,
        "snapshots.csv: line 3, column 'customers': not a count (value: \"12x\"",
    );
    // Figures that do not add up: one transition cell changed.
    let (_d, dir) = broken("transitions.csv", |t| {
        let mut lines: Vec<String> = t.lines().map(str::to_string).collect();
        let last = lines.len() - 1;
        let (head, n) = lines[last].rsplit_once(',').unwrap();
        lines[last] = format!("{head},{}", n.parse::<u64>().unwrap() + 1);
        lines.join("\n") + "\n"
    });
    report_fails(&dir, "transitions.csv: the moves");
    // An unknown segment id (another scheme's tables with these rules).
    let (_d, dir) = broken("segments.csv", |t| t.replacen(",first_active,", ",vip,", 1));
    report_fails(&dir, "column 'segment': not a segment of these rules");
    // Not a tables folder at all.
    let dir = tempfile::tempdir().unwrap();
    report_fails(dir.path(), "rules.toml: No such file");
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let input = sample();
    let run = |args: &[&str]| cpm().current_dir(dir.path()).args(args).assert();
    let input = input.to_str().unwrap();
    run(&["report", "--input", input, "--lang", "xx"])
        .code(2)
        .stderr(predicate::str::contains("possible values: ja, en"));
    run(&["summary", "--input", input, "--scheme", "rfm"]).code(2);
    run(&["report", "--input", input, "--month", "2025-13"])
        .code(2)
        .stderr(predicate::str::contains("expected a month YYYY-MM"));
    run(&[
        "report",
        "--input",
        input,
        "--month",
        "2025-11",
        "--as-of",
        "2025-11-30",
    ])
    .code(2)
    .stderr(predicate::str::contains("cannot be used with"));
    run(&["tables", "--input", input, "--out-dir", "t", "--as-of", "0024-03-05"])
        .code(2)
        .stderr(predicate::str::contains("outside 1900-2199"));
    run(&["report"]).code(2);
    run(&["report", "--input", input, "--tables", "t"]).code(2);
    run(&["summary", "--input", input, "--encoding", "latin1"]).code(2);
    // Rules flags with --tables would be silently ignored: refused.
    tables(&sample(), &dir.path().join("t"), &[]);
    run(&["report", "--tables", "t", "--churn-days", "100"])
        .code(2)
        .stderr(predicate::str::contains(
            "--tables renders the tables as they were computed",
        ));
    run(&["report", "--tables", "t", "--month", "2025-10"])
        .code(2)
        .stderr(predicate::str::contains("are as of 2025-12-31"));
    // Bad data is not bad usage.
    std::fs::write(
        dir.path().join("bad.csv"),
        "customer_id,order_date,amount\nA,2024-13-01,1\n",
    )
    .unwrap();
    run(&["summary", "--input", "bad.csv"]).code(1);
}
