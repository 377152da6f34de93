//! The fast path for large, plain files: the text is read and parsed a
//! slice at a time, so that the file's text and the parsed columns are
//! never both whole in memory (a 1.6 GB export would otherwise need its
//! size again on top of the columns).
//!
//! Taken only when every slice is plain UTF-8 without quotes and polars
//! reads its dates and amounts natively; at the first slice that is not
//! (a quote, a repeated header, another date form, a blank line), the file
//! is read whole by the general path instead, which gives the same frame
//! or the same error as before. Slices end at line feeds, each parsed with
//! the header line in front, and the frames are stacked without copying.

use std::io::Read;
use std::path::Path;

use polars::prelude::*;

use super::{
    CsvFrame, Encoding, Header, Layout, drop_blank_and_header_rows, find_header, is_iso_date, parse_typed, split_record,
};
use crate::error::{Error, Result};

/// Bytes of text parsed at a time.
const SLICE: usize = 64 << 20;

/// Reads `path` slice by slice, or `None` when the file is small or not
/// plain enough for this path (the caller then reads it whole).
pub(super) fn read(
    path: &Path,
    encoding: Option<Encoding>,
    delimiter: Option<u8>,
    wanted: &[&str],
) -> Result<Option<CsvFrame>> {
    read_in(path, encoding, delimiter, wanted, SLICE)
}

/// [`read`] with slices of `slice` bytes (files under two slices: `None`).
fn read_in(
    path: &Path,
    encoding: Option<Encoding>,
    delimiter: Option<u8>,
    wanted: &[&str],
    slice: usize,
) -> Result<Option<CsvFrame>> {
    if encoding == Some(Encoding::ShiftJis) || wanted.len() < 3 {
        return Ok(None);
    }
    let read_err = |source| Error::Read {
        path: path.to_path_buf(),
        source,
    };
    let mut file = std::fs::File::open(path).map_err(read_err)?;
    if file.metadata().map_err(read_err)?.len() < 2 * slice as u64 {
        return Ok(None);
    }
    let mut chunk: Vec<u8> = Vec::with_capacity(slice + (1 << 20));
    let at_end = fill(&mut file, &mut chunk, slice).map_err(read_err)?;
    let Some(start) = start(&mut chunk, delimiter, wanted) else {
        return Ok(None);
    };
    let Some(frame) = parse_slices(&mut file, chunk, at_end, &start, slice).map_err(read_err)? else {
        return Ok(None);
    };
    let (frame, dropped, blank_lines, repeated) =
        drop_blank_and_header_rows(frame, &start.fields).map_err(|e| Error::input(path, e.to_string()))?;
    if !repeated.is_empty() || blank_lines > 0 {
        return Ok(None);
    }
    Ok(Some(CsvFrame {
        frame,
        encoding: Encoding::Utf8,
        delimiter: start.delimiter,
        layout: Layout {
            header_line: start.header.line,
            lines_before_header: start.header.before,
            blank_lines,
        },
        skipped: Vec::new(),
        path: path.to_path_buf(),
        body_start: start.header.start,
        dropped,
        parsed_lines: None,
    }))
}

/// What the first slice says about the file, when it is plain enough.
struct Start {
    header: Header,
    /// The header's fields.
    fields: Vec<String>,
    delimiter: u8,
    /// The header record as text, put in front of every slice.
    header_line: Vec<u8>,
    /// The columns polars reads as dates and as amounts.
    date: String,
    amount: String,
}

/// Finds the header in the first slice `chunk` and leaves in `chunk` only
/// the text after it; `None` when the file is not for this path (no line
/// feed, UTF-16, a column missing, a first date not `YYYY-MM-DD`).
fn start(chunk: &mut Vec<u8>, delimiter: Option<u8>, wanted: &[&str]) -> Option<Start> {
    if let Some(rest) = chunk.strip_prefix(b"\xEF\xBB\xBF") {
        *chunk = rest.to_vec();
    }
    if !chunk.contains(&b'\n') || chunk.starts_with(b"\xFF\xFE") || chunk.starts_with(b"\xFE\xFF") {
        return None;
    }
    let header = find_header(chunk, delimiter, wanted);
    let fields = header.fields.clone().filter(|_| header.complete)?;
    let delimiter = header.delimiter;
    let role = |i: usize| {
        super::super::recognise::pick_wanted(&fields, wanted, i)
            .name()
            .map(str::to_string)
    };
    let (Some(date), Some(amount)) = (role(1), role(2)) else {
        return None;
    };
    // The same test as the general path: polars infers the date pattern from
    // the first value, so the first value must be `YYYY-MM-DD`.
    let body = &chunk[header.start..];
    let header_end = split_record(body, delimiter).1;
    let first_row = split_record(&body[header_end..], delimiter).0;
    let iso_first = fields
        .iter()
        .position(|f| *f == date)
        .and_then(|i| first_row.get(i))
        .is_some_and(|v| is_iso_date(v));
    if !iso_first {
        return None;
    }
    let header_line = body[..header_end].to_vec();
    chunk.drain(..header.start + header_end);
    Some(Start {
        header,
        fields,
        delimiter,
        header_line,
        date,
        amount,
    })
}

