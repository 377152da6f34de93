//! `cpm` — monthly Customer Portfolio Management (顧客ポートフォリオマネジメント)
//! from a mail-order company's order history.
//!
//! The pipeline reads top to bottom, one folder a stage:
//! `ingest` (files → `orders`) → `engine` (timelines → segments at every
//! month-end, transitions, 初回→よちよち cohorts, KPIs; no I/O, no clock) →
//! `tables` (the CSV contract, written and read back) → `report` (terminal
//! summary, charts, HTML, lists). `pipeline` runs ingest and engine for one
//! file; `cli` turns arguments into runs; `analysis` holds calibrate and
//! whatif; `generate` writes synthetic histories. Files are read by
//! `ingest` and `tables` and written by `tables`, `report`, `generate` and
//! `cli`.
//!
//! With polars, the engine needs no files: orders in as a `DataFrame` (any
//! column names), the tables out as frames with the contract's columns.
//!
//! The public surface, on purpose: `pipeline::analyze_frame` (orders as a
//! polars frame) and `pipeline::analyze` (an order file), the settings
//! (`config::Config`, `config::Overrides`), the result `tables::Tables`
//! with its frames (`snapshots_frame`, `transitions_frame`,
//! `conversion_frame`, `segments_frame`, `ladder_frame`, `activity_frame`)
//! and the folder form of the contract (`tables::read`,
//! `tables::write_tables`), [`Error`] and [`Result`], the value types these
//! carry (`dates::Day`, `money::Money`, `engine::portfolio::Portfolio` and
//! its parts), and [`run`], the command line, for the binary. Whatever else
//! is `pub` is so for the integration tests (`tests/it`), which check the
//! engine, the readers and the report model piece by piece; everything
//! else is `pub(crate)`, so that the compiler reports code nothing uses.
//!
//! ```
//! use polars::prelude::*;
//! use cpm::config::{Config, Overrides};
//!
//! let orders = df![
//!     "会員ID" => ["A", "A", "B"],
//!     "受注日" => ["2024-01-10", "2024-02-15", "2024-01-20"],
//!     "金額" => [5000i64, 3000, 80000],
//! ]?;
//! let mut flags = Overrides::default();
//! flags.set("columns.customer=会員ID")?;
//! flags.set("columns.date=受注日")?;
//! flags.set("columns.amount=金額")?;
//! let config = Config::resolve(&Default::default(), &flags)?;
//! // As of the end of February (a month the data covers only in part).
//! let as_of = cpm::dates::parse_iso_day("2024-02-29");
//! // Today's date, for the count of rows dated after it: the library never
//! // reads the clock.
//! let today = cpm::dates::parse_iso_day("2026-12-01").unwrap();
//! let tables = cpm::pipeline::analyze_frame(&orders, &config, as_of, today)?;
//!
//! let segments = tables.segments_frame()?;
//! assert_eq!(segments.height(), 2);
//! // A bought again 36 days after the first purchase: よちよち (toddler).
//! let segment = segments.column("segment")?.str()?.get(0);
//! assert_eq!(segment, Some("toddler_active"));
//! let snapshots = tables.snapshots_frame()?;
//! assert_eq!(snapshots.column("month_end")?.dtype(), &DataType::Date);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod analysis;
pub mod cli;
pub mod config;
pub mod dates;
pub mod engine;
pub(crate) mod error;
pub(crate) mod forecast;
pub(crate) mod generate;
pub(crate) mod hash;
pub mod ids;
pub mod ingest;
pub mod money;
pub mod orders;
pub(crate) mod output;
pub(crate) mod parallel;
pub mod pipeline;
pub mod plan;
pub(crate) mod progress;
pub mod report;
pub(crate) mod sql;
pub mod tables;
pub mod text;

pub use cli::run;
pub use error::{Error, Result};
