//! The report model of the six-state lifecycle scheme (spec section 8).

use super::*;
use crate::text::lang::by_lang;

impl crate::report::scheme::SchemeReport for crate::report::scheme::Lifecycle {
    fn model(&self, p: &Portfolio, config: &Config, lang: Lang) -> ReportModel {
        build_lifecycle(p, config, lang)
    }

    fn summary(&self, p: &Portfolio, config: &Config, lang: Lang) -> String {
        crate::report::summary::render_lifecycle(p, config, lang)
    }
}

fn build_lifecycle(p: &Portfolio, config: &Config, lang: Lang) -> ReportModel {
    let t = p.snapshot_days.len() - 1;
    let k = kpi::lifecycle_at(p, t, config.rules.toddler_days);
    let month = month_label(p.snapshot_days[t], lang);
    SchemeParts {
        scheme: Scheme::Lifecycle,
        title: by_lang!(
            lang,
            "ライフサイクル月次レポート {month}",
            "Lifecycle monthly report — {month}"
        ),
        cards: cards(p, t, &k, config, lang),
        charts: charts(p, t, &k, config, lang),
        actions: lifecycle_actions(p, t, lang),
        lists: lifecycle_lists(p, config, lang),
        notes: vec![
            lang.pick(
                "6 区分のライフサイクルは、CPM の 10 区分(初回〜優良・現役/離脱)とは別の分け方です。各状態の意味は「区分の定義」にあります。",
                "The six lifecycle states are a different split from the ten CPM segments (first-time to loyal, active/lapsed). \
                 What each state means is under \"What the segments mean\".",
            )
            .to_string(),
        ],
        customers: k.customers,
        kpis: Kpis::Lifecycle(k),
    }
    .into_model(p, t, lang)
}

/// The KPI cards: the engaged share, VIP customers, this month's winbacks
/// and the customers at risk, each against last month and a year ago.
fn cards(p: &Portfolio, t: usize, k: &LifecycleKpis, config: &Config, lang: Lang) -> Vec<Card> {
    let l = |ja: &str, en: &str| lang.pick(ja, en).to_string();
    let n = |v: u64| thousands(i128::from(v));
    let vs_last = |now: u64, prev: Option<u64>| {
        prev.map_or("-".into(), |prev| {
            format!(
                "{} {}",
                l("前月比", "vs last month"),
                signed(i128::from(now) - i128::from(prev))
            )
        })
    };
    let engaged_prev = k.engaged_share_prev(p);
    let ago = year_ago::index(t).map(|s| kpi::lifecycle_at(p, s, config.rules.toddler_days));
    let ago_share = ago.as_ref().map(|a| a.engaged_share());
    let winbacks = k.winbacks.zip(k.winbacks_prev);
    vec![
        Card {
            title: l(
                "継続系の比率(優良・復活・新規・継続)",
                "Engaged share (VIP, winback, new, active)",
            ),
            value: percent(k.engaged_share()),
            change: engaged_prev.map_or("-".into(), |prev| {
                format!("{} {}", l("前月比", "vs last month"), points(k.engaged_share() - prev))
            }),
            year_on_year: year_ago::rate(k.engaged_share(), ago_share, lang),
            target: None,
            on_track: engaged_prev.map(|prev| k.engaged_share() >= prev),
        },
        Card {
            title: l("優良(Core/VIP)の人数", "VIP customers"),
            value: n(k.vip),
            change: vs_last(k.vip, k.vip_prev),
            year_on_year: year_ago::count(k.vip, ago.as_ref().map(|a| a.vip), lang),
            target: None,
            on_track: k.vip_prev.map(|prev| k.vip >= prev),
        },
        Card {
            title: l("今月の復活", "Winbacks this month"),
            value: k.winbacks.map_or("-".into(), n),
            change: winbacks.map_or("-".into(), |(w, prev)| vs_last(w, Some(prev))),
            year_on_year: match k.winbacks {
                Some(w) => year_ago::count(w, ago.as_ref().and_then(|a| a.winbacks), lang),
                None => year_ago::missing(lang),
            },
            target: k
                .winbacks_from_dormant
                .map(|d| by_lang!(lang, "うち休眠から {}", "{} from dormant", n(d))),
            on_track: winbacks.map(|(w, prev)| w >= prev),
        },
        Card {
            title: l("休眠予備軍(離脱の入口)", "At risk (the way out)"),
            value: n(k.at_risk),
            change: vs_last(k.at_risk, k.at_risk_prev),
            year_on_year: year_ago::count(k.at_risk, ago.as_ref().map(|a| a.at_risk), lang),
            target: None,
            on_track: k.at_risk_prev.map(|prev| k.at_risk <= prev),
        },
    ]
}

