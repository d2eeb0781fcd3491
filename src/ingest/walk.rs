//! Paths in, files read in input order: folders walked (sorted, hidden entries and symlinked
//! folders skipped), a batch of files read ahead on all cores, each outcome (read, rejected,
//! skipped) handed on.

use super::{
    bad_input, binary_bytes, decode_container, decoded, io_error, read_bounded, too_large,
    Container, IngestOptions, SourceText,
};
use crate::error::{Error, Result};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// What happened to one file met while reading the inputs.
pub(super) enum Outcome {
    Read(SourceText),
    /// An input file inside a folder that could not be used.
    Rejected(Error),
    Skipped {
        file: String,
        reason: String,
    },
}

pub(super) fn collect(paths: &[PathBuf], options: &IngestOptions) -> Result<Vec<Outcome>> {
    Reader::new(paths, options).collect()
}

/// An input met while walking the paths, in input order, before any file is read.
enum Planned {
    /// Skipped or rejected without reading.
    Done(Outcome),
    /// A file to read: named explicitly (any problem is an error) or found in a folder (a
    /// problem is a rejection and the run goes on).
    File {
        path: PathBuf,
        explicit: bool,
    },
    Stdin,
    /// Read ahead of its turn (see [`Reader::read_ahead`]).
    Loaded(Result<SourceText>, bool),
    /// The run cannot go on (a missing path, an unreadable folder).
    Fatal(Error),
    /// The walk of a named folder begins or ends: a folder with no usable file is an error.
    FolderStart,
    FolderEnd(PathBuf),
    /// Handed out already.
    Taken,
}

/// What a folder yielded so far, for the error when it yields nothing usable.
#[derive(Default)]
struct FolderTally {
    read: usize,
    rejected: Vec<String>,
    skipped: usize,
}

/// Reads the planned inputs in order, a batch of files at a time on all cores, so that a
/// caller that streams (the index build) never holds more than a batch of decoded text. Yields
/// each file's outcome; a fatal error is the last item.
pub(super) struct Reader<'a> {
    planned: Vec<Planned>,
    next: usize,
    options: &'a IngestOptions,
    folder: Option<FolderTally>,
}

impl<'a> Reader<'a> {
    pub(super) fn new(paths: &[PathBuf], options: &'a IngestOptions) -> Reader<'a> {
        Reader {
            planned: plan(paths),
            next: 0,
            options,
            folder: None,
        }
    }

    /// Files to read, in bytes on disk (for progress; stdin counts as nothing).
    pub(super) fn planned_bytes(&self) -> u64 {
        self.planned[self.next..]
            .iter()
            .map(|planned| match planned {
                Planned::File { path, .. } => std::fs::metadata(path).map_or(0, |m| m.len()),
                Planned::Loaded(Ok(source), _) => source.size,
                _ => 0,
            })
            .sum()
    }

    /// Reads the next file and the files after it (up to a batch, stopping at a fatal item)
    /// in parallel, leaving each result in its place.
    fn read_ahead(&mut self) {
        let batch = 4 * rayon::current_num_threads().max(1);
        let mut wanted = Vec::new();
        for at in self.next..self.planned.len() {
            match &self.planned[at] {
                Planned::File { .. } | Planned::Stdin => wanted.push(at),
                Planned::Fatal(_) => break,
                _ => {}
            }
            if wanted.len() == batch {
                break;
            }
        }
        let jobs: Vec<(usize, Option<PathBuf>, bool)> = wanted
            .into_iter()
            .map(
                |at| match std::mem::replace(&mut self.planned[at], Planned::Taken) {
                    Planned::File { path, explicit } => (at, Some(path), explicit),
                    _ => (at, None, true),
                },
            )
            .collect();
        let options = self.options;
        let read: Vec<(usize, Result<SourceText>, bool)> = jobs
            .into_par_iter()
            .map(|(at, path, explicit)| match path {
                Some(path) => (at, read_file(&path, options), explicit),
                None => (at, read_stdin(options), explicit),
            })
            .collect();
        for (at, result, explicit) in read {
            self.planned[at] = Planned::Loaded(result, explicit);
        }
    }

    /// Stops after a fatal error: nothing after it is read.
    fn fail(&mut self, error: Error) -> Option<Result<Outcome>> {
        self.next = self.planned.len();
        Some(Err(error))
    }
}

impl Iterator for Reader<'_> {
    type Item = Result<Outcome>;

