//! Drawing text so that Japanese looks right on every backend.
//!
//! plotters' `ab_glyph` rasteriser places each glyph at the pen position
//! without its left side bearing, so on raster backends CJK text gets uneven
//! gaps (`ポート フォリ オ`, `（ 2024`). [`draw_text`] places the glyphs one by
//! one from the embedded font's own metrics instead. The SVG backend writes
//! whole `<text>` elements that the viewer lays out correctly, so there the
//! text goes through unchanged. On raster backends the glyphs are also
//! moved down to where an SVG viewer would put them for the same anchor, so
//! both look alike.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontTransform;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::ChartError;
use crate::report::fonts::glyph_x_metrics;

/// Whether the backend writes text as text (SVG) rather than rasterising it.
fn writes_text_elements<DB: DrawingBackend>() -> bool {
    std::any::type_name::<DB>().contains("SVGBackend")
}

/// Draws `text` at `pos` (in `area`'s pixels) anchored as `style` says.
pub(crate) fn draw_text<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle,
    pos: (i32, i32),
) -> Result<(), ChartError> {
    let size = style.font.get_size();
    let glyphs: Option<Vec<(char, f64, f64)>> = text
        .chars()
        .map(|c| glyph_x_metrics(c, size).map(|(advance, x_min)| (c, advance, x_min)))
        .collect();
    let glyphs = match glyphs {
        Some(glyphs) if !writes_text_elements::<DB>() && matches!(style.font.get_transform(), FontTransform::None) => {
            glyphs
        }
        // SVG, rotated text, or a character the font lacks: plotters' own way.
        _ => return Ok(area.draw_text(text, style, pos)?),
    };
    let width: f64 = glyphs.iter().map(|g| g.1).sum();
    let mut pen = f64::from(pos.0)
        - match style.pos.h_pos {
            HPos::Left => 0.0,
            HPos::Center => width / 2.0,
            HPos::Right => width,
        };
    // plotters puts a raster baseline half an em below a top anchor, so the
    // glyphs stick out above it; move them to where the SVG viewer puts them
    // (top: glyph tops at the anchor, center: ideographs centred on it,
    // bottom: descenders on it).
    let drop = size
        * match style.pos.v_pos {
            VPos::Top => 0.32,
            VPos::Center => 0.27,
            VPos::Bottom => 0.19,
        };
    let y = pos.1 + drop.round() as i32;
    let one = style.pos(Pos::new(HPos::Left, style.pos.v_pos));
    let mut buf = [0u8; 4];
    for (c, advance, x_min) in glyphs {
        if !c.is_whitespace() {
            area.draw_text(c.encode_utf8(&mut buf), &one, ((pen + x_min).floor() as i32, y))?;
        }
        pen += advance;
    }
    Ok(())
}

/// Splits `text` into lines no wider than `max_width` pixels at size `px`:
/// between any two Japanese characters or at spaces, never inside a Latin
/// word or number, and never before closing punctuation (、。）」％); a
/// `\n` in the text always starts a new line.
pub(crate) fn wrap<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle,
    max_width: i32,
) -> Result<Vec<String>, ChartError> {
    // A line break in the text starts a new line.
    if text.contains('\n') {
        let mut lines = Vec::new();
        for part in text.split('\n') {
            lines.extend(wrap(area, part, style, max_width)?);
        }
        return Ok(lines);
    }
    // Tokens: a Latin word or number, or one Japanese character; closing
    // punctuation and spaces stick to the token before, opening brackets to
    // the one after.
    let mut tokens: Vec<String> = Vec::new();
    let mut glue_next = false;
    for c in text.chars() {
        let is_word = |c: char| c.is_ascii() && !c.is_ascii_whitespace();
        let attach = match tokens.last().and_then(|t| t.chars().last()) {
            None => false,
            Some(prev) => glue_next || "、。，．）」』％：".contains(c) || c == ' ' || (is_word(c) && is_word(prev)),
        };
        match tokens.last_mut() {
            Some(last) if attach => last.push(c),
            _ => tokens.push(c.to_string()),
        }
        glue_next = "（「『".contains(c);
    }
    let mut lines = Vec::new();
    let mut line = String::new();
    for token in tokens {
        let candidate = format!("{line}{token}");
        let (w, _) = area.estimate_text_size(candidate.trim_end(), style)?;
        if w as i32 > max_width && !line.is_empty() {
            lines.push(line.trim_end().to_string());
            line = token;
        } else {
            line = candidate;
        }
    }
    if !line.trim().is_empty() {
        lines.push(line.trim_end().to_string());
    }
    Ok(lines)
}

/// The width of `text` at `px` pixels, from the embedded font's advances (a
/// character the font lacks counts as one em).
pub fn text_width(text: &str, px: f64) -> f64 {
    text.chars()
        .map(|c| glyph_x_metrics(c, px).map_or(px, |(advance, _)| advance))
        .sum()
}

/// `text`, or a shortened form no wider than `max_width` pixels at `px`:
/// its start and its end around an ellipsis (`とても長い…001`), so that
/// labels which differ at the end stay apart.
pub fn shorten(text: &str, px: f64, max_width: f64) -> String {
    if text_width(text, px) <= max_width {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    let (mut head, mut tail) = (0usize, 0usize);
    let form = |head: usize, tail: usize| {
        let mut s: String = chars[..head].iter().collect();
        s.push('…');
        s.extend(&chars[chars.len() - tail..]);
        s
    };
    // Two characters of the start for each of the end, while it fits.
    loop {
        let (h, t) = if head < 2 * (tail + 1) {
            (head + 1, tail)
        } else {
            (head, tail + 1)
        };
        if h + t >= chars.len() || text_width(&form(h, t), px) > max_width {
            break;
        }
        (head, tail) = (h, t);
    }
    form(head, tail)
}
