//! What the commands share: the config file, the flags over it, the read
//! options, and the one-line note a run ends with.

use std::path::{Path, PathBuf};

use super::args::{InputArgs, RunArgs};
use crate::config::{Config, ConfigFile, ConfigSource, Overrides};
use crate::dates::Day;
use crate::error::{Error, Result};
use crate::ingest::text::CellProblem;
use crate::tables::Tables;
use crate::text::format::count;

/// The config file a run uses: the one given, else `./cpm.toml` if present.
const DEFAULT_CONFIG: &str = "cpm.toml";

pub(super) fn load_config(explicit: Option<&Path>) -> Result<(ConfigFile, Option<ConfigSource>)> {
    let path: PathBuf = match explicit {
        Some(p) => p.to_path_buf(),
        None if Path::new(DEFAULT_CONFIG).is_file() => PathBuf::from(DEFAULT_CONFIG),
        None => return Ok((ConfigFile::default(), None)),
    };
    let bytes = std::fs::read(&path).map_err(|source| Error::Read {
        path: path.clone(),
        source,
    })?;
    let text = String::from_utf8(bytes.clone())
        .map_err(|_| Error::Config(format!("{}: the config file is not UTF-8 text", path.display())))?;
    let file = Config::parse_file(&text).map_err(|e| match e {
        Error::Config(message) => Error::Config(format!("{}: {message}", path.display())),
        other => other,
    })?;
    Ok((file, Some(ConfigSource::of(path, &bytes))))
}

/// The settings given as flags, with the breakdown column and the filters.
pub(super) fn overrides(args: &RunArgs) -> Overrides {
    Overrides {
        by: args.by.clone(),
        where_: args.where_.clone(),
        where_not: args.where_not.clone(),
        ..args.settings.overrides()
    }
}

/// The config of a run: the file, with the flags over it.
pub(super) fn config(args: &RunArgs) -> Result<Config> {
    let (file, source) = load_config(args.config.as_deref())?;
    let mut config = Config::resolve(&file, &overrides(args))?;
    config.source = source;
    Ok(config)
}

/// The one line saying which columns were taken by their usual names.
pub(super) fn recognised_line(recognised: &[(crate::ingest::recognise::Role, String)]) -> Option<String> {
    use crate::ingest::recognise::Role;
    if recognised.is_empty() {
        return None;
    }
    let parts: Vec<String> = recognised
        .iter()
        .map(|(role, name)| {
            let what = match role {
                Role::Customer => "customer",
                Role::Date => "date",
                Role::Amount => "amount",
            };
            format!("'{name}' as the {what} column")
        })
        .collect();
    Some(format!(
        "columns: using {} (recognised by name; `cpm init --input FILE` writes them to cpm.toml)",
        parts.join(", ")
    ))
}

/// Right after reading, before the analysis: the columns taken by their
/// usual names, and the warning for an unconfigured cancel-like column.
pub(super) fn say_what_was_read(ingest: &crate::ingest::IngestReport) {
    if let Some(line) = recognised_line(&ingest.recognised) {
        eprintln!("{line}");
    }
    if let Some(s) = &ingest.suspect_cancel {
        eprintln!("{}", suspect_cancel_warning(s));
    }
}

/// The warning for a column that looks like a cancel flag and is not one
/// of the run's settings: its rows were counted as purchases.
pub(super) fn suspect_cancel_warning(s: &crate::ingest::exclude::SuspectCancel) -> String {
    let (col, value) = (&s.column, &s.value);
    let found = match s.rows {
        1 => format!("1 row holds a value such as {value:?}, and was counted as a purchase"),
        n => format!("{n} rows hold values such as {value:?}, and were counted as purchases"),
    };
    format!(
        "warning: column '{col}' looks like a cancellation flag: {found}. To leave cancelled lines out \
         (counted as cancelled), pass --cancel-col {col} [--cancel-values V1,V2] or set columns.cancel in cpm.toml"
    )
}

