//! 予測 (with `--forecast`): every coming month-end × segment with its 80%
//! interval (and the scenario's), then the monthly flow (new customers,
//! purchase days, sales) and the backtest's error by horizon — numbers as
//! numbers, dates as dates, rates as %.

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::cells::{Formats, Grid};
use crate::report::model::ReportModel;
use crate::report::model::forecast::ForecastView;
use crate::tables::Tables;

pub(crate) fn forecast(
    ws: &mut Worksheet,
    name: &str,
    v: &ForecastView,
    tables: &Tables,
    model: &ReportModel,
    f: &Formats,
) -> Result<(), XlsxError> {
    let lang = model.lang;
    let l = |ja: &'static str, en: &'static str| lang.pick(ja, en);
    let labels = &tables.portfolio.labels;
    let mut g = Grid::new(ws, name)?;
    g.text(
        0,
        0,
        l("この先の見通し(予測)", "Where the portfolio is heading (forecast)"),
        &f.bold,
    )?;
    g.loose(1, 0, &v.reading, &f.note)?;
    g.loose(2, 0, &v.track_reading, &f.note)?;
    let mut header = vec![
        l("月末", "Month-end"),
        l("区分", "Segment"),
        l("予測", "Forecast"),
        l("80% 下限", "80% low"),
        l("80% 上限", "80% high"),
    ];
    if v.scenario.is_some() {
        header.extend([
            l("シナリオ", "Scenario"),
            l("シナリオ下限", "Scenario low"),
            l("シナリオ上限", "Scenario high"),
        ]);
    }
    g.header(4, 0, &header, f)?;
    let mut row = 5;
    for (m, &day) in v.month_ends.iter().enumerate() {
        for (s, label) in labels.iter().enumerate() {
            g.date(row, 0, day, &f.date)?;
            g.text(row, 1, lang.pick(label.ja, label.en), &f.text)?;
            let c = v.cells[m][s];
            g.number(row, 2, c.customers as f64, &f.count)?;
            g.number(row, 3, c.low as f64, &f.count)?;
            g.number(row, 4, c.high as f64, &f.count)?;
            if let Some(sc) = &v.scenario_cells {
                let c = sc[m][s];
                g.number(row, 5, c.customers as f64, &f.count)?;
                g.number(row, 6, c.low as f64, &f.count)?;
                g.number(row, 7, c.high as f64, &f.count)?;
            }
            row += 1;
        }
    }
    row += 1;
    let mut header = vec![
        l("月", "Month"),
        l("新規客", "New customers"),
        l("購入日数", "Purchase days"),
        l("うち既存客", "of existing customers"),
        l("売上", "Sales"),
    ];
    if v.scenario_flow.is_some() {
        header.extend([
            l("シナリオ購入日数", "Scenario purchase days"),
            l("シナリオ売上", "Scenario sales"),
        ]);
    }
    g.header(row, 0, &header, f)?;
    for (i, r) in v.flow.iter().enumerate() {
        row += 1;
        g.date(row, 0, v.month_ends[i], &f.month)?;
        g.number(row, 1, r.new_customers as f64, &f.count)?;
        g.number(row, 2, r.purchase_days, &f.count)?;
        g.number(row, 3, r.existing_purchase_days, &f.count)?;
        g.number(row, 4, r.sales, &f.money)?;
        if let Some(s) = &v.scenario_flow {
            g.number(row, 5, s[i].purchase_days, &f.count)?;
            g.number(row, 6, s[i].sales, &f.money)?;
        }
    }
    if let Some(track) = &v.track {
        row += 2;
        g.header(
            row,
            0,
            &[
                l("何か月先", "Months ahead"),
                l("予測回数", "Forecasts"),
                l("区分の誤差", "Segment error"),
                l("今のまま の誤差", "Persistence error"),
                l("購入日数の誤差", "Purchase-day error"),
                l("今のまま の誤差", "Persistence error"),
                l("80% 区間に入った率", "Inside the 80% interval"),
            ],
            f,
        )?;
        for t in track {
            row += 1;
            g.number(row, 0, t.horizon as f64, &f.count)?;
            g.number(row, 1, t.origins as f64, &f.count)?;
            g.number(row, 2, t.segments, &f.percent)?;
            g.number(row, 3, t.segments_persistence, &f.percent)?;
            g.number(row, 4, t.purchase_days, &f.percent)?;
            g.number(row, 5, t.purchase_days_persistence, &f.percent)?;
            g.number(row, 6, t.coverage, &f.percent)?;
        }
    }
    g.finish()
}
