//! The six-state D2C lifecycle (spec section 8): 休眠, 優良
//! (Core/VIP), 休眠予備軍, 復活, 新規, 継続.
//!
//! Everything but the VIP top-share rule is local to a customer, so
//! [`LifecycleRules`] is a [`Classifier`] like the CPM rules. The top-share
//! rule compares a customer's total with everyone else's at the same
//! snapshot: the engine (`snapshots::compute`) finds each
//! snapshot's threshold total first and then applies it with
//! [`LifecycleRules::classify_at`].

use std::fmt;

use crate::engine::segments::{Classifier, Facts, SegmentLabel};
use crate::money::Money;

/// Index of each state in [`LIFECYCLE_LABELS`].
pub(crate) const DORMANT: usize = 0;
pub(crate) const VIP: usize = 1;
pub(crate) const AT_RISK: usize = 2;
pub(crate) const WINBACK: usize = 3;
pub(crate) const NEWCOMER: usize = 4;
pub(crate) const ACTIVE: usize = 5;

/// The six states in canonical order (spec section 8).
pub(crate) const LIFECYCLE_LABELS: [SegmentLabel; 6] = [
    SegmentLabel {
        id: "dormant",
        ja: "休眠",
        en: "Dormant",
    },
    SegmentLabel {
        id: "vip",
        ja: "優良(Core/VIP)",
        en: "VIP (core)",
    },
    SegmentLabel {
        id: "at_risk",
        ja: "休眠予備軍",
        en: "At risk",
    },
    SegmentLabel {
        id: "winback",
        ja: "復活",
        en: "Winback",
    },
    SegmentLabel {
        id: "newcomer",
        ja: "新規",
        en: "Newcomer",
    },
    SegmentLabel {
        id: "active",
        ja: "継続",
        en: "Active",
    },
];

/// A share from 0 to 1, held exactly as an integer number of millionths so
/// that `k = ceil(share × n)` is computed without floating point
/// (`0.14 × 50` is 7, not 8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Share {
    millionths: u32,
}

impl Share {
    pub(crate) const ONE: u32 = 1_000_000;

    pub(crate) fn from_millionths(millionths: u32) -> Option<Share> {
        (millionths <= Share::ONE).then_some(Share { millionths })
    }

    #[cfg(test)]
    pub(crate) fn millionths(self) -> u32 {
        self.millionths
    }

    pub(crate) fn is_zero(self) -> bool {
        self.millionths == 0
    }

    /// Parses a decimal from 0 to 1 with at most six decimals (`0.01`,
    /// `.5`, `1`). Anything else is `None`.
    pub(crate) fn parse(text: &str) -> Option<Share> {
        let text = text.trim();
        let (int_part, frac_part) = text.split_once('.').unwrap_or((text, ""));
        if (int_part.is_empty() && frac_part.is_empty()) || frac_part.len() > 6 {
            return None;
        }
        if !int_part.bytes().chain(frac_part.bytes()).all(|b| b.is_ascii_digit()) {
            return None;
        }
        let units: u64 = if int_part.is_empty() { 0 } else { int_part.parse().ok()? };
        let mut frac: u64 = if frac_part.is_empty() {
            0
        } else {
            frac_part.parse().ok()?
        };
        frac *= 10u64.pow(6 - frac_part.len() as u32);
        let millionths = units.checked_mul(u64::from(Share::ONE))?.checked_add(frac)?;
        Share::from_millionths(u32::try_from(millionths).ok()?)
    }

    /// A float as written in a TOML file: its shortest decimal form, parsed
    /// exactly (`0.01` is 10,000 millionths).
    #[cfg(test)]
    pub(crate) fn from_f64(value: f64) -> Option<Share> {
        if !value.is_finite() {
            return None;
        }
        let text = format!("{value}");
        if text.contains('e') {
            return None;
        }
        Share::parse(&text)
    }

    /// As a percentage: `1%`, `14%`, `0.5%`, `33.3333%`.
    pub(crate) fn percent_text(self) -> String {
        let whole = self.millionths / 10_000;
        let frac = self.millionths % 10_000;
        if frac == 0 {
            format!("{whole}%")
        } else {
            let digits = format!("{frac:04}");
            format!("{whole}.{}%", digits.trim_end_matches('0'))
        }
    }

    /// `ceil(share × n)`, exactly.
    pub(crate) fn top_k(self, n: u64) -> u64 {
        let num = u128::from(self.millionths) * u128::from(n);
        num.div_ceil(u128::from(Share::ONE)) as u64
    }
}

