//! The plan's place in the report model: 計画比 on the KPI cards, the 予実
//! rows, and the chart section with its sentence.

use super::{ChartSection, ReportModel};
use crate::dates::{format_month, month_of};
use crate::plan::{Plan, PlanRow, card_notes, compare};
use crate::report::chart_kind::Chart;
use crate::tables::Tables;
use crate::text::format::{percent, points};
use crate::text::lang::{Lang, by_lang};

/// Adds the plan to a built model.
pub(crate) fn apply(model: &mut ReportModel, tables: &Tables, plan: &Plan) {
    let lang = model.lang;
    let rows = compare(&tables.portfolio, plan);
    let month = month_of(model.as_of);
    if let Some(k) = model.kpis.cpm() {
        let conversion_month = k.conversion.as_ref().map(|c| c.cohort_month);
        for (i, note) in card_notes(&rows, month, conversion_month, lang) {
            if let Some(card) = model.cards.get_mut(i) {
                card.target = Some(match card.target.take() {
                    Some(t) => format!("{t} · {note}"),
                    None => note,
                });
            }
        }
    }
    let scheme_charts: &[Chart] = match model.scheme {
        crate::config::Scheme::Cpm => &Chart::CPM,
        crate::config::Scheme::Lifecycle => &Chart::LIFECYCLE,
    };
    model.charts.push(ChartSection {
        chart: Chart::Plan,
        file: Chart::Plan.file_stem(scheme_charts),
        title: lang.pick("予実(計画と実績)", "Plan vs actual").to_string(),
        reading: reading(&rows, &plan.file, lang),
    });
    model.plan = rows;
}

/// Each planned metric's latest month so far against plan, in one
/// sentence; conversion from its latest matured cohort when there is one.
fn reading(rows: &[PlanRow], file: &str, lang: Lang) -> String {
    let latest = |metric: crate::plan::Metric| {
        let mine = rows.iter().filter(|r| r.metric == metric);
        mine.clone()
            .filter(|r| !r.provisional)
            .max_by_key(|r| r.month)
            .or_else(|| mine.max_by_key(|r| r.month))
    };
    let parts: Vec<String> = crate::plan::Metric::ALL
        .into_iter()
        .filter_map(latest)
        .map(|r| {
            let vs = if r.metric.is_rate() {
                format!(
                    "{} ({} {})",
                    percent(r.actual),
                    lang.pick("計画差", "vs plan"),
                    points(r.difference())
                )
            } else {
                match r.ratio() {
                    Some(x) => by_lang!(lang, "計画比 {}", "{} of plan", percent(x)),
                    None => "-".to_string(),
                }
            };
            let mark = if r.provisional {
                lang.pick("・暫定", ", provisional")
            } else {
                ""
            };
            format!("{} {vs} ({}{mark})", r.metric.name(lang), format_month(r.month))
        })
        .collect();
    match lang {
        Lang::Ja if parts.is_empty() => format!("{file} の計画月にはまだ実績がありません。"),
        Lang::En if parts.is_empty() => format!("No month planned in {file} has an actual yet."),
        Lang::Ja => format!("{}。", parts.join("、")),
        Lang::En => format!("{}.", parts.join("; ")),
    }
}
