//! Month-over-month moves into snapshot `t`: rows are the segments at t-1
//! plus 新規 (first present at t), columns the segments at t; each cell has
//! its count and its share of the row, coloured by that share.
//!
//! For `t == 0` (no previous snapshot) the chart shows its title and a
//! message instead of a table. Works for any segment scheme; with the ten
//! CPM segments, rows and columns are grouped by 現役/離脱.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::style::{
    GRID, INK, LABEL_PX, SMALL_PX, SUBTITLE_PX, SUBTLE_INK, blend, bold_text_at, empty_chart, fitting_px, fmt_count,
    fmt_share, frame, ink_on, lifecycle_color, ratio, segment_color_in, snapshot_heading, state_name, text_at,
    tier_name, with_detail,
};
use super::text::draw_text;
use super::{ChartError, check_snapshot};
use crate::engine::lifecycle::LIFECYCLE_LABELS;
use crate::engine::portfolio::{Portfolio, TransitionMatrix};
use crate::engine::segments::CpmLayout;
use crate::text::lang::Lang;

const GROUP_W: i32 = 64;
const NAME_W: i32 = 170;
const TOTAL_W: i32 = 130;
const GROUP_H: i32 = 40;
const NAME_H: i32 = 44;
/// Colour of a cell whose row share is 100%.
const FULL: RGBColor = RGBColor(8, 69, 148);

/// How a row or column is labelled.
struct Heading {
    /// 現役 / 離脱 (CPM only): the group it is drawn under.
    group: Option<&'static str>,
    name: String,
    color: Option<RGBColor>,
}

pub(crate) fn transition_heatmap<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    p: &Portfolio,
    t: usize,
    lang: Lang,
) -> Result<(), ChartError> {
    check_snapshot(p, t)?;
    let title = lang.pick("前月からの移動", "Moves from the previous month");
    let Some(matrix) = t.checked_sub(1).and_then(|u| p.transitions.get(u)) else {
        let why = lang.pick(
            "最初のスナップショットには前月がないため、移動はありません",
            "The first snapshot has no previous month to move from",
        );
        return empty_chart(&root, title, why);
    };
    let span = format!(
        "{} → {}",
        snapshot_heading(matrix.from_day, lang),
        snapshot_heading(matrix.to_day, lang)
    );
    let title = with_detail(title, &span, lang);
    let subtitle = lang.pick(
        "行＝前月のセグメント、列＝当月のセグメント。上段は人数、下段は行に占める割合（色の濃さ）。",
        "Rows: segment last month; columns: segment this month. Count, and share of the row (shade).",
    );
    let footnote = if is_lifecycle(p) {
        lang.pick(
            "初購入＝当月に初めて購入した顧客（状態の「新規」とは別）。",
            "First purchase = customers who first bought this month (not the Newcomer state).",
        )
    } else {
        lang.pick(
            "新規＝当月に初めて購入した顧客。初回現役→よちよち現役のセルは、初回→よちよち転換率（KPI）とは別の数字です。",
            "New = first purchase this month. The first-time → toddler cell is not the first → toddler conversion rate (KPI).",
        )
    };
    let body = frame(&root, &title, Some(subtitle), Some(footnote))?;
    draw_matrix(&body, p, matrix, lang)
}

fn is_lifecycle(p: &Portfolio) -> bool {
    p.labels.as_slice() == LIFECYCLE_LABELS.as_slice()
}

fn headings(p: &Portfolio, lang: Lang) -> Vec<Heading> {
    let layout = CpmLayout::of(&p.labels);
    let lifecycle = is_lifecycle(p);
    p.labels
        .iter()
        .enumerate()
        .map(|(s, label)| match layout {
            Some(layout) => {
                let (tier, lapsed) = layout.split(s);
                Heading {
                    group: Some(state_name(lapsed, lang)),
                    name: tier_name(tier, lang).to_string(),
                    color: Some(segment_color_in(s, layout.tiers)),
                }
            }
            None => Heading {
                group: None,
                name: lang.pick(label.ja, label.en).to_string(),
                color: lifecycle.then(|| lifecycle_color(s)),
            },
        })
        .collect()
}

/// The table's geometry: the heading rows (`head_h`), then `rows` rows of
/// `n` cells after the row headings (`GROUP_W + NAME_W`), and the 前月計
/// column; the type sizes of a cell's count and share.
struct Table {
    n: usize,
    rows: usize,
    head_h: i32,
    cell_w: i32,
    cell_h: i32,
    count_px: f64,
    share_px: f64,
    count_gap: i32,
    share_gap: i32,
}

