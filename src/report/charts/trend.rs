//! Segment counts over the last 24 snapshots: the active tiers stacked in
//! the upper panel, all lapsed customers in the lower panel. The month-end a
//! year before the last is marked in both panels, because the cards and the
//! reading compare with it (前年同月比).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::style::{
    Chart2d, INK, LABEL_PX, LAPSED_ALL, SMALL_PX, Swatch, bold_text_at, draw_y_mesh, empty_chart, fmt_axis_number,
    fmt_count, frame, index_chart, last_n, legend_above, month_end_span, month_labels, nice_ceiling, snapshot_label,
    text_at, tier_color, tier_entries, tint, to_area,
};
use super::text::draw_text;
use super::{ChartError, check_cpm_layout};
use crate::engine::portfolio::Portfolio;
use crate::text::lang::Lang;

/// How many snapshots the chart shows.
pub(crate) const TREND_MONTHS: usize = 24;
pub(super) const Y_LABEL_W: u32 = 130;
pub(super) const MAX_MONTH_LABELS: usize = 9;

pub(crate) fn trend<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    p: &Portfolio,
    lang: Lang,
) -> Result<(), ChartError> {
    let tiers = check_cpm_layout(p)?.tiers;
    let title = lang.pick("顧客数の推移", "Customers over time");
    let window = last_n(p.counts.len().min(p.snapshot_days.len()), TREND_MONTHS);
    if window.is_empty() {
        return empty_chart(&root, title, lang.pick("スナップショットがありません", "No snapshots"));
    }
    let counts = &p.counts[window.clone()];
    let labels: Vec<String> = p.snapshot_days[window].iter().map(|&d| snapshot_label(d)).collect();
    let subtitle = month_end_span(&labels[0], &labels[labels.len() - 1], lang);
    let body = frame(&root, title, Some(&subtitle), None)?;

    let mut entries = tier_entries(tiers, lang);
    entries.push((
        Swatch::Line(LAPSED_ALL),
        lang.pick("離脱（合計）", "Lapsed (all tiers)").to_string(),
    ));
    let (upper, lower) = two_panels(&legend_above(&body, &entries, Y_LABEL_W as i32, 8)?);

    // Upper panel: active tiers stacked, 優良 at the bottom.
    let order: Vec<usize> = (0..tiers).rev().collect();
    let stack = Stack {
        levels: stacked(counts, &order),
        colors: order.iter().map(|&tier| tier_color(tier)).collect(),
    };
    let peak = stack.tops().fold(0.0, f64::max);
    let name = lang.pick("現役（ティア別の積み上げ）", "Active, stacked by tier");
    stacked_panel(&upper, &stack, (lang.pick("現役計", "Active"), peak), name, lang)?;

    // Lower panel: all lapsed customers.
    let lapsed: Vec<f64> = counts
        .iter()
        .map(|row| row[tiers..].iter().sum::<u64>() as f64)
        .collect();
    total_panel(
        &lower,
        &lapsed,
        LAPSED_ALL,
        lang.pick("離脱（合計）", "Lapsed, all tiers"),
        &labels,
        lang,
    )
}

/// The upper (64%) and lower panels of a two-panel chart over time.
pub(super) fn two_panels<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
) -> (DrawingArea<DB, Shift>, DrawingArea<DB, Shift>) {
    let h = area.dim_in_pixel().1 as i32;
    let (upper, lower) = area.split_vertically(h * 64 / 100);
    (upper, lower.margin(24, 0, 0, 0))
}

/// Stacked areas over the month-ends: `levels[i][k]` is month-end `i`'s
/// running total up to level `k` (the bottom level first), drawn in
/// `colors[k]`.
pub(super) struct Stack {
    pub(super) levels: Vec<Vec<f64>>,
    pub(super) colors: Vec<RGBColor>,
}

impl Stack {
    /// Each month-end's top of the stack.
    pub(super) fn tops(&self) -> impl Iterator<Item = f64> + '_ {
        self.levels.iter().map(|s| s[s.len() - 1])
    }
}

/// Running totals of each row's segments in `order`.
pub(super) fn stacked(counts: &[Vec<u64>], order: &[usize]) -> Vec<Vec<f64>> {
    counts
        .iter()
        .map(|row| {
            order
                .iter()
                .scan(0u64, |sum, &s| {
                    *sum += row[s];
                    Some(*sum as f64)
                })
                .collect()
        })
        .collect()
}

