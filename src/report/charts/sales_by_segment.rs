//! Each month's sales over the last 24 snapshots, stacked by the buyers'
//! tier (active tiers, lapsed combined), with 優良's share of the month
//! above each bar. Returns make a segment's month negative; negative parts
//! are stacked below zero. A month's sales are those of every customer with
//! a row in it — a customer who only returned goods included — so the
//! caption does not call them buyers (the activity table's 購入者数 counts
//! only customers with a purchase).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::style::{
    INK, LAPSED_ALL, SMALL_PX, Swatch, draw_y_mesh, empty_chart, fmt_axis_number, fmt_pct, frame, group_thousands,
    index_chart, last_n, legend, money_unit, month_labels, nice_ceiling, snapshot_label, text_at, tier_color,
    tier_name, to_area, units, y_unit,
};
use super::text::draw_text;
use super::{ChartError, check_cpm};
use crate::engine::portfolio::Portfolio;
use crate::engine::segments::{CPM_TIERS, Tier};
use crate::money::round_units;
use crate::text::lang::Lang;

/// How many snapshots the chart shows.
pub(crate) const SALES_MONTHS: usize = 24;
const Y_LABEL_W: u32 = 150;
const MAX_MONTH_LABELS: usize = 9;
const SHARE_ROW_H: i32 = 44;
/// Bands from the bottom up: 優良, コツコツ, 流行, よちよち, 初回, 離脱.
const BANDS: usize = CPM_TIERS + 1;

fn band_color(band: usize) -> RGBColor {
    if band < CPM_TIERS {
        tier_color(CPM_TIERS - 1 - band)
    } else {
        LAPSED_ALL
    }
}

/// A month's sales per band, in millionths.
fn bands(row: &[i128]) -> [i128; BANDS] {
    let mut out = [0i128; BANDS];
    for (s, &v) in row.iter().enumerate() {
        let band = if s >= CPM_TIERS { CPM_TIERS } else { CPM_TIERS - 1 - s };
        out[band] += v;
    }
    out
}

pub(crate) fn sales_by_segment<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    p: &Portfolio,
    lang: Lang,
) -> Result<(), ChartError> {
    check_cpm(p)?;
    let title = lang.pick("月間売上（顧客セグメント別）", "Monthly sales by customer segment");
    let window = last_n(p.sales.len().min(p.snapshot_days.len()), SALES_MONTHS);
    if window.is_empty() {
        return empty_chart(&root, title, lang.pick("スナップショットがありません", "No snapshots"));
    }
    let months: Vec<[i128; BANDS]> = p.sales[window.clone()].iter().map(|row| bands(row)).collect();
    let labels: Vec<String> = p.snapshot_days[window].iter().map(|&d| snapshot_label(d)).collect();
    let n = months.len();
    let loyal = 0; // band of 優良
    let share = |m: &[i128; BANDS]| {
        let total: i128 = m.iter().sum();
        (total > 0).then(|| m[loyal] as f64 / total as f64)
    };

    let last = &months[n - 1];
    let total_last: i128 = last.iter().sum();
    let total_yen = group_thousands(round_units(total_last));
    let share_last = share(last).map_or("–".to_string(), fmt_pct);
    let subtitle = match lang {
        Lang::Ja => format!(
            "{}の売上 {}円、うち優良（現役）{}",
            labels[n - 1],
            total_yen,
            share_last
        ),
        Lang::En => format!(
            "Sales in {}: ¥{}, of which loyal (active) customers {}",
            labels[n - 1],
            total_yen,
            share_last
        ),
    };
    let footnote = lang.pick(
        "各月の売上（返品控除後）を、その月に購入または返品のあったお客様（返品だけの方も含む）の月末時点のセグメント別に集計。\n優良比率＝その月の売上に占める優良（現役）の割合。",
        "Net sales (after returns) by the month-end segment of every customer with a purchase or a return in the month.\nCustomers with only returns are included. Loyal share: loyal customers' share of the month.",
    );
    let body = frame(&root, title, Some(&subtitle), Some(footnote))?;

    let mut entries: Vec<(Swatch, String)> = (0..CPM_TIERS)
        .map(|tier| (Swatch::Fill(tier_color(tier)), tier_name(tier, lang).to_string()))
        .collect();
    entries.push((
        Swatch::Fill(LAPSED_ALL),
        lang.pick("離脱（全ティア）", "Lapsed (all tiers)").to_string(),
    ));
    let used = legend(&body, &entries, (Y_LABEL_W as i32, 0))?;
    let (_, area) = body.split_vertically(used + 30);

    let up = |m: &[i128; BANDS]| units(m.iter().filter(|&&v| v > 0).sum());
    let down = |m: &[i128; BANDS]| units(m.iter().filter(|&&v| v < 0).sum());
    let max = months.iter().map(up).fold(0.0, f64::max);
    let min = months.iter().map(down).fold(0.0, f64::min);
    let unit = money_unit(max.max(-min), lang);
    let y_max = nice_ceiling(max / unit.divisor * 1.12);
    let y_min = if min < 0.0 {
        -nice_ceiling(-min / unit.divisor * 1.2)
    } else {
        0.0
    };
    // Under the axis: the months, then 優良's share of each month.
    let mut chart = index_chart(&area, n, y_min..y_max, Y_LABEL_W, 64 + SHARE_ROW_H as u32)?;
    draw_y_mesh(&mut chart, &|v| fmt_axis_number(*v))?;
    let unit_label = match lang {
        Lang::Ja => format!("（{}）", unit.name),
        Lang::En => format!("({})", unit.name),
    };
    y_unit(&area, &chart, &unit_label)?;

    for (i, m) in months.iter().enumerate() {
        let (mut pos, mut neg) = (0.0, 0.0);
        for (band, &micros) in m.iter().enumerate() {
            let v = units(micros) / unit.divisor;
            let (from, to) = if v >= 0.0 {
                pos += v;
                (pos - v, pos)
            } else {
                neg += v;
                (neg - v, neg)
            };
            let (x0, y0) = to_area(&area, &chart, i as f64 - 0.38, to);
            let (x1, y1) = to_area(&area, &chart, i as f64 + 0.38, from);
            area.draw(&Rectangle::new([(x0, y0), (x1, y1)], band_color(band).filled()))?;
        }
        if let Some(s) = share(m) {
            let (x, y) = to_area(&area, &chart, i as f64, y_min);
            let text = if n > 14 {
                format!("{:.0}", s * 100.0)
            } else {
                fmt_pct(s)
            };
            let style = text_at(SMALL_PX, tier_color(Tier::Loyal as usize), HPos::Center, VPos::Top);
            draw_text(&area, &text, &style, (x, y + 64))?;
        }
    }
    if y_min < 0.0 {
        let (x0, y) = to_area(&area, &chart, -0.5, 0.0);
        let (x1, _) = to_area(&area, &chart, n as f64 - 0.5, 0.0);
        area.draw(&PathElement::new(vec![(x0, y), (x1, y)], INK.stroke_width(2)))?;
    }
    let (x, y) = to_area(&area, &chart, -0.5, y_min);
    let style = text_at(SMALL_PX, tier_color(Tier::Loyal as usize), HPos::Right, VPos::Top);
    let name = match (lang, n > 14) {
        (Lang::Ja, true) => "優良比率(%)",
        (Lang::Ja, false) => "優良比率",
        (Lang::En, true) => "Loyal (%)",
        (Lang::En, false) => "Loyal share",
    };
    draw_text(&area, name, &style, (x - 10, y + 64))?;
    month_labels(&area, &chart, &labels, MAX_MONTH_LABELS)?;
    Ok(())
}