    fn next(&mut self) -> Option<Result<Outcome>> {
        loop {
            let at = self.next;
            if matches!(self.planned.get(at)?, Planned::File { .. } | Planned::Stdin) {
                self.read_ahead();
            }
            self.next += 1;
            let outcome = match std::mem::replace(&mut self.planned[at], Planned::Taken) {
                Planned::Done(outcome) => outcome,
                Planned::Loaded(Ok(source), _) => Outcome::Read(source),
                Planned::Loaded(Err(error), true) => return self.fail(error),
                Planned::Loaded(Err(error), false) => Outcome::Rejected(error),
                Planned::Fatal(error) => return self.fail(error),
                Planned::FolderStart => {
                    self.folder = Some(FolderTally::default());
                    continue;
                }
                Planned::FolderEnd(root) => match self.folder.take() {
                    Some(tally) if tally.read == 0 => {
                        return self.fail(empty_folder(&root, &tally))
                    }
                    _ => continue,
                },
                Planned::File { .. } | Planned::Stdin | Planned::Taken => continue,
            };
            if let Some(tally) = &mut self.folder {
                match &outcome {
                    Outcome::Read(_) => tally.read += 1,
                    Outcome::Rejected(error) => tally.rejected.push(error.to_string()),
                    Outcome::Skipped { .. } => tally.skipped += 1,
                }
            }
            return Some(Ok(outcome));
        }
    }
}

fn read_stdin(options: &IngestOptions) -> Result<SourceText> {
    let bytes = read_bounded(std::io::stdin().lock(), options.max_file_bytes)
        .map_err(|source| io_error(Path::new("-"), source))?
        .ok_or_else(|| too_large("-", options.max_file_bytes))?;
    decode_container("-", &bytes, Container::Text, options)
}

/// Walks the paths without reading any file.
fn plan(paths: &[PathBuf]) -> Vec<Planned> {
    let mut planned = Vec::new();
    // Canonical paths already met, so `corpus corpus/a.txt` reads a.txt once.
    let mut seen = std::collections::HashSet::new();
    let mut stdin_read = false;
    for path in paths {
        if path.as_os_str() == "-" {
            if stdin_read {
                planned.push(Planned::Done(Outcome::Skipped {
                    file: "-".into(),
                    reason: "standard input already read".into(),
                }));
            } else {
                stdin_read = true;
                planned.push(Planned::Stdin);
            }
            continue;
        }
        let metadata = match std::fs::metadata(path) {
            Ok(metadata) => metadata,
            Err(source) if source.kind() == std::io::ErrorKind::NotFound => {
                planned.push(Planned::Fatal(Error::Missing { path: path.clone() }));
                break;
            }
            Err(source) => {
                planned.push(Planned::Fatal(io_error(path, source)));
                break;
            }
        };
        if metadata.is_dir() {
            planned.push(Planned::FolderStart);
            if !plan_folder(path, &mut seen, &mut planned) {
                break;
            }
            planned.push(Planned::FolderEnd(path.clone()));
        } else if first_time(&mut seen, path) {
            planned.push(Planned::File {
                path: path.clone(),
                explicit: true,
            });
        } else {
            planned.push(Planned::Done(Outcome::Skipped {
                file: path.display().to_string(),
                reason: "already read under another name".into(),
            }));
        }
    }
    planned
}

