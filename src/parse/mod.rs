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
    parse_each(sources.iter(), options, |documents, report, _| {
        corpus.documents.extend(documents);
        corpus.files.push(report);
        Ok(())
    })?;
    Ok(corpus)
}

/// Parses sources a few at a time, on all cores, and hands each file's documents (numbered
/// across all sources, stores from the manifest), report and size in bytes to `sink`, in input
/// order (the size is the input's, as read before decoding). Only a batch of parsed files is held at once: the index build streams a corpus
/// through this without holding it whole. Sources may be borrowed or owned (owned ones are freed as they are parsed).
pub fn parse_each<S>(
    sources: impl IntoIterator<Item = S>,
    options: &LoadOptions,
    mut sink: impl FnMut(Vec<Document>, FileReport, usize) -> Result<()>,
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
    let mut sources = sources.into_iter().peekable();
    let mut numbered = 0usize;
    while sources.peek().is_some() {
        let batch: Vec<S> = sources.by_ref().take(batch_size).collect();
        // Files are independent: parse a batch on all cores, then number in input order.
        let parsed: Vec<(String, usize, ParsedFile)> = batch
            .into_par_iter()
            .map(|source| {
                let source = source.borrow();
                // A spreadsheet's rows never wrap; a .docx's paragraphs may be a text's lines
                // pasted into Word, so they are read as lines.
                let paragraphs = ["xlsx", "csv"]
                    .iter()
                    .any(|kind| source.encoding.starts_with(kind));
                let mut parsed =
                    parse_text_with(&source.file, &source.text, vocabulary, &rules, paragraphs);
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
            for document in &mut documents {
                numbered += 1;
                document.id = format!("d{numbered}");
                if let Some(store) = manifest
                    .get(&document.id)
                    .or_else(|| manifest.get(&document.title))
                {
                    document.store = store.clone();
                }
            }
            sink(documents, report, bytes)?;
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

/// How many characters of an unparsed line the report shows.
const UNPARSED_SHOWN: usize = 300;

/// The title of a list whose title was lost in the merge.
pub const UNTITLED: &str = "(无标题)";
