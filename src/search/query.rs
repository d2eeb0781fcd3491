//! A plain-text query in, the concepts it asks for out: Chinese words (minus question and filler
//! words), each with the words inside it, its variants and its broader and narrower terms;
//! English phrases through the glossary. Needs the vocabulary and the segmenter, not the index.

use crate::segment::{english_words, Segmenter, Token, Vocabulary};
use serde::Serialize;
use std::collections::HashSet;

/// Weight of a word found inside a longer typed word (续保 inside 保险续保).
pub(crate) const PART_BOOST: f32 = 0.4;
/// Weight of a synonym or concept variant: found, but after the words the user typed.
pub(crate) const SYNONYM_BOOST: f32 = 0.5;
/// Weight of a broader term (续保 → 车险, 保险): below the variants, so the exact duties lead.
pub(crate) const BROADER_BOOST: f32 = 0.3;
/// Weight of a narrower term (保险 → 续保, 理赔).
pub(crate) const NARROWER_BOOST: f32 = 0.3;
/// A query longer than this many distinct concepts is cut (a pasted document, not a question).
const MAX_CONCEPTS: usize = 64;
/// Weight of a glossary translation other than the main one.
const ALTERNATE_BOOST: f32 = 0.8;
/// Weight of the translation of a phrase an English word ends, when no phrase of the query covers
/// the word (raised, as any vocabulary term of a word the duties lack, by `search::fallback`; a
/// duty matching it covers the word in part).
const ENGLISH_WORD_BOOST: f32 = 0.5;
/// Phrases looked at for such a word.
const MAX_ENGLISH_WORD_ENTRIES: usize = 3;

/// Where a query term came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    Typed,
    Part,
    Synonym,
    English,
    /// A more general term of the concept.
    Broader,
    /// A more specific term of the concept.
    Narrower,
    /// An index word sharing the characters of a word the index does not know.
    Fallback,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueryTerm {
    /// Folded, as indexed.
    pub text: String,
    pub boost: f32,
    pub origin: Origin,
}

/// One thing the user asked for, with every term that stands for it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Concept {
    /// The words as typed (folded).
    pub source: String,
    /// The Chinese word the concept is known by (`insurance renewals` → 续保, 招人 → 招聘); the
    /// source itself when it is that word.
    pub label: String,
    pub terms: Vec<QueryTerm>,
}

