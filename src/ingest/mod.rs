//! Reading order histories: CSV (UTF-8 or Shift_JIS) and Parquet, into
//! exact, typed columns. The only module besides `report` that touches files.

pub mod attribute;
pub mod columns;
pub mod csv;
pub mod exclude;
pub mod filter;
pub mod formula;
pub mod intern;
pub mod recognise;
pub mod survey;
pub mod text;

use std::path::{Path, PathBuf};

use chrono_tz::Tz;
use polars::prelude::*;

use self::attribute::{Attribute, Scope};
use self::columns::{BadCell, closest, find_column, read_amounts, read_customers, read_days};
use self::csv::{CsvFrame, Encoding};
use self::intern::Grouping;
use self::recognise::{Pick, Role};
use self::text::CellProblem;
use crate::config::Columns;
use crate::dates::Day;
use crate::error::{Error, Result};
use crate::ids::CustomerIds;
use crate::money::Money;

/// Order rows as parallel columns; `customer[i]` indexes `ids` (codes in
/// order of first appearance).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Orders {
    pub ids: CustomerIds,
    pub customer: Vec<u32>,
    pub day: Vec<Day>,
    pub amount: Vec<Money>,
}

impl Orders {
    pub fn len(&self) -> usize {
        self.customer.len()
    }

    pub fn is_empty(&self) -> bool {
        self.customer.is_empty()
    }

    /// Builds orders from `(customer_id, day, amount)` rows (tests, tools).
    pub fn from_rows<'a>(rows: impl IntoIterator<Item = (&'a str, Day, Money)>) -> Orders {
        let mut interner = intern::Interner::default();
        let mut orders = Orders::default();
        for (id, day, amount) in rows {
            orders.customer.push(interner.code(id));
            orders.day.push(day);
            orders.amount.push(amount);
        }
        orders.ids = interner.into_ids();
        orders
    }
}

/// Order rows as read: the same columns as [`Orders`], but when every row
/// was read the customers are still in their id-hash partitions, from
/// which the engine groups rows straight into timelines
/// (`engine::grouped`) without a per-row code array.
#[derive(Debug, Clone)]
pub struct Rows {
    pub customers: Customers,
    pub day: Vec<Day>,
    pub amount: Vec<Money>,
}

#[derive(Debug, Clone)]
pub enum Customers {
    /// Every row has an id and is in the grouping.
    Grouped(Grouping),
    /// `customer[i]` indexes `ids`, as in [`Orders`].
    Coded { ids: CustomerIds, customer: Vec<u32> },
}

impl Rows {
    pub fn len(&self) -> usize {
        self.day.len()
    }

    pub fn is_empty(&self) -> bool {
        self.day.is_empty()
    }

    /// Every row with its customer code (codes in order of first appearance).
    pub fn into_orders(self) -> Orders {
        let (customer, ids) = match self.customers {
            Customers::Grouped(grouping) => grouping.finish(),
            Customers::Coded { ids, customer } => (customer, ids),
        };
        Orders {
            ids,
            customer,
            day: self.day,
            amount: self.amount,
        }
    }
}

impl From<Orders> for Rows {
    fn from(o: Orders) -> Rows {
        Rows {
            customers: Customers::Coded {
                ids: o.ids,
                customer: o.customer,
            },
            day: o.day,
            amount: o.amount,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// `None`: detect (BOM, UTF-8, else Shift_JIS).
    pub encoding: Option<Encoding>,
    /// `None`: detect from the header line.
    pub delimiter: Option<u8>,
    /// Skip bad rows (counted and listed) instead of stopping at the first.
    pub lenient: bool,
}

/// A row left out (bad rows in lenient mode; repeated headers always), and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedRow {
    /// `line 12` (text files) or `row 12` (Parquet).
    pub place: String,
    /// The number in `place`: 1-based line (text) or row (Parquet).
    pub line: u64,
    pub column: String,
    pub value: String,
    pub problem: CellProblem,
}

/// What was read, for the data-quality summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngestReport {
    pub path: PathBuf,
    pub format: &'static str,
    pub encoding: Option<Encoding>,
    pub delimiter: Option<u8>,
    pub rows_read: u64,
    pub rejected: Vec<RejectedRow>,
    /// Text files: where the header was, lines skipped around the rows.
    pub layout: Option<csv::Layout>,
    /// Rows read but left out by `--where` / `--where-not` (spec section 10).
    pub excluded_by_filter: u64,
    /// Those filters, as written on the command line.
    pub filters: Vec<String>,
    /// Lines flagged in the cancel column (`--cancel-col`), left out.
    pub cancelled: exclude::Counted,
    /// Guest orders (`--guest-ids`), left out.
    pub guest_orders: exclude::Counted,
    /// Without `--cancel-col`: a column that looks like a cancel flag.
    pub suspect_cancel: Option<exclude::SuspectCancel>,
    /// Columns taken by their usual names, the default ones being absent.
    pub recognised: Vec<(Role, String)>,
}

