//! 内訳 (with `--by`): 初回→よちよち by group — first-time customers,
//! converted, the pooled rate of the matured cohorts of the last 12 months
//! with its 95% Wilson interval, the gap to target and the rank — then the
//! portfolio by group, every group (the chart shows the largest; the sheet
//! holds them all).

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::cells::{Formats, Grid};
use crate::report::model::ReportModel;
use crate::report::model::by_group::ByGroup;
use crate::tables::Tables;

pub fn breakdown(
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
    g.finish()
}
