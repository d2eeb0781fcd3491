//! dedup::text: the form two duties are compared in, and the guard that keeps duties which look
//! alike but say different things (年度 vs 月度, 报销售经理处 vs 报总经理处) apart.

use crate::error::{Error, Result};
use crate::normalize;
use similar::{capture_diff_slices, Algorithm, DiffTag};
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

const SHIPPED_VOCABULARY: &str = include_str!("../../data/dedup.txt");

/// A duty of at most this many characters (as a key) is short: see [`Vocabulary::apart`].
const SHORT_DUTY: usize = 10;

/// A variant spelling and the canonical spelling it is rewritten to.
type Rewrite = (Vec<char>, Vec<char>);

/// Which differences between two duties do not change what they say (`data/dedup.txt`).
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    /// First character of a variant → (variant, canonical), longest variant first.
    same: HashMap<char, Vec<Rewrite>>,
    function: HashSet<char>,
    negations: Vec<Vec<char>>,
    /// Kinds of words (business line, period, role, …) two duties differ by when a changed
    /// stretch of each holds a different word of one kind: (kind, its words).
    kinds: Vec<(String, Vec<Vec<char>>)>,
    /// First character → (kind index, word), for finding the kinds' words near a change.
    kind_words: HashMap<char, Vec<(usize, Vec<char>)>>,
    /// The longest kind word, in characters.
    longest_kind_word: usize,
}

/// Why the guard keeps two similar duties apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Apart {
    /// `negation`, `number` or a kind of `data/dedup.txt` (业务, 周期, …).
    pub kind: String,
    /// The word on each side (empty for a negation added or dropped).
    pub a: String,
    pub b: String,
}

impl std::fmt::Display for Apart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.kind.as_str() {
            "negation" if self.a.is_empty() => write!(f, "a negation in B only ({})", self.b),
            "negation" => write!(f, "a negation in A only ({})", self.a),
            "short" => write!(
                f,
                "a different word in a short duty: {} / {}",
                self.a, self.b
            ),
            kind => write!(f, "a different {kind}: {} / {}", self.a, self.b),
        }
    }
}

