//! Everything the user sees: CSV tables, the terminal summary, charts and
//! the HTML report. With `ingest`, the only part that writes files.

pub(crate) mod chart_kind;
pub mod charts;
pub mod definitions;
pub(crate) mod fonts;
pub(crate) mod html;
pub(crate) mod html_activity;
pub(crate) mod html_by_group;
pub(crate) mod html_forecast;
pub(crate) mod html_tables;
pub(crate) mod lists;
pub mod model;
pub mod quality;
pub(crate) mod scheme;
pub(crate) mod summary;
pub(crate) mod summary_groups;
pub(crate) mod workbook;

use std::path::{Path, PathBuf};

use crate::dates::{format_month, month_of};
use crate::error::{Error, Result};
use crate::output::excel::{self, ExcelEncoding};
use crate::output::folder::{Previous, Staged};
use crate::tables::Tables;
use crate::text::lang::Lang;
use base64::Engine as _;
use charts::{ChartError, SLIDE_SIZE};

fn chart_error(e: ChartError) -> Error {
    Error::Chart(e.to_string())
}

/// Writes the monthly report for the last snapshot of `tables` into
/// `out_dir/YYYY-MM/`: `index.html`, one PNG and one SVG per chart,
/// `tables/` (the CSV contract) and `lists/` (follow-up customers, safe to
/// open in Excel), and the workbook `cpm_YYYY-MM.xlsx`. The folder is built
/// beside its place and swapped in whole; a report already there is kept as
/// `YYYY-MM.previous/`. A folder that holds one of `inputs` is refused.
/// Returns the folder and what happened to the one before.
///
/// With plan against actual (予実) when a plan is given, and the forecast
/// section (its files copied to `forecast/`) when a forecast is given.
pub(crate) fn write_report_with_plan(
    tables: &Tables,
    plan: Option<&crate::plan::Plan>,
    forecast: Option<&crate::forecast::files::ForecastFiles>,
    out_dir: &Path,
    lang: Lang,
    excel: ExcelEncoding,
    inputs: &[&Path],
) -> Result<(PathBuf, Previous)> {
    let (p, config) = (&tables.portfolio, &tables.config);
    let mut model = model::build(tables, lang);
    if let Some(plan) = plan {
        model::plan::apply(&mut model, tables, plan);
    }
    if let Some(f) = forecast {
        model::forecast::apply(&mut model, tables, f);
    }
    let target = out_dir.join(format_month(month_of(p.as_of)));
    if let Some(input) = inputs.iter().find(|i| crate::output::file::holds(&target, i)) {
        return Err(Error::Refused(format!(
            "{} holds the input {}: a report folder is replaced as a whole; keep inputs elsewhere",
            target.display(),
            input.display()
        )));
    }
    let staged = Staged::begin(&target)?;
    let dir = staged.path().to_path_buf();
    crate::tables::write_tables(&dir.join("tables"), tables)?;
    for list in &model.lists {
        let name = format!("{}.csv", list.file);
        let text = lists::list_csv(p, &tables.kept, list.customers.iter().copied(), lang);
        let bytes = excel::encode(&text, excel, &format!("lists/{name}"))?;
        crate::tables::write_bytes(&dir.join("lists"), &name, &bytes)?;
    }
    let all = format!("{}.csv", lists::ALL_CUSTOMERS);
    let text = lists::list_csv(p, &tables.kept, 0..p.customers.len(), lang);
    let bytes = excel::encode(&text, excel, &format!("lists/{all}"))?;
    crate::tables::write_bytes(&dir.join("lists"), &all, &bytes)?;
    if !tables.rejects.is_empty() {
        let text = crate::tables::rejects_csv_with(&tables.rejects, excel::safe_text);
        let bytes = excel::encode(&text, excel, "lists/rejects.csv")?;
        crate::tables::write_bytes(&dir.join("lists"), "rejects.csv", &bytes)?;
    }
    for (name, text) in forecast.map_or(&[][..], |f| f.sources.as_slice()) {
        crate::tables::write_file(&dir.join("forecast"), name, text)?;
    }
    let ten = scheme::of(config).chart_view(p);
    let input = chart_kind::ChartInputs {
        p,
        ten: &ten,
        t: model.t,
        config,
        lang,
        plan: &model.plan,
        by: model.breakdown.as_ref(),
        forecast: model.forecast.as_ref(),
    };
    let mut embedded = Vec::with_capacity(model.charts.len());
    for section in &model.charts {
        let png = charts::render_png_bytes(SLIDE_SIZE, |root| section.chart.draw(root, &input)).map_err(chart_error)?;
        crate::tables::write_bytes(&dir, &format!("{}.png", section.file), &png)?;
        let svg = charts::render_svg(SLIDE_SIZE, |root| section.chart.draw(root, &input)).map_err(chart_error)?;
        crate::tables::write_file(&dir, &format!("{}.svg", section.file), &svg)?;
        embedded.push(html::EmbeddedChart {
            png_base64: base64::engine::general_purpose::STANDARD.encode(&png),
        });
    }
    crate::tables::write_file(&dir, "index.html", &html::render(&model, tables, &embedded))?;
    let name = format!("cpm_{}.xlsx", format_month(month_of(p.as_of)));
    let xlsx =
        workbook::workbook_bytes(tables, &model, plan.map(|_| model.plan.as_slice())).map_err(|e| Error::Write {
            path: target.join(&name),
            source: std::io::Error::other(e.to_string()),
        })?;
    crate::tables::write_bytes(&dir, &name, &xlsx)?;
    let previous = staged.commit(true)?;
    Ok((target, previous))
}
