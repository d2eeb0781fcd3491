//! One large file parsed in pieces, on all cores, a few pieces at a time: the documents of a
//! merged file are independent, so it is cut at lines that look like a document's title and
//! the pieces are parsed apart. Memory holds the decoded text and a few pieces' parses, never
//! the whole file's (the parser's arrays take ~10× the text: 1.5 GB for a 147 MB file).
//!
//! A cut is only a guess until it is checked. Every piece is parsed a little past its end (64 KB
//! and two candidate cuts): there it sees what the whole file's parse sees (the state it
//! carries is the file's own from its start onwards). The piece after it starts afresh at the
//! cut. The cut is kept when both agree on everything past it: a document starts exactly at
//! the cut, and the documents and the class of every character up to the last document start
//! in the overlap are the same. Otherwise the two pieces are parsed again as one. The output
//! is the whole file's parse, document for document and line for line (the tests compare them
//! on the shipped corpus and on generated merged files).

use super::assemble::account_line;
use super::{parse_text_with, ParsedFile, UNTITLED};
use crate::error::Result;
use crate::ingest::split_lines;
use crate::model::{Document, FileReport, UnparsedLine};
use crate::roles::RoleRules;
use rayon::prelude::*;

use super::vocabulary::Vocabulary;

/// The size a piece aims at. Smaller pieces parse on more cores at once but check more cuts;
/// each piece's parse takes ~10× its size in memory.
pub(super) const PIECE_BYTES: usize = 2 << 20;
/// Files smaller than this are parsed whole.
const MIN_BYTES: usize = 8 << 20;
/// How far past its end a piece is parsed, to check the cut: at least this many bytes and two
/// candidate cuts (a document or two of a merged file).
const OVERLAP_BYTES: usize = 64 << 10;
const OVERLAP_CUTS: usize = 2;
/// A line longer than this is no document title.
const TITLE_MAX_CHARS: usize = 40;

/// Whether `text` is parsed in pieces: a large file of lines (a spreadsheet's rows or a
/// document's paragraphs are parsed whole).
pub(super) fn in_pieces(text: &str, paragraphs: bool) -> bool {
    !paragraphs && text.len() >= MIN_BYTES
}

/// A line where a piece may start: its number (0-based) and its byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cut {
    line: usize,
    byte: usize,
}

/// One piece parsed: lines `from.line..to.line` are its own, the rest up to `end` only check
/// the cut at `to`.
struct Piece {
    from: Cut,
    to: Cut,
    parsed: ParsedFile,
}

