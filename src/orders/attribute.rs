//! A customer attribute for breakdowns (`--by COLUMN`, spec section 9):
//! each row keeps only a 4-byte code of its trimmed value, codes numbered
//! in byte order of the values, so that "the smallest value in byte order"
//! is the smallest code.

use std::collections::HashMap;

/// Code of a blank cell (empty after trimming, or null).
pub const BLANK: u32 = u32::MAX;

/// One attribute column: `codes[row]` indexes `values` (or is [`BLANK`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attribute {
    /// The column's name as found in the file.
    pub column: String,
    /// The distinct non-blank trimmed values, in byte order (UTF-8).
    pub values: Vec<String>,
    pub codes: Vec<u32>,
}

impl Attribute {
    /// An attribute from one value per row (tests, tools).
    pub fn from_values<'a>(column: &str, cells: impl IntoIterator<Item = &'a str>) -> Attribute {
        build(column, cells.into_iter().map(Some))
    }

    /// The attribute of cells read from a file (`None`: a null cell).
    pub(crate) fn from_cells<'a>(column: &str, cells: impl Iterator<Item = Option<&'a str>>) -> Attribute {
        build(column, cells)
    }

    /// Keeps the rows whose flag is `true`.
    pub fn retain(&mut self, keep: &[bool]) {
        let mut flags = keep.iter();
        self.codes.retain(|_| *flags.next().expect("one flag per row"));
    }
}

/// A cell or value without surrounding whitespace (Unicode's: the
/// full-width space U+3000 too).
pub fn trim_value(text: &str) -> &str {
    text.trim()
}

fn build<'a>(column: &str, cells: impl Iterator<Item = Option<&'a str>>) -> Attribute {
    let mut index: HashMap<&'a str, u32> = HashMap::new();
    let mut seen: Vec<&'a str> = Vec::new();
    let mut codes = Vec::with_capacity(cells.size_hint().0);
    for cell in cells {
        let value = trim_value(cell.unwrap_or(""));
        if value.is_empty() {
            codes.push(BLANK);
            continue;
        }
        let code = *index.entry(value).or_insert_with(|| {
            seen.push(value);
            (seen.len() - 1) as u32
        });
        codes.push(code);
    }
    // Renumber in byte order.
    let mut order: Vec<u32> = (0..seen.len() as u32).collect();
    order.sort_unstable_by(|&a, &b| seen[a as usize].as_bytes().cmp(seen[b as usize].as_bytes()));
    let mut rank = vec![0u32; seen.len()];
    for (r, &code) in order.iter().enumerate() {
        rank[code as usize] = r as u32;
    }
    for c in codes.iter_mut().filter(|c| **c != BLANK) {
        *c = rank[*c as usize];
    }
    Attribute {
        column: column.to_string(),
        values: order.iter().map(|&c| seen[c as usize].to_string()).collect(),
        codes,
    }
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
}
