//! What the monthly report says, as data: KPI cards, the one-sentence
//! reading of each chart, the action plan and the follow-up lists. Built from
//! the [`Tables`] without I/O, so it can be tested and snapshotted.

use std::borrow::Cow;

use crate::config::{Config, Scheme};
use crate::dates::{Day, format_day, format_month, month_of, year_month};
use crate::engine::kpi::{self, CpmKpis, Kpis, LifecycleKpis};
use crate::engine::portfolio::{CustomerState, LadderCohort, Portfolio, TransitionMatrix};
use crate::engine::segments::{CPM_LABELS, CPM_TIERS, CpmLayout, Tier, cpm_segment};
use crate::money::round_units;
use crate::report::chart_kind::Chart;
use crate::tables::Tables;
use crate::text::format::{count, percent, points, signed, thousands};
use crate::text::lang::{Lang, by_lang};

pub(crate) mod activity;
pub mod bridge;
pub mod by_group;
pub(crate) mod by_group_trend;
mod cpm;
pub(crate) mod forecast;
mod lifecycle;
pub(crate) mod plan;
pub(crate) mod year_ago;

/// One KPI card.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    pub title: String,
    pub value: String,
    /// Change against last month (or the previous cohort).
    pub change: String,
    /// 前年同月比: against the same month a year before (or the cohort
    /// acquired a year before), or a plain note that there is no such data.
    pub year_on_year: String,
    /// Against target, if the KPI has one.
    pub target: Option<String>,
    /// `true` when the card should be read as good news.
    pub on_track: Option<bool>,
}

/// A chart and the sentence that reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartSection {
    pub chart: Chart,
    /// File stem, e.g. `01_portfolio`.
    pub file: String,
    pub title: String,
    pub reading: String,
}

/// One row of the action plan.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionRow {
    pub segment: usize,
    pub name: String,
    pub customers: u64,
    pub communication: String,
    /// Planning response rate (CPM tiers, from the book); `None` for the
    /// lifecycle scheme, which has none.
    pub response_rate: Option<f64>,
    pub expected_responders: Option<f64>,
    pub priority: bool,
}

/// A follow-up customer list written to `lists/`.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerList {
    pub file: &'static str,
    pub title: String,
    pub why: String,
    /// Indexes into `Portfolio::customers`.
    pub customers: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReportModel {
    pub lang: Lang,
    pub title: String,
    pub month_label: String,
    pub as_of: Day,
    pub t: usize,
    pub scheme: Scheme,
    /// Customers at the report month-end.
    pub customers: u64,
    /// The scheme's KPIs at the report month-end.
    pub kpis: Kpis,
    pub cards: Vec<Card>,
    pub charts: Vec<ChartSection>,
    pub actions: Vec<ActionRow>,
    pub lists: Vec<CustomerList>,
    /// Notes on how to read the report (e.g. which charts merge 超優良 into 優良).
    pub notes: Vec<String>,
    /// Plan against actual (予実), when a plan was given.
    pub plan: Vec<crate::plan::PlanRow>,
    /// The breakdown section, with `--by`.
    pub breakdown: Option<by_group::ByGroup>,
    /// The forecast section, with `--forecast`.
    pub forecast: Option<forecast::ForecastView>,
    /// The activity table (purchase days, buyers, average order value,
    /// sales), from `activity.csv`; set by [`build`].
    pub activity: Option<activity::ActivityTable>,
}

/// What a scheme decides of its report model (see `report::scheme`). The
/// sections every scheme shares (the bridge, the activity table, the
/// breakdown) are added by [`build`]; the plan and the forecast by the
/// writer.
pub(crate) struct SchemeParts {
    pub(crate) scheme: Scheme,
    pub(crate) title: String,
    /// Customers at the report month-end.
    pub(crate) customers: u64,
    pub(crate) kpis: Kpis,
    pub(crate) cards: Vec<Card>,
    pub(crate) charts: Vec<ChartSection>,
    pub(crate) actions: Vec<ActionRow>,
    pub(crate) lists: Vec<CustomerList>,
    pub(crate) notes: Vec<String>,
}

impl SchemeParts {
    /// The report model of month-end `t`, before the shared sections.
    pub(crate) fn into_model(self, p: &Portfolio, t: usize, lang: Lang) -> ReportModel {
        ReportModel {
            lang,
            title: self.title,
            month_label: month_label(p.snapshot_days[t], lang),
            as_of: p.as_of,
            t,
            scheme: self.scheme,
            customers: self.customers,
            kpis: self.kpis,
            cards: self.cards,
            charts: self.charts,
            actions: self.actions,
            lists: self.lists,
            notes: self.notes,
            plan: Vec::new(),
            breakdown: None,
            forecast: None,
            activity: None,
        }
    }
}

