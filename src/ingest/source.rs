//! Where the rows come from: a text file (read whole into a polars frame by
//! `csv`), a polars frame handed to the library, or a Parquet file (read one
//! column at a time). Columns are taken out one by one so that each
//! column's frame is freed once parsed.

use std::path::Path;

use polars::prelude::*;

use super::ReadOptions;
use super::attribute::Scope;
use super::csv::{self, CsvFrame};
use crate::config::Columns;
use crate::error::{Error, Result};

pub(super) enum Source {
    Csv(CsvFrame),
    /// A polars frame handed to the library (a clone: columns are shared).
    Frame(DataFrame),
    /// Parquet is read one column at a time, so that only one column's
    /// frame is in memory besides the parsed arrays.
    Parquet {
        names: Vec<String>,
        rows: usize,
    },
}

impl Source {
    pub(super) fn names(&self) -> Vec<String> {
        match self {
            Source::Csv(c) => c.frame.get_column_names().iter().map(|n| n.to_string()).collect(),
            Source::Frame(f) => f.get_column_names().iter().map(|n| n.to_string()).collect(),
            Source::Parquet { names, .. } => names.clone(),
        }
    }

    pub(super) fn height(&self) -> usize {
        match self {
            Source::Csv(c) => c.frame.height(),
            Source::Frame(f) => f.height(),
            Source::Parquet { rows, .. } => *rows,
        }
    }

    /// Column `name`, left in the source.
    pub(super) fn peek(&mut self, path: &Path, name: &str) -> Result<Column> {
        match self {
            Source::Csv(c) => c
                .frame
                .column(name)
                .cloned()
                .map_err(|e| Error::input(path, e.to_string())),
            Source::Frame(f) => f.column(name).cloned().map_err(|e| Error::input(path, e.to_string())),
            Source::Parquet { .. } => self.take(path, name),
        }
    }

    /// Takes column `name` out of the source.
    pub(super) fn take(&mut self, path: &Path, name: &str) -> Result<Column> {
        match self {
            Source::Csv(c) => c
                .frame
                .drop_in_place(name)
                .map_err(|e| Error::input(path, e.to_string())),
            Source::Frame(f) => f.drop_in_place(name).map_err(|e| Error::input(path, e.to_string())),
            Source::Parquet { .. } => {
                let file = open_file(path)?;
                let frame = ParquetReader::new(file)
                    .with_columns(Some(vec![name.to_string()]))
                    .finish()
                    .map_err(|e| Error::input(path, format!("cannot read column '{name}' as Parquet: {e}")))?;
                frame
                    .column(name)
                    .cloned()
                    .map_err(|e| Error::input(path, e.to_string()))
            }
        }
    }

    pub(super) fn place(&self, row: usize) -> String {
        match self {
            Source::Csv(c) => format!("line {}", c.line_of_row(row)),
            Source::Frame(_) | Source::Parquet { .. } => format!("row {}", row + 1),
        }
    }

    /// Place and number of many rows (ascending), in one pass over the text.
    pub(super) fn lines(&self, rows: &[usize]) -> Vec<(String, u64)> {
        match self {
            Source::Csv(c) => c
                .lines_of_rows(rows)
                .into_iter()
                .map(|l| (format!("line {l}"), l))
                .collect(),
            Source::Frame(_) | Source::Parquet { .. } => {
                rows.iter().map(|&r| (format!("row {}", r + 1), r as u64 + 1)).collect()
            }
        }
    }
}

fn open_file(path: &Path) -> Result<std::fs::File> {
    std::fs::File::open(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })
}

pub(super) fn open(path: &Path, columns: &Columns, options: &ReadOptions, scope: &Scope) -> Result<Source> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "csv" | "tsv" | "txt" => {
            // The scope's columns come after the three: they help find the
            // header, and keep the date and amount columns as text when one
            // of them is also an attribute.
            // With an amount formula, its columns stand for the amount.
            let operands = scope.amount_formula.as_ref().map(|f| f.columns());
            let mut wanted = vec![columns.customer.as_str(), columns.date.as_str()];
            match &operands {
                Some(ops) => wanted.extend(ops.iter().copied()),
                None => wanted.push(columns.amount.as_str()),
            }
            wanted.extend(scope.by.as_deref());
            wanted.extend(scope.filters.iter().map(|f| f.column.as_str()));
            csv::read(path, options.encoding, options.delimiter, &wanted, options.lenient).map(Source::Csv)
        }
        "parquet" | "pq" => {
            let not_parquet = |e: PolarsError| Error::input(path, format!("cannot read as Parquet: {e}"));
            let mut reader = ParquetReader::new(open_file(path)?);
            let names = reader
                .schema()
                .map_err(not_parquet)?
                .iter_names()
                .map(|n| n.to_string())
                .collect();
            let rows = reader.num_rows().map_err(not_parquet)?;
            Ok(Source::Parquet { names, rows })
        }
        _ => Err(Error::input(
            path,
            format!(
                "unknown file type {:?}: give a .csv (or .tsv/.txt) or a .parquet file",
                if ext.is_empty() { "(none)" } else { &ext }
            ),
        )),
    }
}
