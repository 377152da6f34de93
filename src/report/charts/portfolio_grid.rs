//! The Yazuya 10-box table: five tiers across, 現役 above and 離脱 below,
//! each box with its count, its share of all customers and the change from
//! the previous month; a 計 column on the right.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::style::{
    BIG_NUMBER_PX, INK, LABEL_PX, SUBTITLE_PX, SUBTLE_INK, bold_text_at, fitting_px, fmt_change, fmt_count, fmt_pct,
    fmt_pct0, fmt_share, frame, ratio, segment_color_in, snapshot_heading, state_name, text_at, tier_name, tint,
    with_detail,
};
use super::text::draw_text;
use super::{ChartError, check_cpm_layout, check_snapshot};
use crate::engine::portfolio::Portfolio;
use crate::text::lang::Lang;

/// 優良現役's share of active customers that the book 『社長が知らない秘密の仕組み』 aims for.
const LOYAL_SHARE_TARGET: f64 = 0.20;

const HEADER_H: i32 = 60;
const ROW_LABEL_W: i32 = 110;
const TOTAL_W: i32 = 250;
const GAP: i32 = 12;

/// One box of the table.
struct Cell {
    count: u64,
    previous: Option<u64>,
    color: RGBColor,
}

pub(crate) fn portfolio_grid<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    p: &Portfolio,
    t: usize,
    lang: Lang,
) -> Result<(), ChartError> {
    let layout = check_cpm_layout(p)?;
    let tiers = layout.tiers;
    check_snapshot(p, t)?;
    let counts = &p.counts[t];
    let previous = t.checked_sub(1).map(|u| &p.counts[u]);
    let total: u64 = counts.iter().sum();
    let active: u64 = counts[..tiers].iter().sum();
    let lapsed = total - active;
    let loyal_share = ratio(layout.loyal(false).map(|s| counts[s]).sum(), active);
    let loyal_name = match (layout.has_super(), lang) {
        (false, Lang::Ja) => "優良現役比率",
        (true, Lang::Ja) => "優良現役比率（超優良を含む）",
        (false, Lang::En) => "Loyal share of active customers",
        (true, Lang::En) => "Loyal (incl. super-loyal) share of active",
    };

    let title = with_detail(
        lang.pick("CPM ポートフォリオ", "CPM portfolio"),
        &snapshot_heading(p.snapshot_days[t], lang),
        lang,
    );
    let subtitle = match lang {
        Lang::Ja => format!(
            "顧客数 {}人（現役 {}人・離脱 {}人）　{}（対 現役）{}（目標 {}）",
            fmt_count(total),
            fmt_count(active),
            fmt_count(lapsed),
            loyal_name,
            fmt_pct(loyal_share),
            fmt_pct0(LOYAL_SHARE_TARGET)
        ),
        Lang::En => format!(
            "{} customers ({} active, {} lapsed)   {} {} (target {})",
            fmt_count(total),
            fmt_count(active),
            fmt_count(lapsed),
            loyal_name,
            fmt_pct(loyal_share),
            fmt_pct0(LOYAL_SHARE_TARGET)
        ),
    };
    let footnote = match (lang, t) {
        (Lang::Ja, 0) => "構成比＝全顧客に占める割合。前月のスナップショットがないため前月比はありません。".to_string(),
        (Lang::Ja, _) => format!(
            "構成比＝全顧客に占める割合。前月比＝{}からの人数の増減（▲増・▼減）。",
            snapshot_heading(p.snapshot_days[t - 1], lang)
        ),
        (Lang::En, 0) => "Share = share of all customers. No change shown: there is no previous snapshot.".to_string(),
        (Lang::En, _) => format!(
            "Share = share of all customers. Change = difference in customers from {}.",
            snapshot_heading(p.snapshot_days[t - 1], lang)
        ),
    };
    let body = frame(&root, &title, Some(&subtitle), Some(&footnote))?;

    let (w, h) = body.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let col_w = (w - ROW_LABEL_W - TOTAL_W - GAP * (tiers as i32 + 1)) / tiers as i32;
    let row_h = (h - HEADER_H - GAP * 2) / 2;
    let col_x = |c: i32| ROW_LABEL_W + GAP + c * (col_w + GAP);
    let row_y = |r: i32| HEADER_H + GAP + r * (row_h + GAP);

    // Column headers: tier names over a strip of the tier's colour.
    for tier in 0..tiers {
        let x = col_x(tier as i32);
        let name = tier_name(tier, lang);
        let px = fitting_px(&body, name, SUBTITLE_PX + 2.0, col_w - 8)?;
        draw_text(
            &body,
            name,
            &bold_text_at(px, INK, HPos::Center, VPos::Center),
            (x + col_w / 2, HEADER_H / 2 - 4),
        )?;
        body.draw(&Rectangle::new(
            [(x, HEADER_H - 8), (x + col_w, HEADER_H)],
            segment_color_in(tier, tiers).filled(),
        ))?;
    }
    let total_x = col_x(tiers as i32);
    draw_text(
        &body,
        lang.pick("計", "Total"),
        &bold_text_at(SUBTITLE_PX + 2.0, INK, HPos::Center, VPos::Center),
        (total_x + TOTAL_W / 2, HEADER_H / 2 - 4),
    )?;
    body.draw(&Rectangle::new(
        [(total_x, HEADER_H - 8), (total_x + TOTAL_W, HEADER_H)],
        SUBTLE_INK.filled(),
    ))?;

    for (row, lapsed_row) in [false, true].into_iter().enumerate() {
        let y = row_y(row as i32);
        draw_text(
            &body,
            state_name(lapsed_row, lang),
            &bold_text_at(SUBTITLE_PX + 2.0, INK, HPos::Center, VPos::Center),
            (ROW_LABEL_W / 2, y + row_h / 2),
        )?;
        let offset = if lapsed_row { tiers } else { 0 };
        for tier in 0..tiers {
            let s = offset + tier;
            let cell = Cell {
                count: counts[s],
                previous: previous.map(|c| c[s]),
                color: segment_color_in(s, tiers),
            };
            draw_cell(&body, (col_x(tier as i32), y), (col_w, row_h), &cell, total, lang)?;
        }
        let row_total = |c: &Vec<u64>| c[offset..offset + tiers].iter().sum::<u64>();
        let cell = Cell {
            count: row_total(counts),
            previous: previous.map(row_total),
            color: SUBTLE_INK,
        };
        draw_cell(&body, (total_x, y), (TOTAL_W, row_h), &cell, total, lang)?;
    }
    Ok(())
}

