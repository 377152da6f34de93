//! What the commands share: the config file, the flags over it, the read
//! options, and the one-line note a run ends with.

use std::path::{Path, PathBuf};

use super::args::{InputArgs, RunArgs};
use crate::config::{Config, ConfigFile, ConfigSource, Overrides};
use crate::dates::Day;
use crate::error::{Error, Result};
use crate::ingest::ReadOptions;
use crate::ingest::csv::Encoding;
use crate::ingest::text::CellProblem;
use crate::tables::Tables;

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
    let file = Config::parse_file(&text).map_err(|e| Error::Config(format!("{}: {e}", path.display())))?;
    Ok((file, Some(ConfigSource::of(path, &bytes))))
}

/// The settings given as flags.
pub(super) fn overrides(args: &RunArgs) -> Overrides {
    args.settings.overrides()
}

/// The config of a run: the file, with the flags over it.
pub(super) fn config(args: &RunArgs) -> Result<Config> {
    let (file, source) = load_config(args.config.as_deref())?;
    let mut config = Config::resolve(&file, &overrides(args))?;
    config.source = source;
    Ok(config)
}

/// How to read the order file.
pub(super) fn read_options(args: &RunArgs) -> ReadOptions {
    ReadOptions {
        encoding: args.encoding.map(|e| match e {
            super::args::EncodingArg::Utf8 => Encoding::Utf8,
            super::args::EncodingArg::ShiftJis => Encoding::ShiftJis,
        }),
        delimiter: args.delimiter.map(|d| d.byte()),
        lenient: args.lenient,
    }
}

/// Reads and analyses the orders of `input` into tables.
pub(super) fn analyse(input: &Path, args: &RunArgs, as_of: Option<Day>) -> Result<Tables> {
    let config = config(args)?;
    let analysis = crate::pipeline::analyze(input, &config, &read_options(args), as_of)?;
    Ok(Tables::of(analysis, &config))
}

/// [`analyse`] for the commands that take `--input` and `--as-of`.
pub(super) fn analyse_input(args: &InputArgs) -> Result<Tables> {
    analyse(&args.input, &args.run, args.run.as_of)
}

/// The line a run ends with on stderr.
pub(super) fn run_note(t: &Tables, dir: &Path) -> String {
    let p = &t.portfolio;
    let mut note = format!(
        "wrote {}: {} rows read, {} customers, {} snapshots ({} .. {})",
        dir.display(),
        t.quality.rows_read,
        p.customers.len(),
        p.snapshot_days.len(),
        crate::dates::format_day(p.snapshot_days[0]),
        crate::dates::format_day(p.as_of),
    );
    if t.quality.rows_excluded > 0 {
        note += &format!(
            "; {} rows dated after {} left out",
            t.quality.rows_excluded,
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
        note += &format!("; {headers} repeated header lines skipped");
    }
    if bad > 0 {
        note += &format!("; {bad} bad rows skipped");
    }
    note
}
