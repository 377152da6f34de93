//! サマリー: the KPI cards as cells (this month, last month, change, a year
//! ago and the change since, target, plan, mark), the activity table
//! (purchase days, buyers, average order value, sales against last month
//! and a year ago) and the portfolio table as the analyst draws it — tiers
//! across, 現役 above 離脱, counts, 構成比 and 前月比 — in the tiers' colours.

use rust_xlsxwriter::{Format, FormatAlign, Worksheet, XlsxError};

use super::cells::{Formats, Grid, rgb};
use crate::dates::format_month;
use crate::engine::kpi;
use crate::engine::segments::CpmLayout;
use crate::plan::{Metric, PlanRow};
use crate::report::charts::style::{ink_on, lifecycle_color, segment_color_in};
use crate::report::model::ReportModel;
use crate::report::model::activity::ActivityTable;
use crate::report::model::year_ago;
use crate::tables::Tables;

/// Row of the KPI table's header; the portfolio table starts after the KPIs.
pub(crate) const KPI_HEADER_ROW: u32 = 3;

/// One KPI line: name, value, previous, a year ago, is a rate, target,
/// plan metric and month.
struct Kpi {
    name: String,
    value: Option<f64>,
    prev: Option<f64>,
    year_ago: Option<f64>,
    rate: bool,
    target: Option<f64>,
    plan: Option<(Metric, i32)>,
    mark: Option<bool>,
}

fn kpis(tables: &Tables, model: &ReportModel) -> Vec<Kpi> {
    let lang = model.lang;
    let l = |ja: &str, en: &str| lang.pick(ja, en).to_string();
    let config = &tables.config;
    let month = crate::dates::month_of(model.as_of);
    let mark = |i: usize| model.cards.get(i).and_then(|c| c.on_track);
    let n = |v: u64| Some(v as f64);
    let p = &tables.portfolio;
    let ago_t = year_ago::index(model.t);
    if let Some(k) = model.kpis.cpm() {
        let ago = ago_t.map(|s| kpi::cpm_at(p, s, config.rules.toddler_days));
        let conv_name = match &k.conversion {
            Some(c) => format!(
                "{} ({})",
                l("初回→よちよち転換率", "First → toddler conversion"),
                format_month(c.cohort_month)
            ),
            None => l("初回→よちよち転換率", "First → toddler conversion"),
        };
        vec![
            Kpi {
                name: conv_name,
                value: k.conversion.as_ref().map(|c| c.rate),
                prev: k.conversion_prev.as_ref().map(|c| c.rate),
                year_ago: k
                    .conversion
                    .as_ref()
                    .and_then(|c| year_ago::cohort(p, c))
                    .map(|c| c.rate),
                rate: true,
                target: Some(config.conversion_target),
                plan: k.conversion.as_ref().map(|c| (Metric::ConversionRate, c.cohort_month)),
                mark: mark(0),
            },
            Kpi {
                name: l("優良現役の比率(現役顧客中)", "Loyal share of active customers"),
                value: Some(k.loyal_share),
                prev: k.loyal_share_prev,
                year_ago: ago.as_ref().map(|a| a.loyal_share),
                rate: true,
                target: Some(config.loyal_share_target),
                plan: Some((Metric::LoyalActiveShare, month)),
                mark: mark(1),
            },
            Kpi {
                name: l("現役顧客数", "Active customers"),
                value: n(k.active),
                prev: k.active_prev.map(|v| v as f64),
                year_ago: ago.as_ref().map(|a| a.active as f64),
                rate: false,
                target: None,
                plan: Some((Metric::Active, month)),
                mark: mark(2),
            },
            Kpi {
                name: l("今月離脱した優良客", "Loyal customers lapsed this month"),
                value: k.newly_lapsed_loyal.map(|v| v as f64),
                prev: k.newly_lapsed_loyal_prev.map(|v| v as f64),
                year_ago: ago.as_ref().and_then(|a| a.newly_lapsed_loyal).map(|v| v as f64),
                rate: false,
                target: None,
                plan: None,
                mark: mark(3),
            },
            Kpi {
                name: l("顧客数(全体)", "Customers (all)"),
                value: n(k.customers),
                prev: None,
                year_ago: ago.as_ref().map(|a| a.customers as f64),
                rate: false,
                target: None,
                plan: None,
                mark: None,
            },
        ]
    } else if let Some(k) = model.kpis.lifecycle() {
        let ago = ago_t.map(|s| kpi::lifecycle_at(p, s, config.rules.toddler_days));
        let count = |name: String, v: u64, prev: Option<u64>, then: Option<u64>| Kpi {
            name,
            value: n(v),
            prev: prev.map(|v| v as f64),
            year_ago: then.map(|v| v as f64),
            rate: false,
            target: None,
            plan: None,
            mark: None,
        };
        vec![
            count(
                l("継続系(休眠・休眠予備軍以外)", "Engaged (not at risk or dormant)"),
                k.engaged,
                k.engaged_prev,
                ago.as_ref().map(|a| a.engaged),
            ),
            Kpi {
                name: l("継続系の比率", "Engaged share"),
                value: Some(k.engaged_share()),
                prev: k.engaged_share_prev(&tables.portfolio),
                year_ago: ago.as_ref().map(|a| a.engaged_share()),
                rate: true,
                target: None,
                plan: None,
                mark: None,
            },
            count(l("優良(VIP)", "VIP"), k.vip, k.vip_prev, ago.as_ref().map(|a| a.vip)),
            count(
                l("休眠予備軍", "At risk"),
                k.at_risk,
                k.at_risk_prev,
                ago.as_ref().map(|a| a.at_risk),
            ),
            count(l("休眠", "Dormant"), k.dormant, None, ago.as_ref().map(|a| a.dormant)),
            Kpi {
                name: l("今月の復活", "Winbacks this month"),
                value: k.winbacks.map(|v| v as f64),
                prev: k.winbacks_prev.map(|v| v as f64),
                year_ago: ago.as_ref().and_then(|a| a.winbacks).map(|v| v as f64),
                rate: false,
                target: None,
                plan: None,
                mark: None,
            },
            Kpi {
                name: l("初回→2回目転換率", "First → second purchase"),
                value: k.conversion.as_ref().map(|c| c.rate),
                prev: None,
                year_ago: k
                    .conversion
                    .as_ref()
                    .and_then(|c| year_ago::cohort(p, c))
                    .map(|c| c.rate),
                rate: true,
                target: Some(config.conversion_target),
                plan: k.conversion.as_ref().map(|c| (Metric::ConversionRate, c.cohort_month)),
                mark: None,
            },
            count(
                l("顧客数(全体)", "Customers (all)"),
                k.customers,
                None,
                ago.as_ref().map(|a| a.customers),
            ),
        ]
    } else {
        Vec::new()
    }
}

