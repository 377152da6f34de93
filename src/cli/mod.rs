//! From parsed arguments to work: builds the [`Config`], runs the pipeline,
//! turns the result into [`Tables`] and hands them to the outputs. One file
//! per group of commands; `args` is the command line, `common` what they
//! share.
//!
//! [`Config`]: crate::config::Config
//! [`Tables`]: crate::tables::Tables

mod advice;
pub mod args;
mod common;
pub mod forecast;
mod generate;
mod init;
mod portfolio;

use crate::error::Result;
use args::{Cli, Command};

/// Runs one command.
pub fn run(cli: Cli) -> Result<()> {
    if !cli.quiet && std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        crate::progress::enable();
    }
    match cli.command {
        Command::Tables(args) => portfolio::tables(&args),
        Command::Summary(args) => portfolio::summary(&args),
        Command::Report(args) => portfolio::report(&args),
        Command::Sql(args) => crate::sql::command::run(&args, common::load_config),
        Command::Generate(args) => generate::generate(&args),
        Command::Calibrate(args) => advice::calibrate(&args),
        Command::Whatif(args) => advice::whatif(&args),
        Command::Forecast(args) => forecast::forecast(&args),
        Command::Init(args) => init::init(&args),
    }
}
