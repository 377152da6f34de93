//! Reading a workbook back as another program does: openpyxl, through
//! `tests/tools/xlsx_dump.py`, into cells by sheet, row and column. Needs
//! Python with openpyxl at the version pinned in tests/requirements.txt
//! (`CPM_TEST_PYTHON`, else `python3`); .ci/run installs it, and a missing
//! openpyxl fails with how to install it.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command as Process;

pub const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The Python to read workbooks with, checked to have the pinned openpyxl.
fn python() -> String {
    let python = std::env::var("CPM_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
    let pinned = std::fs::read_to_string(Path::new(ROOT).join("tests/requirements.txt")).unwrap();
    let version = pinned
        .lines()
        .find_map(|l| l.trim().strip_prefix("openpyxl=="))
        .expect("openpyxl pinned in tests/requirements.txt")
        .to_string();
    let how = "install it with: python3 -m venv ~/.cache/cpm-test-venv && ~/.cache/cpm-test-venv/bin/pip install -r tests/requirements.txt \
         && export CPM_TEST_PYTHON=~/.cache/cpm-test-venv/bin/python (bash .ci/run does this)";
    let out = Process::new(&python)
        .args(["-c", "import openpyxl; print(openpyxl.__version__)"])
        .output()
        .unwrap_or_else(|e| panic!("the workbook tests need Python ({python}: {e}); {how}"));
    let found = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(
        out.status.success(),
        "the workbook tests need openpyxl {version} for {python}, which does not have it; {how}"
    );
    assert_eq!(
        found, version,
        "openpyxl {found} found for {python}, the tests pin {version}; {how}"
    );
    python
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub kind: char,
    pub value: String,
    pub format: String,
}

#[derive(Debug)]
pub struct Book {
    /// `S` lines: name, max row, max column, freeze, autofilter, charts, colour scales.
    pub sheets: Vec<Vec<String>>,
    /// (sheet, row, column) → cell, 1-based.
    pub cells: BTreeMap<(String, u32, u32), Cell>,
}

impl Book {
    pub fn names(&self) -> Vec<&str> {
        self.sheets.iter().map(|s| s[0].as_str()).collect()
    }

    pub fn cell(&self, sheet: &str, row: u32, col: u32) -> &Cell {
        self.cells
            .get(&(sheet.to_string(), row, col))
            .unwrap_or_else(|| panic!("{sheet} R{row}C{col} is empty"))
    }

    /// A number cell's value (fails on text: numbers must be numbers).
    pub fn num(&self, sheet: &str, row: u32, col: u32) -> f64 {
        let c = self.cell(sheet, row, col);
        assert_eq!(c.kind, 'n', "{sheet} R{row}C{col} is a number: {c:?}");
        c.value.parse().unwrap()
    }

    pub fn date(&self, sheet: &str, row: u32, col: u32) -> String {
        let c = self.cell(sheet, row, col);
        assert_eq!(c.kind, 'd', "{sheet} R{row}C{col} is a date: {c:?}");
        c.value.clone()
    }

    pub fn text(&self, sheet: &str, row: u32, col: u32) -> &str {
        let c = self.cell(sheet, row, col);
        assert_eq!(c.kind, 's', "{sheet} R{row}C{col} is text: {c:?}");
        &c.value
    }

    /// The row of the first cell in column `col` whose text is `text`.
    pub fn find(&self, sheet: &str, col: u32, text: &str) -> u32 {
        self.cells
            .iter()
            .find(|((s, _, c), cell)| s == sheet && *c == col && cell.value == text)
            .map(|((_, r, _), _)| *r)
            .unwrap_or_else(|| panic!("{text:?} not in column {col} of {sheet}"))
    }
}

fn unescape(text: &str) -> String {
    text.replace("\\n", "\n").replace("\\t", "\t").replace("\\\\", "\\")
}

pub fn read_book(path: &Path) -> Book {
    let out = Process::new(python())
        .arg(Path::new(ROOT).join("tests/tools/xlsx_dump.py"))
        .arg(path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "openpyxl reads the workbook: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut book = Book {
        sheets: Vec::new(),
        cells: BTreeMap::new(),
    };
    for line in String::from_utf8(out.stdout).unwrap().lines() {
        let f: Vec<String> = line.split('\t').map(unescape).collect();
        match f[0].as_str() {
            "S" => book.sheets.push(f[1..].to_vec()),
            "C" => {
                book.cells.insert(
                    (f[1].clone(), f[2].parse().unwrap(), f[3].parse().unwrap()),
                    Cell {
                        kind: f[4].chars().next().unwrap(),
                        value: f[5].clone(),
                        format: f[6].clone(),
                    },
                );
            }
            other => panic!("unexpected dump line {other}"),
        }
    }
    book
}

/// What `tests/tools/xlsx_strict.py` finds in the workbook at `path` that
/// Excel is strict about (one problem a line; empty when none).
pub fn strict_problems(path: &Path) -> Vec<String> {
    let out = Process::new(python())
        .arg(Path::new(ROOT).join("tests/tools/xlsx_strict.py"))
        .arg(path)
        .output()
        .unwrap();
    let problems: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(
        out.status.success(),
        problems.is_empty(),
        "xlsx_strict.py: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    problems
}

/// The checker's self-test on a good workbook: every way of breaking it
/// that the checker looks for is reported.
pub fn strict_self_test(path: &Path) {
    let out = Process::new(python())
        .arg(Path::new(ROOT).join("tests/tools/xlsx_strict.py"))
        .arg("--self-test")
        .arg(path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "the strict checker misses breaks: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
