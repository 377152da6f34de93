//! The generator's two passes over consecutive customer ranges in
//! parallel: rows per (chunk, day) first, then every row into its final
//! slot, so the output is sorted by day with no per-row buffer and does not
//! depend on the number of threads.

use super::attributes::Attrs;
use super::model::Model;
use super::{GenerateParams, GeneratedOrders};
use crate::dates::Day;

/// Customers per chunk below which splitting the work is not worth a thread.
pub(super) const MIN_CHUNK_CUSTOMERS: u64 = 50_000;
/// Most worker threads used.
const MAX_THREADS: usize = 32;
/// Most (chunk, day) cells, to bound the bookkeeping for very long spans.
const MAX_CHUNK_DAYS: usize = 1 << 20;

/// The generator proper, on at most `threads` threads. The output does not
/// depend on the number of threads: chunks are consecutive customer ranges,
/// and each chunk's rows of a day go after the previous chunk's.
pub(super) fn generate_in_chunks(params: &GenerateParams, threads: usize) -> GeneratedOrders {
    let model = Model::new(params);
    let span = model.span_days as usize;
    let customers = params.customers;
    let chunk_count = threads
        .clamp(1, MAX_THREADS)
        .min(customers.div_ceil(MIN_CHUNK_CUSTOMERS) as usize)
        .min((MAX_CHUNK_DAYS / span).max(1))
        .max(1);
    let ranges: Vec<std::ops::Range<u32>> = (0..chunk_count as u64)
        .map(|k| {
            let from = customers * k / chunk_count as u64;
            let to = customers * (k + 1) / chunk_count as u64;
            from as u32..to as u32
        })
        .collect();

    // Pass 1: rows per (chunk, day). Only the timing stream is drawn.
    let counts: Vec<Vec<usize>> = crate::parallel::each(ranges.iter(), |range| model.count_rows(range.clone()));
    let total: usize = counts.iter().flatten().sum();

    // Pass 2: regenerate with amounts, each chunk into its own disjoint
    // slots (one sub-slice per day), found by splitting the columns in
    // output order: day by day, chunk by chunk.
    let mut out = GeneratedOrders {
        customer: vec![0; total],
        day: vec![0; total],
        amount_yen: vec![0; total],
        attrs: vec![Attrs::default(); total],
    };
    let customer_parts = split_rows(&mut out.customer, &counts);
    let day_parts = split_rows(&mut out.day, &counts);
    let amount_parts = split_rows(&mut out.amount_yen, &counts);
    let attr_parts = split_rows(&mut out.attrs, &counts);
    let pieces = ranges
        .iter()
        .zip(customer_parts)
        .zip(day_parts.into_iter().zip(amount_parts).zip(attr_parts));
    crate::parallel::each(pieces, |((range, customer), ((day, amount), attrs))| {
        let mut parts = Parts {
            customer,
            day,
            amount,
            attrs,
        };
        model.fill_rows(range.clone(), &mut parts);
    });
    out
}

/// Splits `rows` into `[chunk][day]` sub-slices of the sizes in
/// `counts[chunk][day]`, laid out day-major.
fn split_rows<'a, T>(mut rows: &'a mut [T], counts: &[Vec<usize>]) -> Vec<Vec<&'a mut [T]>> {
    let span = counts.first().map_or(0, Vec::len);
    let mut parts: Vec<Vec<&'a mut [T]>> = counts.iter().map(|_| Vec::with_capacity(span)).collect();
    for day in 0..span {
        for (part, chunk_counts) in parts.iter_mut().zip(counts) {
            let (head, tail) = std::mem::take(&mut rows).split_at_mut(chunk_counts[day]);
            part.push(head);
            rows = tail;
        }
    }
    parts
}

/// One chunk's output slots, by day offset.
pub(super) struct Parts<'a> {
    pub(super) customer: Vec<&'a mut [u32]>,
    pub(super) day: Vec<&'a mut [Day]>,
    pub(super) amount: Vec<&'a mut [i64]>,
    pub(super) attrs: Vec<&'a mut [Attrs]>,
}
