//! A self-contained random fuzzer for the CSV ingest path and the whole
//! analysis (no nightly toolchain, no extra dependencies).
//!
//! It mutates a corpus of valid and messy order files (byte flips;
//! insertions of quotes, delimiters, line breaks, BOMs, Shift_JIS bytes,
//! full-width digits, huge numbers; truncations; spliced lines) and runs
//! `cpm::ingest::read_orders` (strict and lenient) and
//! `cpm::pipeline::analyze` on each, catching panics. Every input that
//! panics is shrunk and saved as `tests/fuzz_corpus/crash-N.csv` (one file
//! per distinct panic), which `tests/it/fuzz_regressions.rs` replays.
//!
//! ```sh
//! cargo run --example fuzz_ingest -- --seconds 600 [--seed 7]
//! ```

use std::collections::HashSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use cpm::config::{Columns, Config};
use cpm::ingest::ReadOptions;
use cpm::ingest::csv::Encoding;

/// A case slower than this is saved as `slow-N.txt` (not replayed by the tests).
/// The date the fuzzer runs "today", 2026-12-01 (the library takes it as a
/// parameter).
const FUZZ_TODAY: cpm::dates::Day = 20_788;
const SLOW: Duration = Duration::from_secs(5);

/// SplitMix64: small, fast, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() % n as u64) as usize }
    }

    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn sjis(text: &str) -> Vec<u8> {
    encoding_rs::SHIFT_JIS.encode(text).0.into_owned()
}

/// Valid and messy files to start from.
fn corpus() -> Vec<Vec<u8>> {
    let h = "customer_id,order_date,amount\n";
    let mut files: Vec<Vec<u8>> = vec![
        format!("{h}A,2024-01-10,5000\nA,2024-02-15,3000\nB,2024-01-20,80000\nC,2024-02-01,1000\nD,2024-03-05,100\n")
            .into_bytes(),
        format!("\u{feff}{h}00012,2024/3/5,\"¥1,234\"\n12,20240306,-500\n007,2024年3月7日,１，２３４\n").into_bytes(),
        "customer_id\torder_date\tamount\nA\t2024-03-05T10:00:00+09:00\t1,234.5\nB\t2024-03-04T15:30:00Z\t$12\n"
            .as_bytes()
            .to_vec(),
        "customer_id;order_date;amount\r\nA;2024-03-05;1.234\r\nB;2024-04-05;▲300\r\nA;2024-05-05;(200)\r\n"
            .as_bytes()
            .to_vec(),
        format!("注文データ 2025年12月,,\n{h}A,2025/1/5,\"¥1,234\"\n,2025/1/6,5\n\n{h}B,2099-01-01,1\nC,2025-01-32,x\n")
            .into_bytes(),
        sjis("会員ID,注文日,金額\r\n顧客001,2024/3/5,\"¥1,234\"\r\n顧客002,2024/4/5,￥500\r\n"),
        sjis(&format!("タイトル\r\n{h}顧客001,2024/3/5,\"¥1,234\"\r\n顧客002,2024/4/5,￥500\r\n")),
        "customer_id,order_date,amount,note\nA,2024-03-05,5,\"two\nlines\"\nB,2024-03-06,7,\"x \"\"q\"\" y\"\nC,2024-03-07,9,27\" tv\n"
        .as_bytes()
        .to_vec(),
        format!("{h}A,2024-01-01,9223372036854\nA,2024-01-01,9223372036854\nA,2024-01-02,-9223372036854\n").into_bytes(),
        format!("{h}A,1900-01-01,1\nB,2199-12-31,1\nC,2024-02-29,0.000001\n").into_bytes(),
        format!("{h}A,2024-01-01,1\rB,2024-02-01,2\rC,2024-03-01,3\r").into_bytes(),
    ];
    // A larger, regular file.
    let mut big = String::from(h);
    for i in 0..200 {
        big += &format!(
            "C{:03},2023-{:02}-{:02},{}\n",
            i % 37,
            1 + i % 12,
            1 + i % 28,
            (i * 7919) % 100_000 - 20_000
        );
    }
    files.push(big.into_bytes());
    files
}

