//! Customer ids → dense `u32` codes in order of first appearance, so the
//! engine works on integers.
//!
//! Millions of distinct ids over tens of millions of date-ordered rows make
//! a hash map a cache miss per row. Instead the rows are partitioned by a
//! 64-bit hash of their id (sequential passes), each small partition is
//! sorted in cache, and equal ids come out adjacent.

use std::hash::Hasher;

use crate::hash::FxHasher;
use crate::ids::CustomerIds;
pub(crate) use crate::orders::grouping::Grouping;
use crate::orders::grouping::{NO_CODE, NO_PARTITION, Ranked};

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

fn threads() -> usize {
    crate::parallel::workers()
}

/// (hash, second hash, row): one row's entry in its partition. After
/// numbering, the second hash is replaced by the id's local number in the
/// partition.
pub(crate) type Entry = (u64, u32, u32);

/// One partition's rows as written by each worker, in row order.
pub(crate) type Partition = Vec<Vec<Entry>>;

/// Where the ids come from: random access, plus an in-order walk over a
/// range of rows that a column source can do faster than row by row.
pub trait IdSource: Sync {
    fn rows(&self) -> usize;
    /// The trimmed id of `row`, or `None` for a missing one.
    fn get(&self, row: usize) -> Option<&str>;
    /// Calls `f(row, id)` for every row in `range`, in order.
    fn each(&self, range: std::ops::Range<usize>, mut f: impl FnMut(usize, Option<&str>)) {
        for row in range {
            f(row, self.get(row));
        }
    }
}

/// Ids given by a function of the row.
pub struct FnIds<'a, F>(pub usize, pub F, pub std::marker::PhantomData<&'a str>);

impl<'a, F: Fn(usize) -> Option<&'a str> + Sync> IdSource for FnIds<'a, F> {
    fn rows(&self) -> usize {
        self.0
    }

    fn get(&self, row: usize) -> Option<&str> {
        (self.1)(row)
    }
}

/// Finds and ranks the distinct ids (passes 1 and 2 of numbering them;
/// [`Grouping::finish`] then gives every row its code).
///
/// Rows are hashed once (in parallel) into partitions by the hash's top
/// bits; each partition's distinct ids are then found with a small
/// open-addressing table that stays in cache. The first rows of all ids are
/// sorted (a counting sort into small buckets), and the ids are copied in
/// that order, so the column is read in row order, never at random.
pub fn group_ids(source: &impl IdSource) -> Grouping {
    let rows = source.rows();
    assert!(rows < NO_CODE as usize, "more rows than u32 codes");
    let workers = threads();
    let bits = ((rows / 16_384).max(1).next_power_of_two().trailing_zeros()).min(10);
    let parts = 1usize << bits;
    let part_of = |h: u64| if bits == 0 { 0 } else { (h >> (64 - bits)) as usize };

    let stage = crate::progress::counted("numbering customer ids", rows as u64, crate::progress::Unit::Rows);
    // Pass 1 (parallel over row ranges): hash each id into its partition.
    let chunk = rows.div_ceil(workers).max(1);
    let mut part = vec![NO_PARTITION; rows];
    let pieces = part
        .chunks_mut(chunk)
        .enumerate()
        .map(|(k, part)| (k * chunk, part, stage.counter()));
    let per_worker: Vec<(Partition, Vec<u32>)> = crate::parallel::each(pieces, |(begin, part, counter)| {
        let end = (begin + chunk).min(rows);
        let expect = (end - begin) / parts + (end - begin) / parts / 8 + 16;
        let mut out: Partition = (0..parts).map(|_| Vec::with_capacity(expect)).collect();
        let mut missing = Vec::new();
        source.each(begin..end, |row, id| {
            match id {
                Some(v) => {
                    let (h, f) = hash_id(v);
                    let p = part_of(h);
                    out[p].push((h, f, row as u32));
                    part[row - begin] = p as u16;
                }
                None => missing.push(row as u32),
            }
            if (row + 1) % crate::progress::STEP == 0 {
                counter.inc(crate::progress::STEP as u64);
            }
        });
        (out, missing)
    });
    // Regroup by partition: partition p is every worker's list p, in order.
    let mut partitions: Vec<Partition> = (0..parts).map(|_| Vec::with_capacity(per_worker.len())).collect();
    let mut missing = Vec::new();
    for (worker, worker_missing) in per_worker {
        missing.extend(worker_missing);
        for (p, list) in worker.into_iter().enumerate() {
            partitions[p].push(list);
        }
    }

    let (first_rows, locals) = number_partitions(&mut partitions, workers);
    drop(partitions);
    let mut ranked = rank(locals, first_rows, source);
    ranked.part = part;
    ranked.chunk = chunk;
    drop(stage);
    Grouping::new(rows, ranked, missing)
}

/// Each partition's first rows of its distinct ids, and its rows' local
/// numbers (one list per range of pass 1).
type Numbered = (Vec<Vec<u32>>, Vec<Vec<Vec<u32>>>);

