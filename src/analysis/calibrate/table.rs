//! The evidence and the suggestions as a short table for the terminal:
//! the second-purchase windows, the gaps and silences, the long-tenure
//! totals, then each threshold now and suggested with its reason.

use std::fmt::Write as _;

use super::{Calibration, FOLLOW_UP_DAYS};
use crate::config::Config;
use crate::dates::format_day;
use crate::text::format::{pad_left, pad_right, percent, thousands};
use crate::text::lang::{Lang, by_lang};

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
        let title = by_lang!(
            lang,
            "2 回目購入までの日数(初回購入から {FOLLOW_UP_DAYS} 日以上経った初回客 {buyers} 人、うち 2 回目購入 {again} 人)",
            "Days to the second purchase ({buyers} first-time buyers with {FOLLOW_UP_DAYS}+ days of follow-up, {again} bought again)",
            buyers = thousands(i128::from(self.window_buyers)),
            again = thousands(i128::from(self.window_repeaters)),
        );
        let _ = writeln!(out, "{title}");
        let head = [l("2回目購入中", "of 2nd buys"), l("初回客中", "of buyers")];
        let widths = [16, 14, 12];
        let _ = writeln!(out, "{}", row(l("N 日未満", "within N days"), &head, &widths));
        for w in &self.windows {
            let cells = [percent(w.of_second), percent(w.of_first)];
            let _ = writeln!(out, "{}", row(&format!("< {}", w.days), &cells, &widths));
        }
    }

    /// The gaps between purchase days and the silences that did or did not end.
    fn gaps_section(&self, out: &mut String, lang: Lang) {
        let l = |ja: &'static str, en: &'static str| lang.pick(ja, en);
        let title = by_lang!(
            lang,
            "購入間隔(購入日の間隔 {gaps} 件、{FOLLOW_UP_DAYS} 日以上前に始まったもの): 中央値 {median}、95% が {p95} 日以内",
            "Gaps between purchase days ({gaps} gaps starting {FOLLOW_UP_DAYS}+ days before the end): median {median}, 95% within {p95} days",
            gaps = thousands(i128::from(self.gaps)),
            median = self
                .median_cycle
                .map_or("-".into(), |c| format!("{c:.0} {}", l("日", "days"))),
            p95 = self.gap_p95.map_or("-".into(), |g| g.to_string()),
        );
        let _ = writeln!(out, "{title}");
        let head = [
            l("N日超の再購入", "comebacks > N"),
            l("N日空いた客", "silent N+"),
            l("うち復帰", "came back"),
        ];
        let widths = [16, 14, 12, 12];
        let _ = writeln!(out, "{}", row(l("空白 N 日", "silence N"), &head, &widths));
        for s in &self.silences {
            let cells = [
                percent(s.later_comebacks),
                thousands(i128::from(s.silent)),
                percent(s.came_back),
            ];
            let _ = writeln!(out, "{}", row(&s.days.to_string(), &cells, &widths));
        }
    }

    /// The cumulative sales of long-tenure customers, as percentiles.
    fn totals_section(&self, out: &mut String, lang: Lang) {
        let title = by_lang!(
            lang,
            "累計売上(在籍 {days} 日以上の顧客 {n} 人): {percentiles}",
            "Cumulative sales (the {n} customers with tenure >= {days} days): {percentiles}",
            days = self.loyal_days,
            n = thousands(i128::from(self.long_tenure)),
            percentiles = self.percentiles_text(),
        );
        let _ = writeln!(out, "{title}");
    }

    /// Each threshold: now, suggested, and why.
    fn thresholds_section(&self, out: &mut String, current: &Config, lang: Lang) {
        let l = |ja: &'static str, en: &'static str| lang.pick(ja, en);
        let head = [l("現在", "current"), l("提案", "suggested")];
        let widths = [32, 10, 10];
        let _ = writeln!(
            out,
            "{}  {}",
            row(l("閾値", "threshold"), &head, &widths),
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
            let _ = writeln!(out, "{}  {why}", row(key, &[now, new], &widths));
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

/// One line of a section's table: indented, the first cell padded on the
/// right to `widths[0]`, the others (figures) on the left to theirs.
fn row(first: &str, cells: &[impl AsRef<str>], widths: &[usize]) -> String {
    let mut line = format!("  {}", pad_right(first, widths[0]));
    for (cell, &width) in cells.iter().zip(&widths[1..]) {
        line.push_str(&pad_left(cell.as_ref(), width));
    }
    line
}