impl Vocabulary {
    /// The vocabulary shipped with zhize, parsed once.
    pub fn shipped() -> &'static Vocabulary {
        static SHIPPED: OnceLock<Vocabulary> = OnceLock::new();
        SHIPPED.get_or_init(|| {
            Vocabulary::parse(SHIPPED_VOCABULARY, "data/dedup.txt")
                .expect("the shipped dedup vocabulary parses")
        })
    }

    /// Reads the `data/dedup.txt` format; `origin` names the file in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Vocabulary> {
        let mut vocabulary = Vocabulary::default();
        for (index, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let bad = |message: &str| Error::BadLine {
                file: origin.to_string(),
                line: index + 1,
                message: format!("{message}: {line}"),
            };
            let (verb, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
            match verb {
                "same" => {
                    let (key, variants) = rest
                        .split_once('=')
                        .ok_or_else(|| bad("expected `same KEY = A, B`"))?;
                    let key: Vec<char> = plain_form(key).chars().collect();
                    if key.is_empty() {
                        return Err(bad("empty key"));
                    }
                    for variant in variants.split([',', ',']) {
                        let variant: Vec<char> = plain_form(variant).chars().collect();
                        if let Some(&first) = variant.first() {
                            vocabulary
                                .same
                                .entry(first)
                                .or_default()
                                .push((variant, key.clone()));
                        }
                    }
                }
                "function" => vocabulary
                    .function
                    .extend(rest.split_whitespace().flat_map(|word| word.chars())),
                "negation" => vocabulary.negations.extend(
                    rest.split_whitespace()
                        .map(|word| plain_form(word).chars().collect::<Vec<char>>())
                        .filter(|word| !word.is_empty()),
                ),
                "distinct" => {
                    let (kind, words) = rest
                        .split_once(':')
                        .or_else(|| rest.split_once(':'))
                        .ok_or_else(|| bad("expected `distinct KIND: W W …`"))?;
                    let words: Vec<Vec<char>> = words
                        .split_whitespace()
                        .map(|word| plain_form(word).chars().collect::<Vec<char>>())
                        .filter(|word| !word.is_empty())
                        .collect();
                    let kind = kind.trim().to_string();
                    match vocabulary.kinds.iter_mut().find(|(name, _)| *name == kind) {
                        Some((_, known)) => known.extend(words),
                        None => vocabulary.kinds.push((kind, words)),
                    }
                }
                _ => {
                    return Err(bad(
                        "unknown rule (expected same, function, negation or distinct)",
                    ))
                }
            }
        }
        // Kinds' words are looked for in keys, so they are spelled as keys are (二手车 → 2手车).
        let kinds = std::mem::take(&mut vocabulary.kinds);
        vocabulary.kinds = kinds
            .into_iter()
            .map(|(kind, words)| {
                let words = words
                    .iter()
                    .map(|word| {
                        vocabulary
                            .key(&word.iter().collect::<String>())
                            .chars()
                            .collect()
                    })
                    .collect();
                (kind, words)
            })
            .collect();
        for (kind, (_, words)) in vocabulary.kinds.iter().enumerate() {
            for word in words {
                vocabulary
                    .kind_words
                    .entry(word[0])
                    .or_default()
                    .push((kind, word.clone()));
                vocabulary.longest_kind_word = vocabulary.longest_kind_word.max(word.len());
            }
        }
        for variants in vocabulary.same.values_mut() {
            variants.sort_by_key(|(variant, _)| std::cmp::Reverse(variant.len()));
        }
        Ok(vocabulary)
    }

    /// The comparison key of a duty: its plain form (see [`plain_form`]) with equivalent words
    /// rewritten to one spelling. Two duties with the same key are exact duplicates.
    pub fn key(&self, text: &str) -> String {
        let plain: Vec<char> = plain_form(text).chars().collect();
        let mut key = String::with_capacity(plain.len() * 3);
        let mut at = 0;
        'outer: while at < plain.len() {
            if let Some(variants) = self.same.get(&plain[at]) {
                for (variant, canonical) in variants {
                    if plain[at..].starts_with(variant) {
                        key.extend(canonical.iter());
                        at += variant.len();
                        continue 'outer;
                    }
                }
            }
            key.push(plain[at]);
            at += 1;
        }
        numerals_as_digits(&key)
    }

    /// Reads `data/dedup.txt` and then the user's own file in the same format, if any.
    pub fn with_user_file(path: Option<&std::path::Path>) -> Result<Vocabulary> {
        let mut text = SHIPPED_VOCABULARY.to_string();
        let mut origin = "data/dedup.txt".to_string();
        if let Some(path) = path {
            let user = std::fs::read_to_string(path).map_err(|error| Error::BadLine {
                file: path.display().to_string(),
                line: 0,
                message: format!("cannot read: {error}"),
            })?;
            // The user's lines are numbered from 1 in messages about them.
            Vocabulary::parse(&user, &path.display().to_string())?;
            text.push('\n');
            text.push_str(&user);
            origin = format!("data/dedup.txt + {}", path.display());
        }
        Vocabulary::parse(&text, &origin)
    }

    /// Whether two similar keys say different things (see [`Vocabulary::apart`]).
    pub fn says_something_else(&self, a: &str, b: &str) -> bool {
        self.apart(a, b).is_some()
    }

    /// Why two similar keys say different things, if they do: a negation added or dropped in a
    /// changed stretch, a number changed, or a changed stretch on each side holding a different
    /// word of one kind (销售 / 售后, 每月 / 每季度, 销售经理 / 总经理, 负责 / 协助). Any other
    /// change (a clause added or dropped, a synonym the vocabulary does not know, a brand
    /// swapped, words reordered) leaves the decision to the similarity.
    pub fn apart(&self, a: &str, b: &str) -> Option<Apart> {
        // Clustering asks this about a million pairs: the characters go into buffers the thread
        // keeps.
        thread_local! {
            static BUFFERS: std::cell::RefCell<(Vec<char>, Vec<char>)> =
                const { std::cell::RefCell::new((Vec::new(), Vec::new())) };
        }
        BUFFERS.with_borrow_mut(|(a_chars, b_chars)| {
            a_chars.clear();
            a_chars.extend(a.chars());
            b_chars.clear();
            b_chars.extend(b.chars());
            let spans = hunk_spans(a_chars, b_chars);
            if spans.is_empty() {
                return None;
            }
            // Negation: a changed stretch, widened by one character each side so a word the
            // diff cuts through (不得 / 不能) is seen whole, says no on one side only.
            for &(a_start, a_end, b_start, b_end) in &spans {
                let old = widen(a_chars, a_start, a_end);
                let new = widen(b_chars, b_start, b_end);
                let (old_no, new_no) = (
                    self.negation_in(&self.without_function(old)),
                    self.negation_in(&self.without_function(new)),
                );
                if old_no.is_some() != new_no.is_some() {
                    return Some(Apart {
                        kind: "negation".to_string(),
                        a: old_no.unwrap_or_default(),
                        b: new_no.unwrap_or_default(),
                    });
                }
            }
            // A short duty is mostly its words: one of them substituted (目的 / 形式 in
            // 明确广告宣传的目的) is a different duty, where a long one may be reworded.
            if a_chars.len().min(b_chars.len()) <= SHORT_DUTY {
                let content = |stretch: &[char]| stretch.iter().any(|c| !self.function.contains(c));
                for &(a_start, a_end, b_start, b_end) in &spans {
                    let (old, new) = (&a_chars[a_start..a_end], &b_chars[b_start..b_end]);
                    if content(old) && content(new) {
                        return Some(Apart {
                            kind: "short".to_string(),
                            a: old.iter().collect(),
                            b: new.iter().collect(),
                        });
                    }
                }
            }
            // Numbers: a number in a changed stretch of each side that the other lacks.
            let a_numbers = numbers_touching(a_chars, spans.iter().map(|s| (s.0, s.1)));
            let b_numbers = numbers_touching(b_chars, spans.iter().map(|s| (s.2, s.3)));
            let only_a = a_numbers
                .iter()
                .find(|number| !contains_number(b_chars, number));
            let only_b = b_numbers
                .iter()
                .find(|number| !contains_number(a_chars, number));
            if let (Some(x), Some(y)) = (only_a, only_b) {
                return Some(Apart {
                    kind: "number".to_string(),
                    a: x.iter().collect(),
                    b: y.iter().collect(),
                });
            }
            // Kinds of words: a word of the kind in a changed stretch of each side, each
            // missing from the other text entirely (so words moved elsewhere do not count).
            let a_words = self.words_touching(a_chars, spans.iter().map(|s| (s.0, s.1)));
            let b_words = self.words_touching(b_chars, spans.iter().map(|s| (s.2, s.3)));
            for &(kind, a_word) in &a_words {
                if contains(b_chars, a_word) {
                    continue;
                }
                let other = b_words.iter().find(|&&(other_kind, b_word)| {
                    other_kind == kind && !contains(a_chars, b_word)
                });
                if let Some(&(_, b_word)) = other {
                    return Some(Apart {
                        kind: self.kinds[kind].0.clone(),
                        a: a_word.iter().collect(),
                        b: b_word.iter().collect(),
                    });
                }
            }
            None
        })
    }

    /// The changed stretches between two keys, as (removed, added) strings, for showing.
    pub fn changes(&self, a: &str, b: &str) -> Vec<(String, String)> {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        hunk_spans(&a, &b)
            .into_iter()
            .map(|(mut a_start, mut a_end, mut b_start, mut b_end)| {
                // A one-character substitution reads better as a word: 及 → 按 is shown with
                // the unchanged character after it (及时 → 按时), or before it at the end.
                let substituted = a_start < a_end && b_start < b_end;
                if substituted && (a_end - a_start == 1 || b_end - b_start == 1) {
                    if a_end < a.len() && b_end < b.len() {
                        a_end += 1;
                        b_end += 1;
                    } else if a_start > 0 && b_start > 0 {
                        a_start -= 1;
                        b_start -= 1;
                    }
                }
                (
                    a[a_start..a_end].iter().collect(),
                    b[b_start..b_end].iter().collect(),
                )
            })
            .collect()
    }

    fn without_function(&self, stretch: &[char]) -> Vec<char> {
        stretch
            .iter()
            .copied()
            .filter(|c| !self.function.contains(c))
            .collect()
    }

    /// The kinds' words found in `text` overlapping one of the `spans` (an empty span, where
    /// the other side inserted something, touches nothing), as (kind, word).
    fn words_touching(
        &self,
        text: &[char],
        spans: impl Iterator<Item = (usize, usize)>,
    ) -> Vec<(usize, &[char])> {
        let mut found: Vec<(usize, &[char])> = Vec::new();
        for (start, end) in spans {
            if start >= end {
                continue;
            }
            let from = start.saturating_sub(self.longest_kind_word.saturating_sub(1));
            for at in from..end.min(text.len()) {
                let Some(words) = self.kind_words.get(&text[at]) else {
                    continue;
                };
                for (kind, word) in words {
                    if at + word.len() > start
                        && text[at..].starts_with(word)
                        && !found
                            .iter()
                            .any(|&(k, w)| k == *kind && w == word.as_slice())
                    {
                        found.push((*kind, word.as_slice()));
                    }
                }
            }
        }
        found
    }

    fn negation_in(&self, text: &[char]) -> Option<String> {
        self.negations
            .iter()
            .find(|word| contains(text, word))
            .map(|word| word.iter().collect())
    }
}

