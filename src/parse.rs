//! parse: lines in, documents → positions → duties out, each with the lines it came from, and
//! every character of the input accounted to one class (duty, heading, numbering, noise, unparsed).
//!
//! The parser works in two passes over a file. The first cuts every line into *pieces* at its
//! numbering markers (a merged file runs whole lists together on one line, so a line is not a
//! unit). The second walks the pieces in order with a small state machine — current document,
//! current position, last duty — deciding for each piece whether it is a title, a section
//! heading, position metadata, a duty, the continuation of a wrapped duty, or noise. The words
//! that drive those decisions live in `data/parse.txt` and `data/roles.txt`.

mod markers;
mod vocabulary;

use markers::{has_marker, scan_marker_spans, MarkerSpan};
pub use markers::{scan_markers, Marker, MarkerStyle};
pub use vocabulary::Vocabulary;

use crate::error::{Error, Result};
use crate::ingest::{split_lines, SourceText};
use crate::model::*;
use crate::normalize::fold_char;
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
                let mut parsed = parse_text(&source.file, &source.text, vocabulary, &rules);
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
    };
    let items = parser.scan();
    parser.walk(&items);
    parser.finish()
}

/// The lines of one file, their characters laid end to end in one array each (not one
/// allocation per line): as written (byte offsets into the file's text), and width-folded with
/// noise blanked out — the *visible* text, in which markers and words are looked for. Character
/// offsets are the same in both.
struct Lines<'t> {
    text: &'t str,
    /// Where each line starts in the character arrays, then where the last one ends.
    starts: Vec<usize>,
    /// The byte offset in `text` of every character, and where each line ends.
    raw_bytes: Vec<usize>,
    line_ends: Vec<usize>,
    visible: Vec<char>,
    /// The visible characters as one string, and the byte offset of each of them in it (then the
    /// end), so that a stretch of a line is a `&str` without copying.
    visible_text: String,
    visible_bytes: Vec<usize>,
    /// Lines the first pass skips: blank, or noise as a whole.
    skipped: Vec<bool>,
}

impl<'t> Lines<'t> {
    /// Splits, folds and finds the noise of every line; the classes start as noise or unparsed.
    fn read(text: &'t str, vocabulary: &Vocabulary) -> (Lines<'t>, Vec<CharClass>) {
        let split = split_lines(text);
        let chars = text.chars().count();
        let mut lines = Lines {
            text,
            starts: Vec::with_capacity(split.len() + 1),
            raw_bytes: Vec::with_capacity(chars),
            line_ends: Vec::with_capacity(split.len()),
            visible: Vec::with_capacity(chars),
            visible_text: String::with_capacity(text.len()),
            visible_bytes: Vec::with_capacity(chars + 1),
            skipped: Vec::with_capacity(split.len()),
        };
        let mut classes = Vec::with_capacity(chars);
        let mut noise = Vec::new();
        for line in split {
            let base = lines.raw_bytes.len();
            let byte_base = lines.visible_text.len();
            let line_start = line.as_ptr() as usize - text.as_ptr() as usize;
            lines.starts.push(base);
            lines.line_ends.push(line_start + line.len());
            // Folded into the visible arrays straight away: most lines hold no noise to blank.
            let mut blank = true;
            for (offset, c) in line.char_indices() {
                lines.raw_bytes.push(line_start + offset);
                let f = fold_char(c);
                blank &= is_space(f);
                lines.visible.push(f);
                lines.visible_bytes.push(lines.visible_text.len());
                lines.visible_text.push(f);
            }
            classes.resize(lines.raw_bytes.len(), CharClass::Unparsed);
            let mut skipped = blank;
            if !blank {
                noise.clear();
                if vocabulary.noise_in(&lines.visible_text[byte_base..], &mut noise) {
                    classes[base..].fill(CharClass::Noise);
                    skipped = true;
                } else {
                    for &(start, end) in &noise {
                        classes[base + start..base + end].fill(CharClass::Noise);
                    }
                }
                if skipped || !noise.is_empty() {
                    lines.blank_noise(base, byte_base, &classes);
                }
            }
            lines.skipped.push(skipped);
        }
        lines.starts.push(lines.raw_bytes.len());
        lines.visible_bytes.push(lines.visible_text.len());
        (lines, classes)
    }

    /// Rewrites the visible characters of the last line, from `base`, with noise as spaces.
    fn blank_noise(&mut self, base: usize, byte_base: usize, classes: &[CharClass]) {
        self.visible_text.truncate(byte_base);
        self.visible_bytes.truncate(base);
        for (c, &class) in self.visible[base..].iter_mut().zip(&classes[base..]) {
            if class == CharClass::Noise {
                *c = ' ';
            }
            self.visible_bytes.push(self.visible_text.len());
            self.visible_text.push(*c);
        }
    }

    fn count(&self) -> usize {
        self.skipped.len()
    }

    fn range(&self, line: usize) -> std::ops::Range<usize> {
        self.starts[line]..self.starts[line + 1]
    }

    /// Characters `start..end` of a line as written.
    fn raw_text(&self, line: usize, start: usize, end: usize) -> &'t str {
        let byte = |at: usize| {
            if at == self.range(line).len() {
                self.line_ends[line]
            } else {
                self.raw_bytes[self.starts[line] + at]
            }
        };
        &self.text[byte(start)..byte(end)]
    }

    fn raw_line(&self, line: usize) -> &'t str {
        self.raw_text(line, 0, self.range(line).len())
    }

    /// The folded line with noise blanked out, so markers and text never include noise.
    fn visible(&self, line: usize) -> &[char] {
        &self.visible[self.range(line)]
    }

    /// Characters `start..end` of a visible line, as a string.
    fn text(&self, line: usize, start: usize, end: usize) -> &str {
        let base = self.starts[line];
        &self.visible_text[self.visible_bytes[base + start]..self.visible_bytes[base + end]]
    }

    fn line_text(&self, line: usize) -> &str {
        self.text(line, 0, self.range(line).len())
    }
}

