//! The flow in and out of 休眠 over the last 24 month-ends (lifecycle
//! scheme): above zero, the customers who came back this month (moves into
//! 復活, split by where they were at the previous month-end); below zero,
//! those who went dormant this month (moves into 休眠). The net of the two
//! is written over each month.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{
    INK, MONTH_ROW_H, Swatch, bar_rect, draw_y_mesh, empty_chart, fmt_axis_number, fmt_count, fmt_signed_count, frame,
    index_chart, is_labelled, label_step, last_n, legend_above, lifecycle_color, month_labels, nice_ceiling,
    snapshot_label, tint, under_months, under_months_name, with_detail, zero_line,
};
use super::{ChartError, check_lifecycle};
use crate::engine::lifecycle::{DORMANT, WINBACK};
use crate::engine::portfolio::{Portfolio, TransitionMatrix};
use crate::text::lang::{Lang, by_lang};

/// How many month-ends the chart shows.
pub(crate) const FLOW_MONTHS: usize = 24;
const Y_LABEL_W: u32 = 110;
const MAX_MONTH_LABELS: usize = 9;
const NET_ROW_H: i32 = 44;

/// One month's flows.
struct Flow {
    /// Into 復活 from 休眠.
    from_dormant: u64,
    /// Into 復活 from any other state.
    from_other: u64,
    /// Into 休眠 from any other state.
    went_dormant: u64,
}

pub(crate) fn winback_flow<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    p: &Portfolio,
    lang: Lang,
) -> Result<(), ChartError> {
    check_lifecycle(p)?;
    let title = lang.pick("復活と休眠入りの推移", "Winbacks and customers going dormant");
    // Transitions into snapshot t are p.transitions[t - 1].
    let window = last_n(p.transitions.len(), FLOW_MONTHS);
    if window.is_empty() {
        return empty_chart(
            &root,
            title,
            lang.pick(
                "前月のスナップショットがないため、移動はありません",
                "The first snapshot has no previous month to move from",
            ),
        );
    }
    let flows: Vec<Flow> = p.transitions[window.clone()].iter().map(Flow::of).collect();
    let labels: Vec<String> = p.transitions[window].iter().map(|m| snapshot_label(m.to_day)).collect();
    let subtitle = subtitle(&flows[flows.len() - 1], &labels[labels.len() - 1], lang);
    let footnote = lang.pick(
        "前月末→当月末の移動。復活＝最後の2回の購入の間隔が休眠ラインを超えた直後の顧客。下段の数字は表示月の復活−休眠入り。",
        "Moves from the previous month-end. Winback = the gap between the last two purchases exceeded the dormant line. Bottom row (under the labelled months): winbacks minus customers going dormant.",
    );
    let body = frame(&root, title, Some(&subtitle), Some(footnote))?;

    let name = |s: usize| lang.pick(p.labels[s].ja, p.labels[s].en);
    let entries = [
        (
            Swatch::Fill(BACK),
            with_detail(name(WINBACK), lang.pick("休眠から", "from dormant"), lang),
        ),
        (
            Swatch::Fill(other_color()),
            with_detail(name(WINBACK), lang.pick("その他から", "from other states"), lang),
        ),
        (Swatch::Fill(DOWN), lang.pick("休眠入り", "Went dormant").to_string()),
    ];
    let area = legend_above(&body, &entries, Y_LABEL_W as i32, 30)?;
    draw_flows(&area, &flows, &labels, lang)
}

/// 復活 from 休眠, and 休眠入り.
const BACK: RGBColor = lifecycle_color(WINBACK);
const DOWN: RGBColor = lifecycle_color(DORMANT);

/// 復活 from any other state: the 復活 colour, paler.
fn other_color() -> RGBColor {
    tint(BACK, 0.5)
}

impl Flow {
    fn of(m: &TransitionMatrix) -> Flow {
        let into = |to: usize, skip: usize| -> u64 {
            (0..m.cells.len())
                .filter(|&from| from != skip && from != to)
                .map(|from| m.cells[from][to])
                .sum()
        };
        Flow {
            from_dormant: m.cells[DORMANT][WINBACK],
            from_other: into(WINBACK, DORMANT),
            went_dormant: into(DORMANT, DORMANT),
        }
    }

    fn winbacks(&self) -> u64 {
        self.from_dormant + self.from_other
    }
}

/// The latest month's flows.
fn subtitle(last: &Flow, label: &str, lang: Lang) -> String {
    let (back, from_dormant, down) = (
        fmt_count(last.winbacks()),
        fmt_count(last.from_dormant),
        fmt_count(last.went_dormant),
    );
    by_lang!(
        lang,
        "{label}: 復活 {back}人（うち休眠から {from_dormant}人）、休眠入り {down}人",
        "{label}: {back} winbacks ({from_dormant} from dormant), {down} went dormant"
    )
}

/// The bars above and below zero, the net under the labelled months, and
/// the months.
fn draw_flows<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    flows: &[Flow],
    labels: &[String],
    lang: Lang,
) -> Result<(), ChartError> {
    let n = flows.len();
    let max = flows.iter().map(|f| f.winbacks() as f64).fold(0.0, f64::max);
    let min = flows.iter().map(|f| f.went_dormant as f64).fold(0.0, f64::max);
    let y_max = nice_ceiling(max * 1.12);
    let y_min = -nice_ceiling(min * 1.12);
    let mut chart = index_chart(area, n, y_min..y_max, Y_LABEL_W, (MONTH_ROW_H + NET_ROW_H) as u32)?;
    draw_y_mesh(&mut chart, &|v| fmt_axis_number(v.abs()))?;
    for (i, f) in flows.iter().enumerate() {
        let bar = |from: f64, to: f64, color: RGBColor| -> Result<(), ChartError> {
            let corners = bar_rect(area, &chart, i as f64, 0.38, (to.max(from), to.min(from)));
            area.draw(&Rectangle::new(corners, color.filled()))?;
            Ok(())
        };
        let a = f.from_dormant as f64;
        let b = a + f.from_other as f64;
        bar(0.0, a, BACK)?;
        bar(a, b, other_color())?;
        bar(0.0, -(f.went_dormant as f64), DOWN)?;
        // The net under the labelled months only, as the month labels.
        if is_labelled(i, n, label_step(n, MAX_MONTH_LABELS)) {
            let net = i128::from(f.winbacks()) - i128::from(f.went_dormant);
            under_months(area, &chart, i as f64, &fmt_signed_count(net), INK)?;
        }
    }
    zero_line(area, &chart, n)?;
    under_months_name(area, &chart, lang.pick("差引", "Net"), INK)?;
    month_labels(area, &chart, labels, MAX_MONTH_LABELS)
}
