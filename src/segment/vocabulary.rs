//! The vocabulary as data: lexicon, stop words, synonyms, concepts (variants, broader terms and
//! English phrases per department) and the English glossary. The shipped files are embedded;
//! the user's own files are read after them by the same code.

use super::fold_text;
use crate::error::{Error, Result};
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

const LEXICON: &str = include_str!("../../data/lexicon.txt");
const STOPWORDS: &str = include_str!("../../data/stopwords.txt");
const SYNONYMS: &str = include_str!("../../data/synonyms.txt");
const CONCEPTS: &str = include_str!("../../data/concepts.txt");
const GLOSSARY: &str = include_str!("../../data/glossary_en.txt");

/// The user's own vocabulary files, loaded after the shipped ones.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct VocabularyFiles {
    pub lexicon: Option<PathBuf>,
    pub stopwords: Option<PathBuf>,
    pub synonyms: Option<PathBuf>,
    pub glossary: Option<PathBuf>,
    #[serde(default)]
    pub concepts: Option<PathBuf>,
}

/// One English glossary entry: its phrases (each a list of folded, singular words) and the
/// Chinese words it stands for, main translation first, and (from a concept) its broader terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlossaryEntry {
    pub english: Vec<Vec<String>>,
    pub chinese: Vec<String>,
    pub broader: Vec<String>,
}

/// One line of a concepts file: the words duties and people use for one thing (the duties'
/// usual word first), the more general terms it falls under, and its English phrases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConceptEntry {
    /// The department section the line is in (`金融保险 | finance and insurance`).
    pub department: String,
    pub variants: Vec<String>,
    pub broader: Vec<String>,
    /// The English phrases as written (folded).
    pub english: Vec<String>,
}

/// Lexicon, stop words, synonyms, concepts and the English glossary: data, not code. Shared:
/// an index, its searches and its tokenizer hold the same one, and a clone is a reference count
/// (cloning ~800 concepts' maps and dropping the copy cost a cold `zhize search` ≈ 30 % of its
/// time).
#[derive(Debug, Clone, Default)]
pub struct Vocabulary(Arc<VocabularyData>);

impl std::ops::Deref for Vocabulary {
    type Target = VocabularyData;

    fn deref(&self) -> &VocabularyData {
        &self.0
    }
}

/// What a [`Vocabulary`] holds.
#[derive(Debug, Default)]
pub struct VocabularyData {
    /// Words to keep whole, with an optional jieba frequency.
    pub lexicon: Vec<(String, Option<usize>)>,
    pub stopwords: HashSet<String>,
    /// For each word, the words a query for it also finds (synonym groups and concept variants).
    pub synonyms: HashMap<String, Vec<String>>,
    /// For each word, the more general terms a query for it also finds at a lower weight.
    pub broader: HashMap<String, Vec<String>>,
    /// For each word, the more specific terms a query for it also finds at a lower weight.
    pub narrower: HashMap<String, Vec<String>>,
    pub concepts: Vec<ConceptEntry>,
    pub glossary: Vec<GlossaryEntry>,
    lexicon_words: HashSet<String>,
    /// The words of synonym groups and of the glossary file, kept whole by the segmenter as
    /// before concepts existed (see [`VocabularyData::segmenter_words`]).
    unit_words: HashSet<String>,
    /// A concept variant → its concept's first variant (what `searched for:` shows).
    heads: HashMap<String, String>,
    /// English phrase (singular words joined by a space) → index into `glossary`.
    phrases: HashMap<String, usize>,
    /// English phrase (word stems joined by a space) → index into `glossary`, computed on the
    /// first English query (stemming every phrase costs a few milliseconds, which a Chinese
    /// query need not pay).
    stemmed: OnceLock<HashMap<String, usize>>,
    /// English word stem → the glossary entries with a phrase of several words it ends, each
    /// with its shortest such phrase's length; computed on the first English word no phrase
    /// covers.
    head_stems: OnceLock<HashMap<String, Vec<(usize, usize)>>>,
    longest_phrase: usize,
    /// The stems of the English stop words (handles, handling, handled → handl), computed on the
    /// first English query.
    stop_stems: OnceLock<HashSet<String>>,
    /// A digest of every vocabulary text loaded: part of the index fingerprint.
    pub digest: String,
}

