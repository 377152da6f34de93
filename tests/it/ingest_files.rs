//! Reading real files: encodings, delimiters, quoting, the date and amount
//! forms of real exports, title lines, repeated headers, blank lines, and
//! the line numbers that errors and rejects name.

use cpm::config::{Columns, Config};
use cpm::dates::format_day;
use cpm::ingest::csv::Encoding;
use cpm::ingest::{IngestReport, Orders, ReadOptions, read_orders};

/// Rows as `(customer id, YYYY-MM-DD, amount)` text.
fn rows(o: &Orders) -> Vec<(String, String, String)> {
    (0..o.len())
        .map(|i| {
            (
                o.ids.get(o.customer[i] as usize).to_string(),
                format_day(o.day[i]),
                o.amount[i].to_string(),
            )
        })
        .collect()
}

fn row(id: &str, date: &str, amount: &str) -> (String, String, String) {
    (id.to_string(), date.to_string(), amount.to_string())
}

fn columns(customer: &str, date: &str, amount: &str) -> Columns {
    Columns {
        customer: customer.into(),
        date: date.into(),
        amount: amount.into(),
    }
}

/// Writes `bytes` as `name` in a fresh folder and reads it; errors come back
/// as their message with the folder left out, so `name: ...`.
fn read_as(name: &str, bytes: &[u8], cols: &Columns, options: &ReadOptions) -> Result<(Orders, IngestReport), String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let tz = Config::default().time_zone;
    read_orders(&path, cols, tz, options).map_err(|e| {
        let message = e.to_string();
        assert!(!message.contains('\n'), "a one-line error: {message}");
        message.replace(&format!("{}/", dir.path().display()), "")
    })
}

fn read_default(name: &str, bytes: &[u8]) -> Result<(Orders, IngestReport), String> {
    read_as(name, bytes, &Config::default().columns, &ReadOptions::default())
}

fn lenient() -> ReadOptions {
    ReadOptions {
        lenient: true,
        ..ReadOptions::default()
    }
}

fn with_encoding(encoding: Encoding) -> ReadOptions {
    ReadOptions {
        encoding: Some(encoding),
        ..ReadOptions::default()
    }
}

fn sjis(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(text);
    assert!(!unmappable, "test text must be Shift_JIS: {text}");
    bytes.into_owned()
}

const HEADER: &str = "customer_id,order_date,amount\n";

const DATE_EXPECTED: &str = "a date such as 2024-03-05, 2024/3/5, 20240305, 2024年3月5日 or an ISO datetime such as 2024-03-05T10:00:00+09:00, in the years 1900-2199";
const AMOUNT_EXPECTED: &str = "an amount such as 1234, -500, 1,234.50 or ¥1,234 (at most 6 decimals)";

// ---------------------------------------------------------------- encodings

#[test]
fn shift_jis_with_japanese_ids_and_headers() {
    let bytes = sjis("会員ID,注文日,金額\n顧客001,2024/3/5,\"¥1,234\"\n");
    let cols = columns("会員ID", "注文日", "金額");
    for options in [ReadOptions::default(), with_encoding(Encoding::ShiftJis)] {
        let (orders, report) = read_as("sjis.csv", &bytes, &cols, &options).unwrap();
        assert_eq!(rows(&orders), [row("顧客001", "2024-03-05", "1234")]);
        assert_eq!(report.encoding, Some(Encoding::ShiftJis));
    }
}

