//! One path for every scheme: what differs between the CPM segments and the
//! six-state lifecycle (their KPI cards, charts, readings, actions, lists
//! and terminal summary) sits behind [`SchemeReport`], one implementation
//! per scheme in its own file (`model/cpm.rs`, `model/lifecycle.rs`); the
//! rest of the report is shared. A third scheme is its own file and a line
//! in [`of`].

use std::borrow::Cow;

use super::model::ReportModel;
use crate::config::{Config, Scheme};
use crate::engine::portfolio::Portfolio;
use crate::text::lang::Lang;

/// The parts of the report a scheme decides.
pub(crate) trait SchemeReport: Sync {
    /// The report model: cards, charts with their readings, actions, lists.
    fn model(&self, p: &Portfolio, config: &Config, lang: Lang) -> ReportModel;
    /// The terminal summary of the latest month-end.
    fn summary(&self, p: &Portfolio, config: &Config, lang: Lang) -> String;
    /// The portfolio the scheme's coarser charts draw (the CPM scheme merges
    /// 超優良 into 優良 for its ten-segment charts).
    fn chart_view<'a>(&self, p: &'a Portfolio) -> Cow<'a, Portfolio> {
        Cow::Borrowed(p)
    }
}

/// The ten (or twelve, with 超優良) segments of Yazuya's CPM.
pub(crate) struct Cpm;

/// The six-state D2C lifecycle.
pub(crate) struct Lifecycle;

/// The report of the config's scheme.
pub(crate) fn of(config: &Config) -> &'static dyn SchemeReport {
    match config.scheme {
        Scheme::Cpm => &Cpm,
        Scheme::Lifecycle => &Lifecycle,
    }
}