pub(crate) fn summary(
    ws: &mut Worksheet,
    name: &str,
    tables: &Tables,
    model: &ReportModel,
    plan: Option<&[PlanRow]>,
    f: &Formats,
) -> Result<(), XlsxError> {
    let lang = model.lang;
    let l = |ja: &'static str, en: &'static str| lang.pick(ja, en);
    let mut g = Grid::new(ws, name)?;
    g.loose(0, 0, &model.title, &f.title)?;
    g.loose(1, 0, l("基準日", "As of"), &f.note)?;
    g.date(1, 1, model.as_of, &f.date)?;
    let r = KPI_HEADER_ROW;
    g.header(
        r,
        0,
        &[
            l("指標", "KPI"),
            l("今月", "This month"),
            l("前月", "Last month"),
            l("増減", "Change"),
            l("前年同月", "A year ago"),
            l("前年同月比", "vs a year ago"),
            l("目標", "Target"),
            l("目標差", "vs target"),
            l("計画", "Plan"),
            l("計画比", "vs plan"),
            l("判定", "Mark"),
        ],
        f,
    )?;
    let list = kpis(tables, model);
    for (i, k) in list.iter().enumerate() {
        let row = r + 1 + i as u32;
        let (vf, df) = if k.rate {
            (&f.percent, &f.points)
        } else {
            (&f.count, &f.signed)
        };
        g.text(row, 0, &k.name, &f.text)?;
        if let Some(v) = k.value {
            g.number(row, 1, v, vf)?;
        }
        if let Some(p) = k.prev {
            g.number(row, 2, p, vf)?;
        }
        if let (Some(v), Some(p)) = (k.value, k.prev) {
            g.number(row, 3, v - p, df)?;
        }
        if let Some(y) = k.year_ago {
            g.number(row, 4, y, vf)?;
            if let Some(v) = k.value {
                g.number(row, 5, v - y, df)?;
            }
        }
        if let Some(t) = k.target {
            g.number(row, 6, t, vf)?;
            if let Some(v) = k.value {
                g.number(row, 7, v - t, &f.points)?;
            }
        }
        let planned = k
            .plan
            .and_then(|(m, month)| plan?.iter().find(|p| p.metric == m && p.month == month));
        if let Some(p) = planned {
            g.number(row, 8, p.plan, vf)?;
            if k.rate {
                g.number(row, 9, p.difference(), &f.points)?;
            } else if let Some(ratio) = p.ratio() {
                g.number(row, 9, ratio, &f.percent)?;
            }
        }
        let mark = match k.mark {
            Some(true) => "○",
            Some(false) => "×",
            None => "-",
        };
        g.text(row, 10, mark, &f.text.clone().set_align(FormatAlign::Center))?;
    }
    let mut top = r + list.len() as u32 + 2;
    if ago_missing(model) {
        g.loose(top - 1, 0, &year_ago::missing(lang), &f.note)?;
        top += 1;
    }
    if let Some(a) = &model.activity {
        top = activity_table(&mut g, top, a, f)? + 1;
    }
    portfolio_table(&mut g, top, tables, model, f)?;
    g.finish()
}

/// The report month has no month-end a year before it.
fn ago_missing(model: &ReportModel) -> bool {
    year_ago::index(model.t).is_none()
}