impl Vocabulary {
    /// The shipped vocabulary only (read once per process).
    pub fn shipped() -> Vocabulary {
        static SHIPPED: OnceLock<Vocabulary> = OnceLock::new();
        SHIPPED
            .get_or_init(|| {
                Vocabulary::load(&VocabularyFiles::default())
                    .expect("the shipped vocabulary parses")
            })
            .clone()
    }

    /// The shipped vocabulary, then the user's files.
    pub fn load(files: &VocabularyFiles) -> Result<Vocabulary> {
        let mut vocabulary = VocabularyData::default();
        let mut hasher = blake3::Hasher::new();
        let sources: [(&str, &Option<PathBuf>, Kind); 5] = [
            (LEXICON, &files.lexicon, Kind::Lexicon),
            (STOPWORDS, &files.stopwords, Kind::Stopwords),
            (SYNONYMS, &files.synonyms, Kind::Synonyms),
            (CONCEPTS, &files.concepts, Kind::Concepts),
            (GLOSSARY, &files.glossary, Kind::Glossary),
        ];
        for (shipped, user, kind) in sources {
            hasher.update(shipped.as_bytes());
            vocabulary.add(shipped, kind, kind.shipped_name())?;
            if let Some(path) = user {
                let text = read_text(path)?;
                hasher.update(b"\0user\0");
                hasher.update(text.as_bytes());
                vocabulary.add(&text, kind, &path.display().to_string())?;
            }
            hasher.update(b"\0");
        }
        vocabulary.digest = hasher.finalize().to_hex().to_string();
        Ok(Vocabulary(Arc::new(vocabulary)))
    }
}

impl VocabularyData {
    fn add(&mut self, text: &str, kind: Kind, file: &str) -> Result<()> {
        let mut department = String::new();
        for (number, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let bad = |message: &str| Error::BadLine {
                file: file.to_string(),
                line: number + 1,
                message: message.to_string(),
            };
            match kind {
                Kind::Lexicon => {
                    let mut parts = line.split_whitespace();
                    let word = fold_text(parts.next().unwrap_or_default());
                    let frequency = match parts.next() {
                        Some(f) => Some(
                            f.parse::<usize>()
                                .map_err(|_| bad("the frequency must be a whole number"))?,
                        ),
                        None => None,
                    };
                    self.lexicon_words.insert(word.clone());
                    self.lexicon.push((word, frequency));
                }
                Kind::Stopwords => {
                    for word in line.split_whitespace() {
                        self.stopwords.insert(fold_text(word));
                    }
                }
                Kind::Synonyms => {
                    if let Some((from, to)) = line.split_once("=>") {
                        let to: Vec<String> = to.split_whitespace().map(fold_text).collect();
                        for word in from.split_whitespace().map(fold_text) {
                            self.add_synonyms(&word, &to);
                            self.unit_words.insert(word);
                        }
                    } else {
                        let words: Vec<String> = line.split_whitespace().map(fold_text).collect();
                        if words.len() < 2 {
                            return Err(bad("a synonym group needs at least two words"));
                        }
                        for word in &words {
                            self.add_synonyms(word, &words);
                        }
                        self.unit_words.extend(words);
                    }
                }
                Kind::Concepts => {
                    if let Some(section) = line.strip_prefix('[') {
                        let section = section
                            .strip_suffix(']')
                            .ok_or_else(|| bad("a department line is `[部门 | department]`"))?;
                        department = section.trim().to_string();
                        continue;
                    }
                    let concept = parse_concept(line, &department).map_err(bad)?;
                    self.add_concept(concept);
                }
                Kind::Glossary => {
                    let (english, chinese) = line
                        .split_once('=')
                        .ok_or_else(|| bad("expected `english phrase = 中文`"))?;
                    let chinese: Vec<String> = chinese.split_whitespace().map(fold_text).collect();
                    if chinese.is_empty() {
                        return Err(bad("no Chinese words after `=`"));
                    }
                    self.unit_words.extend(chinese.iter().cloned());
                    if !self.add_glossary(english, chinese, Vec::new()) {
                        return Err(bad("no English phrase before `=`"));
                    }
                }
            }
        }
        Ok(())
    }

