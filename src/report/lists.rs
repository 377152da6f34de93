//! The customer lists of `lists/`, ready for a CRM or MA tool: the columns
//! of `segments.csv` (segment id, first and last purchase, tenure, days
//! since the last purchase, total, purchase days, previous segment), then
//! the segment's name in the report's language. Ids that a spreadsheet
//! would take for a formula are written as text (the output-safety rule).
//! `all_customers.csv` lists every customer of `segments.csv`. With
//! `--keep-cols`, each list ends with those columns: each customer's values
//! from their latest row (see `engine::kept`), written Excel-safe too.

use crate::engine::portfolio::Portfolio;
use crate::orders::Attribute;
use crate::output::excel;
use crate::tables::{CUSTOMERS_HEADER, csv_field, kept_value, push_customer_row};
use crate::text::lang::Lang;

/// The column with the segment's name in the report's language.
pub(crate) const SEGMENT_NAME: &str = "segment_name";

/// The list of every customer, for tagging in the MA tool.
pub(crate) const ALL_CUSTOMERS: &str = "all_customers";

/// A list's text: one row per customer of `indexes` (into `p.customers`),
/// then the `--keep-cols` columns (`kept`, values Excel-safe).
pub(crate) fn list_csv(
    p: &Portfolio,
    kept: &[Attribute],
    indexes: impl IntoIterator<Item = usize>,
    lang: Lang,
) -> String {
    let mut out = CUSTOMERS_HEADER.trim_end().as_bytes().to_vec();
    out.push(b',');
    out.extend_from_slice(SEGMENT_NAME.as_bytes());
    for a in kept {
        out.push(b',');
        out.extend_from_slice(csv_field(&excel::safe_text(&a.column)).as_bytes());
    }
    out.push(b'\n');
    for i in indexes {
        let c = &p.customers[i];
        push_customer_row(&mut out, &excel::safe_text(p.customer_id(c)), p, c);
        out.pop();
        let label = &p.labels[c.segment];
        out.push(b',');
        out.extend_from_slice(lang.pick(label.ja, label.en).as_bytes());
        for a in kept {
            out.push(b',');
            out.extend_from_slice(csv_field(&excel::safe_text(kept_value(a, i))).as_bytes());
        }
        out.push(b'\n');
    }
    String::from_utf8(out).expect("ids, labels and kept values are UTF-8")
}
