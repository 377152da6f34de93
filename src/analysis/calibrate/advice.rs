//! `cpm calibrate` for the people who decide the thresholds: each
//! suggestion in one plain sentence with its evidence, what a percentile
//! is, and what adopting the suggestion would change — how many customers
//! move, the headline figures before and after — with the warning that
//! figures already reported would no longer compare.

use super::Calibration;
use crate::analysis::whatif::{Figure, WhatIf};
use crate::config::Config;
use crate::money::round_units;
use crate::text::format::{percent, thousands};
use crate::text::lang::{Lang, by_lang};

fn yen(m: crate::money::Money) -> String {
    thousands(round_units(i128::from(m.0)))
}

/// The sentence for a threshold the data says too little about.
fn no_data(name: &str, lang: Lang) -> String {
    by_lang!(
        lang,
        "{name}: データが少ないため提案できません(現在の値のままです)。",
        "{name}: not enough data to suggest a value (the current one is kept)."
    )
}

impl Calibration {
    /// One sentence per threshold, with its evidence, in `lang`.
    pub(crate) fn advice(&self, current: &Config, lang: Lang) -> Vec<String> {
        let suggested = self.suggested(current);
        vec![
            self.churn_advice(current, &suggested, lang),
            self.toddler_advice(current, &suggested, lang),
            self.loyal_advice(current, &suggested, lang),
            self.lifecycle_advice(current, &suggested, lang),
            lang.pick(
                "loyal_days と VIP の条件は方針で決める値なので、データからは提案しません(据え置き)。",
                "loyal_days and the VIP rules are policy choices: not estimated from the data (kept).",
            )
            .to_string(),
            lang.pick(
                "パーセンタイルの読み方: P80 = お客様を金額の小さい順に並べたとき 80% の位置の値(その額以上が上位 2 割)。",
                "How to read a percentile: P80 is the value 80% of the way up when customers are sorted by amount (the top \
                 fifth have that much or more).",
            )
            .to_string(),
        ]
    }

    /// The churn line.
    fn churn_advice(&self, current: &Config, suggested: &Config, lang: Lang) -> String {
        let (now, new) = (current.rules.churn_days, suggested.rules.churn_days);
        match self.gap_p95 {
            Some(p95) => by_lang!(
                lang,
                "離脱(churn_days): 再購入の 95% は前回の購入から {p95} 日以内に起きています。それより長く買わなかったお客様が\
                 戻ることはまれなので、{new} 日で離脱とみなすことを提案します(現在 {now} 日)。",
                "Lapsed (churn_days): 95% of repeat purchases come within {p95} days of the previous one; customers silent \
                 for longer rarely come back, so {new} days is suggested as the line (now {now})."
            ),
            None => no_data("churn_days", lang),
        }
    }

    /// The よちよち window.
    fn toddler_advice(&self, current: &Config, suggested: &Config, lang: Lang) -> String {
        let cycle = self.median_cycle.map(|c| format!("{c:.0}"));
        let (now, new) = (current.rules.toddler_days, suggested.rules.toddler_days);
        let within_now = self
            .windows
            .iter()
            .find(|w| w.days == now)
            .map(|w| percent(w.of_second));
        let within = within_now.map_or(String::new(), |w| {
            by_lang!(
                lang,
                "。2 回目の購入のうち {w} は初回から {now} 日以内",
                "; {w} of second purchases come within {now} days"
            )
        });
        match (&cycle, self.toddler_days) {
            (Some(c), Some(_)) => by_lang!(
                lang,
                "よちよち(toddler_days): お客様の購入サイクルは中央値で {c} 日です。初回のお客様がその 2 回分({new} 日)\
                 買わなければ、2 回目へ育てる期間は過ぎたとみなします(現在 {now} 日{within})。",
                "Toddler (toddler_days): the median purchase cycle is {c} days; a first-time customer who lets two cycles \
                 ({new} days) pass is past the nurturing window (now {now}{within})."
            ),
            _ => no_data("toddler_days", lang),
        }
    }

    /// The 優良 line.
    fn loyal_advice(&self, current: &Config, suggested: &Config, lang: Lang) -> String {
        let (now, new) = (current.rules.loyal_amount, suggested.rules.loyal_amount);
        match self.loyal_amount {
            Some(_) => by_lang!(
                lang,
                "優良(loyal_amount): 在籍 {days} 日以上のお客様 {n} 人のうち、累計購入額の上位 2 割が {new} 円以上です。\
                 その額を優良の線にすることを提案します(現在 {now} 円)。",
                "Loyal (loyal_amount): of the {n} customers with {days}+ days of tenure, the top fifth by cumulative sales \
                 have {new} or more; that is suggested as the line (now {now}).",
                days = self.loyal_days,
                n = thousands(i128::from(self.long_tenure)),
                new = yen(new),
                now = yen(now),
            ),
            None => no_data("loyal_amount", lang),
        }
    }

    /// The lifecycle scheme's at-risk and dormant lines.
    fn lifecycle_advice(&self, current: &Config, suggested: &Config, lang: Lang) -> String {
        let cycle = self.median_cycle.map(|c| format!("{c:.0}"));
        let (a_now, a_new) = (current.lifecycle.active_days, suggested.lifecycle.active_days);
        let (d_new, d_now) = (suggested.lifecycle.dormant_days, current.lifecycle.dormant_days);
        match &cycle {
            Some(c) => by_lang!(
                lang,
                "ライフサイクル(active_days / dormant_days): 購入サイクル 1 回分({a_new} 日)を過ぎたら休眠予備軍、\
                 2 回分({d_new} 日)を過ぎたら休眠とします(サイクルの中央値 {c} 日。現在 {a_now} / {d_now} 日)。",
                "Lifecycle (active_days / dormant_days): at risk after one purchase cycle ({a_new} days), dormant after two \
                 ({d_new} days); the median cycle is {c} days (now {a_now} / {d_now})."
            ),
            None => no_data("active_days / dormant_days", lang),
        }
    }
}

/// What adopting the suggestion would change, from the what-if of the
/// current and the suggested rules, and the warning that goes with it.
pub(crate) fn impact(w: &WhatIf, lang: Lang) -> String {
    let moved = w.moved();
    let all: u64 = w.moves.iter().flatten().sum();
    let share = if all == 0 { 0.0 } else { moved as f64 / all as f64 };
    let mut out = by_lang!(
        lang,
        "提案どおりに変えると: {moved} 人(全 {all} 人の {share})の区分が変わります。\n",
        "If the suggestion were adopted: {moved} customers ({share} of {all}) would change segment.\n",
        moved = thousands(i128::from(moved)),
        all = thousands(i128::from(all)),
        share = percent(share),
    );
    for k in &w.kpis {
        let text = |f: Option<Figure>| match f {
            Some(Figure::Count(n)) => thousands(i128::from(n)),
            Some(Figure::Rate(r)) => percent(r),
            None => "-".into(),
        };
        out += &format!(
            "  {}: {} → {}\n",
            lang.pick(&k.ja, &k.en),
            text(k.before),
            text(k.after)
        );
    }
    out += lang.pick(
        "注意: 閾値を変えると、これまでに報告した数字(先月の会議資料など)とは比べられなくなります。\
         閾値は一度決めたら月をまたいで固定し、変えるときは過去の月も同じルールで計算し直してから比べてください。\n",
        "Note: changing thresholds makes every figure already reported (last month's meeting pack) incomparable. \
         Keep thresholds fixed from month to month; when you do change them, recompute past months with the new rules \
         before comparing.\n",
    );
    out
}
