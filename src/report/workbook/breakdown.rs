//! 内訳 (with `--by`): 初回→よちよち by group — first-time customers,
//! converted, the pooled rate of the matured cohorts of the last 12 months
//! with its 95% Wilson interval, the gap to target and the rank — then the
//! portfolio by group, every group (the chart shows the largest; the sheet
//! holds them all); then the trend by group as the page has it: the
//! monthly 初回→よちよち rate and first-time customers of the whole run and
//! of the largest groups, a row per acquisition month, provisional months
//! marked.

use rust_xlsxwriter::XlsxError;

use super::Ctx;
use super::cells::{Cell, Grid};
use crate::dates::first_day_of_month;
use crate::report::model::by_group::ByGroup;
use crate::report::model::by_group_trend::{GroupTrend, TrendLine};
use crate::text::lang::by_lang;

/// 内訳: the title and the rates' reading, then the rates, the portfolio
/// and the trend by group, one table below the other.
pub(crate) fn breakdown(g: &mut Grid<'_>, c: &Ctx<'_>) -> Result<(), XlsxError> {
    let Some(b) = &c.model.breakdown else {
        return Ok(());
    };
    let f = &c.f;
    g.text(0, 0, &format!("{} {}", c.l("内訳:", "Breakdown by"), b.column), &f.bold)?;
    g.loose(1, 0, &b.rate_reading, &f.note)?;
    let row = rates_table(g, 3, c, b)?;
    g.loose(row + 1, 0, &b.boxes_reading, &f.note)?;
    let row = boxes_table(g, row + 2, c, b)?;
    trend(g, row + 1, c, &b.trend)
}

/// 初回→よちよち by group from `top`: first-time customers, converted, the
/// pooled rate with its 95% interval, the gap to target and the rank (or
/// "too small"). Returns the row after it.
fn rates_table(g: &mut Grid<'_>, top: u32, c: &Ctx<'_>, b: &ByGroup) -> Result<u32, XlsxError> {
    let f = &c.f;
    let header = [
        c.l("グループ", "Group"),
        c.l("初回客", "First-time customers"),
        c.l("転換", "Converted"),
        c.l("転換率", "Rate"),
        c.l("95% 下限", "95% low"),
        c.l("95% 上限", "95% high"),
        c.l("目標との差", "vs target"),
        c.l("順位", "Rank"),
    ];
    let rows = b.rates.iter().map(|r| {
        let judged = r.first_timers > 0;
        let rate = |v: f64, format| if judged { Cell::Number(v, format) } else { Cell::Empty };
        let (low, high) = match r.interval {
            Some((low, high)) => (Cell::Number(low, &f.percent), Cell::Number(high, &f.percent)),
            None => (Cell::Empty, Cell::Empty),
        };
        vec![
            Cell::Text(&r.label, &f.text),
            Cell::Number(r.first_timers as f64, &f.count),
            Cell::Number(r.converted as f64, &f.count),
            rate(r.rate, &f.percent),
            low,
            high,
            rate(r.rate - b.target, &f.points),
            match r.rank {
                Some(rank) => Cell::Number(rank as f64, &f.count),
                None => Cell::Text(c.l("判定に足りない", "too small"), &f.note),
            },
        ]
    });
    g.table(top, 0, &header, rows, f)
}

/// The portfolio by group from `top`: every segment's count, 現役, 離脱
/// and the loyal share of 現役. Returns the row after it.
fn boxes_table(g: &mut Grid<'_>, top: u32, c: &Ctx<'_>, b: &ByGroup) -> Result<u32, XlsxError> {
    let f = &c.f;
    let mut header: Vec<&str> = vec![c.l("グループ", "Group")];
    header.extend(c.tables.portfolio.labels.iter().map(|s| c.lang.pick(s.ja, s.en)));
    header.extend([
        c.l("現役", "Active"),
        c.l("離脱", "Lapsed"),
        c.l("優良現役比率", "Loyal share of active"),
    ]);
    let rows = b.boxes.iter().map(|boxes| {
        let mut cells = vec![Cell::Text(&boxes.label, &f.text)];
        cells.extend(boxes.counts.iter().map(|&n| Cell::Number(n as f64, &f.count)));
        cells.extend([
            Cell::Number(boxes.active as f64, &f.count),
            Cell::Number(boxes.lapsed as f64, &f.count),
            boxes
                .loyal_share
                .map_or(Cell::Empty, |share| Cell::Number(share, &f.percent)),
        ]);
        cells
    });
    g.table(top, 0, &header, rows, f)
}

/// The trend table from `top`: its title and reading, a header of two
/// columns (rate, first-time customers) for the whole run and for each
/// group drawn, a row per acquisition month, and the note.
fn trend(g: &mut Grid<'_>, top: u32, c: &Ctx<'_>, trend: &GroupTrend) -> Result<(), XlsxError> {
    let (lang, f) = (c.lang, &c.f);
    let title = by_lang!(
        lang,
        "{column} 別の初回→よちよち転換率(獲得月別の推移)",
        "First → toddler conversion by {column}, by acquisition month",
        column = trend.column
    );
    g.loose(top, 0, &title, &f.bold)?;
    g.loose(top + 1, 0, &trend.reading, &f.note)?;
    let lines: Vec<&TrendLine> = std::iter::once(&trend.all).chain(&trend.lines).collect();
    let titles: Vec<[String; 2]> = lines
        .iter()
        .map(|line| {
            [
                by_lang!(lang, "{} 転換率", "{}: rate", line.label),
                by_lang!(lang, "{} 初回客", "{}: first-time", line.label),
            ]
        })
        .collect();
    let mut header = vec![c.l("獲得月", "Cohort"), c.l("確定", "Matured")];
    header.extend(titles.iter().flatten().map(String::as_str));
    let rows = trend.months.iter().enumerate().map(|(i, &month)| {
        let mut cells = vec![
            Cell::Date(first_day_of_month(month), &f.month),
            Cell::Text(
                if trend.matured[i] {
                    c.l("確定", "matured")
                } else {
                    c.l("暫定", "provisional")
                },
                &f.text,
            ),
        ];
        for line in &lines {
            match line.points[i] {
                Some(p) => cells.extend([
                    Cell::Number(p.rate, &f.percent),
                    Cell::Number(p.cohort_size as f64, &f.count),
                ]),
                None => cells.extend([Cell::Empty, Cell::Empty]),
            }
        }
        cells
    });
    let end = g.table(top + 3, 0, &header, rows, f)?;
    let note = match trend.left_out {
        0 => c
            .l(
                "暫定＝観測期間が終わっていないコホート。元データは tables/conversion.csv(group 列)。",
                "Provisional = window still open. Source: tables/conversion.csv (group column).",
            )
            .to_string(),
        k => by_lang!(
            lang,
            "暫定＝観測期間が終わっていないコホート。ほか {k} グループは省略(上の表に全グループ)。元データは tables/conversion.csv(group 列)。",
            "Provisional = window still open; {k} more groups not shown (every group is in the table above). Source: tables/conversion.csv (group column)."
        ),
    };
    g.loose(end, 0, &note, &f.note)
}
