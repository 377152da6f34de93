//! The commands that compute the portfolio and show it: `tables`,
//! `summary` and `report` (from an order file, or from a tables folder).

use super::args::{ReportArgs, SummaryArgs, TablesArgs};
use super::common::{analyse, analyse_input, run_note};
use crate::dates::{format_month, last_day_of_month, month_of};
use crate::error::{Error, Result};
use crate::report::{quality, summary};
use crate::tables::{self, Tables};
use crate::text::lang::Lang;

pub(super) fn tables(args: &TablesArgs) -> Result<()> {
    tables::ensure_dir(&args.out_dir)?;
    let t = analyse_input(&args.input)?;
    tables::write_tables(&args.out_dir, &t)?;
    eprint!("{}", quality::text(&t.quality, Lang::En));
    eprintln!("{}", run_note(&t, &args.out_dir));
    Ok(())
}

pub(super) fn summary(args: &SummaryArgs) -> Result<()> {
    let t = analyse_input(&args.input)?;
    print!("{}", summary::render(&t, args.lang));
    eprint!("{}", quality::text(&t.quality, args.lang));
    Ok(())
}

pub(super) fn report(args: &ReportArgs) -> Result<()> {
    tables::ensure_dir(&args.out_dir)?;
    let t = match (&args.input, &args.tables) {
        (Some(input), _) => {
            // The report month's end is the as-of date, so that every list
            // and KPI is as of that month.
            let as_of = args.month.map(last_day_of_month).or(args.run.as_of);
            analyse(input, &args.run, as_of)?
        }
        (None, Some(dir)) => from_tables(dir, args)?,
        (None, None) => unreachable!("clap requires --input or --tables"),
    };
    let dir = crate::report::write_report(&t, &args.out_dir, args.lang)?;
    eprint!("{}", quality::text(&t.quality, args.lang));
    eprintln!("{}", run_note(&t, &dir));
    Ok(())
}

/// The tables of an earlier run; their rules are their own, so rule flags
/// are refused rather than silently ignored.
fn from_tables(dir: &std::path::Path, args: &ReportArgs) -> Result<Tables> {
    let given = super::common::overrides(&args.run);
    if given != crate::config::Overrides::default() || args.run.config.is_some() || args.run.as_of.is_some() {
        return Err(Error::Usage(
            "--tables renders the tables as they were computed (rules from their rules.toml): \
             drop --config, --as-of and the rule and column flags, or run from --input"
                .into(),
        ));
    }
    let t = tables::read(dir)?;
    if let Some(month) = args.month
        && month != month_of(t.portfolio.as_of)
    {
        return Err(Error::Usage(format!(
            "--month {}: the tables in {} are as of {} (run `cpm tables --as-of` for another month)",
            format_month(month),
            dir.display(),
            crate::dates::format_day(t.portfolio.as_of)
        )));
    }
    Ok(t)
}
