//! The month's bridge (増減の内訳) as two waterfalls side by side: 現役 and
//! 優良現役 (休眠以外 and 優良(VIP) in the lifecycle scheme), from last
//! month-end to this one — start, + new, + come-backs, + promotions,
//! − lapsed, − demotions, = end.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::style::{
    AXIS, Chart2d, INK, LABEL_PX, SMALL_PX, SUBTITLE_PX, SUBTLE_INK, bar_rect, bold_text_at, draw_y_mesh, fmt_count,
    fmt_signed_count, frame, index_chart, nice_ceiling, snapshot_heading, text_at, to_area, with_detail,
};
use super::text::draw_text;
use super::{ChartError, check_snapshot};
use crate::engine::bridge::{Bridge, BridgeOf, BridgeScheme, bridge};
use crate::engine::portfolio::Portfolio;
use crate::report::model::bridge::{StepNames, followed_name, step_names};
use crate::text::lang::Lang;

const TOTAL: RGBColor = RGBColor(92, 98, 105);
const UP: RGBColor = RGBColor(0, 158, 115);
const DOWN: RGBColor = RGBColor(200, 35, 45);

/// The steps as (index into the names, value, sign); 現役 has no
/// promotions or demotions (moves between active tiers stay active).
fn values(b: &Bridge) -> Vec<(usize, u64, i8)> {
    let all = [
        (0, b.start, 0),
        (1, b.new, 1),
        (2, b.comebacks, 1),
        (3, b.promotions, 1),
        (4, b.lapsed, -1),
        (5, b.demotions, -1),
        (6, b.end, 0),
    ];
    all.into_iter()
        .filter(|&(i, _, _)| b.of == BridgeOf::LoyalActive || !matches!(i, 3 | 5))
        .collect()
}

pub(crate) fn bridge_chart<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    p: &Portfolio,
    t: usize,
    lang: Lang,
) -> Result<(), ChartError> {
    check_snapshot(p, t)?;
    let title = with_detail(
        lang.pick(
            "増減の内訳(前月末→今月末)",
            "The month's bridge (last month-end → this one)",
        ),
        &snapshot_heading(p.snapshot_days[t], lang),
        lang,
    );
    let bridges: Vec<Bridge> = BridgeOf::ALL.iter().filter_map(|&of| bridge(p, t, of)).collect();
    if bridges.is_empty() {
        return super::style::empty_chart(
            &root,
            &title,
            lang.pick("前月末のスナップショットがありません", "There is no previous month-end"),
        );
    }
    let footnote = match bridges[0].scheme {
        BridgeScheme::Cpm => lang.pick(
            "縦軸は 0 から始まりません。復帰 = 前月末に離脱で今月末に現役。昇格 = 下位の現役段階から。降格 = 返品などで累計が優良の金額を下回った人。超優良は優良に含みます。",
            "The value axis does not start at 0. Back = lapsed last month-end, active now. Up-tier = from a lower active tier. Down-tier = e.g. a return took the total under the loyal amount. Super-loyal counts as loyal.",
        ),
        BridgeScheme::Lifecycle => lang.pick(
            "縦軸は 0 から始まりません。休眠以外 = 休眠を除く 5 状態。復帰 = 前月末に休眠で今月末は休眠以外。昇格 = ほかの状態から優良(VIP)へ。降格 = 優良(VIP)から休眠以外のほかの状態へ(最終購入から日が経った、上位から外れた)。",
            "The value axis does not start at 0. Not dormant = the five states but dormant. Back = dormant last month-end, not now. Up = from another state into VIP. Down = from VIP to another state that is not dormant (recency grew, or out of the top share).",
        ),
    };
    let body = frame(&root, &title, None, Some(footnote))?;
    let panels = body.split_evenly((1, bridges.len()));
    for (panel, b) in panels.iter().zip(&bridges) {
        panel_chart(panel, b, lang)?;
    }
    Ok(())
}

/// A round value at or below `v` (and not below 0) to start the axis at.
fn axis_floor(v: f64) -> f64 {
    if v <= 0.0 {
        return 0.0;
    }
    let step = 10f64.powf(v.log10().floor());
    (v / step).floor() * step
}

