//! `cpm calibrate`: thresholds suggested by the data, with the evidence.
//!
//! Nothing here changes a threshold: the result is a table to read and a
//! config file to edit. The statistics, all over purchase days (spec
//! section 1: several rows a day are one purchase day; returns are never
//! purchase days):
//!
//! - **gaps** between consecutive purchase days of a customer. Only gaps
//!   that start at least [`FOLLOW_UP_DAYS`] before the data ends are used:
//!   a purchase made last month cannot show a gap of 200 days yet, so
//!   counting it would make long gaps look rarer than they are.
//!   - the **median purchase cycle** (median gap) → the lifecycle scheme's
//!     `active_days` (one cycle, to 5 days) and `dormant_days` (two);
//!   - the **churn line**: the gap beyond which fewer than 5% of comebacks
//!     happen (95% of repeat purchases come sooner), to the nearest 10
//!     days → `churn_days`;
//! - **second purchases**: of first-time buyers with a year of follow-up,
//!   the share of second purchases that came within N days (`1 <= second -
//!   first < N`, the conversion rule of spec section 6) for N = 30 … 180;
//!   `toddler_days` is suggested as two median cycles (the same line as
//!   `dormant_days`: a newcomer who has let two cycles pass is no longer
//!   being nurtured), to 10 days;
//! - **cumulative sales** of customers whose tenure is at least
//!   `loyal_days` at the end of the data: the 80th percentile, to two
//!   significant digits → `loyal_amount` (the top fifth of established
//!   customers are 優良).
//!
//! `loyal_days` and the other thresholds are policy choices and are kept.

use std::fmt::Write as _;

use crate::config::Config;
use crate::config::rules_file::config_toml;
use crate::dates::{Day, format_day};
use crate::engine::timelines::Timelines;
use crate::money::Money;
use crate::text::format::{pad_left, pad_right, percent, thousands};
use crate::text::lang::Lang;

/// Windows of the second-purchase table (days).
pub(crate) const SECOND_PURCHASE_WINDOWS: [i32; 5] = [30, 60, 90, 120, 180];
/// Silences of the comeback table (days).
pub(crate) const SILENCES: [i32; 6] = [90, 120, 180, 240, 365, 540];
/// Follow-up a purchase day needs for its gap (or a first purchase for its
/// second-purchase window) to count.
pub(crate) const FOLLOW_UP_DAYS: i32 = 365;
/// The churn line: fewer than this share of comebacks come later.
pub(crate) const CHURN_TAIL: f64 = 0.05;
/// The percentile of long-tenure customers' totals suggested as `loyal_amount`.
pub(crate) const LOYAL_PERCENTILE: u32 = 80;
/// Fewer observations than this and a statistic is not used for a suggestion.
pub(crate) const MIN_OBSERVATIONS: usize = 30;

#[derive(Debug, Clone, PartialEq)]
pub struct WindowShare {
    pub days: i32,
    /// Second purchases within the window / second purchases.
    pub of_second: f64,
    /// Second purchases within the window / first-time buyers.
    pub of_first: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SilenceRow {
    pub days: i32,
    /// Share of the gaps (comebacks) longer than `days`.
    pub later_comebacks: f64,
    /// Customers whose silence reached `days` (counted once, at their first such silence).
    pub silent: u64,
    /// Of those, the share who bought again (so far).
    pub came_back: f64,
}

/// The evidence and the suggestions.
#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    /// The last day of data used.
    pub end: Day,
    pub customers: u64,
    /// Customers with at least two purchase days.
    pub repeaters: u64,
    /// Gaps used (those that start at least [`FOLLOW_UP_DAYS`] before `end`).
    pub gaps: u64,
    pub median_cycle: Option<f64>,
    /// The smallest gap `g` with fewer than 5% of gaps longer than `g`.
    pub gap_p95: Option<i32>,
    pub silences: Vec<SilenceRow>,
    /// First-time buyers with a year of follow-up, and how many bought again.
    pub window_buyers: u64,
    pub window_repeaters: u64,
    pub windows: Vec<WindowShare>,
    /// Customers with tenure >= loyal_days at `end`, and their totals' percentiles.
    pub loyal_days: i32,
    pub long_tenure: u64,
    pub long_tenure_percentiles: Vec<(u32, Money)>,
    pub churn_days: Option<i32>,
    pub toddler_days: Option<i32>,
    pub loyal_amount: Option<Money>,
    pub active_days: Option<i32>,
    pub dormant_days: Option<i32>,
}

