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

/// The values of a text column.
fn texts(frame: &DataFrame, name: &str) -> Vec<String> {
    let column = frame.column(name).unwrap().str().unwrap();
    (0..column.len())
        .map(|i| column.get(i).unwrap_or_default().to_string())
        .collect()
}

#[test]
fn with_by_every_frame_has_the_group_first_worked_by_hand() {
    // A: web, bought again 36 days later (よちよち); B: store, once; C: web, once.
    let orders = df![
        "customer_id" => ["A", "B", "C", "A"],
        "order_date" => ["2024-01-10", "2024-01-20", "2024-02-05", "2024-02-15"],
        "amount" => [5000i64, 80000, 1000, 3000],
        "channel" => ["web", "store", "web", "web"],
    ]
    .unwrap();
    let flags = cpm::config::Overrides {
        by: Some("channel".into()),
        ..Default::default()
    };
    let config = Config::resolve(&Default::default(), &flags).unwrap();
    let as_of = cpm::dates::parse_iso_day("2024-02-29");
    let tables = cpm::pipeline::analyze_frame(&orders, &config, as_of, today()).unwrap();

    // Groups in byte order, customers in order of first appearance within.
    let segments = tables.segments_frame().unwrap();
    assert_eq!(segments.get_column_names()[0].as_str(), "group");
    assert_eq!(texts(&segments, "group"), ["store", "web", "web"]);
    assert_eq!(texts(&segments, "customer_id"), ["B", "A", "C"]);
    assert_eq!(
        texts(&segments, "segment"),
        ["first_active", "toddler_active", "first_active"]
    );

    // Two groups × two month-ends × ten segments; at 2024-02-29 store has B
    // in 初回, web has A in よちよち and C in 初回.
    let snapshots = tables.snapshots_frame().unwrap();
    assert_eq!(snapshots.height(), 2 * 2 * 10);
    let group = texts(&snapshots, "group");
    let segment = texts(&snapshots, "segment");
    let customers = snapshots.column("customers").unwrap().u64().unwrap();
    assert!(group[..20].iter().all(|g| g == "store"));
    assert!(group[20..].iter().all(|g| g == "web"));
    // A group's rows go month-end by month-end: its last match is 2024-02-29.
    let at_end = |g: &str, s: &str| -> u64 {
        (0..40)
            .filter(|&i| group[i] == g && segment[i] == s)
            .map(|i| customers.get(i).unwrap())
            .last()
            .unwrap()
    };
    assert_eq!(at_end("store", "first_active"), 1);
    assert_eq!(at_end("web", "first_active"), 1);
    assert_eq!(at_end("web", "toddler_active"), 1);
    assert_eq!(at_end("store", "toddler_active"), 0);

    // Transitions 2024-01 → 2024-02: store B stays in 初回; web A moves
    // 初回 → よちよち and C is new.
    let transitions = tables.transitions_frame().unwrap();
    let rows: Vec<(String, String, String)> = texts(&transitions, "group")
        .into_iter()
        .zip(texts(&transitions, "from_segment"))
        .zip(texts(&transitions, "to_segment"))
        .map(|((g, f), t)| (g, f, t))
        .collect();
    let row = |g: &str, f: &str, t: &str| (g.to_string(), f.to_string(), t.to_string());
    assert_eq!(
        rows,
        [
            row("store", "first_active", "first_active"),
            row("web", "first_active", "toddler_active"),
            row("web", "new", "first_active"),
        ]
    );
    for frame in [tables.conversion_frame().unwrap(), tables.ladder_frame().unwrap()] {
        assert_eq!(frame.get_column_names()[0].as_str(), "group");
        assert_eq!(texts(&frame, "group")[0], "store");
    }
}

#[test]
fn with_by_the_frames_hold_the_rows_of_the_files() {
    let flags = cpm::config::Overrides {
        by: Some("channel".into()),
        ..Default::default()
    };
    let config = Config::resolve(&Default::default(), &flags).unwrap();
    let analysis = cpm::pipeline::analyze(&sample(), &config, &ReadOptions::default(), None, today()).unwrap();
    let tables = cpm::tables::Tables::of(analysis, &config);
    let dir = tempfile::tempdir().unwrap();
    cpm::tables::write_tables(dir.path(), &tables).unwrap();
    let frames = [
        ("snapshots.csv", tables.snapshots_frame().unwrap()),
        ("transitions.csv", tables.transitions_frame().unwrap()),
        ("conversion.csv", tables.conversion_frame().unwrap()),
        ("segments.csv", tables.segments_frame().unwrap()),
        ("ladder.csv", tables.ladder_frame().unwrap()),
    ];
    for (name, frame) in frames {
        let text = std::fs::read_to_string(dir.path().join(name)).unwrap();
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        let names: Vec<&str> = frame.get_column_names().iter().map(|n| n.as_str()).collect();
        assert_eq!(names, header, "{name}");
        // The group labels hold no comma or quote, so the first field is the group.
        let groups: Vec<String> = lines.map(|l| l.split(',').next().unwrap().to_string()).collect();
        assert_eq!(texts(&frame, "group"), groups, "{name}");
    }
}
