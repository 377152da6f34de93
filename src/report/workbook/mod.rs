//! The meeting pack in Excel (`cpm_YYYY-MM.xlsx`): the report's numbers as
//! native cells (numbers as numbers, dates as dates, rates as %), native
//! charts and a colour-scale heatmap, so an analyst can restyle and paste
//! them. Drawn from the [`Tables`] and the report model like the HTML page;
//! the document's dates are the as-of date, so the same tables give the
//! same bytes. One file a sheet group; the layout is described in the README.

mod breakdown;
mod cells;
mod facts;
mod forecast;
mod moves;
mod series;
mod summary;

use rust_xlsxwriter::{DocProperties, Workbook, XlsxError};

use super::model::ReportModel;
use crate::config::Scheme;
use crate::dates::date_from_day;
use crate::plan::PlanRow;
use crate::tables::Tables;
use crate::text::lang::Lang;

/// The sheets of a workbook, in order (list sheets last, as the model has
/// them).
pub(crate) fn sheet_names(model: &ReportModel, toddler_days: i32, has_plan: bool) -> Vec<String> {
    let lang = model.lang;
    let mut names: Vec<&str> = vec![
        lang.pick("サマリー", "Summary"),
        lang.pick("推移", "Trend"),
        lang.pick("移動", "Transitions"),
        lang.pick("増減", "Bridge"),
    ];
    names.push(lang.pick("転換率", "Conversion"));
    if model.scheme == Scheme::Cpm {
        names.push(lang.pick("コホート", "Cohorts"));
    }
    names.push(lang.pick("売上", "Sales"));
    if has_plan {
        names.push(lang.pick("予実", "Plan"));
    }
    if model.breakdown.is_some() {
        names.push(lang.pick("内訳", "Breakdown"));
    }
    if model.forecast.is_some() {
        names.push(lang.pick("予測", "Forecast"));
    }
    names.push(lang.pick("データ品質", "Data quality"));
    names.push(lang.pick("ルール", "Rules"));
    let mut names: Vec<String> = names.into_iter().map(str::to_string).collect();
    names.extend(model.lists.iter().map(|l| list_sheet_name(l.file, lang, toddler_days)));
    names
}

/// A list's sheet name: short, and valid in Excel (no `[]:*?/\`, ≤ 31).
fn list_sheet_name(file: &str, lang: Lang, toddler_days: i32) -> String {
    if file == "first_last_chance" {
        let (from, to) = ((toddler_days - 30).max(0), toddler_days - 1);
        return match lang {
            Lang::Ja => format!("初回{from}-{to}日"),
            Lang::En => format!("First-time {from}-{to} days"),
        };
    }
    let (ja, en) = match file {
        "loyal_lapsed" => ("優良離脱", "Loyal lapsed"),
        "newly_lapsed" => ("今月離脱", "Lapsed this month"),
        "at_risk" => ("休眠予備軍", "At risk"),
        "winback" => ("復活", "Winback"),
        "vip" => ("優良VIP", "VIP"),
        other => (other, other),
    };
    lang.pick(ja, en)
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect()
}

/// The workbook's bytes.
pub(crate) fn workbook_bytes(
    tables: &Tables,
    model: &ReportModel,
    plan: Option<&[PlanRow]>,
) -> Result<Vec<u8>, XlsxError> {
    let names = sheet_names(model, tables.config.rules.toddler_days, plan.is_some());
    let mut wb = Workbook::new();
    let as_of = date_from_day(tables.portfolio.as_of);
    wb.set_properties(
        &DocProperties::new()
            .set_title(&model.title)
            .set_author("cpm")
            .set_creation_datetime(&as_of),
    );
    let f = cells::Formats::new();
    let mut next = names.iter();
    let mut name = || next.next().expect("a name for every sheet").as_str();
    summary::summary(wb.add_worksheet(), name(), tables, model, plan, &f)?;
    series::trend(wb.add_worksheet(), name(), tables, model, &f)?;
    moves::transitions(wb.add_worksheet(), name(), tables, model, &f)?;
    moves::bridge(wb.add_worksheet(), name(), tables, model, &f)?;
    series::conversion(wb.add_worksheet(), name(), tables, model, &f)?;
    if model.scheme == Scheme::Cpm {
        series::cohorts(wb.add_worksheet(), name(), tables, model, &f)?;
    }
    series::sales(wb.add_worksheet(), name(), tables, model, &f)?;
    if let Some(rows) = plan {
        facts::plan(wb.add_worksheet(), name(), rows, model, &f)?;
    }
    if let Some(b) = &model.breakdown {
        breakdown::breakdown(wb.add_worksheet(), name(), b, tables, model, &f)?;
    }
    if let Some(v) = &model.forecast {
        forecast::forecast(wb.add_worksheet(), name(), v, tables, model, &f)?;
    }
    facts::quality(wb.add_worksheet(), name(), tables, model, &f)?;
    facts::rules(wb.add_worksheet(), name(), tables, model, &f)?;
    for list in &model.lists {
        facts::list(wb.add_worksheet(), name(), tables, list, model, &f)?;
    }
    wb.save_to_buffer()
}
