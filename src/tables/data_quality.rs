//! The data-quality summary every run reports: what was read, what was
//! used, what was left out and why. `rows read = used + rejected + excluded`.

use std::collections::BTreeMap;

use crate::dates::Day;
pub(crate) use crate::ingest::exclude::Counted;
use crate::pipeline::Analysis;

#[derive(Debug, Clone, PartialEq)]
pub struct DataQuality {
    pub rows_read: u64,
    pub rows_used: u64,
    /// Rows left out, by reason code: bad rows in lenient mode, and the
    /// header repeated (`repeated_header`) in either mode.
    pub rejected_by_reason: BTreeMap<&'static str, u64>,
    /// The same rows by reason code and column (`""` for whole-row reasons).
    pub(crate) rejected_by_column: BTreeMap<(&'static str, String), u64>,
    pub rows_rejected: u64,
    /// Rows dated after the as-of date.
    pub rows_excluded: u64,
    /// Rows left out by `--where` / `--where-not` (spec section 10).
    pub excluded_by_filter: u64,
    /// The filters, as written on the command line (empty without).
    pub filters: Vec<String>,
    /// Lines flagged cancelled (`--cancel-col`), left out, with their amount.
    pub(crate) cancelled: Counted,
    /// Guest orders (`--guest-ids`), left out, with their sales.
    pub(crate) guest_orders: Counted,
    /// Rows dated after the day of the run (test orders, typos): used
    /// unless after the as-of date, but worth a look.
    pub(crate) rows_after_today: u64,
    pub(crate) return_rows: u64,
    /// Returns' total, in millionths (negative).
    pub(crate) returns_total: i128,
    pub(crate) purchases_total: i128,
    pub(crate) duplicate_rows: u64,
    pub(crate) first_day: Day,
    pub(crate) last_day: Day,
    pub(crate) as_of: Day,
    /// Customers with at least one row used.
    pub(crate) customers: u64,
    /// Customers in the portfolio at the as-of date (at least one purchase).
    pub(crate) customers_in_portfolio: u64,
    /// Text files: the 1-based line of the header (`None` for Parquet).
    pub header_line: Option<u64>,
    /// The title lines above the header, skipped.
    pub(crate) lines_before_header: Vec<String>,
    /// Blank lines among the rows, skipped (not rows).
    pub(crate) blank_lines: u64,
}

impl DataQuality {
    pub fn of(a: &Analysis) -> DataQuality {
        let mut by_reason: BTreeMap<&'static str, u64> = BTreeMap::new();
        let mut by_column: BTreeMap<(&'static str, String), u64> = BTreeMap::new();
        for r in &a.ingest.rejected {
            *by_reason.entry(r.problem.code()).or_default() += 1;
            *by_column.entry((r.problem.code(), r.column.clone())).or_default() += 1;
        }
        let layout = a.ingest.layout.as_ref();
        DataQuality {
            rows_read: a.ingest.rows_read,
            rows_used: a.rows.rows_used,
            rows_rejected: a.ingest.rejected.len() as u64,
            rejected_by_reason: by_reason,
            rejected_by_column: by_column,
            rows_excluded: a.rows.rows_after_cutoff,
            excluded_by_filter: a.ingest.excluded_by_filter,
            filters: a.ingest.filters.clone(),
            cancelled: a.ingest.cancelled,
            guest_orders: a.ingest.guest_orders,
            rows_after_today: a.rows_after_today,
            return_rows: a.rows.return_rows,
            returns_total: a.rows.returns_total,
            purchases_total: a.rows.purchases_total,
            duplicate_rows: a.rows.duplicate_rows,
            first_day: a.date_range.0,
            last_day: a.date_range.1,
            as_of: a.portfolio.as_of,
            customers: a.customer_ids as u64,
            customers_in_portfolio: a.portfolio.customers.len() as u64,
            header_line: layout.map(|l| l.header_line),
            lines_before_header: layout.map(|l| l.lines_before_header.clone()).unwrap_or_default(),
            blank_lines: layout.map_or(0, |l| l.blank_lines),
        }
    }

    /// Returns as a share of gross purchases (0 when there are none).
    pub(crate) fn returns_share(&self) -> f64 {
        // Negate the integer, not the float: no `-0.0%` without returns.
        if self.purchases_total == 0 {
            0.0
        } else {
            (-self.returns_total) as f64 / self.purchases_total as f64
        }
    }

    /// `rows read = used + rejected + excluded` (after the as-of date or by
    /// a filter): holds for every run.
    pub fn balances(&self) -> bool {
        self.rows_read
            == self.rows_used
                + self.rows_rejected
                + self.rows_excluded
                + self.excluded_by_filter
                + self.cancelled.rows
                + self.guest_orders.rows
    }
}