/// Where `rejects.csv` goes when every row was rejected.
#[derive(Clone, Copy)]
pub(super) enum Rejects<'a> {
    Nowhere,
    /// The tables folder, replaced whole.
    TablesFolder(&'a Path),
    /// A file in this folder (the report's output folder).
    Beside(&'a Path),
}

/// Today's date on this machine's clock (local time): the one place the
/// program reads the clock, for the count of rows dated after today.
pub(super) fn today() -> Day {
    crate::dates::day_from_date(chrono::Local::now().date_naive())
}

/// Reads and analyses the orders of `input` into tables. When every row
/// was rejected (lenient mode), `rejects.csv` is still written (see
/// [`Rejects`]) and the counts printed, before the error.
pub(super) fn analyse(input: &Path, args: &RunArgs, as_of: Option<Day>, rejects_to: Rejects<'_>) -> Result<Tables> {
    let config = config(args)?;
    match crate::pipeline::analyze_after_read(input, &config, &config.read, as_of, today(), say_what_was_read) {
        Ok(analysis) => Ok(Tables::of(analysis, &config)),
        Err(Error::NoUsableRows(ingest)) => {
            if !ingest.rejected.is_empty() {
                let mut by_reason = std::collections::BTreeMap::<&str, u64>::new();
                for r in &ingest.rejected {
                    *by_reason.entry(r.problem.code()).or_default() += 1;
                }
                let counts: Vec<String> = by_reason.iter().map(|(k, n)| format!("{k} {n}")).collect();
                eprintln!(
                    "rows read {}, rejected {} ({})",
                    ingest.rows_read,
                    ingest.rejected.len(),
                    counts.join(", ")
                );
                let text = crate::tables::rejects_csv(&ingest.rejected);
                match rejects_to {
                    Rejects::Nowhere => {}
                    // The folder holds what this run found: the rejects alone.
                    Rejects::TablesFolder(dir) => {
                        let staged = crate::output::folder::Staged::begin(dir)?;
                        crate::tables::write_file(staged.path(), crate::tables::REJECTS, &text)?;
                        staged.commit(false)?;
                        eprintln!("wrote {}", dir.join(crate::tables::REJECTS).display());
                    }
                    Rejects::Beside(dir) => {
                        std::fs::create_dir_all(dir).map_err(|source| Error::Write {
                            path: dir.to_path_buf(),
                            source,
                        })?;
                        let path = dir.join(crate::tables::REJECTS);
                        crate::output::file::write_new(&path, text.as_bytes(), true, "rejects")?;
                        eprintln!("wrote {}", path.display());
                    }
                }
            }
            Err(Error::NoUsableRows(ingest))
        }
        Err(other) => Err(other),
    }
}

/// [`analyse`] for the commands that take `--input` and `--as-of`.
pub(super) fn analyse_input(args: &InputArgs, rejects_to: Rejects<'_>) -> Result<Tables> {
    analyse(&args.input, &args.run, args.run.as_of, rejects_to)
}

/// The line a run ends with on stderr.
pub(super) fn run_note(t: &Tables, dir: &Path) -> String {
    let p = &t.portfolio;
    let n = |n: usize, one, many| format!("{:#}", count(n as u64, one, many));
    let mut note = format!(
        "wrote {}: {}, {}, {} ({} .. {})",
        dir.display(),
        n(t.quality.rows_read as usize, "row read", "rows read"),
        n(p.customers.len(), "customer", "customers"),
        n(p.snapshot_days.len(), "snapshot", "snapshots"),
        crate::dates::format_day(p.snapshot_days[0]),
        crate::dates::format_day(p.as_of),
    );
    if t.quality.rows_excluded > 0 {
        note += &format!(
            "; {} after {} left out",
            n(t.quality.rows_excluded as usize, "row dated", "rows dated"),
            crate::dates::format_day(p.as_of)
        );
    }
    let headers = t
        .rejects
        .iter()
        .filter(|r| r.problem == CellProblem::RepeatedHeader)
        .count();
    let bad = t.rejects.len() - headers;
    if headers > 0 {
        note += &format!(
            "; {} skipped",
            n(headers, "repeated header line", "repeated header lines")
        );
    }
    if bad > 0 {
        note += &format!("; {} skipped", n(bad, "bad row", "bad rows"));
    }
    note
}
