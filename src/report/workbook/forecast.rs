//! 予測 (with `--forecast`): every coming month-end × segment with its 80%
//! interval (and the scenario's), then the monthly flow (new customers,
//! purchase days, sales) and the backtest's error by horizon — numbers as
//! numbers, dates as dates, rates as %.

use rust_xlsxwriter::XlsxError;

use super::Ctx;
use super::cells::{Cell, Grid};
use crate::forecast::files::Cell as Band;
use crate::report::model::forecast::ForecastView;

/// 予測: the title and readings, then the segments, the flow and (with a
/// backtest) the track record, one table below the other.
pub(crate) fn forecast(g: &mut Grid<'_>, c: &Ctx<'_>) -> Result<(), XlsxError> {
    let Some(v) = &c.model.forecast else {
        return Ok(());
    };
    g.text(
        0,
        0,
        c.l("この先の見通し(予測)", "Where the portfolio is heading (forecast)"),
        &c.f.bold,
    )?;
    g.loose(1, 0, &v.reading, &c.f.note)?;
    g.loose(2, 0, &v.track_reading, &c.f.note)?;
    let row = segments_table(g, 4, c, v)?;
    let row = flow_table(g, row + 1, c, v)?;
    track_table(g, row + 1, c, v)
}

/// Every coming month-end × segment with its 80% interval (and the
/// scenario's). Returns the row after it.
fn segments_table(g: &mut Grid<'_>, top: u32, c: &Ctx<'_>, v: &ForecastView) -> Result<u32, XlsxError> {
    let f = &c.f;
    let mut header = vec![
        c.l("月末", "Month-end"),
        c.l("区分", "Segment"),
        c.l("予測", "Forecast"),
        c.l("80% 下限", "80% low"),
        c.l("80% 上限", "80% high"),
    ];
    if v.scenario.is_some() {
        header.extend([
            c.l("シナリオ", "Scenario"),
            c.l("シナリオ下限", "Scenario low"),
            c.l("シナリオ上限", "Scenario high"),
        ]);
    }
    let band = |b: Band| [b.customers, b.low, b.high].map(|n| Cell::Number(n as f64, &f.count));
    let labels = &c.tables.portfolio.labels;
    let rows = v.month_ends.iter().enumerate().flat_map(|(m, &day)| {
        labels.iter().enumerate().map(move |(s, label)| {
            let mut cells = vec![
                Cell::Date(day, &f.date),
                Cell::Text(c.lang.pick(label.ja, label.en), &f.text),
            ];
            cells.extend(band(v.cells[m][s]));
            if let Some(sc) = &v.scenario_cells {
                cells.extend(band(sc[m][s]));
            }
            cells
        })
    });
    g.table(top, 0, &header, rows, f)
}

/// The monthly flow: new customers, purchase days, sales (and the
/// scenario's). Returns the row after it.
fn flow_table(g: &mut Grid<'_>, top: u32, c: &Ctx<'_>, v: &ForecastView) -> Result<u32, XlsxError> {
    let f = &c.f;
    let mut header = vec![
        c.l("月", "Month"),
        c.l("新規客", "New customers"),
        c.l("購入日数", "Purchase days"),
        c.l("うち既存客", "of existing customers"),
        c.l("売上", "Sales"),
    ];
    if v.scenario_flow.is_some() {
        header.extend([
            c.l("シナリオ購入日数", "Scenario purchase days"),
            c.l("シナリオ売上", "Scenario sales"),
        ]);
    }
    let rows = v.flow.iter().enumerate().map(|(i, r)| {
        let mut cells = vec![
            Cell::Date(v.month_ends[i], &f.month),
            Cell::Number(r.new_customers as f64, &f.count),
            Cell::Number(r.purchase_days, &f.count),
            Cell::Number(r.existing_purchase_days, &f.count),
            Cell::Number(r.sales, &f.money),
        ];
        if let Some(s) = &v.scenario_flow {
            cells.extend([
                Cell::Number(s[i].purchase_days, &f.count),
                Cell::Number(s[i].sales, &f.money),
            ]);
        }
        cells
    });
    g.table(top, 0, &header, rows, f)
}

/// The backtest's error by horizon, when there is one.
fn track_table(g: &mut Grid<'_>, top: u32, c: &Ctx<'_>, v: &ForecastView) -> Result<(), XlsxError> {
    let Some(track) = &v.track else {
        return Ok(());
    };
    let f = &c.f;
    let header = [
        c.l("何か月先", "Months ahead"),
        c.l("予測回数", "Forecasts"),
        c.l("区分の誤差", "Segment error"),
        c.l("今のまま の誤差", "Persistence error"),
        c.l("購入日数の誤差", "Purchase-day error"),
        c.l("今のまま の誤差", "Persistence error"),
        c.l("80% 区間に入った率", "Inside the 80% interval"),
    ];
    let rows = track.iter().map(|t| {
        let mut cells = vec![
            Cell::Number(t.horizon as f64, &f.count),
            Cell::Number(t.origins as f64, &f.count),
        ];
        cells.extend(
            [
                t.segments,
                t.segments_persistence,
                t.purchase_days,
                t.purchase_days_persistence,
                t.coverage,
            ]
            .map(|x| Cell::Number(x, &f.percent)),
        );
        cells
    });
    g.table(top, 0, &header, rows, f)?;
    Ok(())
}
