//! Delimited text files: encoding, delimiter, then polars' parser with every
//! column read as text (cells are parsed by `text`, exactly).

use std::io::Cursor;
use std::path::Path;

use polars::prelude::*;

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

/// A CSV file decoded to UTF-8 and parsed into a frame of text columns.
pub struct CsvFrame {
    pub frame: DataFrame,
    pub encoding: Encoding,
    pub delimiter: u8,
    /// The decoded bytes, kept to turn a record number into a line number.
    text: Vec<u8>,
}

impl CsvFrame {
    /// 1-based line number where data record `row` (0-based, header not
    /// counted) starts. Quoted fields may span lines, so this scans.
    pub fn line_of_row(&self, row: usize) -> u64 {
        line_of_record(&self.text, row + 1)
    }
}

pub fn read(path: &Path, encoding: Option<Encoding>, delimiter: Option<u8>) -> Result<CsvFrame> {
    let raw = std::fs::read(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    if raw.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::input(
            path,
            "the file is empty (expected a header line and order rows)",
        ));
    }
    let (text, encoding) = decode(path, raw, encoding)?;
    let delimiter = delimiter.unwrap_or_else(|| detect_delimiter(&text));
    let frame = CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .with_raise_if_empty(false)
        .map_parse_options(|o| o.with_separator(delimiter))
        .into_reader_with_file_handle(Cursor::new(&text[..]))
        .finish()
        .map_err(|e| Error::input(path, format!("cannot parse as CSV: {e}")))?;
    Ok(CsvFrame {
        frame,
        encoding,
        delimiter,
        text,
    })
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
                decode_shift_jis(path, &raw).map(|t| (t, Encoding::ShiftJis)).map_err(|_| {
                    let line = first_bad_utf8_line(&raw);
                    Error::input(path, format!("line {line}: the file is neither UTF-8 nor Shift_JIS (CP932); give --encoding, or save it as UTF-8"))
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
        // Find the first line that does not decode, to point at it.
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

/// The most frequent of `,`, tab and `;` outside quotes on the header line.
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

/// 1-based line on which record `record` (0 = header) starts; quotes may
/// hide line breaks inside a record.
fn line_of_record(text: &[u8], record: usize) -> u64 {
    let mut line = 1u64;
    let mut current = 0usize;
    let mut quoted = false;
    let mut at_record_start = true;
    for &b in text {
        if current == record && at_record_start {
            return line;
        }
        at_record_start = false;
        match b {
            b'"' => quoted = !quoted,
            b'\n' => {
                line += 1;
                if !quoted {
                    current += 1;
                    at_record_start = true;
                }
            }
            _ => {}
        }
    }
    line
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
        assert_eq!(line_of_record(text, 0), 1);
        assert_eq!(line_of_record(text, 1), 2);
        assert_eq!(line_of_record(text, 2), 4);
    }

    #[test]
    fn encodings_parse() {
        assert_eq!(Encoding::parse("Shift_JIS"), Some(Encoding::ShiftJis));
        assert_eq!(Encoding::parse("cp932"), Some(Encoding::ShiftJis));
        assert_eq!(Encoding::parse("UTF-8"), Some(Encoding::Utf8));
        assert_eq!(Encoding::parse("latin1"), None);
    }
}
