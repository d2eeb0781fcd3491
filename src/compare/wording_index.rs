//! The wording index of coverage: the distinct wordings of the rows so far, looked up for each
//! new duty through bigram postings, common-bigram masks and a score bound (a vectorised scan).

use super::similarity::{bound_of, word_slack, Features};
use crate::dedup::minhash::BuildTextHasher;
use std::collections::HashMap;

/// The index's tables: millions of lookups of bigrams and keys, none of them crafted.
pub(super) type FastMap<K, V> = HashMap<K, V, BuildTextHasher>;

/// How many of the most frequent bigrams [`WordingIndex`] keeps as bits of a mask instead of in
/// postings (their postings would span most wordings).
pub(super) const COMMON_BIGRAMS: usize = 128;

/// What the candidate scan of [`WordingIndex`] reads of the wordings, one array per field (each
/// wording's 64 bytes spread over them), so the scan reads every array in order and the
/// compiler can run it over several wordings at once (vector popcount where the CPU has it).
#[derive(Debug, Default)]
struct Sketches {
    /// Which of the common bigrams each wording has (bits 0–63, 64–127).
    common: [Vec<u64>; 2],
    /// The wording's character mask, word by word.
    char_mask: [Vec<u64>; 4],
    bigrams: Vec<u32>,
    words: Vec<u32>,
    /// Words beyond the bits set in `char_mask` (words sharing a bit, Latin runs).
    word_slack: Vec<u32>,
    row: Vec<u32>,
}

/// Wordings the scan looks at before collecting those that passed.
const SCAN_BLOCK: usize = 256;

/// The distinct wordings of the coverage rows, which finds each row's best score for a new duty
/// while scoring few pairs exactly. The shared bigrams of a duty and every wording are counted
/// exactly, in two parts: the rarer bigrams through an inverted index bigram → wordings, the
/// common ones (负责, 管理 …, whose postings would span most wordings) by AND-ing masks. Only
/// wordings whose upper bound reaches the threshold are candidates, and only a row's candidates
/// whose bound exceeds the best score already found in the row are scored.
pub(super) struct WordingIndex {
    threshold: f64,
    /// A pair sharing no bigram scores at most 0.4 (the word half): above that threshold only
    /// wordings sharing bigrams can match.
    indexed: bool,
    /// The common bigrams, each with its bit in [`Sketches::common`].
    common: FastMap<u64, u8>,
    pub(super) wordings: Vec<Features>,
    sketches: Sketches,
    /// Rarer bigram → the wordings having it, in increasing order.
    postings: FastMap<u64, Vec<u32>>,
}

/// Per-query buffers of [`WordingIndex::best_rows`], reused across queries.
#[derive(Default)]
pub(super) struct Scratch {
    shared: Vec<u32>,
    /// (bound, wording, shared bigrams) of the wordings whose bound reaches the threshold.
    candidates: Vec<(f64, u32, u32)>,
    row_best: Vec<f64>,
    rows_touched: Vec<usize>,
    /// Each row's highest candidate bound and that candidate (`usize::MAX`: none yet).
    row_top: Vec<(f64, usize)>,
    top_rows: Vec<usize>,
}

/// [`WordingIndex::scan_with`] compiled with the given target features (x86-64 only); calling
/// it is `unsafe`: the caller must have detected the features on this CPU.
macro_rules! scan_compiled_for {
    ($name:ident, $features:literal) => {
        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = $features)]
        fn $name(
            &self,
            f: &Features,
            among: std::ops::Range<usize>,
            common: [u64; 2],
            shared: &mut [u32],
            candidates: &mut Vec<(f64, u32, u32)>,
        ) {
            self.scan_with(f, among, common, shared, candidates);
        }
    };
}

