//! Where the portfolio is heading (with `--forecast`): on the left each
//! 現役 segment's last 24 month-ends and its forecast with the 80% band;
//! on the right the focus segment (優良現役, or 優良 in the lifecycle
//! scheme) under the baseline and under the scenario.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::style::{
    AXIS, INK, LABEL_PX, SUBTLE_INK, Swatch, TARGET, bold_text_at, draw_y_mesh, empty_chart, fmt_axis_number,
    fmt_count, frame, index_chart, legend_above, lifecycle_color, month_labels, nice_ceiling, segment_color_in,
    snapshot_label, text_at, tint, to_area,
};
use super::text::draw_text;
use super::trend::{MAX_MONTH_LABELS, Y_LABEL_W};
use super::{ChartError, style::Chart2d};
use crate::config::Scheme;
use crate::forecast::files::Cell;
use crate::report::model::forecast::{ForecastView, Line};
use crate::text::lang::{Lang, by_lang};

fn color(v: &ForecastView, segment: usize) -> RGBColor {
    match v.scheme {
        Scheme::Cpm => segment_color_in(segment, v.lines.len()),
        Scheme::Lifecycle => lifecycle_color(segment),
    }
}

pub(crate) fn forecast_chart<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    view: Option<&ForecastView>,
    lang: Lang,
) -> Result<(), ChartError> {
    let title = match view {
        Some(v) => by_lang!(lang, "この先 {} か月の見通し", "The next {} months", v.month_ends.len()),
        None => lang.pick("この先の見通し", "The months ahead").to_string(),
    };
    let Some(v) = view else {
        return empty_chart(&root, &title, lang.pick("予測がありません", "No forecast"));
    };
    let subtitle = lang.pick(
        "月末時点の人数。実線は実績、破線は予測、帯は 80% 区間",
        "Customers at each month-end: solid = actual, dashed = forecast, band = 80% interval",
    );
    let body = frame(&root, &title, Some(subtitle), None)?;
    let w = body.dim_in_pixel().0 as i32;
    let (left, right) = body.split_horizontally(w * 58 / 100);
    let labels: Vec<String> = v
        .history_days
        .iter()
        .chain(&v.month_ends)
        .map(|&d| snapshot_label(d))
        .collect();
    draw_segments(&left, v, &labels, lang)?;
    draw_focus(&right.margin(0, 0, 24, 0), v, &labels, lang)
}

/// Left: every active segment, its history and its forecast.
fn draw_segments<DB: DrawingBackend>(
    left: &DrawingArea<DB, Shift>,
    v: &ForecastView,
    labels: &[String],
    lang: Lang,
) -> Result<(), ChartError> {
    let entries: Vec<(Swatch, String)> = v
        .lines
        .iter()
        .map(|l| (Swatch::Line(color(v, l.segment)), l.name.clone()))
        .collect();
    let plot = legend_above(left, &entries, Y_LABEL_W as i32, 8)?;
    let top = v.lines.iter().map(max_of).fold(0.0, f64::max);
    let mut chart = index_chart(&plot, labels.len(), 0.0..nice_ceiling(top * 1.08), Y_LABEL_W, 64)?;
    draw_y_mesh(&mut chart, &|x| fmt_axis_number(*x))?;
    origin_line(&plot, &chart, v.history_days.len(), (0.0, top), lang)?;
    for l in &v.lines {
        draw_line(&plot, &mut chart, l, color(v, l.segment), true)?;
    }
    month_labels(&plot, &chart, labels, MAX_MONTH_LABELS - 2)
}

/// Right: the focus segment over the last year and its forecast, as is
/// and under the scenario.
fn draw_focus<DB: DrawingBackend>(
    right: &DrawingArea<DB, Shift>,
    v: &ForecastView,
    labels: &[String],
    lang: Lang,
) -> Result<(), ChartError> {
    let focus_color = color(v, v.focus.segment);
    let mut entries = vec![(
        Swatch::Line(focus_color),
        format!("{} {}", v.focus.name, lang.pick("(現状のまま)", "(as is)")),
    )];
    if let Some((rate, _, _)) = &v.scenario {
        let percent = rate * 100.0;
        entries.push((
            Swatch::Dashed(TARGET),
            by_lang!(lang, "転換率 {percent:.0}% なら", "at {percent:.0}% conversion"),
        ));
    }
    let plot = legend_above(right, &entries, Y_LABEL_W as i32, 8)?;
    // The last year of history only, and an axis around the values: the
    // scenario's difference is what this panel is for.
    let n_h = v.focus.history.len().min(FOCUS_HISTORY);
    let focus = Line {
        history: v.focus.history[v.focus.history.len() - n_h..].to_vec(),
        ..v.focus.clone()
    };
    let scen = v.scenario.as_ref().map(|(_, _, cells)| Line {
        forecast: cells.clone(),
        ..focus.clone()
    });
    let (lo, hi) = std::iter::once(&focus)
        .chain(&scen)
        .map(range_of)
        .fold((f64::MAX, 0.0f64), |(a, b), (c, d)| (a.min(c), b.max(d)));
    let pad = ((hi - lo) * 0.12).max(1.0);
    let bottom = (lo - pad).max(0.0).floor();
    let labels = &labels[labels.len() - n_h - v.month_ends.len()..];
    let mut chart = index_chart(&plot, labels.len(), bottom..hi + pad, Y_LABEL_W, 64)?;
    draw_y_mesh(&mut chart, &|x| fmt_axis_number(*x))?;
    origin_line(&plot, &chart, n_h, (bottom, hi), lang)?;
    draw_line(&plot, &mut chart, &focus, focus_color, true)?;
    if let Some(scen) = &scen {
        chart.draw_series(DashedLineSeries::new(
            forecast_points(scen, n_h),
            12,
            8,
            TARGET.stroke_width(4),
        ))?;
        end_label(&plot, &chart, scen, n_h, TARGET, 1)?;
        end_label(&plot, &chart, &focus, n_h, INK, -1)?;
    } else {
        end_label(&plot, &chart, &focus, n_h, INK, 1)?;
    }
    month_labels(&plot, &chart, labels, 4)
}

