//! Which column of the file plays which part. The configured name is
//! found exactly or ignoring case and blanks; for the three order columns,
//! when the configured name is absent, a column with a usual name for the
//! role is taken (and reported). A column that cannot be found is one
//! error naming the columns there are and the closest one.

use std::path::Path;

use super::attribute::Scope;
use super::columns::{closest, find_column};
use super::recognise::{self, Pick, Role};
use crate::config::Columns;
use crate::error::{Error, Result};

/// The file's names of the columns a run reads.
pub(super) struct Roles {
    pub(crate) customer: String,
    pub(crate) date: String,
    /// The amount column, or the first operand of the amount formula.
    pub(crate) amount: String,
    /// The amount formula's operand columns (empty without one).
    pub(crate) operands: Vec<String>,
    /// The breakdown column (`--by`).
    pub(crate) by: Option<String>,
    /// One column per filter of the scope, in its order.
    pub(crate) filters: Vec<String>,
    /// Columns taken by their usual names, the configured ones being absent.
    pub(crate) recognised: Vec<(Role, String)>,
    /// The `--keep-cols` columns, in their order.
    pub(crate) keep: Vec<String>,
}

/// Finds the columns of `columns` and `scope` among `names`, in the order
/// the errors are reported: customer, date, amount (or the formula's
/// operands), the breakdown column, the filters.
pub(super) fn resolve(path: &Path, names: &[String], columns: &Columns, scope: &Scope) -> Result<Roles> {
    let mut recognised = Vec::new();
    let mut by_role = |wanted: &str, what: &'static str, role: Role| -> Result<String> {
        match recognise::pick(names, wanted, Some(role)) {
            Pick::Named(n) => Ok(n.to_string()),
            Pick::Recognised(n) => {
                recognised.push((role, n.to_string()));
                Ok(n.to_string())
            }
            Pick::Ambiguous(found) => Err(ambiguous(path, what, role, &found)),
            Pick::Missing => lookup(path, names, wanted, what),
        }
    };
    let customer = by_role(&columns.customer, "customer", Role::Customer)?;
    let date = by_role(&columns.date, "date", Role::Date)?;
    let operands = match &scope.amount_formula {
        Some(f) => f
            .columns()
            .iter()
            .map(|c| lookup(path, names, c, "--amount"))
            .collect::<Result<Vec<_>>>()?,
        None => Vec::new(),
    };
    let amount = match operands.first() {
        Some(first) => first.clone(),
        None => by_role(&columns.amount, "amount", Role::Amount)?,
    };
    let by = scope
        .by
        .as_deref()
        .map(|b| lookup(path, names, b, "--by"))
        .transpose()?;
    let filters = scope
        .filters
        .iter()
        .map(|f| lookup(path, names, &f.column, if f.keep { "--where" } else { "--where-not" }))
        .collect::<Result<Vec<_>>>()?;
    let keep = scope
        .keep
        .iter()
        .map(|k| lookup(path, names, k, "--keep-cols"))
        .collect::<Result<Vec<_>>>()?;
    Ok(Roles {
        customer,
        date,
        amount,
        operands,
        by,
        filters,
        recognised,
        keep,
    })
}

/// The column named `wanted` (for `role`, as the message says it), or the
/// missing-column error: the columns found and the closest name.
pub(super) fn lookup(path: &Path, names: &[String], wanted: &str, role: &'static str) -> Result<String> {
    find_column(names, wanted).map(str::to_string).ok_or_else(|| {
        Error::MissingColumn(Box::new(crate::error::MissingColumn {
            path: path.to_path_buf(),
            wanted: wanted.to_string(),
            role,
            found: names.iter().map(|n| format!("'{n}'")).collect::<Vec<_>>().join(", "),
            hint: closest(names, wanted)
                .map(|c| format!(" — did you mean '{c}'?"))
                .unwrap_or_default(),
        }))
    })
}

/// Two columns equally likely for a role: the user names one.
pub(super) fn ambiguous(path: &Path, what: &str, role: Role, found: &[&str]) -> Error {
    let setting = crate::config::settings::find(role.setting());
    let flag = setting.and_then(|s| s.flag).unwrap_or_default();
    let list: Vec<String> = found.iter().map(|n| format!("'{n}'")).collect();
    Error::input(
        path,
        format!(
            "the {what} column is not named and {} are equally likely; name it with --{flag} or {} in cpm.toml",
            list.join(" and "),
            role.setting()
        ),
    )
}
