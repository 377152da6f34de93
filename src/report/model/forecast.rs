//! The report's forecast section (`cpm report --forecast DIR`), as data:
//! where the portfolio is heading, drawn from the files of `cpm forecast`
//! (read and checked by `forecast::files`) and the history of the tables.
//!
//! Why here: the sentences, the table and the chart's series are worked
//! out once, so the page, the chart and the workbook say the same thing.
//! The "active" lines are the 現役 segments (CPM) or every state but 休眠
//! (lifecycle); the focus is 優良現役 (CPM) or 優良 (Core/VIP).

use crate::config::Scheme;
use crate::dates::{Day, format_day};
use crate::engine::portfolio::Portfolio;
use crate::forecast::files::{Cell, FlowRow, ForecastFiles, TrackRow};
use crate::text::format::{percent, thousands};
use crate::text::lang::{Lang, by_lang};

/// Months of history the chart shows before the forecast.
pub(crate) const HISTORY_MONTHS: usize = 24;
/// The horizon the track record is read at (or the longest there is).
pub(crate) const TRACK_HORIZON: usize = 6;

/// One segment over the chart: its history and its forecast.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub segment: usize,
    pub name: String,
    pub history: Vec<u64>,
    pub forecast: Vec<Cell>,
}

/// One row of the section's table: now, and at each shown horizon.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub name: String,
    pub now: u64,
    pub at: Vec<Cell>,
    /// Under the scenario at the last month-end.
    pub scenario: Option<Cell>,
    /// A total row (現役計): no interval.
    pub total: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ForecastView {
    pub scheme: Scheme,
    pub history_days: Vec<Day>,
    pub month_ends: Vec<Day>,
    pub lines: Vec<Line>,
    pub focus: Line,
    /// The scenario's rate, the observed rate, and the focus segment under it.
    pub scenario: Option<(f64, f64, Vec<Cell>)>,
    /// Horizons (months ahead) shown in the table.
    pub horizons: Vec<usize>,
    pub rows: Vec<Row>,
    /// Every segment at every month-end, `[month][segment]` (and the scenario's).
    pub cells: Vec<Vec<Cell>>,
    pub scenario_cells: Option<Vec<Vec<Cell>>>,
    pub flow: Vec<FlowRow>,
    pub scenario_flow: Option<Vec<FlowRow>>,
    pub track: Option<Vec<TrackRow>>,
    pub reading: String,
    pub track_reading: String,
    pub interval_note: String,
}

fn seg_name(p: &Portfolio, s: usize, lang: Lang) -> String {
    lang.pick(p.labels[s].ja, p.labels[s].en).to_string()
}

/// The 現役 segments (CPM), or every state but 休眠 (lifecycle).
fn active_segments(p: &Portfolio, scheme: Scheme) -> Vec<usize> {
    (0..p.labels.len())
        .filter(|&s| match scheme {
            Scheme::Cpm => p.labels[s].id.ends_with("_active"),
            Scheme::Lifecycle => s != crate::engine::lifecycle::DORMANT,
        })
        .collect()
}

fn focus_segment(p: &Portfolio, scheme: Scheme) -> usize {
    let id = match scheme {
        Scheme::Cpm => "loyal_active",
        Scheme::Lifecycle => "vip",
    };
    p.labels.iter().position(|l| l.id == id).unwrap_or(0)
}

/// The section for the report as of snapshot `t` (the forecast's start:
/// checked by `forecast::files::check_against`).
pub(crate) fn build(f: &ForecastFiles, p: &Portfolio, t: usize, scheme: Scheme, lang: Lang) -> ForecastView {
    let window = t.saturating_sub(HISTORY_MONTHS - 1)..=t;
    let history_days = p.snapshot_days[window.clone()].to_vec();
    let line = |s: usize| Line {
        segment: s,
        name: seg_name(p, s, lang),
        history: p.counts[window.clone()].iter().map(|row| row[s]).collect(),
        forecast: f.baseline.cells.iter().map(|m| m[s]).collect(),
    };
    let actives = active_segments(p, scheme);
    let focus_s = focus_segment(p, scheme);
    let months = f.baseline.month_ends.len();
    let mut horizons: Vec<usize> = [3, 6, 12, months].into_iter().filter(|&h| h <= months).collect();
    horizons.dedup();
    let scenario = f.scenario.as_ref().map(|s| {
        (
            s.rate,
            s.observed,
            s.grid.cells.iter().map(|m| m[focus_s]).collect::<Vec<_>>(),
        )
    });
    let mut rows: Vec<Row> = (0..p.labels.len())
        .map(|s| Row {
            name: seg_name(p, s, lang),
            now: p.counts[t][s],
            at: horizons.iter().map(|&h| f.baseline.cells[h - 1][s]).collect(),
            scenario: f.scenario.as_ref().map(|sc| sc.grid.cells[months - 1][s]),
            total: false,
        })
        .collect();
    let sum = |cells: &dyn Fn(usize) -> u64| actives.iter().map(|&s| cells(s)).sum::<u64>();
    let total_cell = |m: &Vec<Cell>| {
        let n = actives.iter().map(|&s| m[s].customers).sum();
        Cell {
            customers: n,
            low: n,
            high: n,
        }
    };
    rows.push(Row {
        name: lang.pick(scheme_total(scheme).0, scheme_total(scheme).1).to_string(),
        now: sum(&|s| p.counts[t][s]),
        at: horizons.iter().map(|&h| total_cell(&f.baseline.cells[h - 1])).collect(),
        scenario: f.scenario.as_ref().map(|sc| total_cell(&sc.grid.cells[months - 1])),
        total: true,
    });
    let focus = line(focus_s);
    let reading = reading(
        &focus,
        &rows,
        &scenario,
        &f.baseline.month_ends,
        p.counts[t][focus_s],
        lang,
    );
    ForecastView {
        scheme,
        history_days,
        month_ends: f.baseline.month_ends.clone(),
        lines: actives.iter().map(|&s| line(s)).collect(),
        focus,
        scenario,
        horizons,
        rows,
        cells: f.baseline.cells.clone(),
        scenario_cells: f.scenario.as_ref().map(|s| s.grid.cells.clone()),
        flow: f.flow.clone(),
        scenario_flow: f.scenario.as_ref().map(|s| s.flow.clone()),
        track: f.track.clone(),
        reading,
        track_reading: track_reading(f.track.as_deref(), lang),
        interval_note: interval_note(lang),
    }
}

