//! Output safety: a run never destroys an input or a previous report without
//! being asked, never leaves a mixed or half-written folder (killed or run
//! twice at once), and hands Excel users safe lists.

use std::io::BufRead as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};

use crate::commands::{cpm, files, sample};
use predicates::prelude::*;

fn report(out: &Path, lang: &str) {
    cpm()
        .args(["report", "--input"])
        .arg(sample())
        .arg("--out-dir")
        .arg(out)
        .args(["--lang", lang])
        .assert()
        .success();
}

/// A report run that pauses after `files` files, started and waited for
/// until it says so.
fn paused_report(out: &Path, lang: &str, files: usize) -> Child {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("cpm"))
        .args(["report", "--input"])
        .arg(sample())
        .arg("--out-dir")
        .arg(out)
        .args(["--lang", lang])
        .env("CPM_FAULT_PAUSE_AFTER_FILES", files.to_string())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    for line in std::io::BufReader::new(stderr).lines() {
        if line.unwrap().contains("paused after") {
            return child;
        }
    }
    let status = child.wait().unwrap();
    panic!("the run never paused ({status})");
}

fn signal(child: &mut Child, sig: i32) {
    // SAFETY: sending a signal to our own child process.
    assert_eq!(unsafe { libc::kill(child.id() as i32, sig) }, 0);
    child.wait().unwrap();
}

#[test]
fn a_killed_rerun_leaves_the_earlier_report_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("reports");
    report(&out, "ja");
    let month = out.join("2025-12");
    let earlier = files(&month);
    for (files_before_kill, sig) in [
        (1, libc::SIGKILL),
        (8, libc::SIGINT),
        (16, libc::SIGKILL),
        (24, libc::SIGINT),
    ] {
        let mut child = paused_report(&out, "en", files_before_kill);
        signal(&mut child, sig);
        assert!(files(&month) == earlier, "after a kill at file {files_before_kill}");
        assert!(!out.join("2025-12.previous").exists());
    }
    // The next run clears what the killed ones left and completes.
    report(&out, "en");
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let mut names = names;
    names.sort();
    assert_eq!(names, ["2025-12", "2025-12.previous"], "no leftovers");
    assert!(
        files(&out.join("2025-12.previous")) == earlier,
        "the earlier report kept whole"
    );
    let html = String::from_utf8(std::fs::read(month.join("index.html")).unwrap()).unwrap();
    assert!(html.contains("<html lang=\"en\">"));
}

#[test]
fn a_second_run_on_the_same_folder_is_refused_and_the_first_completes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("reports");
    let mut first = paused_report(&out, "ja", 5);
    cpm()
        .args(["report", "--input"])
        .arg(sample())
        .arg("--out-dir")
        .arg(&out)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("is being written by another cpm run (pid "))
        .stderr(predicate::str::contains(format!("pid {}", first.id())));
    signal(&mut first, libc::SIGKILL);
    assert!(!out.join("2025-12").exists(), "the killed first run left no report");
    report(&out, "ja");
    // The embedded charts are the PNG files.
    let month = out.join("2025-12");
    let html = std::fs::read_to_string(month.join("index.html")).unwrap();
    use base64::Engine as _;
    let embedded: Vec<Vec<u8>> = html
        .split("data:image/png;base64,")
        .skip(1)
        .map(|rest| {
            base64::engine::general_purpose::STANDARD
                .decode(&rest[..rest.find('"').unwrap()])
                .unwrap()
        })
        .collect();
    let mut pngs: Vec<PathBuf> = std::fs::read_dir(&month)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .collect();
    pngs.sort();
    assert_eq!(embedded.len(), pngs.len());
    for (bytes, png) in embedded.iter().zip(&pngs) {
        assert!(bytes == &std::fs::read(png).unwrap(), "{}", png.display());
    }
}

#[test]
fn switching_scheme_leaves_only_this_runs_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("reports");
    report(&out, "ja");
    cpm()
        .args(["report", "--scheme", "lifecycle", "--input"])
        .arg(sample())
        .arg("--out-dir")
        .arg(&out)
        .assert()
        .success()
        .stderr(predicate::str::contains("the previous one kept as"));
    let month = files(&out.join("2025-12"));
    assert!(month.contains_key("01_states.png") && month.contains_key("lists/at_risk.csv"));
    assert!(!month.contains_key("01_portfolio.png") && !month.contains_key("lists/loyal_lapsed.csv"));
    assert!(files(&out.join("2025-12.previous")).contains_key("01_portfolio.png"));
}

