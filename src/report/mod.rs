//! Everything the user sees: CSV tables, the terminal summary, charts and
//! the HTML report. With `ingest`, the only part that writes files.

pub mod charts;
pub mod fonts;
pub mod html;
pub mod model;
pub mod quality;
pub mod summary;

use std::path::{Path, PathBuf};

use base64::Engine as _;
use plotters::coord::Shift;
use plotters::prelude::{DrawingArea, DrawingBackend};

use crate::config::Config;
use crate::dates::{format_month, month_of};
use crate::engine::portfolio::Portfolio;
use crate::error::{Error, Result};
use crate::tables::Tables;
use crate::text::lang::Lang;
use charts::{ChartError, SLIDE_SIZE};

/// Draws the report chart whose file stem is `file` (see `model::build`).
/// `ten` is the portfolio on ten CPM segments (超優良 merged into 優良) for
/// the charts drawn on ten: the same as `p` unless 超優良 is on.
fn draw_chart<DB: DrawingBackend>(
    file: &str,
    root: DrawingArea<DB, Shift>,
    p: &Portfolio,
    ten: &Portfolio,
    t: usize,
    config: &Config,
    lang: Lang,
) -> Result<(), ChartError> {
    match file {
        "01_portfolio" => charts::portfolio_grid(root, p, t, lang),
        "02_funnel" => charts::funnel(root, ten, t, lang),
        "03_trend" => charts::trend(root, p, lang),
        "04_conversion" => charts::conversion(root, p, config.conversion_target, lang),
        "05_transitions" => charts::transition_heatmap(root, p, t, lang),
        "06_cohort_ladder" => charts::cohort_ladder(root, ten, lang),
        "07_sales" => charts::sales_by_segment(root, ten, lang),
        // The lifecycle scheme.
        "01_states" => charts::lifecycle_states(root, p, lang),
        "02_transitions" => charts::transition_heatmap(root, p, t, lang),
        "03_winback" => charts::winback_flow(root, p, lang),
        other => Err(ChartError::Draw(format!("unknown chart {other}"))),
    }
}

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
    let ten = match model.scheme {
        crate::config::Scheme::Cpm => model::ten_segments(p),
        crate::config::Scheme::Lifecycle => std::borrow::Cow::Borrowed(p),
    };
    let mut embedded = Vec::with_capacity(model.charts.len());
    for section in &model.charts {
        let png = charts::render_png_bytes(SLIDE_SIZE, |root| {
            draw_chart(section.file, root, p, &ten, model.t, config, lang)
        })
        .map_err(chart_error)?;
        crate::tables::write_bytes(&dir, &format!("{}.png", section.file), &png)?;
        let svg = charts::render_svg(SLIDE_SIZE, |root| {
            draw_chart(section.file, root, p, &ten, model.t, config, lang)
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
