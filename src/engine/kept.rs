//! The values `--keep-cols` carries into the lists: for each customer and
//! each kept column, the value of their latest row on or before the as-of
//! date where that column is not blank. The latest is the row with the
//! latest order date; of rows on the same date, the later one in the file
//! (so a re-export that appends a correction wins). A column blank in every
//! row of the customer stays blank. Rows after the as-of date are not the
//! month's, so a report for an earlier month lists what was known then.

use crate::dates::Day;
use crate::engine::portfolio::Portfolio;
use crate::orders::{Attribute, BLANK};

/// Each kept column (named `names[k]`) with each portfolio customer's
/// value, in `p.customers` order. `customer[i]` and `day[i]` are the row's
/// customer code and date, in file order; `kept[k].codes[i]` the row's
/// value of column `k`. The result holds only the values chosen, as
/// reading them back from `customers_keep.csv` gives them.
pub(crate) fn latest_values(
    customer: &[u32],
    day: &[Day],
    cutoff: Day,
    kept: &[Attribute],
    names: &[String],
    p: &Portfolio,
) -> Vec<Attribute> {
    let customers = p.ids.len();
    kept.iter()
        .zip(names)
        .map(|(column, name)| {
            let mut best: Vec<(Day, u32)> = vec![(Day::MIN, BLANK); customers];
            for ((&c, &d), &code) in customer.iter().zip(day).zip(&column.codes) {
                // `>=`: of rows on one date, the later in the file.
                if code != BLANK && d <= cutoff && d >= best[c as usize].0 {
                    best[c as usize] = (d, code);
                }
            }
            let chosen = p.customers.iter().map(|c| match best[c.customer as usize].1 {
                BLANK => "",
                code => column.values[code as usize].as_str(),
            });
            Attribute::from_values(name, chosen)
        })
        .collect()
}