/// Pass 2 of [`group_ids`] (parallel over partitions): numbers each
/// partition's distinct ids in row order, keeping each one's first row.
fn number_partitions(partitions: &mut [Partition], workers: usize) -> Numbered {
    let parts = partitions.len();
    let per = parts.div_ceil(workers).max(1);
    // The hashes and rows are not needed after that: each entry shrinks to
    // its local number (4 bytes instead of 16), each row's partition being kept by pass 1.
    let groups = crate::parallel::each(partitions.chunks_mut(per), |group| {
        group
            .iter_mut()
            .map(|p| {
                let first = number_distinct(p);
                let locals = std::mem::take(p)
                    .into_iter()
                    .map(|list| list.into_iter().map(|e| e.1).collect())
                    .collect();
                (first, locals)
            })
            .collect::<Vec<_>>()
    });
    groups.into_iter().flatten().unzip()
}

/// Ranks the slots by first row and copies their ids in that order.
fn rank(locals: Vec<Vec<Vec<u32>>>, first_rows: Vec<Vec<u32>>, source: &impl IdSource) -> Ranked {
    let parts = locals.len();
    let mut bases = Vec::with_capacity(parts + 1);
    bases.push(0usize);
    for f in &first_rows {
        bases.push(bases.last().expect("starts at 0") + f.len());
    }
    let groups = bases[parts];
    // A counting sort by the first row's top bits into small buckets (about
    // 16 first rows each), then each bucket sorted in cache.
    let rows_max = first_rows
        .iter()
        .filter_map(|f| f.last())
        .max()
        .map_or(0, |&r| r as usize + 1);
    let shift = (rows_max / groups.max(1)).max(1).next_power_of_two().trailing_zeros() + 4;
    let buckets = (rows_max >> shift) + 1;
    let mut ends = vec![0usize; buckets + 1];
    for &row in first_rows.iter().flatten() {
        ends[((row as usize) >> shift) + 1] += 1;
    }
    for b in 0..buckets {
        ends[b + 1] += ends[b];
    }
    let mut order: Vec<(u32, u32)> = vec![(0, 0); groups];
    for (p, f) in first_rows.iter().enumerate() {
        for (local, &row) in f.iter().enumerate() {
            let at = &mut ends[(row as usize) >> shift];
            order[*at] = (row, (bases[p] + local) as u32);
            *at += 1;
        }
    }
    drop(first_rows);
    // `ends[b]` is now where bucket b ends; it starts where bucket b - 1 ended.
    let mut begin = 0;
    for &end in &ends[..buckets] {
        order[begin..end].sort_unstable();
        begin = end;
    }
    let mut rank = vec![0u32; groups];
    // Room for ids as long as the first one (exact for fixed-width ids).
    let typical = order
        .first()
        .and_then(|&(row, _)| source.get(row as usize))
        .map_or(0, str::len);
    let mut ids = CustomerIds::with_capacity(groups, groups * typical);
    for (code, &(row, slot)) in order.iter().enumerate() {
        rank[slot as usize] = code as u32;
        ids.push(source.get(row as usize).expect("hashed rows have ids"));
    }
    Ranked {
        locals,
        chunk: 0,
        bases,
        rank,
        ids,
        part: Vec::new(),
    }
}

/// Numbers the distinct (hash, second hash) keys of one partition in row
/// order, overwriting each entry's second hash with its key's number;
/// returns each number's first row.
///
/// The open-addressing table starts at half the partition's rows and
/// doubles whenever it is half full: customers have several rows each, so
/// it usually stays small enough for the core's cache.
fn number_distinct(partition: &mut Partition) -> Vec<u32> {
    let entries: usize = partition.iter().map(Vec::len).sum();
    let mut slots = (entries / 2).max(16).next_power_of_two();
    let mut mask = slots - 1;
    // (hash, second hash, number + 1); number 0 marks an empty slot.
    let mut table: Vec<(u64, u32, u32)> = vec![(0, 0, 0); slots];
    let mut first_rows = Vec::new();
    for entry in partition.iter_mut().flatten() {
        let (h, f, row) = *entry;
        let mut at = (h as usize) & mask;
        let number = loop {
            let slot = table[at];
            if slot.2 == 0 {
                first_rows.push(row);
                let number = first_rows.len() as u32;
                table[at] = (h, f, number);
                if number as usize * 2 >= slots {
                    slots *= 2;
                    mask = slots - 1;
                    let old = std::mem::replace(&mut table, vec![(0, 0, 0); slots]);
                    for kept in old.into_iter().filter(|k| k.2 != 0) {
                        let mut at = (kept.0 as usize) & mask;
                        while table[at].2 != 0 {
                            at = (at + 1) & mask;
                        }
                        table[at] = kept;
                    }
                }
                break number - 1;
            }
            if slot.0 == h && slot.1 == f {
                break slot.2 - 1;
            }
            at = (at + 1) & mask;
        };
        entry.1 = number;
    }
    first_rows
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Gives every row the code of its id; codes follow the order in which ids
    /// first appear. `id(row)` is the trimmed id, or `None` for a missing one
    /// (coded [`NO_CODE`]).
    fn assign_codes<'a, F>(rows: usize, id: F) -> (Vec<u32>, CustomerIds)
    where
        F: Fn(usize) -> Option<&'a str> + Sync,
    {
        group_ids(&FnIds(rows, id, std::marker::PhantomData)).finish()
    }

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
