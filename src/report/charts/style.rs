//! What every chart shares: the slide size, type sizes, the tier colours,
//! the frame (title, subtitle, footnote), legends, month and money axes and
//! number formatting. Charts only arrange data; they never pick a colour or a
//! font size of their own.

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::ChartError;
use super::text::{draw_text, wrap};
use crate::dates::{Day, format_day, format_month, is_month_end, month_of};
use crate::engine::segments::{CPM_TIER_NAMES, CPM_TIERS};
use crate::report::fonts::{FONT_FAMILY, ensure_fonts_registered};
use crate::text::lang::Lang;

/// A 16:9 slide.
pub const SLIDE_SIZE: (u32, u32) = (1600, 900);

/// Type sizes in plotters' units. A bitmap draws an em of this many pixels;
/// the SVG backend writes `font-size` = size / 1.24, so the smallest text is
/// still 20 px in an SVG shown at its natural size.
pub const TITLE_PX: f64 = 46.0;
pub const SUBTITLE_PX: f64 = 28.0;
pub const LABEL_PX: f64 = 26.0;
pub const SMALL_PX: f64 = 25.0;
pub const BIG_NUMBER_PX: f64 = 54.0;

/// Outer margin of a slide, in pixels.
pub const MARGIN: i32 = 44;

pub const INK: RGBColor = RGBColor(33, 37, 41);
pub const SUBTLE_INK: RGBColor = RGBColor(92, 98, 105);
pub const GRID: RGBColor = RGBColor(226, 229, 233);
pub const AXIS: RGBColor = RGBColor(150, 155, 160);
/// All lapsed customers together (離脱 total, the ladder's 離脱 band).
pub const LAPSED_ALL: RGBColor = RGBColor(150, 150, 150);
/// Targets (目標 lines).
pub const TARGET: RGBColor = RGBColor(200, 35, 45);

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
pub fn tier_color(tier: usize) -> RGBColor {
    TIER_COLORS[tier % TIER_COLORS.len()]
}

/// Colour of a segment index in a CPM layout of `tiers` tiers (five, or six
/// with 超優良): the active tiers first, then the lapsed.
pub fn segment_color_in(segment: usize, tiers: usize) -> RGBColor {
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

pub fn lifecycle_color(state: usize) -> RGBColor {
    LIFECYCLE_COLORS[state % LIFECYCLE_COLORS.len()]
}

/// The tier's colour for its lapsed (離脱) segment: the same hue, greyed.
pub fn lapsed_tier_color(tier: usize) -> RGBColor {
    blend(tier_color(tier), RGBColor(200, 200, 200), 0.6)
}

/// `a` moved towards `b` by `t` (0 = a, 1 = b).
pub fn blend(a: RGBColor, b: RGBColor, t: f64) -> RGBColor {
    let mix = |x: u8, y: u8| (f64::from(x) + (f64::from(y) - f64::from(x)) * t).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// A pale background version of a colour.
pub fn tint(color: RGBColor, amount: f64) -> RGBColor {
    blend(color, WHITE, amount)
}

/// Black or white, whichever reads better on `background`.
pub fn ink_on(background: RGBColor) -> RGBColor {
    let luma = 0.299 * f64::from(background.0) + 0.587 * f64::from(background.1) + 0.114 * f64::from(background.2);
    if luma < 150.0 { WHITE } else { INK }
}

pub fn font(px: f64) -> FontDesc<'static> {
    ensure_fonts_registered();
    FontDesc::new(FontFamily::Name(FONT_FAMILY), px, FontStyle::Normal)
}

pub fn bold_font(px: f64) -> FontDesc<'static> {
    ensure_fonts_registered();
    FontDesc::new(FontFamily::Name(FONT_FAMILY), px, FontStyle::Bold)
}

/// Left-aligned, top-anchored text.
pub fn text(px: f64, color: RGBColor) -> TextStyle<'static> {
    font(px).color(&color)
}

/// Text anchored at `h`/`v`.
pub fn text_at(px: f64, color: RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    font(px).color(&color).pos(Pos::new(h, v))
}

