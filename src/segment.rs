//! segment: jieba with the dealership lexicon, character folding (width, case, Traditional →
//! Simplified) that keeps every character offset, and the tantivy tokenizer built on them. The
//! vocabulary files (lexicon, stop words, synonyms, concepts, English glossary) are read by
//! [`vocabulary`].

mod vocabulary;

pub use vocabulary::{
    english_stems, english_words, ConceptEntry, GlossaryEntry, Vocabulary, VocabularyFiles,
};

use crate::error::{Error, Result};
use jieba_rs::Jieba;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, OnceLock};

const TRADITIONAL: &str = include_str!("../data/traditional.txt");
const COMMON_WORDS: &str = include_str!("../data/common_words.txt");

/// Frequency given to a lexicon word listed without one (jieba's scale: a common two-character
/// word has a few thousand), raised further when jieba would still split the word.
const LEXICON_FREQUENCY: usize = 3000;

/// The total frequency of jieba's default dictionary, used when it cannot be read back.
const DEFAULT_TOTAL: usize = 60_101_967;

/// Every character of the Basic Multilingual Plane folded ahead of time (0 for one the folding
/// leaves alone): 256 KB once, and then folding — done for every character indexed —
/// is an array read instead of a hash lookup.
fn fold_table() -> &'static [u32] {
    static TABLE: OnceLock<Vec<u32>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let traditional = traditional_map();
        (0..=0xFFFFu32)
            .map(|code| {
                let Some(c) = char::from_u32(code) else {
                    return 0;
                };
                let folded = fold_slow(c, &traditional);
                if folded == c {
                    0
                } else {
                    folded as u32
                }
            })
            .collect()
    })
}

/// The character table Traditional → Simplified (`data/traditional.txt`).
fn traditional_map() -> HashMap<char, char> {
    let mut map = HashMap::new();
    for line in TRADITIONAL.lines().filter(|l| !l.starts_with('#')) {
        let chars: Vec<char> = line.chars().collect();
        for pair in chars.chunks_exact(2) {
            map.insert(pair[0], pair[1]);
        }
    }
    map
}

fn fold_slow(c: char, traditional: &HashMap<char, char>) -> char {
    let c = crate::normalize::fold_char(c);
    if c.is_ascii() {
        c.to_ascii_lowercase()
    } else {
        traditional.get(&c).copied().unwrap_or(c)
    }
}

/// Folds one character for matching: full-width to half-width, ASCII to lower case, Traditional
/// to Simplified. One character in, one out, so offsets in folded text are offsets in the
/// original (Traditional conversion is done character by character for that reason).
pub fn fold(c: char) -> char {
    match fold_table().get(c as usize) {
        Some(&0) | None => c,
        Some(&folded) => char::from_u32(folded).unwrap_or(c),
    }
}

/// Folds every character of `text` (same number of characters).
pub fn fold_text(text: &str) -> String {
    text.chars().map(fold).collect()
}

/// A word as the segmenter found it: folded text, character and original byte offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The folded word (lower case, half-width, Simplified).
    pub text: String,
    /// Character offsets in the original text, end exclusive.
    pub start: usize,
    pub end: usize,
    /// Byte offsets in the original text, end exclusive.
    pub byte_start: usize,
    pub byte_end: usize,
}

/// jieba over folded text, in search mode (a long word also yields the shorter words inside it),
/// without HMM guessing so that a query and an indexed duty containing the same string are cut
/// the same way.
#[derive(Clone)]
pub struct Segmenter {
    jieba: Arc<Jieba>,
}

impl std::fmt::Debug for Segmenter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Segmenter({:?})", self.jieba)
    }
}

impl Segmenter {
    /// jieba's full dictionary plus every word of the vocabulary. Costs about 100–250 ms (the
    /// dictionary load): done when indexing, never per query.
    pub fn with_vocabulary(vocabulary: &Vocabulary) -> Segmenter {
        let mut jieba = Jieba::new();
        for (word, frequency) in &vocabulary.lexicon {
            let frequency = frequency.unwrap_or_else(|| {
                // A word the dictionary already rates highly keeps its rating.
                LEXICON_FREQUENCY.max(jieba.suggest_freq(word))
            });
            jieba.add_word(word, Some(frequency), None);
        }
        // The words of the synonym groups and the glossary are kept whole. The concepts' words
        // are added only when the dictionary cannot cut them into words already: 上户 (上 + 户)
        // becomes a word, while 试驾车辆 (试驾 + 车辆) stays two, since as one word it would take
        // 试驾 from 试乘试驾 in 试乘试驾车辆. A query finds such a compound by its words (see
        // `search::query`).
        let (units, compounds) = vocabulary.segmenter_words();
        for word in units {
            if !jieba.has_word(&word) {
                let frequency = LEXICON_FREQUENCY.max(jieba.suggest_freq(&word));
                jieba.add_word(&word, Some(frequency), None);
            }
        }
        for word in compounds {
            // A single character is cut as one already; made a word, it would break others.
            let single = word.chars().count() < 2;
            if !single && !jieba.has_word(&word) && !cuts_into_words(&jieba, &word) {
                // Just enough to be cut whole on its own, and no more: in 配件库存 the words
                // 配件 + 库存 still win over the concept word 配件库.
                let frequency = jieba.suggest_freq(&word);
                jieba.add_word(&word, Some(frequency), None);
            }
        }
        Segmenter {
            jieba: Arc::new(jieba),
        }
    }

