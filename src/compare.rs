//! compare: aligns two positions' duties independent of their order into same / reworded /
//! only-on-one-side / split pairs with inline diffs, and builds a role's coverage matrix across
//! stores.
//!
//! Alignment is a similarity matrix over the duties (character bigrams plus words), an optimal
//! one-to-one assignment (Kuhn–Munkres) in which every duty may instead take an "unmatched" slot
//! worth the threshold, then a pass that finds duties one side split in two.

use crate::dedup::minhash::BuildTextHasher;
use crate::model::{Document, Position, PositionKind};
use crate::normalize;
use crate::sets::shared_count;
use pathfinding::prelude::{kuhn_munkres, Matrix};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use similar::{Algorithm, ChangeTag, DiffTag, DiffableStr, TextDiff};
use std::collections::HashMap;

/// The index's tables: millions of lookups of bigrams and keys, none of them crafted.
type FastMap<K, V> = HashMap<K, V, BuildTextHasher>;

/// Pairs scoring below this stay unmatched. Tuned on the shipped corpus: reworded copies of one
/// duty score 0.6–0.95, unrelated duties of one role 0.1–0.35.
pub const DEFAULT_THRESHOLD: f64 = 0.45;

/// A part of a split must have at least this share of its bigrams inside the duty it belongs to.
const SPLIT_CONTAINMENT: f64 = 0.6;

/// Integer scale for the assignment (Kuhn–Munkres needs exact arithmetic).
const SCALE: f64 = 10_000.0;

#[derive(Debug, Clone, Copy)]
pub struct CompareOptions {
    pub threshold: f64,
}

impl Default for CompareOptions {
    fn default() -> Self {
        CompareOptions {
            threshold: DEFAULT_THRESHOLD,
        }
    }
}

/// One side of a comparison: which store's which position.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Side {
    pub doc_id: String,
    pub store: String,
    pub document: String,
    pub position: String,
    pub role: String,
    pub kind: PositionKind,
    pub file: String,
    pub line_start: usize,
    pub line_end: usize,
    pub duties: usize,
}

impl Side {
    pub fn new(document: &Document, position: &Position) -> Side {
        Side {
            doc_id: document.id.clone(),
            store: document.store.clone(),
            document: document.title.clone(),
            position: position.title.clone(),
            role: position.role.clone(),
            kind: position.kind,
            file: document.file.clone(),
            line_start: position.line_start,
            line_end: position.line_end,
            duties: position.duties.len(),
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum PairKind {
    /// The same words, once punctuation, spacing, numbering and widths are normalised.
    Same,
    /// Similar enough to be one duty in other words.
    Reworded,
    OnlyA,
    OnlyB,
    /// One duty on one side covers two (or more) on the other.
    Split,
}

impl PairKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PairKind::Same => "same",
            PairKind::Reworded => "reworded",
            PairKind::OnlyA => "only_a",
            PairKind::OnlyB => "only_b",
            PairKind::Split => "split",
        }
    }
}

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

/// One row of the alignment.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Pair {
    pub kind: PairKind,
    /// A's duty text (a split's parts joined by a space), or None when only B has it.
    pub a: Option<String>,
    pub b: Option<String>,
    /// 1.0 for `same`, the alignment score otherwise, 0.0 for duties on one side only.
    pub similarity: f64,
    /// The character-level inline diff from `a` to `b` (empty for one-sided pairs).
    pub diff: Vec<DiffSpan>,
    /// 0-based indexes of the duties in A's (and B's) position.
    pub a_duties: Vec<usize>,
    pub b_duties: Vec<usize>,
    /// The separate texts of the duties involved (two or more on the split side of a split).
    pub a_parts: Vec<String>,
    pub b_parts: Vec<String>,
    /// The source lines of the duties involved.
    pub a_lines: Vec<usize>,
    pub b_lines: Vec<usize>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Summary {
    pub same: usize,
    pub reworded: usize,
    pub only_a: usize,
    pub only_b: usize,
    pub split: usize,
}

/// Two positions aligned duty by duty.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Comparison {
    pub role: String,
    pub a: Side,
    pub b: Side,
    /// How much of the two definitions is shared: the duties in pairs, weighted by each pair's
    /// similarity, over all duties of both sides (1.0 for identical lists).
    pub similarity: f64,
    pub summary: Summary,
    pub pairs: Vec<Pair>,
}

/// Compares two positions (each with the document that defines it).
pub fn compare_positions(
    a: (&Document, &Position),
    b: (&Document, &Position),
    options: &CompareOptions,
) -> Comparison {
    let a_texts: Vec<&str> = a.1.duties.iter().map(|d| d.text.as_str()).collect();
    let b_texts: Vec<&str> = b.1.duties.iter().map(|d| d.text.as_str()).collect();
    let mut pairs = align_duties(&a_texts, &b_texts, options);
    for pair in &mut pairs {
        pair.a_lines = pair.a_duties.iter().map(|&i| a.1.duties[i].line).collect();
        pair.b_lines = pair.b_duties.iter().map(|&i| b.1.duties[i].line).collect();
    }
    let summary = summarize(&pairs);
    let similarity = overall_similarity(&pairs, a_texts.len() + b_texts.len());
    let role = if a.1.role == b.1.role || b.1.role.is_empty() {
        a.1.role.clone()
    } else if a.1.role.is_empty() {
        b.1.role.clone()
    } else {
        format!("{} / {}", a.1.role, b.1.role)
    };
    Comparison {
        role,
        a: Side::new(a.0, a.1),
        b: Side::new(b.0, b.1),
        similarity,
        summary,
        pairs,
    }
}

/// Counts the pairs of each kind.
pub fn summarize(pairs: &[Pair]) -> Summary {
    let mut summary = Summary::default();
    for pair in pairs {
        match pair.kind {
            PairKind::Same => summary.same += 1,
            PairKind::Reworded => summary.reworded += 1,
            PairKind::OnlyA => summary.only_a += 1,
            PairKind::OnlyB => summary.only_b += 1,
            PairKind::Split => summary.split += 1,
        }
    }
    summary
}

