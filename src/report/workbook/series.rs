//! The sheets over time: 推移 (customers by segment at every month-end, with
//! shares and a stacked column chart of 現役), 転換率 (cohorts against the
//! target, chart included), コホート (the cohort ladder) and 売上 (with a
//! stacked column chart by tier).

use rust_xlsxwriter::{
    Chart, ChartFormat, ChartLine, ChartLineDashType, ChartPoint, ChartSolidFill, ChartType, Color, XlsxError,
};

use super::Ctx;
use super::cells::{Cell, Grid, rgb};
use crate::dates::first_day_of_month;
use crate::engine::portfolio::LADDER_MONTHS;
use crate::engine::segments::{CPM_TIER_NAMES, CpmLayout, Tier};
use crate::report::charts::style::{TARGET, lifecycle_color, segment_color_in, tint};
use crate::report::model::ten_segments;
use crate::text::lang::{Lang, by_lang};

pub(crate) fn segment_name(p: &crate::engine::portfolio::Portfolio, s: usize, lang: Lang) -> &'static str {
    lang.pick(p.labels[s].ja, p.labels[s].en)
}

/// A header row: `first`, every segment's name, `last`.
pub(crate) fn segment_header<'a>(
    p: &crate::engine::portfolio::Portfolio,
    lang: Lang,
    first: &'a str,
    last: &'a str,
) -> Vec<&'a str> {
    let mut header = vec![first];
    header.extend((0..p.labels.len()).map(|s| segment_name(p, s, lang)));
    header.push(last);
    header
}

fn segment_color(p: &crate::engine::portfolio::Portfolio, s: usize) -> Color {
    rgb(match CpmLayout::of(&p.labels) {
        Some(layout) => segment_color_in(s, layout.tiers),
        None => lifecycle_color(s),
    })
}

fn fill(color: Color) -> ChartFormat {
    let mut format = ChartFormat::new();
    format.set_solid_fill(ChartSolidFill::new().set_color(color));
    format
}

/// Row where 推移's share block starts (its header), below the counts.
pub(crate) fn trend_shares_top(p: &crate::engine::portfolio::Portfolio) -> u32 {
    p.snapshot_days.len() as u32 + 3
}

/// A stacked column chart of the columns `series` (header in row 0, data
/// in rows 1 to `last`, month-ends in column 0), as 推移 and 売上 draw it.
fn stacked_columns(name: &str, last: u32, series: &[(u16, Color)], title: &str, width: u32) -> Chart {
    let mut chart = Chart::new(ChartType::ColumnStacked);
    for &(col, color) in series {
        chart
            .add_series()
            .set_name((name, 0, col))
            .set_categories((name, 1, 0, last, 0))
            .set_values((name, 1, col, last, col))
            .set_format(&mut fill(color))
            .set_gap(40);
    }
    chart.title().set_name(title);
    chart.x_axis().set_num_format("yyyy-mm");
    chart.y_axis().set_num_format("#,##0");
    chart.set_width(width).set_height(440);
    chart
}

/// 推移: month-ends down, segment counts and 合計 from row 0; the shares
/// below them (from [`trend_shares_top`]); the chart to the right.
pub(crate) fn trend(g: &mut Grid<'_>, c: &Ctx<'_>) -> Result<(), XlsxError> {
    let (lang, f) = (c.lang, &c.f);
    let p = &c.tables.portfolio;
    let n = p.labels.len();
    let shares_top = trend_shares_top(p);
    let header = |total: &'static str| segment_header(p, lang, c.l("月末", "Month-end"), total);
    g.loose(
        shares_top - 1,
        0,
        c.l("構成比(全顧客に対する割合)", "Shares of all customers"),
        &f.note,
    )?;
    let rows = |shares: bool| {
        p.snapshot_days.iter().zip(&p.counts).map(move |(&day, counts)| {
            let total: u64 = counts.iter().sum();
            let value = |v: u64| Cell::count_or_share(v, total, shares, f);
            let mut row = vec![Cell::Date(day, &f.date)];
            row.extend(counts.iter().map(|&v| value(v)));
            row.push(value(total));
            row
        })
    };
    g.table(0, 0, &header(c.l("合計", "Total")), rows(false), f)?;
    g.table(
        shares_top,
        0,
        &header(c.l("合計(構成比)", "Total (share)")),
        rows(true),
        f,
    )?;
    let (shown, title): (Vec<usize>, _) = match CpmLayout::of(&p.labels) {
        Some(layout) => (
            layout.active().collect(),
            c.l("現役顧客数の推移(段階別)", "Active customers by tier"),
        ),
        None => ((0..n).collect(), c.l("状態別顧客数の推移", "Customers by state")),
    };
    let series: Vec<(u16, Color)> = shown.into_iter().map(|s| (1 + s as u16, segment_color(p, s))).collect();
    let chart = stacked_columns(g.name(), p.snapshot_days.len() as u32, &series, title, 900);
    g.ws.insert_chart(1, 3 + n as u16, &chart)?;
    g.ws.set_freeze_panes(1, 1)?;
    Ok(())
}

