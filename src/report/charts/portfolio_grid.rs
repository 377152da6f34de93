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
use crate::engine::segments::CpmLayout;
use crate::text::format::count;
use crate::text::lang::{Lang, by_lang};

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
    check_snapshot(p, t)?;
    let title = with_detail(
        lang.pick("CPM ポートフォリオ", "CPM portfolio"),
        &snapshot_heading(p.snapshot_days[t], lang),
        lang,
    );
    let body = frame(
        &root,
        &title,
        Some(&subtitle(p, t, layout, lang)),
        Some(&footnote(p, t, lang)),
    )?;
    let grid = Grid::of(&body, layout.tiers);
    grid.draw_headers(&body, lang)?;
    let counts = &p.counts[t];
    let previous = t.checked_sub(1).map(|u| &p.counts[u]);
    let total: u64 = counts.iter().sum();
    for (row, lapsed) in [false, true].into_iter().enumerate() {
        grid.draw_row(&body, row, lapsed, (counts, previous), total, lang)?;
    }
    Ok(())
}

/// The head counts and 優良現役's share of the active customers.
fn subtitle(p: &Portfolio, t: usize, layout: CpmLayout, lang: Lang) -> String {
    let counts = &p.counts[t];
    let total = count(counts.iter().sum(), "customer", "customers");
    let active: u64 = counts[..layout.tiers].iter().sum();
    let lapsed = fmt_count(counts[layout.tiers..].iter().sum());
    let share = fmt_pct(ratio(layout.loyal(false).map(|s| counts[s]).sum(), active));
    let loyal_name = match (layout.has_super(), lang) {
        (false, Lang::Ja) => "優良現役比率",
        (true, Lang::Ja) => "優良現役比率（超優良を含む）",
        (false, Lang::En) => "Loyal share of active customers",
        (true, Lang::En) => "Loyal (incl. super-loyal) share of active",
    };
    let (active, target) = (fmt_count(active), fmt_pct0(LOYAL_SHARE_TARGET));
    by_lang!(
        lang,
        "顧客数 {total}人（現役 {active}人・離脱 {lapsed}人）　{loyal_name}（対 現役）{share}（目標 {target}）",
        "{total:#} ({active} active, {lapsed} lapsed)   {loyal_name} {share} (target {target})"
    )
}

/// What the share and the change are measured against.
fn footnote(p: &Portfolio, t: usize, lang: Lang) -> String {
    match t {
        0 => lang
            .pick(
                "構成比＝全顧客に占める割合。前月のスナップショットがないため前月比はありません。",
                "Share = share of all customers. No change shown: there is no previous snapshot.",
            )
            .to_string(),
        _ => {
            let previous = snapshot_heading(p.snapshot_days[t - 1], lang);
            by_lang!(
                lang,
                "構成比＝全顧客に占める割合。前月比＝{previous}からの人数の増減（▲増・▼減）。",
                "Share = share of all customers. Change = difference in customers from {previous}."
            )
        }
    }
}

/// The table's geometry: `tiers` columns `col_w` wide and two rows
/// `row_h` high, after the row labels; the 計 column on the right.
struct Grid {
    tiers: usize,
    col_w: i32,
    row_h: i32,
}

impl Grid {
    fn of<DB: DrawingBackend>(body: &DrawingArea<DB, Shift>, tiers: usize) -> Grid {
        let (w, h) = body.dim_in_pixel();
        let (w, h) = (w as i32, h as i32);
        Grid {
            tiers,
            col_w: (w - ROW_LABEL_W - TOTAL_W - GAP * (tiers as i32 + 1)) / tiers as i32,
            row_h: (h - HEADER_H - GAP * 2) / 2,
        }
    }

    fn col_x(&self, c: usize) -> i32 {
        ROW_LABEL_W + GAP + c as i32 * (self.col_w + GAP)
    }

    fn row_y(&self, r: usize) -> i32 {
        HEADER_H + GAP + r as i32 * (self.row_h + GAP)
    }

    /// Column headers: tier names over a strip of the tier's colour, and 計.
    fn draw_headers<DB: DrawingBackend>(&self, body: &DrawingArea<DB, Shift>, lang: Lang) -> Result<(), ChartError> {
        for tier in 0..self.tiers {
            let name = tier_name(tier, lang);
            let px = fitting_px(body, name, SUBTITLE_PX + 2.0, self.col_w - 8)?;
            let color = segment_color_in(tier, self.tiers);
            draw_header(body, (self.col_x(tier), self.col_w), name, px, color)?;
        }
        let total = (self.col_x(self.tiers), TOTAL_W);
        draw_header(body, total, lang.pick("計", "Total"), SUBTITLE_PX + 2.0, SUBTLE_INK)
    }

    /// The 現役 (row 0) or 離脱 row: its label, a box a tier and the total.
    fn draw_row<DB: DrawingBackend>(
        &self,
        body: &DrawingArea<DB, Shift>,
        row: usize,
        lapsed: bool,
        (counts, previous): (&[u64], Option<&Vec<u64>>),
        total: u64,
        lang: Lang,
    ) -> Result<(), ChartError> {
        let (tiers, y) = (self.tiers, self.row_y(row));
        draw_text(
            body,
            state_name(lapsed, lang),
            &bold_text_at(SUBTITLE_PX + 2.0, INK, HPos::Center, VPos::Center),
            (ROW_LABEL_W / 2, y + self.row_h / 2),
        )?;
        let offset = if lapsed { tiers } else { 0 };
        for tier in 0..tiers {
            let s = offset + tier;
            let cell = Cell {
                count: counts[s],
                previous: previous.map(|c| c[s]),
                color: segment_color_in(s, tiers),
            };
            draw_cell(
                body,
                (self.col_x(tier), y),
                (self.col_w, self.row_h),
                &cell,
                total,
                lang,
            )?;
        }
        let row_total = |c: &[u64]| c[offset..offset + tiers].iter().sum::<u64>();
        let cell = Cell {
            count: row_total(counts),
            previous: previous.map(|c| row_total(c)),
            color: SUBTLE_INK,
        };
        draw_cell(body, (self.col_x(tiers), y), (TOTAL_W, self.row_h), &cell, total, lang)
    }
}

/// A column's header at `x`, `width` wide: its name at `px` over a strip
/// of `color`.
fn draw_header<DB: DrawingBackend>(
    body: &DrawingArea<DB, Shift>,
    (x, width): (i32, i32),
    name: &str,
    px: f64,
    color: RGBColor,
) -> Result<(), ChartError> {
    draw_text(
        body,
        name,
        &bold_text_at(px, INK, HPos::Center, VPos::Center),
        (x + width / 2, HEADER_H / 2 - 4),
    )?;
    body.draw(&Rectangle::new(
        [(x, HEADER_H - 8), (x + width, HEADER_H)],
        color.filled(),
    ))?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_subtitle_counts_customers_in_words_that_agree() {
        let mut p = super::super::fixture::portfolio().clone();
        let layout = CpmLayout::of(&p.labels).unwrap();
        let t = p.counts.len() - 1;
        for (total, words) in [(1, "1 customer (1 active"), (2, "2 customers (2 active")] {
            p.counts[t].iter_mut().for_each(|c| *c = 0);
            p.counts[t][0] = total;
            let en = subtitle(&p, t, layout, Lang::En);
            assert!(en.starts_with(words), "{en}");
            let ja = subtitle(&p, t, layout, Lang::Ja);
            assert!(ja.starts_with(&format!("顧客数 {total}人（現役 {total}人")), "{ja}");
        }
    }
}