impl Table {
    fn of<DB: DrawingBackend>(body: &DrawingArea<DB, Shift>, cols: &[Heading], m: &TransitionMatrix) -> Table {
        let (w, h) = body.dim_in_pixel();
        let (w, h) = (w as i32, h as i32);
        let n = cols.len().min(m.cells.first().map_or(0, Vec::len));
        let grouped = cols.iter().any(|c| c.group.is_some());
        let head_h = if grouped { GROUP_H + NAME_H } else { NAME_H };
        let rows = m.cells.len();
        // Twelve segments (with 超優良) make 13 rows: smaller numbers, closer.
        let (count_px, share_px, count_gap, share_gap) = if rows > 11 {
            (SMALL_PX - 4.0, SMALL_PX - 7.0, -1, 1)
        } else {
            (SMALL_PX + 1.0, SMALL_PX, 1, 4)
        };
        Table {
            n,
            rows,
            head_h,
            cell_w: (w - GROUP_W - NAME_W - TOTAL_W) / n.max(1) as i32,
            cell_h: (h - head_h) / rows.max(1) as i32,
            count_px,
            share_px,
            count_gap,
            share_gap,
        }
    }

    fn col_x(&self, c: usize) -> i32 {
        GROUP_W + NAME_W + c as i32 * self.cell_w
    }

    fn row_y(&self, r: usize) -> i32 {
        self.head_h + r as i32 * self.cell_h
    }

    /// The middle of the name row of the headings.
    fn name_y(&self) -> i32 {
        self.head_h - NAME_H / 2 - 4
    }
}

fn draw_matrix<DB: DrawingBackend>(
    body: &DrawingArea<DB, Shift>,
    p: &Portfolio,
    m: &TransitionMatrix,
    lang: Lang,
) -> Result<(), ChartError> {
    let cols = headings(p, lang);
    let table = Table::of(body, &cols, m);
    draw_column_headings(body, &table, &cols, lang)?;
    for (r, row) in m.cells.iter().enumerate() {
        let is_new = r == m.new_row();
        let heading = cols.get(r).filter(|_| !is_new);
        draw_row_heading(body, &table, (&cols, r), heading, (is_new, is_lifecycle(p)), lang)?;
        draw_row_cells(body, &table, r, row, is_new)?;
    }
    // Grid lines between cells.
    let bottom = table.row_y(table.rows);
    for c in 0..=table.n {
        body.draw(&PathElement::new(
            vec![(table.col_x(c), table.head_h), (table.col_x(c), bottom)],
            GRID.stroke_width(1),
        ))?;
    }
    Ok(())
}

/// Column headings: group names spanning their columns, then the names;
/// the corner and the 前月計 heading.
fn draw_column_headings<DB: DrawingBackend>(
    body: &DrawingArea<DB, Shift>,
    table: &Table,
    cols: &[Heading],
    lang: Lang,
) -> Result<(), ChartError> {
    let (n, cell_w) = (table.n, table.cell_w);
    for (c, heading) in cols.iter().take(n).enumerate() {
        if let Some(group) = heading.group
            && (c == 0 || cols[c - 1].group != Some(group))
        {
            let span = cols[c..n].iter().take_while(|h| h.group == Some(group)).count() as i32;
            let (x0, x1) = (table.col_x(c) + 6, table.col_x(c) + span * cell_w - 6);
            let label = format!("{}{}", lang.pick("当月 ", "This month: "), group);
            draw_text(
                body,
                &label,
                &bold_text_at(LABEL_PX, INK, HPos::Center, VPos::Center),
                ((x0 + x1) / 2, GROUP_H / 2 - 2),
            )?;
            body.draw(&PathElement::new(
                vec![(x0, GROUP_H - 4), (x1, GROUP_H - 4)],
                SUBTLE_INK.stroke_width(2),
            ))?;
        }
        let x = table.col_x(c);
        let px = fitting_px(body, &heading.name, LABEL_PX, cell_w - 8)?;
        draw_text(
            body,
            &heading.name,
            &text_at(px, INK, HPos::Center, VPos::Center),
            (x + cell_w / 2, table.name_y()),
        )?;
        if let Some(color) = heading.color {
            let head_h = table.head_h;
            body.draw(&Rectangle::new(
                [(x + 4, head_h - 8), (x + cell_w - 4, head_h - 2)],
                color.filled(),
            ))?;
        }
    }
    let corner = lang.pick("前月 ＼ 当月", "From \\ to");
    draw_text(
        body,
        corner,
        &text_at(LABEL_PX, SUBTLE_INK, HPos::Left, VPos::Center),
        (GROUP_W - 40, table.name_y()),
    )?;
    let total_label = lang.pick("前月計", "Last month");
    let px = fitting_px(body, total_label, LABEL_PX, TOTAL_W - 8)?;
    draw_text(
        body,
        total_label,
        &bold_text_at(px, INK, HPos::Center, VPos::Center),
        (table.col_x(n) + TOTAL_W / 2, table.name_y()),
    )
}

