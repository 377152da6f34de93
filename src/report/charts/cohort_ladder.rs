//! The cohort ladder: of 100 first-time buyers, where are they k months
//! after their first purchase (k = 0..12)?
//!
//! Left: the latest 12 acquisition cohorts that have been followed the
//! whole 12 months, pooled (so every k describes the same customers; with a
//! shorter history, the latest 12 cohorts, each k pooling those observed
//! that far). Their make-up per 100 as stacked bars (active tiers, and all
//! lapsed members as one 離脱 band), and under the axis a small table of
//! よちよち以上 (bought again, lapsed included) and 優良 per 100; month 7
//! (about 210 days, the 優良 tenure) is outlined.
//!
//! Right: one line per cohort for the last 12 cohorts in the ladder
//! (including young ones): the share that has bought again, so newer
//! cohorts can be compared with older ones.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::style::{
    Chart2d, INK, LABEL_PX, LAPSED_ALL, SMALL_PX, SUBTLE_INK, Swatch, TARGET, bar_rect, blend, bold_text_at,
    draw_y_mesh, empty_chart, frame, index_chart, ink_on, legend, legend_above, ratio, text_at, tier_color,
    tier_entries, tint, to_area,
};
use super::text::draw_text;
use super::{ChartError, check_cpm};
use crate::dates::format_month;
use crate::engine::portfolio::{LADDER_MONTHS, LadderCohort, Portfolio};
use crate::engine::segments::{CPM_TIERS, Tier};
use crate::text::lang::{Lang, by_lang};

/// How many acquisition cohorts each panel shows.
pub(crate) const LADDER_COHORTS: usize = 12;
/// The month highlighted: 210 days (the 優良 tenure) is about 7 months.
const LOYAL_MONTH: usize = 7;
const Y_LABEL_W: u32 = 190;
const TABLE_ROW_H: i32 = 34;
/// Height under the axis for the k labels.
const K_ROW_H: i32 = 52;

/// Bands from the bottom up: 優良, コツコツ, 流行, よちよち, 初回 (active),
/// then all lapsed.
const BANDS: usize = CPM_TIERS + 1;

/// One month k of the pooled cohorts.
struct Step {
    /// Members per band, summed over the cohorts observed at k.
    bands: [u64; BANDS],
    /// Members of those cohorts.
    size: u64,
    /// Members at tier よちよち or above, active or lapsed.
    repeated: u64,
    /// Members at tier 優良, active or lapsed.
    loyal: u64,
    cohorts: usize,
}

impl Step {
    fn per_100(&self, part: u64) -> f64 {
        ratio(part, self.size) * 100.0
    }
}

/// A row of the table under the axis.
struct TableRow {
    name: &'static str,
    color: RGBColor,
    value: fn(&Step) -> String,
}

fn band_color(band: usize) -> RGBColor {
    if band < CPM_TIERS {
        tier_color(CPM_TIERS - 1 - band)
    } else {
        LAPSED_ALL
    }
}

/// Members of `row` (a ladder row, by segment) who have bought again.
fn repeated(row: &[u64]) -> u64 {
    row.iter()
        .enumerate()
        .filter(|(s, _)| s % CPM_TIERS >= Tier::Toddler as usize)
        .map(|(_, v)| v)
        .sum()
}

fn pool(cohorts: &[&LadderCohort]) -> Vec<Step> {
    (0..LADDER_MONTHS)
        .map(|k| {
            let mut step = Step {
                bands: [0; BANDS],
                size: 0,
                repeated: 0,
                loyal: 0,
                cohorts: 0,
            };
            for row in cohorts.iter().filter_map(|c| c.counts.get(k)) {
                step.cohorts += 1;
                step.repeated += repeated(row);
                for (s, &count) in row.iter().enumerate() {
                    let (tier, lapsed) = (s % CPM_TIERS, s >= CPM_TIERS);
                    step.bands[if lapsed { CPM_TIERS } else { CPM_TIERS - 1 - tier }] += count;
                    step.size += count;
                    if tier == Tier::Loyal as usize {
                        step.loyal += count;
                    }
                }
            }
            step
        })
        .collect()
}

/// The last [`LADDER_COHORTS`] of these cohorts, oldest first.
fn last_cohorts<'a>(cohorts: impl DoubleEndedIterator<Item = &'a LadderCohort>) -> Vec<&'a LadderCohort> {
    let mut last: Vec<&LadderCohort> = cohorts.rev().take(LADDER_COHORTS).collect();
    last.reverse();
    last
}

