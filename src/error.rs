//! Errors the library reports, worded for the person running `cpm`.

use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },

    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },

    #[error("{path}: {message}")]
    Input { path: PathBuf, message: String },

    #[error("{path}: {place}, column '{column}': {problem} (value: {value:?}; expected {expected})")]
    BadValue {
        path: PathBuf,
        /// `line 12` for text files, `row 12` for Parquet.
        place: String,
        column: String,
        value: String,
        problem: String,
        expected: String,
    },

    #[error("{path}: column '{wanted}' not found ({role} column); columns found: {found}{hint}")]
    MissingColumn {
        path: PathBuf,
        wanted: String,
        role: &'static str,
        found: String,
        hint: String,
    },

    #[error("configuration: {0}")]
    Config(String),

    #[error("{0}")]
    NoData(String),

    #[error("chart: {0}")]
    Chart(String),
}

impl Error {
    pub fn input(path: impl Into<PathBuf>, message: impl Into<String>) -> Error {
        Error::Input {
            path: path.into(),
            message: message.into(),
        }
    }
}
