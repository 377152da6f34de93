//! What every chart shares: the slide size, type sizes, the tier colours,
//! the frame (title, subtitle, footnote), legends, month and money axes and
//! number formatting. Charts only arrange data; they never pick a colour or a
//! font size of their own. The sizes and fonts are here; the colours, the
//! labels and numbers, the frame and the legends and axes each have their
//! own file, all reached as `style::…`.

mod axes;
mod frame;
mod labels;
mod legend;
mod palette;
#[cfg(test)]
mod tests;

pub(crate) use axes::*;
pub(crate) use frame::*;
pub(crate) use labels::*;
pub(crate) use legend::*;
pub(crate) use palette::*;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::report::fonts::{FONT_FAMILY, ensure_fonts_registered};

/// A 16:9 slide.
pub(crate) const SLIDE_SIZE: (u32, u32) = (1600, 900);

/// Type sizes in plotters' units. A bitmap draws an em of this many pixels;
/// the SVG backend writes `font-size` = size / 1.24, so the smallest text is
/// still 20 px in an SVG shown at its natural size.
pub(crate) const TITLE_PX: f64 = 46.0;
pub(crate) const SUBTITLE_PX: f64 = 28.0;
pub(crate) const LABEL_PX: f64 = 26.0;
pub(crate) const SMALL_PX: f64 = 25.0;
pub(crate) const BIG_NUMBER_PX: f64 = 54.0;

/// Outer margin of a slide, in pixels.
pub(crate) const MARGIN: i32 = 44;

pub(crate) fn font(px: f64) -> FontDesc<'static> {
    ensure_fonts_registered();
    FontDesc::new(FontFamily::Name(FONT_FAMILY), px, FontStyle::Normal)
}

pub(crate) fn bold_font(px: f64) -> FontDesc<'static> {
    ensure_fonts_registered();
    FontDesc::new(FontFamily::Name(FONT_FAMILY), px, FontStyle::Bold)
}

/// Left-aligned, top-anchored text.
pub(crate) fn text(px: f64, color: RGBColor) -> TextStyle<'static> {
    font(px).color(&color)
}

/// Text anchored at `h`/`v`.
pub(crate) fn text_at(px: f64, color: RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    font(px).color(&color).pos(Pos::new(h, v))
}

pub(crate) fn bold_text_at(px: f64, color: RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    bold_font(px).color(&color).pos(Pos::new(h, v))
}
