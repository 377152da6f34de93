//! Each setting defined once: its flag, its config-file key and `--set`
//! give the same configuration; range errors and unknown keys are clear.

use clap::Parser;
use cpm::cli::args::{Cli, Command};
use cpm::config::settings::{Kind, SETTINGS};
use cpm::config::{Config, ConfigFile, Overrides};

/// A valid value other than the default for every setting (hand-picked so
/// that the rules between settings still hold).
const VALUES: &[(&str, &str)] = &[
    ("time_zone", "Europe/Paris"),
    ("scheme", "lifecycle"),
    ("read.encoding", "shift_jis"),
    ("read.delimiter", "semicolon"),
    ("read.lenient", "true"),
    ("read.strict_month", "true"),
    ("columns.customer", "会員ID"),
    ("columns.date", "受注日"),
    ("columns.amount", "小計(税込)"),
    ("columns.amount_formula", "数量*単価"),
    ("columns.cancel", "キャンセル"),
    ("columns.cancel_values", "1,\"キャンセル, 済\""),
    ("columns.guest_ids", "\"\",0"),
    ("columns.keep", "氏名,メール"),
    ("cpm.churn_days", "180"),
    ("cpm.toddler_days", "60"),
    ("cpm.loyal_days", "200"),
    ("cpm.loyal_amount", "50000.5"),
    ("cpm.super_loyal_amount", "200000"),
    ("cpm.super_loyal_days", "365"),
    ("lifecycle.active_days", "25"),
    ("lifecycle.dormant_days", "90"),
    ("lifecycle.vip_min_purchase_days", "6"),
    ("lifecycle.vip_recency_days", "30"),
    ("lifecycle.vip_top_share", "0.14"),
    ("lifecycle.new_max_purchase_days", "1"),
    ("targets.conversion", "0.4"),
    ("targets.loyal_share", "0.25"),
    ("response_rates.first", "0.02"),
    ("response_rates.toddler", "0.06"),
    ("response_rates.trendy", "0.12"),
    ("response_rates.steady", "0.11"),
    ("response_rates.loyal", "0.3"),
];

/// `super_loyal_days` needs an amount: give it one alongside.
fn with_companion(name: &str, value: &str) -> Vec<(String, String)> {
    let mut out = vec![(name.to_string(), value.to_string())];
    if name == "cpm.super_loyal_days" {
        out.push(("cpm.super_loyal_amount".into(), "200000".into()));
    }
    out
}

fn from_flags(pairs: &[(String, String)]) -> Option<Config> {
    let mut argv = vec!["cpm".to_string(), "summary".into(), "--input".into(), "x.csv".into()];
    for (name, value) in pairs {
        let s = SETTINGS.iter().find(|s| &s.name() == name).unwrap();
        argv.push(format!("--{}", s.flag?));
        // An on/off setting's flag is bare: given, it is on.
        if s.kind != Kind::Switch {
            argv.push(value.clone());
        }
    }
    let Command::Summary(args) = Cli::try_parse_from(argv).unwrap().command else {
        unreachable!()
    };
    Some(Config::resolve(&ConfigFile::default(), &args.input.run.settings.overrides()).unwrap())
}

fn from_file(pairs: &[(String, String)]) -> Config {
    let mut top = String::new();
    let mut tables = std::collections::BTreeMap::<&str, String>::new();
    for (name, value) in pairs {
        let quoted = format!("{value:?}");
        match name.split_once('.') {
            Some((table, key)) => *tables.entry(table).or_default() += &format!("{key} = {quoted}\n"),
            None => top += &format!("{name} = {quoted}\n"),
        }
    }
    for (table, body) in tables {
        top += &format!("[{table}]\n{body}");
    }
    Config::resolve(&Config::parse_file(&top).unwrap(), &Overrides::default()).unwrap()
}

fn from_set(pairs: &[(String, String)]) -> Config {
    let mut o = Overrides::default();
    for (name, value) in pairs {
        o.set(&format!("{name}={value}")).unwrap();
    }
    Config::resolve(&ConfigFile::default(), &o).unwrap()
}

#[test]
fn every_setting_has_a_test_value_and_they_agree_three_ways() {
    let names: Vec<String> = SETTINGS.iter().map(|s| s.name()).collect();
    let tested: Vec<String> = VALUES.iter().map(|(n, _)| n.to_string()).collect();
    assert_eq!(names, tested, "VALUES lists every setting, in table order");
    for &(name, value) in VALUES {
        let pairs = with_companion(name, value);
        let by_file = from_file(&pairs);
        assert_ne!(by_file, Config::default(), "{name}={value} changes the config");
        assert_eq!(by_file, from_set(&pairs), "{name}: file and --set");
        if let Some(by_flag) = from_flags(&pairs) {
            assert_eq!(by_file, by_flag, "{name}: file and flag");
        }
        // The value reads back from the setting as written.
        let s = SETTINGS.iter().find(|s| s.name() == name).unwrap();
        let got = (s.get)(&by_file).unwrap();
        assert_eq!(got, s.kind.parse(value).unwrap(), "{name}");
    }
}

