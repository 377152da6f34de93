//! Counts per distinct value with order statistics (a Fenwick tree): the
//! `k`-th smallest of a multiset that grows and shrinks, in O(log n).

/// Counts per distinct total, with order statistics (a Fenwick tree).
pub(super) struct Fenwick {
    tree: Vec<i64>,
}

impl Fenwick {
    pub(super) fn new(n: usize) -> Self {
        Fenwick { tree: vec![0; n + 1] }
    }

    pub(super) fn add(&mut self, index: usize, delta: i64) {
        let mut i = index + 1;
        while i < self.tree.len() {
            self.tree[i] += delta;
            i += i & i.wrapping_neg();
        }
    }

    /// The 0-based index of the `rank`-th smallest element (`rank >= 1`,
    /// at most the number of elements).
    pub(super) fn kth_smallest(&self, rank: i64) -> usize {
        let n = self.tree.len() - 1;
        let mut pos = 0;
        let mut left = rank;
        let mut step = if n == 0 { 0 } else { 1usize << n.ilog2() };
        while step > 0 {
            if pos + step <= n && self.tree[pos + step] < left {
                pos += step;
                left -= self.tree[pos];
            }
            step >>= 1;
        }
        pos
    }
}