/// The lifecycle charts and their readings, in page order.
fn charts(p: &Portfolio, t: usize, k: &LifecycleKpis, config: &Config, lang: Lang) -> Vec<ChartSection> {
    let section = |chart: Chart, ja: &str, en: &str, reading: String| ChartSection {
        chart,
        file: chart.file_stem(&Chart::LIFECYCLE),
        title: lang.pick(ja, en).to_string(),
        reading,
    };
    vec![
        section(
            Chart::States,
            "状態別の顧客数の推移(6 区分)",
            "Customers by state over time (six states)",
            read_states(p, t, lang),
        ),
        section(
            Chart::Transitions,
            "今月の状態移動(前月末→今月末)",
            "This month's moves between states",
            read_transitions(p, t, config, lang),
        ),
        section(
            Chart::Winback,
            "復活と休眠入り",
            "Winbacks and customers going dormant",
            read_winbacks(p, t, k, lang),
        ),
    ]
}

/// The states chart's sentence: the month-end's states, and the change
/// from a year before.
fn read_states(p: &Portfolio, t: usize, lang: Lang) -> String {
    use crate::engine::lifecycle::{ACTIVE, AT_RISK, DORMANT, NEWCOMER, VIP, WINBACK};
    let n = |v: u64| thousands(i128::from(v));
    let c = |s: usize| n(p.counts[t][s]);
    let all: u64 = p.counts[t].iter().sum();
    let not_dormant = all - p.counts[t][DORMANT];
    let states_reading = by_lang!(
        lang,
        "休眠以外の顧客は {} 人(全体の {})。内訳は優良(VIP) {} 人、休眠予備軍 {} 人、復活 {} 人、新規 {} 人、継続 {} 人。休眠は {} 人です。",
        "{:#} not dormant ({} of all): {} VIP, {} at risk, {} winback, {:#}, {} active. {:#} dormant.",
        count(not_dormant, "customer is", "customers are"),
        percent(if all == 0 { 0.0 } else { not_dormant as f64 / all as f64 }),
        c(VIP),
        c(AT_RISK),
        c(WINBACK),
        count(p.counts[t][NEWCOMER], "newcomer", "newcomers"),
        c(ACTIVE),
        count(p.counts[t][DORMANT], "is", "are")
    );
    let not_dormant_at = |s: usize| p.counts[s].iter().sum::<u64>() - p.counts[s][DORMANT];
    match year_ago::index(t) {
        None => by_lang!(
            lang,
            "{states_reading}1 年前の月末がまだないため、前年同月比は出せません。",
            "{states_reading} There is no month-end a year back yet, so no year-on-year comparison."
        ),
        Some(y) => by_lang!(
            lang,
            "{states_reading}前年同月末({})比では、休眠以外 {} 人、休眠 {} 人です。",
            "{states_reading} Against a year ago ({}): not dormant {}, dormant {}.",
            format_day(p.snapshot_days[y]),
            signed(i128::from(not_dormant) - i128::from(not_dormant_at(y))),
            signed(i128::from(p.counts[t][DORMANT]) - i128::from(p.counts[y][DORMANT]))
        ),
    }
}

/// The winback chart's sentence: this month's winbacks, and the last 12
/// months' winbacks against those going dormant.
fn read_winbacks(p: &Portfolio, t: usize, k: &LifecycleKpis, lang: Lang) -> String {
    use crate::engine::lifecycle::{DORMANT, WINBACK};
    let Some(w) = k.winbacks else {
        return lang
            .pick(
                "前月のスナップショットがないため、復活の流れはまだありません。",
                "No previous month-end: no flows yet.",
            )
            .to_string();
    };
    let n = |v: u64| thousands(i128::from(v));
    // Customers entering `state` from any other, over the last 12 months.
    let into = |state: usize| -> u64 {
        (t.saturating_sub(11).max(1)..=t)
            .filter_map(|s| p.transitions.get(s - 1))
            .map(|m| {
                (0..m.cells.len())
                    .filter(|&f| f != state)
                    .map(|f| m.cells[f][state])
                    .sum::<u64>()
            })
            .sum()
    };
    by_lang!(
        lang,
        "今月の復活は {} 人(うち休眠から {} 人)。直近 12 か月では復活 {} 人に対し、休眠入りが {} 人でした。",
        "{:#} this month ({} from dormant). Over the last 12 months {:#} came back and {} went dormant.",
        count(w, "winback", "winbacks"),
        n(k.winbacks_from_dormant.unwrap_or(0)),
        count(into(WINBACK), "customer", "customers"),
        n(into(DORMANT))
    )
}

