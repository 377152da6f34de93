//! `--keep-cols`: the follow-up lists and `all_customers.csv` carry each
//! customer's values of the kept columns from their latest row (latest
//! order date; on one date the later row in the file; a column blank there
//! from the latest row where it is not), through ingest (cancelled rows and
//! rows after the as-of date give no values), Excel-safe, and the same from
//! `cpm report --tables`.

use std::path::Path;

use assert_cmd::Command;

const EXPORT: &str = "会員ID,受注日,金額,氏名,メール,電話,キャンセル\n\
M001,2026-10-03,3000,山田太郎,taro@old.example,03-1111-1111,0\n\
M002,2026-10-05,1500,佐藤花子,hanako@example.jp,\"=HYPERLINK(\"\"http://x\"\")\",0\n\
M003,2026-10-10,1500,\"鈴木, 一郎\",ichiro@example.jp,090-0000-0000,0\n\
M002,2026-10-05,-500,佐藤はな子,,,0\n\
M001,2026-11-15,1500,山田 太郎,,+81-3-2222-2222,0\n\
M001,2026-11-20,2000,キャンセル太郎,cancel@example.jp,000,1\n\
M003,2026-12-02,2000,鈴木新,new@example.jp,080,0\n\
M001,2026-10-01,100,\u{3000},old@example.jp,,0\n\
M004,2026-09-05,1000,高橋,takahashi@example.jp,-,0\n";

const FLAGS: [&str; 10] = [
    "--customer-col",
    "会員ID",
    "--date-col",
    "受注日",
    "--amount-col",
    "金額",
    "--cancel-col",
    "キャンセル",
    "--as-of",
    "2026-11-30",
];

fn cpm(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("cpm")
        .unwrap()
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

fn report(dir: &Path, out: &str, extra: &[&str]) {
    let mut args = vec!["report", "--input", "export.csv", "--out-dir", out];
    args.extend(FLAGS);
    args.extend(extra);
    let o = cpm(dir, &args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

fn list(dir: &Path, name: &str) -> String {
    let bytes = std::fs::read(dir.join(name)).unwrap();
    String::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap().to_vec()).unwrap()
}

/// The lines after the header, sorted (the lists' order is the portfolio's).
fn body(text: &str) -> Vec<&str> {
    let mut lines: Vec<&str> = text.lines().skip(1).collect();
    lines.sort_unstable();
    lines
}

#[test]
fn the_lists_carry_the_latest_rows_values() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("export.csv"), EXPORT).unwrap();
    report(dir.path(), "r", &["--keep-cols", "氏名,メール,電話"]);
    let lists = dir.path().join("r/2026-11/lists");
    let all = list(&lists, "all_customers.csv");
    assert_eq!(
        all.lines().next().unwrap(),
        "customer_id,segment,first_purchase,last_purchase,tenure_days,recency_days,total,purchase_days,\
         previous_segment,segment_name,氏名,メール,電話"
    );
    // By hand. M001: purchases 10/01, 10/03, 11/15 (11/20 cancelled); name
    // from 11/15, the mail blank there so from 10/03 (10/01 is earlier,
    // though later in the file), the phone from 11/15, a leading + made
    // text. M002: two rows on 10/05 (a purchase, then a return): the later
    // one's name, the earlier one's mail and phone (blank in the later),
    // the = made text. M003: 10/10 only (12/02 is after the as-of date).
    // M004: one purchase 86 days before 11/30, in the 初回 last-chance list.
    assert_eq!(
        body(&all),
        [
            "M001,toddler_active,2026-10-01,2026-11-15,45,15,4600,3,toddler_active,よちよち現役,\
             山田 太郎,taro@old.example,'+81-3-2222-2222",
            "M002,first_active,2026-10-05,2026-10-05,0,56,1000,1,first_active,初回現役,\
             佐藤はな子,hanako@example.jp,\"'=HYPERLINK(\"\"http://x\"\")\"",
            "M003,first_active,2026-10-10,2026-10-10,0,51,1500,1,first_active,初回現役,\
             \"鈴木, 一郎\",ichiro@example.jp,090-0000-0000",
            "M004,first_active,2026-09-05,2026-09-05,0,86,1000,1,first_active,初回現役,高橋,takahashi@example.jp,'-",
        ]
    );
    // Every customer of segments.csv, and no one else.
    let segments = std::fs::read_to_string(dir.path().join("r/2026-11/tables/segments.csv")).unwrap();
    let ids = |text: &str| {
        let mut ids: Vec<String> = text
            .lines()
            .skip(1)
            .map(|l| l.split(',').next().unwrap().to_string())
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(ids(&segments), ids(&all));
    // The tables hold the values as read, for `cpm report --tables`.
    let keep = std::fs::read_to_string(dir.path().join("r/2026-11/tables/customers_keep.csv")).unwrap();
    assert_eq!(
        body(&keep),
        [
            "M001,山田 太郎,taro@old.example,+81-3-2222-2222",
            "M002,佐藤はな子,hanako@example.jp,\"=HYPERLINK(\"\"http://x\"\")\"",
            "M003,\"鈴木, 一郎\",ichiro@example.jp,090-0000-0000",
            "M004,高橋,takahashi@example.jp,-",
        ]
    );
    // Each follow-up list: the same columns, each row that of all_customers.
    let chance = list(&lists, "first_last_chance.csv");
    assert_eq!(body(&chance), [body(&all)[3]], "M004 alone");
    let mut followed = 0;
    for entry in std::fs::read_dir(&lists).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let text = list(&lists, &name);
        assert_eq!(text.lines().next(), all.lines().next(), "{name}");
        for line in text.lines().skip(1) {
            assert!(all.lines().any(|l| l == line), "{name}: {line}");
            followed += 1;
        }
    }
    assert!(followed >= 1);
}

