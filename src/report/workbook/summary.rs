//! サマリー: the KPI cards as cells (this month, last month, change, a year
//! ago and the change since, target, plan, mark), the activity table
//! (purchase days, buyers, average order value, sales against last month
//! and a year ago) and the portfolio table as the analyst draws it — tiers
//! across, 現役 above 離脱, counts, 構成比 and 前月比 — in the tiers' colours.

use rust_xlsxwriter::{Format, FormatAlign, XlsxError};

use super::Ctx;
use super::cells::{Cell, Formats, Grid, rgb};
use crate::dates::format_month;
use crate::engine::kpi::{self, CpmKpis, LifecycleKpis};
use crate::engine::portfolio::{CohortConversion, Portfolio};
use crate::engine::segments::CpmLayout;
use crate::plan::{Metric, PlanRow};
use crate::report::charts::style::{ink_on, lifecycle_color, segment_color_in, tier_name};
use crate::report::model::activity::ActivityTable;
use crate::report::model::year_ago;

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

impl Kpi {
    /// A count (this month, last month, a year ago), without target, plan
    /// or mark.
    fn count(name: String, value: Option<u64>, prev: Option<u64>, year_ago: Option<u64>) -> Kpi {
        let f = |v: Option<u64>| v.map(|v| v as f64);
        Kpi::line(name, f(value), f(prev), f(year_ago), false)
    }

    /// A rate, without target, plan or mark.
    fn rate(name: String, value: Option<f64>, prev: Option<f64>, year_ago: Option<f64>) -> Kpi {
        Kpi::line(name, value, prev, year_ago, true)
    }

    fn line(name: String, value: Option<f64>, prev: Option<f64>, year_ago: Option<f64>, rate: bool) -> Kpi {
        Kpi {
            name,
            value,
            prev,
            year_ago,
            rate,
            target: None,
            plan: None,
            mark: None,
        }
    }

    fn target(self, target: f64) -> Kpi {
        Kpi {
            target: Some(target),
            ..self
        }
    }

    fn plan(self, plan: Option<(Metric, i32)>) -> Kpi {
        Kpi { plan, ..self }
    }

    fn mark(self, mark: Option<bool>) -> Kpi {
        Kpi { mark, ..self }
    }
}

/// The rate of the cohort a year before `c`'s.
fn conversion_year_ago(p: &Portfolio, c: Option<&CohortConversion>) -> Option<f64> {
    c.and_then(|c| year_ago::cohort(p, c)).map(|c| c.rate)
}

/// The conversion KPI's plan row: the rate planned for its cohort month.
fn conversion_plan(c: Option<&CohortConversion>) -> Option<(Metric, i32)> {
    c.map(|c| (Metric::ConversionRate, c.cohort_month))
}

fn kpis(c: &Ctx<'_>) -> Vec<Kpi> {
    if let Some(k) = c.model.kpis.cpm() {
        cpm_kpis(c, k)
    } else if let Some(k) = c.model.kpis.lifecycle() {
        lifecycle_kpis(c, k)
    } else {
        Vec::new()
    }
}

