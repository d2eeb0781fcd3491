//! Words the index does not know. A typed compound the duties never use is searched through the
//! words inside it; a word that neither it, its parts nor its vocabulary terms find is searched
//! through the index words that share its characters: a longer word holding it (an unknown
//! shortening inside a known compound) or one holding its characters in order (试驾 → 试乘试驾,
//! 人资 → 人力资源), at a low weight. Expansion terms the index does not hold are dropped, so
//! they cost the query nothing.

use super::query::{push_term, AnalyzedQuery, Concept, Origin};
use super::score::Statistics;
use crate::index::DutyIndex;
use tantivy::Term;

/// Weight of an index word that contains the unknown word.
const CONTAINING_BOOST: f32 = 0.5;
/// Weight of an index word that holds the unknown word's characters in order (a shortening).
const SHORTENED_BOOST: f32 = 0.35;
/// Index words looked for per unknown word, most frequent first.
const MAX_FALLBACK_TERMS: usize = 6;

pub(super) fn expand_unknown_words(
    index: &DutyIndex,
    statistics: &Statistics,
    analyzed: &mut AnalyzedQuery,
) {
    let df = |text: &str| statistics.frequency(&Term::from_field_text(index.fields.text, text));
    for concept in &mut analyzed.concepts {
        // Each term's document frequency, looked up once.
        let found: Vec<bool> = concept.terms.iter().map(|t| df(&t.text) > 0).collect();
        let typed_known = concept
            .terms
            .iter()
            .zip(&found)
            .any(|(t, &f)| t.origin == Origin::Typed && f);
        if typed_known {
            // The word is in the duties: it is what the concept is shown as.
            if concept.label != concept.source
                && concept.source.chars().any(crate::normalize::is_han)
            {
                concept.label = concept.source.clone();
            }
        } else {
            // No duty has the word typed, so no exact match is there to rank first: its parts
            // stand for it at full weight and its vocabulary terms rise (up to twice) until the
            // best of them found in the duties weighs what the typed word would have.
            let best = concept
                .terms
                .iter()
                .zip(&found)
                .filter(|(t, &f)| f && !matches!(t.origin, Origin::Typed | Origin::Part))
                .map(|(t, _)| t.boost)
                .fold(0.0, f32::max);
            let scale = if best > 0.0 {
                (1.0 / best).min(2.0)
            } else {
                1.0
            };
            for term in &mut concept.terms {
                match term.origin {
                    Origin::Part => term.boost = 1.0,
                    Origin::Typed => {}
                    _ => term.boost = (term.boost * scale).min(1.0),
                }
            }
        }
        // What the index does not hold matches nothing: only typed words stay (the title may
        // hold them).
        let mut kept = found.iter();
        concept.terms.retain(|t| {
            let found = *kept.next().unwrap_or(&false);
            found || matches!(t.origin, Origin::Typed | Origin::English)
        });
        if !found.iter().any(|&f| f) {
            add_sharing_words(index, concept, &df);
        }
    }
}

/// Index words that share the characters of the concept's word, most frequent first.
fn add_sharing_words(index: &DutyIndex, concept: &mut Concept, df: &dyn Fn(&str) -> u64) {
    let word: Vec<char> = concept.source.chars().collect();
    if word.len() < 2 || !word.iter().all(|&c| crate::normalize::is_han(c)) {
        return;
    }
    let text: String = word.iter().collect();
    let mut found: Vec<(u64, f32, &str)> = Vec::new();
    for term in index.terms() {
        let boost = if term.contains(&text) {
            CONTAINING_BOOST
        } else if holds_in_order(term, &word) {
            SHORTENED_BOOST
        } else {
            continue;
        };
        found.push((df(term), boost, term));
    }
    found.sort_by(|a, b| b.1.total_cmp(&a.1).then(b.0.cmp(&a.0)).then(a.2.cmp(b.2)));
    for (_, boost, term) in found.into_iter().take(MAX_FALLBACK_TERMS) {
        push_term(concept, term, boost, Origin::Fallback);
    }
}

/// Whether `term` starts with the word's first character and holds the rest in order, no
/// longer than twice the word plus one (人资 in 人力资源, not in a sentence-long compound).
fn holds_in_order(term: &str, word: &[char]) -> bool {
    let length = term.chars().count();
    if length <= word.len() || length > 2 * word.len() + 1 {
        return false;
    }
    let mut chars = term.chars();
    if chars.next() != Some(word[0]) {
        return false;
    }
    let mut next = 1;
    for c in chars {
        if next < word.len() && c == word[next] {
            next += 1;
        }
    }
    next == word.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortenings_hold_the_characters_in_order() {
        let word: Vec<char> = "人资".chars().collect();
        assert!(holds_in_order("人力资源", &word));
        assert!(!holds_in_order("资源人力", &word));
        assert!(!holds_in_order("人资", &word));
        assert!(!holds_in_order("人员的资料与档案", &word));
    }
}
