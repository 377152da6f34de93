//! Output folders (a report month, a tables folder) are all-or-nothing: the
//! new folder is built as a hidden sibling and swapped in whole when it is
//! complete, so a reader sees the previous complete folder or the new one —
//! never a mix of two runs, a truncated file or another run's leftovers. A
//! lock file beside the target stops a second run on the same folder with
//! the other run's pid and start time. Folders left behind by a run that was
//! killed are removed by the next run that holds the lock.

use std::fs::File;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Refuses to replace `dir` as a whole when it holds one of `inputs` or a
/// file that `ours` does not recognise as this command's (a folder of other
/// work, or `.`).
pub(crate) fn check_replaceable(dir: &Path, inputs: &[&Path], ours: impl Fn(&str) -> bool, what: &str) -> Result<()> {
    if let Some(input) = inputs.iter().find(|i| crate::output::file::holds(dir, i)) {
        return Err(Error::Refused(format!(
            "{} holds the input {}: the folder is replaced as a whole, so give another folder",
            dir.display(),
            input.display()
        )));
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    let foreign: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| !ours(name))
        .collect();
    if foreign.is_empty() {
        return Ok(());
    }
    Err(Error::Refused(format!(
        "{} holds files that {what} does not write ({}): the folder is replaced as a whole, \
         so give a new or empty folder, or one that holds earlier output of {what}",
        dir.display(),
        foreign.join(", ")
    )))
}

/// A folder being built: write into [`Staged::path`], then [`Staged::commit`].
/// Dropped without a commit, the partial folder is removed and the target
/// is untouched.
pub(crate) struct Staged {
    target: PathBuf,
    temp: PathBuf,
    lock: Option<(PathBuf, File)>,
    committed: bool,
}

/// What happened to the folder that was there before.
#[derive(Debug, PartialEq, Eq)]
pub enum Previous {
    /// There was none.
    None,
    /// It was replaced.
    Replaced,
    /// It was kept under this name.
    KeptAs(PathBuf),
}

fn write_err(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Write {
        path: path.to_path_buf(),
        source,
    }
}

fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn name_of(path: &Path) -> String {
    path.file_name()
        .map_or("out".into(), |n| n.to_string_lossy().into_owned())
}

impl Staged {
    /// Locks `target` and creates its hidden sibling to build in. The
    /// target's parent is created if missing.
    pub(crate) fn begin(target: &Path) -> Result<Staged> {
        let parent = parent_of(target);
        std::fs::create_dir_all(&parent).map_err(write_err(&parent))?;
        let name = name_of(target);
        let lock_path = parent.join(format!(".{name}.lock"));
        let lock = lock(&lock_path, target)?;
        remove_leftovers(&parent, &name);
        let temp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
        std::fs::create_dir(&temp).map_err(write_err(&temp))?;
        Ok(Staged {
            target: target.to_path_buf(),
            temp,
            lock: Some((lock_path, lock)),
            committed: false,
        })
    }

    /// Where to write the new folder's files.
    pub(crate) fn path(&self) -> &Path {
        &self.temp
    }

    /// Swaps the new folder in. With `keep_previous`, a folder already at
    /// the target is kept as `<target>.previous` (replacing an older one);
    /// otherwise it is replaced.
    pub(crate) fn commit(mut self, keep_previous: bool) -> Result<Previous> {
        let exists = std::fs::symlink_metadata(&self.target).is_ok();
        let previous = if !exists {
            std::fs::rename(&self.temp, &self.target).map_err(write_err(&self.target))?;
            Previous::None
        } else {
            exchange(&self.temp, &self.target)?;
            // `temp` now holds the previous folder.
            if keep_previous {
                let kept = PathBuf::from(format!("{}.previous", self.target.display()));
                if std::fs::symlink_metadata(&kept).is_ok() {
                    remove_any(&kept).map_err(write_err(&kept))?;
                }
                std::fs::rename(&self.temp, &kept).map_err(write_err(&kept))?;
                Previous::KeptAs(kept)
            } else {
                remove_any(&self.temp).map_err(write_err(&self.temp))?;
                Previous::Replaced
            }
        };
        self.committed = true;
        Ok(previous)
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.temp);
        }
        // Removed while still held, then released: a run that opened the old
        // file meanwhile sees it is gone (see `lock`) and takes a new one.
        if let Some((path, file)) = self.lock.take() {
            let _ = std::fs::remove_file(&path);
            drop(file);
        }
    }
}

fn remove_any(path: &Path) -> std::io::Result<()> {
    let meta = std::fs::symlink_metadata(path)?;
    if meta.is_dir() {
        std::fs::remove_dir_all(path)
    } else {
        std::fs::remove_file(path)
    }
}

/// Swaps two paths atomically where the system can (Linux), else by two
/// renames (a reader may then find no folder for an instant, never a mix).
fn exchange(new: &Path, target: &Path) -> Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::ffi::OsStrExt as _;
        let c = |p: &Path| std::ffi::CString::new(p.as_os_str().as_bytes()).expect("no NUL in paths");
        let (a, b) = (c(new), c(target));
        // SAFETY: two valid NUL-terminated paths; renameat2 reads them only.
        let rc = unsafe {
            libc::renameat2(
                libc::AT_FDCWD,
                a.as_ptr(),
                libc::AT_FDCWD,
                b.as_ptr(),
                libc::RENAME_EXCHANGE,
            )
        };
        if rc == 0 {
            return Ok(());
        }
    }
    let aside = PathBuf::from(format!("{}.swap-{}", new.display(), std::process::id()));
    std::fs::rename(target, &aside).map_err(write_err(target))?;
    std::fs::rename(new, target).map_err(write_err(target))?;
    std::fs::rename(&aside, new).map_err(write_err(new))
}

/// Takes the lock file `path` for `target`, or says which run holds it.
fn lock(path: &Path, target: &Path) -> Result<File> {
    use std::os::unix::fs::MetadataExt as _;
    for _ in 0..100 {
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(write_err(path))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let holder = std::fs::read_to_string(path).unwrap_or_default();
                return Err(Error::Busy(format!(
                    "{} is being written by another cpm run ({}); wait for it to finish, or write elsewhere",
                    target.display(),
                    if holder.trim().is_empty() {
                        "pid unknown".into()
                    } else {
                        holder.trim().to_string()
                    }
                )));
            }
            Err(std::fs::TryLockError::Error(source)) => {
                return Err(Error::Write {
                    path: path.into(),
                    source,
                });
            }
        }
        // The holder before us may have removed the file as it finished:
        // then this lock is on a file nobody else can see; take a new one.
        let same = match (file.metadata(), std::fs::metadata(path)) {
            (Ok(a), Ok(b)) => a.ino() == b.ino() && a.dev() == b.dev(),
            _ => false,
        };
        if !same {
            continue;
        }
        let started = chrono::Utc::now().format("%Y-%m-%d %H:%M:%S UTC");
        let _ = file.set_len(0);
        let _ = write!(file, "pid {}, started {started}", std::process::id());
        let _ = file.flush();
        return Ok(file);
    }
    Err(Error::Busy(format!(
        "{}: could not take the lock {}",
        target.display(),
        path.display()
    )))
}

/// Removes the hidden folders of earlier runs of `name` that were killed
/// (only called while holding the lock, so no live run owns them).
fn remove_leftovers(parent: &Path, name: &str) {
    let prefix = format!(".{name}.tmp-");
    let Ok(entries) = std::fs::read_dir(parent) else { return };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with(&prefix) {
            let _ = remove_any(&entry.path());
        }
    }
}
