//! Writing the machine-readable contract: CSV files (UTF-8, comma, header
//! row, dates `YYYY-MM-DD`), so every number in a report can be traced.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

use crate::dates::push_day;
use crate::dates::{format_day, format_month};
use crate::engine::portfolio::{CustomerState, Portfolio};
use crate::error::{Error, Result};
use crate::ingest::RejectedRow;
use crate::money::{format_micros, push_int, push_micros};
use crate::tables::data_quality::DataQuality;

use super::{CONVERSION, DATA_QUALITY, LADDER, REJECTS, RULES, SEGMENTS, SNAPSHOTS, TRANSITIONS, Tables, groups};

/// Quotes a field when CSV needs it.
pub(crate) fn csv_field(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\"")).into()
    } else {
        text.into()
    }
}

/// `month_end,segment,customers,share,sales,cumulative_sales`: every
/// snapshot × every segment in canonical order, zeros included.
pub fn snapshots_csv(p: &Portfolio) -> String {
    let mut out = String::from("month_end,segment,customers,share,sales,cumulative_sales\n");
    for (t, &day) in p.snapshot_days.iter().enumerate() {
        let all: u64 = p.counts[t].iter().sum();
        for (s, label) in p.labels.iter().enumerate() {
            let count = p.counts[t][s];
            let share = if all == 0 { 0.0 } else { count as f64 / all as f64 };
            let _ = writeln!(
                out,
                "{},{},{},{},{},{}",
                format_day(day),
                label.id,
                count,
                share,
                format_micros(p.sales[t][s]),
                format_micros(p.cumulative_sales[t][s])
            );
        }
    }
    out
}

/// `from_month_end,to_month_end,from_segment,to_segment,customers`: non-zero
/// cells only; `new` (first present at the later date) comes last.
pub fn transitions_csv(p: &Portfolio) -> String {
    let mut out = String::from("from_month_end,to_month_end,from_segment,to_segment,customers\n");
    for m in &p.transitions {
        for (from, row) in m.cells.iter().enumerate() {
            let from_id = if from == m.new_row() { "new" } else { p.labels[from].id };
            for (to, &count) in row.iter().enumerate() {
                if count > 0 {
                    let _ = writeln!(
                        out,
                        "{},{},{},{},{}",
                        format_day(m.from_day),
                        format_day(m.to_day),
                        from_id,
                        p.labels[to].id,
                        count
                    );
                }
            }
        }
    }
    out
}

/// `cohort_month,cohort_size,converted,rate,matured`.
pub fn conversion_csv(p: &Portfolio) -> String {
    let mut out = String::from("cohort_month,cohort_size,converted,rate,matured\n");
    for c in &p.conversion {
        let _ = writeln!(
            out,
            "{},{},{},{},{}",
            format_month(c.cohort_month),
            c.cohort_size,
            c.converted,
            c.rate,
            c.matured
        );
    }
    out
}

pub(crate) const CUSTOMERS_HEADER: &str =
    "customer_id,segment,first_purchase,last_purchase,tenure_days,recency_days,total,purchase_days,previous_segment\n";

/// `cohort_month,cohort_size,months_after,segment,customers`: every
/// acquisition cohort followed month by month (0 = the month of the first
/// purchase) while snapshots exist, up to 12 months, every segment, zeros
/// included.
pub(crate) fn ladder_csv(p: &Portfolio) -> String {
    let mut out = String::from("cohort_month,cohort_size,months_after,segment,customers\n");
    for c in &p.ladder {
        for (k, row) in c.counts.iter().enumerate() {
            for (s, label) in p.labels.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "{},{},{k},{},{}",
                    format_month(c.cohort_month),
                    c.size,
                    label.id,
                    row[s]
                );
            }
        }
    }
    out
}

/// The segment id of a `previous_segment` value (`new`, or empty with a
/// single snapshot).
fn previous_id(p: &Portfolio, previous: Option<usize>) -> &'static str {
    match previous {
        None => "",
        Some(s) if s == p.labels.len() => "new",
        Some(s) => p.labels[s].id,
    }
}

