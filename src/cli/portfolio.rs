//! The commands that compute the portfolio and show it: `tables`,
//! `summary` and `report` (from an order file, or from a tables folder).

use super::args::{MonthArg, ReportArgs, SummaryArgs, TableFormat, TablesArgs};
use super::common::{Rejects, analyse, analyse_input, run_note};
use crate::dates::{format_month, last_day_of_month, month_of};
use crate::error::{Error, Result};
use crate::output::folder::{Previous, Staged};
use crate::report::{quality, summary};
use crate::tables::{self, Tables};
use crate::text::lang::Lang;

pub(super) fn tables(args: &TablesArgs) -> Result<()> {
    tables::ensure_dir(&args.out_dir)?;
    check_tables_target(&args.out_dir, &args.input.input)?;
    let t = analyse_input(&args.input, Rejects::TablesFolder(&args.out_dir))?;
    // Built beside the folder and swapped in whole.
    let staged = Staged::begin(&args.out_dir)?;
    match args.format {
        TableFormat::Csv => tables::write_tables(staged.path(), &t)?,
        TableFormat::Parquet => tables::write_parquet_tables(staged.path(), &t)?,
    }
    staged.commit(false)?;
    eprint!("{}", quality::text(&t.quality, Lang::En));
    eprintln!("{}", run_note(&t, &args.out_dir));
    Ok(())
}

/// A tables folder is replaced whole: refused when it holds the input or
/// files that `cpm tables` does not write (a folder of other work).
fn check_tables_target(dir: &std::path::Path, input: &std::path::Path) -> Result<()> {
    crate::output::folder::check_replaceable(dir, &[input], |name| tables::FILES.contains(&name), "cpm tables")
}

pub(super) fn summary(args: &SummaryArgs) -> Result<()> {
    let t = analyse_input(&args.input, Rejects::Nowhere)?;
    print!("{}", summary::render(&t, args.lang));
    if args.explain {
        print!("\n{}", crate::report::definitions::text(&t.config, args.lang));
    }
    eprint!("{}", quality::text(&t.quality, args.lang));
    Ok(())
}

pub(super) fn report(args: &ReportArgs) -> Result<()> {
    tables::ensure_dir(&args.out_dir)?;
    // Read first: a bad plan file fails before a long analysis.
    let plan_path = plan_file(args)?;
    let plan = plan_path.as_deref().map(crate::plan::read).transpose()?;
    let forecast = args.forecast.as_deref().map(super::forecast::read_folder).transpose()?;
    let t = match (&args.input, &args.tables) {
        (Some(input), _) => {
            // The report month's end is the as-of date, so that every list
            // and KPI is as of that month.
            let as_of = match args.month {
                Some(MonthArg::Month(m)) => Some(last_day_of_month(m)),
                Some(MonthArg::Last) | None => args.run.as_of,
            };
            let t = analyse(input, &report_run(args), as_of, Rejects::Beside(&args.out_dir))?;
            if as_of.is_none() {
                check_month_complete(&t, t.config.strict_month)?;
            }
            t
        }
        (None, Some(dir)) => from_tables(dir, args)?,
        (None, None) => unreachable!("clap requires --input or --tables"),
    };
    if let Some(f) = &forecast {
        crate::forecast::files::check_against(f, &t.config, t.portfolio.as_of)?;
    }
    // The plan and the forecast are inputs too: a report folder never holds them.
    let inputs: Vec<&std::path::Path> = args
        .input
        .iter()
        .chain(&args.tables)
        .chain(plan_path.as_ref())
        .chain(&args.forecast)
        .map(|p| p.as_path())
        .collect();
    let (dir, previous) = crate::report::write_report_with_plan(
        &t,
        plan.as_ref(),
        forecast.as_ref(),
        &args.out_dir,
        args.lang,
        args.excel_encoding,
        &inputs,
    )?;
    eprint!("{}", quality::text(&t.quality, args.lang));
    eprintln!("{}", run_note(&t, &dir));
    if let Previous::KeptAs(kept) = previous {
        eprintln!(
            "{} already held a report: it was replaced, and the previous one kept as {}",
            dir.display(),
            kept.display()
        );
    }
    Ok(())
}

/// The run's flags, with `--strict-month` as the `read.strict_month`
/// setting it is.
fn report_run(args: &ReportArgs) -> super::args::RunArgs {
    let mut run = args.run.clone();
    if args.strict_month {
        run.settings.values.insert("read.strict_month".into(), "true".into());
    }
    run
}

/// `--plan`, else `[run] plan` of the config file.
fn plan_file(args: &ReportArgs) -> Result<Option<std::path::PathBuf>> {
    if let Some(path) = &args.plan {
        return Ok(Some(path.clone()));
    }
    let (file, _) = super::common::load_config(args.run.config.as_deref())?;
    Ok(file.run.and_then(|r| r.plan).map(std::path::PathBuf::from))
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
    if let Some(MonthArg::Month(month)) = args.month
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

/// Days short of a month-end within which data that stops is taken for an
/// export cut early (a scheduled run on the 1st of a month, say).
pub(super) const SHORT_EXPORT_DAYS: i32 = 3;

/// Says loudly when the data stops a few days before a month-end — the
/// report is then of the month before, which a scheduled run would not
/// notice — and fails under `--strict-month`.
fn check_month_complete(t: &Tables, strict: bool) -> Result<()> {
    let last = t.quality.last_day;
    let month_end = last_day_of_month(month_of(last));
    let short = month_end - last;
    if short == 0 || short > SHORT_EXPORT_DAYS {
        return Ok(());
    }
    let message = format!(
        "the data ends on {}, {short} day{} before the month-end {}: this report is for {} (the last complete month). \
         If the export was cut short, export again; to report {} as it stands, pass --as-of {}",
        crate::dates::format_day(last),
        if short == 1 { "" } else { "s" },
        crate::dates::format_day(month_end),
        format_month(month_of(t.portfolio.as_of)),
        format_month(month_of(last)),
        crate::dates::format_day(last)
    );
    if strict {
        return Err(Error::Refused(format!("{message} (--strict-month, read.strict_month)")));
    }
    eprintln!("warning: {message}");
    Ok(())
}
