//! The slide's frame and the chart areas inside it: title, subtitle and
//! footnote, fitted text, index charts with a rounded axis maximum, and the
//! message a chart with nothing to show draws instead.

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use super::*;
use crate::report::charts::ChartError;
use crate::report::charts::text::{draw_text, wrap};

/// A chart whose both axes are plain numbers (x = item index).
pub(crate) type Chart2d<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// A point of `chart` in the coordinates of `area` (which must contain it).
pub(crate) fn to_area<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Chart2d<'_, DB>,
    x: f64,
    y: f64,
) -> (i32, i32) {
    let (ax, ay) = chart.backend_coord(&(x, y));
    let (bx, by) = area.get_base_pixel();
    (ax - bx, ay - by)
}

/// Fills the slide white, draws the title (and subtitle) at the top and a
/// footnote at the bottom, and returns the body area between them.
pub(crate) fn frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    subtitle: Option<&str>,
    footnote: Option<&str>,
) -> Result<DrawingArea<DB, Shift>, ChartError> {
    root.fill(&WHITE)?;
    let (w, h) = root.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let width = w - 2 * MARGIN;
    let mut top = 30;
    let title_style = bold_text_at(fitting_px(root, title, TITLE_PX, width)?, INK, HPos::Left, VPos::Top);
    draw_text(root, title, &title_style, (MARGIN, top))?;
    top += TITLE_PX as i32 + 18;
    if let Some(subtitle) = subtitle {
        let style = text_at(SUBTITLE_PX, SUBTLE_INK, HPos::Left, VPos::Top);
        for line in wrap(root, subtitle, &style, width)? {
            draw_text(root, &line, &style, (MARGIN, top))?;
            top += SUBTITLE_PX as i32 + 8;
        }
    }
    let mut bottom = h - 16;
    if let Some(footnote) = footnote {
        let style = text_at(SMALL_PX, SUBTLE_INK, HPos::Left, VPos::Bottom);
        for line in wrap(root, footnote, &style, width)?.iter().rev() {
            draw_text(root, line, &style, (MARGIN, bottom))?;
            bottom -= SMALL_PX as i32 + 8;
        }
        bottom -= 14;
    }
    Ok(root.margin(top + 16, h - bottom, MARGIN, MARGIN))
}

/// The largest size up to `px` at which `text` fits in `max_width` pixels.
pub(crate) fn fitting_px<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    label: &str,
    px: f64,
    max_width: i32,
) -> Result<f64, ChartError> {
    let (w, _) = area.estimate_text_size(label, &text(px, INK))?;
    Ok(if w as i32 > max_width && w > 0 {
        (px * f64::from(max_width) / f64::from(w)).floor()
    } else {
        px
    })
}

/// A chart over item indices `0..n` (x from -0.5 to n - 0.5) and `y`, with
/// room on the left for y labels `y_label_w` pixels wide.
pub(crate) fn index_chart<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    n: usize,
    y: std::ops::Range<f64>,
    y_label_w: u32,
    bottom: u32,
) -> Result<Chart2d<'a, DB>, ChartError> {
    Ok(ChartBuilder::on(area)
        .margin_top(16)
        .margin_right(24)
        .x_label_area_size(bottom)
        .y_label_area_size(y_label_w)
        .build_cartesian_2d(-0.5..n as f64 - 0.5, y)?)
}

/// A rounded-up axis maximum: 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a
/// power of ten.
pub(crate) fn nice_ceiling(v: f64) -> f64 {
    if v <= 0.0 || !v.is_finite() {
        return 1.0;
    }
    let power = 10f64.powf(v.log10().floor());
    [1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0]
        .iter()
        .map(|m| m * power)
        .find(|&c| c >= v * 0.999_999)
        .unwrap_or(10.0 * power)
}

/// A message in the middle of `area`, for charts with nothing to show.
pub(crate) fn message<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, text: &str) -> Result<(), ChartError> {
    let (w, h) = area.dim_in_pixel();
    draw_text(
        area,
        text,
        &text_at(SUBTITLE_PX, SUBTLE_INK, HPos::Center, VPos::Center),
        (w as i32 / 2, h as i32 / 2),
    )?;
    Ok(())
}

/// A frame with only a message: the chart's title and why there is nothing
/// to draw.
pub(crate) fn empty_chart<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    why: &str,
) -> Result<(), ChartError> {
    let body = frame(root, title, None, None)?;
    message(&body, why)
}
