//! From an opened source to the rows a run uses: the scope's columns first
//! (filters, breakdown, exclusions), then the three order columns parsed
//! exactly, then every row left out accounted for — filtered, cancelled,
//! guest, or (in lenient mode) bad — so that the report can say
//! `rows read = used + rejected + excluded`.

use std::path::Path;

use chrono_tz::Tz;
use polars::prelude::*;

use super::columns::{BadCell, read_amounts, read_customers, read_days};
use super::resolve::{self, Roles};
use super::source::Source;
use super::{IngestReport, attribute::Scope};
use super::{ReadOptions, RejectedRow, attribute, exclude, formula};
use crate::config::Columns;
use crate::dates::Day;
use crate::error::{Error, Result};
use crate::money::Money;
use crate::orders::{Attribute, Customers, Grouping, Orders, Rows};

/// Reads the rows of `source` (called `path` in messages) as `columns` and
/// `scope` say.
pub(super) fn read_source(
    path: &Path,
    mut source: Source,
    columns: &Columns,
    tz: Tz,
    options: &ReadOptions,
    scope: &Scope,
) -> Result<(Rows, IngestReport, Option<Attribute>)> {
    let names = source.names();
    let roles = resolve::resolve(path, &names, columns, scope)?;
    let height = source.height();
    if height == 0 {
        return Err(Error::input(path, "no order rows: the file has a header but no data"));
    }
    let (filter_keep, mut attribute) =
        attribute::read_scope(path, &mut source, scope, roles.by.as_deref(), &roles.filters)?;
    let (flags, suspect_cancel) = read_exclusions(path, &mut source, &names, &roles, scope)?;

    // Read before the order columns are taken out of the source.
    let mut kept = read_kept(path, &mut source, &roles.keep)?;
    let mut bad_cells: Vec<BadCell> = Vec::new();
    let (grouping, day, amount) = parse_columns(path, &mut source, &roles, tz, scope, &mut bad_cells)?;
    let mut report = first_report(path, &source, height, scope, suspect_cancel, roles.recognised.clone());
    if let Some(keep) = &filter_keep {
        report.excluded_by_filter = keep.iter().filter(|&&k| !k).count() as u64;
    }
    let filter_keep = exclude::apply(
        filter_keep,
        flags.as_deref(),
        &amount,
        &mut report.cancelled,
        &mut report.guest_orders,
    );
    if let Some(keep) = &filter_keep {
        bad_cells.retain(|c| keep[c.row]);
    }
    let keep = if bad_cells.is_empty() {
        filter_keep
    } else {
        let keep = filter_keep.unwrap_or_else(|| vec![true; height]);
        Some(reject(path, &source, &roles, options, bad_cells, keep, &mut report)?)
    };
    let Some(keep) = keep else {
        check_sum(path, &amount)?;
        report.kept = kept;
        let rows = Rows {
            customers: Customers::Grouped(grouping),
            day,
            amount,
        };
        return Ok((rows, report, attribute));
    };
    let (customer, ids) = grouping.finish();
    let mut orders = Orders {
        ids,
        customer,
        day,
        amount,
    };
    orders.retain(&keep);
    for a in attribute.iter_mut().chain(&mut kept) {
        a.retain(&keep);
    }
    report.kept = kept;
    check_sum(path, &orders.amount)?;
    Ok((Rows::from(orders), report, attribute))
}

/// One flag a row, `Some(reason)` for a row left out as cancelled or a
/// guest's.
type Exclusions = Vec<Option<exclude::Exclusion>>;

/// The cancelled and guest rows (`None`: the scope names neither) and,
/// without a cancel column, a column that looks like one.
fn read_exclusions(
    path: &Path,
    source: &mut Source,
    names: &[String],
    roles: &Roles,
    scope: &Scope,
) -> Result<(Option<Exclusions>, Option<exclude::SuspectCancel>)> {
    let cancel_name = scope
        .cancel
        .as_deref()
        .map(|c| resolve::lookup(path, names, c, "--cancel-col"))
        .transpose()?;
    let flags = exclude::read_exclusions(path, source, scope, cancel_name.as_deref(), &roles.customer)?;
    let suspect_cancel = match cancel_name {
        Some(_) => None,
        None => {
            let others: Vec<String> = names
                .iter()
                .filter(|n| ![&roles.customer, &roles.date, &roles.amount].contains(n))
                .cloned()
                .collect();
            exclude::suspect_cancel(path, source, &others)?
        }
    };
    Ok((flags, suspect_cancel))
}

/// The `--keep-cols` columns, as text (nothing read without them).
fn read_kept(path: &Path, source: &mut Source, names: &[String]) -> Result<Vec<Attribute>> {
    names
        .iter()
        .map(|name| attribute::read_attribute(&source.peek(path, name)?).map_err(|e| Error::input(path, e.to_string())))
        .collect()
}

/// The three order columns, one at a time (each column's frame is dropped
/// once parsed); their bad cells go to `bad_cells`.
fn parse_columns(
    path: &Path,
    source: &mut Source,
    roles: &Roles,
    tz: Tz,
    scope: &Scope,
    bad_cells: &mut Vec<BadCell>,
) -> Result<(Grouping, Vec<Day>, Vec<Money>)> {
    let polars_err = |e: PolarsError| Error::input(path, e.to_string());
    let grouping = read_customers(source.take(path, &roles.customer)?, bad_cells).map_err(polars_err)?;
    let day = read_days(&source.take(path, &roles.date)?, tz, bad_cells).map_err(polars_err)?;
    let amount = match &scope.amount_formula {
        None => read_amounts(&source.take(path, &roles.amount)?, bad_cells).map_err(polars_err)?,
        Some(formula) => amount_of_formula(path, source, formula, &roles.operands, bad_cells)?,
    };
    Ok((grouping, day, amount))
}

