//! The data-quality summary every run reports: what was read, what was
//! used, what was left out and why. `rows read = used + rejected + excluded`.

use std::collections::BTreeMap;

use crate::dates::Day;
use crate::pipeline::Analysis;

#[derive(Debug, Clone, PartialEq)]
pub struct DataQuality {
    pub rows_read: u64,
    pub rows_used: u64,
    /// Bad rows skipped in lenient mode, by reason code.
    pub rejected_by_reason: BTreeMap<&'static str, u64>,
    pub rows_rejected: u64,
    /// Rows dated after the as-of date.
    pub rows_excluded: u64,
    pub return_rows: u64,
    /// Returns' total, in millionths (negative).
    pub returns_total: i128,
    pub purchases_total: i128,
    pub duplicate_rows: u64,
    pub first_day: Day,
    pub last_day: Day,
    pub as_of: Day,
    /// Customers with at least one row used.
    pub customers: u64,
    /// Customers in the portfolio at the as-of date (at least one purchase).
    pub customers_in_portfolio: u64,
}

impl DataQuality {
    pub fn of(a: &Analysis) -> DataQuality {
        let mut by_reason: BTreeMap<&'static str, u64> = BTreeMap::new();
        for r in &a.ingest.rejected {
            *by_reason.entry(r.problem.code()).or_default() += 1;
        }
        DataQuality {
            rows_read: a.ingest.rows_read,
            rows_used: a.rows.rows_used,
            rows_rejected: a.ingest.rejected.len() as u64,
            rejected_by_reason: by_reason,
            rows_excluded: a.rows.rows_after_cutoff,
            return_rows: a.rows.return_rows,
            returns_total: a.rows.returns_total,
            purchases_total: a.rows.purchases_total,
            duplicate_rows: a.rows.duplicate_rows,
            first_day: a.date_range.0,
            last_day: a.date_range.1,
            as_of: a.portfolio.as_of,
            customers: a.customer_ids as u64,
            customers_in_portfolio: a.portfolio.customers.len() as u64,
        }
    }

    /// Returns as a share of gross purchases (0 when there are none).
    pub fn returns_share(&self) -> f64 {
        if self.purchases_total == 0 { 0.0 } else { -(self.returns_total as f64) / self.purchases_total as f64 }
    }

    /// `rows read = used + rejected + excluded`: holds for every run.
    pub fn balances(&self) -> bool {
        self.rows_read == self.rows_used + self.rows_rejected + self.rows_excluded
    }
}
