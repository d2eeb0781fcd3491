//! dedup::text: the form two duties are compared in, and the guard that keeps duties which look
//! alike but say different things (年度 vs 月度, 报销售经理处 vs 报总经理处) apart.

use crate::error::{Error, Result};
use crate::normalize;
use similar::{capture_diff_slices, Algorithm, DiffTag};
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

const SHIPPED_VOCABULARY: &str = include_str!("../../data/dedup.txt");

/// A variant spelling and the canonical spelling it is rewritten to.
type Rewrite = (Vec<char>, Vec<char>);

/// Which differences between two duties do not change what they say (`data/dedup.txt`).
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    /// First character of a variant → (variant, canonical), longest variant first.
    same: HashMap<char, Vec<Rewrite>>,
    function: HashSet<char>,
    negations: Vec<Vec<char>>,
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
                _ => return Err(bad("unknown rule (expected same, function or negation)")),
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
        key
    }

    /// Whether two similar keys say different things: a content word was substituted (not just
    /// added or dropped), or a negation was added or dropped. Clauses added or dropped, and
    /// function characters swapped (就 → 对), do not count.
    pub fn says_something_else(&self, a: &str, b: &str) -> bool {
        // Clustering asks this about a million pairs: the characters go into buffers the thread
        // keeps, and a stretch is copied without function characters only to look for a
        // negation in it.
        thread_local! {
            static BUFFERS: std::cell::RefCell<(Vec<char>, Vec<char>)> =
                const { std::cell::RefCell::new((Vec::new(), Vec::new())) };
        }
        BUFFERS.with_borrow_mut(|(a_chars, b_chars)| {
            a_chars.clear();
            a_chars.extend(a.chars());
            b_chars.clear();
            b_chars.extend(b.chars());
            let content = |stretch: &[char]| stretch.iter().any(|c| !self.function.contains(c));
            hunks(a_chars, b_chars).into_iter().any(|(old, new)| {
                match (content(old), content(new)) {
                    (false, false) => false,
                    (true, true) => true,
                    (true, false) => self.has_negation(&self.without_function(old)),
                    (false, true) => self.has_negation(&self.without_function(new)),
                }
            })
        })
    }

    fn without_function(&self, stretch: &[char]) -> Vec<char> {
        stretch
            .iter()
            .copied()
            .filter(|c| !self.function.contains(c))
            .collect()
    }

    fn has_negation(&self, text: &[char]) -> bool {
        self.negations.iter().any(|word| {
            text.windows(word.len())
                .any(|window| window == word.as_slice())
        })
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

/// The changed stretches between `a` and `b`, as (removed, added). Changes separated by a single
/// unchanged character are one stretch: 控制 → 调控 is one substitution, not a deletion and an
/// insertion.
fn hunks<'a>(a: &'a [char], b: &'a [char]) -> Vec<(&'a [char], &'a [char])> {
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
        .into_iter()
        .map(|(a_start, a_end, b_start, b_end)| (&a[a_start..a_end], &b[b_start..b_end]))
        .collect()
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
    fn tidy_removes_wrapping_spaces_only() {
        assert_eq!(tidy(" 并组织实施、监督 完成。"), "并组织实施、监督完成。");
        assert_eq!(tidy("交车前 6 小时前"), "交车前6小时前");
        assert_eq!(tidy("BMW  X5 上市"), "BMW X5上市");
    }
}
