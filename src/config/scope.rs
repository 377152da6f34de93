//! The `[run]` table, and the run's scope (spec sections 9 and 10): the
//! breakdown column and the filters, from `[run] by / where / where_not` in
//! the config file and
//! `--by`, `--where`, `--where-not` on the command line. Not rows of the
//! settings table: `where` takes a list, and the filters of file and flags
//! add up rather than one winning.

use super::parse::unknown;
use super::{ConfigFile, Overrides, RunFile};
use crate::error::{Error, Result};
use crate::ingest::attribute::Scope;
use crate::ingest::filter::{Filter, merge};

/// The keys of the `[run]` table.
const KEYS: [&str; 9] = [
    "by",
    "where",
    "where_not",
    "cpm_version",
    "input",
    "as_of",
    "config_file",
    "config_sha256",
    "plan",
];

/// The `[run]` table of a config file (or a `rules.toml`).
pub(super) fn run_file(inner: &toml::Table) -> Result<RunFile> {
    let text = |k: &str| inner.get(k).and_then(super::parse::toml_text);
    for k in inner.keys() {
        if !KEYS.contains(&k.as_str()) {
            return Err(unknown(&format!("run.{k}")));
        }
    }
    // `where = "p=a"` or `where = ["p=a", "q=b"]`.
    let entries = |k: &str| -> Result<Vec<String>> {
        match inner.get(k) {
            None => Ok(Vec::new()),
            Some(toml::Value::String(s)) => Ok(vec![s.clone()]),
            Some(toml::Value::Array(items)) => items
                .iter()
                .map(|v| match v {
                    toml::Value::String(s) => Ok(s.clone()),
                    other => Err(Error::Config(format!(
                        "run.{k} must list \"COLUMN=V1,V2\" strings, got {other}"
                    ))),
                })
                .collect(),
            Some(other) => Err(Error::Config(format!(
                "run.{k} must be a \"COLUMN=V1,V2\" string or a list of them, got {other}"
            ))),
        }
    };
    let by = match inner.get("by") {
        None => None,
        Some(toml::Value::String(s)) => Some(s.clone()),
        Some(other) => return Err(Error::Config(format!("run.by must be a column name, got {other}"))),
    };
    Ok(RunFile {
        by,
        where_: entries("where")?,
        where_not: entries("where_not")?,
        cpm_version: text("cpm_version"),
        input: text("input"),
        as_of: text("as_of"),
        config_file: text("config_file"),
        config_sha256: text("config_sha256"),
        plan: text("plan"),
    })
}

/// The breakdown column and the filters from file and flags: `--by` wins
/// over `[run] by` (an empty name turns the breakdown off); the filters of
/// both apply.
pub(super) fn resolve(file: &ConfigFile, flags: &Overrides) -> Result<Scope> {
    let run = file.run.clone().unwrap_or_default();
    let by = flags
        .by
        .clone()
        .or(run.by)
        .map(|b| b.trim().to_string())
        .filter(|b| !b.is_empty());
    let mut filters = Vec::new();
    for (entries, keep, flag) in [
        (&run.where_, true, false),
        (&flags.where_, true, true),
        (&run.where_not, false, false),
        (&flags.where_not, false, true),
    ] {
        for entry in entries {
            let filter = Filter::parse(entry, keep).map_err(|e| match flag {
                true => Error::Usage(e),
                false => Error::Config(format!("[run] {e}")),
            })?;
            filters.push(filter);
        }
    }
    Ok(Scope {
        by,
        filters: merge(filters),
        ..Scope::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn flags_add_filters_and_win_for_by() {
        let file = Config::parse_file("[run]\nby = \"shop\"\nwhere = \"product=青汁\"\nwhere_not = [\"shop=楽天\"]\n")
            .unwrap();
        let flags = Overrides {
            by: Some("channel".into()),
            where_: vec!["product=黒酢".into(), "shop=公式".into()],
            ..Overrides::default()
        };
        let scope = resolve(&file, &flags).unwrap();
        assert_eq!(scope.by.as_deref(), Some("channel"));
        let described: Vec<String> = scope.filters.iter().map(|f| f.describe()).collect();
        assert_eq!(
            described,
            [
                "--where product=青汁,黒酢",
                "--where shop=公式",
                "--where-not shop=楽天"
            ]
        );
        let off = Overrides {
            by: Some(" ".into()),
            ..Overrides::default()
        };
        assert_eq!(resolve(&file, &off).unwrap().by, None);
        assert!(Config::parse_file("[run]\nby = 3\n").is_err());
        assert!(Config::parse_file("[run]\nwhere = [1]\n").is_err());
        assert!(Config::parse_file("[run]\nwhen = \"x\"\n").is_err());
        let bad = Config::parse_file("[run]\nwhere = \"product\"\n").unwrap();
        assert!(matches!(resolve(&bad, &Overrides::default()), Err(Error::Config(_))));
        let bad_flag = Overrides {
            where_: vec!["product".into()],
            ..Overrides::default()
        };
        assert!(matches!(
            resolve(&ConfigFile::default(), &bad_flag),
            Err(Error::Usage(_))
        ));
    }
}
