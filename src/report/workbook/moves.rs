//! 移動 (the latest transition matrix, counts and row shares, the shares
//! as a colour-scale heatmap) and 増減 (the month's bridge for 現役 and
//! 優良現役, or 休眠以外 and 優良(VIP), with a waterfall drawn as stacked
//! columns).

use rust_xlsxwriter::{Chart, ChartFormat, ChartSolidFill, ChartType, Color, ConditionalFormat2ColorScale, XlsxError};

use super::Ctx;
use super::cells::{Cell, Grid};
use super::series::{segment_header, segment_name};
use crate::dates::format_day;
use crate::engine::bridge::{self as engine_bridge, Bridge, BridgeOf};
use crate::report::model::bridge::{StepNames, followed_name, steps};

/// 移動: the counts from row 2, the row shares below them.
pub(crate) fn transitions(g: &mut Grid<'_>, c: &Ctx<'_>) -> Result<(), XlsxError> {
    let (lang, f) = (c.lang, &c.f);
    let p = &c.tables.portfolio;
    let n = p.labels.len();
    let Some(m) = c.model.t.checked_sub(1).and_then(|i| p.transitions.get(i)) else {
        g.loose(
            0,
            0,
            c.l(
                "前月末のスナップショットがないため、移動はありません。",
                "No transitions: there is no previous month-end.",
            ),
            &f.note,
        )?;
        return Ok(());
    };
    g.loose(
        0,
        0,
        &format!(
            "{} {} → {} {}",
            c.l("前月末", "From"),
            format_day(m.from_day),
            c.l("今月末", "to"),
            format_day(m.to_day)
        ),
        &f.title,
    )?;
    let block = |g: &mut Grid, top: u32, shares: bool| -> Result<(), XlsxError> {
        let corner = if shares {
            c.l("行の構成比(前月→今月)", "Row shares (from → to)")
        } else {
            c.l("人数(前月→今月)", "Customers (from → to)")
        };
        let header = segment_header(p, lang, corner, c.l("合計", "Total"));
        let rows = m.cells.iter().enumerate().map(|(from, row)| {
            let label = if from == m.new_row() {
                c.l("新規(new)", "New (new)")
            } else {
                segment_name(p, from, lang)
            };
            let total: u64 = row.iter().sum();
            let value = |v: u64| Cell::count_or_share(v, total, shares, f);
            let mut cells = vec![Cell::Text(label, &f.bold)];
            cells.extend(row.iter().map(|&v| value(v)));
            cells.push(value(total));
            cells
        });
        g.table(top, 0, &header, rows, f)?;
        Ok(())
    };
    block(g, 2, false)?;
    let shares_top = 2 + n as u32 + 3;
    block(g, shares_top, true)?;
    let heat = ConditionalFormat2ColorScale::new()
        .set_minimum_color(Color::RGB(0xFFFFFF))
        .set_maximum_color(Color::RGB(0xD55E00));
    g.ws.add_conditional_format(shares_top + 1, 1, shares_top + 1 + n as u32, n as u16, &heat)?;
    g.ws.set_freeze_panes(3, 1)?;
    Ok(())
}

fn fill(color: u32) -> ChartFormat {
    let mut format = ChartFormat::new();
    format.set_solid_fill(ChartSolidFill::new().set_color(Color::RGB(color)));
    format
}

/// 増減: the two bridges as one table (row 2: 現役, row 3: 優良現役), then
/// for each its waterfall's data (base, total, up, down) and chart.
pub(crate) fn bridge(g: &mut Grid<'_>, c: &Ctx<'_>) -> Result<(), XlsxError> {
    g.loose(
        0,
        0,
        c.l(
            "増減の内訳(前月末→今月末)",
            "The month's bridge (last month-end → this month-end)",
        ),
        &c.f.title,
    )?;
    let bridges: Vec<Bridge> = BridgeOf::ALL
        .iter()
        .filter_map(|&of| engine_bridge::bridge(&c.tables.portfolio, c.model.t, of))
        .collect();
    if bridges.is_empty() {
        g.loose(
            1,
            0,
            c.l(
                "前月末のスナップショットがないため、内訳はありません。",
                "No bridge: there is no previous month-end.",
            ),
            &c.f.note,
        )?;
        return Ok(());
    }
    bridge_table(g, c, &bridges)?;
    let mut top = 2 + bridges.len() as u32 + 2;
    for b in &bridges {
        waterfall(g, top, c, b)?;
        top += 20;
    }
    Ok(())
}

