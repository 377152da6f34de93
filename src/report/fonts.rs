//! The font every chart draws with: IPAex Gothic (IPAexゴシック), embedded in
//! the binary so that Japanese text renders on a machine with no fonts.
//!
//! The font and its licence (IPA Font License Agreement v1.0) are in
//! `assets/fonts/`. plotters' `ab_glyph` backend looks fonts up by family
//! name in a process-wide table; [`ensure_fonts_registered`] fills it once.

use std::sync::Once;

use plotters::style::{FontStyle, register_font};

/// IPAex Gothic 00401, from Debian's `fonts-ipaexfont-gothic`.
static IPAEX_GOTHIC: &[u8] = include_bytes!("../../assets/fonts/ipaexg.ttf");

/// The family every chart names. The bitmap backend finds the embedded font
/// under this exact string; the SVG backend writes it as the `font-family`
/// of its `<text>` elements, so a browser uses IPAex Gothic when it has it
/// and a common Japanese sans otherwise.
pub(crate) const FONT_FAMILY: &str = "IPAexGothic, 'IPAexゴシック', 'Hiragino Sans', 'Hiragino Kaku Gothic ProN', \
     'Noto Sans CJK JP', 'Yu Gothic', Meiryo, sans-serif";

/// Families registered besides [`FONT_FAMILY`], so that text drawn with
/// plotters' defaults (`"sans-serif"`) is Japanese-capable too.
const ALIASES: [&str; 3] = ["sans-serif", "serif", "monospace"];

/// Registers the embedded font for [`FONT_FAMILY`] and the generic families,
/// normal and bold (IPAex has one weight: bold draws the same glyphs in a
/// bitmap; an SVG viewer may embolden it). Cheap after the first call.
pub(crate) fn ensure_fonts_registered() {
    static REGISTER: Once = Once::new();
    REGISTER.call_once(|| {
        for family in std::iter::once(FONT_FAMILY).chain(ALIASES) {
            for style in [FontStyle::Normal, FontStyle::Bold] {
                // The bytes are a fixed, tested asset: failing to parse them
                // is a build defect, not a user error.
                if register_font(family, style, IPAEX_GOTHIC).is_err() {
                    panic!("the embedded IPAex Gothic font could not be parsed");
                }
            }
        }
    });
}

/// Horizontal placement of one character of the embedded font at `px`
/// (plotters' size: the font's ascent + descent in pixels): its advance and
/// the left edge of its outline (`xMin`), in pixels. `None` when the font
/// has no glyph for it.
///
/// plotters' `ab_glyph` rasteriser drops every glyph's left side bearing,
/// which puts visible gaps into Japanese text (`ポート フォリ オ`);
/// [`crate::report::charts`] uses this to place glyphs one by one on
/// raster backends.
pub(crate) fn glyph_x_metrics(c: char, px: f64) -> Option<(f64, f64)> {
    let font = metrics()?;
    let gid = font.glyph_id(c)?;
    let scale = px / font.height_units;
    let (advance, x_min) = font.x_metrics(gid)?;
    Some((f64::from(advance) * scale, f64::from(x_min) * scale))
}

/// Whether the embedded font has a glyph for `c` (not the missing-glyph box):
/// the tests' check that every character the charts use is in the font.
#[cfg(test)]
pub(crate) fn has_glyph(c: char) -> bool {
    metrics().and_then(|m| m.glyph_id(c)).is_some()
}

/// Offsets of the tables [`glyph_x_metrics`] reads (TrueType, big-endian).
struct Metrics {
    bytes: &'static [u8],
    /// The cmap subtable: format 12 (full Unicode) or format 4 (BMP).
    cmap: usize,
    cmap_format: u16,
    hmtx: usize,
    h_metrics: usize,
    loca: usize,
    loca_long: bool,
    glyf: usize,
    num_glyphs: usize,
    /// ascent − descent: what ab_glyph scales to the requested size.
    height_units: f64,
}

