//! dedup::learn: equivalences learned from the corpus itself — two words that swap in
//! otherwise identical duties (及时 / 按时, 承担 / 负责) — listed for the user to accept into a
//! vocabulary file of their own (`same A = B`, read with `--vocabulary FILE`). They are not
//! applied by themselves: a swap seen in copies may still change what a duty says elsewhere.

use super::text::Vocabulary;
use super::Deduplication;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The longest word (in characters) taken as a swap: longer stretches are rewrites.
const LONGEST_SWAP: usize = 4;

/// Two words that swap in otherwise identical duties.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LearnedEquivalence {
    /// One spelling (the first in Unicode order: the key of the `same` line).
    pub word: String,
    pub variant: String,
    /// Duty groups in which the swap is the only change between a member and the canonical text.
    pub groups: usize,
    /// One such pair, as written.
    pub example: (String, String),
}

impl LearnedEquivalence {
    /// The line to add to a vocabulary file to accept it.
    pub fn vocabulary_line(&self) -> String {
        format!("same {} = {}", self.word, self.variant)
    }
}

/// The swaps in `deduplication`'s duty groups, the most frequent first.
pub fn learned_equivalences(
    deduplication: &Deduplication<'_>,
    vocabulary: &Vocabulary,
) -> Vec<LearnedEquivalence> {
    // (word, variant) in a fixed order → groups seen in, and an example.
    let mut seen: HashMap<(String, String), (usize, (String, String))> = HashMap::new();
    for group in deduplication.duty_groups() {
        let canonical_key = vocabulary.key(&group.canonical);
        let mut in_group: Vec<(String, String)> = Vec::new();
        for member in &group.members {
            let key = vocabulary.key(&member.text);
            let changes = vocabulary.changes(&canonical_key, &key);
            let [(removed, added)] = changes.as_slice() else {
                continue;
            };
            let short = |word: &str| {
                let length = word.chars().count();
                (1..=LONGEST_SWAP).contains(&length) && !word.chars().any(|c| c.is_ascii_digit())
            };
            if !short(removed) || !short(added) || vocabulary.apart(&canonical_key, &key).is_some()
            {
                continue;
            }
            let pair = if removed < added {
                (removed.clone(), added.clone())
            } else {
                (added.clone(), removed.clone())
            };
            if in_group.contains(&pair) {
                continue;
            }
            in_group.push(pair.clone());
            seen.entry(pair)
                .or_insert_with(|| (0, (group.canonical.clone(), member.text.clone())))
                .0 += 1;
        }
    }
    let mut learned: Vec<LearnedEquivalence> = seen
        .into_iter()
        .map(|((word, variant), (groups, example))| LearnedEquivalence {
            word,
            variant,
            groups,
            example,
        })
        .collect();
    learned.sort_by(|a, b| {
        b.groups
            .cmp(&a.groups)
            .then_with(|| (&a.word, &a.variant).cmp(&(&b.word, &b.variant)))
    });
    learned
}