/// An upper panel: the stack as areas, the latest top labelled with its
/// name (`total`, at the height given with it, above the last month-end),
/// the month-end a year before marked, the panel named at its top-left.
pub(super) fn stacked_panel<DB: DrawingBackend>(
    upper: &DrawingArea<DB, Shift>,
    stack: &Stack,
    (total, label_y): (&str, f64),
    name: &str,
    lang: Lang,
) -> Result<(), ChartError> {
    let n = stack.levels.len();
    let top = stack.tops().fold(0.0, f64::max);
    let mut chart = index_chart(upper, n, 0.0..nice_ceiling(top * 1.08), Y_LABEL_W, 12)?;
    draw_y_mesh(&mut chart, &|v| fmt_axis_number(*v))?;
    for (level, &color) in stack.colors.iter().enumerate().rev() {
        let points: Vec<(f64, f64)> = stack
            .levels
            .iter()
            .enumerate()
            .map(|(i, s)| (i as f64, s[level]))
            .collect();
        chart.draw_series(AreaSeries::new(points, 0.0, color.filled()).border_style(WHITE.stroke_width(1)))?;
    }
    let last = stack.tops().last().unwrap_or(0.0);
    let (x, y) = to_area(upper, &chart, (n - 1) as f64, label_y);
    draw_text(
        upper,
        &format!("{total} {}", fmt_count(last as u64)),
        &bold_text_at(LABEL_PX, INK, HPos::Right, VPos::Bottom),
        (x, y - 6),
    )?;
    let tops: Vec<f64> = stack.tops().collect();
    year_ago_mark(upper, &chart, &tops, lang)?;
    panel_label(upper, name)
}

/// A lower panel: one total per month-end as a shaded line, its latest
/// value labelled, the month-end a year before marked, the panel named at
/// its top-left, months below.
pub(super) fn total_panel<DB: DrawingBackend>(
    lower: &DrawingArea<DB, Shift>,
    values: &[f64],
    color: RGBColor,
    name: &str,
    labels: &[String],
    lang: Lang,
) -> Result<(), ChartError> {
    let n = values.len();
    let max = values.iter().copied().fold(0.0, f64::max);
    let mut chart = index_chart(lower, n, 0.0..nice_ceiling(max * 1.15), Y_LABEL_W, 64)?;
    draw_y_mesh(&mut chart, &|v| fmt_axis_number(*v))?;
    let points: Vec<(f64, f64)> = values.iter().enumerate().map(|(i, &v)| (i as f64, v)).collect();
    chart.draw_series(AreaSeries::new(points.clone(), 0.0, tint(color, 0.7).filled()))?;
    chart.draw_series(LineSeries::new(points, color.stroke_width(4)))?;
    let last = values[n - 1];
    let (x, y) = to_area(lower, &chart, (n - 1) as f64, last);
    draw_text(
        lower,
        &fmt_count(last as u64),
        &bold_text_at(LABEL_PX, INK, HPos::Right, VPos::Bottom),
        (x, y - 8),
    )?;
    year_ago_mark(lower, &chart, values, lang)?;
    panel_label(lower, name)?;
    month_labels(lower, &chart, labels, MAX_MONTH_LABELS)?;
    Ok(())
}

/// 前年同月: the month-end a year before the last of `values` (one value per
/// month-end, consecutive), as a hollow dot on its value with the value
/// above it; nothing when the window does not reach back a year.
pub(super) fn year_ago_mark<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Chart2d<'_, DB>,
    values: &[f64],
    lang: Lang,
) -> Result<(), ChartError> {
    let n = values.len();
    let Some(i) = n.checked_sub(1).and_then(crate::report::model::year_ago::index) else {
        return Ok(());
    };
    let (x, y) = to_area(area, chart, i as f64, values[i]);
    area.draw(&Circle::new((x, y), 8, WHITE.filled()))?;
    area.draw(&Circle::new((x, y), 8, INK.stroke_width(3)))?;
    // Centred over the dot, unless that would run past the plot's edge.
    let (h, dx) = match i {
        0 | 1 => (HPos::Left, -8),
        _ if i + 3 > n => (HPos::Right, 8),
        _ => (HPos::Center, 0),
    };
    let label = format!(
        "{} {}",
        lang.pick("前年同月", "A year ago"),
        fmt_count(values[i] as u64)
    );
    draw_text(area, &label, &text_at(SMALL_PX, INK, h, VPos::Bottom), (x + dx, y - 14))
}

/// A panel's name at its top-left, inside the plot.
pub(super) fn panel_label<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, text: &str) -> Result<(), ChartError> {
    draw_text(
        area,
        text,
        &text_at(LABEL_PX, INK, HPos::Left, VPos::Top),
        (Y_LABEL_W as i32 + 14, 22),
    )
}
