//! ingest: files, folders or standard input in, decoded text out (one `SourceText` per file).
//!
//! Two entry points:
//! - [`ingest`] is lenient where the user cannot be expected to vet every file: a file found
//!   *inside a folder* that cannot be used (empty, binary, unreadable, a broken `.docx`) becomes a
//!   [`Warning`] and the run goes on. A path the user named explicitly that cannot be used, a
//!   missing path, or a folder that yields no usable file at all, is still an error.
//! - [`read_inputs`] is strict: the same, but any rejected file is an error.
//!
//! Nothing is dropped silently: skipped files, rejected files and lossy decodings all come back
//! as warnings, and a lossy decoding also says so in [`SourceText::encoding`].

use crate::error::{Error, Result};
use rayon::prelude::*;
use serde::Serialize;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Files larger than this are refused (a corpus file is a few hundred kilobytes).
pub const DEFAULT_MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;
/// A `.docx` whose `word/document.xml` decompresses past this is refused (zip bombs).
pub const DEFAULT_MAX_DOCX_XML_BYTES: u64 = 64 * 1024 * 1024;

/// One input file, decoded.
#[derive(Debug, Clone)]
pub struct SourceText {
    /// The file as the user named it (or as found under a folder they named); `-` for stdin.
    pub file: String,
    /// The encoding used to decode it: `UTF-8`, `UTF-8 (BOM)`, `UTF-16LE`, `UTF-16BE`, `GBK`,
    /// `GB18030`, `Big5`, `docx`, or `UTF-8 + GBK (N lines GBK)` for a merged file holding both;
    /// when some bytes could not be decoded, the name is followed by
    /// `(lossy, N replacement characters)`, e.g. `UTF-8 (lossy, 3 replacement characters)`.
    pub encoding: String,
    pub text: String,
    /// The size of the input in bytes, as read (before decoding).
    pub size: u64,
}

/// Limits for [`ingest`].
#[derive(Debug, Clone)]
pub struct IngestOptions {
    /// Refuse input files (and standard input) larger than this many bytes.
    pub max_file_bytes: u64,
    /// Refuse a `.docx` whose `word/document.xml` decompresses to more than this many bytes.
    pub max_docx_xml_bytes: u64,
}

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions {
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
            max_docx_xml_bytes: DEFAULT_MAX_DOCX_XML_BYTES,
        }
    }
}

/// What [`ingest`] read, and what it did not use.
#[derive(Debug, Default)]
pub struct Ingested {
    /// The decoded files, in input order; folders in sorted order.
    pub sources: Vec<SourceText>,
    /// Files skipped or rejected, and lossy decodings, in the order met.
    pub warnings: Vec<Warning>,
}

/// A file that was skipped, rejected or decoded lossily. Displays as `file: message`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    pub file: String,
    pub kind: WarningKind,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningKind {
    /// Not an input: hidden, not `.txt`/`.md`/`.docx`, a Word lock file (`~$…`), a symlink to a
    /// folder (not followed), not a regular file, or already read under another name.
    Skipped,
    /// An input file found in a folder that could not be used: unreadable, too large, empty,
    /// binary, or a broken `.docx`. The run went on without it.
    Rejected,
    /// Read, but some bytes were invalid in the encoding used and became U+FFFD.
    Lossy,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file, self.message)
    }
}

/// Reads every path strictly: files as they are, folders recursively (sorted), `-` as standard
/// input. Any file that cannot be used, even one found inside a folder, is an error; skipped
/// files (hidden, other extensions) are not. Use [`ingest`] to go on past bad files in folders.
pub fn read_inputs(paths: &[PathBuf]) -> Result<Vec<SourceText>> {
    let mut sources = Vec::new();
    for outcome in collect(paths, &IngestOptions::default())? {
        match outcome {
            Outcome::Read(source) => sources.push(source),
            Outcome::Rejected(error) => return Err(error),
            Outcome::Skipped { .. } => {}
        }
    }
    Ok(sources)
}

