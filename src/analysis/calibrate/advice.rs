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
use crate::text::lang::Lang;

fn yen(m: crate::money::Money) -> String {
    thousands(round_units(i128::from(m.0)))
}

/// The sentence for a threshold the data says too little about.
fn no_data(name: &str, ja: bool) -> String {
    if ja {
        format!("{name}: データが少ないため提案できません(現在の値のままです)。")
    } else {
        format!("{name}: not enough data to suggest a value (the current one is kept).")
    }
}

impl Calibration {
    /// One sentence per threshold, with its evidence, in `lang`.
    pub(crate) fn advice(&self, current: &Config, lang: Lang) -> Vec<String> {
        let ja = lang == Lang::Ja;
        let suggested = self.suggested(current);
        vec![
            self.churn_advice(current, &suggested, ja),
            self.toddler_advice(current, &suggested, ja),
            self.loyal_advice(current, &suggested, ja),
            self.lifecycle_advice(current, &suggested, ja),
            if ja {
                "loyal_days と VIP の条件は方針で決める値なので、データからは提案しません(据え置き)。".to_string()
            } else {
                "loyal_days and the VIP rules are policy choices: not estimated from the data (kept).".to_string()
            },
            if ja {
                "パーセンタイルの読み方: P80 = お客様を金額の小さい順に並べたとき 80% の位置の値(その額以上が上位 2 割)。"
                    .to_string()
            } else {
                "How to read a percentile: P80 is the value 80% of the way up when customers are sorted by amount (the top \
                 fifth have that much or more)."
                    .to_string()
            },
        ]
    }

    /// The churn line.
    fn churn_advice(&self, current: &Config, suggested: &Config, ja: bool) -> String {
        let (now, new) = (current.rules.churn_days, suggested.rules.churn_days);
        match self.gap_p95 {
            Some(p95) if ja => format!(
                "離脱(churn_days): 再購入の 95% は前回の購入から {p95} 日以内に起きています。それより長く買わなかったお客様が\
                 戻ることはまれなので、{new} 日で離脱とみなすことを提案します(現在 {now} 日)。"
            ),
            Some(p95) => format!(
                "Lapsed (churn_days): 95% of repeat purchases come within {p95} days of the previous one; customers silent \
                 for longer rarely come back, so {new} days is suggested as the line (now {now})."
            ),
            None => no_data("churn_days", ja),
        }
    }

    /// The よちよち window.
    fn toddler_advice(&self, current: &Config, suggested: &Config, ja: bool) -> String {
        let cycle = self.median_cycle.map(|c| format!("{c:.0}"));
        let (now, new) = (current.rules.toddler_days, suggested.rules.toddler_days);
        let within_now = self
            .windows
            .iter()
            .find(|w| w.days == now)
            .map(|w| percent(w.of_second));
        match (&cycle, self.toddler_days) {
            (Some(c), Some(_)) if ja => format!(
                "よちよち(toddler_days): お客様の購入サイクルは中央値で {c} 日です。初回のお客様がその 2 回分({new} 日)\
                 買わなければ、2 回目へ育てる期間は過ぎたとみなします(現在 {now} 日{})。",
                within_now.map_or(String::new(), |w| format!(
                    "。2 回目の購入のうち {w} は初回から {now} 日以内"
                ))
            ),
            (Some(c), Some(_)) => format!(
                "Toddler (toddler_days): the median purchase cycle is {c} days; a first-time customer who lets two cycles \
                 ({new} days) pass is past the nurturing window (now {now}{}).",
                within_now.map_or(String::new(), |w| format!(
                    "; {w} of second purchases come within {now} days"
                ))
            ),
            _ => no_data("toddler_days", ja),
        }
    }

    /// The 優良 line.
    fn loyal_advice(&self, current: &Config, suggested: &Config, ja: bool) -> String {
        let (now, new) = (current.rules.loyal_amount, suggested.rules.loyal_amount);
        match self.loyal_amount {
            Some(_) if ja => format!(
                "優良(loyal_amount): 在籍 {} 日以上のお客様 {} 人のうち、累計購入額の上位 2 割が {} 円以上です。\
                 その額を優良の線にすることを提案します(現在 {} 円)。",
                self.loyal_days,
                thousands(i128::from(self.long_tenure)),
                yen(new),
                yen(now)
            ),
            Some(_) => format!(
                "Loyal (loyal_amount): of the {} customers with {}+ days of tenure, the top fifth by cumulative sales have \
                 {} or more; that is suggested as the line (now {}).",
                thousands(i128::from(self.long_tenure)),
                self.loyal_days,
                yen(new),
                yen(now)
            ),
            None => no_data("loyal_amount", ja),
        }
    }

    /// The lifecycle scheme's at-risk and dormant lines.
    fn lifecycle_advice(&self, current: &Config, suggested: &Config, ja: bool) -> String {
        let cycle = self.median_cycle.map(|c| format!("{c:.0}"));
        let (a_now, a_new) = (current.lifecycle.active_days, suggested.lifecycle.active_days);
        let (d_new, d_now) = (suggested.lifecycle.dormant_days, current.lifecycle.dormant_days);
        match &cycle {
            Some(c) if ja => format!(
                "ライフサイクル(active_days / dormant_days): 購入サイクル 1 回分({a_new} 日)を過ぎたら休眠予備軍、\
                 2 回分({d_new} 日)を過ぎたら休眠とします(サイクルの中央値 {c} 日。現在 {a_now} / {d_now} 日)。"
            ),
            Some(c) => format!(
                "Lifecycle (active_days / dormant_days): at risk after one purchase cycle ({a_new} days), dormant after two \
                 ({d_new} days); the median cycle is {c} days (now {a_now} / {d_now})."
            ),
            None => no_data("active_days / dormant_days", ja),
        }
    }
}

/// What adopting the suggestion would change, from the what-if of the
/// current and the suggested rules, and the warning that goes with it.
pub(crate) fn impact(w: &WhatIf, lang: Lang) -> String {
    let ja = lang == Lang::Ja;
    let moved = w.moved();
    let all: u64 = w.moves.iter().flatten().sum();
    let share = if all == 0 { 0.0 } else { moved as f64 / all as f64 };
    let mut out = if ja {
        format!(
            "提案どおりに変えると: {} 人(全 {} 人の {})の区分が変わります。\n",
            thousands(i128::from(moved)),
            thousands(i128::from(all)),
            percent(share)
        )
    } else {
        format!(
            "If the suggestion were adopted: {} customers ({} of {}) would change segment.\n",
            thousands(i128::from(moved)),
            percent(share),
            thousands(i128::from(all))
        )
    };
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
    out += if ja {
        "注意: 閾値を変えると、これまでに報告した数字(先月の会議資料など)とは比べられなくなります。\
         閾値は一度決めたら月をまたいで固定し、変えるときは過去の月も同じルールで計算し直してから比べてください。\n"
    } else {
        "Note: changing thresholds makes every figure already reported (last month's meeting pack) incomparable. \
         Keep thresholds fixed from month to month; when you do change them, recompute past months with the new rules \
         before comparing.\n"
    };
    out
}