/// Where last month's 休眠予備軍 went, for the transitions' sentence. A
/// customer at risk who did not buy can still move to 優良(VIP): by the
/// top-share rule (spec section 8), when their total ranks in the top
/// `vip_top_share` of the customers not dormant (others going dormant lift
/// them). So a move into VIP is not a purchase; the purchases come from the
/// customers' last purchase days.
struct AtRiskMoves {
    /// 休眠予備軍 at the previous month-end.
    base: u64,
    /// Went dormant (none of them bought).
    lost: u64,
    /// Bought in the month and left 休眠予備軍 (to any state but 休眠).
    back: u64,
    /// Bought nothing, and are VIP by the top-share rule.
    top_share: u64,
    /// Still 休眠予備軍.
    still: u64,
}

fn at_risk_moves(p: &Portfolio, t: usize, m: &TransitionMatrix) -> AtRiskMoves {
    use crate::engine::lifecycle::{AT_RISK, DORMANT, VIP};
    let row = &m.cells[AT_RISK];
    let since = p.snapshot_days[t - 1];
    let top_share = p
        .customers
        .iter()
        .filter(|c| c.previous_segment == Some(AT_RISK) && c.segment == VIP && c.last_purchase <= since)
        .count() as u64;
    let (lost, still) = (row[DORMANT], row[AT_RISK]);
    let base: u64 = row.iter().sum();
    AtRiskMoves {
        base,
        lost,
        back: (base - lost - still).saturating_sub(top_share),
        top_share,
        still,
    }
}

/// The transitions' sentence: the month's first purchases, and what became
/// of last month's 休眠予備軍.
fn read_transitions(p: &Portfolio, t: usize, config: &Config, lang: Lang) -> String {
    let Some(m) = t.checked_sub(1).and_then(|s| p.transitions.get(s)) else {
        return lang
            .pick(
                "前月のスナップショットがないため、移動はありません。",
                "No previous month-end: no moves to show.",
            )
            .to_string();
    };
    let n = |v: u64| thousands(i128::from(v));
    let first: u64 = m.cells[m.new_row()].iter().sum();
    let a = at_risk_moves(p, t, m);
    let pct = percent(if a.base == 0 {
        0.0
    } else {
        a.lost as f64 / a.base as f64
    });
    let share = config.lifecycle.vip_top_share.percent_text();
    let mut text = by_lang!(
        lang,
        "今月の初購入は {} 人。前月末の休眠予備軍 {} 人のうち {} 人({pct})が休眠に入り、{} 人が購入して戻りました。",
        "{:#} this month. Of last month's {:#}, {} ({pct}) went dormant and {} bought again.",
        count(first, "first purchase", "first purchases"),
        count(a.base, "at-risk customer", "at-risk customers"),
        n(a.lost),
        n(a.back)
    );
    if a.top_share > 0 {
        text += &by_lang!(
            lang,
            "ほかに {} 人は購入がないまま、累計額が休眠以外の上位 {share} に入ったため優良(VIP)に数えられています。",
            " VIP without a purchase, their total being in the top {share} of the customers not dormant: {}.",
            n(a.top_share)
        );
    }
    if a.still > 0 {
        text += &by_lang!(lang, "{} 人は休眠予備軍のままです。", " Still at risk: {}.", n(a.still));
    }
    text
}

