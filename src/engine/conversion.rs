//! 初回→よちよち conversion by acquisition month (spec section 6), the
//! headline KPI.

use crate::dates::{Day, MonthIndex, last_day_of_month, month_of};
use crate::engine::portfolio::CohortConversion;

/// Counts cohort sizes and conversions as customers stream past.
pub(crate) struct CohortCounter {
    first_month: MonthIndex,
    toddler_days: i32,
    size: Vec<u64>,
    converted: Vec<u64>,
}

impl CohortCounter {
    pub fn new(first_month: MonthIndex, months: usize, toddler_days: i32) -> Self {
        CohortCounter {
            first_month,
            toddler_days,
            size: vec![0; months],
            converted: vec![0; months],
        }
    }

    pub(crate) fn merge(&mut self, other: &CohortCounter) {
        self.size.iter_mut().zip(&other.size).for_each(|(a, b)| *a += b);
        self.converted
            .iter_mut()
            .zip(&other.converted)
            .for_each(|(a, b)| *a += b);
    }

    /// A customer with first purchase day `first` and, if any, second
    /// purchase day `second` (both on or before the as-of date).
    pub(crate) fn add(&mut self, first: Day, second: Option<Day>) {
        let m = (month_of(first) - self.first_month) as usize;
        self.size[m] += 1;
        if second.is_some_and(|s| s - first >= 1 && s - first < self.toddler_days) {
            self.converted[m] += 1;
        }
    }

    /// Every month with at least one new customer, oldest first. A cohort is
    /// matured once its last member's window has closed by `as_of`.
    pub(crate) fn finish(self, as_of: Day) -> Vec<CohortConversion> {
        (0..self.size.len())
            .filter(|&m| self.size[m] > 0)
            .map(|m| {
                let month = self.first_month + m as i32;
                CohortConversion {
                    cohort_month: month,
                    cohort_size: self.size[m],
                    converted: self.converted[m],
                    rate: self.converted[m] as f64 / self.size[m] as f64,
                    matured: last_day_of_month(month) + self.toddler_days - 1 <= as_of,
                }
            })
            .collect()
    }
}