/// `chars[start..end]` with one more character on each side, if there is one.
fn widen(chars: &[char], start: usize, end: usize) -> &[char] {
    &chars[start.saturating_sub(1)..(end + 1).min(chars.len())]
}

fn contains(text: &[char], word: &[char]) -> bool {
    !word.is_empty() && text.windows(word.len()).any(|window| window == word)
}

/// The digit runs of `text` overlapping one of the `spans`.
fn numbers_touching(
    text: &[char],
    spans: impl Iterator<Item = (usize, usize)> + Clone,
) -> Vec<Vec<char>> {
    let mut found = Vec::new();
    let mut at = 0;
    while at < text.len() {
        if !text[at].is_ascii_digit() {
            at += 1;
            continue;
        }
        let start = at;
        while at < text.len() && text[at].is_ascii_digit() {
            at += 1;
        }
        if spans.clone().any(|(s, e)| s < e && start < e && at > s) {
            found.push(text[start..at].to_vec());
        }
    }
    found
}

/// Whether `number` is a whole digit run of `text`.
fn contains_number(text: &[char], number: &[char]) -> bool {
    let n = number.len();
    n <= text.len()
        && (0..=text.len() - n).any(|at| {
            text[at..at + n] == number[..]
                && (at == 0 || !text[at - 1].is_ascii_digit())
                && (at + n == text.len() || !text[at + n].is_ascii_digit())
        })
}

