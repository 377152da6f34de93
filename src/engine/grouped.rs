//! Timelines straight from the id-hash partitions in which ingest leaves
//! the rows ([`crate::orders::Grouping`]), so that no per-row customer code
//! is ever written and the grouping scatter stays inside one partition (a
//! few ten thousand rows, in cache).
//!
//! One sequential pass hands every row's day and amount to its partition
//! (in file order, as the partition's local customer numbers are). Then per
//! partition, in parallel: group the rows by local number with a counting
//! sort in cache and sort each customer's rows. Last, every customer's
//! block is copied to its place in first-appearance order. The
//! result equals [`timelines::build`](crate::engine::timelines::build) on
//! the coded orders, field for field.

use std::sync::Mutex;

use crate::dates::Day;
use crate::engine::breakdown::FirstDay;
use crate::engine::timelines::{RowStats, Shared, Timelines, sort_ranges};
use crate::money::Money;
use crate::orders::{Grouping, Ranked};

/// One partition's customers' rows, grouped and sorted: local customer `l`
/// has rows `offsets[l]..offsets[l + 1]`.
struct Piece {
    offsets: Vec<u32>,
    day: Vec<Day>,
    amount: Vec<Money>,
    stats: RowStats,
    /// With an attribute: each local customer's first purchase day and
    /// its winning value.
    first: Option<FirstDay>,
}

/// Groups the rows dated on or before `cutoff` by customer. `grouping` must
/// hold every row of `day` and `amount` (no row without an id).
pub fn build(grouping: Grouping, day: Vec<Day>, amount: Vec<Money>, cutoff: Day) -> (Timelines, RowStats) {
    let (tl, stats, _) = build_inner(grouping, day, amount, None, cutoff);
    (tl, stats)
}

/// [`build`], and on the way each customer's first purchase day and its
/// winning value of `attribute` (one value code per row, spec section 9),
/// decided per partition in cache rather than by a pass over the rows at
/// random customers: `(first, best)` per customer code — the first
/// purchase day ([`Day::MAX`] for none) and the winning value code
/// ([`crate::orders::BLANK`] for none).
pub fn build_with_attribute(
    grouping: Grouping,
    day: Vec<Day>,
    amount: Vec<Money>,
    attribute: Vec<u32>,
    cutoff: Day,
) -> (Timelines, RowStats, (Vec<Day>, Vec<u32>)) {
    assert_eq!(attribute.len(), day.len(), "one value per row");
    let (tl, stats, first) = build_inner(grouping, day, amount, Some(attribute), cutoff);
    (tl, stats, first.expect("asked for"))
}

type FirstOfCustomers = Option<(Vec<Day>, Vec<u32>)>;

fn build_inner(
    grouping: Grouping,
    day: Vec<Day>,
    amount: Vec<Money>,
    attribute: Option<Vec<u32>>,
    cutoff: Day,
) -> (Timelines, RowStats, FirstOfCustomers) {
    assert_eq!(grouping.rows(), day.len(), "one day per row");
    assert_eq!(day.len(), amount.len(), "one amount per row");
    assert!(grouping.missing().is_empty(), "every row has an id");
    let Ranked {
        locals,
        chunk,
        bases,
        rank,
        ids,
        part,
    } = grouping.into_ranked();
    let parts = locals.len();
    let chunk = chunk.max(1);
    let with_values = attribute.is_some();
    let (payloads, values) = scatter(&part, &day, &amount, attribute.as_deref(), &locals, chunk);
    drop((part, day, amount, attribute));
    let queue: Vec<Mutex<PartitionRows>> = locals
        .into_iter()
        .zip(payloads)
        .zip(values)
        .map(|((l, p), v)| Mutex::new((l, p, v)))
        .collect();
    let mut pieces: Vec<Option<Piece>> = (0..parts).map(|_| None).collect();
    for (p, piece) in crate::parallel::queue(parts, |p| {
        let (locals, payload, values) = std::mem::take(&mut *queue[p].lock().expect("no worker panicked"));
        let values = with_values.then_some(values);
        group_partition(locals, payload, values, bases[p + 1] - bases[p], cutoff)
    }) {
        pieces[p] = Some(piece);
    }
    drop(queue);
    let pieces: Vec<Piece> = pieces
        .into_iter()
        .map(|p| p.expect("every partition grouped"))
        .collect();

    assemble(pieces, &rank, &bases, ids, with_values)
}