/// Byte strings worth inserting.
const TOKENS: &[&[u8]] = &[
    b"\"",
    b"\"\"",
    b",",
    b"\t",
    b";",
    b"\n",
    b"\r\n",
    b"\r",
    b"\xEF\xBB\xBF",
    b"\xFF\xFE",
    b"\x82\xA0",     // Shift_JIS あ
    b"\x5C",         // Shift_JIS ¥
    b"\x81",         // a lone Shift_JIS lead byte
    b"\xE3\x80\x80", // ideographic space
    "１２３".as_bytes(),
    "２０２４／３／５".as_bytes(),
    "２０２４年３月５日".as_bytes(),
    "￥".as_bytes(),
    "¥".as_bytes(),
    "▲".as_bytes(),
    "円".as_bytes(),
    b"99999999999999999999",
    b"9223372036854.775807",
    b"-9223372036854.775808",
    b"0.0000001",
    b"1,234,567",
    b"2024-02-29",
    b"2024-13-01",
    b"0001-01-01",
    b"9999-12-31",
    b"2199-12-31T23:59:59-12:00",
    b"1900-01-01T00:00:00+14:00",
    b"T25:61",
    b"customer_id,order_date,amount\n",
    b"customer_id",
    b"order_date",
    b"amount",
    b"\0",
    b" ",
    b"(",
    b")",
    b"-",
    b".",
];

