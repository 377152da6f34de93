//! `--by` on files, as a user runs it (spec section 9): any column as the
//! attribute, CSV, Parquet and Shift_JIS alike, and grouped tables folders
//! read back into the same run.

use std::path::{Path, PathBuf};

use crate::commands::cpm;
use crate::common::today;

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn metric(data_quality: &str, name: &str) -> u64 {
    data_quality
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{name},")))
        .unwrap_or_else(|| panic!("no {name} in {data_quality}"))
        .parse()
        .unwrap()
}

const ORDERS: &str = super::scoped::ORDERS;

#[test]
fn the_date_and_amount_columns_can_be_attributes_as_written() {
    let dir = tempfile::tempdir().unwrap();
    // As text: `0900` stays `0900`, though the amount is 900.
    let input = write(
        dir.path(),
        "orders.csv",
        "customer_id,order_date,amount\nA,2024-01-10,0900\nB,2024-01-11,900\nB,2024-02-11,5\n",
    );
    let out = dir.path().join("out");
    cpm()
        .args(["tables", "--by", "amount", "--as-of", "2024-02-29", "--input"])
        .arg(&input)
        .arg("--out-dir")
        .arg(&out)
        .assert()
        .success();
    let conversion = std::fs::read_to_string(out.join("conversion.csv")).unwrap();
    assert_eq!(
        conversion,
        "group,cohort_month,cohort_size,converted,rate,matured\n\
         0900,2024-01,1,0,0,false\n\
         900,2024-01,1,1,1,false\n"
    );
}

#[test]
fn generated_csv_and_parquet_break_down_alike() {
    let dir = tempfile::tempdir().unwrap();
    let mut outputs = Vec::new();
    for ext in ["csv", "parquet"] {
        let file = dir.path().join(format!("orders.{ext}"));
        cpm()
            .args(["generate", "--customers", "400", "--seed", "3", "--out"])
            .arg(&file)
            .assert()
            .success();
        let out = dir.path().join(format!("out-{ext}"));
        cpm()
            .args(["tables", "--by", "channel", "--where-not", "shop=電話注文", "--input"])
            .arg(&file)
            .arg("--out-dir")
            .arg(&out)
            .assert()
            .success();
        let read = |f: &str| std::fs::read_to_string(out.join(f)).unwrap();
        let excluded = metric(&read("data_quality.csv"), "excluded_by_filter");
        outputs.push((
            ["snapshots.csv", "transitions.csv", "conversion.csv", "segments.csv"].map(read),
            excluded,
        ));
    }
    assert_eq!(outputs[0], outputs[1]);
    let conversion = &outputs[0].0[2];
    for channel in ["検索広告", "SNS広告", "アフィリエイト", "紙DM", "自然流入"] {
        assert!(conversion.contains(&format!("\n{channel},")), "{channel}: {conversion}");
    }
    assert!(outputs[0].1 > 0);
}

#[test]
fn a_grouped_tables_folder_reads_back_into_the_same_run() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "orders.csv", ORDERS);
    for scheme in ["cpm", "lifecycle"] {
        let first = dir.path().join(format!("first-{scheme}"));
        let flags = [
            "--by",
            "shop",
            "--where-not",
            "product=\"香醋, 720ml\"",
            "--scheme",
            scheme,
        ];
        cpm()
            .args(["tables", "--input"])
            .arg(&input)
            .arg("--out-dir")
            .arg(&first)
            .args(flags)
            .assert()
            .success();
        let read = cpm::tables::read(&first).unwrap();
        let b = read.breakdown.as_ref().expect("a grouped folder");
        assert_eq!(b.column, "shop");
        assert_eq!(b.groups, ["公式", "楽天"]);
        assert_eq!(read.quality.excluded_by_filter, 1);
        assert_eq!(read.quality.filters, ["--where-not product=\"香醋, 720ml\""]);
        let second = dir.path().join(format!("second-{scheme}"));
        cpm::tables::write_tables(&second, &read).unwrap();
        for f in [
            "snapshots.csv",
            "transitions.csv",
            "conversion.csv",
            "segments.csv",
            "ladder.csv",
            "rules.toml",
        ] {
            assert_eq!(
                std::fs::read(first.join(f)).unwrap(),
                std::fs::read(second.join(f)).unwrap(),
                "{f}"
            );
        }
        // The same model as the run itself.
        let analysis = cpm::pipeline::analyze(&input, &read.config, &Default::default(), None, today()).unwrap();
        let mut direct = cpm::tables::Tables::of(analysis, &read.config);
        direct.config.source = read.config.source.clone();
        assert_eq!(canonical(read), canonical(direct), "{scheme}");
        // A report renders from it; the folder's breakdown is its own.
        cpm()
            .args(["report", "--lang", "en", "--tables"])
            .arg(&first)
            .arg("--out-dir")
            .arg(dir.path().join(format!("reports-{scheme}")))
            .assert()
            .success();
        let output = cpm()
            .args(["report", "--by", "product", "--tables"])
            .arg(&first)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2));
    }
}

