//! The headline KPI: 初回→よちよち conversion by acquisition month (last 24
//! cohorts) against the target, provisional cohorts hatched.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::ChartError;
use super::style::{
    Chart2d, INK, LABEL_PX, SMALL_PX, SUBTLE_INK, Swatch, TARGET, across, bar_rect, bold_text_at, dashed, draw_y_mesh,
    empty_chart, fmt_pct, fmt_pct0, frame, hatch, index_chart, last_n, legend_above, month_labels, ratio, target_label,
    text_at, tier_color, tint,
};
use super::text::draw_text;
use crate::dates::format_month;
use crate::engine::portfolio::{CohortConversion, Portfolio};
use crate::engine::segments::Tier;
use crate::text::lang::{Lang, by_lang};

/// How many cohorts the chart shows.
pub(crate) const CONVERSION_COHORTS: usize = 24;
/// Cohorts averaged in the subtitle.
const AVERAGE_OVER: usize = 12;
const Y_LABEL_W: u32 = 110;
const MAX_MONTH_LABELS: usize = 9;

pub(crate) fn conversion<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    p: &Portfolio,
    target: f64,
    lang: Lang,
) -> Result<(), ChartError> {
    let title = lang.pick(
        "初回→よちよち転換率（獲得月別）",
        "First → toddler conversion by acquisition month",
    );
    let cohorts = &p.conversion[last_n(p.conversion.len(), CONVERSION_COHORTS)];
    if cohorts.is_empty() {
        return empty_chart(
            &root,
            title,
            lang.pick("獲得コホートがありません", "No acquisition cohorts"),
        );
    }
    let footnote = lang.pick(
        "転換率＝獲得月に初回購入した顧客のうち、よちよち期間内に2回目を購入した割合。暫定＝観測期間がまだ終わっていないコホート。",
        "Conversion = share of a month's first-time buyers who bought again within the toddler window. Provisional = window still open.",
    );
    let body = frame(&root, title, Some(&headline(cohorts, target, lang)), Some(footnote))?;

    let color = tier_color(Tier::Toddler as usize);
    let target_label = target_label(target, lang);
    let entries = [
        (Swatch::Fill(color), lang.pick("確定", "Final").to_string()),
        (
            Swatch::Hatched(color),
            lang.pick("暫定(未確定)", "Provisional").to_string(),
        ),
        (Swatch::Dashed(TARGET), target_label.clone()),
    ];
    let area = legend_above(&body, &entries, Y_LABEL_W as i32, 8)?;
    draw_cohorts(&area, cohorts, target, &target_label)
}

/// The bars with their rates, the dashed target over them, the months.
fn draw_cohorts<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    cohorts: &[CohortConversion],
    target: f64,
    target_label: &str,
) -> Result<(), ChartError> {
    let n = cohorts.len();
    let max_rate = cohorts.iter().map(|c| c.rate).fold(target, f64::max);
    // Up to the next 10% above the highest bar (with room for its label).
    let y_max = ((max_rate * 1.12 + 0.02) * 10.0).ceil().clamp(1.0, 10.0) / 10.0;
    let mut chart = index_chart(area, n, 0.0..y_max, Y_LABEL_W, 64)?;
    draw_y_mesh(&mut chart, &|v| fmt_pct0(*v))?;
    for (i, c) in cohorts.iter().enumerate() {
        draw_cohort(area, &chart, i, c, n > 14)?;
    }

    let [start, end] = across(area, &chart, n, target);
    dashed(area, start, end, (18, 30), TARGET.stroke_width(3))?;
    draw_text(
        area,
        target_label,
        &bold_text_at(LABEL_PX, TARGET, HPos::Right, VPos::Bottom),
        (end.0 - 4, end.1 - 8),
    )?;

    let labels: Vec<String> = cohorts.iter().map(|c| format_month(c.cohort_month)).collect();
    month_labels(area, &chart, &labels, MAX_MONTH_LABELS)
}

/// Cohort `i`'s bar (hatched while provisional) and its rate above it;
/// crowded bars get whole percents without the sign (the axis says %).
fn draw_cohort<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Chart2d<'_, DB>,
    i: usize,
    c: &CohortConversion,
    crowded: bool,
) -> Result<(), ChartError> {
    let color = tier_color(Tier::Toddler as usize);
    let [(x0, y0), (x1, y1)] = bar_rect(area, chart, i as f64, 0.36, (c.rate, 0.0));
    if c.matured {
        area.draw(&Rectangle::new([(x0, y0), (x1, y1)], color.filled()))?;
    } else {
        area.draw(&Rectangle::new([(x0, y0), (x1, y1)], tint(color, 0.7).filled()))?;
        hatch(area, (x0, y0), (x1, y1), color, 10)?;
        area.draw(&Rectangle::new([(x0, y0), (x1, y1)], color.stroke_width(2)))?;
    }
    let value = if crowded {
        format!("{:.0}", c.rate * 100.0)
    } else {
        fmt_pct(c.rate)
    };
    let ink = if c.matured { INK } else { SUBTLE_INK };
    draw_text(
        area,
        &value,
        &text_at(SMALL_PX, ink, HPos::Center, VPos::Bottom),
        ((x0 + x1) / 2, y0 - 6),
    )?;
    Ok(())
}

/// The subtitle: the latest final cohort and the average of the last final
/// cohorts, against the target.
fn headline(cohorts: &[CohortConversion], target: f64, lang: Lang) -> String {
    let matured: Vec<&CohortConversion> = cohorts.iter().filter(|c| c.matured).collect();
    let Some(latest) = matured.last() else {
        return by_lang!(
            lang,
            "確定したコホートはまだありません（目標 {}）",
            "No cohort is final yet (target {})",
            fmt_pct0(target)
        );
    };
    let recent = &matured[matured.len().saturating_sub(AVERAGE_OVER)..];
    let converted: u64 = recent.iter().map(|c| c.converted).sum();
    let size: u64 = recent.iter().map(|c| c.cohort_size).sum();
    let average = ratio(converted, size);
    by_lang!(
        lang,
        "直近の確定コホート {}：{}　直近{}確定コホートの平均 {}（目標 {}）",
        "Latest final cohort {}: {}   Last {} final cohorts: {} (target {})",
        format_month(latest.cohort_month),
        fmt_pct(latest.rate),
        recent.len(),
        fmt_pct(average),
        fmt_pct0(target)
    )
}
