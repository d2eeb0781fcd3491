//! index: one tantivy document per duty; kept fresh by a fingerprint of its inputs, rebuilt
//! into a new generation folder and swapped in atomically under a lock, so readers never see a
//! half-built index and a crash leaves the old one usable.
//!
//! A duty document holds only what differs from duty to duty: its text (indexed and stored),
//! its number and line (stored), its position's title (indexed, for title matches) and two
//! ordinals (fast fields). Everything a duty shares with its position — store, document, file,
//! title, role — is written once per position, in the skeleton. Storing it on every duty made
//! the index 1.6× the size of the text.
//!
//! The build streams: files are parsed a batch at a time and their duties handed to the
//! writer, so memory holds the decoded inputs, a batch, the writer's buffers and the skeleton —
//! never the whole parsed corpus.
//!
//! Layout of an index folder: `CURRENT` (the name of the live generation, replaced by rename),
//! `gen-*/` (a tantivy index plus `zhize.json`, `dictionary.txt`, `skeleton.json.zst` and
//! `positions.bin`), `tmp-*/` (a build in progress or abandoned by a crash), `lock` (held while
//! building).
//!
//! Modules: `fingerprint` (when an index is stale), `generation` (opening the live generation),
//! `ensure` (build or reuse, for `zhize index` and `zhize search`), `build` (parsing the inputs
//! into a new generation), `positions` (the per-hit position table), `files` (the lock and
//! atomic writes).

mod build;
mod ensure;
mod files;
mod fingerprint;
mod generation;
mod positions;

pub use build::{build_in_memory, build_in_memory_with};
pub use ensure::{build, ensure};
pub use fingerprint::fingerprint;
pub use generation::{open_as_built, open_generation, recorded_options};
pub use positions::PositionInfo;
use positions::PositionTable;

use crate::error::{Error, Result};
use crate::model::{Corpus, Document};
use crate::segment::{Segmenter, Vocabulary, VocabularyFiles};
use crate::LoadOptions;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use tantivy::schema::{
    IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STORED,
};
use tantivy::{Index, IndexReader};

/// Bumped whenever the schema or the files of a generation change meaning.
pub const FORMAT: u32 = 3;
/// The folder written when none is given.
pub const DEFAULT_INDEX: &str = "index";
const TOKENIZER: &str = "zhize";
const META: &str = "zhize.json";
const DICTIONARY: &str = "dictionary.txt";
/// The skeleton as zstd-compressed JSON (1M duties: 17.5 MB of JSON).
const SKELETON: &str = "skeleton.json.zst";
/// The position table (see `positions`).
const POSITIONS: &str = "positions.bin";
const CURRENT: &str = "CURRENT";

/// What to index and where.
#[derive(Debug, Clone)]
pub struct IndexOptions {
    pub dir: PathBuf,
    pub inputs: Vec<PathBuf>,
    pub load: LoadOptions,
    pub vocabulary: VocabularyFiles,
}

/// Written beside the tantivy files of a generation.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct IndexMeta {
    pub format: u32,
    pub fingerprint: String,
    pub version: String,
    pub built_unix_ms: u128,
    pub documents: usize,
    pub positions: usize,
    pub duties: usize,
    /// What the generation was built from (absolute paths), so that `zhize search --index DIR`
    /// with no inputs searches it as built. Empty for an index held in memory, and in
    /// generations written before zhize recorded them.
    #[serde(default)]
    pub inputs: Vec<PathBuf>,
    #[serde(default)]
    pub manifest: Option<PathBuf>,
    #[serde(default)]
    pub aliases: Option<PathBuf>,
    #[serde(default)]
    pub vocabulary: VocabularyFiles,
    /// A digest of the input files alone (paths, sizes, modification times), to tell changed
    /// inputs from another zhize or vocabulary.
    #[serde(default)]
    pub inputs_digest: String,
}

/// What `ensure`/`build` did, for the user.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct IndexReport {
    pub index: String,
    pub generation: String,
    /// True when this call built a new generation; false when the index was already up to date.
    pub built: bool,
    /// Why it was (or was not) built: `up to date`, `missing`, `inputs changed`, `unreadable: …`.
    pub reason: String,
    pub documents: usize,
    pub positions: usize,
    pub duties: usize,
    pub fingerprint: String,
    pub elapsed_ms: u128,
    /// Things the user should know (waiting for another build, answering from an old index).
    pub notes: Vec<String>,
}

/// Progress of a build, in bytes of input files (known before reading, unlike the number of
/// duties); the CLI draws a bar, the library never prints.
pub trait Progress: Sync {
    fn begin(&self, _bytes: u64) {}
    fn advance(&self, _bytes: u64) {}
    fn finish(&self) {}
}

/// Reports nothing.
pub struct NoProgress;
impl Progress for NoProgress {}

