//! 初回→よちよち by acquisition month for the largest groups (`--by`), as
//! small multiples: one panel a group (largest first, up to eight), each
//! with its monthly rate (matured cohorts joined by a line, provisional
//! ones as open circles), the whole run's rate in grey for reference and
//! the target dashed. Every panel has the same axes, so they compare.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::ChartError;
use super::style::{
    AXIS, GRID, INK, LABEL_PX, SMALL_PX, SUBTLE_INK, Swatch, TARGET, bold_text_at, empty_chart, fmt_pct0, frame,
    legend, text_at, tier_color,
};
use super::text::{draw_text, shorten};
use crate::dates::format_month;
use crate::engine::segments::Tier;
use crate::report::model::by_group_trend::{GroupTrend, TrendLine, halves};
use crate::text::lang::Lang;

const COLUMNS: usize = 4;
const Y_LABEL_W: i32 = 64;
const X_LABEL_H: i32 = 34;
const CAPTION_H: i32 = 64;
const GAP: i32 = 28;
const REFERENCE: RGBColor = RGBColor(160, 164, 170);

pub(crate) fn by_group_trend_chart<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    trend: Option<&GroupTrend>,
    lang: Lang,
) -> Result<(), ChartError> {
    let title_of = |column: &str| match lang {
        Lang::Ja => format!("{column} 別の初回→よちよち転換率(獲得月別)"),
        Lang::En => format!("First → toddler conversion by {column}, by acquisition month"),
    };
    let Some(trend) = trend else {
        return empty_chart(
            &root,
            &title_of("group"),
            lang.pick("グループ分けのない実行です(--by)", "This run has no breakdown (--by)"),
        );
    };
    let title = title_of(&trend.column);
    let (Some(&from), Some(&to)) = (trend.months.first(), trend.months.last()) else {
        return empty_chart(
            &root,
            &title,
            lang.pick("獲得コホートがありません", "No acquisition cohorts"),
        );
    };
    let span = format!("{}〜{}", format_month(from), format_month(to));
    let shown = trend.lines.len();
    let subtitle = match (lang, trend.left_out) {
        (Lang::Ja, 0) => format!("{span}、全 {shown} グループ(初回客の多い順)"),
        (Lang::Ja, k) => format!("{span}、初回客の多い {shown} グループ(ほか {k} グループは省略)"),
        (Lang::En, 0) => format!("{span}; all {shown} groups, largest first"),
        (Lang::En, k) => format!("{span}; the largest {shown} groups ({k} more not drawn)"),
    };
    let footnote = lang.pick(
        "各パネルの数字は直近6か月の確定コホートの転換率(n=初回客)。白丸＝暫定(観測期間が終わっていないコホート)。",
        "Each panel's figure: its last 6 matured cohorts pooled (n = first-time customers). Open circles = provisional (window still open).",
    );
    let body = frame(&root, &title, Some(&subtitle), Some(footnote))?;
    let color = tier_color(Tier::Toddler as usize);
    let entries = [
        (
            Swatch::Line(color),
            lang.pick("グループの転換率", "The group's rate").to_string(),
        ),
        (Swatch::Line(REFERENCE), lang.pick("全体", "All customers").to_string()),
        (
            Swatch::Dashed(TARGET),
            format!("{} {}", lang.pick("目標", "Target"), fmt_pct0(trend.target)),
        ),
    ];
    let used = legend(&body, &entries, (0, 0))?;
    let (_, area) = body.split_vertically(used + 8);

    let y_max = y_max(trend);
    // Four across; five or six groups fill two rows of three.
    let columns = match shown {
        0..=4 => shown.max(1),
        5 | 6 => 3,
        _ => COLUMNS,
    };
    let rows = shown.div_ceil(columns).max(1);
    let panels = area.split_evenly((rows, columns));
    for (line, panel) in trend.lines.iter().zip(&panels) {
        draw_panel(panel, trend, line, y_max, lang)?;
    }
    Ok(())
}

/// The shared y maximum: the next 10% above every rate drawn and the target.
fn y_max(trend: &GroupTrend) -> f64 {
    let top = trend
        .lines
        .iter()
        .chain(std::iter::once(&trend.all))
        .flat_map(|l| l.points.iter().flatten().map(|p| p.rate))
        .fold(trend.target, f64::max);
    ((top * 1.05) * 10.0).ceil().clamp(1.0, 10.0) / 10.0
}

