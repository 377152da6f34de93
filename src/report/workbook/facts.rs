//! 予実 (plan against actual, with a chart per metric), データ品質, ルール
//! (the rules as in `rules.toml`) and one sheet per follow-up list
//! (autofilter, frozen header).

use rust_xlsxwriter::{Chart, ChartFormat, ChartLine, ChartMarker, ChartSolidFill, ChartType, Color, XlsxError};

use super::Ctx;
use super::cells::{Cell, Grid};
use crate::dates::first_day_of_month;
use crate::plan::Metric;
use crate::report::model::CustomerList;

/// 予実: one row per planned month and metric; a chart per metric.
pub(crate) fn plan(g: &mut Grid<'_>, c: &Ctx<'_>) -> Result<(), XlsxError> {
    let Some(rows) = c.plan else {
        return Ok(());
    };
    let (lang, f) = (c.lang, &c.f);
    let header = [
        c.l("月", "Month"),
        c.l("指標", "Metric"),
        c.l("指標ID", "Metric id"),
        c.l("計画", "Plan"),
        c.l("実績", "Actual"),
        c.l("差(実績−計画)", "Actual − plan"),
        c.l("計画比", "Actual / plan"),
        c.l("確定/暫定", "Matured / provisional"),
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
                    c.l("暫定", "provisional")
                } else {
                    c.l("確定", "final")
                },
                &f.text,
            ),
        ]
    });
    g.table(0, 0, &header, cells, f)?;
    let last = rows.len() as u32;
    g.ws.set_freeze_panes(1, 0)?;
    g.ws.autofilter(0, 0, last.max(1), 7)?;
    // A chart per metric (the rows come grouped by metric).
    let mut at = 0u32;
    let mut start = 0usize;
    while start < rows.len() {
        let metric = rows[start].metric;
        let end = start + rows[start..].iter().take_while(|r| r.metric == metric).count();
        let chart = plan_chart(g.name(), c, metric, (1 + start as u32, end as u32));
        g.ws.insert_chart(at, 9, &chart)?;
        at += 16;
        start = end;
    }
    Ok(())
}

/// One metric's chart from its rows `first..=last`: actual as columns,
/// plan as a line.
fn plan_chart(name: &str, c: &Ctx<'_>, metric: Metric, (first, last): (u32, u32)) -> Chart {
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
    chart.title().set_name(metric.name(c.lang));
    chart.x_axis().set_num_format("yyyy-mm");
    chart
        .y_axis()
        .set_num_format(if metric.is_rate() { "0%" } else { "#,##0" });
    chart.set_width(560).set_height(300);
    chart
}

/// データ品質: what was read, used and left out, as numbers and dates.
pub(crate) fn quality(g: &mut Grid<'_>, c: &Ctx<'_>) -> Result<(), XlsxError> {
    let (tables, f) = (c.tables, &c.f);
    let q = &tables.quality;
    let units = crate::money::micros_to_units;
    g.header(0, 0, &[c.l("項目", "Item"), c.l("値", "Value")], f)?;
    g.text(1, 0, c.l("データ", "Data"), &f.text)?;
    g.text(1, 1, &tables.run.input, &f.text)?;
    let counts: [(&str, f64, &rust_xlsxwriter::Format); 11] = [
        (c.l("読んだ行", "Rows read"), q.rows_read as f64, &f.count),
        (c.l("使った行", "Rows used"), q.rows_used as f64, &f.count),
        (
            c.l(
                "除外した行(不正・見出しの繰り返し)",
                "Rows rejected (bad, repeated header)",
            ),
            q.rows_rejected as f64,
            &f.count,
        ),
        (
            c.l("基準日より後の行", "Rows after the as-of date"),
            q.rows_excluded as f64,
            &f.count,
        ),
        (
            c.l("実行日より後の日付の行", "Rows dated after the run day"),
            q.rows_after_today as f64,
            &f.count,
        ),
        (c.l("返品・取消の行", "Return rows"), q.return_rows as f64, &f.count),
        (
            c.l("返品・取消の合計", "Returns total"),
            units(q.returns_total),
            &f.money,
        ),
        (c.l("購入の合計", "Purchases total"), units(q.purchases_total), &f.money),
        (
            c.l("重複の疑いがある行", "Possible duplicate rows"),
            q.duplicate_rows as f64,
            &f.count,
        ),
        (
            c.l("顧客数(行のある顧客)", "Customers with rows"),
            q.customers as f64,
            &f.count,
        ),
        (
            c.l("ポートフォリオの顧客数", "Customers in the portfolio"),
            q.customers_in_portfolio as f64,
            &f.count,
        ),
    ];
    let counts = counts.map(|(label, v, format)| vec![Cell::Text(label, &f.text), Cell::Number(v, format)]);
    let row = g.table(2, 0, &[], counts, f)?;
    let days = [
        (c.l("最初の日付", "First date"), q.first_day),
        (c.l("最後の日付", "Last date"), q.last_day),
        (c.l("基準日", "As of"), q.as_of),
    ]
    .map(|(label, day)| vec![Cell::Text(label, &f.text), Cell::Date(day, &f.date)]);
    let row = g.table(row, 0, &[], days, f)?;
    let reasons: Vec<String> = q
        .rejected_by_reason
        .keys()
        .map(|reason| format!("{} {reason}", c.l("除外の理由:", "Rejected:")))
        .collect();
    let rejected = reasons
        .iter()
        .zip(q.rejected_by_reason.values())
        .map(|(label, &n)| vec![Cell::Text(label, &f.text), Cell::Number(n as f64, &f.count)]);
    g.table(row, 0, &[], rejected, f)?;
    Ok(())
}