/// Chinese numerals written as digits (一天 → 1天, 十五 → 15, 两年 → 2年), so a number written
/// either way compares equal. Only runs that read as a number are rewritten; others (万一) are
/// left as they are.
pub fn numerals_as_digits(text: &str) -> String {
    fn digit(c: char) -> Option<u64> {
        Some(match c {
            '零' | '〇' => 0,
            '一' => 1,
            '二' | '两' => 2,
            '三' => 3,
            '四' => 4,
            '五' => 5,
            '六' => 6,
            '七' => 7,
            '八' => 8,
            '九' => 9,
            _ => return None,
        })
    }
    fn unit(c: char) -> Option<u64> {
        Some(match c {
            '十' => 10,
            '百' => 100,
            '千' => 1000,
            _ => return None,
        })
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    while at < chars.len() {
        if digit(chars[at]).is_none() && unit(chars[at]).is_none() {
            out.push(chars[at]);
            at += 1;
            continue;
        }
        let start = at;
        while at < chars.len() && (digit(chars[at]).is_some() || unit(chars[at]).is_some()) {
            at += 1;
        }
        let run = &chars[start..at];
        let value = if run.iter().all(|&c| digit(c).is_some()) {
            // 一九九八: digit by digit.
            Some(
                run.iter()
                    .map(|&c| char::from(b'0' + digit(c).unwrap_or(0) as u8))
                    .collect(),
            )
        } else {
            // 二十五, 十五, 三百二十: digits and units.
            let (mut total, mut pending) = (0u64, None::<u64>);
            let mut valid = true;
            for &c in run {
                if let Some(d) = digit(c) {
                    if pending.is_some() {
                        valid = false;
                    }
                    pending = Some(d);
                } else if let Some(u) = unit(c) {
                    total += pending.take().unwrap_or(1) * u;
                }
            }
            total += pending.unwrap_or(0);
            valid.then(|| total.to_string())
        };
        match value {
            Some(value) => out.push_str(&value),
            None => out.extend(run.iter()),
        }
    }
    out
}

impl Vocabulary {
    /// Whether `text` holds a negation word.
    pub fn has_negation(&self, text: &[char]) -> bool {
        self.negation_in(text).is_some()
    }
}

/// The plain form of a text: width-folded, lower-case, Simplified, with whitespace and
/// punctuation dropped, so wrapping and punctuation differences vanish.
pub fn plain_form(text: &str) -> String {
    normalize::for_matching(text)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// The changed stretches between `a` and `b`, as ranges (a start, a end, b start, b end).
/// Changes separated by a single unchanged character are one stretch: 控制 → 调控 is one
/// substitution, not a deletion and an insertion.
fn hunk_spans(a: &[char], b: &[char]) -> Vec<(usize, usize, usize, usize)> {
    let ops = capture_diff_slices(Algorithm::Myers, a, b);
    let mut spans: Vec<(usize, usize, usize, usize)> = Vec::new();
    let mut open: Option<(usize, usize, usize, usize)> = None;
    for (index, op) in ops.iter().enumerate() {
        let (tag, old, new) = op.as_tag_tuple();
        let bridge = tag == DiffTag::Equal
            && old.len() <= 1
            && open.is_some()
            && ops
                .get(index + 1)
                .is_some_and(|next| next.tag() != DiffTag::Equal);
        if tag != DiffTag::Equal || bridge {
            open = Some(match open {
                Some((a_start, _, b_start, _)) => (a_start, old.end, b_start, new.end),
                None => (old.start, old.end, new.start, new.end),
            });
        } else if let Some(span) = open.take() {
            spans.push(span);
        }
    }
    spans.extend(open);
    spans
}

/// Removes whitespace that only wrapping put there (next to a Chinese character or Chinese
/// punctuation) and trims the ends, so a canonical text reads as one line.
pub fn tidy(text: &str) -> String {
    let chars: Vec<char> = text.trim().chars().collect();
    let wide = |c: Option<&char>| c.is_some_and(|&c| normalize::is_han(c) || !c.is_ascii());
    let mut out = String::with_capacity(text.len());
    for (index, &c) in chars.iter().enumerate() {
        if c.is_whitespace() {
            let before = chars[..index].iter().rev().find(|c| !c.is_whitespace());
            let after = chars[index + 1..].iter().find(|c| !c.is_whitespace());
            if wide(before) || wide(after) || out.ends_with(' ') {
                continue;
            }
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apart(a: &str, b: &str) -> bool {
        let vocabulary = Vocabulary::shipped();
        vocabulary.says_something_else(&vocabulary.key(a), &vocabulary.key(b))
    }

    #[test]
    fn key_folds_punctuation_wrapping_and_equivalent_words() {
        let vocabulary = Vocabulary::shipped();
        // Lines 36 and 432 of the shipped corpus: 经过 / 通过.
        assert_eq!(
            vocabulary.key("经过检查、控制、监督和考核等过程管理;"),
            vocabulary.key("通过检查、控制、监督 和考核等过程管理")
        );
        assert_eq!(
            vocabulary.key("并保证企业能够持续发展"),
            vocabulary.key("并保证企业可以持续发展。")
        );
        assert_eq!(vocabulary.key("坚持6S管理"), vocabulary.key("坚持6s管理"));
        assert_ne!(
            vocabulary.key("制定年度销售计划"),
            vocabulary.key("制定月度销售计划")
        );
    }

    #[test]
    fn substituted_content_words_keep_duties_apart() {
        // Lines 108 and 480: the same duty reported to a different person.
        assert!(apart(
            "负责月初制定每月销售任务及工作目标、计划报销售经理处。",
            "负责月初制定每月销售任务及工作目标、计划报总经理处。"
        ));
        // Line 488: the same verb on a different object.
        assert!(apart(
            "能及时发现贷款客户的需求及意见,并记录整理及汇报;",
            "能及时发现来电客户的需求及意见,并记录整理及汇报。"
        ));
        assert!(apart(
            "负责制定年度销售计划并组织实施",
            "负责制定月度销售计划并组织实施"
        ));
        assert!(apart(
            "负责销售部门员工的绩效评估",
            "负责售后服务部门员工的绩效评估"
        ));
        // Line 504: requirements differing in a number.
        assert!(apart(
            "具有五年以上汽车经销商工作经验和两年以上的管理经验",
            "具有三年以上汽车经销商工作经验和两年以上的管理经验"
        ));
        assert!(apart(
            "新车到达至入库时间不得超过一天",
            "新车到达至入库时间超过一天"
        ));
    }

    #[test]
    fn added_clauses_and_swapped_function_words_do_not() {
        // Lines 480 and 496: 报总经理处 / 报总经理、董事长处.
        assert!(!apart(
            "负责月初制定每月销售任务及工作目标、计划报总经理处。",
            "负责月初制定每月销售任务及工作目标、计划报总经理、董事长处。"
        ));
        // Lines 114 and 452: a clause added, 就 → 对.
        assert!(!apart(
            "负责制定培训计划,定期给销售人员培训(产品培训、市场营销相关知识培训等),并就培训效果进行考核。",
            "负责协助销售经理制定培训计划,定期给销售人员培训(产品培训、市场营 销相关知识培训等),并对培训效果进行考核。"
        ));
        // Line 520: 协助公司 / 配合.
        assert!(!apart(
            "协助公司财务部门做好筹措资金科学合理地分配、使用和偿还。",
            "配合财务部门做好筹措资金科学合理地分配、使用和偿还。"
        ));
        // A brand swapped when a position is copied to another store.
        assert!(!apart(
            "树立林肯品牌良好的形象和口碑",
            "树立东风标致品牌良好的形象和口碑"
        ));
    }

    #[test]
    fn synonyms_the_vocabulary_does_not_know_are_left_to_the_similarity() {
        assert!(!apart(
            "及时处理客户的投诉和抱怨，维护品牌良好的形象。",
            "按时处理客户的投诉和抱怨，维护品牌良好的形象。"
        ));
        assert!(!apart(
            "严格按照现代汽车标准销售流程接待来店客户",
            "严格按照厂家标准销售流程接待来店客户"
        ));
        // …but a word of a kind swapped for another of the kind is not a synonym.
        assert!(apart(
            "负责配件的入库验收、上架和出库管理",
            "负责精品的入库验收、上架和出库管理"
        ));
        assert!(apart("交车后3天内回访客户", "交车后7天内回访客户"));
        assert!(!apart("交车后一天内回访客户", "交车后1天内回访客户"));
        assert!(apart(
            "维修领料须凭工单，不得无单发料",
            "维修领料可凭口头通知先行发料"
        ));
    }

    #[test]
    fn tidy_removes_wrapping_spaces_only() {
        assert_eq!(tidy(" 并组织实施、监督 完成。"), "并组织实施、监督完成。");
        assert_eq!(tidy("交车前 6 小时前"), "交车前6小时前");
        assert_eq!(tidy("BMW  X5 上市"), "BMW X5上市");
    }
}
