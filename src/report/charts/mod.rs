//! The report's charts, drawn with plotters on any backend (PNG or SVG) at
//! slide size ([`SLIDE_SIZE`], 16:9, readable when projected), in Japanese
//! or English.
//!
//! Every chart takes a drawing area and the engine's [`Portfolio`]; the
//! report month is a snapshot index `t`. A chart with nothing to show (no
//! snapshots, no cohorts, no previous month) draws its title and a short
//! message instead of failing; the errors are an out-of-range `t` and, for
//! the tier charts, a portfolio that is not the ten CPM segments. Colours
//! and type come from [`style`]: each tier keeps its colour on every chart
//! and its lapsed segment is a greyed version of it. Text goes through
//! `text::draw_text`, which fixes plotters' glyph placement on raster
//! backends (see there).
//!
//! [`Portfolio`]: crate::engine::portfolio::Portfolio

use plotters::coord::Shift;
use plotters::drawing::DrawingAreaErrorKind;
use plotters::prelude::*;

use crate::report::fonts::ensure_fonts_registered;

mod bridge;
mod by_group;
mod by_group_trend;
mod cohort_ladder;
mod conversion;
mod forecast;
mod funnel;
mod lifecycle_states;
mod plan;
mod portfolio_grid;
mod sales_by_segment;
pub(crate) mod style;
pub mod text;
mod transition_heatmap;
mod trend;
mod winback_flow;

#[cfg(test)]
mod fixture;
#[cfg(test)]
mod tests;

pub(crate) use bridge::bridge_chart;
pub(crate) use by_group::by_group_chart;
pub(crate) use by_group_trend::by_group_trend_chart;
pub(crate) use cohort_ladder::cohort_ladder;
pub(crate) use conversion::conversion;
pub(crate) use forecast::forecast_chart;
pub(crate) use funnel::funnel;
pub(crate) use lifecycle_states::lifecycle_states;
pub(crate) use plan::plan_chart;
pub(crate) use portfolio_grid::portfolio_grid;
pub(crate) use sales_by_segment::sales_by_segment;
pub(crate) use style::SLIDE_SIZE;
pub(crate) use transition_heatmap::transition_heatmap;
pub(crate) use trend::trend;
pub(crate) use winback_flow::winback_flow;

/// Why a chart could not be drawn or written.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ChartError {
    #[error("there is no snapshot number {index}: the portfolio has {count} snapshots")]
    NoSuchSnapshot { index: usize, count: usize },
    #[error("this chart needs the ten CPM segments, but the portfolio has {segments} segments")]
    NotCpm { segments: usize },
    #[error("this chart needs the six lifecycle states, but the portfolio has {segments} segments")]
    NotLifecycle { segments: usize },
    #[error("could not draw the chart: {0}")]
    Draw(String),
    /// Only the tests write a chart straight to a file.
    #[cfg(test)]
    #[error("could not write the chart {}: {message}", path.display())]
    Write { path: std::path::PathBuf, message: String },
}

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for ChartError {
    fn from(error: DrawingAreaErrorKind<E>) -> Self {
        ChartError::Draw(error.to_string())
    }
}

/// Checks that snapshot `t` exists.
fn check_snapshot(p: &crate::engine::portfolio::Portfolio, t: usize) -> Result<(), ChartError> {
    if t < p.snapshot_days.len() && t < p.counts.len() {
        Ok(())
    } else {
        Err(ChartError::NoSuchSnapshot {
            index: t,
            count: p.snapshot_days.len().min(p.counts.len()),
        })
    }
}

/// Checks that the portfolio uses the ten CPM segments (the tier charts).
fn check_cpm(p: &crate::engine::portfolio::Portfolio) -> Result<(), ChartError> {
    let cpm = p.labels.as_slice() == crate::engine::segments::CPM_LABELS.as_slice();
    if cpm {
        Ok(())
    } else {
        Err(ChartError::NotCpm {
            segments: p.labels.len(),
        })
    }
}

/// Checks that the portfolio uses a CPM layout: the ten segments, or twelve
/// with 超優良 (the charts that draw either).
fn check_cpm_layout(p: &crate::engine::portfolio::Portfolio) -> Result<crate::engine::segments::CpmLayout, ChartError> {
    crate::engine::segments::CpmLayout::of(&p.labels).ok_or(ChartError::NotCpm {
        segments: p.labels.len(),
    })
}

/// Checks that the portfolio uses the six lifecycle states (spec section 8).
fn check_lifecycle(p: &crate::engine::portfolio::Portfolio) -> Result<(), ChartError> {
    if p.labels.as_slice() == crate::engine::lifecycle::LIFECYCLE_LABELS.as_slice() {
        Ok(())
    } else {
        Err(ChartError::NotLifecycle {
            segments: p.labels.len(),
        })
    }
}

#[cfg(test)]
/// Draws a chart into a PNG file of `size` pixels (e.g. [`SLIDE_SIZE`]).
pub(crate) fn render_png(
    path: &std::path::Path,
    size: (u32, u32),
    draw: impl Fn(DrawingArea<BitMapBackend<'_>, Shift>) -> Result<(), ChartError>,
) -> Result<(), ChartError> {
    ensure_fonts_registered();
    let root = BitMapBackend::new(path, size).into_drawing_area();
    draw(root.clone())?;
    root.present().map_err(|e| ChartError::Write {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

/// Draws a chart as PNG bytes of `size` pixels (kept in memory, so the page
/// embeds exactly the bytes that the PNG file holds).
pub(crate) fn render_png_bytes(
    size: (u32, u32),
    draw: impl Fn(DrawingArea<BitMapBackend<'_>, Shift>) -> Result<(), ChartError>,
) -> Result<Vec<u8>, ChartError> {
    ensure_fonts_registered();
    let mut rgb = vec![0u8; size.0 as usize * size.1 as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, size).into_drawing_area();
        draw(root.clone())?;
        root.present().map_err(|e| ChartError::Draw(e.to_string()))?;
    }
    let image =
        image::RgbImage::from_raw(size.0, size.1, rgb).ok_or_else(|| ChartError::Draw("chart buffer".into()))?;
    let mut png = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut png, image::ImageOutputFormat::Png)
        .map_err(|e| ChartError::Draw(e.to_string()))?;
    Ok(png.into_inner())
}

/// Draws a chart as an SVG document of `size` pixels.
pub(crate) fn render_svg(
    size: (u32, u32),
    draw: impl Fn(DrawingArea<SVGBackend<'_>, Shift>) -> Result<(), ChartError>,
) -> Result<String, ChartError> {
    ensure_fonts_registered();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        draw(root.clone())?;
        root.present()?;
    }
    Ok(svg)
}