/// One `segments.csv` row, appended to `out` without allocating.
pub(crate) fn push_customer_row(out: &mut Vec<u8>, id: &str, p: &Portfolio, c: &CustomerState) {
    if id.contains([',', '"', '\n', '\r']) {
        out.extend_from_slice(csv_field(id).as_bytes());
    } else {
        out.extend_from_slice(id.as_bytes());
    }
    out.push(b',');
    out.extend_from_slice(p.labels[c.segment].id.as_bytes());
    out.push(b',');
    push_day(out, c.first_purchase);
    out.push(b',');
    push_day(out, c.last_purchase);
    out.push(b',');
    push_int(out, i128::from(c.tenure_days));
    out.push(b',');
    push_int(out, i128::from(c.recency_days));
    out.push(b',');
    push_micros(out, i128::from(c.total.0));
    out.push(b',');
    push_int(out, i128::from(c.purchase_days));
    out.push(b',');
    out.extend_from_slice(previous_id(p, c.previous_segment).as_bytes());
    out.push(b'\n');
}

/// `customer_id,segment,first_purchase,last_purchase,tenure_days,recency_days,total,purchase_days,previous_segment`
/// for some customers (indexes into `p.customers`), ids exactly as read.
pub fn customers_csv(p: &Portfolio, indexes: impl IntoIterator<Item = usize>) -> String {
    customers_csv_with(p, indexes, std::borrow::Cow::Borrowed)
}

/// [`customers_csv`] with each id passed through `id` first (the lists
/// people open in Excel neutralise formula-like ids).
pub(crate) fn customers_csv_with<'a>(
    p: &'a Portfolio,
    indexes: impl IntoIterator<Item = usize>,
    id: impl Fn(&'a str) -> std::borrow::Cow<'a, str>,
) -> String {
    let mut out = CUSTOMERS_HEADER.as_bytes().to_vec();
    for i in indexes {
        push_customer_row(&mut out, &id(p.customer_id(&p.customers[i])), p, &p.customers[i]);
    }
    String::from_utf8(out).expect("ids and labels are UTF-8")
}

/// Writes `segments.csv` for every customer, formatting blocks of rows in
/// parallel: ten million customers make a file of half a gigabyte.
pub(crate) fn write_segments(path: &Path, p: &Portfolio) -> Result<()> {
    const BLOCK: usize = 1 << 18;
    let write_err = |source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    let mut file = std::io::BufWriter::with_capacity(1 << 20, create_new(path)?);
    file.write_all(CUSTOMERS_HEADER.as_bytes()).map_err(write_err)?;
    let workers = crate::parallel::workers();
    let stage = crate::progress::counted(
        format!(
            "writing {}",
            path.file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
        ),
        p.customers.len() as u64,
        crate::progress::Unit::Customers,
    );
    for block in p.customers.chunks(BLOCK * workers) {
        let texts = crate::parallel::map_ranges(block.len(), |range| {
            let part = &block[range];
            let mut out = Vec::with_capacity(part.len() * 64);
            for c in part {
                push_customer_row(&mut out, p.customer_id(c), p, c);
            }
            out
        });
        for text in texts {
            file.write_all(&text).map_err(write_err)?;
        }
        stage.inc(block.len() as u64);
    }
    file.flush().map_err(write_err)?;
    crate::output::file_done();
    Ok(())
}

/// Checks the output folder before a long analysis, so that a path that is
/// a file fails at once with a plain reason; nothing is created yet, so a
/// run that fails on its input leaves no empty folder behind.
pub(crate) fn ensure_dir(dir: &Path) -> Result<()> {
    if dir.exists() && !dir.is_dir() {
        return Err(Error::Write {
            path: dir.to_path_buf(),
            source: std::io::Error::other("it is a file, not a folder; give a folder for the output"),
        });
    }
    Ok(())
}

/// Writes `text` to `dir/name`, creating `dir`.
pub(crate) fn write_file(dir: &Path, name: &str, text: &str) -> Result<()> {
    write_bytes(dir, name, text.as_bytes())
}

/// Writes `bytes` to `dir/name`, creating `dir`. The file must be new
/// (output folders are built fresh, see [`crate::output::folder`]): an
/// existing name, or a symlink, is never written through.
pub(crate) fn write_bytes(dir: &Path, name: &str, bytes: &[u8]) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|source| Error::Write {
        path: dir.to_path_buf(),
        source,
    })?;
    let path = dir.join(name);
    let mut file = create_new(&path)?;
    file.write_all(bytes).map_err(|source| Error::Write { path, source })?;
    crate::output::file_done();
    Ok(())
}

pub(crate) fn create_new(path: &Path) -> Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|source| Error::Write {
            path: path.to_path_buf(),
            source,
        })
}