pub fn bold_text_at(px: f64, color: RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    bold_font(px).color(&color).pos(Pos::new(h, v))
}

// ---- names -------------------------------------------------------------

pub fn tier_name(tier: usize, lang: Lang) -> &'static str {
    let (ja, en) = CPM_TIER_NAMES[tier];
    lang.pick(ja, en)
}

pub fn state_name(lapsed: bool, lang: Lang) -> &'static str {
    match lapsed {
        false => lang.pick("現役", "Active"),
        true => lang.pick("離脱", "Lapsed"),
    }
}

/// `2024-06` for a month-end snapshot, `2024-06-15` for an as-of date inside
/// a month.
pub fn snapshot_label(day: Day) -> String {
    if is_month_end(day) {
        format_month(month_of(day))
    } else {
        format_day(day)
    }
}

/// The snapshot date as a heading: `2024-06末` / `end of 2024-06`, or the
/// date itself when it is not a month-end.
pub fn snapshot_heading(day: Day, lang: Lang) -> String {
    if is_month_end(day) {
        let month = format_month(month_of(day));
        match lang {
            Lang::Ja => format!("{month}末"),
            Lang::En => format!("end of {month}"),
        }
    } else {
        format_day(day)
    }
}

/// `タイトル（詳細）` / `Title (detail)`.
pub fn with_detail(title: &str, detail: &str, lang: Lang) -> String {
    match lang {
        Lang::Ja => format!("{title}（{detail}）"),
        Lang::En => format!("{title} ({detail})"),
    }
}

// ---- numbers -----------------------------------------------------------

/// `12,345`, `-1,234`; `27.4%` — the same formatting as the HTML and terminal.
pub use crate::text::format::{percent as fmt_pct, thousands as group_thousands};

pub fn fmt_count(n: u64) -> String {
    group_thousands(i128::from(n))
}

/// Like [`fmt_pct`], but a share too small to show as 0.1% is `<0.1%`, not
/// `0.0%`.
pub fn fmt_share(ratio: f64) -> String {
    if ratio > 0.0 && ratio < 0.0005 {
        "<0.1%".to_string()
    } else {
        fmt_pct(ratio)
    }
}

/// `27%` (whole percent), for crowded labels.
pub fn fmt_pct0(ratio: f64) -> String {
    format!("{:.0}%", ratio * 100.0)
}

/// `part / whole`, 0 when the whole is 0.
pub fn ratio(part: u64, whole: u64) -> f64 {
    if whole == 0 { 0.0 } else { part as f64 / whole as f64 }
}

/// A month-over-month change: `▲ +1,234`, `▼ −56`, `± 0`. The sign is
/// written out because in Japanese accounting ▲ alone means "minus".
pub fn fmt_change(delta: i128) -> String {
    match delta.signum() {
        1 => format!("▲ +{}", group_thousands(delta)),
        -1 => format!("▼ −{}", group_thousands(-delta)),
        _ => "± 0".to_string(),
    }
}

/// Millionths of a currency unit → units.
pub fn units(micros: i128) -> f64 {
    micros as f64 / 1e6
}

/// The unit a money axis is drawn in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MoneyUnit {
    pub divisor: f64,
    pub name: &'static str,
}