/// Row `r`'s group (前月 現役 / 離脱) spanning its rows, and its name (新規 or
/// 初購入, in bold, for the row of customers new this month).
fn draw_row_heading<DB: DrawingBackend>(
    body: &DrawingArea<DB, Shift>,
    table: &Table,
    (cols, r): (&[Heading], usize),
    heading: Option<&Heading>,
    (is_new, lifecycle): (bool, bool),
    lang: Lang,
) -> Result<(), ChartError> {
    let (y, cell_h) = (table.row_y(r), table.cell_h);
    if let Some(group) = heading.and_then(|h| h.group)
        && (r == 0 || cols[r - 1].group != Some(group))
    {
        let span = cols[r..].iter().take_while(|h| h.group == Some(group)).count() as i32;
        let (y0, y1) = (y + 4, y + span * cell_h - 4);
        body.draw(&PathElement::new(
            vec![(GROUP_W - 8, y0), (GROUP_W - 8, y1)],
            SUBTLE_INK.stroke_width(2),
        ))?;
        let label = format!("{}{}", lang.pick("前月", "Last"), lang.pick("", " "));
        vertical_label(body, &format!("{label}{group}"), (GROUP_W / 2 - 4, (y0 + y1) / 2))?;
    }
    let name = match heading {
        Some(h) => h.name.clone(),
        None if lifecycle => lang.pick("初購入", "First purchase").to_string(),
        None => lang.pick("新規", "New").to_string(),
    };
    if let Some(color) = heading.and_then(|h| h.color) {
        body.draw(&Rectangle::new(
            [(GROUP_W, y + 8), (GROUP_W + 8, y + cell_h - 8)],
            color.filled(),
        ))?;
    }
    let px = fitting_px(body, &name, LABEL_PX, NAME_W - 22)?;
    let style = if is_new {
        bold_text_at(px, INK, HPos::Left, VPos::Center)
    } else {
        text_at(px, INK, HPos::Left, VPos::Center)
    };
    draw_text(body, &name, &style, (GROUP_W + 18, y + cell_h / 2))
}

/// Row `r`'s cells, shaded by their share of the row, and its total; a
/// line above the row of new customers.
fn draw_row_cells<DB: DrawingBackend>(
    body: &DrawingArea<DB, Shift>,
    table: &Table,
    r: usize,
    row: &[u64],
    is_new: bool,
) -> Result<(), ChartError> {
    let (n, y) = (table.n, table.row_y(r));
    let total: u64 = row.iter().take(n).sum();
    for (c, &count) in row.iter().take(n).enumerate() {
        draw_cell(body, table, (table.col_x(c), y), count, ratio(count, total))?;
    }
    draw_text(
        body,
        &fmt_count(total),
        &text_at(LABEL_PX, INK, HPos::Right, VPos::Center),
        (table.col_x(n) + TOTAL_W - 12, y + table.cell_h / 2),
    )?;
    if is_new {
        body.draw(&PathElement::new(
            vec![(GROUP_W, y), (table.col_x(n) + TOTAL_W, y)],
            SUBTLE_INK.stroke_width(2),
        ))?;
    }
    Ok(())
}

/// A cell at `(x, y)`: shaded by `share`, its count over its share.
fn draw_cell<DB: DrawingBackend>(
    body: &DrawingArea<DB, Shift>,
    table: &Table,
    (x, y): (i32, i32),
    count: u64,
    share: f64,
) -> Result<(), ChartError> {
    let (cell_w, cell_h) = (table.cell_w, table.cell_h);
    let fill = blend(WHITE, FULL, share.powf(0.75));
    body.draw(&Rectangle::new(
        [(x + 1, y + 1), (x + cell_w - 1, y + cell_h - 1)],
        fill.filled(),
    ))?;
    if count == 0 {
        return Ok(());
    }
    let ink = ink_on(fill);
    let count_text = fmt_count(count);
    let px = fitting_px(body, &count_text, table.count_px, cell_w - 10)?;
    draw_text(
        body,
        &count_text,
        &bold_text_at(px, ink, HPos::Center, VPos::Bottom),
        (x + cell_w / 2, y + cell_h / 2 - table.count_gap),
    )?;
    draw_text(
        body,
        &fmt_share(share),
        &text_at(table.share_px, ink, HPos::Center, VPos::Top),
        (x + cell_w / 2, y + cell_h / 2 + table.share_gap),
    )
}

/// Text written top to bottom, one character per line (Japanese), or
/// rotated for English.
fn vertical_label<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    (x, y): (i32, i32),
) -> Result<(), ChartError> {
    if text.is_ascii() {
        let style = text_at(SMALL_PX, INK, HPos::Center, VPos::Center).transform(FontTransform::Rotate270);
        return Ok(area.draw_text(text, &style, (x, y))?);
    }
    let chars: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    let step = SUBTITLE_PX as i32;
    let mut cy = y - step * (chars.len() as i32 - 1) / 2;
    let mut buf = [0u8; 4];
    for c in chars {
        draw_text(
            area,
            c.encode_utf8(&mut buf),
            &bold_text_at(LABEL_PX, INK, HPos::Center, VPos::Center),
            (x, cy),
        )?;
        cy += step;
    }
    Ok(())
}
