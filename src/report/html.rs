//! The self-contained HTML page: charts embedded as PNG data, no scripts,
//! no external requests, and a print stylesheet for A4.

use std::fmt::Write as _;

use super::model::ReportModel;
use crate::dates::format_day;
use crate::tables::Tables;
use crate::text::format::{percent, thousands};
use crate::text::lang::by_lang;

/// Escapes text for HTML element content and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
:root { --ink:#212529; --subtle:#5c6269; --line:#dee2e6; --good:#1b7f3b; --bad:#c8232d; --accent:#2f5d9e; }
* { box-sizing: border-box; }
body { font-family: "Hiragino Sans", "Hiragino Kaku Gothic ProN", "Noto Sans CJK JP", "Yu Gothic", Meiryo, "IPAexGothic", sans-serif; color: var(--ink); margin: 0 auto; max-width: 1180px; padding: 24px 32px 48px; line-height: 1.6; }
h1 { font-size: 1.8rem; margin: 0 0 4px; }
h2 { font-size: 1.3rem; border-left: 6px solid var(--accent); padding-left: 10px; margin: 36px 0 8px; }
.meta { color: var(--subtle); font-size: .9rem; margin: 0; }
.cards { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; margin: 20px 0 8px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
.card .title { font-size: .85rem; color: var(--subtle); }
.card .value { font-size: 2rem; font-weight: 700; line-height: 1.2; margin: 4px 0; }
.card .change, .card .target { font-size: .85rem; }
.card.good { border-top: 5px solid var(--good); }
.card.bad { border-top: 5px solid var(--bad); }
.card.neutral { border-top: 5px solid var(--line); }
.reading { font-size: 1.05rem; margin: 4px 0 10px; }
figure { margin: 0; }
figure img { width: 100%; height: auto; border: 1px solid var(--line); border-radius: 4px; }
figcaption { font-size: .8rem; color: var(--subtle); }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
th, td { border-bottom: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; white-space: nowrap; }
tr.priority td { background: #fff4f4; font-weight: 600; }
tr.provisional td { color: var(--subtle); font-style: italic; }
.note { color: var(--subtle); font-size: .85rem; }
th .sub { color: var(--subtle); font-weight: 400; font-size: .8em; }
"#;

/// The note under the action table: the response rates of this run's
/// rules (the book's 20/10/5/1% unless configured otherwise).
fn response_rates_note(config: &crate::config::Config, lang: crate::text::lang::Lang) -> String {
    let [first, toddler, trendy, steady, loyal] = config.response_rates.by_tier.map(percent);
    by_lang!(
        lang,
        "反応率は区分の段階別の計画値(優良 {loyal}・コツコツ {steady}・流行 {trendy}・よちよち {toddler}・初回 {first})で、\
             離脱区分にも同じ率を当てています。実際の離脱客の反応は低めです。",
        "Response rates are planning figures by tier (loyal {loyal}, steady {steady}, trendy {trendy}, toddler {toddler}, \
             first-time {first}), applied to lapsed segments too; lapsed customers usually respond less."
    )
}

/// A chart as the page embeds it.
pub(crate) struct EmbeddedChart {
    pub png_base64: String,
}

/// The whole page, drawn from the report model and the tables.
pub(crate) fn render(model: &ReportModel, tables: &Tables, charts: &[EmbeddedChart]) -> String {
    let mut h = String::new();
    page_head(&mut h, model, tables.run.input.as_str());
    front(&mut h, model, tables);
    chart_sections(&mut h, model, tables, charts);
    h.push_str(&super::html_tables::plan_table(model));
    actions_table(&mut h, model, tables);
    lists_table(&mut h, model);
    quality_table(&mut h, model, tables);
    let _ = writeln!(
        h,
        "<footer class=\"note\">cpm {}</footer>\n</body>\n</html>",
        env!("CARGO_PKG_VERSION")
    );
    h
}

/// The document head and the report's header.
fn page_head(h: &mut String, model: &ReportModel, input_name: &str) {
    let lang = model.lang;
    let l = |ja: &'static str, en: &'static str| lang.pick(ja, en);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}{PRINT}{ACTIVITY}</style>\n</head>\n<body>\n",
        l("ja", "en"),
        escape(&model.title),
        PRINT = super::html_tables::PRINT_STYLE,
        ACTIVITY = super::html_activity::PRINT_STYLE,
    );
    let _ = writeln!(h, "<header>\n<h1>{}</h1>", escape(&model.title));
    let _ = writeln!(
        h,
        "<p class=\"meta\">{} {} · {} {} · {} {}</p>\n</header>",
        l("基準日", "As of"),
        format_day(model.as_of),
        l("データ", "Data"),
        escape(input_name),
        l("顧客数", "Customers"),
        thousands(i128::from(model.customers)),
    );
}

/// The KPI cards, the portfolio table and what the segments mean.
fn front(h: &mut String, model: &ReportModel, tables: &Tables) {
    let lang = model.lang;
    let l = |ja: &'static str, en: &'static str| lang.pick(ja, en);
    h.push_str("<section class=\"front\">\n<div class=\"cards\">\n");
    for card in &model.cards {
        let class = match card.on_track {
            Some(true) => "good",
            Some(false) => "bad",
            None => "neutral",
        };
        let _ = writeln!(
            h,
            "<div class=\"card {class}\"><div class=\"title\">{}</div><div class=\"value\">{}</div><div class=\"change\">{}</div><div class=\"change\">{}</div>{}</div>",
            escape(&card.title),
            escape(&card.value),
            escape(&card.change),
            escape(&card.year_on_year),
            card.target
                .as_ref()
                .map_or(String::new(), |t| format!("<div class=\"target\">{}</div>", escape(t)))
        );
    }
    h.push_str("</div>\n");
    h.push_str(&super::html_tables::portfolio_table(model, tables));
    h.push_str("</section>\n");
    if let Some(a) = &model.activity {
        h.push_str(&super::html_activity::section(a));
    }
    let _ = writeln!(
        h,
        "<section class=\"table definitions\">\n<h2>{}</h2>\n<table>",
        l(
            "区分の定義(このレポートのルール)",
            "What the segments mean (this report's rules)"
        )
    );
    for (term, definition) in super::definitions::definitions(&tables.config, lang) {
        let _ = writeln!(h, "<tr><th>{}</th><td>{}</td></tr>", escape(&term), escape(&definition));
    }
    h.push_str("</table>\n</section>\n");
}

/// One section per chart, with its reading and any tables that go with it.
fn chart_sections(h: &mut String, model: &ReportModel, tables: &Tables, charts: &[EmbeddedChart]) {
    let lang = model.lang;
    let p = &tables.portfolio;
    for (section, chart) in model.charts.iter().zip(charts) {
        let _ = writeln!(
            h,
            "<section class=\"chart\">\n<div class=\"page\">\n<h2>{title}</h2>\n<p class=\"reading\">{reading}</p>\n<figure><img src=\"data:image/png;base64,{png}\" alt=\"{title}\"><figcaption>{file}.png · {file}.svg</figcaption></figure>\n</div>",
            title = escape(&section.title),
            reading = escape(&section.reading),
            png = chart.png_base64,
            file = section.file,
        );
        match (section.chart, &model.breakdown) {
            (super::chart_kind::Chart::ByGroup, Some(by)) => h.push_str(&super::html_by_group::tables(by, p, lang)),
            (super::chart_kind::Chart::ByGroupTrend, Some(by)) => {
                h.push_str(&super::html_by_group::trend_table(&by.trend, lang));
            }
            _ => {}
        }
        if let (super::chart_kind::Chart::Forecast, Some(f)) = (section.chart, &model.forecast) {
            h.push_str(&super::html_forecast::tables(f, lang));
        }
        h.push_str("</section>\n");
    }
}

/// This month's actions by segment.
fn actions_table(h: &mut String, model: &ReportModel, tables: &Tables) {
    let lang = model.lang;
    let l = |ja: &'static str, en: &'static str| lang.pick(ja, en);
    let config = &tables.config;
    let _ = writeln!(
        h,
        "<section class=\"table\">\n<h2>{}</h2>",
        l(
            "今月のアクション(区分別コミュニケーション)",
            "This month's actions by segment"
        )
    );
    let with_rates = model.actions.iter().all(|r| r.response_rate.is_some());
    if with_rates {
        let _ = writeln!(
            h,
            "<table>\n<tr><th>{}</th><th class=\"num\">{}</th><th>{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th></tr>",
            l("区分", "Segment"),
            l("人数", "Customers"),
            l("推奨コミュニケーション", "Recommended communication"),
            l("想定反応率", "Response rate"),
            l("DM 想定反応数", "Expected DM responders")
        );
    } else {
        let _ = writeln!(
            h,
            "<table>\n<tr><th>{}</th><th class=\"num\">{}</th><th>{}</th></tr>",
            l("状態", "State"),
            l("人数", "Customers"),
            l("次の一歩", "Next step"),
        );
    }
    for row in &model.actions {
        let rates = match (row.response_rate, row.expected_responders) {
            (Some(rate), Some(expected)) => format!(
                "<td class=\"num\">{}</td><td class=\"num\">{}</td>",
                percent(rate),
                thousands(expected.round() as i128)
            ),
            _ => String::new(),
        };
        let _ = writeln!(
            h,
            "<tr{}><td>{}</td><td class=\"num\">{}</td><td>{}</td>{rates}</tr>",
            if row.priority { " class=\"priority\"" } else { "" },
            escape(&row.name),
            thousands(i128::from(row.customers)),
            escape(&row.communication),
        );
    }
    let _ = writeln!(
        h,
        "</table>\n<p class=\"note\">{}</p>\n</section>",
        if with_rates {
            response_rates_note(config, lang)
        } else {
            l(
                "6 区分の D2C ライフサイクルによるフェーズ別「次の一歩」。休眠予備軍(離脱の入口)が最優先です。",
                "The six-state D2C lifecycle's next step for each phase. At-risk customers (the way out) come first.",
            )
            .to_string()
        }
    );
}

/// The follow-up lists and their files.
fn lists_table(h: &mut String, model: &ReportModel) {
    let lang = model.lang;
    let l = |ja: &'static str, en: &'static str| lang.pick(ja, en);
    let _ = writeln!(
        h,
        "<section>\n<h2>{}</h2>\n<table>",
        l("フォロー対象リスト", "Follow-up lists")
    );
    let _ = writeln!(
        h,
        "<tr><th>{}</th><th class=\"num\">{}</th><th>{}</th></tr>",
        l("リスト", "List"),
        l("人数", "Customers"),
        l("ファイル", "File")
    );
    for list in &model.lists {
        let _ = writeln!(
            h,
            "<tr><td><strong>{}</strong><br><span class=\"note\">{}</span></td><td class=\"num\">{}</td><td>lists/{}.csv</td></tr>",
            escape(&list.title),
            escape(&list.why),
            thousands(list.customers.len() as i128),
            list.file
        );
    }
    h.push_str("</table>\n</section>\n");
}

/// Data quality, the rules and how to read the report.
fn quality_table(h: &mut String, model: &ReportModel, tables: &Tables) {
    let lang = model.lang;
    let l = |ja: &'static str, en: &'static str| lang.pick(ja, en);
    let p = &tables.portfolio;
    let config = &tables.config;
    let _ = writeln!(
        h,
        "<section>\n<h2>{}</h2>\n<table>",
        l("データ品質と集計ルール", "Data quality and rules")
    );
    let mut facts = super::quality::facts(&tables.quality, lang);
    facts.push((
        l("スナップショット", "Snapshots").to_string(),
        format!(
            "{} ({} – {})",
            p.snapshot_days.len(),
            format_day(p.snapshot_days[0]),
            format_day(p.as_of)
        ),
    ));
    facts.push((
        l("区分ルール", "Segment rules").to_string(),
        crate::config::rules_file::rules_line(config),
    ));
    facts.push((
        l("設定ファイル", "Config file").to_string(),
        crate::config::rules_file::source_line(config, lang),
    ));
    facts.push((
        l("ルールの記録", "Rules record").to_string(),
        l(
            "tables/rules.toml(--config に渡すと同じルールで再計算できます)",
            "tables/rules.toml (pass it to --config to recompute with the same rules)",
        )
        .to_string(),
    ));
    for note in &model.notes {
        facts.push((l("読み方", "How to read").to_string(), note.clone()));
    }
    for (k, v) in facts {
        let _ = writeln!(h, "<tr><th>{}</th><td>{}</td></tr>", escape(&k), escape(&v));
    }
    let _ = writeln!(
        h,
        "</table>\n<p class=\"note\">{}</p>\n</section>",
        l(
            "すべての数値の元データは tables/ の CSV(snapshots・transitions・conversion・segments・ladder・activity・data_quality)にあります。",
            "Every number here can be traced in the CSV files under tables/ (snapshots, transitions, conversion, segments, ladder, activity, data_quality)."
        )
    );
}
