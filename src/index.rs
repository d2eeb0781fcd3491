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
//! `gen-*/` (a tantivy index plus `zhize.json`, `dictionary.txt` and `skeleton.json`), `tmp-*/`
//! (a build in progress or abandoned by a crash), `lock` (held while building).

use crate::error::{Error, Result};
use crate::model::{Corpus, Document};
use crate::segment::{Segmenter, Vocabulary, VocabularyFiles, ZhTokenizer};
use crate::LoadOptions;
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Instant, SystemTime, UNIX_EPOCH};
use tantivy::schema::{
    IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STORED,
};
use tantivy::{Index, IndexReader, ReloadPolicy, TantivyDocument};

/// Bumped whenever the schema or the files of a generation change meaning.
pub const FORMAT: u32 = 2;
/// The folder written when none is given.
pub const DEFAULT_INDEX: &str = "index";
const TOKENIZER: &str = "zhize";
const META: &str = "zhize.json";
const DICTIONARY: &str = "dictionary.txt";
/// The skeleton as zstd-compressed JSON (1M duties: 17.5 MB of JSON).
const SKELETON: &str = "skeleton.json.zst";
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

fn schema() -> (Schema, Fields) {
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

fn settings() -> tantivy::IndexSettings {
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

    /// The document of a position ordinal (as the `pos` field stores it) and the position's
    /// index in it.
    pub fn position(&self, ordinal: u64) -> Result<(&Document, usize)> {
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

fn io_error(path: &Path, source: std::io::Error) -> Error {
    Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

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
fn inputs_digest(inputs: &[PathBuf]) -> Option<String> {
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

fn stat_into(hasher: &mut blake3::Hasher, path: &Path) {
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

enum State {
    Fresh(Box<DutyIndex>),
    Stale(Box<DutyIndex>),
    Missing,
    Broken(String),
}

/// Opens the live generation of `dir` and says whether it matches `fingerprint`.
fn inspect(dir: &Path, fingerprint: &str, vocabulary: &Vocabulary) -> State {
    // A concurrent build may delete an old generation between reading CURRENT and opening it:
    // read CURRENT again and retry.
    let mut last_error = String::new();
    for _ in 0..3 {
        let current = match std::fs::read_to_string(dir.join(CURRENT)) {
            Ok(name) => name.trim().to_string(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return State::Missing,
            Err(e) => return State::Broken(format!("{CURRENT}: {e}")),
        };
        if current.is_empty() || current.contains(['/', '\\']) || current.starts_with('.') {
            return State::Broken(format!("{CURRENT} names no generation"));
        }
        match open_generation(&dir.join(&current), vocabulary) {
            Ok(index) if index.meta.fingerprint == fingerprint => {
                return State::Fresh(Box::new(index))
            }
            Ok(index) => return State::Stale(Box::new(index)),
            Err(error) => last_error = error.to_string(),
        }
    }
    State::Broken(last_error)
}

/// Opens one generation folder.
pub fn open_generation(dir: &Path, vocabulary: &Vocabulary) -> Result<DutyIndex> {
    let meta_path = dir.join(META);
    let meta_text = std::fs::read_to_string(&meta_path).map_err(|e| io_error(&meta_path, e))?;
    let meta: IndexMeta =
        serde_json::from_str(&meta_text).map_err(|e| index_error(&meta_path, e))?;
    if meta.format != FORMAT {
        return Err(index_error(
            dir,
            format!("format {} (this zhize reads format {FORMAT})", meta.format),
        ));
    }
    let dictionary_path = dir.join(DICTIONARY);
    let dictionary =
        std::fs::read_to_string(&dictionary_path).map_err(|e| io_error(&dictionary_path, e))?;
    let segmenter = Segmenter::from_dictionary(&dictionary)?;
    let index = Index::open_in_dir(dir).map_err(|e| index_error(dir, e))?;
    let (_, fields) = schema();
    if index.schema() != schema().0 {
        return Err(index_error(dir, "unexpected schema"));
    }
    index
        .tokenizers()
        .register(TOKENIZER, ZhTokenizer::new(segmenter.clone()));
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()
        .map_err(|e| index_error(dir, e))?;
    let opened = DutyIndex {
        index,
        reader,
        fields,
        segmenter,
        vocabulary: vocabulary.clone(),
        meta,
        dir: Some(dir.to_path_buf()),
        skeleton: OnceLock::new(),
        ordinals: OnceLock::new(),
        terms: OnceLock::new(),
    };
    if opened.reader.searcher().num_docs() as usize != opened.meta.duties {
        return Err(index_error(dir, "document count does not match zhize.json"));
    }
    Ok(opened)
}

/// `zhize search`: the index for `options`, built or rebuilt first when missing, stale or
/// unreadable. When another process is rebuilding a stale index, answers from the old one.
/// An index folder that cannot be written (read-only, no permission) does not stop a search:
/// the inputs are indexed in memory instead, with a note.
pub fn ensure(options: &IndexOptions, progress: &dyn Progress) -> Result<(DutyIndex, IndexReport)> {
    let started = Instant::now();
    let vocabulary = Vocabulary::load(&options.vocabulary)?;
    match ensure_on_disk(options, &vocabulary, progress, started) {
        Err(Error::Io { path, source })
            if path.starts_with(&options.dir)
                && matches!(
                    source.kind(),
                    std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem
                ) =>
        {
            let corpus = crate::load(&options.inputs, &options.load)?;
            let index = build_in_memory(&corpus, &vocabulary)?;
            let mut report = report_for(options, &index, false, "held in memory", started);
            report.notes.push(format!(
                "cannot write the index ({}: {source}); searching an index held in memory",
                path.display()
            ));
            Ok((index, report))
        }
        other => other,
    }
}

fn ensure_on_disk(
    options: &IndexOptions,
    vocabulary: &Vocabulary,
    progress: &dyn Progress,
    started: Instant,
) -> Result<(DutyIndex, IndexReport)> {
    let Some(fingerprint) = fingerprint(options, vocabulary)? else {
        let corpus = crate::load(&options.inputs, &options.load)?;
        let index = build_in_memory(&corpus, vocabulary)?;
        let report = report_for(
            options,
            &index,
            false,
            "standard input: held in memory",
            started,
        );
        return Ok((index, report));
    };
    let reason = match inspect(&options.dir, &fingerprint, vocabulary) {
        State::Fresh(index) => {
            let report = report_for(options, &index, false, "up to date", started);
            return Ok((*index, report));
        }
        State::Stale(old) => match Lock::try_acquire(&options.dir)? {
            Some(lock) => {
                let reason = "inputs changed";
                if let State::Fresh(index) = inspect(&options.dir, &fingerprint, vocabulary) {
                    let report = report_for(options, &index, false, "up to date", started);
                    return Ok((*index, report));
                }
                rebuild(
                    options,
                    vocabulary,
                    &fingerprint,
                    reason,
                    lock,
                    progress,
                    started,
                )?;
                return finish_ensure(options, vocabulary, &fingerprint, reason, started);
            }
            None => {
                let mut report = report_for(options, &old, false, "inputs changed", started);
                report.notes.push(format!(
                    "{} is being rebuilt by another zhize; answering from the previous index",
                    options.dir.display()
                ));
                return Ok((*old, report));
            }
        },
        State::Missing => "missing".to_string(),
        State::Broken(error) => format!("unreadable ({error})"),
    };
    let report = build_locked(
        options,
        vocabulary,
        &fingerprint,
        &reason,
        false,
        progress,
        started,
    )?;
    let (index, mut final_report) =
        finish_ensure(options, vocabulary, &fingerprint, &report.reason, started)?;
    final_report.built = report.built;
    final_report.notes = report.notes;
    Ok((index, final_report))
}

fn finish_ensure(
    options: &IndexOptions,
    vocabulary: &Vocabulary,
    fingerprint: &str,
    reason: &str,
    started: Instant,
) -> Result<(DutyIndex, IndexReport)> {
    match inspect(&options.dir, fingerprint, vocabulary) {
        State::Fresh(index) | State::Stale(index) => {
            let report = report_for(options, &index, true, reason, started);
            Ok((*index, report))
        }
        State::Missing => Err(index_error(&options.dir, "no index after building it")),
        State::Broken(error) => Err(index_error(&options.dir, error)),
    }
}

fn report_for(
    options: &IndexOptions,
    index: &DutyIndex,
    built: bool,
    reason: &str,
    started: Instant,
) -> IndexReport {
    IndexReport {
        index: options.dir.display().to_string(),
        generation: index
            .dir
            .as_ref()
            .and_then(|d| d.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        built,
        reason: reason.to_string(),
        documents: index.meta.documents,
        positions: index.meta.positions,
        duties: index.meta.duties,
        fingerprint: index.meta.fingerprint.clone(),
        elapsed_ms: started.elapsed().as_millis(),
        notes: Vec::new(),
    }
}

/// `zhize index`: builds a new generation unless the live one is up to date (or `force`).
/// A second concurrent run waits for the first and then finds nothing to do.
pub fn build(options: &IndexOptions, force: bool, progress: &dyn Progress) -> Result<IndexReport> {
    let started = Instant::now();
    let vocabulary = Vocabulary::load(&options.vocabulary)?;
    let fingerprint = fingerprint(options, &vocabulary)?.ok_or_else(|| {
        Error::Other("standard input cannot be indexed to disk; give files or folders".into())
    })?;
    let reason = match inspect(&options.dir, &fingerprint, &vocabulary) {
        State::Fresh(index) if !force => {
            return Ok(report_for(options, &index, false, "up to date", started))
        }
        State::Fresh(_) => "forced".to_string(),
        State::Stale(_) => "inputs changed".to_string(),
        State::Missing => "missing".to_string(),
        State::Broken(error) => format!("unreadable ({error})"),
    };
    build_locked(
        options,
        &vocabulary,
        &fingerprint,
        &reason,
        force,
        progress,
        started,
    )
}

fn build_locked(
    options: &IndexOptions,
    vocabulary: &Vocabulary,
    fingerprint: &str,
    reason: &str,
    force: bool,
    progress: &dyn Progress,
    started: Instant,
) -> Result<IndexReport> {
    std::fs::create_dir_all(&options.dir).map_err(|e| io_error(&options.dir, e))?;
    let mut notes = Vec::new();
    let lock = match Lock::try_acquire(&options.dir)? {
        Some(lock) => lock,
        None => {
            notes.push(format!(
                "waited for another zhize building {}",
                options.dir.display()
            ));
            Lock::acquire(&options.dir)?
        }
    };
    // Another build may have finished since we looked, and produced exactly what we need.
    if !force {
        if let State::Fresh(index) = inspect(&options.dir, fingerprint, vocabulary) {
            let mut report = report_for(options, &index, false, "up to date", started);
            report.notes = notes;
            return Ok(report);
        }
    }
    let mut report = rebuild(
        options,
        vocabulary,
        fingerprint,
        reason,
        lock,
        progress,
        started,
    )?;
    report.notes.splice(0..0, notes);
    Ok(report)
}

/// Builds a generation while holding `lock`, then makes it live.
fn rebuild(
    options: &IndexOptions,
    vocabulary: &Vocabulary,
    fingerprint: &str,
    reason: &str,
    lock: Lock,
    progress: &dyn Progress,
    started: Instant,
) -> Result<IndexReport> {
    let dir = &options.dir;
    remove_abandoned(dir);
    let stamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let tmp = dir.join(format!("tmp-{}-{stamp}", std::process::id()));
    std::fs::create_dir_all(&tmp).map_err(|e| io_error(&tmp, e))?;

    // jieba's dictionary loads while the inputs are found.
    let ingest_options = crate::ingest::IngestOptions::default();
    let (sources, segmenter) = std::thread::scope(|scope| {
        let segmenter = scope.spawn(|| Segmenter::with_vocabulary(vocabulary));
        let sources = crate::ingest::stream(&options.inputs, &ingest_options);
        (sources, segmenter.join())
    });
    let segmenter = segmenter.map_err(|_| Error::Other("segmenter thread panicked".into()))?;

    let index = Index::builder()
        .schema(schema().0)
        .settings(settings())
        .create_in_dir(&tmp)
        .map_err(|e| index_error(&tmp, e))?;
    let mut builder =
        Builder::new(&index, &segmenter, progress).map_err(|e| index_error(&tmp, e))?;
    progress.begin(sources.remaining_bytes());
    // Files are read a batch at a time and parsed (a thread of their own, batches on all
    // cores) ahead of the writer, never by more than a few files: the decoded corpus is never
    // held whole. Each source is freed once parsed.
    let (parsed, handed) = std::sync::mpsc::sync_channel::<(Vec<Document>, usize)>(16);
    let load = &options.load;
    std::thread::scope(|scope| -> Result<()> {
        let parser = scope.spawn(move || {
            let mut sources = sources;
            crate::parse::parse_each(sources.by_ref(), load, |documents, _, bytes| {
                // A closed channel means the writer failed; it reports why.
                let _ = parsed.send((documents, bytes));
                Ok(())
            })?;
            // An input that could not be read ends the stream: the build fails on it.
            sources.finish().map(drop)
        });
        for (documents, bytes) in handed {
            builder.add(documents).map_err(|e| index_error(&tmp, e))?;
            progress.advance(bytes as u64);
        }
        parser
            .join()
            .map_err(|_| Error::Other("parser thread panicked".into()))?
    })?;
    let (skeleton, mut meta) = builder
        .finish(fingerprint)
        .map_err(|e| index_error(&tmp, e))?;
    record_inputs(&mut meta, options);
    write_side_files(&tmp, &index, &skeleton, &segmenter, vocabulary, &meta)?;
    sync_dir(&tmp);

    let generation = format!("gen-{stamp}-{}", std::process::id());
    let live = dir.join(&generation);
    std::fs::rename(&tmp, &live).map_err(|e| io_error(&live, e))?;
    sync_dir(dir);
    let previous = std::fs::read_to_string(dir.join(CURRENT))
        .map(|s| s.trim().to_string())
        .unwrap_or_default();
    write_atomically(&dir.join(CURRENT), format!("{generation}\n").as_bytes())?;
    remove_old_generations(dir, &generation, &previous);
    drop(lock);
    Ok(IndexReport {
        index: dir.display().to_string(),
        generation,
        built: true,
        reason: reason.to_string(),
        documents: meta.documents,
        positions: meta.positions,
        duties: meta.duties,
        fingerprint: fingerprint.to_string(),
        elapsed_ms: started.elapsed().as_millis(),
        notes: Vec::new(),
    })
}

/// Writes what the generation is built from into its meta, as absolute paths (a later search
/// from another folder finds the same files).
fn record_inputs(meta: &mut IndexMeta, options: &IndexOptions) {
    let absolute = |path: &Path| std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let absolute_option = |path: &Option<PathBuf>| path.as_deref().map(absolute);
    meta.inputs = options.inputs.iter().map(|p| absolute(p)).collect();
    meta.manifest = absolute_option(&options.load.manifest);
    meta.aliases = absolute_option(&options.load.aliases);
    meta.vocabulary = VocabularyFiles {
        lexicon: absolute_option(&options.vocabulary.lexicon),
        stopwords: absolute_option(&options.vocabulary.stopwords),
        synonyms: absolute_option(&options.vocabulary.synonyms),
        glossary: absolute_option(&options.vocabulary.glossary),
        concepts: absolute_option(&options.vocabulary.concepts),
    };
    meta.inputs_digest = inputs_digest(&meta.inputs).unwrap_or_default();
}

/// The inputs the live generation of `dir` was built from, as index options (the user's
/// vocabulary files when given, else the recorded ones): what `zhize search --index DIR` and
/// `zhize index --index DIR` use when no inputs are named. None when `dir` holds no index; an
/// error when it holds one that records no inputs (built by an older zhize) or cannot be read.
pub fn recorded_options(dir: &Path, vocabulary: &VocabularyFiles) -> Result<Option<IndexOptions>> {
    let current = match std::fs::read_to_string(dir.join(CURRENT)) {
        Ok(name) => name.trim().to_string(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_error(&dir.join(CURRENT), e)),
    };
    let path = dir.join(&current).join(META);
    let text = std::fs::read_to_string(&path).map_err(|e| io_error(&path, e))?;
    let meta: IndexMeta = serde_json::from_str(&text).map_err(|e| index_error(&path, e))?;
    if meta.inputs.is_empty() {
        return Err(index_error(
            dir,
            "this index does not record what it was built from (an older zhize built it); \
             name its inputs: zhize search QUERY PATH… --index DIR",
        ));
    }
    let given = vocabulary != &VocabularyFiles::default();
    Ok(Some(IndexOptions {
        dir: dir.to_path_buf(),
        inputs: meta.inputs,
        load: LoadOptions {
            manifest: meta.manifest,
            aliases: meta.aliases,
        },
        vocabulary: if given {
            vocabulary.clone()
        } else {
            meta.vocabulary
        },
    }))
}

/// `zhize search --index DIR` with no inputs named: the index as built, from the inputs it
/// records (`options` from [`recorded_options`]). It is never rebuilt behind the user's back:
/// when those inputs are gone or changed, or another zhize or vocabulary built it, it answers
/// from the index as built and says so in a note (`zhize index --index DIR` rebuilds it). Only
/// a generation that cannot be read at all is rebuilt, from the recorded inputs, when they are
/// all still there.
pub fn open_as_built(
    options: &IndexOptions,
    progress: &dyn Progress,
) -> Result<(DutyIndex, IndexReport)> {
    let started = Instant::now();
    let vocabulary = Vocabulary::load(&options.vocabulary)?;
    let fingerprint = fingerprint(options, &vocabulary)?.unwrap_or_default();
    match inspect(&options.dir, &fingerprint, &vocabulary) {
        State::Fresh(index) => {
            let report = report_for(options, &index, false, "up to date", started);
            Ok((*index, report))
        }
        State::Stale(index) => {
            let mut report = report_for(options, &index, false, "as built", started);
            let gone: Vec<String> = index
                .meta
                .inputs
                .iter()
                .filter(|p| !p.exists())
                .map(|p| p.display().to_string())
                .collect();
            let why = if !gone.is_empty() {
                format!("its inputs are gone ({})", gone.join(", "))
            } else if inputs_digest(&index.meta.inputs).unwrap_or_default()
                != index.meta.inputs_digest
            {
                "its inputs changed since it was built".to_string()
            } else {
                "it was built by another zhize or with other vocabulary files".to_string()
            };
            report.notes.push(format!(
                "{why}: answering from {} as built; `zhize index --index {}` rebuilds it",
                options.dir.display(),
                options.dir.display()
            ));
            Ok((*index, report))
        }
        State::Missing => Err(index_error(&options.dir, "no index")),
        State::Broken(error) => {
            if let Some(gone) = options.inputs.iter().find(|p| !p.exists()) {
                return Err(index_error(
                    &options.dir,
                    format!(
                        "unreadable ({error}), and its input {} is gone",
                        gone.display()
                    ),
                ));
            }
            ensure(options, progress)
        }
    }
}

/// Feeds duties to a tantivy writer, document by document, and keeps the skeleton.
struct Builder<'a> {
    writer: tantivy::IndexWriter,
    fields: Fields,
    progress: &'a dyn Progress,
    /// The documents seen so far, without their duties.
    skeleton: Vec<Document>,
    /// Positions and duties numbered so far (over the whole corpus, duty-less positions
    /// included: `pos` ordinals index the skeleton's positions in order).
    positions: u64,
    duties: u64,
}

impl<'a> Builder<'a> {
    fn new(
        index: &Index,
        segmenter: &'a Segmenter,
        progress: &'a dyn Progress,
    ) -> tantivy::Result<Builder<'a>> {
        index
            .tokenizers()
            .register(TOKENIZER, ZhTokenizer::new(segmenter.clone()));
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .clamp(1, 4);
        // A larger arena per thread means fewer, larger segments and fewer merges: 64 MB
        // instead of 40 saved about 5 % of the build's CPU at 1M duties for 40 MB more peak
        // memory (now that the inputs are streamed, the build peaks near 330 MB there).
        let writer = index.writer_with_num_threads(threads, 64_000_000 * threads)?;
        Ok(Builder {
            writer,
            fields: schema().1,
            progress,
            skeleton: Vec::new(),
            positions: 0,
            duties: 0,
        })
    }

    /// Adds the duties of `documents` (numbered and given their stores already).
    fn add(&mut self, documents: Vec<Document>) -> tantivy::Result<()> {
        let fields = self.fields;
        for mut document in documents {
            for position in &mut document.positions {
                let pos = self.positions;
                self.positions += 1;
                if position.duties.is_empty() {
                    continue;
                }
                // The title goes with every duty as plain text: the tokenizer remembers its
                // clauses, so it is cut once. (Pre-tokenized text would be cheaper to cut but
                // costs more: tantivy keeps it in the document as JSON and parses it back.)
                for duty in std::mem::take(&mut position.duties) {
                    let mut doc = TantivyDocument::default();
                    doc.add_text(fields.text, &duty.text);
                    doc.add_text(fields.title, &position.title);
                    if let Some(n) = &duty.n {
                        doc.add_text(fields.n, n);
                    }
                    doc.add_u64(fields.line, duty.line as u64);
                    doc.add_u64(fields.pos, pos);
                    doc.add_u64(fields.duty, self.duties);
                    self.duties += 1;
                    self.writer.add_document(doc)?;
                }
            }
            self.skeleton.push(document);
        }
        Ok(())
    }

    fn finish(mut self, fingerprint: &str) -> tantivy::Result<(Corpus, IndexMeta)> {
        self.writer.commit()?;
        self.writer.wait_merging_threads()?;
        self.progress.finish();
        let meta = IndexMeta {
            format: FORMAT,
            fingerprint: fingerprint.to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            built_unix_ms: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_millis())
                .unwrap_or(0),
            documents: self.skeleton.len(),
            positions: self.positions as usize,
            duties: self.duties as usize,
            inputs: Vec::new(),
            manifest: None,
            aliases: None,
            vocabulary: VocabularyFiles::default(),
            inputs_digest: String::new(),
        };
        let skeleton = Corpus {
            documents: self.skeleton,
            ..Corpus::default()
        };
        Ok((skeleton, meta))
    }
}

/// The query-time dictionary (index terms + vocabulary), the skeleton and the meta, written
/// last: a generation without `zhize.json` is never opened.
fn write_side_files(
    dir: &Path,
    index: &Index,
    skeleton: &Corpus,
    segmenter: &Segmenter,
    vocabulary: &Vocabulary,
    meta: &IndexMeta,
) -> Result<()> {
    let dictionary = query_dictionary(dir, index, segmenter, vocabulary)?;
    write_synced(&dir.join(DICTIONARY), dictionary.as_bytes())?;
    // Serialised straight into the compressor and the file: at 1M duties the JSON alone is
    // 17 MB that the build's peak memory need not hold.
    let path = dir.join(SKELETON);
    let file = File::create(&path).map_err(|e| io_error(&path, e))?;
    let mut encoder =
        zstd::Encoder::new(std::io::BufWriter::new(file), 3).map_err(|e| io_error(&path, e))?;
    serde_json::to_writer(&mut encoder, skeleton).map_err(|e| index_error(&path, e))?;
    let file = encoder
        .finish()
        .map_err(|e| io_error(&path, e))?
        .into_inner()
        .map_err(|e| io_error(&path, e.into_error()))?;
    file.sync_all().map_err(|e| io_error(&path, e))?;
    let meta = serde_json::to_vec_pretty(meta).map_err(|e| index_error(dir, e))?;
    write_synced(&dir.join(META), &meta)
}

/// The query-time dictionary of an index: every term of its duty texts plus the vocabulary's
/// words, with the full segmenter's frequencies (see [`Segmenter::dictionary_for`]).
fn query_dictionary(
    dir: &Path,
    index: &Index,
    segmenter: &Segmenter,
    vocabulary: &Vocabulary,
) -> Result<String> {
    let (_, fields) = schema();
    let reader = index.reader().map_err(|e| index_error(dir, e))?;
    let searcher = reader.searcher();
    let mut terms: Vec<String> = segmenter.whole_vocabulary_words(vocabulary);
    for segment in searcher.segment_readers() {
        let inverted = segment
            .inverted_index(fields.text)
            .map_err(|e| index_error(dir, e))?;
        let mut stream = inverted.terms().stream().map_err(|e| index_error(dir, e))?;
        while stream.advance() {
            if let Ok(term) = std::str::from_utf8(stream.key()) {
                terms.push(term.to_string());
            }
        }
    }
    Ok(segmenter.dictionary_for(terms.iter().map(String::as_str)))
}

/// An index of `corpus` held in memory (standard input, tests, the relevance evaluation).
pub fn build_in_memory(corpus: &Corpus, vocabulary: &Vocabulary) -> Result<DutyIndex> {
    let full = Segmenter::with_vocabulary(vocabulary);
    build_in_memory_with(corpus, vocabulary, &full)
}

/// As [`build_in_memory`], reusing an already loaded full segmenter.
pub fn build_in_memory_with(
    corpus: &Corpus,
    vocabulary: &Vocabulary,
    full: &Segmenter,
) -> Result<DutyIndex> {
    let here = Path::new("(memory)");
    let index = Index::builder()
        .schema(schema().0)
        .settings(settings())
        .create_in_ram()
        .map_err(|e| index_error(here, e))?;
    let mut builder = Builder::new(&index, full, &NoProgress).map_err(|e| index_error(here, e))?;
    builder
        .add(corpus.documents.clone())
        .map_err(|e| index_error(here, e))?;
    let (skeleton, meta) = builder.finish("").map_err(|e| index_error(here, e))?;
    let (_, fields) = schema();
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()
        .map_err(|e| index_error(here, e))?;
    // Queries are cut with the index's own small dictionary, as an index on disk cuts them, so
    // that an index in memory ranks exactly as `zhize search` does.
    let queries = Segmenter::from_dictionary(&query_dictionary(here, &index, full, vocabulary)?)?;
    let cell = OnceLock::new();
    let _ = cell.set(skeleton);
    Ok(DutyIndex {
        index,
        reader,
        fields,
        segmenter: queries,
        vocabulary: vocabulary.clone(),
        meta,
        dir: None,
        skeleton: cell,
        ordinals: OnceLock::new(),
        terms: OnceLock::new(),
    })
}

/// The builder's lock: a file lock on `lock` in the index folder, released on drop (and by the
/// operating system when the process dies, so a killed build never leaves it stuck).
struct Lock {
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

    fn try_acquire(dir: &Path) -> Result<Option<Lock>> {
        let file = Lock::open(dir)?;
        match file.try_lock() {
            Ok(()) => Ok(Some(Lock { _file: file })),
            Err(std::fs::TryLockError::WouldBlock) => Ok(None),
            Err(std::fs::TryLockError::Error(e)) => Err(io_error(&dir.join("lock"), e)),
        }
    }

    fn acquire(dir: &Path) -> Result<Lock> {
        let file = Lock::open(dir)?;
        file.lock().map_err(|e| io_error(&dir.join("lock"), e))?;
        Ok(Lock { _file: file })
    }
}

/// Removes builds abandoned by a crash (only called while holding the lock).
fn remove_abandoned(dir: &Path) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("tmp-") || name.starts_with("CURRENT.tmp") {
            let _ = std::fs::remove_dir_all(entry.path());
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Keeps the live generation and the one before it (a reader may still be opening it).
fn remove_old_generations(dir: &Path, live: &str, previous: &str) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("gen-") && name != live && name != previous {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut file = File::create(path).map_err(|e| io_error(path, e))?;
    file.write_all(bytes).map_err(|e| io_error(path, e))?;
    file.sync_all().map_err(|e| io_error(path, e))
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_file_name(format!("CURRENT.tmp-{}", std::process::id()));
    write_synced(&tmp, bytes)?;
    std::fs::rename(&tmp, path).map_err(|e| io_error(path, e))?;
    if let Some(parent) = path.parent() {
        sync_dir(parent);
    }
    Ok(())
}

fn sync_dir(dir: &Path) {
    if let Ok(file) = File::open(dir) {
        let _ = file.sync_all();
    }
}
