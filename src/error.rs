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

    #[error("{0}")]
    BadValue(Box<BadValue>),

    #[error("{0}")]
    MissingColumn(Box<MissingColumn>),

    #[error("configuration: {0}")]
    Config(String),

    #[error("{0}")]
    NoData(String),

    /// Every row was left out (in lenient mode: each one rejected).
    #[error("{}: no usable order rows{}", .0.path.display(), rejected_note(.0))]
    NoUsableRows(Box<crate::ingest::IngestReport>),

    #[error("chart: {0}")]
    Chart(String),

    /// An output that would replace what the user did not ask to replace.
    #[error("{0}")]
    Refused(String),

    /// Another run holds the output folder.
    #[error("{0}")]
    Busy(String),

    /// A command line that asks for something impossible (exit code 2).
    #[error("{0}")]
    Usage(String),
}

fn rejected_note(ingest: &crate::ingest::IngestReport) -> String {
    match ingest.rejected.len() {
        0 => String::new(),
        n => format!(" (all {n} rows were rejected; rejects.csv lists them with the reason)"),
    }
}

impl Error {
    /// The process exit code: 2 for bad command-line usage, 1 otherwise.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) => 2,
            _ => 1,
        }
    }

    pub(crate) fn input(path: impl Into<PathBuf>, message: impl Into<String>) -> Error {
        Error::Input {
            path: path.into(),
            message: message.into(),
        }
    }
}

/// A cell that could not be read, with where it is and what was expected.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {place}, column '{column}': {problem} (value: {value:?}; expected {expected})")]
pub struct BadValue {
    pub path: PathBuf,
    /// `line 12` for text files, `row 12` for Parquet.
    pub place: String,
    pub column: String,
    pub value: String,
    pub problem: String,
    pub expected: String,
}

/// A configured column that the file does not have.
#[derive(Debug, thiserror::Error)]
#[error("{path}: column '{wanted}' not found ({role} column); columns found: {found}{hint}")]
pub struct MissingColumn {
    pub path: PathBuf,
    pub wanted: String,
    pub role: &'static str,
    pub found: String,
    pub hint: String,
}