fn panel_chart<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, b: &Bridge, lang: Lang) -> Result<(), ChartError> {
    let name = followed_name(b, lang);
    let heading = format!("{name} {:+}", b.change());
    draw_text(
        area,
        &heading,
        &bold_text_at(SUBTITLE_PX + 4.0, INK, HPos::Left, VPos::Top),
        (90, 0),
    )?;
    let (_, lower) = area.split_vertically(SUBTITLE_PX as i32 + 20);
    let steps = values(b);
    let fall = Waterfall::of(&steps);
    // The axis starts near the lowest level, so that the steps show; the
    // totals' bars are cut at the axis (the footnote says so).
    let span = (fall.high - fall.low).max(1) as f64;
    let y_min = axis_floor(fall.low as f64 - span * 0.6);
    let y_max = y_min + nice_ceiling((fall.high as f64 - y_min) * 1.15).max(1.0);
    let mut chart = index_chart(&lower, steps.len(), y_min..y_max, 90, 70)?;
    draw_y_mesh(&mut chart, &|v| fmt_count(v.round().max(0.0) as u64))?;
    let names = step_names(b.scheme, StepNames::Short, lang);
    for (i, (&bar, &(name, v, _))) in fall.bars.iter().zip(&steps).enumerate() {
        let last = i + 1 == fall.bars.len();
        draw_step(&lower, &chart, i, bar, v, last)?;
        let (lx, ly) = to_area(&lower, &chart, i as f64, y_min);
        draw_text(
            &lower,
            names[name],
            &text_at(SMALL_PX, SUBTLE_INK, HPos::Center, VPos::Top),
            (lx, ly + 10),
        )?;
    }
    Ok(())
}

/// The bars of a waterfall as (low, high, sign), and the highest and
/// lowest levels it reaches.
struct Waterfall {
    bars: Vec<(i64, i64, i8)>,
    high: i64,
    low: i64,
}

impl Waterfall {
    fn of(steps: &[(usize, u64, i8)]) -> Waterfall {
        let mut running = 0i64;
        let mut fall = Waterfall {
            bars: Vec::with_capacity(steps.len()),
            high: 0,
            low: i64::MAX,
        };
        for &(_, v, sign) in steps {
            let v = v as i64;
            let (lo, hi) = match sign {
                0 => {
                    running = v;
                    (0, v)
                }
                1 => {
                    running += v;
                    (running - v, running)
                }
                _ => {
                    running -= v;
                    (running, running + v)
                }
            };
            fall.high = fall.high.max(hi);
            // The running level between the bars (not the totals' foot at 0).
            fall.low = fall.low.min(if sign == 0 { hi } else { lo });
            fall.bars.push((lo, hi, sign));
        }
        fall
    }
}

/// Step `i`'s bar (a total's cut at the axis), its value above it and,
/// unless it is the last, the connector to the next bar.
fn draw_step<DB: DrawingBackend>(
    lower: &DrawingArea<DB, Shift>,
    chart: &Chart2d<'_, DB>,
    i: usize,
    (lo, hi, sign): (i64, i64, i8),
    v: u64,
    last: bool,
) -> Result<(), ChartError> {
    let lo = if sign == 0 { chart.y_range().start as i64 } else { lo };
    let x = i as f64;
    let color = match sign {
        0 => TOTAL,
        1 => UP,
        _ => DOWN,
    };
    let [(x0, y0), (x1, y1)] = bar_rect(lower, chart, x, 0.36, (hi as f64, lo as f64));
    lower.draw(&Rectangle::new([(x0, y0), (x1, y1.max(y0 + 2))], color.filled()))?;
    let label = match sign {
        0 => fmt_count(v),
        _ => fmt_signed_count(i128::from(sign) * i128::from(v)),
    };
    draw_text(
        lower,
        &label,
        &bold_text_at(LABEL_PX, INK, HPos::Center, VPos::Bottom),
        ((x0 + x1) / 2, y0 - 6),
    )?;
    // The connector to the next bar, at the running level.
    if !last {
        let level = if sign < 0 { lo } else { hi };
        let (cx0, cy) = to_area(lower, chart, x + 0.36, level as f64);
        let (cx1, _) = to_area(lower, chart, x + 0.64, level as f64);
        lower.draw(&PathElement::new(vec![(cx0, cy), (cx1, cy)], AXIS.stroke_width(2)))?;
    }
    Ok(())
}
