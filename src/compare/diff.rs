//! Inline diffs: the character-level edits from one duty's text to another's, found on the text
//! as the reader reads it (widths folded, wrapping spaces and closing punctuation left out) and
//! laid on the original texts, so the spans rebuild both exactly.

use crate::normalize;
use serde::{Deserialize, Serialize};
use similar::{Algorithm, ChangeTag, DiffTag, DiffableStr, TextDiff};
use std::ops::Range;

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum DiffOp {
    Equal,
    Delete,
    Insert,
}

/// A run of text the inline diff keeps, deletes (only in A) or inserts (only in B). The equal
/// and deleted runs, in order, are A's text exactly; the equal and inserted runs B's.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct DiffSpan {
    pub op: DiffOp,
    pub text: String,
    /// A difference of width, spacing or closing punctuation only (`，`/`,`, a space a line
    /// wrap left, a final `。` or `;`): kept so the spans rebuild both texts, but not an edit of
    /// the words. Views show it as plain text (see [`shown_spans`]).
    #[serde(default, skip_serializing_if = "is_false")]
    pub minor: bool,
}

fn is_false(value: &bool) -> bool {
    !*value
}

/// One side's text rebuilt from a diff: the equal runs and that side's own (`Delete` for A,
/// `Insert` for B), in order.
pub fn rebuild(diff: &[DiffSpan], own: DiffOp) -> String {
    diff.iter()
        .filter(|s| s.op == DiffOp::Equal || s.op == own)
        .map(|s| s.text.as_str())
        .collect()
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
/// coincidences between edits folded into the edits so a rewrite reads as one change. The edits
/// are found on the texts as displayed (see [`display_text`]; a closing `。` or `;` says nothing
/// about the duty) and laid back on the original texts: what display leaves out comes back as
/// equal text, or as `minor` spans where the two sides differ in it.
pub fn inline_diff(a: &str, b: &str) -> Vec<DiffSpan> {
    let (a_shown, b_shown) = (Displayed::of(a), Displayed::of(b));
    let edits = diff_displayed(&a_shown.text, &b_shown.text);
    lay_on_originals(&edits, (a, &a_shown), (b, &b_shown))
}

/// The inline diff of the two texts as displayed: the edits [`inline_diff`] lays on the
/// originals.
#[cfg(test)]
pub(super) fn display_diff(a: &str, b: &str) -> Vec<DiffSpan> {
    diff_displayed(&Displayed::of(a).text, &Displayed::of(b).text)
}

/// The characters that close a duty and say nothing about it.
const CLOSING: &[char] = &[';', '。', ',', '、', '.', ' '];

/// A text as displayed for diffing, each displayed character with the original bytes it came
/// from.
struct Displayed {
    /// [`display_text`] of the text, closing punctuation trimmed.
    text: String,
    /// Per displayed character: the original bytes it shows, and the original bytes display
    /// left out just before it (wrapping spaces, leading blanks).
    units: Vec<Unit>,
    /// The original bytes after the last displayed character (closing punctuation, blanks).
    tail: Range<usize>,
}

struct Unit {
    gap: Range<usize>,
    shown: Range<usize>,
}

impl Displayed {
    /// What [`display_text`] does, remembering where each character came from.
    fn of(original: &str) -> Displayed {
        let start = original.len() - original.trim_start().len();
        let end = original.trim_end().len().max(start);
        let chars: Vec<(usize, char)> = original[start..end]
            .char_indices()
            .map(|(at, c)| (start + at, normalize::fold_char(c)))
            .collect();
        let end_of = |k: usize| chars.get(k).map_or(end, |c| c.0);
        let mut text = String::new();
        let mut units: Vec<Unit> = Vec::new();
        let mut gap_start = 0;
        let mut i = 0;
        while i < chars.len() {
            if chars[i].1.is_whitespace() {
                let run = i;
                while i < chars.len() && chars[i].1.is_whitespace() {
                    i += 1;
                }
                let before = if run > 0 { chars[run - 1].1 } else { ' ' };
                let after = chars.get(i).map_or(' ', |c| c.1);
                if before.is_ascii() && after.is_ascii() {
                    text.push(' ');
                    units.push(Unit {
                        gap: gap_start..chars[run].0,
                        shown: chars[run].0..end_of(i),
                    });
                    gap_start = end_of(i);
                }
                continue;
            }
            text.push(chars[i].1);
            units.push(Unit {
                gap: gap_start..chars[i].0,
                shown: chars[i].0..end_of(i + 1),
            });
            gap_start = end_of(i + 1);
            i += 1;
        }
        while text.ends_with(CLOSING) {
            text.pop();
            units.pop();
        }
        let tail = units.last().map_or(0, |u| u.shown.end)..original.len();
        Displayed { text, units, tail }
    }
}

/// Lays the edits found on the displayed texts onto the originals (see [`inline_diff`]).
fn lay_on_originals(
    edits: &[DiffSpan],
    (a, a_shown): (&str, &Displayed),
    (b, b_shown): (&str, &Displayed),
) -> Vec<DiffSpan> {
    let mut out: Vec<DiffSpan> = Vec::new();
    let (mut i, mut j) = (0, 0);
    for edit in edits {
        for k in 0..edit.text.chars().count() {
            match edit.op {
                DiffOp::Equal => {
                    let (x, y) = (&a_shown.units[i], &b_shown.units[j]);
                    both_sides(&mut out, &a[x.gap.clone()], &b[y.gap.clone()]);
                    both_sides(&mut out, &a[x.shown.clone()], &b[y.shown.clone()]);
                    i += 1;
                    j += 1;
                }
                DiffOp::Delete => {
                    let x = &a_shown.units[i];
                    // Blanks before an edit are not part of it; blanks inside it are.
                    push(&mut out, DiffOp::Delete, &a[x.gap.clone()], k == 0);
                    push(&mut out, DiffOp::Delete, &a[x.shown.clone()], false);
                    i += 1;
                }
                DiffOp::Insert => {
                    let y = &b_shown.units[j];
                    push(&mut out, DiffOp::Insert, &b[y.gap.clone()], k == 0);
                    push(&mut out, DiffOp::Insert, &b[y.shown.clone()], false);
                    j += 1;
                }
            }
        }
    }
    both_sides(&mut out, &a[a_shown.tail.clone()], &b[b_shown.tail.clone()]);
    out
}

/// Text that display shows alike on both sides: equal where it is the same, else the common
/// start and end equal and the rest a minor deletion and insertion.
fn both_sides(out: &mut Vec<DiffSpan>, x: &str, y: &str) {
    if x == y {
        push(out, DiffOp::Equal, x, false);
        return;
    }
    let prefix: usize = x
        .chars()
        .zip(y.chars())
        .take_while(|(p, q)| p == q)
        .map(|(p, _)| p.len_utf8())
        .sum();
    let (x_rest, y_rest) = (&x[prefix..], &y[prefix..]);
    let suffix: usize = x_rest
        .chars()
        .rev()
        .zip(y_rest.chars().rev())
        .take_while(|(p, q)| p == q)
        .map(|(p, _)| p.len_utf8())
        .sum();
    push(out, DiffOp::Equal, &x[..prefix], false);
    push(out, DiffOp::Delete, &x_rest[..x_rest.len() - suffix], true);
    push(out, DiffOp::Insert, &y_rest[..y_rest.len() - suffix], true);
    push(out, DiffOp::Equal, &x_rest[x_rest.len() - suffix..], false);
}

/// Appends a run, merging it into the last span when that has the same op and minor flag.
fn push(spans: &mut Vec<DiffSpan>, op: DiffOp, text: &str, minor: bool) {
    if text.is_empty() {
        return;
    }
    match spans.last_mut() {
        Some(last) if last.op == op && last.minor == minor => last.text.push_str(text),
        _ => spans.push(DiffSpan {
            op,
            text: text.to_string(),
            minor,
        }),
    }
}

/// Which text a view of a diff shows: one line holding both sides' edits, or one side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffView {
    Inline,
    A,
    B,
}