impl Concept {
    fn new(source: &str, label: &str) -> Concept {
        Concept {
            source: source.to_string(),
            label: label.to_string(),
            terms: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AnalyzedQuery {
    pub concepts: Vec<Concept>,
    /// Question and filler words left out of the ranking.
    pub ignored: Vec<String>,
}

impl AnalyzedQuery {
    pub fn is_empty(&self) -> bool {
        self.concepts.is_empty()
    }
}

/// Splits a plain-text query into concepts: Chinese words (minus question and filler words),
/// each with the words inside it and its synonyms; English phrases through the glossary.
pub fn analyze(query: &str, segmenter: &Segmenter, vocabulary: &Vocabulary) -> AnalyzedQuery {
    let words = join_single_characters(segmenter.words(query), vocabulary);
    let words = join_vocabulary_phrases(words, vocabulary);
    let mut analyzed = AnalyzedQuery::default();
    let mut english: Vec<String> = Vec::new();
    let mut kept_any = false;
    for word in &words {
        if word.text.bytes().all(|b| b.is_ascii_alphanumeric())
            && word.text.bytes().any(|b| b.is_ascii_alphabetic())
        {
            english.push(word.text.clone());
            continue;
        }
        flush_english(&mut english, segmenter, vocabulary, &mut analyzed);
        if vocabulary.is_stopword(&word.text) {
            analyzed.ignored.push(word.text.clone());
            continue;
        }
        kept_any = true;
        analyzed
            .concepts
            .extend(chinese_concepts(&word.text, segmenter, vocabulary));
    }
    flush_english(&mut english, segmenter, vocabulary, &mut analyzed);
    kept_any |= !analyzed.concepts.is_empty();
    // A repeated word asks for nothing new; a pasted page is cut to its first concepts.
    let mut seen = HashSet::new();
    analyzed
        .concepts
        .retain(|c| seen.insert((c.source.clone(), c.terms.first().map(|t| t.text.clone()))));
    analyzed.concepts.truncate(MAX_CONCEPTS);
    if !kept_any && !analyzed.ignored.is_empty() {
        // A query of nothing but filler words: search for them after all.
        let ignored = std::mem::take(&mut analyzed.ignored);
        for word in ignored {
            if !analyzed.concepts.iter().any(|c| c.source == word) {
                let concept = chinese_concept(&word, segmenter, vocabulary);
                analyzed.concepts.push(concept);
            }
        }
    }
    analyzed
}

/// Adjacent single Chinese characters that are not filler words are one word the dictionary
/// does not know (上户 cut as 上 + 户), searched as a whole and, failing that, through the index
/// words that share its characters (see `search::fallback`), rather than character by character.
fn join_single_characters(words: Vec<Token>, vocabulary: &Vocabulary) -> Vec<Token> {
    let single = |t: &Token| {
        t.end - t.start == 1
            && t.text.chars().all(crate::normalize::is_han)
            && !vocabulary.is_stopword(&t.text)
    };
    // Each word, and whether it is a run of single characters.
    let mut joined: Vec<(Token, bool)> = Vec::with_capacity(words.len());
    for word in words {
        let is_single = single(&word);
        match joined.last_mut() {
            Some((last, true)) if is_single && last.end == word.start => {
                last.text.push_str(&word.text);
                last.end = word.end;
                last.byte_end = word.byte_end;
            }
            _ => joined.push((word, is_single)),
        }
    }
    joined.into_iter().map(|(word, _)| word).collect()
}

/// Adjacent words that together are a word of the vocabulary (意向 + 客户 = 意向客户, a variant
/// of 潜在客户) are that word: the segmenter keeps such compounds in pieces (see
/// `Segmenter::with_vocabulary`), the vocabulary knows them whole. Longest first, up to four words.
fn join_vocabulary_phrases(words: Vec<Token>, vocabulary: &Vocabulary) -> Vec<Token> {
    const LONGEST: usize = 4;
    let mut joined = Vec::with_capacity(words.len());
    let mut at = 0;
    while at < words.len() {
        let mut taken = 1;
        for length in (2..=LONGEST.min(words.len() - at)).rev() {
            let run = &words[at..at + length];
            if run.windows(2).any(|w| w[0].end != w[1].start) {
                continue;
            }
            let text: String = run.iter().map(|t| t.text.as_str()).collect();
            if vocabulary.knows(&text) {
                let mut word = run[0].clone();
                word.text = text;
                word.end = run[length - 1].end;
                word.byte_end = run[length - 1].byte_end;
                joined.push(word);
                taken = length;
                break;
            }
        }
        if taken == 1 {
            joined.push(words[at].clone());
        }
        at += taken;
    }
    joined
}

/// A compound that dictionary words tile completely (逾期催收 = 逾期 + 催收) asks for each of its
/// parts, so it becomes one concept per part, each also matched by the whole compound; a word the
/// lexicon lists (销售顾问, 试乘试驾) is a unit and stays one concept, as does any other word.
fn chinese_concepts(word: &str, segmenter: &Segmenter, vocabulary: &Vocabulary) -> Vec<Concept> {
    let tiles = if vocabulary.in_lexicon(word) {
        Vec::new()
    } else {
        tiling(word, segmenter)
    };
    if tiles.len() < 2 {
        return vec![chinese_concept(word, segmenter, vocabulary)];
    }
    tiles
        .iter()
        .filter(|part| !vocabulary.is_stopword(part))
        .map(|part| {
            let mut concept = chinese_concept(part, segmenter, vocabulary);
            push_term(&mut concept, word, 1.0, Origin::Typed);
            expand(&mut concept, word, vocabulary);
            if let Some(head) = vocabulary.head_of(word) {
                concept.label = head.to_string();
            }
            concept
        })
        .collect()
}

/// The dictionary words inside `word` that cover it left to right without gaps (longest
/// first), or nothing when they do not.
fn tiling(word: &str, segmenter: &Segmenter) -> Vec<String> {
    let length = word.chars().count();
    if length < 3 {
        return Vec::new();
    }
    let parts: Vec<_> = segmenter
        .tokens(word)
        .into_iter()
        .filter(|t| t.end - t.start < length)
        .collect();
    let mut tiles = Vec::new();
    let mut at = 0;
    while at < length {
        let Some(next) = parts
            .iter()
            .filter(|t| t.start == at && t.end - t.start >= 2)
            .max_by_key(|t| t.end)
        else {
            return Vec::new();
        };
        tiles.push(next.text.clone());
        at = next.end;
    }
    tiles
}

fn chinese_concept(word: &str, segmenter: &Segmenter, vocabulary: &Vocabulary) -> Concept {
    let label = vocabulary.head_of(word).unwrap_or(word);
    let mut concept = Concept::new(word, label);
    push_term(&mut concept, word, 1.0, Origin::Typed);
    let length = word.chars().count();
    for part in segmenter.tokens(word) {
        // Single characters of a word the dictionary does not know say little on their own.
        if part.end - part.start > 1 || length == 1 {
            push_term(&mut concept, &part.text, PART_BOOST, Origin::Part);
        }
    }
    expand(&mut concept, word, vocabulary);
    concept
}

/// The vocabulary's terms for `word`: its synonyms and variants, then its broader and narrower
/// terms, each at its own weight (a term already there keeps the higher one).
fn expand(concept: &mut Concept, word: &str, vocabulary: &Vocabulary) {
    for synonym in vocabulary.synonyms_of(word) {
        push_term(concept, synonym, SYNONYM_BOOST, Origin::Synonym);
    }
    for general in vocabulary.broader_of(word) {
        push_term(concept, general, BROADER_BOOST, Origin::Broader);
    }
    for specific in vocabulary.narrower_of(word) {
        push_term(concept, specific, NARROWER_BOOST, Origin::Narrower);
    }
}

pub(crate) fn push_term(concept: &mut Concept, text: &str, boost: f32, origin: Origin) {
    if text.is_empty() {
        return;
    }
    if let Some(existing) = concept.terms.iter_mut().find(|t| t.text == text) {
        if boost > existing.boost {
            existing.boost = boost;
            existing.origin = origin;
        }
        return;
    }
    concept.terms.push(QueryTerm {
        text: text.to_string(),
        boost,
        origin,
    });
}

fn flush_english(
    words: &mut Vec<String>,
    segmenter: &Segmenter,
    vocabulary: &Vocabulary,
    analyzed: &mut AnalyzedQuery,
) {
    if words.is_empty() {
        return;
    }
    let originals = std::mem::take(words);
    let singular: Vec<String> = originals
        .iter()
        .map(|w| english_words(w).pop().unwrap_or_default())
        .collect();
    let mut k = 0;
    while k < originals.len() {
        if let Some((length, entry)) = vocabulary.glossary_match(&singular[k..]) {
            let source = originals[k..k + length].join(" ");
            let main = &entry.chinese[0];
            // A translation the segmenter cuts into words (试驾路线 = 试驾 + 路线) asks for
            // each of them, as the same compound typed in Chinese does.
            let tiles = if vocabulary.in_lexicon(main) {
                Vec::new()
            } else {
                tiling(main, segmenter)
            };
            let parts = if tiles.len() < 2 {
                vec![main.clone()]
            } else {
                tiles
            };
            for part in parts.iter().filter(|p| !vocabulary.is_stopword(p)) {
                let mut concept = Concept::new(&source, main);
                push_term(&mut concept, part, 1.0, Origin::English);
                for (i, chinese) in entry.chinese.iter().enumerate() {
                    // The main translation is also looked for in titles; the others only in
                    // the duties (each title lookup is one more scorer per query).
                    let (boost, origin) = if i == 0 {
                        (1.0, Origin::English)
                    } else {
                        (ALTERNATE_BOOST, Origin::Synonym)
                    };
                    push_term(&mut concept, chinese, boost, origin);
                }
                if part != main {
                    for inside in segmenter.tokens(part) {
                        if inside.end - inside.start > 1 {
                            push_term(&mut concept, &inside.text, PART_BOOST, Origin::Part);
                        }
                    }
                    expand(&mut concept, part, vocabulary);
                }
                expand(&mut concept, main, vocabulary);
                for general in &entry.broader {
                    push_term(&mut concept, general, BROADER_BOOST, Origin::Broader);
                }
                analyzed.concepts.push(concept);
            }
            k += length;
        } else if vocabulary.is_stopword(&originals[k])
            || vocabulary.is_english_stopword(&singular[k])
        {
            analyzed.ignored.push(originals[k].clone());
            k += 1;
        } else {
            let mut concept = Concept::new(&originals[k], &originals[k]);
            push_term(&mut concept, &originals[k], 1.0, Origin::Typed);
            english_word_fallback(&mut concept, &singular[k], vocabulary);
            analyzed.concepts.push(concept);
            k += 1;
        }
    }
}

/// An English word no glossary phrase of the query covers (`renewals` in "renewals of car
/// insurance") is looked for through the phrases it ends: the main translations of the first
/// few, as fallback terms, shown under the first one. A word the duties hold as written (PDI, 4S)
/// still matches as typed.
fn english_word_fallback(concept: &mut Concept, word: &str, vocabulary: &Vocabulary) {
    let entries = vocabulary.entries_ending_with(word);
    for entry in entries.into_iter().take(MAX_ENGLISH_WORD_ENTRIES) {
        let main = &entry.chinese[0];
        if concept.label == concept.source {
            concept.label = main.clone();
        }
        push_term(concept, main, ENGLISH_WORD_BOOST, Origin::Fallback);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::shipped_segmenter;

    fn sources(query: &str) -> (Vec<String>, Vec<String>) {
        let analyzed = analyze(query, shipped_segmenter(), &Vocabulary::shipped());
        (
            analyzed.concepts.iter().map(|c| c.source.clone()).collect(),
            analyzed.ignored,
        )
    }

    #[test]
    fn question_words_are_ignored() {
        let (concepts, ignored) = sources("谁负责保险续保");
        assert_eq!(concepts, ["保险", "续保"]);
        assert!(ignored.contains(&"谁".to_string()));
        let (concepts, _) = sources("哪个岗位负责精品销售");
        assert!(concepts
            .iter()
            .all(|c| c != "哪个" && c != "岗位" && c != "负责"));
        assert!(concepts.iter().any(|c| c.contains("精品")));
        // Prepositions carry no duty: 向总经理汇报 is about 总经理 and 汇报.
        let (concepts, ignored) = sources("谁负责向总经理汇报销售进度");
        assert_eq!(concepts, ["总经理", "汇报", "销售", "进度"]);
        assert!(ignored.contains(&"向".to_string()));
    }

    #[test]
    fn filler_only_queries_still_search() {
        let (concepts, _) = sources("负责");
        assert_eq!(concepts, ["负责"]);
    }

    #[test]
    fn english_goes_through_the_glossary() {
        let analyzed = analyze(
            "Who handles insurance renewals?",
            shipped_segmenter(),
            &Vocabulary::shipped(),
        );
        assert_eq!(analyzed.concepts.len(), 1);
        assert_eq!(analyzed.concepts[0].terms[0].text, "续保");
    }

    #[test]
    fn an_english_word_no_phrase_covers_goes_through_the_phrases_it_ends() {
        // No phrase is `reminder` alone; `maintenance reminder` comes first of those it ends.
        let analyzed = analyze(
            "who sends the reminders",
            shipped_segmenter(),
            &Vocabulary::shipped(),
        );
        let reminders = analyzed
            .concepts
            .iter()
            .find(|c| c.source == "reminders")
            .expect("reminders is a concept");
        assert_eq!(reminders.label, "保养提醒");
        let term = reminders
            .terms
            .iter()
            .find(|t| t.text == "保养提醒")
            .unwrap();
        assert_eq!(term.origin, Origin::Fallback);
        assert!(term.boost < 1.0);
    }

    #[test]
    fn synonyms_weigh_less_than_typed_words() {
        let analyzed = analyze("客户投诉", shipped_segmenter(), &Vocabulary::shipped());
        let terms = &analyzed.concepts[0].terms;
        assert_eq!(terms[0].boost, 1.0);
        let complaint = terms.iter().find(|t| t.text == "抱怨").unwrap();
        assert!(complaint.boost < 1.0);
    }

    #[test]
    fn syntax_characters_are_plain_text() {
        for query in ["\"保险", "a:b", "+ - ( ) AND OR", "(((", "*", ""] {
            let _ = analyze(query, shipped_segmenter(), &Vocabulary::shipped());
        }
    }

    #[test]
    fn long_and_repetitive_queries_stay_small() {
        let vocabulary = Vocabulary::shipped();
        let repeated = analyze(&"保险".repeat(5000), shipped_segmenter(), &vocabulary);
        assert_eq!(repeated.concepts.len(), 1);
        let page = include_str!("../../corpus/4s店岗位职责合集.txt");
        let pasted = analyze(page, shipped_segmenter(), &vocabulary);
        assert_eq!(pasted.concepts.len(), MAX_CONCEPTS);
    }
}
