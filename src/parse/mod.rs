//! parse: lines in, documents → positions → duties out, each with the lines it came from, and
//! every character of the input accounted to one class (duty, heading, numbering, noise, unparsed).
//!
//! The parser works in two passes over a file. The first cuts every line into *pieces* at its
//! numbering markers (a merged file runs whole lists together on one line, so a line is not a
//! unit). The second walks the pieces in order with a small state machine — current document,
//! current position, last duty — deciding for each piece whether it is a title, a section
//! heading, position metadata, a duty, the continuation of a wrapped duty, or noise. The words
//! that drive those decisions live in `data/parse.txt` and `data/roles.txt`.
//!
//! One concern a file: `lines` (split, fold, noise, Markdown table bars), `markers` (numbering),
//! `classify` (how a stretch of text reads: title, field, section, role name), `walk` (the two
//! passes and numbered pieces), `head` (text before any marker: questions, answers, fields,
//! facts rows, titles, wrapped lines), `table` (header rows and the rows under them),
//! `assemble` (positions, sections and duties built up), `vocabulary` (`data/parse.txt` read).

mod assemble;
mod chunked;
mod classify;
mod head;
mod lines;
mod markers;
mod table;
mod vocabulary;
mod walk;

pub use lines::join_wrapped;
use lines::Lines;
pub use markers::{scan_markers, Marker, MarkerStyle};
pub use vocabulary::Vocabulary;
use walk::Parser;

use crate::error::{Error, Result};
use crate::ingest::SourceText;
use crate::model::*;
use crate::roles::RoleRules;
use crate::LoadOptions;
use rayon::prelude::*;
use std::collections::HashMap;

/// The class a character of the input was accounted to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CharClass {
    Duty,
    Heading,
    Numbering,
    Noise,
    Unparsed,
}

/// Parses decoded sources into one corpus (documents numbered across all sources).
pub fn parse_sources(sources: &[SourceText], options: &LoadOptions) -> Result<Corpus> {
    let mut corpus = Corpus::default();
    parse_each(sources.iter(), options, |documents, done| {
        corpus.documents.extend(documents);
        if let Some((report, _)) = done {
            corpus.files.push(report);
        }
        Ok(())
    })?;
    Ok(corpus)
}

/// Parses sources a few at a time, on all cores, and hands their documents (numbered across
/// all sources, stores from the manifest) to `sink` in input order. A file's documents may
/// come in several calls (a large file is parsed in pieces, see `chunked`); the last call of
/// each file carries its report and its size in bytes (as read, before decoding). Only a batch
/// of parsed files, or a few pieces of a large one, is held at once: the index build streams a
/// corpus through this without holding it whole. Sources may be borrowed or owned (owned ones
/// are freed as they are parsed).
pub fn parse_each<S>(
    sources: impl IntoIterator<Item = S>,
    options: &LoadOptions,
    mut sink: impl FnMut(Vec<Document>, Option<(FileReport, usize)>) -> Result<()>,
) -> Result<()>
where
    S: std::borrow::Borrow<SourceText> + Send,
{
    let rules = match &options.aliases {
        Some(path) => RoleRules::with_user_file(path)?,
        None => RoleRules::shipped(),
    };
    let manifest = match &options.manifest {
        Some(path) => read_manifest(path)?,
        None => HashMap::new(),
    };
    let vocabulary = Vocabulary::shipped();
    let batch_size = 4 * rayon::current_num_threads().max(1);
    let mut numbered = 0usize;
    let mut number = |documents: &mut Vec<Document>| {
        for document in documents {
            numbered += 1;
            document.id = format!("d{numbered}");
            if let Some(store) = manifest
                .get(&document.id)
                .or_else(|| manifest.get(&document.title))
            {
                document.store = store.clone();
            }
        }
    };
    // A spreadsheet's rows never wrap; a .docx's paragraphs may be a text's lines pasted into
    // Word, so they are read as lines.
    let paragraphs = |source: &SourceText| {
        ["xlsx", "csv"]
            .iter()
            .any(|kind| source.encoding.starts_with(kind))
    };
    let mut sources = sources.into_iter().peekable();
    while sources.peek().is_some() {
        let mut batch: Vec<S> = Vec::with_capacity(batch_size);
        let mut large = None;
        for source in sources.by_ref() {
            let borrowed = source.borrow();
            if chunked::in_pieces(&borrowed.text, paragraphs(borrowed)) {
                large = Some(source);
                break;
            }
            batch.push(source);
            if batch.len() == batch_size {
                break;
            }
        }
        // Files are independent: parse a batch on all cores, then number in input order.
        let parsed: Vec<(String, usize, ParsedFile)> = batch
            .into_par_iter()
            .map(|source| {
                let source = source.borrow();
                let mut parsed = parse_text_with(
                    &source.file,
                    &source.text,
                    vocabulary,
                    &rules,
                    paragraphs(source),
                );
                // The per-character classes are for callers of parse_text; the corpus needs
                // only the report.
                parsed.classes = Vec::new();
                (source.encoding.clone(), source.size as usize, parsed)
            })
            .collect();
        for (encoding, bytes, parsed) in parsed {
            let mut report = parsed.report;
            report.encoding = encoding;
            let mut documents = parsed.documents;
            number(&mut documents);
            sink(documents, Some((report, bytes)))?;
        }
        // A large file: its pieces on all cores, their documents handed on as they come.
        if let Some(source) = large {
            let source = source.borrow();
            let (mut report, _) = chunked::parse_in_pieces(
                &source.file,
                &source.text,
                vocabulary,
                &rules,
                chunked::PIECE_BYTES,
                |mut documents| {
                    number(&mut documents);
                    sink(documents, None)
                },
            )?;
            report.encoding = source.encoding.clone();
            sink(Vec::new(), Some((report, source.size as usize)))?;
        }
    }
    Ok(())
}

