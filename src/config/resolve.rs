//! Merging the flags over the file over the defaults into a [`Config`],
//! with every value checked and the rules between settings enforced.

use std::collections::BTreeMap;

use super::settings::{SETTINGS, Value};
use super::{Columns, Config, ConfigFile, Overrides, ResponseRates, Scheme, scope};
use crate::engine::lifecycle::LifecycleRules;
use crate::engine::segments::{CpmRules, SuperLoyal};
use crate::error::{Error, Result};
use crate::ingest::ReadOptions;
use crate::ingest::attribute::Scope;

/// Every setting's value after the merge, by qualified name (`None`: unset).
struct Values(BTreeMap<String, Option<Value>>);

impl Values {
    /// Flags over the file over the defaults, each parsed by its kind.
    fn merge(file: &ConfigFile, flags: &Overrides) -> Result<Values> {
        let mut values = BTreeMap::new();
        for s in SETTINGS {
            let name = s.name();
            let raw = flags
                .values
                .get(&name)
                .or_else(|| file.values.get(&name))
                .map(String::as_str)
                .or(s.default);
            let value = raw
                .map(|text| s.kind.parse(text).map_err(|e| Error::Config(format!("{name} {e}"))))
                .transpose()?;
            values.insert(name, value);
        }
        Ok(Values(values))
    }

    fn get(&self, name: &str) -> Option<Value> {
        self.0.get(name).cloned().flatten()
    }

    fn whole(&self, name: &str) -> i64 {
        match self.get(name) {
            Some(Value::Whole(n)) => n,
            other => unreachable!("{name} is whole: {other:?}"),
        }
    }

    fn text(&self, name: &str) -> Option<String> {
        match self.get(name) {
            Some(Value::Text(t)) => Some(t),
            None => None,
            other => unreachable!("{name} is text: {other:?}"),
        }
    }

    fn list(&self, name: &str) -> Option<Vec<String>> {
        match self.get(name) {
            Some(Value::List(values)) => Some(values),
            _ => None,
        }
    }

    fn fraction(&self, name: &str) -> f64 {
        match self.get(name) {
            Some(Value::Fraction(f)) => f,
            other => unreachable!("{name} is a fraction: {other:?}"),
        }
    }

    fn amount(&self, name: &str) -> Option<crate::money::Money> {
        match self.get(name) {
            Some(Value::Amount(m)) => Some(m),
            _ => None,
        }
    }

    fn switch(&self, name: &str) -> bool {
        match self.get(name) {
            Some(Value::Switch(on)) => on,
            other => unreachable!("{name} is a switch: {other:?}"),
        }
    }

    /// How the order file is read.
    fn read(&self) -> ReadOptions {
        let (Some(Value::Encoding(encoding)), Some(Value::Delimiter(delimiter))) =
            (self.get("read.encoding"), self.get("read.delimiter"))
        else {
            unreachable!("read.encoding and read.delimiter have defaults")
        };
        ReadOptions {
            encoding,
            delimiter,
            lenient: self.switch("read.lenient"),
        }
    }

    /// The CPM rules, with the 超優良 tier checked against 優良.
    fn cpm_rules(&self, flags: &Overrides, scheme: Scheme) -> Result<CpmRules> {
        let loyal_days = self.whole("cpm.loyal_days") as i32;
        let loyal_amount = self.amount("cpm.loyal_amount").expect("loyal_amount has a default");
        let super_days = self
            .get("cpm.super_loyal_days")
            .map(|_| self.whole("cpm.super_loyal_days") as i32);
        let super_loyal = match self.amount("cpm.super_loyal_amount") {
            None => {
                let turned_off = flags
                    .values
                    .get("cpm.super_loyal_amount")
                    .is_some_and(|v| v.trim() == "off");
                if super_days.is_some() && !turned_off {
                    return Err(Error::Config(
                        "super_loyal_days is set but super_loyal_amount is not: the 超優良 tier needs an amount".into(),
                    ));
                }
                None
            }
            Some(amount) => {
                if amount < loyal_amount {
                    return Err(Error::Config(format!(
                        "super_loyal_amount ({amount}) must be at least loyal_amount ({loyal_amount}): 超優良 is a part of 優良"
                    )));
                }
                if let Some(d) = super_days.filter(|&d| d < loyal_days) {
                    return Err(Error::Config(format!(
                        "super_loyal_days ({d}) must be at least loyal_days ({loyal_days}): 超優良 is a part of 優良"
                    )));
                }
                Some(SuperLoyal {
                    amount,
                    days: super_days,
                })
            }
        };
        let toddler_days = self.whole("cpm.toddler_days") as i32;
        // In the lifecycle scheme toddler_days is only the conversion window.
        if scheme == Scheme::Cpm && toddler_days >= loyal_days {
            return Err(Error::Config(format!(
                "cpm.toddler_days ({toddler_days}) must be less than loyal_days ({loyal_days}): \
                 よちよち ends before 流行/優良 can begin"
            )));
        }
        Ok(CpmRules::new(
            self.whole("cpm.churn_days") as i32,
            toddler_days,
            loyal_days,
            loyal_amount,
        )
        .with_super_loyal(super_loyal))
    }