#[test]
fn named_outputs_are_never_overwritten_unasked() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let input = d.join("orders.csv");
    std::fs::copy(sample(), &input).unwrap();
    let original = std::fs::read(&input).unwrap();
    let run = |args: &[&str]| cpm().current_dir(d).args(args).assert();
    // The input as the output: refused, forced or not.
    for force in [false, true] {
        let mut args = vec![
            "whatif",
            "--input",
            "orders.csv",
            "--set",
            "churn_days=100",
            "--out",
            "orders.csv",
        ];
        if force {
            args.push("--force");
        }
        run(&args).code(1).stderr(predicate::str::contains("is the input file"));
        run(&["calibrate", "--input", "orders.csv", "--out", "./orders.csv"])
            .code(1)
            .stderr(predicate::str::contains("is the input file"));
    }
    assert_eq!(std::fs::read(&input).unwrap(), original);
    // An existing file: refused without --force, replaced with it.
    std::fs::write(d.join("moves.csv"), "keep me").unwrap();
    run(&[
        "whatif",
        "--input",
        "orders.csv",
        "--set",
        "churn_days=100",
        "--out",
        "moves.csv",
    ])
    .code(1)
    .stderr(predicate::str::contains("moves.csv exists: not overwritten"));
    assert_eq!(std::fs::read_to_string(d.join("moves.csv")).unwrap(), "keep me");
    run(&[
        "whatif",
        "--input",
        "orders.csv",
        "--set",
        "churn_days=100",
        "--out",
        "moves.csv",
        "--force",
    ])
    .success();
    assert!(
        std::fs::read_to_string(d.join("moves.csv"))
            .unwrap()
            .starts_with("from_segment,to_segment,customers")
    );
    run(&["generate", "--customers", "10", "--out", "orders.csv"])
        .code(1)
        .stderr(predicate::str::contains("exists: not overwritten"));
    assert_eq!(std::fs::read(&input).unwrap(), original);
    // Symlinks: a dangling one is refused; forced, the link is replaced, its target untouched.
    std::os::unix::fs::symlink(d.join("nowhere.toml"), d.join("dangling.toml")).unwrap();
    run(&["calibrate", "--input", "orders.csv", "--out", "dangling.toml"])
        .code(1)
        .stderr(predicate::str::contains("exists (a symlink)"));
    assert!(!d.join("nowhere.toml").exists());
    std::fs::write(d.join("precious.txt"), "precious").unwrap();
    std::os::unix::fs::symlink(d.join("precious.txt"), d.join("link.csv")).unwrap();
    run(&[
        "whatif",
        "--input",
        "orders.csv",
        "--set",
        "churn_days=100",
        "--out",
        "link.csv",
        "--force",
    ])
    .success();
    assert_eq!(std::fs::read_to_string(d.join("precious.txt")).unwrap(), "precious");
    assert!(
        !std::fs::symlink_metadata(d.join("link.csv"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    // A tables folder that holds the input, or other work, is refused before any work.
    std::fs::create_dir(d.join("work")).unwrap();
    std::fs::copy(sample(), d.join("work/segments.csv")).unwrap();
    run(&["tables", "--input", "work/segments.csv", "--out-dir", "work"])
        .code(1)
        .stderr(predicate::str::contains("holds the input"));
    std::fs::write(d.join("work/notes.txt"), "mine").unwrap();
    run(&["tables", "--input", "orders.csv", "--out-dir", "work"])
        .code(1)
        .stderr(predicate::str::contains(
            "holds files that cpm tables does not write (notes.txt",
        ));
    assert_eq!(std::fs::read_to_string(d.join("work/notes.txt")).unwrap(), "mine");
    // A folder of earlier tables is replaced whole: no stale rejects.csv.
    std::fs::write(
        d.join("bad.csv"),
        "customer_id,order_date,amount\nA,2024-01-05,100\nA,2024-02-10,100\nB,x,1\n",
    )
    .unwrap();
    run(&["tables", "--input", "bad.csv", "--out-dir", "t", "--lenient"]).success();
    assert!(d.join("t/rejects.csv").exists());
    run(&["tables", "--input", "orders.csv", "--out-dir", "t"]).success();
    assert!(!d.join("t/rejects.csv").exists(), "the earlier run's rejects are gone");
    let names: Vec<String> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        !names.iter().any(|n| n.starts_with('.')),
        "no temporary files left: {names:?}"
    );
}

#[test]
fn lists_are_safe_to_open_in_excel_and_tables_keep_ids_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let ids = [
        "=HYPERLINK(\"http://x\",\"x\")",
        "+cmd|' /C calc'!A0",
        "-1+2",
        "@SUM(A1)",
        "会員01",
    ];
    let mut text = String::from("customer_id,order_date,amount\n");
    for id in ids {
        // Each a 優良離脱: long tenure, high total, long ago.
        let quoted = format!("\"{}\"", id.replace('"', "\"\""));
        text += &format!("{quoted},2023-01-05,50000\n{quoted},2023-09-01,40000\n");
    }
    text += "Z,2025-12-31,100\n";
    let input = dir.path().join("o.csv");
    std::fs::write(&input, text).unwrap();
    let out = dir.path().join("r");
    cpm()
        .args(["report", "--input"])
        .arg(&input)
        .arg("--out-dir")
        .arg(&out)
        .assert()
        .success();
    let list = std::fs::read(out.join("2025-12/lists/loyal_lapsed.csv")).unwrap();
    assert!(list.starts_with(b"\xEF\xBB\xBFcustomer_id,"), "UTF-8 with a BOM");
    let list = String::from_utf8(list[3..].to_vec()).unwrap();
    for expected in [
        "\"'=HYPERLINK(\"\"http://x\"\",\"\"x\"\")\",loyal_lapsed",
        "'+cmd|' /C calc'!A0,loyal_lapsed",
        "'-1+2,loyal_lapsed",
        "'@SUM(A1),loyal_lapsed",
        "会員01,loyal_lapsed",
    ] {
        assert!(list.lines().any(|l| l.starts_with(expected)), "{expected} in {list}");
    }
    let segments = std::fs::read_to_string(out.join("2025-12/tables/segments.csv")).unwrap();
    assert!(segments.starts_with("customer_id,"), "no BOM in tables/");
    let back = cpm::tables::read(&out.join("2025-12/tables")).unwrap();
    let mut got: Vec<&str> = back
        .portfolio
        .customers
        .iter()
        .map(|c| back.portfolio.customer_id(c))
        .collect();
    got.retain(|id| *id != "Z");
    assert_eq!(got, ids, "ids round-trip exactly");
    // CP932 on request; a character CP932 lacks is a clear error.
    cpm()
        .args(["report", "--excel-encoding", "cp932", "--input"])
        .arg(&input)
        .arg("--out-dir")
        .arg(dir.path().join("sjis"))
        .assert()
        .success();
    let list = std::fs::read(dir.path().join("sjis/2025-12/lists/loyal_lapsed.csv")).unwrap();
    let (decoded, _, bad) = encoding_rs::SHIFT_JIS.decode(&list);
    assert!(!bad && decoded.contains("会員01,loyal_lapsed"));
    std::fs::write(
        &input,
        "customer_id,order_date,amount\n😀,2023-01-05,90000\n😀,2023-09-01,1\nZ,2025-12-31,1\n",
    )
    .unwrap();
    cpm()
        .args(["report", "--excel-encoding", "cp932", "--input"])
        .arg(&input)
        .arg("--out-dir")
        .arg(dir.path().join("emoji"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("which CP932 cannot write"));
    assert!(!dir.path().join("emoji/2025-12").exists(), "nothing half-written");
}

#[test]
fn contradictory_or_doubled_settings_are_explained() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        cpm()
            .current_dir(dir.path())
            .args(args)
            .arg("--input")
            .arg(sample())
            .assert()
    };
    run(&["summary", "--toddler-days", "210"])
        .code(1)
        .stderr(predicate::str::contains(
            "toddler_days (210) must be less than loyal_days (210)",
        ));
    run(&["summary", "--customer-col", "amount"])
        .code(1)
        .stderr(predicate::str::contains(
            "the customer and amount columns are both 'amount'",
        ));
    std::fs::write(dir.path().join("c.toml"), "[cpm]\nchurn_dayz = 1\n").unwrap();
    let assert = run(&["summary", "--config", "c.toml"]).code(1);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert_eq!(
        stderr.trim(),
        "error: configuration: c.toml: unknown setting cpm.churn_dayz — did you mean cpm.churn_days?"
    );
}

