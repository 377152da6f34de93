//! Reading order histories: CSV (UTF-8 or Shift_JIS), Parquet and polars
//! frames, into exact, typed columns ([`crate::orders`]). One of the few
//! modules that touch files (see the crate's top).
//!
//! The stages, one file each: `source` opens the file; `resolve` finds
//! which column plays which part; `attribute`, `filter` and `exclude` read
//! the scope (breakdown, filters, cancelled and guest rows); `columns`
//! parses the three order columns cell by cell; `intern` numbers the
//! customer ids; `assemble` puts it together and accounts for every row
//! left out (`summary`).

mod assemble;
pub mod attribute;
pub(crate) mod columns;
pub mod csv;
pub mod exclude;
pub(crate) mod filter;
pub(crate) mod formula;
pub mod intern;
pub mod recognise;
mod resolve;
mod source;
pub(crate) mod summary;
pub(crate) mod survey;
pub mod text;

use std::path::Path;

use chrono_tz::Tz;
use polars::prelude::*;

use self::attribute::Scope;
use self::csv::Encoding;
use self::source::Source;
pub use self::summary::{IngestReport, RejectedRow};
use crate::config::Columns;
use crate::error::Result;
pub use crate::orders::Orders;
pub(crate) use crate::orders::{Attribute, Customers, Rows};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// `None`: detect (BOM, UTF-8, else Shift_JIS).
    pub encoding: Option<Encoding>,
    /// `None`: detect from the header line.
    pub delimiter: Option<u8>,
    /// Skip bad rows (counted and listed) instead of stopping at the first.
    pub lenient: bool,
}

/// Reads the order rows of `path`, strictly (the first bad cell is an error
/// naming file, line, column and value) or leniently (bad rows skipped and
/// reported).
pub fn read_orders(path: &Path, columns: &Columns, tz: Tz, options: &ReadOptions) -> Result<(Orders, IngestReport)> {
    read_scoped(path, columns, tz, options, &Scope::default()).map(|(orders, report, _)| (orders, report))
}

/// [`read_orders`] with a scope: the rows the filters drop are counted and
/// left out (their cells are not checked: the run is as if the file held
/// only the kept rows), and the breakdown column is read as an
/// [`Attribute`] aligned with the rows kept.
pub(crate) fn read_scoped(
    path: &Path,
    columns: &Columns,
    tz: Tz,
    options: &ReadOptions,
    scope: &Scope,
) -> Result<(Orders, IngestReport, Option<Attribute>)> {
    read_rows_scoped(path, columns, tz, options, scope).map(|(rows, report, a)| (rows.into_orders(), report, a))
}

/// [`read_scoped`], with the customers left grouped when every row was
/// read and kept (the engine then groups them without per-row codes).
pub(crate) fn read_rows_scoped(
    path: &Path,
    columns: &Columns,
    tz: Tz,
    options: &ReadOptions,
    scope: &Scope,
) -> Result<(Rows, IngestReport, Option<Attribute>)> {
    let source = {
        let size = std::fs::metadata(path).map_or(0, |m| m.len());
        let name = path
            .file_name()
            .map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
        let _stage = crate::progress::spinner(format!("reading {name} ({:.1} MB)", size as f64 / 1e6));
        source::open(path, columns, options, scope)?
    };
    assemble::read_source(path, source, columns, tz, options, scope)
}

/// Reads the order rows of a polars frame, as [`read_scoped`] reads a file:
/// any column names (`columns`), text, date, datetime or numeric cells,
/// each bad cell named by its 1-based row. Messages call the frame
/// `(DataFrame)`.
pub(crate) fn read_frame_scoped(
    frame: &DataFrame,
    columns: &Columns,
    tz: Tz,
    options: &ReadOptions,
    scope: &Scope,
) -> Result<(Orders, IngestReport, Option<Attribute>)> {
    assemble::read_source(
        Path::new(FRAME_NAME),
        Source::Frame(frame.clone()),
        columns,
        tz,
        options,
        scope,
    )
    .map(|(rows, report, a)| (rows.into_orders(), report, a))
}

/// What messages call a frame handed to [`read_frame_scoped`].
pub(crate) const FRAME_NAME: &str = "(DataFrame)";
