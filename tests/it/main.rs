//! Integration tests: one binary, modules by topic.

mod boundaries;
mod cli;
mod common;
mod ingest_files;
mod naive;
mod report;