/// The largest unit that keeps the axis maximum at 10 or more:
/// 円 / 万円 / 百万円 / 億円 in Japanese, ¥ / ¥ thousand / ¥ million / ¥ billion in English.
pub fn money_unit(max_abs_yen: f64, lang: Lang) -> MoneyUnit {
    let units: [(f64, &'static str); 4] = match lang {
        Lang::Ja => [(1.0, "円"), (1e4, "万円"), (1e6, "百万円"), (1e8, "億円")],
        Lang::En => [(1.0, "¥"), (1e3, "¥ thousand"), (1e6, "¥ million"), (1e9, "¥ billion")],
    };
    let (divisor, name) = units
        .iter()
        .rev()
        .find(|(d, _)| max_abs_yen / d >= 10.0)
        .copied()
        .unwrap_or(units[0]);
    MoneyUnit { divisor, name }
}

/// An axis value: thousands separators, one decimal only below 10.
pub fn fmt_axis_number(v: f64) -> String {
    if v.abs() < 10.0 && v.fract().abs() > 1e-9 {
        format!("{v:.1}")
    } else {
        group_thousands(v.round() as i128)
    }
}

/// Every `step`-th index, counted back from the last one, so the latest
/// month is always labelled and at most `max_labels` labels are drawn.
pub fn label_step(n: usize, max_labels: usize) -> usize {
    n.div_ceil(max_labels.max(1)).max(1)
}

pub fn is_labelled(i: usize, n: usize, step: usize) -> bool {
    (n - 1 - i).is_multiple_of(step)
}

/// The indices of the last `max` of `len` items.
pub fn last_n(len: usize, max: usize) -> std::ops::Range<usize> {
    len.saturating_sub(max)..len
}

// ---- drawing -----------------------------------------------------------

/// A chart whose both axes are plain numbers (x = item index).
pub type Chart2d<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// A point of `chart` in the coordinates of `area` (which must contain it).
pub fn to_area<DB: DrawingBackend>(
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
pub fn frame<DB: DrawingBackend>(
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
pub fn fitting_px<DB: DrawingBackend>(
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
pub fn index_chart<'a, DB: DrawingBackend>(
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
pub fn nice_ceiling(v: f64) -> f64 {
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
pub fn message<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, text: &str) -> Result<(), ChartError> {
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
pub fn empty_chart<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    why: &str,
) -> Result<(), ChartError> {
    let body = frame(root, title, None, None)?;
    message(&body, why)
}

/// How a legend entry is drawn.
#[derive(Debug, Clone, Copy)]
pub enum Swatch {
    Fill(RGBColor),
    Hatched(RGBColor),
    Line(RGBColor),
    Dashed(RGBColor),
}

/// Draws legend entries in a row from `origin` (top-left), wrapping at the
/// right edge of `area`; returns the height used.
pub fn legend<DB: DrawingBackend>(
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
pub fn hatch<DB: DrawingBackend>(
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

/// Draws the mesh of a chart whose x axis is item indices: horizontal grid
/// lines, y labels formatted by `y_format`, no x labels (see
/// [`month_labels`]).
pub fn draw_y_mesh<DB: DrawingBackend>(
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
pub fn month_labels<DB: DrawingBackend>(
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
pub fn y_unit<DB: DrawingBackend>(
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_numbers() {
        assert_eq!(group_thousands(0), "0");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(group_thousands(12_345), "12,345");
        assert_eq!(group_thousands(-1_234_567), "-1,234,567");
        assert_eq!(fmt_pct(0.274), "27.4%");
        assert_eq!(fmt_share(0.0002), "<0.1%");
        assert_eq!(fmt_share(0.0), "0.0%");
        assert_eq!(fmt_change(1234), "▲ +1,234");
        assert_eq!(fmt_change(-56), "▼ −56");
        assert_eq!(fmt_change(0), "± 0");
        assert_eq!(fmt_axis_number(2.5), "2.5");
        assert_eq!(fmt_axis_number(12_000.0), "12,000");
        assert_eq!(nice_ceiling(0.37), 0.4);
        assert_eq!(nice_ceiling(1234.0), 1500.0);
        assert_eq!(nice_ceiling(100.0), 100.0);
    }

    #[test]
    fn picks_money_units() {
        assert_eq!(money_unit(50_000.0, Lang::Ja).name, "円");
        assert_eq!(money_unit(300_000.0, Lang::Ja).name, "万円");
        assert_eq!(money_unit(30_000_000.0, Lang::Ja).name, "百万円");
        assert_eq!(money_unit(5e10, Lang::Ja).name, "億円");
        assert_eq!(money_unit(30_000_000.0, Lang::En).name, "¥ million");
    }

    #[test]
    fn labels_the_latest_month() {
        let step = label_step(24, 8);
        assert_eq!(step, 3);
        assert!(is_labelled(23, 24, step));
        assert!(is_labelled(20, 24, step));
        assert!(!is_labelled(22, 24, step));
        assert_eq!(last_n(30, 24), 6..30);
        assert_eq!(last_n(5, 24), 0..5);
    }
}