pub fn month_label(day: Day, lang: Lang) -> String {
    let (y, m) = year_month(month_of(day));
    match lang {
        Lang::Ja => format!("{y}年{m}月"),
        Lang::En => {
            const NAMES: [&str; 12] = [
                "January",
                "February",
                "March",
                "April",
                "May",
                "June",
                "July",
                "August",
                "September",
                "October",
                "November",
                "December",
            ];
            format!("{} {y}", NAMES[m as usize - 1])
        }
    }
}

fn active(p: &Portfolio, t: usize) -> u64 {
    p.counts[t][..CPM_TIERS].iter().sum()
}

/// The ten-segment view of a twelve-segment portfolio: 超優良 counted in
/// 優良, for the charts and readings drawn on ten segments (funnel, cohort
/// ladder, sales). Per-customer states are left out (the charts do not
/// use them).
pub(crate) fn merge_super(p: &Portfolio) -> Portfolio {
    let Some(layout) = CpmLayout::of(&p.labels).filter(|l| l.has_super()) else {
        return Portfolio {
            customers: Vec::new(),
            ids: Default::default(),
            ..p.clone()
        };
    };
    let n = CPM_LABELS.len();
    let fold_u = |row: &[u64]| {
        let mut out = vec![0u64; n];
        for (s, &v) in row.iter().enumerate() {
            out[layout.merged(s)] += v;
        }
        out
    };
    let fold_i = |row: &[i128]| {
        let mut out = vec![0i128; n];
        for (s, &v) in row.iter().enumerate() {
            out[layout.merged(s)] += v;
        }
        out
    };
    let transitions = p
        .transitions
        .iter()
        .map(|m| {
            let mut cells = vec![vec![0u64; n]; n + 1];
            for (from, row) in m.cells.iter().enumerate() {
                let from = if from == m.new_row() { n } else { layout.merged(from) };
                for (to, &v) in row.iter().enumerate() {
                    cells[from][layout.merged(to)] += v;
                }
            }
            TransitionMatrix {
                from_day: m.from_day,
                to_day: m.to_day,
                cells,
            }
        })
        .collect();
    Portfolio {
        labels: CPM_LABELS.to_vec(),
        snapshot_days: p.snapshot_days.clone(),
        counts: p.counts.iter().map(|r| fold_u(r)).collect(),
        sales: p.sales.iter().map(|r| fold_i(r)).collect(),
        cumulative_sales: p.cumulative_sales.iter().map(|r| fold_i(r)).collect(),
        transitions,
        conversion: p.conversion.clone(),
        ladder: p
            .ladder
            .iter()
            .map(|c| LadderCohort {
                cohort_month: c.cohort_month,
                size: c.size,
                counts: c.counts.iter().map(|r| fold_u(r)).collect(),
            })
            .collect(),
        customers: Vec::new(),
        ids: Default::default(),
        as_of: p.as_of,
    }
}

/// The portfolio the ten-segment charts draw: itself, or with 超優良 merged.
pub(crate) fn ten_segments(p: &Portfolio) -> Cow<'_, Portfolio> {
    match CpmLayout::of(&p.labels) {
        Some(l) if l.has_super() => Cow::Owned(merge_super(p)),
        _ => Cow::Borrowed(p),
    }
}

/// The report model of the tables, by their scheme.
pub fn build(tables: &Tables, lang: Lang) -> ReportModel {
    let mut model = crate::report::scheme::of(&tables.config).model(&tables.portfolio, &tables.config, lang);
    model
        .charts
        .extend(bridge::section(&tables.portfolio, model.scheme, model.t, lang));
    model.activity = Some(activity::table(tables, model.t, lang));
    model.breakdown = by_group::build(tables, model.t, lang);
    if let Some(b) = &model.breakdown {
        let scheme_charts: &[Chart] = match model.scheme {
            Scheme::Cpm => &Chart::CPM,
            Scheme::Lifecycle => &Chart::LIFECYCLE,
        };
        model.charts.push(ChartSection {
            chart: Chart::ByGroup,
            file: Chart::ByGroup.file_stem(scheme_charts),
            title: by_lang!(
                lang,
                "{} 別の初回→よちよち転換率",
                "First → toddler conversion by {}",
                b.column
            ),
            reading: b.rate_reading.clone(),
        });
        model.charts.push(ChartSection {
            chart: Chart::ByGroupTrend,
            file: Chart::ByGroupTrend.file_stem(scheme_charts),
            title: by_lang!(
                lang,
                "{} 別の初回→よちよち転換率(獲得月別の推移)",
                "First → toddler conversion by {}, by acquisition month",
                b.column
            ),
            reading: b.trend.reading.clone(),
        });
    }
    model
}