/// Walks one named folder (sorted by name) into `planned`; false after a fatal error.
fn plan_folder(
    root: &Path,
    seen: &mut std::collections::HashSet<PathBuf>,
    planned: &mut Vec<Planned>,
) -> bool {
    let skipped = |file: String, reason: &str| {
        Planned::Done(Outcome::Skipped {
            file,
            reason: reason.into(),
        })
    };
    let mut walker = walkdir::WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                let path = error.path().unwrap_or(root).to_path_buf();
                let io = error
                    .into_io_error()
                    .unwrap_or_else(|| std::io::Error::other("cannot be read"));
                if path == root {
                    planned.push(Planned::Fatal(io_error(&path, io)));
                    return false;
                }
                planned.push(Planned::Done(Outcome::Rejected(io_error(&path, io))));
                continue;
            }
        };
        let path = entry.path();
        let file = path.display().to_string();
        let file_type = entry.file_type();
        if entry.depth() == 0 {
            continue;
        }
        if is_hidden(entry.file_name()) {
            if file_type.is_dir() {
                walker.skip_current_dir();
            }
            planned.push(skipped(file, "hidden"));
            continue;
        }
        if file_type.is_dir() {
            continue;
        }
        // Symlinks: to a file, followed; to a folder, not (no loops, no walking out of the
        // folder); dangling or looping, reported when the name says it is an input.
        let target = if file_type.is_symlink() {
            match std::fs::metadata(path) {
                Ok(target) if target.is_dir() => {
                    planned.push(skipped(file, "a symlink to a folder (not followed)"));
                    continue;
                }
                other => Some(other),
            }
        } else {
            None
        };
        let name = entry.file_name().to_string_lossy();
        if name.starts_with("~$") {
            planned.push(skipped(file, "a Word lock file"));
            continue;
        }
        if !has_input_extension(path) {
            planned.push(skipped(file, "not a .txt, .md, .docx, .xlsx or .csv file"));
            continue;
        }
        let regular = match target {
            None => file_type.is_file(),
            Some(Ok(target)) => target.is_file(),
            Some(Err(source)) => {
                // ELOOP: too many levels of symbolic links.
                let message = if source.raw_os_error() == Some(40) {
                    "a symlink loop".to_string()
                } else {
                    format!("a broken symlink ({source})")
                };
                planned.push(Planned::Done(Outcome::Rejected(bad_input(&file, message))));
                continue;
            }
        };
        if !regular {
            // FIFOs, sockets, devices: reading one could block forever.
            planned.push(skipped(file, "not a regular file"));
            continue;
        }
        if !first_time(seen, path) {
            planned.push(skipped(file, "already read under another name"));
            continue;
        }
        planned.push(Planned::File {
            path: path.to_path_buf(),
            explicit: false,
        });
    }
    true
}

/// The error for a folder that yielded nothing usable: names the folder and says why.
fn empty_folder(root: &Path, tally: &FolderTally) -> Error {
    let (reasons, skipped) = (&tally.rejected, tally.skipped);
    let mut message = "no readable .txt, .md, .docx, .xlsx or .csv file in this folder".to_string();
    if !reasons.is_empty() {
        let shown = reasons.len().min(5);
        message.push_str(&format!(" ({} rejected: ", reasons.len()));
        message.push_str(&reasons[..shown].join("; "));
        if reasons.len() > shown {
            message.push_str("; …");
        }
        message.push(')');
    }
    if skipped > 0 {
        message.push_str(&format!(" ({skipped} other file(s) skipped)"));
    }
    bad_input(&root.display().to_string(), message)
}

fn first_time(seen: &mut std::collections::HashSet<PathBuf>, path: &Path) -> bool {
    let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    seen.insert(key)
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_string_lossy().starts_with('.')
}

fn has_input_extension(path: &Path) -> bool {
    let extension = path
        .extension()
        .map(|extension| extension.to_string_lossy().to_lowercase());
    matches!(
        extension.as_deref(),
        Some("txt" | "md" | "docx" | "xlsx" | "xlsm" | "csv")
    )
}

/// Reads and decodes one file (`.docx`, `.xlsx`, `.csv` by its extension, a zip archive by its
/// content).
fn read_file(path: &Path, options: &IngestOptions) -> Result<SourceText> {
    let file = path.display().to_string();
    let handle = std::fs::File::open(path).map_err(|source| io_error(path, source))?;
    let bytes = read_bounded(handle, options.max_file_bytes)
        .map_err(|source| io_error(path, source))?
        .ok_or_else(|| too_large(&file, options.max_file_bytes))?;
    decode_owned_input(&file, bytes, Container::of(path), options)
}

/// [`super::decode_container`] of bytes the caller gives up: plain UTF-8 (no BOM), what nearly
/// every file is, becomes the text without a copy.
fn decode_owned_input(
    file: &str,
    bytes: Vec<u8>,
    container: Container,
    options: &IngestOptions,
) -> Result<SourceText> {
    let special = bytes.is_empty()
        || container != Container::Text
        || bytes.starts_with(b"PK\x03\x04")
        || bytes.starts_with(b"\xEF\xBB\xBF")
        || bytes.starts_with(b"\xFF\xFE")
        || bytes.starts_with(b"\xFE\xFF");
    if special {
        return decode_container(file, &bytes, container, options);
    }
    if let Some(message) = binary_bytes(&bytes) {
        return Err(bad_input(file, message));
    }
    match String::from_utf8(bytes) {
        Ok(text) => {
            let size = text.len();
            decoded(file, text, "UTF-8".into(), size)
        }
        Err(error) => decode_container(file, error.as_bytes(), container, options),
    }
}
