//! The lifecycle scheme (spec section 8) over the last 24 snapshots: the
//! five states of customers who are still around (VIP, 休眠予備軍, 復活, 新規,
//! 継続) stacked in the upper panel, 休眠 on its own in the lower panel (it
//! only grows, and would flatten the others). The month-end a year before
//! is marked in both panels, as on the CPM trend.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::style::{
    INK, LABEL_PX, Swatch, bold_text_at, draw_y_mesh, empty_chart, fmt_axis_number, fmt_count, frame, index_chart,
    last_n, legend, lifecycle_color, nice_ceiling, snapshot_label, to_area,
};
use super::text::draw_text;
use super::trend::{Y_LABEL_W, panel_label, total_panel, year_ago_mark};
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
    let n = labels.len();
    let subtitle = match lang {
        Lang::Ja => format!("月末時点の人数（{} 〜 {}）", labels[0], labels[n - 1]),
        Lang::En => format!("Customers at each month-end ({} to {})", labels[0], labels[n - 1]),
    };
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
    let used = legend(&body, &entries, (Y_LABEL_W as i32, 0))?;
    let (_, rest) = body.split_vertically(used + 8);
    let h = rest.dim_in_pixel().1 as i32;
    let (upper, lower) = rest.split_vertically(h * 64 / 100);
    let lower = lower.margin(24, 0, 0, 0);

    let stacked: Vec<Vec<f64>> = counts
        .iter()
        .map(|row| {
            STACK
                .iter()
                .scan(0u64, |sum, &s| {
                    *sum += row[s];
                    Some(*sum as f64)
                })
                .collect()
        })
        .collect();
    let levels = STACK.len();
    let top = stacked.iter().map(|s| s[levels - 1]).fold(0.0, f64::max);
    let mut chart = index_chart(&upper, n, 0.0..nice_ceiling(top * 1.08), Y_LABEL_W, 12)?;
    draw_y_mesh(&mut chart, &|v| fmt_axis_number(*v))?;
    for level in (0..levels).rev() {
        let color = lifecycle_color(STACK[level]);
        let points: Vec<(f64, f64)> = stacked.iter().enumerate().map(|(i, s)| (i as f64, s[level])).collect();
        chart.draw_series(AreaSeries::new(points, 0.0, color.filled()).border_style(WHITE.stroke_width(1)))?;
    }
    let last_top = stacked.last().map_or(0.0, |s| s[levels - 1]);
    let (x, y) = to_area(&upper, &chart, (n - 1) as f64, last_top);
    let total = format!(
        "{} {}",
        lang.pick("休眠以外", "Not dormant"),
        fmt_count(last_top as u64)
    );
    draw_text(
        &upper,
        &total,
        &bold_text_at(LABEL_PX, INK, HPos::Right, VPos::Bottom),
        (x, y - 6),
    )?;
    let tops: Vec<f64> = stacked.iter().map(|s| s[levels - 1]).collect();
    year_ago_mark(&upper, &chart, &tops, lang)?;
    panel_label(
        &upper,
        lang.pick("休眠以外（状態別の積み上げ）", "Not dormant, stacked by state"),
    )?;

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