pub(crate) fn cohort_ladder<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    p: &Portfolio,
    lang: Lang,
) -> Result<(), ChartError> {
    check_cpm(p)?;
    let title = lang.pick(
        "初回購入者100人のその後（コホート・ラダー）",
        "What becomes of 100 first-time buyers (cohort ladder)",
    );
    let recent = last_cohorts(p.ladder.iter().filter(|c| c.size > 0));
    if recent.is_empty() {
        return empty_chart(
            &root,
            title,
            lang.pick("獲得コホートがありません", "No acquisition cohorts"),
        );
    }
    let complete = last_cohorts(
        p.ladder
            .iter()
            .filter(|c| c.size > 0 && c.counts.len() >= LADDER_MONTHS),
    );
    let followed = !complete.is_empty();
    let pooled = if followed { complete } else { recent.clone() };
    let steps = pool(&pooled);

    let (subtitle, footnote) = captions(&pooled, &steps, followed, lang);
    let body = frame(&root, title, Some(&subtitle), Some(footnote))?;

    let mut entries = tier_entries(CPM_TIERS, lang);
    entries.push((Swatch::Fill(LAPSED_ALL), lang.pick("離脱", "Lapsed").to_string()));
    let rest = legend_above(&body, &entries, Y_LABEL_W as i32, 8)?;
    let w = rest.dim_in_pixel().0 as i32;
    let (left, right) = rest.split_horizontally(w * 61 / 100);
    draw_composition(&left, &steps, lang)?;
    draw_repeat_lines(&right.margin(0, 0, 40, 0), &recent, lang)
}

/// The subtitle (month 7 of the pooled cohorts) and the footnote (how they
/// were pooled).
fn captions(pooled: &[&LadderCohort], steps: &[Step], followed: bool, lang: Lang) -> (String, &'static str) {
    let range = format!(
        "{}{}{}",
        format_month(pooled[0].cohort_month),
        lang.pick("〜", " to "),
        format_month(pooled[pooled.len() - 1].cohort_month)
    );
    let at = &steps[LOYAL_MONTH];
    let subtitle = if at.size > 0 {
        by_lang!(
            lang,
            "{}か月後（約210日）：100人中 よちよち以上 {:.1}人、優良 {:.1}人（獲得月 {range} の{}コホートを合算）",
            "After {} months (about 210 days), of 100: {:.1} bought again, {:.1} loyal ({} cohorts pooled, {range})",
            LOYAL_MONTH,
            at.per_100(at.repeated),
            at.per_100(at.loyal),
            pooled.len(),
        )
    } else {
        by_lang!(
            lang,
            "{}か月後（約210日）はまだ観測できていません（獲得月 {range}）",
            "Month {} (about 210 days) not observed yet (cohorts {range})",
            LOYAL_MONTH
        )
    };
    let footnote = if followed {
        lang.pick(
            "左：12か月後まで観測済みの直近コホートを合算。kか月後＝初回購入月のkか月後の月末。右：直近のコホート別。",
            "Left: the latest cohorts followed for 12 months, pooled; month k = k month-ends after the first purchase. Right: latest cohorts.",
        )
    } else {
        lang.pick(
            "左：kか月後＝初回購入月のkか月後の月末。各kはそこまで観測できたコホートだけで集計（n＝コホート数）。",
            "Left: month k = k month-ends after the first purchase; each k pools the cohorts observed that far (n = cohorts).",
        )
    };
    (subtitle, footnote)
}

/// The rows of the table under the axis: よちよち以上 and 優良 per 100, and
/// the cohorts pooled when that differs between months.
fn table_rows(steps: &[Step], lang: Lang) -> Vec<TableRow> {
    let mut rows = vec![
        TableRow {
            name: lang.pick("よちよち以上", "Bought again"),
            color: INK,
            value: |s| format!("{:.0}", s.per_100(s.repeated)),
        },
        TableRow {
            name: lang.pick("うち優良", "Loyal"),
            color: tier_color(Tier::Loyal as usize),
            value: |s| format!("{:.1}", s.per_100(s.loyal)),
        },
    ];
    if steps.iter().any(|s| s.cohorts != steps[0].cohorts) {
        rows.push(TableRow {
            name: "n",
            color: SUBTLE_INK,
            value: |s| s.cohorts.to_string(),
        });
    }
    rows
}

fn draw_composition<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    steps: &[Step],
    lang: Lang,
) -> Result<(), ChartError> {
    let rows = table_rows(steps, lang);
    let bottom = (K_ROW_H + rows.len() as i32 * TABLE_ROW_H + 6) as u32;
    let mut chart = index_chart(area, steps.len(), 0.0..100.0, Y_LABEL_W, bottom)?;
    draw_y_mesh(&mut chart, &|v| format!("{v:.0}"))?;
    for (k, step) in steps.iter().enumerate().filter(|(_, s)| s.size > 0) {
        draw_step(area, &chart, k, step)?;
    }
    draw_table(area, &chart, steps, &rows, lang)
}

/// Month `k`'s bands per 100, each labelled when there is room, and month
/// 7 outlined.
fn draw_step<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Chart2d<'_, DB>,
    k: usize,
    step: &Step,
) -> Result<(), ChartError> {
    let mut base = 0.0;
    for (band, &count) in step.bands.iter().enumerate() {
        let value = step.per_100(count);
        let [(x0, y0), (x1, y1)] = bar_rect(area, chart, k as f64, 0.38, (base + value, base));
        area.draw(&Rectangle::new([(x0, y0), (x1, y1)], band_color(band).filled()))?;
        if y1 - y0 >= 30 {
            let style = text_at(SMALL_PX, ink_on(band_color(band)), HPos::Center, VPos::Center);
            draw_text(area, &format!("{value:.0}"), &style, ((x0 + x1) / 2, (y0 + y1) / 2))?;
        }
        base += value;
    }
    if k == LOYAL_MONTH {
        let [(x0, y0), (x1, y1)] = bar_rect(area, chart, k as f64, 0.47, (100.0, 0.0));
        area.draw(&Rectangle::new([(x0, y0 - 4), (x1, y1 + 4)], TARGET.stroke_width(3)))?;
    }
    Ok(())
}

