//! Delimited text files: encoding, delimiter, where the header is, then
//! polars' parser with every column read as text (cells are parsed by
//! `text`, exactly).
//!
//! Around polars' parser this module does what real exports need:
//! - finds the header when a title line sits above it (Excel exports);
//! - drops blank lines (counted) and the header repeated in the middle of
//!   the file (concatenated exports; counted as rejected rows);
//! - when polars cannot split the file (a stray quote, too many fields),
//!   finds the first bad record itself and names its line; in lenient mode
//!   it leaves such records out and parses the rest;
//! - maps every row of the frame back to the 1-based line it starts on.
//!
//! The steps live in one module each: `decode` (bytes to text), `header`
//! (where the header is), `records` (strict record splitting, lines,
//! messages), `frames` (the polars calls) and `sliced` (large plain files).

use std::path::Path;

use polars::prelude::*;

mod decode;
mod frames;
mod header;
mod records;
mod sliced;

pub use self::decode::Encoding;

use self::decode::load_text;
use self::frames::{drop_blank_and_header_rows, is_iso_date, parse, parse_typed};
use self::header::{Header, find_header};
use self::records::{line_at, lines_of_records, scan_records, snippet, split_record, structure_error};
use super::text::CellProblem;
use crate::error::{Error, Result};

/// Where the header was and what was left out around the rows, for the
/// data-quality summary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Layout {
    /// 1-based line of the header.
    pub header_line: u64,
    /// The non-blank lines above the header (title lines), as text.
    pub lines_before_header: Vec<String>,
    /// Blank lines (nothing but blanks and delimiters) among the rows:
    /// skipped, not rows.
    pub blank_lines: u64,
}

/// A record of the file that is not a row of the frame, though it counts as
/// a row read: the header repeated, or (lenient mode) a record that could not
/// be split into fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedRecord {
    /// 1-based line on which the record starts.
    pub line: u64,
    pub(crate) problem: CellProblem,
    /// The record's text (its first line, shortened).
    pub(crate) text: String,
}

/// A CSV file decoded to UTF-8 and parsed into a frame of text columns.
pub struct CsvFrame {
    pub frame: DataFrame,
    pub(crate) encoding: Encoding,
    pub(crate) delimiter: u8,
    pub layout: Layout,
    /// Records read but not in `frame`, in file order.
    pub skipped: Vec<SkippedRecord>,
    /// The file, read again to turn a row number into a line number.
    path: std::path::PathBuf,
    /// Byte offset of the header in `text`.
    body_start: usize,
    /// Records of the parsed text (0-based, header not counted) that were
    /// dropped from the frame after parsing (blank lines, repeated headers),
    /// ascending.
    dropped: Vec<usize>,
    /// When records were cut out before parsing (lenient mode), the line of
    /// every record that polars parsed; otherwise lines are found by scanning.
    parsed_lines: Option<Vec<u64>>,
}

impl CsvFrame {
    /// 1-based line number where data row `row` (0-based, header not
    /// counted) of the frame starts.
    pub fn line_of_row(&self, row: usize) -> u64 {
        self.lines_of_rows(&[row])[0]
    }

    /// Lines of many rows at once (one pass over the file); `rows` must be
    /// in ascending order.
    pub fn lines_of_rows(&self, rows: &[usize]) -> Vec<u64> {
        debug_assert!(rows.windows(2).all(|w| w[0] <= w[1]));
        // Frame row → record of the parsed text: skip the dropped records.
        let mut records = Vec::with_capacity(rows.len());
        let mut dropped = self.dropped.iter().peekable();
        let mut shift = 0;
        for &row in rows {
            while let Some(&&d) = dropped.peek() {
                if d <= row + shift {
                    shift += 1;
                    dropped.next();
                } else {
                    break;
                }
            }
            records.push(row + shift);
        }
        match &self.parsed_lines {
            Some(lines) => records.iter().map(|&r| lines.get(r).copied().unwrap_or(0)).collect(),
            None => {
                let with_header: Vec<usize> = records.iter().map(|&r| r + 1).collect();
                let offset = self.layout.header_line - 1;
                // The file was read once already: it can only fail to read
                // again if it changed meanwhile, and then no line is known.
                let Ok((text, _)) = load_text(&self.path, Some(self.encoding)) else {
                    return vec![0; rows.len()];
                };
                lines_of_records(&text[self.body_start.min(text.len())..], &with_header)
                    .into_iter()
                    .map(|l| l + offset)
                    .collect()
            }
        }
    }
}

