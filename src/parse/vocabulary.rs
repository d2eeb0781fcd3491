//! The parser's vocabulary (`data/parse.txt`): noise patterns and the words that mark titles,
//! sections and metadata. Code holds the mechanism; this file's data holds the Chinese words.

use crate::model::PositionKind;
use regex::{Regex, RegexSet};
use std::sync::OnceLock;

const SHIPPED: &str = include_str!("../../data/parse.txt");

#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    noise: Vec<Regex>,
    noise_lines: Vec<Regex>,
    /// The noise-line patterns and the noise patterns as sets: whether a line holds any of
    /// them, in one pass each.
    noise_line_set: RegexSet,
    noise_set: RegexSet,
    document_words: Vec<String>,
    narrative_words: Vec<String>,
    duties_words: Vec<String>,
    requirements_words: Vec<String>,
    reports_to_words: Vec<String>,
    subordinates_words: Vec<String>,
    department_words: Vec<String>,
    collective_words: Vec<String>,
}

impl Vocabulary {
    /// The shipped vocabulary, parsed once.
    pub fn shipped() -> &'static Vocabulary {
        static SHIPPED_VOCABULARY: OnceLock<Vocabulary> = OnceLock::new();
        SHIPPED_VOCABULARY.get_or_init(|| {
            Vocabulary::from_text(SHIPPED).expect("the shipped parser vocabulary parses")
        })
    }

    /// Parses text in the `data/parse.txt` format; the error names the line.
    pub fn from_text(text: &str) -> Result<Vocabulary, String> {
        let mut vocabulary = Vocabulary::default();
        for (index, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (verb, rest) = line
                .split_once(char::is_whitespace)
                .ok_or_else(|| format!("line {}: expected `VERB VALUE`", index + 1))?;
            let rest = rest.trim().to_string();
            let regex =
                |pattern: &str| Regex::new(pattern).map_err(|e| format!("line {}: {e}", index + 1));
            match verb {
                "noise" => vocabulary.noise.push(regex(&rest)?),
                "noise-line" => vocabulary.noise_lines.push(regex(&rest)?),
                "document" => vocabulary.document_words.push(rest),
                "narrative" => vocabulary.narrative_words.push(rest),
                "duties" => vocabulary.duties_words.push(rest),
                "requirements" => vocabulary.requirements_words.push(rest),
                "reports-to" => vocabulary.reports_to_words.push(rest),
                "subordinates" => vocabulary.subordinates_words.push(rest),
                "department" => vocabulary.department_words.push(rest),
                "collective" => vocabulary.collective_words.push(rest),
                other => return Err(format!("line {}: unknown verb `{other}`", index + 1)),
            }
        }
        vocabulary
            .duties_words
            .sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
        let set = |regexes: &[Regex]| {
            RegexSet::new(regexes.iter().map(Regex::as_str)).map_err(|e| e.to_string())
        };
        vocabulary.noise_line_set = set(&vocabulary.noise_lines)?;
        vocabulary.noise_set = set(&vocabulary.noise)?;
        Ok(vocabulary)
    }

    pub fn is_noise_line(&self, line: &str) -> bool {
        self.noise_lines.iter().any(|r| r.is_match(line))
    }

    /// Character ranges of noise within a line.
    pub fn noise_ranges(&self, line: &str) -> Vec<(usize, usize)> {
        let mut ranges = Vec::new();
        self.noise_ranges_into(line, &mut ranges);
        ranges
    }

    /// [`Vocabulary::noise_ranges`] appended to a buffer the caller reuses.
    pub(crate) fn noise_ranges_into(&self, line: &str, ranges: &mut Vec<(usize, usize)>) {
        for regex in &self.noise {
            Self::push_ranges(regex, line, ranges);
        }
    }

    fn push_ranges(regex: &Regex, line: &str, ranges: &mut Vec<(usize, usize)>) {
        for found in regex.find_iter(line) {
            let start = line[..found.start()].chars().count();
            let end = start + found.as_str().chars().count();
            ranges.push((start, end));
        }
    }

    /// The noise of a line, looked for in one pass (most lines hold none): `true` when the whole
    /// line is noise ([`Vocabulary::is_noise_line`]), otherwise its noise ranges
    /// ([`Vocabulary::noise_ranges`]) appended to `ranges`.
    pub(crate) fn noise_in(&self, line: &str, ranges: &mut Vec<(usize, usize)>) -> bool {
        if self.noise_line_set.is_match(line) {
            return true;
        }
        if self.noise_set.is_match(line) {
            self.noise_ranges_into(line, ranges);
        }
        false
    }

    pub fn has_document_word(&self, text: &str) -> bool {
        self.document_words
            .iter()
            .any(|w| text.contains(w.as_str()))
    }

    pub fn has_collective_word(&self, text: &str) -> bool {
        self.collective_words
            .iter()
            .any(|w| text.contains(w.as_str()))
    }

    pub fn is_narrative(&self, title: &str) -> bool {
        self.narrative_words
            .iter()
            .any(|w| title.contains(w.as_str()))
    }

    /// `岗位职责` → Duties, `任职条件` → Requirements: a heading that opens a list.
    pub fn section(&self, text: &str) -> Option<PositionKind> {
        let text = text.trim();
        if self.duties_words.iter().any(|w| w == text) {
            Some(PositionKind::Duties)
        } else if self.requirements_words.iter().any(|w| w == text) {
            Some(PositionKind::Requirements)
        } else {
            None
        }
    }

    /// `销售经理岗位职责`: text that ends with a duties word and has something before it.
    pub fn ends_with_duties_word(&self, text: &str) -> bool {
        let text = text.trim().trim_end_matches([':', ' ']);
        self.duties_words
            .iter()
            .any(|w| text.ends_with(w.as_str()) && text.len() > w.len())
    }

    /// Suffixes removed from titles for display, longest first.
    pub fn title_suffixes(&self) -> &[String] {
        &self.duties_words
    }

    pub fn is_reports_to(&self, label: &str) -> bool {
        self.reports_to_words.iter().any(|w| w == label.trim())
    }

    pub fn is_subordinates(&self, label: &str) -> bool {
        self.subordinates_words.iter().any(|w| w == label.trim())
    }

    /// `销售部`, `风险控制部`, `第一类风控/法务部`: a short name ending in a department word.
    pub fn is_department(&self, text: &str) -> bool {
        let text = text.trim();
        let length = text.chars().count();
        (2..=10).contains(&length)
            && !text.contains([',', ',', '。', '、'])
            && self
                .department_words
                .iter()
                .any(|w| text.ends_with(w.as_str()) && text.len() > w.len())
    }
}