fn overall_similarity(pairs: &[Pair], total_duties: usize) -> f64 {
    if total_duties == 0 {
        return 0.0;
    }
    let shared: f64 = pairs
        .iter()
        .map(|p| p.similarity * (p.a_duties.len() + p.b_duties.len()) as f64)
        .sum();
    round3(shared / total_duties as f64)
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Aligns two lists of duty texts; pairs come in A's order, B-only duties next to their
/// neighbours. Lines are left empty (see [`compare_positions`]).
pub fn align_duties(a: &[&str], b: &[&str], options: &CompareOptions) -> Vec<Pair> {
    let a_features: Vec<Features> = a.iter().map(|t| Features::new(t)).collect();
    let b_features: Vec<Features> = b.iter().map(|t| Features::new(t)).collect();
    let scores: Vec<Vec<f64>> = a_features
        .iter()
        .map(|fa| b_features.iter().map(|fb| fa.similarity(fb)).collect())
        .collect();
    let a_to_b = assign(&scores, a.len(), b.len(), options.threshold);
    let mut b_to_a: Vec<Option<usize>> = vec![None; b.len()];
    for (i, j) in a_to_b.iter().enumerate() {
        if let Some(j) = j {
            b_to_a[*j] = Some(i);
        }
    }

    // Splits: A's parts covered by one B duty, then B's parts covered by one A duty.
    let mut consumed_a = vec![false; a.len()];
    let mut consumed_b = vec![false; b.len()];
    let mut groups: Vec<(Vec<usize>, Vec<usize>, f64)> = Vec::new();
    for (single, parts, score) in find_splits(
        &b_features,
        &a_features,
        &b_to_a,
        &a_to_b,
        options.threshold,
        &consumed_b,
        &consumed_a,
    ) {
        consumed_b[single] = true;
        for &p in &parts {
            consumed_a[p] = true;
        }
        groups.push((parts, vec![single], score));
    }
    for (single, parts, score) in find_splits(
        &a_features,
        &b_features,
        &a_to_b,
        &b_to_a,
        options.threshold,
        &consumed_a,
        &consumed_b,
    ) {
        consumed_a[single] = true;
        for &p in &parts {
            consumed_b[p] = true;
        }
        groups.push((vec![single], parts, score));
    }

    let mut keyed: Vec<((i64, i64, i64), Pair)> = Vec::new();
    for (a_idx, b_idx, score) in groups {
        let a_parts: Vec<String> = a_idx.iter().map(|&i| a[i].to_string()).collect();
        let b_parts: Vec<String> = b_idx.iter().map(|&j| b[j].to_string()).collect();
        let a_text = a_parts.join(" ");
        let b_text = b_parts.join(" ");
        let pair = Pair {
            kind: PairKind::Split,
            diff: inline_diff(&a_text, &b_text),
            a: Some(a_text),
            b: Some(b_text),
            similarity: round3(score),
            a_duties: a_idx.clone(),
            b_duties: b_idx,
            a_parts,
            b_parts,
            a_lines: Vec::new(),
            b_lines: Vec::new(),
        };
        keyed.push(((a_idx[0] as i64, 0, 0), pair));
    }
    for (i, text) in a.iter().enumerate() {
        if consumed_a[i] {
            continue;
        }
        let pair = match a_to_b[i] {
            Some(j) if !consumed_b[j] => {
                let same = a_features[i].key == b_features[j].key;
                Pair {
                    kind: if same {
                        PairKind::Same
                    } else {
                        PairKind::Reworded
                    },
                    a: Some(text.to_string()),
                    b: Some(b[j].to_string()),
                    similarity: if same { 1.0 } else { round3(scores[i][j]) },
                    diff: inline_diff(text, b[j]),
                    a_duties: vec![i],
                    b_duties: vec![j],
                    a_parts: vec![text.to_string()],
                    b_parts: vec![b[j].to_string()],
                    a_lines: Vec::new(),
                    b_lines: Vec::new(),
                }
            }
            _ => one_sided(PairKind::OnlyA, i, text),
        };
        keyed.push(((i as i64, 0, 0), pair));
    }
    // A B-only duty goes after the pair holding the nearest B duty before it.
    let mut anchor_of_b: Vec<i64> = vec![-1; b.len()];
    for (key, pair) in &keyed {
        for &j in &pair.b_duties {
            anchor_of_b[j] = key.0;
        }
    }
    for (j, text) in b.iter().enumerate() {
        let taken = consumed_b[j] || b_to_a[j].is_some_and(|i| !consumed_a[i]);
        if taken {
            continue;
        }
        let before = anchor_of_b[..j].iter().rev().find(|&&k| k >= 0);
        let after = anchor_of_b[j + 1..].iter().find(|&&k| k >= 0);
        let key = match (before, after) {
            (Some(&k), _) => (k, 1, j as i64),
            (None, Some(&k)) => (k, -1, j as i64),
            // Nothing on B is paired: B's own duties follow A's.
            (None, None) => (i64::MAX, 1, j as i64),
        };
        keyed.push((key, one_sided(PairKind::OnlyB, j, text)));
    }
    keyed.sort_by_key(|(key, _)| *key);
    keyed.into_iter().map(|(_, pair)| pair).collect()
}

fn one_sided(kind: PairKind, index: usize, text: &str) -> Pair {
    let only_a = kind == PairKind::OnlyA;
    let side = |yes: bool| {
        if yes {
            (Some(text.to_string()), vec![index], vec![text.to_string()])
        } else {
            (None, Vec::new(), Vec::new())
        }
    };
    let (a, a_duties, a_parts) = side(only_a);
    let (b, b_duties, b_parts) = side(!only_a);
    Pair {
        kind,
        a,
        b,
        similarity: 0.0,
        diff: Vec::new(),
        a_duties,
        b_duties,
        a_parts,
        b_parts,
        a_lines: Vec::new(),
        b_lines: Vec::new(),
    }
}

/// Optimal one-to-one assignment of rows to columns maximising the summed score, where a row
/// may instead take an "unmatched" slot worth the threshold. Returns each row's column.
fn assign(scores: &[Vec<f64>], rows: usize, columns: usize, threshold: f64) -> Vec<Option<usize>> {
    if rows == 0 || columns == 0 {
        return vec![None; rows];
    }
    let to_weight = |s: f64| (s * SCALE).round() as i64;
    let unmatched = to_weight(threshold);
    // Columns: the real ones, then one unmatched slot per row, so rows ≤ columns always holds.
    let weights = Matrix::from_fn(rows, columns + rows, |(i, j)| {
        if j < columns {
            let s = scores[i][j];
            if s >= threshold {
                to_weight(s)
            } else {
                0
            }
        } else {
            unmatched
        }
    });
    let (_, assignment) = kuhn_munkres(&weights);
    assignment
        .into_iter()
        .enumerate()
        .map(|(i, j)| (j < columns && scores[i][j] >= threshold).then_some(j))
        .collect()
}

/// Finds duties on the `single` side that cover two or more duties on the `parts` side: each
/// unmatched part largely contained in a single-side duty joins that duty's group, together with
/// the duty's own partner; a group stands when the parts joined match the duty better than the
/// partner alone did.
fn find_splits(
    single: &[Features],
    parts: &[Features],
    single_to_part: &[Option<usize>],
    part_to_single: &[Option<usize>],
    threshold: f64,
    single_consumed: &[bool],
    parts_consumed: &[bool],
) -> Vec<(usize, Vec<usize>, f64)> {
    let mut candidates: HashMap<usize, Vec<usize>> = HashMap::new();
    for (p, feature) in parts.iter().enumerate() {
        if part_to_single[p].is_some() || parts_consumed[p] || feature.bigrams.is_empty() {
            continue;
        }
        let best = single
            .iter()
            .enumerate()
            .filter(|(s, _)| !single_consumed[*s])
            .map(|(s, f)| (s, feature.contained_in(f)))
            .filter(|(_, c)| *c >= SPLIT_CONTAINMENT)
            .max_by(|x, y| x.1.total_cmp(&y.1));
        if let Some((s, _)) = best {
            candidates.entry(s).or_default().push(p);
        }
    }
    let mut groups = Vec::new();
    let mut keys: Vec<usize> = candidates.keys().copied().collect();
    keys.sort_unstable();
    for s in keys {
        let mut group: Vec<usize> = Vec::new();
        let mut best = 0.0;
        if let Some(partner) = single_to_part[s] {
            if parts_consumed[partner] {
                continue;
            }
            group.push(partner);
            best = parts[partner].similarity(&single[s]);
        }
        let mut extra = candidates[&s].clone();
        extra.sort_by(|x, y| {
            parts[*y]
                .contained_in(&single[s])
                .total_cmp(&parts[*x].contained_in(&single[s]))
        });
        for p in extra {
            let mut trial = group.clone();
            trial.push(p);
            trial.sort_unstable();
            let joined: String = trial.iter().map(|&i| parts[i].text.as_str()).collect();
            let score = Features::new(&joined).similarity(&single[s]);
            if score >= threshold && score > best + 0.02 {
                group = trial;
                best = score;
            }
        }
        if group.len() >= 2 {
            groups.push((s, group, best));
        }
    }
    groups
}

/// What the similarity of two duties is computed from. Every set is a sorted, deduplicated
/// vector, so overlaps are merge intersections without hashing.
#[derive(Debug, Clone)]
struct Features {
    text: String,
    /// The `same` key: matching form with punctuation, spacing and numbering removed.
    key: String,
    /// Character bigrams of the key, each pair packed as `first << 32 | second`.
    bigrams: Vec<u64>,
    /// The one-character words (see [`words_of`]), as code points.
    chars: Vec<u32>,
    /// The Latin/digit runs among the words.
    latin: Vec<String>,
    /// One bit per character word (hashed into 256 bits), for a cheap bound on word overlap.
    char_mask: [u64; 4],
}

impl Features {
    fn new(text: &str) -> Features {
        let key = same_key(text);
        let chars: Vec<char> = key.chars().collect();
        let mut bigrams: Vec<u64> = chars
            .windows(2)
            .map(|w| (u64::from(w[0] as u32) << 32) | u64::from(w[1] as u32))
            .collect();
        bigrams.sort_unstable();
        bigrams.dedup();
        let (chars, latin) = words_of(&key);
        let mut char_mask = [0u64; 4];
        for &c in &chars {
            let bit = (c.wrapping_mul(0x9E37_79B1) >> 24) as usize;
            char_mask[bit / 64] |= 1 << (bit % 64);
        }
        Features {
            text: text.to_string(),
            key,
            bigrams,
            chars,
            latin,
            char_mask,
        }
    }

    fn word_count(&self) -> usize {
        self.chars.len() + self.latin.len()
    }

    /// 0.6 × bigram Dice + 0.4 × word Dice: bigrams see phrases, words keep short duties and
    /// reordered phrases comparable.
    fn similarity(&self, other: &Features) -> f64 {
        if self.key.is_empty() || other.key.is_empty() {
            return 0.0;
        }
        if self.key == other.key {
            return 1.0;
        }
        let shared = shared_count(&self.bigrams, &other.bigrams);
        self.similarity_sharing(other, shared)
    }

    /// [`Features::similarity`] of two different, non-empty keys when the number of shared
    /// bigrams is already known (counted by the coverage index).
    fn similarity_sharing(&self, other: &Features, shared_bigrams: usize) -> f64 {
        0.6 * dice(shared_bigrams, self.bigrams.len(), other.bigrams.len())
            + 0.4 * self.word_dice(other)
    }

    fn word_dice(&self, other: &Features) -> f64 {
        let shared =
            shared_count(&self.chars, &other.chars) + shared_count(&self.latin, &other.latin);
        dice(shared, self.word_count(), other.word_count())
    }

    /// An upper bound of [`Features::similarity`] given the number of shared bigrams, without
    /// looking at the words: a word whose hash bit the other side lacks is surely not shared.
    /// (Equal keys of two or more characters have equal sets and masks: their bound is 1.0.)
    #[cfg(test)]
    fn similarity_bound(&self, other: &Features, shared_bigrams: usize) -> f64 {
        if self.bigrams.is_empty() && self.key == other.key {
            return 1.0;
        }
        let both: u32 = (0..4)
            .map(|k| (self.char_mask[k] & other.char_mask[k]).count_ones())
            .sum();
        let words = both + word_slack(self).min(word_slack(other));
        bound_of(
            (shared_bigrams, words as usize),
            (self.bigrams.len(), self.word_count()),
            (other.bigrams.len(), other.word_count()),
        )
    }

    /// Share of this duty's bigrams found in `other`.
    fn contained_in(&self, other: &Features) -> f64 {
        if self.bigrams.is_empty() {
            return 0.0;
        }
        let shared = shared_count(&self.bigrams, &other.bigrams);
        shared as f64 / self.bigrams.len() as f64
    }
}

/// The words of `f` beyond the bits set in its character mask: of the words two duties share,
/// at most `popcount(mask & other mask) + min(slack, other slack)`.
fn word_slack(f: &Features) -> u32 {
    let bits: u32 = f.char_mask.iter().map(|m| m.count_ones()).sum();
    f.word_count() as u32 - bits
}

/// The upper bound of [`Features::similarity`] from the shared bigrams (exact) and a bound on
/// the shared words, with the sizes of both sides.
fn bound_of(shared: (usize, usize), x: (usize, usize), y: (usize, usize)) -> f64 {
    0.6 * dice(shared.0, x.0, y.0) + 0.4 * dice(shared.1, x.1, y.1)
}

/// Dice coefficient from the size of the intersection and of the two sets.
fn dice(shared: usize, x: usize, y: usize) -> f64 {
    if x == 0 && y == 0 {
        return 0.0;
    }
    2.0 * shared as f64 / (x + y) as f64
}

/// Words for the word-overlap half of the score, sorted and deduplicated: the one-character
/// words (as code points) and the Latin/digit runs. Until segmentation is shared cheaply, each
/// character is a word: Han characters carry meaning on their own, and bigrams already see
/// two-character words.
fn words_of(key: &str) -> (Vec<u32>, Vec<String>) {
    let mut chars: Vec<u32> = Vec::new();
    let mut latin: Vec<String> = Vec::new();
    let mut run = String::new();
    for c in key.chars() {
        if c.is_ascii_alphanumeric() {
            run.push(c);
            continue;
        }
        if !run.is_empty() {
            latin.push(std::mem::take(&mut run));
        }
        chars.push(c as u32);
    }
    if !run.is_empty() {
        latin.push(run);
    }
    chars.sort_unstable();
    chars.dedup();
    latin.sort_unstable();
    latin.dedup();
    (chars, latin)
}

/// The form under which two duties count as the same: matching form (half-width, lower case,
/// Simplified), leading numbering removed, only letters and digits kept.
pub fn same_key(text: &str) -> String {
    let folded = normalize::for_matching(text);
    let stripped = strip_numbering(folded.trim());
    let key: String = stripped.chars().filter(|c| c.is_alphanumeric()).collect();
    // 其它 and 其他 are one word written two ways (完成领导交办的其它/其他任务).
    key.replace("其它", "其他")
}

/// Removes a leading item number the parser may have left (`3、`, `(2)`, `十一.`, `o `).
fn strip_numbering(text: &str) -> &str {
    let mut rest = text.trim_start();
    let open = rest.starts_with('(');
    if open {
        rest = &rest[1..];
    }
    let digits_end = rest
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || "一二三四五六七八九十".contains(*c)))
        .map(|(i, _)| i)
        .unwrap_or(rest.len());
    if digits_end == 0 {
        return text;
    }
    let after = &rest[digits_end..];
    let separators: &[char] = &['、', '.', ')', ':', ' ', ','];
    if let Some(c) = after.chars().next() {
        if separators.contains(&c) || (open && c == ')') {
            return after[c.len_utf8()..].trim_start_matches(separators);
        }
    }
    text
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

