//! The lines of one file as the parser reads them: as written and width-folded with noise
//! blanked out, offsets in characters; and the small text helpers (trimming, re-joining wrapped
//! text) the other parts share.

use super::vocabulary::Vocabulary;
use super::CharClass;
use crate::ingest::split_lines;
use crate::normalize::fold_char;

/// The lines of one file, their characters laid end to end in one array each (not one
/// allocation per line): as written (byte offsets into the file's text), and width-folded with
/// noise blanked out — the *visible* text, in which markers and words are looked for. Character
/// offsets are the same in both.
pub(super) struct Lines<'t> {
    pub(super) text: &'t str,
    /// Where each line starts in the character arrays, then where the last one ends.
    pub(super) starts: Vec<usize>,
    /// The byte offset in `text` of every character, and where each line ends.
    pub(super) raw_bytes: Vec<usize>,
    pub(super) line_ends: Vec<usize>,
    pub(super) visible: Vec<char>,
    /// The visible characters as one string, and the byte offset of each of them in it (then the
    /// end), so that a stretch of a line is a `&str` without copying.
    pub(super) visible_text: String,
    pub(super) visible_bytes: Vec<usize>,
    /// Lines the first pass skips: blank, or noise as a whole.
    pub(super) skipped: Vec<bool>,
}

impl<'t> Lines<'t> {
    /// Splits, folds and finds the noise of every line; the classes start as noise or unparsed.
    pub(super) fn read(text: &'t str, vocabulary: &Vocabulary) -> (Lines<'t>, Vec<CharClass>) {
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
                if !skipped {
                    lines.pipe_cells(base, byte_base);
                }
            }
            lines.skipped.push(skipped);
        }
        lines.starts.push(lines.raw_bytes.len());
        lines.visible_bytes.push(lines.visible_text.len());
        (lines, classes)
    }

    /// Rewrites the visible characters of the last line, from `base`, with noise as spaces.
    pub(super) fn blank_noise(&mut self, base: usize, byte_base: usize, classes: &[CharClass]) {
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

    /// A Markdown table row (`| 岗位名称 | 服务经理 |`) reads as a tab-separated one: its bars
    /// become tabs in the visible line (one byte for one, so offsets stay).
    fn pipe_cells(&mut self, base: usize, byte_base: usize) {
        let line = &self.visible[base..];
        let first = line.iter().position(|&c| !is_space(c));
        let last = line.iter().rposition(|&c| !is_space(c));
        let (Some(first), Some(last)) = (first, last) else {
            return;
        };
        let bars = line.iter().filter(|&&c| c == '|').count();
        if line[first] != '|' || line[last] != '|' || bars < 3 {
            return;
        }
        for c in &mut self.visible[base..] {
            if *c == '|' {
                *c = '\t';
            }
        }
        self.visible_text.truncate(byte_base);
        self.visible_text.extend(self.visible[base..].iter());
    }

    pub(super) fn count(&self) -> usize {
        self.skipped.len()
    }

    pub(super) fn range(&self, line: usize) -> std::ops::Range<usize> {
        self.starts[line]..self.starts[line + 1]
    }

    /// Characters `start..end` of a line as written.
    pub(super) fn raw_text(&self, line: usize, start: usize, end: usize) -> &'t str {
        let byte = |at: usize| {
            if at == self.range(line).len() {
                self.line_ends[line]
            } else {
                self.raw_bytes[self.starts[line] + at]
            }
        };
        &self.text[byte(start)..byte(end)]
    }

    pub(super) fn raw_line(&self, line: usize) -> &'t str {
        self.raw_text(line, 0, self.range(line).len())
    }

    /// The folded line with noise blanked out, so markers and text never include noise.
    pub(super) fn visible(&self, line: usize) -> &[char] {
        &self.visible[self.range(line)]
    }

    /// Characters `start..end` of a visible line, as a string.
    pub(super) fn text(&self, line: usize, start: usize, end: usize) -> &str {
        let base = self.starts[line];
        &self.visible_text[self.visible_bytes[base + start]..self.visible_bytes[base + end]]
    }

    pub(super) fn line_text(&self, line: usize) -> &str {
        self.text(line, 0, self.range(line).len())
    }
}

/// `char::is_whitespace`, answered at once for the characters text is mostly made of (Chinese,
/// above every whitespace character but U+3000).
pub(super) fn is_space(c: char) -> bool {
    (c as u32) < 0x3001 && c.is_whitespace()
}

/// What ends a sentence.
pub(super) fn is_terminator(c: char) -> bool {
    matches!(c, '。' | ';' | '!' | '?')
}

pub(super) fn is_terminated(text: &str) -> bool {
    text.trim_end()
        .chars()
        .last()
        .map(fold_char)
        .is_some_and(|c| is_terminator(c) || c == '.')
}

pub(super) fn compact(text: &str) -> String {
    let mut compact = crate::normalize::for_matching(text);
    compact.retain(|c| !c.is_whitespace());
    compact
}

/// Whether the compacted text and one of the (compacted) titles start one another: the title
/// written again. `compact` without its allocations, for the text nearly every line starts with.
pub(super) fn repeats_title(text: &str, titles: &[String]) -> bool {
    let matches = |c: &str| {
        !c.is_empty()
            && titles.iter().any(|t| {
                // `续保专员岗位职责2` is a posting under the page title, not the title again.
                let numbered = c.strip_prefix(t.as_str()).is_some_and(|rest| {
                    !rest.is_empty() && rest.chars().all(|ch| ch.is_ascii_digit())
                });
                (c.starts_with(t.as_str()) && !numbered)
                    || (t.starts_with(c) && c.chars().count() >= 4)
            })
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
pub(super) fn char_prefix(text: &str, count: usize) -> &str {
    match text.char_indices().nth(count) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

pub(super) fn trim_range(chars: &[char], start: usize, end: usize) -> (usize, usize) {
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
pub(super) fn wrap_space(before: char, after: char) -> bool {
    !(before.is_ascii_alphanumeric() && after.is_ascii_alphanumeric())
}

/// Re-joins text that a converter wrapped: spaces next to Chinese characters are dropped, other
/// runs of whitespace become one space.
pub fn join_wrapped(text: &str) -> String {
    join_wrapped_chars(text.chars())
}

/// [`join_wrapped`] over characters, in one pass: whitespace at either end is dropped, and a run
/// of it inside becomes one space only between two Latin words or numbers.
pub(super) fn join_wrapped_chars(chars: impl Iterator<Item = char> + Clone) -> String {
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
pub(super) fn join_pieces(first: &str, second: &str) -> String {
    let first = first.trim_end();
    let second = second.trim_start();
    match (first.chars().last(), second.chars().next()) {
        (Some(a), Some(b)) if !wrap_space(a, b) => format!("{first} {second}"),
        _ => format!("{first}{second}"),
    }
}
