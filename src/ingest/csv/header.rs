//! Where the header is: the first line that names the wanted columns,
//! below any title lines, and the delimiter it is split by.

use super::decode::is_blank_char;
use super::records::{Records, snippet};

/// How many lines from the top may precede the header (title lines).
const HEADER_SEARCH_LINES: usize = 10;

/// Where the header is.
pub(super) struct Header {
    pub(super) start: usize,
    pub(super) line: u64,
    pub(super) delimiter: u8,
    /// The header's fields when they were split while searching.
    pub(super) fields: Option<Vec<String>>,
    /// Every wanted column is in the header.
    pub(super) complete: bool,
    pub(super) before: Vec<String>,
}

/// The header is the first line that names every wanted column; failing
/// that (a column misnamed), the line among the first few that names the
/// most of them, if that beats the first line; else the first line. Blank
/// lines at the top are skipped.
pub(super) fn find_header(text: &[u8], delimiter: Option<u8>, wanted: &[&str]) -> Header {
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
        let matched = (0..wanted.len())
            .filter(|&i| crate::ingest::recognise::pick_wanted(&fields, wanted, i).is_in_header())
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
}
