//! The HTML tables the handout adds to the charts: the portfolio as the
//! analyst draws it (tiers across, 現役 above 離脱; the lifecycle states
//! across) for page one, and plan against actual (予実). The print layout
//! (A4 landscape, one chart a page) is [`PRINT_STYLE`].

use std::fmt::Write as _;

use super::html::escape;
use super::model::ReportModel;
use crate::dates::format_month;
use crate::engine::portfolio::Portfolio;
use crate::engine::segments::CpmLayout;
use crate::tables::Tables;
use crate::text::format::{percent, points, signed, thousands};
use crate::text::lang::Lang;

/// The handout: A4 landscape; page one the title, KPI cards and portfolio
/// table; then one chart with its reading a page; tables never split.
pub(crate) const PRINT_STYLE: &str = r#"
table.grid td.tier { color: #fff; font-weight: 700; text-align: center; }
table.grid th.state { width: 5em; }
table.grid td.sub, table.plan td.sub { color: var(--subtle); font-size: .85em; }
table.plan td, table.plan th { padding: 2px 6px; line-height: 1.3; }
table.plan tr.first td, table.plan tr.first th { border-top: 2px solid var(--line); }
.front h2 { margin-top: 16px; }
@page { size: A4 landscape; margin: 10mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; line-height: 1.45; }
  header h1 { font-size: 18pt; }
  .cards { grid-template-columns: repeat(4, 1fr); margin: 8px 0; }
  .card .value { font-size: 20pt; }
  section { break-inside: avoid; page-break-inside: avoid; }
  h2 { break-after: avoid; }
  a { color: inherit; text-decoration: none; }
  section.front { break-after: page; }
  section.chart { break-before: page; }
  /* A chart page is the printable height (A4 landscape less the margins):
     its title and reading on top, the chart as large as the page allows,
     centred in what is left; tables after it start on the next page. */
  section.chart > .page { height: 189mm; display: flex; flex-direction: column; break-inside: avoid; overflow: hidden; }
  section.chart > .page > * { flex: none; }
  section.chart h2 { margin-top: 0; font-size: 16pt; }
  section.chart .reading { font-size: 12.5pt; line-height: 1.5; margin: 2mm 0 3mm; }
  section.chart > .page > figure { flex: 1 1 0; min-height: 0; display: flex; align-items: center; justify-content: center; }
  section.chart figure img { width: auto; height: auto; max-width: 100%; max-height: 100%; display: block; }
  section.chart figcaption { display: none; }
  section.chart > .page + * { break-before: page; }
  /* The breakdown's wide tables (a column per segment) fit the page width:
     wider than the page, Chromium would shrink every page to fit. */
  table.by-group { font-size: 8pt; }
  table.by-group th { white-space: normal; }
  table.by-group td, table.by-group th { padding: 3px 4px; }
  body > footer { display: none; }
  section.table { break-before: page; }
  table, tr, .card { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
}
"#;

/// Column names, rows (state and its segments) and column colours.
type Layout = (
    Vec<String>,
    Vec<(&'static str, Vec<usize>)>,
    Vec<plotters::style::RGBColor>,
);

/// A line of the plan table: its label and how a month's cell reads.
type Line<'a> = (&'a str, &'a dyn Fn(&crate::plan::PlanRow) -> String);

/// The portfolio table at the report month-end (page one of the handout).
pub(crate) fn portfolio_table(model: &ReportModel, tables: &Tables) -> String {
    let lang = model.lang;
    let l = |ja: &'static str, en: &'static str| lang.pick(ja, en);
    let p = &tables.portfolio;
    let (columns, rows, colors) = layout(p, lang);
    let mut h = String::new();
    let _ = write!(
        h,
        "<h2>{}</h2>\n<table class=\"grid\">\n<thead><tr><th></th><th></th>",
        l("ポートフォリオ(今月末)", "Portfolio at the month-end")
    );
    for (name, c) in columns.iter().zip(&colors) {
        let _ = write!(
            h,
            "<td class=\"tier\" style=\"background:rgb({},{},{})\">{}</td>",
            c.0,
            c.1,
            c.2,
            escape(name)
        );
    }
    let _ = writeln!(h, "<th class=\"num\">{}</th></tr></thead>", l("合計", "Total"));
    for (state, segments) in rows {
        h += &state_rows(p, model.t, state, &segments, lang);
    }
    h.push_str("</table>\n");
    h
}

/// The table's columns, rows and colours: the CPM tiers across with 現役
/// above 離脱, or the lifecycle states across in one row.
fn layout(p: &Portfolio, lang: Lang) -> Layout {
    let l = |ja: &'static str, en: &'static str| lang.pick(ja, en);
    match CpmLayout::of(&p.labels) {
        Some(layout) => (
            (0..layout.tiers)
                .map(|c| crate::report::charts::style::tier_name(c, lang).to_string())
                .collect(),
            vec![
                (l("現役", "Active"), layout.active().collect()),
                (l("離脱", "Lapsed"), layout.lapsed().collect()),
            ],
            (0..layout.tiers)
                .map(crate::report::charts::style::tier_color)
                .collect(),
        ),
        None => (
            p.labels.iter().map(|s| lang.pick(s.ja, s.en).to_string()).collect(),
            vec![(l("顧客", "Customers"), (0..p.labels.len()).collect())],
            (0..p.labels.len())
                .map(crate::report::charts::style::lifecycle_color)
                .collect(),
        ),
    }
}

/// A row of the table's three lines: the customers, share of all and change
/// since last month of each of `segments`, then of their sum.
fn state_rows(p: &Portfolio, t: usize, state: &str, segments: &[usize], lang: Lang) -> String {
    let l = |ja: &'static str, en: &'static str| lang.pick(ja, en);
    let total: u64 = p.counts[t].iter().sum();
    let mut h = String::new();
    let now: u64 = segments.iter().map(|&s| p.counts[t][s]).sum();
    let change = |segs: &[usize]| {
        t.checked_sub(1).map_or("-".to_string(), |prev| {
            signed(
                segs.iter()
                    .map(|&s| p.counts[t][s] as i128 - p.counts[prev][s] as i128)
                    .sum(),
            )
        })
    };
    let share = |n: u64| percent(if total == 0 { 0.0 } else { n as f64 / total as f64 });
    let cells = |f: &dyn Fn(usize) -> String, all: String| {
        let mut r: String = segments
            .iter()
            .map(|&s| format!("<td class=\"num\">{}</td>", f(s)))
            .collect();
        r += &format!("<td class=\"num\"><strong>{all}</strong></td>");
        r
    };
    let _ = writeln!(
        h,
        "<tr><th class=\"state\" rowspan=\"3\">{}</th><td class=\"sub\">{}</td>{}</tr>",
        escape(state),
        l("人数", "Customers"),
        cells(&|s| thousands(i128::from(p.counts[t][s])), thousands(i128::from(now)))
    );
    let _ = writeln!(
        h,
        "<tr><td class=\"sub\">{}</td>{}</tr>",
        l("構成比", "Share"),
        cells(&|s| share(p.counts[t][s]), share(now))
    );
    let _ = writeln!(
        h,
        "<tr><td class=\"sub\">{}</td>{}</tr>",
        l("前月比", "vs last month"),
        cells(&|s| change(&[s]), change(segments))
    );
    h
}

/// 予実表 as the analyst lays it out: months across; for each metric its
/// plan, actual and 計画比 (or the difference in points, for rates) down.
pub(crate) fn plan_table(model: &ReportModel) -> String {
    if model.plan.is_empty() {
        return String::new();
    }
    let lang = model.lang;
    let l = |ja: &'static str, en: &'static str| lang.pick(ja, en);
    let mut months: Vec<i32> = model.plan.iter().map(|r| r.month).collect();
    months.sort_unstable();
    months.dedup();
    let mut h = String::new();
    let _ = write!(
        h,
        "<section class=\"table\">\n<h2>{}</h2>\n<table class=\"plan\">\n<thead><tr><th>{}</th><th></th>",
        l("予実表", "Plan vs actual, month by month"),
        l("指標", "Metric"),
    );
    for m in &months {
        let _ = write!(h, "<th class=\"num\">{}</th>", format_month(*m));
    }
    h.push_str("</tr></thead>\n");
    let mut metrics: Vec<crate::plan::Metric> = model.plan.iter().map(|r| r.metric).collect();
    metrics.dedup();
    for metric in metrics {
        let value = |v: f64| {
            if metric.is_rate() {
                percent(v)
            } else {
                thousands(v.round() as i128)
            }
        };
        let row_of = |m: i32| model.plan.iter().find(|r| r.metric == metric && r.month == m);
        let lines: [Line; 3] = [
            (l("計画", "Plan"), &|r| value(r.plan)),
            (l("実績", "Actual"), &|r| {
                let mark = if r.provisional { l("(暫定)", " (prov.)") } else { "" };
                format!("{}{mark}", value(r.actual))
            }),
            (
                if metric.is_rate() {
                    l("計画差", "vs plan")
                } else {
                    l("計画比", "vs plan")
                },
                &|r| {
                    if metric.is_rate() {
                        points(r.difference())
                    } else {
                        r.ratio().map_or("-".into(), percent)
                    }
                },
            ),
        ];
        for (i, (what, cell)) in lines.iter().enumerate() {
            if i == 0 {
                let _ = write!(
                    h,
                    "<tr class=\"first\"><th rowspan=\"3\">{}</th>",
                    escape(metric.name(lang))
                );
            } else {
                h.push_str("<tr>");
            }
            let _ = write!(h, "<td class=\"sub\">{what}</td>");
            for m in &months {
                let _ = write!(h, "<td class=\"num\">{}</td>", row_of(*m).map_or(String::new(), cell));
            }
            h.push_str("</tr>\n");
        }
    }
    h.push_str("</table>\n</section>\n");
    h
}
