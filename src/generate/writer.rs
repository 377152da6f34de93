//! Writes generated order histories ([`crate::generate`]) to CSV or Parquet.
//!
//! Both formats carry the columns `customer_id` (string, e.g. `C0000000123`),
//! `order_date` and `amount` (integer yen), then the attributes `channel`,
//! `product` and `shop` (text), in the rows' order. The writers
//! stream: the CSV writer formats digits by hand into one reused buffer, the
//! Parquet writer builds one row group of [`PARQUET_BATCH_ROWS`] rows at a
//! time, so tens of millions of rows never need a second full copy.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::dates::{Day, date_from_day};
use crate::generate::attributes::{CHANNELS, PRODUCTS, SHOPS};
use crate::generate::{CUSTOMER_ID_LEN, GeneratedOrders, write_customer_id};

/// Rows per Parquet row group.
pub(crate) const PARQUET_BATCH_ROWS: usize = 1 << 20;

/// Why the orders could not be written.
#[derive(Debug, thiserror::Error)]
pub(crate) enum OrderWriteError {
    #[error(
        "cannot write {}: unknown file extension (use .csv or .parquet)",
        .path.display()
    )]
    UnknownExtension { path: PathBuf },

    #[error("cannot write {}: {source}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("cannot write Parquet file {}: {source}", .path.display())]
    Parquet {
        path: PathBuf,
        #[source]
        source: PolarsError,
    },
}

/// The output formats, chosen by the file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Csv,
    Parquet,
}

fn format_of(path: &Path) -> Option<Format> {
    let extension = path.extension()?.to_str()?.to_ascii_lowercase();
    match extension.as_str() {
        "csv" => Some(Format::Csv),
        "parquet" => Some(Format::Parquet),
        _ => None,
    }
}

/// Writes columns customer_id (string), order_date, amount, channel,
/// product, shop. Format by the extension: `.csv` (UTF-8, header
/// `customer_id,order_date,amount,channel,product,shop`, dates `YYYY-MM-DD`,
/// integer yen, text quoted when it holds a comma) or `.parquet`
/// (customer_id String, order_date Date, amount Int64, the rest String).
pub(crate) fn write_orders(path: &Path, orders: &GeneratedOrders) -> Result<(), OrderWriteError> {
    let format = format_of(path).ok_or_else(|| OrderWriteError::UnknownExtension {
        path: path.to_path_buf(),
    })?;
    let io_error = |source| OrderWriteError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = File::create(path).map_err(io_error)?;
    match format {
        Format::Csv => write_csv(file, orders).map_err(io_error),
        Format::Parquet => write_parquet(file, orders).map_err(|source| match source {
            PolarsError::IO { error, .. } => OrderWriteError::Io {
                path: path.to_path_buf(),
                source: std::io::Error::new(error.kind(), error.to_string()),
            },
            source => OrderWriteError::Parquet {
                path: path.to_path_buf(),
                source,
            },
        }),
    }
}

// ---------------------------------------------------------------------------
// CSV

/// Flush threshold of the row buffer.
const CSV_BUFFER: usize = 1 << 20;
/// Longest row: id, date, `-9223372036854775808`, the attributes (quoted),
/// five commas and a newline.
const CSV_MAX_ROW: usize = CUSTOMER_ID_LEN + 10 + 20 + 3 * 64 + 6;

/// The CSV field of each value of an attribute table.
fn csv_fields(values: &[&str]) -> Vec<Vec<u8>> {
    values
        .iter()
        .map(|v| crate::tables::csv_field(v).as_bytes().to_vec())
        .collect()
}