/// Per partition, per range of rows: one list of items.
type ByPartition<T> = Vec<Vec<Vec<T>>>;

/// Payloads and value codes of one range of rows, one list per partition.
type RangeRows = (Vec<Vec<Payload>>, Vec<Vec<u32>>);

/// Every row's day and amount (and value code, with an attribute) handed
/// to its partition: per partition, one list per range of `chunk` rows.
fn scatter(
    part: &[u16],
    day: &[Day],
    amount: &[Money],
    attribute: Option<&[u32]>,
    locals: &[Vec<Vec<u32>>],
    chunk: usize,
) -> (ByPartition<Payload>, ByPartition<u32>) {
    let parts = locals.len();
    // Every row's day and amount into its partition, in row order, one list
    // per range of rows as for the local numbers: a sequential pass instead
    // of a gather at random from each partition.
    let ranges = (0..day.len()).step_by(chunk).enumerate();
    let per_range: Vec<RangeRows> = crate::parallel::each(ranges, |(k, begin)| {
        let end = (begin + chunk).min(day.len());
        let (part, day, amount) = (&part[begin..end], &day[begin..end], &amount[begin..end]);
        let mut out: Vec<Vec<Payload>> = locals.iter().map(|l| Vec::with_capacity(l[k].len())).collect();
        for ((&p, &d), &a) in part.iter().zip(day).zip(amount) {
            out[p as usize].push(Payload { day: d, amount: a.0 });
        }
        let mut out_values: Vec<Vec<u32>> = Vec::new();
        if let Some(values) = attribute.map(|a| &a[begin..end]) {
            out_values = locals.iter().map(|l| Vec::with_capacity(l[k].len())).collect();
            for (&p, &v) in part.iter().zip(values) {
                out_values[p as usize].push(v);
            }
        }
        (out, out_values)
    });
    let mut payloads: Vec<Vec<Vec<Payload>>> = (0..parts).map(|_| Vec::with_capacity(per_range.len())).collect();
    let mut values: Vec<Vec<Vec<u32>>> = (0..parts).map(|_| Vec::new()).collect();
    for (range, range_values) in per_range {
        for (p, list) in range.into_iter().enumerate() {
            payloads[p].push(list);
        }
        for (p, list) in range_values.into_iter().enumerate() {
            values[p].push(list);
        }
    }
    (payloads, values)
}

/// The partitions' pieces copied into one timeline per customer, in
/// first-appearance order (`rank`, `bases` as in [`Ranked`]), with each
/// customer's first purchase day and value when `with_values`.
fn assemble(
    mut pieces: Vec<Piece>,
    rank: &[u32],
    bases: &[usize],
    ids: crate::ids::CustomerIds,
    with_values: bool,
) -> (Timelines, RowStats, FirstOfCustomers) {
    let parts = pieces.len();
    // Customers in first-appearance order: offsets from each one's count.
    let customers = ids.len();
    let mut offsets = vec![0usize; customers + 1];
    let mut stats = RowStats::default();
    for (p, piece) in pieces.iter().enumerate() {
        for (l, w) in piece.offsets.windows(2).enumerate() {
            offsets[rank[bases[p] + l] as usize + 1] = (w[1] - w[0]) as usize;
        }
        stats.add(&piece.stats);
    }
    for c in 0..customers {
        offsets[c + 1] += offsets[c];
    }
    let used = offsets[customers];
    stats.rows_used = used as u64;
    let first = with_values.then(|| {
        let mut first = vec![Day::MAX; customers];
        let mut best = vec![crate::orders::BLANK; customers];
        for (p, piece) in pieces.iter_mut().enumerate() {
            let seen = piece.first.take().expect("decided with the values");
            for (l, (&f, &b)) in seen.first.iter().zip(&seen.best).enumerate() {
                let code = rank[bases[p] + l] as usize;
                first[code] = f;
                best[code] = b;
            }
        }
        (first, best)
    });

    let mut day_out: Vec<Day> = vec![0; used];
    let mut amount_out: Vec<Money> = vec![Money::ZERO; used];
    let (out_day, out_amount) = (Shared(day_out.as_mut_ptr()), Shared(amount_out.as_mut_ptr()));
    let queue: Vec<Mutex<Option<Piece>>> = pieces.into_iter().map(|p| Mutex::new(Some(p))).collect();
    crate::parallel::queue(parts, |p| {
        let piece = queue[p]
            .lock()
            .expect("no worker panicked")
            .take()
            .expect("each piece once");
        for (l, w) in piece.offsets.windows(2).enumerate() {
            let (from, n) = (w[0] as usize, (w[1] - w[0]) as usize);
            let at = offsets[rank[bases[p] + l] as usize];
            // SAFETY: `at..at + n` is this customer's block of the output
            // (`n` is its count), inside `used`, and no other customer's;
            // each customer is in exactly one piece, copied by one worker.
            unsafe {
                std::ptr::copy_nonoverlapping(piece.day.as_ptr().add(from), out_day.at(at), n);
                std::ptr::copy_nonoverlapping(piece.amount.as_ptr().add(from), out_amount.at(at), n);
            }
        }
    });
    (
        Timelines {
            ids,
            offsets,
            day: day_out,
            amount: amount_out,
        },
        stats,
        first,
    )
}