/// Parses `chunk` and the rest of `file` a slice at a time and stacks the
/// frames; `None` at the first slice that is not plain.
fn parse_slices(
    file: &mut std::fs::File,
    mut chunk: Vec<u8>,
    mut at_end: bool,
    start: &Start,
    slice: usize,
) -> std::io::Result<Option<DataFrame>> {
    let mut frame: Option<DataFrame> = None;
    let mut text_buf = Vec::with_capacity(slice + start.header_line.len() + (1 << 20));
    loop {
        let cut = if at_end {
            chunk.len()
        } else {
            match chunk.iter().rposition(|&b| b == b'\n') {
                Some(p) => p + 1,
                None => return Ok(None),
            }
        };
        if cut > 0 {
            let Some(part) = parse_slice(&chunk[..cut], start, &mut text_buf) else {
                return Ok(None);
            };
            match frame.as_mut() {
                None => frame = Some(part),
                Some(f) => {
                    if f.vstack_mut(&part).is_err() {
                        return Ok(None);
                    }
                }
            }
        }
        if at_end {
            break;
        }
        chunk.drain(..cut);
        at_end = fill(file, &mut chunk, slice)?;
    }
    Ok(frame)
}

/// One slice (whole lines) parsed with the header in front (in `text_buf`),
/// or `None` when it has a quote, is not UTF-8, or has a date or amount
/// polars cannot read natively.
fn parse_slice(text: &[u8], start: &Start, text_buf: &mut Vec<u8>) -> Option<DataFrame> {
    if text.contains(&b'"') || std::str::from_utf8(text).is_err() {
        return None;
    }
    text_buf.clear();
    text_buf.extend_from_slice(&start.header_line);
    text_buf.extend_from_slice(text);
    let part = parse_typed(text_buf, start.delimiter, &start.date, &start.amount).ok()?;
    let complete = [&start.date, &start.amount]
        .iter()
        .all(|c| part.column(c).is_ok_and(|c| c.null_count() == 0));
    complete.then_some(part)
}

/// Appends up to `slice` more bytes of `file` to `buf`; `true` at the end of the file.
fn fill(file: &mut std::fs::File, buf: &mut Vec<u8>, slice: usize) -> std::io::Result<bool> {
    let want = buf.len() + slice;
    while buf.len() < want {
        let before = buf.len();
        let n = file.by_ref().take((want - before) as u64).read_to_end(buf)?;
        if n == 0 {
            return Ok(true);
        }
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    const WANTED: [&str; 3] = ["customer_id", "order_date", "amount"];

    fn file_with(text: &str) -> tempfile::NamedTempFile {
        let mut f = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
        std::io::Write::write_all(&mut f, text.as_bytes()).unwrap();
        f
    }

    fn rows(n: usize) -> String {
        let mut text = String::from("Title line\ncustomer_id,order_date,amount,channel\n");
        for i in 0..n {
            let _ = std::fmt::Write::write_fmt(
                &mut text,
                format_args!(
                    "C{:05},2024-{:02}-{:02},{},web\r\n",
                    i % 97,
                    1 + i % 12,
                    1 + i % 28,
                    i as i64 - 50
                ),
            );
        }
        text
    }

    #[test]
    fn slices_give_the_frame_of_the_whole_file() {
        let f = file_with(&rows(3000));
        let sliced = read_in(f.path(), None, None, &WANTED, 4096)
            .unwrap()
            .expect("plain file: sliced");
        assert!(sliced.frame.column("customer_id").unwrap().n_chunks() > 1);
        let whole = super::super::read(f.path(), Some(Encoding::Utf8), None, &WANTED, false).unwrap();
        assert_eq!(sliced.frame.height(), 3000);
        assert!(sliced.frame.equals(&whole.frame));
        assert_eq!(sliced.layout, whole.layout);
        assert_eq!(sliced.body_start, whole.body_start);
        assert_eq!(sliced.line_of_row(0), 3);
        assert_eq!(sliced.line_of_row(2999), whole.line_of_row(2999));
    }

    #[test]
    fn anything_unusual_goes_to_the_general_path() {
        let plain = rows(3000);
        // a quote, a repeated header, a decimal amount, a small file
        let quoted = plain.replacen("web", "\"w,eb\"", 2000);
        let repeated = format!(
            "{plain}customer_id,order_date,amount,channel\n{}",
            &plain[plain.len() - 200..]
        );
        let decimal = plain.replacen(",web", ".5,web", 1);
        for (what, text) in [("quoted", quoted), ("repeated", repeated), ("decimal", decimal)] {
            let f = file_with(&text);
            assert!(
                read_in(f.path(), None, None, &WANTED, 4096).unwrap().is_none(),
                "{what}"
            );
        }
        let f = file_with(&rows(10));
        assert!(read_in(f.path(), None, None, &WANTED, 4096).unwrap().is_none());
    }
}
