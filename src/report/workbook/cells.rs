//! Cell formats and a writer that remembers how wide each column needs to
//! be (Japanese characters count double), so every sheet fits its text;
//! [`Grid::table`] writes a header and rows of [`Cell`]s, the one loop the
//! sheets share.

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Worksheet, XlsxError};

use crate::dates::{Day, date_from_day};
use crate::text::format::display_width;

/// The formats the sheets share.
pub(crate) struct Formats {
    pub title: Format,
    pub header: Format,
    pub text: Format,
    pub count: Format,
    pub signed: Format,
    pub money: Format,
    pub percent: Format,
    pub points: Format,
    pub date: Format,
    pub month: Format,
    pub note: Format,
    pub bold: Format,
}

impl Formats {
    pub(crate) fn new() -> Formats {
        let cell = || {
            Format::new()
                .set_border(FormatBorder::Thin)
                .set_border_color(Color::RGB(0xDEE2E6))
        };
        Formats {
            title: Format::new().set_bold().set_font_size(14),
            header: cell()
                .set_bold()
                .set_background_color(Color::RGB(0xE9ECEF))
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            text: cell(),
            count: cell().set_num_format("#,##0"),
            signed: cell().set_num_format("+#,##0;-#,##0;0"),
            money: cell().set_num_format("#,##0"),
            percent: cell().set_num_format("0.0%"),
            points: cell().set_num_format("+0.0%;-0.0%;0.0%"),
            date: cell().set_num_format("yyyy-mm-dd"),
            month: cell().set_num_format("yyyy-mm"),
            note: Format::new().set_font_color(Color::RGB(0x5C6269)),
            bold: cell().set_bold(),
        }
    }
}

/// `plotters` colour → Excel colour.
pub(crate) fn rgb(c: plotters::style::RGBColor) -> Color {
    Color::RGB((u32::from(c.0) << 16) | (u32::from(c.1) << 8) | u32::from(c.2))
}

/// One cell of a table row, with its format.
#[derive(Clone, Copy)]
pub(crate) enum Cell<'a> {
    Text(&'a str, &'a Format),
    Number(f64, &'a Format),
    Date(Day, &'a Format),
    /// Left empty.
    Empty,
}

impl<'a> Cell<'a> {
    /// `v` as a count, or (with `shares`) as its share of `total` (0 when
    /// the total is 0).
    pub(crate) fn count_or_share(v: u64, total: u64, shares: bool, f: &'a Formats) -> Cell<'a> {
        match (shares, total) {
            (false, _) => Cell::Number(v as f64, &f.count),
            (true, 0) => Cell::Number(0.0, &f.percent),
            (true, _) => Cell::Number(v as f64 / total as f64, &f.percent),
        }
    }
}

/// A worksheet, its name (charts refer to their data by it) and the widths
/// its columns need.
pub(crate) struct Grid<'a> {
    pub ws: &'a mut Worksheet,
    name: String,
    widths: Vec<usize>,
}

impl<'a> Grid<'a> {
    pub(crate) fn new(ws: &'a mut Worksheet, name: &str) -> Result<Grid<'a>, XlsxError> {
        ws.set_name(name)?;
        ws.set_landscape();
        ws.set_paper_size(9); // A4
        ws.set_print_fit_to_pages(1, 0);
        Ok(Grid {
            ws,
            name: name.to_string(),
            widths: Vec::new(),
        })
    }

    /// The sheet's name.
    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    fn need(&mut self, col: u16, width: usize) {
        let col = usize::from(col);
        if self.widths.len() <= col {
            self.widths.resize(col + 1, 0);
        }
        self.widths[col] = self.widths[col].max(width);
    }

    pub(crate) fn text(&mut self, row: u32, col: u16, text: &str, f: &Format) -> Result<(), XlsxError> {
        self.need(col, display_width(text));
        self.ws.write_string_with_format(row, col, text, f)?;
        Ok(())
    }

    /// A title or note: written, but not counted in the column's width.
    pub(crate) fn loose(&mut self, row: u32, col: u16, text: &str, f: &Format) -> Result<(), XlsxError> {
        self.ws.write_string_with_format(row, col, text, f)?;
        Ok(())
    }

    pub(crate) fn number(&mut self, row: u32, col: u16, value: f64, f: &Format) -> Result<(), XlsxError> {
        // Digits with separators, sign and a decimal or two.
        let digits = format!("{:.0}", value.abs()).len();
        self.need(col, digits + digits / 3 + 3);
        self.ws.write_number_with_format(row, col, value, f)?;
        Ok(())
    }

    pub(crate) fn date(&mut self, row: u32, col: u16, day: Day, f: &Format) -> Result<(), XlsxError> {
        self.need(col, 10);
        self.ws.write_datetime_with_format(row, col, date_from_day(day), f)?;
        Ok(())
    }

    pub(crate) fn header(&mut self, row: u32, col: u16, names: &[&str], f: &Formats) -> Result<(), XlsxError> {
        for (i, name) in names.iter().enumerate() {
            self.text(row, col + i as u16, name, &f.header)?;
        }
        Ok(())
    }

    /// One cell at (`row`, `col`).
    pub(crate) fn cell(&mut self, row: u32, col: u16, cell: Cell<'_>) -> Result<(), XlsxError> {
        match cell {
            Cell::Text(text, f) => self.text(row, col, text, f),
            Cell::Number(value, f) => self.number(row, col, value, f),
            Cell::Date(day, f) => self.date(row, col, day, f),
            Cell::Empty => Ok(()),
        }
    }

    /// A row of cells from (`row`, `left`) rightwards.
    pub(crate) fn row(&mut self, row: u32, left: u16, cells: &[Cell<'_>]) -> Result<(), XlsxError> {
        for (i, &c) in cells.iter().enumerate() {
            self.cell(row, left + i as u16, c)?;
        }
        Ok(())
    }

    /// A table: `header` at row `top` from column `left` (none when empty),
    /// then each of `rows` below it. Returns the row after the last.
    pub(crate) fn table<'c>(
        &mut self,
        top: u32,
        left: u16,
        header: &[&str],
        rows: impl IntoIterator<Item = Vec<Cell<'c>>>,
        f: &Formats,
    ) -> Result<u32, XlsxError> {
        let mut row = top;
        if !header.is_empty() {
            self.header(top, left, header, f)?;
            row += 1;
        }
        for cells in rows {
            self.row(row, left, &cells)?;
            row += 1;
        }
        Ok(row)
    }

    /// Sets the widths (in characters, with a margin; at most 60).
    pub(crate) fn finish(self) -> Result<(), XlsxError> {
        for (col, &w) in self.widths.iter().enumerate() {
            let w = (w.max(6) + 2).min(60);
            self.ws.set_column_width(col as u16, w as f64)?;
        }
        Ok(())
    }
}