/// The CPM scheme's KPIs, marked as the report's cards are.
fn cpm_kpis(c: &Ctx<'_>, k: &CpmKpis) -> Vec<Kpi> {
    let l = |ja: &str, en: &str| c.lang.pick(ja, en).to_string();
    let config = &c.tables.config;
    let p = &c.tables.portfolio;
    let month = crate::dates::month_of(c.model.as_of);
    let mark = |i: usize| c.model.cards.get(i).and_then(|c| c.on_track);
    let ago = year_ago::index(c.model.t).map(|s| kpi::cpm_at(p, s, config.rules.toddler_days));
    let conv_name = match &k.conversion {
        Some(conv) => format!(
            "{} ({})",
            l("初回→よちよち転換率", "First → toddler conversion"),
            format_month(conv.cohort_month)
        ),
        None => l("初回→よちよち転換率", "First → toddler conversion"),
    };
    vec![
        Kpi::rate(
            conv_name,
            k.conversion.as_ref().map(|c| c.rate),
            k.conversion_prev.as_ref().map(|c| c.rate),
            conversion_year_ago(p, k.conversion.as_ref()),
        )
        .target(config.conversion_target)
        .plan(conversion_plan(k.conversion.as_ref()))
        .mark(mark(0)),
        Kpi::rate(
            l("優良現役の比率(現役顧客中)", "Loyal share of active customers"),
            Some(k.loyal_share),
            k.loyal_share_prev,
            ago.as_ref().map(|a| a.loyal_share),
        )
        .target(config.loyal_share_target)
        .plan(Some((Metric::LoyalActiveShare, month)))
        .mark(mark(1)),
        Kpi::count(
            l("現役顧客数", "Active customers"),
            Some(k.active),
            k.active_prev,
            ago.as_ref().map(|a| a.active),
        )
        .plan(Some((Metric::Active, month)))
        .mark(mark(2)),
        Kpi::count(
            l("今月離脱した優良客", "Loyal customers lapsed this month"),
            k.newly_lapsed_loyal,
            k.newly_lapsed_loyal_prev,
            ago.as_ref().and_then(|a| a.newly_lapsed_loyal),
        )
        .mark(mark(3)),
        Kpi::count(
            l("顧客数(全体)", "Customers (all)"),
            Some(k.customers),
            None,
            ago.as_ref().map(|a| a.customers),
        ),
    ]
}

/// The lifecycle scheme's KPIs (no marks).
fn lifecycle_kpis(c: &Ctx<'_>, k: &LifecycleKpis) -> Vec<Kpi> {
    let l = |ja: &str, en: &str| c.lang.pick(ja, en).to_string();
    let config = &c.tables.config;
    let p = &c.tables.portfolio;
    let ago = year_ago::index(c.model.t).map(|s| kpi::lifecycle_at(p, s, config.rules.toddler_days));
    vec![
        Kpi::count(
            l("継続系(休眠・休眠予備軍以外)", "Engaged (not at risk or dormant)"),
            Some(k.engaged),
            k.engaged_prev,
            ago.as_ref().map(|a| a.engaged),
        ),
        Kpi::rate(
            l("継続系の比率", "Engaged share"),
            Some(k.engaged_share()),
            k.engaged_share_prev(p),
            ago.as_ref().map(|a| a.engaged_share()),
        ),
        Kpi::count(
            l("優良(VIP)", "VIP"),
            Some(k.vip),
            k.vip_prev,
            ago.as_ref().map(|a| a.vip),
        ),
        Kpi::count(
            l("休眠予備軍", "At risk"),
            Some(k.at_risk),
            k.at_risk_prev,
            ago.as_ref().map(|a| a.at_risk),
        ),
        Kpi::count(
            l("休眠", "Dormant"),
            Some(k.dormant),
            None,
            ago.as_ref().map(|a| a.dormant),
        ),
        Kpi::count(
            l("今月の復活", "Winbacks this month"),
            k.winbacks,
            k.winbacks_prev,
            ago.as_ref().and_then(|a| a.winbacks),
        ),
        Kpi::rate(
            l("初回→2回目転換率", "First → second purchase"),
            k.conversion.as_ref().map(|c| c.rate),
            None,
            conversion_year_ago(p, k.conversion.as_ref()),
        )
        .target(config.conversion_target)
        .plan(conversion_plan(k.conversion.as_ref())),
        Kpi::count(
            l("顧客数(全体)", "Customers (all)"),
            Some(k.customers),
            None,
            ago.as_ref().map(|a| a.customers),
        ),
    ]
}

