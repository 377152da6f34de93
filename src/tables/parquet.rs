//! The tables as Parquet files, for users who feed them to other tools:
//! the same rows as the CSV files, with the contract's column types (dates
//! as `Date`, money as exact `Decimal(38, 6)`, counts as unsigned integers;
//! see `frames`). `data_quality.csv`, `rules.toml` and `rejects.csv` stay
//! text. `cpm report --tables` reads the CSV form.

use std::path::Path;

use polars::prelude::*;

use super::{DATA_QUALITY, PARQUET_TABLES, REJECTS, RULES, Tables, data_quality_csv, rejects_csv, write_file};
use crate::error::{Error, Result};

/// Writes the six tables as `*.parquet` into `dir`, with `data_quality.csv`,
/// `rules.toml` and, when rows were skipped, `rejects.csv`.
pub(crate) fn write_parquet_tables(dir: &Path, tables: &Tables) -> Result<()> {
    write_file(
        dir,
        RULES,
        &crate::config::rules_file::rules_toml(&tables.config, &tables.run),
    )?;
    let frames = [
        tables.snapshots_frame(),
        tables.transitions_frame(),
        tables.conversion_frame(),
        tables.segments_frame(),
        tables.ladder_frame(),
        tables.activity_frame(),
    ];
    for (name, frame) in PARQUET_TABLES.iter().zip(frames) {
        let path = dir.join(name);
        let write_err = |e: PolarsError| Error::Write {
            path: path.clone(),
            source: std::io::Error::other(e.to_string()),
        };
        let mut frame = frame.map_err(write_err)?;
        let _stage = crate::progress::spinner(format!("writing {name}"));
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|source| Error::Write {
                path: path.clone(),
                source,
            })?;
        ParquetWriter::new(file).finish(&mut frame).map_err(write_err)?;
        crate::output::file_done();
    }
    write_file(dir, DATA_QUALITY, &data_quality_csv(&tables.quality))?;
    if !tables.rejects.is_empty() {
        write_file(dir, REJECTS, &rejects_csv(&tables.rejects))?;
    }
    // Text like data_quality.csv: the kept values are text as read.
    super::write::write_kept(dir, tables)
}
