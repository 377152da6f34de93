//! Inputs that once crashed the engine (found by `examples/fuzz_ingest.rs`,
//! kept in `tests/fuzz_corpus/`), and arbitrary bytes on the CSV path: the
//! engine must answer with a result or an error, never a panic.

use std::path::Path;

use crate::common::today;
use cpm::config::{Columns, Config};
use cpm::ingest::csv::Encoding;
use cpm::ingest::{ReadOptions, read_orders};
use cpm::pipeline::analyze;
use cpm::tables::data_quality::DataQuality;
use proptest::prelude::*;

/// Reads and analyses `path` in `options`, with and without an as-of date,
/// checking the data-quality balance whenever the analysis succeeds.
fn exercise(path: &Path, config: &Config, options: &ReadOptions) {
    let _ = read_orders(path, &config.columns, config.time_zone, options);
    for as_of in [None, cpm::dates::day_from_ymd(2024, 6, 30)] {
        if let Ok(analysis) = analyze(path, config, options, as_of, today()) {
            let q = DataQuality::of(&analysis);
            assert!(q.balances(), "{}: {q:?}", path.display());
        }
    }
}

fn configs() -> [Config; 2] {
    let japanese = Config {
        columns: Columns {
            customer: "会員ID".into(),
            date: "注文日".into(),
            amount: "金額".into(),
        },
        ..Config::default()
    };
    [Config::default(), japanese]
}

#[test]
fn every_saved_crasher_now_reads_without_panicking() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_corpus");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/fuzz_corpus")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    for file in &files {
        for config in &configs() {
            for encoding in [None, Some(Encoding::Utf8), Some(Encoding::ShiftJis)] {
                for delimiter in [None, Some(b','), Some(b'\t'), Some(b';')] {
                    for lenient in [false, true] {
                        let options = ReadOptions {
                            encoding,
                            delimiter,
                            lenient,
                        };
                        exercise(file, config, &options);
                    }
                }
            }
        }
    }
}

/// Arbitrary bytes, and arbitrary bytes after a valid header (to get past
/// the column check into the rows).
fn input() -> impl Strategy<Value = Vec<u8>> {
    let bytes = proptest::collection::vec(any::<u8>(), 0..300);
    let text_like = proptest::collection::vec(
        prop_oneof![
            Just(b'"'),
            Just(b','),
            Just(b'\n'),
            Just(b'\r'),
            Just(b'-'),
            Just(b'/'),
            b'0'..=b'9',
            any::<u8>()
        ],
        0..300,
    );
    prop_oneof![
        bytes.clone(),
        text_like.prop_map(|rest| [b"customer_id,order_date,amount\n".as_slice(), &rest].concat()),
        bytes.prop_map(|rest| [b"customer_id,order_date,amount\nA,2024-01-01,1\n".as_slice(), &rest].concat()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in input(), lenient in any::<bool>(), sjis in any::<bool>()) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fuzz.csv");
        std::fs::write(&path, &bytes).unwrap();
        let options = ReadOptions {
            encoding: sjis.then_some(Encoding::ShiftJis),
            delimiter: None,
            lenient,
        };
        exercise(&path, &Config::default(), &options);
    }
}