fn metrics() -> Option<&'static Metrics> {
    static METRICS: std::sync::OnceLock<Option<Metrics>> = std::sync::OnceLock::new();
    METRICS.get_or_init(|| Metrics::parse(IPAEX_GOTHIC)).as_ref()
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn i16_at(b: &[u8], at: usize) -> Option<i16> {
    u16_at(b, at).map(|v| v as i16)
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

impl Metrics {
    fn parse(bytes: &'static [u8]) -> Option<Metrics> {
        let tables = usize::from(u16_at(bytes, 4)?);
        let table = |tag: &[u8; 4]| {
            (0..tables).find_map(|i| {
                let rec = 12 + 16 * i;
                (bytes.get(rec..rec + 4)? == tag).then(|| u32_at(bytes, rec + 8).map(|o| o as usize))?
            })
        };
        let (head, hhea, maxp, cmap) = (table(b"head")?, table(b"hhea")?, table(b"maxp")?, table(b"cmap")?);
        let (subtable, cmap_format) = (0..usize::from(u16_at(bytes, cmap + 2)?))
            .filter_map(|i| {
                let rec = cmap + 4 + 8 * i;
                let (platform, encoding) = (u16_at(bytes, rec)?, u16_at(bytes, rec + 2)?);
                let offset = cmap + u32_at(bytes, rec + 4)? as usize;
                let format = u16_at(bytes, offset)?;
                let rank = match (platform, encoding, format) {
                    (3, 10, 12) | (0, 4, 12) => 0,
                    (3, 1, 4) | (0, 3, 4) => 1,
                    _ => return None,
                };
                Some((rank, offset, format))
            })
            .min()
            .map(|(_, offset, format)| (offset, format))?;
        Some(Metrics {
            bytes,
            cmap: subtable,
            cmap_format,
            hmtx: table(b"hmtx")?,
            h_metrics: usize::from(u16_at(bytes, hhea + 34)?),
            loca: table(b"loca")?,
            loca_long: i16_at(bytes, head + 50)? == 1,
            glyf: table(b"glyf")?,
            num_glyphs: usize::from(u16_at(bytes, maxp + 4)?),
            height_units: f64::from(i16_at(bytes, hhea + 4)?) - f64::from(i16_at(bytes, hhea + 6)?),
        })
    }

    /// Glyph id of `c`, `None` for the missing glyph (id 0).
    fn glyph_id(&self, c: char) -> Option<u16> {
        let (b, code) = (self.bytes, u32::from(c));
        let gid = if self.cmap_format == 12 {
            let groups = u32_at(b, self.cmap + 12)? as usize;
            let group = |i: usize| {
                let at = self.cmap + 16 + 12 * i;
                Some((u32_at(b, at)?, u32_at(b, at + 4)?, u32_at(b, at + 8)?))
            };
            let (mut lo, mut hi) = (0, groups);
            let mut found = 0;
            while lo < hi {
                let mid = (lo + hi) / 2;
                let (start, end, first) = group(mid)?;
                if code < start {
                    hi = mid;
                } else if code > end {
                    lo = mid + 1;
                } else {
                    found = first + (code - start);
                    break;
                }
            }
            found
        } else {
            let code = u16::try_from(code).ok()?;
            let segs = usize::from(u16_at(b, self.cmap + 6)? / 2);
            let ends = self.cmap + 14;
            let starts = ends + 2 * segs + 2;
            let deltas = starts + 2 * segs;
            let ranges = deltas + 2 * segs;
            let seg = (0..segs).find(|&i| u16_at(b, ends + 2 * i).is_some_and(|end| end >= code))?;
            let start = u16_at(b, starts + 2 * seg)?;
            if code < start {
                return None;
            }
            let delta = u16_at(b, deltas + 2 * seg)?;
            let range = usize::from(u16_at(b, ranges + 2 * seg)?);
            if range == 0 {
                u32::from(code.wrapping_add(delta))
            } else {
                let at = ranges + 2 * seg + range + 2 * usize::from(code - start);
                match u16_at(b, at)? {
                    0 => 0,
                    g => u32::from(g.wrapping_add(delta)),
                }
            }
        };
        let gid = u16::try_from(gid).ok()?;
        (gid != 0 && usize::from(gid) < self.num_glyphs).then_some(gid)
    }

    /// Advance width and outline `xMin` of a glyph, in font units (`xMin`
    /// is 0 for a glyph without an outline, such as a space).
    fn x_metrics(&self, gid: u16) -> Option<(u16, i16)> {
        let (b, gid) = (self.bytes, usize::from(gid));
        let advance = u16_at(b, self.hmtx + 4 * gid.min(self.h_metrics.max(1) - 1))?;
        let (start, end) = if self.loca_long {
            (
                u32_at(b, self.loca + 4 * gid)? as usize,
                u32_at(b, self.loca + 4 * gid + 4)? as usize,
            )
        } else {
            (
                2 * usize::from(u16_at(b, self.loca + 2 * gid)?),
                2 * usize::from(u16_at(b, self.loca + 2 * gid + 2)?),
            )
        };
        let x_min = if end > start {
            i16_at(b, self.glyf + start + 2)?
        } else {
            0
        };
        Some((advance, x_min))
    }
}
