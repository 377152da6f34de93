//! `cpm` — monthly Customer Portfolio Management (顧客ポートフォリオマネジメント)
//! from a mail-order company's order history.
//!
//! The pipeline reads top to bottom:
//! `ingest` (files → orders) → `timelines` (orders → per-customer days) →
//! `snapshots` (segments at every month-end, transitions, sales) and
//! `conversion` (初回→よちよち cohorts) → `report` (CSV tables, terminal
//! summary, charts and HTML). Only `ingest` and `report` touch the filesystem.

pub mod app;
pub mod calibrate;
pub mod cli;
pub mod config;
pub mod conversion;
pub mod dates;
pub mod error;
pub mod generate;
pub mod ingest;
pub mod kpi;
pub mod lifecycle;
pub mod money;
pub mod pipeline;
pub mod portfolio;
pub mod quality;
pub mod report;
pub mod rules;
pub mod segments;
pub mod snapshots;
pub mod timelines;
pub mod whatif;

pub use app::run;
pub use error::{Error, Result};
