//! Customer ids as the engine and the tables keep them: the distinct ids in
//! one string, a customer's code (a dense `u32`) being its position. Shared
//! vocabulary like `dates` and `money`: ingest numbers the ids, the engine
//! carries them through to `segments.csv`, the tables read them back.

/// Distinct customer ids, stored contiguously; code `c` is `get(c)`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomerIds {
    text: String,
    ends: Vec<usize>,
}

impl CustomerIds {
    /// Room for `ids` ids of `bytes` bytes in all.
    pub(crate) fn with_capacity(ids: usize, bytes: usize) -> Self {
        CustomerIds {
            text: String::with_capacity(bytes),
            ends: Vec::with_capacity(ids),
        }
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn get(&self, code: usize) -> &str {
        let start = if code == 0 { 0 } else { self.ends[code - 1] };
        &self.text[start..self.ends[code]]
    }

    pub fn push(&mut self, id: &str) {
        self.text.push_str(id);
        self.ends.push(self.text.len());
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.len()).map(|c| self.get(c))
    }
}

/// Ids → codes in order of first appearance, for orders built in memory
/// (tests, tools); files are numbered by `ingest::intern` instead.
#[derive(Default)]
pub struct Interner {
    codes: std::collections::HashMap<String, u32>,
    ids: CustomerIds,
}

impl Interner {
    pub(crate) fn code(&mut self, id: &str) -> u32 {
        if let Some(&c) = self.codes.get(id) {
            return c;
        }
        let c = self.ids.len() as u32;
        self.codes.insert(id.to_string(), c);
        self.ids.push(id);
        c
    }

    pub(crate) fn into_ids(self) -> CustomerIds {
        self.ids
    }
}