    /// Adds an English entry; false when `english` holds no phrase.
    fn add_glossary(&mut self, english: &str, chinese: Vec<String>, broader: Vec<String>) -> bool {
        let phrases: Vec<Vec<String>> = english
            .split('|')
            .map(english_words)
            .filter(|w| !w.is_empty())
            .collect();
        if phrases.is_empty() {
            return false;
        }
        let entry = self.glossary.len();
        for phrase in &phrases {
            self.longest_phrase = self.longest_phrase.max(phrase.len());
            // A later entry for the same phrase wins, so a user's file overrides the shipped one.
            self.phrases.insert(phrase.join(" "), entry);
        }
        self.glossary.push(GlossaryEntry {
            english: phrases,
            chinese,
            broader,
        });
        true
    }

    fn add_concept(&mut self, concept: ConceptEntry) {
        let variants = &concept.variants;
        // A variant holding another (续保业务 holds 续保) is found through it, since the index
        // holds the words inside longer ones: a query for 续保 looking for 续保业务 as well
        // would count those duties twice. The other way round (续保业务 → 续保) is kept.
        for word in variants {
            let others: Vec<String> = variants
                .iter()
                .filter(|other| !other.contains(word.as_str()))
                .cloned()
                .collect();
            self.add_synonyms(word, &others);
        }
        for word in variants {
            if word != &variants[0] {
                self.heads
                    .entry(word.clone())
                    .or_insert_with(|| variants[0].clone());
            }
            for general in &concept.broader {
                if general != word {
                    push_unique(self.broader.entry(word.clone()).or_default(), general);
                    // A broader term reaches the concept by its first word (the duties'
                    // usual one), not by every everyday variant: each is a scorer per query.
                    if word == &variants[0] {
                        push_unique(self.narrower.entry(general.clone()).or_default(), word);
                    }
                }
            }
        }
        if !concept.english.is_empty() {
            let english = concept.english.join("|");
            self.add_glossary(&english, variants.clone(), concept.broader.clone());
        }
        self.concepts.push(concept);
    }

    fn add_synonyms(&mut self, word: &str, others: &[String]) {
        let list = self.synonyms.entry(word.to_string()).or_default();
        for other in others {
            if other != word {
                push_unique(list, other);
            }
        }
    }

    /// Whether the lexicon lists `folded_word`: a unit of meaning a query keeps whole.
    pub fn in_lexicon(&self, folded_word: &str) -> bool {
        self.lexicon_words.contains(folded_word)
    }

    pub fn is_stopword(&self, folded_word: &str) -> bool {
        self.stopwords.contains(folded_word)
    }

    /// Whether an English word (folded and singular, see [`english_words`]) is a question or
    /// filler word in any of its inflections (handles, handling, handled).
    pub fn is_english_stopword(&self, word: &str) -> bool {
        let stems = self.stop_stems.get_or_init(|| {
            self.stopwords
                .iter()
                .filter(|w| w.is_ascii())
                .map(|w| stem(w))
                .collect()
        });
        self.stopwords.contains(word) || stems.contains(&stem(word))
    }