/// One partition's rows: local numbers, payloads and (with an attribute)
/// value codes, one list per range of rows.
type PartitionRows = (Vec<Vec<u32>>, Vec<Vec<Payload>>, Vec<Vec<u32>>);

/// A row's day and amount, packed (12 bytes).
#[derive(Clone, Copy)]
#[repr(C, packed(4))]
struct Payload {
    day: Day,
    amount: i64,
}

/// Groups one partition's rows by local customer number (`locals` of them):
/// `partition` holds the rows' local numbers, `payload` their days and
/// amounts, `values` their value codes (with an attribute), in the same
/// order.
fn group_partition(
    partition: Vec<Vec<u32>>,
    payload: Vec<Vec<Payload>>,
    values: Option<Vec<Vec<u32>>>,
    locals: usize,
    cutoff: Day,
) -> Piece {
    let first = values.map(|values| {
        let mut seen = FirstDay::new(locals);
        let rows = partition.iter().flatten().zip(payload.iter().flatten());
        for ((&local, row), &v) in rows.zip(values.iter().flatten()) {
            let (d, a) = (row.day, Money(row.amount));
            if !a.is_negative() && d <= cutoff {
                seen.see(local as usize, d, a, v);
            }
        }
        seen
    });
    let mut stats = RowStats::default();
    let mut offsets = vec![0u32; locals + 1];
    let entries: usize = partition.iter().map(Vec::len).sum();
    debug_assert_eq!(entries, payload.iter().map(Vec::len).sum::<usize>());
    let mut rows: Vec<(u32, Day, Money)> = Vec::with_capacity(entries);
    for (&local, row) in partition.iter().flatten().zip(payload.iter().flatten()) {
        let (d, a) = (row.day, Money(row.amount));
        if !stats.count(d, a, cutoff) {
            continue;
        }
        offsets[local as usize + 1] += 1;
        rows.push((local, d, a));
    }
    drop(payload);
    drop(partition);
    for l in 0..locals {
        offsets[l + 1] += offsets[l];
    }
    let mut fill = offsets.clone();
    let mut piece_day = vec![0; rows.len()];
    let mut piece_amount = vec![Money::ZERO; rows.len()];
    for &(local, d, a) in &rows {
        let at = &mut fill[local as usize];
        piece_day[*at as usize] = d;
        piece_amount[*at as usize] = a;
        *at += 1;
    }
    drop(rows);
    let mut pairs = Vec::new();
    stats.duplicate_rows = sort_ranges(
        &mut piece_day,
        &mut piece_amount,
        offsets.windows(2).map(|w| w[0] as usize..w[1] as usize),
        &mut pairs,
    );
    Piece {
        offsets,
        day: piece_day,
        amount: piece_amount,
        stats,
        first,
    }
}
