//! The rules a run used, written down so that a number can be reproduced:
//! `tables/rules.toml` (a complete config file: `--config rules.toml` gives
//! the same run again), one line for the HTML report, and the same TOML,
//! with comments, for `cpm calibrate`.

use std::fmt::Write as _;

use crate::config::{Config, Scheme};
use crate::dates::{Day, format_day};
use crate::money::Money;

/// What a run read besides the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunInfo {
    /// The order file's name.
    pub input: String,
    pub as_of: Day,
}

/// A TOML string (basic string, escaped).
fn quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A money amount as TOML: an integer when whole, else a string (exact).
fn amount(m: Money) -> String {
    if m.0 % crate::money::SCALE == 0 {
        (m.0 / crate::money::SCALE).to_string()
    } else {
        quoted(&m.to_string())
    }
}

/// A fraction as TOML (the shortest float that reads back the same).
fn fraction(f: f64) -> String {
    let text = format!("{f}");
    if text.contains(['.', 'e', 'i', 'N']) {
        text
    } else {
        format!("{text}.0")
    }
}

/// Every setting of `config` as a TOML config file. `comment(key)` may add
/// a comment line above a key (`"cpm.churn_days"`, `"scheme"`, ...).
pub fn config_toml(
    config: &Config,
    header: &str,
    run: Option<&RunInfo>,
    comment: &dyn Fn(&str) -> Option<String>,
) -> String {
    let mut out = String::new();
    for line in header.lines() {
        let _ = writeln!(out, "# {line}");
    }
    if !header.is_empty() {
        out.push('\n');
    }
    let key = |out: &mut String, name: &str, value: String| {
        if let Some(text) = comment(name) {
            for line in text.lines() {
                let _ = writeln!(out, "# {line}");
            }
        }
        let short = name.rsplit('.').next().unwrap_or(name);
        let _ = writeln!(out, "{short} = {value}");
    };
    key(&mut out, "time_zone", quoted(config.time_zone.name()));
    key(&mut out, "scheme", quoted(config.scheme.id()));
    if let Some(run) = run {
        out.push_str("\n[run]  # what this run read (informational; ignored when the file is used as a config)\n");
        let _ = writeln!(out, "cpm_version = {}", quoted(env!("CARGO_PKG_VERSION")));
        let _ = writeln!(out, "input = {}", quoted(&run.input));
        let _ = writeln!(out, "as_of = {}", quoted(&format_day(run.as_of)));
        match &config.source {
            Some(source) => {
                let _ = writeln!(out, "config_file = {}", quoted(&source.path.display().to_string()));
                let _ = writeln!(out, "config_sha256 = {}", quoted(&source.sha256));
            }
            None => out.push_str("# no config file: the built-in defaults and command-line flags\n"),
        }
    }
    out.push_str("\n[columns]\n");
    key(&mut out, "columns.customer", quoted(&config.columns.customer));
    key(&mut out, "columns.date", quoted(&config.columns.date));
    key(&mut out, "columns.amount", quoted(&config.columns.amount));

    let r = &config.rules;
    out.push_str("\n[cpm]\n");
    key(&mut out, "cpm.churn_days", r.churn_days.to_string());
    key(&mut out, "cpm.toddler_days", r.toddler_days.to_string());
    key(&mut out, "cpm.loyal_days", r.loyal_days.to_string());
    key(&mut out, "cpm.loyal_amount", amount(r.loyal_amount));
    match &r.super_loyal {
        Some(s) => {
            key(&mut out, "cpm.super_loyal_amount", amount(s.amount));
            if let Some(days) = s.days {
                key(&mut out, "cpm.super_loyal_days", days.to_string());
            }
        }
        None => out.push_str("# super_loyal_amount: not set (no 超優良 tier)\n"),
    }

    let l = &config.lifecycle;
    out.push_str("\n[lifecycle]\n");
    key(&mut out, "lifecycle.active_days", l.active_days.to_string());
    key(&mut out, "lifecycle.dormant_days", l.dormant_days.to_string());
    key(
        &mut out,
        "lifecycle.vip_min_purchase_days",
        l.vip_min_purchase_days.to_string(),
    );
    key(&mut out, "lifecycle.vip_recency_days", l.vip_recency_days.to_string());
    key(&mut out, "lifecycle.vip_top_share", l.vip_top_share.to_string());
    key(
        &mut out,
        "lifecycle.new_max_purchase_days",
        l.new_max_purchase_days.to_string(),
    );

    out.push_str("\n[targets]\n");
    key(&mut out, "targets.conversion", fraction(config.conversion_target));
    key(&mut out, "targets.loyal_share", fraction(config.loyal_share_target));

    out.push_str("\n[response_rates]\n");
    let names = ["first", "toddler", "trendy", "steady", "loyal"];
    for (name, rate) in names.iter().zip(config.response_rates.by_tier) {
        key(&mut out, &format!("response_rates.{name}"), fraction(rate));
    }
    out
}

/// `tables/rules.toml`: the rules and what the run read.
pub fn rules_toml(config: &Config, run: &RunInfo) -> String {
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
pub fn rules_line(config: &Config) -> String {
    let r = &config.rules;
    match config.scheme {
        Scheme::Cpm => {
            let mut line = format!(
                "scheme = cpm; churn_days = {}, toddler_days = {}, loyal_days = {}, loyal_amount = {}",
                r.churn_days, r.toddler_days, r.loyal_days, r.loyal_amount
            );
            match &r.super_loyal {
                Some(s) => {
                    let _ = write!(line, ", super_loyal_amount = {}", s.amount);
                    if let Some(days) = s.days {
                        let _ = write!(line, ", super_loyal_days = {days}");
                    }
                }
                None => line.push_str(", super_loyal_amount = off"),
            }
            line
        }
        Scheme::Lifecycle => {
            let l = &config.lifecycle;
            format!(
                "scheme = lifecycle; active_days = {}, dormant_days = {}, vip_min_purchase_days = {}, \
                 vip_recency_days = {}, vip_top_share = {}, new_max_purchase_days = {} \
                 (conversion window: toddler_days = {})",
                l.active_days,
                l.dormant_days,
                l.vip_min_purchase_days,
                l.vip_recency_days,
                l.vip_top_share,
                l.new_max_purchase_days,
                r.toddler_days
            )
        }
    }
}

/// Where the rules came from, for people: the config file and its SHA-256,
/// or that there was none.
pub fn source_line(config: &Config, lang: crate::text::lang::Lang) -> String {
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
