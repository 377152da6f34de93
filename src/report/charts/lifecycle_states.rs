//! The lifecycle scheme (spec section 8) over the last 24 snapshots: the
//! five states of customers who are still around (VIP, 休眠予備軍, 復活, 新規,
//! 継続) stacked in the upper panel, 休眠 on its own in the lower panel (it
//! only grows, and would flatten the others). The month-end a year before
//! is marked in both panels, as on the CPM trend.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{Swatch, empty_chart, frame, last_n, legend_above, lifecycle_color, month_end_span, snapshot_label};
use super::trend::{Stack, Y_LABEL_W, stacked, stacked_panel, total_panel, two_panels};
use super::{ChartError, check_lifecycle};
use crate::engine::lifecycle::{ACTIVE, AT_RISK, DORMANT, NEWCOMER, VIP, WINBACK};
use crate::engine::portfolio::Portfolio;
use crate::text::lang::Lang;

/// How many snapshots the chart shows.
pub(crate) const STATE_MONTHS: usize = 24;
/// Stacked from the bottom up.
const STACK: [usize; 5] = [VIP, ACTIVE, NEWCOMER, WINBACK, AT_RISK];

pub(crate) fn lifecycle_states<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    p: &Portfolio,
    lang: Lang,
) -> Result<(), ChartError> {
    check_lifecycle(p)?;
    let title = lang.pick("状態別の顧客数の推移", "Customers by state over time");
    let window = last_n(p.counts.len().min(p.snapshot_days.len()), STATE_MONTHS);
    if window.is_empty() {
        return empty_chart(&root, title, lang.pick("スナップショットがありません", "No snapshots"));
    }
    let counts = &p.counts[window.clone()];
    let labels: Vec<String> = p.snapshot_days[window].iter().map(|&d| snapshot_label(d)).collect();
    let subtitle = month_end_span(&labels[0], &labels[labels.len() - 1], lang);
    let footnote = lang.pick(
        "状態は先に当てはまるものから: 休眠 → 優良(VIP) → 休眠予備軍 → 復活 → 新規 → 継続。",
        "First matching state wins: dormant → VIP → at risk → winback → newcomer → active.",
    );
    let body = frame(&root, title, Some(&subtitle), Some(footnote))?;

    let name = |s: usize| lang.pick(p.labels[s].ja, p.labels[s].en).to_string();
    let mut entries: Vec<(Swatch, String)> = STACK
        .iter()
        .map(|&s| (Swatch::Fill(lifecycle_color(s)), name(s)))
        .collect();
    entries.push((Swatch::Line(lifecycle_color(DORMANT)), name(DORMANT)));
    let (upper, lower) = two_panels(&legend_above(&body, &entries, Y_LABEL_W as i32, 8)?);

    let stack = Stack {
        levels: stacked(counts, &STACK),
        colors: STACK.iter().map(|&s| lifecycle_color(s)).collect(),
    };
    let last_top = stack.tops().last().unwrap_or(0.0);
    let total = (lang.pick("休眠以外", "Not dormant"), last_top);
    let panel = lang.pick("休眠以外（状態別の積み上げ）", "Not dormant, stacked by state");
    stacked_panel(&upper, &stack, total, panel, lang)?;

    let dormant: Vec<f64> = counts.iter().map(|row| row[DORMANT] as f64).collect();
    total_panel(
        &lower,
        &dormant,
        lifecycle_color(DORMANT),
        &name(DORMANT),
        &labels,
        lang,
    )
}
