//! parse: lines in, documents → positions → duties out, each with the lines it came from.

use crate::ingest::SourceText;
use crate::model::Corpus;
use crate::{LoadOptions, Result};

/// Parses decoded sources into one corpus (documents numbered across all sources).
pub fn parse_sources(_sources: &[SourceText], _options: &LoadOptions) -> Result<Corpus> {
    Ok(Corpus::default())
}