    /// The words a query for `folded_word` also finds.
    pub fn synonyms_of(&self, folded_word: &str) -> &[String] {
        self.synonyms
            .get(folded_word)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The more general terms of `folded_word` (续保 → 车险, 保险).
    pub fn broader_of(&self, folded_word: &str) -> &[String] {
        self.broader
            .get(folded_word)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The more specific terms of `folded_word` (保险 → 续保, 车险, 理赔 …).
    pub fn narrower_of(&self, folded_word: &str) -> &[String] {
        self.narrower
            .get(folded_word)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Whether the vocabulary says something about `folded_word` (synonyms, broader or narrower
    /// terms): a compound a query should keep whole.
    pub fn knows(&self, folded_word: &str) -> bool {
        self.synonyms.contains_key(folded_word)
            || self.broader.contains_key(folded_word)
            || self.narrower.contains_key(folded_word)
            || self.lexicon_words.contains(folded_word)
    }

    /// The word a concept is known by (its first variant): 招人 → 招聘. None when `folded_word`
    /// is that word already or in no concept.
    pub fn head_of(&self, folded_word: &str) -> Option<&str> {
        self.heads.get(folded_word).map(String::as_str)
    }

    /// The longest glossary phrase starting at `words[0]`: how many words it covers and its
    /// entry. `words` must be folded and singular (see [`english_words`]). A phrase matches as
    /// written or in another inflection of its words (renewing, renewed = renewal); at equal
    /// length the phrase as written wins.
    pub fn glossary_match(&self, words: &[String]) -> Option<(usize, &GlossaryEntry)> {
        let stems: Vec<String> = words
            .iter()
            .take(self.longest_phrase)
            .map(|w| stem(w))
            .collect();
        for length in (1..=self.longest_phrase.min(words.len())).rev() {
            let found = self
                .phrases
                .get(&words[..length].join(" "))
                .or_else(|| self.stemmed().get(&stems[..length].join(" ")));
            if let Some(&entry) = found {
                return Some((length, &self.glossary[entry]));
            }
        }
        None
    }

    /// The Chinese words the segmenter's dictionary is given: the words of the synonyms and
    /// glossary files and the stop words, which are kept whole (`units`), and every other word
    /// the vocabulary names (concept variants, broader terms), which are kept whole only when the
    /// dictionary cannot already cut them into words (`compounds`, see
    /// `Segmenter::with_vocabulary`).
    pub(crate) fn segmenter_words(&self) -> (Vec<String>, Vec<String>) {
        let mut units: Vec<String> = self.unit_words.iter().cloned().collect();
        units.extend(self.stopwords.iter().cloned());
        let mut compounds: Vec<String> = Vec::new();
        for (word, others) in self
            .synonyms
            .iter()
            .chain(&self.broader)
            .chain(&self.narrower)
        {
            compounds.push(word.clone());
            compounds.extend(others.iter().cloned());
        }
        for entry in &self.glossary {
            compounds.extend(entry.chinese.iter().cloned());
            compounds.extend(entry.broader.iter().cloned());
        }
        let han = |w: &String| w.chars().any(crate::normalize::is_han);
        units.retain(han);
        units.sort();
        units.dedup();
        compounds.retain(|w| han(w) && !self.unit_words.contains(w));
        compounds.sort();
        compounds.dedup();
        (units, compounds)
    }

    /// The glossary entries with a phrase of several words that `word` ends (its head noun:
    /// `renewal` in `insurance renewal`; folded and singular, any inflection), shortest phrase
    /// first, then in file order: what an English word no phrase of the query covers stands
    /// for. A word that only starts or qualifies phrases (`online`) stands for none, nor does a
    /// word of three letters or fewer (`new`, `old`, `top` qualify; and `news` folds to `new`).
    pub fn entries_ending_with(&self, word: &str) -> Vec<&GlossaryEntry> {
        if word.len() <= 3 {
            return Vec::new();
        }
        let index = self.head_stems.get_or_init(|| {
            let mut index: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
            for (entry, glossary) in self.glossary.iter().enumerate() {
                for phrase in glossary.english.iter().filter(|p| p.len() > 1) {
                    let list = index.entry(stem(&phrase[phrase.len() - 1])).or_default();
                    match list.iter_mut().find(|(e, _)| *e == entry) {
                        Some(known) => known.1 = known.1.min(phrase.len()),
                        None => list.push((entry, phrase.len())),
                    }
                }
            }
            for list in index.values_mut() {
                list.sort_by_key(|&(entry, length)| (length, entry));
            }
            index
        });
        index
            .get(&stem(word))
            .map(|list| list.iter().map(|&(e, _)| &self.glossary[e]).collect())
            .unwrap_or_default()
    }

    /// Phrase stems → glossary entry; a later entry for the same stems wins, as for phrases.
    fn stemmed(&self) -> &HashMap<String, usize> {
        self.stemmed.get_or_init(|| {
            let mut stemmed = HashMap::new();
            for (entry, glossary) in self.glossary.iter().enumerate() {
                for phrase in &glossary.english {
                    let stems: Vec<String> = phrase.iter().map(|w| stem(w)).collect();
                    stemmed.insert(stems.join(" "), entry);
                }
            }
            stemmed
        })
    }

    /// Every Chinese word the vocabulary names.
    pub(crate) fn chinese_words(&self) -> Vec<String> {
        let (mut words, compounds) = self.segmenter_words();
        words.extend(compounds);
        words.sort();
        words.dedup();
        words
    }
}

fn push_unique(list: &mut Vec<String>, word: &str) {
    if !list.iter().any(|w| w == word) {
        list.push(word.to_string());
    }
}

/// `variant variant … [> broader …] [= english phrase | english phrase …]`.
fn parse_concept(line: &str, department: &str) -> std::result::Result<ConceptEntry, &'static str> {
    let (words, english) = match line.split_once('=') {
        Some((words, english)) => (words, english),
        None => (line, ""),
    };
    let (variants, broader) = match words.split_once('>') {
        Some((variants, broader)) => (variants, broader),
        None => (words, ""),
    };
    let variants: Vec<String> = variants.split_whitespace().map(fold_text).collect();
    let broader: Vec<String> = broader.split_whitespace().map(fold_text).collect();
    let english: Vec<String> = english
        .split('|')
        .map(|p| fold_text(p.trim()))
        .filter(|p| !p.is_empty())
        .collect();
    if variants.is_empty() {
        return Err(
            "a concept line starts with its words (`续保 续期 > 车险 = insurance renewal`)",
        );
    }
    if variants.len() == 1 && broader.is_empty() && english.is_empty() {
        return Err("a concept needs a second word, a broader term after `>` or English after `=`");
    }
    Ok(ConceptEntry {
        department: department.to_string(),
        variants,
        broader,
        english,
    })
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    Lexicon,
    Stopwords,
    Synonyms,
    Concepts,
    Glossary,
}

impl Kind {
    fn shipped_name(self) -> &'static str {
        match self {
            Kind::Lexicon => "data/lexicon.txt",
            Kind::Stopwords => "data/stopwords.txt",
            Kind::Synonyms => "data/synonyms.txt",
            Kind::Concepts => "data/concepts.txt",
            Kind::Glossary => "data/glossary_en.txt",
        }
    }
}

fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(crate::ingest::decode(&bytes).0)
}

/// Splits English text into folded, singular words: `Insurance Renewals` → `insurance renewal`.
pub fn english_words(text: &str) -> Vec<String> {
    fold_text(text)
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(singular)
        .collect()
}

/// The English words of `text` reduced to their stems (Snowball English, as tantivy's stemmer
/// does it): `renewing`, `renewals`, `renewed` → `renew`.
pub fn english_stems(text: &str) -> Vec<String> {
    english_words(text).iter().map(|w| stem(w)).collect()
}

/// The Snowball stem of one folded word; words with digits (4s, 6s) are left alone.
fn stem(word: &str) -> String {
    use tantivy::tokenizer::{Language, RawTokenizer, Stemmer, TextAnalyzer, TokenStream};
    thread_local! {
        static STEMMER: RefCell<TextAnalyzer> = RefCell::new(
            TextAnalyzer::builder(RawTokenizer::default())
                .filter(Stemmer::new(Language::English))
                .build(),
        );
    }
    if !word.bytes().all(|b| b.is_ascii_lowercase()) {
        return word.to_string();
    }
    STEMMER.with(|stemmer| {
        let mut stemmer = stemmer.borrow_mut();
        let mut stream = stemmer.token_stream(word);
        if stream.advance() {
            stream.token().text.clone()
        } else {
            word.to_string()
        }
    })
}

/// A light plural folding, the same for glossary and query (so it need not be right English).
fn singular(word: &str) -> String {
    let keep = word.len() <= 3
        || word.ends_with("ss")
        || word.ends_with("us")
        || word.ends_with("is")
        || !word.bytes().all(|b| b.is_ascii_alphabetic());
    if keep {
        word.to_string()
    } else if let Some(stem) = word.strip_suffix("ies") {
        format!("{stem}y")
    } else if let Some(stem) = word.strip_suffix('s') {
        stem.to_string()
    } else {
        word.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_words_are_folded_and_singular() {
        assert_eq!(
            english_words("Insurance Renewals, accessories"),
            ["insurance", "renewal", "accessory"]
        );
        let vocabulary = Vocabulary::shipped();
        let words = english_words("insurance renewals today");
        let (length, entry) = vocabulary.glossary_match(&words).unwrap();
        assert_eq!(length, 2);
        assert_eq!(entry.chinese[0], "续保");
    }

    #[test]
    fn inflections_match_the_same_phrase() {
        let vocabulary = Vocabulary::shipped();
        for query in [
            "renewing insurance",
            "insurance renewed",
            "insurance renewals",
        ] {
            let (_, entry) = vocabulary
                .glossary_match(&english_words(query))
                .unwrap_or_else(|| panic!("{query}: no entry"));
            assert!(entry.chinese.contains(&"续保".to_string()), "{query}");
        }
        assert_eq!(english_stems("Handling handles"), ["handl", "handl"]);
        for filler in ["handles", "handling", "handled", "responsible"] {
            assert!(vocabulary.is_english_stopword(filler), "{filler}");
        }
        assert!(!vocabulary.is_english_stopword("insurance"));
    }

    #[test]
    fn an_english_word_stands_for_the_phrases_it_ends() {
        let dir = tempfile::tempdir().unwrap();
        let concepts = dir.path().join("concepts.txt");
        std::fs::write(
            &concepts,
            "[测试 | test]\n续保 续期 = insurance renewal | renew a policy\n\
             媒体曝光 曝光 = news exposure\n新车销售 卖新车 = new car sales\n",
        )
        .unwrap();
        let files = VocabularyFiles {
            concepts: Some(concepts),
            ..Default::default()
        };
        let vocabulary = Vocabulary::load(&files).unwrap();
        let heads = |word: &str| -> Vec<String> {
            vocabulary
                .entries_ending_with(&english_words(word)[0])
                .iter()
                .map(|e| e.chinese[0].clone())
                .collect()
        };
        for word in ["renewal", "renewing", "renew", "policies"] {
            assert!(heads(word).contains(&"续保".to_string()), "{word}");
        }
        // `new` starts phrases, and `news` folds to it: it stands for none of them.
        assert!(heads("new").is_empty());
        // `exposure` ends one.
        assert!(heads("exposures").contains(&"媒体曝光".to_string()));
    }

    #[test]
    fn concepts_give_variants_broader_and_narrower_terms() {
        let dir = tempfile::tempdir().unwrap();
        let concepts = dir.path().join("concepts.txt");
        std::fs::write(
            &concepts,
            "[测试 | test]\n洗车液 洗车香波 > 洗车用品 = car shampoo | shampoo\n",
        )
        .unwrap();
        let files = VocabularyFiles {
            concepts: Some(concepts.clone()),
            ..Default::default()
        };
        let vocabulary = Vocabulary::load(&files).unwrap();
        assert!(vocabulary
            .synonyms_of("洗车香波")
            .contains(&"洗车液".to_string()));
        assert_eq!(vocabulary.broader_of("洗车香波"), ["洗车用品"]);
        assert_eq!(vocabulary.narrower_of("洗车用品"), ["洗车液"]);
        assert_eq!(vocabulary.head_of("洗车香波"), Some("洗车液"));
        let (_, entry) = vocabulary
            .glossary_match(&english_words("car shampoos"))
            .unwrap();
        assert_eq!(entry.chinese[0], "洗车液");
        assert_eq!(entry.broader, ["洗车用品"]);
        let concept = vocabulary.concepts.last().unwrap();
        assert_eq!(concept.department, "测试 | test");
        // A concept of one word saying nothing more is an error naming the line.
        std::fs::write(&concepts, "[测试]\n洗车液 > 洗车用品\n孤单\n").unwrap();
        let error = Vocabulary::load(&files).unwrap_err().to_string();
        assert!(error.contains("concepts.txt:3"), "{error}");
    }

    #[test]
    fn user_files_extend_the_vocabulary_and_errors_name_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let synonyms = dir.path().join("synonyms.txt");
        std::fs::write(&synonyms, "# mine\n洗车 清洗车辆\n").unwrap();
        let files = VocabularyFiles {
            synonyms: Some(synonyms.clone()),
            ..Default::default()
        };
        let vocabulary = Vocabulary::load(&files).unwrap();
        assert!(vocabulary
            .synonyms_of("洗车")
            .contains(&"清洗车辆".to_string()));
        assert_ne!(vocabulary.digest, Vocabulary::shipped().digest);
        std::fs::write(&synonyms, "洗车 清洗车辆\n孤单\n").unwrap();
        let error = Vocabulary::load(&files).unwrap_err().to_string();
        assert!(error.contains("synonyms.txt:2"), "{error}");
    }
}
