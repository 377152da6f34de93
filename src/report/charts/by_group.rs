//! 初回→よちよち by group (`--by`): one horizontal bar a group (the largest
//! eight, then その他), the 95% Wilson interval as whiskers and the target as
//! a dashed line. Groups too small to judge are drawn pale and say so.
//! Labels longer than their column are shortened with an ellipsis.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::ChartError;
use super::style::{
    AXIS, GRID, INK, LABEL_PX, SMALL_PX, SUBTLE_INK, Swatch, TARGET, bold_text_at, empty_chart, fmt_pct, fmt_pct0,
    frame, legend, text_at, tier_color, tint,
};
use super::text::{draw_text, shorten, text_width};
use crate::dates::format_month;
use crate::engine::segments::Tier;
use crate::report::model::by_group::{ByGroup, MIN_FIRST_TIMERS};
use crate::text::format::thousands;
use crate::text::lang::Lang;

const LABEL_W: i32 = 400;
const VALUE_W: i32 = 320;
const AXIS_H: i32 = 44;
const MAX_ROW_H: i32 = 96;

pub(crate) fn by_group_chart<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    by: Option<&ByGroup>,
    lang: Lang,
) -> Result<(), ChartError> {
    let title_of = |column: &str| match lang {
        Lang::Ja => format!("{column} 別の初回→よちよち転換率"),
        Lang::En => format!("First → toddler conversion by {column}"),
    };
    let Some(by) = by else {
        return empty_chart(
            &root,
            &title_of("group"),
            lang.pick("グループ分けのない実行です(--by)", "This run has no breakdown (--by)"),
        );
    };
    let title = title_of(&by.column);
    let Some((from, to)) = by.window else {
        return empty_chart(
            &root,
            &title,
            lang.pick("確定したコホートがまだありません", "No cohort has matured yet"),
        );
    };
    let span = format!("{}〜{}", format_month(from), format_month(to));
    let groups = by.rates.len();
    let subtitle = match (lang, by.pooled_rates) {
        (Lang::Ja, 0) => format!("{span} の確定コホートを合算、全 {groups} グループ(初回客の多い順)"),
        (Lang::Ja, k) => format!(
            "{span} の確定コホートを合算、初回客の多い {} グループ(ほか {k} グループは「その他」に合算)",
            groups - k
        ),
        (Lang::En, 0) => format!("Matured cohorts of {span} pooled; all {groups} groups, largest first"),
        (Lang::En, k) => format!(
            "Matured cohorts of {span} pooled; the largest {} groups ({k} more pooled as \"Others\")",
            groups - k
        ),
    };
    let footnote = match lang {
        Lang::Ja => format!(
            "ひげ＝95%信頼区間(Wilson)。初回客 {MIN_FIRST_TIMERS} 人未満のグループは薄い色で、判断の対象外です。"
        ),
        Lang::En => format!(
            "Whiskers = 95% interval (Wilson). Groups with fewer than {MIN_FIRST_TIMERS} first-time customers are pale and not judged."
        ),
    };
    let body = frame(&root, &title, Some(&subtitle), Some(&footnote))?;
    let color = tier_color(Tier::Toddler as usize);
    let target_label = format!("{} {}", lang.pick("目標", "Target"), fmt_pct0(by.target));
    let mut entries = vec![(Swatch::Fill(color), lang.pick("転換率", "Conversion").to_string())];
    if by.shown_rates.iter().any(|r| !r.judged) {
        entries.push((
            Swatch::Fill(tint(color, 0.7)),
            lang.pick("少なすぎて判断できない", "Too small to judge").to_string(),
        ));
    }
    entries.push((Swatch::Dashed(TARGET), target_label.clone()));
    let used = legend(&body, &entries, (LABEL_W, 0))?;
    let (_, area) = body.split_vertically(used + 12);
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);

    let rows = &by.shown_rates;
    let top = LABEL_PX as i32 + 10;
    let row_h = ((h - AXIS_H - top) / rows.len().max(1) as i32).min(MAX_ROW_H);
    let x_max = rows
        .iter()
        .map(|r| r.interval.map_or(r.rate, |i| i.1))
        .fold(by.target, f64::max);
    let x_max = ((x_max * 1.05) * 10.0).ceil().clamp(1.0, 10.0) / 10.0;
    let (x0, x1) = (LABEL_W, w - VALUE_W);
    let px = |v: f64| x0 + ((x1 - x0) as f64 * v / x_max).round() as i32;
    let bottom = top + row_h * rows.len() as i32;

    // Grid and axis: a line every 10%.
    let steps = (x_max * 10.0).round() as i32;
    let tick_every = if steps > 6 { 2 } else { 1 };
    for i in 0..=steps {
        let x = px(f64::from(i) / 10.0);
        let style = if i == 0 { AXIS } else { GRID };
        area.draw(&PathElement::new(vec![(x, top), (x, bottom)], style.stroke_width(2)))?;
        if i % tick_every == 0 {
            draw_text(
                &area,
                &fmt_pct0(f64::from(i) / 10.0),
                &text_at(SMALL_PX, SUBTLE_INK, HPos::Center, VPos::Top),
                (x, bottom + 8),
            )?;
        }
    }

    let label_style = text_at(LABEL_PX, INK, HPos::Right, VPos::Center);
    let value_style = text_at(SMALL_PX, INK, HPos::Left, VPos::Center);
    let pale_style = text_at(SMALL_PX, SUBTLE_INK, HPos::Left, VPos::Center);
    let bar_h = (row_h * 11 / 20).clamp(6, 44);
    // Bars and whiskers, then the target over them, then the values on white.
    let mut ends = Vec::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        let cy = top + row_h * i as i32 + row_h / 2;
        let label = shorten(&r.label, LABEL_PX, f64::from(LABEL_W - 16));
        draw_text(&area, &label, &label_style, (LABEL_W - 14, cy))?;
        let fill = if r.judged { color } else { tint(color, 0.7) };
        let (bx1, by0) = (px(r.rate), cy - bar_h / 2);
        if bx1 > x0 {
            area.draw(&Rectangle::new([(x0, by0), (bx1, by0 + bar_h)], fill.filled()))?;
        }
        let mut right = bx1;
        if let Some((lo, hi)) = r.interval {
            let (wl, wh) = (px(lo), px(hi));
            let ink = if r.judged { INK } else { SUBTLE_INK };
            area.draw(&PathElement::new(vec![(wl, cy), (wh, cy)], ink.stroke_width(3)))?;
            let cap = (bar_h / 2).max(4);
            for x in [wl, wh] {
                area.draw(&PathElement::new(
                    vec![(x, cy - cap), (x, cy + cap)],
                    ink.stroke_width(3),
                ))?;
            }
            right = right.max(wh);
        }
        ends.push((cy, right));
    }
    // The target, dashed, labelled above the rows.
    let tx = px(by.target);
    let mut y = top;
    while y < bottom {
        area.draw(&PathElement::new(
            vec![(tx, y), (tx, (y + 16).min(bottom))],
            TARGET.stroke_width(3),
        ))?;
        y += 28;
    }
    draw_text(
        &area,
        &target_label,
        &bold_text_at(LABEL_PX, TARGET, HPos::Center, VPos::Bottom),
        (tx, top - 4),
    )?;
    for (r, (cy, right)) in rows.iter().zip(ends) {
        let n = thousands(i128::from(r.first_timers));
        let value = if r.first_timers == 0 {
            lang.pick("初回客なし", "no first-time customers").to_string()
        } else if r.judged {
            match lang {
                Lang::Ja => format!("{}(n={n})", fmt_pct(r.rate)),
                Lang::En => format!("{} (n={n})", fmt_pct(r.rate)),
            }
        } else {
            match lang {
                Lang::Ja => format!("{}(n={n}、判断外)", fmt_pct(r.rate)),
                Lang::En => format!("{} (n={n}, too small)", fmt_pct(r.rate)),
            }
        };
        let style = if r.judged { &value_style } else { &pale_style };
        let value = shorten(&value, SMALL_PX, f64::from(w - right - 14));
        // On white, so that the target line never runs through it.
        let width = text_width(&value, SMALL_PX).ceil() as i32;
        let half = SMALL_PX as i32 / 2 + 4;
        area.draw(&Rectangle::new(
            [(right + 8, cy - half), (right + 16 + width, cy + half)],
            WHITE.filled(),
        ))?;
        draw_text(&area, &value, style, (right + 12, cy))?;
    }

    Ok(())
}