/// A diff as a reader is shown it: widths folded, the spaces line wrapping left between Chinese
/// characters removed, minor differences as plain text (in `Inline`, B's form), and only the
/// edits of the view (`Inline` both, `A` the deletions, `B` the insertions). Every span comes
/// out with `minor` false.
pub fn shown_spans(diff: &[DiffSpan], view: DiffView) -> Vec<DiffSpan> {
    let mut stream: Vec<(char, DiffOp)> = Vec::new();
    for span in diff {
        let op = match (span.op, span.minor, view) {
            (DiffOp::Equal, _, _) => DiffOp::Equal,
            (DiffOp::Delete, _, DiffView::B) | (DiffOp::Insert, _, DiffView::A) => continue,
            (DiffOp::Delete, true, DiffView::Inline) => continue,
            (_, true, _) => DiffOp::Equal,
            (op, false, _) => op,
        };
        stream.extend(span.text.chars().map(|c| (normalize::fold_char(c), op)));
    }
    let mut out: Vec<DiffSpan> = Vec::new();
    let mut i = 0;
    while i < stream.len() {
        let (c, op) = stream[i];
        if !c.is_whitespace() {
            push(&mut out, op, c.encode_utf8(&mut [0; 4]), false);
            i += 1;
            continue;
        }
        let run = i;
        while i < stream.len() && stream[i].0.is_whitespace() {
            i += 1;
        }
        let before = run.checked_sub(1).map(|k| stream[k].0);
        let after = stream.get(i).map(|s| s.0);
        if before.is_some_and(|c| c.is_ascii()) && after.is_some_and(|c| c.is_ascii()) {
            push(&mut out, op, " ", false);
        }
    }
    out
}

