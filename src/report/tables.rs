//! The machine-readable contract: four CSV files (UTF-8, comma, header row,
//! dates `YYYY-MM-DD`), so every number in a report can be traced.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

use crate::dates::{format_day, format_month};
use crate::error::{Error, Result};
use crate::money::format_micros;
use crate::pipeline::Analysis;
use crate::portfolio::Portfolio;
use crate::quality::DataQuality;

use super::quality;

pub const SNAPSHOTS: &str = "snapshots.csv";
pub const TRANSITIONS: &str = "transitions.csv";
pub const CONVERSION: &str = "conversion.csv";
pub const SEGMENTS: &str = "segments.csv";
pub const DATA_QUALITY: &str = "data_quality.csv";
pub const REJECTS: &str = "rejects.csv";

/// Quotes a field when CSV needs it.
pub fn csv_field(text: &str) -> std::borrow::Cow<'_, str> {
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

/// `customer_id,segment,first_purchase,last_purchase,tenure_days,recency_days,total,purchase_days`
/// at the as-of date, by customer id.
pub fn segments_csv(p: &Portfolio) -> String {
    customers_csv(p, 0..p.customers.len())
}

/// The same columns for some customers (indexes into `p.customers`).
pub fn customers_csv(p: &Portfolio, indexes: impl IntoIterator<Item = usize>) -> String {
    let mut out =
        String::from("customer_id,segment,first_purchase,last_purchase,tenure_days,recency_days,total,purchase_days\n");
    for i in indexes {
        let c = &p.customers[i];
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{}",
            csv_field(p.customer_id(c)),
            p.labels[c.segment].id,
            format_day(c.first_purchase),
            format_day(c.last_purchase),
            c.tenure_days,
            c.recency_days,
            c.total,
            c.purchase_days
        );
    }
    out
}

/// Writes `text` to `dir/name`, creating `dir`.
pub fn write_file(dir: &Path, name: &str, text: &str) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|source| Error::Write {
        path: dir.to_path_buf(),
        source,
    })?;
    let path = dir.join(name);
    let mut file = std::fs::File::create(&path).map_err(|source| Error::Write {
        path: path.clone(),
        source,
    })?;
    file.write_all(text.as_bytes())
        .map_err(|source| Error::Write { path, source })
}

/// Writes the four contract files into `dir`, with `data_quality.csv` and,
/// when rows were skipped, `rejects.csv`.
pub fn write_tables(dir: &Path, a: &Analysis) -> Result<()> {
    let p = &a.portfolio;
    write_file(dir, SNAPSHOTS, &snapshots_csv(p))?;
    write_file(dir, TRANSITIONS, &transitions_csv(p))?;
    write_file(dir, CONVERSION, &conversion_csv(p))?;
    write_file(dir, SEGMENTS, &segments_csv(p))?;
    write_file(dir, DATA_QUALITY, &quality::csv(&DataQuality::of(a)))?;
    if !a.ingest.rejected.is_empty() {
        write_file(dir, REJECTS, &quality::rejects_csv(&a.ingest.rejected))?;
    }
    Ok(())
}