/// ルール: `rules.toml` line by line; a value that is a number is a number.
pub(crate) fn rules(g: &mut Grid<'_>, c: &Ctx<'_>) -> Result<(), XlsxError> {
    let (tables, f, lang) = (c.tables, &c.f, c.lang);
    let text = crate::config::rules_file::rules_toml(&tables.config, &tables.run);
    g.header(
        0,
        0,
        &[
            lang.pick("設定", "Setting"),
            lang.pick("値", "Value"),
            lang.pick("意味", "Meaning"),
        ],
        f,
    )?;
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
            if let Some(setting) = crate::config::settings::find(&key) {
                g.text(row, 2, lang.pick(setting.ja, setting.help), &f.text)?;
            }
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
    Ok(())
}

/// A follow-up list: the columns of the list's CSV (with `--keep-cols`,
/// those columns last), ids as text.
pub(crate) fn list(g: &mut Grid<'_>, c: &Ctx<'_>, list: &CustomerList) -> Result<(), XlsxError> {
    let (tables, f, lang) = (c.tables, &c.f, c.lang);
    let p = &tables.portfolio;
    let mut header = vec![
        c.l("顧客ID", "Customer id"),
        c.l("区分", "Segment"),
        c.l("初回購入日", "First purchase"),
        c.l("最終購入日", "Last purchase"),
        c.l("在籍期間(日)", "Tenure (days)"),
        c.l("離脱期間(日)", "Recency (days)"),
        c.l("売上累計", "Total"),
        c.l("購入日数", "Purchase days"),
        c.l("前月の区分", "Previous segment"),
    ];
    header.extend(tables.kept.iter().map(|a| a.column.as_str()));
    let rows = list.customers.iter().map(|&i| {
        let cust = &p.customers[i];
        let previous = match cust.previous_segment {
            Some(s) if s < p.labels.len() => lang.pick(p.labels[s].ja, p.labels[s].en),
            Some(_) => c.l("新規", "new"),
            None => "",
        };
        let mut cells = vec![
            Cell::Text(p.customer_id(cust), &f.text),
            Cell::Text(lang.pick(p.labels[cust.segment].ja, p.labels[cust.segment].en), &f.text),
            Cell::Date(cust.first_purchase, &f.date),
            Cell::Date(cust.last_purchase, &f.date),
            Cell::Number(f64::from(cust.tenure_days), &f.count),
            Cell::Number(f64::from(cust.recency_days), &f.count),
            Cell::Number(crate::money::micros_to_units(i128::from(cust.total.0)), &f.money),
            Cell::Number(f64::from(cust.purchase_days), &f.count),
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
    Ok(())
}