/// Reads a delimited text file. `wanted` are the configured column names,
/// used to find the header below title lines; `lenient` leaves out records
/// that cannot be split into fields instead of failing.
pub fn read(
    path: &Path,
    encoding: Option<Encoding>,
    delimiter: Option<u8>,
    wanted: &[&str],
    lenient: bool,
) -> Result<CsvFrame> {
    if let Some(frame) = sliced::read(path, encoding, delimiter, wanted)? {
        return Ok(frame);
    }
    let (text, encoding) = load_text(path, encoding)?;
    let header = find_header(&text, delimiter, wanted);
    let body = &text[header.start..];
    // Without the columns asked for the rows are of no use: read the header
    // alone, so that the caller lists the columns found.
    let to_parse = if header.complete {
        body
    } else {
        &body[..split_record(body, header.delimiter).1]
    };
    let Parsed {
        frame,
        mut skipped,
        parsed_lines,
    } = parse_records(path, to_parse, &header, wanted, lenient)?;
    let header_fields = header
        .fields
        .clone()
        .unwrap_or_else(|| split_record(body, header.delimiter).0);
    let (frame, dropped, blank_lines, repeated) =
        drop_blank_and_header_rows(frame, &header_fields).map_err(|e| Error::input(path, e.to_string()))?;
    if !repeated.is_empty() {
        skipped.extend(repeated_headers(body, &header, &repeated, parsed_lines.as_deref()));
        skipped.sort_by_key(|s| s.line);
    }
    // The text (as large as the file) is not kept: it is read again in the
    // rare case that a row's line number is needed.
    Ok(CsvFrame {
        frame,
        encoding,
        delimiter: header.delimiter,
        layout: Layout {
            header_line: header.line,
            lines_before_header: header.before,
            blank_lines,
        },
        skipped,
        path: path.to_path_buf(),
        body_start: header.start,
        dropped,
        parsed_lines,
    })
}

/// The records parsed into a frame, with what was cut out before parsing.
struct Parsed {
    frame: DataFrame,
    /// Records left out (lenient mode), in file order.
    skipped: Vec<SkippedRecord>,
    /// When records were cut out, the line of every record parsed.
    parsed_lines: Option<Vec<u64>>,
}

/// Parses `to_parse` (header first): typed when the fast path takes it, as
/// text otherwise; when polars cannot split the records, the first bad one
/// is named (or, lenient, the bad ones are cut out and the rest parsed).
fn parse_records(path: &Path, to_parse: &[u8], header: &Header, wanted: &[&str], lenient: bool) -> Result<Parsed> {
    let delimiter = header.delimiter;
    // An odd number of quotes leaves a quote open at the end of the file,
    // which polars reads as text on the last line but is a stray quote like
    // any other: check the records as when polars fails.
    // (A parity fold: four times faster than counting.)
    let odd_quotes = to_parse.iter().fold(0u8, |odd, &b| odd ^ u8::from(b == b'"')) == 1;
    let typed = match (&header.fields, odd_quotes, header.complete) {
        (Some(fields), false, true) => parse_fast(to_parse, delimiter, fields, wanted),
        _ => None,
    };
    let parsed = if let Some(frame) = typed {
        Ok(frame)
    } else if odd_quotes {
        Err(PolarsError::ComputeError("a quote is never closed".into()))
    } else {
        parse(to_parse, delimiter)
    };
    match parsed {
        Ok(frame) => Ok(Parsed {
            frame,
            skipped: Vec::new(),
            parsed_lines: None,
        }),
        Err(polars_error) => parse_around_bad_records(path, to_parse, header, lenient, &polars_error),
    }
}

