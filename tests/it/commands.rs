//! Running the binary the way a user does, shared by the tests that do:
//! the command, the bundled sample, `cpm tables` into a folder, a folder's
//! files, and the one-line refusal of a bad tables folder.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

pub fn cpm() -> Command {
    Command::cargo_bin("cpm").unwrap()
}

/// The bundled sample, `data/orders.csv`.
pub fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/orders.csv")
}

/// `cpm tables --input INPUT --out-dir OUT FLAGS`, which must succeed.
pub fn tables(input: &Path, out: &Path, flags: &[&str]) {
    cpm()
        .args(["tables", "--input"])
        .arg(input)
        .arg("--out-dir")
        .arg(out)
        .args(flags)
        .assert()
        .success();
}

/// `cpm tables --as-of AS_OF --input INPUT --out-dir OUT ARGS`, with `out`
/// removed first.
pub fn tables_as_of(input: &Path, as_of: &str, out: &Path, args: &[&str]) -> Command {
    let _ = std::fs::remove_dir_all(out);
    let mut command = cpm();
    command
        .args(["tables", "--as-of", as_of, "--input"])
        .arg(input)
        .arg("--out-dir")
        .arg(out)
        .args(args);
    command
}

/// Runs a `cpm tables` command writing to `out`: the files written by name
/// and stderr, or the failure's stderr.
pub fn run_tables(mut command: Command, out: &Path) -> Result<(BTreeMap<String, String>, String), String> {
    let output = command.output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if !output.status.success() {
        return Err(stderr);
    }
    let files = std::fs::read_dir(out)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let text = std::fs::read(e.path()).unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                String::from_utf8_lossy(&text).into_owned(),
            )
        })
        .collect();
    Ok((files, stderr))
}

/// Every file under `dir` (hidden ones too), by path relative to it.
pub fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                let name = path.strip_prefix(base).unwrap().to_string_lossy().into_owned();
                out.insert(name, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// `cpm report --tables DIR` fails with exit 1 and one line of stderr
/// holding `message`, no panic, and writes nothing.
pub fn report_fails(tables_dir: &Path, message: &str) {
    let out = tables_dir.parent().unwrap().join("out");
    let assert = cpm()
        .args(["report", "--tables"])
        .arg(tables_dir)
        .arg("--out-dir")
        .arg(&out)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(message))
        .stderr(predicate::str::contains("panicked").not());
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(!out.exists(), "nothing written for a bad tables folder");
}