impl IngestReport {
    /// For orders built in memory rather than read from a file.
    pub fn in_memory(rows: usize) -> IngestReport {
        IngestReport {
            path: PathBuf::from("(memory)"),
            format: "memory",
            encoding: None,
            delimiter: None,
            rows_read: rows as u64,
            rejected: Vec::new(),
            layout: None,
            excluded_by_filter: 0,
            filters: Vec::new(),
            cancelled: exclude::Counted::default(),
            guest_orders: exclude::Counted::default(),
            suspect_cancel: None,
            recognised: Vec::new(),
        }
    }
}

enum Source {
    Csv(CsvFrame),
    /// A polars frame handed to the library (a clone: columns are shared).
    Frame(DataFrame),
    /// Parquet is read one column at a time, so that only one column's
    /// frame is in memory besides the parsed arrays.
    Parquet {
        names: Vec<String>,
        rows: usize,
    },
}

impl Source {
    fn names(&self) -> Vec<String> {
        match self {
            Source::Csv(c) => c.frame.get_column_names().iter().map(|n| n.to_string()).collect(),
            Source::Frame(f) => f.get_column_names().iter().map(|n| n.to_string()).collect(),
            Source::Parquet { names, .. } => names.clone(),
        }
    }

    fn height(&self) -> usize {
        match self {
            Source::Csv(c) => c.frame.height(),
            Source::Frame(f) => f.height(),
            Source::Parquet { rows, .. } => *rows,
        }
    }

    /// Column `name`, left in the source.
    fn peek(&mut self, path: &Path, name: &str) -> Result<Column> {
        match self {
            Source::Csv(c) => c
                .frame
                .column(name)
                .cloned()
                .map_err(|e| Error::input(path, e.to_string())),
            Source::Frame(f) => f.column(name).cloned().map_err(|e| Error::input(path, e.to_string())),
            Source::Parquet { .. } => self.take(path, name),
        }
    }

    /// Takes column `name` out of the source.
    fn take(&mut self, path: &Path, name: &str) -> Result<Column> {
        match self {
            Source::Csv(c) => c
                .frame
                .drop_in_place(name)
                .map_err(|e| Error::input(path, e.to_string())),
            Source::Frame(f) => f.drop_in_place(name).map_err(|e| Error::input(path, e.to_string())),
            Source::Parquet { .. } => {
                let file = open_file(path)?;
                let frame = ParquetReader::new(file)
                    .with_columns(Some(vec![name.to_string()]))
                    .finish()
                    .map_err(|e| Error::input(path, format!("cannot read column '{name}' as Parquet: {e}")))?;
                frame
                    .column(name)
                    .cloned()
                    .map_err(|e| Error::input(path, e.to_string()))
            }
        }
    }

    fn place(&self, row: usize) -> String {
        match self {
            Source::Csv(c) => format!("line {}", c.line_of_row(row)),
            Source::Frame(_) | Source::Parquet { .. } => format!("row {}", row + 1),
        }
    }

    /// Place and number of many rows (ascending), in one pass over the text.
    fn lines(&self, rows: &[usize]) -> Vec<(String, u64)> {
        match self {
            Source::Csv(c) => c
                .lines_of_rows(rows)
                .into_iter()
                .map(|l| (format!("line {l}"), l))
                .collect(),
            Source::Frame(_) | Source::Parquet { .. } => {
                rows.iter().map(|&r| (format!("row {}", r + 1), r as u64 + 1)).collect()
            }
        }
    }
}

fn open_file(path: &Path) -> Result<std::fs::File> {
    std::fs::File::open(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })
}

fn open(path: &Path, columns: &Columns, options: &ReadOptions, scope: &Scope) -> Result<Source> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "csv" | "tsv" | "txt" => {
            // The scope's columns come after the three: they help find the
            // header, and keep the date and amount columns as text when one
            // of them is also an attribute.
            // With an amount formula, its columns stand for the amount.
            let operands = scope.amount_formula.as_ref().map(|f| f.columns());
            let mut wanted = vec![columns.customer.as_str(), columns.date.as_str()];
            match &operands {
                Some(ops) => wanted.extend(ops.iter().copied()),
                None => wanted.push(columns.amount.as_str()),
            }
            wanted.extend(scope.by.as_deref());
            wanted.extend(scope.filters.iter().map(|f| f.column.as_str()));
            csv::read(path, options.encoding, options.delimiter, &wanted, options.lenient).map(Source::Csv)
        }
        "parquet" | "pq" => {
            let not_parquet = |e: PolarsError| Error::input(path, format!("cannot read as Parquet: {e}"));
            let mut reader = ParquetReader::new(open_file(path)?);
            let names = reader
                .schema()
                .map_err(not_parquet)?
                .iter_names()
                .map(|n| n.to_string())
                .collect();
            let rows = reader.num_rows().map_err(not_parquet)?;
            Ok(Source::Parquet { names, rows })
        }
        _ => Err(Error::input(
            path,
            format!(
                "unknown file type {:?}: give a .csv (or .tsv/.txt) or a .parquet file",
                if ext.is_empty() { "(none)" } else { &ext }
            ),
        )),
    }
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