/// Parses `text` in pieces of about `piece_bytes` and hands the documents of each piece to
/// `sink` in file order (not numbered: the caller numbers them); returns the file's report, as
/// [`parse_text_with`] would give it, and how many pieces the cuts that held made.
pub(super) fn parse_in_pieces(
    file: &str,
    text: &str,
    vocabulary: &Vocabulary,
    rules: &RoleRules,
    piece_bytes: usize,
    mut sink: impl FnMut(Vec<Document>) -> Result<()>,
) -> Result<(FileReport, usize)> {
    let (candidates, end) = candidate_cuts(text);
    let cuts = choose_cuts(&candidates, end, piece_bytes);
    // For each cut, where a piece ending there is parsed to.
    let extension = |to: Cut| -> Cut {
        if to == end {
            return end;
        }
        let far = candidates.partition_point(|c| c.byte < to.byte + OVERLAP_BYTES);
        let next = candidates.partition_point(|c| c.line <= to.line) + OVERLAP_CUTS - 1;
        candidates.get(far.max(next)).copied().unwrap_or(end)
    };
    let parse = |from: Cut, to: Cut| -> Piece {
        let until = extension(to);
        Piece {
            from,
            to,
            parsed: parse_text_with(file, &text[from.byte..until.byte], vocabulary, rules, false),
        }
    };
    let mut report = FileReport {
        file: file.to_string(),
        ..FileReport::default()
    };
    // One piece per core at a time: each piece's parse holds ~10× its text.
    let batch = rayon::current_num_threads().max(1);
    let mut current: Option<Piece> = None;
    let mut kept = 0;
    let mut k = 0;
    while k + 1 < cuts.len() {
        let upto = (k + batch).min(cuts.len() - 1);
        let pieces: Vec<Piece> = (k..upto)
            .into_par_iter()
            .map(|i| parse(cuts[i], cuts[i + 1]))
            .collect();
        k = upto;
        for next in pieces {
            let Some(mut piece) = current.take() else {
                current = Some(next);
                continue;
            };
            if !agrees(&piece, &next) {
                // The cut was no document boundary (a title repeated on a new page, a
                // position's title): the piece's own parse past it shows where the next
                // document truly starts; the next piece is parsed again from there.
                if let Some(start) = next_document(&piece, text).filter(|s| s.line < next.to.line) {
                    let retry = parse(start, next.to);
                    let shortened = Piece { to: start, ..piece };
                    if agrees(&shortened, &retry) {
                        sink(keep(shortened, text, &mut report))?;
                        kept += 1;
                        current = Some(retry);
                        continue;
                    }
                    piece = Piece {
                        to: next.from,
                        ..shortened
                    };
                }
                // Otherwise the two pieces are parsed as one.
                piece = parse(piece.from, next.to);
                current = Some(piece);
                continue;
            }
            sink(keep(piece, text, &mut report))?;
            kept += 1;
            current = Some(next);
        }
    }
    if let Some(piece) = current {
        sink(keep(piece, text, &mut report))?;
        kept += 1;
    }
    Ok((report, kept))
}

/// Every line that could start a document (a short line after a blank one, naming duties, or
/// a `【篇…】` part), and where the text ends.
fn candidate_cuts(text: &str) -> (Vec<Cut>, Cut) {
    let mut candidates = Vec::new();
    let mut after_blank = false;
    let mut line = 0;
    let mut start = 0;
    // Lines as `split_lines` cuts them: `\n`, `\r\n` or a lone `\r` ends one.
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\n' || bytes[i] == b'\r' {
            let content = &text[start..i];
            let blank = content.trim().is_empty();
            if after_blank && !blank && looks_like_title(content) {
                candidates.push(Cut { line, byte: start });
            }
            after_blank = blank;
            if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                i += 1;
            }
            line += 1;
            start = i + 1;
        }
        i += 1;
    }
    let end = Cut {
        line: line + usize::from(start < text.len()),
        byte: text.len(),
    };
    (candidates, end)
}

/// A cheap guess at a document's title; the parse decides.
fn looks_like_title(line: &str) -> bool {
    let line = line.trim();
    if line.starts_with('【') {
        return line.contains('篇');
    }
    let chars = line.chars().take(TITLE_MAX_CHARS + 1).count();
    (3..=TITLE_MAX_CHARS).contains(&chars)
        && line.contains("职责")
        && !line.contains(['。', ';', ';', ',', ',', ':', ':', '\t'])
        && !line.starts_with(|c: char| c.is_ascii_digit())
}

/// The cuts pieces start at: the text's start, then the first candidate past every
/// `piece_bytes`, then the end.
fn choose_cuts(candidates: &[Cut], end: Cut, piece_bytes: usize) -> Vec<Cut> {
    let mut cuts = vec![Cut { line: 0, byte: 0 }];
    for &candidate in candidates {
        let last = cuts[cuts.len() - 1];
        if candidate.byte >= last.byte + piece_bytes && end.byte - candidate.byte >= piece_bytes / 2
        {
            cuts.push(candidate);
        }
    }
    cuts.push(end);
    cuts
}