/// Reads every path leniently: files as they are, folders recursively (sorted by name), `-` as
/// standard input.
///
/// Errors (the run cannot go on): a missing path ([`Error::Missing`]); a path named explicitly
/// that cannot be read ([`Error::Io`]) or used ([`Error::BadInput`]: empty, binary, broken
/// `.docx`, too large); a named folder with no usable input file ([`Error::BadInput`] naming the
/// folder, with the reasons). Files inside folders that cannot be used become
/// [`WarningKind::Rejected`] warnings instead.
///
/// In folders, only `.txt`, `.md` and `.docx` files are read (any letter case); hidden entries
/// (names starting with `.`) are not entered, symlinks to files are followed, symlinks to
/// folders are not (no loops, no escaping the folder). A file named explicitly is read whatever
/// its extension (as `.docx` when it is a zip archive).
pub fn ingest(paths: &[PathBuf], options: &IngestOptions) -> Result<Ingested> {
    let mut stream = stream(paths, options);
    let sources = stream.by_ref().collect();
    let warnings = stream.finish()?;
    Ok(Ingested { sources, warnings })
}

/// [`ingest`] a file at a time: the files are found first and read as the iterator is
/// driven (a batch ahead, on all cores), so a caller that consumes each source before taking
/// the next holds only a batch of text. The iterator ends early at an error, which
/// [`Streamed::finish`] returns; otherwise `finish` gives the warnings.
pub fn stream<'a>(paths: &[PathBuf], options: &'a IngestOptions) -> Streamed<'a> {
    Streamed {
        reader: Reader::new(paths, options),
        warnings: Vec::new(),
        error: None,
    }
}

/// The sources of [`stream`], in input order.
pub struct Streamed<'a> {
    reader: Reader<'a>,
    warnings: Vec<Warning>,
    error: Option<Error>,
}

impl Streamed<'_> {
    /// The size on disk of the files not read yet (standard input counts as nothing).
    pub fn remaining_bytes(&self) -> u64 {
        self.reader.planned_bytes()
    }

    /// The error that ended the stream, or the warnings of the files met.
    pub fn finish(self) -> Result<Vec<Warning>> {
        match self.error {
            Some(error) => Err(error),
            None => Ok(self.warnings),
        }
    }
}

impl Iterator for Streamed<'_> {
    type Item = SourceText;

    fn next(&mut self) -> Option<SourceText> {
        loop {
            match self.reader.next()? {
                Ok(Outcome::Read(source)) => {
                    if let Some(count) = replacement_count(&source.encoding) {
                        self.warnings.push(Warning {
                            file: source.file.clone(),
                            kind: WarningKind::Lossy,
                            message: format!(
                                "decoded as {} with {count} undecodable byte sequence(s) replaced by U+FFFD",
                                source.encoding.split(" (lossy").next().unwrap_or_default()
                            ),
                        });
                    }
                    return Some(source);
                }
                Ok(Outcome::Rejected(error)) => self.warnings.push(Warning {
                    file: error_file(&error),
                    kind: WarningKind::Rejected,
                    message: error_message(&error),
                }),
                Ok(Outcome::Skipped { file, reason }) => self.warnings.push(Warning {
                    file,
                    kind: WarningKind::Skipped,
                    message: reason,
                }),
                Err(error) => {
                    self.error = Some(error);
                    return None;
                }
            }
        }
    }
}

/// What happened to one file met while reading the inputs.
enum Outcome {
    Read(SourceText),
    /// An input file inside a folder that could not be used.
    Rejected(Error),
    Skipped {
        file: String,
        reason: String,
    },
}

fn collect(paths: &[PathBuf], options: &IngestOptions) -> Result<Vec<Outcome>> {
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
struct Reader<'a> {
    planned: Vec<Planned>,
    next: usize,
    options: &'a IngestOptions,
    folder: Option<FolderTally>,
}

