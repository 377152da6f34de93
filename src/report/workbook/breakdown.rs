//! 内訳 (with `--by`): 初回→よちよち by group — first-time customers,
//! converted, the pooled rate of the matured cohorts of the last 12 months
//! with its 95% Wilson interval, the gap to target and the rank — then the
//! portfolio by group, every group (the chart shows the largest; the sheet
//! holds them all); then the trend by group as the page has it: the
//! monthly 初回→よちよち rate and first-time customers of the whole run and
//! of the largest groups, a row per acquisition month, provisional months
//! marked.

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::cells::{Cell, Formats, Grid};
use crate::dates::first_day_of_month;
use crate::report::model::ReportModel;
use crate::report::model::by_group::ByGroup;
use crate::report::model::by_group_trend::{GroupTrend, TrendLine};
use crate::tables::Tables;
use crate::text::lang::Lang;

pub(crate) fn breakdown(
    ws: &mut Worksheet,
    name: &str,
    b: &ByGroup,
    tables: &Tables,
    model: &ReportModel,
    f: &Formats,
) -> Result<(), XlsxError> {
    let lang = model.lang;
    let l = |ja: &'static str, en: &'static str| lang.pick(ja, en);
    let mut g = Grid::new(ws, name)?;
    g.text(0, 0, &format!("{} {}", l("内訳:", "Breakdown by"), b.column), &f.bold)?;
    g.loose(1, 0, &b.rate_reading, &f.note)?;
    g.header(
        3,
        0,
        &[
            l("グループ", "Group"),
            l("初回客", "First-time customers"),
            l("転換", "Converted"),
            l("転換率", "Rate"),
            l("95% 下限", "95% low"),
            l("95% 上限", "95% high"),
            l("目標との差", "vs target"),
            l("順位", "Rank"),
        ],
        f,
    )?;
    let mut row = 4;
    for r in &b.rates {
        g.text(row, 0, &r.label, &f.text)?;
        g.number(row, 1, r.first_timers as f64, &f.count)?;
        g.number(row, 2, r.converted as f64, &f.count)?;
        if r.first_timers > 0 {
            g.number(row, 3, r.rate, &f.percent)?;
            g.number(row, 6, r.rate - b.target, &f.points)?;
        }
        if let Some((low, high)) = r.interval {
            g.number(row, 4, low, &f.percent)?;
            g.number(row, 5, high, &f.percent)?;
        }
        match r.rank {
            Some(rank) => g.number(row, 7, rank as f64, &f.count)?,
            None => g.text(row, 7, l("判定に足りない", "too small"), &f.note)?,
        }
        row += 1;
    }
    row += 1;
    g.loose(row, 0, &b.boxes_reading, &f.note)?;
    row += 1;
    let mut header: Vec<&str> = vec![l("グループ", "Group")];
    header.extend(tables.portfolio.labels.iter().map(|s| lang.pick(s.ja, s.en)));
    header.extend([
        l("現役", "Active"),
        l("離脱", "Lapsed"),
        l("優良現役比率", "Loyal share of active"),
    ]);
    g.header(row, 0, &header, f)?;
    for boxes in &b.boxes {
        row += 1;
        g.text(row, 0, &boxes.label, &f.text)?;
        let mut col = 1;
        for &n in &boxes.counts {
            g.number(row, col, n as f64, &f.count)?;
            col += 1;
        }
        g.number(row, col, boxes.active as f64, &f.count)?;
        g.number(row, col + 1, boxes.lapsed as f64, &f.count)?;
        if let Some(share) = boxes.loyal_share {
            g.number(row, col + 2, share, &f.percent)?;
        }
    }
    trend(&mut g, row + 2, &b.trend, lang, f)?;
    g.finish()
}

/// The trend table from `top`: its title and reading, a header of two
/// columns (rate, first-time customers) for the whole run and for each
/// group drawn, a row per acquisition month, and the note.
fn trend(g: &mut Grid<'_>, top: u32, trend: &GroupTrend, lang: Lang, f: &Formats) -> Result<(), XlsxError> {
    let l = |ja: &'static str, en: &'static str| lang.pick(ja, en);
    g.loose(
        top,
        0,
        &match lang {
            Lang::Ja => format!("{} 別の初回→よちよち転換率(獲得月別の推移)", trend.column),
            Lang::En => format!("First → toddler conversion by {}, by acquisition month", trend.column),
        },
        &f.bold,
    )?;
    g.loose(top + 1, 0, &trend.reading, &f.note)?;
    let lines: Vec<&TrendLine> = std::iter::once(&trend.all).chain(&trend.lines).collect();
    let titles: Vec<[String; 2]> = lines
        .iter()
        .map(|line| match lang {
            Lang::Ja => [format!("{} 転換率", line.label), format!("{} 初回客", line.label)],
            Lang::En => [format!("{}: rate", line.label), format!("{}: first-time", line.label)],
        })
        .collect();
    let mut header = vec![l("獲得月", "Cohort"), l("確定", "Matured")];
    header.extend(titles.iter().flatten().map(String::as_str));
    let rows = trend.months.iter().enumerate().map(|(i, &month)| {
        let mut cells = vec![
            Cell::Date(first_day_of_month(month), &f.month),
            Cell::Text(
                if trend.matured[i] {
                    l("確定", "matured")
                } else {
                    l("暫定", "provisional")
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
    let note = match (lang, trend.left_out) {
        (Lang::Ja, 0) => {
            "暫定＝観測期間が終わっていないコホート。元データは tables/conversion.csv(group 列)。".to_string()
        }
        (Lang::Ja, k) => format!(
            "暫定＝観測期間が終わっていないコホート。ほか {k} グループは省略(上の表に全グループ)。元データは tables/conversion.csv(group 列)。"
        ),
        (Lang::En, 0) => "Provisional = window still open. Source: tables/conversion.csv (group column).".to_string(),
        (Lang::En, k) => format!(
            "Provisional = window still open; {k} more groups not shown (every group is in the table above). Source: tables/conversion.csv (group column)."
        ),
    };
    g.loose(end, 0, &note, &f.note)
}