/// One unit of the first pass: a document title line, or a piece of a line.
#[derive(Debug, Clone)]
enum Item {
    DocumentTitle {
        line: usize,
        title: String,
        /// `【篇一:…】`: a part of a merged file, whose title beats the one before it.
        part: bool,
    },
    Piece(Piece),
}

/// A stretch of one line: an optional numbering marker and the text after it.
#[derive(Debug, Clone)]
struct Piece {
    line: usize,
    marker: Option<MarkerSpan>,
    /// Char range of the text (after the marker), trimmed.
    start: usize,
    end: usize,
}

struct DocumentBuilder {
    title: String,
    line_start: usize,
    line_end: usize,
    narrative: bool,
    /// Anything but titles seen yet: a document title right after a bare title only adds to it.
    content_seen: bool,
    positions: Vec<PositionBuilder>,
    /// Folded titles seen for this document, to recognise the title repeated on later lines.
    titles: Vec<String>,
}

struct PositionBuilder {
    title: String,
    department: Option<String>,
    reports_to: Vec<String>,
    subordinates: Vec<String>,
    kind: PositionKind,
    duties: Vec<DutyBuilder>,
    line_start: usize,
    line_end: usize,
    /// Titled in the text (not made up for a list that had no title).
    titled: bool,
}

struct DutyBuilder {
    n: Option<String>,
    value: Option<u32>,
    text: String,
    line: usize,
}

/// How a short stretch of text reads on its own.
#[derive(Debug, Clone, PartialEq)]
enum Chunk {
    /// The document's title again.
    DocumentRepeat,
    /// `直接上级:总经理`.
    ReportsTo(Vec<String>),
    /// `直接下级:A、B`.
    Subordinates(Vec<String>),
    /// `任职条件`, `岗位职责:` — opens a list of that kind for the current position.
    Section(PositionKind),
    /// `销售经理岗位职责`, `岗位名称:销售经理`: a title that says it is one.
    ExplicitTitle(String),
    /// `销售经理`: a role name, a title only where a list follows.
    RoleName(String),
    /// `销售部`.
    Department(String),
    /// `活动开展的形式:` — a list that is not duties.
    OtherSection(String),
    Text,
}

impl Chunk {
    fn is_heading(&self) -> bool {
        !matches!(self, Chunk::Text)
    }
}

struct Parser<'a> {
    file: &'a str,
    vocabulary: &'a Vocabulary,
    rules: &'a RoleRules,
    lines: &'a Lines<'a>,
    /// The class of every character of `lines`, laid out as they are.
    classes: Vec<CharClass>,
    documents: Vec<DocumentBuilder>,
    document: Option<DocumentBuilder>,
    department: Option<String>,
    /// The last thing placed was a duty (so an unnumbered line may continue it).
    last_was_duty: bool,
    last_arabic: Option<u32>,
}

/// How many characters of an unparsed line the report shows.
const UNPARSED_SHOWN: usize = 300;

/// The title of a list whose title was lost in the merge.
pub const UNTITLED: &str = "(无标题)";

/// `char::is_whitespace`, answered at once for the characters text is mostly made of (Chinese,
/// above every whitespace character but U+3000).
fn is_space(c: char) -> bool {
    (c as u32) < 0x3001 && c.is_whitespace()
}

/// What ends a sentence.
fn is_terminator(c: char) -> bool {
    matches!(c, '。' | ';' | '!' | '?')
}

fn is_terminated(text: &str) -> bool {
    text.trim_end()
        .chars()
        .last()
        .is_some_and(|c| is_terminator(c) || c == '.')
}

fn compact(text: &str) -> String {
    let mut compact = crate::normalize::for_matching(text);
    compact.retain(|c| !c.is_whitespace());
    compact
}

/// Whether the compacted text and one of the (compacted) titles start one another: the title
/// written again. `compact` without its allocations, for the text nearly every line starts with.
fn repeats_title(text: &str, titles: &[String]) -> bool {
    let matches = |c: &str| {
        !c.is_empty()
            && titles
                .iter()
                .any(|t| c.starts_with(t.as_str()) || (t.starts_with(c) && c.chars().count() >= 4))
    };
    // Folding never lengthens a character's encoding.
    let mut folded = [0u8; 4 * 64];
    let mut compacted = [0u8; 4 * 64];
    if text.len() > folded.len() {
        return matches(&compact(text));
    }
    let (mut folded_length, mut length) = (0, 0);
    for c in text.chars() {
        let c = fold_char(c).to_ascii_lowercase();
        folded_length += c.encode_utf8(&mut folded[folded_length..]).len();
        if !c.is_whitespace() {
            length += c.encode_utf8(&mut compacted[length..]).len();
        }
    }
    let folded = std::str::from_utf8(&folded[..folded_length]).expect("whole characters");
    if crate::normalize::may_convert(folded) {
        // Traditional characters, perhaps: the whole conversion.
        return matches(&compact(text));
    }
    matches(std::str::from_utf8(&compacted[..length]).expect("whole characters"))
}