impl<'a> Reader<'a> {
    fn new(paths: &[PathBuf], options: &'a IngestOptions) -> Reader<'a> {
        Reader {
            planned: plan(paths),
            next: 0,
            options,
            folder: None,
        }
    }

    /// Files to read, in bytes on disk (for progress; stdin counts as nothing).
    fn planned_bytes(&self) -> u64 {
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
    decode_input("-", &bytes, false, options)
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
            planned.push(skipped(file, "not a .txt, .md or .docx file"));
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
    let mut message = "no readable .txt, .md or .docx file in this folder".to_string();
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
    matches!(extension.as_deref(), Some("txt" | "md" | "docx"))
}

fn is_docx_name(path: &Path) -> bool {
    path.extension()
        .is_some_and(|extension| extension.eq_ignore_ascii_case("docx"))
}

/// Reads and decodes one file (`.docx` by its extension or its content).
fn read_file(path: &Path, options: &IngestOptions) -> Result<SourceText> {
    let file = path.display().to_string();
    let handle = std::fs::File::open(path).map_err(|source| io_error(path, source))?;
    let bytes = read_bounded(handle, options.max_file_bytes)
        .map_err(|source| io_error(path, source))?
        .ok_or_else(|| too_large(&file, options.max_file_bytes))?;
    decode_owned_input(&file, bytes, is_docx_name(path), options)
}

/// [`decode_input`] of bytes the caller gives up: plain UTF-8 (no BOM), what nearly every file
/// is, becomes the text without a copy.
fn decode_owned_input(
    file: &str,
    bytes: Vec<u8>,
    docx_by_name: bool,
    options: &IngestOptions,
) -> Result<SourceText> {
    let special = bytes.is_empty()
        || docx_by_name
        || bytes.starts_with(b"PK\x03\x04")
        || bytes.starts_with(b"\xEF\xBB\xBF")
        || bytes.starts_with(b"\xFF\xFE")
        || bytes.starts_with(b"\xFE\xFF");
    if special {
        return decode_input(file, &bytes, docx_by_name, options);
    }
    if let Some(message) = binary_bytes(&bytes) {
        return Err(bad_input(file, message));
    }
    match String::from_utf8(bytes) {
        Ok(text) => {
            let size = text.len();
            decoded(file, text, "UTF-8".into(), size)
        }
        Err(error) => decode_input(file, error.as_bytes(), docx_by_name, options),
    }
}

/// Reads at most `limit` bytes; `None` when there is more.
fn read_bounded(reader: impl Read, limit: u64) -> std::io::Result<Option<Vec<u8>>> {
    let mut bytes = Vec::new();
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= limit).then_some(bytes))
}

/// Turns the bytes of one input into text: `.docx` (by name, or any zip archive) through
/// [`docx_text`], anything else through [`decode`]. Refuses empty, whitespace-only and binary
/// input with [`Error::BadInput`] naming `file`.
pub fn decode_input(
    file: &str,
    bytes: &[u8],
    docx_by_name: bool,
    options: &IngestOptions,
) -> Result<SourceText> {
    if bytes.is_empty() {
        return Err(bad_input(file, "empty file"));
    }
    let zip = bytes.starts_with(b"PK\x03\x04");
    if docx_by_name || zip {
        return match docx_text(bytes, options.max_docx_xml_bytes) {
            Ok(text) if text.trim().is_empty() => {
                Err(bad_input(file, "empty file (the .docx holds no text)"))
            }
            Ok(text) => Ok(SourceText {
                file: file.into(),
                encoding: "docx".into(),
                text,
                size: bytes.len() as u64,
            }),
            Err(message) if docx_by_name => Err(bad_input(file, message)),
            Err(message) => Err(bad_input(
                file,
                format!("looks like a binary file (a zip archive, but not a .docx: {message})"),
            )),
        };
    }
    if let Some(message) = binary_bytes(bytes) {
        return Err(bad_input(file, message));
    }
    let (text, encoding) = decode(bytes);
    decoded(file, text, encoding, bytes.len())
}

/// Decoded text, refused when it holds nothing but whitespace or reads as binary.
fn decoded(file: &str, text: String, encoding: String, size: usize) -> Result<SourceText> {
    if text.trim().is_empty() {
        return Err(bad_input(file, "empty file (only whitespace)"));
    }
    if let Some(message) = binary_text(&text) {
        return Err(bad_input(file, message));
    }
    Ok(SourceText {
        file: file.into(),
        encoding,
        text,
        size: size as u64,
    })
}

