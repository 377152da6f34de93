//! Segment taxonomies and the rules that place a customer in one.

use crate::dates::Day;
use crate::money::Money;

/// A segment's id (the CSV contract) and its names for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SegmentLabel {
    pub id: &'static str,
    pub(crate) ja: &'static str,
    pub(crate) en: &'static str,
}

/// What the rules look at, over a customer's rows dated on or before a
/// snapshot date (spec section 2). Recency is passed separately because it is
/// the only part that moves between rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Facts {
    pub(crate) first: Day,
    pub(crate) last: Day,
    /// The purchase day before `last`, if any.
    pub(crate) previous: Option<Day>,
    pub(crate) total: Money,
    pub(crate) purchase_days: u32,
}

impl Facts {
    pub(crate) fn tenure_days(&self) -> i32 {
        self.last - self.first
    }
}

/// A rule set that places a customer in one of its segments.
pub(crate) trait Classifier {
    /// Segment ids and names in canonical order.
    fn labels(&self) -> &[SegmentLabel];
    /// Index into `labels()` of the segment for these facts at this recency.
    fn classify(&self, facts: &Facts, recency_days: i32) -> usize;
    /// The recency values `r` (ascending, all `> 0`) at which `classify` may
    /// give another answer than at `r - 1`. Between rows a customer's segment
    /// changes only on these days, which keeps the engine O(rows).
    fn recency_breaks(&self) -> &[i32];
}

/// The CPM tiers, in canonical order: five, and 超優良 (`Super`) sixth
/// when the optional super-loyal tier is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Tier {
    First = 0,
    Toddler = 1,
    Trendy = 2,
    Steady = 3,
    Loyal = 4,
    /// 超優良: 優良 customers at or over `super_loyal_amount` (optional tier).
    Super = 5,
}

pub(crate) const CPM_TIERS: usize = 5;
/// Tiers of the twelve-segment variant (with 超優良).
pub(crate) const CPM_TIERS_WITH_SUPER: usize = 6;

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

/// The twelve-segment variant with the optional 超優良 tier (issue 6):
/// the six active tiers, then the six lapsed.
pub(crate) const CPM_SUPER_LABELS: [SegmentLabel; 12] = [
    CPM_LABELS[0],
    CPM_LABELS[1],
    CPM_LABELS[2],
    CPM_LABELS[3],
    CPM_LABELS[4],
    SegmentLabel {
        id: "super_active",
        ja: "超優良現役",
        en: "Super-loyal (active)",
    },
    CPM_LABELS[5],
    CPM_LABELS[6],
    CPM_LABELS[7],
    CPM_LABELS[8],
    CPM_LABELS[9],
    SegmentLabel {
        id: "super_lapsed",
        ja: "超優良離脱",
        en: "Super-loyal (lapsed)",
    },
];

/// Tier names for tables drawn tier × state; the sixth, 超優良, only with
/// the twelve-segment variant.
pub(crate) const CPM_TIER_NAMES: [(&str, &str); CPM_TIERS_WITH_SUPER] = [
    ("初回", "First-time"),
    ("よちよち", "Toddler"),
    ("流行", "Trendy"),
    ("コツコツ", "Steady"),
    ("優良", "Loyal"),
    ("超優良", "Super-loyal"),
];

/// How a CPM portfolio's segments are laid out: the tiers (five, or six
/// with 超優良) active, then the same tiers lapsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CpmLayout {
    pub(crate) tiers: usize,
}

impl CpmLayout {
    /// The layout of these labels, or `None` when they are not a CPM scheme.
    pub fn of(labels: &[SegmentLabel]) -> Option<CpmLayout> {
        if labels == CPM_LABELS.as_slice() {
            Some(CpmLayout { tiers: CPM_TIERS })
        } else if labels == CPM_SUPER_LABELS.as_slice() {
            Some(CpmLayout {
                tiers: CPM_TIERS_WITH_SUPER,
            })
        } else {
            None
        }
    }

    pub(crate) fn has_super(self) -> bool {
        self.tiers == CPM_TIERS_WITH_SUPER
    }

    pub(crate) fn segment(self, tier: Tier, lapsed: bool) -> usize {
        tier as usize + if lapsed { self.tiers } else { 0 }
    }

    /// The tier index and lapsed flag of a segment index.
    pub(crate) fn split(self, segment: usize) -> (usize, bool) {
        (segment % self.tiers, segment >= self.tiers)
    }

    /// The active segments' indexes.
    pub(crate) fn active(self) -> std::ops::Range<usize> {
        0..self.tiers
    }

    /// The lapsed segments' indexes.
    pub(crate) fn lapsed(self) -> std::ops::Range<usize> {
        self.tiers..2 * self.tiers
    }

    /// 優良 in the wide sense: 優良, and 超優良 when the tier is on.
    pub(crate) fn loyal(self, lapsed: bool) -> impl Iterator<Item = usize> {
        let first = self.segment(Tier::Loyal, lapsed);
        first..first + (self.tiers - Tier::Loyal as usize)
    }

