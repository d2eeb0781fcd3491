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
//!
//! The stages of reading, one file each: `walk` (paths and folders to files, read a batch at a
//! time), `encoding` (bytes to text: BOMs, UTF-8, GBK/GB18030, mixed files), `docx` (Word files
//! as the text a reader sees, numbering and tables included) and `sheet` (`.xlsx` and `.csv`,
//! a line per row).

mod docx;
mod encoding;
mod sheet;
mod walk;

pub use docx::{docx_text, CELL_BREAK};
pub use encoding::decode;
use encoding::{binary_bytes, binary_text};

pub use sheet::{csv_text, xlsx_text};
use walk::{collect, Outcome, Reader};

use crate::error::{Error, Result};
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

/// Reads at most `limit` bytes; `None` when there is more.
fn read_bounded(reader: impl Read, limit: u64) -> std::io::Result<Option<Vec<u8>>> {
    let mut bytes = Vec::new();
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= limit).then_some(bytes))
}

/// What a file holds, as its name says (a zip archive of another name is looked into).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    /// `.txt`, `.md` or anything else: text in some encoding.
    Text,
    Docx,
    Xlsx,
    Csv,
}

impl Container {
    /// The container a file name says (any letter case).
    pub fn of(path: &Path) -> Container {
        let extension = path
            .extension()
            .map(|extension| extension.to_string_lossy().to_lowercase());
        match extension.as_deref() {
            Some("docx") => Container::Docx,
            Some("xlsx" | "xlsm") => Container::Xlsx,
            Some("csv") => Container::Csv,
            _ => Container::Text,
        }
    }
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
    let container = if docx_by_name {
        Container::Docx
    } else {
        Container::Text
    };
    decode_container(file, bytes, container, options)
}

/// [`decode_input`] for a file of a known container: `.xlsx` through [`xlsx_text`], `.csv`
/// through [`csv_text`], `.docx` through [`docx_text`]; a zip archive named otherwise is read as
/// a workbook when it holds one, else as a Word file.
pub fn decode_container(
    file: &str,
    bytes: &[u8],
    container: Container,
    options: &IngestOptions,
) -> Result<SourceText> {
    if bytes.is_empty() {
        return Err(bad_input(file, "empty file"));
    }
    let zip = bytes.starts_with(b"PK\x03\x04");
    let named_docx = container == Container::Docx;
    let container = match container {
        Container::Text if zip && zip_holds(bytes, "xl/workbook.xml") => Container::Xlsx,
        Container::Text if zip => Container::Docx,
        container => container,
    };
    let finished = |text: String, encoding: &str| -> Result<SourceText> {
        if text.trim().is_empty() {
            return Err(bad_input(
                file,
                format!("empty file (the {encoding} holds no text)"),
            ));
        }
        Ok(SourceText {
            file: file.into(),
            encoding: encoding.into(),
            text,
            size: bytes.len() as u64,
        })
    };
    match container {
        Container::Docx => match docx_text(bytes, options.max_docx_xml_bytes) {
            Ok(text) if text.trim().is_empty() => {
                Err(bad_input(file, "empty file (the .docx holds no text)"))
            }
            Ok(text) => finished(text, "docx"),
            Err(message) if named_docx => Err(bad_input(file, message)),
            Err(message) => Err(bad_input(
                file,
                format!("looks like a binary file (a zip archive, but not a .docx: {message})"),
            )),
        },
        Container::Xlsx => match xlsx_text(bytes) {
            Ok(text) => finished(text, "xlsx"),
            Err(message) => Err(bad_input(file, message)),
        },
        Container::Csv => {
            if let Some(message) = binary_bytes(bytes) {
                return Err(bad_input(file, message));
            }
            let (text, encoding) = csv_text(bytes);
            decoded(file, text, encoding, bytes.len())
        }
        Container::Text => {
            if let Some(message) = binary_bytes(bytes) {
                return Err(bad_input(file, message));
            }
            let (text, encoding) = decode(bytes);
            decoded(file, text, encoding, bytes.len())
        }
    }
}

/// Whether a zip archive holds an entry of that name.
fn zip_holds(bytes: &[u8], name: &str) -> bool {
    zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .is_ok_and(|mut archive| archive.by_name(name).is_ok())
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
}