/// The first `count` characters of a text.
fn char_prefix(text: &str, count: usize) -> &str {
    match text.char_indices().nth(count) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

impl<'a> Parser<'a> {
    // ---- pass 1: lines → items --------------------------------------------------------------

    fn scan(&mut self) -> Vec<Item> {
        // Noise was found for every line as the lines were read: a document title is recognised
        // by looking at the next line.
        let lines = self.lines;
        let mut items = Vec::new();
        let mut markers = Vec::new();
        for index in 0..lines.count() {
            if lines.skipped[index] {
                continue;
            }
            if let Some((title, part)) = self.document_title(index) {
                items.push(Item::DocumentTitle {
                    line: index,
                    title,
                    part,
                });
                continue;
            }
            let visible = lines.visible(index);
            markers.clear();
            scan_marker_spans(visible, &mut self.last_arabic, &mut markers);
            let first_start = markers.first().map_or(visible.len(), |m| m.start);
            let (start, end) = trim_range(visible, 0, first_start);
            if start < end {
                items.push(Item::Piece(Piece {
                    line: index,
                    marker: None,
                    start,
                    end,
                }));
            }
            for (k, marker) in markers.iter().enumerate() {
                self.mark(index, marker.start, marker.end, CharClass::Numbering);
                let next_start = markers.get(k + 1).map_or(visible.len(), |m| m.start);
                let (start, end) = trim_range(visible, marker.end, next_start);
                items.push(Item::Piece(Piece {
                    line: index,
                    marker: Some(*marker),
                    start: start.max(marker.end),
                    end: end.max(marker.end),
                }));
            }
        }
        items
    }

    /// Whether a whole line titles a document: short, no numbering, a document word such as
    /// 岗位职责, and not merely a role's own title (unless the next line repeats it).
    fn document_title(&self, line: usize) -> Option<(String, bool)> {
        let lines = self.lines;
        if lines.visible(line).len() > 200 {
            return None;
        }
        let text = lines.line_text(line).trim();
        if let Some(inner) = text
            .strip_prefix('【')
            .and_then(|t| t.strip_suffix('】'))
            .filter(|t| t.starts_with('篇'))
        {
            let title = inner.split_once(':').map_or(inner, |(_, t)| t).trim();
            return Some((title.to_string(), true));
        }
        let length = text.chars().take(41).count();
        if !(3..=40).contains(&length)
            || text.chars().any(|c| is_terminator(c) || c == ',')
            || !self.vocabulary.has_document_word(text)
        {
            return None;
        }
        if has_marker(lines.visible(line)) {
            return None;
        }
        // `岗位职责:`, `直接下级:…` are headings inside a position, not document titles.
        if matches!(
            self.classify_chunk(text, false),
            Chunk::Section(_) | Chunk::ReportsTo(_) | Chunk::Subordinates(_)
        ) || text.starts_with("岗位名称")
        {
            return None;
        }
        // `XXX公司 组织结构图 总经理岗位职责`: the line ends in a position's title.
        let words: Vec<&str> = text.split_whitespace().collect();
        if words.len() > 1 && self.rules.is_role_title(words[words.len() - 1]) {
            return None;
        }
        let compact_text = compact(text);
        let next_repeats = (line + 1..lines.count())
            .find(|&l| lines.visible(l).iter().any(|&c| !is_space(c)))
            .map(|l| compact(char_prefix(lines.line_text(l), 200)))
            .is_some_and(|next| next.starts_with(&compact_text));
        let role_only =
            self.rules.is_role_title(text) && !self.vocabulary.has_collective_word(text);
        if role_only && !next_repeats {
            return None;
        }
        Some((text.to_string(), false))
    }

    // ---- pass 2: items → documents ----------------------------------------------------------

    fn walk(&mut self, items: &[Item]) {
        for (index, item) in items.iter().enumerate() {
            let next = items.get(index + 1);
            match item {
                Item::DocumentTitle { line, title, part } => {
                    self.document_title_line(*line, title, *part)
                }
                Item::Piece(piece) => self.piece(piece, next),
            }
        }
    }

    fn document_title_line(&mut self, line: usize, title: &str, part: bool) {
        self.mark_text(line, 0, self.lines.range(line).len(), CharClass::Heading);
        let compact_title = compact(title);
        if let Some(document) = &mut self.document {
            let repeat = document
                .titles
                .iter()
                .any(|t| t.starts_with(&compact_title) || compact_title.starts_with(t.as_str()));
            if repeat || !document.content_seen {
                // The title again, or a subtitle under a title with nothing yet below it.
                if part {
                    document.title = title.to_string();
                    document.narrative = self.vocabulary.is_narrative(title);
                }
                document.titles.push(compact_title);
                document.line_end = line;
                return;
            }
        }
        self.start_document(line, title);
    }

    fn start_document(&mut self, line: usize, title: &str) {
        self.close_document();
        self.department = None;
        self.last_was_duty = false;
        self.document = Some(DocumentBuilder {
            title: title.to_string(),
            line_start: line,
            line_end: line,
            narrative: self.vocabulary.is_narrative(title),
            content_seen: false,
            positions: Vec::new(),
            titles: vec![compact(title)],
        });
    }

    fn close_document(&mut self) {
        if let Some(document) = self.document.take() {
            self.documents.push(document);
        }
    }

    fn document_mut(&mut self, line: usize) -> &mut DocumentBuilder {
        if self.document.is_none() {
            // Text before any title: a document named after the file.
            let stem = std::path::Path::new(self.file).file_stem().map_or_else(
                || self.file.to_string(),
                |s| s.to_string_lossy().into_owned(),
            );
            self.document = Some(DocumentBuilder {
                title: stem.clone(),
                line_start: line,
                line_end: line,
                narrative: false,
                content_seen: false,
                positions: Vec::new(),
                titles: vec![compact(&stem)],
            });
        }
        let document = self.document.as_mut().expect("just set");
        document.line_end = document.line_end.max(line);
        document
    }

    /// Characters `start..end` of a visible line (not borrowed from the parser, which goes on
    /// changing).
    fn piece_text(&self, line: usize, start: usize, end: usize) -> &'a str {
        self.lines.text(line, start, end)
    }

    fn piece(&mut self, piece: &Piece, next: Option<&Item>) {
        self.document_mut(piece.line);
        let text = self.piece_text(piece.line, piece.start, piece.end);
        let marker = piece.marker.as_ref();
        if let Some(marker) = marker {
            if marker.style == MarkerStyle::SubLetter && self.last_was_duty {
                let label = format!(
                    "{})",
                    self.piece_text(piece.line, marker.label_start, marker.label_end)
                );
                self.append_to_last_duty(piece.line, piece.start, piece.end, Some(&label));
                return;
            }
        }
        if text.trim().is_empty() {
            // An empty number (`3、 4、 5、`): numbering only.
            if let Some(marker) = marker {
                if marker.value == Some(1) {
                    self.restart_list(piece.line);
                }
            }
            return;
        }
        let next_starts_list = next_starts_list(next);
        match marker {
            None => self.head_piece(piece, next_starts_list),
            Some(marker) => self.marker_piece(piece, marker, next, next_starts_list),
        }
    }

    /// Text at the start of a line before any marker: titles, metadata, the continuation of a
    /// wrapped duty, an unnumbered duty, or prose.
    fn head_piece(&mut self, piece: &Piece, next_starts_list: bool) {
        let chunks = self.chunks(piece.line, piece.start, piece.end);
        let kinds: Vec<Chunk> = chunks
            .iter()
            .map(|&(s, e)| self.classify_chunk(self.piece_text(piece.line, s, e), true))
            .collect();
        let continuing = self.last_was_duty && !self.last_duty_terminated();
        let all_headings = kinds.iter().all(Chunk::is_heading);
        let strong_heading = kinds
            .iter()
            .any(|k| !matches!(k, Chunk::Text | Chunk::RoleName(_) | Chunk::Department(_)));
        if all_headings && (!continuing || strong_heading) {
            for (&(s, e), kind) in chunks.iter().zip(&kinds) {
                self.heading_chunk(piece.line, s, e, kind, true);
            }
            return;
        }
        if continuing {
            self.append_to_last_duty(piece.line, piece.start, piece.end, None);
            return;
        }
        // Headings at the end of a line of text: `XXX公司 组织结构图 总经理岗位职责`.
        let tail = trailing_headings(&kinds, next_starts_list);
        let body_end = if tail < chunks.len() {
            chunks[tail].0
        } else {
            piece.end
        };
        let (body_start, body_end) =
            trim_range(self.lines.visible(piece.line), piece.start, body_end);
        if body_start < body_end {
            let in_list = self
                .current_position()
                .is_some_and(|p| !p.duties.is_empty() || p.titled);
            let narrative = self.document.as_ref().is_some_and(|d| d.narrative);
            if tail < chunks.len() && !in_list {
                // Short text before a title on its line: a company name, 组织结构图.
                self.mark_text(piece.line, body_start, body_end, CharClass::Heading);
            } else if narrative && !self.current_position().is_some_and(|p| p.titled) {
                self.mark_text(piece.line, body_start, body_end, CharClass::Noise);
            } else if in_list {
                self.add_duty(piece.line, body_start, body_end, None, None);
            } else if narrative {
                self.mark_text(piece.line, body_start, body_end, CharClass::Noise);
            }
            // Otherwise the text stays unparsed, for `zhize check` to report.
        }
        for (&(s, e), kind) in chunks.iter().zip(&kinds).skip(tail) {
            self.heading_chunk(piece.line, s, e, kind, true);
        }
    }

    /// A numbered piece: a title (`(二)、销售部经理`, `一、金融总监岗位职责:`), a department, a
    /// section, or a duty — possibly with a title glued to its end.
    fn marker_piece(
        &mut self,
        piece: &Piece,
        marker: &MarkerSpan,
        next: Option<&Item>,
        next_starts_list: bool,
    ) {
        let chunks = self.chunks(piece.line, piece.start, piece.end);
        let first = self.piece_text(piece.line, chunks[0].0, chunks[0].1);
        let first_kind = self.classify_chunk(first, false);
        let next_is_nested = next_marker(next).is_some_and(|m| {
            m.value == Some(1) || (m.style != marker.style && m.style != MarkerStyle::SubLetter)
        });
        let whole_is_one_chunk = chunks.len() == 1;
        let title_here = match &first_kind {
            Chunk::ExplicitTitle(title) => next_is_nested || self.rules.is_role_title(title),
            Chunk::Section(_) | Chunk::OtherSection(_) => true,
            Chunk::RoleName(_) | Chunk::Department(_) => {
                next_is_nested && (whole_is_one_chunk || marker.style == MarkerStyle::Letter)
            }
            Chunk::ReportsTo(_) | Chunk::Subordinates(_) => true,
            _ => false,
        };
        if title_here {
            self.heading_chunk(piece.line, chunks[0].0, chunks[0].1, &first_kind, false);
            if chunks.len() > 1 {
                let (s, e) = trim_range(self.lines.visible(piece.line), chunks[1].0, piece.end);
                // A description after the title (`A、市场总监 带领市场部…`): an unnumbered duty.
                let rest: Vec<Chunk> = chunks[1..]
                    .iter()
                    .map(|&(s, e)| self.classify_chunk(self.piece_text(piece.line, s, e), false))
                    .collect();
                let rest_text = self.piece_text(piece.line, s, e);
                if rest.iter().all(Chunk::is_heading) {
                    for (&(s, e), kind) in chunks[1..].iter().zip(&rest) {
                        self.heading_chunk(piece.line, s, e, kind, false);
                    }
                } else if rest_text.chars().count() <= 8 && !is_terminated(rest_text) {
                    // `B、市场经理 —企宣`: a short qualifier is part of the title.
                    self.mark_text(piece.line, s, e, CharClass::Heading);
                    let qualifier = rest_text.trim().to_string();
                    if let Some(position) = self.current_position_mut() {
                        position.title.push_str(&qualifier);
                    }
                } else if s < e {
                    self.add_duty(piece.line, s, e, None, None);
                }
            }
            return;
        }
        // A duty, with headings possibly glued to its end. (Classifying a chunk on its own depends
        // on its text alone: the first chunk's kind is known.)
        let mut kinds: Vec<Chunk> = Vec::with_capacity(chunks.len());
        kinds.push(first_kind);
        kinds.extend(
            chunks[1..]
                .iter()
                .map(|&(s, e)| self.classify_chunk(self.piece_text(piece.line, s, e), false)),
        );
        let mut tail = trailing_headings(&kinds, next_starts_list).max(1);
        // A short phrase after the last sentence, right before a list restarts, is the new
        // list's title (`…媒体活动 活动策划 1、活动背景`).
        if tail == chunks.len() && chunks.len() > 1 && next_starts_list {
            let (s, e) = chunks[chunks.len() - 1];
            let phrase = self.piece_text(piece.line, s, e);
            if phrase.chars().count() <= 10 && !phrase.chars().any(is_terminator) {
                tail = chunks.len() - 1;
            }
        }
        let body_end = if tail < chunks.len() {
            chunks[tail - 1].1
        } else {
            piece.end
        };
        if marker.value == Some(1) {
            self.restart_list(piece.line);
        } else if let Some(value) = marker.value {
            self.restart_on_drop(piece.line, value);
        }
        let label = self.piece_text(piece.line, marker.label_start, marker.label_end);
        self.add_duty(piece.line, piece.start, body_end, Some(label), marker.value);
        for (&(s, e), kind) in chunks[tail..].iter().zip(kinds.drain(tail..)) {
            let kind = match kind {
                Chunk::Text => {
                    Chunk::OtherSection(self.piece_text(piece.line, s, e).trim().to_string())
                }
                kind => kind,
            };
            self.heading_chunk(piece.line, s, e, &kind, false);
        }
    }

    /// Splits a piece's range into whitespace-separated chunks (char ranges).
    fn chunks(&self, line: usize, start: usize, end: usize) -> Vec<(usize, usize)> {
        let visible = self.lines.visible(line);
        let mut chunks = Vec::new();
        let mut chunk_start = None;
        for (i, &c) in visible.iter().enumerate().take(end).skip(start) {
            if is_space(c) {
                if let Some(s) = chunk_start.take() {
                    chunks.push((s, i));
                }
            } else if chunk_start.is_none() {
                chunk_start = Some(i);
            }
        }
        if let Some(s) = chunk_start {
            chunks.push((s, end));
        }
        if chunks.is_empty() {
            chunks.push((start, end));
        }
        // `4s 店销售经理职责:` — a short Latin word split from the Chinese after it is one chunk.
        let mut merged = 0;
        for k in 0..chunks.len() {
            let (s, e) = chunks[k];
            if merged > 0 {
                let last = &mut chunks[merged - 1];
                let previous = &visible[last.0..last.1];
                if previous.len() <= 3 && previous.iter().all(|c| c.is_ascii_alphanumeric()) {
                    last.1 = e;
                    continue;
                }
            }
            chunks[merged] = (s, e);
            merged += 1;
        }
        chunks.truncate(merged);
        // A chunk that ends a sentence and a title glued to it without a space
        // (`…其他任务。销售顾问岗位职责`) are two chunks.
        let mut k = 0;
        while k < chunks.len() {
            let (s, e) = chunks[k];
            let cut = (s..e)
                .rev()
                .find(|&i| is_terminator(visible[i]) && i + 1 < e);
            if let Some(i) = cut {
                let tail = self.piece_text(line, i + 1, e);
                let kind = self.classify_chunk(tail, false);
                if matches!(kind, Chunk::ExplicitTitle(_) | Chunk::Section(_)) {
                    chunks[k] = (s, i + 1);
                    chunks.insert(k + 1, (i + 1, e));
                    k += 1;
                }
            }
            k += 1;
        }
        chunks
    }

    /// How a chunk of text reads on its own.
    fn classify_chunk(&self, text: &str, head: bool) -> Chunk {
        let text = text.trim();
        let vocabulary = self.vocabulary;
        if head {
            if let Some(document) = &self.document {
                // Only the start matters, and long prose is not worth folding whole.
                if repeats_title(char_prefix(text, 60), &document.titles) {
                    return Chunk::DocumentRepeat;
                }
            }
        }
        if let Some((label, value)) = text.split_once(':') {
            let label = label.trim();
            let value = value.trim();
            if vocabulary.is_reports_to(label) {
                return Chunk::ReportsTo(split_names(value));
            }
            if vocabulary.is_subordinates(label) {
                return Chunk::Subordinates(split_names(value));
            }
            if label == "岗位名称" || label == "职位名称" {
                return Chunk::ExplicitTitle(value.to_string());
            }
        }
        let bare = text.trim_end_matches([':', ' ']);
        if let Some(kind) = vocabulary.section(bare) {
            return Chunk::Section(kind);
        }
        if text.chars().nth(30).is_some() || text.chars().any(|c| is_terminator(c) || c == ',') {
            return Chunk::Text;
        }
        // `职责二:4s店销售顾问岗位职责` — the numbered-alternative prefix says nothing.
        let without_prefix = strip_alternative_prefix(bare);
        if vocabulary.ends_with_duties_word(without_prefix) {
            return Chunk::ExplicitTitle(without_prefix.to_string());
        }
        if vocabulary.is_department(bare) {
            return Chunk::Department(bare.to_string());
        }
        if self.rules.is_role_title(without_prefix) {
            return Chunk::RoleName(without_prefix.to_string());
        }
        if text.ends_with(':') && bare.chars().count() <= 15 && bare.chars().count() >= 2 {
            return Chunk::OtherSection(bare.to_string());
        }
        Chunk::Text
    }

    fn heading_chunk(&mut self, line: usize, start: usize, end: usize, kind: &Chunk, head: bool) {
        let _ = head;
        match kind {
            Chunk::Text => {
                self.mark_text(line, start, end, CharClass::Heading);
            }
            Chunk::DocumentRepeat => {
                self.mark_text(line, start, end, CharClass::Heading);
            }
            Chunk::ReportsTo(names) => {
                self.mark_text(line, start, end, CharClass::Heading);
                if let Some(position) = self.current_position_mut() {
                    position.reports_to.extend(names.iter().cloned());
                }
            }
            Chunk::Subordinates(names) => {
                self.mark_text(line, start, end, CharClass::Heading);
                if let Some(position) = self.current_position_mut() {
                    position.subordinates.extend(names.iter().cloned());
                }
            }
            Chunk::Section(kind) => {
                self.mark_text(line, start, end, CharClass::Heading);
                self.open_section(line, *kind);
            }
            Chunk::ExplicitTitle(title) | Chunk::RoleName(title) => {
                self.mark_text(line, start, end, CharClass::Heading);
                let title = self.clean_title(title);
                // `市场部的工作范围、主要职责` describes a scope, not a post.
                let descriptive = !self.rules.is_role_title(&title)
                    && (title.contains('的') || title.contains('、'));
                let kind = if descriptive {
                    PositionKind::Other
                } else {
                    PositionKind::Duties
                };
                self.open_position(line, title, kind, true);
            }
            Chunk::Department(name) => {
                self.mark_text(line, start, end, CharClass::Heading);
                self.department = Some(name.clone());
                self.last_was_duty = false;
            }
            Chunk::OtherSection(title) => {
                self.mark_text(line, start, end, CharClass::Heading);
                let title = title.trim_end_matches(':').to_string();
                self.open_position(line, title, PositionKind::Other, true);
            }
        }
        if let Some(document) = &mut self.document {
            document.line_end = document.line_end.max(line);
        }
    }

    /// The title as shown: prefixes such as `岗位名称:` and suffixes such as `岗位职责` removed,
    /// but otherwise as written.
    fn clean_title(&self, title: &str) -> String {
        let stripped = strip_alternative_prefix(title.trim());
        let mut text = stripped.trim_end_matches([':', ' ']).to_string();
        for suffix in self.vocabulary.title_suffixes() {
            if text.chars().count() > suffix.chars().count() + 1 {
                if let Some(rest) = text.strip_suffix(suffix.as_str()) {
                    text = rest.trim_end_matches(['的', ' ']).to_string();
                    break;
                }
            }
        }
        let text: String = text.split_whitespace().collect::<Vec<_>>().join("");
        text.trim_end_matches(['—', '-', ':', '、', ','])
            .to_string()
    }

    fn open_position(&mut self, line: usize, title: String, kind: PositionKind, titled: bool) {
        let department = self.department.clone();
        let document = self.document_mut(line);
        document.content_seen = true;
        // A title with nothing under it yet is replaced: `总经理` then `岗位名称:总经理`.
        if document.positions.last().is_some_and(|p| {
            p.duties.is_empty() && p.reports_to.is_empty() && p.subordinates.is_empty()
        }) {
            document.positions.pop();
        }
        document.positions.push(PositionBuilder {
            title,
            department,
            reports_to: Vec::new(),
            subordinates: Vec::new(),
            kind,
            duties: Vec::new(),
            line_start: line,
            line_end: line,
            titled,
        });
        self.last_was_duty = false;
    }

    /// `任职条件` or `岗位职责:` under a position: the list that follows is of that kind.
    fn open_section(&mut self, line: usize, kind: PositionKind) {
        let Some(position) = self.current_position_mut() else {
            if kind != PositionKind::Duties {
                let title = UNTITLED.to_string();
                self.open_position(line, title, kind, false);
            }
            return;
        };
        if position.duties.is_empty() {
            position.kind = kind;
            self.last_was_duty = false;
            return;
        }
        if position.kind == kind {
            return;
        }
        let title = position.title.clone();
        let titled = position.titled;
        let reports_to = position.reports_to.clone();
        let subordinates = position.subordinates.clone();
        self.open_position(line, title, kind, titled);
        if let Some(position) = self.current_position_mut() {
            position.reports_to = reports_to;
            position.subordinates = subordinates;
        }
    }

    /// A list numbered from 1 again under a position that already has numbered duties, with no
    /// title between: a new list whose title was lost.
    fn restart_list(&mut self, line: usize) {
        let restart = self.current_position().is_some_and(|p| {
            p.duties.iter().filter(|d| d.value.is_some()).count() >= 2
                && p.duties
                    .last()
                    .is_some_and(|d| d.value.is_some_and(|v| v >= 2))
        });
        if restart {
            let kind = self
                .current_position()
                .map_or(PositionKind::Duties, |p| p.kind);
            self.open_position(line, UNTITLED.to_string(), kind, false);
        }
    }

    /// Numbering that falls back (`…7、 8、 5、`) without a title between: a list whose title was
    /// lost. A repeated number (two 19s) is a typo, not a new list.
    fn restart_on_drop(&mut self, line: usize, value: u32) {
        let drop = self.current_position().is_some_and(|p| {
            p.duties
                .iter()
                .rev()
                .find_map(|d| d.value)
                .is_some_and(|last| value + 1 < last)
        });
        if drop {
            let kind = self
                .current_position()
                .map_or(PositionKind::Duties, |p| p.kind);
            self.open_position(line, UNTITLED.to_string(), kind, false);
        }
    }

    fn current_position(&self) -> Option<&PositionBuilder> {
        self.document.as_ref().and_then(|d| d.positions.last())
    }

    fn current_position_mut(&mut self) -> Option<&mut PositionBuilder> {
        self.document.as_mut().and_then(|d| d.positions.last_mut())
    }

    fn last_duty_terminated(&self) -> bool {
        self.current_position()
            .and_then(|p| p.duties.last())
            .is_none_or(|d| is_terminated(&d.text))
    }

    fn add_duty(
        &mut self,
        line: usize,
        start: usize,
        end: usize,
        n: Option<&str>,
        value: Option<u32>,
    ) {
        let (start, end) = trim_range(self.lines.visible(line), start, end);
        if start >= end {
            return;
        }
        let text = self.original_joined(line, start, end);
        if text.is_empty() {
            return;
        }
        if self.current_position().is_none() {
            let title = self
                .document
                .as_ref()
                .map(|d| d.title.clone())
                .filter(|t| self.rules.is_role_title(t))
                .map_or_else(|| UNTITLED.to_string(), |t| self.clean_title(&t));
            self.open_position(line, title, PositionKind::Duties, false);
        }
        let narrative_untitled = self.document.as_ref().is_some_and(|d| d.narrative)
            && !self.current_position().is_some_and(|p| p.titled);
        if narrative_untitled {
            self.mark_text(line, start, end, CharClass::Noise);
            return;
        }
        self.mark_text(line, start, end, CharClass::Duty);
        let document = self.document.as_mut().expect("position exists");
        document.content_seen = true;
        let position = document.positions.last_mut().expect("position exists");
        position.line_end = position.line_end.max(line);
        // A duty that ends in `、` was cut by a stray number: the next item continues it.
        if let Some(last) = position.duties.last_mut() {
            if last.text.ends_with('、') {
                last.text = join_pieces(&last.text, &text);
                self.last_was_duty = true;
                return;
            }
        }
        position.duties.push(DutyBuilder {
            n: n.map(str::to_string),
            value,
            text,
            line,
        });
        self.last_was_duty = true;
    }

    fn append_to_last_duty(&mut self, line: usize, start: usize, end: usize, label: Option<&str>) {
        let (start, end) = trim_range(self.lines.visible(line), start, end);
        let text = self.original_joined(line, start, end);
        let narrative = self.document.as_ref().is_some_and(|d| d.narrative)
            && !self.current_position().is_some_and(|p| p.titled);
        let class = if narrative {
            CharClass::Noise
        } else {
            CharClass::Duty
        };
        self.mark_text(line, start, end, class);
        if narrative {
            return;
        }
        if let Some(position) = self.current_position_mut() {
            position.line_end = position.line_end.max(line);
            if let Some(last) = position.duties.last_mut() {
                let addition = match label {
                    Some(label) => format!("{label}{text}"),
                    None => text,
                };
                last.text = if label.is_some() {
                    format!("{} {}", last.text.trim_end(), addition)
                } else {
                    join_pieces(&last.text, &addition)
                };
            }
        }
        if let Some(document) = &mut self.document {
            document.line_end = document.line_end.max(line);
        }
    }

    /// The text as written (noise blanked out), wrapped lines re-joined: see [`join_wrapped`].
    fn original_joined(&self, line: usize, start: usize, end: usize) -> String {
        let raw = self.lines.raw_text(line, start, end);
        let base = self.lines.starts[line];
        let classes = &self.classes[base + start..base + end];
        // Mostly one run of text with no noise and no space in it: copied as written.
        if !classes.contains(&CharClass::Noise) && !raw.chars().any(is_space) {
            return raw.to_string();
        }
        let chars = raw
            .chars()
            .zip(classes)
            .map(|(c, &class)| if class == CharClass::Noise { ' ' } else { c });
        join_wrapped_chars(chars)
    }

    fn classes_mut(&mut self, line: usize, start: usize, end: usize) -> &mut [CharClass] {
        let base = self.lines.starts[line];
        &mut self.classes[base + start..base + end]
    }

    /// Marks a range; noise and numbering already marked keep their class.
    fn mark_text(&mut self, line: usize, start: usize, end: usize, class: CharClass) {
        for slot in self.classes_mut(line, start, end) {
            if !matches!(slot, CharClass::Noise | CharClass::Numbering) {
                *slot = class;
            }
        }
    }

    fn mark(&mut self, line: usize, start: usize, end: usize, class: CharClass) {
        self.classes_mut(line, start, end).fill(class);
    }

    // ---- results ----------------------------------------------------------------------------

    fn finish(mut self) -> ParsedFile {
        self.close_document();
        let mut documents = Vec::new();
        for builder in std::mem::take(&mut self.documents) {
            // Collected to the exact length: a corpus holds a million of these.
            let mut positions: Vec<Position> = Vec::with_capacity(
                builder
                    .positions
                    .iter()
                    .filter(|p| !p.duties.is_empty())
                    .count(),
            );
            positions.extend(
                builder
                    .positions
                    .into_iter()
                    .filter(|p| !p.duties.is_empty())
                    .map(|p| Position {
                        role: if p.title == UNTITLED {
                            p.title.clone()
                        } else {
                            self.rules.canonical(&p.title)
                        },
                        title: p.title,
                        department: p.department,
                        reports_to: p.reports_to,
                        subordinates: p.subordinates,
                        kind: p.kind,
                        duties: {
                            let mut duties = Vec::with_capacity(p.duties.len());
                            duties.extend(p.duties.into_iter().map(|d| {
                                let mut text = d.text;
                                text.shrink_to_fit();
                                Duty {
                                    n: d.n,
                                    text,
                                    line: d.line + 1,
                                }
                            }));
                            duties
                        },
                        line_start: p.line_start + 1,
                        line_end: p.line_end + 1,
                    }),
            );
            documents.push(Document {
                id: String::new(),
                store: builder.title.clone(),
                title: builder.title,
                file: self.file.to_string(),
                line_start: builder.line_start + 1,
                line_end: builder.line_end + 1,
                positions,
            });
        }
        let report = self.report(&documents);
        let lines = self.lines;
        let classes = (0..lines.count())
            .map(|line| self.classes[lines.range(line)].to_vec())
            .collect();
        ParsedFile {
            documents,
            report,
            classes,
        }
    }

    fn report(&self, documents: &[Document]) -> FileReport {
        let mut report = FileReport {
            file: self.file.to_string(),
            documents: documents.len(),
            positions: documents.iter().map(|d| d.positions.len()).sum(),
            duties: documents
                .iter()
                .flat_map(|d| &d.positions)
                .map(|p| p.duties.len())
                .sum(),
            ..FileReport::default()
        };
        let lines = self.lines;
        for index in 0..lines.count() {
            let line = lines.raw_line(index);
            let classes = &self.classes[lines.range(index)];
            let mut counts = [0usize; 5];
            for (c, &class) in line.chars().zip(classes) {
                if c.is_whitespace() {
                    continue;
                }
                counts[class as usize] += 1;
            }
            let total: usize = counts.iter().sum();
            if total == 0 {
                continue;
            }
            report.chars.duty += counts[CharClass::Duty as usize];
            report.chars.heading += counts[CharClass::Heading as usize];
            report.chars.numbering += counts[CharClass::Numbering as usize];
            report.chars.noise += counts[CharClass::Noise as usize];
            report.chars.unparsed += counts[CharClass::Unparsed as usize];
            // Numbers belong to the list they number.
            let duty = counts[CharClass::Duty as usize] + counts[CharClass::Numbering as usize];
            let heading = counts[CharClass::Heading as usize];
            let noise = counts[CharClass::Noise as usize];
            let unparsed = counts[CharClass::Unparsed as usize];
            let most = duty.max(heading).max(noise).max(unparsed);
            if duty == most {
                report.lines.duty += 1;
            } else if heading == most {
                report.lines.heading += 1;
            } else if noise == most {
                report.lines.noise += 1;
            } else {
                report.lines.unparsed += 1;
            }
            if unparsed > 0 {
                let text: String = line
                    .chars()
                    .zip(classes)
                    .filter(|(_, &class)| class == CharClass::Unparsed)
                    .map(|(c, _)| c)
                    .collect();
                // A 10 MB line is reported by its start, not printed whole.
                let text = text.trim();
                let shown: String = text.chars().take(UNPARSED_SHOWN).collect();
                let text = if shown.len() < text.len() {
                    format!("{shown}…")
                } else {
                    shown
                };
                report.unparsed.push(UnparsedLine {
                    line: index + 1,
                    text,
                });
            }
        }
        report
    }
}