/// A NUL byte early on means binary (as git and ripgrep judge), unless a UTF-16 BOM explains it.
fn binary_bytes(bytes: &[u8]) -> Option<String> {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return None;
    }
    if bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        return Some(
            "looks like a binary file (an old .doc or an encrypted document: save it as .docx or .txt)"
                .into(),
        );
    }
    let head = &bytes[..bytes.len().min(64 * 1024)];
    head.contains(&0)
        .then(|| "looks like a binary file (it contains NUL bytes)".into())
}

/// Text that is mostly control characters or replacement characters is binary in disguise.
fn binary_text(text: &str) -> Option<String> {
    // Nearly all text holds neither a control character (bar line ends and tabs) nor U+FFFD:
    // said without decoding it. U+0080..U+009F are encoded as C2 80..C2 9F.
    let suspect =
        |byte: u8| (byte < 0x20 && !(0x09..=0x0D).contains(&byte)) || byte == 0x7F || byte == 0xC2;
    let clean = text.as_bytes().chunks(64).all(|chunk| {
        !chunk
            .iter()
            .fold(false, |found, &byte| found | suspect(byte))
    });
    if clean && !text.contains('\u{FFFD}') {
        return None;
    }
    let mut total = 0usize;
    let mut control = 0usize;
    let mut replaced = 0usize;
    for ch in text.chars() {
        if ch.is_whitespace() {
            continue;
        }
        total += 1;
        if ch.is_control() {
            control += 1;
        } else if ch == '\u{FFFD}' {
            replaced += 1;
        }
    }
    // 10%: real text carries at most a stray escape sequence or two.
    if control >= 4 && control * 10 > total {
        return Some(format!(
            "looks like a binary file ({control} control characters in {total})"
        ));
    }
    if replaced >= 4 && replaced * 10 > total {
        return Some(format!(
            "looks like a binary file ({replaced} of {total} characters undecodable)"
        ));
    }
    None
}

/// Decodes bytes and names the encoding used. Never fails: undecodable bytes become U+FFFD and
/// the name says so (`… (lossy, N replacement characters)`).
///
/// Order: a BOM (UTF-8, UTF-16LE, UTF-16BE); valid UTF-8; a merged file of UTF-8 and GBK lines
/// (each line decoded in its own encoding); UTF-8 with a few broken sequences
/// (lossy); otherwise the legacy encoding chardetng guesses — `GBK` (or `GB18030` when the text
/// holds four-byte GB18030 sequences), `Big5`, … — and lossy UTF-8 when the guess makes no sense
/// for Chinese text.
pub fn decode(bytes: &[u8]) -> (String, String) {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return with_encoding(encoding_rs::UTF_8, rest, "UTF-8 (BOM)");
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return with_encoding(encoding_rs::UTF_16LE, rest, "UTF-16LE");
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return with_encoding(encoding_rs::UTF_16BE, rest, "UTF-16BE");
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return (text.to_string(), "UTF-8".into());
    }
    if let Some(mixed) = decode_mixed(bytes) {
        return mixed;
    }
    let (valid, invalid) = utf8_sequences(bytes);
    // Mostly valid multi-byte UTF-8: a damaged UTF-8 file, not another encoding. GBK text
    // forms valid UTF-8 sequences only by chance, far below one in ten.
    if valid >= 10 * invalid {
        return with_encoding(encoding_rs::UTF_8, bytes, "UTF-8");
    }
    let guess = guess_legacy(bytes);
    let cjk_guess = [
        encoding_rs::BIG5,
        encoding_rs::SHIFT_JIS,
        encoding_rs::EUC_JP,
        encoding_rs::EUC_KR,
    ]
    .contains(&guess);
    // chardetng needs text to judge: on a few lines it may guess a single-byte or another CJK
    // encoding for plain GBK. This is a tool for Chinese text, so clean GBK that reads as
    // Chinese wins unless chardetng had enough to say otherwise.
    let short = bytes.len() < 4096;
    if guess == encoding_rs::GBK
        || guess == encoding_rs::GB18030
        || ((short || !cjk_guess) && reads_as_chinese_gbk(bytes))
    {
        let name = if has_four_byte_gb18030(bytes) {
            "GB18030"
        } else {
            "GBK"
        };
        return with_encoding(encoding_rs::GB18030, bytes, name);
    }
    if cjk_guess {
        return with_encoding(guess, bytes, guess.name());
    }
    // A single-byte guess (windows-1252 …) would turn Chinese into mojibake without one error:
    // better an honest lossy UTF-8.
    with_encoding(encoding_rs::UTF_8, bytes, "UTF-8")
}