/// サマリー: the title and as-of date, the KPI table, then the activity and
/// portfolio tables below it.
pub(crate) fn summary(g: &mut Grid<'_>, c: &Ctx<'_>) -> Result<(), XlsxError> {
    let f = &c.f;
    g.loose(0, 0, &c.model.title, &f.title)?;
    g.loose(1, 0, c.l("基準日", "As of"), &f.note)?;
    g.date(1, 1, c.model.as_of, &f.date)?;
    let mut top = kpi_table(g, c)? + 1;
    if ago_missing(c) {
        g.loose(top - 1, 0, &year_ago::missing(c.lang), &f.note)?;
        top += 1;
    }
    if let Some(a) = &c.model.activity {
        top = activity_table(g, top, a, f)? + 1;
    }
    portfolio_table(g, top, c)
}

/// The KPI table at [`KPI_HEADER_ROW`]; returns the row after it.
fn kpi_table(g: &mut Grid<'_>, c: &Ctx<'_>) -> Result<u32, XlsxError> {
    let header = [
        c.l("指標", "KPI"),
        c.l("今月", "This month"),
        c.l("前月", "Last month"),
        c.l("増減", "Change"),
        c.l("前年同月", "A year ago"),
        c.l("前年同月比", "vs a year ago"),
        c.l("目標", "Target"),
        c.l("目標差", "vs target"),
        c.l("計画", "Plan"),
        c.l("計画比", "vs plan"),
        c.l("判定", "Mark"),
    ];
    let list = kpis(c);
    let center = c.f.text.clone().set_align(FormatAlign::Center);
    let rows = list.iter().map(|k| {
        let planned = k
            .plan
            .and_then(|(m, month)| c.plan?.iter().find(|p| p.metric == m && p.month == month));
        kpi_row(k, planned, &c.f, &center)
    });
    g.table(KPI_HEADER_ROW, 0, &header, rows, &c.f)
}

/// One KPI's cells: the value, last month's, a year ago's, the target's
/// and the plan's, each with its difference, then the mark.
fn kpi_row<'a>(k: &'a Kpi, planned: Option<&PlanRow>, f: &'a Formats, center: &'a Format) -> Vec<Cell<'a>> {
    let (vf, df) = if k.rate {
        (&f.percent, &f.points)
    } else {
        (&f.count, &f.signed)
    };
    let num = |v: Option<f64>, format| v.map_or(Cell::Empty, |v| Cell::Number(v, format));
    let diff = |other: Option<f64>, format| num(k.value.zip(other).map(|(v, o)| v - o), format);
    let vs_plan = planned.and_then(|p| match k.rate {
        true => Some(Cell::Number(p.difference(), &f.points)),
        false => p.ratio().map(|ratio| Cell::Number(ratio, &f.percent)),
    });
    let mark = match k.mark {
        Some(true) => "○",
        Some(false) => "×",
        None => "-",
    };
    vec![
        Cell::Text(&k.name, &f.text),
        num(k.value, vf),
        num(k.prev, vf),
        diff(k.prev, df),
        num(k.year_ago, vf),
        diff(k.year_ago, df),
        num(k.target, vf),
        diff(k.target, &f.points),
        num(planned.map(|p| p.plan), vf),
        vs_plan.unwrap_or(Cell::Empty),
        Cell::Text(mark, center),
    ]
}

/// The report month has no month-end a year before it.
fn ago_missing(c: &Ctx<'_>) -> bool {
    year_ago::index(c.model.t).is_none()
}

