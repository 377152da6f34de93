//! A customer attribute for breakdowns (`--by COLUMN`, spec section 9):
//! each row keeps only a 4-byte code of its trimmed value, codes numbered
//! in byte order of the values, so that "the smallest value in byte order"
//! is the smallest code.

use std::collections::HashMap;

use crate::hash::FxBuild;

/// Code of a blank cell (empty after trimming, or null).
pub const BLANK: u32 = u32::MAX;

/// One attribute column: `codes[row]` indexes `values` (or is [`BLANK`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attribute {
    /// The column's name as found in the file.
    pub(crate) column: String,
    /// The distinct non-blank trimmed values, in byte order (UTF-8).
    pub(crate) values: Vec<String>,
    pub(crate) codes: Vec<u32>,
}

impl Attribute {
    /// An attribute from one value per row (tests, tools).
    pub fn from_values<'a>(column: &str, cells: impl IntoIterator<Item = &'a str>) -> Attribute {
        let cells: Vec<&str> = cells.into_iter().collect();
        Attribute::from_cells(column, &Listed(&cells))
    }

    /// The attribute of the cells of `source`: the rows are taken in
    /// consecutive ranges, one per core, each coded by its own small hash
    /// table of the values it meets; the values are then put in byte
    /// order and every range's codes renumbered.
    pub(crate) fn from_cells<'a>(column: &str, source: &impl Cells<'a>) -> Attribute {
        let rows = source.rows();
        let mut codes = vec![BLANK; rows];
        let parts: Vec<(usize, Vec<&'a str>)> =
            crate::parallel::fill(&mut codes, |start, piece| (start, code_range(source, start, piece)));
        let mut values: Vec<&'a str> = parts.iter().flat_map(|(_, seen)| seen.iter().copied()).collect();
        values.sort_unstable_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
        values.dedup();
        let position = |v: &str| {
            values
                .binary_search_by(|x| x.as_bytes().cmp(v.as_bytes()))
                .expect("a value seen") as u32
        };
        let renumber: Vec<(usize, Vec<u32>)> = parts
            .iter()
            .map(|(start, seen)| (*start, seen.iter().map(|v| position(v)).collect()))
            .collect();
        crate::parallel::fill(&mut codes, |start, piece| {
            let (_, rank) = renumber
                .iter()
                .find(|(s, _)| *s == start)
                .expect("the same pieces as when coded");
            for c in piece.iter_mut().filter(|c| **c != BLANK) {
                *c = rank[*c as usize];
            }
        });
        Attribute {
            column: column.to_string(),
            values: values.iter().map(|v| v.to_string()).collect(),
            codes,
        }
    }

    /// Keeps the rows whose flag is `true`.
    pub(crate) fn retain(&mut self, keep: &[bool]) {
        let mut flags = keep.iter();
        self.codes.retain(|_| *flags.next().expect("one flag per row"));
    }
}

/// Where an attribute's cells come from: an in-order walk over a range of
/// rows (a column source does it chunk by chunk).
pub(crate) trait Cells<'a>: Sync {
    fn rows(&self) -> usize;
    /// Calls `f(cell)` for every row in `range`, in order (`None`: a null cell).
    fn each(&self, range: std::ops::Range<usize>, f: impl FnMut(Option<&'a str>));
}

/// Cells listed in memory.
struct Listed<'l, 'a>(&'l [&'a str]);

impl<'a> Cells<'a> for Listed<'_, 'a> {
    fn rows(&self) -> usize {
        self.0.len()
    }

    fn each(&self, range: std::ops::Range<usize>, mut f: impl FnMut(Option<&'a str>)) {
        self.0[range].iter().for_each(|&c| f(Some(c)));
    }
}

/// Codes the rows `start..start + out.len()` into `out` (left [`BLANK`]
/// for blank cells), numbering the values in order of first appearance;
/// returns the values in that order.
fn code_range<'a>(source: &impl Cells<'a>, start: usize, out: &mut [u32]) -> Vec<&'a str> {
    let mut index: HashMap<&'a str, u32, FxBuild> = HashMap::default();
    let mut seen: Vec<&'a str> = Vec::new();
    let range = start..start + out.len();
    let mut codes = out.iter_mut();
    source.each(range, |cell| {
        let slot = codes.next().expect("one code per row");
        let value = trim_value(cell.unwrap_or(""));
        if value.is_empty() {
            return;
        }
        *slot = *index.entry(value).or_insert_with(|| {
            seen.push(value);
            (seen.len() - 1) as u32
        });
    });
    seen
}

/// A cell or value without surrounding whitespace (Unicode's: the
/// full-width space U+3000 too).
pub fn trim_value(text: &str) -> &str {
    text.trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_follow_byte_order_and_blanks_are_blank() {
        let a = Attribute::from_values("ch", ["b", " a", "", "\u{3000}", "b\u{3000}", "検索広告", "Z"]);
        assert_eq!(a.values, ["Z", "a", "b", "検索広告"]);
        assert_eq!(a.codes, [2, 1, BLANK, BLANK, 2, 3, 0]);
    }

    #[test]
    fn ranges_coded_apart_agree_with_one_pass() {
        // Enough rows for every core to get a range, with values that
        // first appear in different ranges and orders.
        let cells: Vec<String> = (0..10_007u32)
            .map(|i| match (i * 7919) % 13 {
                0 => String::new(),
                k => format!("v{}", (k * (i / 1000 + 1)) % 17),
            })
            .collect();
        let a = Attribute::from_values("c", cells.iter().map(String::as_str));
        let mut distinct: Vec<&str> = cells.iter().map(String::as_str).filter(|c| !c.is_empty()).collect();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(a.values, distinct);
        for (cell, &code) in cells.iter().zip(&a.codes) {
            if cell.is_empty() {
                assert_eq!(code, BLANK);
            } else {
                assert_eq!(a.values[code as usize], *cell);
            }
        }
    }
}
