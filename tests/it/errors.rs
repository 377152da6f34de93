//! Every way a run can fail on its input or output: exit code 1 and one
//! line on stderr that starts with `error:`, never a panic.

use std::path::Path;

use assert_cmd::Command;

const GOOD: &str = "customer_id,order_date,amount\nA,2024-01-10,5000\nA,2024-02-15,3000\n";

/// Runs `cpm ARGS` in `dir` and returns its stderr, checking exit code 1
/// and a single `error:` line.
fn fails(dir: &Path, args: &[&str]) -> String {
    let out = Command::cargo_bin("cpm")
        .unwrap()
        .current_dir(dir)
        .args(args)
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert!(
        out.stdout.is_empty(),
        "stdout: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    stderr.trim_end().to_string()
}

fn setup(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    dir
}

#[test]
fn input_errors_are_one_line() {
    let dir = setup(&[
        ("empty.csv", b""),
        ("header.csv", b"customer_id,order_date,amount\r\n"),
        ("columns.csv", b"customer,order_date,amount\nA,2024-01-10,5000\n"),
        (
            "bad.csv",
            b"customer_id,order_date,amount\nA,2024-01-10,5000\nB,2024/2/30,1\n",
        ),
        ("quote.csv", b"customer_id,order_date,amount\nA\"1,2024-01-10,5000\n"),
        ("orders.xlsx", b"PK\x03\x04"),
    ]);
    std::fs::create_dir(dir.path().join("folder.csv")).unwrap();
    let cases: [(&str, &str); 8] = [
        (
            "empty.csv",
            "error: empty.csv: the file is empty (expected a header line and order rows)",
        ),
        (
            "header.csv",
            "error: header.csv: no order rows: the file has a header but no data",
        ),
        (
            "columns.csv",
            "error: columns.csv: column 'customer_id' not found (customer column); columns found: 'customer', \
             'order_date', 'amount' — did you mean 'customer'?",
        ),
        (
            "bad.csv",
            "error: bad.csv: line 3, column 'order_date': no such calendar day (value: \"2024/2/30\"; expected a date \
             such as 2024-03-05, 2024/3/5, 20240305, 2024年3月5日 or an ISO datetime such as \
             2024-03-05T10:00:00+09:00, in the years 1900-2199)",
        ),
        (
            "quote.csv",
            "error: quote.csv: line 2: a quote (\") inside a field that does not start with one, so the row cannot be \
             split into fields (line: \"A\\\"1,2024-01-10,5000\"; expected a field either without quotes or wholly in \
             quotes, with quotes inside doubled, e.g. \"27\"\" monitor\")",
        ),
        (
            "folder.csv",
            "error: cannot read folder.csv: Is a directory (os error 21)",
        ),
        (
            "missing.csv",
            "error: cannot read missing.csv: No such file or directory (os error 2)",
        ),
        (
            "orders.xlsx",
            "error: orders.xlsx: unknown file type \"xlsx\": give a .csv (or .tsv/.txt) or a .parquet file",
        ),
    ];
    for (input, expected) in cases {
        for command in ["tables", "summary", "report"] {
            let mut args = vec![command, "--input", input];
            if command != "summary" {
                args.extend(["--out-dir", "out"]);
            }
            assert_eq!(fails(dir.path(), &args), expected, "{command} {input}");
        }
    }
    assert!(!dir.path().join("out").exists(), "nothing written on failure");
}

#[test]
fn an_output_folder_that_is_a_file_is_one_line() {
    let dir = setup(&[("orders.csv", GOOD.as_bytes()), ("taken", b"a file")]);
    assert_eq!(
        fails(dir.path(), &["tables", "--input", "orders.csv", "--out-dir", "taken"]),
        "error: cannot write taken: it is a file, not a folder; give a folder for the output"
    );
    assert_eq!(
        fails(dir.path(), &["report", "--input", "orders.csv", "--out-dir", "taken"]),
        "error: cannot write taken: it is a file, not a folder; give a folder for the output"
    );
}

#[test]
fn wrong_encoding_flags_are_one_line() {
    let utf8 = "customer_id,order_date,amount\n顧客1,2024-01-10,5000\n顧客1,2024-02-15,3000\n";
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(utf8);
    let dir = setup(&[("utf8.csv", utf8.as_bytes()), ("sjis.csv", &sjis)]);
    assert_eq!(
        fails(
            dir.path(),
            &["summary", "--input", "utf8.csv", "--encoding", "shift_jis"]
        ),
        "error: utf8.csv: the file is valid UTF-8 with non-ASCII text, not Shift_JIS; reading it as Shift_JIS would \
         garble it. Drop --encoding or use --encoding utf-8"
    );
    assert_eq!(
        fails(dir.path(), &["summary", "--input", "sjis.csv", "--encoding", "utf-8"]),
        "error: sjis.csv: line 2: not valid UTF-8; if the file came from Excel, try --encoding shift_jis"
    );
    // Detected, both read the same ids.
    for input in ["utf8.csv", "sjis.csv"] {
        let dir_out = format!("out-{input}");
        Command::cargo_bin("cpm")
            .unwrap()
            .current_dir(dir.path())
            .args(["tables", "--input", input, "--out-dir", &dir_out])
            .assert()
            .success();
        let segments = std::fs::read_to_string(dir.path().join(&dir_out).join("segments.csv")).unwrap();
        // The last month-end on or before the latest row is 2024-01-31.
        assert_eq!(
            segments.lines().nth(1).unwrap(),
            "顧客1,first_active,2024-01-10,2024-01-10,0,21,5000,1,"
        );
    }
}

#[test]
fn no_purchase_before_the_as_of_date_is_named() {
    let dir = setup(&[
        (
            "returns.csv",
            b"customer_id,order_date,amount\nA,2024-01-10,-5000\nB,2024-02-15,-300\n",
        ),
        ("orders.csv", GOOD.as_bytes()),
    ]);
    let only_returns = fails(dir.path(), &["tables", "--input", "returns.csv", "--out-dir", "t1"]);
    assert!(
        only_returns.ends_with("returns.csv: no purchase rows (every amount is negative)"),
        "{only_returns}"
    );
    let before = fails(
        dir.path(),
        &[
            "tables",
            "--input",
            "orders.csv",
            "--as-of",
            "2023-12-31",
            "--out-dir",
            "t2",
        ],
    );
    assert!(
        before.contains("orders.csv: no purchase (a row with amount >= 0) on or before 2023-12-31"),
        "{before}"
    );
}