/// Whether the bytes are valid GB18030 whose non-ASCII characters are nearly all Chinese
/// characters or CJK punctuation.
fn reads_as_chinese_gbk(bytes: &[u8]) -> bool {
    let Some(text) =
        encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes)
    else {
        return false;
    };
    let mut other = 0usize;
    let mut chinese = 0usize;
    for ch in text.chars().filter(|ch| !ch.is_ascii()) {
        match ch {
            '\u{4E00}'..='\u{9FFF}' | '\u{3000}'..='\u{303F}' | '\u{FF00}'..='\u{FFEF}' => {
                chinese += 1
            }
            _ => other += 1,
        }
    }
    chinese > 0 && other * 10 <= chinese
}

/// A merged file may hold UTF-8 documents and GBK documents (`cat a.txt b.txt`): decoded line by
/// line, each line in the encoding it is valid in. Only when the file has lines that are surely
/// UTF-8 (three or more multi-byte characters; GBK text almost never forms such a line) and
/// lines that chardetng judges GBK; then named `UTF-8 + GBK (N lines GBK)`.
fn decode_mixed(bytes: &[u8]) -> Option<(String, String)> {
    let lines: Vec<&[u8]> = bytes.split_inclusive(|&byte| byte == b'\n').collect();
    let mut sure_utf8 = false;
    let mut invalid = Vec::new();
    for line in &lines {
        match std::str::from_utf8(line) {
            Ok(text) => sure_utf8 |= text.chars().filter(|ch| !ch.is_ascii()).count() >= 3,
            Err(_) => invalid.extend_from_slice(line),
        }
    }
    if !sure_utf8 || invalid.is_empty() {
        return None;
    }
    let guess = guess_legacy(&invalid);
    if guess != encoding_rs::GBK && guess != encoding_rs::GB18030 {
        return None;
    }
    let legacy = if has_four_byte_gb18030(&invalid) {
        "GB18030"
    } else {
        "GBK"
    };
    let mut text = String::with_capacity(bytes.len());
    let mut legacy_lines = 0;
    let mut replacements = 0;
    for line in lines {
        if let Ok(valid) = std::str::from_utf8(line) {
            text.push_str(valid);
            continue;
        }
        let (utf8_valid, utf8_invalid) = utf8_sequences(line);
        // More broken sequences than good ones: not UTF-8 with a stray byte, but GBK.
        let (decoded, _) = if utf8_valid < utf8_invalid {
            legacy_lines += 1;
            encoding_rs::GB18030.decode_without_bom_handling(line)
        } else {
            encoding_rs::UTF_8.decode_without_bom_handling(line)
        };
        replacements += decoded.matches('\u{FFFD}').count();
        text.push_str(&decoded);
    }
    if legacy_lines == 0 {
        return None;
    }
    replacements =
        replacements.saturating_sub(count_literal_replacements(encoding_rs::UTF_8, bytes));
    let mut name = format!("UTF-8 + {legacy} ({legacy_lines} lines {legacy})");
    if replacements > 0 {
        name = format!("{name} (lossy, {replacements} replacement characters)");
    }
    Some((text, name))
}

/// chardetng's guess (UTF-8 excluded) from the first 128 KB: chardetng reads about a megabyte a
/// second, and 128 KB of Chinese text leaves no doubt.
fn guess_legacy(bytes: &[u8]) -> &'static encoding_rs::Encoding {
    const SAMPLE: usize = 128 * 1024;
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    if bytes.len() <= SAMPLE {
        detector.feed(bytes, true);
    } else {
        // Cut after a line end (or an ASCII byte) so the sample does not end mid-character.
        let cut = bytes[..SAMPLE]
            .iter()
            .rposition(|&byte| byte < 0x80)
            .map_or(SAMPLE, |at| at + 1);
        detector.feed(&bytes[..cut], true);
    }
    detector.guess(None, chardetng::Utf8Detection::Deny)
}

