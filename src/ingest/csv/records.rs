//! Records of decoded text as a strict CSV reader splits them: fields,
//! the records that cannot be split (and the error naming their line), and
//! the line each record starts on.

use std::path::Path;

use super::super::text::CellProblem;
use crate::error::Error;

/// At most this many characters of a line are kept for messages.
const SNIPPET_CHARS: usize = 120;

/// The first line of `text`, shortened, for messages and rejects.
pub(super) fn snippet(text: &[u8]) -> String {
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
pub(super) fn line_at(text: &[u8], start: usize) -> &[u8] {
    let rest = &text[start.min(text.len())..];
    let end = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
    let line = &rest[..end];
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// The fields of the first record of `text`, and where it ends.
pub(super) fn split_record(text: &[u8], delimiter: u8) -> (Vec<String>, usize) {
    let mut records = Records::new(text, delimiter);
    let mut fields = Vec::new();
    records.next_record(Some(&mut fields));
    (fields, records.pos)
}

/// 1-based lines on which records `records` (ascending; 0 = header) start,
/// in one pass. Record boundaries are line feeds outside quotes, every
/// quote toggling, as polars splits a well-formed file; a CR before the
/// line feed (CRLF) changes nothing.
pub(super) fn lines_of_records(text: &[u8], records: &[usize]) -> Vec<u64> {
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
pub(super) enum Structure {
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
    pub(super) fn cell_problem(self) -> CellProblem {
        match self {
            Structure::TooManyFields(_) => CellProblem::TooManyFields,
            _ => CellProblem::BadQuotes,
        }
    }
}

pub(super) struct BadRecord {
    /// 0 = header.
    pub(super) record: usize,
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) line: u64,
    pub(super) problem: Structure,
}

pub(super) struct Scan {
    pub(super) header_fields: usize,
    pub(super) bad: Vec<BadRecord>,
    /// Lines of the data records without problems, in order.
    pub(super) kept_lines: Vec<u64>,
}

/// Goes through the records as a strict CSV reader would (quotes count
/// only at the start of a field; `""` inside quotes is a quote) and lists
/// the records that cannot be read. With `first_only`, stops at the first.
pub(super) fn scan_records(text: &[u8], delimiter: u8, first_only: bool) -> Scan {
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
pub(super) struct RecordInfo {
    fields: usize,
    problem: Option<Structure>,
}

/// A strict CSV record reader over decoded text.
pub(super) struct Records<'a> {
    pub(super) text: &'a [u8],
    pub(super) delimiter: u8,
    pub(super) pos: usize,
    pub(super) line: u64,
}

impl<'a> Records<'a> {
    pub(super) fn new(text: &'a [u8], delimiter: u8) -> Self {
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
    pub(super) fn next_record(&mut self, fields: Option<&mut Vec<String>>) -> Option<RecordInfo> {
        match fields {
            Some(out) => self.read_record::<true>(Some(out)),
            None => self.read_record::<false>(None),
        }
    }

    /// [`Self::next_record`], compiled once with the field texts gathered
    /// (`COLLECT`: the header search) and once without (the scan of every
    /// record, which then keeps no field buffer in its loop).
    #[inline]
    fn read_record<const COLLECT: bool>(&mut self, mut fields: Option<&mut Vec<String>>) -> Option<RecordInfo> {
        let t = self.text;
        let n = t.len();
        if self.pos >= n {
            return None;
        }
        let (record_start, record_line) = (self.pos, self.line);
        let mut i = self.pos;
        let mut count = 0;
        let mut problem = None;
        loop {
            count += 1;
            let mut value: Vec<u8> = Vec::new();
            if i < n && t[i] == b'"' {
                let Some((end, newlines)) = quoted_field(t, i + 1, COLLECT.then_some(&mut value)) else {
                    return Some(self.skip_unclosed(record_start, record_line, count));
                };
                i = end;
                self.line += newlines;
                if !ends_field(t, i, self.delimiter) {
                    problem.get_or_insert(Structure::AfterQuote);
                    let from = i;
                    i = field_end(t, i, self.delimiter);
                    if COLLECT {
                        value.extend_from_slice(&t[from..i]);
                    }
                }
            } else {
                let from = i;
                let (end, quotes) = unquoted_field(t, i, self.delimiter);
                i = end;
                if COLLECT {
                    value.extend_from_slice(&t[from..i]);
                }
                // An even number of quotes inside a field is read as text by
                // polars too; an odd one throws its record splitting off.
                if quotes % 2 == 1 {
                    problem.get_or_insert(Structure::StrayQuote);
                }
            }
            if COLLECT && let Some(out) = fields.as_deref_mut() {
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

    /// The record starting at `record_start` has a quote that never closes:
    /// reading resumes after the record's first line.
    fn skip_unclosed(&mut self, record_start: usize, record_line: u64, fields: usize) -> RecordInfo {
        let t = self.text;
        self.pos = t[record_start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(t.len(), |p| record_start + p + 1);
        self.line = record_line + 1;
        RecordInfo {
            fields,
            problem: Some(Structure::Unclosed),
        }
    }
}

/// The inside of a quoted field starting at `i` (just after its opening
/// quote): where it ends (after the closing quote) and the line feeds in
/// it, its text (`""` read as `"`) going into `value` when given. `None`
/// when the quote never closes.
#[inline]
fn quoted_field(t: &[u8], mut i: usize, mut value: Option<&mut Vec<u8>>) -> Option<(usize, u64)> {
    let n = t.len();
    let mut newlines = 0;
    while i < n {
        match t[i] {
            b'"' if t.get(i + 1) == Some(&b'"') => {
                if let Some(v) = value.as_deref_mut() {
                    v.push(b'"');
                }
                i += 2;
            }
            b'"' => return Some((i + 1, newlines)),
            b => {
                if b == b'\n' {
                    newlines += 1;
                }
                if let Some(v) = value.as_deref_mut() {
                    v.push(b);
                }
                i += 1;
            }
        }
    }
    None
}

/// Whether a field may end at `i`: the end of the text, a delimiter, a line
/// feed, or a CR before a line feed (or the end).
#[inline]
fn ends_field(t: &[u8], i: usize, delimiter: u8) -> bool {
    let n = t.len();
    i >= n || t[i] == delimiter || t[i] == b'\n' || (t[i] == b'\r' && (i + 1 >= n || t[i + 1] == b'\n'))
}

/// The next delimiter or line feed from `i` (or the end of the text).
#[inline]
fn field_end(t: &[u8], mut i: usize, delimiter: u8) -> usize {
    while i < t.len() && t[i] != delimiter && t[i] != b'\n' {
        i += 1;
    }
    i
}

/// An unquoted field starting at `i`: where it ends (at the next delimiter
/// or line feed) and how many quotes it holds.
#[inline]
fn unquoted_field(t: &[u8], mut i: usize, delimiter: u8) -> (usize, usize) {
    let mut quotes = 0;
    while i < t.len() && t[i] != delimiter && t[i] != b'\n' {
        if t[i] == b'"' {
            quotes += 1;
        }
        i += 1;
    }
    (i, quotes)
}

/// The one-line error for a record that cannot be split into fields.
pub(super) fn structure_error(
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
    fn lines_of_records_with_quoted_newlines() {
        let text = b"h1,h2\nx,\"two\nlines\"\ny,z\n";
        assert_eq!(lines_of_records(text, &[0, 1, 2]), [1, 2, 4]);
        assert_eq!(lines_of_records(text, &[2]), [4]);
        assert_eq!(lines_of_records(b"h\r\n\r\nx\r\n", &[1, 2]), [2, 3]);
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