fn round_to(value: f64, step: i32) -> i32 {
    (((value / f64::from(step)).round() as i32) * step).max(step)
}

/// Two significant digits (150,262 → 150,000; 7,450 → 7,500), in whole units.
fn two_significant(m: Money) -> Money {
    let units = m.0 / crate::money::SCALE;
    if units <= 0 {
        return Money::from_units(units).unwrap_or(m);
    }
    let digits = units.ilog10();
    let step = 10i64.pow(digits.saturating_sub(1));
    let rounded = (units + step / 2) / step * step;
    Money::from_units(rounded).unwrap_or(m)
}

/// The `p`-th percentile (nearest rank) of sorted values.
fn percentile<T: Copy>(sorted: &[T], p: u32) -> Option<T> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (u64::from(p) * sorted.len() as u64).div_ceil(100).max(1) as usize;
    Some(sorted[rank.min(sorted.len()) - 1])
}

/// Computes the evidence and the suggestions from every customer's days up
/// to `end` (the last day of data).
pub fn calibrate(tl: &Timelines, end: Day, loyal_days: i32) -> Calibration {
    let mut gaps: Vec<i32> = Vec::new();
    let mut totals: Vec<Money> = Vec::new();
    let mut customers = 0u64;
    let mut repeaters = 0u64;
    let mut window_buyers = 0u64;
    let mut second_gaps: Vec<i32> = Vec::new();
    let mut silent = vec![0u64; SILENCES.len()];
    let mut came_back = vec![0u64; SILENCES.len()];
    let mut purchase_days: Vec<Day> = Vec::new();
    for c in 0..tl.customers() {
        purchase_days.clear();
        let mut total = Money::ZERO;
        for e in tl.days(c) {
            total += e.net;
            if e.purchase {
                purchase_days.push(e.day);
            }
        }
        let (Some(&first), Some(&last)) = (purchase_days.first(), purchase_days.last()) else {
            continue;
        };
        customers += 1;
        if purchase_days.len() >= 2 {
            repeaters += 1;
        }
        if last - first >= loyal_days {
            totals.push(total);
        }
        if end - first >= FOLLOW_UP_DAYS {
            window_buyers += 1;
            if let Some(&second) = purchase_days.get(1) {
                second_gaps.push(second - first);
            }
        }
        for w in purchase_days.windows(2) {
            if end - w[0] >= FOLLOW_UP_DAYS {
                gaps.push(w[1] - w[0]);
            }
        }
        // Each customer's first silence of at least `s` days, and whether it ended.
        for (i, &s) in SILENCES.iter().enumerate() {
            let reached = purchase_days
                .iter()
                .enumerate()
                .find_map(|(k, &d)| match purchase_days.get(k + 1) {
                    Some(&next) if next - d >= s => Some(true),
                    None if end - d >= s => Some(false),
                    _ => None,
                });
            if let Some(back) = reached {
                silent[i] += 1;
                came_back[i] += u64::from(back);
            }
        }
    }
    gaps.sort_unstable();
    totals.sort_unstable();
    let share = |part: usize, whole: usize| if whole == 0 { 0.0 } else { part as f64 / whole as f64 };
    let enough_gaps = gaps.len() >= MIN_OBSERVATIONS;
    let median_cycle = (!gaps.is_empty()).then(|| {
        let n = gaps.len();
        if n % 2 == 1 {
            f64::from(gaps[n / 2])
        } else {
            (f64::from(gaps[n / 2 - 1]) + f64::from(gaps[n / 2])) / 2.0
        }
    });
    // The smallest g with share(gap > g) < 5%.
    let gap_p95 = (!gaps.is_empty()).then(|| {
        let allowed = (CHURN_TAIL * gaps.len() as f64).ceil() as usize - 1;
        // At most `allowed` gaps may be longer than g: g = gaps[n - 1 - allowed].
        gaps[gaps.len() - 1 - allowed.min(gaps.len() - 1)]
    });
    let silences = SILENCES
        .iter()
        .enumerate()
        .map(|(i, &s)| SilenceRow {
            days: s,
            later_comebacks: share(gaps.iter().filter(|&&g| g > s).count(), gaps.len()),
            silent: silent[i],
            came_back: share(came_back[i] as usize, silent[i] as usize),
        })
        .collect();
    let windows = SECOND_PURCHASE_WINDOWS
        .iter()
        .map(|&n| {
            let within = second_gaps.iter().filter(|&&g| (1..n).contains(&g)).count();
            WindowShare {
                days: n,
                of_second: share(within, second_gaps.len()),
                of_first: share(within, window_buyers as usize),
            }
        })
        .collect();
    let active_days = median_cycle.filter(|_| enough_gaps).map(|c| round_to(c, 5));
    let long_tenure_percentiles = [50, 60, 70, 80, 90]
        .iter()
        .filter_map(|&p| percentile(&totals, p).map(|m| (p, m)))
        .collect();
    Calibration {
        end,
        customers,
        repeaters,
        gaps: gaps.len() as u64,
        median_cycle,
        gap_p95,
        silences,
        window_buyers,
        window_repeaters: second_gaps.len() as u64,
        windows,
        loyal_days,
        long_tenure: totals.len() as u64,
        long_tenure_percentiles,
        churn_days: gap_p95.filter(|_| enough_gaps).map(|g| round_to(f64::from(g), 10)),
        toddler_days: median_cycle.filter(|_| enough_gaps).map(|c| round_to(2.0 * c, 10)),
        loyal_amount: (totals.len() >= MIN_OBSERVATIONS)
            .then(|| percentile(&totals, LOYAL_PERCENTILE).map(two_significant))
            .flatten()
            .filter(|m| !m.is_negative()),
        dormant_days: active_days.map(|a| 2 * a),
        active_days,
    }
}