/// Months of history in the right-hand panel.
const FOCUS_HISTORY: usize = 12;

fn range_of(l: &Line) -> (f64, f64) {
    let lo = l
        .history
        .iter()
        .copied()
        .chain(l.forecast.iter().map(|c| c.low))
        .min()
        .unwrap_or(0);
    (lo as f64, max_of(l))
}

fn max_of(l: &Line) -> f64 {
    let h = l.history.iter().copied().max().unwrap_or(0);
    let f = l.forecast.iter().map(|c| c.high).max().unwrap_or(0);
    h.max(f) as f64
}

/// The last history point and the forecast after it.
fn forecast_points(l: &Line, n_h: usize) -> Vec<(f64, f64)> {
    let mut pts = vec![((n_h - 1) as f64, *l.history.last().unwrap_or(&0) as f64)];
    pts.extend(
        l.forecast
            .iter()
            .enumerate()
            .map(|(i, c)| ((n_h + i) as f64, c.customers as f64)),
    );
    pts
}

fn draw_band<DB: DrawingBackend>(
    chart: &mut Chart2d<'_, DB>,
    l: &Line,
    n_h: usize,
    c: RGBColor,
    pale: f64,
) -> Result<(), ChartError> {
    let last = *l.history.last().unwrap_or(&0) as f64;
    let cell = |i: usize, f: fn(&Cell) -> u64| f(&l.forecast[i]) as f64;
    let mut band = vec![((n_h - 1) as f64, last)];
    band.extend((0..l.forecast.len()).map(|i| ((n_h + i) as f64, cell(i, |c| c.high))));
    band.extend(
        (0..l.forecast.len())
            .rev()
            .map(|i| ((n_h + i) as f64, cell(i, |c| c.low))),
    );
    chart.draw_series(std::iter::once(Polygon::new(band, tint(c, pale).filled())))?;
    Ok(())
}

fn draw_line<DB: DrawingBackend>(
    _area: &DrawingArea<DB, Shift>,
    chart: &mut Chart2d<'_, DB>,
    l: &Line,
    c: RGBColor,
    band: bool,
) -> Result<(), ChartError> {
    let n_h = l.history.len();
    if band {
        draw_band(chart, l, n_h, c, 0.75)?;
    }
    let hist: Vec<(f64, f64)> = l
        .history
        .iter()
        .enumerate()
        .map(|(i, &x)| (i as f64, x as f64))
        .collect();
    chart.draw_series(LineSeries::new(hist, c.stroke_width(4)))?;
    chart.draw_series(DashedLineSeries::new(forecast_points(l, n_h), 12, 8, c.stroke_width(4)))?;
    Ok(())
}

/// A dotted vertical line at the forecast's start, labelled.
fn origin_line<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Chart2d<'_, DB>,
    n_h: usize,
    (bottom, top): (f64, f64),
    lang: Lang,
) -> Result<(), ChartError> {
    let x = (n_h - 1) as f64;
    let (px, y0) = to_area(area, chart, x, bottom);
    let (_, y1) = to_area(area, chart, x, top + (top - bottom) * 0.05);
    area.draw(&PathElement::new(vec![(px, y0), (px, y1)], AXIS.stroke_width(2)))?;
    draw_text(
        area,
        lang.pick("予測 →", "forecast →"),
        &text_at(LABEL_PX, SUBTLE_INK, HPos::Left, VPos::Top),
        (px + 8, y1),
    )?;
    Ok(())
}

/// The last forecast value at the line's end (`side` 1 above, -1 below).
fn end_label<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Chart2d<'_, DB>,
    l: &Line,
    n_h: usize,
    c: RGBColor,
    side: i32,
) -> Result<(), ChartError> {
    let Some(last) = l.forecast.last() else {
        return Ok(());
    };
    let (x, y) = to_area(area, chart, (n_h + l.forecast.len() - 1) as f64, last.customers as f64);
    let v = if side > 0 { VPos::Bottom } else { VPos::Top };
    draw_text(
        area,
        &fmt_count(last.customers),
        &bold_text_at(LABEL_PX, c, HPos::Right, v),
        (x, y - side * 10),
    )?;
    Ok(())
}
