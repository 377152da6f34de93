//! Splitting the contract's CSV files into records: comma-separated, fields
//! quoted when they hold a comma, a quote or a line break (quotes doubled),
//! as the writer writes them. Small and strict, because these files are
//! written by programs, not by people.

/// One record and the 1-based line it starts on.
pub(super) struct Record {
    pub(crate) line: u64,
    pub(crate) fields: Vec<String>,
}

/// Splits `text` into records, or says on which line a quote is unbalanced.
pub(super) fn records(text: &str) -> Result<Vec<Record>, u64> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut line = 1u64;
    let mut start = 1u64;
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    let mut at_field_start = true;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    field.push(c);
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if at_field_start => {
                quoted = true;
                at_field_start = false;
            }
            '"' => return Err(line),
            ',' => {
                fields.push(std::mem::take(&mut field));
                at_field_start = true;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                fields.push(std::mem::take(&mut field));
                out.push(Record {
                    line: start,
                    fields: std::mem::take(&mut fields),
                });
                line += 1;
                start = line;
                at_field_start = true;
            }
            _ => {
                field.push(c);
                at_field_start = false;
            }
        }
    }
    if quoted {
        return Err(start);
    }
    if !field.is_empty() || !fields.is_empty() {
        fields.push(field);
        out.push(Record { line: start, fields });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_with_commas_quotes_and_line_breaks() {
        let r = records("a,b\n\"x,1\",\"say \"\"hi\"\"\"\n\"two\nlines\",3\nlast,4").unwrap();
        let fields: Vec<_> = r.iter().map(|r| (r.line, r.fields.clone())).collect();
        assert_eq!(
            fields,
            vec![
                (1, vec!["a".to_string(), "b".to_string()]),
                (2, vec!["x,1".to_string(), "say \"hi\"".to_string()]),
                (3, vec!["two\nlines".to_string(), "3".to_string()]),
                (5, vec!["last".to_string(), "4".to_string()]),
            ]
        );
        assert_eq!(records("a\n\"open\n").err(), Some(2));
        assert_eq!(records("a\nb\"c\n").err(), Some(2));
        assert_eq!(records("x,\n").unwrap()[0].fields, vec!["x".to_string(), String::new()]);
    }
}
