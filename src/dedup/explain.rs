//! dedup::explain: why two duties are (or are not) duplicates — the similarity's parts, the
//! guard's verdict and what changed — for `zhize dedup --explain` and for each group member's
//! reason (identical, reworded with the changes, contained, truncated copy).

use super::minhash::{self, Rule};
use super::text::Vocabulary;
use serde::{Deserialize, Serialize};

/// How a group member relates to its group's canonical text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// The canonical text itself (or written exactly alike).
    Identical,
    /// The same once width, punctuation, wrapping and equivalent words are folded.
    Folded,
    /// Words changed, added or dropped; the changes say nothing different.
    Reworded,
    /// Its text is (nearly) inside the canonical one: a clause or more dropped.
    Contained,
    /// The canonical text's beginning: a copy cut off.
    Truncated,
    /// It holds the canonical text and more: a clause or more added.
    Extended,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Identical => "identical",
            Reason::Folded => "identical after folding",
            Reason::Reworded => "reworded",
            Reason::Contained => "contained",
            Reason::Truncated => "truncated copy",
            Reason::Extended => "extended",
        }
    }
}

/// The comparison of two duties, part by part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    pub a: String,
    pub b: String,
    /// The comparison keys (folded, equivalent words rewritten).
    pub key_a: String,
    pub key_b: String,
    /// Character-bigram Jaccard similarity of the keys.
    pub jaccard: f64,
    /// Share of the shorter key's bigrams found in the longer.
    pub containment: f64,
    /// The shorter key's bigram count over the longer's.
    pub shorter_share: f64,
    /// Whether the similarity reaches the options' rule (Jaccard, or containment).
    pub similar: bool,
    /// The guard's reason to keep them apart, if any.
    pub apart: Option<String>,
    /// `duplicate` or `different`.
    pub verdict: String,
    /// Why, in a sentence.
    pub why: String,
    /// The changed stretches of the keys, as `removed → added`.
    pub changes: Vec<String>,
}

/// The changed stretches between two keys, as readable strings (`通过 → 经过`, `+ 保密`,
/// `- 董事长`).
pub fn changes(vocabulary: &Vocabulary, from: &str, to: &str) -> Vec<String> {
    vocabulary
        .changes(from, to)
        .into_iter()
        .map(
            |(removed, added)| match (removed.is_empty(), added.is_empty()) {
                (true, _) => format!("+ {added}"),
                (_, true) => format!("- {removed}"),
                _ => format!("{removed} → {added}"),
            },
        )
        .collect()
}

/// How `member` relates to `canonical` (both as written), with the changes from the
/// canonical text to the member's when they differ.
pub fn reason(vocabulary: &Vocabulary, canonical: &str, member: &str) -> (Reason, Vec<String>) {
    if canonical == member {
        return (Reason::Identical, Vec::new());
    }
    let (canonical_key, member_key) = (vocabulary.key(canonical), vocabulary.key(member));
    if canonical_key == member_key {
        return (Reason::Folded, Vec::new());
    }
    let changed = changes(vocabulary, &canonical_key, &member_key);
    let (canonical_set, member_set) = (
        minhash::shingles(&canonical_key),
        minhash::shingles(&member_key),
    );
    let shared = minhash::containment(&member_set, &canonical_set);
    let reason = if member_set.len() < canonical_set.len() && shared >= 0.99 {
        if canonical_key.starts_with(&member_key) {
            Reason::Truncated
        } else {
            Reason::Contained
        }
    } else if member_set.len() > canonical_set.len() && shared >= 0.99 {
        Reason::Extended
    } else {
        Reason::Reworded
    };
    (reason, changed)
}

