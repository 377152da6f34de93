//! The polars face of the library: orders in as a frame, the tables out as
//! frames with the contract's columns, the same numbers as from files.

use std::path::Path;

use crate::common::today;
use cpm::config::Config;
use cpm::ingest::ReadOptions;
use polars::prelude::*;

fn sample() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/orders.csv")
}

#[test]
fn a_frame_gives_the_tables_of_the_file() {
    let config = Config::default();
    let from_file = cpm::pipeline::analyze(&sample(), &config, &ReadOptions::default(), None, today()).unwrap();
    let frame = CsvReadOptions::default()
        .with_infer_schema_length(Some(0))
        .try_into_reader_with_file_path(Some(sample()))
        .unwrap()
        .finish()
        .unwrap();
    let tables = cpm::pipeline::analyze_frame(&frame, &config, None, today()).unwrap();
    assert_eq!(tables.portfolio, from_file.portfolio);

    let dir = tempfile::tempdir().unwrap();
    cpm::tables::write_tables(dir.path(), &tables).unwrap();
    let csv_rows = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap().lines().count() - 1;
    let snapshots = tables.snapshots_frame().unwrap();
    assert_eq!(snapshots.height(), csv_rows("snapshots.csv"));
    assert_eq!(
        tables.transitions_frame().unwrap().height(),
        csv_rows("transitions.csv")
    );
    assert_eq!(tables.conversion_frame().unwrap().height(), csv_rows("conversion.csv"));
    assert_eq!(tables.ladder_frame().unwrap().height(), csv_rows("ladder.csv"));
    let segments = tables.segments_frame().unwrap();
    assert_eq!(segments.height(), csv_rows("segments.csv"));
    assert_eq!(
        segments
            .get_column_names()
            .iter()
            .map(|n| n.as_str())
            .collect::<Vec<_>>(),
        [
            "customer_id",
            "segment",
            "first_purchase",
            "last_purchase",
            "tenure_days",
            "recency_days",
            "total",
            "purchase_days",
            "previous_segment"
        ]
    );
    assert_eq!(segments.column("first_purchase").unwrap().dtype(), &DataType::Date);
    assert!(matches!(
        segments.column("total").unwrap().dtype(),
        DataType::Decimal(_, 6)
    ));
    // The last month-end's customers add up to the portfolio.
    let last = snapshots.height() - 10;
    let customers = snapshots.column("customers").unwrap().u64().unwrap();
    let sum: u64 = (last..snapshots.height()).map(|i| customers.get(i).unwrap()).sum();
    assert_eq!(sum as usize, segments.height());
}

#[test]
fn a_bad_cell_in_a_frame_names_its_row_and_column() {
    let frame = df![
        "customer_id" => ["A", "B"],
        "order_date" => ["2024-01-10", "2024-13-01"],
        "amount" => [100i64, 200],
    ]
    .unwrap();
    let err = cpm::pipeline::analyze_frame(&frame, &Config::default(), None, today()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "(DataFrame): row 2, column 'order_date': no such calendar day (value: \"2024-13-01\"; expected a date such as \
         2024-03-05, 2024/3/5, 20240305, 2024年3月5日 or an ISO datetime such as 2024-03-05T10:00:00+09:00, \
         in the years 1900-2199)"
    );
}