fn mutate(rng: &mut Rng, input: &[u8], corpus: &[Vec<u8>]) -> Vec<u8> {
    let mut data = input.to_vec();
    let rounds = 1 + rng.below(6);
    for _ in 0..rounds {
        let len = data.len();
        match rng.below(11) {
            0 if len > 0 => {
                let i = rng.below(len);
                data[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                data[i] = rng.next() as u8;
            }
            2 | 3 => {
                let i = rng.below(len + 1);
                let token = rng.pick(TOKENS);
                data.splice(i..i, token.iter().copied());
            }
            4 if len > 0 => {
                let i = rng.below(len);
                let n = 1 + rng.below(16.min(len - i));
                data.drain(i..i + n);
            }
            5 => {
                data.truncate(rng.below(len + 1));
            }
            6 if len > 0 => {
                // Duplicate a line somewhere.
                let lines: Vec<&[u8]> = data.split_inclusive(|&b| b == b'\n').collect();
                let line = lines[rng.below(lines.len())].to_vec();
                let at = rng.below(len + 1);
                data.splice(at..at, line);
            }
            7 => {
                // Splice in a piece of another corpus file.
                let other = rng.pick(corpus);
                if !other.is_empty() {
                    let a = rng.below(other.len());
                    let b = a + rng.below(other.len() - a + 1);
                    let at = rng.below(len + 1);
                    data.splice(at..at, other[a..b].iter().copied());
                }
            }
            8 => {
                // A run of digits: a huge number.
                let at = rng.below(len + 1);
                let digits: Vec<u8> = (0..1 + rng.below(40)).map(|_| b'0' + rng.below(10) as u8).collect();
                data.splice(at..at, digits);
            }
            9 => {
                // Line endings: LF ↔ CRLF.
                if rng.chance(2) {
                    data = String::from_utf8_lossy(&data).replace('\n', "\r\n").into_bytes();
                } else {
                    data.retain(|&b| b != b'\r');
                }
            }
            _ => {
                // Repeat a random slice (long fields, many rows).
                if len > 0 {
                    let a = rng.below(len);
                    let b = (a + 1 + rng.below(64)).min(len);
                    let piece = data[a..b].to_vec();
                    let times = 1 + rng.below(50);
                    let at = rng.below(len + 1);
                    data.splice(at..at, piece.repeat(times));
                }
            }
        }
    }
    data
}

/// How one case is run.
#[derive(Debug, Clone)]
struct Setup {
    extension: &'static str,
    options: ReadOptions,
    as_of: Option<cpm::dates::Day>,
    japanese_columns: bool,
}

fn random_setup(rng: &mut Rng) -> Setup {
    Setup {
        extension: ["csv", "csv", "csv", "tsv", "txt"][rng.below(5)],
        options: ReadOptions {
            encoding: *rng.pick(&[None, None, None, Some(Encoding::Utf8), Some(Encoding::ShiftJis)]),
            delimiter: *rng.pick(&[None, None, None, Some(b','), Some(b'\t'), Some(b';')]),
            lenient: rng.chance(2),
        },
        as_of: if rng.chance(3) {
            cpm::dates::day_from_ymd(
                2020 + rng.below(8) as i32,
                1 + rng.below(12) as u32,
                1 + rng.below(28) as u32,
            )
        } else {
            None
        },
        japanese_columns: rng.chance(8),
    }
}

fn config(setup: &Setup) -> Config {
    let mut config = Config::default();
    if setup.japanese_columns {
        config.columns = Columns {
            customer: "会員ID".into(),
            date: "注文日".into(),
            amount: "金額".into(),
        };
    }
    config
}

/// The first panic of the current case (message and place), filled by the
/// panic hook: the root cause when a worker thread's panic is re-raised.
static FIRST_PANIC: Mutex<Option<String>> = Mutex::new(None);

/// Runs one input; `Some(panic)` if anything panicked.
fn run_case(path: &Path, bytes: &[u8], setup: &Setup) -> Option<String> {
    std::fs::write(path, bytes).expect("write the fuzz case");
    FIRST_PANIC.lock().unwrap().take();
    let config = config(setup);
    let result = catch_unwind(AssertUnwindSafe(|| {
        let strict = ReadOptions {
            lenient: false,
            ..setup.options.clone()
        };
        let lenient = ReadOptions {
            lenient: true,
            ..setup.options.clone()
        };
        let _ = cpm::ingest::read_orders(path, &config.columns, config.time_zone, &strict);
        let _ = cpm::ingest::read_orders(path, &config.columns, config.time_zone, &lenient);
        if let Ok(analysis) = cpm::pipeline::analyze(path, &config, &setup.options, setup.as_of, FUZZ_TODAY) {
            // The figures every report prints must hold together.
            let q = cpm::tables::data_quality::DataQuality::of(&analysis);
            assert!(q.balances(), "rows read != used + rejected + excluded: {q:?}");
            let _ = cpm::report::quality::text(&q, cpm::text::lang::Lang::Ja);
            let _ = cpm::tables::data_quality_csv(&q);
            let _ = cpm::tables::rejects_csv(&analysis.ingest.rejected);
        }
    }));
    match result {
        Ok(()) => None,
        Err(_) => Some(
            FIRST_PANIC
                .lock()
                .unwrap()
                .take()
                .unwrap_or_else(|| "unknown panic".into()),
        ),
    }
}

/// The panic's place (file:line), to tell crashes apart.
fn panic_site(message: &str) -> String {
    message.split(" | ").next().unwrap_or(message).to_string()
}

/// Shrinks a crashing input while it still panics at the same place.
fn shrink(path: &Path, mut bytes: Vec<u8>, setup: &Setup, site: &str, budget: Duration) -> Vec<u8> {
    let start = Instant::now();
    let mut chunk = bytes.len() / 2;
    while chunk >= 1 && start.elapsed() < budget {
        let mut i = 0;
        let mut progressed = false;
        while i + chunk <= bytes.len() && start.elapsed() < budget {
            let mut candidate = bytes.clone();
            candidate.drain(i..i + chunk);
            match run_case(path, &candidate, setup) {
                Some(m) if panic_site(&m) == site => {
                    bytes = candidate;
                    progressed = true;
                }
                _ => i += chunk,
            }
        }
        if !progressed {
            chunk /= 2;
        }
    }
    bytes
}

fn next_crash_path(dir: &Path) -> PathBuf {
    (0..)
        .map(|n| dir.join(format!("crash-{n}.csv")))
        .find(|p| !p.exists())
        .expect("a free name")
}

struct Args {
    seconds: u64,
    seed: u64,
}

fn parse_args() -> Args {
    let mut args = Args {
        seconds: 60,
        seed: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64),
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let value = it.next().unwrap_or_default();
        match a.as_str() {
            "--seconds" => args.seconds = value.parse().expect("--seconds N"),
            "--seed" => args.seed = value.parse().expect("--seed N"),
            other => {
                eprintln!("unknown argument {other}; usage: fuzz_ingest [--seconds N] [--seed N]");
                std::process::exit(2);
            }
        }
    }
    args
}

