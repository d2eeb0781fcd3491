//! serve::watch: watches the corpus folders and starts a rebuild once a burst of changes has
//! settled (an editor's save or a copy is many events).

use super::generation::Live;
use notify::{EventKind, RecursiveMode, Watcher};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Quiet time after the last event before rebuilding.
const SETTLE: Duration = Duration::from_millis(400);
/// A folder that never stops changing is still rebuilt this often.
const AT_MOST: Duration = Duration::from_secs(5);

/// Starts watching; the watcher lives as long as the returned value.
pub fn watch(live: Arc<Live>) -> notify::Result<notify::RecommendedWatcher> {
    let (events, received) = mpsc::channel::<PathBuf>();
    let index_dir = absolute(live.index_dir());
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let Ok(event) = event else { return };
        if matches!(event.kind, EventKind::Access(_)) {
            return;
        }
        for path in event.paths {
            // The index may sit inside a watched folder: its own writes are not changes.
            if !path.starts_with(&index_dir) && !is_hidden(&path) {
                let _ = events.send(path);
            }
        }
    })?;
    for input in live.inputs() {
        if input.as_os_str() == "-" || !input.exists() {
            continue;
        }
        watcher.watch(&absolute(input), RecursiveMode::Recursive)?;
    }
    std::thread::spawn(move || {
        while received.recv().is_ok() {
            let first = Instant::now();
            loop {
                let left = AT_MOST.saturating_sub(first.elapsed());
                if left.is_zero() {
                    break;
                }
                match received.recv_timeout(SETTLE.min(left)) {
                    Ok(_) => continue,
                    Err(mpsc::RecvTimeoutError::Timeout) => break,
                    Err(mpsc::RecvTimeoutError::Disconnected) => return,
                }
            }
            live.refresh();
        }
    });
    Ok(watcher)
}

fn absolute(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| {
        std::env::current_dir()
            .map(|d| d.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    })
}

/// Hidden files (an upload being written, an editor's swap file) are never read as inputs.
fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|name| name.to_string_lossy().starts_with('.'))
}