fn next_marker(next: Option<&Item>) -> Option<&MarkerSpan> {
    match next {
        Some(Item::Piece(piece)) => piece.marker.as_ref(),
        _ => None,
    }
}

/// The next item starts a list at 1 (or is a bullet).
fn next_starts_list(next: Option<&Item>) -> bool {
    next_marker(next).is_some_and(|m| m.value == Some(1) || m.style == MarkerStyle::Bullet)
}

/// The index of the first of the trailing chunks that are headings (titles glued to the end of a
/// duty or of a line). Role names and departments count only after a finished sentence.
fn trailing_headings(kinds: &[Chunk], next_starts_list: bool) -> usize {
    let mut tail = kinds.len();
    while tail > 1 {
        let kind = &kinds[tail - 1];
        let strong = matches!(
            kind,
            Chunk::ExplicitTitle(_) | Chunk::Section(_) | Chunk::OtherSection(_)
        );
        let weak = matches!(kind, Chunk::RoleName(_) | Chunk::Department(_));
        if strong || (weak && (next_starts_list || tail == kinds.len())) {
            tail -= 1;
        } else {
            break;
        }
    }
    tail
}

/// `职责二:`, `职责三:` before a title.
fn strip_alternative_prefix(text: &str) -> &str {
    let rest = text.trim_start();
    if let Some(after) = rest.strip_prefix("职责") {
        let numeral_end = after
            .char_indices()
            .find(|(_, c)| !(c.is_ascii_digit() || "一二三四五六七八九十".contains(*c)))
            .map_or(after.len(), |(i, _)| i);
        if numeral_end > 0 {
            if let Some(title) = after[numeral_end..].strip_prefix(':') {
                return title.trim_start();
            }
        }
    }
    rest
}

