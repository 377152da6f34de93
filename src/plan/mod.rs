//! The plan (予実): monthly targets from `plan.csv` (`month,metric,value`),
//! read once, and set against the tables' actual figures. Reading is the
//! only I/O here; [`compare`] works on the tables alone.

mod compare;
mod read;

pub(crate) use compare::card_notes;
pub use compare::{PlanRow, compare};
pub use read::{parse, read};

use std::collections::BTreeMap;

use crate::dates::MonthIndex;

/// The figures a plan may give, in the order the report lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Metric {
    /// Customers whose first purchase falls in the month.
    NewCustomers,
    /// 初回→よちよち rate of the month's acquisition cohort (a fraction).
    ConversionRate,
    /// 現役 customers at the month-end.
    Active,
    /// 優良現役 customers at the month-end (with 超優良現役 when on).
    LoyalActive,
    /// 優良現役 / 現役 at the month-end (a fraction).
    LoyalActiveShare,
    /// Net sales dated in the month (returns included), in currency units.
    Sales,
}

impl Metric {
    pub(crate) const ALL: [Metric; 6] = [
        Metric::NewCustomers,
        Metric::ConversionRate,
        Metric::Active,
        Metric::LoyalActive,
        Metric::LoyalActiveShare,
        Metric::Sales,
    ];

    /// The name in `plan.csv`.
    pub(crate) fn id(self) -> &'static str {
        match self {
            Metric::NewCustomers => "new_customers",
            Metric::ConversionRate => "conversion_rate",
            Metric::Active => "active",
            Metric::LoyalActive => "loyal_active",
            Metric::LoyalActiveShare => "loyal_active_share",
            Metric::Sales => "sales",
        }
    }

    pub(crate) fn parse(text: &str) -> Option<Metric> {
        Metric::ALL.into_iter().find(|m| m.id() == text)
    }

    pub(crate) fn name(self, lang: crate::text::lang::Lang) -> &'static str {
        let (ja, en) = match self {
            Metric::NewCustomers => ("新規顧客数", "New customers"),
            Metric::ConversionRate => ("初回→よちよち転換率", "First → toddler conversion"),
            Metric::Active => ("現役顧客数", "Active customers"),
            Metric::LoyalActive => ("優良現役", "Loyal (active)"),
            Metric::LoyalActiveShare => ("優良現役の比率", "Loyal share of active"),
            Metric::Sales => ("売上", "Sales"),
        };
        lang.pick(ja, en)
    }

    /// A fraction (shown as %), not a count or an amount.
    pub(crate) fn is_rate(self) -> bool {
        matches!(self, Metric::ConversionRate | Metric::LoyalActiveShare)
    }
}

/// A plan file's values by month and metric.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Plan {
    /// The file's name, for the report.
    pub file: String,
    pub values: BTreeMap<(MonthIndex, Metric), f64>,
}
