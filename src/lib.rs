//! `cpm` — monthly Customer Portfolio Management (顧客ポートフォリオマネジメント)
//! from a mail-order company's order history.
//!
//! The pipeline reads top to bottom, one folder a stage:
//! `ingest` (files → orders) → `engine` (timelines → segments at every
//! month-end, transitions, 初回→よちよち cohorts, KPIs; no I/O, no clock) →
//! `tables` (the CSV contract, written and read back) → `report` (terminal
//! summary, charts, HTML, lists). `pipeline` runs ingest and engine for one
//! file; `cli` turns arguments into runs; `analysis` holds calibrate and
//! whatif; `generate` writes synthetic histories. Files are read by
//! `ingest` and `tables` and written by `tables`, `report`, `generate` and
//! `cli`.

pub mod analysis;
pub mod cli;
pub mod config;
pub mod dates;
pub mod engine;
pub mod error;
pub mod generate;
pub mod ingest;
pub mod money;
pub mod pipeline;
pub mod report;
pub mod tables;
pub mod text;

pub use cli::run;
pub use error::{Error, Result};