/// The report before the rows left out are counted: the source's format
/// and layout, and the records that are not rows of the frame (repeated
/// headers, and in lenient mode records that could not be split into
/// fields).
fn first_report(
    path: &Path,
    source: &Source,
    height: usize,
    scope: &Scope,
    suspect_cancel: Option<exclude::SuspectCancel>,
    recognised: Vec<(super::recognise::Role, String)>,
) -> IngestReport {
    let (encoding, delimiter, layout, skipped) = match source {
        Source::Csv(c) => (
            Some(c.encoding),
            Some(c.delimiter),
            Some(c.layout.clone()),
            c.skipped.as_slice(),
        ),
        Source::Frame(_) | Source::Parquet { .. } => (None, None, None, &[][..]),
    };
    let rejected = skipped
        .iter()
        .map(|s| RejectedRow {
            place: format!("line {}", s.line),
            line: s.line,
            column: String::new(),
            value: s.text.clone(),
            problem: s.problem,
        })
        .collect();
    IngestReport {
        path: path.to_path_buf(),
        format: match source {
            Source::Csv(_) => "csv",
            Source::Frame(_) => "frame",
            Source::Parquet { .. } => "parquet",
        },
        encoding,
        delimiter,
        rows_read: (height + skipped.len()) as u64,
        rejected,
        layout,
        excluded_by_filter: 0,
        filters: scope.filters.iter().map(|f| f.describe()).collect(),
        cancelled: exclude::Counted::default(),
        guest_orders: exclude::Counted::default(),
        suspect_cancel,
        recognised,
        kept: Vec::new(),
    }
}

/// Bad cells among the rows kept: strictly, the first in file order (within
/// a row, in column order) is the error; leniently, their rows are left out
/// and listed in the report. `keep` holds the rows kept so far; returns it
/// without the bad rows.
fn reject(
    path: &Path,
    source: &Source,
    roles: &Roles,
    options: &ReadOptions,
    mut bad_cells: Vec<BadCell>,
    mut keep: Vec<bool>,
    report: &mut IngestReport,
) -> Result<Vec<bool>> {
    let order_of = |c: &BadCell| {
        [&roles.customer, &roles.date, &roles.amount]
            .iter()
            .position(|n| n.as_str() == c.column.as_str())
            .unwrap_or(3)
    };
    bad_cells.sort_by_key(|c| (c.row, order_of(c)));
    if !options.lenient {
        let first = &bad_cells[0];
        return Err(Error::BadValue(Box::new(crate::error::BadValue {
            path: path.to_path_buf(),
            place: source.place(first.row),
            column: first.column.clone(),
            value: first.value.clone(),
            problem: first.problem.describe().to_string(),
            expected: first.expected.to_string(),
        })));
    }
    bad_cells.retain(|cell| std::mem::replace(&mut keep[cell.row], false));
    let bad_rows: Vec<usize> = bad_cells.iter().map(|c| c.row).collect();
    let lines = source.lines(&bad_rows);
    for (cell, (place, line)) in bad_cells.iter().zip(lines) {
        report.rejected.push(RejectedRow {
            place,
            line,
            column: cell.column.clone(),
            value: cell.value.clone(),
            problem: cell.problem,
        });
    }
    report.rejected.sort_by_key(|r| r.line);
    Ok(keep)
}

/// The amount of every row by `formula`, its operand columns (`names`)
/// read as amounts, their bad cells in `bad_cells`.
fn amount_of_formula(
    path: &Path,
    source: &mut Source,
    formula: &formula::Formula,
    names: &[String],
    bad_cells: &mut Vec<BadCell>,
) -> Result<Vec<Money>> {
    let polars_err = |e: PolarsError| Error::input(path, e.to_string());
    let values = names
        .iter()
        .map(|n| read_amounts(&source.peek(path, n)?, bad_cells).map_err(polars_err))
        .collect::<Result<Vec<_>>>()?;
    formula.eval(&values).map_err(|(row, why)| {
        let cells: Vec<String> = names
            .iter()
            .zip(&values)
            .map(|(n, v)| format!("{n}={}", v[row]))
            .collect();
        Error::BadValue(Box::new(crate::error::BadValue {
            path: path.to_path_buf(),
            place: source.place(row),
            column: formula.text.clone(),
            value: cells.join(", "),
            problem: why.to_string(),
            expected: "an amount with at most 6 decimals".to_string(),
        }))
    })
}

/// Every sum the engine makes (a customer's day, total, a segment's sales)
/// is at most the sum of all amounts' sizes; past `i64` millionths it would
/// overflow, so such a file is refused rather than summed wrongly.
fn check_sum(path: &Path, amount: &[Money]) -> Result<()> {
    let sum: i128 = crate::parallel::map_ranges(amount.len(), |r| {
        amount[r].iter().map(|a| i128::from(a.0).abs()).sum::<i128>()
    })
    .into_iter()
    .sum();
    if sum > i128::from(i64::MAX) {
        return Err(Error::input(
            path,
            format!(
                "the amounts add up to {} in absolute value, more than the {} this engine sums exactly; \
                 check the amount column for misplaced digits",
                crate::money::format_micros(sum),
                crate::money::format_micros(i128::from(i64::MAX))
            ),
        ));
    }
    Ok(())
}