/// The activity table from `top`: a title, the heads, the month-ends as
/// dates, then one line per item (counts, or money in units; the changes as
/// percentages), then its notes. Returns the first row after it.
fn activity_table(g: &mut Grid, top: u32, a: &ActivityTable, f: &Formats) -> Result<u32, XlsxError> {
    g.loose(top, 0, &a.title, &f.title)?;
    let heads: Vec<&str> = a.heads.iter().map(String::as_str).collect();
    g.header(top + 1, 0, &heads, f)?;
    g.text(top + 2, 0, "", &f.text)?;
    for (col, day) in [(1, Some(a.month_end)), (2, a.last), (4, a.year_ago)] {
        if let Some(d) = day {
            g.date(top + 2, col, d, &f.date)?;
        }
    }
    let mut row = top + 3;
    for line in &a.lines {
        let vf = if line.money { &f.money } else { &f.count };
        g.text(row, 0, &line.name, &f.text)?;
        for (col, v) in [(1, line.now), (2, line.last), (4, line.year_ago)] {
            if let Some(v) = v {
                g.number(row, col, v, vf)?;
            }
        }
        for (col, c) in [(3, line.vs_last()), (5, line.vs_year_ago())] {
            if let Some(c) = c {
                g.number(row, col, c, &f.points)?;
            }
        }
        row += 1;
    }
    for note in &a.notes {
        g.loose(row, 0, note, &f.note)?;
        row += 1;
    }
    Ok(row)
}

/// The portfolio at the report month-end: tiers across (CPM: 現役 above
/// 離脱; lifecycle: the six states), then 合計.
fn portfolio_table(g: &mut Grid, top: u32, tables: &Tables, model: &ReportModel, f: &Formats) -> Result<(), XlsxError> {
    let lang = model.lang;
    let l = |ja: &'static str, en: &'static str| lang.pick(ja, en);
    let p = &tables.portfolio;
    let t = model.t;
    let total: u64 = p.counts[t].iter().sum();
    g.loose(
        top,
        0,
        l("ポートフォリオ(今月末)", "Portfolio at the month-end"),
        &f.title,
    )?;
    let (columns, rows): (usize, Vec<(&str, Vec<usize>)>) = match CpmLayout::of(&p.labels) {
        Some(layout) => (
            layout.tiers,
            vec![
                (l("現役", "Active"), layout.active().collect()),
                (l("離脱", "Lapsed"), layout.lapsed().collect()),
            ],
        ),
        None => (
            p.labels.len(),
            vec![(l("顧客", "Customers"), (0..p.labels.len()).collect())],
        ),
    };
    let head = top + 1;
    g.text(head, 0, "", &f.header)?;
    g.text(head, 1, "", &f.header)?;
    for c in 0..columns {
        let color = match CpmLayout::of(&p.labels) {
            Some(layout) => segment_color_in(c, layout.tiers),
            None => lifecycle_color(c),
        };
        let name = match CpmLayout::of(&p.labels) {
            Some(layout) => crate::report::charts::style::tier_name(layout.split(c).0, lang),
            None => lang.pick(p.labels[c].ja, p.labels[c].en),
        };
        let hf = f
            .header
            .clone()
            .set_background_color(rgb(color))
            .set_font_color(rgb(ink_on(color)));
        g.text(head, 2 + c as u16, name, &hf)?;
    }
    g.text(head, 2 + columns as u16, l("合計", "Total"), &f.header)?;
    let mut row = head + 1;
    for (state, segments) in rows {
        let lines: [(&str, &Format); 3] = [
            (l("人数", "Customers"), &f.count),
            (l("構成比", "Share"), &f.percent),
            (l("前月比", "vs last month"), &f.signed),
        ];
        for (i, (what, format)) in lines.iter().enumerate() {
            g.text(row, 0, if i == 0 { state } else { "" }, &f.bold)?;
            g.text(row, 1, what, &f.text)?;
            let value = |segs: &mut dyn Iterator<Item = usize>| -> Option<f64> {
                let now: u64 = segs.map(|s| p.counts[t][s]).sum();
                match i {
                    0 => Some(now as f64),
                    1 => Some(if total == 0 { 0.0 } else { now as f64 / total as f64 }),
                    _ => None,
                }
            };
            let change = |segs: &[usize]| -> Option<f64> {
                let prev = t.checked_sub(1)?;
                Some(
                    segs.iter()
                        .map(|&s| p.counts[t][s] as f64 - p.counts[prev][s] as f64)
                        .sum(),
                )
            };
            for (c, &s) in segments.iter().enumerate() {
                let v = if i == 2 {
                    change(&[s])
                } else {
                    value(&mut std::iter::once(s))
                };
                if let Some(v) = v {
                    g.number(row, 2 + c as u16, v, format)?;
                }
            }
            let v = if i == 2 {
                change(&segments)
            } else {
                value(&mut segments.iter().copied())
            };
            if let Some(v) = v {
                g.number(row, 2 + columns as u16, v, format)?;
            }
            row += 1;
        }
    }
    Ok(())
}
