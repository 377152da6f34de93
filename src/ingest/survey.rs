//! What `cpm init` needs to know about an export before any run: how it is
//! encoded and split, where the header is, which columns are the
//! customer, date and amount (by their usual names), whether a column
//! looks like a cancel flag, and which customer ids look like guests.

use std::path::Path;

use polars::prelude::*;

use super::ReadOptions;
use super::exclude::{SuspectCancel, suspect_cancel};
use super::filter::trim_value;
use super::recognise::{Pick, Role, pick};
use super::source::{Source, open};
use crate::error::{Error, Result};

/// Customer ids that exports write for an order without a member.
const GUEST_LIKE: [&str; 5] = ["", "0", "guest", "ゲスト", "-"];

/// An export, surveyed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Survey {
    /// `None` for Parquet.
    pub(crate) encoding: Option<super::csv::Encoding>,
    pub(crate) delimiter: Option<u8>,
    pub(crate) header_line: Option<u64>,
    /// The customer, date and amount columns.
    pub(crate) columns: [String; 3],
    pub(crate) rows: u64,
    pub(crate) suspect_cancel: Option<SuspectCancel>,
    /// Guest-like ids found in the customer column, with their rows.
    pub(crate) guests: Vec<(String, u64)>,
}

/// Surveys `path` with the default column names, recognising the usual ones.
pub(crate) fn survey(path: &Path, options: &ReadOptions) -> Result<Survey> {
    let defaults = crate::config::Config::default();
    let mut source = open(path, &defaults.columns, options, &Default::default())?;
    let names = source.names();
    let wanted = [
        (&defaults.columns.customer, Role::Customer, "customer"),
        (&defaults.columns.date, Role::Date, "date"),
        (&defaults.columns.amount, Role::Amount, "amount"),
    ];
    let mut columns: [String; 3] = Default::default();
    for (slot, (name, role, what)) in columns.iter_mut().zip(wanted) {
        *slot = match pick(&names, name, Some(role)) {
            Pick::Named(n) | Pick::Recognised(n) => n.to_string(),
            Pick::Ambiguous(found) => return Err(super::resolve::ambiguous(path, what, role, &found)),
            Pick::Missing => {
                let found: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
                return Err(Error::input(
                    path,
                    format!(
                        "no column is recognised as the {what} column; columns found: {}; name it with --{}",
                        found.join(", "),
                        crate::config::settings::find(role.setting())
                            .and_then(|s| s.flag)
                            .unwrap_or_default()
                    ),
                ));
            }
        };
    }
    let others: Vec<String> = names.iter().filter(|n| !columns.contains(n)).cloned().collect();
    let suspect = suspect_cancel(path, &mut source, &others)?;
    let ids = source.peek(path, &columns[0])?;
    let text = ids
        .cast(&DataType::String)
        .and_then(|c| c.str().cloned())
        .map_err(|e| Error::input(path, e.to_string()))?;
    let mut guests: Vec<(String, u64)> = GUEST_LIKE.iter().map(|g| (g.to_string(), 0)).collect();
    for id in text.iter() {
        let id = trim_value(id.unwrap_or("")).to_lowercase();
        if let Some(g) = guests.iter_mut().find(|(g, _)| *g == id) {
            g.1 += 1;
        }
    }
    guests.retain(|(_, n)| *n > 0);
    let (encoding, delimiter, header_line) = match &source {
        Source::Csv(c) => (Some(c.encoding), Some(c.delimiter), Some(c.layout.header_line)),
        _ => (None, None, None),
    };
    Ok(Survey {
        encoding,
        delimiter,
        header_line,
        columns,
        rows: source.height() as u64,
        suspect_cancel: suspect,
        guests,
    })
}