    /// A small dictionary (as written by [`Segmenter::dictionary_for`]): loads in a millisecond or
    /// two, where jieba's full dictionary takes a hundred.
    pub fn from_dictionary(text: &str) -> Result<Segmenter> {
        let mut total = DEFAULT_TOTAL;
        let mut body = String::with_capacity(text.len());
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("#total ") {
                total = rest.trim().parse().unwrap_or(DEFAULT_TOTAL);
            } else if !line.starts_with('#') {
                body.push_str(line);
                body.push('\n');
            }
        }
        let mut jieba = Jieba::with_dict(&mut body.as_bytes())
            .map_err(|e| Error::Other(format!("segmenter dictionary: {e}")))?;
        // Word probabilities are frequency / total: padding the total back to the full
        // dictionary's keeps every route's probability, and so the cut, the same as at index time.
        let small_total = total_frequency(&jieba).unwrap_or(0);
        if total > small_total {
            jieba.add_word("\u{F8FF}", Some(total - small_total), None);
        }
        Ok(Segmenter {
            jieba: Arc::new(jieba),
        })
    }

    /// The dictionary a query-time segmenter needs: `words` (the index's terms and the
    /// vocabulary's words) with this segmenter's frequencies, and the total frequency.
    pub fn dictionary_for<'a>(&self, words: impl IntoIterator<Item = &'a str>) -> String {
        let mut out = format!(
            "#total {}\n",
            total_frequency(&self.jieba).unwrap_or(DEFAULT_TOTAL)
        );
        let mut seen = HashSet::new();
        for word in words {
            if word.chars().any(char::is_whitespace) || !seen.insert(word) {
                continue;
            }
            if self.jieba.has_word(word) {
                out.push_str(&format!("{} {}\n", word, self.jieba.suggest_freq(word)));
            }
        }
        out
    }

    /// The words of the vocabulary that a query-time dictionary must hold besides the index's
    /// terms: those this segmenter keeps whole. One it cuts into pieces (领用, a concept variant,
    /// in 领用管理) is left out, since the small dictionary would get it at its suggested
    /// frequency, above its own, and keep it whole where this one does not.
    /// jieba's most frequent words are added too (`data/common_words.txt`), so that a query word
    /// the corpus never uses is cut as jieba cuts it.
    pub fn whole_vocabulary_words(&self, vocabulary: &Vocabulary) -> Vec<String> {
        let mut words = Segmenter::vocabulary_words(vocabulary);
        words.extend(
            COMMON_WORDS
                .lines()
                .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
                .map(|l| l.trim().to_string()),
        );
        words.retain(|w| self.jieba.cut(w, false).len() == 1);
        words
    }

    /// The words of the vocabulary that a query-time dictionary must hold besides the index's terms.
    pub fn vocabulary_words(vocabulary: &Vocabulary) -> Vec<String> {
        let mut words = vocabulary.chinese_words();
        words.extend(vocabulary.lexicon.iter().map(|(w, _)| w.clone()));
        words
    }

    /// Search-mode tokens of `text`: every word and the dictionary words inside longer ones,
    /// sorted by position; punctuation and spaces dropped. Offsets refer to the original text.
    pub fn tokens(&self, text: &str) -> Vec<Token> {
        self.cut(text, true)
    }

    /// Precise-mode words of `text` (no overlaps), punctuation and spaces dropped.
    pub fn words(&self, text: &str) -> Vec<Token> {
        self.cut(text, false)
    }

    fn cut(&self, text: &str, search: bool) -> Vec<Token> {
        let folded = fold_text(text);
        let mut bytes: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
        bytes.push(text.len());
        let raw = if search {
            self.jieba.cut_for_search(&folded, false)
        } else {
            self.jieba.cut(&folded, false)
        };
        let mut tokens: Vec<Token> = raw
            .into_iter()
            .filter(|t| is_word(t.word))
            .map(|t| Token {
                text: t.word.to_string(),
                start: t.start,
                end: t.end,
                byte_start: bytes[t.start],
                byte_end: bytes[t.end],
            })
            .collect();
        tokens.sort_by_key(|t| (t.start, t.end));
        tokens
    }
}

