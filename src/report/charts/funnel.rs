//! The development funnel at one month-end: active 初回 → よちよち → コツコツ
//! → 優良 as centred horizontal bars; between two stages, how many customers
//! moved up this month (from the transition matrix) and what share of the
//! stage above that is.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::style::{
    INK, LABEL_PX, SUBTITLE_PX, SUBTLE_INK, bold_text_at, fmt_count, fmt_pct, frame, ratio, snapshot_heading, text_at,
    tier_color, tier_name, with_detail,
};
use super::text::draw_text;
use super::{ChartError, check_cpm, check_snapshot};
use crate::engine::portfolio::Portfolio;
use crate::engine::segments::Tier;
use crate::text::lang::Lang;

/// The stages, as active segments (tier indices); 流行 is a side path.
const STAGES: [Tier; 4] = [Tier::First, Tier::Toddler, Tier::Steady, Tier::Loyal];

const LABEL_W: i32 = 250;
const VALUE_W: i32 = 170;

pub(crate) fn funnel<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    p: &Portfolio,
    t: usize,
    lang: Lang,
) -> Result<(), ChartError> {
    check_cpm(p)?;
    check_snapshot(p, t)?;
    let counts: Vec<u64> = STAGES.iter().map(|&tier| p.counts[t][tier as usize]).collect();
    let trendy = p.counts[t][Tier::Trendy as usize];
    let title = with_detail(
        lang.pick("育成ファネル", "Development funnel"),
        &snapshot_heading(p.snapshot_days[t], lang),
        lang,
    );
    let subtitle = lang.pick(
        "現役顧客の人数：初回 → よちよち → コツコツ → 優良",
        "Active customers: first-time → toddler → steady → loyal",
    );
    let footnote = match lang {
        Lang::Ja => format!(
            "月末時点の人数。段の間は今月（前月末→当月末）に一つ上の段へ進んだ人数と、前月末の前の段に対する割合で、初回→よちよち転換率（KPI）とは別の数字です。流行（{}人）は含みません。",
            fmt_count(trendy)
        ),
        Lang::En => format!(
            "Head counts at the month-end. Between stages: customers who moved up this month, as a share of the stage above at the previous month-end (not the first→toddler conversion KPI). Trendy ({}) not shown.",
            fmt_count(trendy)
        ),
    };
    let body = frame(&root, &title, Some(subtitle), Some(&footnote))?;

    let (w, h) = body.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let n = STAGES.len() as i32;
    let gap = 64;
    let bar_h = (h - gap * (n - 1)) / n;
    let bar_max = w - LABEL_W - VALUE_W - 40;
    let centre = LABEL_W + 20 + bar_max / 2;
    let max = counts.iter().copied().max().unwrap_or(0).max(1);

    for (i, (&tier, &count)) in STAGES.iter().zip(&counts).enumerate() {
        let y = i as i32 * (bar_h + gap);
        let mid = y + bar_h / 2;
        let name = match lang {
            Lang::Ja => format!("{}現役", tier_name(tier as usize, lang)),
            Lang::En => tier_name(tier as usize, lang).to_string(),
        };
        draw_text(
            &body,
            &name,
            &bold_text_at(SUBTITLE_PX + 2.0, INK, HPos::Right, VPos::Center),
            (LABEL_W, mid),
        )?;
        let len = ((count as f64 / max as f64) * f64::from(bar_max)).round().max(4.0) as i32;
        let (x0, x1) = (centre - len / 2, centre + len / 2);
        body.draw(&Rectangle::new(
            [(x0, y), (x1, y + bar_h)],
            tier_color(tier as usize).filled(),
        ))?;
        let value = format!("{}{}", fmt_count(count), lang.pick("人", ""));
        draw_text(
            &body,
            &value,
            &bold_text_at(SUBTITLE_PX + 4.0, INK, HPos::Left, VPos::Center),
            (x1 + 16, mid),
        )?;
        let moves = t.checked_sub(1).and_then(|s| p.transitions.get(s));
        if let (true, Some(m)) = (i > 0, moves) {
            let from = STAGES[i - 1] as usize;
            let moved = m.cells[from][tier as usize];
            let base: u64 = m.cells[from].iter().sum();
            let between = match lang {
                Lang::Ja => format!(
                    "↓ 今月の移動：前月末の{}現役のうち {}人（{}）が進級",
                    tier_name(from, lang),
                    fmt_count(moved),
                    fmt_pct(ratio(moved, base))
                ),
                Lang::En => format!(
                    "↓ This month's moves: {} of last month's active {} ({}) moved up",
                    fmt_count(moved),
                    tier_name(from, lang),
                    fmt_pct(ratio(moved, base))
                ),
            };
            draw_text(
                &body,
                &between,
                &text_at(LABEL_PX, SUBTLE_INK, HPos::Center, VPos::Center),
                (centre, y - gap / 2),
            )?;
        }
    }
    Ok(())
}
