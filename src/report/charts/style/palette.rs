//! The colours: ink, grid and target, one hue per CPM tier (greyed when
//! lapsed) and per lifecycle state, and the blends charts derive from them.

use plotters::prelude::*;

use crate::engine::segments::CPM_TIERS;

pub(crate) const INK: RGBColor = RGBColor(33, 37, 41);
pub(crate) const SUBTLE_INK: RGBColor = RGBColor(92, 98, 105);
pub(crate) const GRID: RGBColor = RGBColor(226, 229, 233);
pub(crate) const AXIS: RGBColor = RGBColor(150, 155, 160);
/// All lapsed customers together (離脱 total, the ladder's 離脱 band).
pub(crate) const LAPSED_ALL: RGBColor = RGBColor(150, 150, 150);
/// Targets (目標 lines).
pub(crate) const TARGET: RGBColor = RGBColor(200, 35, 45);

/// One colour per tier, in tier order (初回, よちよち, 流行, コツコツ, 優良,
/// and 超優良 when that tier is on): Okabe–Ito hues, distinguishable with the
/// common colour-vision deficiencies and on a projector.
const TIER_COLORS: [RGBColor; CPM_TIERS + 1] = [
    RGBColor(86, 180, 233),  // 初回: sky blue
    RGBColor(0, 158, 115),   // よちよち: bluish green
    RGBColor(230, 159, 0),   // 流行: orange
    RGBColor(0, 114, 178),   // コツコツ: blue
    RGBColor(213, 94, 0),    // 優良: vermilion
    RGBColor(204, 121, 167), // 超優良: reddish purple
];

/// The tier's colour for its active (現役) segment.
pub(crate) fn tier_color(tier: usize) -> RGBColor {
    TIER_COLORS[tier % TIER_COLORS.len()]
}

/// Colour of a segment index in a CPM layout of `tiers` tiers (five, or six
/// with 超優良): the active tiers first, then the lapsed.
pub(crate) fn segment_color_in(segment: usize, tiers: usize) -> RGBColor {
    if segment < tiers {
        tier_color(segment)
    } else {
        lapsed_tier_color(segment - tiers)
    }
}

/// One colour per lifecycle state (spec section 8), in canonical order:
/// 休眠 grey, VIP vermilion, 休眠予備軍 orange, 復活 reddish purple, 新規 sky
/// blue, 継続 bluish green.
const LIFECYCLE_COLORS: [RGBColor; 6] = [
    RGBColor(150, 150, 150),
    RGBColor(213, 94, 0),
    RGBColor(230, 159, 0),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(0, 158, 115),
];

pub(crate) const fn lifecycle_color(state: usize) -> RGBColor {
    LIFECYCLE_COLORS[state % LIFECYCLE_COLORS.len()]
}

/// The tier's colour for its lapsed (離脱) segment: the same hue, greyed.
pub(crate) fn lapsed_tier_color(tier: usize) -> RGBColor {
    blend(tier_color(tier), RGBColor(200, 200, 200), 0.6)
}

/// `a` moved towards `b` by `t` (0 = a, 1 = b).
pub(crate) fn blend(a: RGBColor, b: RGBColor, t: f64) -> RGBColor {
    let mix = |x: u8, y: u8| (f64::from(x) + (f64::from(y) - f64::from(x)) * t).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// A pale background version of a colour.
pub(crate) fn tint(color: RGBColor, amount: f64) -> RGBColor {
    blend(color, WHITE, amount)
}

/// Black or white, whichever reads better on `background`.
pub(crate) fn ink_on(background: RGBColor) -> RGBColor {
    let luma = 0.299 * f64::from(background.0) + 0.587 * f64::from(background.1) + 0.114 * f64::from(background.2);
    if luma < 150.0 { WHITE } else { INK }
}