/// A manifest: `KEY<TAB>STORE` or `KEY = STORE` per line, KEY a document id or title.
fn read_manifest(path: &std::path::Path) -> Result<HashMap<String, String>> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut map = HashMap::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, store) = line
            .split_once('\t')
            .or_else(|| line.split_once('='))
            .ok_or_else(|| Error::BadLine {
                file: path.display().to_string(),
                line: index + 1,
                message: format!("expected `DOCUMENT<TAB>STORE` or `DOCUMENT = STORE`: {line}"),
            })?;
        map.insert(key.trim().to_string(), store.trim().to_string());
    }
    Ok(map)
}

/// The documents of one file and the accounting of its characters.
#[derive(Debug, Clone)]
pub struct ParsedFile {
    pub documents: Vec<Document>,
    pub report: FileReport,
    /// Per line (0-based), the class of each character (whitespace included, not counted).
    pub classes: Vec<Vec<CharClass>>,
}

/// Parses one decoded file. Never fails: what cannot be placed is reported as unparsed.
pub fn parse_text(
    file: &str,
    text: &str,
    vocabulary: &Vocabulary,
    rules: &RoleRules,
) -> ParsedFile {
    parse_text_with(file, text, vocabulary, rules, false)
}

/// [`parse_text`] for text whose lines are never wrapped (a spreadsheet's rows): a line is never
/// the continuation of the one before.
pub fn parse_text_with(
    file: &str,
    text: &str,
    vocabulary: &Vocabulary,
    rules: &RoleRules,
    paragraphs: bool,
) -> ParsedFile {
    let (lines, classes) = Lines::read(text, vocabulary);
    let mut parser = Parser {
        file,
        vocabulary,
        rules,
        lines: &lines,
        classes,
        documents: Vec::new(),
        document: None,
        department: None,
        last_was_duty: false,
        last_arabic: None,
        closed: false,
        question_title: None,
        paragraphs,
        current_style: None,
        table: None,
    };
    let items = parser.scan();
    parser.walk(&items);
    parser.finish()
}

/// [`parse_text`] done as `parse_each` does a large file (8 MB or more): in pieces of about
/// `piece_bytes`, parsed apart and checked at every cut. The same documents (not numbered)
/// and report as [`parse_text`], and the number of pieces the cuts that held made; for the
/// tests and benchmarks that show it.
pub fn parse_text_in_pieces(
    file: &str,
    text: &str,
    vocabulary: &Vocabulary,
    rules: &RoleRules,
    piece_bytes: usize,
) -> (Vec<Document>, FileReport, usize) {
    let mut documents = Vec::new();
    let (report, pieces) =
        chunked::parse_in_pieces(file, text, vocabulary, rules, piece_bytes, |more| {
            documents.extend(more);
            Ok(())
        })
        .expect("collecting documents never fails");
    (documents, report, pieces)
}

/// How many characters of an unparsed line the report shows.
const UNPARSED_SHOWN: usize = 300;

/// The title of a list whose title was lost in the merge.
pub const UNTITLED: &str = "(无标题)";