/// The fields of a duty document.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// The duty's text: indexed with positions (phrase queries), stored (shown).
    pub text: tantivy::schema::Field,
    /// The position's title, indexed without positions and not stored.
    pub title: tantivy::schema::Field,
    /// The duty's number as written (`3`, `(三)`), stored when there is one.
    pub n: tantivy::schema::Field,
    /// The duty's first line in its file (fast field).
    pub line: tantivy::schema::Field,
    /// Ordinal of the position in the corpus (grouping, filters, the skeleton).
    pub pos: tantivy::schema::Field,
    /// Ordinal of the duty in the corpus (ties break in corpus order).
    pub duty: tantivy::schema::Field,
}

pub(super) fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let text = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    let title = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let fields = Fields {
        text: builder.add_text_field("text", text),
        title: builder.add_text_field("title", title),
        n: builder.add_text_field("n", STORED),
        line: builder.add_u64_field("line", FAST),
        pos: builder.add_u64_field("pos", INDEXED | FAST),
        duty: builder.add_u64_field("duty", FAST),
    };
    (builder.build(), fields)
}

pub(super) fn settings() -> tantivy::IndexSettings {
    tantivy::IndexSettings {
        docstore_compression: tantivy::store::Compressor::Zstd(Default::default()),
        ..Default::default()
    }
}

/// An open index, ready to search.
pub struct DutyIndex {
    pub index: Index,
    pub reader: IndexReader,
    pub fields: Fields,
    /// The query-time segmenter (small dictionary saved with the index).
    pub segmenter: Segmenter,
    pub vocabulary: Vocabulary,
    pub meta: IndexMeta,
    /// The generation folder, or None for an index held in memory.
    pub dir: Option<PathBuf>,
    skeleton: OnceLock<Corpus>,
    /// Position ordinal → (document, position) indexes in the skeleton.
    ordinals: OnceLock<Vec<(u32, u32)>>,
    /// What a hit shows of its position, read per hit (None for an index held in memory,
    /// which has its skeleton at hand).
    positions: Option<PositionTable>,
    /// The words of the duty texts, read when first needed (see [`DutyIndex::terms`]).
    terms: OnceLock<Vec<String>>,
}

impl std::fmt::Debug for DutyIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DutyIndex")
            .field("dir", &self.dir)
            .field("meta", &self.meta)
            .finish()
    }
}

impl DutyIndex {
    /// The corpus's documents and positions without their duties (for `--store`/`--role`).
    pub fn skeleton(&self) -> Result<&Corpus> {
        if let Some(skeleton) = self.skeleton.get() {
            return Ok(skeleton);
        }
        let dir = self
            .dir
            .as_ref()
            .ok_or_else(|| Error::Other("no skeleton".into()))?;
        let path = dir.join(SKELETON);
        let bytes = std::fs::read(&path).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
        let json = zstd::decode_all(bytes.as_slice()).map_err(|e| index_error(&path, e))?;
        let corpus: Corpus = serde_json::from_slice(&json).map_err(|e| index_error(&path, e))?;
        Ok(self.skeleton.get_or_init(|| corpus))
    }

    /// Every word of the duty texts (the terms of the text field over all segments), sorted,
    /// read once per open index the first time a query needs it: the search scans them for a
    /// word it does not know. An unreadable term dictionary gives no words.
    pub fn terms(&self) -> &[String] {
        self.terms.get_or_init(|| {
            let searcher = self.reader.searcher();
            let mut terms = Vec::new();
            for segment in searcher.segment_readers() {
                let Ok(inverted) = segment.inverted_index(self.fields.text) else {
                    continue;
                };
                let Ok(mut stream) = inverted.terms().stream() else {
                    continue;
                };
                while stream.advance() {
                    if let Ok(term) = std::str::from_utf8(stream.key()) {
                        terms.push(term.to_string());
                    }
                }
            }
            terms.sort();
            terms.dedup();
            terms
        })
    }

    /// What a hit shows of the position with ordinal `ordinal` (as the `pos` field stores
    /// it): from the position table, a few small reads, when the index is on disk; from the
    /// skeleton when it is held in memory.
    pub fn position(&self, ordinal: u64) -> Result<PositionInfo> {
        if let Some(table) = &self.positions {
            return table.get(ordinal);
        }
        let (document, index) = self.skeleton_position(ordinal)?;
        Ok(PositionInfo::of(document, index))
    }

    /// The document of a position ordinal and the position's index in it, from the skeleton.
    pub fn skeleton_position(&self, ordinal: u64) -> Result<(&Document, usize)> {
        let skeleton = self.skeleton()?;
        let ordinals = self.ordinals.get_or_init(|| {
            let mut ordinals = Vec::new();
            for (d, document) in skeleton.documents.iter().enumerate() {
                for p in 0..document.positions.len() {
                    ordinals.push((d as u32, p as u32));
                }
            }
            ordinals
        });
        let &(d, p) = ordinals
            .get(ordinal as usize)
            .ok_or_else(|| Error::Other(format!("position {ordinal} is not in the skeleton")))?;
        Ok((&skeleton.documents[d as usize], p as usize))
    }
}

fn index_error(path: &Path, error: impl std::fmt::Display) -> Error {
    Error::Index {
        path: path.to_path_buf(),
        message: error.to_string(),
    }
}

pub(super) fn io_error(path: &Path, source: std::io::Error) -> Error {
    Error::Io {
        path: path.to_path_buf(),
        source,
    }
}
