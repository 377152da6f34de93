//! The headline KPI: 初回→よちよち conversion by acquisition month (last 24
//! cohorts) against the target, provisional cohorts hatched.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::ChartError;
use super::style::{
    INK, LABEL_PX, SMALL_PX, SUBTLE_INK, Swatch, TARGET, bold_text_at, draw_y_mesh, empty_chart, fmt_pct, fmt_pct0,
    frame, hatch, index_chart, last_n, legend, month_labels, ratio, text_at, tier_color, tint, to_area,
};
use super::text::draw_text;
use crate::dates::format_month;
use crate::engine::portfolio::{CohortConversion, Portfolio};
use crate::engine::segments::Tier;
use crate::text::lang::Lang;

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
    let target_label = format!("{} {}", lang.pick("目標", "Target"), fmt_pct0(target));
    let entries = [
        (Swatch::Fill(color), lang.pick("確定", "Final").to_string()),
        (
            Swatch::Hatched(color),
            lang.pick("暫定(未確定)", "Provisional").to_string(),
        ),
        (Swatch::Dashed(TARGET), target_label.clone()),
    ];
    let used = legend(&body, &entries, (Y_LABEL_W as i32, 0))?;
    let (_, area) = body.split_vertically(used + 8);

    let n = cohorts.len();
    let max_rate = cohorts.iter().map(|c| c.rate).fold(target, f64::max);
    // Up to the next 10% above the highest bar (with room for its label).
    let y_max = ((max_rate * 1.12 + 0.02) * 10.0).ceil().clamp(1.0, 10.0) / 10.0;
    let mut chart = index_chart(&area, n, 0.0..y_max, Y_LABEL_W, 64)?;
    draw_y_mesh(&mut chart, &|v| fmt_pct0(*v))?;

    // Crowded bars get whole percents without the sign (the axis says %).
    let value_text = |rate: f64| {
        if n > 14 {
            format!("{:.0}", rate * 100.0)
        } else {
            fmt_pct(rate)
        }
    };
    for (i, c) in cohorts.iter().enumerate() {
        let x = i as f64;
        let (x0, y0) = to_area(&area, &chart, x - 0.36, c.rate);
        let (x1, y1) = to_area(&area, &chart, x + 0.36, 0.0);
        if c.matured {
            area.draw(&Rectangle::new([(x0, y0), (x1, y1)], color.filled()))?;
        } else {
            area.draw(&Rectangle::new([(x0, y0), (x1, y1)], tint(color, 0.7).filled()))?;
            hatch(&area, (x0, y0), (x1, y1), color, 10)?;
            area.draw(&Rectangle::new([(x0, y0), (x1, y1)], color.stroke_width(2)))?;
        }
        let ink = if c.matured { INK } else { SUBTLE_INK };
        draw_text(
            &area,
            &value_text(c.rate),
            &text_at(SMALL_PX, ink, HPos::Center, VPos::Bottom),
            ((x0 + x1) / 2, y0 - 6),
        )?;
    }

    let (x0, y) = to_area(&area, &chart, -0.5, target);
    let (x1, _) = to_area(&area, &chart, n as f64 - 0.5, target);
    let dash = 18;
    let mut x = x0;
    while x < x1 {
        area.draw(&PathElement::new(
            vec![(x, y), ((x + dash).min(x1), y)],
            TARGET.stroke_width(3),
        ))?;
        x += dash * 2 - 6;
    }
    draw_text(
        &area,
        &target_label,
        &bold_text_at(LABEL_PX, TARGET, HPos::Right, VPos::Bottom),
        (x1 - 4, y - 8),
    )?;

    let labels: Vec<String> = cohorts.iter().map(|c| format_month(c.cohort_month)).collect();
    month_labels(&area, &chart, &labels, MAX_MONTH_LABELS)?;
    Ok(())
}

/// The subtitle: the latest final cohort and the average of the last final
/// cohorts, against the target.
fn headline(cohorts: &[CohortConversion], target: f64, lang: Lang) -> String {
    let matured: Vec<&CohortConversion> = cohorts.iter().filter(|c| c.matured).collect();
    let Some(latest) = matured.last() else {
        return match lang {
            Lang::Ja => format!("確定したコホートはまだありません（目標 {}）", fmt_pct0(target)),
            Lang::En => format!("No cohort is final yet (target {})", fmt_pct0(target)),
        };
    };
    let recent = &matured[matured.len().saturating_sub(AVERAGE_OVER)..];
    let converted: u64 = recent.iter().map(|c| c.converted).sum();
    let size: u64 = recent.iter().map(|c| c.cohort_size).sum();
    let average = ratio(converted, size);
    match lang {
        Lang::Ja => format!(
            "直近の確定コホート {}：{}　直近{}確定コホートの平均 {}（目標 {}）",
            format_month(latest.cohort_month),
            fmt_pct(latest.rate),
            recent.len(),
            fmt_pct(average),
            fmt_pct0(target)
        ),
        Lang::En => format!(
            "Latest final cohort {}: {}   Last {} final cohorts: {} (target {})",
            format_month(latest.cohort_month),
            fmt_pct(latest.rate),
            recent.len(),
            fmt_pct(average),
            fmt_pct0(target)
        ),
    }
}