/// The `[read]` settings: a config file's `true` (bare TOML boolean or
/// text), the flag and `--set` give the same reading options, and
/// `cpm report --strict-month` is the `read.strict_month` setting.
#[test]
fn reading_settings_from_file_flag_and_set() {
    let file = Config::parse_file("[read]\nencoding = \"cp932\"\ndelimiter = \"tab\"\nlenient = true\n").unwrap();
    let by_file = Config::resolve(&file, &Overrides::default()).unwrap();
    assert_eq!(by_file.read.encoding, Some(cpm::ingest::csv::Encoding::ShiftJis));
    assert_eq!(by_file.read.delimiter, Some(b'\t'));
    assert!(by_file.read.lenient);
    assert!(!by_file.strict_month);
    let argv = [
        "cpm",
        "summary",
        "-i",
        "x.csv",
        "--encoding",
        "sjis",
        "--delimiter",
        "tab",
        "--lenient",
    ];
    let Command::Summary(args) = Cli::try_parse_from(argv).unwrap().command else {
        unreachable!()
    };
    let by_flag = Config::resolve(&ConfigFile::default(), &args.input.run.settings.overrides()).unwrap();
    assert_eq!(by_flag, by_file);
    let by_set = from_set(&[
        ("encoding".into(), "shift_jis".into()),
        ("read.delimiter".into(), "tab".into()),
        ("lenient".into(), "true".into()),
    ]);
    assert_eq!(by_set, by_file);
    // The defaults: detect both, stop at the first bad row.
    let d = Config::default();
    assert_eq!(
        (d.read.encoding, d.read.delimiter, d.read.lenient, d.strict_month),
        (None, None, false, false)
    );
    // `cpm sql` reads no order file: no reading flags.
    let sql = ["cpm", "sql", "--dialect", "duckdb", "--table", "t", "--out", "o"];
    assert!(Cli::try_parse_from(sql).is_ok());
    assert!(Cli::try_parse_from(sql.iter().chain(&["--lenient"])).is_err());
}

#[test]
fn flags_win_over_the_file_and_the_file_over_defaults() {
    let file = Config::parse_file("[cpm]\nchurn_days = 180\ntoddler_days = 60\n").unwrap();
    let mut flags = Overrides::default();
    flags.set("churn_days=200").unwrap();
    let c = Config::resolve(&file, &flags).unwrap();
    assert_eq!(
        (c.rules.churn_days, c.rules.toddler_days, c.rules.loyal_days),
        (200, 60, 210)
    );
}

fn config_error(toml: &str) -> String {
    match Config::parse_file(toml).and_then(|f| Config::resolve(&f, &Overrides::default())) {
        Ok(_) => panic!("{toml} should be refused"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn range_errors_and_unknown_keys_are_clear() {
    let cases = [
        "[cpm]\nchurn_day = 240\n",
        "churn_days = 240\n",
        "[cpm]\nchurn_days = 0\n",
        "[cpm]\nloyal_amount = -1\n",
        "[cpm]\nloyal_amount = \"7万\"\n",
        "[lifecycle]\nvip_top_share = 1.5\n",
        "[lifecycle]\nvip_top_share = \"0.0000001\"\n",
        "[lifecycle]\nactive_days = 90\n",
        "[targets]\nconversion = 50\n",
        "[colums]\ncustomer = \"id\"\n",
        "time_zone = \"Mars/Base\"\n",
        "scheme = \"rfm\"\n",
        "[cpm]\nchurn_days = true\n",
        "[cpm]\nsuper_loyal_days = 365\n",
        "[cpm]\nsuper_loyal_amount = 60000\n",
        "[read]\nlenint = true\n",
        "[raed]\nlenient = true\n",
        "[read]\nlenient = 1\n",
        "[read]\nencoding = \"latin1\"\n",
        "[read]\ndelimiter = \"|\"\n",
        "lenient = true\n",
    ];
    let out: Vec<String> = cases
        .iter()
        .map(|toml| format!("{}=> {}", toml.replace('\n', " "), config_error(toml)))
        .collect();
    insta::assert_snapshot!(out.join("\n"));
}

#[test]
fn help_groups_the_settings_by_section() {
    let assert = assert_cmd::Command::cargo_bin("cpm")
        .unwrap()
        .args(["tables", "--help"])
        .assert()
        .success();
    let help = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    let cpm = help.find("CPM rules").expect("a CPM heading");
    let lifecycle = help.find("Lifecycle rules").expect("a lifecycle heading");
    let churn = help.find("--churn-days").unwrap();
    let active = help.find("--active-days").unwrap();
    assert!(cpm < churn && churn < lifecycle && lifecycle < active, "{help}");
    assert!(help.contains("[default: 240]"));
    // generate has no rules.
    let assert = assert_cmd::Command::cargo_bin("cpm")
        .unwrap()
        .args(["generate", "--help"])
        .assert()
        .success();
    assert!(!String::from_utf8_lossy(&assert.get_output().stdout).contains("--churn-days"));
}

/// `cpm whatif` reads the orders once for both rule sets: a changed
/// reading setting would change nothing, so it is refused by name.
#[test]
fn whatif_refuses_a_changed_reading_setting() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("o.csv"),
        "customer_id,order_date,amount\nA,2026-09-05,1000\n",
    )
    .unwrap();
    let assert = assert_cmd::Command::cargo_bin("cpm")
        .unwrap()
        .current_dir(dir.path())
        .args(["whatif", "--input", "o.csv", "--set", "lenient=true"])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.contains("--set read.lenient"), "{stderr}");
}
