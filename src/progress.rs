//! Progress on stderr for long runs (a 10M-row file takes seconds with
//! nothing else on the screen): one line per stage — reading, numbering the
//! customer ids, grouping, month-ends, writing — with a bar, counts and an
//! ETA where the amount of work is known, each line left with its time when
//! the stage ends.
//!
//! Off unless the binary turns it on ([`enable`]: stderr is a terminal and
//! `--quiet` is not given), so library users and tests never see it. The
//! stages hold hidden bars when off; work loops report in large steps
//! ([`STEP`] rows), so the cost is a few atomic additions per million rows.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

static ON: AtomicBool = AtomicBool::new(false);

/// Rows between two reports from a work loop.
pub(crate) const STEP: usize = 1 << 16;

/// Shows progress from now on (the binary calls this when stderr is a terminal).
pub(crate) fn enable() {
    ON.store(true, Ordering::Relaxed);
}

pub(crate) fn is_enabled() -> bool {
    ON.load(Ordering::Relaxed)
}

/// What a stage counts.
#[derive(Clone, Copy)]
pub(crate) enum Unit {
    Rows,
    Customers,
}

/// One stage on the screen while it runs; dropping it ends the stage.
pub(crate) struct Stage {
    bar: ProgressBar,
    name: String,
    started: Instant,
}

/// A stage whose size is not known: a spinner with the time elapsed.
pub(crate) fn spinner(name: impl Into<String>) -> Stage {
    let name = name.into();
    let bar = if is_enabled() {
        let bar = ProgressBar::new_spinner();
        bar.set_style(ProgressStyle::with_template("{spinner} {msg} {elapsed}").expect("a valid template"));
        bar.set_message(name.clone());
        bar.enable_steady_tick(Duration::from_millis(100));
        bar
    } else {
        ProgressBar::hidden()
    };
    Stage {
        bar,
        name,
        started: Instant::now(),
    }
}

/// A stage of `total` units: a bar with counts, rate and ETA.
pub(crate) fn counted(name: impl Into<String>, total: u64, unit: Unit) -> Stage {
    let name = name.into();
    let bar = if is_enabled() {
        let counts = match unit {
            Unit::Rows => "{human_pos}/{human_len} rows ({per_sec})",
            Unit::Customers => "{human_pos}/{human_len} customers ({per_sec})",
        };
        let template = format!("{{msg}} [{{bar:30}}] {counts}, ETA {{eta}}");
        let bar = ProgressBar::new(total);
        bar.set_style(
            ProgressStyle::with_template(&template)
                .expect("a valid template")
                .progress_chars("=> "),
        );
        bar.set_message(name.clone());
        bar.enable_steady_tick(Duration::from_millis(200));
        bar
    } else {
        ProgressBar::hidden()
    };
    Stage {
        bar,
        name,
        started: Instant::now(),
    }
}

impl Stage {
    /// `n` more units done.
    pub(crate) fn inc(&self, n: u64) {
        self.bar.inc(n);
    }

    /// A counting handle for worker threads.
    pub(crate) fn counter(&self) -> Counter {
        Counter(self.bar.clone())
    }
}

impl Drop for Stage {
    fn drop(&mut self) {
        if !self.bar.is_hidden() {
            let seconds = self.started.elapsed().as_secs_f64();
            self.bar
                .set_style(ProgressStyle::with_template("  {msg}").expect("a valid template"));
            self.bar.finish_with_message(format!("{} ({seconds:.1} s)", self.name));
        }
    }
}

/// Counts units done from any thread.
#[derive(Clone)]
pub(crate) struct Counter(ProgressBar);

impl Counter {
    pub(crate) fn inc(&self, n: u64) {
        self.0.inc(n);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn off_by_default_and_then_hidden() {
        assert!(!is_enabled());
        let stage = counted("numbering", 10, Unit::Rows);
        stage.inc(5);
        stage.counter().inc(5);
        assert!(stage.bar.is_hidden());
        assert_eq!(stage.bar.position(), 10);
        assert!(spinner("grouping").bar.is_hidden());
    }
}
