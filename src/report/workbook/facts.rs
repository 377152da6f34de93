//! 予実 (plan against actual, with a chart per metric), データ品質, ルール
//! (the rules as in `rules.toml`) and one sheet per follow-up list
//! (autofilter, frozen header).

use rust_xlsxwriter::{
    Chart, ChartFormat, ChartLine, ChartMarker, ChartSolidFill, ChartType, Color, Worksheet, XlsxError,
};

use super::cells::{Cell, Formats, Grid};
use crate::dates::first_day_of_month;
use crate::plan::{Metric, PlanRow};
use crate::report::model::{CustomerList, ReportModel};
use crate::tables::Tables;

/// 予実: one row per planned month and metric; a chart per metric.
pub(crate) fn plan(
    ws: &mut Worksheet,
    name: &str,
    rows: &[PlanRow],
    model: &ReportModel,
    f: &Formats,
) -> Result<(), XlsxError> {
    let lang = model.lang;
    let l = |ja: &'static str, en: &'static str| lang.pick(ja, en);
    let mut g = Grid::new(ws, name)?;
    let header = [
        l("月", "Month"),
        l("指標", "Metric"),
        l("指標ID", "Metric id"),
        l("計画", "Plan"),
        l("実績", "Actual"),
        l("差(実績−計画)", "Actual − plan"),
        l("計画比", "Actual / plan"),
        l("確定/暫定", "Matured / provisional"),
    ];
    let cells = rows.iter().map(|r| {
        let (vf, df) = if r.metric.is_rate() {
            (&f.percent, &f.points)
        } else if r.metric == Metric::Sales {
            (&f.money, &f.signed)
        } else {
            (&f.count, &f.signed)
        };
        vec![
            Cell::Date(first_day_of_month(r.month), &f.month),
            Cell::Text(r.metric.name(lang), &f.text),
            Cell::Text(r.metric.id(), &f.text),
            Cell::Number(r.plan, vf),
            Cell::Number(r.actual, vf),
            Cell::Number(r.difference(), df),
            r.ratio().map_or(Cell::Empty, |ratio| Cell::Number(ratio, &f.percent)),
            Cell::Text(
                if r.provisional {
                    l("暫定", "provisional")
                } else {
                    l("確定", "final")
                },
                &f.text,
            ),
        ]
    });
    g.table(0, 0, &header, cells, f)?;
    let last = rows.len() as u32;
    g.ws.set_freeze_panes(1, 0)?;
    g.ws.autofilter(0, 0, last.max(1), 7)?;
    // A chart per metric: actual as columns, plan as a line.
    let mut at = 0u32;
    let mut start = 0usize;
    while start < rows.len() {
        let metric = rows[start].metric;
        let end = start + rows[start..].iter().take_while(|r| r.metric == metric).count();
        let (first, last) = (1 + start as u32, end as u32);
        let mut chart = Chart::new(ChartType::Column);
        chart
            .add_series()
            .set_name((name, 0, 4))
            .set_categories((name, first, 0, last, 0))
            .set_values((name, first, 4, last, 4))
            .set_format(ChartFormat::new().set_solid_fill(ChartSolidFill::new().set_color(Color::RGB(0x0072B2))))
            .set_gap(60);
        let mut line = Chart::new(ChartType::Line);
        line.add_series()
            .set_name((name, 0, 3))
            .set_categories((name, first, 0, last, 0))
            .set_values((name, first, 3, last, 3))
            .set_marker(ChartMarker::new().set_automatic())
            .set_format(ChartFormat::new().set_line(ChartLine::new().set_color(Color::RGB(0xC8232D)).set_width(2.25)));
        chart.combine(&line);
        chart.title().set_name(metric.name(lang));
        chart.x_axis().set_num_format("yyyy-mm");
        chart
            .y_axis()
            .set_num_format(if metric.is_rate() { "0%" } else { "#,##0" });
        chart.set_width(560).set_height(300);
        g.ws.insert_chart(at, 9, &chart)?;
        at += 16;
        start = end;
    }
    g.finish()
}

/// データ品質: what was read, used and left out, as numbers and dates.
pub(crate) fn quality(
    ws: &mut Worksheet,
    name: &str,
    tables: &Tables,
    model: &ReportModel,
    f: &Formats,
) -> Result<(), XlsxError> {
    let lang = model.lang;
    let l = |ja: &'static str, en: &'static str| lang.pick(ja, en);
    let q = &tables.quality;
    let units = crate::money::micros_to_units;
    let mut g = Grid::new(ws, name)?;
    g.header(0, 0, &[l("項目", "Item"), l("値", "Value")], f)?;
    g.text(1, 0, l("データ", "Data"), &f.text)?;
    g.text(1, 1, &tables.run.input, &f.text)?;
    let counts: [(&str, f64, &rust_xlsxwriter::Format); 11] = [
        (l("読んだ行", "Rows read"), q.rows_read as f64, &f.count),
        (l("使った行", "Rows used"), q.rows_used as f64, &f.count),
        (
            l(
                "除外した行(不正・見出しの繰り返し)",
                "Rows rejected (bad, repeated header)",
            ),
            q.rows_rejected as f64,
            &f.count,
        ),
        (
            l("基準日より後の行", "Rows after the as-of date"),
            q.rows_excluded as f64,
            &f.count,
        ),
        (
            l("実行日より後の日付の行", "Rows dated after the run day"),
            q.rows_after_today as f64,
            &f.count,
        ),
        (l("返品・取消の行", "Return rows"), q.return_rows as f64, &f.count),
        (l("返品・取消の合計", "Returns total"), units(q.returns_total), &f.money),
        (l("購入の合計", "Purchases total"), units(q.purchases_total), &f.money),
        (
            l("重複の疑いがある行", "Possible duplicate rows"),
            q.duplicate_rows as f64,
            &f.count,
        ),
        (
            l("顧客数(行のある顧客)", "Customers with rows"),
            q.customers as f64,
            &f.count,
        ),
        (
            l("ポートフォリオの顧客数", "Customers in the portfolio"),
            q.customers_in_portfolio as f64,
            &f.count,
        ),
    ];
    let counts = counts.map(|(label, v, format)| vec![Cell::Text(label, &f.text), Cell::Number(v, format)]);
    let row = g.table(2, 0, &[], counts, f)?;
    let days = [
        (l("最初の日付", "First date"), q.first_day),
        (l("最後の日付", "Last date"), q.last_day),
        (l("基準日", "As of"), q.as_of),
    ]
    .map(|(label, day)| vec![Cell::Text(label, &f.text), Cell::Date(day, &f.date)]);
    let row = g.table(row, 0, &[], days, f)?;
    let reasons: Vec<String> = q
        .rejected_by_reason
        .keys()
        .map(|reason| format!("{} {reason}", l("除外の理由:", "Rejected:")))
        .collect();
    let rejected = reasons
        .iter()
        .zip(q.rejected_by_reason.values())
        .map(|(label, &n)| vec![Cell::Text(label, &f.text), Cell::Number(n as f64, &f.count)]);
    g.table(row, 0, &[], rejected, f)?;
    g.finish()
}

