//! The report model of the ten (or twelve) CPM segments.

use super::*;

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
    let month = month_label(p.snapshot_days[t], lang);
    let title = match lang {
        Lang::Ja => format!("CPM 月次レポート {month}"),
        Lang::En => format!("CPM monthly report — {month}"),
    };
    let cards = cards(&k, config, lang, layout);
    let charts = vec![
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
            reading: read_portfolio(full, &k, config, lang, layout),
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
            reading: read_trend(p, t, lang),
        },
        ChartSection {
            chart: Chart::Conversion,
            file: Chart::Conversion.file_stem(&Chart::CPM),
            title: l(
                "初回→よちよち転換率(獲得月別)",
                "First-to-toddler conversion by acquisition month",
            ),
            reading: read_conversion(&k, config, lang),
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
    ];
    let mut notes = Vec::new();
    if let Some(s) = config.rules.super_loyal.filter(|_| layout.has_super()) {
        let days = s.days.map_or(String::new(), |d| match lang {
            Lang::Ja => format!("、在籍 {d} 日以上"),
            Lang::En => format!(" and tenure >= {d} days"),
        });
        notes.push(match lang {
            Lang::Ja => format!(
                "超優良(super_active / super_lapsed)= 優良のうち累計 {}{days}。区分表・推移・移動の図は 12 区分、\
                 育成ファネル・コホート・売上の図は超優良を優良に含めた 10 区分です。優良現役の比率は超優良を含みます。",
                s.amount
            ),
            Lang::En => format!(
                "Super-loyal (super_active / super_lapsed) = loyal customers with a total >= {}{days}. The portfolio, \
                 trend and transition charts show twelve segments; the funnel, cohort ladder and sales charts count \
                 super-loyal as loyal. The loyal share includes super-loyal.",
                s.amount
            ),
        });
    }
    ReportModel {
        lang,
        title,
        month_label: month,
        as_of: p.as_of,
        t,
        scheme: Scheme::Cpm,
        customers: k.customers,
        actions: actions(full, t, config, lang, layout),
        lists: lists(full, t, config, lang, layout),
        kpis: Kpis::Cpm(k),
        cards,
        charts,
        notes,
        plan: Vec::new(),
        breakdown: None,
        forecast: None,
    }
}

fn cards(k: &CpmKpis, config: &Config, lang: Lang, layout: CpmLayout) -> Vec<Card> {
    let l = |ja: &str, en: &str| lang.pick(ja, en).to_string();
    let target = config.conversion_target;
    let conversion = match &k.conversion {
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
            target: Some(format!("{} {}", l("目標", "target"), percent(target))),
            on_track: None,
        },
    };
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
        target: None,
        on_track: match (k.newly_lapsed_loyal, k.newly_lapsed_loyal_prev) {
            (Some(n), Some(prev)) => Some(n <= prev),
            _ => None,
        },
    };
    vec![conversion, loyal, active, lapsed]
}

fn read_portfolio(p: &Portfolio, k: &CpmKpis, config: &Config, lang: Lang, layout: CpmLayout) -> String {
    let loyal: u64 = layout.loyal(false).map(|s| p.counts[k.t][s]).sum();
    let change = k
        .active_prev
        .map(|prev| signed(i128::from(k.active) - i128::from(prev)));
    let text = match lang {
        Lang::Ja => format!(
            "現役顧客は {} 人{}、うち優良現役は {} 人(現役の {}、目標 {})。離脱顧客は {} 人です。",
            thousands(i128::from(k.active)),
            change.map_or(String::new(), |c| format!("(前月比 {c})")),
            thousands(i128::from(loyal)),
            percent(k.loyal_share),
            percent(config.loyal_share_target),
            thousands(i128::from(k.customers - k.active)),
        ),
        Lang::En => format!(
            "{} active customers{}, of whom {} are loyal ({} of active; target {}). {} customers have lapsed.",
            thousands(i128::from(k.active)),
            change.map_or(String::new(), |c| format!(" ({c} vs last month)")),
            thousands(i128::from(loyal)),
            percent(k.loyal_share),
            percent(config.loyal_share_target),
            thousands(i128::from(k.customers - k.active)),
        ),
    };
    if !layout.has_super() {
        return text;
    }
    let sup = p.counts[k.t][layout.segment(Tier::Super, false)];
    match lang {
        Lang::Ja => format!("{text}優良現役のうち超優良は {} 人です。", thousands(i128::from(sup))),
        Lang::En => format!(
            "{text} Of the loyal active customers, {} are super-loyal.",
            thousands(i128::from(sup))
        ),
    }
}

