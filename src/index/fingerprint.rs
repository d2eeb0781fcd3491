//! When an index is stale: a digest of its inputs (paths, sizes, modification times), the
//! vocabulary, the format and the zhize binary.

use super::{IndexOptions, FORMAT};
use crate::error::Result;
use crate::segment::Vocabulary;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

/// A digest of everything a build depends on: the input files (paths, sizes, modification
/// times), the manifest and alias files, the vocabulary, the index format and the zhize binary.
/// None when an input is standard input (which cannot be fingerprinted).
pub fn fingerprint(options: &IndexOptions, vocabulary: &Vocabulary) -> Result<Option<String>> {
    let Some(inputs) = inputs_digest(&options.inputs) else {
        return Ok(None);
    };
    let mut hasher = blake3::Hasher::new();
    hasher.update(format!("format {FORMAT} {}\n", env!("CARGO_PKG_VERSION")).as_bytes());
    if let Ok(exe) = std::env::current_exe() {
        stat_into(&mut hasher, &exe);
    }
    hasher.update(inputs.as_bytes());
    for extra in [&options.load.manifest, &options.load.aliases]
        .into_iter()
        .flatten()
    {
        hasher.update(b"extra\0");
        hasher.update(extra.as_os_str().as_encoded_bytes());
        hasher.update(&std::fs::read(extra).unwrap_or_default());
    }
    hasher.update(vocabulary.digest.as_bytes());
    Ok(Some(hasher.finalize().to_hex()[..32].to_string()))
}

/// A digest of the input files: every absolute path, size and modification time. None when an
/// input is standard input.
pub(super) fn inputs_digest(inputs: &[PathBuf]) -> Option<String> {
    let mut hasher = blake3::Hasher::new();
    for input in inputs {
        if input.as_os_str() == "-" {
            return None;
        }
        // Absolute, so that the same files are the same inputs whether named from here or from
        // elsewhere (`corpus` in two checkouts is two corpora).
        let input = std::path::absolute(input).unwrap_or_else(|_| input.clone());
        let input = &input;
        hasher.update(b"input\0");
        hasher.update(input.as_os_str().as_encoded_bytes());
        if input.is_dir() {
            let walker = walkdir::WalkDir::new(input)
                .follow_links(true)
                .sort_by_file_name();
            for entry in walker.into_iter().flatten() {
                if entry.file_type().is_file() {
                    stat_into(&mut hasher, entry.path());
                }
            }
        } else {
            stat_into(&mut hasher, input);
        }
    }
    Some(hasher.finalize().to_hex()[..32].to_string())
}

pub(super) fn stat_into(hasher: &mut blake3::Hasher, path: &Path) {
    hasher.update(path.as_os_str().as_encoded_bytes());
    match std::fs::metadata(path) {
        Ok(meta) => {
            let modified = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map(|d| d.as_nanos())
                .unwrap_or(0);
            hasher.update(format!(" {} {}\n", meta.len(), modified).as_bytes());
        }
        Err(error) => {
            hasher.update(format!(" error {}\n", error.kind()).as_bytes());
        }
    }
}
