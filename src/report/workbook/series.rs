//! The sheets over time: 推移 (customers by segment at every month-end, with
//! shares and a stacked column chart of 現役), 転換率 (cohorts against the
//! target, chart included), コホート (the cohort ladder) and 売上 (with a
//! stacked column chart by tier).

use rust_xlsxwriter::{
    Chart, ChartFormat, ChartLine, ChartLineDashType, ChartPoint, ChartSolidFill, ChartType, Color, Worksheet,
    XlsxError,
};

use super::cells::{Formats, Grid, rgb};
use crate::dates::first_day_of_month;
use crate::engine::portfolio::LADDER_MONTHS;
use crate::engine::segments::{CPM_TIER_NAMES, CpmLayout, Tier};
use crate::report::charts::style::{TARGET, lifecycle_color, segment_color_in, tint};
use crate::report::model::{ReportModel, ten_segments};
use crate::tables::Tables;
use crate::text::lang::Lang;

pub fn segment_name(p: &crate::engine::portfolio::Portfolio, s: usize, lang: Lang) -> &'static str {
    lang.pick(p.labels[s].ja, p.labels[s].en)
}

fn segment_color(p: &crate::engine::portfolio::Portfolio, s: usize) -> Color {
    rgb(match CpmLayout::of(&p.labels) {
        Some(layout) => segment_color_in(s, layout.tiers),
        None => lifecycle_color(s),
    })
}

fn fill(color: Color) -> ChartFormat {
    let mut format = ChartFormat::new();
    format.set_solid_fill(ChartSolidFill::new().set_color(color));
    format
}

/// Row where 推移's share block starts (its header), below the counts.
pub fn trend_shares_top(p: &crate::engine::portfolio::Portfolio) -> u32 {
    p.snapshot_days.len() as u32 + 3
}

/// 推移: month-ends down, segment counts and 合計 from row 0; the shares
/// below them (from [`trend_shares_top`]); the chart to the right.
pub fn trend(
    ws: &mut Worksheet,
    name: &str,
    tables: &Tables,
    model: &ReportModel,
    f: &Formats,
) -> Result<(), XlsxError> {
    let lang = model.lang;
    let p = &tables.portfolio;
    let n = p.labels.len();
    let mut g = Grid::new(ws, name)?;
    let shares_top = trend_shares_top(p);
    for top in [0, shares_top] {
        g.text(top, 0, lang.pick("月末", "Month-end"), &f.header)?;
        for s in 0..n {
            g.text(top, 1 + s as u16, segment_name(p, s, lang), &f.header)?;
        }
        let total = if top == 0 {
            lang.pick("合計", "Total")
        } else {
            lang.pick("合計(構成比)", "Total (share)")
        };
        g.text(top, 1 + n as u16, total, &f.header)?;
    }
    g.loose(
        shares_top - 1,
        0,
        lang.pick("構成比(全顧客に対する割合)", "Shares of all customers"),
        &f.note,
    )?;
    for (t, &day) in p.snapshot_days.iter().enumerate() {
        let row = 1 + t as u32;
        let share_row = shares_top + 1 + t as u32;
        g.date(row, 0, day, &f.date)?;
        g.date(share_row, 0, day, &f.date)?;
        let total: u64 = p.counts[t].iter().sum();
        for s in 0..n {
            g.number(row, 1 + s as u16, p.counts[t][s] as f64, &f.count)?;
            let share = if total == 0 {
                0.0
            } else {
                p.counts[t][s] as f64 / total as f64
            };
            g.number(share_row, 1 + s as u16, share, &f.percent)?;
        }
        g.number(row, 1 + n as u16, total as f64, &f.count)?;
        g.number(share_row, 1 + n as u16, if total == 0 { 0.0 } else { 1.0 }, &f.percent)?;
    }
    let last = p.snapshot_days.len() as u32;
    let mut chart = Chart::new(ChartType::ColumnStacked);
    let shown: Vec<usize> = match CpmLayout::of(&p.labels) {
        Some(layout) => layout.active().collect(),
        None => (0..n).collect(),
    };
    for s in shown {
        chart
            .add_series()
            .set_name((name, 0, 1 + s as u16))
            .set_categories((name, 1, 0, last, 0))
            .set_values((name, 1, 1 + s as u16, last, 1 + s as u16))
            .set_format(&mut fill(segment_color(p, s)))
            .set_gap(40);
    }
    chart.title().set_name(match CpmLayout::of(&p.labels) {
        Some(_) => lang.pick("現役顧客数の推移(段階別)", "Active customers by tier"),
        None => lang.pick("状態別顧客数の推移", "Customers by state"),
    });
    chart.x_axis().set_num_format("yyyy-mm");
    chart.y_axis().set_num_format("#,##0");
    chart.set_width(900).set_height(440);
    g.ws.insert_chart(1, 3 + n as u16, &chart)?;
    g.ws.set_freeze_panes(1, 1)?;
    g.finish()
}

