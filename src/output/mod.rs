//! Writing that never destroys what the user did not ask to replace and
//! never leaves a half-written or mixed result: folders are built beside
//! their target and swapped in whole ([`folder`]), named files are created
//! without a check-then-write race and refused if they exist unless forced
//! ([`file`]), and the files people open in Excel are made safe to open
//! ([`excel`]).

pub(crate) mod excel;
pub(crate) mod file;
pub(crate) mod folder;

use std::sync::atomic::{AtomicUsize, Ordering};

/// Files written so far by this process (for the fault-injection hook).
static FILES_WRITTEN: AtomicUsize = AtomicUsize::new(0);

/// Called after each output file is complete. With the environment
/// variable `CPM_FAULT_PAUSE_AFTER_FILES=N`, the run stops for a minute
/// after its N-th file, so that tests can interrupt it at a known point
/// (and check that the previous output is untouched).
pub(crate) fn file_done() {
    let n = FILES_WRITTEN.fetch_add(1, Ordering::SeqCst) + 1;
    if let Ok(at) = std::env::var("CPM_FAULT_PAUSE_AFTER_FILES")
        && at.trim().parse() == Ok(n)
    {
        eprintln!("cpm: paused after {n} files (CPM_FAULT_PAUSE_AFTER_FILES)");
        std::thread::sleep(std::time::Duration::from_secs(60));
    }
}