/// Whether dictionary words of two or more characters cover `word` end to end (试驾车辆 =
/// 试驾 + 车辆), whichever way jieba would cut it.
fn cuts_into_words(jieba: &Jieba, word: &str) -> bool {
    let chars: Vec<char> = word.chars().collect();
    let mut reachable = vec![false; chars.len() + 1];
    reachable[0] = true;
    for start in 0..chars.len() {
        if !reachable[start] {
            continue;
        }
        for end in start + 2..=chars.len() {
            // The whole word is not one of its own parts.
            if start == 0 && end == chars.len() {
                continue;
            }
            let part: String = chars[start..end].iter().collect();
            if jieba.has_word(&part) {
                reachable[end] = true;
            }
        }
    }
    reachable[chars.len()]
}

/// jieba-rs keeps its total frequency private but prints it in its Debug form.
fn total_frequency(jieba: &Jieba) -> Option<usize> {
    let debug = format!("{jieba:?}");
    let rest = &debug[debug.find("total_freq: ")? + "total_freq: ".len()..];
    rest.split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

/// The tantivy tokenizer: search-mode jieba tokens over folded text, positions in characters,
/// offsets in bytes of the original text. Indexing calls it once per duty, so it reuses its
/// buffers (the folded text, the offsets, the tokens and their strings) from call to call
/// instead of allocating them per duty and per token.
pub struct ZhTokenizer {
    segmenter: Segmenter,
    folded: String,
    /// Byte offset in the original text of each character, and the text's length.
    bytes: Vec<usize>,
    tokens: Vec<tantivy::tokenizer::Token>,
    /// The words of each clause met so far (see [`clauses`]): copied documents repeat their
    /// clauses over and over, and a clause cut once need not be cut again.
    clauses: HashMap<Box<str>, Box<[Piece]>>,
}

/// A word of a clause, in characters and bytes of the (folded) clause.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Piece {
    start: u32,
    end: u32,
    byte_start: u32,
    byte_end: u32,
}

/// Clauses remembered per tokenizer before the memory is given back (a clause is a few dozen
/// bytes: a few MB at most).
const CLAUSE_CACHE: usize = 100_000;

impl Clone for ZhTokenizer {
    /// A clone starts with empty buffers and remembers no clauses.
    fn clone(&self) -> ZhTokenizer {
        ZhTokenizer::new(self.segmenter.clone())
    }
}

impl ZhTokenizer {
    pub fn new(segmenter: Segmenter) -> ZhTokenizer {
        ZhTokenizer {
            segmenter,
            folded: String::new(),
            bytes: Vec::new(),
            tokens: Vec::new(),
            clauses: HashMap::new(),
        }
    }
}

/// Whether `c` ends a clause: a space or punctuation that jieba never puts inside a block of
/// words (its blocks are CJK ideographs, ASCII letters and digits and `+#&._%-`) and that is
/// not a word itself. jieba cuts each block on its own and gives every character between
/// blocks as a token of its own, so cutting the text clause by clause gives exactly the words
/// of cutting it whole.
fn ends_clause(c: char) -> bool {
    if c.is_ascii() {
        return !c.is_ascii_alphanumeric() && !matches!(c, '+' | '#' | '&' | '.' | '_' | '%' | '-');
    }
    matches!(c, '\u{2000}'..='\u{206F}' | '\u{3000}'..='\u{303F}' | '\u{FF00}'..='\u{FFEF}')
        && !c.is_alphanumeric()
}

pub struct ZhTokenStream<'a> {
    tokens: &'a mut [tantivy::tokenizer::Token],
    next: usize,
}

/// Whether a token is a word (not punctuation or spaces); the common case, a CJK ideograph,
/// without a Unicode table lookup.
fn is_word(word: &str) -> bool {
    word.chars()
        .any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c) || c.is_alphanumeric())
}

