//! The flow in and out of 休眠 over the last 24 month-ends (lifecycle
//! scheme): above zero, the customers who came back this month (moves into
//! 復活, split by where they were at the previous month-end); below zero,
//! those who went dormant this month (moves into 休眠). The net of the two
//! is written over each month.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::style::{
    INK, SMALL_PX, Swatch, draw_y_mesh, empty_chart, fmt_axis_number, fmt_count, frame, index_chart, is_labelled,
    label_step, last_n, legend, lifecycle_color, month_labels, nice_ceiling, snapshot_label, text_at, tint, to_area,
};
use super::text::draw_text;
use super::{ChartError, check_lifecycle};
use crate::engine::lifecycle::{DORMANT, WINBACK};
use crate::engine::portfolio::Portfolio;
use crate::text::lang::Lang;

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
    let flows: Vec<Flow> = p.transitions[window.clone()]
        .iter()
        .map(|m| {
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
        })
        .collect();
    let labels: Vec<String> = p.transitions[window].iter().map(|m| snapshot_label(m.to_day)).collect();
    let n = flows.len();
    let last = &flows[n - 1];
    let subtitle = match lang {
        Lang::Ja => format!(
            "{}: 復活 {}人（うち休眠から {}人）、休眠入り {}人",
            labels[n - 1],
            fmt_count(last.from_dormant + last.from_other),
            fmt_count(last.from_dormant),
            fmt_count(last.went_dormant)
        ),
        Lang::En => format!(
            "{}: {} winbacks ({} from dormant), {} went dormant",
            labels[n - 1],
            fmt_count(last.from_dormant + last.from_other),
            fmt_count(last.from_dormant),
            fmt_count(last.went_dormant)
        ),
    };
    let footnote = lang.pick(
        "前月末→当月末の移動。復活＝最後の2回の購入の間隔が休眠ラインを超えた直後の顧客。下段の数字は表示月の復活−休眠入り。",
        "Moves from the previous month-end. Winback = the gap between the last two purchases exceeded the dormant line. Bottom row (under the labelled months): winbacks minus customers going dormant.",
    );
    let body = frame(&root, title, Some(&subtitle), Some(footnote))?;

    let name = |s: usize| lang.pick(p.labels[s].ja, p.labels[s].en);
    let back = lifecycle_color(WINBACK);
    let other = tint(back, 0.5);
    let down = lifecycle_color(DORMANT);
    let entries = [
        (
            Swatch::Fill(back),
            format!("{}（{}）", name(WINBACK), lang.pick("休眠から", "from dormant")),
        ),
        (
            Swatch::Fill(other),
            format!("{}（{}）", name(WINBACK), lang.pick("その他から", "from other states")),
        ),
        (Swatch::Fill(down), lang.pick("休眠入り", "Went dormant").to_string()),
    ];
    let used = legend(&body, &entries, (Y_LABEL_W as i32, 0))?;
    let (_, area) = body.split_vertically(used + 30);

    let max = flows
        .iter()
        .map(|f| (f.from_dormant + f.from_other) as f64)
        .fold(0.0, f64::max);
    let min = flows.iter().map(|f| f.went_dormant as f64).fold(0.0, f64::max);
    let y_max = nice_ceiling(max * 1.12);
    let y_min = -nice_ceiling(min * 1.12);
    let mut chart = index_chart(&area, n, y_min..y_max, Y_LABEL_W, 64 + NET_ROW_H as u32)?;
    draw_y_mesh(&mut chart, &|v| fmt_axis_number(v.abs()))?;
    for (i, f) in flows.iter().enumerate() {
        let bar = |from: f64, to: f64, color: RGBColor| -> Result<(), ChartError> {
            let (x0, y0) = to_area(&area, &chart, i as f64 - 0.38, to.max(from));
            let (x1, y1) = to_area(&area, &chart, i as f64 + 0.38, to.min(from));
            area.draw(&Rectangle::new([(x0, y0), (x1, y1)], color.filled()))?;
            Ok(())
        };
        let a = f.from_dormant as f64;
        let b = a + f.from_other as f64;
        bar(0.0, a, back)?;
        bar(a, b, other)?;
        bar(0.0, -(f.went_dormant as f64), down)?;
        // The net under the labelled months only, as the month labels.
        if is_labelled(i, n, label_step(n, MAX_MONTH_LABELS)) {
            let net = i128::from(f.from_dormant + f.from_other) - i128::from(f.went_dormant);
            let (x, y) = to_area(&area, &chart, i as f64, y_min);
            let text = match net.signum() {
                1 => format!("+{}", fmt_count(net as u64)),
                -1 => format!("−{}", fmt_count(net.unsigned_abs() as u64)),
                _ => "±0".to_string(),
            };
            draw_text(
                &area,
                &text,
                &text_at(SMALL_PX, INK, HPos::Center, VPos::Top),
                (x, y + 64),
            )?;
        }
    }
    let (x0, y) = to_area(&area, &chart, -0.5, 0.0);
    let (x1, _) = to_area(&area, &chart, n as f64 - 0.5, 0.0);
    area.draw(&PathElement::new(vec![(x0, y), (x1, y)], INK.stroke_width(2)))?;
    let (x, y) = to_area(&area, &chart, -0.5, y_min);
    draw_text(
        &area,
        lang.pick("差引", "Net"),
        &text_at(SMALL_PX, INK, HPos::Right, VPos::Top),
        (x - 10, y + 64),
    )?;
    month_labels(&area, &chart, &labels, MAX_MONTH_LABELS)?;
    Ok(())
}