/// Under the axis: k, then the table's rows.
fn draw_table<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Chart2d<'_, DB>,
    steps: &[Step],
    rows: &[TableRow],
    lang: Lang,
) -> Result<(), ChartError> {
    let (label_x, axis_y) = to_area(area, chart, -0.5, 0.0);
    let label_x = label_x - 12;
    let row_y = |r: usize| axis_y + K_ROW_H + r as i32 * TABLE_ROW_H;
    let k_style = bold_text_at(LABEL_PX, INK, HPos::Right, VPos::Top);
    draw_text(area, lang.pick("kか月後", "Month k"), &k_style, (label_x, axis_y + 12))?;
    for (r, row) in rows.iter().enumerate() {
        draw_text(
            area,
            row.name,
            &text_at(SMALL_PX, row.color, HPos::Right, VPos::Top),
            (label_x, row_y(r)),
        )?;
    }
    for (k, step) in steps.iter().enumerate() {
        let (x, _) = to_area(area, chart, k as f64, 0.0);
        let color = if k == LOYAL_MONTH { TARGET } else { INK };
        draw_text(
            area,
            &k.to_string(),
            &bold_text_at(LABEL_PX, color, HPos::Center, VPos::Top),
            (x, axis_y + 12),
        )?;
        for (r, row) in rows.iter().enumerate() {
            let text = if step.size == 0 {
                "–".to_string()
            } else {
                (row.value)(step)
            };
            draw_text(
                area,
                &text,
                &text_at(SMALL_PX, row.color, HPos::Center, VPos::Top),
                (x, row_y(r)),
            )?;
        }
    }
    Ok(())
}

fn draw_repeat_lines<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    cohorts: &[&LadderCohort],
    lang: Lang,
) -> Result<(), ChartError> {
    let heading = lang.pick(
        "よちよち以上（100人あたり・各コホート別、合算なし）",
        "Bought again, per 100, each cohort on its own (not pooled)",
    );
    draw_text(
        area,
        heading,
        &bold_text_at(LABEL_PX, INK, HPos::Left, VPos::Top),
        (0, 0),
    )?;
    let (_, area) = area.split_vertically(LABEL_PX as i32 + 12);

    let shares: Vec<Vec<f64>> = cohorts
        .iter()
        .map(|c| {
            c.counts
                .iter()
                .map(|row| ratio(repeated(row), c.size) * 100.0)
                .collect()
        })
        .collect();
    let top = shares.iter().flatten().copied().fold(10.0, f64::max);
    let y_max = (((top * 1.1) / 10.0).ceil() * 10.0).min(100.0);
    let mut chart = index_chart(&area, LADDER_MONTHS, 0.0..y_max, 60, (K_ROW_H + 2 * TABLE_ROW_H) as u32)?;
    draw_y_mesh(&mut chart, &|v| format!("{v:.0}"))?;

    let base = tier_color(Tier::Toddler as usize);
    let newest = cohorts.len().saturating_sub(1).max(1) as f64;
    for (i, line) in shares.iter().enumerate() {
        // Older cohorts pale, the newest in the full colour and thicker.
        let color = blend(tint(base, 0.75), base, i as f64 / newest);
        let width = if i + 1 == shares.len() { 5 } else { 3 };
        let points: Vec<(f64, f64)> = line.iter().enumerate().map(|(k, &v)| (k as f64, v)).collect();
        chart.draw_series(LineSeries::new(points.clone(), color.stroke_width(width)))?;
        if let Some(&end) = points.last() {
            chart.draw_series(std::iter::once(Circle::new(end, 5, color.filled())))?;
        }
    }
    let (x_left, axis_y) = to_area(&area, &chart, -0.5, 0.0);
    for k in (0..LADDER_MONTHS).step_by(2) {
        let (x, _) = to_area(&area, &chart, k as f64, 0.0);
        draw_text(
            &area,
            &k.to_string(),
            &text_at(LABEL_PX, INK, HPos::Center, VPos::Top),
            (x, axis_y + 12),
        )?;
    }
    let key = [
        (
            Swatch::Line(tint(base, 0.7)),
            format!(
                "{} {}",
                lang.pick("古い", "oldest"),
                format_month(cohorts[0].cohort_month)
            ),
        ),
        (
            Swatch::Line(base),
            format!(
                "{} {}",
                lang.pick("新しい", "newest"),
                format_month(cohorts[cohorts.len() - 1].cohort_month)
            ),
        ),
    ];
    legend(&area, &key, (x_left, axis_y + K_ROW_H))?;
    Ok(())
}