fn with_encoding(
    encoding: &'static encoding_rs::Encoding,
    bytes: &[u8],
    name: &str,
) -> (String, String) {
    let (text, _) = encoding.decode_without_bom_handling(bytes);
    let replacements =
        text.matches('\u{FFFD}').count() - count_literal_replacements(encoding, bytes);
    let name = if replacements > 0 {
        format!("{name} (lossy, {replacements} replacement characters)")
    } else {
        name.to_string()
    };
    (text.into_owned(), name)
}

/// U+FFFD already present in the input (valid, encoded) is not a decoding loss.
fn count_literal_replacements(encoding: &'static encoding_rs::Encoding, bytes: &[u8]) -> usize {
    if encoding == encoding_rs::UTF_8 {
        let mut count = 0;
        let mut rest = bytes;
        loop {
            match std::str::from_utf8(rest) {
                Ok(text) => return count + text.matches('\u{FFFD}').count(),
                Err(error) => {
                    let valid = error.valid_up_to();
                    count += std::str::from_utf8(&rest[..valid])
                        .map_or(0, |text| text.matches('\u{FFFD}').count());
                    let skip = valid + error.error_len().unwrap_or(rest.len() - valid);
                    rest = &rest[skip..];
                }
            }
        }
    }
    match encoding.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(text) => text.matches('\u{FFFD}').count(),
        None => 0,
    }
}

/// Counts valid multi-byte UTF-8 characters and invalid sequences, in one pass.
fn utf8_sequences(bytes: &[u8]) -> (usize, usize) {
    let mut valid = 0;
    let mut invalid = 0;
    let mut rest = bytes;
    loop {
        let (good, skip) = match std::str::from_utf8(rest) {
            Ok(text) => (text, None),
            Err(error) => {
                let up_to = error.valid_up_to();
                let good = std::str::from_utf8(&rest[..up_to]).unwrap_or_default();
                (
                    good,
                    Some(up_to + error.error_len().unwrap_or(rest.len() - up_to)),
                )
            }
        };
        valid += good.chars().filter(|ch| !ch.is_ascii()).count();
        match skip {
            Some(skip) => {
                invalid += 1;
                rest = &rest[skip..];
            }
            None => return (valid, invalid),
        }
    }
}

/// Whether the bytes hold a four-byte GB18030 sequence (which GBK lacks):
/// `[81-FE][30-39][81-FE][30-39]`.
fn has_four_byte_gb18030(bytes: &[u8]) -> bool {
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        if byte < 0x80 {
            i += 1;
        } else if (0x81..=0xFE).contains(&byte)
            && bytes.get(i + 1).is_some_and(|b| b.is_ascii_digit())
        {
            if bytes.get(i + 2).is_some_and(|b| (0x81..=0xFE).contains(b))
                && bytes.get(i + 3).is_some_and(|b| b.is_ascii_digit())
            {
                return true;
            }
            i += 2;
        } else {
            i += 2;
        }
    }
    false
}

/// The paragraph text of a `.docx`: `word/document.xml`, one line per `<w:p>`, `<w:tab/>` as a
/// tab, `<w:br/>` and `<w:cr/>` as a line break. Only the text of runs (`<w:t>`) is kept, so
/// deleted revisions, field codes and tab-stop definitions are not.
///
/// Bounded and inert: an entry that decompresses past `max_xml_bytes` is refused (zip bombs); a
/// DOCTYPE is ignored, so no entity is declared, expanded or fetched; an unknown entity
/// reference is kept as written (`&name;`) rather than failing the document.
///
/// The error is a message for [`Error::BadInput`] (the caller knows the file name).
pub fn docx_text(bytes: &[u8], max_xml_bytes: u64) -> std::result::Result<String, String> {
    if !bytes.starts_with(b"PK") {
        return Err(if bytes.starts_with(b"\xD0\xCF\x11\xE0") {
            "not a .docx (an old .doc or an encrypted document: save it as .docx or .txt)".into()
        } else {
            "not a .docx (not a zip archive)".into()
        });
    }
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|error| format!("not a .docx (broken zip archive: {error})"))?;
    let entry = archive
        .by_name("word/document.xml")
        .map_err(|error| match error {
            zip::result::ZipError::FileNotFound => {
                "not a .docx (the zip archive has no word/document.xml)".to_string()
            }
            error => format!("cannot read word/document.xml: {error}"),
        })?;
    let limit_mb = max_xml_bytes / (1024 * 1024);
    let too_big = || {
        format!("word/document.xml decompresses to more than {limit_mb} MB; refused (a zip bomb?)")
    };
    if entry.size() > max_xml_bytes {
        return Err(too_big());
    }
    // The declared size can lie: the bound that matters is on the bytes actually inflated.
    let xml = read_bounded(entry, max_xml_bytes)
        .map_err(|error| format!("cannot decompress word/document.xml: {error}"))?
        .ok_or_else(too_big)?;
    let xml = String::from_utf8(xml).map_err(|_| "word/document.xml is not UTF-8".to_string())?;
    paragraphs_text(&xml).map_err(|error| format!("word/document.xml: {error}"))
}