impl Calibration {
    /// `current` with the suggestions applied (unchanged where the data
    /// had too little to say).
    pub fn suggested(&self, current: &Config) -> Config {
        let mut c = current.clone();
        let r = &current.rules;
        let super_loyal = r.super_loyal;
        let loyal_amount = self.loyal_amount.unwrap_or(r.loyal_amount);
        c.rules = crate::engine::segments::CpmRules::new(
            self.churn_days.unwrap_or(r.churn_days),
            self.toddler_days.unwrap_or(r.toddler_days),
            r.loyal_days,
            loyal_amount,
        )
        // A 超優良 line below the new 優良 line would not be valid: dropped.
        .with_super_loyal(super_loyal.filter(|s| s.amount >= loyal_amount));
        let l = &current.lifecycle;
        let active = self.active_days.unwrap_or(l.active_days);
        let dormant = self.dormant_days.unwrap_or(l.dormant_days).max(active);
        c.lifecycle = crate::engine::lifecycle::LifecycleRules::new(
            active,
            dormant,
            l.vip_min_purchase_days,
            l.vip_recency_days,
            l.vip_top_share,
            l.new_max_purchase_days,
        );
        c.source = None;
        c
    }

    /// Why each suggestion, as comments for the config file.
    fn why(&self, key: &str, current: &Config, lang: Lang) -> Option<String> {
        let cycle = self.median_cycle.unwrap_or(0.0);
        let ja = lang == Lang::Ja;
        let kept = |what: &str| {
            if ja {
                format!("{what}: 据え置き(方針で決める値で、データからは推定しません)")
            } else {
                format!("{what}: kept (a policy choice, not estimated from the data)")
            }
        };
        let not_enough = if ja {
            "データが少なく提案できません: 据え置き".to_string()
        } else {
            "not enough data to suggest a value: kept".to_string()
        };
        Some(match key {
            "scheme" if ja => format!("使用中のスキーム: {}", current.scheme.id()),
            "scheme" => format!("the scheme in use: {}", current.scheme.id()),
            "cpm.churn_days" => match (self.churn_days, self.gap_p95) {
                (Some(_), Some(p95)) if ja => format!(
                    "再購入の 95% が前回購入から {p95} 日以内(購入間隔 {} 件)。10 日単位に丸め",
                    thousands(i128::from(self.gaps))
                ),
                (Some(_), Some(p95)) => format!(
                    "95% of repeat purchases came within {p95} days of the previous one ({} gaps); to 10 days",
                    thousands(i128::from(self.gaps))
                ),
                _ => not_enough,
            },
            "cpm.toddler_days" => match self.toddler_days {
                Some(_) if ja => format!("購入サイクル中央値の 2 倍(2 × {cycle:.0} 日)、10 日単位"),
                Some(_) => format!("two median purchase cycles (2 × {cycle:.0} days), to 10 days"),
                None => not_enough,
            },
            "cpm.loyal_days" => kept("loyal_days"),
            "cpm.loyal_amount" => match self.loyal_amount {
                Some(_) if ja => format!(
                    "在籍 {} 日以上の顧客 {} 人の累計売上の {LOYAL_PERCENTILE} パーセンタイル、有効数字 2 桁",
                    self.loyal_days,
                    thousands(i128::from(self.long_tenure))
                ),
                Some(_) => format!(
                    "the {LOYAL_PERCENTILE}th percentile of cumulative sales of the {} customers with tenure >= {} days, \
                     to two significant digits",
                    thousands(i128::from(self.long_tenure)),
                    self.loyal_days
                ),
                None => not_enough,
            },
            "lifecycle.active_days" => match self.active_days {
                Some(_) if ja => format!("購入サイクルの中央値({cycle:.0} 日)、5 日単位"),
                Some(_) => format!("the median purchase cycle ({cycle:.0} days), to 5 days"),
                None => not_enough,
            },
            "lifecycle.dormant_days" => match self.dormant_days {
                Some(_) if ja => "購入サイクル 2 回分".to_string(),
                Some(_) => "two purchase cycles".to_string(),
                None => not_enough,
            },
            "lifecycle.vip_min_purchase_days" => kept("vip_min_purchase_days"),
            _ => return None,
        })
    }

