//! Legends (a row of swatches that wraps at the right edge) and the
//! diagonal hatching that marks lapsed or estimated parts.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::*;
use crate::report::charts::ChartError;
use crate::report::charts::text::draw_text;
use crate::text::lang::Lang;

/// How a legend entry is drawn.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Swatch {
    Fill(RGBColor),
    Hatched(RGBColor),
    Line(RGBColor),
    Dashed(RGBColor),
}

/// Draws a legend at the top of `area` from x = `left` and returns the part
/// of `area` below it, `gap` pixels further down.
pub(crate) fn legend_above<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(Swatch, String)],
    left: i32,
    gap: i32,
) -> Result<DrawingArea<DB, Shift>, ChartError> {
    let used = legend(area, entries, (left, 0))?;
    Ok(area.split_vertically(used + gap).1)
}

/// One filled swatch per CPM tier (of `tiers`), in tier order.
pub(crate) fn tier_entries(tiers: usize, lang: Lang) -> Vec<(Swatch, String)> {
    (0..tiers)
        .map(|tier| (Swatch::Fill(tier_color(tier)), tier_name(tier, lang).to_string()))
        .collect()
}

/// Draws legend entries in a row from `origin` (top-left), wrapping at the
/// right edge of `area`; returns the height used.
pub(crate) fn legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(Swatch, String)],
    origin: (i32, i32),
) -> Result<i32, ChartError> {
    const BOX_W: i32 = 34;
    const BOX_H: i32 = 22;
    const GAP: i32 = 10;
    const SPACING: i32 = 34;
    let row_h = LABEL_PX as i32 + 10;
    let max_x = area.dim_in_pixel().0 as i32;
    let label_font = text(LABEL_PX, INK);
    let (mut x, mut y) = origin;
    for (swatch, label) in entries {
        let (tw, _) = area.estimate_text_size(label, &label_font)?;
        let width = BOX_W + GAP + tw as i32;
        if x + width > max_x && x > origin.0 {
            x = origin.0;
            y += row_h;
        }
        let (bx, by) = (x, y + (row_h - BOX_H) / 2 - 2);
        draw_swatch(area, *swatch, (bx, by), (bx + BOX_W, by + BOX_H))?;
        draw_text(
            area,
            label,
            &text_at(LABEL_PX, INK, HPos::Left, VPos::Center),
            (x + BOX_W + GAP, y + row_h / 2),
        )?;
        x += width + SPACING;
    }
    Ok(y + row_h - origin.1)
}

fn draw_swatch<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    swatch: Swatch,
    (x0, y0): (i32, i32),
    (x1, y1): (i32, i32),
) -> Result<(), ChartError> {
    let mid = (y0 + y1) / 2;
    match swatch {
        Swatch::Fill(c) => area.draw(&Rectangle::new([(x0, y0), (x1, y1)], c.filled()))?,
        Swatch::Hatched(c) => {
            area.draw(&Rectangle::new([(x0, y0), (x1, y1)], tint(c, 0.65).filled()))?;
            hatch(area, (x0, y0), (x1, y1), c, 8)?;
            area.draw(&Rectangle::new([(x0, y0), (x1, y1)], c.stroke_width(1)))?;
        }
        Swatch::Line(c) => area.draw(&PathElement::new(vec![(x0, mid), (x1, mid)], c.stroke_width(4)))?,
        Swatch::Dashed(c) => {
            let third = (x1 - x0) / 3;
            area.draw(&PathElement::new(vec![(x0, mid), (x0 + third, mid)], c.stroke_width(3)))?;
            area.draw(&PathElement::new(vec![(x1 - third, mid), (x1, mid)], c.stroke_width(3)))?;
        }
    }
    Ok(())
}

/// Diagonal hatching (`/`) inside the pixel rectangle `(x0, y0)–(x1, y1)` of
/// `area`, lines `spacing` pixels apart.
pub(crate) fn hatch<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x0, y0): (i32, i32),
    (x1, y1): (i32, i32),
    color: RGBColor,
    spacing: i32,
) -> Result<(), ChartError> {
    let (left, right) = (x0.min(x1), x0.max(x1));
    let (top, bottom) = (y0.min(y1), y0.max(y1));
    // Lines x + y = c, for c from the top-left corner to the bottom-right.
    let mut c = left + top + spacing;
    while c < right + bottom {
        // Where the line enters at the bottom or left edge, leaves at the top or right edge.
        let start = if c - left <= bottom {
            (left, c - left)
        } else {
            (c - bottom, bottom)
        };
        let end = if c - top <= right {
            (c - top, top)
        } else {
            (right, c - right)
        };
        area.draw(&PathElement::new(vec![start, end], color.stroke_width(2)))?;
        c += spacing;
    }
    Ok(())
}
