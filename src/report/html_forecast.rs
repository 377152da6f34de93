//! The forecast section's HTML (with `--forecast`), to follow its chart:
//! a short table (every segment now and a few months ahead with the 80%
//! interval, and under the scenario), the track record in one sentence,
//! and how to read the interval.

use std::fmt::Write as _;

use super::html::escape;
use super::model::forecast::{ForecastView, Row};
use crate::dates::format_day;
use crate::forecast::files::Cell;
use crate::text::format::{percent, thousands};
use crate::text::lang::{Lang, by_lang};

fn count(n: u64) -> String {
    thousands(i128::from(n))
}

fn cell(c: &Cell, total: bool) -> String {
    if total {
        format!("<td class=\"num\">{}</td>", count(c.customers))
    } else {
        format!(
            "<td class=\"num\">{} <span class=\"note\">({}–{})</span></td>",
            count(c.customers),
            count(c.low),
            count(c.high)
        )
    }
}

fn row(r: &Row) -> String {
    let mut h = format!(
        "<tr{}><td>{}</td><td class=\"num\">{}</td>",
        if r.total { " class=\"priority\"" } else { "" },
        escape(&r.name),
        count(r.now)
    );
    for c in &r.at {
        h.push_str(&cell(c, r.total));
    }
    if let Some(c) = &r.scenario {
        h.push_str(&cell(c, r.total));
    }
    h.push_str("</tr>\n");
    h
}

/// The table and the sentences after the forecast chart.
pub(crate) fn tables(v: &ForecastView, lang: Lang) -> String {
    let l = |ja: &'static str, en: &'static str| lang.pick(ja, en);
    let mut h = String::from("<table class=\"forecast\">\n<tr>");
    let _ = write!(
        h,
        "<th>{}</th><th class=\"num\">{}</th>",
        l("区分", "Segment"),
        l("現在", "Now")
    );
    for &m in &v.horizons {
        let _ = write!(
            h,
            "<th class=\"num\">{}<br><span class=\"note\">{}</span></th>",
            by_lang!(lang, "{m}か月後", "+{m} months"),
            format_day(v.month_ends[m - 1])
        );
    }
    if let Some((rate, _, _)) = &v.scenario {
        let _ = write!(
            h,
            "<th class=\"num\">{}<br><span class=\"note\">{}</span></th>",
            {
                let rate = percent(*rate);
                by_lang!(lang, "転換率 {rate} なら", "at {rate} conversion")
            },
            format_day(*v.month_ends.last().expect("at least one month"))
        );
    }
    h.push_str("</tr>\n");
    for r in &v.rows {
        h.push_str(&row(r));
    }
    h.push_str("</table>\n");
    let _ = writeln!(h, "<p class=\"reading\">{}</p>", escape(&v.track_reading));
    let _ = writeln!(
        h,
        "<p class=\"note\">{} {}</p>",
        escape(&v.interval_note),
        l(
            "数値の元: forecast/forecast.csv・forecast_flow.csv(シナリオは scenario_*、誤差は backtest_summary.csv、モデルは rules.toml の [forecast])。",
            "Sources: forecast/forecast.csv and forecast_flow.csv (the scenario in scenario_*, the error in backtest_summary.csv, the model in rules.toml's [forecast]).",
        )
    );
    h
}
