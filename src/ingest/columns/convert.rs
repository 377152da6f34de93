//! Native numeric columns (Parquet dates and integers) converted in
//! parallel, a chunk's values read as a slice: the fast path that keeps a
//! 10M-row Parquet file from being read cell by cell.

use polars::prelude::*;

use crate::ingest::text::CellProblem;

/// Converts a numeric column's values with `f` in parallel over row
/// ranges, reading each chunk's values as a slice (no per-row `Option`
/// when a chunk has no nulls). Rows that fail (a null is
/// [`CellProblem::Empty`]) keep `fill` and are listed, ascending.
pub(super) fn convert<T, O>(
    ca: &ChunkedArray<T>,
    fill: O,
    f: impl Fn(T::Native) -> Result<O, CellProblem> + Sync,
) -> (Vec<O>, Vec<(usize, CellProblem)>)
where
    T: PolarsNumericType,
    O: Copy + Send + Sync,
{
    let arrays: Vec<_> = ca.downcast_iter().collect();
    let mut starts = Vec::with_capacity(arrays.len() + 1);
    starts.push(0usize);
    for a in &arrays {
        starts.push(starts.last().expect("starts at 0") + a.len());
    }
    let mut out = vec![fill; ca.len()];
    let stage = crate::progress::counted(
        format!("converting {}", ca.name()),
        ca.len() as u64,
        crate::progress::Unit::Rows,
    );
    let problems = crate::parallel::fill(&mut out, |begin, piece| {
        let counter = stage.counter();
        let mut problems = Vec::new();
        let end = begin + piece.len();
        let mut k = starts.partition_point(|&s| s <= begin).saturating_sub(1);
        let mut row = begin;
        while row < end && k < arrays.len() {
            let array = arrays[k];
            let from = row - starts[k];
            let take = (end - row).min(array.len() - from);
            let values = &array.values()[from..from + take];
            let dst = &mut piece[row - begin..row - begin + take];
            match array.validity().filter(|v| v.unset_bits() > 0) {
                None => {
                    for (i, (&v, d)) in values.iter().zip(dst.iter_mut()).enumerate() {
                        match f(v) {
                            Ok(o) => *d = o,
                            Err(p) => problems.push((row + i, p)),
                        }
                    }
                }
                Some(valid) => {
                    for (i, (&v, d)) in values.iter().zip(dst.iter_mut()).enumerate() {
                        if !valid.get_bit(from + i) {
                            problems.push((row + i, CellProblem::Empty));
                            continue;
                        }
                        match f(v) {
                            Ok(o) => *d = o,
                            Err(p) => problems.push((row + i, p)),
                        }
                    }
                }
            }
            row += take;
            k += 1;
            counter.inc(take as u64);
        }
        problems
    });
    (out, problems.concat())
}
