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
use crate::engine::portfolio::{Portfolio, TransitionMatrix};
use crate::engine::segments::Tier;
use crate::text::lang::{Lang, by_lang};

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
    let footnote = by_lang!(
        lang,
        "月末時点の人数。段の間は今月（前月末→当月末）に一つ上の段へ進んだ人数と、前月末の前の段に対する割合で、初回→よちよち転換率（KPI）とは別の数字です。流行（{}人）は含みません。",
        "Head counts at the month-end. Between stages: customers who moved up this month, as a share of the stage above at the previous month-end (not the first→toddler conversion KPI). Trendy ({}) not shown.",
        fmt_count(trendy)
    );
    let body = frame(&root, &title, Some(subtitle), Some(&footnote))?;
    let bars = Bars::of(&body, &counts);
    let moves = t.checked_sub(1).and_then(|s| p.transitions.get(s));
    for (i, (&tier, &count)) in STAGES.iter().zip(&counts).enumerate() {
        let y = bars.draw_stage(&body, i, tier, count, lang)?;
        if let (true, Some(m)) = (i > 0, moves) {
            draw_moves(&body, m, i, (bars.centre, y - GAP / 2), lang)?;
        }
    }
    Ok(())
}

/// The gap between two stages, where their moves are written.
const GAP: i32 = 64;

/// The bars' geometry: `height` each, the longest `max_len` for `max`
/// customers, centred on `centre`.
struct Bars {
    height: i32,
    max_len: i32,
    centre: i32,
    max: u64,
}

impl Bars {
    fn of<DB: DrawingBackend>(body: &DrawingArea<DB, Shift>, counts: &[u64]) -> Bars {
        let (w, h) = body.dim_in_pixel();
        let (w, h) = (w as i32, h as i32);
        let n = STAGES.len() as i32;
        let max_len = w - LABEL_W - VALUE_W - 40;
        Bars {
            height: (h - GAP * (n - 1)) / n,
            max_len,
            centre: LABEL_W + 20 + max_len / 2,
            max: counts.iter().copied().max().unwrap_or(0).max(1),
        }
    }

    /// Stage `i`'s name, bar and head count; returns the bar's top.
    fn draw_stage<DB: DrawingBackend>(
        &self,
        body: &DrawingArea<DB, Shift>,
        i: usize,
        tier: Tier,
        count: u64,
        lang: Lang,
    ) -> Result<i32, ChartError> {
        let y = i as i32 * (self.height + GAP);
        let mid = y + self.height / 2;
        let name = format!("{}{}", tier_name(tier as usize, lang), lang.pick("現役", ""));
        draw_text(
            body,
            &name,
            &bold_text_at(SUBTITLE_PX + 2.0, INK, HPos::Right, VPos::Center),
            (LABEL_W, mid),
        )?;
        let len = ((count as f64 / self.max as f64) * f64::from(self.max_len))
            .round()
            .max(4.0) as i32;
        let (x0, x1) = (self.centre - len / 2, self.centre + len / 2);
        body.draw(&Rectangle::new(
            [(x0, y), (x1, y + self.height)],
            tier_color(tier as usize).filled(),
        ))?;
        let value = format!("{}{}", fmt_count(count), lang.pick("人", ""));
        draw_text(
            body,
            &value,
            &bold_text_at(SUBTITLE_PX + 4.0, INK, HPos::Left, VPos::Center),
            (x1 + 16, mid),
        )?;
        Ok(y)
    }
}

/// Between stage `i - 1` and `i`: how many of the stage above moved up
/// this month, and what share of it that is.
fn draw_moves<DB: DrawingBackend>(
    body: &DrawingArea<DB, Shift>,
    m: &TransitionMatrix,
    i: usize,
    at: (i32, i32),
    lang: Lang,
) -> Result<(), ChartError> {
    let from = STAGES[i - 1] as usize;
    let moved = m.cells[from][STAGES[i] as usize];
    let base: u64 = m.cells[from].iter().sum();
    let (stage, moved, share) = (tier_name(from, lang), fmt_count(moved), fmt_pct(ratio(moved, base)));
    let between = by_lang!(
        lang,
        "↓ 今月の移動：前月末の{stage}現役のうち {moved}人（{share}）が進級",
        "↓ This month's moves: {moved} of last month's active {stage} ({share}) moved up"
    );
    draw_text(
        body,
        &between,
        &text_at(LABEL_PX, SUBTLE_INK, HPos::Center, VPos::Center),
        at,
    )
}