/// 転換率: one row per acquisition cohort; provisional cohorts marked.
pub(crate) fn conversion(g: &mut Grid<'_>, c: &Ctx<'_>) -> Result<(), XlsxError> {
    let f = &c.f;
    let p = &c.tables.portfolio;
    let target = c.tables.config.conversion_target;
    let converted = by_lang!(
        c.lang,
        "転換({days}日以内に2回目)",
        "Converted (2nd purchase within {days} days)",
        days = c.tables.config.rules.toddler_days
    );
    let header = [
        c.l("獲得月", "Cohort"),
        c.l("獲得人数", "Cohort size"),
        &converted,
        c.l("転換率", "Rate"),
        c.l("目標", "Target"),
        c.l("確定/暫定", "Matured / provisional"),
    ];
    let provisional = f
        .percent
        .clone()
        .set_background_color(Color::RGB(0xFFF3CD))
        .set_italic();
    let rows = p.conversion.iter().map(|cohort| {
        vec![
            Cell::Date(first_day_of_month(cohort.cohort_month), &f.month),
            Cell::Number(cohort.cohort_size as f64, &f.count),
            Cell::Number(cohort.converted as f64, &f.count),
            Cell::Number(cohort.rate, if cohort.matured { &f.percent } else { &provisional }),
            Cell::Number(target, &f.percent),
            Cell::Text(
                if cohort.matured {
                    c.l("確定", "matured")
                } else {
                    c.l("暫定", "provisional")
                },
                &f.text,
            ),
        ]
    });
    g.table(0, 0, &header, rows, f)?;
    let last = p.conversion.len() as u32;
    if last > 0 {
        let chart = conversion_chart(g.name(), c);
        g.ws.insert_chart(1, 7, &chart)?;
    }
    g.ws.set_freeze_panes(1, 1)?;
    g.ws.autofilter(0, 0, last.max(1), 5)?;
    Ok(())
}

/// 転換率's chart: the rates as columns (provisional cohorts light), the
/// target as a dashed line.
fn conversion_chart(name: &str, c: &Ctx<'_>) -> Chart {
    let p = &c.tables.portfolio;
    let last = p.conversion.len() as u32;
    let light = rgb(tint(segment_color_in(Tier::Toddler as usize, 5), 0.6));
    let points: Vec<ChartPoint> = p
        .conversion
        .iter()
        .map(|cohort| {
            if cohort.matured {
                ChartPoint::new()
            } else {
                ChartPoint::new().set_format(&mut fill(light))
            }
        })
        .collect();
    let mut chart = Chart::new(ChartType::Column);
    chart
        .add_series()
        .set_name((name, 0, 3))
        .set_categories((name, 1, 0, last, 0))
        .set_values((name, 1, 3, last, 3))
        .set_format(&mut fill(rgb(segment_color_in(Tier::Toddler as usize, 5))))
        .set_points(&points)
        .set_gap(50);
    let mut line = Chart::new(ChartType::Line);
    line.add_series()
        .set_name((name, 0, 4))
        .set_categories((name, 1, 0, last, 0))
        .set_values((name, 1, 4, last, 4))
        .set_format(
            ChartFormat::new().set_line(
                ChartLine::new()
                    .set_color(rgb(TARGET))
                    .set_width(2.0)
                    .set_dash_type(ChartLineDashType::Dash),
            ),
        );
    chart.combine(&line);
    chart.title().set_name(c.l(
        "初回→よちよち転換率(獲得月別、暫定は未確定)",
        "First → toddler conversion by cohort (provisional ones not final)",
    ));
    chart.x_axis().set_num_format("yyyy-mm");
    chart.y_axis().set_num_format("0%");
    chart.set_width(960).set_height(420);
    chart
}

