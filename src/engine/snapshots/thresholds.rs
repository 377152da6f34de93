//! The months' VIP thresholds in a segment tree (min and max per node), so
//! "the first month in a range whose threshold this total reaches (or stops
//! reaching)" takes O(log months).

use crate::money::Money;

/// The months' thresholds, for "the first month in a range whose threshold
/// is (or is not) reached by this total" in O(log months).
pub(crate) struct Thresholds {
    size: usize,
    min: Vec<i128>,
    max: Vec<i128>,
    /// The lowest threshold of any month: a total below it is never VIP by share.
    pub(super) lowest: i128,
}

impl Thresholds {
    pub fn new(thresholds: &[Option<Money>]) -> Self {
        let size = thresholds.len().next_power_of_two();
        let mut min = vec![i128::MAX; 2 * size];
        let mut max = vec![i128::MIN; 2 * size];
        for (m, t) in thresholds.iter().enumerate() {
            let v = t.map_or(i128::MAX, |t| i128::from(t.0));
            min[size + m] = v;
            max[size + m] = v;
        }
        for i in (1..size).rev() {
            min[i] = min[2 * i].min(min[2 * i + 1]);
            max[i] = max[2 * i].max(max[2 * i + 1]);
        }
        Thresholds {
            size,
            lowest: min[1],
            min,
            max,
        }
    }

    /// The first month in `a..b` where `total >= threshold` is `reached`.
    pub(super) fn first(&self, a: usize, b: usize, total: i128, reached: bool) -> Option<usize> {
        self.find(1, 0, self.size, a, b, total, reached)
    }

    #[allow(clippy::too_many_arguments)]
    fn find(&self, node: usize, lo: usize, hi: usize, a: usize, b: usize, total: i128, reached: bool) -> Option<usize> {
        if hi <= a || b <= lo {
            return None;
        }
        let none_here = if reached {
            self.min[node] > total
        } else {
            self.max[node] <= total
        };
        if none_here {
            return None;
        }
        if hi - lo == 1 {
            return Some(lo);
        }
        let mid = (lo + hi) / 2;
        self.find(2 * node, lo, mid, a, b, total, reached)
            .or_else(|| self.find(2 * node + 1, mid, hi, a, b, total, reached))
    }
}
