//! The axes of index charts: horizontal grid lines with formatted y
//! labels, month labels under the x axis, and the unit above the y axis.

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