impl tantivy::tokenizer::Tokenizer for ZhTokenizer {
    type TokenStream<'a> = ZhTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> ZhTokenStream<'a> {
        self.folded.clear();
        self.folded.extend(text.chars().map(fold));
        self.bytes.clear();
        self.bytes.extend(text.char_indices().map(|(b, _)| b));
        self.bytes.push(text.len());
        if self.clauses.len() > CLAUSE_CACHE {
            self.clauses = HashMap::new();
        }
        let ZhTokenizer {
            segmenter,
            folded,
            bytes,
            tokens,
            clauses,
        } = self;
        let mut count = 0;
        // (character, byte) where the current clause starts.
        let mut clause_start = (0usize, 0usize);
        let mut chars = 0usize;
        let mut emit = |clause_start: (usize, usize), clause: &str| {
            if clause.is_empty() {
                return;
            }
            let pieces = match clauses.get(clause) {
                Some(pieces) => pieces,
                None => {
                    let cut: Box<[Piece]> = segmenter
                        .jieba
                        .cut_for_search(clause, false)
                        .into_iter()
                        .filter(|t| is_word(t.word))
                        .map(|t| Piece {
                            start: t.start as u32,
                            end: t.end as u32,
                            byte_start: t.byte_start as u32,
                            byte_end: t.byte_end as u32,
                        })
                        .collect();
                    clauses.entry(clause.into()).or_insert(cut)
                }
            };
            for piece in pieces.iter() {
                if count == tokens.len() {
                    tokens.push(tantivy::tokenizer::Token::default());
                }
                let (start, end) = (
                    clause_start.0 + piece.start as usize,
                    clause_start.0 + piece.end as usize,
                );
                let token = &mut tokens[count];
                token.text.clear();
                token
                    .text
                    .push_str(&clause[piece.byte_start as usize..piece.byte_end as usize]);
                token.offset_from = bytes[start];
                token.offset_to = bytes[end];
                token.position = start;
                token.position_length = 1;
                count += 1;
            }
        };
        for (at, c) in folded.char_indices() {
            if ends_clause(c) {
                emit(clause_start, &folded[clause_start.1..at]);
                clause_start = (chars + 1, at + c.len_utf8());
            }
            chars += 1;
        }
        emit(clause_start, &folded[clause_start.1..]);
        let tokens = &mut self.tokens[..count];
        // Search mode yields the words inside a long word after it is cut; positions in order.
        tokens.sort_unstable_by_key(|t| (t.position, t.offset_to));
        ZhTokenStream { tokens, next: 0 }
    }
}

impl tantivy::tokenizer::TokenStream for ZhTokenStream<'_> {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &tantivy::tokenizer::Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut tantivy::tokenizer::Token {
        &mut self.tokens[self.next - 1]
    }
}

