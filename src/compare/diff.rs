//! Inline diffs: the character-level edits from one duty's text to another's, as the reader is
//! shown them (widths folded, wrapping spaces and closing punctuation left out).

use crate::normalize;
use serde::{Deserialize, Serialize};
use similar::{Algorithm, ChangeTag, DiffTag, DiffableStr, TextDiff};

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum DiffOp {
    Equal,
    Delete,
    Insert,
}

/// A run of text the inline diff keeps, deletes (only in A) or inserts (only in B).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct DiffSpan {
    pub op: DiffOp,
    pub text: String,
}

/// The text as shown in diffs: widths folded and the spaces that line wrapping left between
/// Chinese characters removed, so only real edits show.
pub fn display_text(text: &str) -> String {
    let folded = normalize::fold_width(text.trim());
    let chars: Vec<char> = folded.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            let start = i;
            while i < chars.len() && chars[i].is_whitespace() {
                i += 1;
            }
            let before = if start > 0 { chars[start - 1] } else { ' ' };
            let after = chars.get(i).copied().unwrap_or(' ');
            if before.is_ascii() && after.is_ascii() {
                out.push(' ');
            }
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// The inline diff of `a` and `b` (already trimmed) through `similar`'s `TextDiff` over its
/// Unicode words: what [`inline_diff`] does for long texts, and what its diff over word numbers
/// must equal for short ones.
fn diff_by_text(a: &str, b: &str) -> Vec<DiffSpan> {
    let mut raw: Vec<DiffSpan> = Vec::new();
    let diff = TextDiff::configure().diff_unicode_words(a, b);
    for change in diff.iter_all_changes() {
        let op = match change.tag() {
            ChangeTag::Equal => DiffOp::Equal,
            ChangeTag::Delete => DiffOp::Delete,
            ChangeTag::Insert => DiffOp::Insert,
        };
        push_span(&mut raw, op, change.value());
    }
    cleanup(raw)
}

/// Character-level inline diff (each Han character a word) from `a` to `b`, with one-character
/// coincidences between edits folded into the edits so a rewrite reads as one change.
pub fn inline_diff(a: &str, b: &str) -> Vec<DiffSpan> {
    // A closing 。 or ; says nothing about the duty: left out so it never shows as an edit.
    let closing: &[char] = &[';', '。', ',', '、', '.', ' '];
    let a = display_text(a);
    let b = display_text(b);
    let (a, b) = (a.trim_end_matches(closing), b.trim_end_matches(closing));
    let a_words = a.tokenize_unicode_words();
    let b_words = b.tokenize_unicode_words();
    let mut raw: Vec<DiffSpan> = Vec::new();
    if a_words.len() > DIFF_WORDS_BY_NUMBER || b_words.len() > DIFF_WORDS_BY_NUMBER {
        return diff_by_text(a, b);
    }
    // The same Myers diff with the same hooks as `TextDiff` over these words (which it runs
    // as is up to 100 words a side), on numbers instead of strings: equal words get equal
    // numbers, so the operations are the same.
    let (a_numbers, b_numbers) = word_numbers(&a_words, &b_words);
    let ops = similar::capture_diff_slices(Algorithm::Myers, &a_numbers, &b_numbers);
    let (a_ends, b_ends) = (word_ends(&a_words), word_ends(&b_words));
    let text = |s: &'_ str, ends: &[usize], range: std::ops::Range<usize>| -> String {
        s[ends[range.start]..ends[range.end]].to_string()
    };
    for op in &ops {
        let (tag, old, new) = op.as_tag_tuple();
        match tag {
            DiffTag::Equal => push_span(&mut raw, DiffOp::Equal, &text(a, &a_ends, old)),
            DiffTag::Delete => push_span(&mut raw, DiffOp::Delete, &text(a, &a_ends, old)),
            DiffTag::Insert => push_span(&mut raw, DiffOp::Insert, &text(b, &b_ends, new)),
            DiffTag::Replace => {
                push_span(&mut raw, DiffOp::Delete, &text(a, &a_ends, old));
                push_span(&mut raw, DiffOp::Insert, &text(b, &b_ends, new));
            }
        }
    }
    cleanup(raw)
}

