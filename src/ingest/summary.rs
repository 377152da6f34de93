//! What a read found besides the rows, for the data-quality summary: the
//! file's format and layout, the rows read, and every row left out and why
//! (rejected, filtered, cancelled, guest), so that `rows read = used +
//! rejected + excluded` can be checked and shown.

use std::path::PathBuf;

use super::csv::{self, Encoding};
use super::exclude;
use super::recognise::Role;
use super::text::CellProblem;

/// A row left out (bad rows in lenient mode; repeated headers always), and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedRow {
    /// `line 12` (text files) or `row 12` (Parquet).
    pub place: String,
    /// The number in `place`: 1-based line (text) or row (Parquet).
    pub line: u64,
    pub column: String,
    pub value: String,
    pub problem: CellProblem,
}

/// What was read, for the data-quality summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngestReport {
    pub path: PathBuf,
    pub format: &'static str,
    pub encoding: Option<Encoding>,
    pub delimiter: Option<u8>,
    pub rows_read: u64,
    pub rejected: Vec<RejectedRow>,
    /// Text files: where the header was, lines skipped around the rows.
    pub layout: Option<csv::Layout>,
    /// Rows read but left out by `--where` / `--where-not` (spec section 10).
    pub excluded_by_filter: u64,
    /// Those filters, as written on the command line.
    pub filters: Vec<String>,
    /// Lines flagged in the cancel column (`--cancel-col`), left out.
    pub cancelled: exclude::Counted,
    /// Guest orders (`--guest-ids`), left out.
    pub guest_orders: exclude::Counted,
    /// Without `--cancel-col`: a column that looks like a cancel flag.
    pub suspect_cancel: Option<exclude::SuspectCancel>,
    /// Columns taken by their usual names, the default ones being absent.
    pub recognised: Vec<(Role, String)>,
    /// The `--keep-cols` columns, one code per row kept (empty without
    /// them); the analysis takes them to each customer's latest values.
    pub kept: Vec<crate::orders::Attribute>,
}

impl IngestReport {
    /// For orders built in memory rather than read from a file.
    pub fn in_memory(rows: usize) -> IngestReport {
        IngestReport {
            path: PathBuf::from("(memory)"),
            format: "memory",
            encoding: None,
            delimiter: None,
            rows_read: rows as u64,
            rejected: Vec::new(),
            layout: None,
            excluded_by_filter: 0,
            filters: Vec::new(),
            cancelled: exclude::Counted::default(),
            guest_orders: exclude::Counted::default(),
            suspect_cancel: None,
            recognised: Vec::new(),
            kept: Vec::new(),
        }
    }
}
