//! The rules a run used, written down so that a number can be reproduced:
//! `tables/rules.toml` (a complete config file: `--config rules.toml` gives
//! the same run again), one line for the HTML report, and the same TOML,
//! with comments, for `cpm calibrate`.

use std::fmt::Write as _;

use crate::config::settings::{SETTINGS, Section, Value, quoted};
use crate::config::{Config, Scheme};
use crate::dates::{Day, format_day};

/// What a run read besides the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RunInfo {
    /// The order file's name.
    pub(crate) input: String,
    pub(crate) as_of: Day,
}

/// Every setting of `config` as a TOML config file, in the order of the
/// settings table. `comment(key)` may add a comment line above a key
/// (`"cpm.churn_days"`, `"scheme"`, ...).
pub(crate) fn config_toml(
    config: &Config,
    header: &str,
    run: Option<&RunInfo>,
    comment: &dyn Fn(&str) -> Option<String>,
) -> String {
    config_toml_with(config, header, run.map(|r| (r.input.as_str(), Some(r.as_of))), comment)
}

/// [`config_toml`] for a run whose as-of date is not known yet (`cpm sql`
/// without `--as-of`: the data decide it): the `[run]` table without
/// `as_of`, which readers take from `data_quality.csv`.
pub(crate) fn config_toml_open_as_of(config: &Config, header: &str, input: &str) -> String {
    config_toml_with(config, header, Some((input, None)), &|_| None)
}

fn config_toml_with(
    config: &Config,
    header: &str,
    run: Option<(&str, Option<Day>)>,
    comment: &dyn Fn(&str) -> Option<String>,
) -> String {
    let mut out = String::new();
    for line in header.lines() {
        let _ = writeln!(out, "# {line}");
    }
    if !header.is_empty() {
        out.push('\n');
    }
    for section in Section::ALL {
        if let Some(table) = section.table() {
            let _ = writeln!(out, "\n[{table}]");
        }
        for s in SETTINGS.iter().filter(|s| s.section == section) {
            let name = s.name();
            if let Some(text) = comment(&name) {
                for line in text.lines() {
                    let _ = writeln!(out, "# {line}");
                }
            }
            match (s.get)(config) {
                Some(Value::Off) => {
                    let _ = writeln!(out, "# {} = off (not set)", s.key);
                }
                Some(value) => {
                    let _ = writeln!(out, "{} = {}", s.key, value.toml());
                }
                None => {}
            }
        }
        if section == Section::Top
            && let Some(run) = run
        {
            run_table(&mut out, config, run.0, run.1);
        }
    }
    out
}

/// The `[run]` table: the breakdown column and the filters (`by`,
/// `where`, `where_not`: they scope the run when the file is used as a
/// config), then what the run read (informational).
fn run_table(out: &mut String, config: &Config, input: &str, as_of: Option<Day>) {
    out.push_str("\n[run]  # by, where, where_not scope the run; the rest is what it read (informational)\n");
    let scope = &config.scope;
    if let Some(by) = &scope.by {
        let _ = writeln!(out, "by = {}", quoted(by));
    }
    for (name, keep) in [("where", true), ("where_not", false)] {
        let entries: Vec<String> = scope
            .filters
            .iter()
            .filter(|f| f.keep == keep)
            .map(|f| quoted(&f.entry()))
            .collect();
        if !entries.is_empty() {
            let _ = writeln!(out, "{name} = [{}]", entries.join(", "));
        }
    }
    let _ = writeln!(out, "cpm_version = {}", quoted(env!("CARGO_PKG_VERSION")));
    let _ = writeln!(out, "input = {}", quoted(input));
    match as_of {
        Some(as_of) => {
            let _ = writeln!(out, "as_of = {}", quoted(&format_day(as_of)));
        }
        None => out.push_str("# as_of: the last snapshot, as data_quality.csv records it\n"),
    }
    match &config.source {
        Some(source) => {
            let _ = writeln!(out, "config_file = {}", quoted(&source.path.display().to_string()));
            let _ = writeln!(out, "config_sha256 = {}", quoted(&source.sha256));
        }
        None => out.push_str("# no config file: the built-in defaults and command-line flags\n"),
    }
}

/// `tables/rules.toml`: the rules and what the run read.
pub(crate) fn rules_toml(config: &Config, run: &RunInfo) -> String {
    let header = format!(
        "The rules these tables were computed with (cpm {}).\n\
         To reproduce them: cpm tables --config rules.toml --input {} --as-of {} --out-dir DIR",
        env!("CARGO_PKG_VERSION"),
        run.input,
        format_day(run.as_of)
    );
    config_toml(config, &header, Some(run), &|_| None)
}

/// The scheme's thresholds on one line, e.g. `scheme = cpm; churn_days =
/// 240, toddler_days = 90, loyal_days = 210, loyal_amount = 70000`.
pub(crate) fn rules_line(config: &Config) -> String {
    let section = match config.scheme {
        Scheme::Cpm => Section::Cpm,
        Scheme::Lifecycle => Section::Lifecycle,
    };
    let values: Vec<String> = SETTINGS
        .iter()
        .filter(|s| s.section == section)
        .filter_map(|s| Some(format!("{} = {}", s.key, (s.get)(config)?.text())))
        .collect();
    let mut line = format!("scheme = {}; {}", config.scheme.id(), values.join(", "));
    if config.scheme == Scheme::Lifecycle {
        let _ = write!(
            line,
            " (conversion window: toddler_days = {})",
            config.rules.toddler_days
        );
    }
    line
}

/// Where the rules came from, for people: the config file and its SHA-256,
/// or that there was none.
pub(crate) fn source_line(config: &Config, lang: crate::text::lang::Lang) -> String {
    match &config.source {
        Some(s) => format!("{} (SHA-256 {})", s.path.display(), s.sha256),
        None => lang
            .pick(
                "なし(既定値とコマンドラインの指定のみ)",
                "none (built-in defaults and command-line flags)",
            )
            .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{ConfigSource, Overrides};

    #[test]
    fn rules_toml_reads_back_as_the_same_config() {
        let file = Config::parse_file(
            "scheme = \"lifecycle\"\n[cpm]\nloyal_amount = \"50000.5\"\nsuper_loyal_amount = 200000\n\
             super_loyal_days = 400\n[lifecycle]\nvip_top_share = 0.14\n[columns]\ncustomer = \"会員\\\"ID\"\n\
             [targets]\nconversion = 0.3\n",
        )
        .unwrap();
        let mut config = Config::resolve(&file, &Overrides::default()).unwrap();
        config.source = Some(ConfigSource::of("cpm.toml".into(), b"x"));
        let run = RunInfo {
            input: "orders.csv".into(),
            as_of: crate::dates::parse_iso_day("2025-12-31").unwrap(),
        };
        let text = rules_toml(&config, &run);
        assert!(text.contains("config_sha256 = \"2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881\""));
        assert!(text.contains("as_of = \"2025-12-31\""));
        let mut back = Config::resolve(&Config::parse_file(&text).unwrap(), &Overrides::default()).unwrap();
        back.source = config.source.clone();
        assert_eq!(back, config);
        // The defaults, too.
        let text = rules_toml(&Config::default(), &run);
        assert!(text.contains("# no config file"));
        let back = Config::resolve(&Config::parse_file(&text).unwrap(), &Overrides::default()).unwrap();
        assert_eq!(back, Config::default());
        assert_eq!(
            rules_line(&Config::default()),
            "scheme = cpm; churn_days = 240, toddler_days = 90, loyal_days = 210, loyal_amount = 70000, \
             super_loyal_amount = off"
        );
    }
}