/// A segmenter with the shipped vocabulary, built once per process (tests, one-off tools).
pub fn shipped_segmenter() -> &'static Segmenter {
    static SEGMENTER: OnceLock<Segmenter> = OnceLock::new();
    SEGMENTER.get_or_init(|| Segmenter::with_vocabulary(&Vocabulary::shipped()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(tokens: &[Token]) -> Vec<&str> {
        tokens.iter().map(|t| t.text.as_str()).collect()
    }

    #[test]
    fn folding_keeps_one_character_per_character() {
        assert_eq!(fold_text("負責保險續保"), "负责保险续保");
        assert_eq!(fold_text("ＣＳＩ　考核"), "csi 考核");
        let text = "展車清潔由誰負責（ＰＤＩ）";
        assert_eq!(fold_text(text).chars().count(), text.chars().count());
    }

    #[test]
    fn lexicon_words_stay_whole() {
        let segmenter = shipped_segmenter();
        let tokens = segmenter.words("负责展车的清洁,发展二网,做好加装及保险工作,PDI检测");
        let words = words(&tokens);
        for expected in ["展车", "二网", "加装", "pdi"] {
            assert!(
                words.contains(&expected),
                "{expected} missing from {words:?}"
            );
        }
    }

    #[test]
    fn offsets_point_at_the_original_characters() {
        let segmenter = shipped_segmenter();
        let text = "負責ＰＤＩ檢測與續保";
        for token in segmenter.tokens(text) {
            let original: String = text
                .chars()
                .skip(token.start)
                .take(token.end - token.start)
                .collect();
            assert_eq!(&text[token.byte_start..token.byte_end], original);
            assert_eq!(fold_text(&original), token.text);
        }
        let tokens = segmenter.tokens(text);
        assert!(words(&tokens).contains(&"续保"));
        assert!(words(&tokens).contains(&"pdi"));
    }

    #[test]
    fn search_mode_yields_the_words_inside_long_words() {
        let tokens = shipped_segmenter().tokens("试乘试驾车辆的维护");
        let words = words(&tokens);
        assert!(words.contains(&"试乘试驾"), "{words:?}");
        assert!(words.contains(&"试驾"), "{words:?}");
    }

    #[test]
    fn small_dictionary_cuts_like_the_full_one() {
        let full = shipped_segmenter();
        let corpus = include_str!("../corpus/4s店岗位职责合集.txt");
        let mut terms: Vec<String> = full.tokens(corpus).into_iter().map(|t| t.text).collect();
        terms.extend(full.whole_vocabulary_words(&Vocabulary::shipped()));
        let dictionary = full.dictionary_for(terms.iter().map(String::as_str));
        let small = Segmenter::from_dictionary(&dictionary).unwrap();
        let mut differ = 0;
        let lines: Vec<&str> = corpus.lines().filter(|l| !l.trim().is_empty()).collect();
        for line in &lines {
            if full.tokens(line) != small.tokens(line) {
                differ += 1;
            }
        }
        assert_eq!(
            differ,
            0,
            "{differ} of {} lines cut differently",
            lines.len()
        );
    }

    /// The tokens of cutting the whole folded text at once, as the tokenizer did before it cut
    /// clause by clause.
    fn whole_text_tokens(segmenter: &Segmenter, text: &str) -> Vec<(String, usize, usize)> {
        let folded = fold_text(text);
        let bytes: Vec<usize> = text
            .char_indices()
            .map(|(b, _)| b)
            .chain([text.len()])
            .collect();
        let mut tokens: Vec<_> = segmenter
            .jieba
            .cut_for_search(&folded, false)
            .into_iter()
            .filter(|t| is_word(t.word))
            .map(|t| (t.word.to_string(), t.start, bytes[t.end]))
            .collect();
        tokens.sort_by_key(|t| (t.1, t.2));
        tokens
    }

    fn stream_tokens(tokenizer: &mut ZhTokenizer, text: &str) -> Vec<(String, usize, usize)> {
        use tantivy::tokenizer::{TokenStream, Tokenizer};
        let mut stream = tokenizer.token_stream(text);
        let mut tokens = Vec::new();
        while stream.advance() {
            let t = stream.token();
            assert_eq!(
                fold_text(&text[t.offset_from..t.offset_to]),
                t.text,
                "offsets of {t:?}"
            );
            tokens.push((t.text.clone(), t.position, t.offset_to));
        }
        tokens
    }

    #[test]
    fn cutting_clause_by_clause_gives_the_words_of_cutting_the_whole_text() {
        let segmenter = shipped_segmenter();
        let mut tokenizer = ZhTokenizer::new(segmenter.clone());
        let corpus = include_str!("../corpus/4s店岗位职责合集.txt");
        let tricky = [
            "负责WES-5.4.5系统，A&B+C#与C++、.NET_core 100%完成",
            "〇一二三々〆 〡〢负责 销售",
            "ｶﾀｶﾅ半角　全角ＡＢＣ１２３，負責銷售經理",
            "日本語のテキストと한국어Привет负责🙂管理",
            "负责，，；…销售——管理\r\n\r\n（一）、客户\t回访 ",
            "",
            "，。",
        ];
        let lines = corpus.lines().chain(tricky);
        let mut clauses_before = 0;
        for round in 0..2 {
            for line in lines.clone() {
                assert_eq!(
                    stream_tokens(&mut tokenizer, line),
                    whole_text_tokens(segmenter, line),
                    "round {round}: {line}"
                );
            }
            // The second round is answered from the remembered clauses.
            if round == 0 {
                clauses_before = tokenizer.clauses.len();
                assert!(clauses_before > 1000, "{clauses_before}");
            } else {
                assert_eq!(tokenizer.clauses.len(), clauses_before);
            }
        }
    }

    #[test]
    fn the_fold_table_folds_as_the_rules_do() {
        let traditional = traditional_map();
        for code in (0..=0x10FFFFu32).step_by(7).chain(0x4E00..0xA000) {
            if let Some(c) = char::from_u32(code) {
                assert_eq!(fold(c), fold_slow(c, &traditional), "U+{code:04X}");
            }
        }
        assert_eq!(fold_text("Ａ銷售經理，ＡＢＣ"), "a销售经理,abc");
    }

    #[test]
    fn traditional_table_agrees_with_zhconv() {
        let map = traditional_map();
        assert!(map.len() > 3000);
        for (&traditional, &simplified) in map.iter().take(400) {
            let converted = zhconv::zhconv(&traditional.to_string(), zhconv::Variant::ZhHans);
            assert_eq!(converted, simplified.to_string(), "{traditional}");
        }
    }
}
