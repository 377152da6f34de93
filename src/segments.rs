//! Segment taxonomies and the rules that place a customer in one.

use crate::dates::Day;
use crate::money::Money;

/// A segment's id (the CSV contract) and its names for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SegmentLabel {
    pub id: &'static str,
    pub ja: &'static str,
    pub en: &'static str,
}

/// What the rules look at, over a customer's rows dated on or before a
/// snapshot date (spec section 2). Recency is passed separately because it is
/// the only part that moves between rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    pub first: Day,
    pub last: Day,
    /// The purchase day before `last`, if any.
    pub previous: Option<Day>,
    pub total: Money,
    pub purchase_days: u32,
}

impl Facts {
    pub fn tenure_days(&self) -> i32 {
        self.last - self.first
    }
}

/// A rule set that places a customer in one of its segments.
pub trait Classifier {
    /// Segment ids and names in canonical order.
    fn labels(&self) -> &[SegmentLabel];
    /// Index into `labels()` of the segment for these facts at this recency.
    fn classify(&self, facts: &Facts, recency_days: i32) -> usize;
    /// The recency values `r` (ascending, all `> 0`) at which `classify` may
    /// give another answer than at `r - 1`. Between rows a customer's segment
    /// changes only on these days, which keeps the engine O(rows).
    fn recency_breaks(&self) -> &[i32];
}

/// The five CPM tiers, in canonical order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tier {
    First = 0,
    Toddler = 1,
    Trendy = 2,
    Steady = 3,
    Loyal = 4,
}

pub const CPM_TIERS: usize = 5;

/// The ten Yazuya-style segments (spec section 3), canonical order: the five
/// tiers active, then the five tiers lapsed.
pub const CPM_LABELS: [SegmentLabel; 10] = [
    SegmentLabel {
        id: "first_active",
        ja: "初回現役",
        en: "First-time (active)",
    },
    SegmentLabel {
        id: "toddler_active",
        ja: "よちよち現役",
        en: "Toddler (active)",
    },
    SegmentLabel {
        id: "trendy_active",
        ja: "流行現役",
        en: "Trendy (active)",
    },
    SegmentLabel {
        id: "steady_active",
        ja: "コツコツ現役",
        en: "Steady (active)",
    },
    SegmentLabel {
        id: "loyal_active",
        ja: "優良現役",
        en: "Loyal (active)",
    },
    SegmentLabel {
        id: "first_lapsed",
        ja: "初回離脱",
        en: "First-time (lapsed)",
    },
    SegmentLabel {
        id: "toddler_lapsed",
        ja: "よちよち離脱",
        en: "Toddler (lapsed)",
    },
    SegmentLabel {
        id: "trendy_lapsed",
        ja: "流行離脱",
        en: "Trendy (lapsed)",
    },
    SegmentLabel {
        id: "steady_lapsed",
        ja: "コツコツ離脱",
        en: "Steady (lapsed)",
    },
    SegmentLabel {
        id: "loyal_lapsed",
        ja: "優良離脱",
        en: "Loyal (lapsed)",
    },
];

/// Tier names for tables drawn tier × state.
pub const CPM_TIER_NAMES: [(&str, &str); CPM_TIERS] = [
    ("初回", "First-time"),
    ("よちよち", "Toddler"),
    ("流行", "Trendy"),
    ("コツコツ", "Steady"),
    ("優良", "Loyal"),
];

/// Thresholds of the CPM scheme (spec section 3).
#[derive(Debug, Clone, PartialEq)]
pub struct CpmRules {
    pub churn_days: i32,
    pub toddler_days: i32,
    pub loyal_days: i32,
    pub loyal_amount: Money,
    breaks: [i32; 1],
}

impl CpmRules {
    pub fn new(churn_days: i32, toddler_days: i32, loyal_days: i32, loyal_amount: Money) -> Self {
        CpmRules {
            churn_days,
            toddler_days,
            loyal_days,
            loyal_amount,
            breaks: [churn_days],
        }
    }

    pub fn tier(&self, facts: &Facts) -> Tier {
        let tenure = facts.tenure_days();
        if tenure == 0 {
            Tier::First
        } else if tenure < self.toddler_days {
            Tier::Toddler
        } else if facts.total < self.loyal_amount {
            Tier::Steady
        } else if tenure < self.loyal_days {
            Tier::Trendy
        } else {
            Tier::Loyal
        }
    }

    pub fn is_lapsed(&self, recency_days: i32) -> bool {
        recency_days >= self.churn_days
    }
}

/// Segment index of a tier and state in [`CPM_LABELS`].
pub fn cpm_segment(tier: Tier, lapsed: bool) -> usize {
    tier as usize + if lapsed { CPM_TIERS } else { 0 }
}

impl Classifier for CpmRules {
    fn labels(&self) -> &[SegmentLabel] {
        &CPM_LABELS
    }

    fn classify(&self, facts: &Facts, recency_days: i32) -> usize {
        cpm_segment(self.tier(facts), self.is_lapsed(recency_days))
    }

    fn recency_breaks(&self) -> &[i32] {
        &self.breaks
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(tenure: i32, total: i64) -> Facts {
        Facts {
            first: 0,
            last: tenure,
            previous: None,
            total: Money::from_units(total).unwrap(),
            purchase_days: 2,
        }
    }

    #[test]
    fn spec_section_3_boundaries() {
        let r = CpmRules::new(240, 90, 210, Money::from_units(70_000).unwrap());
        assert_eq!(r.classify(&facts(0, 1_000_000), 239), 0);
        assert_eq!(r.classify(&facts(0, 1), 240), 5);
        assert_eq!(r.tier(&facts(89, 1_000_000)), Tier::Toddler);
        assert_eq!(r.tier(&facts(90, 69_999)), Tier::Steady);
        assert_eq!(r.tier(&facts(90, 70_000)), Tier::Trendy);
        assert_eq!(r.tier(&facts(209, 70_000)), Tier::Trendy);
        assert_eq!(r.tier(&facts(210, 70_000)), Tier::Loyal);
        assert_eq!(r.tier(&facts(210, 69_999)), Tier::Steady);
    }
}