/// Whether `piece`, parsed past its end with the file's own state, and `next`, parsed afresh
/// from that end, agree on the overlap: the same documents start at the cut and after it, and
/// every line up to the last of them is classed alike.
fn agrees(piece: &Piece, next: &Piece) -> bool {
    let offset = piece.to.line - piece.from.line;
    let documents = &piece.parsed.documents;
    // Documents' lines are 1-based within the piece.
    let first = documents.partition_point(|d| d.line_start <= offset);
    let beyond = &documents[first..];
    if beyond.first().is_none_or(|d| d.line_start != offset + 1) {
        return false;
    }
    // The last document of the overlap may be cut short by its end; it is only compared by
    // where it starts.
    let compared = beyond.len() - 1;
    if compared == 0 || next.parsed.documents.len() <= compared {
        return false;
    }
    let checked_to = beyond[compared].line_start - 1;
    if next.parsed.documents[compared].line_start + offset != beyond[compared].line_start {
        return false;
    }
    let same_documents = beyond[..compared]
        .iter()
        .zip(&next.parsed.documents)
        .all(|(a, b)| same_shifted(a, b, offset));
    same_documents
        && piece.parsed.classes[offset..checked_to] == next.parsed.classes[..checked_to - offset]
}

/// Where the first document after a piece's cut starts, as the piece's parse past its cut
/// (with the file's own state) finds it; None when none starts there before the last.
fn next_document(piece: &Piece, text: &str) -> Option<Cut> {
    let offset = piece.to.line - piece.from.line;
    let documents = &piece.parsed.documents;
    let at = documents.partition_point(|d| d.line_start <= offset);
    // The last document of the overlap leaves nothing after it to check the cut against.
    if at + 1 >= documents.len() {
        return None;
    }
    let line = piece.from.line + documents[at].line_start - 1;
    // The byte where that line starts, counting lines as `split_lines` does.
    let bytes = text.as_bytes();
    let (mut current, mut i) = (piece.from.line, piece.from.byte);
    while current < line {
        match bytes.get(i)? {
            b'\n' => current += 1,
            b'\r' => {
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                current += 1;
            }
            _ => {}
        }
        i += 1;
    }
    Some(Cut { line, byte: i })
}

/// Whether `a` is `b` with its lines `offset` further down.
fn same_shifted(a: &Document, b: &Document, offset: usize) -> bool {
    let mut b = b.clone();
    shift(&mut b, offset);
    *a == b
}

/// Moves a document's lines `offset` down (from a piece's numbering to the file's).
fn shift(document: &mut Document, offset: usize) {
    document.line_start += offset;
    document.line_end += offset;
    for position in &mut document.positions {
        position.line_start += offset;
        position.line_end += offset;
        for duty in &mut position.duties {
            duty.line += offset;
        }
        for section in &mut position.sections {
            section.line += offset;
            for item in &mut section.items {
                item.line += offset;
            }
        }
    }
}

/// The documents and the accounting of a piece's own lines (up to its cut), added to `report`.
fn keep(piece: Piece, text: &str, report: &mut FileReport) -> Vec<Document> {
    let own = piece.to.line - piece.from.line;
    let offset = piece.from.line;
    let mut documents = piece.parsed.documents;
    documents.retain(|d| d.line_start <= own);
    for document in &mut documents {
        shift(document, offset);
    }
    account_documents(&documents, report);
    let lines = split_lines(&text[piece.from.byte..piece.to.byte]);
    for (index, (line, classes)) in lines.iter().zip(&piece.parsed.classes).enumerate() {
        account_line(line, classes, offset + index, report);
    }
    documents
}

/// Adds documents to the counts and untitled lists of a report (as the parser reports them).
fn account_documents(documents: &[Document], report: &mut FileReport) {
    report.documents += documents.len();
    for position in documents.iter().flat_map(|d| &d.positions) {
        report.positions += 1;
        report.duties += position.duties.len();
        if position.title == UNTITLED {
            report.untitled.push(UnparsedLine {
                line: position
                    .duties
                    .first()
                    .map_or(position.line_start, |d| d.line),
                text: position
                    .duties
                    .first()
                    .map(|d| d.text.chars().take(60).collect())
                    .unwrap_or_default(),
            });
        }
    }
}