/// 転換率: one row per acquisition cohort; provisional cohorts marked.
pub fn conversion(
    ws: &mut Worksheet,
    name: &str,
    tables: &Tables,
    model: &ReportModel,
    f: &Formats,
) -> Result<(), XlsxError> {
    let lang = model.lang;
    let l = |ja: &'static str, en: &'static str| lang.pick(ja, en);
    let p = &tables.portfolio;
    let target = tables.config.conversion_target;
    let mut g = Grid::new(ws, name)?;
    let converted = match lang {
        Lang::Ja => format!("転換({}日以内に2回目)", tables.config.rules.toddler_days),
        Lang::En => format!(
            "Converted (2nd purchase within {} days)",
            tables.config.rules.toddler_days
        ),
    };
    g.header(
        0,
        0,
        &[
            l("獲得月", "Cohort"),
            l("獲得人数", "Cohort size"),
            &converted,
            l("転換率", "Rate"),
            l("目標", "Target"),
            l("確定/暫定", "Matured / provisional"),
        ],
        f,
    )?;
    let provisional = f
        .percent
        .clone()
        .set_background_color(Color::RGB(0xFFF3CD))
        .set_italic();
    for (i, c) in p.conversion.iter().enumerate() {
        let row = 1 + i as u32;
        g.date(row, 0, first_day_of_month(c.cohort_month), &f.month)?;
        g.number(row, 1, c.cohort_size as f64, &f.count)?;
        g.number(row, 2, c.converted as f64, &f.count)?;
        g.number(row, 3, c.rate, if c.matured { &f.percent } else { &provisional })?;
        g.number(row, 4, target, &f.percent)?;
        g.text(
            row,
            5,
            if c.matured {
                l("確定", "matured")
            } else {
                l("暫定", "provisional")
            },
            &f.text,
        )?;
    }
    let last = p.conversion.len() as u32;
    if last > 0 {
        // Provisional cohorts: a light bar.
        let light = rgb(tint(segment_color_in(Tier::Toddler as usize, 5), 0.6));
        let points: Vec<ChartPoint> = p
            .conversion
            .iter()
            .map(|c| {
                if c.matured {
                    ChartPoint::new()
                } else {
                    ChartPoint::new().set_format(&mut fill(light))
                }
            })
            .collect();
        let mut chart = Chart::new(ChartType::Column);
        chart
            .add_series()
            .set_name((name, 0, 3))
            .set_categories((name, 1, 0, last, 0))
            .set_values((name, 1, 3, last, 3))
            .set_format(&mut fill(rgb(segment_color_in(Tier::Toddler as usize, 5))))
            .set_points(&points)
            .set_gap(50);
        let mut line = Chart::new(ChartType::Line);
        line.add_series()
            .set_name((name, 0, 4))
            .set_categories((name, 1, 0, last, 0))
            .set_values((name, 1, 4, last, 4))
            .set_format(
                ChartFormat::new().set_line(
                    ChartLine::new()
                        .set_color(rgb(TARGET))
                        .set_width(2.0)
                        .set_dash_type(ChartLineDashType::Dash),
                ),
            );
        chart.combine(&line);
        chart.title().set_name(l(
            "初回→よちよち転換率(獲得月別、暫定は未確定)",
            "First → toddler conversion by cohort (provisional ones not final)",
        ));
        chart.x_axis().set_num_format("yyyy-mm");
        chart.y_axis().set_num_format("0%");
        chart.set_width(960).set_height(420);
        g.ws.insert_chart(1, 7, &chart)?;
    }
    g.ws.set_freeze_panes(1, 1)?;
    g.ws.autofilter(0, 0, last.max(1), 5)?;
    g.finish()
}