fn read_funnel(p: &Portfolio, t: usize, lang: Lang) -> String {
    let c = |tier: Tier| thousands(i128::from(p.counts[t][cpm_segment(tier, false)]));
    match lang {
        Lang::Ja => format!(
            "現役の初回 {} 人、よちよち {} 人、コツコツ {} 人、優良 {} 人(流行 {} 人は別枠)。",
            c(Tier::First),
            c(Tier::Toddler),
            c(Tier::Steady),
            c(Tier::Loyal),
            c(Tier::Trendy)
        ),
        Lang::En => format!(
            "Active: {} first-time, {} toddler, {} steady, {} loyal customers ({} trendy, shown apart).",
            c(Tier::First),
            c(Tier::Toddler),
            c(Tier::Steady),
            c(Tier::Loyal),
            c(Tier::Trendy)
        ),
    }
}

fn read_trend(p: &Portfolio, t: usize, lang: Lang) -> String {
    let from = t.saturating_sub(23);
    let lapsed = |s: usize| p.counts[s][CPM_TIERS..].iter().sum::<u64>();
    let months = t - from + 1;
    match lang {
        Lang::Ja => format!(
            "直近 {} か月で現役顧客は {} 人から {} 人へ({})、離脱顧客は {} 人から {} 人へ増えました。",
            months,
            thousands(i128::from(active(p, from))),
            thousands(i128::from(active(p, t))),
            signed(i128::from(active(p, t)) - i128::from(active(p, from))),
            thousands(i128::from(lapsed(from))),
            thousands(i128::from(lapsed(t))),
        )
        .replace(
            "増えました",
            if lapsed(t) >= lapsed(from) {
                "増えました"
            } else {
                "減りました"
            },
        ),
        Lang::En => format!(
            "Over the last {} months active customers went from {} to {} ({}); lapsed customers from {} to {}.",
            months,
            thousands(i128::from(active(p, from))),
            thousands(i128::from(active(p, t))),
            signed(i128::from(active(p, t)) - i128::from(active(p, from))),
            thousands(i128::from(lapsed(from))),
            thousands(i128::from(lapsed(t))),
        ),
    }
}

fn read_conversion(k: &CpmKpis, config: &Config, lang: Lang) -> String {
    let target = config.conversion_target;
    let Some(c) = &k.conversion else {
        return lang
            .pick(
                "初回→よちよち転換率: まだ確定したコホートがありません。",
                "First-to-toddler conversion: no cohort has matured yet.",
            )
            .to_string();
    };
    let prev = k.conversion_prev.as_ref().map(|prev| points(c.rate - prev.rate));
    match lang {
        Lang::Ja => format!(
            "初回→よちよち転換率は {}({} 獲得の {} 人中 {} 人、目標 {}{})。",
            percent(c.rate),
            format_month(c.cohort_month),
            thousands(i128::from(c.cohort_size)),
            thousands(i128::from(c.converted)),
            percent(target),
            prev.map_or(String::new(), |d| format!("、前コホート比 {d}")),
        ),
        Lang::En => format!(
            "First-to-toddler conversion is {} ({} of {} customers acquired in {}; target {}{}).",
            percent(c.rate),
            thousands(i128::from(c.converted)),
            thousands(i128::from(c.cohort_size)),
            format_month(c.cohort_month),
            percent(target),
            prev.map_or(String::new(), |d| format!("; {d} vs the previous cohort")),
        ),
    }
}

fn read_transitions(p: &Portfolio, t: usize, lang: Lang) -> String {
    let Some(m) = t.checked_sub(1).and_then(|s| p.transitions.get(s)) else {
        return lang
            .pick(
                "前月のスナップショットがないため、移動はありません。",
                "No previous month-end: no moves to show.",
            )
            .to_string();
    };
    let fa = cpm_segment(Tier::First, false);
    let new: u64 = m.cells[m.new_row()].iter().sum();
    let base: u64 = m.cells[fa].iter().sum();
    let up = m.cells[fa][cpm_segment(Tier::Toddler, false)];
    let lapsed = m.cells[fa][cpm_segment(Tier::First, true)];
    let share = if base == 0 { 0.0 } else { up as f64 / base as f64 };
    match lang {
        Lang::Ja => format!(
            "今月の新規顧客は {} 人。前月末の初回現役 {} 人のうち {} 人({})がよちよち現役へ進み、{} 人が初回離脱になりました(この比率は月次の移動で、獲得月別の転換率とは別の数字です)。",
            thousands(i128::from(new)),
            thousands(i128::from(base)),
            thousands(i128::from(up)),
            percent(share),
            thousands(i128::from(lapsed)),
        ),
        Lang::En => format!(
            "{} new customers this month. Of last month's {} active first-time customers, {} ({}) moved to toddler and {} lapsed (a month-over-month move, not the cohort conversion rate).",
            thousands(i128::from(new)),
            thousands(i128::from(base)),
            thousands(i128::from(up)),
            percent(share),
            thousands(i128::from(lapsed)),
        ),
    }
}