/// Fast path: let polars parse plain ISO dates and integer amounts
/// natively (half the work of reading them as text). Any value it does not
/// take — another date form, a decimal, `¥1,234`, a repeated header — fails
/// the whole parse, and `None` has the file read as text instead.
fn parse_fast(to_parse: &[u8], delimiter: u8, fields: &[String], wanted: &[&str]) -> Option<DataFrame> {
    let name = |w: &str| crate::ingest::columns::find_column(fields, w).map(str::to_string);
    let role = |i: usize| {
        crate::ingest::recognise::pick_wanted(fields, wanted, i)
            .name()
            .map(str::to_string)
    };
    // Polars infers the date pattern from the first value (and would read
    // `05/03/2024` day-first, a form cpm refuses): take the fast path only
    // when that value is `YYYY-MM-DD`.
    let first_row = split_record(&to_parse[split_record(to_parse, delimiter).1..], delimiter).0;
    let position = |n: &str| fields.iter().position(|f| f == n);
    let iso_first = role(1)
        .and_then(|d| position(&d))
        .and_then(|i| first_row.get(i))
        .is_some_and(|v| is_iso_date(v));
    // Columns wanted as text besides the three (`--by`, `--where`).
    let as_text = |c: &String| wanted[3..].iter().any(|w| name(w).as_ref() == Some(c));
    match (role(1), role(2)) {
        (Some(date), Some(amount)) if iso_first && !as_text(&date) && !as_text(&amount) => {
            parse_typed(to_parse, delimiter, &date, &amount)
                .ok()
                // A null could hide a value polars could not read: read as text.
                .filter(|f| {
                    [&date, &amount]
                        .iter()
                        .all(|c| f.column(c).is_ok_and(|c| c.null_count() == 0))
                })
        }
        _ => None,
    }
}

/// Polars could not split the records: finds the first bad record and
/// names it, or (lenient) parses the text with every bad record cut out.
fn parse_around_bad_records(
    path: &Path,
    to_parse: &[u8],
    header: &Header,
    lenient: bool,
    polars_error: &PolarsError,
) -> Result<Parsed> {
    let delimiter = header.delimiter;
    let scan = scan_records(to_parse, delimiter, !lenient);
    let offset = header.line - 1;
    let Some(first) = scan.bad.first() else {
        let first_line = polars_error.to_string().lines().next().unwrap_or_default().to_string();
        return Err(Error::input(path, format!("cannot parse as CSV: {first_line}")));
    };
    if !lenient || first.record == 0 {
        return Err(structure_error(
            path,
            to_parse,
            first,
            offset,
            scan.header_fields,
            delimiter,
        ));
    }
    let mut repaired = Vec::with_capacity(to_parse.len());
    let mut skipped = Vec::with_capacity(scan.bad.len());
    let mut at = 0;
    for bad in &scan.bad {
        repaired.extend_from_slice(&to_parse[at..bad.start]);
        at = bad.end;
        skipped.push(SkippedRecord {
            line: bad.line + offset,
            problem: bad.problem.cell_problem(),
            text: snippet(&to_parse[bad.start..bad.end]),
        });
    }
    repaired.extend_from_slice(&to_parse[at..]);
    let frame = parse(&repaired, delimiter).map_err(|e| {
        let first_line = e.to_string().lines().next().unwrap_or_default().to_string();
        Error::input(path, format!("cannot parse as CSV: {first_line}"))
    })?;
    Ok(Parsed {
        frame,
        skipped,
        parsed_lines: Some(scan.kept_lines.iter().map(|l| l + offset).collect()),
    })
}

/// The repeated headers (records of the parsed text) as skipped records
/// with their lines.
fn repeated_headers(
    body: &[u8],
    header: &Header,
    repeated: &[usize],
    parsed_lines: Option<&[u64]>,
) -> Vec<SkippedRecord> {
    let lines: Vec<u64> = match parsed_lines {
        Some(lines) => repeated.iter().map(|&r| lines.get(r).copied().unwrap_or(0)).collect(),
        None => {
            let with_header: Vec<usize> = repeated.iter().map(|&r| r + 1).collect();
            lines_of_records(body, &with_header)
                .into_iter()
                .map(|l| l + header.line - 1)
                .collect()
        }
    };
    let text = snippet(line_at(body, 0));
    lines
        .into_iter()
        .map(|line| SkippedRecord {
            line,
            problem: CellProblem::RepeatedHeader,
            text: text.clone(),
        })
        .collect()
}
