//! `cpm report --forecast DIR`: the forecast section shows the numbers of
//! the forecast's files (read here from the files themselves), the same
//! from `--input` and from `--tables`, keeps a copy of the files, and a
//! folder that does not belong with the report is refused by file, line
//! and column.

use std::path::Path;

use super::forecast::{cpm, forecast, num, stationary, table, write_orders};
use predicates::prelude::*;

fn report(extra: &[&str], out: &Path) -> assert_cmd::assert::Assert {
    cpm()
        .arg("report")
        .args(extra)
        .arg("--out-dir")
        .arg(out)
        .args(["--lang", "en"])
        .assert()
}

fn with_commas(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The forecast section of a page: from its table to the end of its section.
fn section(html: &str) -> &str {
    let start = html.find("<table class=\"forecast\">").expect("a forecast table");
    let end = start + html[start..].find("</section>").unwrap();
    &html[start..end]
}

#[test]
fn the_section_shows_the_files_numbers_from_input_and_from_tables() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_orders(dir.path(), &stationary(30, 30, 11));
    let fc = dir.path().join("fc");
    forecast(
        &input,
        &fc,
        &["--months", "6", "--scenario", "conversion=0.5", "--backtest"],
    )
    .success();
    let out = dir.path().join("rep");
    report(
        &["--input", input.to_str().unwrap(), "--forecast", fc.to_str().unwrap()],
        &out,
    )
    .success();
    let page = dir.path().join("rep/2022-06");
    let html = std::fs::read_to_string(page.join("index.html")).unwrap();
    let sec = section(&html);

    // 優良現役 six months ahead, with its interval, and under the scenario.
    let last = |file: &str| {
        table(&fc.join(file))
            .into_iter()
            .filter(|r| r["month_end"] == "2022-12-31" && r["segment"] == "loyal_active")
            .map(|r| {
                (
                    num(&r, "customers") as u64,
                    num(&r, "low") as u64,
                    num(&r, "high") as u64,
                )
            })
            .next()
            .unwrap()
    };
    let (n, low, high) = last("forecast.csv");
    let cell = format!(
        "{} <span class=\"note\">({}–{})</span>",
        with_commas(n),
        with_commas(low),
        with_commas(high)
    );
    assert!(sec.contains(&cell), "{cell} not in {sec}");
    let (s, s_low, s_high) = last("scenario_forecast.csv");
    let cell = format!(
        "{} <span class=\"note\">({}–{})</span>",
        with_commas(s),
        with_commas(s_low),
        with_commas(s_high)
    );
    assert!(sec.contains(&cell), "scenario {cell} not in {sec}");
    let reading = format!(
        "Loyal (active) will be {} at 2022-12-31 (80% interval {}–{}",
        with_commas(n),
        with_commas(low),
        with_commas(high)
    );
    assert!(html.contains(&reading), "{reading}");
    assert!(html.contains("with a first → toddler conversion of 50.0%"));

    // The track record at six months ahead, as the summary has it.
    let six = table(&fc.join("backtest_summary.csv"))
        .into_iter()
        .find(|r| r["horizon"] == "6")
        .unwrap();
    let track = format!(
        "Over the last {} forecasts, the 6-month-ahead error of the segment counts averaged {:.1}% ({:.1}% for",
        six["origins"],
        100.0 * num(&six, "segments_wmape"),
        100.0 * num(&six, "persistence_segments_wmape")
    );
    assert!(sec.contains(&track), "{track} not in {sec}");
    assert!(sec.contains(&format!(
        "{:.1}% of the actual counts",
        100.0 * num(&six, "interval_coverage")
    )));

    // A copy of every file read, as it was.
    for name in [
        "forecast.csv",
        "forecast_flow.csv",
        "scenario_forecast.csv",
        "backtest_summary.csv",
        "rules.toml",
    ] {
        assert_eq!(
            std::fs::read(fc.join(name)).unwrap(),
            std::fs::read(page.join("forecast").join(name)).unwrap(),
            "{name}"
        );
    }
    assert!(page.join("12_forecast.png").exists() && page.join("12_forecast.svg").exists());

    // The same section from a tables folder.
    let tables = dir.path().join("tables");
    cpm()
        .args(["tables", "--input"])
        .arg(&input)
        .arg("--out-dir")
        .arg(&tables)
        .assert()
        .success();
    let out2 = dir.path().join("rep2");
    report(
        &["--tables", tables.to_str().unwrap(), "--forecast", fc.to_str().unwrap()],
        &out2,
    )
    .success();
    let html2 = std::fs::read_to_string(out2.join("2022-06/index.html")).unwrap();
    assert_eq!(section(&html2), sec);
}

#[test]
fn a_forecast_that_does_not_belong_with_the_report_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_orders(dir.path(), &stationary(12, 20, 5));
    let i = input.to_str().unwrap();
    let out = dir.path().join("rep");

    // From another month-end.
    let early = dir.path().join("early");
    forecast(&input, &early, &["--months", "3", "--as-of", "2020-10-31"]).success();
    report(&["--input", i, "--forecast", early.to_str().unwrap()], &out)
        .code(1)
        .stderr(predicate::str::contains("starts from 2020-10-31").and(predicate::str::contains("2020-12-31")));

    // With other rules.
    let fc = dir.path().join("fc");
    forecast(&input, &fc, &["--months", "3"]).success();
    report(
        &["--input", i, "--forecast", fc.to_str().unwrap(), "--loyal-days", "300"],
        &out,
    )
    .code(1)
    .stderr(predicate::str::contains("other rules"));

    // A damaged count, named by file, line and column.
    let text = std::fs::read_to_string(fc.join("forecast.csv")).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let mut fields: Vec<String> = lines[3].split(',').map(String::from).collect();
    fields[2] = "many".into();
    lines[3] = fields.join(",");
    std::fs::write(fc.join("forecast.csv"), lines.join("\n") + "\n").unwrap();
    report(&["--input", i, "--forecast", fc.to_str().unwrap()], &out)
        .code(1)
        .stderr(
            predicate::str::contains("forecast.csv")
                .and(predicate::str::contains("line 4"))
                .and(predicate::str::contains("customers")),
        );

    // A segment out of order.
    lines[3] = text.lines().nth(3).unwrap().to_string();
    lines.swap(1, 2);
    std::fs::write(fc.join("forecast.csv"), lines.join("\n") + "\n").unwrap();
    report(&["--input", i, "--forecast", fc.to_str().unwrap()], &out)
        .code(1)
        .stderr(predicate::str::contains("line 2").and(predicate::str::contains("segment")));

    // Not a forecast folder.
    report(&["--input", i, "--forecast", dir.path().to_str().unwrap()], &out)
        .code(1)
        .stderr(predicate::str::contains("rules.toml"));
    assert!(!out.exists() || std::fs::read_dir(&out).unwrap().next().is_none());
}