impl fmt::Display for Share {
    /// `0.01`, `0.14`, `1`, `0`: the shortest decimal.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let units = self.millionths / Share::ONE;
        let frac = self.millionths % Share::ONE;
        if frac == 0 {
            write!(f, "{units}")
        } else {
            let digits = format!("{frac:06}");
            write!(f, "{units}.{}", digits.trim_end_matches('0'))
        }
    }
}

/// Thresholds of the lifecycle scheme (spec section 8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LifecycleRules {
    pub active_days: i32,
    pub dormant_days: i32,
    pub(crate) vip_min_purchase_days: u32,
    pub(crate) vip_recency_days: i32,
    pub(crate) vip_top_share: Share,
    pub(crate) new_max_purchase_days: u32,
    breaks: Vec<i32>,
}

impl Default for LifecycleRules {
    /// The spec's defaults: 30 / 60 / 4 / 45 / 0.01 / 2.
    fn default() -> Self {
        LifecycleRules::new(30, 60, 4, 45, Share { millionths: 10_000 }, 2)
    }
}

impl LifecycleRules {
    pub fn new(
        active_days: i32,
        dormant_days: i32,
        vip_min_purchase_days: u32,
        vip_recency_days: i32,
        vip_top_share: Share,
        new_max_purchase_days: u32,
    ) -> Self {
        // Recency crosses `x > d` at `d + 1`.
        let mut breaks = vec![active_days + 1, vip_recency_days + 1, dormant_days + 1];
        breaks.retain(|&b| b > 0);
        breaks.sort_unstable();
        breaks.dedup();
        LifecycleRules {
            active_days,
            dormant_days,
            vip_min_purchase_days,
            vip_recency_days,
            vip_top_share,
            new_max_purchase_days,
            breaks,
        }
    }

    pub(crate) fn is_dormant(&self, recency_days: i32) -> bool {
        recency_days > self.dormant_days
    }

    /// The state, with `vip_threshold` the snapshot's top-share threshold
    /// total (`None`: nobody is VIP by share at this snapshot).
    pub(crate) fn classify_at(&self, facts: &Facts, recency_days: i32, vip_threshold: Option<Money>) -> usize {
        if self.is_dormant(recency_days) {
            DORMANT
        } else if (facts.purchase_days >= self.vip_min_purchase_days && recency_days <= self.vip_recency_days)
            || vip_threshold.is_some_and(|t| facts.total >= t)
        {
            VIP
        } else if recency_days > self.active_days {
            AT_RISK
        } else if facts.purchase_days >= 2 && facts.previous.is_some_and(|p| facts.last - p > self.dormant_days) {
            WINBACK
        } else if facts.purchase_days <= self.new_max_purchase_days {
            NEWCOMER
        } else {
            ACTIVE
        }
    }

    /// States a customer may be lifted out of into VIP by the top-share
    /// rule: neither dormant nor VIP already.
    pub(crate) fn share_eligible(state: usize) -> bool {
        !matches!(state, DORMANT | VIP)
    }
}

impl Classifier for LifecycleRules {
    fn labels(&self) -> &[SegmentLabel] {
        &LIFECYCLE_LABELS
    }

    /// Every rule but the top share (see [`LifecycleRules::classify_at`]).
    fn classify(&self, facts: &Facts, recency_days: i32) -> usize {
        self.classify_at(facts, recency_days, None)
    }

    fn recency_breaks(&self) -> &[i32] {
        &self.breaks
    }
}

