//! The report model of the ten (or twelve) CPM segments.

mod actions;
mod readings;

use self::actions::{actions, lists};
use self::readings::*;
use super::*;
use crate::text::lang::by_lang;

impl crate::report::scheme::SchemeReport for crate::report::scheme::Cpm {
    fn model(&self, p: &Portfolio, config: &Config, lang: Lang) -> ReportModel {
        build_cpm(p, config, lang, config.rules.layout())
    }

    fn summary(&self, p: &Portfolio, config: &Config, lang: Lang) -> String {
        crate::report::summary::render_cpm(p, config, lang)
    }

    fn chart_view<'a>(&self, p: &'a Portfolio) -> Cow<'a, Portfolio> {
        ten_segments(p)
    }
}

fn build_cpm(full: &Portfolio, config: &Config, lang: Lang, layout: CpmLayout) -> ReportModel {
    let merged = ten_segments(full);
    let p: &Portfolio = &merged;
    let t = p.snapshot_days.len() - 1;
    let k = kpi::cpm_at(full, t, config.rules.toddler_days);
    let month = month_label(p.snapshot_days[t], lang);
    SchemeParts {
        scheme: Scheme::Cpm,
        title: by_lang!(lang, "CPM 月次レポート {month}", "CPM monthly report — {month}"),
        customers: k.customers,
        cards: cards(full, &k, config, lang, layout),
        charts: cpm_charts(full, p, &k, config, lang, layout),
        actions: actions(full, t, config, lang, layout),
        lists: lists(full, t, config, lang, layout),
        notes: super_loyal_note(config, lang, layout).into_iter().collect(),
        kpis: Kpis::Cpm(k),
    }
    .into_model(p, t, lang)
}

/// The CPM charts and their readings, in page order (the bridge, plan,
/// breakdown and forecast come later).
fn cpm_charts(
    full: &Portfolio,
    p: &Portfolio,
    k: &CpmKpis,
    config: &Config,
    lang: Lang,
    layout: CpmLayout,
) -> Vec<ChartSection> {
    let t = k.t;
    let merged_note = |reading: String| {
        if layout.has_super() {
            format!(
                "{reading}{}",
                lang.pick(
                    "(この図では超優良を優良に含めています。)",
                    " (Super-loyal is counted as loyal in this chart.)"
                )
            )
        } else {
            reading
        }
    };
    let l = |ja: &str, en: &str| lang.pick(ja, en).to_string();
    vec![
        ChartSection {
            chart: Chart::Portfolio,
            file: Chart::Portfolio.file_stem(&Chart::CPM),
            title: if layout.has_super() {
                l(
                    "CPM ポートフォリオ(12 区分: 超優良あり)",
                    "CPM portfolio (twelve segments, with super-loyal)",
                )
            } else {
                l("CPM ポートフォリオ(10 区分)", "CPM portfolio (ten segments)")
            },
            reading: read_portfolio(full, k, config, lang, layout),
        },
        ChartSection {
            chart: Chart::Funnel,
            file: Chart::Funnel.file_stem(&Chart::CPM),
            title: l("育成ファネル", "Nurturing funnel"),
            reading: merged_note(read_funnel(p, t, lang)),
        },
        ChartSection {
            chart: Chart::Trend,
            file: Chart::Trend.file_stem(&Chart::CPM),
            title: l("区分別顧客数の推移", "Customers by segment over time"),
            reading: format!("{}{}", read_trend(p, t, lang), year_ago::trend(p, t, lang)),
        },
        ChartSection {
            chart: Chart::Conversion,
            file: Chart::Conversion.file_stem(&Chart::CPM),
            title: l(
                "初回→よちよち転換率(獲得月別)",
                "First-to-toddler conversion by acquisition month",
            ),
            reading: read_conversion(full, k, config, lang),
        },
        ChartSection {
            chart: Chart::Transitions,
            file: Chart::Transitions.file_stem(&Chart::CPM),
            title: l("今月の区分移動(前月末→今月末)", "This month's moves between segments"),
            reading: read_transitions(p, t, lang),
        },
        ChartSection {
            chart: Chart::CohortLadder,
            file: Chart::CohortLadder.file_stem(&Chart::CPM),
            title: l("獲得コホートの育成状況", "Cohort ladder"),
            reading: merged_note(read_ladder(p, lang)),
        },
        ChartSection {
            chart: Chart::Sales,
            file: Chart::Sales.file_stem(&Chart::CPM),
            title: l("区分別の売上", "Sales by segment"),
            reading: merged_note(read_sales(p, t, lang)),
        },
    ]
}

