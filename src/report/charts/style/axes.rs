//! The axes of index charts: horizontal grid lines with formatted y
//! labels, month labels under the x axis (and a row of figures under
//! them), the unit above the y axis, and the bars, zero lines and dashed
//! target lines drawn on them.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::*;
use crate::report::charts::ChartError;
use crate::report::charts::text::draw_text;

/// Draws the mesh of a chart whose x axis is item indices: horizontal grid
/// lines, y labels formatted by `y_format`, no x labels (see
/// [`month_labels`]).
pub(crate) fn draw_y_mesh<DB: DrawingBackend>(
    chart: &mut Chart2d<'_, DB>,
    y_format: &dyn Fn(&f64) -> String,
) -> Result<(), ChartError> {
    let labels = (chart.plotting_area().dim_in_pixel().1 / 60).clamp(3, 6) as usize;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(0)
        .y_labels(labels)
        .y_label_formatter(y_format)
        .y_label_style(text(LABEL_PX, INK))
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(GRID.stroke_width(1))
        .axis_style(AXIS.stroke_width(2))
        .draw()?;
    Ok(())
}

/// Labels `labels[i]` under x = i for the labelled indices (see
/// [`label_step`]), with a small tick for every index.
pub(crate) fn month_labels<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Chart2d<'_, DB>,
    labels: &[String],
    max_labels: usize,
) -> Result<(), ChartError> {
    let n = labels.len();
    if n == 0 {
        return Ok(());
    }
    let step = label_step(n, max_labels);
    let y0 = chart.y_range().start;
    for (i, label) in labels.iter().enumerate() {
        let (x, y) = to_area(area, chart, i as f64, y0);
        let tick = if is_labelled(i, n, step) { 10 } else { 5 };
        area.draw(&PathElement::new(vec![(x, y), (x, y + tick)], AXIS.stroke_width(2)))?;
        if is_labelled(i, n, step) {
            draw_text(
                area,
                label,
                &text_at(LABEL_PX, INK, HPos::Center, VPos::Top),
                (x, y + 16),
            )?;
        }
    }
    Ok(())
}

/// A unit label above the y axis, e.g. `（百万円）`.
pub(crate) fn y_unit<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Chart2d<'_, DB>,
    unit: &str,
) -> Result<(), ChartError> {
    let x0 = chart.x_range().start;
    let y1 = chart.y_range().end;
    let (x, y) = to_area(area, chart, x0, y1);
    draw_text(
        area,
        unit,
        &text_at(LABEL_PX, SUBTLE_INK, HPos::Right, VPos::Bottom),
        (x - 8, y - 20),
    )?;
    Ok(())
}

/// Height of the month labels under an index chart's axis ([`month_labels`]);
/// a row of figures under them ([`under_months`]) starts here.
pub(crate) const MONTH_ROW_H: i32 = 64;

/// The pixel corners (in `area`) of a bar over index `x`, `half` an index
/// wide on each side, from the value `top` to `bottom`.
pub(crate) fn bar_rect<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Chart2d<'_, DB>,
    x: f64,
    half: f64,
    (top, bottom): (f64, f64),
) -> [(i32, i32); 2] {
    [
        to_area(area, chart, x - half, top),
        to_area(area, chart, x + half, bottom),
    ]
}

/// The pixel ends (in `area`) of a horizontal line at the value `y` across
/// an index chart of `n` items.
pub(crate) fn across<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Chart2d<'_, DB>,
    n: usize,
    y: f64,
) -> [(i32, i32); 2] {
    let (x0, py) = to_area(area, chart, -0.5, y);
    let (x1, _) = to_area(area, chart, n as f64 - 0.5, y);
    [(x0, py), (x1, py)]
}

/// The zero line of an index chart of `n` items whose bars go below zero.
pub(crate) fn zero_line<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Chart2d<'_, DB>,
    n: usize,
) -> Result<(), ChartError> {
    area.draw(&PathElement::new(across(area, chart, n, 0.0), INK.stroke_width(2)))?;
    Ok(())
}

/// A dashed axis-parallel line from `start` to `end` (pixels of `area`,
/// `end` right of or below `start`): dashes `dash` long, one every `period`.
pub(crate) fn dashed<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    start: (i32, i32),
    end: (i32, i32),
    (dash, period): (i32, i32),
    style: ShapeStyle,
) -> Result<(), ChartError> {
    if start.1 == end.1 {
        let (mut x, y) = start;
        while x < end.0 {
            area.draw(&PathElement::new(vec![(x, y), ((x + dash).min(end.0), y)], style))?;
            x += period;
        }
    } else {
        let (x, mut y) = start;
        while y < end.1 {
            area.draw(&PathElement::new(vec![(x, y), (x, (y + dash).min(end.1))], style))?;
            y += period;
        }
    }
    Ok(())
}

/// A figure under index `x`, in the row under the month labels.
pub(crate) fn under_months<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Chart2d<'_, DB>,
    x: f64,
    text: &str,
    color: RGBColor,
) -> Result<(), ChartError> {
    let (px, py) = to_area(area, chart, x, chart.y_range().start);
    draw_text(
        area,
        text,
        &text_at(SMALL_PX, color, HPos::Center, VPos::Top),
        (px, py + MONTH_ROW_H),
    )
}

/// The name of the row under the month labels, left of the y axis.
pub(crate) fn under_months_name<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Chart2d<'_, DB>,
    name: &str,
    color: RGBColor,
) -> Result<(), ChartError> {
    let (px, py) = to_area(area, chart, -0.5, chart.y_range().start);
    draw_text(
        area,
        name,
        &text_at(SMALL_PX, color, HPos::Right, VPos::Top),
        (px - 10, py + MONTH_ROW_H),
    )
}
