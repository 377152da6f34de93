//! Each month's sales over the last 24 snapshots, stacked by the buyers'
//! tier (active tiers, lapsed combined), with 優良's share of the month
//! above each bar. Returns make a segment's month negative; negative parts
//! are stacked below zero. A month's sales are those of every customer with
//! a row in it — a customer who only returned goods included — so the
//! caption does not call them buyers (the activity table's 購入者数 counts
//! only customers with a purchase).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{
    Chart2d, LAPSED_ALL, MONTH_ROW_H, Swatch, bar_rect, draw_y_mesh, empty_chart, fmt_axis_number, fmt_pct, frame,
    group_thousands, index_chart, last_n, legend_above, money_unit, month_labels, nice_ceiling, snapshot_label,
    tier_color, tier_entries, under_months, under_months_name, units, y_unit, zero_line,
};
use super::{ChartError, check_cpm};
use crate::engine::portfolio::Portfolio;
use crate::engine::segments::{CPM_TIERS, Tier};
use crate::money::round_units;
use crate::text::lang::{Lang, by_lang};

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
    let footnote = lang.pick(
        "各月の売上（返品控除後）を、その月に購入または返品のあったお客様（返品だけの方も含む）の月末時点のセグメント別に集計。\n優良比率＝その月の売上に占める優良（現役）の割合。",
        "Net sales (after returns) by the month-end segment of every customer with a purchase or a return in the month.\nCustomers with only returns are included. Loyal share: loyal customers' share of the month.",
    );
    let subtitle = subtitle(&months[months.len() - 1], &labels[labels.len() - 1], lang);
    let body = frame(&root, title, Some(&subtitle), Some(footnote))?;

    let mut entries = tier_entries(CPM_TIERS, lang);
    entries.push((
        Swatch::Fill(LAPSED_ALL),
        lang.pick("離脱（全ティア）", "Lapsed (all tiers)").to_string(),
    ));
    let area = legend_above(&body, &entries, Y_LABEL_W as i32, 30)?;
    draw_months(&area, &months, &labels, lang)
}

/// 優良's share of a month's sales, when the month sold anything.
fn loyal_share(m: &[i128; BANDS]) -> Option<f64> {
    let loyal = 0; // band of 優良
    let total: i128 = m.iter().sum();
    (total > 0).then(|| m[loyal] as f64 / total as f64)
}

/// The latest month's sales and 優良's share of them.
fn subtitle(last: &[i128; BANDS], label: &str, lang: Lang) -> String {
    let total_yen = group_thousands(round_units(last.iter().sum()));
    let share = loyal_share(last).map_or("–".to_string(), fmt_pct);
    by_lang!(
        lang,
        "{label}の売上 {total_yen}円、うち優良（現役）{share}",
        "Sales in {label}: ¥{total_yen}, of which loyal (active) customers {share}"
    )
}

/// The stacked bars in a money unit that fits, 優良's share under each
/// month, and the months.
fn draw_months<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    months: &[[i128; BANDS]],
    labels: &[String],
    lang: Lang,
) -> Result<(), ChartError> {
    let n = months.len();
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
    let mut chart = index_chart(area, n, y_min..y_max, Y_LABEL_W, (MONTH_ROW_H + SHARE_ROW_H) as u32)?;
    draw_y_mesh(&mut chart, &|v| fmt_axis_number(*v))?;
    y_unit(area, &chart, &by_lang!(lang, "（{}）", "({})", unit.name))?;

    let loyal = tier_color(Tier::Loyal as usize);
    for (i, m) in months.iter().enumerate() {
        draw_stack(area, &chart, i, m, unit.divisor)?;
        if let Some(s) = loyal_share(m) {
            // Crowded months get whole percents without the sign (the row's name says %).
            let text = if n > 14 {
                format!("{:.0}", s * 100.0)
            } else {
                fmt_pct(s)
            };
            under_months(area, &chart, i as f64, &text, loyal)?;
        }
    }
    if y_min < 0.0 {
        zero_line(area, &chart, n)?;
    }
    let name = if n > 14 {
        lang.pick("優良比率(%)", "Loyal (%)")
    } else {
        lang.pick("優良比率", "Loyal share")
    };
    under_months_name(area, &chart, name, loyal)?;
    month_labels(area, &chart, labels, MAX_MONTH_LABELS)
}

/// Month `i`'s bands: the positive ones stacked up from zero, the negative
/// ones down from it.
fn draw_stack<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Chart2d<'_, DB>,
    i: usize,
    m: &[i128; BANDS],
    divisor: f64,
) -> Result<(), ChartError> {
    let (mut pos, mut neg) = (0.0, 0.0);
    for (band, &micros) in m.iter().enumerate() {
        let v = units(micros) / divisor;
        let (from, to) = if v >= 0.0 {
            pos += v;
            (pos - v, pos)
        } else {
            neg += v;
            (neg - v, neg)
        };
        let corners = bar_rect(area, chart, i as f64, 0.38, (to, from));
        area.draw(&Rectangle::new(corners, band_color(band).filled()))?;
    }
    Ok(())
}