/// A role across every store that defines it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Coverage {
    pub role: String,
    /// The columns: one position per store (document).
    pub stores: Vec<Side>,
    /// Common core first (duties most stores have), then duties fewer stores have.
    pub rows: Vec<CoverageRow>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CoverageRow {
    /// The row's duty: the wording most stores use.
    pub duty: String,
    /// How many stores have the duty (same or reworded).
    pub present: usize,
    /// One cell per store, in the order of `stores`.
    pub cells: Vec<Cell>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum CellKind {
    Same,
    Reworded,
    Absent,
}

impl CellKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CellKind::Same => "same",
            CellKind::Reworded => "reworded",
            CellKind::Absent => "absent",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Cell {
    pub kind: CellKind,
    /// The store's own wording (None when absent).
    pub text: Option<String>,
    /// Similarity to the row's duty (None when absent).
    pub similarity: Option<f64>,
    /// Source line of the store's duty.
    pub line: Option<usize>,
    /// Inline diff from the row's duty to this store's wording (reworded cells only).
    pub diff: Vec<DiffSpan>,
}

/// Builds the coverage matrix of one role over the given positions (one per store; see
/// [`one_per_document`]).
pub fn coverage(
    role: &str,
    positions: &[(&Document, &Position)],
    options: &CompareOptions,
) -> Coverage {
    /// A store's duty in a row: which column, which duty, and which of the row's wordings.
    struct Member {
        column: usize,
        duty: usize,
        wording: usize,
    }
    let threshold = options.threshold;
    let mut rows: Vec<Vec<Member>> = Vec::new();
    // Each row's distinct keys (a row's score is its best wording's, and a wording's score
    // depends on its key only), each with its wording in the index.
    let mut row_keys: Vec<FastMap<String, usize>> = Vec::new();
    let all_features: Vec<Vec<Features>> = positions
        .par_iter()
        .map(|(_, position)| {
            position
                .duties
                .iter()
                .map(|d| Features::new(&d.text))
                .collect()
        })
        .collect();
    let mut index = WordingIndex::new(threshold, all_features.iter().flatten(), COMMON_BIGRAMS);
    // Stores are taken in batches. A batch's duties are first looked up in parallel against
    // the wordings of the stores before it; then, store by store, against the wordings the
    // batch's earlier stores added. A row's score is its best wording's, so the two lookups
    // together give what one lookup against every wording before the store would.
    let mut scratch = Scratch::default();
    let mut all_features = all_features;
    let mut batch_start = 0;
    while batch_start < all_features.len() {
        let batch_end = (batch_start + BATCH_STORES).min(all_features.len());
        let frozen = index.wordings.len();
        let frozen_rows = rows.len();
        let batch: Vec<&Features> = all_features[batch_start..batch_end]
            .iter()
            .flatten()
            .collect();
        let mut found: std::vec::IntoIter<Vec<(usize, f64)>> = batch
            .par_iter()
            .map_init(Scratch::default, |scratch, f| {
                index.best_rows_among(f, 0..frozen, frozen_rows, &[], scratch)
            })
            .collect::<Vec<_>>()
            .into_iter();
        let stores = all_features[batch_start..batch_end].iter_mut();
        for (column, store) in (batch_start..).zip(stores) {
            let features = std::mem::take(store);
            // Each duty's rows scoring at least the threshold (the others weigh nothing).
            let candidates: Vec<Vec<(usize, f64)>> = features
                .iter()
                .map(|f| {
                    let known = found.next().unwrap_or_default();
                    if index.wordings.len() == frozen {
                        known
                    } else {
                        let added = frozen..index.wordings.len();
                        index.best_rows_among(f, added, rows.len(), &known, &mut scratch)
                    }
                })
                .collect();
            // The assignment runs over the rows some duty could match, in row order.
            let mut columns: Vec<usize> = candidates.iter().flatten().map(|c| c.0).collect();
            columns.sort_unstable();
            columns.dedup();
            let scores: Vec<Vec<f64>> = candidates
                .iter()
                .map(|c| {
                    let mut line = vec![0.0; columns.len()];
                    for &(row, s) in c {
                        if let Ok(k) = columns.binary_search(&row) {
                            line[k] = s;
                        }
                    }
                    line
                })
                .collect();
            let assignment = assign(&scores, features.len(), columns.len(), threshold);
            for (duty, (f, row)) in features.into_iter().zip(assignment).enumerate() {
                let row = match row {
                    Some(k) => columns[k],
                    None => {
                        rows.push(Vec::new());
                        row_keys.push(FastMap::default());
                        rows.len() - 1
                    }
                };
                let wording = match row_keys[row].get(&f.key) {
                    Some(&w) => w,
                    None => {
                        row_keys[row].insert(f.key.clone(), index.wordings.len());
                        index.add(row, f)
                    }
                };
                rows[row].push(Member {
                    column,
                    duty,
                    wording,
                });
            }
        }
        batch_start = batch_end;
    }

    let text_of = |m: &Member| positions[m.column].1.duties[m.duty].text.as_str();
    let build_row = |members: Vec<Member>| {
        // The wording most stores use, ties to the earliest.
        let mut counts: Vec<(usize, usize)> = Vec::new();
        for m in &members {
            match counts.iter_mut().find(|(w, _)| *w == m.wording) {
                Some(entry) => entry.1 += 1,
                None => counts.push((m.wording, 1)),
            }
        }
        let top = counts.iter().map(|c| c.1).max().unwrap_or(0);
        let top_wording = counts.iter().find(|c| c.1 == top).map(|c| c.0);
        let representative = members
            .iter()
            .find(|m| Some(m.wording) == top_wording)
            .unwrap_or(&members[0]);
        let representative_features = &index.wordings[representative.wording];
        let representative_text = text_of(representative);
        let mut cells: Vec<Cell> = (0..positions.len())
            .map(|_| Cell {
                kind: CellKind::Absent,
                text: None,
                similarity: None,
                line: None,
                diff: Vec::new(),
            })
            .collect();
        // A row's cells are built in parallel too: one row may hold most of the diffs.
        let filled: Vec<(usize, Cell)> = members
            .par_iter()
            .with_min_len(16)
            .map(|m| {
                let duty = &positions[m.column].1.duties[m.duty];
                let same = m.wording == representative.wording;
                let cell = Cell {
                    kind: if same {
                        CellKind::Same
                    } else {
                        CellKind::Reworded
                    },
                    text: Some(duty.text.clone()),
                    similarity: Some(round3(
                        index.wordings[m.wording].similarity(representative_features),
                    )),
                    line: Some(duty.line),
                    diff: if same {
                        Vec::new()
                    } else {
                        inline_diff(representative_text, &duty.text)
                    },
                };
                (m.column, cell)
            })
            .collect();
        for (column, cell) in filled {
            cells[column] = cell;
        }
        let present = members.len();
        let first = &members[0];
        (
            (positions.len() - present, first.column, first.duty),
            CoverageRow {
                duty: representative_text.to_string(),
                present,
                cells,
            },
        )
    };
    // Rows are built in parallel (the inline diffs); the sort key is unique per row.
    let mut built: Vec<((usize, usize, usize), CoverageRow)> =
        rows.into_par_iter().map(build_row).collect();
    built.sort_by_key(|(key, _)| *key);
    Coverage {
        role: role.to_string(),
        stores: positions.iter().map(|(d, p)| Side::new(d, p)).collect(),
        rows: built.into_iter().map(|(_, row)| row).collect(),
    }
}

/// How many of the most frequent bigrams [`WordingIndex`] keeps as bits of a mask instead of in
/// postings (their postings would span most wordings).
const COMMON_BIGRAMS: usize = 128;

/// What the candidate scan of [`WordingIndex`] reads of the wordings, one array per field (each
/// wording's 64 bytes spread over them), so the scan reads every array in order and the
/// compiler can run it over several wordings at once (vector popcount where the CPU has it).
#[derive(Debug, Default)]
struct Sketches {
    /// Which of the common bigrams each wording has (bits 0–63, 64–127).
    common: [Vec<u64>; 2],
    /// The wording's character mask, word by word.
    char_mask: [Vec<u64>; 4],
    bigrams: Vec<u32>,
    words: Vec<u32>,
    /// Words beyond the bits set in `char_mask` (words sharing a bit, Latin runs).
    word_slack: Vec<u32>,
    row: Vec<u32>,
}

/// Stores whose duties [`coverage`] looks up in one parallel batch.
const BATCH_STORES: usize = 32;

/// Wordings the scan looks at before collecting those that passed.
const SCAN_BLOCK: usize = 256;

/// The distinct wordings of the coverage rows, which finds each row's best score for a new duty
/// while scoring few pairs exactly. The shared bigrams of a duty and every wording are counted
/// exactly, in two parts: the rarer bigrams through an inverted index bigram → wordings, the
/// common ones (负责, 管理 …, whose postings would span most wordings) by AND-ing masks. Only
/// wordings whose upper bound reaches the threshold are candidates, and only a row's candidates
/// whose bound exceeds the best score already found in the row are scored.
struct WordingIndex {
    threshold: f64,
    /// A pair sharing no bigram scores at most 0.4 (the word half): above that threshold only
    /// wordings sharing bigrams can match.
    indexed: bool,
    /// The common bigrams, each with its bit in [`Sketches::common`].
    common: FastMap<u64, u8>,
    wordings: Vec<Features>,
    sketches: Sketches,
    /// Rarer bigram → the wordings having it, in increasing order.
    postings: FastMap<u64, Vec<u32>>,
}

/// Per-query buffers of [`WordingIndex::best_rows`], reused across queries.
#[derive(Default)]
struct Scratch {
    shared: Vec<u32>,
    /// (bound, wording, shared bigrams) of the wordings whose bound reaches the threshold.
    candidates: Vec<(f64, u32, u32)>,
    row_best: Vec<f64>,
    rows_touched: Vec<usize>,
    /// Each row's highest candidate bound and that candidate (`usize::MAX`: none yet).
    row_top: Vec<(f64, usize)>,
    top_rows: Vec<usize>,
}

/// [`WordingIndex::scan_with`] compiled with the given target features (x86-64 only); calling
/// it is `unsafe`: the caller must have detected the features on this CPU.
macro_rules! scan_compiled_for {
    ($name:ident, $features:literal) => {
        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = $features)]
        fn $name(
            &self,
            f: &Features,
            among: std::ops::Range<usize>,
            common: [u64; 2],
            shared: &mut [u32],
            candidates: &mut Vec<(f64, u32, u32)>,
        ) {
            self.scan_with(f, among, common, shared, candidates);
        }
    };
}