/// The activity table from `top`: a title, the heads, the month-ends as
/// dates, then one line per item (counts, or money in units; the changes as
/// percentages), then its notes. Returns the first row after it.
fn activity_table(g: &mut Grid<'_>, top: u32, a: &ActivityTable, f: &Formats) -> Result<u32, XlsxError> {
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
fn portfolio_table(g: &mut Grid<'_>, top: u32, c: &Ctx<'_>) -> Result<(), XlsxError> {
    let p = &c.tables.portfolio;
    g.loose(
        top,
        0,
        c.l("ポートフォリオ(今月末)", "Portfolio at the month-end"),
        &c.f.title,
    )?;
    let layout = CpmLayout::of(&p.labels);
    let blocks: Vec<(&str, Vec<usize>)> = match layout {
        Some(layout) => vec![
            (c.l("現役", "Active"), layout.active().collect()),
            (c.l("離脱", "Lapsed"), layout.lapsed().collect()),
        ],
        None => vec![(c.l("顧客", "Customers"), (0..p.labels.len()).collect())],
    };
    let mut row = portfolio_head(g, top + 1, c, layout)?;
    for (state, segments) in blocks {
        row = portfolio_block(g, row, c, state, &segments)?;
    }
    Ok(())
}

/// The portfolio table's head row: the tiers (or states) in their colours,
/// then 合計. Returns the row after it.
fn portfolio_head(g: &mut Grid<'_>, head: u32, c: &Ctx<'_>, layout: Option<CpmLayout>) -> Result<u32, XlsxError> {
    let p = &c.tables.portfolio;
    let f = &c.f;
    let columns = layout.map_or(p.labels.len(), |layout| layout.tiers);
    let named: Vec<(&str, Format)> = (0..columns)
        .map(|col| {
            let (color, name) = match layout {
                Some(layout) => (
                    segment_color_in(col, layout.tiers),
                    tier_name(layout.split(col).0, c.lang),
                ),
                None => (lifecycle_color(col), c.lang.pick(p.labels[col].ja, p.labels[col].en)),
            };
            let hf = f
                .header
                .clone()
                .set_background_color(rgb(color))
                .set_font_color(rgb(ink_on(color)));
            (name, hf)
        })
        .collect();
    let mut cells = vec![Cell::Text("", &f.header), Cell::Text("", &f.header)];
    cells.extend(named.iter().map(|(name, hf)| Cell::Text(name, hf)));
    cells.push(Cell::Text(c.l("合計", "Total"), &f.header));
    g.table(head, 0, &[], [cells], f)
}

/// The three lines of one block (現役, 離脱, or all customers) — 人数,
/// 構成比 and 前月比 — for each of its `segments` and their total. Returns
/// the row after them.
fn portfolio_block(g: &mut Grid<'_>, top: u32, c: &Ctx<'_>, state: &str, segments: &[usize]) -> Result<u32, XlsxError> {
    let f = &c.f;
    let lines: [(Figure, &str, &Format); 3] = [
        (Figure::Customers, c.l("人数", "Customers"), &f.count),
        (Figure::Share, c.l("構成比", "Share"), &f.percent),
        (Figure::Change, c.l("前月比", "vs last month"), &f.signed),
    ];
    let rows = lines.iter().map(|&(figure, what, format)| {
        let value = |segs: &[usize]| {
            figure
                .of(&c.tables.portfolio, c.model.t, segs)
                .map_or(Cell::Empty, |v| Cell::Number(v, format))
        };
        let state = if figure == Figure::Customers { state } else { "" };
        let mut cells = vec![Cell::Text(state, &f.bold), Cell::Text(what, &f.text)];
        cells.extend(segments.iter().map(|&s| value(&[s])));
        cells.push(value(segments));
        cells
    });
    g.table(top, 0, &[], rows, f)
}

/// A line of the portfolio table.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Figure {
    Customers,
    Share,
    Change,
}

impl Figure {
    /// The figure for the segments `segs` at month-end `t` (no change at
    /// the first month-end).
    fn of(self, p: &Portfolio, t: usize, segs: &[usize]) -> Option<f64> {
        let now: u64 = segs.iter().map(|&s| p.counts[t][s]).sum();
        match self {
            Figure::Customers => Some(now as f64),
            Figure::Share => {
                let total: u64 = p.counts[t].iter().sum();
                Some(if total == 0 { 0.0 } else { now as f64 / total as f64 })
            }
            Figure::Change => {
                let prev = t.checked_sub(1)?;
                Some(
                    segs.iter()
                        .map(|&s| p.counts[t][s] as f64 - p.counts[prev][s] as f64)
                        .sum(),
                )
            }
        }
    }
}