/// The snapshot's VIP threshold from the totals of its non-dormant
/// customers, straight from the definition (sorting): the `k`-th largest
/// total with `k = ceil(share × n)`, or `None` when `k = 0`. For tests and
/// small inputs; the engine gets the same value from an order-statistics
/// tree.
pub(crate) fn threshold_by_sorting(share: Share, totals: &mut [Money]) -> Option<Money> {
    let k = share.top_k(totals.len() as u64) as usize;
    if k == 0 {
        return None;
    }
    totals.sort_unstable_by(|a, b| b.cmp(a));
    Some(totals[k - 1])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(previous: Option<i32>, last: i32, purchase_days: u32, total: i64) -> Facts {
        Facts {
            first: previous.unwrap_or(last).min(last) - if purchase_days > 2 { 10 } else { 0 },
            last,
            previous,
            total: Money::from_units(total).unwrap(),
            purchase_days,
        }
    }

    #[test]
    fn shares_are_exact() {
        let s = Share::parse("0.14").unwrap();
        assert_eq!(s.millionths(), 140_000);
        // 0.14 * 50.0 is 7.000000000000001 in floating point.
        assert_eq!(s.top_k(50), 7);
        assert_eq!(Share::from_f64(0.14), Some(s));
        assert_eq!(Share::parse("0.01").unwrap().top_k(1), 1);
        assert_eq!(Share::parse("0.01").unwrap().top_k(100), 1);
        assert_eq!(Share::parse("0.01").unwrap().top_k(101), 2);
        assert_eq!(Share::parse("0").unwrap().top_k(1_000), 0);
        assert_eq!(Share::parse("1").unwrap().top_k(7), 7);
        assert_eq!(Share::parse(".5").unwrap().millionths(), 500_000);
        assert_eq!(Share::parse("1.0000001"), None);
        assert_eq!(Share::parse("1.5"), None);
        assert_eq!(Share::parse("-0.1"), None);
        assert_eq!(Share::parse("abc"), None);
        assert_eq!(Share::parse(""), None);
        assert_eq!(Share::parse("0.14").unwrap().to_string(), "0.14");
        assert_eq!(Share::parse("1").unwrap().to_string(), "1");
        assert_eq!(Share::parse("0.000001").unwrap().to_string(), "0.000001");
        assert_eq!(Share::parse("0.01").unwrap().percent_text(), "1%");
        assert_eq!(Share::parse("0.005").unwrap().percent_text(), "0.5%");
        assert_eq!(Share::parse("0.333333").unwrap().percent_text(), "33.3333%");
    }

    #[test]
    fn section_8_rules_in_order() {
        let r = LifecycleRules::default();
        assert_eq!(r.recency_breaks(), [31, 46, 61]);
        // dormant: recency > 60, whatever else.
        assert_eq!(
            r.classify_at(&facts(Some(90), 100, 9, 1_000_000), 61, Some(Money(0))),
            DORMANT
        );
        assert_eq!(r.classify_at(&facts(None, 100, 1, 10), 60, None), AT_RISK);
        // vip by frequency and recency: 4+ days, recency <= 45.
        assert_eq!(r.classify(&facts(Some(90), 100, 4, 10), 45), VIP);
        assert_eq!(r.classify(&facts(Some(90), 100, 4, 10), 46), AT_RISK);
        assert_eq!(r.classify(&facts(Some(90), 100, 3, 10), 0), ACTIVE);
        // vip by share: total at or over the threshold.
        let f = facts(None, 100, 1, 5_000);
        assert_eq!(r.classify_at(&f, 50, Some(Money::from_units(5_000).unwrap())), VIP);
        assert_eq!(r.classify_at(&f, 50, Some(Money::from_units(5_001).unwrap())), AT_RISK);
        // at_risk: recency > 30.
        assert_eq!(r.classify(&facts(None, 100, 1, 10), 30), NEWCOMER);
        assert_eq!(r.classify(&facts(None, 100, 1, 10), 31), AT_RISK);
        // winback: gap between the last two purchase days > 60.
        assert_eq!(r.classify(&facts(Some(39), 100, 2, 10), 0), WINBACK);
        assert_eq!(r.classify(&facts(Some(40), 100, 2, 10), 0), NEWCOMER);
        assert_eq!(r.classify(&facts(Some(39), 100, 3, 10), 31), AT_RISK);
        // newcomer: 1 or 2 purchase days; active: otherwise.
        assert_eq!(r.classify(&facts(Some(95), 100, 2, 10), 0), NEWCOMER);
        assert_eq!(r.classify(&facts(Some(95), 100, 3, 10), 0), ACTIVE);
    }

    #[test]
    fn threshold_includes_ties() {
        let m = |v: i64| Money::from_units(v).unwrap();
        let share = Share::parse("0.25").unwrap();
        // n = 8, k = 2: the 2nd largest is 50, tied with the 3rd.
        let mut totals = [m(10), m(50), m(20), m(90), m(50), m(5), m(1), m(2)];
        assert_eq!(threshold_by_sorting(share, &mut totals), Some(m(50)));
        assert_eq!(threshold_by_sorting(Share::default(), &mut totals), None);
        assert_eq!(threshold_by_sorting(share, &mut []), None);
    }
}
