//! Building a generation: the inputs streamed through the parser into a tantivy writer, the
//! skeleton and the position table kept beside it, the side files written last.

use super::files::{
    remove_abandoned, remove_old_generations, sync_dir, write_atomically, write_synced, Lock,
};
use super::fingerprint::inputs_digest;
use super::positions::PositionTableWriter;
use super::{
    index_error, io_error, schema, settings, DutyIndex, Fields, IndexMeta, IndexOptions,
    IndexReport, NoProgress, Progress,
};
use super::{CURRENT, DICTIONARY, FORMAT, META, POSITIONS, SKELETON, TOKENIZER};
use crate::error::{Error, Result};
use crate::model::{Corpus, Document};
use crate::segment::{Segmenter, Vocabulary, VocabularyFiles, ZhTokenizer};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Instant, SystemTime, UNIX_EPOCH};
use tantivy::{Index, ReloadPolicy, TantivyDocument};

/// Builds a generation while holding `lock`, then makes it live.
pub(super) fn rebuild(
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
    // cores) ahead of the writer, never by more than a few files or a few pieces of a large
    // file (a piece's documents hold ~2 MB of text): the decoded corpus is never held whole.
    // Each source is freed once parsed.
    let (parsed, handed) = std::sync::mpsc::sync_channel::<(Vec<Document>, usize)>(4);
    let load = &options.load;
    std::thread::scope(|scope| -> Result<()> {
        let parser = scope.spawn(move || {
            let mut sources = sources;
            crate::parse::parse_each(sources.by_ref(), load, |documents, done| {
                // A closed channel means the writer failed; it reports why.
                let _ = parsed.send((documents, done.map_or(0, |(_, bytes)| bytes)));
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
pub(super) fn record_inputs(meta: &mut IndexMeta, options: &IndexOptions) {
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

/// Feeds duties to a tantivy writer, document by document, and keeps the skeleton.
pub(super) struct Builder<'a> {
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

/// The query-time dictionary (index terms + vocabulary), the skeleton, the position table and
/// the meta, written
/// last: a generation without `zhize.json` is never opened.
pub(super) fn write_side_files(
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
    let mut positions = PositionTableWriter::default();
    for document in &skeleton.documents {
        positions.add(document);
    }
    positions.write(&dir.join(POSITIONS))?;
    let meta = serde_json::to_vec_pretty(meta).map_err(|e| index_error(dir, e))?;
    write_synced(&dir.join(META), &meta)
}

/// The query-time dictionary of an index: every term of its duty texts plus the vocabulary's
/// words, with the full segmenter's frequencies (see [`Segmenter::dictionary_for`]).
pub(super) fn query_dictionary(
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
        positions: None,
        terms: OnceLock::new(),
    })
}
