//! What the engine computes: the portfolio at every snapshot date, the
//! transitions between consecutive snapshots, the 初回→よちよち cohorts and
//! every customer's state at the as-of date. Plain data, no I/O.

use crate::dates::{Day, MonthIndex};
use crate::engine::segments::SegmentLabel;
use crate::ids::CustomerIds;
use crate::money::Money;

#[derive(Debug, Clone, PartialEq)]
pub struct Portfolio {
    /// Segment ids and names in canonical order; a segment index is a
    /// position in this list.
    pub labels: Vec<SegmentLabel>,
    /// Snapshot dates: month-ends, and the as-of date last when asked for.
    pub snapshot_days: Vec<Day>,
    /// `counts[t][s]`: customers in segment `s` at snapshot `t`.
    pub counts: Vec<Vec<u64>>,
    /// `sales[t][s]`: net sales (returns included) dated in period `t`
    /// (after snapshot `t-1`, up to and including snapshot `t`; for `t = 0`,
    /// the first snapshot's month) by customers in segment `s` at snapshot
    /// `t`, in millionths.
    pub sales: Vec<Vec<i128>>,
    /// `cumulative_sales[t][s]`: the sum of `total` at snapshot `t` over the
    /// customers in segment `s`, in millionths.
    pub cumulative_sales: Vec<Vec<i128>>,
    /// `transitions[t - 1]`: moves from snapshot `t-1` to snapshot `t`, for
    /// `t >= 1`.
    pub transitions: Vec<TransitionMatrix>,
    /// 初回→よちよち conversion by acquisition month.
    pub conversion: Vec<CohortConversion>,
    /// Acquisition cohorts followed for [`LADDER_MONTHS`] months.
    pub ladder: Vec<LadderCohort>,
    /// Every customer present at the as-of date, in order of first
    /// appearance in the input.
    pub customers: Vec<CustomerState>,
    /// Customer ids: `ids.get(state.customer)`.
    pub ids: CustomerIds,
    /// The run's as-of date: the last snapshot date.
    pub as_of: Day,
}

/// Counts between two consecutive snapshots. Row `NEW_ROW(n)` = `n` (one past
/// the last segment) holds the customers first present at the later date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransitionMatrix {
    pub(crate) from_day: Day,
    pub(crate) to_day: Day,
    /// `cells[from][to]`, `from` in `0..=n` (n = the `new` row), `to` in `0..n`.
    pub cells: Vec<Vec<u64>>,
}

impl Portfolio {
    pub fn customer_id(&self, c: &CustomerState) -> &str {
        self.ids.get(c.customer as usize)
    }
}

impl TransitionMatrix {
    /// Index of the pseudo-segment `new` in `cells`.
    pub fn new_row(&self) -> usize {
        self.cells.len() - 1
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct CohortConversion {
    pub cohort_month: MonthIndex,
    pub cohort_size: u64,
    pub converted: u64,
    /// `converted / cohort_size`.
    pub rate: f64,
    /// Every member's window has closed on or before the as-of date.
    pub matured: bool,
}

/// One customer at the as-of date (spec section 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerState {
    /// Code of the customer's id in [`Portfolio::ids`].
    pub customer: u32,
    pub segment: usize,
    /// The segment at the previous snapshot: `labels.len()` (the
    /// transitions' `new`) when not present then, `None` when the run has a
    /// single snapshot.
    pub(crate) previous_segment: Option<usize>,
    pub first_purchase: Day,
    pub last_purchase: Day,
    pub tenure_days: i32,
    pub recency_days: i32,
    pub total: Money,
    pub purchase_days: u32,
}

/// Months after the first purchase that the cohort ladder follows (0..=12).
pub const LADDER_MONTHS: usize = 13;

/// One acquisition cohort followed month by month (spec section 7: "of 100
/// first-time customers, how many reach each tier by month k").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LadderCohort {
    pub cohort_month: MonthIndex,
    pub size: u64,
    /// `counts[k][s]`: members in segment `s` at the snapshot of month
    /// `cohort_month + k`; only for months that have a snapshot.
    pub counts: Vec<Vec<u64>>,
}
