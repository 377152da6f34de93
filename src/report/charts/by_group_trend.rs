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
    AXIS, GRID, INK, LABEL_PX, SMALL_PX, SUBTLE_INK, Swatch, TARGET, bold_text_at, dashed, empty_chart, fmt_pct0,
    frame, legend_above, target_label, text_at, tier_color,
};
use super::text::{draw_text, shorten};
use crate::dates::format_month;
use crate::engine::segments::Tier;
use crate::report::model::by_group_trend::{GroupTrend, TrendLine, halves};
use crate::text::lang::{Lang, by_lang};

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
    let title_of = |column: &str| {
        by_lang!(
            lang,
            "{column} 別の初回→よちよち転換率(獲得月別)",
            "First → toddler conversion by {column}, by acquisition month"
        )
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
    let subtitle = match trend.left_out {
        0 => by_lang!(
            lang,
            "{span}、全 {shown} グループ(初回客の多い順)",
            "{span}; all {shown} groups, largest first"
        ),
        k => by_lang!(
            lang,
            "{span}、初回客の多い {shown} グループ(ほか {k} グループは省略)",
            "{span}; the largest {shown} groups ({k} more not drawn)"
        ),
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
        (Swatch::Dashed(TARGET), target_label(trend.target, lang)),
    ];
    let area = legend_above(&body, &entries, 0, 8)?;

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
    draw_caption(panel, trend, line, lang)?;
    let plot = Plot::of(panel, trend.months.len(), y_max);
    plot.draw_axes(panel, trend)?;
    // The target, dashed.
    let target = plot.py(trend.target);
    dashed(
        panel,
        (plot.x0, target),
        (plot.x1, target),
        (12, 22),
        TARGET.stroke_width(2),
    )?;
    let (px, py) = (|i| plot.px(i), |v| plot.py(v));
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

/// The group's name and its recent rate at the panel's top.
fn draw_caption<DB: DrawingBackend>(
    panel: &DrawingArea<DB, Shift>,
    trend: &GroupTrend,
    line: &TrendLine,
    lang: Lang,
) -> Result<(), ChartError> {
    let w = panel.dim_in_pixel().0 as i32;
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
    )
}

/// A panel's plot: `n` months from `x0` to `x1`, rates from 0 at `y1` up to
/// `y_max` at `y0`.
struct Plot {
    x0: i32,
    x1: i32,
    y0: i32,
    y1: i32,
    n: usize,
    y_max: f64,
}

impl Plot {
    fn of<DB: DrawingBackend>(panel: &DrawingArea<DB, Shift>, months: usize, y_max: f64) -> Plot {
        let (w, h) = panel.dim_in_pixel();
        let (w, h) = (w as i32, h as i32);
        Plot {
            x0: Y_LABEL_W,
            x1: w - GAP,
            y0: CAPTION_H,
            y1: h - X_LABEL_H - GAP / 2,
            n: months.max(1),
            y_max,
        }
    }

    /// The x of month `i`.
    fn px(&self, i: usize) -> i32 {
        if self.n == 1 {
            (self.x0 + self.x1) / 2
        } else {
            self.x0 + ((self.x1 - self.x0) as f64 * i as f64 / (self.n - 1) as f64).round() as i32
        }
    }

    /// The y of a rate.
    fn py(&self, v: f64) -> i32 {
        self.y1 - ((self.y1 - self.y0) as f64 * v / self.y_max).round() as i32
    }

    /// Grid every 10% (every 20% when tall), labelled on the left; the
    /// first and last month under the axis.
    fn draw_axes<DB: DrawingBackend>(
        &self,
        panel: &DrawingArea<DB, Shift>,
        trend: &GroupTrend,
    ) -> Result<(), ChartError> {
        let steps = (self.y_max * 10.0).round() as i32;
        let every = if steps > 5 { 2 } else { 1 };
        for i in (0..=steps).filter(|i| i % every == 0) {
            let v = f64::from(i) / 10.0;
            let style = if i == 0 { AXIS } else { GRID };
            panel.draw(&PathElement::new(
                vec![(self.x0, self.py(v)), (self.x1, self.py(v))],
                style.stroke_width(2),
            ))?;
            draw_text(
                panel,
                &fmt_pct0(v),
                &text_at(SMALL_PX, SUBTLE_INK, HPos::Right, VPos::Center),
                (self.x0 - 6, self.py(v)),
            )?;
        }
        let month_style = |h| text_at(SMALL_PX, SUBTLE_INK, h, VPos::Top);
        draw_text(
            panel,
            &format_month(trend.months[0]),
            &month_style(HPos::Left),
            (self.x0, self.y1 + 6),
        )?;
        if trend.months.len() > 1 {
            draw_text(
                panel,
                &format_month(trend.months[self.n - 1]),
                &month_style(HPos::Right),
                (self.x1, self.y1 + 6),
            )?;
        }
        Ok(())
    }
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
