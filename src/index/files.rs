//! The builder's lock and the files written atomically (synced, renamed into place).

use super::io_error;
use crate::error::Result;
use std::fs::File;
use std::io::Write;
use std::path::Path;

/// The builder's lock: a file lock on `lock` in the index folder, released on drop (and by the
/// operating system when the process dies, so a killed build never leaves it stuck).
pub(super) struct Lock {
    _file: File,
}

impl Lock {
    fn open(dir: &Path) -> Result<File> {
        std::fs::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
        let path = dir.join("lock");
        std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| io_error(&path, e))
    }

    pub(super) fn try_acquire(dir: &Path) -> Result<Option<Lock>> {
        let file = Lock::open(dir)?;
        match file.try_lock() {
            Ok(()) => Ok(Some(Lock { _file: file })),
            Err(std::fs::TryLockError::WouldBlock) => Ok(None),
            Err(std::fs::TryLockError::Error(e)) => Err(io_error(&dir.join("lock"), e)),
        }
    }

    pub(super) fn acquire(dir: &Path) -> Result<Lock> {
        let file = Lock::open(dir)?;
        file.lock().map_err(|e| io_error(&dir.join("lock"), e))?;
        Ok(Lock { _file: file })
    }
}

/// Removes builds abandoned by a crash (only called while holding the lock).
pub(super) fn remove_abandoned(dir: &Path) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("tmp-") || name.starts_with("CURRENT.tmp") {
            let _ = std::fs::remove_dir_all(entry.path());
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Keeps the live generation and the one before it (a reader may still be opening it).
pub(super) fn remove_old_generations(dir: &Path, live: &str, previous: &str) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("gen-") && name != live && name != previous {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

pub(super) fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut file = File::create(path).map_err(|e| io_error(path, e))?;
    file.write_all(bytes).map_err(|e| io_error(path, e))?;
    file.sync_all().map_err(|e| io_error(path, e))
}

pub(super) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_file_name(format!("CURRENT.tmp-{}", std::process::id()));
    write_synced(&tmp, bytes)?;
    std::fs::rename(&tmp, path).map_err(|e| io_error(path, e))?;
    if let Some(parent) = path.parent() {
        sync_dir(parent);
    }
    Ok(())
}

pub(super) fn sync_dir(dir: &Path) {
    if let Ok(file) = File::open(dir) {
        let _ = file.sync_all();
    }
}