/// Up to this many words a side, [`inline_diff`] diffs word numbers (`TextDiff` runs the plain
/// Myers diff over its words up to 100 a side, and another route above).
const DIFF_WORDS_BY_NUMBER: usize = 100;

/// A number per word, equal for equal words: a one-character word is its code point, a longer
/// one (a Latin run, spaces) a number above every code point.
fn word_numbers<'t>(a: &[&'t str], b: &[&'t str]) -> (Vec<u32>, Vec<u32>) {
    let mut longer: Vec<&'t str> = Vec::new();
    let mut number = |word: &'t str| -> u32 {
        let mut chars = word.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => c as u32,
            _ => {
                let k = match longer.iter().position(|w| *w == word) {
                    Some(k) => k,
                    None => {
                        longer.push(word);
                        longer.len() - 1
                    }
                };
                0x11_0000 + k as u32
            }
        }
    };
    let a_numbers = a.iter().map(|w| number(w)).collect();
    let b_numbers = b.iter().map(|w| number(w)).collect();
    (a_numbers, b_numbers)
}

/// Byte offsets where each word starts, and the end: words `i..j` are `text[ends[i]..ends[j]]`.
fn word_ends(words: &[&str]) -> Vec<usize> {
    let mut ends = Vec::with_capacity(words.len() + 1);
    let mut at = 0;
    ends.push(0);
    for w in words {
        at += w.len();
        ends.push(at);
    }
    ends
}

fn push_span(spans: &mut Vec<DiffSpan>, op: DiffOp, text: &str) {
    if text.is_empty() {
        return;
    }
    match spans.last_mut() {
        Some(last) if last.op == op => last.text.push_str(text),
        _ => spans.push(DiffSpan {
            op,
            text: text.to_string(),
        }),
    }
}

/// Folds an equal run of one character lying between two edits into both edits, and orders
/// each edit as deletion then insertion.
fn cleanup(spans: Vec<DiffSpan>) -> Vec<DiffSpan> {
    let mut out: Vec<DiffSpan> = Vec::new();
    let mut deleted = String::new();
    let mut inserted = String::new();
    let flush = |out: &mut Vec<DiffSpan>, deleted: &mut String, inserted: &mut String| {
        push_span(out, DiffOp::Delete, &std::mem::take(deleted));
        push_span(out, DiffOp::Insert, &std::mem::take(inserted));
    };
    for (k, span) in spans.iter().enumerate() {
        match span.op {
            DiffOp::Delete => deleted.push_str(&span.text),
            DiffOp::Insert => inserted.push_str(&span.text),
            DiffOp::Equal => {
                let pending = !deleted.is_empty() || !inserted.is_empty();
                let next_is_edit = spans.get(k + 1).is_some_and(|s| s.op != DiffOp::Equal);
                if pending && next_is_edit && span.text.chars().count() <= 1 {
                    deleted.push_str(&span.text);
                    inserted.push_str(&span.text);
                } else {
                    flush(&mut out, &mut deleted, &mut inserted);
                    push_span(&mut out, DiffOp::Equal, &span.text);
                }
            }
        }
    }
    flush(&mut out, &mut deleted, &mut inserted);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::fixtures::*;

    /// The inline diff over word numbers gives the spans of `TextDiff` over the words
    /// themselves (Han characters, Latin and digit runs, spaces, punctuation).
    #[test]
    fn inline_diff_by_numbers_matches_the_text_diff() {
        let by_text = |a: &str, b: &str| {
            let closing: &[char] = &[';', '。', ',', '、', '.', ' '];
            let a = display_text(a);
            let b = display_text(b);
            let (a, b) = (a.trim_end_matches(closing), b.trim_end_matches(closing));
            diff_by_text(a, b)
        };
        let pool: Vec<&str> = SALES_MANAGER_480
            .iter()
            .chain(SALES_MANAGER_496)
            .chain(SALES_MANAGER_DOCX)
            .copied()
            .chain([
                "坚持6S管理, 负责4S店CRM系统 and DMS 2.0",
                "坚持 5S 管理,负责4s店CRM系统 and DMS 3.1",
                "负责 展厅 的 日常管理",
                "",
                "a",
            ])
            .collect();
        for a in &pool {
            for b in &pool {
                assert_eq!(inline_diff(a, b), by_text(a, b), "{a} / {b}");
            }
        }
    }
}