fn draw_cell<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x, y): (i32, i32),
    (w, h): (i32, i32),
    cell: &Cell,
    total: u64,
    lang: Lang,
) -> Result<(), ChartError> {
    area.draw(&Rectangle::new(
        [(x, y), (x + w, y + h)],
        tint(cell.color, 0.86).filled(),
    ))?;
    area.draw(&Rectangle::new([(x, y), (x + 8, y + h)], cell.color.filled()))?;
    let cx = x + w / 2 + 4;
    let line = LABEL_PX as i32 + 14;
    let lines = if cell.previous.is_some() { 2 } else { 1 };
    let block = BIG_NUMBER_PX as i32 + 26 + lines * line;
    let mut cy = y + (h - block) / 2;
    let count = fmt_count(cell.count);
    let px = fitting_px(area, &count, BIG_NUMBER_PX, w - 36)?;
    draw_text(
        area,
        &count,
        &bold_text_at(px, INK, HPos::Center, VPos::Top),
        (cx, cy + (BIG_NUMBER_PX - px) as i32),
    )?;
    cy += BIG_NUMBER_PX as i32 + 26;
    let share = format!(
        "{} {}",
        lang.pick("構成比", "Share"),
        fmt_share(ratio(cell.count, total))
    );
    let px = fitting_px(area, &share, LABEL_PX, w - 28)?;
    draw_text(area, &share, &text_at(px, INK, HPos::Center, VPos::Top), (cx, cy))?;
    if let Some(previous) = cell.previous {
        cy += line;
        let delta = i128::from(cell.count) - i128::from(previous);
        let change = format!("{} {}", lang.pick("前月比", "Change"), fmt_change(delta));
        let px = fitting_px(area, &change, LABEL_PX, w - 28)?;
        draw_text(
            area,
            &change,
            &text_at(px, SUBTLE_INK, HPos::Center, VPos::Top),
            (cx, cy),
        )?;
    }
    Ok(())
}
