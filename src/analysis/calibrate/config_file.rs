//! The suggestions as a cpm.toml to edit: every key commented with why
//! it has its value (the evidence, or that it is kept as a policy choice).
//! The same reasons stand in the terminal table's last column.

use super::{Calibration, LOYAL_PERCENTILE};
use crate::config::Config;
use crate::config::rules_file::config_toml;
use crate::dates::format_day;
use crate::text::format::thousands;
use crate::text::lang::{Lang, by_lang};

impl Calibration {
    /// Why each suggestion, as comments for the config file.
    pub(super) fn why(&self, key: &str, current: &Config, lang: Lang) -> Option<String> {
        let cycle = self.median_cycle.unwrap_or(0.0);
        let kept = |what: &str| {
            by_lang!(
                lang,
                "{what}: 据え置き(方針で決める値で、データからは推定しません)",
                "{what}: kept (a policy choice, not estimated from the data)"
            )
        };
        let not_enough = lang
            .pick(
                "データが少なく提案できません: 据え置き",
                "not enough data to suggest a value: kept",
            )
            .to_string();
        Some(match key {
            "scheme" => by_lang!(
                lang,
                "使用中のスキーム: {}",
                "the scheme in use: {}",
                current.scheme.id()
            ),
            "cpm.churn_days" => match (self.churn_days, self.gap_p95) {
                (Some(_), Some(p95)) => by_lang!(
                    lang,
                    "再購入の 95% が前回購入から {p95} 日以内(購入間隔 {gaps} 件)。10 日単位に丸め",
                    "95% of repeat purchases came within {p95} days of the previous one ({gaps} gaps); to 10 days",
                    gaps = thousands(i128::from(self.gaps)),
                ),
                _ => not_enough,
            },
            "cpm.toddler_days" => match self.toddler_days {
                Some(_) => by_lang!(
                    lang,
                    "購入サイクル中央値の 2 倍(2 × {cycle:.0} 日)、10 日単位",
                    "two median purchase cycles (2 × {cycle:.0} days), to 10 days"
                ),
                None => not_enough,
            },
            "cpm.loyal_days" => kept("loyal_days"),
            "cpm.loyal_amount" => match self.loyal_amount {
                Some(_) => by_lang!(
                    lang,
                    "在籍 {days} 日以上の顧客 {n} 人の累計売上の {LOYAL_PERCENTILE} パーセンタイル、有効数字 2 桁",
                    "the {LOYAL_PERCENTILE}th percentile of cumulative sales of the {n} customers with tenure >= {days} days, \
                     to two significant digits",
                    days = self.loyal_days,
                    n = thousands(i128::from(self.long_tenure)),
                ),
                None => not_enough,
            },
            "lifecycle.active_days" => match self.active_days {
                Some(_) => by_lang!(
                    lang,
                    "購入サイクルの中央値({cycle:.0} 日)、5 日単位",
                    "the median purchase cycle ({cycle:.0} days), to 5 days"
                ),
                None => not_enough,
            },
            "lifecycle.dormant_days" => match self.dormant_days {
                Some(_) => lang.pick("購入サイクル 2 回分", "two purchase cycles").to_string(),
                None => not_enough,
            },
            "lifecycle.vip_min_purchase_days" => kept("vip_min_purchase_days"),
            _ => return None,
        })
    }

    /// The suggested config file, commented with the evidence.
    pub fn config_file(&self, current: &Config, input: &str, lang: Lang) -> String {
        let header = by_lang!(
            lang,
            "`cpm calibrate` が {input} から提案した cpm.toml(データは {} まで)。\n\
                 どの値も提案です。根拠を読み、必要なら書き換えてから使ってください\n\
                 (cpm は ./cpm.toml を読みます。または --config FILE)。使うまで何も変わりません。",
            "cpm.toml suggested by `cpm calibrate` from {input} (data up to {}).\n\
                 Every value is a suggestion: read the evidence, edit, and use the file\n\
                 (cpm reads ./cpm.toml, or pass --config FILE). Nothing changes until you do.",
            format_day(self.end)
        );
        config_toml(&self.suggested(current), &header, None, &|key| {
            self.why(key, current, lang)
        })
    }
}
