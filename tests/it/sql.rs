//! `cpm sql`: the generated SQL is executed and its tables compared with
//! `cpm tables` by tests/sql/check.py (DuckDB as written; BigQuery and
//! Snowflake parsed by sqlglot in their dialect and run transpiled to
//! DuckDB; Spark in a local session). The Python packages are pinned in
//! tests/sql/requirements.txt; `.ci/run` installs them into a virtualenv
//! outside the clone and points `CPM_TEST_PYTHON` at it.

use std::process::Command;

fn python() -> String {
    std::env::var("CPM_TEST_PYTHON").unwrap_or_else(|_| "python3".into())
}

/// Runs the checker; fails with its report (and how to install what is
/// missing) unless every table matched.
fn check(engines: &str, suite: &str) {
    let out = Command::new(python())
        .args(["tests/sql/check.py", "--cpm", env!("CARGO_BIN_EXE_cpm")])
        .args(["--engines", engines, "--suite", suite])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run {} ({e}): the SQL checks need Python 3 with the packages of tests/sql/requirements.txt \
                 (python3 -m pip install -r tests/sql/requirements.txt; set CPM_TEST_PYTHON to that interpreter)",
                python()
            )
        });
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "SQL check ({engines}, {suite}) failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("checks passed"), "{stdout}");
}

#[test]
fn duckdb_bigquery_snowflake_sql_equals_cpm_tables() {
    // Sample × six rule sets, five edge-case files × rule sets × three as-of
    // dates, instants with offsets, 300 random histories (30 for the
    // transpiled dialects), a cart export (cancel flags, guest ids, an
    // amount formula); for DuckDB also the report rendered from the
    // exported tables, equal to the one from cpm's tables.
    check("duckdb,bigquery,snowflake", "ci");
}

#[test]
fn spark_sql_equals_cpm_tables() {
    // A local Spark session is slow to start and to run small queries: the
    // sample and three edge cases here, everything in `just sql-check`.
    check("spark", "small");
}

#[test]
fn every_dialect_writes_run_sql_and_rules() {
    let dir = tempfile::tempdir().unwrap();
    for dialect in ["bigquery", "snowflake", "spark", "duckdb"] {
        let out = dir.path().join(dialect);
        let status = Command::new(env!("CARGO_BIN_EXE_cpm"))
            .args(["sql", "--dialect", dialect, "--table", "shop.orders", "--prefix", "x_"])
            .args(["--churn-days", "180", "--out"])
            .arg(&out)
            .status()
            .unwrap();
        assert!(status.success());
        let run = std::fs::read_to_string(out.join("run.sql")).unwrap();
        for table in [
            "x_snapshots",
            "x_transitions",
            "x_conversion",
            "x_segments",
            "x_ladder",
            "x_activity",
            "x_data_quality",
        ] {
            assert!(run.contains(&format!("TABLE {table} AS")), "{dialect}: {table}");
            let file = table.trim_start_matches("x_");
            assert!(out.join(format!("{file}.sql")).is_file());
        }
        assert!(run.contains("FROM shop.orders"));
        let export = std::fs::read_to_string(out.join("export.sql")).unwrap();
        assert!(
            export.contains("FROM x_snapshots ORDER BY month_end"),
            "{dialect}: {export}"
        );
        assert!(run.contains("< 180 THEN '_active'"), "churn_days baked in");
        let money = match dialect {
            "bigquery" => "NUMERIC",
            "snowflake" => "NUMBER(38,6)",
            _ => "DECIMAL(38,6)",
        };
        assert!(
            run.contains(&format!("{money}, amount"))
                || run.contains(&format!("{money}) AS amount"))
                || run.contains(money),
            "{dialect}: exact money"
        );
        let rules = std::fs::read_to_string(out.join("rules.toml")).unwrap();
        assert!(rules.contains("churn_days = 180"), "{rules}");
    }
}