/// The inline diff of two displayed texts: a Myers diff over their Unicode words (each Han
/// character a word), cleaned up.
fn diff_displayed(a: &str, b: &str) -> Vec<DiffSpan> {
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

/// Up to this many words a side, [`diff_displayed`] diffs word numbers (`TextDiff` runs the plain
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
    push(spans, op, text, false);
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
                assert_eq!(display_diff(a, b), by_text(a, b), "{a} / {b}");
            }
        }
    }

    fn pool() -> Vec<&'static str> {
        SALES_MANAGER_480
            .iter()
            .chain(SALES_MANAGER_496)
            .chain(SALES_MANAGER_DOCX)
            .copied()
            .chain([
                "坚持6S管理, 负责4S店CRM系统 and DMS 2.0",
                "坚持 5S 管理,负责4s店CRM系统 and DMS 3.1",
                "负责 展厅 的 日常管理",
                "负责展厅的日常管理;",
                "负责展厅的日常管理。。 ",
                "  负责展厅的\u{3000}日常管理, ",
                "负责展厅，的日常管理",
                "坚持６Ｓ管理",
                "。",
                " ",
                "",
                "a",
            ])
            .collect()
    }

    /// The edits of the diff without its minor spans: each op's runs, merged, blanks removed.
    fn edits(diff: &[DiffSpan]) -> Vec<(DiffOp, String)> {
        let mut out: Vec<(DiffOp, String)> = Vec::new();
        for span in diff.iter().filter(|s| s.op != DiffOp::Equal && !s.minor) {
            let text: String = span
                .text
                .chars()
                .map(normalize::fold_char)
                .filter(|c| !c.is_whitespace())
                .collect();
            match out.last_mut() {
                Some(last) if last.0 == span.op => last.1.push_str(&text),
                _ => out.push((span.op, text)),
            }
        }
        out
    }

    /// The spans rebuild both original texts exactly, their edits are the edits of the texts
    /// as displayed, and each side's view shows that side as displayed.
    #[test]
    fn diffs_rebuild_both_texts_and_edit_what_display_edits() {
        for a in pool() {
            for b in pool() {
                let diff = inline_diff(a, b);
                assert_eq!(rebuild(&diff, DiffOp::Delete), a, "{a} / {b}: {diff:?}");
                assert_eq!(rebuild(&diff, DiffOp::Insert), b, "{a} / {b}: {diff:?}");
                assert_eq!(edits(&diff), edits(&display_diff(a, b)), "{a} / {b}");
                let shown_a = shown_spans(&diff, DiffView::A);
                assert_eq!(rebuild(&shown_a, DiffOp::Delete), display_text(a));
                let shown_b = shown_spans(&diff, DiffView::B);
                assert_eq!(rebuild(&shown_b, DiffOp::Insert), display_text(b));
                assert!(diff.iter().all(|s| !s.text.is_empty()));
                assert!(!diff.iter().any(|s| s.op == DiffOp::Equal && s.minor));
            }
        }
    }

    #[test]
    fn minor_differences_are_marked_and_shown_as_text() {
        // A wrapping space and a different closing mark: no edit of the words.
        let diff = inline_diff("负责展厅的日常 管理;", "负责展厅的日常管理。");
        assert!(edits(&diff).is_empty(), "{diff:?}");
        assert!(diff.iter().any(|s| s.minor && s.text == ";"));
        let shown = shown_spans(&diff, DiffView::Inline);
        assert_eq!(rebuild(&shown, DiffOp::Equal), "负责展厅的日常管理。");
        // A real edit keeps its own spaces, but not the blank before it.
        let diff = inline_diff("计划报总经理处。", "计划报总经理、董事 长处。");
        let inserted: Vec<&DiffSpan> = diff.iter().filter(|s| s.op == DiffOp::Insert).collect();
        assert_eq!(inserted.len(), 1, "{diff:?}");
        assert_eq!(inserted[0].text, "、董事 长");
        assert!(!inserted[0].minor);
        let shown = shown_spans(&diff, DiffView::Inline);
        assert_eq!(
            shown,
            vec![
                DiffSpan {
                    op: DiffOp::Equal,
                    text: "计划报总经理".into(),
                    minor: false
                },
                DiffSpan {
                    op: DiffOp::Insert,
                    text: "、董事长".into(),
                    minor: false
                },
                DiffSpan {
                    op: DiffOp::Equal,
                    text: "处。".into(),
                    minor: false
                },
            ]
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        /// Whatever the texts (any Unicode, blanks, full-width forms): the spans rebuild both.
        #[test]
        fn any_texts_rebuild(a in "[ 负责展厅的日常管理,。;、ＳS６6a\\u{3000}\\PC]{0,30}", b in "\\PC{0,30}") {
            let diff = inline_diff(&a, &b);
            proptest::prop_assert_eq!(rebuild(&diff, DiffOp::Delete), a.clone());
            proptest::prop_assert_eq!(rebuild(&diff, DiffOp::Insert), b.clone());
            let forward = inline_diff(&b, &a);
            proptest::prop_assert_eq!(rebuild(&forward, DiffOp::Delete), b);
        }
    }
}
