//! `cpm init --input FILE`: a `cpm.toml` for that export — the columns
//! found, the cancel column and guest ids it seems to need, and every other
//! setting as a commented-out line — so that next month's run is
//! `cpm report --input new_export.csv`.

use std::fmt::Write as _;

use super::args::InitArgs;
use crate::config::settings::{SETTINGS, Section, Value, quoted};
use crate::error::Result;
use crate::ingest::ReadOptions;
use crate::ingest::survey::{Survey, survey};
use crate::output::file::write_new;

pub(super) fn init(args: &InitArgs) -> Result<()> {
    let options = ReadOptions {
        encoding: args.encoding,
        delimiter: args.delimiter,
        lenient: true,
    };
    let s = survey(&args.input, &options)?;
    let name = args.input.file_name().map_or_else(
        || args.input.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let text = config_text(&s, &name);
    write_new(&args.out, text.as_bytes(), args.force, "--out")?;
    eprintln!(
        "wrote {}: customer '{}', date '{}', amount '{}'{}{}",
        args.out.display(),
        s.columns[0],
        s.columns[1],
        s.columns[2],
        s.suspect_cancel
            .as_ref()
            .map_or(String::new(), |c| format!(", cancel '{}'", c.column)),
        if s.guests.is_empty() { "" } else { ", guest ids" },
    );
    Ok(())
}

/// The config file's text for the surveyed export.
pub fn config_text(s: &Survey, input: &str) -> String {
    let mut out = format!("# cpm.toml for {input}, written by `cpm init`.\n");
    if let (Some(encoding), Some(line)) = (s.encoding, s.header_line) {
        let _ = writeln!(out, "# Read as {}, header on line {line}.", encoding.name());
    }
    out.push_str("# Commented-out lines are the defaults.\n");
    for section in Section::ALL {
        if let Some(table) = section.table() {
            let _ = writeln!(out, "\n[{table}]");
        }
        for setting in SETTINGS.iter().filter(|x| x.section == section) {
            let _ = writeln!(out, "{}", line(s, setting));
        }
    }
    out
}

/// One setting's line: set from the survey, else commented out.
fn line(s: &Survey, setting: &crate::config::settings::Setting) -> String {
    let key = setting.key;
    let found = match setting.name().as_str() {
        "read.encoding" => s.encoding.map(|e| Value::Encoding(Some(e)).toml()),
        "read.delimiter" => s.delimiter.map(|d| Value::Delimiter(Some(d)).toml()),
        "columns.customer" => Some(quoted(&s.columns[0])),
        "columns.date" => Some(quoted(&s.columns[1])),
        "columns.amount" => Some(quoted(&s.columns[2])),
        "columns.cancel" => s.suspect_cancel.as_ref().map(|c| {
            format!(
                "{}  # {} {} cancelled (e.g. {:?})",
                quoted(&c.column),
                c.rows,
                if c.rows == 1 { "row looks" } else { "rows look" },
                c.value
            )
        }),
        "columns.guest_ids" if !s.guests.is_empty() => {
            let ids: Vec<String> = s.guests.iter().map(|(g, _)| quoted(g)).collect();
            let counts: Vec<String> = s
                .guests
                .iter()
                .map(|(g, n)| format!("{} {n}", if g.is_empty() { "(empty)" } else { g }))
                .collect();
            Some(format!("[{}]  # rows: {}", ids.join(", "), counts.join(", ")))
        }
        _ => None,
    };
    match (found, setting.default) {
        (Some(value), _) => format!("{key} = {value}"),
        (None, Some(default)) => {
            let value = setting.kind.parse(default).map_or(quoted(default), |v| v.toml());
            format!("# {key} = {value}  # {}", setting.help)
        }
        (None, None) => format!("# {key} =  # {} (not set)", setting.help),
    }
}
