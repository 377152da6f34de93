//! The one way work is spread over the cores: consecutive ranges of items,
//! one scoped thread each, results back in range order (so anything built
//! from them keeps the input's order); or, for independent pieces of equal
//! kind (hash partitions), a queue the workers take from.

/// Worker threads to use: the machine's cores, at most 8 (past that the
/// passes are bound by memory bandwidth, not by cores).
pub(crate) fn workers() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8)
}

/// Runs `work(item)` on its own scoped thread for every item (a range of
/// rows, a piece of an output, a group of partitions: the caller has split
/// the work, one item per worker) and returns the results in item order.
pub(crate) fn each<I: Send, T: Send>(items: impl IntoIterator<Item = I>, work: impl Fn(I) -> T + Sync) -> Vec<T> {
    std::thread::scope(|s| {
        let work = &work;
        let handles: Vec<_> = items.into_iter().map(|item| s.spawn(move || work(item))).collect();
        handles.into_iter().map(|h| h.join().expect("worker thread")).collect()
    })
}

/// Runs `work` on consecutive ranges covering `0..items`, one per worker,
/// and returns the results in range order.
pub(crate) fn map_ranges<T: Send>(items: usize, work: impl Fn(std::ops::Range<usize>) -> T + Sync) -> Vec<T> {
    let per = items.div_ceil(workers()).max(1);
    each(
        (0..items).step_by(per).map(|first| first..(first + per).min(items)),
        work,
    )
}

/// Fills `out` in parallel: `work(start, piece)` gets consecutive pieces of
/// `out`, `start` being the index of the piece's first element. Results in
/// piece order.
pub(crate) fn fill<O: Send, T: Send>(out: &mut [O], work: impl Fn(usize, &mut [O]) -> T + Sync) -> Vec<T> {
    let per = out.len().div_ceil(workers()).max(1);
    each(out.chunks_mut(per).enumerate(), |(k, piece)| work(k * per, piece))
}

/// Runs `work(i)` for every task `i` in `0..tasks`, each worker taking the
/// next task when it finishes one (so a core that other work slows down
/// does not hold the rest up). Returns `(i, result)` in no particular order.
pub(crate) fn queue<T: Send>(tasks: usize, work: impl Fn(usize) -> T + Sync) -> Vec<(usize, T)> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let next = AtomicUsize::new(0);
    let run = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= tasks {
                return done;
            }
            done.push((i, work(i)));
        }
    };
    let threads = workers().min(tasks.max(1));
    if threads == 1 {
        return run();
    }
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads).map(|_| s.spawn(run)).collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("worker thread"))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_ranges_cover_everything_once_in_order() {
        for n in [0, 1, 2, 7, 1000] {
            let got: Vec<usize> = map_ranges(n, |r| r.collect::<Vec<_>>()).into_iter().flatten().collect();
            assert_eq!(got, (0..n).collect::<Vec<_>>());
        }
    }

    #[test]
    fn fill_gives_each_piece_its_start() {
        let mut out = vec![0usize; 1001];
        fill(&mut out, |start, piece| {
            for (i, v) in piece.iter_mut().enumerate() {
                *v = start + i;
            }
        });
        assert_eq!(out, (0..1001).collect::<Vec<_>>());
    }

    #[test]
    fn queue_runs_every_task_once() {
        let mut got = queue(100, |i| i * 2);
        got.sort_unstable();
        assert_eq!(got, (0..100).map(|i| (i, i * 2)).collect::<Vec<_>>());
        assert!(queue(0, |i| i).is_empty());
    }
}
