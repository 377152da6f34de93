//! The customer lists of `lists/`, ready for a CRM or MA tool: the columns
//! of `segments.csv` (segment id, first and last purchase, tenure, days
//! since the last purchase, total, purchase days, previous segment), then
//! the segment's name in the report's language. Ids that a spreadsheet
//! would take for a formula are written as text (the output-safety rule).
//! `all_customers.csv` lists every customer of `segments.csv`.

use crate::engine::portfolio::Portfolio;
use crate::output::excel;
use crate::tables::{CUSTOMERS_HEADER, push_customer_row};
use crate::text::lang::Lang;

/// The list of every customer, for tagging in the MA tool.
pub(crate) const ALL_CUSTOMERS: &str = "all_customers";

/// A list's text: one row per customer of `indexes` (into `p.customers`).
pub(crate) fn list_csv(p: &Portfolio, indexes: impl IntoIterator<Item = usize>, lang: Lang) -> String {
    let mut out = CUSTOMERS_HEADER.trim_end().as_bytes().to_vec();
    out.extend_from_slice(b",segment_name\n");
    for i in indexes {
        let c = &p.customers[i];
        push_customer_row(&mut out, &excel::safe_text(p.customer_id(c)), p, c);
        out.pop();
        let label = &p.labels[c.segment];
        out.push(b',');
        out.extend_from_slice(lang.pick(label.ja, label.en).as_bytes());
        out.push(b'\n');
    }
    String::from_utf8(out).expect("ids and labels are UTF-8")
}
