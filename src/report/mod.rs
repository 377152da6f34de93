//! Everything the user sees: CSV tables, the terminal summary, charts and
//! the HTML report. With `ingest`, the only part that writes files.

pub mod chart_kind;
pub mod charts;
pub mod fonts;
pub mod html;
pub mod model;
pub mod quality;
pub mod scheme;
pub mod summary;

use std::path::{Path, PathBuf};

use crate::dates::{format_month, month_of};
use crate::error::{Error, Result};
use crate::tables::Tables;
use crate::text::lang::Lang;
use base64::Engine as _;
use charts::{ChartError, SLIDE_SIZE};

fn chart_error(e: ChartError) -> Error {
    Error::Chart(e.to_string())
}

/// Writes the monthly report for the last snapshot of `tables` into
/// `out_dir/YYYY-MM/`: `index.html`, one PNG and one SVG per chart,
/// `tables/` (the CSV contract) and `lists/` (follow-up customers).
/// Returns the folder.
pub fn write_report(tables: &Tables, out_dir: &Path, lang: Lang) -> Result<PathBuf> {
    let (p, config) = (&tables.portfolio, &tables.config);
    let model = model::build(tables, lang);
    let dir = out_dir.join(format_month(month_of(p.as_of)));
    std::fs::create_dir_all(&dir).map_err(|source| Error::Write {
        path: dir.clone(),
        source,
    })?;
    crate::tables::write_tables(&dir.join("tables"), tables)?;
    for list in &model.lists {
        crate::tables::write_file(
            &dir.join("lists"),
            &format!("{}.csv", list.file),
            &crate::tables::customers_csv(p, list.customers.iter().copied()),
        )?;
    }
    let ten = scheme::of(config).chart_view(p);
    let mut embedded = Vec::with_capacity(model.charts.len());
    for section in &model.charts {
        let png = charts::render_png_bytes(SLIDE_SIZE, |root| {
            section.chart.draw(root, p, &ten, model.t, config, lang)
        })
        .map_err(chart_error)?;
        crate::tables::write_bytes(&dir, &format!("{}.png", section.file), &png)?;
        let svg = charts::render_svg(SLIDE_SIZE, |root| {
            section.chart.draw(root, p, &ten, model.t, config, lang)
        })
        .map_err(chart_error)?;
        crate::tables::write_file(&dir, &format!("{}.svg", section.file), &svg)?;
        embedded.push(html::EmbeddedChart {
            png_base64: base64::engine::general_purpose::STANDARD.encode(&png),
        });
    }
    crate::tables::write_file(&dir, "index.html", &html::render(&model, tables, &embedded))?;
    Ok(dir)
}