/// コホート: for each acquisition cohort, its members in 優良 (現役 or 離脱,
/// 超優良 included) at month k after the first purchase, k = 0..=12.
pub fn cohorts(
    ws: &mut Worksheet,
    name: &str,
    tables: &Tables,
    model: &ReportModel,
    f: &Formats,
) -> Result<(), XlsxError> {
    let lang = model.lang;
    let ten = ten_segments(&tables.portfolio);
    let loyal = [Tier::Loyal as usize, Tier::Loyal as usize + 5];
    let mut g = Grid::new(ws, name)?;
    g.loose(
        0,
        0,
        lang.pick(
            "獲得コホートのうち優良(現役+離脱、超優良を含む)にいる人数、初回購入月から k か月後の月末",
            "Members of each cohort in the loyal tier (active or lapsed, super-loyal included) at the month-end k months after the first purchase",
        ),
        &f.note,
    )?;
    g.text(1, 0, lang.pick("獲得月", "Cohort"), &f.header)?;
    g.text(1, 1, lang.pick("獲得人数", "Cohort size"), &f.header)?;
    for k in 0..LADDER_MONTHS {
        let head = match lang {
            Lang::Ja => format!("{k}か月後"),
            Lang::En => format!("month {k}"),
        };
        g.text(1, 2 + k as u16, &head, &f.header)?;
    }
    for (i, c) in ten.ladder.iter().enumerate() {
        let row = 2 + i as u32;
        g.date(row, 0, first_day_of_month(c.cohort_month), &f.month)?;
        g.number(row, 1, c.size as f64, &f.count)?;
        for (k, counts) in c.counts.iter().enumerate() {
            g.number(
                row,
                2 + k as u16,
                loyal.iter().map(|&s| counts[s]).sum::<u64>() as f64,
                &f.count,
            )?;
        }
    }
    g.ws.set_freeze_panes(2, 1)?;
    g.finish()
}

/// 売上: net sales dated in each month, by the customers' segment at its
/// end, and the total; to the right, the same by tier (現役 + 離脱) for the
/// CPM scheme, and a stacked column chart by tier (by state in the
/// lifecycle scheme), as pasted into slides.
pub fn sales(
    ws: &mut Worksheet,
    name: &str,
    tables: &Tables,
    model: &ReportModel,
    f: &Formats,
) -> Result<(), XlsxError> {
    let lang = model.lang;
    let p = &tables.portfolio;
    let n = p.labels.len();
    let mut g = Grid::new(ws, name)?;
    g.text(0, 0, lang.pick("月末", "Month-end"), &f.header)?;
    for s in 0..n {
        g.text(0, 1 + s as u16, segment_name(p, s, lang), &f.header)?;
    }
    g.text(0, 1 + n as u16, lang.pick("合計", "Total"), &f.header)?;
    let units = |m: i128| m as f64 / crate::money::SCALE as f64;
    let layout = CpmLayout::of(&p.labels);
    let tier_col = 3 + n as u16;
    if let Some(layout) = layout {
        for (k, (ja, en)) in CPM_TIER_NAMES[..layout.tiers].iter().enumerate() {
            let head = match lang {
                Lang::Ja => format!("{ja}(現役+離脱)"),
                Lang::En => format!("{en} (active + lapsed)"),
            };
            g.text(0, tier_col + k as u16, &head, &f.header)?;
        }
    }
    for (t, &day) in p.snapshot_days.iter().enumerate() {
        let row = 1 + t as u32;
        g.date(row, 0, day, &f.date)?;
        for s in 0..n {
            g.number(row, 1 + s as u16, units(p.sales[t][s]), &f.money)?;
        }
        g.number(row, 1 + n as u16, units(p.sales[t].iter().sum()), &f.money)?;
        if let Some(layout) = layout {
            for k in 0..layout.tiers {
                let both = p.sales[t][k] + p.sales[t][k + layout.tiers];
                g.number(row, tier_col + k as u16, units(both), &f.money)?;
            }
        }
    }
    let last = p.snapshot_days.len() as u32;
    if last > 0 {
        let mut chart = Chart::new(ChartType::ColumnStacked);
        let series: Vec<(u16, Color)> = match layout {
            Some(layout) => (0..layout.tiers)
                .map(|k| (tier_col + k as u16, segment_color(p, k)))
                .collect(),
            None => (0..n).map(|s| (1 + s as u16, segment_color(p, s))).collect(),
        };
        for (col, color) in series {
            chart
                .add_series()
                .set_name((name, 0, col))
                .set_categories((name, 1, 0, last, 0))
                .set_values((name, 1, col, last, col))
                .set_format(&mut fill(color))
                .set_gap(40);
        }
        chart.title().set_name(match layout {
            Some(_) => lang.pick("月別の売上(段階別、円)", "Sales by month and tier (yen)"),
            None => lang.pick("月別の売上(状態別、円)", "Sales by month and state (yen)"),
        });
        chart.x_axis().set_num_format("yyyy-mm");
        chart.y_axis().set_num_format("#,##0");
        chart.set_width(960).set_height(440);
        let right = match layout {
            Some(layout) => tier_col + layout.tiers as u16 + 1,
            None => tier_col,
        };
        g.ws.insert_chart(1, right, &chart)?;
    }
    g.ws.set_freeze_panes(1, 1)?;
    g.finish()
}