#[test]
fn the_readme_config_example_parses_as_printed() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let start = readme
        .find("```toml\ntime_zone")
        .expect("the example config in the README");
    let body = &readme[start + "```toml\n".len()..];
    let example = &body[..body.find("```").unwrap()];
    let file = cpm::config::Config::parse_file(example).unwrap();
    let config = cpm::config::Config::resolve(&file, &Default::default()).unwrap();
    assert_eq!(config, cpm::config::Config::default(), "the example shows the defaults");
}

#[test]
fn lenient_with_every_row_bad_still_writes_the_rejects() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.csv"),
        "customer_id,order_date,amount\nA,2024-13-01,1\n,2024-01-01,1\nB,2024-01-01,abc\n",
    )
    .unwrap();
    cpm()
        .current_dir(dir.path())
        .args(["tables", "--input", "bad.csv", "--out-dir", "t", "--lenient"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "rows read 3, rejected 3 (bad_amount 1, bad_date 1, empty 1)",
        ))
        .stderr(predicate::str::contains(
            "no usable order rows (all 3 rows were rejected",
        ));
    let rejects = std::fs::read_to_string(dir.path().join("t/rejects.csv")).unwrap();
    assert_eq!(
        rejects,
        "place,column,value,reason,problem\n\
         line 2,order_date,2024-13-01,bad_date,no such calendar day\n\
         line 3,customer_id,,empty,empty value\n\
         line 4,amount,abc,bad_amount,not an amount\n"
    );
}