/// Compares two duty texts as dedup does, with the similarity rule and vocabulary given.
pub fn explain(vocabulary: &Vocabulary, rule: Rule, a: &str, b: &str) -> Explanation {
    let (key_a, key_b) = (vocabulary.key(a), vocabulary.key(b));
    let (set_a, set_b) = (minhash::shingles(&key_a), minhash::shingles(&key_b));
    let jaccard = minhash::jaccard(&set_a, &set_b);
    let containment = minhash::containment(&set_a, &set_b);
    let (small, large) = (
        set_a.len().min(set_b.len()),
        set_a.len().max(set_b.len()).max(1),
    );
    let similar = !key_a.is_empty() && !key_b.is_empty() && rule.similar(&set_a, &set_b);
    let apart = vocabulary
        .apart(&key_a, &key_b)
        .map(|apart| apart.to_string());
    let by_containment = jaccard < rule.jaccard;
    let (verdict, why) = match (&apart, similar) {
        (_, false) => (
            "different",
            format!(
                "not similar enough: Jaccard {jaccard:.3} < {:.2}, and containment {containment:.3} \
                 does not reach {:.2} with the shorter at least {:.2} of the longer (it is {:.2}, \
                 with {small} bigrams; at least {} needed)",
                rule.jaccard,
                rule.containment,
                rule.shortest_share,
                small as f64 / large as f64,
                Rule::MIN_CONTAINED,
            ),
        ),
        (Some(apart), true) => ("different", format!("similar, but the guard keeps them apart: {apart}")),
        (None, true) if key_a == key_b => (
            "duplicate",
            "identical once width, punctuation, wrapping and equivalent words are folded".to_string(),
        ),
        (None, true) if by_containment => (
            "duplicate",
            format!(
                "the shorter is inside the longer (containment {containment:.3} ≥ {:.2}); nothing \
                 that changed says something different",
                rule.containment
            ),
        ),
        (None, true) => (
            "duplicate",
            format!(
                "similar (Jaccard {jaccard:.3} ≥ {:.2}); nothing that changed says something \
                 different",
                rule.jaccard
            ),
        ),
    };
    Explanation {
        a: a.to_string(),
        b: b.to_string(),
        changes: changes(vocabulary, &key_a, &key_b),
        key_a,
        key_b,
        jaccard: round(jaccard),
        containment: round(containment),
        shorter_share: round(small as f64 / large as f64),
        similar,
        apart,
        verdict: verdict.to_string(),
        why,
    }
}

fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule() -> Rule {
        crate::dedup::DedupOptions::default().rule()
    }

    #[test]
    fn a_truncated_copy_is_a_duplicate_and_says_so() {
        let vocabulary = Vocabulary::shipped();
        let full = "负责协助销售经理组织安排员工参与市场活动，并对活动进行总结和评估。";
        let cut = "负责协助销售经理组织安排员工参与市场活动，并对活动进行";
        let explanation = explain(vocabulary, rule(), full, cut);
        assert_eq!(explanation.verdict, "duplicate", "{explanation:?}");
        assert!(explanation.containment > 0.99);
        assert_eq!(reason(vocabulary, full, cut).0, Reason::Truncated);
        assert_eq!(reason(vocabulary, cut, full).0, Reason::Extended);
    }

    #[test]
    fn a_changed_period_is_different_and_the_guard_says_why() {
        let vocabulary = Vocabulary::shipped();
        let explanation = explain(
            vocabulary,
            rule(),
            "负责每月统计新车投保率并上报销售经理。",
            "负责每季度统计新车投保率并上报销售经理。",
        );
        assert_eq!(explanation.verdict, "different");
        assert!(explanation.similar);
        let apart = explanation.apart.expect("the guard gives a reason");
        assert!(
            apart.contains("每月") && apart.contains("每季度"),
            "{apart}"
        );
    }

    #[test]
    fn a_reworded_member_lists_its_changes() {
        let vocabulary = Vocabulary::shipped();
        let (why, changes) = reason(
            vocabulary,
            "及时处理客户的投诉和抱怨，维护品牌良好的形象。",
            "按时处理客户的投诉和抱怨，维护品牌的良好形象。",
        );
        assert_eq!(why, Reason::Reworded);
        assert!(
            changes.iter().any(|change| change.contains("及时")),
            "{changes:?}"
        );
    }
}