#[test]
fn group_labels_with_commas_and_quotes_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(
        dir.path(),
        "orders.csv",
        "customer_id,order_date,amount,product
         A,2024-01-10,1000,\"香醋, 720ml\"
         B,2024-01-11,1000,\"say \"\"hi\"\"\"
         C,2024-01-12,1000,\n         A,2024-02-10,1000,青汁
",
    );
    let out = dir.path().join("out");
    cpm()
        .args(["tables", "--by", "product", "--as-of", "2024-02-29", "--input"])
        .arg(&input)
        .arg("--out-dir")
        .arg(&out)
        .assert()
        .success();
    let read = cpm::tables::read(&out).unwrap();
    // Byte order: '(' 0x28 < 's' 0x73 < 香 0xE9.
    assert_eq!(
        read.breakdown.as_ref().unwrap().groups,
        ["(none)", "say \"hi\"", "香醋, 720ml"]
    );
    let segments = std::fs::read_to_string(out.join("segments.csv")).unwrap();
    assert!(segments.contains("\n\"say \"\"hi\"\"\",B,first_active,"), "{segments}");
    assert!(segments.contains("\n\"香醋, 720ml\",A,toddler_active,"), "{segments}");
    let again = dir.path().join("again");
    cpm::tables::write_tables(&again, &read).unwrap();
    assert_eq!(segments, std::fs::read_to_string(again.join("segments.csv")).unwrap());
}

/// The tables with customer codes numbered in list order (ids of customers
/// not in the portfolio dropped), as a folder read back numbers them.
fn canonical(mut t: cpm::tables::Tables) -> cpm::tables::Tables {
    let mut ids = cpm::ids::CustomerIds::default();
    let p = &mut t.portfolio;
    for (code, c) in p.customers.iter_mut().enumerate() {
        ids.push(p.ids.get(c.customer as usize));
        c.customer = code as u32;
    }
    p.ids = ids;
    t
}

#[test]
fn japanese_column_names_in_a_shift_jis_file() {
    let dir = tempfile::tempdir().unwrap();
    let text = "会員ID,注文日,金額,広告媒体,商品\n\
                1,2024/01/10,1000,紙DM,青汁\n\
                1,2024/02/01,2000,メルマガ,青汁\n\
                2,2024/01/11,3000,\u{3000}検索広告\u{3000},黒酢\n\
                3,2024/01/12,500,検索広告,青汁\n";
    let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(text);
    assert!(!unmappable);
    let input = dir.path().join("orders.csv");
    std::fs::write(&input, &bytes).unwrap();
    let out = dir.path().join("out");
    cpm()
        .args([
            "tables",
            "--customer-col",
            "会員ID",
            "--date-col",
            "注文日",
            "--amount-col",
            "金額",
            "--by",
            "広告媒体",
            "--where-not",
            "商品=黒酢",
            "--as-of",
            "2024-02-29",
            "--input",
        ])
        .arg(&input)
        .arg("--out-dir")
        .arg(&out)
        .assert()
        .success();
    // Customer 2's only row is 黒酢: left out. 1 came from 紙DM and converted.
    assert_eq!(
        std::fs::read_to_string(out.join("conversion.csv")).unwrap(),
        "group,cohort_month,cohort_size,converted,rate,matured\n\
         検索広告,2024-01,1,0,0,false\n\
         紙DM,2024-01,1,1,1,false\n"
    );
    assert!(
        std::fs::read_to_string(out.join("rules.toml"))
            .unwrap()
            .contains("by = \"広告媒体\"")
    );
}

#[test]
fn a_frame_is_scoped_and_broken_down_like_the_file() {
    use polars::prelude::*;
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/orders.csv");
    let flags = cpm::config::Overrides {
        by: Some("channel".into()),
        where_not: vec!["shop=電話注文".into()],
        ..Default::default()
    };
    let config = cpm::config::Config::resolve(&Default::default(), &flags).unwrap();
    let from_file = cpm::pipeline::analyze(&sample, &config, &Default::default(), None, today()).unwrap();
    let frame = CsvReadOptions::default()
        .with_infer_schema_length(Some(0))
        .try_into_reader_with_file_path(Some(sample))
        .unwrap()
        .finish()
        .unwrap();
    let tables = cpm::pipeline::analyze_frame(&frame, &config, None, today()).unwrap();
    assert_eq!(tables.breakdown, from_file.breakdown);
    assert_eq!(tables.portfolio, from_file.portfolio);
    assert!(tables.quality.excluded_by_filter > 0);
    assert_eq!(tables.quality.excluded_by_filter, from_file.ingest.excluded_by_filter);
    let b = tables.breakdown.unwrap();
    assert_eq!(b.groups, ["SNS広告", "アフィリエイト", "検索広告", "紙DM", "自然流入"]);
}

#[test]
fn a_column_with_a_value_per_customer_is_refused_before_the_walk() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("orders.csv");
    cpm()
        .args([
            "generate",
            "--customers",
            "20000",
            "--start",
            "2016-01-01",
            "--end",
            "2025-12-31",
            "--out",
        ])
        .arg(&input)
        .assert()
        .success();
    let output = cpm()
        .args(["summary", "--by", "customer_id", "--input"])
        .arg(&input)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    // 20,000 groups × 120 month-ends × 2,576 bytes ≈ 5.8 GiB, over the 4 GiB allowed.
    assert!(
        stderr.contains("--by customer_id: 20000 groups over 120 month-ends would need about 6 GB"),
        "{stderr}"
    );
    // A column of a few values is fine on the same file.
    cpm()
        .args(["summary", "--by", "shop", "--input"])
        .arg(&input)
        .assert()
        .success();
}
