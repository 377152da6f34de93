//! Plan against actual (予実): one small panel per planned metric, actual
//! as bars (provisional conversion lighter), the plan as a red line with
//! dots, over the months so far.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::ChartError;
use super::style::{
    INK, SMALL_PX, SUBTITLE_PX, TARGET, bold_text_at, draw_y_mesh, fmt_axis_number, fmt_pct0, frame, index_chart,
    money_unit, month_labels, nice_ceiling, tier_color, tint, to_area,
};
use super::text::draw_text;
use crate::dates::format_month;
use crate::plan::{Metric, PlanRow};
use crate::text::lang::Lang;

pub(crate) fn plan_chart<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    rows: &[PlanRow],
    lang: Lang,
) -> Result<(), ChartError> {
    let title = lang.pick("予実(計画と実績)", "Plan vs actual");
    let metrics: Vec<Metric> = Metric::ALL
        .into_iter()
        .filter(|m| rows.iter().any(|r| r.metric == *m))
        .collect();
    if metrics.is_empty() {
        return super::style::empty_chart(
            &root,
            title,
            lang.pick(
                "計画のある月の実績がまだありません",
                "No planned month has an actual yet",
            ),
        );
    }
    let footnote = lang.pick(
        "棒 = 実績、赤線 = 計画。転換率は獲得月のコホートで、薄い棒は転換の窓が閉じていない暫定値です。右上は最新の確定値の計画比。",
        "Bars = actual, red line = plan. Conversion is by acquisition cohort; light bars are provisional (window still open). Top right: the latest final value against plan.",
    );
    let body = frame(&root, title, None, Some(footnote))?;
    let cols = if metrics.len() <= 2 { metrics.len() } else { 3 };
    let grid_rows = metrics.len().div_ceil(cols);
    let panels = body.split_evenly((grid_rows, cols));
    for (panel, &metric) in panels.iter().zip(&metrics) {
        let mine: Vec<&PlanRow> = rows.iter().filter(|r| r.metric == metric).collect();
        panel_chart(panel, &mine, metric, lang)?;
    }
    Ok(())
}

fn panel_chart<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    rows: &[&PlanRow],
    metric: Metric,
    lang: Lang,
) -> Result<(), ChartError> {
    let area = area.margin(4, 10, 4, 4);
    let high = rows.iter().map(|r| r.plan.max(r.actual)).fold(0.0, f64::max);
    // Money in a unit that keeps the axis short (万円, 百万円, ...).
    let unit = (metric == Metric::Sales).then(|| money_unit(high, lang));
    let divisor = unit.map_or(1.0, |u| u.divisor);
    let heading = match unit {
        Some(u) => format!("{} ({})", metric.name(lang), u.name),
        None => metric.name(lang).to_string(),
    };
    draw_text(
        &area,
        &heading,
        &bold_text_at(SUBTITLE_PX, INK, HPos::Left, VPos::Top),
        (10, 0),
    )?;
    let (_, lower) = area.split_vertically(SUBTITLE_PX as i32 + 12);
    let n = rows.len();
    let high = high / divisor;
    let y_max = if metric.is_rate() {
        ((high * 1.15) * 10.0).ceil().clamp(1.0, 10.0) / 10.0
    } else {
        nice_ceiling(high * 1.1)
    };
    let mut chart = index_chart(&lower, n, 0.0..y_max, 96, 44)?;
    let rate = metric.is_rate();
    draw_y_mesh(&mut chart, &|v| if rate { fmt_pct0(*v) } else { fmt_axis_number(*v) })?;
    let color = tier_color(3);
    for (i, r) in rows.iter().enumerate() {
        let x = i as f64;
        let (x0, y0) = to_area(&lower, &chart, x - 0.34, (r.actual / divisor).max(0.0));
        let (x1, y1) = to_area(&lower, &chart, x + 0.34, 0.0);
        let fill = if r.provisional { tint(color, 0.6) } else { color };
        lower.draw(&Rectangle::new([(x0, y0), (x1, y1)], fill.filled()))?;
    }
    let points: Vec<(i32, i32)> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| to_area(&lower, &chart, i as f64, r.plan / divisor))
        .collect();
    if points.len() > 1 {
        lower.draw(&PathElement::new(points.clone(), TARGET.stroke_width(3)))?;
    }
    for &p in &points {
        lower.draw(&Circle::new(p, 6, TARGET.filled()))?;
    }
    // The latest final value (a provisional conversion rate is not one).
    if let Some(last) = rows.iter().rev().find(|r| !r.provisional).or(rows.last()) {
        let ratio = match last.ratio() {
            Some(r) if !rate => format!("{} {:.0}%", lang.pick("計画比", "vs plan"), r * 100.0),
            _ => format!("{} {:+.1}pt", lang.pick("計画差", "vs plan"), last.difference() * 100.0),
        };
        let (w, _) = lower.dim_in_pixel();
        draw_text(
            &lower,
            &ratio,
            &bold_text_at(SMALL_PX, INK, HPos::Right, VPos::Top),
            (w as i32 - 8, 4),
        )?;
    }
    let labels: Vec<String> = rows.iter().map(|r| format_month(r.month)).collect();
    month_labels(&lower, &chart, &labels, 4)?;
    Ok(())
}
