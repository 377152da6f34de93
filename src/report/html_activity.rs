//! The page's activity table (購入状況): purchase days, buyers, average
//! order value and net sales — this month, last month and a year before,
//! with the changes — after the first page, with its sentence and notes.
//! Printed, it opens page two and the definitions follow it there.

use std::fmt::Write as _;

use super::html::escape;
use super::model::activity::ActivityTable;
use super::model::year_ago::change_text;
use crate::dates::format_day;

/// A column head with its month-end under it.
fn head(name: &str, day: Option<crate::dates::Day>) -> String {
    match day {
        Some(d) => format!("{}<br><span class=\"sub\">{}</span>", escape(name), format_day(d)),
        None => escape(name),
    }
}

/// Page one stays the cards and the portfolio; this section opens page
/// two, with the definitions box under it rather than on a page of its own.
pub(crate) const PRINT_STYLE: &str = r#"
@media print {
  section.activity + section.definitions { break-before: auto; page-break-before: auto; }
}
"#;

/// The section as HTML (an `<h2>`, the sentence, the table and its notes).
pub(crate) fn section(a: &ActivityTable) -> String {
    let mut h = String::from("<section class=\"table activity\">\n");
    let _ = writeln!(
        h,
        "<h2>{}</h2>\n<p class=\"reading\">{}</p>\n<table class=\"activity\">\n<thead><tr><th>{}</th>\
         <th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th>\
         <th class=\"num\">{}</th></tr></thead>",
        escape(&a.title),
        escape(&a.reading),
        escape(&a.heads[0]),
        head(&a.heads[1], Some(a.month_end)),
        head(&a.heads[2], a.last),
        escape(&a.heads[3]),
        head(&a.heads[4], a.year_ago),
        escape(&a.heads[5]),
    );
    for line in &a.lines {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td class=\"num\"><strong>{}</strong></td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape(&line.name),
            line.text(line.now),
            line.text(line.last),
            change_text(line.vs_last()),
            line.text(line.year_ago),
            change_text(line.vs_year_ago()),
        );
    }
    h.push_str("</table>\n");
    for note in &a.notes {
        let _ = writeln!(h, "<p class=\"note\">{}</p>", escape(note));
    }
    h.push_str("</section>\n");
    h
}
