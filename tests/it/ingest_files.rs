//! Reading real files: CSV encodings and column types, Parquet.

use cpm::config::Config;
use cpm::ingest::{ReadOptions, read_orders};

fn read(name: &str, bytes: &[u8]) -> cpm::Result<cpm::ingest::Orders> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let c = Config::default();
    read_orders(&path, &c.columns, c.time_zone, &ReadOptions::default()).map(|(o, _)| o)
}

#[test]
fn shift_jis_with_japanese_ids_and_headers() {
    let text = "会員ID,注文日,金額\n顧客001,2024/3/5,\"¥1,234\"\n";
    let (bytes, _, bad) = encoding_rs::SHIFT_JIS.encode(text);
    assert!(!bad);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sjis.csv");
    std::fs::write(&path, &bytes).unwrap();
    let c = Config::resolve(
        &Config::parse_file("[columns]\ncustomer = \"会員ID\"\ndate = \"注文日\"\namount = \"金額\"\n").unwrap(),
        &Default::default(),
    )
    .unwrap();
    let (orders, report) = read_orders(&path, &c.columns, c.time_zone, &ReadOptions::default()).unwrap();
    assert_eq!(orders.ids.iter().collect::<Vec<_>>(), ["顧客001"]);
    assert_eq!(orders.amount[0].to_string(), "1234");
    assert_eq!(orders.day[0], cpm::dates::day_from_ymd(2024, 3, 5).unwrap());
    assert_eq!(report.encoding, Some(cpm::ingest::csv::Encoding::ShiftJis));
}

#[test]
fn utf8_bom_tab_delimited() {
    let orders = read(
        "o.tsv",
        "\u{feff}customer_id\torder_date\tamount\n007\t20240102\t-10.5\n".as_bytes(),
    )
    .unwrap();
    assert_eq!(orders.ids.iter().collect::<Vec<_>>(), ["007"]);
    assert_eq!(orders.amount[0].to_string(), "-10.5");
}

#[test]
fn header_only_and_empty_files_are_errors() {
    let err = read("h.csv", b"customer_id,order_date,amount\n").unwrap_err();
    assert!(err.to_string().contains("no order rows"), "{err}");
    let err = read("e.csv", b"").unwrap_err();
    assert!(err.to_string().contains("empty"), "{err}");
}