impl WordingIndex {
    /// An empty index; the `common_bigrams` most frequent bigrams of `duties` (all duties that
    /// will be added or queried) go to masks. Which bigrams are common changes the speed only,
    /// never a score.
    pub(super) fn new<'a>(
        threshold: f64,
        duties: impl IntoIterator<Item = &'a Features>,
        common_bigrams: usize,
    ) -> WordingIndex {
        let mut frequency: FastMap<u64, usize> = FastMap::default();
        for f in duties {
            for b in &f.bigrams {
                *frequency.entry(*b).or_default() += 1;
            }
        }
        let mut by_frequency: Vec<(usize, u64)> =
            frequency.into_iter().map(|(b, n)| (n, b)).collect();
        by_frequency.sort_unstable_by(|x, y| y.cmp(x));
        let common = by_frequency
            .iter()
            .take(common_bigrams.min(COMMON_BIGRAMS))
            .enumerate()
            .map(|(bit, &(_, b))| (b, bit as u8))
            .collect();
        WordingIndex {
            threshold,
            indexed: threshold > 0.4 + 1e-9,
            common,
            wordings: Vec::new(),
            sketches: Sketches::default(),
            postings: FastMap::default(),
        }
    }

    /// The common-bigram mask of `f`, and its other bigrams.
    fn split_bigrams<'f>(
        &self,
        f: &'f Features,
    ) -> ([u64; 2], impl Iterator<Item = &'f u64> + use<'f, '_>) {
        let mut mask = [0u64; 2];
        for b in &f.bigrams {
            if let Some(&bit) = self.common.get(b) {
                mask[usize::from(bit / 64)] |= 1 << (bit % 64);
            }
        }
        let rare = f.bigrams.iter().filter(|b| !self.common.contains_key(b));
        (mask, rare)
    }

    /// Adds a wording to `row`; returns its number.
    pub(super) fn add(&mut self, row: usize, features: Features) -> usize {
        let d = self.wordings.len();
        let (common, rare) = self.split_bigrams(&features);
        let rare: Vec<u64> = rare.copied().collect();
        for b in rare {
            self.postings.entry(b).or_default().push(d as u32);
        }
        let sketches = &mut self.sketches;
        for (k, word) in common.into_iter().enumerate() {
            sketches.common[k].push(word);
        }
        for (k, word) in features.char_mask.into_iter().enumerate() {
            sketches.char_mask[k].push(word);
        }
        sketches.row.push(row as u32);
        sketches.bigrams.push(features.bigrams.len() as u32);
        sketches.words.push(features.word_count() as u32);
        sketches.word_slack.push(word_slack(&features));
        self.wordings.push(features);
        d
    }

    /// Finds the wordings whose bound reaches the threshold against `f`, given the common
    /// bigrams of `f` and the rarer ones already counted into `shared` (which it zeroes), and
    /// pushes them with their bound and shared bigrams onto `candidates`. This loop over every
    /// wording is the cost of a lookup.
    #[inline(always)]
    fn scan_with(
        &self,
        f: &Features,
        among: std::ops::Range<usize>,
        common: [u64; 2],
        shared: &mut [u32],
        candidates: &mut Vec<(f64, u32, u32)>,
    ) {
        let (x_bigrams, x_words) = (f.bigrams.len(), f.word_count());
        let x_slack = word_slack(f);
        let mask = &f.char_mask;
        // The test below is the bound's `bound >= threshold - 1e-9` multiplied out, with a
        // wider margin: it lets through every wording the bound lets through, without
        // dividing.
        let need = self.threshold - 1e-6;
        let s = &self.sketches;
        let mut passed = [false; SCAN_BLOCK];
        let mut shared_block = [(0u32, 0u32); SCAN_BLOCK];
        let mut start = among.start;
        while start < among.end {
            let end = (start + SCAN_BLOCK).min(among.end);
            let len = end - start;
            // Every array sliced to the block's length, so the loop below has no bounds checks
            // and no branch: it runs over several wordings at once.
            let counts = &mut shared[start - among.start..end - among.start];
            let (common0, common1) = (&s.common[0][start..end], &s.common[1][start..end]);
            let (mask0, mask1) = (&s.char_mask[0][start..end], &s.char_mask[1][start..end]);
            let (mask2, mask3) = (&s.char_mask[2][start..end], &s.char_mask[3][start..end]);
            let (bigrams, words) = (&s.bigrams[start..end], &s.words[start..end]);
            let slack = &s.word_slack[start..end];
            let passed = &mut passed[..len];
            let shared_block = &mut shared_block[..len];
            for i in 0..len {
                let n = counts[i]
                    + (common[0] & common0[i]).count_ones()
                    + (common[1] & common1[i]).count_ones();
                counts[i] = 0;
                // A word whose mask bit the other side lacks is surely not shared.
                let both = (mask[0] & mask0[i]).count_ones()
                    + (mask[1] & mask1[i]).count_ones()
                    + (mask[2] & mask2[i]).count_ones()
                    + (mask[3] & mask3[i]).count_ones();
                let shared_words = both + x_slack.min(slack[i]);
                shared_block[i] = (n, shared_words);
                let bigram_total = f64::from(x_bigrams as u32 + bigrams[i]);
                let word_total = f64::from(x_words as u32 + words[i]);
                // A pair sharing no bigram is never a candidate (see `indexed`).
                passed[i] = (n != 0)
                    & (1.2 * f64::from(n) * word_total
                        + 0.8 * f64::from(shared_words) * bigram_total
                        >= need * bigram_total * word_total);
            }
            // Only pairs whose bound (see [`bound_of`]) reaches the threshold are candidates.
            for (i, _) in passed.iter().enumerate().filter(|(_, &p)| p) {
                let d = start + i;
                let n = shared_block[i];
                let bound = bound_of(
                    (n.0 as usize, n.1 as usize),
                    (x_bigrams, x_words),
                    (s.bigrams[d] as usize, s.words[d] as usize),
                );
                if bound >= self.threshold - 1e-9 {
                    candidates.push((bound, d as u32, n.0));
                }
            }
            start = end;
        }
    }

    /// [`WordingIndex::scan_with`], compiled for the widest vector instructions this CPU has
    /// (the build targets plain x86-64, whose software popcount would be most of the scan's
    /// time): AVX-512 with its vector popcount, else AVX2, else the popcount instruction alone.
    fn scan(
        &self,
        f: &Features,
        among: std::ops::Range<usize>,
        common: [u64; 2],
        shared: &mut [u32],
        candidates: &mut Vec<(f64, u32, u32)>,
    ) {
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::is_x86_feature_detected as has;
            if has!("avx512f") && has!("avx512vpopcntdq") && has!("avx512vl") && has!("popcnt") {
                // SAFETY: `scan_avx512` needs only the features just detected on this CPU.
                unsafe { self.scan_avx512(f, among, common, shared, candidates) };
                return;
            }
            if has!("avx2") && has!("popcnt") {
                // SAFETY: `scan_avx2` needs only the features just detected on this CPU.
                unsafe { self.scan_avx2(f, among, common, shared, candidates) };
                return;
            }
            if has!("popcnt") {
                // SAFETY: `scan_popcnt` needs only the popcnt instruction, which this CPU has.
                unsafe { self.scan_popcnt(f, among, common, shared, candidates) };
                return;
            }
        }
        self.scan_with(f, among, common, shared, candidates);
    }

    scan_compiled_for!(scan_avx512, "avx512f,avx512vpopcntdq,avx512vl,popcnt");
    scan_compiled_for!(scan_avx2, "avx2,popcnt");
    scan_compiled_for!(scan_popcnt, "popcnt");

    /// The rows (of `rows`) whose best wording scores at least the threshold against `f`, each
    /// with that best score, in no particular order.
    #[cfg(test)]
    fn best_rows(&self, f: &Features, rows: usize, scratch: &mut Scratch) -> Vec<(usize, f64)> {
        self.best_rows_among(f, 0..self.wordings.len(), rows, &[], scratch)
    }

    /// [`WordingIndex::best_rows`] among the wordings of `among` only, starting from the rows'
    /// best scores already known in `known` (from the wordings before `among`): the result is
    /// each row's best over both.
    pub(super) fn best_rows_among(
        &self,
        f: &Features,
        among: std::ops::Range<usize>,
        rows: usize,
        known: &[(usize, f64)],
        scratch: &mut Scratch,
    ) -> Vec<(usize, f64)> {
        let threshold = self.threshold;
        scratch.row_best.resize(rows, f64::NEG_INFINITY);
        for &(row, s) in known {
            scratch.rows_touched.push(row);
            scratch.row_best[row] = s;
        }
        let score = |d: usize, shared: Option<usize>, scratch: &mut Scratch| {
            let other = &self.wordings[d];
            let s = match shared {
                Some(n) if !f.key.is_empty() && !other.key.is_empty() && f.key != other.key => {
                    f.similarity_sharing(other, n)
                }
                _ => f.similarity(other),
            };
            if s >= threshold {
                let row = self.sketches.row[d] as usize;
                let slot = &mut scratch.row_best[row];
                if *slot == f64::NEG_INFINITY {
                    scratch.rows_touched.push(row);
                    *slot = s;
                } else if s > *slot {
                    *slot = s;
                }
            }
        };
        if !self.indexed || f.bigrams.is_empty() {
            for d in among {
                score(d, None, scratch);
            }
        } else {
            let mut shared = std::mem::take(&mut scratch.shared);
            let mut candidates = std::mem::take(&mut scratch.candidates);
            shared.resize(among.len(), 0);
            let (common, rare) = self.split_bigrams(f);
            let first = among.start as u32;
            for b in rare {
                if let Some(list) = self.postings.get(b) {
                    // Postings are in increasing order: those of `among` are one run.
                    let from = if first == 0 {
                        0
                    } else {
                        list.partition_point(|&d| d < first)
                    };
                    for &d in &list[from..] {
                        if d as usize >= among.end {
                            break;
                        }
                        shared[(d - first) as usize] += 1;
                    }
                }
            }
            self.scan(f, among.clone(), common, &mut shared, &mut candidates);
            // Each row's highest bound first, then the rest: once a row has a score, its
            // candidates bounded below it cannot raise the row's best (the margin covers
            // rounding between bound and score). Finding each row's top instead of sorting
            // every candidate keeps nearly all of the sorted order's pruning.
            scratch
                .row_top
                .resize(rows, (f64::NEG_INFINITY, usize::MAX));
            for (k, &(bound, d, _)) in candidates.iter().enumerate() {
                let row = self.sketches.row[d as usize] as usize;
                let top = &mut scratch.row_top[row];
                if top.1 == usize::MAX {
                    scratch.top_rows.push(row);
                    *top = (bound, k);
                } else if bound > top.0 {
                    *top = (bound, k);
                }
            }
            let mut top_rows = std::mem::take(&mut scratch.top_rows);
            for row in top_rows.drain(..) {
                let k =
                    std::mem::replace(&mut scratch.row_top[row], (f64::NEG_INFINITY, usize::MAX)).1;
                let (_, d, n) = candidates[k];
                score(d as usize, Some(n as usize), scratch);
                candidates[k].1 = u32::MAX;
            }
            scratch.top_rows = top_rows;
            for &(bound, d, n) in &candidates {
                if d == u32::MAX {
                    continue;
                }
                let d = d as usize;
                let row = self.sketches.row[d] as usize;
                if bound + 1e-9 < scratch.row_best[row] {
                    continue;
                }
                score(d, Some(n as usize), scratch);
            }
            candidates.clear();
            scratch.shared = shared;
            scratch.candidates = candidates;
        }
        let mut best = Vec::with_capacity(scratch.rows_touched.len());
        for row in scratch.rows_touched.drain(..) {
            best.push((row, scratch.row_best[row]));
            scratch.row_best[row] = f64::NEG_INFINITY;
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::fixtures::*;
    use crate::compare::DEFAULT_THRESHOLD;

    /// The coverage index's lookup (postings, common-bigram masks, the bound, per-row pruning)
    /// gives each row exactly the best score of scoring every wording, whatever the threshold
    /// and however many bigrams go to the masks.
    #[test]
    fn index_lookup_finds_each_rows_best_exactly() {
        let pool: Vec<&str> = SALES_MANAGER_480
            .iter()
            .chain(SALES_MANAGER_DOCX)
            .chain(&SALES_MANAGER_496[2..4])
            .copied()
            .chain(["坚持6S管理", "负责4S店CRM系统", "岗", "", "负责展厅"])
            .collect();
        let features: Vec<Features> = pool.iter().map(|t| Features::new(t)).collect();
        let row_of = |i: usize| (i * 7) % 5;
        for threshold in [0.3, DEFAULT_THRESHOLD, 0.6, 0.9] {
            for common in [0, 8, COMMON_BIGRAMS] {
                let mut index = WordingIndex::new(threshold, features.iter(), common);
                for (i, f) in features.iter().enumerate() {
                    index.add(row_of(i), f.clone());
                }
                let mut scratch = Scratch::default();
                for f in &features {
                    let mut found = index.best_rows(f, 5, &mut scratch);
                    found.sort_by_key(|x| x.0);
                    let mut expected: Vec<(usize, f64)> = Vec::new();
                    for row in 0..5 {
                        let best = features
                            .iter()
                            .enumerate()
                            .filter(|(i, _)| row_of(*i) == row)
                            .map(|(_, w)| f.similarity(w))
                            .fold(f64::NEG_INFINITY, f64::max);
                        if best >= threshold {
                            expected.push((row, best));
                        }
                    }
                    assert_eq!(found, expected, "{} at {threshold}, {common}", f.text);
                }
            }
        }
    }

    /// Looking up the wordings in two parts, the second starting from the first's rows, gives
    /// each row's best score over all of them (as `coverage` does for a batch of stores).
    #[test]
    fn lookup_in_two_parts_finds_what_one_lookup_finds() {
        let pool: Vec<&str> = SALES_MANAGER_480
            .iter()
            .chain(SALES_MANAGER_DOCX)
            .chain(SALES_MANAGER_496)
            .copied()
            .chain(["坚持6S管理", "负责4S店CRM系统", "岗", "", "负责展厅"])
            .collect();
        let features: Vec<Features> = pool.iter().map(|t| Features::new(t)).collect();
        let row_of = |i: usize| (i * 7) % 6;
        for threshold in [0.3, DEFAULT_THRESHOLD, 0.6] {
            let mut index = WordingIndex::new(threshold, features.iter(), COMMON_BIGRAMS);
            for (i, f) in features.iter().enumerate() {
                index.add(row_of(i), f.clone());
            }
            let all = index.wordings.len();
            let mut scratch = Scratch::default();
            for f in &features {
                let mut whole = index.best_rows(f, 6, &mut scratch);
                whole.sort_by_key(|x| x.0);
                for split in [0, 1, 9, all / 2, all - 1, all] {
                    let first = index.best_rows_among(f, 0..split, 6, &[], &mut scratch);
                    let mut both = index.best_rows_among(f, split..all, 6, &first, &mut scratch);
                    both.sort_by_key(|x| x.0);
                    assert_eq!(both, whole, "{} split at {split}, {threshold}", f.text);
                }
            }
        }
    }
}