/// `metric,value` for `tables/data_quality.csv`; `title_line` repeats, one
/// per line skipped above the header.
pub fn data_quality_csv(q: &DataQuality) -> String {
    let mut out = String::from("metric,value\n");
    let mut put = |k: &str, v: String| {
        let _ = writeln!(out, "{k},{}", csv_field(&v));
    };
    put("rows_read", q.rows_read.to_string());
    put("rows_used", q.rows_used.to_string());
    put("rows_rejected", q.rows_rejected.to_string());
    for (reason, count) in &q.rejected_by_reason {
        put(&format!("rows_rejected_{reason}"), count.to_string());
    }
    put("rows_after_as_of", q.rows_excluded.to_string());
    put("excluded_by_filter", q.excluded_by_filter.to_string());
    put("cancelled", q.cancelled.rows.to_string());
    put("cancelled_total", format_micros(q.cancelled.total));
    put("guest_orders", q.guest_orders.rows.to_string());
    put("guest_orders_total", format_micros(q.guest_orders.total));
    put("rows_after_today", q.rows_after_today.to_string());
    put("return_rows", q.return_rows.to_string());
    put("returns_total", format_micros(q.returns_total));
    put("purchases_total", format_micros(q.purchases_total));
    put("returns_share", q.returns_share().to_string());
    put("duplicate_rows", q.duplicate_rows.to_string());
    put("first_date", format_day(q.first_day));
    put("last_date", format_day(q.last_day));
    put("as_of", format_day(q.as_of));
    put("customers", q.customers.to_string());
    put("customers_in_portfolio", q.customers_in_portfolio.to_string());
    put("header_line", q.header_line.map(|l| l.to_string()).unwrap_or_default());
    put("lines_before_header", q.lines_before_header.len().to_string());
    for title in &q.lines_before_header {
        put("title_line", title.clone());
    }
    put("blank_lines", q.blank_lines.to_string());
    out
}

/// `place,column,value,reason,problem` for the rows left out: `place` is
/// `line N` (text) or `row N` (Parquet), `reason` the code counted in the
/// summary, `problem` in words. Whole-row problems have an empty `column`
/// and the row's text as `value`.
pub fn rejects_csv(rejected: &[RejectedRow]) -> String {
    rejects_csv_with(rejected, std::borrow::Cow::Borrowed)
}

/// [`rejects_csv`] with the column names and values passed through `cell`.
pub(crate) fn rejects_csv_with<'a>(
    rejected: &'a [RejectedRow],
    cell: impl Fn(&'a str) -> std::borrow::Cow<'a, str>,
) -> String {
    let mut out = String::from("place,column,value,reason,problem\n");
    for r in rejected {
        let _ = writeln!(
            out,
            "{},{},{},{},{}",
            r.place,
            csv_field(&cell(&r.column)),
            csv_field(&cell(&r.value)),
            r.problem.code(),
            r.problem.describe()
        );
    }
    out
}

/// Writes the contract files into `dir`: the four tables, `ladder.csv`,
/// `activity.csv`, `data_quality.csv`, `rules.toml` (the rules they were computed with)
/// and, when rows were skipped, `rejects.csv`. With a breakdown, the tables
/// of the portfolio lead with the `group` column (spec section 9).
pub fn write_tables(dir: &Path, tables: &Tables) -> Result<()> {
    let p = &tables.portfolio;
    write_file(
        dir,
        RULES,
        &crate::config::rules_file::rules_toml(&tables.config, &tables.run),
    )?;
    if let Some(b) = &tables.breakdown {
        groups::write_tables(dir, p, b)?;
    } else {
        write_file(dir, SNAPSHOTS, &snapshots_csv(p))?;
        write_file(dir, TRANSITIONS, &transitions_csv(p))?;
        write_file(dir, CONVERSION, &conversion_csv(p))?;
        write_segments(&dir.join(SEGMENTS), p)?;
        write_file(dir, LADDER, &ladder_csv(p))?;
    }
    super::activity::write(dir, tables.breakdown.as_ref(), &tables.activity)?;
    write_file(dir, DATA_QUALITY, &data_quality_csv(&tables.quality))?;
    if !tables.rejects.is_empty() {
        write_file(dir, REJECTS, &rejects_csv(&tables.rejects))?;
    }
    write_kept(dir, tables)
}

/// `customers_keep.csv`, with `--keep-cols` only.
pub(super) fn write_kept(dir: &Path, tables: &Tables) -> Result<()> {
    if tables.kept.is_empty() {
        return Ok(());
    }
    write_file(
        dir,
        super::CUSTOMERS_KEEP,
        &super::kept::csv(&tables.portfolio, &tables.kept),
    )
}
