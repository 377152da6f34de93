//! Decoding: the file's bytes to UTF-8 text (a BOM, UTF-8 or Shift_JIS
//! as Excel writes it), with errors naming the first line that does not
//! decode.

use std::path::Path;

use crate::error::{Error, Result};

/// Text encodings a CSV may come in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    /// Shift_JIS as Windows and Excel write it (CP932).
    ShiftJis,
}

impl Encoding {
    pub(crate) fn parse(text: &str) -> Option<Encoding> {
        match text.to_ascii_lowercase().replace(['-', '_'], "").as_str() {
            "utf8" | "utf8bom" | "utf8sig" => Some(Encoding::Utf8),
            "shiftjis" | "sjis" | "cp932" | "windows31j" | "ms932" => Some(Encoding::ShiftJis),
            _ => None,
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::ShiftJis => "Shift_JIS (CP932)",
        }
    }
}

/// The file's text, decoded to UTF-8, with classic Mac line endings made
/// line feeds.
pub(super) fn load_text(path: &Path, encoding: Option<Encoding>) -> Result<(Vec<u8>, Encoding)> {
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

pub(super) fn is_blank_char(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

pub(super) fn is_blank_text(text: &[u8]) -> bool {
    std::str::from_utf8(text).is_ok_and(|s| s.chars().all(is_blank_char))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_parse() {
        assert_eq!(Encoding::parse("Shift_JIS"), Some(Encoding::ShiftJis));
        assert_eq!(Encoding::parse("cp932"), Some(Encoding::ShiftJis));
        assert_eq!(Encoding::parse("UTF-8"), Some(Encoding::Utf8));
        assert_eq!(Encoding::parse("latin1"), None);
    }
}