/// コホート: for each acquisition cohort, its members in 優良 (現役 or 離脱,
/// 超優良 included) at month k after the first purchase, k = 0..=12.
pub(crate) fn cohorts(g: &mut Grid<'_>, c: &Ctx<'_>) -> Result<(), XlsxError> {
    let f = &c.f;
    let ten = ten_segments(&c.tables.portfolio);
    let loyal = [Tier::Loyal as usize, Tier::Loyal as usize + 5];
    g.loose(
        0,
        0,
        c.l(
            "獲得コホートのうち優良(現役+離脱、超優良を含む)にいる人数、初回購入月から k か月後の月末",
            "Members of each cohort in the loyal tier (active or lapsed, super-loyal included) at the month-end k months after the first purchase",
        ),
        &f.note,
    )?;
    let months: Vec<String> = (0..LADDER_MONTHS)
        .map(|k| by_lang!(c.lang, "{k}か月後", "month {k}"))
        .collect();
    let mut header = vec![c.l("獲得月", "Cohort"), c.l("獲得人数", "Cohort size")];
    header.extend(months.iter().map(String::as_str));
    let rows = ten.ladder.iter().map(|cohort| {
        let mut row = vec![
            Cell::Date(first_day_of_month(cohort.cohort_month), &f.month),
            Cell::Number(cohort.size as f64, &f.count),
        ];
        row.extend(
            cohort
                .counts
                .iter()
                .map(|counts| Cell::Number(loyal.iter().map(|&s| counts[s]).sum::<u64>() as f64, &f.count)),
        );
        row
    });
    g.table(1, 0, &header, rows, f)?;
    g.ws.set_freeze_panes(2, 1)?;
    Ok(())
}

/// 売上: net sales dated in each month, by the customers' segment at its
/// end, and the total; to the right, the same by tier (現役 + 離脱) for the
/// CPM scheme, and a stacked column chart by tier (by state in the
/// lifecycle scheme), as pasted into slides.
pub(crate) fn sales(g: &mut Grid<'_>, c: &Ctx<'_>) -> Result<(), XlsxError> {
    let (lang, f) = (c.lang, &c.f);
    let p = &c.tables.portfolio;
    let n = p.labels.len();
    let header = segment_header(p, lang, c.l("月末", "Month-end"), c.l("合計", "Total"));
    let units = |m: i128| Cell::Number(crate::money::micros_to_units(m), &f.money);
    let rows = p.snapshot_days.iter().zip(&p.sales).map(|(&day, sales)| {
        let mut row = vec![Cell::Date(day, &f.date)];
        row.extend(sales.iter().map(|&m| units(m)));
        row.push(units(sales.iter().sum()));
        row
    });
    g.table(0, 0, &header, rows, f)?;
    let layout = CpmLayout::of(&p.labels);
    let tier_col = 3 + n as u16;
    if let Some(layout) = layout {
        let heads: Vec<String> = CPM_TIER_NAMES[..layout.tiers]
            .iter()
            .map(|(ja, en)| by_lang!(lang, "{ja}(現役+離脱)", "{en} (active + lapsed)"))
            .collect();
        let heads: Vec<&str> = heads.iter().map(String::as_str).collect();
        let rows = p.sales.iter().map(|sales| {
            (0..layout.tiers)
                .map(|k| units(sales[k] + sales[k + layout.tiers]))
                .collect()
        });
        g.table(0, tier_col, &heads, rows, f)?;
    }
    let last = p.snapshot_days.len() as u32;
    if last > 0 {
        let (series, title, right): (Vec<(u16, Color)>, _, _) = match layout {
            Some(layout) => (
                (0..layout.tiers)
                    .map(|k| (tier_col + k as u16, segment_color(p, k)))
                    .collect(),
                c.l("月別の売上(段階別、円)", "Sales by month and tier (yen)"),
                tier_col + layout.tiers as u16 + 1,
            ),
            None => (
                (0..n).map(|s| (1 + s as u16, segment_color(p, s))).collect(),
                c.l("月別の売上(状態別、円)", "Sales by month and state (yen)"),
                tier_col,
            ),
        };
        let chart = stacked_columns(g.name(), last, &series, title, 960);
        g.ws.insert_chart(1, right, &chart)?;
    }
    g.ws.set_freeze_panes(1, 1)?;
    Ok(())
}