#[test]
fn utf8_with_and_without_bom() {
    let text = "会員ID,注文日,金額\n顧客001,2024/3/5,500\n";
    let cols = columns("会員ID", "注文日", "金額");
    for bytes in [
        text.as_bytes().to_vec(),
        [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
    ] {
        for options in [ReadOptions::default(), with_encoding(Encoding::Utf8)] {
            let (orders, report) = read_as("u.csv", &bytes, &cols, &options).unwrap();
            assert_eq!(rows(&orders), [row("顧客001", "2024-03-05", "500")]);
            assert_eq!(report.encoding, Some(Encoding::Utf8));
        }
    }
}

#[test]
fn utf8_forced_to_shift_jis_is_an_error_not_mojibake() {
    let text = format!("{HEADER}顧客001,2024-03-05,500\n");
    assert_eq!(
        read_as(
            "u.csv",
            text.as_bytes(),
            &Config::default().columns,
            &with_encoding(Encoding::ShiftJis)
        )
        .unwrap_err(),
        "u.csv: the file is valid UTF-8 with non-ASCII text, not Shift_JIS; reading it as Shift_JIS would garble it. \
         Drop --encoding or use --encoding utf-8"
    );
    let with_bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
    assert_eq!(
        read_as(
            "u.csv",
            &with_bom,
            &Config::default().columns,
            &with_encoding(Encoding::ShiftJis)
        )
        .unwrap_err(),
        "u.csv: the file starts with a UTF-8 byte-order mark but Shift_JIS was asked for; drop --encoding or use --encoding utf-8"
    );
}

#[test]
fn shift_jis_forced_to_utf8_is_an_error_not_mojibake() {
    // ASCII header, the first Japanese text on line 3.
    let bytes = sjis(&format!("{HEADER}A,2024-03-05,500\n顧客001,2024-03-05,500\n"));
    assert_eq!(
        read_as(
            "s.csv",
            &bytes,
            &Config::default().columns,
            &with_encoding(Encoding::Utf8)
        )
        .unwrap_err(),
        "s.csv: line 3: not valid UTF-8; if the file came from Excel, try --encoding shift_jis"
    );
}

#[test]
fn plain_ascii_reads_the_same_in_either_encoding() {
    let text = format!("{HEADER}A,2024-03-05,500\n");
    for encoding in [Encoding::Utf8, Encoding::ShiftJis] {
        let (orders, _) = read_as(
            "a.csv",
            text.as_bytes(),
            &Config::default().columns,
            &with_encoding(encoding),
        )
        .unwrap();
        assert_eq!(rows(&orders), [row("A", "2024-03-05", "500")]);
    }
}

#[test]
fn neither_utf8_nor_shift_jis_nor_utf16() {
    // 0xFF is not a byte of either encoding.
    let bytes = [HEADER.as_bytes(), b"A,2024-03-05,500\nB\xFF,2024-03-05,500\n"].concat();
    assert_eq!(
        read_default("x.csv", &bytes).unwrap_err(),
        "x.csv: line 3: the file is neither UTF-8 nor Shift_JIS (CP932); give --encoding, or save it as UTF-8"
    );
    assert_eq!(
        read_as(
            "x.csv",
            &bytes,
            &Config::default().columns,
            &with_encoding(Encoding::ShiftJis)
        )
        .unwrap_err(),
        "x.csv: line 3: not valid Shift_JIS (CP932)"
    );
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain("customer_id".encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    assert_eq!(
        read_default("w.csv", &utf16).unwrap_err(),
        "w.csv: the file is UTF-16; save it as UTF-8 or Shift_JIS (CSV)"
    );
}

// --------------------------------------------------------------- delimiters

#[test]
fn comma_tab_and_semicolon_detected_or_given() {
    let expected = [row("A", "2024-03-05", "1234"), row("B", "2024-03-06", "-10.5")];
    let files: [(&str, &str, u8); 3] = [
        (
            "c.csv",
            "customer_id,order_date,amount\nA,2024-03-05,\"1,234\"\nB,2024-03-06,-10.5\n",
            b',',
        ),
        (
            "t.tsv",
            "customer_id\torder_date\tamount\nA\t2024-03-05\t1,234\nB\t2024-03-06\t-10.5\n",
            b'\t',
        ),
        (
            "s.csv",
            "customer_id;order_date;amount\nA;2024-03-05;1,234\nB;2024-03-06;-10.5\n",
            b';',
        ),
    ];
    for (name, text, delimiter) in files {
        let (orders, report) = read_default(name, text.as_bytes()).unwrap();
        assert_eq!(rows(&orders), expected, "{name}");
        assert_eq!(report.delimiter, Some(delimiter), "{name}");
        let given = ReadOptions {
            delimiter: Some(delimiter),
            ..ReadOptions::default()
        };
        let (orders, _) = read_as(name, text.as_bytes(), &Config::default().columns, &given).unwrap();
        assert_eq!(rows(&orders), expected, "{name} with the delimiter given");
    }
}

#[test]
fn a_wrong_delimiter_lists_the_one_column_found() {
    let given = ReadOptions {
        delimiter: Some(b';'),
        ..ReadOptions::default()
    };
    assert_eq!(
        read_as(
            "c.csv",
            format!("{HEADER}A,2024-03-05,5\n").as_bytes(),
            &Config::default().columns,
            &given
        )
        .unwrap_err(),
        "c.csv: column 'customer_id' not found (customer column); columns found: 'customer_id,order_date,amount'"
    );
}

#[test]
fn quoted_fields_with_delimiters_quotes_and_newlines() {
    let text = "customer_id,order_date,amount,note\n\
                \"Smith, John\",2024-03-05,\"1,000\",\"said \"\"hi\"\"\"\n\
                B,2024-03-06,5,\"two\nlines, and a comma\"\n\
                \"C\",\"2024-03-07\",\"7\",\n";
    let (orders, _) = read_default("q.csv", text.as_bytes()).unwrap();
    assert_eq!(
        rows(&orders),
        [
            row("Smith, John", "2024-03-05", "1000"),
            row("B", "2024-03-06", "5"),
            row("C", "2024-03-07", "7")
        ]
    );
}

// -------------------------------------------------------------- cell forms

#[test]
fn every_date_form_through_a_whole_file() {
    let dates = [
        "2024-03-05",
        "2024/3/5",
        "2024/03/05",
        "20240305",
        "2024年3月5日",
        "２０２４／３／５",
        "２０２４年３月５日",
        "2024-03-05 10:22:33",
        "2024/3/5 9:05",
        "2024-03-05T10:00:00",
        "2024-03-05T23:59:59.999+09:00",
        // Instants in UTC that fall on the 5th in Tokyo.
        "2024-03-04T15:00:00Z",
        "2024-03-05T14:59:59+00:00",
        "2024-03-04T20:00:00-0500",
    ];
    let mut text = String::from(HEADER);
    for (i, d) in dates.iter().enumerate() {
        text += &format!("C{i},{d},1\n");
    }
    let (orders, _) = read_default("d.csv", text.as_bytes()).unwrap();
    let expected: Vec<_> = (0..dates.len())
        .map(|i| row(&format!("C{i}"), "2024-03-05", "1"))
        .collect();
    assert_eq!(rows(&orders), expected);
}

#[test]
fn every_amount_form_through_a_whole_file() {
    let amounts = [
        ("1234", "1234"),
        ("\"1,234\"", "1234"),
        ("\"¥1,234\"", "1234"),
        ("\"￥1,234\"", "1234"),
        ("$12.50", "12.5"),
        ("１２３４", "1234"),
        ("１，２３４", "1234"),
        ("￥１，２３４", "1234"),
        ("1234円", "1234"),
        ("-500", "-500"),
        ("\"-¥1,000\"", "-1000"),
        ("▲300", "-300"),
        ("(250)", "-250"),
        ("\" 99.99 \"", "99.99"),
        ("0.000001", "0.000001"),
    ];
    let mut text = String::from(HEADER);
    for (i, (a, _)) in amounts.iter().enumerate() {
        text += &format!("C{i},2024-03-05,{a}\n");
    }
    let (orders, _) = read_default("a.csv", text.as_bytes()).unwrap();
    let expected: Vec<_> = amounts
        .iter()
        .enumerate()
        .map(|(i, (_, m))| row(&format!("C{i}"), "2024-03-05", m))
        .collect();
    assert_eq!(rows(&orders), expected);
}

#[test]
fn the_shift_jis_yen_sign_reads_as_yen() {
    // Shift_JIS has no ¥ of its own: Excel writes byte 0x5C, which decodes
    // as a backslash.
    let bytes = sjis("会員ID,注文日,金額\n顧客1,2024/3/5,\"¥1,234\"\n顧客2,2024/3/5,￥500\n");
    assert!(bytes.windows(2).any(|w| w == b"\\1"));
    let (orders, _) = read_as(
        "y.csv",
        &bytes,
        &columns("会員ID", "注文日", "金額"),
        &ReadOptions::default(),
    )
    .unwrap();
    assert_eq!(
        rows(&orders),
        [row("顧客1", "2024-03-05", "1234"), row("顧客2", "2024-03-05", "500")]
    );
}

#[test]
fn amounts_whose_sum_could_overflow_are_refused() {
    // Each fits (at most 9,223,372,036,854.775807), but two add up to more
    // than any exact sum can hold: refused before anything is summed.
    let one = format!("{HEADER}A,2024-01-01,9223372036854\n");
    let (orders, _) = read_default("o.csv", one.as_bytes()).unwrap();
    assert_eq!(rows(&orders), [row("A", "2024-01-01", "9223372036854")]);
    let two = format!("{one}B,2024-01-01,-9223372036854\n");
    assert_eq!(
        read_default("o.csv", two.as_bytes()).unwrap_err(),
        "o.csv: the amounts add up to 18446744073708 in absolute value, more than the 9223372036854.775807 this \
         engine sums exactly; check the amount column for misplaced digits"
    );
}

#[test]
fn ids_stay_strings() {
    let text = format!("{HEADER}00012,2024-03-05,1\n12,2024-03-05,1\n\" 007 \",2024-03-05,1\n");
    let (orders, _) = read_default("i.csv", text.as_bytes()).unwrap();
    assert_eq!(orders.ids.iter().collect::<Vec<_>>(), ["00012", "12", "007"]);
}

// ------------------------------------------------------- strict: the errors

/// The strict error for one bad row on line 3 (after the header and a good row).
fn strict_error(bad_row: &str) -> String {
    read_default("o.csv", format!("{HEADER}A,2024-03-05,5\n{bad_row}\n").as_bytes()).unwrap_err()
}

#[test]
fn strict_errors_name_file_line_column_value_and_expectation() {
    let cases = [
        (
            "B,2024-13-01,5",
            "column 'order_date': no such calendar day (value: \"2024-13-01\"",
            DATE_EXPECTED,
        ),
        (
            "B,2024-02-30,5",
            "column 'order_date': no such calendar day (value: \"2024-02-30\"",
            DATE_EXPECTED,
        ),
        (
            "B,05/03/2024,5",
            "column 'order_date': not a date (value: \"05/03/2024\"",
            DATE_EXPECTED,
        ),
        (
            "B,0024-03-05,5",
            "column 'order_date': year out of range (value: \"0024-03-05\"",
            DATE_EXPECTED,
        ),
        ("B,,5", "column 'order_date': empty value (value: \"\"", DATE_EXPECTED),
        (
            "B,2024-03-05,abc",
            "column 'amount': not an amount (value: \"abc\"",
            AMOUNT_EXPECTED,
        ),
        (
            "B,2024-03-05,\"12,34\"",
            "column 'amount': not an amount (value: \"12,34\"",
            AMOUNT_EXPECTED,
        ),
        (
            "B,2024-03-05,1.0000001",
            "column 'amount': more than 6 decimals (value: \"1.0000001\"",
            AMOUNT_EXPECTED,
        ),
        (
            "B,2024-03-05,99999999999999999999",
            "column 'amount': amount too large (value: \"99999999999999999999\"",
            AMOUNT_EXPECTED,
        ),
        (
            "B,2024-03-05,",
            "column 'amount': empty value (value: \"\"",
            AMOUNT_EXPECTED,
        ),
        (
            ",2024-03-05,5",
            "column 'customer_id': empty value (value: \"\"",
            "a customer id (for guest orders without one, pass --guest-ids \"\")",
        ),
        (
            "\"　\",2024-03-05,5",
            "column 'customer_id': empty value (value: \"\\u{3000}\"",
            "a customer id (for guest orders without one, pass --guest-ids \"\")",
        ),
    ];
    for (bad_row, middle, expected) in cases {
        assert_eq!(
            strict_error(bad_row),
            format!("o.csv: line 3, {middle}; expected {expected})"),
            "{bad_row}"
        );
    }
    // Within a row, the first bad column in the configured order.
    assert!(strict_error(",x,y").starts_with("o.csv: line 3, column 'customer_id': empty value"));
}

#[test]
fn line_numbers_count_quoted_newlines_blank_lines_and_crlf() {
    // Line 2-4: one record whose note spans three lines; line 5 blank;
    // line 6 good; line 7 bad.
    let text = "customer_id,order_date,amount,note\n\
                A,2024-03-05,5,\"one\ntwo\nthree\"\n\
                \n\
                B,2024-03-06,5,\n\
                C,2024-03-32,5,\n";
    let expected = "o.csv: line 7, column 'order_date': no such calendar day (value: \"2024-03-32\"";
    let lf = read_default("o.csv", text.as_bytes()).unwrap_err();
    assert!(lf.starts_with(expected), "{lf}");
    let crlf = read_default("o.csv", text.replace('\n', "\r\n").as_bytes()).unwrap_err();
    assert!(crlf.starts_with(expected), "{crlf}");
    // Lone CR (old Excel for Mac): the same lines.
    let cr = read_default("o.csv", text.replace('\n', "\r").as_bytes()).unwrap_err();
    assert!(cr.starts_with(expected), "{cr}");
}

#[test]
fn a_header_only_file_and_an_empty_file_are_errors() {
    for text in [
        HEADER,
        "customer_id,order_date,amount",
        "customer_id,order_date,amount\r\n\r\n,,\n",
    ] {
        assert_eq!(
            read_default("h.csv", text.as_bytes()).unwrap_err(),
            "h.csv: no order rows: the file has a header but no data",
            "{text:?}"
        );
    }
    for bytes in [&b""[..], b"\n\r\n  \n", b"\xEF\xBB\xBF", b"\xEF\xBB\xBF\r\n"] {
        assert_eq!(
            read_default("e.csv", bytes).unwrap_err(),
            "e.csv: the file is empty (expected a header line and order rows)",
            "{bytes:?}"
        );
    }
}

#[test]
fn a_missing_column_lists_the_columns_and_suggests_the_closest() {
    assert_eq!(
        read_default("m.csv", b"customer,order_date,amount\nA,2024-03-05,5\n").unwrap_err(),
        "m.csv: column 'customer_id' not found (customer column); columns found: 'customer', 'order_date', 'amount' \
         — did you mean 'customer'?"
    );
    assert_eq!(
        read_default("m.csv", b"customer_id,date,amount\nA,2024-03-05,5\n").unwrap_err(),
        "m.csv: column 'order_date' not found (date column); columns found: 'customer_id', 'date', 'amount'"
    );
}

// ------------------------------------------------------------- title lines

#[test]
fn a_title_line_above_the_header_is_skipped_and_reported() {
    for title in [
        "注文データ 2025年12月\n",
        "注文データ 2025年12月,,\n",
        "\"注文データ 2025年12月\",,\r\n",
    ] {
        let text = format!("{title}{HEADER}A,2025-12-01,5\nB,2025-12-32,5\n");
        assert_eq!(
            read_default("t.csv", text.as_bytes()).unwrap_err(),
            format!(
                "t.csv: line 4, column 'order_date': no such calendar day (value: \"2025-12-32\"; expected {DATE_EXPECTED})"
            ),
            "{title:?}"
        );
        let (orders, report) = read_as("t.csv", text.as_bytes(), &Config::default().columns, &lenient()).unwrap();
        assert_eq!(rows(&orders), [row("A", "2025-12-01", "5")]);
        let layout = report.layout.unwrap();
        assert_eq!(layout.header_line, 2);
        assert_eq!(layout.lines_before_header, ["注文データ 2025年12月"]);
        assert_eq!(report.rows_read, 2);
    }
}

#[test]
fn several_title_lines_blank_lines_and_shift_jis() {
    let text = "売上明細\r\n出力日: 2026/1/5\r\n\r\n会員ID,注文日,金額\r\n顧客1,2025/12/1,\"¥1,000\"\r\n";
    let (orders, report) = read_as(
        "t.csv",
        &sjis(text),
        &columns("会員ID", "注文日", "金額"),
        &ReadOptions::default(),
    )
    .unwrap();
    assert_eq!(rows(&orders), [row("顧客1", "2025-12-01", "1000")]);
    let layout = report.layout.unwrap();
    assert_eq!(layout.header_line, 4);
    assert_eq!(layout.lines_before_header, ["売上明細", "出力日: 2026/1/5"]);
}

#[test]
fn a_title_line_with_a_misnamed_column_lists_the_header_not_the_title() {
    let text = "注文データ 2025年12月\ncustomer,order_date,amount\nA,2025-12-01,5\n";
    assert_eq!(
        read_default("t.csv", text.as_bytes()).unwrap_err(),
        "t.csv: column 'customer_id' not found (customer column); columns found: 'customer', 'order_date', 'amount' \
         — did you mean 'customer'?"
    );
}

#[test]
fn the_header_is_looked_for_only_near_the_top() {
    let mut text = String::new();
    for i in 1..=10 {
        text += &format!("title {i}\n");
    }
    text += HEADER;
    text += "A,2025-12-01,5\n";
    assert_eq!(
        read_default("t.csv", text.as_bytes()).unwrap_err(),
        "t.csv: column 'customer_id' not found (customer column); columns found: 'title 1'"
    );
    // Nine title lines: the header on line 10 is found.
    let (_, report) = read_default("t.csv", text.split_once('\n').unwrap().1.as_bytes()).unwrap();
    assert_eq!(report.layout.unwrap().header_line, 10);
}

// --------------------------------------------- repeated headers, blank lines

#[test]
fn a_repeated_header_is_skipped_and_counted_in_both_modes() {
    // Two exports concatenated, the second with its own BOM and CRLF.
    let text = format!(
        "{HEADER}A,2024-03-05,5\n\u{feff}customer_id,order_date,amount\r\nB,2024-03-06,7\r\n customer_id , order_date,amount\nC,2024-03-07,9\n"
    );
    for options in [ReadOptions::default(), lenient()] {
        let (orders, report) = read_as("r.csv", text.as_bytes(), &Config::default().columns, &options).unwrap();
        assert_eq!(
            rows(&orders),
            [
                row("A", "2024-03-05", "5"),
                row("B", "2024-03-06", "7"),
                row("C", "2024-03-07", "9")
            ]
        );
        assert_eq!(report.rows_read, 5);
        let rejected: Vec<(u64, &str, &str, &str)> = report
            .rejected
            .iter()
            .map(|r| (r.line, r.place.as_str(), r.column.as_str(), r.problem.code()))
            .collect();
        assert_eq!(
            rejected,
            [
                (3, "line 3", "", "repeated_header"),
                (5, "line 5", "", "repeated_header")
            ]
        );
        assert_eq!(report.rejected[0].value, "customer_id,order_date,amount");
    }
    // A bad value after a repeated header still names its own line.
    let bad = format!("{text}D,2024-03-0x,1\n");
    assert!(
        read_default("r.csv", bad.as_bytes())
            .unwrap_err()
            .starts_with("r.csv: line 7, column 'order_date': not a date")
    );
}

#[test]
fn a_repeated_header_with_an_unnamed_index_column() {
    // pandas' to_csv writes an unnamed index column; two exports concatenated.
    let text = ",customer_id,order_date,amount\n0,A,2024-03-05,5\n,customer_id,order_date,amount\n0,B,2024-03-06,7\n";
    let (orders, report) = read_default("p.csv", text.as_bytes()).unwrap();
    assert_eq!(
        rows(&orders),
        [row("A", "2024-03-05", "5"), row("B", "2024-03-06", "7")]
    );
    let rejected: Vec<(&str, &str)> = report
        .rejected
        .iter()
        .map(|r| (r.place.as_str(), r.problem.code()))
        .collect();
    assert_eq!(rejected, [("line 3", "repeated_header")]);
}

#[test]
fn blank_lines_are_skipped_and_counted_not_rows() {
    let text = "customer_id,order_date,amount,note\r\n\r\nA,2024-03-05,5,\r\n,,,\r\n  \r\n\"\",,,\r\nB,2024-03-06,7,x\r\n\r\n\r\n";
    let (orders, report) = read_default("b.csv", text.as_bytes()).unwrap();
    assert_eq!(
        rows(&orders),
        [row("A", "2024-03-05", "5"), row("B", "2024-03-06", "7")]
    );
    assert_eq!(report.rows_read, 2);
    assert_eq!(report.layout.unwrap().blank_lines, 6);
    // A row with only a note is not blank: its empty id is an error.
    let text = format!("{HEADER}\n,,,note\n").replace("amount\n", "amount,note\n");
    assert!(
        read_default("b.csv", text.as_bytes())
            .unwrap_err()
            .starts_with("b.csv: line 3, column 'customer_id': empty value")
    );
}

// ------------------------------------------------------ rows that don't split

#[test]
fn a_stray_quote_is_a_clear_error_strictly_and_a_rejected_row_leniently() {
    let text = "customer_id,order_date,amount,product\n\
                A,2024-01-01,100,27\" monitor\n\
                B,2024-01-02,200,cable\n\
                C,2024-01-03,300,5\" phone\n\
                D,2024-01-04,400,x\n";
    assert_eq!(
        read_default("q.csv", text.as_bytes()).unwrap_err(),
        "q.csv: line 2: a quote (\") inside a field that does not start with one, so the row cannot be split into \
         fields (line: \"A,2024-01-01,100,27\\\" monitor\"; expected a field either without quotes or wholly in quotes, \
         with quotes inside doubled, e.g. \"27\"\" monitor\")"
    );
    let (orders, report) = read_as("q.csv", text.as_bytes(), &Config::default().columns, &lenient()).unwrap();
    assert_eq!(
        rows(&orders),
        [row("B", "2024-01-02", "200"), row("D", "2024-01-04", "400")]
    );
    assert_eq!(report.rows_read, 4);
    let rejected: Vec<(&str, &str, &str)> = report
        .rejected
        .iter()
        .map(|r| (r.place.as_str(), r.value.as_str(), r.problem.code()))
        .collect();
    assert_eq!(
        rejected,
        [
            ("line 2", "A,2024-01-01,100,27\" monitor", "bad_quotes"),
            ("line 4", "C,2024-01-03,300,5\" phone", "bad_quotes")
        ]
    );
}

#[test]
fn too_many_fields_and_unclosed_quotes() {
    let text = format!("{HEADER}A,2024-01-01,1,234\nB,2024-01-02,\"5\nC,2024-01-03,6\n");
    assert_eq!(
        read_default("f.csv", text.as_bytes()).unwrap_err(),
        "f.csv: line 2: 4 fields but the header has 3 (comma-separated) (line: \"A,2024-01-01,1,234\"; expected a value \
         containing the delimiter to be in quotes, e.g. \"1,234\")"
    );
    let (orders, report) = read_as("f.csv", text.as_bytes(), &Config::default().columns, &lenient()).unwrap();
    assert_eq!(rows(&orders), [row("C", "2024-01-03", "6")]);
    assert_eq!(report.rows_read, 3);
    let rejected: Vec<(&str, &str)> = report
        .rejected
        .iter()
        .map(|r| (r.place.as_str(), r.problem.code()))
        .collect();
    assert_eq!(rejected, [("line 2", "too_many_fields"), ("line 3", "bad_quotes")]);
    // The unclosed quote alone, strictly.
    let text = format!("{HEADER}B,2024-01-02,\"5\nC,2024-01-03,6\n");
    assert!(
        read_default("f.csv", text.as_bytes())
            .unwrap_err()
            .starts_with("f.csv: line 2: a quoted field that is never closed, so the row cannot be split into fields")
    );
}

#[test]
fn lenient_mode_counts_and_lists_bad_rows_on_their_lines() {
    let text = "customer_id,order_date,amount,note\n\
                A,2024-03-05,5,\"a\nb\"\n\
                ,2024-03-05,5,\n\
                B,2024-03-xx,5,\n\
                \n\
                C,2024-03-05,abc,\"x\r\ny\"\n\
                D,2024-03-05,7,\n";
    let (orders, report) = read_as("l.csv", text.as_bytes(), &Config::default().columns, &lenient()).unwrap();
    assert_eq!(
        rows(&orders),
        [row("A", "2024-03-05", "5"), row("D", "2024-03-05", "7")]
    );
    assert_eq!(report.rows_read, 5);
    let rejected: Vec<(&str, &str, &str, &str)> = report
        .rejected
        .iter()
        .map(|r| (r.place.as_str(), r.column.as_str(), r.value.as_str(), r.problem.code()))
        .collect();
    assert_eq!(
        rejected,
        [
            ("line 4", "customer_id", "", "empty"),
            ("line 5", "order_date", "2024-03-xx", "bad_date"),
            ("line 7", "amount", "abc", "bad_amount"),
        ]
    );
}

// ---------------------------------------- line accounting: polars vs scanning

mod line_accounting {
    use super::*;
    use proptest::prelude::*;

    /// Pieces of a file; each data row's id is the line it starts on, so the
    /// row's line can be checked against the id polars read.
    #[derive(Debug, Clone)]
    enum Piece {
        Row,
        /// A row whose note is quoted and spans `n` extra lines.
        MultiLine(usize),
        Blank,
        Commas,
        RepeatedHeader,
    }

    fn piece() -> impl Strategy<Value = Piece> {
        prop_oneof![
            4 => Just(Piece::Row),
            2 => (1usize..3).prop_map(Piece::MultiLine),
            1 => Just(Piece::Blank),
            1 => Just(Piece::Commas),
            1 => Just(Piece::RepeatedHeader),
        ]
    }

    /// The file text, the expected `(id, line)` of every row, and of every repeated header.
    fn build(titles: usize, pieces: &[Piece], eol: &str) -> (String, Vec<(String, u64)>, Vec<u64>) {
        let mut text = String::new();
        let mut line = 1u64;
        for i in 0..titles {
            text += &format!("Report title {i}{eol}");
            line += 1;
        }
        text += &format!("customer_id,order_date,amount,note{eol}");
        line += 1;
        let mut rows = Vec::new();
        let mut headers = Vec::new();
        for p in pieces {
            match p {
                Piece::Row => {
                    text += &format!("L{line},2024-03-05,1,n{eol}");
                    rows.push((format!("L{line}"), line));
                    line += 1;
                }
                Piece::MultiLine(n) => {
                    let note = vec!["part"; n + 1].join(eol);
                    text += &format!("\"L{line}\",2024-03-05,1,\"{note}\"{eol}");
                    rows.push((format!("L{line}"), line));
                    line += 1 + *n as u64;
                }
                Piece::Blank => {
                    text += eol;
                    line += 1;
                }
                Piece::Commas => {
                    text += &format!(",,,{eol}");
                    line += 1;
                }
                Piece::RepeatedHeader => {
                    text += &format!("customer_id,order_date,amount,note{eol}");
                    headers.push(line);
                    line += 1;
                }
            }
        }
        (text, rows, headers)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn line_of_row_matches_the_rows_polars_read(
            titles in 0usize..3,
            pieces in proptest::collection::vec(piece(), 1..40),
            crlf in any::<bool>(),
        ) {
            let eol = if crlf { "\r\n" } else { "\n" };
            let (text, expected, headers) = build(titles, &pieces, eol);
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("lines.csv");
            std::fs::write(&path, &text).unwrap();
            let wanted = ["customer_id", "order_date", "amount"];
            let csv = cpm::ingest::csv::read(&path, None, None, &wanted, false).unwrap();
            prop_assert_eq!(csv.layout.header_line, titles as u64 + 1);
            let ids = csv.frame.column("customer_id").unwrap().str().unwrap().clone();
            let got: Vec<(String, u64)> = (0..csv.frame.height())
                .map(|r| (ids.get(r).unwrap_or("").to_string(), csv.line_of_row(r)))
                .collect();
            prop_assert_eq!(&got, &expected);
            let all: Vec<usize> = (0..csv.frame.height()).collect();
            let lines: Vec<u64> = expected.iter().map(|e| e.1).collect();
            prop_assert_eq!(csv.lines_of_rows(&all), lines);
            let skipped: Vec<u64> = csv.skipped.iter().map(|s| s.line).collect();
            prop_assert_eq!(skipped, headers);

            // A bad date on the last row is reported on its line.
            if let Some((_, last_line)) = expected.last() {
                let bad = text.replacen(&format!("L{last_line},2024-03-05"), &format!("L{last_line},2024-03-32"), 1)
                    .replacen(&format!("\"L{last_line}\",2024-03-05"), &format!("\"L{last_line}\",2024-03-32"), 1);
                std::fs::write(&path, &bad).unwrap();
                let c = Config::default();
                let err = read_orders(&path, &c.columns, c.time_zone, &ReadOptions::default()).unwrap_err().to_string();
                let expected_start = format!("{}: line {last_line}, column 'order_date'", path.display());
                prop_assert!(err.starts_with(&expected_start), "{}", err);
            }
        }
    }
}