fn scheme_total(scheme: Scheme) -> (&'static str, &'static str) {
    match scheme {
        Scheme::Cpm => ("現役計", "Active, all tiers"),
        Scheme::Lifecycle => ("休眠以外の計", "All but dormant"),
    }
}

fn count(n: u64) -> String {
    thousands(i128::from(n))
}

/// "現状のままでは1年後の優良現役は 740 人(80% 区間 727〜754)…".
fn reading(
    focus: &Line,
    rows: &[Row],
    scenario: &Option<(f64, f64, Vec<Cell>)>,
    ends: &[Day],
    now: u64,
    lang: Lang,
) -> String {
    let months = ends.len();
    let last = focus.forecast[months - 1];
    let end = format_day(ends[months - 1]);
    let total = rows.last().expect("the total row");
    let (total_now, total_then) = (total.now, total.at.last().map_or(0, |c| c.customers));
    let when_ja = if months == 12 {
        "1年後".to_string()
    } else {
        format!("{months}か月後")
    };
    let name = &focus.name;
    let (then, low, high, now) = (count(last.customers), count(last.low), count(last.high), count(now));
    let mut out = by_lang!(
        lang,
        "現状のままでは{when_ja}({end})の{name}は {then} 人(80% 区間 {low}〜{high} 人、現在 {now} 人)",
        "If nothing changes, {name} will be {then} at {end} (80% interval {low}–{high}; {now} now)"
    );
    if let Some((rate, observed, cells)) = scenario {
        let (rate, observed) = (percent(*rate), percent(*observed));
        let with = count(cells[months - 1].customers);
        out += &by_lang!(
            lang,
            "、初回→よちよち転換率が {rate}(実績 {observed})なら {with} 人",
            "; with a first → toddler conversion of {rate} (observed {observed}), {with}"
        );
    }
    let (name, from, to) = (&total.name, count(total_now), count(total_then));
    out += &by_lang!(
        lang,
        "。{name}は {from} 人から {to} 人へ。",
        ". {name}: {from} now, {to} then."
    );
    out
}

/// "過去24回の6か月先予測の誤差は平均 5.6%…", or why there is none.
fn track_reading(track: Option<&[TrackRow]>, lang: Lang) -> String {
    let Some(row) = track.and_then(|t| t.get(TRACK_HORIZON.min(t.len()).saturating_sub(1))) else {
        return lang
            .pick(
                "予測の実績(バックテスト)はありません。cpm forecast に --backtest を付けると、過去の月末から同じ予測をやり直した誤差がここに出ます。",
                "No track record: run cpm forecast with --backtest to replay the forecast from earlier month-ends and show its error here.",
            )
            .to_string();
    };
    let (origins, horizon) = (row.origins, row.horizon);
    let (error, persistence, coverage) = (
        percent(row.segments),
        percent(row.segments_persistence),
        percent(row.coverage),
    );
    by_lang!(
        lang,
        "過去{origins}回の{horizon}か月先予測の誤差は区分の人数で平均 {error}(「人数は今のまま」とみた場合は {persistence})、実績が 80% 区間に入ったのは {coverage}。",
        "Over the last {origins} forecasts, the {horizon}-month-ahead error of the segment counts averaged {error} ({persistence} for \"counts stay as they are\"); {coverage} of the actual counts fell inside the 80% interval."
    )
}

fn interval_note(lang: Lang) -> String {
    lang.pick(
        "80% 区間は、購入のばらつき(シミュレーション)に、同じ予測を過去の月末からやり直したときの区分別・期間別の誤差を加えた幅です。平均の誤差はバックテスト(加重 MAPE: 誤差の絶対値の合計 ÷ 実績の合計)。",
        "The 80% interval adds to the spread of the simulated purchases the error that the same forecast made from earlier month-ends had, by segment and horizon. The average error is the backtest's weighted MAPE (sum of absolute errors over sum of actuals).",
    )
    .to_string()
}

/// Adds the section (and its chart) to a report model.
pub(crate) fn apply(model: &mut super::ReportModel, tables: &crate::tables::Tables, f: &ForecastFiles) {
    let view = build(f, &tables.portfolio, model.t, model.scheme, model.lang);
    let scheme_charts: &[super::Chart] = match model.scheme {
        Scheme::Cpm => &super::Chart::CPM,
        Scheme::Lifecycle => &super::Chart::LIFECYCLE,
    };
    model.charts.push(super::ChartSection {
        chart: super::Chart::Forecast,
        file: super::Chart::Forecast.file_stem(scheme_charts),
        title: model
            .lang
            .pick("この先の見通し(予測)", "Where the portfolio is heading (forecast)")
            .to_string(),
        reading: view.reading.clone(),
    });
    model.forecast = Some(view);
}