fn main() {
    let args = parse_args();
    std::panic::set_hook(Box::new(|info| {
        let place = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        FIRST_PANIC
            .lock()
            .unwrap()
            .get_or_insert(format!("{place} | {message}"));
    }));

    let crash_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_corpus");
    let work = std::env::temp_dir().join(format!("cpm-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&work).expect("work folder");
    let corpus = corpus();
    let mut rng = Rng(args.seed);
    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let started = Instant::now();
    let (mut cases, mut crashes) = (0u64, 0u64);
    let mut sites: HashSet<String> = HashSet::new();
    let mut slowest = (Duration::ZERO, 0usize);
    let mut slow_saved = 0;
    let mut last_report = Instant::now();
    eprintln!("fuzzing for {} s, seed {}", args.seconds, args.seed);

    while Instant::now() < deadline {
        let base = rng.pick(&corpus).clone();
        let input = if rng.chance(20) {
            base
        } else {
            mutate(&mut rng, &base, &corpus)
        };
        let setup = random_setup(&mut rng);
        let path = work.join(format!("case.{}", setup.extension));
        let t = Instant::now();
        let outcome = run_case(&path, &input, &setup);
        let took = t.elapsed();
        if took > slowest.0 {
            slowest = (took, input.len());
        }
        // A case this slow on a few kB is a performance bug: keep a few.
        if took > SLOW && slow_saved < 5 {
            slow_saved += 1;
            std::fs::create_dir_all(&crash_dir).expect("tests/fuzz_corpus");
            let out = (0..)
                .map(|n| crash_dir.join(format!("slow-{n}.txt")))
                .find(|p| !p.exists())
                .expect("a name");
            std::fs::write(&out, &input).expect("save the slow case");
            eprintln!(
                "SLOW {:.1} s: saved {} ({} bytes), setup {setup:?}",
                took.as_secs_f64(),
                out.display(),
                input.len()
            );
        }
        cases += 1;
        if let Some(message) = outcome {
            crashes += 1;
            let site = panic_site(&message);
            if sites.insert(site.clone()) {
                let small = shrink(&path, input, &setup, &site, Duration::from_secs(20));
                std::fs::create_dir_all(&crash_dir).expect("tests/fuzz_corpus");
                let out = next_crash_path(&crash_dir);
                std::fs::write(&out, &small).expect("save the crash");
                eprintln!(
                    "CRASH {message}\n  saved {} ({} bytes), setup {setup:?}",
                    out.display(),
                    small.len()
                );
            }
        }
        if last_report.elapsed() > Duration::from_secs(30) {
            last_report = Instant::now();
            eprintln!("  {cases} cases, {crashes} crashes so far");
        }
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{cases} cases in {secs:.0} s ({:.0} cases/s), {crashes} crashes ({} distinct); slowest case {:.3} s ({} bytes)",
        cases as f64 / secs,
        sites.len(),
        slowest.0.as_secs_f64(),
        slowest.1
    );
    let _ = std::fs::remove_dir_all(&work);
    if crashes > 0 {
        std::process::exit(1);
    }
}