/// Months ≈ 210 days: the seeds ask how many become 優良 within 210 days.
const LADDER_FOCUS_MONTH: usize = 7;

fn read_ladder(p: &Portfolio, lang: Lang) -> String {
    let Some(c) = p.ladder.iter().rev().find(|c| c.counts.len() > LADDER_FOCUS_MONTH) else {
        return lang
            .pick(
                "7 か月を経過した獲得コホートがまだありません。",
                "No acquisition cohort is 7 months old yet.",
            )
            .to_string();
    };
    let row = &c.counts[LADDER_FOCUS_MONTH];
    let loyal = row[cpm_segment(Tier::Loyal, false)] + row[cpm_segment(Tier::Loyal, true)];
    let repeat: u64 = (1..CPM_TIERS).map(|tier| row[tier] + row[tier + CPM_TIERS]).sum();
    let per100 = |n: u64| n as f64 * 100.0 / c.size as f64;
    match lang {
        Lang::Ja => format!(
            "{} に獲得した {} 人は、7 か月後(約 210 日)に 100 人あたり {:.1} 人がリピーター(よちよち以上)、{:.1} 人が優良になっています。",
            format_month(c.cohort_month),
            thousands(i128::from(c.size)),
            per100(repeat),
            per100(loyal)
        ),
        Lang::En => format!(
            "Of the {} customers acquired in {}, 7 months later (about 210 days) {:.1} per 100 are repeaters (toddler or above) and {:.1} per 100 are loyal.",
            thousands(i128::from(c.size)),
            format_month(c.cohort_month),
            per100(repeat),
            per100(loyal)
        ),
    }
}

fn read_sales(p: &Portfolio, t: usize, lang: Lang) -> String {
    let total: i128 = p.sales[t].iter().sum();
    let loyal = p.sales[t][cpm_segment(Tier::Loyal, false)];
    let share = if total > 0 { loyal as f64 / total as f64 } else { 0.0 };
    match lang {
        Lang::Ja => format!(
            "今月の売上 {} 円(返品控除後)のうち、優良現役が {} を占めます。",
            thousands(round_units(total)),
            percent(share)
        ),
        Lang::En => format!(
            "Of this month's net sales of ¥{}, loyal active customers bought {}.",
            thousands(round_units(total)),
            percent(share)
        ),
    }
}

/// Yazuya's playbook, as the book 『社長が知らない秘密の仕組み』 tells it: what to send each segment.
fn communication(segment: usize, lang: Lang) -> &'static str {
    match segment {
        0 => lang.pick(
            "お礼状・商品の使い方・サポート案内(クロスセルはしない)",
            "Thank-you, how to use the product, support (no cross-selling)",
        ),
        1 => lang.pick(
            "商品情報(2 週間ごとのフォロー)",
            "Product information (follow up every 2 weeks)",
        ),
        2 => lang.pick(
            "会社情報で関係づくり(他社へ流出しやすい)",
            "Company information to build a relationship (they switch easily)",
        ),
        3 => lang.pick("会社情報・クロスセル開始", "Company information; start cross-selling"),
        4 => lang.pick(
            "会社情報・クロスセル・感謝の特別扱い",
            "Company information, cross-selling, special thanks",
        ),
        5 => lang.pick(
            "再購入のきっかけ(費用は最小限に)",
            "A reason to buy again (keep the cost low)",
        ),
        6 => lang.pick("商品情報で再開のきっかけ", "Product information as a restart"),
        7 => lang.pick("会社情報・新商品の案内", "Company information, new products"),
        8 => lang.pick("会社情報・近況のお便り", "Company information, a personal note"),
        _ => lang.pick(
            "最優先:売り込みではなく、戻りたくなる理由を",
            "Top priority: not a sales pitch but a reason to come back",
        ),
    }
}