    /// The customer, date and amount columns: three different ones.
    fn columns(&self) -> Result<Columns> {
        let text = |name: &str| self.text(name).expect("the columns have defaults");
        let columns = Columns {
            customer: text("columns.customer"),
            date: text("columns.date"),
            amount: text("columns.amount"),
        };
        for (a, b, x, y) in [
            ("customer", "date", &columns.customer, &columns.date),
            ("customer", "amount", &columns.customer, &columns.amount),
            ("date", "amount", &columns.date, &columns.amount),
        ] {
            if x.trim().eq_ignore_ascii_case(y.trim()) {
                return Err(Error::Config(format!(
                    "the {a} and {b} columns are both '{x}': each role needs a column of its own \
                     (set columns.{a} / columns.{b}, or --{a}-col / --{b}-col)"
                )));
            }
        }
        Ok(columns)
    }

    /// The lifecycle rules, with 休眠予備軍 between active and dormant.
    fn lifecycle(&self) -> Result<LifecycleRules> {
        let (active_days, dormant_days) = (
            self.whole("lifecycle.active_days"),
            self.whole("lifecycle.dormant_days"),
        );
        if active_days > dormant_days {
            return Err(Error::Config(format!(
                "lifecycle.active_days ({active_days}) must not be more than dormant_days ({dormant_days}): \
                 休眠予備軍 (at risk) lies between them"
            )));
        }
        let Some(Value::Share(vip_top_share)) = self.get("lifecycle.vip_top_share") else {
            unreachable!("vip_top_share is a share")
        };
        Ok(LifecycleRules::new(
            active_days as i32,
            dormant_days as i32,
            self.whole("lifecycle.vip_min_purchase_days") as u32,
            self.whole("lifecycle.vip_recency_days") as i32,
            vip_top_share,
            self.whole("lifecycle.new_max_purchase_days") as u32,
        ))
    }

    /// The cancel, guest and formula settings, over the file's and the
    /// flags' breakdown and filters.
    fn scope(&self, file: &ConfigFile, flags: &Overrides) -> Result<Scope> {
        Ok(Scope {
            cancel: self.text("columns.cancel"),
            cancel_values: self.list("columns.cancel_values").unwrap_or_default(),
            guest_ids: self.list("columns.guest_ids"),
            amount_formula: self
                .text("columns.amount_formula")
                .map(|f| crate::ingest::formula::Formula::parse(&f))
                .transpose()
                .map_err(Error::Config)?,
            keep: keep_columns(self.list("columns.keep").unwrap_or_default())?,
            ..scope::resolve(file, flags)?
        })
    }
}

/// The `--keep-cols` columns: each once, and none named like a column the
/// lists already have (an MA tool would see two columns of one name).
fn keep_columns(keep: Vec<String>) -> Result<Vec<String>> {
    let taken: Vec<&str> = crate::tables::CUSTOMERS_HEADER
        .trim_end()
        .split(',')
        .chain([crate::report::lists::SEGMENT_NAME])
        .collect();
    for (i, name) in keep.iter().enumerate() {
        if name.is_empty() {
            return Err(Error::Config("columns.keep: a column name is empty".into()));
        }
        if keep[..i].contains(name) {
            return Err(Error::Config(format!("columns.keep names '{name}' twice")));
        }
        if taken.contains(&name.as_str()) {
            return Err(Error::Config(format!(
                "columns.keep: '{name}' is a column the lists already have ({}); rename it in the export",
                taken.join(", ")
            )));
        }
    }
    Ok(keep)
}

impl Config {
    /// Merges flags over the file over the defaults, and checks every value
    /// and the rules between them.
    pub fn resolve(file: &ConfigFile, flags: &Overrides) -> Result<Config> {
        let v = Values::merge(file, flags)?;
        let Some(Value::Scheme(scheme)) = v.get("scheme") else {
            unreachable!("scheme is a scheme")
        };
        let Some(Value::TimeZone(time_zone)) = v.get("time_zone") else {
            unreachable!("time_zone is a time zone")
        };
        Ok(Config {
            rules: v.cpm_rules(flags, scheme)?,
            columns: v.columns()?,
            time_zone,
            scheme,
            lifecycle: v.lifecycle()?,
            conversion_target: v.fraction("targets.conversion"),
            loyal_share_target: v.fraction("targets.loyal_share"),
            response_rates: ResponseRates {
                by_tier: ["first", "toddler", "trendy", "steady", "loyal"]
                    .map(|tier| v.fraction(&format!("response_rates.{tier}"))),
            },
            read: v.read(),
            strict_month: v.switch("read.strict_month"),
            source: None,
            scope: v.scope(file, flags)?,
        })
    }
}