#[test]
fn cart_settings_reach_the_sql() {
    // Executed by check.py; here: every dialect writes the cancel column,
    // the guest ids, the operands and the formula into the SQL, not zeros.
    let dir = tempfile::tempdir().unwrap();
    for dialect in ["bigquery", "snowflake", "spark", "duckdb"] {
        let out = dir.path().join(dialect);
        let status = Command::new(env!("CARGO_BIN_EXE_cpm"))
            .args(["sql", "--dialect", dialect, "--table", "shop.orders"])
            .args(["--cancel-col", "キャンセル", "--cancel-values", "1, Cancelled"])
            .args(["--guest-ids", "\"\",0", "--amount", "数量*単価-値引", "--out"])
            .arg(&out)
            .status()
            .unwrap();
        assert!(status.success());
        let run = std::fs::read_to_string(out.join("run.sql")).unwrap();
        let q = |name: &str| match dialect {
            "bigquery" | "spark" => format!("`{name}`"),
            _ => format!("\"{name}\""),
        };
        for column in ["キャンセル", "数量", "単価", "値引"] {
            assert!(
                run.contains(&format!("CAST({} AS", q(column))),
                "{dialect}: {column} read"
            );
        }
        assert!(
            run.contains("IN ('1', 'cancelled')"),
            "{dialect}: values trimmed, in lower case"
        );
        assert!(run.contains("IN ('', '0')"), "{dialect}: guest ids");
        assert!(
            run.contains("amount 数量*単価-値引)"),
            "{dialect}: the header names the formula"
        );
        assert!(
            run.contains("MOD(CAST(fv1 * 1000000 AS"),
            "{dialect}: products checked exactly"
        );
        assert!(
            !run.contains("'cancelled' AS metric, '0'"),
            "{dialect}: counted, not zero"
        );
        let rules = std::fs::read_to_string(out.join("rules.toml")).unwrap();
        assert!(rules.contains("amount_formula = \"数量*単価-値引\""), "{rules}");
    }
}

#[test]
fn bad_dialect_and_prefix_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_cpm"))
            .args(["sql", "--table", "orders", "--out"])
            .arg(dir.path())
            .args(args)
            .output()
            .unwrap()
    };
    let out = run(&["--dialect", "oracle"]);
    assert_eq!(out.status.code(), Some(2), "a usage error");
    assert!(String::from_utf8_lossy(&out.stderr).contains("bigquery"));
    let out = run(&["--dialect", "duckdb", "--prefix", "a-b"]);
    assert_eq!(out.status.code(), Some(2), "a usage error");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--prefix"));
    assert!(!dir.path().join("run.sql").exists());
}

#[test]
fn by_and_filters_reach_the_sql_and_rules_without_as_of() {
    let dir = tempfile::tempdir().unwrap();
    for dialect in ["bigquery", "snowflake", "spark", "duckdb"] {
        let out = dir.path().join(dialect);
        let status = Command::new(env!("CARGO_BIN_EXE_cpm"))
            .args(["sql", "--dialect", dialect, "--table", "shop.orders", "--by", "channel"])
            .args([
                "--where",
                "product=青汁,\"香醋, 720ml\"",
                "--where-not",
                "shop=O'Neil",
                "--out",
            ])
            .arg(&out)
            .status()
            .unwrap();
        assert!(status.success());
        let run = std::fs::read_to_string(out.join("run.sql")).unwrap();
        let group = if matches!(dialect, "bigquery" | "spark") {
            "`group`"
        } else {
            "\"group\""
        };
        assert!(run.contains(&format!("grp AS {group}")), "{dialect}: the group column");
        assert!(run.contains("'(none)'"), "{dialect}: blank groups");
        assert!(run.contains("'香醋, 720ml'"), "{dialect}: a value with a comma");
        let quote = if dialect == "duckdb" { "'O''Neil'" } else { "'O\\'Neil'" };
        assert!(
            run.contains(&format!("NOT IN ({quote})")),
            "{dialect}: where-not, quoted: {quote}"
        );
        assert!(
            run.contains("TABLE cpm_rejects AS"),
            "{dialect}: rejected rows are kept"
        );
        let export = std::fs::read_to_string(out.join("export.sql")).unwrap();
        assert!(export.contains(&format!("ORDER BY {group}, month_end")), "{dialect}");
        let rules = std::fs::read_to_string(out.join("rules.toml")).unwrap();
        assert!(rules.contains("[run]") && rules.contains("by = \"channel\""), "{rules}");
        assert!(
            rules.contains("where = [\"product=青汁,\\\"香醋, 720ml\\\"\"]"),
            "{rules}"
        );
        assert!(
            !rules.contains("\nas_of ="),
            "no as-of date given: the data's is read back: {rules}"
        );
    }
}