impl WordingIndex {
    /// An empty index; the `common_bigrams` most frequent bigrams of `duties` (all duties that
    /// will be added or queried) go to masks. Which bigrams are common changes the speed only,
    /// never a score.
    fn new<'a>(
        threshold: f64,
        duties: impl IntoIterator<Item = &'a Features>,
        common_bigrams: usize,
    ) -> WordingIndex {
        let mut frequency: FastMap<u64, usize> = FastMap::default();
        for f in duties {
            for b in &f.bigrams {
                *frequency.entry(*b).or_default() += 1;
            }
        }
        let mut by_frequency: Vec<(usize, u64)> =
            frequency.into_iter().map(|(b, n)| (n, b)).collect();
        by_frequency.sort_unstable_by(|x, y| y.cmp(x));
        let common = by_frequency
            .iter()
            .take(common_bigrams.min(COMMON_BIGRAMS))
            .enumerate()
            .map(|(bit, &(_, b))| (b, bit as u8))
            .collect();
        WordingIndex {
            threshold,
            indexed: threshold > 0.4 + 1e-9,
            common,
            wordings: Vec::new(),
            sketches: Sketches::default(),
            postings: FastMap::default(),
        }
    }

    /// The common-bigram mask of `f`, and its other bigrams.
    fn split_bigrams<'f>(
        &self,
        f: &'f Features,
    ) -> ([u64; 2], impl Iterator<Item = &'f u64> + use<'f, '_>) {
        let mut mask = [0u64; 2];
        for b in &f.bigrams {
            if let Some(&bit) = self.common.get(b) {
                mask[usize::from(bit / 64)] |= 1 << (bit % 64);
            }
        }
        let rare = f.bigrams.iter().filter(|b| !self.common.contains_key(b));
        (mask, rare)
    }

    /// Adds a wording to `row`; returns its number.
    fn add(&mut self, row: usize, features: Features) -> usize {
        let d = self.wordings.len();
        let (common, rare) = self.split_bigrams(&features);
        let rare: Vec<u64> = rare.copied().collect();
        for b in rare {
            self.postings.entry(b).or_default().push(d as u32);
        }
        let sketches = &mut self.sketches;
        for (k, word) in common.into_iter().enumerate() {
            sketches.common[k].push(word);
        }
        for (k, word) in features.char_mask.into_iter().enumerate() {
            sketches.char_mask[k].push(word);
        }
        sketches.row.push(row as u32);
        sketches.bigrams.push(features.bigrams.len() as u32);
        sketches.words.push(features.word_count() as u32);
        sketches.word_slack.push(word_slack(&features));
        self.wordings.push(features);
        d
    }

    /// Finds the wordings whose bound reaches the threshold against `f`, given the common
    /// bigrams of `f` and the rarer ones already counted into `shared` (which it zeroes), and
    /// pushes them with their bound and shared bigrams onto `candidates`. This loop over every
    /// wording is the cost of a lookup.
    #[inline(always)]
    fn scan_with(
        &self,
        f: &Features,
        among: std::ops::Range<usize>,
        common: [u64; 2],
        shared: &mut [u32],
        candidates: &mut Vec<(f64, u32, u32)>,
    ) {
        let (x_bigrams, x_words) = (f.bigrams.len(), f.word_count());
        let x_slack = word_slack(f);
        let mask = &f.char_mask;
        // The test below is the bound's `bound >= threshold - 1e-9` multiplied out, with a
        // wider margin: it lets through every wording the bound lets through, without
        // dividing.
        let need = self.threshold - 1e-6;
        let s = &self.sketches;
        let mut passed = [false; SCAN_BLOCK];
        let mut shared_block = [(0u32, 0u32); SCAN_BLOCK];
        let mut start = among.start;
        while start < among.end {
            let end = (start + SCAN_BLOCK).min(among.end);
            let len = end - start;
            // Every array sliced to the block's length, so the loop below has no bounds checks
            // and no branch: it runs over several wordings at once.
            let counts = &mut shared[start - among.start..end - among.start];
            let (common0, common1) = (&s.common[0][start..end], &s.common[1][start..end]);
            let (mask0, mask1) = (&s.char_mask[0][start..end], &s.char_mask[1][start..end]);
            let (mask2, mask3) = (&s.char_mask[2][start..end], &s.char_mask[3][start..end]);
            let (bigrams, words) = (&s.bigrams[start..end], &s.words[start..end]);
            let slack = &s.word_slack[start..end];
            let passed = &mut passed[..len];
            let shared_block = &mut shared_block[..len];
            for i in 0..len {
                let n = counts[i]
                    + (common[0] & common0[i]).count_ones()
                    + (common[1] & common1[i]).count_ones();
                counts[i] = 0;
                // A word whose mask bit the other side lacks is surely not shared.
                let both = (mask[0] & mask0[i]).count_ones()
                    + (mask[1] & mask1[i]).count_ones()
                    + (mask[2] & mask2[i]).count_ones()
                    + (mask[3] & mask3[i]).count_ones();
                let shared_words = both + x_slack.min(slack[i]);
                shared_block[i] = (n, shared_words);
                let bigram_total = f64::from(x_bigrams as u32 + bigrams[i]);
                let word_total = f64::from(x_words as u32 + words[i]);
                // A pair sharing no bigram is never a candidate (see `indexed`).
                passed[i] = (n != 0)
                    & (1.2 * f64::from(n) * word_total
                        + 0.8 * f64::from(shared_words) * bigram_total
                        >= need * bigram_total * word_total);
            }
            // Only pairs whose bound (see [`bound_of`]) reaches the threshold are candidates.
            for (i, _) in passed.iter().enumerate().filter(|(_, &p)| p) {
                let d = start + i;
                let n = shared_block[i];
                let bound = bound_of(
                    (n.0 as usize, n.1 as usize),
                    (x_bigrams, x_words),
                    (s.bigrams[d] as usize, s.words[d] as usize),
                );
                if bound >= self.threshold - 1e-9 {
                    candidates.push((bound, d as u32, n.0));
                }
            }
            start = end;
        }
    }

    /// [`WordingIndex::scan_with`], compiled for the widest vector instructions this CPU has
    /// (the build targets plain x86-64, whose software popcount would be most of the scan's
    /// time): AVX-512 with its vector popcount, else AVX2, else the popcount instruction alone.
    fn scan(
        &self,
        f: &Features,
        among: std::ops::Range<usize>,
        common: [u64; 2],
        shared: &mut [u32],
        candidates: &mut Vec<(f64, u32, u32)>,
    ) {
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::is_x86_feature_detected as has;
            if has!("avx512f") && has!("avx512vpopcntdq") && has!("avx512vl") && has!("popcnt") {
                // SAFETY: `scan_avx512` needs only the features just detected on this CPU.
                unsafe { self.scan_avx512(f, among, common, shared, candidates) };
                return;
            }
            if has!("avx2") && has!("popcnt") {
                // SAFETY: `scan_avx2` needs only the features just detected on this CPU.
                unsafe { self.scan_avx2(f, among, common, shared, candidates) };
                return;
            }
            if has!("popcnt") {
                // SAFETY: `scan_popcnt` needs only the popcnt instruction, which this CPU has.
                unsafe { self.scan_popcnt(f, among, common, shared, candidates) };
                return;
            }
        }
        self.scan_with(f, among, common, shared, candidates);
    }

    scan_compiled_for!(scan_avx512, "avx512f,avx512vpopcntdq,avx512vl,popcnt");
    scan_compiled_for!(scan_avx2, "avx2,popcnt");
    scan_compiled_for!(scan_popcnt, "popcnt");

    /// The rows (of `rows`) whose best wording scores at least the threshold against `f`, each
    /// with that best score, in no particular order.
    #[cfg(test)]
    fn best_rows(&self, f: &Features, rows: usize, scratch: &mut Scratch) -> Vec<(usize, f64)> {
        self.best_rows_among(f, 0..self.wordings.len(), rows, &[], scratch)
    }

    /// [`WordingIndex::best_rows`] among the wordings of `among` only, starting from the rows'
    /// best scores already known in `known` (from the wordings before `among`): the result is
    /// each row's best over both.
    fn best_rows_among(
        &self,
        f: &Features,
        among: std::ops::Range<usize>,
        rows: usize,
        known: &[(usize, f64)],
        scratch: &mut Scratch,
    ) -> Vec<(usize, f64)> {
        let threshold = self.threshold;
        scratch.row_best.resize(rows, f64::NEG_INFINITY);
        for &(row, s) in known {
            scratch.rows_touched.push(row);
            scratch.row_best[row] = s;
        }
        let score = |d: usize, shared: Option<usize>, scratch: &mut Scratch| {
            let other = &self.wordings[d];
            let s = match shared {
                Some(n) if !f.key.is_empty() && !other.key.is_empty() && f.key != other.key => {
                    f.similarity_sharing(other, n)
                }
                _ => f.similarity(other),
            };
            if s >= threshold {
                let row = self.sketches.row[d] as usize;
                let slot = &mut scratch.row_best[row];
                if *slot == f64::NEG_INFINITY {
                    scratch.rows_touched.push(row);
                    *slot = s;
                } else if s > *slot {
                    *slot = s;
                }
            }
        };
        if !self.indexed || f.bigrams.is_empty() {
            for d in among {
                score(d, None, scratch);
            }
        } else {
            let mut shared = std::mem::take(&mut scratch.shared);
            let mut candidates = std::mem::take(&mut scratch.candidates);
            shared.resize(among.len(), 0);
            let (common, rare) = self.split_bigrams(f);
            let first = among.start as u32;
            for b in rare {
                if let Some(list) = self.postings.get(b) {
                    // Postings are in increasing order: those of `among` are one run.
                    let from = if first == 0 {
                        0
                    } else {
                        list.partition_point(|&d| d < first)
                    };
                    for &d in &list[from..] {
                        if d as usize >= among.end {
                            break;
                        }
                        shared[(d - first) as usize] += 1;
                    }
                }
            }
            self.scan(f, among.clone(), common, &mut shared, &mut candidates);
            // Each row's highest bound first, then the rest: once a row has a score, its
            // candidates bounded below it cannot raise the row's best (the margin covers
            // rounding between bound and score). Finding each row's top instead of sorting
            // every candidate keeps nearly all of the sorted order's pruning.
            scratch
                .row_top
                .resize(rows, (f64::NEG_INFINITY, usize::MAX));
            for (k, &(bound, d, _)) in candidates.iter().enumerate() {
                let row = self.sketches.row[d as usize] as usize;
                let top = &mut scratch.row_top[row];
                if top.1 == usize::MAX {
                    scratch.top_rows.push(row);
                    *top = (bound, k);
                } else if bound > top.0 {
                    *top = (bound, k);
                }
            }
            let mut top_rows = std::mem::take(&mut scratch.top_rows);
            for row in top_rows.drain(..) {
                let k =
                    std::mem::replace(&mut scratch.row_top[row], (f64::NEG_INFINITY, usize::MAX)).1;
                let (_, d, n) = candidates[k];
                score(d as usize, Some(n as usize), scratch);
                candidates[k].1 = u32::MAX;
            }
            scratch.top_rows = top_rows;
            for &(bound, d, n) in &candidates {
                if d == u32::MAX {
                    continue;
                }
                let d = d as usize;
                let row = self.sketches.row[d] as usize;
                if bound + 1e-9 < scratch.row_best[row] {
                    continue;
                }
                score(d, Some(n as usize), scratch);
            }
            candidates.clear();
            scratch.shared = shared;
            scratch.candidates = candidates;
        }
        let mut best = Vec::with_capacity(scratch.rows_touched.len());
        for row in scratch.rows_touched.drain(..) {
            best.push((row, scratch.row_best[row]));
            scratch.row_best[row] = f64::NEG_INFINITY;
        }
        best
    }
}