fn write_csv(file: File, orders: &GeneratedOrders) -> std::io::Result<()> {
    let mut out = BufWriter::with_capacity(CSV_BUFFER, file);
    out.write_all(b"customer_id,order_date,amount,channel,product,shop\n")?;
    let (channels, products, shops) = (csv_fields(&CHANNELS), csv_fields(&PRODUCTS), csv_fields(&SHOPS));

    let dates = DateTexts::new(&orders.day);
    let mut buf: Vec<u8> = Vec::with_capacity(CSV_BUFFER + CSV_MAX_ROW);
    let mut id = [0u8; CUSTOMER_ID_LEN];
    let rows = orders.customer.iter().zip(&orders.day).zip(&orders.amount_yen);
    for (((&customer, &day), &amount), a) in rows.zip(&orders.attrs) {
        write_customer_id(customer, &mut id);
        buf.extend_from_slice(&id);
        buf.push(b',');
        buf.extend_from_slice(dates.get(day));
        buf.push(b',');
        push_integer(&mut buf, amount);
        buf.push(b',');
        buf.extend_from_slice(&channels[a.channel as usize]);
        buf.push(b',');
        buf.extend_from_slice(&products[a.product as usize]);
        buf.push(b',');
        buf.extend_from_slice(&shops[a.shop as usize]);
        buf.push(b'\n');
        if buf.len() >= CSV_BUFFER {
            out.write_all(&buf)?;
            buf.clear();
        }
    }
    out.write_all(&buf)?;
    out.flush()
}

/// `YYYY-MM-DD` of every day between the smallest and largest day, formatted once.
struct DateTexts {
    first: Day,
    texts: Vec<[u8; 10]>,
}

impl DateTexts {
    fn new(days: &[Day]) -> DateTexts {
        let (Some(&min), Some(&max)) = (days.iter().min(), days.iter().max()) else {
            return DateTexts {
                first: 0,
                texts: Vec::new(),
            };
        };
        let texts = (min..=max)
            .map(|day| {
                let text = date_from_day(day).format("%Y-%m-%d").to_string();
                let mut bytes = [b'0'; 10];
                // Years outside 0000..=9999 do not fit; the generator never makes them.
                let src = text.as_bytes();
                let n = src.len().min(10);
                bytes[10 - n..].copy_from_slice(&src[src.len() - n..]);
                bytes
            })
            .collect();
        DateTexts { first: min, texts }
    }

    #[inline]
    fn get(&self, day: Day) -> &[u8] {
        &self.texts[(day - self.first) as usize]
    }
}

/// Appends the decimal digits of `value` (with a leading `-` when negative).
#[inline]
fn push_integer(buf: &mut Vec<u8>, value: i64) {
    if value < 0 {
        buf.push(b'-');
    }
    let mut n = value.unsigned_abs();
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    buf.extend_from_slice(&digits[at..]);
}

// ---------------------------------------------------------------------------
// Parquet

fn write_parquet(file: File, orders: &GeneratedOrders) -> PolarsResult<()> {
    let sink = BufWriter::with_capacity(CSV_BUFFER, file);
    // The first batch (empty for an empty history) fixes the schema.
    let mut end = PARQUET_BATCH_ROWS.min(orders.len());
    let first = parquet_batch(orders, 0, end)?;
    let mut writer = ParquetWriter::new(sink).batched(first.schema())?;
    writer.write_batch(&first)?;
    drop(first);
    while end < orders.len() {
        let start = end;
        end = (start + PARQUET_BATCH_ROWS).min(orders.len());
        writer.write_batch(&parquet_batch(orders, start, end)?)?;
    }
    writer.finish()?;
    Ok(())
}