fn draw_panel<DB: DrawingBackend>(
    panel: &DrawingArea<DB, Shift>,
    trend: &GroupTrend,
    line: &TrendLine,
    y_max: f64,
    lang: Lang,
) -> Result<(), ChartError> {
    let (w, h) = panel.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let label = shorten(&line.label, LABEL_PX, f64::from(w - GAP));
    draw_text(
        panel,
        &label,
        &bold_text_at(LABEL_PX, INK, HPos::Left, VPos::Top),
        (0, 4),
    )?;
    let figure = match halves(line, &trend.matured) {
        Some((recent, _)) => format!("{} (n={})", fmt_pct0(recent.rate), recent.cohort_size),
        None => lang.pick("比べるには少なすぎます", "too few to compare").to_string(),
    };
    draw_text(
        panel,
        &shorten(&figure, SMALL_PX, f64::from(w - GAP)),
        &text_at(SMALL_PX, SUBTLE_INK, HPos::Left, VPos::Top),
        (0, LABEL_PX as i32 + 8),
    )?;
    let (x0, x1) = (Y_LABEL_W, w - GAP);
    let (y0, y1) = (CAPTION_H, h - X_LABEL_H - GAP / 2);
    let n = trend.months.len().max(1);
    let px = |i: usize| {
        if n == 1 {
            (x0 + x1) / 2
        } else {
            x0 + ((x1 - x0) as f64 * i as f64 / (n - 1) as f64).round() as i32
        }
    };
    let py = |v: f64| y1 - ((y1 - y0) as f64 * v / y_max).round() as i32;

    // Grid every 10% (every 20% when tall), labelled on the left.
    let steps = (y_max * 10.0).round() as i32;
    let every = if steps > 5 { 2 } else { 1 };
    for i in (0..=steps).filter(|i| i % every == 0) {
        let v = f64::from(i) / 10.0;
        let style = if i == 0 { AXIS } else { GRID };
        panel.draw(&PathElement::new(vec![(x0, py(v)), (x1, py(v))], style.stroke_width(2)))?;
        draw_text(
            panel,
            &fmt_pct0(v),
            &text_at(SMALL_PX, SUBTLE_INK, HPos::Right, VPos::Center),
            (x0 - 6, py(v)),
        )?;
    }
    // First and last month under the axis.
    let month_style = |h| text_at(SMALL_PX, SUBTLE_INK, h, VPos::Top);
    draw_text(
        panel,
        &format_month(trend.months[0]),
        &month_style(HPos::Left),
        (x0, y1 + 6),
    )?;
    if trend.months.len() > 1 {
        draw_text(
            panel,
            &format_month(trend.months[n - 1]),
            &month_style(HPos::Right),
            (x1, y1 + 6),
        )?;
    }
    // The target, dashed.
    let mut x = x0;
    while x < x1 {
        panel.draw(&PathElement::new(
            vec![(x, py(trend.target)), ((x + 12).min(x1), py(trend.target))],
            TARGET.stroke_width(2),
        ))?;
        x += 22;
    }
    draw_series(panel, &trend.all, &trend.matured, REFERENCE, 2, &px, &py)?;
    draw_series(
        panel,
        line,
        &trend.matured,
        tier_color(Tier::Toddler as usize),
        4,
        &px,
        &py,
    )
}

/// Matured cohorts joined (a gap where the group acquired nobody), each a
/// dot; provisional cohorts as open circles, not joined.
fn draw_series<DB: DrawingBackend>(
    panel: &DrawingArea<DB, Shift>,
    line: &TrendLine,
    matured: &[bool],
    color: RGBColor,
    width: u32,
    px: &dyn Fn(usize) -> i32,
    py: &dyn Fn(f64) -> i32,
) -> Result<(), ChartError> {
    let mut run: Vec<(i32, i32)> = Vec::new();
    let flush = |run: &mut Vec<(i32, i32)>| -> Result<(), ChartError> {
        if run.len() > 1 {
            panel.draw(&PathElement::new(run.clone(), color.stroke_width(width)))?;
        }
        run.clear();
        Ok(())
    };
    for (i, point) in line.points.iter().enumerate() {
        match point {
            Some(p) if matured[i] => run.push((px(i), py(p.rate))),
            _ => flush(&mut run)?,
        }
    }
    flush(&mut run)?;
    let r = width as i32 + 1;
    for (i, point) in line.points.iter().enumerate() {
        let Some(p) = point else { continue };
        let at = (px(i), py(p.rate));
        if matured[i] {
            panel.draw(&Circle::new(at, r, color.filled()))?;
        } else {
            panel.draw(&Circle::new(at, r + 1, WHITE.filled()))?;
            panel.draw(&Circle::new(at, r + 1, color.stroke_width(2)))?;
        }
    }
    Ok(())
}
