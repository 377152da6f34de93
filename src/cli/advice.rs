//! The advice commands: `calibrate` (thresholds suggested by the data) and
//! `whatif` (who moves under other thresholds).

use super::args::{CalibrateArgs, WhatifArgs};
use super::common::{config, load_config, overrides, today};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::output::file::{check_free, refuse_input, write_new};
use crate::tables::file_name;

/// The files a run reads: the orders and the config file.
fn inputs<'a>(run: &'a super::args::RunArgs, input: &'a std::path::Path) -> Vec<&'a std::path::Path> {
    std::iter::once(input).chain(run.config.as_deref()).collect()
}

pub(super) fn calibrate(args: &CalibrateArgs) -> Result<()> {
    let run = &args.input.run;
    let config = config(run)?;
    if let Some(out) = &args.out {
        refuse_input(out, &inputs(run, &args.input.input), "--out")?;
        check_free(out, args.force, "--out")?;
    }
    note_unused_by(&config, "calibrate");
    let (orders, ingest, _) = crate::ingest::read_scoped(
        &args.input.input,
        &config.columns,
        config.time_zone,
        &config.read,
        &filters_only(&config),
    )?;
    super::common::say_what_was_read(&ingest);
    let end = orders
        .day
        .iter()
        .copied()
        .filter(|&d| run.as_of.is_none_or(|a| d <= a))
        .max()
        .ok_or_else(|| Error::NoData(format!("{}: no usable order rows", ingest.path.display())))?;
    let for_impact = (orders.clone(), ingest.clone());
    let (tl, _) = crate::engine::timelines::build(orders, end);
    let calibration = crate::analysis::calibrate::calibrate(&tl, end, config.rules.loyal_days);
    print!("{}", calibration.text(&config, args.lang));
    println!("\n{}", args.lang.pick("提案と根拠", "The suggestions in words"));
    for sentence in calibration.advice(&config, args.lang) {
        println!("- {sentence}");
    }
    let suggested = calibration.suggested(&config);
    let impact = crate::analysis::whatif::run(for_impact.0, for_impact.1, &config, &suggested, run.as_of, today())?;
    println!("\n{}", crate::analysis::calibrate::advice::impact(&impact, args.lang));
    let toml = calibration.config_file(&config, &file_name(&ingest.path), args.lang);
    match &args.out {
        Some(out) => {
            write_new(out, toml.as_bytes(), args.force, "--out")?;
            eprintln!(
                "wrote {}: the suggested thresholds, commented with the evidence. Edit it, then use it with --config {} \
                 (or name it cpm.toml in the folder you run cpm from).",
                out.display(),
                out.display()
            );
        }
        None => {
            println!(
                "\n{}",
                args.lang.pick(
                    "# --- 提案の設定ファイル(まだ書き出していません。--out cpm.toml で書き出します) ---",
                    "# --- suggested config (not written; pass --out cpm.toml to write it) ---"
                )
            );
            print!("{toml}");
        }
    }
    Ok(())
}

pub(super) fn whatif(args: &WhatifArgs) -> Result<()> {
    let run = &args.input.run;
    let (file, source) = load_config(run.config.as_deref())?;
    let flags = overrides(run);
    let mut before = Config::resolve(&file, &flags)?;
    before.source = source.clone();
    let mut changed = flags.clone();
    for setting in &args.set {
        changed.set(setting)?;
    }
    // Both runs read the file once, as the flags and the file say.
    if let Some(name) = changed
        .values
        .keys()
        .find(|k| k.starts_with("read.") && flags.values.get(*k) != changed.values.get(*k))
    {
        return Err(Error::Usage(format!(
            "--set {name}: whatif compares rules on the orders as read once; set how the file is read \
             with its flag or in cpm.toml's [read] table"
        )));
    }
    let mut after = Config::resolve(&file, &changed)?;
    after.source = source;
    if let Some(out) = &args.out {
        refuse_input(out, &inputs(run, &args.input.input), "--out")?;
        check_free(out, args.force, "--out")?;
    }
    note_unused_by(&before, "whatif");
    let (orders, ingest, _) = crate::ingest::read_scoped(
        &args.input.input,
        &before.columns,
        before.time_zone,
        &before.read,
        &filters_only(&before),
    )?;
    super::common::say_what_was_read(&ingest);
    let result = crate::analysis::whatif::run(orders, ingest, &before, &after, run.as_of, today())?;
    print!("{}", result.text(args.lang));
    if let Some(out) = &args.out {
        write_new(out, result.csv().as_bytes(), args.force, "--out")?;
        eprintln!("wrote {}", out.display());
    }
    Ok(())
}

/// The config's filters without its breakdown column and kept columns:
/// calibrate and whatif work on the whole (scoped) run and write no lists.
fn filters_only(config: &Config) -> crate::ingest::attribute::Scope {
    crate::ingest::attribute::Scope {
        by: None,
        keep: Vec::new(),
        ..config.scope.clone()
    }
}

fn note_unused_by(config: &Config, command: &str) {
    if let Some(by) = &config.scope.by {
        eprintln!("note: cpm {command} works on the whole run; the breakdown by '{by}' is not used here");
    }
}