/// Keeps one position per document: a `duties` list over any other kind, then the one with the
/// most duties, then the first. Documents keep their order.
pub fn one_per_document<'a>(
    positions: &[(&'a Document, &'a Position)],
) -> Vec<(&'a Document, &'a Position)> {
    let mut chosen: Vec<(&'a Document, &'a Position)> = Vec::new();
    for &(document, position) in positions {
        match chosen.iter_mut().find(|(d, _)| d.id == document.id) {
            Some(slot) => {
                if preference(position) > preference(slot.1) {
                    slot.1 = position;
                }
            }
            None => chosen.push((document, position)),
        }
    }
    chosen
}

fn preference(position: &Position) -> (bool, usize) {
    (position.kind == PositionKind::Duties, position.duties.len())
}

/// The names closest to `query` (character overlap), best first, for "did you mean" messages.
pub fn closest_names<'a>(
    query: &str,
    names: impl IntoIterator<Item = &'a str>,
    limit: usize,
) -> Vec<String> {
    let q = Features::new(query);
    let mut scored: Vec<(f64, String)> = Vec::new();
    for name in names {
        if scored.iter().any(|(_, n)| n == name) {
            continue;
        }
        let f = Features::new(name);
        let score = 0.5 * q.similarity(&f) + 0.5 * q.word_dice(&f);
        if score > 0.0 {
            scored.push((score, name.to_string()));
        }
    }
    scored.sort_by(|x, y| y.0.total_cmp(&x.0));
    scored.into_iter().take(limit).map(|(_, n)| n).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Duty;

    fn position(title: &str, start: usize, duties: &[&str]) -> Position {
        Position {
            title: title.to_string(),
            role: title.to_string(),
            department: None,
            reports_to: Vec::new(),
            subordinates: Vec::new(),
            kind: PositionKind::Duties,
            duties: duties
                .iter()
                .enumerate()
                .map(|(i, t)| Duty {
                    n: Some((i + 1).to_string()),
                    text: t.to_string(),
                    line: start + i,
                })
                .collect(),
            line_start: start,
            line_end: start + duties.len(),
            sections: Vec::new(),
        }
    }

    fn document(id: &str, title: &str, positions: Vec<Position>) -> Document {
        Document {
            id: id.to_string(),
            title: title.to_string(),
            store: title.to_string(),
            file: "corpus/4s店岗位职责合集.txt".to_string(),
            line_start: 1,
            line_end: 100,
            positions,
        }
    }

    // 销售经理 in 汽车4S店各岗位职责描述 (line 480) and in its 修订 copy (line 496).
    const SALES_MANAGER_480: &[&str] = &[
        "根据公司下达的销售目标制定相应的工作计划、并组织实施、监督 完成。",
        "负责研读并领会厂家下发的商务政策,并对厂家要求的各项工作负 责组织监督实施完成。",
        "负责月初制定每月销售任务及工作目标、计划报总经理处。",
        "负责制定和落实针对销售顾问的培训计划,并对其进行考核。",
        "负责对销售顾问每日的工作进行监督、抽查,督促销售顾问严格按 销售流程、业务流程执行。",
        "负责对销售及市场信息的整理和分析。",
        "负责对市场的情况进行判断和预测,掌握市场的动态情况。",
        "负责对销售部所有人员的组织、管理和考核工作。",
        "负责督促信息部定期向厂家上报报表。掌握车辆动态的销售状况。",
        "完成领导交办的其他任务。",
    ];
    const SALES_MANAGER_496: &[&str] = &[
        "根据公司下达的销售目标制定相应的工作计划、并组织实施、 监督完成。",
        "负责研读并领会厂家下发的商务政策,并对厂家要求的各项工 作负责组织监督实施完成。",
        "负责月初制定每月销售任务及工作目标、计划报总经理、董事 长处。",
        "负责制定和落实针对销售顾问的培训计划,并对其进行考核。",
        "负责对销售顾问每日的工作进行监督、抽查,督促销售顾问严 格按销售流程、业务流程执行。",
        "负责对销售及市场信息的整理和分析。",
        "负责对市场的情况进行判断和预测,掌握市场的动态情况。",
        "负责对销售部所有人员的组织、管理和考核工作。",
        "负责督促信息部定期向厂家上报报表。掌握车辆动态的销售状 况。",
        "完成领导交办的其他任务。",
    ];
    // 销售经理 of 4S店销售部销售经理岗位职责.docx (line 534): a genuinely different definition.
    const SALES_MANAGER_DOCX: &[&str] = &[
        "制定年度销售计划,报批落实全年任务的合理分解;",
        "检查、监督和授权所有的交易和订单,以确保完成毛利目标;",
        "根据市场销售的不同情况,及时、合理、准确的调整销售及奖励 政策,保证公司的经营业绩;",
        "为销售部和每一位销售顾问制定短期的销售和毛利目标;",
        "监督、落实销售流程和销售管理的标准化;",
        "每月制定销售分析报告",
        "制定销售顾问人员名额需求计划",
        "监督和衡量部门人员的工作效率,并定期进行绩效评估",
        "建立和维护员工培训,发展和激励的制度",
    ];

    fn texts(pairs: &[Pair], kind: PairKind) -> Vec<(Vec<usize>, Vec<usize>)> {
        pairs
            .iter()
            .filter(|p| p.kind == kind)
            .map(|p| (p.a_duties.clone(), p.b_duties.clone()))
            .collect()
    }

    #[test]
    fn revised_copy_differs_in_one_duty() {
        let a = document(
            "d1",
            "汽车4S店各岗位职责描述",
            vec![position("销售经理", 480, SALES_MANAGER_480)],
        );
        let b = document(
            "d2",
            "汽车4S店各岗位职责(修订)",
            vec![position("销售经理", 496, SALES_MANAGER_496)],
        );
        let c = compare_positions(
            (&a, &a.positions[0]),
            (&b, &b.positions[0]),
            &CompareOptions::default(),
        );
        assert_eq!(c.summary.same, 9, "{:#?}", c.pairs);
        assert_eq!(c.summary.reworded, 1);
        assert_eq!(c.summary.only_a + c.summary.only_b + c.summary.split, 0);
        let reworded = c
            .pairs
            .iter()
            .find(|p| p.kind == PairKind::Reworded)
            .unwrap();
        assert_eq!(reworded.a_duties, vec![2]);
        assert_eq!(reworded.b_duties, vec![2]);
        let inserted: String = reworded
            .diff
            .iter()
            .filter(|s| s.op == DiffOp::Insert)
            .map(|s| s.text.as_str())
            .collect();
        assert_eq!(inserted, "、董事长");
        assert!(reworded.diff.iter().all(|s| s.op != DiffOp::Delete));
        assert!(
            c.similarity > 0.95 && c.similarity < 1.0,
            "{}",
            c.similarity
        );
        // Lines come from the duties.
        assert_eq!(reworded.a_lines, vec![482]);
    }

    #[test]
    fn alignment_ignores_order() {
        let mut shuffled: Vec<&str> = SALES_MANAGER_496.to_vec();
        shuffled.reverse();
        let pairs = align_duties(SALES_MANAGER_480, &shuffled, &CompareOptions::default());
        let same = texts(&pairs, PairKind::Same);
        assert_eq!(same.len(), 9);
        assert!(same.contains(&(vec![0], vec![9])));
        assert!(same.contains(&(vec![9], vec![0])));
    }

    #[test]
    fn different_definitions_share_little() {
        let pairs = align_duties(
            SALES_MANAGER_480,
            SALES_MANAGER_DOCX,
            &CompareOptions::default(),
        );
        let summary = summarize(&pairs);
        assert_eq!(summary.same, 0);
        assert!(summary.only_a >= 7, "{pairs:#?}");
        assert!(summary.only_b >= 6, "{pairs:#?}");
    }

    #[test]
    fn one_duty_split_in_two_is_found() {
        // 销售主管 of 篇一 wraps one duty over items 3 and 4; 展厅经理 (line 480) has it whole.
        let a = [
            "协助销售经理制定每月的销售计划,并组织实施、督促完成",
            "负责展厅的日常管理、包括销售人员的日常行为规范、接待礼仪、展厅的卫生安排、",
            "厅人力和物力资源的合理安排。",
            "负责协助解决客户投诉。",
        ];
        let b = [
            "协助销售经理制定每月的销售计划,并组织实施、督促完成。",
            "负责展厅的日常管理、包括销售人员的日常行为规范、接待礼仪、 展厅的卫生安排、展厅人力和物力资源的合理安排。",
            "负责协助解决客户投诉。",
            "完成领导交办的其他任务。",
        ];
        let pairs = align_duties(&a, &b, &CompareOptions::default());
        assert_eq!(
            texts(&pairs, PairKind::Split),
            vec![(vec![1, 2], vec![1])],
            "{pairs:#?}"
        );
        assert_eq!(texts(&pairs, PairKind::Same).len(), 2);
        assert_eq!(texts(&pairs, PairKind::OnlyB), vec![(vec![], vec![3])]);
        // Pairs follow A's order.
        let kinds: Vec<PairKind> = pairs.iter().map(|p| p.kind).collect();
        assert_eq!(
            kinds,
            vec![
                PairKind::Same,
                PairKind::Split,
                PairKind::Same,
                PairKind::OnlyB
            ]
        );
    }

    #[test]
    fn small_edits_are_reworded_with_a_readable_diff() {
        // 总经理 in 4S店人员岗位职责 (line 528) and its copy (line 542).
        let a = "负责组织制定年度预算及年度工作计划,并有效的分解成月工作计 划,经过检查、调控、监督和考核等过程管理,保障各项计划及指标的完成。";
        let b = "负责组织制定年度预算及年度工作计划,并有效的分解成月工作计划, 通过检查、调控、监督和考核等过程管理,保障各项计划及指标的完成。";
        let pairs = align_duties(&[a], &[b], &CompareOptions::default());
        assert_eq!(pairs.len(), 1);
        assert_eq!(pairs[0].kind, PairKind::Reworded);
        let changed: Vec<(DiffOp, &str)> = pairs[0]
            .diff
            .iter()
            .filter(|s| s.op != DiffOp::Equal)
            .map(|s| (s.op, s.text.as_str()))
            .collect();
        assert_eq!(
            changed,
            vec![(DiffOp::Delete, "经"), (DiffOp::Insert, "通")]
        );
    }

    #[test]
    fn same_ignores_punctuation_numbering_and_width() {
        assert_eq!(
            same_key("3、负责客户投诉管理。"),
            same_key("负责客户投诉管理;")
        );
        assert_eq!(same_key("坚持６Ｓ管理"), same_key("坚持6s管理"));
        assert_eq!(same_key("(2)负责 展厅"), "负责展厅");
        assert_ne!(same_key("报总经理处"), same_key("报总经理、董事长处"));
    }

    #[test]
    fn coverage_puts_the_common_core_first() {
        let d1 = document(
            "d1",
            "描述",
            vec![position("销售经理", 480, SALES_MANAGER_480)],
        );
        let d2 = document(
            "d2",
            "修订",
            vec![position("销售经理", 496, SALES_MANAGER_496)],
        );
        let d3 = document(
            "d3",
            "docx",
            vec![position("销售经理", 534, SALES_MANAGER_DOCX)],
        );
        let positions = [
            (&d1, &d1.positions[0]),
            (&d2, &d2.positions[0]),
            (&d3, &d3.positions[0]),
        ];
        let matrix = coverage("销售经理", &positions, &CompareOptions::default());
        assert_eq!(matrix.stores.len(), 3);
        let first = &matrix.rows[0];
        assert!(first.present >= 2);
        // The ten duties of 480/496 are rows present in (at least) both; 报总经理处 is reworded.
        let manager_row = matrix
            .rows
            .iter()
            .find(|r| r.duty.contains("报总经理"))
            .unwrap();
        let kinds: Vec<CellKind> = manager_row.cells.iter().map(|c| c.kind).collect();
        assert!(kinds[0] != CellKind::Absent && kinds[1] != CellKind::Absent);
        assert!(kinds.contains(&CellKind::Reworded));
        // Presence never increases down the rows.
        for w in matrix.rows.windows(2) {
            assert!(w[0].present >= w[1].present);
        }
        let docx_only = matrix.rows.iter().filter(|r| r.present == 1).count();
        assert!(docx_only >= 6);
    }

    #[test]
    fn json_shape_matches_the_issue() {
        let a = document(
            "d1",
            "描述",
            vec![position("销售经理", 480, SALES_MANAGER_480)],
        );
        let b = document(
            "d2",
            "修订",
            vec![position("销售经理", 496, SALES_MANAGER_496)],
        );
        let c = compare_positions(
            (&a, &a.positions[0]),
            (&b, &b.positions[0]),
            &CompareOptions::default(),
        );
        let v = serde_json::to_value(&c).unwrap();
        for key in ["role", "a", "b", "similarity", "summary", "pairs"] {
            assert!(v.get(key).is_some(), "{key}");
        }
        assert_eq!(v["a"]["doc_id"], "d1");
        assert_eq!(v["summary"]["only_a"], 0);
        let pair = &v["pairs"][2];
        assert_eq!(pair["kind"], "reworded");
        assert!(pair["diff"][0]["op"].is_string());
        let only = one_sided(PairKind::OnlyB, 0, "x");
        assert!(serde_json::to_value(&only).unwrap()["a"].is_null());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// Whatever the lists and their order: every duty lands in exactly one pair, the summary
        /// counts the pairs, and rotating B keeps the identical pairs.
        #[test]
        fn every_duty_is_accounted_for_once(
            a_pick in proptest::collection::vec(0usize..19, 0..12),
            b_pick in proptest::collection::vec(0usize..19, 0..12),
            seed in 0usize..1000,
        ) {
            let pool: Vec<&str> = SALES_MANAGER_480
                .iter()
                .chain(SALES_MANAGER_DOCX)
                .copied()
                .collect();
            let a: Vec<&str> = a_pick.iter().map(|&i| pool[i % pool.len()]).collect();
            let b: Vec<&str> = b_pick.iter().map(|&i| pool[i % pool.len()]).collect();
            let pairs = align_duties(&a, &b, &CompareOptions::default());
            let mut seen_a = vec![0; a.len()];
            let mut seen_b = vec![0; b.len()];
            for pair in &pairs {
                pair.a_duties.iter().for_each(|&i| seen_a[i] += 1);
                pair.b_duties.iter().for_each(|&j| seen_b[j] += 1);
            }
            proptest::prop_assert!(seen_a.iter().all(|&n| n == 1));
            proptest::prop_assert!(seen_b.iter().all(|&n| n == 1));
            let summary = summarize(&pairs);
            let total = summary.same + summary.reworded + summary.only_a + summary.only_b
                + summary.split;
            proptest::prop_assert_eq!(total, pairs.len());

            let mut shuffled = b.clone();
            let len = shuffled.len().max(1);
            shuffled.rotate_left(seed % len);
            let again = summarize(&align_duties(&a, &shuffled, &CompareOptions::default()));
            proptest::prop_assert_eq!(again.same, summary.same);
        }
    }

    /// The pruning bound of the coverage index never falls below the real score, and the
    /// sorted-vector scores are the plain set Dice (so the index proposes every row that can
    /// reach the threshold, and scores it as before).
    #[test]
    fn similarity_bound_is_an_upper_bound() {
        let pool: Vec<&str> = SALES_MANAGER_480
            .iter()
            .chain(SALES_MANAGER_496)
            .chain(SALES_MANAGER_DOCX)
            .copied()
            .chain(["坚持6S管理", "负责4S店CRM系统", "", "岗"])
            .collect();
        let set_dice = |x: &std::collections::HashSet<(char, char)>,
                        y: &std::collections::HashSet<(char, char)>| {
            if x.is_empty() && y.is_empty() {
                0.0
            } else {
                2.0 * x.intersection(y).count() as f64 / (x.len() + y.len()) as f64
            }
        };
        let bigram_set = |t: &str| {
            let chars: Vec<char> = same_key(t).chars().collect();
            chars
                .windows(2)
                .map(|w| (w[0], w[1]))
                .collect::<std::collections::HashSet<_>>()
        };
        for a in &pool {
            for b in &pool {
                let (fa, fb) = (Features::new(a), Features::new(b));
                let shared = shared_count(&fa.bigrams, &fb.bigrams);
                let (sa, sb) = (bigram_set(a), bigram_set(b));
                assert_eq!(shared, sa.intersection(&sb).count());
                assert_eq!(
                    dice(shared, fa.bigrams.len(), fb.bigrams.len()),
                    set_dice(&sa, &sb)
                );
                let score = fa.similarity(&fb);
                assert!(
                    fa.similarity_bound(&fb, shared) >= score,
                    "{a} / {b}: {score}"
                );
            }
        }
    }

    /// The coverage index's lookup (postings, common-bigram masks, the bound, per-row pruning)
    /// gives each row exactly the best score of scoring every wording, whatever the threshold
    /// and however many bigrams go to the masks.
    #[test]
    fn index_lookup_finds_each_rows_best_exactly() {
        let pool: Vec<&str> = SALES_MANAGER_480
            .iter()
            .chain(SALES_MANAGER_DOCX)
            .chain(&SALES_MANAGER_496[2..4])
            .copied()
            .chain(["坚持6S管理", "负责4S店CRM系统", "岗", "", "负责展厅"])
            .collect();
        let features: Vec<Features> = pool.iter().map(|t| Features::new(t)).collect();
        let row_of = |i: usize| (i * 7) % 5;
        for threshold in [0.3, DEFAULT_THRESHOLD, 0.6, 0.9] {
            for common in [0, 8, COMMON_BIGRAMS] {
                let mut index = WordingIndex::new(threshold, features.iter(), common);
                for (i, f) in features.iter().enumerate() {
                    index.add(row_of(i), f.clone());
                }
                let mut scratch = Scratch::default();
                for f in &features {
                    let mut found = index.best_rows(f, 5, &mut scratch);
                    found.sort_by_key(|x| x.0);
                    let mut expected: Vec<(usize, f64)> = Vec::new();
                    for row in 0..5 {
                        let best = features
                            .iter()
                            .enumerate()
                            .filter(|(i, _)| row_of(*i) == row)
                            .map(|(_, w)| f.similarity(w))
                            .fold(f64::NEG_INFINITY, f64::max);
                        if best >= threshold {
                            expected.push((row, best));
                        }
                    }
                    assert_eq!(found, expected, "{} at {threshold}, {common}", f.text);
                }
            }
        }
    }

    /// Looking up the wordings in two parts, the second starting from the first's rows, gives
    /// each row's best score over all of them (as `coverage` does for a batch of stores).
    #[test]
    fn lookup_in_two_parts_finds_what_one_lookup_finds() {
        let pool: Vec<&str> = SALES_MANAGER_480
            .iter()
            .chain(SALES_MANAGER_DOCX)
            .chain(SALES_MANAGER_496)
            .copied()
            .chain(["坚持6S管理", "负责4S店CRM系统", "岗", "", "负责展厅"])
            .collect();
        let features: Vec<Features> = pool.iter().map(|t| Features::new(t)).collect();
        let row_of = |i: usize| (i * 7) % 6;
        for threshold in [0.3, DEFAULT_THRESHOLD, 0.6] {
            let mut index = WordingIndex::new(threshold, features.iter(), COMMON_BIGRAMS);
            for (i, f) in features.iter().enumerate() {
                index.add(row_of(i), f.clone());
            }
            let all = index.wordings.len();
            let mut scratch = Scratch::default();
            for f in &features {
                let mut whole = index.best_rows(f, 6, &mut scratch);
                whole.sort_by_key(|x| x.0);
                for split in [0, 1, 9, all / 2, all - 1, all] {
                    let first = index.best_rows_among(f, 0..split, 6, &[], &mut scratch);
                    let mut both = index.best_rows_among(f, split..all, 6, &first, &mut scratch);
                    both.sort_by_key(|x| x.0);
                    assert_eq!(both, whole, "{} split at {split}, {threshold}", f.text);
                }
            }
        }
    }

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

    #[test]
    fn closest_names_rank_by_overlap() {
        let names = ["销售经理", "展厅经理", "市场部经理", "销售顾问"];
        assert_eq!(closest_names("销售部经理", names, 2)[0], "销售经理");
    }
}
