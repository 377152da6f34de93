//! The polars calls: the text parsed into a frame of text columns (or,
//! on the fast path, with dates and amounts typed), and the blank lines and
//! repeated headers taken out of the frame afterwards.

use std::io::Cursor;

use polars::prelude::*;

use super::decode::is_blank_char;

pub(super) fn parse(text: &[u8], delimiter: u8) -> PolarsResult<DataFrame> {
    CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .with_raise_if_empty(false)
        .map_parse_options(|o| o.with_separator(delimiter))
        .into_reader_with_file_handle(Cursor::new(text))
        .finish()
}

/// `YYYY-MM-DD` exactly.
pub(super) fn is_iso_date(value: &str) -> bool {
    let b = value.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
}

/// Like [`parse`], with the date column read as `Date` and the amount
/// column as `Int64`; fails on any value of another form.
pub(super) fn parse_typed(text: &[u8], delimiter: u8, date: &str, amount: &str) -> PolarsResult<DataFrame> {
    let types = Schema::from_iter([
        Field::new(date.into(), DataType::Date),
        Field::new(amount.into(), DataType::Int64),
    ]);
    CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .with_schema_overwrite(Some(std::sync::Arc::new(types)))
        .with_raise_if_empty(false)
        .map_parse_options(|o| o.with_separator(delimiter))
        .into_reader_with_file_handle(Cursor::new(text))
        .finish()
}

/// Leaves out the rows that are blank (every cell empty or blanks) or
/// repeat the header (every cell equal to the header's). Returns the frame,
/// the dropped rows (ascending), the count of blank rows, and the repeated
/// headers (rows of the input frame).
pub(super) fn drop_blank_and_header_rows(
    frame: DataFrame,
    header: &[String],
) -> PolarsResult<(DataFrame, Vec<usize>, u64, Vec<usize>)> {
    let columns = frame.columns();
    if columns.is_empty() || frame.height() == 0 {
        return Ok((frame, Vec::new(), 0, Vec::new()));
    }
    // Only the first column is read whole; the others, typed or not, only
    // at the rare rows whose first cell is empty or repeats the header.
    let first_column = &columns[0];
    let first_cells: Option<StringChunked> = match first_column.dtype() {
        DataType::String => Some(first_column.str()?.clone()),
        _ => None,
    };
    let cell = |c: &Column, row: usize| -> String {
        match c.str() {
            Ok(strings) => strings.get(row).unwrap_or("").trim_matches(is_blank_char).to_string(),
            // A typed column (the fast path): empty when null.
            Err(_) => match c.get(row) {
                Ok(AnyValue::Null) | Err(_) => String::new(),
                Ok(other) => other.to_string(),
            },
        }
    };
    let norm = |v: Option<&str>| v.unwrap_or("").trim_matches(is_blank_char).to_string();
    let header: Vec<String> = (0..columns.len())
        .map(|i| header.get(i).map(|h| norm(Some(h))).unwrap_or_default())
        .collect();
    let header_has_text = header.iter().any(|h| !h.is_empty());
    let mut dropped = Vec::new();
    let mut blank = 0u64;
    let mut repeated = Vec::new();
    // A typed first column: only an empty (null) cell can start a blank line.
    let nulls = first_cells.is_none().then(|| first_column.is_null());
    let mut texts = first_cells.as_ref().map(|c| c.iter());
    let mut null_flags = nulls.as_ref().map(|n| n.iter());
    for row in 0..frame.height() {
        let first = match (texts.as_mut(), null_flags.as_mut()) {
            (Some(it), _) => it.next().flatten().map_or("", |s| s.trim_matches(is_blank_char)),
            (None, Some(it)) => match it.next().flatten() {
                Some(true) => "",
                _ => continue,
            },
            (None, None) => continue,
        };
        // The first header cell may itself be empty (an index column).
        let maybe_header = header_has_text && first == header[0];
        if !first.is_empty() && !maybe_header {
            continue;
        }
        let cells: Vec<String> = columns.iter().map(|c| cell(c, row)).collect();
        if first.is_empty() && cells.iter().all(String::is_empty) {
            blank += 1;
            dropped.push(row);
        } else if maybe_header && cells.iter().zip(&header).all(|(c, h)| c == h) {
            repeated.push(row);
            dropped.push(row);
        }
    }
    if dropped.is_empty() {
        return Ok((frame, dropped, 0, repeated));
    }
    let mut keep = vec![true; frame.height()];
    for &d in &dropped {
        keep[d] = false;
    }
    let mask = BooleanChunked::from_slice("keep".into(), &keep);
    let frame = frame.filter(&mask)?;
    Ok((frame, dropped, blank, repeated))
}