    /// The segment of the ten-segment scheme this one counts in when 超優良
    /// is merged into 優良.
    pub(crate) fn merged(self, segment: usize) -> usize {
        let (tier, lapsed) = self.split(segment);
        tier.min(Tier::Loyal as usize) + if lapsed { CPM_TIERS } else { 0 }
    }
}

/// The optional 超優良 tier: 優良 customers whose total is at least
/// `amount` (and, when `days` is set, whose tenure is at least `days`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SuperLoyal {
    pub amount: Money,
    pub days: Option<i32>,
}

/// Thresholds of the CPM scheme (spec section 3).
#[derive(Debug, Clone, PartialEq)]
pub struct CpmRules {
    pub churn_days: i32,
    pub toddler_days: i32,
    pub loyal_days: i32,
    pub(crate) loyal_amount: Money,
    /// 超優良 above 優良: off (`None`) by default.
    pub(crate) super_loyal: Option<SuperLoyal>,
    breaks: [i32; 1],
}

impl CpmRules {
    pub fn new(churn_days: i32, toddler_days: i32, loyal_days: i32, loyal_amount: Money) -> Self {
        CpmRules {
            churn_days,
            toddler_days,
            loyal_days,
            loyal_amount,
            super_loyal: None,
            breaks: [churn_days],
        }
    }

    /// The same rules with the 超優良 tier on (`Some`) or off.
    pub fn with_super_loyal(mut self, super_loyal: Option<SuperLoyal>) -> Self {
        self.super_loyal = super_loyal;
        self
    }

    pub(crate) fn layout(&self) -> CpmLayout {
        CpmLayout {
            tiers: if self.super_loyal.is_some() {
                CPM_TIERS_WITH_SUPER
            } else {
                CPM_TIERS
            },
        }
    }

    pub(crate) fn tier(&self, facts: &Facts) -> Tier {
        let tenure = facts.tenure_days();
        if tenure == 0 {
            Tier::First
        } else if tenure < self.toddler_days {
            Tier::Toddler
        } else if facts.total < self.loyal_amount {
            Tier::Steady
        } else if tenure < self.loyal_days {
            Tier::Trendy
        } else if let Some(s) = &self.super_loyal
            && facts.total >= s.amount
            && s.days.is_none_or(|d| tenure >= d)
        {
            Tier::Super
        } else {
            Tier::Loyal
        }
    }

    pub(crate) fn is_lapsed(&self, recency_days: i32) -> bool {
        recency_days >= self.churn_days
    }
}

/// Segment index of a tier and state in [`CPM_LABELS`] (the ten segments).
pub(crate) fn cpm_segment(tier: Tier, lapsed: bool) -> usize {
    tier as usize + if lapsed { CPM_TIERS } else { 0 }
}

impl Classifier for CpmRules {
    fn labels(&self) -> &[SegmentLabel] {
        if self.super_loyal.is_some() {
            &CPM_SUPER_LABELS
        } else {
            &CPM_LABELS
        }
    }

    fn classify(&self, facts: &Facts, recency_days: i32) -> usize {
        let tier = self.tier(facts);
        let lapsed = self.is_lapsed(recency_days);
        if self.super_loyal.is_some() {
            self.layout().segment(tier, lapsed)
        } else {
            cpm_segment(tier, lapsed)
        }
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

    #[test]
    fn super_loyal_tier_sits_above_loyal() {
        let units = |n| Money::from_units(n).unwrap();
        let plain = CpmRules::new(240, 90, 210, units(70_000));
        assert_eq!(plain.labels().len(), 10);
        let r = plain.clone().with_super_loyal(Some(SuperLoyal {
            amount: units(200_000),
            days: None,
        }));
        assert_eq!(r.labels().len(), 12);
        assert_eq!(r.tier(&facts(210, 199_999)), Tier::Loyal);
        assert_eq!(r.tier(&facts(210, 200_000)), Tier::Super);
        // Not 優良 (tenure below loyal_days): never 超優良, however much.
        assert_eq!(r.tier(&facts(209, 1_000_000)), Tier::Trendy);
        assert_eq!(r.classify(&facts(300, 200_000), 239), 5);
        assert_eq!(r.labels()[5].id, "super_active");
        assert_eq!(r.classify(&facts(300, 200_000), 240), 11);
        assert_eq!(r.labels()[11].id, "super_lapsed");
        assert_eq!(r.classify(&facts(300, 100_000), 240), 10);
        assert_eq!(r.labels()[10].id, "loyal_lapsed");
        assert_eq!(r.classify(&facts(0, 1), 240), 6);
        assert_eq!(r.labels()[6].id, "first_lapsed");
        // With super_loyal_days: tenure too.
        let r = plain.with_super_loyal(Some(SuperLoyal {
            amount: units(200_000),
            days: Some(365),
        }));
        assert_eq!(r.tier(&facts(364, 500_000)), Tier::Loyal);
        assert_eq!(r.tier(&facts(365, 500_000)), Tier::Super);
        let layout = CpmLayout::of(r.labels()).unwrap();
        assert_eq!(layout.loyal(true).collect::<Vec<_>>(), [10, 11]);
        assert_eq!(layout.merged(11), 9);
        assert_eq!(layout.merged(5), 4);
        assert_eq!(layout.merged(6), 5);
    }
}