/// ルール: `rules.toml` line by line; a value that is a number is a number.
pub(crate) fn rules(
    ws: &mut Worksheet,
    name: &str,
    tables: &Tables,
    model: &ReportModel,
    f: &Formats,
) -> Result<(), XlsxError> {
    let lang = model.lang;
    let text = crate::config::rules_file::rules_toml(&tables.config, &tables.run);
    let mut g = Grid::new(ws, name)?;
    g.header(0, 0, &[lang.pick("設定", "Setting"), lang.pick("値", "Value")], f)?;
    let mut section = String::new();
    let mut last = 0;
    for (row, line) in (1..).zip(text.lines().map(str::trim).filter(|l| !l.is_empty())) {
        if line.starts_with('#') {
            g.loose(row, 0, line, &f.note)?;
        } else if let Some(s) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = s.to_string();
            g.text(row, 0, line, &f.bold)?;
        } else if let Some((key, value)) = line.split_once('=') {
            let key = if section.is_empty() {
                key.trim().to_string()
            } else {
                format!("{section}.{}", key.trim())
            };
            g.text(row, 0, &key, &f.text)?;
            let value = value.trim();
            match value.parse::<f64>() {
                Ok(v) if !value.contains('"') => g.number(row, 1, v, &f.text)?,
                _ => g.text(row, 1, value.trim_matches('"'), &f.text)?,
            }
        } else {
            g.text(row, 0, line, &f.text)?;
        }
        last = row;
    }
    // What the segments mean, in words, with these rules.
    let mut row = last + 2;
    g.text(row, 0, lang.pick("区分の定義", "What the segments mean"), &f.bold)?;
    for (term, definition) in crate::report::definitions::definitions(&tables.config, lang) {
        row += 1;
        g.text(row, 0, &term, &f.text)?;
        g.text(row, 1, &definition, &f.text)?;
    }
    g.finish()
}

/// A follow-up list: the columns of the list's CSV (with `--keep-cols`,
/// those columns last), ids as text.
pub(crate) fn list(
    ws: &mut Worksheet,
    name: &str,
    tables: &Tables,
    list: &CustomerList,
    model: &ReportModel,
    f: &Formats,
) -> Result<(), XlsxError> {
    let lang = model.lang;
    let l = |ja: &'static str, en: &'static str| lang.pick(ja, en);
    let p = &tables.portfolio;
    let mut g = Grid::new(ws, name)?;
    let mut header = vec![
        l("顧客ID", "Customer id"),
        l("区分", "Segment"),
        l("初回購入日", "First purchase"),
        l("最終購入日", "Last purchase"),
        l("在籍期間(日)", "Tenure (days)"),
        l("離脱期間(日)", "Recency (days)"),
        l("売上累計", "Total"),
        l("購入日数", "Purchase days"),
        l("前月の区分", "Previous segment"),
    ];
    header.extend(tables.kept.iter().map(|a| a.column.as_str()));
    let rows = list.customers.iter().map(|&i| {
        let c = &p.customers[i];
        let previous = match c.previous_segment {
            Some(s) if s < p.labels.len() => lang.pick(p.labels[s].ja, p.labels[s].en),
            Some(_) => l("新規", "new"),
            None => "",
        };
        let mut cells = vec![
            Cell::Text(p.customer_id(c), &f.text),
            Cell::Text(lang.pick(p.labels[c.segment].ja, p.labels[c.segment].en), &f.text),
            Cell::Date(c.first_purchase, &f.date),
            Cell::Date(c.last_purchase, &f.date),
            Cell::Number(f64::from(c.tenure_days), &f.count),
            Cell::Number(f64::from(c.recency_days), &f.count),
            Cell::Number(crate::money::micros_to_units(i128::from(c.total.0)), &f.money),
            Cell::Number(f64::from(c.purchase_days), &f.count),
            Cell::Text(previous, &f.text),
        ];
        cells.extend(
            tables
                .kept
                .iter()
                .map(|a| Cell::Text(crate::tables::kept_value(a, i), &f.text)),
        );
        cells
    });
    g.table(0, 0, &header, rows, f)?;
    g.ws.set_freeze_panes(1, 1)?;
    g.ws.autofilter(0, 0, (list.customers.len() as u32).max(1), (header.len() - 1) as u16)?;
    g.finish()
}