/// Walks WordprocessingML, collecting the text of runs, one line per paragraph.
fn paragraphs_text(xml: &str) -> std::result::Result<String, String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let config = reader.config_mut();
    config.allow_dangling_amp = true;
    config.allow_unmatched_ends = true;
    config.check_end_names = false;
    let mut text = String::new();
    let mut in_run = 0usize;
    let mut in_text = 0usize;
    loop {
        let event = reader.read_event().map_err(|error| {
            format!(
                "not well-formed XML at byte {}: {error}",
                reader.error_position()
            )
        })?;
        match event {
            Event::Start(element) => match word_name(element.name().as_ref()) {
                Some("r") => in_run += 1,
                Some("t") if in_run > 0 => in_text += 1,
                _ => {}
            },
            Event::End(element) => match word_name(element.name().as_ref()) {
                Some("r") => in_run = in_run.saturating_sub(1),
                Some("t") => in_text = in_text.saturating_sub(1),
                Some("p") => text.push('\n'),
                _ => {}
            },
            Event::Empty(element) => match word_name(element.name().as_ref()) {
                Some("p") => text.push('\n'),
                Some("tab") if in_run > 0 => text.push('\t'),
                Some("br" | "cr") if in_run > 0 => text.push('\n'),
                Some("noBreakHyphen") if in_run > 0 => text.push('-'),
                _ => {}
            },
            Event::Text(content) if in_text > 0 => text.push_str(&content.xml10_content()),
            Event::CData(content) if in_text > 0 => text.push_str(&content.xml10_content()),
            Event::GeneralRef(reference) if in_text > 0 => {
                match reference.resolve_char_ref() {
                    Ok(Some(ch)) => text.push(ch),
                    _ => match quick_xml::escape::resolve_predefined_entity(&reference) {
                        Some(resolved) => text.push_str(resolved),
                        // Never expanded from a DOCTYPE: kept as written.
                        None => {
                            text.push('&');
                            text.push_str(&reference);
                            text.push(';');
                        }
                    },
                }
            }
            // DOCTYPE (and any entity it declares) is ignored: nothing expanded, nothing fetched.
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(text)
}

/// The local name of a WordprocessingML element (`w:` prefix, or none).
fn word_name(name: &str) -> Option<&str> {
    match name.split_once(':') {
        Some(("w", local)) => Some(local),
        Some(_) => None,
        None => Some(name),
    }
}

/// Splits decoded text into lines on `\r\n`, `\n` or a lone `\r`.
pub fn split_lines(text: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                lines.push(&text[start..i]);
                start = i + 1;
            }
            b'\r' => {
                lines.push(&text[start..i]);
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    if start < text.len() {
        lines.push(&text[start..]);
    }
    lines
}

fn replacement_count(encoding: &str) -> Option<usize> {
    let (_, rest) = encoding.split_once("(lossy, ")?;
    rest.split(' ').next()?.parse().ok()
}

fn io_error(path: &Path, source: std::io::Error) -> Error {
    Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn bad_input(file: &str, message: impl Into<String>) -> Error {
    Error::BadInput {
        file: file.into(),
        message: message.into(),
    }
}

fn too_large(file: &str, limit: u64) -> Error {
    bad_input(
        file,
        format!("file too large (more than {} MB)", limit / (1024 * 1024)),
    )
}

fn error_file(error: &Error) -> String {
    match error {
        Error::Io { path, .. } | Error::Missing { path } => path.display().to_string(),
        Error::BadInput { file, .. } | Error::BadLine { file, .. } => file.clone(),
        _ => String::new(),
    }
}

fn error_message(error: &Error) -> String {
    match error {
        Error::Io { source, .. } => source.to_string(),
        Error::Missing { .. } => "no such file or directory".into(),
        Error::BadInput { message, .. } => message.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_lines_handles_every_line_end() {
        assert_eq!(split_lines("a\r\nb\rc\nd"), ["a", "b", "c", "d"]);
        assert_eq!(split_lines("a\n\nb\n"), ["a", "", "b"]);
        assert_eq!(split_lines("\r\r\n"), ["", ""]);
        assert!(split_lines("").is_empty());
    }

    #[test]
    fn decode_names_bom_encodings() {
        assert_eq!(decode("岗位".as_bytes()).1, "UTF-8");
        assert_eq!(
            decode(b"\xEF\xBB\xBFab"),
            ("ab".into(), "UTF-8 (BOM)".into())
        );
        assert_eq!(decode(b"\xFF\xFEa\x00"), ("a".into(), "UTF-16LE".into()));
        assert_eq!(decode(b"\xFE\xFF\x00a"), ("a".into(), "UTF-16BE".into()));
    }

    #[test]
    fn decode_detects_gbk_and_gb18030() {
        let text = "销售顾问岗位职责:负责接待到店客户,介绍车辆性能,促成销售,跟踪回访客户。";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        assert_eq!(decode(&gbk), (text.to_string(), "GBK".into()));
        // U+20BB7 𠮷 exists only in GB18030, as a four-byte sequence.
        let rare = format!("{text}𠮷");
        let (gb18030, _, _) = encoding_rs::GB18030.encode(&rare);
        assert_eq!(decode(&gb18030), (rare, "GB18030".into()));
    }

    #[test]
    fn damaged_utf8_is_lossy_and_says_so() {
        let mut bytes = "负责展厅日常管理工作,维护展厅环境整洁".as_bytes().to_vec();
        bytes.insert(6, 0xFF);
        let (text, encoding) = decode(&bytes);
        assert_eq!(encoding, "UTF-8 (lossy, 1 replacement characters)");
        assert_eq!(text.matches('\u{FFFD}').count(), 1);
        assert_eq!(replacement_count(&encoding), Some(1));
    }

    #[test]
    fn literal_replacement_characters_are_not_losses() {
        assert_eq!(decode("a\u{FFFD}b".as_bytes()).1, "UTF-8");
    }

    #[test]
    fn docx_paragraphs_tabs_breaks_and_entities() {
        let xml = r#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY boom "BOOM">]>
<w:document xmlns:w="x"><w:body>
<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="420"/></w:tabs></w:pPr><w:r><w:t>1.</w:t><w:tab/><w:t xml:space="preserve">负责 &amp; &#x5DE5;</w:t></w:r></w:p>
<w:p/><w:p><w:r><w:t>a</w:t><w:br/><w:t>&boom;</w:t><w:delText>deleted</w:delText></w:r></w:p>
</w:body></w:document>"#;
        assert_eq!(
            paragraphs_text(xml).unwrap(),
            "1.\t负责 & 工\n\na\n&boom;\n"
        );
    }

    #[test]
    fn binary_bytes_need_nul_or_ole_magic() {
        assert!(binary_bytes(b"ab\0c").is_some());
        assert!(binary_bytes(b"\xFF\xFEa\0").is_none());
        assert!(binary_bytes("岗位".as_bytes()).is_none());
        assert!(binary_text("\u{1}\u{2}\u{3}\u{4}\u{5}abc").is_some());
        assert!(binary_text("负责\u{1b}[0m 展厅").is_none());
        // C1 controls (two bytes each), the ones Unicode counts as whitespace aside.
        assert!(binary_text("\u{85}\u{80}\u{81}\u{82}\u{83}a").is_some());
        assert!(binary_text("\u{85}\u{80}\u{81}\u{82}a").is_none());
        assert!(binary_text("\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}负责").is_some());
        assert!(binary_text("负责，展厅·\u{FFFD}").is_none());
    }
}
