//! The CSV files people open in Excel (the follow-up lists, the rejected
//! rows of a report): UTF-8 with a BOM, so that Excel on Japanese Windows
//! reads Japanese text correctly, or CP932 on request; and any text cell
//! that Excel would take for a formula (starting with `=`, `+`, `-`, `@`,
//! a tab or a carriage return) prefixed with `'`, as OWASP advises against
//! CSV injection. The machine-readable `tables/` keep every value exactly.

use std::borrow::Cow;

use crate::error::{Error, Result};

/// The encodings a human-facing CSV can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ExcelEncoding {
    /// UTF-8 with a byte-order mark (what Excel needs to detect UTF-8).
    #[default]
    #[value(name = "utf-8-bom", alias = "utf8-bom")]
    Utf8Bom,
    /// Shift_JIS as Windows writes it; refused when a character has no
    /// CP932 code.
    #[value(name = "cp932", alias = "shift_jis")]
    Cp932,
}

/// A text cell as Excel may open it: formula-like text neutralised.
pub(crate) fn safe_text(text: &str) -> Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{text}")),
        _ => Cow::Borrowed(text),
    }
}

/// The bytes of a human-facing CSV in `encoding`; `name` names it in the
/// error when a character cannot be written in CP932.
pub(crate) fn encode(text: &str, encoding: ExcelEncoding, name: &str) -> Result<Vec<u8>> {
    match encoding {
        ExcelEncoding::Utf8Bom => {
            let mut out = Vec::with_capacity(text.len() + 3);
            out.extend_from_slice(b"\xEF\xBB\xBF");
            out.extend_from_slice(text.as_bytes());
            Ok(out)
        }
        ExcelEncoding::Cp932 => {
            if let Some((line, c)) = text.lines().enumerate().find_map(|(i, l)| {
                l.chars()
                    .find(|c| encoding_rs::SHIFT_JIS.encode(&c.to_string()).2)
                    .map(|c| (i + 1, c))
            }) {
                return Err(Error::Usage(format!(
                    "{name}: line {line} has {c:?} (U+{:04X}), which CP932 cannot write; \
                     use --excel-encoding utf-8-bom",
                    c as u32
                )));
            }
            Ok(encoding_rs::SHIFT_JIS.encode(text).0.into_owned())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_text_kept() {
        for (raw, safe) in [
            ("=HYPERLINK(\"http://x\",\"x\")", "'=HYPERLINK(\"http://x\",\"x\")"),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("-1+1", "'-1+1"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("C001", "C001"),
            ("会員=1", "会員=1"),
            ("", ""),
        ] {
            assert_eq!(safe_text(raw), safe, "{raw}");
        }
    }

    #[test]
    fn bom_and_cp932() {
        assert_eq!(encode("a", ExcelEncoding::Utf8Bom, "x").unwrap(), b"\xEF\xBB\xBFa");
        assert_eq!(
            encode("顧客", ExcelEncoding::Cp932, "x").unwrap(),
            vec![0x8c, 0xda, 0x8b, 0x71]
        );
        let err = encode("ok\n😀", ExcelEncoding::Cp932, "lists/vip.csv").unwrap_err();
        assert!(err.to_string().contains("line 2"), "{err}");
    }
}
