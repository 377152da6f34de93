//! Reading a config file's text: each key checked against the settings
//! table (a typo names the closest setting), each value kept as the text
//! its setting parses, so that file, flags and `--set` are read alike.

use super::settings::{self, Kind, SETTINGS, Section};
use super::{Config, ConfigFile, scope};
use crate::error::{Error, Result};

/// A TOML value as the text a setting parses.
pub(super) fn toml_text(value: &toml::Value) -> Option<String> {
    match value {
        toml::Value::String(s) => Some(s.clone()),
        toml::Value::Integer(i) => Some(i.to_string()),
        // A list setting (`guest_ids = ["", "0"]`), as its text.
        toml::Value::Array(items) => items
            .iter()
            .map(|v| match v {
                toml::Value::String(s) => Some(s.clone()),
                toml::Value::Integer(i) => Some(i.to_string()),
                toml::Value::Boolean(b) => Some(b.to_string()),
                _ => None,
            })
            .collect::<Option<Vec<String>>>()
            .map(|values| crate::ingest::filter::list_text(&values)),
        // The shortest form that reads back as the same float: exact for
        // what a person typed (`0.14`, `69999.5`).
        toml::Value::Float(f) if f.is_finite() && !format!("{f}").contains('e') => Some(format!("{f}")),
        _ => None,
    }
}

/// "unknown setting" with the closest known name.
pub(super) fn unknown(name: &str) -> Error {
    let hint = settings::closest(name).map_or(String::new(), |n| format!(" — did you mean {n}?"));
    Error::Config(format!("unknown setting {name}{hint}"))
}

impl Config {
    /// Parses a config file's text: every key must be a setting of its
    /// section (a typo such as `churn_day` is an error that names the
    /// closest setting, not silently ignored).
    pub fn parse_file(text: &str) -> Result<ConfigFile> {
        let table: toml::Table = toml::from_str(text).map_err(|e| Error::Config(e.to_string()))?;
        let mut file = ConfigFile::default();
        let mut put = |name: String, value: &toml::Value| -> Result<()> {
            let s = SETTINGS
                .iter()
                .find(|s| s.name() == name)
                .ok_or_else(|| unknown(&name))?;
            let text = match value {
                // `lenient = true`: booleans only for on/off settings.
                toml::Value::Boolean(on) if s.kind == Kind::Switch => Some(on.to_string()),
                _ => toml_text(value),
            }
            .ok_or_else(|| Error::Config(format!("{name} must be {}, got {value}", s.kind.expected())))?;
            file.values.insert(name, text);
            Ok(())
        };
        for (key, value) in &table {
            match value {
                toml::Value::Table(inner) if key == "run" => file.run = Some(scope::run_file(inner)?),
                toml::Value::Table(inner) => {
                    if !Section::ALL.iter().any(|s| s.table() == Some(key.as_str())) {
                        let tables = Section::ALL.iter().filter_map(|s| s.table()).chain(["run"]);
                        let near = tables.min_by_key(|t| settings::edit_distance(key, t)).expect("tables");
                        return Err(Error::Config(format!("unknown table [{key}] — did you mean [{near}]?")));
                    }
                    for (k, v) in inner {
                        put(format!("{key}.{k}"), v)?;
                    }
                }
                _ => put(key.clone(), value)?,
            }
        }
        Ok(file)
    }
}