/// The bridges from row 1: a row each, the month's steps across (the
/// start as a count, the steps signed), then the change.
fn bridge_table(g: &mut Grid<'_>, c: &Ctx<'_>, bridges: &[Bridge]) -> Result<(), XlsxError> {
    let (lang, f) = (c.lang, &c.f);
    let mut head = vec![c.l("区分", "Customers")];
    head.extend(steps(&bridges[0], StepNames::Long, lang).iter().map(|s| s.0));
    head.push(c.l("増減", "Change"));
    let rows = bridges.iter().map(|b| {
        let mut cells = vec![Cell::Text(followed_name(b, lang), &f.bold)];
        cells.extend(steps(b, StepNames::Long, lang).iter().map(|&(_, v, sign)| match sign {
            0 => Cell::Number(v as f64, &f.count),
            1 => Cell::Number(v as f64, &f.signed),
            _ => Cell::Number(-(v as f64), &f.signed),
        }));
        cells.push(Cell::Number(b.change() as f64, &f.signed));
        cells
    });
    g.table(1, 0, &head, rows, f)?;
    Ok(())
}

/// One bridge's waterfall from `top`: a note, its data (base, total, up,
/// down for every step) and, beside it, the chart drawn from that data as
/// stacked columns on an invisible base.
fn waterfall(g: &mut Grid<'_>, top: u32, c: &Ctx<'_>, b: &Bridge) -> Result<(), XlsxError> {
    let (lang, f) = (c.lang, &c.f);
    g.loose(
        top,
        0,
        &format!(
            "{} — {}",
            followed_name(b, lang),
            c.l("滝グラフのデータ", "waterfall data")
        ),
        &f.note,
    )?;
    let mut running = 0i64;
    let rows = steps(b, StepNames::Long, lang).map(|(label, v, sign)| {
        let v = v as i64;
        let (base, total, up, down) = match sign {
            0 => {
                running = v;
                (0, v, 0, 0)
            }
            1 => {
                running += v;
                (running - v, 0, v, 0)
            }
            _ => {
                running -= v;
                (running, 0, 0, v)
            }
        };
        let mut cells = vec![Cell::Text(label, &f.text)];
        cells.extend([base, total, up, down].map(|x| Cell::Number(x as f64, &f.count)));
        cells
    });
    let header = [
        c.l("段階", "Step"),
        c.l("土台", "Base"),
        c.l("人数", "Total"),
        c.l("増", "Up"),
        c.l("減", "Down"),
    ];
    g.table(top + 1, 0, &header, rows, f)?;
    let name = g.name().to_string();
    let (first, last) = (top + 2, top + 8);
    let mut chart = Chart::new(ChartType::ColumnStacked);
    let colors = [None, Some(0x5C6269), Some(0x009E73), Some(0xC8232D)];
    for (i, color) in colors.into_iter().enumerate() {
        let col = 1 + i as u16;
        let series = chart
            .add_series()
            .set_name((name.as_str(), top + 1, col))
            .set_categories((name.as_str(), first, 0, last, 0))
            .set_values((name.as_str(), first, col, last, col))
            .set_gap(60);
        match color {
            Some(rgb) => series.set_format(&mut fill(rgb)),
            None => series.set_format(ChartFormat::new().set_no_fill().set_no_border()),
        };
    }
    chart.legend().delete_entries(&[0]);
    chart
        .title()
        .set_name(&format!("{} {:+}", followed_name(b, lang), b.change()));
    chart.y_axis().set_num_format("#,##0");
    chart.set_width(720).set_height(360);
    g.ws.insert_chart(top, 6, &chart)?;
    Ok(())
}
