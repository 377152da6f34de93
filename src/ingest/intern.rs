//! Customer ids → dense `u32` codes in order of first appearance, so the
//! engine works on integers.
//!
//! Millions of distinct ids over tens of millions of date-ordered rows make
//! a hash map a cache miss per row. Instead the rows are partitioned by a
//! 64-bit hash of their id (sequential passes), each small partition is
//! sorted in cache, and equal ids come out adjacent.

use std::hash::Hasher;

/// FxHash-style mixing: ids are short, and a DoS-resistant hash buys nothing
/// for a file the user gave us.
#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let word = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
            self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(SEED);
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(i)).wrapping_mul(SEED);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Two independent hashes of an id: 96 bits in all. Ids are taken as
/// equal when both agree; for ten million distinct ids the chance of any
/// false merge is about 10^-15, and no id is ever read twice.
fn hash_id(id: &str) -> (u64, u32) {
    let mut h = FxHasher::default();
    h.write(id.as_bytes());
    h.write_u8(0xff);
    // Final avalanche (splitmix64) so that the top bits depend on every byte.
    let mut z = h.finish();
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    // FNV-1a, 32 bits: a different function, not a different seed.
    let mut f: u32 = 0x811c_9dc5;
    for &b in id.as_bytes() {
        f = (f ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    (z ^ (z >> 31), f)
}

/// Distinct customer ids, stored contiguously; code `c` is `get(c)`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomerIds {
    bytes: Vec<u8>,
    ends: Vec<usize>,
}

impl CustomerIds {
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn get(&self, code: usize) -> &str {
        let start = if code == 0 { 0 } else { self.ends[code - 1] };
        std::str::from_utf8(&self.bytes[start..self.ends[code]]).expect("ids are stored from &str")
    }

    pub fn push(&mut self, id: &str) {
        self.bytes.extend_from_slice(id.as_bytes());
        self.ends.push(self.bytes.len());
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.len()).map(|c| self.get(c))
    }
}

/// A small interner for orders built in memory (tests, tools).
#[derive(Default)]
pub struct Interner {
    codes: std::collections::HashMap<String, u32>,
    ids: CustomerIds,
}

impl Interner {
    pub fn code(&mut self, id: &str) -> u32 {
        if let Some(&c) = self.codes.get(id) {
            return c;
        }
        let c = self.ids.len() as u32;
        self.codes.insert(id.to_string(), c);
        self.ids.push(id);
        c
    }

    pub fn into_ids(self) -> CustomerIds {
        self.ids
    }
}

/// Marks a row without a usable id in the codes array.
pub const NO_CODE: u32 = u32::MAX;

fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8)
}

