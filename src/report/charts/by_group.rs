//! 初回→よちよち by group (`--by`): one horizontal bar a group (the largest
//! eight, then その他), the 95% Wilson interval as whiskers and the target as
//! a dashed line. Groups too small to judge are drawn pale and say so.
//! Labels longer than their column are shortened with an ellipsis.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::ChartError;
use super::style::{
    AXIS, GRID, INK, LABEL_PX, SMALL_PX, SUBTLE_INK, Swatch, TARGET, bold_text_at, dashed, empty_chart, fmt_pct,
    fmt_pct0, frame, legend_above, target_label, text_at, tier_color, tint,
};
use super::text::{draw_text, shorten, text_width};
use crate::dates::format_month;
use crate::engine::segments::Tier;
use crate::report::model::by_group::{ByGroup, GroupRate, MIN_FIRST_TIMERS};
use crate::text::format::{count, thousands};
use crate::text::lang::{Lang, by_lang};

const LABEL_W: i32 = 400;
const VALUE_W: i32 = 320;
const AXIS_H: i32 = 44;
const MAX_ROW_H: i32 = 96;

pub(crate) fn by_group_chart<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    by: Option<&ByGroup>,
    lang: Lang,
) -> Result<(), ChartError> {
    let title_of = |column: &str| {
        by_lang!(
            lang,
            "{column} 別の初回→よちよち転換率",
            "First → toddler conversion by {column}"
        )
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
    let footnote = by_lang!(
        lang,
        "ひげ＝95%信頼区間(Wilson)。初回客 {MIN_FIRST_TIMERS} 人未満のグループは薄い色で、判断の対象外です。",
        "Whiskers = 95% interval (Wilson). Groups with fewer than {MIN_FIRST_TIMERS} first-time customers are pale and not judged."
    );
    let body = frame(&root, &title, Some(&subtitle(by, &span, lang)), Some(&footnote))?;
    let target_label = target_label(by.target, lang);
    let area = legend_above(&body, &entries(by, &target_label, lang), LABEL_W, 12)?;
    let rows = Rows::of(&area, by);
    rows.draw_grid(&area)?;
    // Bars and whiskers, then the target over them, then the values on white.
    let ends = rows.draw_bars(&area, &by.shown_rates)?;
    rows.draw_target(&area, by.target, &target_label)?;
    for (r, end) in by.shown_rates.iter().zip(ends) {
        rows.draw_value(&area, r, end, lang)?;
    }
    Ok(())
}

/// What the chart pools: all groups, or the largest and "Others".
fn subtitle(by: &ByGroup, span: &str, lang: Lang) -> String {
    pooling_line(by.rates.len(), by.pooled_rates, span, lang)
}

fn pooling_line(groups: usize, pooled: usize, span: &str, lang: Lang) -> String {
    match pooled {
        0 => {
            let groups = count(groups as u64, "group", "groups");
            by_lang!(
                lang,
                "{span} の確定コホートを合算、全 {groups} グループ(初回客の多い順)",
                "Matured cohorts of {span} pooled; all {groups:#}, largest first"
            )
        }
        k => {
            let shown = count((groups - k) as u64, "group", "groups");
            by_lang!(
                lang,
                "{span} の確定コホートを合算、初回客の多い {shown} グループ(ほか {k} グループは「その他」に合算)",
                "Matured cohorts of {span} pooled; the largest {shown:#} ({k} more pooled as \"Others\")"
            )
        }
    }
}

/// The bar colour of a group that can be judged.
fn bar_color() -> RGBColor {
    tier_color(Tier::Toddler as usize)
}

fn entries(by: &ByGroup, target_label: &str, lang: Lang) -> Vec<(Swatch, String)> {
    let color = bar_color();
    let mut entries = vec![(Swatch::Fill(color), lang.pick("転換率", "Conversion").to_string())];
    if by.shown_rates.iter().any(|r| !r.judged) {
        entries.push((
            Swatch::Fill(tint(color, 0.7)),
            lang.pick("少なすぎて判断できない", "Too small to judge").to_string(),
        ));
    }
    entries.push((Swatch::Dashed(TARGET), target_label.to_string()));
    entries
}

/// Where the rows go: one a group from `top` to `bottom`, the rate axis
/// from `x0` (0%) to `x1` (`x_max`).
struct Rows {
    count: usize,
    top: i32,
    row_h: i32,
    bottom: i32,
    x0: i32,
    x1: i32,
    x_max: f64,
    width: i32,
}

impl Rows {
    fn of<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, by: &ByGroup) -> Rows {
        let (w, h) = area.dim_in_pixel();
        let (w, h) = (w as i32, h as i32);
        let rows = &by.shown_rates;
        let top = LABEL_PX as i32 + 10;
        let row_h = ((h - AXIS_H - top) / rows.len().max(1) as i32).min(MAX_ROW_H);
        let x_max = rows
            .iter()
            .map(|r| r.interval.map_or(r.rate, |i| i.1))
            .fold(by.target, f64::max);
        Rows {
            count: rows.len(),
            top,
            row_h,
            bottom: top + row_h * rows.len() as i32,
            x0: LABEL_W,
            x1: w - VALUE_W,
            x_max: ((x_max * 1.05) * 10.0).ceil().clamp(1.0, 10.0) / 10.0,
            width: w,
        }
    }

    /// The x of a rate.
    fn px(&self, v: f64) -> i32 {
        self.x0 + ((self.x1 - self.x0) as f64 * v / self.x_max).round() as i32
    }

    /// The middle of row `i`.
    fn cy(&self, i: usize) -> i32 {
        self.top + self.row_h * i as i32 + self.row_h / 2
    }

    fn bar_h(&self) -> i32 {
        (self.row_h * 11 / 20).clamp(6, 44)
    }

    /// Grid and axis: a line every 10%.
    fn draw_grid<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let steps = (self.x_max * 10.0).round() as i32;
        let tick_every = if steps > 6 { 2 } else { 1 };
        for i in 0..=steps {
            let x = self.px(f64::from(i) / 10.0);
            let style = if i == 0 { AXIS } else { GRID };
            area.draw(&PathElement::new(
                vec![(x, self.top), (x, self.bottom)],
                style.stroke_width(2),
            ))?;
            if i % tick_every == 0 {
                draw_text(
                    area,
                    &fmt_pct0(f64::from(i) / 10.0),
                    &text_at(SMALL_PX, SUBTLE_INK, HPos::Center, VPos::Top),
                    (x, self.bottom + 8),
                )?;
            }
        }
        Ok(())
    }

    /// Each group's label, bar and whiskers; returns each row's middle and
    /// the right end of what it drew.
    fn draw_bars<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        rows: &[GroupRate],
    ) -> Result<Vec<(i32, i32)>, ChartError> {
        let label_style = text_at(LABEL_PX, INK, HPos::Right, VPos::Center);
        let bar_h = self.bar_h();
        let mut ends = Vec::with_capacity(self.count);
        for (i, r) in rows.iter().enumerate() {
            let cy = self.cy(i);
            let label = shorten(&r.label, LABEL_PX, f64::from(LABEL_W - 16));
            draw_text(area, &label, &label_style, (LABEL_W - 14, cy))?;
            let fill = if r.judged { bar_color() } else { tint(bar_color(), 0.7) };
            let (bx1, by0) = (self.px(r.rate), cy - bar_h / 2);
            if bx1 > self.x0 {
                area.draw(&Rectangle::new([(self.x0, by0), (bx1, by0 + bar_h)], fill.filled()))?;
            }
            let mut right = bx1;
            if let Some((lo, hi)) = r.interval {
                let (wl, wh) = (self.px(lo), self.px(hi));
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
        Ok(ends)
    }

    /// The target, dashed, labelled above the rows.
    fn draw_target<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        target: f64,
        label: &str,
    ) -> Result<(), ChartError> {
        let tx = self.px(target);
        dashed(
            area,
            (tx, self.top),
            (tx, self.bottom),
            (16, 28),
            TARGET.stroke_width(3),
        )?;
        draw_text(
            area,
            label,
            &bold_text_at(LABEL_PX, TARGET, HPos::Center, VPos::Bottom),
            (tx, self.top - 4),
        )
    }

    /// A group's rate and size right of its bar (`cy`, `right`), on white
    /// so that the target line never runs through it.
    fn draw_value<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        r: &GroupRate,
        (cy, right): (i32, i32),
        lang: Lang,
    ) -> Result<(), ChartError> {
        let n = thousands(i128::from(r.first_timers));
        let rate = fmt_pct(r.rate);
        let value = if r.first_timers == 0 {
            lang.pick("初回客なし", "no first-time customers").to_string()
        } else if r.judged {
            by_lang!(lang, "{rate}(n={n})", "{rate} (n={n})")
        } else {
            by_lang!(lang, "{rate}(n={n}、判断外)", "{rate} (n={n}, too small)")
        };
        let ink = if r.judged { INK } else { SUBTLE_INK };
        let value = shorten(&value, SMALL_PX, f64::from(self.width - right - 14));
        let width = text_width(&value, SMALL_PX).ceil() as i32;
        let half = SMALL_PX as i32 / 2 + 4;
        area.draw(&Rectangle::new(
            [(right + 8, cy - half), (right + 16 + width, cy + half)],
            WHITE.filled(),
        ))?;
        draw_text(
            area,
            &value,
            &text_at(SMALL_PX, ink, HPos::Left, VPos::Center),
            (right + 12, cy),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pooling_line_counts_groups_in_words_that_agree() {
        let line = |groups, pooled, lang| pooling_line(groups, pooled, "2025-01..2025-06", lang);
        assert_eq!(
            line(1, 0, Lang::En),
            "Matured cohorts of 2025-01..2025-06 pooled; all 1 group, largest first"
        );
        assert_eq!(
            line(3, 0, Lang::En),
            "Matured cohorts of 2025-01..2025-06 pooled; all 3 groups, largest first"
        );
        assert_eq!(
            line(13, 12, Lang::En),
            "Matured cohorts of 2025-01..2025-06 pooled; the largest 1 group (12 more pooled as \"Others\")"
        );
        assert_eq!(
            line(20, 8, Lang::En),
            "Matured cohorts of 2025-01..2025-06 pooled; the largest 12 groups (8 more pooled as \"Others\")"
        );
        assert_eq!(
            line(20, 8, Lang::Ja),
            "2025-01..2025-06 の確定コホートを合算、初回客の多い 12 グループ(ほか 8 グループは「その他」に合算)"
        );
    }
}
