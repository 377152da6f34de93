//! Integration tests: one binary, modules by topic.

mod boundaries;
mod bridge;
mod calibrate_whatif;
mod cli;
mod common;
mod data_quality;
mod errors;
mod frames;
mod fuzz_regressions;
mod ingest_files;
mod lifecycle;
mod month_end;
mod naive;
mod outputs;
mod plan;
mod report;
mod schemes;
mod seam;
mod settings;
mod snapshots;
mod sql;
mod workbook;
mod xlsx;