/// The six-state D2C lifecycle's "next step" per phase.
fn lifecycle_communication(state: usize, lang: Lang) -> &'static str {
    use crate::engine::lifecycle::{ACTIVE, AT_RISK, DORMANT, NEWCOMER, VIP, WINBACK};
    match state {
        DORMANT => lang.pick(
            "再獲得の対象: 復帰のきっかけを(費用は最小限に)",
            "Win back: a reason to return (keep the cost low)",
        ),
        VIP => lang.pick(
            "紹介・コミュニティ参加・レビューをお願いする(拡散行動)",
            "Ask for referrals, community and reviews (advocacy)",
        ),
        AT_RISK => lang.pick(
            "最優先:購入間隔が伸びている。休眠に入る前に次回購入のきっかけを",
            "Top priority: intervals are stretching; a reason to buy before they go dormant",
        ),
        WINBACK => lang.pick(
            "戻った直後:歓迎し、使い方を再案内して習慣化へ",
            "Just back: welcome them and rebuild the habit",
        ),
        NEWCOMER => lang.pick(
            "使い始めの不安を解消(使い方・同梱物・体験行動)",
            "Getting started: remove doubts (how to use, experience)",
        ),
        ACTIVE => lang.pick(
            "継続の理由づけ・レビューやアンケート(共創行動)",
            "Reasons to continue; reviews and surveys (co-creation)",
        ),
        _ => "",
    }
}

fn lifecycle_actions(p: &Portfolio, t: usize, lang: Lang) -> Vec<ActionRow> {
    let mut rows: Vec<ActionRow> = (0..p.labels.len())
        .map(|s| ActionRow {
            segment: s,
            name: lang.pick(p.labels[s].ja, p.labels[s].en).to_string(),
            customers: p.counts[t][s],
            communication: lifecycle_communication(s, lang).to_string(),
            response_rate: None,
            expected_responders: None,
            priority: s == crate::engine::lifecycle::AT_RISK,
        })
        .collect();
    rows.sort_by_key(|r| !r.priority);
    rows
}

/// Why the VIP list: the rule that made them VIP (spec section 8), by
/// frequency and recency or by the top share of spend, which needs no
/// recent purchase.
fn vip_reason(r: &crate::engine::lifecycle::LifecycleRules, lang: Lang) -> String {
    let (min, recency) = (r.vip_min_purchase_days, r.vip_recency_days);
    if r.vip_top_share.is_zero() {
        return by_lang!(
            lang,
            "購入日が {min} 日以上で、最後の購入から {recency} 日以内のお客様。紹介やレビューをお願いする対象。",
            "{min} or more purchase days and a purchase within {recency} days: ask them for referrals and reviews."
        );
    }
    by_lang!(
        lang,
        "購入日が {min} 日以上で最後の購入から {recency} 日以内のお客様、または休眠以外で累計購入額が上位 {share}(同額を含む)のお客様。\
         紹介やレビューをお願いする対象。",
        "{min} or more purchase days and a purchase within {recency} days, or in the top {share} of non-dormant \
         customers by cumulative purchases (ties included): ask them for referrals and reviews.",
        share = r.vip_top_share.percent_text()
    )
}

fn lifecycle_lists(p: &Portfolio, config: &Config, lang: Lang) -> Vec<CustomerList> {
    use crate::engine::lifecycle::{AT_RISK, VIP, WINBACK};
    let pick = |state: usize| -> Vec<usize> {
        p.customers
            .iter()
            .enumerate()
            .filter(|(_, c)| c.segment == state)
            .map(|(i, _)| i)
            .collect()
    };
    let r = &config.lifecycle;
    vec![
        CustomerList {
            file: "at_risk",
            title: lang.pick("休眠予備軍(最優先)", "At risk (top priority)").to_string(),
            why: by_lang!(
                lang,
                "最終購入から {}〜{} 日。休眠に入る前にフォローを。",
                "{}–{} days since their last purchase: follow up before they go dormant.",
                r.active_days + 1,
                r.dormant_days
            ),
            customers: pick(AT_RISK),
        },
        CustomerList {
            file: "winback",
            title: lang.pick("復活したお客様", "Customers who came back").to_string(),
            why: by_lang!(
                lang,
                "{} 日を超える空白のあとに購入したお客様。歓迎と習慣化を。",
                "Bought again after more than {} days away: welcome them back.",
                r.dormant_days
            ),
            customers: pick(WINBACK),
        },
        CustomerList {
            file: "vip",
            title: lang.pick("優良(Core/VIP)", "VIP customers").to_string(),
            why: vip_reason(r, lang),
            customers: pick(VIP),
        },
    ]
}