#[test]
fn the_tables_render_the_same_lists_and_the_config_key_is_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("export.csv"), EXPORT).unwrap();
    report(dir.path(), "r", &["--keep-cols", "氏名,メール,電話"]);
    let o = cpm(
        dir.path(),
        &["report", "--tables", "r/2026-11/tables", "--out-dir", "t"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::write(
        dir.path().join("cpm.toml"),
        "[columns]\nkeep = [\"氏名\", \"メール\", \"電話\"]\n",
    )
    .unwrap();
    report(dir.path(), "c", &[]);
    let names: Vec<String> = std::fs::read_dir(dir.path().join("r/2026-11/lists"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.contains(&"all_customers.csv".to_string()));
    for name in &names {
        let of = |root: &str| std::fs::read(dir.path().join(root).join("2026-11/lists").join(name)).unwrap();
        assert_eq!(of("r"), of("c"), "{name}: flag and config key");
    }
    // The whole report folder, workbook and tables included, from either.
    let files = |root: &Path| {
        let mut out = Vec::new();
        let mut dirs = vec![root.to_path_buf()];
        while let Some(d) = dirs.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let path = e.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else {
                    out.push((
                        path.strip_prefix(root).unwrap().to_path_buf(),
                        std::fs::read(&path).unwrap(),
                    ));
                }
            }
        }
        out.sort();
        out
    };
    let (by_input, by_tables) = (
        files(&dir.path().join("r/2026-11")),
        files(&dir.path().join("t/2026-11")),
    );
    assert!(by_input.iter().any(|(p, _)| p.ends_with("customers_keep.csv")));
    assert_eq!(by_input.len(), by_tables.len());
    for ((a, x), (b, y)) in by_input.iter().zip(&by_tables) {
        assert_eq!(a, b);
        assert!(x == y, "{}: --input and --tables differ", a.display());
    }
}

#[test]
fn a_kept_column_that_is_not_there_is_one_line_naming_the_columns() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("export.csv"), EXPORT).unwrap();
    let mut args = vec!["report", "--input", "export.csv", "--out-dir", "r"];
    args.extend(FLAGS);
    args.extend(["--keep-cols", "氏名,電語"]);
    let o = cpm(dir.path(), &args);
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains(
            "column '電語' not found (--keep-cols column); columns found: '会員ID', '受注日', '金額', '氏名', 'メール', '電話', 'キャンセル'"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean '電話'?"), "{stderr}");
    // A name the lists already use would make two columns of one name.
    let mut args = vec!["report", "--input", "export.csv", "--out-dir", "r"];
    args.extend(FLAGS);
    args.extend(["--keep-cols", "segment_name"]);
    let o = cpm(dir.path(), &args);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("a column the lists already have"));
}