/// With 超優良 on: which charts show twelve segments and which merge 超優良
/// into 優良.
fn super_loyal_note(config: &Config, lang: Lang, layout: CpmLayout) -> Option<String> {
    let s = config.rules.super_loyal.filter(|_| layout.has_super())?;
    let days = s.days.map_or(String::new(), |d| {
        by_lang!(lang, "、在籍 {d} 日以上", " and tenure >= {d} days")
    });
    Some(by_lang!(
        lang,
        "超優良(super_active / super_lapsed)= 優良のうち累計 {}{days}。区分表・推移・移動の図は 12 区分、\
             育成ファネル・コホート・売上の図は超優良を優良に含めた 10 区分です。優良現役の比率は超優良を含みます。",
        "Super-loyal (super_active / super_lapsed) = loyal customers with a total >= {}{days}. The portfolio, \
             trend and transition charts show twelve segments; the funnel, cohort ladder and sales charts count \
             super-loyal as loyal. The loyal share includes super-loyal.",
        s.amount
    ))
}

/// The KPI card: 初回→よちよち of the latest matured cohort, against the
/// previous cohort, the cohort a year before and the target.
fn conversion_card(full: &Portfolio, k: &CpmKpis, config: &Config, lang: Lang) -> Card {
    let l = |ja: &str, en: &str| lang.pick(ja, en).to_string();
    let target = config.conversion_target;
    match &k.conversion {
        Some(c) => Card {
            title: format!(
                "{} ({} {})",
                l("KPI 初回→よちよち転換率", "KPI: first → toddler conversion"),
                format_month(c.cohort_month),
                l("獲得・確定", "cohort, matured")
            ),
            value: percent(c.rate),
            change: k.conversion_prev.as_ref().map_or("-".into(), |prev| {
                format!(
                    "{} {}",
                    l("前コホート比", "vs previous cohort"),
                    points(c.rate - prev.rate)
                )
            }),
            year_on_year: year_ago::conversion(c, year_ago::cohort(full, c), lang),
            target: Some(format!(
                "{} {} ({})",
                l("目標", "target"),
                percent(target),
                points(c.rate - target)
            )),
            on_track: Some(c.rate >= target),
        },
        None => Card {
            title: l("KPI 初回→よちよち転換率", "KPI: first → toddler conversion"),
            value: "-".into(),
            change: l("確定したコホートがまだありません", "no cohort has matured yet"),
            year_on_year: year_ago::missing(lang),
            target: Some(format!("{} {}", l("目標", "target"), percent(target))),
            on_track: None,
        },
    }
}

fn cards(full: &Portfolio, k: &CpmKpis, config: &Config, lang: Lang, layout: CpmLayout) -> Vec<Card> {
    let l = |ja: &str, en: &str| lang.pick(ja, en).to_string();
    let ago = year_ago::index(k.t).map(|s| kpi::cpm_at(full, s, config.rules.toddler_days));
    let conversion = conversion_card(full, k, config, lang);
    let share_target = config.loyal_share_target;
    let loyal = Card {
        title: if layout.has_super() {
            l(
                "優良現役の比率(現役顧客中、超優良を含む)",
                "Loyal share of active customers (incl. super-loyal)",
            )
        } else {
            l("優良現役の比率(現役顧客中)", "Loyal share of active customers")
        },
        value: percent(k.loyal_share),
        change: k.loyal_share_prev.map_or("-".into(), |prev| {
            format!("{} {}", l("前月比", "vs last month"), points(k.loyal_share - prev))
        }),
        year_on_year: year_ago::rate(k.loyal_share, ago.as_ref().map(|a| a.loyal_share), lang),
        target: Some(format!(
            "{} {} ({})",
            l("目標", "target"),
            percent(share_target),
            points(k.loyal_share - share_target)
        )),
        on_track: Some(k.loyal_share >= share_target),
    };
    let active = Card {
        title: l("現役顧客数", "Active customers"),
        value: thousands(i128::from(k.active)),
        change: k.active_prev.map_or("-".into(), |prev| {
            format!(
                "{} {}",
                l("前月比", "vs last month"),
                signed(i128::from(k.active) - i128::from(prev))
            )
        }),
        year_on_year: year_ago::count(k.active, ago.as_ref().map(|a| a.active), lang),
        target: None,
        on_track: k.active_prev.map(|prev| k.active >= prev),
    };
    let lapsed = Card {
        title: l("今月離脱した優良客", "Loyal customers lapsed this month"),
        value: k.newly_lapsed_loyal.map_or("-".into(), |n| thousands(i128::from(n))),
        change: match (k.newly_lapsed_loyal, k.newly_lapsed_loyal_prev) {
            (Some(n), Some(prev)) => format!(
                "{} {}",
                l("前月比", "vs last month"),
                signed(i128::from(n) - i128::from(prev))
            ),
            _ => "-".into(),
        },
        year_on_year: match k.newly_lapsed_loyal {
            Some(n) => year_ago::count(n, ago.as_ref().and_then(|a| a.newly_lapsed_loyal), lang),
            None => year_ago::missing(lang),
        },
        target: None,
        on_track: match (k.newly_lapsed_loyal, k.newly_lapsed_loyal_prev) {
            (Some(n), Some(prev)) => Some(n <= prev),
            _ => None,
        },
    };
    vec![conversion, loyal, active, lapsed]
}
