//! Opening the live generation of an index folder, and the inputs it records.

use super::ensure::{ensure, report_for};
use super::fingerprint::{fingerprint, inputs_digest};
use super::positions::PositionTable;
use super::{index_error, io_error, DutyIndex, IndexMeta, IndexOptions, IndexReport, Progress};
use super::{schema, CURRENT, DICTIONARY, FORMAT, META, POSITIONS, TOKENIZER};
use crate::error::Result;
use crate::segment::{Segmenter, Vocabulary, VocabularyFiles, ZhTokenizer};
use crate::LoadOptions;
use std::path::Path;
use std::sync::OnceLock;
use std::time::Instant;
use tantivy::{Index, ReloadPolicy};

pub(super) enum State {
    Fresh(Box<DutyIndex>),
    Stale(Box<DutyIndex>),
    Missing,
    Broken(String),
}

/// Opens the live generation of `dir` and says whether it matches `fingerprint`.
pub(super) fn inspect(dir: &Path, fingerprint: &str, vocabulary: &Vocabulary) -> State {
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
        positions: Some(PositionTable::open(&dir.join(POSITIONS))?),
        terms: OnceLock::new(),
    };
    if opened.reader.searcher().num_docs() as usize != opened.meta.duties {
        return Err(index_error(dir, "document count does not match zhize.json"));
    }
    Ok(opened)
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
