//! The sentence under each CPM chart, read from the data: the portfolio,
//! the funnel, the trend, the conversion, the transitions, the ladder and
//! the sales.

use super::*;
use crate::text::lang::by_lang;

pub(super) fn read_portfolio(p: &Portfolio, k: &CpmKpis, config: &Config, lang: Lang, layout: CpmLayout) -> String {
    let loyal: u64 = layout.loyal(false).map(|s| p.counts[k.t][s]).sum();
    let change = k.active_prev.map_or(String::new(), |prev| {
        let c = signed(i128::from(k.active) - i128::from(prev));
        by_lang!(lang, "(前月比 {c})", " ({c} vs last month)")
    });
    let text = by_lang!(
        lang,
        "現役顧客は {active} 人{change}、うち優良現役は {loyal} 人(現役の {share}、目標 {target})。離脱顧客は {lapsed} 人です。",
        "{active:#}{change}, of whom {loyal:#} loyal ({share} of active; target {target}). {lapsed:#} lapsed.",
        active = count(k.active, "active customer", "active customers"),
        loyal = count(loyal, "is", "are"),
        share = percent(k.loyal_share),
        target = percent(config.loyal_share_target),
        lapsed = count(k.customers - k.active, "customer has", "customers have"),
    );
    if !layout.has_super() {
        return text;
    }
    by_lang!(
        lang,
        "{text}優良現役のうち超優良は {} 人です。",
        "{text} Of the loyal active customers, {:#} super-loyal.",
        count(p.counts[k.t][layout.segment(Tier::Super, false)], "is", "are")
    )
}

pub(super) fn read_funnel(p: &Portfolio, t: usize, lang: Lang) -> String {
    let c = |tier: Tier| thousands(i128::from(p.counts[t][cpm_segment(tier, false)]));
    by_lang!(
        lang,
        "現役の初回 {} 人、よちよち {} 人、コツコツ {} 人、優良 {} 人(流行 {} 人は別枠)。",
        "Active customers: {} first-time, {} toddler, {} steady, {} loyal ({} trendy, shown apart).",
        c(Tier::First),
        c(Tier::Toddler),
        c(Tier::Steady),
        c(Tier::Loyal),
        c(Tier::Trendy)
    )
}

pub(super) fn read_trend(p: &Portfolio, t: usize, lang: Lang) -> String {
    let from = t.saturating_sub(23);
    let lapsed = |s: usize| p.counts[s][CPM_TIERS..].iter().sum::<u64>();
    let months = t - from + 1;
    let text = by_lang!(
        lang,
        "直近 {} か月で現役顧客は {} 人から {} 人へ({})、離脱顧客は {} 人から {} 人へ増えました。",
        "Over the last {:#} active customers went from {} to {} ({}); lapsed customers from {} to {}.",
        count(months as u64, "month", "months"),
        thousands(i128::from(active(p, from))),
        thousands(i128::from(active(p, t))),
        signed(i128::from(active(p, t)) - i128::from(active(p, from))),
        thousands(i128::from(lapsed(from))),
        thousands(i128::from(lapsed(t))),
    );
    if lapsed(t) >= lapsed(from) {
        text
    } else {
        text.replace("増えました", "減りました")
    }
}

pub(super) fn read_conversion(p: &Portfolio, k: &CpmKpis, config: &Config, lang: Lang) -> String {
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
    let ago = year_ago::cohort(p, c).map(|o| points(c.rate - o.rate));
    let ago_month = format_month(c.cohort_month - year_ago::YEAR as i32);
    let ago = match ago {
        Some(d) => by_lang!(
            lang,
            "、前年同月({ago_month} 獲得)比 {d}",
            "; {d} vs the {ago_month} cohort a year before"
        ),
        None => by_lang!(
            lang,
            "、1 年前({ago_month})の獲得がないため前年同月比なし",
            "; no cohort a year before ({ago_month}) to compare"
        ),
    };
    let prev = prev.map_or(String::new(), |d| {
        by_lang!(lang, "、前コホート比 {d}", "; {d} vs the previous cohort")
    });
    by_lang!(
        lang,
        "初回→よちよち転換率は {rate}({month} 獲得の {size} 人中 {converted} 人、目標 {target}{prev}{ago})。",
        "First-to-toddler conversion is {rate} ({converted} of {size:#} acquired in {month}; target {target}{prev}{ago}).",
        rate = percent(c.rate),
        month = format_month(c.cohort_month),
        size = count(c.cohort_size, "customer", "customers"),
        converted = thousands(i128::from(c.converted)),
        target = percent(target),
    )
}

pub(super) fn read_transitions(p: &Portfolio, t: usize, lang: Lang) -> String {
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
    by_lang!(
        lang,
        "今月の新規顧客は {} 人。前月末の初回現役 {} 人のうち {} 人({})がよちよち現役へ進み、{} 人が初回離脱になりました(この比率は月次の移動で、獲得月別の転換率とは別の数字です)。",
        "{:#} this month. Of last month's {:#}, {} ({}) moved to toddler and {} lapsed (a month-over-month move, not the cohort conversion rate).",
        count(new, "new customer", "new customers"),
        count(base, "active first-time customer", "active first-time customers"),
        thousands(i128::from(up)),
        percent(share),
        thousands(i128::from(lapsed)),
    )
}

/// Months ≈ 210 days: the seeds ask how many become 優良 within 210 days.
const LADDER_FOCUS_MONTH: usize = 7;

pub(super) fn read_ladder(p: &Portfolio, lang: Lang) -> String {
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
    by_lang!(
        lang,
        "{month} に獲得した {size} 人は、7 か月後(約 210 日)に 100 人あたり {repeat:.1} 人がリピーター(よちよち以上)、{loyal:.1} 人が優良になっています。",
        "Of the {size:#} acquired in {month}, 7 months later (about 210 days) {repeat:.1} per 100 are repeaters (toddler or above) and {loyal:.1} per 100 are loyal.",
        month = format_month(c.cohort_month),
        size = count(c.size, "customer", "customers"),
        repeat = per100(repeat),
        loyal = per100(loyal),
    )
}

pub(super) fn read_sales(p: &Portfolio, t: usize, lang: Lang) -> String {
    let total: i128 = p.sales[t].iter().sum();
    let loyal = p.sales[t][cpm_segment(Tier::Loyal, false)];
    let share = if total > 0 { loyal as f64 / total as f64 } else { 0.0 };
    let ago = year_ago::index(t).map(|y| {
        let then: i128 = p.sales[y].iter().sum();
        year_ago::change_text(year_ago::change(total as f64, then as f64))
    });
    let ago = ago.map_or(String::new(), |c| {
        by_lang!(lang, "、前年同月比 {c}", " ({c} vs a year ago)")
    });
    by_lang!(
        lang,
        "今月の売上 {} 円(返品控除後{ago})のうち、優良現役が {} を占めます。",
        "Of this month's net sales of ¥{}{ago}, loyal active customers bought {}.",
        thousands(round_units(total)),
        percent(share)
    )
}
