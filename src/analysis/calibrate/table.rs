//! The evidence and the suggestions as a short table for the terminal:
//! the second-purchase windows, the gaps and silences, the long-tenure
//! totals, then each threshold now and suggested with its reason.

use std::fmt::Write as _;

use super::{Calibration, FOLLOW_UP_DAYS};
use crate::config::Config;
use crate::dates::format_day;
use crate::text::format::{pad_left, pad_right, percent, thousands};
use crate::text::lang::Lang;

impl Calibration {
    /// The evidence and suggestions as a short table for the terminal.
    pub(crate) fn text(&self, current: &Config, lang: Lang) -> String {
        let mut out = String::new();
        self.heading(&mut out, lang);
        out.push('\n');
        self.windows_section(&mut out, lang);
        out.push('\n');
        self.gaps_section(&mut out, lang);
        out.push('\n');
        self.totals_section(&mut out, lang);
        out.push('\n');
        self.thresholds_section(&mut out, current, lang);
        out
    }

    /// The data used: its end and how many customers and repeaters.
    fn heading(&self, out: &mut String, lang: Lang) {
        let l = |ja: &'static str, en: &'static str| lang.pick(ja, en);
        let _ = writeln!(
            out,
            "{} {} — {} {}, {} {}",
            l("閾値の診断: データ終了日", "Calibration: data up to"),
            format_day(self.end),
            l("顧客", "customers"),
            thousands(i128::from(self.customers)),
            l("リピーター", "repeaters"),
            thousands(i128::from(self.repeaters)),
        );
    }

    /// Days to the second purchase, window by window.
    fn windows_section(&self, out: &mut String, lang: Lang) {
        let l = |ja: &'static str, en: &'static str| lang.pick(ja, en);
        let _ = writeln!(
            out,
            "{}",
            match lang {
                Lang::Ja => format!(
                    "2 回目購入までの日数(初回購入から {FOLLOW_UP_DAYS} 日以上経った初回客 {} 人、うち 2 回目購入 {} 人)",
                    thousands(i128::from(self.window_buyers)),
                    thousands(i128::from(self.window_repeaters))
                ),
                Lang::En => format!(
                    "Days to the second purchase ({} first-time buyers with {FOLLOW_UP_DAYS}+ days of follow-up, {} bought again)",
                    thousands(i128::from(self.window_buyers)),
                    thousands(i128::from(self.window_repeaters))
                ),
            }
        );
        let _ = writeln!(
            out,
            "  {}{}{}",
            pad_right(l("N 日未満", "within N days"), 16),
            pad_left(l("2回目購入中", "of 2nd buys"), 14),
            pad_left(l("初回客中", "of buyers"), 12)
        );
        for w in &self.windows {
            let _ = writeln!(
                out,
                "  {}{}{}",
                pad_right(&format!("< {}", w.days), 16),
                pad_left(&percent(w.of_second), 14),
                pad_left(&percent(w.of_first), 12)
            );
        }
    }

    /// The gaps between purchase days and the silences that did or did not end.
    fn gaps_section(&self, out: &mut String, lang: Lang) {
        let l = |ja: &'static str, en: &'static str| lang.pick(ja, en);
        let _ = writeln!(
            out,
            "{}",
            match lang {
                Lang::Ja => format!(
                    "購入間隔(購入日の間隔 {} 件、{FOLLOW_UP_DAYS} 日以上前に始まったもの): 中央値 {}、95% が {} 日以内",
                    thousands(i128::from(self.gaps)),
                    self.median_cycle.map_or("-".into(), |c| format!("{c:.0} 日")),
                    self.gap_p95.map_or("-".into(), |g| g.to_string())
                ),
                Lang::En => format!(
                    "Gaps between purchase days ({} gaps starting {FOLLOW_UP_DAYS}+ days before the end): median {}, 95% within {} days",
                    thousands(i128::from(self.gaps)),
                    self.median_cycle.map_or("-".into(), |c| format!("{c:.0} days")),
                    self.gap_p95.map_or("-".into(), |g| g.to_string())
                ),
            }
        );
        let _ = writeln!(
            out,
            "  {}{}{}{}",
            pad_right(l("空白 N 日", "silence N"), 16),
            pad_left(l("N日超の再購入", "comebacks > N"), 14),
            pad_left(l("N日空いた客", "silent N+"), 12),
            pad_left(l("うち復帰", "came back"), 12)
        );
        for s in &self.silences {
            let _ = writeln!(
                out,
                "  {}{}{}{}",
                pad_right(&s.days.to_string(), 16),
                pad_left(&percent(s.later_comebacks), 14),
                pad_left(&thousands(i128::from(s.silent)), 12),
                pad_left(&percent(s.came_back), 12)
            );
        }
    }

    /// The cumulative sales of long-tenure customers, as percentiles.
    fn totals_section(&self, out: &mut String, lang: Lang) {
        let _ = writeln!(
            out,
            "{}",
            match lang {
                Lang::Ja => format!(
                    "累計売上(在籍 {} 日以上の顧客 {} 人): {}",
                    self.loyal_days,
                    thousands(i128::from(self.long_tenure)),
                    self.percentiles_text()
                ),
                Lang::En => format!(
                    "Cumulative sales (the {} customers with tenure >= {} days): {}",
                    thousands(i128::from(self.long_tenure)),
                    self.loyal_days,
                    self.percentiles_text()
                ),
            }
        );
    }

    /// Each threshold: now, suggested, and why.
    fn thresholds_section(&self, out: &mut String, current: &Config, lang: Lang) {
        let l = |ja: &'static str, en: &'static str| lang.pick(ja, en);
        let _ = writeln!(
            out,
            "  {}{}{}  {}",
            pad_right(l("閾値", "threshold"), 32),
            pad_left(l("現在", "current"), 10),
            pad_left(l("提案", "suggested"), 10),
            l("根拠", "why")
        );
        let suggested = self.suggested(current);
        // The thresholds calibrate looks at, read through the settings table.
        let value = |c: &Config, key: &str| {
            crate::config::settings::find(key)
                .and_then(|s| (s.get)(c))
                .map_or_else(|| "-".to_string(), |v| v.text())
        };
        let rows = [
            "cpm.churn_days",
            "cpm.toddler_days",
            "cpm.loyal_days",
            "cpm.loyal_amount",
            "lifecycle.active_days",
            "lifecycle.dormant_days",
            "lifecycle.vip_min_purchase_days",
        ]
        .map(|key| (key, value(current, key), value(&suggested, key)));
        for (key, now, new) in rows {
            let why = self.why(key, current, lang).unwrap_or_default();
            let _ = writeln!(
                out,
                "  {}{}{}  {}",
                pad_right(key, 32),
                pad_left(&now, 10),
                pad_left(&new, 10),
                why
            );
        }
    }

    fn percentiles_text(&self) -> String {
        if self.long_tenure_percentiles.is_empty() {
            return "-".into();
        }
        self.long_tenure_percentiles
            .iter()
            .map(|(p, m)| format!("P{p} {}", thousands(crate::money::round_units(i128::from(m.0)))))
            .collect::<Vec<_>>()
            .join(", ")
    }
}
