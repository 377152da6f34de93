//! Deterministic synthetic order histories for demos, tests and benchmarks.
//!
//! The generator imitates a Japanese mail-order (通販) health-food business:
//! acquisitions with seasonality (peaks in Nov–Dec and around March, a summer
//! lull) and a gentle growth trend, cheap trial offers (お試し) on many first
//! orders, a 20–35% 初回→よちよち conversion, subscribers on a 30–60 day
//! cycle, occasional buyers with long gaps, a few heavy buyers, lapses of 240+
//! days followed by comebacks, ~2% return rows and the odd second order on the
//! same day.
//!
//! Every customer draws from its own PRNG streams (SplitMix64) seeded from
//! `(seed, index)` — one for dates, one for amounts — so the output depends
//! only on the parameters, not on the order or the threads customers are
//! generated on. Customer indexes increase with the acquisition date, like
//! real member numbers.
//!
//! The result is columnar (16 bytes per row) and sorted by order date, as a
//! real export is. Sorting is a counting sort by day done in two passes over
//! the customers (one drawing only the dates to count rows per day, one to
//! place every row in its final slot), so no per-row intermediate buffer is
//! ever held. Both passes run on consecutive customer ranges in parallel
//! (scoped threads, safe code: each range writes its own sub-slices).

pub(crate) mod attributes;
mod chunks;
mod model;
mod rng;
#[cfg(test)]
mod tests;
pub(crate) mod writer;

use self::attributes::Attrs;

use crate::dates::Day;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct GenerateParams {
    /// Number of customers (1 ..= `u32::MAX`).
    pub customers: u64,
    pub seed: u64,
    /// First day orders may fall on (inclusive).
    pub start: Day,
    /// Last day orders may fall on (inclusive).
    pub end: Day,
}

/// Generated order rows, one entry per row in each column, sorted by `day`
/// (rows on the same day are ordered by customer, then by the customer's own
/// order). Amounts are integer yen; returns are negative.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct GeneratedOrders {
    /// Customer index (`0 .. customers`); see [`GeneratedOrders::customer_id`].
    pub customer: Vec<u32>,
    pub day: Vec<Day>,
    pub amount_yen: Vec<i64>,
    /// Attribute codes per row: indexes into [`attributes::CHANNELS`],
    /// [`attributes::PRODUCTS`] and [`attributes::SHOPS`].
    pub attrs: Vec<Attrs>,
}

/// Length in bytes of every id from [`GeneratedOrders::customer_id`].
pub(crate) const CUSTOMER_ID_LEN: usize = 11;

impl GeneratedOrders {
    pub(crate) fn len(&self) -> usize {
        self.day.len()
    }

    /// The customer id for a customer index: `C` and ten zero-padded digits
    /// (`C0000000123`), wide enough for any `u32`, so the ids keep their
    /// leading zeros and all have the same width.
    #[cfg(test)]
    pub(crate) fn customer_id(index: u32) -> String {
        let mut buf = [0u8; CUSTOMER_ID_LEN];
        write_customer_id(index, &mut buf);
        // The buffer holds ASCII only.
        String::from_utf8_lossy(&buf).into_owned()
    }
}

/// Writes the id of [`GeneratedOrders::customer_id`] into `buf` without
/// allocating (for writers that emit millions of rows).
#[inline]
pub(crate) fn write_customer_id(index: u32, buf: &mut [u8; CUSTOMER_ID_LEN]) {
    buf[0] = b'C';
    let mut n = index;
    for slot in buf[1..].iter_mut().rev() {
        *slot = b'0' + (n % 10) as u8;
        n /= 10;
    }
}

/// Why the parameters cannot be generated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum GenerateError {
    #[error("the start date {start} is after the end date {end}")]
    StartAfterEnd { start: String, end: String },

    #[error("the span from {start} to {end} is too long: at most 1,000 years can be generated")]
    SpanTooLong { start: String, end: String },

    #[error("the number of customers must be at least 1")]
    NoCustomers,

    #[error("too many customers: {requested} requested, at most {max} can be generated")]
    TooManyCustomers { requested: u64, max: u64 },
}

/// Longest span in days (about 1,000 years).
const MAX_SPAN_DAYS: i64 = 365_250;

/// Generates the order history described by `params`.
pub(crate) fn generate(params: &GenerateParams) -> Result<GeneratedOrders, GenerateError> {
    if params.start > params.end {
        return Err(GenerateError::StartAfterEnd {
            start: crate::dates::format_day(params.start),
            end: crate::dates::format_day(params.end),
        });
    }
    if i64::from(params.end) - i64::from(params.start) >= MAX_SPAN_DAYS {
        return Err(GenerateError::SpanTooLong {
            start: crate::dates::format_day(params.start),
            end: crate::dates::format_day(params.end),
        });
    }
    if params.customers == 0 {
        return Err(GenerateError::NoCustomers);
    }
    if params.customers > u64::from(u32::MAX) {
        return Err(GenerateError::TooManyCustomers {
            requested: params.customers,
            max: u64::from(u32::MAX),
        });
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    Ok(chunks::generate_in_chunks(params, threads))
}
