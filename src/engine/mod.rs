//! The computation, with no I/O and no clock: orders grouped into
//! per-customer timelines, the segment of every customer at every month-end
//! (as change points folded into difference arrays, never a customers ×
//! months table), the transitions between month-ends, the 初回→よちよち
//! cohorts and the KPIs drawn from them.

pub(crate) mod activity;
pub mod breakdown;
pub mod bridge;
pub(crate) mod conversion;
pub mod grouped;
pub(crate) mod kept;
pub(crate) mod kpi;
pub(crate) mod lifecycle;
pub mod portfolio;
pub(crate) mod scheme;
pub mod segments;
pub mod snapshots;
pub mod timelines;
