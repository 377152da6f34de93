//! The rows' customers as `ingest::intern` leaves them: every row in the
//! partition of its id's hash, the distinct ids ranked by first appearance.
//! The engine groups rows into timelines straight from the partitions
//! (`engine::grouped`); [`Grouping::finish`] gives every row its code
//! instead when a per-row code array is needed.

use crate::ids::CustomerIds;

/// Marks a row without a usable id in the codes array.
pub const NO_CODE: u32 = u32::MAX;

/// Marks a row without an id in [`Ranked::part`].
pub const NO_PARTITION: u16 = u16::MAX;

/// Distinct ids found and ranked by first appearance, before every row is
/// given its code: the source of the ids is no longer needed, so it can be
/// freed before [`Grouping::finish`] allocates the codes (or the engine
/// groups the rows straight from the partitions).
#[derive(Debug, Clone)]
pub struct Grouping {
    rows: usize,
    ranked: Ranked,
    /// Rows without an id, ascending.
    missing: Vec<u32>,
}

/// The distinct ids ranked by first appearance, every row still in its
/// partition: partition `p`'s local number `l` is slot `bases[p] + l`, whose
/// code (rank by first row) is `rank[slot]` and id `ids.get(code)`.
#[derive(Debug, Clone)]
pub struct Ranked {
    /// `locals[p][k]`: the local numbers of partition `p`'s rows among the
    /// rows `k * chunk .. (k + 1) * chunk`, in row order.
    pub(crate) locals: Vec<Vec<Vec<u32>>>,
    /// Rows per range of `locals`.
    pub(crate) chunk: usize,
    pub(crate) bases: Vec<usize>,
    pub(crate) rank: Vec<u32>,
    pub(crate) ids: CustomerIds,
    /// Every row's partition ([`NO_PARTITION`] for a row without an id).
    pub(crate) part: Vec<u16>,
}

impl Grouping {
    /// `rows` rows in all, `missing` of them (ascending) without an id.
    pub fn new(rows: usize, ranked: Ranked, missing: Vec<u32>) -> Grouping {
        Grouping { rows, ranked, missing }
    }

    /// Rows without an id, ascending.
    pub(crate) fn missing(&self) -> &[u32] {
        &self.missing
    }

    /// Rows in all (with and without an id).
    pub(crate) fn rows(&self) -> usize {
        self.rows
    }

    /// The ranked ids, every row still in its partition.
    pub(crate) fn into_ranked(self) -> Ranked {
        self.ranked
    }

    /// Gives every row its code (codes follow first appearance).
    pub(crate) fn finish(self) -> (Vec<u32>, CustomerIds) {
        let ranked = self.ranked;
        let chunk = ranked.chunk.max(1);
        // Pass 3 (parallel over the ranges of pass 1): each row's local
        // number is the next one of its partition's list for the range.
        let mut codes = vec![NO_CODE; self.rows];
        let (locals, rank, bases) = (&ranked.locals, &ranked.rank, &ranked.bases);
        let pieces = codes.chunks_mut(chunk).zip(ranked.part.chunks(chunk)).enumerate();
        crate::parallel::each(pieces, |(k, (codes, part))| {
            let mut cursor = vec![0usize; locals.len()];
            for (code, &p) in codes.iter_mut().zip(part) {
                if p == NO_PARTITION {
                    continue;
                }
                let p = p as usize;
                let local = locals[p][k][cursor[p]];
                cursor[p] += 1;
                *code = rank[bases[p] + local as usize];
            }
        });
        (codes, ranked.ids)
    }
}
