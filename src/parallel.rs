//! The one way work is spread over the cores: consecutive ranges of items,
//! one scoped thread each, results back in range order (so anything built
//! from them keeps the input's order).

/// Worker threads to use: the machine's cores, at most 8 (past that the
/// passes are bound by memory bandwidth, not by cores).
pub fn workers() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8)
}

/// Runs `work` on consecutive ranges covering `0..items`, one per worker,
/// and returns the results in range order.
pub fn map_ranges<T: Send>(items: usize, work: impl Fn(std::ops::Range<usize>) -> T + Sync) -> Vec<T> {
    let per = items.div_ceil(workers()).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..items)
            .step_by(per)
            .map(|first| {
                let work = &work;
                s.spawn(move || work(first..(first + per).min(items)))
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("worker thread")).collect()
    })
}
