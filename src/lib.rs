//! zhize (职责): search, compare and deduplicate Chinese job-duty descriptions.
//!
//! The stages, each a plain function over the types in [`model`]:
//! `ingest` (files → decoded text) → `parse` (text → documents → positions → duties) →
//! `segment` (jieba + domain lexicon) → `index`/`search` (tantivy) → `compare`, `dedup` →
//! `render` (terminal, JSON, HTML). See ARCHITECTURE.md.

pub mod compare;
pub mod dedup;
pub mod error;
pub mod index;
pub mod ingest;
pub mod model;
pub mod normalize;
pub mod parse;
pub mod render;
pub mod roles;
pub mod search;
pub mod segment;
pub mod select;
pub mod serve;
mod sets;

pub use error::{Error, Result};
pub use model::*;

/// The folder read when no path is given.
pub const DEFAULT_CORPUS: &str = "corpus";

/// What `load` needs besides the paths.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Maps document ids or titles to store names.
    pub manifest: Option<std::path::PathBuf>,
    /// Extra role aliases, loaded after the shipped ones.
    pub aliases: Option<std::path::PathBuf>,
}

/// Reads and parses the inputs: the corpus every command starts from.
pub fn load(paths: &[std::path::PathBuf], options: &LoadOptions) -> Result<Corpus> {
    let ingested = ingest::ingest(paths, &ingest::IngestOptions::default())?;
    let mut corpus = parse::parse_sources(&ingested.sources, options)?;
    corpus.warnings = ingested
        .warnings
        .iter()
        .filter(|w| w.kind != ingest::WarningKind::Skipped)
        .map(|w| w.to_string())
        .collect();
    Ok(corpus)
}
