//! The customer id column: ids trimmed of surrounding blanks and otherwise
//! kept as written, walked chunk by chunk (Parquet row groups stay
//! separate chunks) and numbered by `intern`.

use polars::prelude::*;

use super::{BadCell, StrChunks, as_strings, bad};
use crate::ingest::intern::{Grouping, IdSource, group_ids};
use crate::ingest::text::CellProblem;

/// What a customer id cell must be; guest orders have their own setting.
const CUSTOMER_EXPECTED: &str = "a customer id (for guest orders without one, pass --guest-ids \"\")";

/// An id without surrounding blanks (ASCII, ideographic space, BOM).
fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        // The common case, checked without decoding characters.
        (Some(a), Some(z)) if a.is_ascii_alphanumeric() && z.is_ascii_alphanumeric() => s,
        _ => s.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}' || c == '\u{feff}'),
    }
}

/// The customer ids of every row, grouped by id (see [`Grouping`]); ids
/// are trimmed of surrounding blanks and otherwise kept as written
/// (`00012` ≠ `12`). Rows without an id are listed as bad cells.
pub(crate) fn read_customers(column: Column, bad_cells: &mut Vec<BadCell>) -> PolarsResult<Grouping> {
    let grouping = {
        let strings = as_strings(&column)?;
        group_ids(&ChunkedIds::new(&strings))
    };
    for &row in grouping.missing() {
        bad_cells.push(bad(&column, row as usize, CellProblem::Empty, CUSTOMER_EXPECTED));
    }
    // The distinct ids are copied: the column is freed here.
    Ok(grouping)
}

/// A string column's ids, chunk by chunk (see [`StrChunks`]).
struct ChunkedIds<'a>(StrChunks<'a>);

impl<'a> ChunkedIds<'a> {
    fn new(strings: &'a StringChunked) -> Self {
        ChunkedIds(StrChunks::new(strings))
    }

    fn id(value: Option<&str>) -> Option<&str> {
        value.map(trim).filter(|s| !s.is_empty())
    }
}

impl IdSource for ChunkedIds<'_> {
    fn rows(&self) -> usize {
        self.0.rows()
    }

    fn get(&self, row: usize) -> Option<&str> {
        Self::id(self.0.get(row))
    }

    fn each(&self, range: std::ops::Range<usize>, mut f: impl FnMut(usize, Option<&str>)) {
        self.0.each(range, |row, value| f(row, Self::id(value)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunked_ids_walk_every_chunk_in_order() {
        let mut strings = StringChunked::from_slice("id".into(), &["a", " b", "", "c"]);
        strings
            .append(&StringChunked::from_slice("id".into(), &["b", "d"]))
            .unwrap();
        strings.append(&StringChunked::from_slice("id".into(), &["a"])).unwrap();
        assert_eq!(strings.chunks().len(), 3);
        let ids = ChunkedIds::new(&strings);
        let mut seen = Vec::new();
        ids.each(1..7, |row, id| seen.push((row, id.map(str::to_string))));
        let expected: Vec<(usize, Option<String>)> = [
            (1, Some("b")),
            (2, None),
            (3, Some("c")),
            (4, Some("b")),
            (5, Some("d")),
            (6, Some("a")),
        ]
        .into_iter()
        .map(|(r, s)| (r, s.map(str::to_string)))
        .collect();
        assert_eq!(seen, expected);
        assert_eq!(ids.get(5), Some("d"));
        let (codes, distinct) = group_ids(&ids).finish();
        assert_eq!(codes, [0, 1, u32::MAX, 2, 1, 3, 0]);
        assert_eq!(distinct.iter().collect::<Vec<_>>(), ["a", "b", "c", "d"]);
    }
}