/// Gives every row the code of its id; codes follow the order in which ids
/// first appear. `id(row)` is the trimmed id, or `None` for a missing one
/// (coded [`NO_CODE`]).
pub fn assign_codes<'a, F>(rows: usize, id: F) -> (Vec<u32>, CustomerIds)
where
    F: Fn(usize) -> Option<&'a str> + Sync,
{
    assert!(rows < NO_CODE as usize, "more rows than u32 codes");
    let workers = threads();
    let bits = ((rows / 256).max(1).next_power_of_two().trailing_zeros()).clamp(1, 16);
    let buckets = 1usize << bits;
    let bucket_of = |h: u64| (h >> (64 - bits)) as usize;

    // Pass 1 (parallel): count rows per partition.
    let chunk = rows.div_ceil(workers).max(1);
    let counts: Vec<Vec<usize>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..rows)
            .step_by(chunk)
            .map(|begin| {
                let id = &id;
                s.spawn(move || {
                    let mut counts = vec![0usize; buckets];
                    for row in begin..(begin + chunk).min(rows) {
                        if let Some(v) = id(row) {
                            counts[bucket_of(hash_id(v).0)] += 1;
                        }
                    }
                    counts
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("hashing thread")).collect()
    });

    // Pass 2: scatter (hash, row) into partitions, rows ascending within each.
    let mut starts = vec![0usize; buckets + 1];
    for b in 0..buckets {
        starts[b + 1] = starts[b] + counts.iter().map(|c| c[b]).sum::<usize>();
    }
    let present = starts[buckets];
    let mut pairs: Vec<(u64, u32, u32)> = vec![(0, 0, 0); present];
    let mut fill = starts.clone();
    for row in 0..rows {
        if let Some(v) = id(row) {
            let (h, f) = hash_id(v);
            let b = bucket_of(h);
            pairs[fill[b]] = (h, f, row as u32);
            fill[b] += 1;
        }
    }

    // Pass 3 (parallel): sort each partition in cache; equal ids become
    // adjacent, first row first. Workers take whole partitions.
    let mut pieces = Vec::with_capacity(workers);
    let mut rest: &mut [(u64, u32, u32)] = &mut pairs;
    let (mut consumed, mut b) = (0, 0);
    for w in 1..=workers {
        let target = present * w / workers;
        while b < buckets && starts[b + 1] <= target {
            b += 1;
        }
        let boundary = if w == workers { present } else { starts[b] };
        let (head, tail) = rest.split_at_mut(boundary - consumed);
        pieces.push(head);
        rest = tail;
        consumed = boundary;
    }
    std::thread::scope(|s| {
        for piece in pieces {
            s.spawn(move || sort_partitions(piece, bits));
        }
    });

    // Pass 4: one group per distinct id; `codes` first holds group numbers
    // in partition order, `first_row` each group's first row.
    let mut codes = vec![NO_CODE; rows];
    let mut first_row: Vec<u32> = Vec::new();
    let mut previous = None;
    for &(h, f, row) in &pairs {
        if previous != Some((h, f)) {
            first_row.push(row);
            previous = Some((h, f));
        }
        codes[row as usize] = first_row.len() as u32 - 1;
    }
    drop(pairs);

    // Pass 5: renumber groups by first appearance, and store the ids.
    let mut group_at_row = vec![NO_CODE; rows];
    for (g, &r) in first_row.iter().enumerate() {
        group_at_row[r as usize] = g as u32;
    }
    let mut rank = vec![0u32; first_row.len()];
    let mut ids = CustomerIds {
        bytes: Vec::new(),
        ends: Vec::with_capacity(first_row.len()),
    };
    for (row, &g) in group_at_row.iter().enumerate() {
        if g != NO_CODE {
            rank[g as usize] = ids.len() as u32;
            ids.push(id(row).expect("a group's first row has an id"));
        }
    }
    drop(group_at_row);
    for c in codes.iter_mut() {
        if *c != NO_CODE {
            *c = rank[*c as usize];
        }
    }
    (codes, ids)
}

/// Sorts every partition (same top `bits` of the hash) inside `slice`.
fn sort_partitions(slice: &mut [(u64, u32, u32)], bits: u32) {
    let mut i = 0;
    while i < slice.len() {
        let top = slice[i].0 >> (64 - bits);
        let mut j = i;
        while j < slice.len() && slice[j].0 >> (64 - bits) == top {
            j += 1;
        }
        slice[i..j].sort_unstable();
        i = j;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_follow_first_appearance() {
        let rows = ["b", "a", "b", "", "c", "a", "00012", "12"];
        let (codes, ids) = assign_codes(rows.len(), |r| Some(rows[r]).filter(|s| !s.is_empty()));
        assert_eq!(codes, [0, 1, 0, NO_CODE, 2, 1, 3, 4]);
        assert_eq!(ids.iter().collect::<Vec<_>>(), ["b", "a", "c", "00012", "12"]);
    }

    #[test]
    fn many_ids_group_exactly() {
        let ids: Vec<String> = (0..50_000).map(|i| format!("C{:07}", (i * 7919) % 20_000)).collect();
        let (codes, distinct) = assign_codes(ids.len(), |r| Some(ids[r].as_str()));
        assert_eq!(distinct.len(), 20_000);
        for (r, &c) in codes.iter().enumerate() {
            assert_eq!(distinct.get(c as usize), ids[r]);
        }
        // First appearance: code of row r is at most the number of distinct ids before it.
        let mut max_seen = 0;
        for &c in &codes {
            assert!(c <= max_seen);
            max_seen = max_seen.max(c + 1);
        }
    }
}
