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

use std::io::Cursor;
use std::path::Path;

use polars::prelude::*;

mod sliced;

use super::text::CellProblem;
use crate::error::{Error, Result};

/// Text encodings a CSV may come in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    /// Shift_JIS as Windows and Excel write it (CP932).
    ShiftJis,
}

impl Encoding {
    pub fn parse(text: &str) -> Option<Encoding> {
        match text.to_ascii_lowercase().replace(['-', '_'], "").as_str() {
            "utf8" | "utf8bom" | "utf8sig" => Some(Encoding::Utf8),
            "shiftjis" | "sjis" | "cp932" | "windows31j" | "ms932" => Some(Encoding::ShiftJis),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::ShiftJis => "Shift_JIS (CP932)",
        }
    }
}

/// How many lines from the top may precede the header (title lines).
pub const HEADER_SEARCH_LINES: usize = 10;

/// At most this many characters of a line are kept for messages.
const SNIPPET_CHARS: usize = 120;

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
    pub problem: CellProblem,
    /// The record's text (its first line, shortened).
    pub text: String,
}

/// A CSV file decoded to UTF-8 and parsed into a frame of text columns.
pub struct CsvFrame {
    pub frame: DataFrame,
    pub encoding: Encoding,
    pub delimiter: u8,
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

/// The file's text, decoded to UTF-8, with classic Mac line endings made
/// line feeds.
fn load_text(path: &Path, encoding: Option<Encoding>) -> Result<(Vec<u8>, Encoding)> {
    let raw = std::fs::read(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let empty = || Error::input(path, "the file is empty (expected a header line and order rows)");
    if raw.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(empty());
    }
    let (mut text, encoding) = decode(path, raw, encoding)?;
    if is_blank_text(&text) {
        return Err(empty());
    }
    // Classic Mac line endings (a lone CR, as old Excel for Mac writes them).
    if !text.contains(&b'\n') && text.contains(&b'\r') {
        for b in &mut text {
            if *b == b'\r' {
                *b = b'\n';
            }
        }
    }
    Ok((text, encoding))
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
    let delimiter = header.delimiter;
    let body = &text[header.start..];

    let mut skipped = Vec::new();
    let mut parsed_lines = None;
    // Without the columns asked for the rows are of no use: read the header
    // alone, so that the caller lists the columns found.
    let to_parse = if header.complete {
        body
    } else {
        &body[..split_record(body, delimiter).1]
    };
    // An odd number of quotes leaves a quote open at the end of the file,
    // which polars reads as text on the last line but is a stray quote like
    // any other: check the records as when polars fails.
    // (A parity fold: four times faster than counting.)
    let odd_quotes = to_parse.iter().fold(0u8, |odd, &b| odd ^ u8::from(b == b'"')) == 1;
    // Fast path: let polars parse plain ISO dates and integer amounts
    // natively (half the work of reading them as text). Any value it does
    // not take — another date form, a decimal, `¥1,234`, a repeated header —
    // fails the whole parse, and the file is read as text instead.
    let typed = match (&header.fields, odd_quotes, header.complete) {
        (Some(fields), false, true) => {
            let name = |w: &str| super::columns::find_column(fields, w).map(str::to_string);
            // Polars infers the date pattern from the first value (and would
            // read `05/03/2024` day-first, a form cpm refuses): take the fast
            // path only when that value is `YYYY-MM-DD`.
            let first_row = split_record(&to_parse[split_record(to_parse, delimiter).1..], delimiter).0;
            let position = |n: &str| fields.iter().position(|f| f == n);
            let iso_first = name(wanted[1])
                .and_then(|d| position(&d))
                .and_then(|i| first_row.get(i))
                .is_some_and(|v| is_iso_date(v));
            // Columns wanted as text besides the three (`--by`, `--where`).
            let as_text = |c: &String| wanted[3..].iter().any(|w| name(w).as_ref() == Some(c));
            match (name(wanted[1]), name(wanted[2])) {
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
        _ => None,
    };
    let parsed = if let Some(frame) = typed {
        Ok(frame)
    } else if odd_quotes {
        Err(PolarsError::ComputeError("a quote is never closed".into()))
    } else {
        parse(to_parse, delimiter)
    };
    let frame = match parsed {
        Ok(frame) => frame,
        Err(polars_error) => {
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
            parsed_lines = Some(scan.kept_lines.iter().map(|l| l + offset).collect());
            parse(&repaired, delimiter).map_err(|e| {
                let first_line = e.to_string().lines().next().unwrap_or_default().to_string();
                Error::input(path, format!("cannot parse as CSV: {first_line}"))
            })?
        }
    };

    let header_fields = header.fields.unwrap_or_else(|| split_record(body, delimiter).0);
    let (frame, dropped, blank_lines, repeated) =
        drop_blank_and_header_rows(frame, &header_fields).map_err(|e| Error::input(path, e.to_string()))?;
    let mut csv = CsvFrame {
        frame,
        encoding,
        delimiter,
        layout: Layout {
            header_line: header.line,
            lines_before_header: header.before,
            blank_lines,
        },
        skipped: Vec::new(),
        path: path.to_path_buf(),
        body_start: header.start,
        dropped: Vec::new(),
        parsed_lines,
    };
    if !repeated.is_empty() {
        // Lines of the repeated headers, computed before `dropped` is set:
        // these are records of the parsed text, not rows of the final frame.
        let lines = match &csv.parsed_lines {
            Some(lines) => repeated.iter().map(|&r| lines.get(r).copied().unwrap_or(0)).collect(),
            None => {
                let with_header: Vec<usize> = repeated.iter().map(|&r| r + 1).collect();
                lines_of_records(body, &with_header)
                    .into_iter()
                    .map(|l| l + header.line - 1)
                    .collect::<Vec<_>>()
            }
        };
        let text = snippet(line_at(&text[header.start..], 0));
        for line in lines {
            skipped.push(SkippedRecord {
                line,
                problem: CellProblem::RepeatedHeader,
                text: text.clone(),
            });
        }
        skipped.sort_by_key(|s| s.line);
    }
    csv.skipped = skipped;
    csv.dropped = dropped;
    // The text (as large as the file) is not kept: it is read again in the
    // rare case that a row's line number is needed.
    drop(text);
    Ok(csv)
}

fn parse(text: &[u8], delimiter: u8) -> PolarsResult<DataFrame> {
    CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .with_raise_if_empty(false)
        .map_parse_options(|o| o.with_separator(delimiter))
        .into_reader_with_file_handle(Cursor::new(text))
        .finish()
}

/// `YYYY-MM-DD` exactly.
fn is_iso_date(value: &str) -> bool {
    let b = value.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
}

/// Like [`parse`], with the date column read as `Date` and the amount
/// column as `Int64`; fails on any value of another form.
fn parse_typed(text: &[u8], delimiter: u8, date: &str, amount: &str) -> PolarsResult<DataFrame> {
    let types = Schema::from_iter([
        Field::new(date.into(), DataType::Date),
        Field::new(amount.into(), DataType::Int64),
    ]);
    CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .with_schema_overwrite(Some(std::sync::Arc::new(types)))
        .with_raise_if_empty(false)
        .map_parse_options(|o| o.with_separator(delimiter))
        .into_reader_with_file_handle(Cursor::new(text))
        .finish()
}

fn is_blank_char(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

fn is_blank_text(text: &[u8]) -> bool {
    std::str::from_utf8(text).is_ok_and(|s| s.chars().all(is_blank_char))
}

/// The first line of `text`, shortened, for messages and rejects.
fn snippet(text: &[u8]) -> String {
    let line = line_at(text, 0);
    let s = String::from_utf8_lossy(line);
    let s = s.trim_end_matches(['\r', '\n']);
    if s.chars().count() > SNIPPET_CHARS {
        let cut: String = s.chars().take(SNIPPET_CHARS).collect();
        format!("{cut}…")
    } else {
        s.to_string()
    }
}

/// The line starting at byte `start`, without its line break.
fn line_at(text: &[u8], start: usize) -> &[u8] {
    let rest = &text[start.min(text.len())..];
    let end = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
    let line = &rest[..end];
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Where the header is.
struct Header {
    start: usize,
    line: u64,
    delimiter: u8,
    /// The header's fields when they were split while searching.
    fields: Option<Vec<String>>,
    /// Every wanted column is in the header.
    complete: bool,
    before: Vec<String>,
}

/// The header is the first line that names every wanted column; failing
/// that (a column misnamed), the line among the first few that names the
/// most of them, if that beats the first line; else the first line. Blank
/// lines at the top are skipped.
fn find_header(text: &[u8], delimiter: Option<u8>, wanted: &[&str]) -> Header {
    let mut records = Records::new(text, b',');
    let mut candidates: Vec<(usize, u64, u8, Vec<String>, usize)> = Vec::new();
    while candidates.len() < HEADER_SEARCH_LINES {
        let start = records.pos;
        if start >= text.len() {
            break;
        }
        let line = records.line;
        let delim = delimiter.unwrap_or_else(|| detect_delimiter(&text[start..]));
        records.delimiter = delim;
        let mut fields = Vec::new();
        records.next_record(Some(&mut fields));
        if fields.iter().all(|f| f.chars().all(is_blank_char)) {
            continue;
        }
        let matched = wanted
            .iter()
            .filter(|w| super::columns::find_column(&fields, w).is_some())
            .count();
        candidates.push((start, line, delim, fields, matched));
        if matched == wanted.len() {
            break;
        }
    }
    let Some(first_matched) = candidates.first().map(|c| c.4) else {
        return Header {
            start: 0,
            line: 1,
            delimiter: delimiter.unwrap_or(b','),
            fields: None,
            complete: wanted.is_empty(),
            before: Vec::new(),
        };
    };
    let best = if candidates.last().is_some_and(|c| c.4 == wanted.len()) {
        candidates.len() - 1
    } else {
        // The first candidate with the most matches.
        let most = candidates.iter().map(|c| c.4).max().unwrap_or(0);
        if most > first_matched {
            candidates.iter().position(|c| c.4 == most).unwrap_or(0)
        } else {
            0
        }
    };
    let before = candidates[..best]
        .iter()
        .map(|c| {
            let words: Vec<&str> =
                c.3.iter()
                    .map(|f| f.trim_matches(is_blank_char))
                    .filter(|f| !f.is_empty())
                    .collect();
            snippet(words.join(" ").as_bytes())
        })
        .collect();
    let (start, line, delim, fields, matched) = candidates.swap_remove(best);
    Header {
        start,
        line,
        delimiter: delim,
        fields: Some(fields),
        complete: matched == wanted.len(),
        before,
    }
}

/// The fields of the first record of `text`, and where it ends.
fn split_record(text: &[u8], delimiter: u8) -> (Vec<String>, usize) {
    let mut records = Records::new(text, delimiter);
    let mut fields = Vec::new();
    records.next_record(Some(&mut fields));
    (fields, records.pos)
}

/// Leaves out the rows that are blank (every cell empty or blanks) or
/// repeat the header (every cell equal to the header's). Returns the frame,
/// the dropped rows (ascending), the count of blank rows, and the repeated
/// headers (rows of the input frame).
fn drop_blank_and_header_rows(
    frame: DataFrame,
    header: &[String],
) -> PolarsResult<(DataFrame, Vec<usize>, u64, Vec<usize>)> {
    let columns = frame.columns();
    if columns.is_empty() || frame.height() == 0 {
        return Ok((frame, Vec::new(), 0, Vec::new()));
    }
    // Only the first column is read whole; the others, typed or not, only
    // at the rare rows whose first cell is empty or repeats the header.
    let first_column = &columns[0];
    let first_cells: Option<StringChunked> = match first_column.dtype() {
        DataType::String => Some(first_column.str()?.clone()),
        _ => None,
    };
    let cell = |c: &Column, row: usize| -> String {
        match c.str() {
            Ok(strings) => strings.get(row).unwrap_or("").trim_matches(is_blank_char).to_string(),
            // A typed column (the fast path): empty when null.
            Err(_) => match c.get(row) {
                Ok(AnyValue::Null) | Err(_) => String::new(),
                Ok(other) => other.to_string(),
            },
        }
    };
    let norm = |v: Option<&str>| v.unwrap_or("").trim_matches(is_blank_char).to_string();
    let header: Vec<String> = (0..columns.len())
        .map(|i| header.get(i).map(|h| norm(Some(h))).unwrap_or_default())
        .collect();
    let header_has_text = header.iter().any(|h| !h.is_empty());
    let mut dropped = Vec::new();
    let mut blank = 0u64;
    let mut repeated = Vec::new();
    // A typed first column: only an empty (null) cell can start a blank line.
    let nulls = first_cells.is_none().then(|| first_column.is_null());
    let mut texts = first_cells.as_ref().map(|c| c.iter());
    let mut null_flags = nulls.as_ref().map(|n| n.iter());
    for row in 0..frame.height() {
        let first = match (texts.as_mut(), null_flags.as_mut()) {
            (Some(it), _) => it.next().flatten().map_or("", |s| s.trim_matches(is_blank_char)),
            (None, Some(it)) => match it.next().flatten() {
                Some(true) => "",
                _ => continue,
            },
            (None, None) => continue,
        };
        // The first header cell may itself be empty (an index column).
        let maybe_header = header_has_text && first == header[0];
        if !first.is_empty() && !maybe_header {
            continue;
        }
        let cells: Vec<String> = columns.iter().map(|c| cell(c, row)).collect();
        if first.is_empty() && cells.iter().all(String::is_empty) {
            blank += 1;
            dropped.push(row);
        } else if maybe_header && cells.iter().zip(&header).all(|(c, h)| c == h) {
            repeated.push(row);
            dropped.push(row);
        }
    }
    if dropped.is_empty() {
        return Ok((frame, dropped, 0, repeated));
    }
    let mut keep = vec![true; frame.height()];
    for &d in &dropped {
        keep[d] = false;
    }
    let mask = BooleanChunked::from_slice("keep".into(), &keep);
    let frame = frame.filter(&mask)?;
    Ok((frame, dropped, blank, repeated))
}

fn decode(path: &Path, raw: Vec<u8>, wanted: Option<Encoding>) -> Result<(Vec<u8>, Encoding)> {
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    if let Some(rest) = raw.strip_prefix(BOM) {
        if wanted == Some(Encoding::ShiftJis) {
            return Err(Error::input(
                path,
                "the file starts with a UTF-8 byte-order mark but Shift_JIS was asked for; drop --encoding or use --encoding utf-8",
            ));
        }
        let rest = rest.to_vec();
        return check_utf8(path, rest).map(|t| (t, Encoding::Utf8));
    }
    if raw.starts_with(b"\xFF\xFE") || raw.starts_with(b"\xFE\xFF") {
        return Err(Error::input(
            path,
            "the file is UTF-16; save it as UTF-8 or Shift_JIS (CSV)",
        ));
    }
    match wanted {
        Some(Encoding::Utf8) => check_utf8(path, raw).map(|t| (t, Encoding::Utf8)),
        Some(Encoding::ShiftJis) => {
            if std::str::from_utf8(&raw).is_ok() && !raw.is_ascii() {
                return Err(Error::input(
                    path,
                    "the file is valid UTF-8 with non-ASCII text, not Shift_JIS; reading it as Shift_JIS would garble it. Drop --encoding or use --encoding utf-8",
                ));
            }
            decode_shift_jis(path, &raw).map(|t| (t, Encoding::ShiftJis))
        }
        None => {
            if std::str::from_utf8(&raw).is_ok() {
                Ok((raw, Encoding::Utf8))
            } else {
                decode_shift_jis(path, &raw)
                    .map(|t| (t, Encoding::ShiftJis))
                    .map_err(|_| {
                        let line = first_bad_utf8_line(&raw);
                        Error::input(
                            path,
                            format!(
                                "line {line}: the file is neither UTF-8 nor Shift_JIS (CP932); give --encoding, or save it as UTF-8"
                            ),
                        )
                    })
            }
        }
    }
}

fn check_utf8(path: &Path, bytes: Vec<u8>) -> Result<Vec<u8>> {
    match std::str::from_utf8(&bytes) {
        Ok(_) => Ok(bytes),
        Err(_) => {
            let line = first_bad_utf8_line(&bytes);
            Err(Error::input(
                path,
                format!("line {line}: not valid UTF-8; if the file came from Excel, try --encoding shift_jis"),
            ))
        }
    }
}

fn first_bad_utf8_line(bytes: &[u8]) -> u64 {
    let valid = std::str::from_utf8(bytes).map_or_else(|e| e.valid_up_to(), |_| bytes.len());
    1 + bytes[..valid].iter().filter(|&&b| b == b'\n').count() as u64
}

fn decode_shift_jis(path: &Path, raw: &[u8]) -> Result<Vec<u8>> {
    let (text, had_errors) = encoding_rs::SHIFT_JIS.decode_without_bom_handling(raw);
    if had_errors {
        // Find the first line that does not decode, to point at it. No
        // Shift_JIS trail byte is a line feed, so lines decode alone.
        let mut line = 1;
        for chunk in raw.split(|&b| b == b'\n') {
            if encoding_rs::SHIFT_JIS.decode_without_bom_handling(chunk).1 {
                break;
            }
            line += 1;
        }
        return Err(Error::input(path, format!("line {line}: not valid Shift_JIS (CP932)")));
    }
    Ok(text.into_owned().into_bytes())
}

/// The most frequent of `,`, tab and `;` outside quotes on the first line.
fn detect_delimiter(text: &[u8]) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for &b in text {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            b',' if !quoted => counts[0] += 1,
            b'\t' if !quoted => counts[1] += 1,
            b';' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let candidates = [b',', b'\t', b';'];
    let best = (0..3)
        .max_by_key(|&i| (counts[i], std::cmp::Reverse(i)))
        .expect("three");
    if counts[best] == 0 { b',' } else { candidates[best] }
}

/// 1-based lines on which records `records` (ascending; 0 = header) start,
/// in one pass. Record boundaries are line feeds outside quotes, every
/// quote toggling, as polars splits a well-formed file; a CR before the
/// line feed (CRLF) changes nothing.
fn lines_of_records(text: &[u8], records: &[usize]) -> Vec<u64> {
    let mut out = Vec::with_capacity(records.len());
    let mut wanted = records.iter().peekable();
    let mut line = 1u64;
    let mut current = 0usize;
    let mut quoted = false;
    let mut i = 0;
    loop {
        while wanted.next_if(|&&r| r == current).is_some() {
            out.push(line);
        }
        if wanted.peek().is_none() {
            break;
        }
        // Advance to the start of the next record.
        let mut advanced = false;
        while i < text.len() {
            let b = text[i];
            i += 1;
            match b {
                b'"' => quoted = !quoted,
                b'\n' => {
                    line += 1;
                    if !quoted {
                        current += 1;
                        advanced = true;
                        break;
                    }
                }
                _ => {}
            }
        }
        if !advanced {
            // Past the end: the remaining records would start here.
            for _ in wanted.by_ref() {
                out.push(line);
            }
            break;
        }
    }
    out
}

/// Why a record cannot be split into fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Structure {
    /// A quote in a field that does not start with one.
    StrayQuote,
    /// A quoted field that never closes.
    Unclosed,
    /// Text between a closing quote and the next delimiter.
    AfterQuote,
    /// More fields than the header has.
    TooManyFields(usize),
}

impl Structure {
    fn cell_problem(self) -> CellProblem {
        match self {
            Structure::TooManyFields(_) => CellProblem::TooManyFields,
            _ => CellProblem::BadQuotes,
        }
    }
}

struct BadRecord {
    /// 0 = header.
    record: usize,
    start: usize,
    end: usize,
    line: u64,
    problem: Structure,
}

struct Scan {
    header_fields: usize,
    bad: Vec<BadRecord>,
    /// Lines of the data records without problems, in order.
    kept_lines: Vec<u64>,
}

/// Goes through the records as a strict CSV reader would (quotes count
/// only at the start of a field; `""` inside quotes is a quote) and lists
/// the records that cannot be read. With `first_only`, stops at the first.
fn scan_records(text: &[u8], delimiter: u8, first_only: bool) -> Scan {
    let mut records = Records::new(text, delimiter);
    let mut scan = Scan {
        header_fields: 0,
        bad: Vec::new(),
        kept_lines: Vec::new(),
    };
    let mut index = 0usize;
    while records.pos < text.len() {
        let start = records.pos;
        let line = records.line;
        let Some(record) = records.next_record(None) else {
            break;
        };
        let mut problem = record.problem;
        if index == 0 {
            scan.header_fields = record.fields;
        } else if problem.is_none() && record.fields > scan.header_fields {
            problem = Some(Structure::TooManyFields(record.fields));
        }
        match problem {
            Some(problem) => {
                scan.bad.push(BadRecord {
                    record: index,
                    start,
                    end: records.pos,
                    line,
                    problem,
                });
                if first_only {
                    break;
                }
            }
            None if index > 0 => scan.kept_lines.push(line),
            None => {}
        }
        index += 1;
    }
    scan
}

/// What one record was.
struct RecordInfo {
    fields: usize,
    problem: Option<Structure>,
}

/// A strict CSV record reader over decoded text.
struct Records<'a> {
    text: &'a [u8],
    delimiter: u8,
    pos: usize,
    line: u64,
}

impl<'a> Records<'a> {
    fn new(text: &'a [u8], delimiter: u8) -> Self {
        Records {
            text,
            delimiter,
            pos: 0,
            line: 1,
        }
    }

    /// Reads the record at `pos`, leaving `pos` at the next one; the field
    /// texts go into `fields` when given. `None` at the end of the text.
    /// A record whose quote never closes ends at the end of its first line
    /// (a stray quote is likelier than a value running to the end of file).
    fn next_record(&mut self, mut fields: Option<&mut Vec<String>>) -> Option<RecordInfo> {
        let t = self.text;
        let n = t.len();
        if self.pos >= n {
            return None;
        }
        let (record_start, record_line) = (self.pos, self.line);
        let mut i = self.pos;
        let mut count = 0;
        let mut problem = None;
        // Field texts are only gathered when asked for (header search).
        let collect = fields.is_some();
        loop {
            count += 1;
            let mut value: Vec<u8> = Vec::new();
            if i < n && t[i] == b'"' {
                i += 1;
                let mut closed = false;
                let mut newlines = 0;
                while i < n {
                    match t[i] {
                        b'"' if t.get(i + 1) == Some(&b'"') => {
                            if collect {
                                value.push(b'"');
                            }
                            i += 2;
                        }
                        b'"' => {
                            i += 1;
                            closed = true;
                            break;
                        }
                        b => {
                            if b == b'\n' {
                                newlines += 1;
                            }
                            if collect {
                                value.push(b);
                            }
                            i += 1;
                        }
                    }
                }
                if !closed {
                    // Resume after the record's first line.
                    let end = t[record_start..]
                        .iter()
                        .position(|&b| b == b'\n')
                        .map_or(n, |p| record_start + p + 1);
                    self.pos = end;
                    self.line = record_line + 1;
                    return Some(RecordInfo {
                        fields: count,
                        problem: Some(Structure::Unclosed),
                    });
                }
                self.line += newlines;
                let at_end = i >= n
                    || t[i] == self.delimiter
                    || t[i] == b'\n'
                    || (t[i] == b'\r' && (i + 1 >= n || t[i + 1] == b'\n'));
                if !at_end {
                    problem.get_or_insert(Structure::AfterQuote);
                    let from = i;
                    while i < n && t[i] != self.delimiter && t[i] != b'\n' {
                        i += 1;
                    }
                    if collect {
                        value.extend_from_slice(&t[from..i]);
                    }
                }
            } else {
                let mut quotes = 0;
                let from = i;
                while i < n && t[i] != self.delimiter && t[i] != b'\n' {
                    if t[i] == b'"' {
                        quotes += 1;
                    }
                    i += 1;
                }
                if collect {
                    value.extend_from_slice(&t[from..i]);
                }
                // An even number of quotes inside a field is read as text by
                // polars too; an odd one throws its record splitting off.
                if quotes % 2 == 1 {
                    problem.get_or_insert(Structure::StrayQuote);
                }
            }
            if let Some(out) = fields.as_deref_mut() {
                if value.last() == Some(&b'\r') && (i >= n || t[i] == b'\n') {
                    value.pop();
                }
                out.push(String::from_utf8_lossy(&value).into_owned());
            }
            if i < n && t[i] == self.delimiter {
                i += 1;
                continue;
            }
            break;
        }
        if i < n {
            // A line feed.
            i += 1;
            self.line += 1;
        }
        self.pos = i;
        Some(RecordInfo { fields: count, problem })
    }
}

/// The one-line error for a record that cannot be split into fields.
fn structure_error(
    path: &Path,
    body: &[u8],
    bad: &BadRecord,
    line_offset: u64,
    header_fields: usize,
    delimiter: u8,
) -> Error {
    let line = bad.line + line_offset;
    let what = if bad.record == 0 { "the header" } else { "the row" };
    let delimiter_name = match delimiter {
        b'\t' => "tab".to_string(),
        b';' => "semicolon".to_string(),
        b',' => "comma".to_string(),
        other => format!("{:?}", char::from(other)),
    };
    let message = match bad.problem {
        Structure::StrayQuote => {
            format!("a quote (\") inside a field that does not start with one, so {what} cannot be split into fields")
        }
        Structure::Unclosed => format!("a quoted field that is never closed, so {what} cannot be split into fields"),
        Structure::AfterQuote => {
            format!("text after the closing quote of a field, so {what} cannot be split into fields")
        }
        Structure::TooManyFields(n) => {
            format!("{n} fields but the header has {header_fields} ({delimiter_name}-separated)")
        }
    };
    let expected = match bad.problem {
        Structure::TooManyFields(_) => "a value containing the delimiter to be in quotes, e.g. \"1,234\"",
        _ => "a field either without quotes or wholly in quotes, with quotes inside doubled, e.g. \"27\"\" monitor\"",
    };
    let text = snippet(&body[bad.start..bad.end]);
    Error::input(
        path,
        format!("line {line}: {message} (line: {text:?}; expected {expected})"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiters() {
        assert_eq!(detect_delimiter(b"a,b,c\n1;2;3;4;5"), b',');
        assert_eq!(detect_delimiter(b"a\tb\tc\n"), b'\t');
        assert_eq!(detect_delimiter(b"\"a,b\";c;d\n"), b';');
        assert_eq!(detect_delimiter(b"single\n"), b',');
    }

    #[test]
    fn lines_of_records_with_quoted_newlines() {
        let text = b"h1,h2\nx,\"two\nlines\"\ny,z\n";
        assert_eq!(lines_of_records(text, &[0, 1, 2]), [1, 2, 4]);
        assert_eq!(lines_of_records(text, &[2]), [4]);
        assert_eq!(lines_of_records(b"h\r\n\r\nx\r\n", &[1, 2]), [2, 3]);
    }

    #[test]
    fn encodings_parse() {
        assert_eq!(Encoding::parse("Shift_JIS"), Some(Encoding::ShiftJis));
        assert_eq!(Encoding::parse("cp932"), Some(Encoding::ShiftJis));
        assert_eq!(Encoding::parse("UTF-8"), Some(Encoding::Utf8));
        assert_eq!(Encoding::parse("latin1"), None);
    }

    #[test]
    fn records_split_like_a_strict_reader() {
        let (fields, end) = split_record(b"a,\"b,\"\"c\"\"\",d\r\nnext", b',');
        assert_eq!(fields, ["a", "b,\"c\"", "d"]);
        assert_eq!(end, 15);
        let scan = scan_records(b"a,b\n1,x\"y\n2,3\n6,7,8\n9,\"q\"z\n\"4,5\n7,8\n", b',', false);
        let bad: Vec<(usize, u64, Structure)> = scan.bad.iter().map(|b| (b.record, b.line, b.problem)).collect();
        assert_eq!(
            bad,
            [
                (1, 2, Structure::StrayQuote),
                (3, 4, Structure::TooManyFields(3)),
                (4, 5, Structure::AfterQuote),
                (5, 6, Structure::Unclosed),
            ]
        );
        // After a quote that never closes, reading resumes on the next line.
        assert_eq!(scan.kept_lines, [3, 7]);
    }
}