/// Rows `start..end` as a DataFrame with the output schema.
fn parquet_batch(orders: &GeneratedOrders, start: usize, end: usize) -> PolarsResult<DataFrame> {
    let mut ids = StringChunkedBuilder::new("customer_id".into(), end - start);
    let mut id = [0u8; CUSTOMER_ID_LEN];
    for &customer in &orders.customer[start..end] {
        write_customer_id(customer, &mut id);
        // Ids are ASCII (`C` and digits).
        ids.append_value(std::str::from_utf8(&id).expect("ASCII id"));
    }
    let dates = Int32Chunked::from_vec("order_date".into(), orders.day[start..end].to_vec()).into_date();
    let amounts = Int64Chunked::from_vec("amount".into(), orders.amount_yen[start..end].to_vec());
    let attrs = &orders.attrs[start..end];
    let text = |name: &str, values: &[&str], code: fn(&crate::generate::attributes::Attrs) -> u8| {
        let mut column = StringChunkedBuilder::new(name.into(), end - start);
        for a in attrs {
            column.append_value(values[code(a) as usize]);
        }
        column.finish().into_column()
    };
    DataFrame::new(
        end - start,
        vec![
            ids.finish().into_column(),
            dates.into_column(),
            amounts.into_column(),
            text("channel", &CHANNELS, |a| a.channel),
            text("product", &PRODUCTS, |a| a.product),
            text("shop", &SHOPS, |a| a.shop),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::day_from_ymd;
    use crate::generate::attributes::Attrs;
    use crate::generate::{GenerateParams, generate};

    fn sample() -> GeneratedOrders {
        GeneratedOrders {
            customer: vec![7, 12, 7],
            day: vec![
                day_from_ymd(2024, 3, 1).unwrap(),
                day_from_ymd(2024, 3, 1).unwrap(),
                day_from_ymd(2024, 3, 9).unwrap(),
            ],
            amount_yen: vec![4_980, 120_000, -4_980],
            attrs: vec![
                Attrs {
                    channel: 0,
                    product: 5,
                    shop: 1,
                },
                Attrs {
                    channel: 3,
                    product: 1,
                    shop: 0,
                },
                Attrs {
                    channel: 0,
                    product: 5,
                    shop: 1,
                },
            ],
        }
    }

    #[test]
    fn integers_by_hand() {
        for value in [0, 7, -7, 10, 4_980, -120_000, i64::MAX, i64::MIN] {
            let mut buf = Vec::new();
            push_integer(&mut buf, value);
            assert_eq!(String::from_utf8(buf).unwrap(), value.to_string());
        }
    }

    #[test]
    fn csv_layout() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("orders.CSV");
        write_orders(&path, &sample()).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text,
            "customer_id,order_date,amount,channel,product,shop\n\
             C0000000007,2024-03-01,4980,検索広告,\"香醋, 720ml\",楽天市場\n\
             C0000000012,2024-03-01,120000,紙DM,青汁 定期コース,公式サイト\n\
             C0000000007,2024-03-09,-4980,検索広告,\"香醋, 720ml\",楽天市場\n"
        );
    }

    #[test]
    fn parquet_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("orders.parquet");
        let day = day_from_ymd(2024, 1, 1).unwrap();
        let orders = generate(&GenerateParams {
            customers: 300,
            seed: 9,
            start: day,
            end: day + 400,
        })
        .unwrap();
        write_orders(&path, &orders).unwrap();
        let df = ParquetReader::new(File::open(&path).unwrap()).finish().unwrap();
        assert_eq!(df.height(), orders.len());
        assert_eq!(
            df.dtypes(),
            vec![
                DataType::String,
                DataType::Date,
                DataType::Int64,
                DataType::String,
                DataType::String,
                DataType::String
            ]
        );
        let ids = df.column("customer_id").unwrap().str().unwrap().clone();
        let days = df.column("order_date").unwrap().date().unwrap().physical().clone();
        let amounts = df.column("amount").unwrap().i64().unwrap().clone();
        let products = df.column("product").unwrap().str().unwrap().clone();
        for i in [0, orders.len() / 2, orders.len() - 1] {
            assert_eq!(ids.get(i).unwrap(), GeneratedOrders::customer_id(orders.customer[i]));
            assert_eq!(days.get(i), Some(orders.day[i]));
            assert_eq!(amounts.get(i), Some(orders.amount_yen[i]));
            assert_eq!(products.get(i), Some(PRODUCTS[orders.attrs[i].product as usize]));
        }

        // An empty history still writes a readable file with the schema.
        let empty = dir.path().join("empty.parquet");
        write_orders(&empty, &GeneratedOrders::default()).unwrap();
        let df = ParquetReader::new(File::open(&empty).unwrap()).finish().unwrap();
        assert_eq!(df.height(), 0);
        assert_eq!(
            df.get_column_names(),
            ["customer_id", "order_date", "amount", "channel", "product", "shop"]
        );
    }

    #[test]
    fn errors_name_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("orders.xlsx");
        let error = write_orders(&path, &sample()).unwrap_err();
        assert!(matches!(error, OrderWriteError::UnknownExtension { .. }));
        assert!(error.to_string().contains("orders.xlsx"), "{error}");

        let missing = dir.path().join("no/such/dir/orders.csv");
        let error = write_orders(&missing, &sample()).unwrap_err();
        assert!(matches!(error, OrderWriteError::Io { .. }));
        assert!(error.to_string().contains("orders.csv"), "{error}");
    }
}