fn split_names(value: &str) -> Vec<String> {
    let value = value
        .trim()
        .trim_end_matches(':')
        .trim_end_matches("岗位职责")
        .trim_end_matches("工作职责");
    value
        .split(['、', ',', ',', '/', ' ', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn trim_range(chars: &[char], start: usize, end: usize) -> (usize, usize) {
    let mut s = start.min(chars.len());
    let mut e = end.min(chars.len());
    while s < e && is_space(chars[s]) {
        s += 1;
    }
    while e > s && is_space(chars[e - 1]) {
        e -= 1;
    }
    (s, e)
}

/// Whether a space between these two characters is a line-wrap artefact rather than a word gap.
/// Only a space between two Latin words or numbers (`IMB 5AB`) is kept.
fn wrap_space(before: char, after: char) -> bool {
    !(before.is_ascii_alphanumeric() && after.is_ascii_alphanumeric())
}

/// Re-joins text that a converter wrapped: spaces next to Chinese characters are dropped, other
/// runs of whitespace become one space.
pub fn join_wrapped(text: &str) -> String {
    join_wrapped_chars(text.chars())
}

/// [`join_wrapped`] over characters, in one pass: whitespace at either end is dropped, and a run
/// of it inside becomes one space only between two Latin words or numbers.
fn join_wrapped_chars(chars: impl Iterator<Item = char> + Clone) -> String {
    let bytes = chars.clone().map(char::len_utf8).sum();
    let mut out = String::with_capacity(bytes);
    let mut last = None;
    let mut gap = false;
    for c in chars {
        if is_space(c) {
            gap = last.is_some();
            continue;
        }
        if gap {
            if let Some(before) = last {
                if !wrap_space(before, c) {
                    out.push(' ');
                }
            }
            gap = false;
        }
        out.push(c);
        last = Some(c);
    }
    out
}

/// Joins a duty and the next line of it.
fn join_pieces(first: &str, second: &str) -> String {
    let first = first.trim_end();
    let second = second.trim_start();
    match (first.chars().last(), second.chars().next()) {
        (Some(a), Some(b)) if !wrap_space(a, b) => format!("{first} {second}"),
        _ => format!("{first}{second}"),
    }
}