fn actions(p: &Portfolio, t: usize, config: &Config, lang: Lang, layout: CpmLayout) -> Vec<ActionRow> {
    let mut rows: Vec<ActionRow> = (0..p.labels.len())
        .map(|s| {
            // 超優良 is planned as 優良.
            let ten = layout.merged(s);
            let rate = config.response_rates.by_tier[ten % CPM_TIERS];
            let customers = p.counts[t][s];
            ActionRow {
                segment: s,
                name: lang.pick(p.labels[s].ja, p.labels[s].en).to_string(),
                customers,
                communication: communication(ten, lang).to_string(),
                response_rate: Some(rate),
                expected_responders: Some(customers as f64 * rate),
                priority: ten == cpm_segment(Tier::Loyal, true),
            }
        })
        .collect();
    // 優良離脱 first (the book), then the canonical order.
    rows.sort_by_key(|r| !r.priority);
    rows
}

/// Days since the first purchase at which a 初回 customer is in the last
/// month of their よちよち window.
fn last_chance(c: &CustomerState, toddler_days: i32) -> bool {
    let since_first = c.recency_days;
    c.purchase_days == 1 && since_first >= (toddler_days - 30).max(0) && since_first < toddler_days
}

fn lists(p: &Portfolio, t: usize, config: &Config, lang: Lang, layout: CpmLayout) -> Vec<CustomerList> {
    let churn = config.rules.churn_days;
    let loyal_lapsed: Vec<usize> = layout.loyal(true).collect();
    let prev_day = t.checked_sub(1).map(|s| p.snapshot_days[s]);
    let pick = |f: &dyn Fn(&CustomerState) -> bool| -> Vec<usize> {
        p.customers
            .iter()
            .enumerate()
            .filter(|(_, c)| f(c))
            .map(|(i, _)| i)
            .collect()
    };
    let toddler = config.rules.toddler_days;
    vec![
        CustomerList {
            file: "loyal_lapsed",
            title: if layout.has_super() {
                lang.pick(
                    "優良離脱客(超優良を含む、最優先)",
                    "Lapsed loyal customers, super-loyal included (top priority)",
                )
            } else {
                lang.pick("優良離脱客(最優先)", "Lapsed loyal customers (top priority)")
            }
            .to_string(),
            why: lang
                .pick(
                    "長く多く買ってくれたが 離脱期間に入ったお客様。売り込みではなく、戻りたくなる理由を。",
                    "Long-standing big spenders who have stopped buying. Give them a reason to come back.",
                )
                .to_string(),
            customers: pick(&|c| loyal_lapsed.contains(&c.segment)),
        },
        CustomerList {
            file: "newly_lapsed",
            title: lang
                .pick("今月離脱に入ったお客様", "Customers who lapsed this month")
                .to_string(),
            why: match prev_day {
                Some(prev) => match lang {
                    Lang::Ja => format!(
                        "{} には現役で、{} に最終購入から {} 日を超えたお客様。",
                        format_day(prev),
                        format_day(p.as_of),
                        churn
                    ),
                    Lang::En => format!(
                        "Active on {}, past {} days since their last purchase on {}.",
                        format_day(prev),
                        churn,
                        format_day(p.as_of)
                    ),
                },
                None => lang
                    .pick("前月のスナップショットがありません。", "No previous month-end.")
                    .to_string(),
            },
            // 現役 at the previous month-end (from its segment then), 離脱 now.
            customers: pick(&|c| {
                c.previous_segment.is_some_and(|s| layout.active().contains(&s)) && layout.lapsed().contains(&c.segment)
            }),
        },
        CustomerList {
            file: "first_last_chance",
            title: match lang {
                Lang::Ja => format!(
                    "初回購入から {}〜{} 日の初回客(よちよち化の最後のチャンス)",
                    (toddler - 30).max(0),
                    toddler - 1
                ),
                Lang::En => format!(
                    "First-time customers {}–{} days after their first purchase (last chance to become toddlers)",
                    (toddler - 30).max(0),
                    toddler - 1
                ),
            },
            why: lang
                .pick(
                    "2 回目の購入がまだなく、転換期間の最後の 1 か月にいるお客様。",
                    "No second purchase yet, in the last month of their conversion window.",
                )
                .to_string(),
            customers: pick(&|c| last_chance(c, toddler)),
        },
    ]
}

// ---------------------------------------------------------------------------
// The lifecycle scheme (spec section 8).