    /// The suggested config file, commented with the evidence.
    pub fn config_file(&self, current: &Config, input: &str, lang: Lang) -> String {
        let header = match lang {
            Lang::Ja => format!(
                "`cpm calibrate` が {input} から提案した cpm.toml(データは {} まで)。\n\
                 どの値も提案です。根拠を読み、必要なら書き換えてから使ってください\n\
                 (cpm は ./cpm.toml を読みます。または --config FILE)。使うまで何も変わりません。",
                format_day(self.end)
            ),
            Lang::En => format!(
                "cpm.toml suggested by `cpm calibrate` from {input} (data up to {}).\n\
                 Every value is a suggestion: read the evidence, edit, and use the file\n\
                 (cpm reads ./cpm.toml, or pass --config FILE). Nothing changes until you do.",
                format_day(self.end)
            ),
        };
        config_toml(&self.suggested(current), &header, None, &|key| {
            self.why(key, current, lang)
        })
    }

    /// The evidence and suggestions as a short table for the terminal.
    pub(crate) fn text(&self, current: &Config, lang: Lang) -> String {
        let l = |ja: &'static str, en: &'static str| lang.pick(ja, en);
        let mut out = String::new();
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
        out.push('\n');
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
        out.push('\n');
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
        out.push('\n');
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
        out.push('\n');
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
        out
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_and_percentiles() {
        assert_eq!(round_to(38.0, 5), 40);
        assert_eq!(round_to(37.4, 5), 35);
        assert_eq!(round_to(1.0, 5), 5);
        assert_eq!(round_to(241.0, 10), 240);
        assert_eq!(round_to(236.0, 10), 240);
        let m = |u| Money::from_units(u).unwrap();
        assert_eq!(two_significant(m(150_262)), m(150_000));
        assert_eq!(two_significant(m(7_450)), m(7_500));
        assert_eq!(two_significant(m(9)), m(9));
        assert_eq!(percentile(&[1, 2, 3, 4, 5], 80), Some(4));
        assert_eq!(percentile(&[1, 2, 3, 4, 5], 50), Some(3));
        assert_eq!(percentile::<i32>(&[], 50), None);
    }
}