/// Parquet amounts: a float32 read as its shortest decimal, an unsigned
/// value past the exact range named as too large, a list column refused
/// with its row and column.
#[test]
fn parquet_amounts_are_read_exactly_or_refused_by_name() {
    use polars::prelude::*;
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, mut frame: DataFrame| {
        let path = dir.path().join(name);
        ParquetWriter::new(std::fs::File::create(&path).unwrap())
            .finish(&mut frame)
            .unwrap();
        path
    };
    let dates = ["2024-01-10", "2024-01-20", "2024-02-29"];
    let floats = write(
        "f32.parquet",
        df!["customer_id" => ["A", "A", "B"], "order_date" => dates, "amount" => [0.1f32, 0.2f32, 2.5f32]].unwrap(),
    );
    let out = dir.path().join("t");
    cpm()
        .args(["tables", "--input"])
        .arg(&floats)
        .arg("--out-dir")
        .arg(&out)
        .assert()
        .success();
    let segments = std::fs::read_to_string(out.join("segments.csv")).unwrap();
    assert!(
        segments.contains("\nA,toddler_active,2024-01-10,2024-01-20,10,40,0.3,2,"),
        "{segments}"
    );
    let unsigned = write(
        "u64.parquet",
        df!["customer_id" => ["A", "B", "C"], "order_date" => dates, "amount" => [5u64, u64::MAX, 6u64]].unwrap(),
    );
    cpm()
        .args(["tables", "--input"])
        .arg(&unsigned)
        .arg("--out-dir")
        .arg(dir.path().join("u"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("row 2, column 'amount': amount too large"));
    let lists = Series::new(
        "amount".into(),
        [
            Series::new("".into(), [1i64]),
            Series::new("".into(), [2i64, 3]),
            Series::new("".into(), [4i64]),
        ],
    );
    let mut frame = df!["customer_id" => ["A", "B", "C"], "order_date" => dates].unwrap();
    frame.with_column(lists.into_column()).unwrap();
    let listed = write("list.parquet", frame);
    cpm()
        .args(["tables", "--input"])
        .arg(&listed)
        .arg("--out-dir")
        .arg(dir.path().join("l"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("row 1, column 'amount': not an amount"))
        .stderr(predicate::str::contains("panicked").not());
}

/// Forecast and SQL folders follow the same rule: run twice, the second
/// replaces the first whole; a folder of other work is refused.
#[test]
fn forecast_and_sql_folders_are_replaced_whole() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for _ in 0..2 {
        cpm()
            .current_dir(d)
            .args(["sql", "--dialect", "duckdb", "--table", "orders", "--out", "sql"])
            .assert()
            .success();
    }
    assert!(d.join("sql/run.sql").exists());
    std::fs::write(d.join("sql/notes.txt"), "mine").unwrap();
    cpm()
        .current_dir(d)
        .args(["sql", "--dialect", "duckdb", "--table", "orders", "--out", "sql"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "holds files that cpm sql does not write (notes.txt)",
        ));
    for _ in 0..2 {
        cpm()
            .current_dir(d)
            .args(["forecast", "--months", "2", "--out-dir", "f", "--input"])
            .arg(sample())
            .assert()
            .success();
    }
    assert!(d.join("f/forecast.csv").exists());
}
