//! What to do next for each CPM segment (the book's playbook with the
//! configured response rates) and the customer lists to act on.

use super::*;
use crate::text::lang::by_lang;

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

pub(super) fn actions(p: &Portfolio, t: usize, config: &Config, lang: Lang, layout: CpmLayout) -> Vec<ActionRow> {
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

/// Why a customer is on the "lapsed this month" list.
fn newly_lapsed_why(prev_day: Option<Day>, as_of: Day, churn: i32, lang: Lang) -> String {
    match prev_day {
        Some(prev) => by_lang!(
            lang,
            "{} には現役で、{} に最後の購入から {} 日以上たったお客様。",
            "Active on {}; on {}, {} days or more since their last purchase.",
            format_day(prev),
            format_day(as_of),
            churn
        ),
        None => lang
            .pick("前月のスナップショットがありません。", "No previous month-end.")
            .to_string(),
    }
}

pub(super) fn lists(p: &Portfolio, t: usize, config: &Config, lang: Lang, layout: CpmLayout) -> Vec<CustomerList> {
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
            why: by_lang!(
                lang,
                "長く多く買ってくれたが、最後の購入から {churn} 日以上たったお客様。売り込みではなく、戻りたくなる理由を。",
                "Long-standing big spenders with no purchase for {churn} days or more. Give them a reason to come back."
            ),
            customers: pick(&|c| loyal_lapsed.contains(&c.segment)),
        },
        CustomerList {
            file: "newly_lapsed",
            title: lang
                .pick("今月離脱に入ったお客様", "Customers who lapsed this month")
                .to_string(),
            why: newly_lapsed_why(prev_day, p.as_of, churn, lang),
            // 現役 at the previous month-end (from its segment then), 離脱 now.
            customers: pick(&|c| {
                c.previous_segment.is_some_and(|s| layout.active().contains(&s)) && layout.lapsed().contains(&c.segment)
            }),
        },
        CustomerList {
            file: "first_last_chance",
            title: by_lang!(
                lang,
                "初回購入から {}〜{} 日の初回客(よちよち化の最後のチャンス)",
                "First-time customers {}–{} days after their first purchase (last chance to become toddlers)",
                (toddler - 30).max(0),
                toddler - 1
            ),
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
