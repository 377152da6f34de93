//! Named output files (`whatif --out`, `calibrate --out`, `generate --out`):
//! one rule for all of them. An existing path — a file, a folder or a
//! symlink, dangling or not — is refused unless `--force`; the file is
//! written to a temporary name in the same folder and then linked into place
//! (which fails if the name was taken meanwhile: no check-then-write race),
//! or, forced, renamed over the old one (which replaces a symlink itself,
//! never its target). A path that is one of the run's inputs is refused
//! before any work, forced or not.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Refuses `out` when it is one of `inputs` (the same file, by any path).
pub(crate) fn refuse_input(out: &Path, inputs: &[&Path], flag: &str) -> Result<()> {
    for input in inputs {
        if same_file(out, input) {
            return Err(Error::Refused(format!(
                "{flag} {} is the input file {}: choose another name (the input is never overwritten)",
                out.display(),
                input.display()
            )));
        }
    }
    Ok(())
}

/// Whether `a` and `b` name the same existing file.
pub(crate) fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// Whether the folder `dir` holds `path` (at any depth).
pub(crate) fn holds(dir: &Path, path: &Path) -> bool {
    match (std::fs::canonicalize(dir), std::fs::canonicalize(path)) {
        (Ok(d), Ok(p)) => p.starts_with(d),
        _ => false,
    }
}

/// Refuses an existing `path` (anything: file, folder, symlink) unless forced.
pub(crate) fn check_free(path: &Path, force: bool, flag: &str) -> Result<()> {
    match std::fs::symlink_metadata(path) {
        Err(_) => Ok(()),
        Ok(meta) if meta.is_dir() => Err(Error::Refused(format!(
            "{flag} {} is a folder: give a file name",
            path.display()
        ))),
        Ok(_) if force => Ok(()),
        Ok(meta) => Err(Error::Refused(format!(
            "{flag} {} exists{}: not overwritten (pass --force to replace it, or choose another name)",
            path.display(),
            if meta.file_type().is_symlink() {
                " (a symlink)"
            } else {
                ""
            }
        ))),
    }
}

/// A temporary sibling of `path`, created new.
pub(crate) fn temp_sibling(path: &Path) -> Result<(PathBuf, std::fs::File)> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    // The extension is kept: writers choose the format by it.
    let stem = path
        .file_stem()
        .map_or("out".into(), |n| n.to_string_lossy().into_owned());
    let ext = path
        .extension()
        .map_or(String::new(), |e| format!(".{}", e.to_string_lossy()));
    for attempt in 0..100u32 {
        let tmp = dir.join(format!(".{stem}.tmp-{}-{attempt}{ext}", std::process::id()));
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(file) => return Ok((tmp, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(source) => return Err(Error::Write { path: tmp, source }),
        }
    }
    Err(Error::Write {
        path: path.to_path_buf(),
        source: std::io::Error::other("no free temporary name beside it"),
    })
}

/// Writes `bytes` to `path` by the rule above.
pub(crate) fn write_new(path: &Path, bytes: &[u8], force: bool, flag: &str) -> Result<()> {
    check_free(path, force, flag)?;
    let (tmp, mut file) = temp_sibling(path)?;
    let written = file
        .write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|source| Error::Write {
            path: tmp.clone(),
            source,
        });
    drop(file);
    let placed = written.and_then(|()| place(&tmp, path, force, flag));
    if placed.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    placed
}

/// Moves the finished `tmp` to `path`: linked (fails if taken) or, forced,
/// renamed over it.
pub(crate) fn place(tmp: &Path, path: &Path, force: bool, flag: &str) -> Result<()> {
    if force {
        return std::fs::rename(tmp, path).map_err(|source| Error::Write {
            path: path.to_path_buf(),
            source,
        });
    }
    match std::fs::hard_link(tmp, path) {
        Ok(()) => {
            let _ = std::fs::remove_file(tmp);
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            check_free(path, false, flag)?;
            Err(Error::Write {
                path: path.to_path_buf(),
                source: e,
            })
        }
        Err(source) => Err(Error::Write {
            path: path.to_path_buf(),
            source,
        }),
    }
}