/// Two columns equally likely for a role: the user names one.
fn ambiguous(path: &Path, what: &str, role: Role, found: &[&str]) -> Error {
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

/// Reads the order rows of `path`, strictly (the first bad cell is an error
/// naming file, line, column and value) or leniently (bad rows skipped and
/// reported).
pub fn read_orders(path: &Path, columns: &Columns, tz: Tz, options: &ReadOptions) -> Result<(Orders, IngestReport)> {
    read_scoped(path, columns, tz, options, &Scope::default()).map(|(orders, report, _)| (orders, report))
}

/// [`read_orders`] with a scope: the rows the filters drop are counted and
/// left out (their cells are not checked: the run is as if the file held
/// only the kept rows), and the breakdown column is read as an
/// [`Attribute`] aligned with the rows kept.
pub fn read_scoped(
    path: &Path,
    columns: &Columns,
    tz: Tz,
    options: &ReadOptions,
    scope: &Scope,
) -> Result<(Orders, IngestReport, Option<Attribute>)> {
    read_rows_scoped(path, columns, tz, options, scope).map(|(rows, report, a)| (rows.into_orders(), report, a))
}

/// [`read_scoped`], with the customers left grouped when every row was
/// read and kept (the engine then groups them without per-row codes).
pub fn read_rows_scoped(
    path: &Path,
    columns: &Columns,
    tz: Tz,
    options: &ReadOptions,
    scope: &Scope,
) -> Result<(Rows, IngestReport, Option<Attribute>)> {
    let source = {
        let size = std::fs::metadata(path).map_or(0, |m| m.len());
        let name = path
            .file_name()
            .map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
        let _stage = crate::progress::spinner(format!("reading {name} ({:.1} MB)", size as f64 / 1e6));
        open(path, columns, options, scope)?
    };
    read_source(path, source, columns, tz, options, scope)
}

/// Reads the order rows of a polars frame, as [`read_orders`] reads a file:
/// any column names (`columns`), text, date, datetime or numeric cells,
/// each bad cell named by its 1-based row. Messages call the frame
/// `(DataFrame)`.
pub fn read_frame(
    frame: &DataFrame,
    columns: &Columns,
    tz: Tz,
    options: &ReadOptions,
) -> Result<(Orders, IngestReport)> {
    read_frame_scoped(frame, columns, tz, options, &Scope::default()).map(|(orders, report, _)| (orders, report))
}

/// [`read_frame`] with a scope, as [`read_scoped`] reads a file.
pub fn read_frame_scoped(
    frame: &DataFrame,
    columns: &Columns,
    tz: Tz,
    options: &ReadOptions,
    scope: &Scope,
) -> Result<(Orders, IngestReport, Option<Attribute>)> {
    read_source(
        Path::new(FRAME_NAME),
        Source::Frame(frame.clone()),
        columns,
        tz,
        options,
        scope,
    )
    .map(|(rows, report, a)| (rows.into_orders(), report, a))
}

/// What messages call a frame handed to [`read_frame`].
pub const FRAME_NAME: &str = "(DataFrame)";

fn read_source(
    path: &Path,
    mut source: Source,
    columns: &Columns,
    tz: Tz,
    options: &ReadOptions,
    scope: &Scope,
) -> Result<(Rows, IngestReport, Option<Attribute>)> {
    let names = source.names();
    let lookup = |wanted: &str, role: &'static str| -> Result<String> {
        find_column(&names, wanted).map(str::to_string).ok_or_else(|| {
            Error::MissingColumn(Box::new(crate::error::MissingColumn {
                path: path.to_path_buf(),
                wanted: wanted.to_string(),
                role,
                found: names.iter().map(|n| format!("'{n}'")).collect::<Vec<_>>().join(", "),
                hint: closest(&names, wanted)
                    .map(|c| format!(" — did you mean '{c}'?"))
                    .unwrap_or_default(),
            }))
        })
    };
    let mut recognised = Vec::new();
    let mut by_role = |wanted: &str, what: &'static str, role: Role| -> Result<String> {
        match recognise::pick(&names, wanted, Some(role)) {
            Pick::Named(n) => Ok(n.to_string()),
            Pick::Recognised(n) => {
                recognised.push((role, n.to_string()));
                Ok(n.to_string())
            }
            Pick::Ambiguous(found) => Err(ambiguous(path, what, role, &found)),
            Pick::Missing => lookup(wanted, what),
        }
    };
    let customer_name = by_role(&columns.customer, "customer", Role::Customer)?;
    let date_name = by_role(&columns.date, "date", Role::Date)?;
    let operand_names = match &scope.amount_formula {
        Some(f) => f
            .columns()
            .iter()
            .map(|c| lookup(c, "--amount"))
            .collect::<Result<Vec<_>>>()?,
        None => Vec::new(),
    };
    let amount_name = match operand_names.first() {
        Some(first) => first.clone(),
        None => by_role(&columns.amount, "amount", Role::Amount)?,
    };
    let by_name = scope.by.as_deref().map(|b| lookup(b, "--by")).transpose()?;
    let filter_names = scope
        .filters
        .iter()
        .map(|f| lookup(&f.column, if f.keep { "--where" } else { "--where-not" }))
        .collect::<Result<Vec<_>>>()?;
    let height = source.height();
    if height == 0 {
        return Err(Error::input(path, "no order rows: the file has a header but no data"));
    }
    let (filter_keep, mut attribute) =
        attribute::read_scope(path, &mut source, scope, by_name.as_deref(), &filter_names)?;
    let cancel_name = scope.cancel.as_deref().map(|c| lookup(c, "--cancel-col")).transpose()?;
    let flags = exclude::read_exclusions(path, &mut source, scope, cancel_name.as_deref(), &customer_name)?;
    let suspect_cancel = match cancel_name {
        Some(_) => None,
        None => {
            let others: Vec<String> = names
                .iter()
                .filter(|n| ![&customer_name, &date_name, &amount_name].contains(n))
                .cloned()
                .collect();
            exclude::suspect_cancel(path, &mut source, &others)?
        }
    };

    // One column at a time: each column's frame is dropped once parsed.
    let polars_err = |e: PolarsError| Error::input(path, e.to_string());
    let mut bad_cells: Vec<BadCell> = Vec::new();
    let grouping = read_customers(source.take(path, &customer_name)?, &mut bad_cells).map_err(polars_err)?;
    let day = read_days(&source.take(path, &date_name)?, tz, &mut bad_cells).map_err(polars_err)?;
    let amount = match &scope.amount_formula {
        None => read_amounts(&source.take(path, &amount_name)?, &mut bad_cells).map_err(polars_err)?,
        Some(formula) => amount_of_formula(path, &mut source, formula, &operand_names, &mut bad_cells)?,
    };

    let (encoding, delimiter, layout, skipped) = match &source {
        Source::Csv(c) => (
            Some(c.encoding),
            Some(c.delimiter),
            Some(c.layout.clone()),
            c.skipped.as_slice(),
        ),
        Source::Frame(_) | Source::Parquet { .. } => (None, None, None, &[][..]),
    };
    // Records read that are not rows of the frame: repeated headers, and in
    // lenient mode records that could not be split into fields.
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
    let mut report = IngestReport {
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
    };
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
    let finish = |mut orders: Orders, report, keep: Option<Vec<bool>>, mut attribute: Option<Attribute>| {
        if let Some(keep) = keep {
            attribute::retain_orders(&mut orders, &keep);
            if let Some(a) = attribute.as_mut() {
                a.retain(&keep);
            }
        }
        check_sum(path, &orders.amount)?;
        Ok((Rows::from(orders), report, attribute))
    };
    if bad_cells.is_empty() && filter_keep.is_none() {
        check_sum(path, &amount)?;
        let rows = Rows {
            customers: Customers::Grouped(grouping),
            day,
            amount,
        };
        return Ok((rows, report, attribute));
    }
    let (customer, ids) = grouping.finish();
    let mut orders = Orders {
        ids,
        customer,
        day,
        amount,
    };
    if bad_cells.is_empty() {
        return finish(orders, report, filter_keep, attribute);
    }

    // The first bad value in file order; within a row, in column order.
    let order_of = |c: &BadCell| {
        [&customer_name, &date_name, &amount_name]
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
    let mut keep = filter_keep.unwrap_or_else(|| vec![true; orders.len()]);
    bad_cells.retain(|cell| std::mem::replace(&mut keep[cell.row], false));
    let rows: Vec<usize> = bad_cells.iter().map(|c| c.row).collect();
    let lines = source.lines(&rows);
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
    if let Some(a) = attribute.as_mut() {
        a.retain(&keep);
    }
    attribute::retain_orders(&mut orders, &keep);
    check_sum(path, &orders.amount)?;
    Ok((Rows::from(orders), report, attribute))
}
