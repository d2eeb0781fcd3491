//! Duty similarity: the `same` key of a duty, its character bigrams and words, and the Dice
//! scores (and their upper bounds) alignment and coverage rank pairs by.

use crate::normalize;
use crate::sets::shared_count;

/// What the similarity of two duties is computed from. Every set is a sorted, deduplicated
/// vector, so overlaps are merge intersections without hashing.
#[derive(Debug, Clone)]
pub(super) struct Features {
    pub(super) text: String,
    /// The `same` key: matching form with punctuation, spacing and numbering removed.
    pub(super) key: String,
    /// Character bigrams of the key, each pair packed as `first << 32 | second`.
    pub(super) bigrams: Vec<u64>,
    /// The one-character words (see [`words_of`]), as code points.
    pub(super) chars: Vec<u32>,
    /// The Latin/digit runs among the words.
    pub(super) latin: Vec<String>,
    /// One bit per character word (hashed into 256 bits), for a cheap bound on word overlap.
    pub(super) char_mask: [u64; 4],
}

impl Features {
    pub(super) fn new(text: &str) -> Features {
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

    pub(super) fn word_count(&self) -> usize {
        self.chars.len() + self.latin.len()
    }

    /// 0.6 × bigram Dice + 0.4 × word Dice: bigrams see phrases, words keep short duties and
    /// reordered phrases comparable.
    pub(super) fn similarity(&self, other: &Features) -> f64 {
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
    pub(super) fn similarity_sharing(&self, other: &Features, shared_bigrams: usize) -> f64 {
        0.6 * dice(shared_bigrams, self.bigrams.len(), other.bigrams.len())
            + 0.4 * self.word_dice(other)
    }

    pub(super) fn word_dice(&self, other: &Features) -> f64 {
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
    pub(super) fn contained_in(&self, other: &Features) -> f64 {
        if self.bigrams.is_empty() {
            return 0.0;
        }
        let shared = shared_count(&self.bigrams, &other.bigrams);
        shared as f64 / self.bigrams.len() as f64
    }
}

/// The words of `f` beyond the bits set in its character mask: of the words two duties share,
/// at most `popcount(mask & other mask) + min(slack, other slack)`.
pub(super) fn word_slack(f: &Features) -> u32 {
    let bits: u32 = f.char_mask.iter().map(|m| m.count_ones()).sum();
    f.word_count() as u32 - bits
}

/// The upper bound of [`Features::similarity`] from the shared bigrams (exact) and a bound on
/// the shared words, with the sizes of both sides.
pub(super) fn bound_of(shared: (usize, usize), x: (usize, usize), y: (usize, usize)) -> f64 {
    0.6 * dice(shared.0, x.0, y.0) + 0.4 * dice(shared.1, x.1, y.1)
}

/// Dice coefficient from the size of the intersection and of the two sets.
pub(super) fn dice(shared: usize, x: usize, y: usize) -> f64 {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::fixtures::*;

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
}
