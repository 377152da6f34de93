//! The run's scheme as one value the engine takes: the CPM segments or the
//! six-state lifecycle, each with its rules. Everything scheme-specific in
//! the month-end walk is decided from this value (the lifecycle's VIP top
//! share is the only rule that is not local to a customer), so both schemes
//! share one path; a third scheme is a variant here and its `Classifier`.

use crate::engine::lifecycle::LifecycleRules;
use crate::engine::segments::{Classifier, CpmRules, SegmentLabel};

/// The rules of the scheme a run classifies its customers by.
#[derive(Debug, Clone, Copy)]
pub(crate) enum SchemeRules<'a> {
    /// The ten CPM segments (twelve with 超優良), spec section 3.
    Cpm(&'a CpmRules),
    /// The six-state lifecycle, spec section 8.
    Lifecycle(&'a LifecycleRules),
}

impl<'a> SchemeRules<'a> {
    /// Segment ids and names in canonical order.
    pub(crate) fn labels(self) -> &'a [SegmentLabel] {
        match self {
            SchemeRules::Cpm(r) => r.labels(),
            SchemeRules::Lifecycle(r) => r.labels(),
        }
    }

    /// The lifecycle rules when their VIP top share is on: the one rule
    /// that needs every customer's total at each month-end.
    pub(crate) fn top_share(self) -> Option<&'a LifecycleRules> {
        match self {
            SchemeRules::Lifecycle(r) if !r.vip_top_share.is_zero() => Some(r),
            _ => None,
        }
    }
}
