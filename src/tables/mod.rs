//! The tables: what a run computed, as the CSV contract holds it. Every
//! output (terminal summary, HTML and charts, lists) is drawn from these, so
//! tables written earlier, or by another engine, render the same report.

pub mod data_quality;
mod write;

pub use write::*;
