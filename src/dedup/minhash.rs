//! dedup::minhash: character-bigram sets, MinHash signatures and LSH banding, so near-duplicate
//! candidates are found without comparing all pairs.
//!
//! Why bigrams for both the signature and the verification: MinHash estimates the Jaccard
//! similarity of exactly the set it is computed on, so when the verified similarity is bigram
//! Jaccard the banding's recall follows the textbook S-curve `1 - (1 - s^rows)^bands` and can be
//! chosen for the threshold. Characters, not jieba tokens: fingerprints must not change when the
//! dictionary does, and Chinese duties are too short for word shingles.

use rayon::prelude::*;

/// Shingle sets of many texts in one allocation: `get(i)` is the sorted, de-duplicated set of
/// hashed character bigrams of text `i`.
#[derive(Debug, Clone, Default)]
pub struct ShingleSets {
    offsets: Vec<u32>,
    data: Vec<u32>,
}

impl ShingleSets {
    /// Builds the sets of `keys` (already in comparison form), in parallel.
    pub fn build<S: AsRef<str> + Sync>(keys: &[S]) -> ShingleSets {
        let sets: Vec<Vec<u32>> = keys.par_iter().map(|key| shingles(key.as_ref())).collect();
        let mut offsets = Vec::with_capacity(sets.len() + 1);
        let mut data = Vec::with_capacity(sets.iter().map(Vec::len).sum());
        offsets.push(0);
        for set in sets {
            data.extend_from_slice(&set);
            offsets.push(data.len() as u32);
        }
        ShingleSets { offsets, data }
    }

    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn get(&self, index: usize) -> &[u32] {
        &self.data[self.offsets[index] as usize..self.offsets[index + 1] as usize]
    }

    /// Starts loading where set `index` is (see [`prefetch`]).
    pub fn prefetch_bounds(&self, index: usize) {
        prefetch(&self.offsets[index]);
    }

    /// Starts loading the elements of set `index` (best after [`ShingleSets::prefetch_bounds`]).
    pub fn prefetch_elements(&self, index: usize) {
        if let Some(first) = self.data.get(self.offsets[index] as usize) {
            prefetch(first);
        }
    }
}

/// Asks the processor to start loading `value` into cache, without waiting for it. Clustering
/// reads sets, sketches and buckets at random across millions of items; issuing the loads of
/// the next few items before working on the current one hides most of the memory latency.
#[inline(always)]
pub fn prefetch<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        // SAFETY: SSE is part of the x86_64 baseline, and a prefetch never faults, whatever
        // the address.
        unsafe { _mm_prefetch::<_MM_HINT_T0>((value as *const T).cast::<i8>()) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}

/// The hashed character bigrams of `key`, sorted and de-duplicated; a one-character key is its
/// own shingle, an empty key has none.
pub fn shingles(key: &str) -> Vec<u32> {
    let chars: Vec<char> = key.chars().collect();
    let mut set: Vec<u32> = if chars.len() == 1 {
        vec![mix(chars[0] as u64) as u32]
    } else {
        chars
            .windows(2)
            .map(|pair| mix(((pair[0] as u64) << 32) | pair[1] as u64) as u32)
            .collect()
    };
    set.sort_unstable();
    set.dedup();
    set
}

/// A 128-bit sketch of a set: bit `x % 128` for each element `x` (elements are hashes).
pub fn sketch(set: &[u32]) -> u128 {
    set.iter()
        .fold(0u128, |bits, &x| bits | (1u128 << (x % 128)))
}

/// Whether Jaccard(a, b) may reach `threshold`, from the sizes and sketches alone; never false
/// for a pair that reaches it. Each bit set in one sketch and not the other stands for at least
/// one element the other set lacks, so |A ∩ B| ≤ |A| − popcount(a ∧ ¬b), and the same for B.
pub fn sketch_allows(a: (usize, u128), b: (usize, u128), threshold: f64) -> bool {
    let needed = (threshold * (a.0 + b.0) as f64 / (1.0 + threshold) - 1e-9).ceil() as usize;
    let only_a = (a.1 & !b.1).count_ones() as usize;
    let only_b = (b.1 & !a.1).count_ones() as usize;
    a.0.saturating_sub(only_a).min(b.0.saturating_sub(only_b)) >= needed
}

/// Exact Jaccard similarity of two sorted, de-duplicated sets.
pub fn jaccard(a: &[u32], b: &[u32]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let shared = crate::sets::shared_count(a, b);
    shared as f64 / (a.len() + b.len() - shared) as f64
}

/// Whether Jaccard(a, b) ≥ `threshold`, stopping as soon as the elements left cannot make up
/// the shared count needed: most candidates fall short, and this is the clustering's hot loop.
pub fn jaccard_at_least(a: &[u32], b: &[u32], threshold: f64) -> bool {
    if a.is_empty() || b.is_empty() {
        return a.is_empty() && b.is_empty();
    }
    // |A ∩ B| / (|A| + |B| - |A ∩ B|) ≥ t  ⇔  |A ∩ B| ≥ t (|A| + |B|) / (1 + t).
    let needed =
        (threshold * (a.len() + b.len()) as f64 / (1.0 + threshold) - 1e-9).ceil() as usize;
    shares_at_least(a, b, needed)
}

/// Whether the sorted sets `a` and `b` share at least `needed` elements, stopping as soon as
/// what is left of them cannot make up the difference.
fn shares_at_least(a: &[u32], b: &[u32], needed: usize) -> bool {
    let (mut i, mut j, mut shared) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        if shared + (a.len() - i).min(b.len() - j) < needed {
            return false;
        }
        let (x, y) = (a[i], b[j]);
        shared += (x == y) as usize;
        i += (x <= y) as usize;
        j += (y <= x) as usize;
    }
    shared >= needed
}

/// When two duties are near-duplicates, from their shingle sets: Jaccard at least `jaccard`, or
/// the smaller one's shingles at least `containment` inside the larger (a truncated copy, a
/// clause dropped) when the smaller has at least `shortest_share` of the larger's shingles and
/// at least [`Rule::MIN_CONTAINED`] of them (short boilerplate is inside many duties).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    pub jaccard: f64,
    pub containment: f64,
    pub shortest_share: f64,
}

impl Rule {
    pub const MIN_CONTAINED: usize = 8;

    /// Jaccard alone (containment off).
    pub fn jaccard_only(threshold: f64) -> Rule {
        Rule {
            jaccard: threshold,
            containment: 2.0,
            shortest_share: 1.0,
        }
    }

    /// The fewest shared shingles sets of these sizes need, or None when they cannot be similar.
    pub fn needed(&self, a: usize, b: usize) -> Option<usize> {
        if a == 0 || b == 0 {
            return None;
        }
        let (small, large) = if a < b { (a, b) } else { (b, a) };
        let by_jaccard = size_allows(a, b, self.jaccard)
            .then(|| (self.jaccard * (a + b) as f64 / (1.0 + self.jaccard) - 1e-9).ceil() as usize);
        let by_containment = (self.containment <= 1.0
            && small >= Rule::MIN_CONTAINED
            && small as f64 >= self.shortest_share * large as f64 - 1e-9)
            .then(|| (self.containment * small as f64 - 1e-9).ceil() as usize);
        match (by_jaccard, by_containment) {
            (Some(x), Some(y)) => Some(x.min(y)),
            (x, y) => x.or(y),
        }
    }

    /// Whether a set of size `other` can be similar to one of size `size`.
    pub fn sizes_allow(&self, size: usize, other: usize) -> bool {
        self.needed(size, other).is_some()
    }

    /// Whether the sets are similar, stopping as soon as they cannot be.
    pub fn similar(&self, a: &[u32], b: &[u32]) -> bool {
        let Some(needed) = self.needed(a.len(), b.len()) else {
            return false;
        };
        shares_at_least(a, b, needed)
    }

    /// As [`sketch_allows`], for this rule: never false for a similar pair.
    pub fn sketch_allows(&self, a: (usize, u128), b: (usize, u128)) -> bool {
        let Some(needed) = self.needed(a.0, b.0) else {
            return false;
        };
        let only_a = (a.1 & !b.1).count_ones() as usize;
        let only_b = (b.1 & !a.1).count_ones() as usize;
        a.0.saturating_sub(only_a).min(b.0.saturating_sub(only_b)) >= needed
    }
}

/// Share of the smaller set's elements found in the larger.
pub fn containment(a: &[u32], b: &[u32]) -> f64 {
    let small = a.len().min(b.len());
    if small == 0 {
        return 0.0;
    }
    crate::sets::shared_count(a, b) as f64 / small as f64
}

/// Whether Jaccard(a, b) can reach `threshold` at all, from the set sizes alone.
pub fn size_allows(a: usize, b: usize, threshold: f64) -> bool {
    let (small, large) = if a < b { (a, b) } else { (b, a) };
    small as f64 >= threshold * large as f64 - 1e-9
}

/// The most members a bucket keeps before it is split by more rows. Measured on the generated
/// corpora at threshold 0.7, the share of the pairs exact Jaccard finds that share a bucket:
/// 99.4 % at 10k, 99.3 % at 100k (no bucket is split), 98.6 % at 1M (99.1 % unsplit; a cap of
/// 64 was 92 %), while the candidates compared at 1M fall from 69M to 45M.
pub const BUCKET_CAP: usize = 512;

/// How the signature is cut into bands: `rows` hashes per band, `bands` bands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LshParams {
    pub bands: usize,
    pub rows: usize,
    /// Buckets with more members are split by more rows (see [`Buckets::build`]).
    pub cap: usize,
}

impl LshParams {
    /// The most selective banding (most rows, 20 bands) that still makes a pair at exactly
    /// `threshold` a candidate with probability ≥ 0.96 (before oversized buckets are split);
    /// pairs above it are found more often. (At the default 0.4 that is 2 rows, 0.969; 0.97
    /// would take 1 row, every text sharing one minimum with another.)
    pub fn for_threshold(threshold: f64) -> LshParams {
        let bands = 20;
        let cap = BUCKET_CAP;
        let rows = (1..=8)
            .rev()
            .find(|&rows| LshParams { bands, rows, cap }.probability(threshold) >= 0.96)
            .unwrap_or(1);
        LshParams { bands, rows, cap }
    }

    /// Probability that a pair with Jaccard `similarity` shares at least one bucket.
    pub fn probability(&self, similarity: f64) -> f64 {
        1.0 - (1.0 - similarity.powi(self.rows as i32)).powi(self.bands as i32)
    }
}

/// One member of a bucket: its set size in the high 32 bits and its index in the low 32, so
/// entries sort by size and a reader can pick the sizes it wants without looking anything up.
pub type Entry = u64;

/// The index of the item an [`Entry`] stands for.
pub fn entry_item(entry: Entry) -> u32 {
    entry as u32
}

/// The set size of the item an [`Entry`] stands for.
pub fn entry_size(entry: Entry) -> u32 {
    (entry >> 32) as u32
}

fn entry(size: u32, item: u32) -> Entry {
    ((size as u64) << 32) | item as u64
}

/// LSH buckets with at least two members, and for each item the buckets it is in.
#[derive(Debug, Clone, Default)]
pub struct Buckets {
    bucket_offsets: Vec<u32>,
    /// How many members of each bucket are still in use (at the front of its slice), after
    /// [`Buckets::retain`].
    live: Vec<u32>,
    /// Each bucket's members as entries with their set sizes: clustering looks up the members of
    /// the sizes that can reach the threshold by binary search, and reading the size from
    /// another array would cost a cache miss per step at a million items.
    members: Vec<Entry>,
    item_offsets: Vec<u32>,
    item_buckets: Vec<u32>,
}

impl Buckets {
    /// Bands the MinHash signatures of `sets` and keeps every bucket shared by two or more
    /// items. Band by band, so only one band's hashes are in memory at a time.
    ///
    /// A bucket's members are in order of set size (then index), so a reader that only wants
    /// members of a size that can reach a Jaccard threshold finds them by binary search.
    pub fn build(sets: &ShingleSets, params: LshParams) -> Buckets {
        Buckets::build_with(sets, params, &[])
    }

    /// As [`Buckets::build`], with more bands whose key for each item is given (0: the item is
    /// in no bucket of that band): texts that begin or end alike, which a truncated copy or a
    /// clause dropped at one end shares with its original while their Jaccard may be low.
    pub fn build_with(sets: &ShingleSets, params: LshParams, keyed_bands: &[Vec<u64>]) -> Buckets {
        let n = sets.len();
        let mut bucket_offsets = vec![0u32];
        let mut members: Vec<Entry> = Vec::new();
        let mut keyed: Vec<(u64, u32, u32)> = Vec::with_capacity(n);
        for band in 0..params.bands + keyed_bands.len() {
            let seeds: Vec<(u64, u64)> = (0..params.rows)
                .map(|row| seed(band * params.rows + row))
                .collect();
            keyed.clear();
            if band < params.bands {
                keyed.par_extend((0..n).into_par_iter().filter_map(|item| {
                    let set = sets.get(item);
                    (!set.is_empty())
                        .then(|| (band_hash(set, &seeds), set.len() as u32, item as u32))
                }));
            } else {
                let keys = &keyed_bands[band - params.bands];
                keyed.par_extend((0..n).into_par_iter().filter_map(|item| {
                    let key = keys[item];
                    (key != 0).then(|| (key, sets.get(item).len() as u32, item as u32))
                }));
            }
            keyed.par_sort_unstable();
            let mut start = 0;
            while start < keyed.len() {
                let mut end = start + 1;
                while end < keyed.len() && keyed[end].0 == keyed[start].0 {
                    end += 1;
                }
                if end - start > params.cap {
                    split(
                        sets,
                        band,
                        &mut keyed[start..end],
                        params.cap,
                        0,
                        &mut |group| {
                            members.extend(group.iter().map(|&(_, size, item)| entry(size, item)));
                            bucket_offsets.push(members.len() as u32);
                        },
                    );
                } else if end - start >= 2 {
                    members.extend(
                        keyed[start..end]
                            .iter()
                            .map(|&(_, size, item)| entry(size, item)),
                    );
                    bucket_offsets.push(members.len() as u32);
                }
                start = end;
            }
        }
        drop(keyed);
        // Invert: item → buckets, by counting.
        let buckets = bucket_offsets.len() - 1;
        let mut item_offsets = vec![0u32; n + 1];
        for &member in &members {
            item_offsets[entry_item(member) as usize + 1] += 1;
        }
        for i in 0..n {
            item_offsets[i + 1] += item_offsets[i];
        }
        let mut fill = item_offsets.clone();
        let mut item_buckets = vec![0u32; members.len()];
        for bucket in 0..buckets {
            for &member in
                &members[bucket_offsets[bucket] as usize..bucket_offsets[bucket + 1] as usize]
            {
                let item = entry_item(member) as usize;
                item_buckets[fill[item] as usize] = bucket as u32;
                fill[item] += 1;
            }
        }
        let live = bucket_offsets.windows(2).map(|w| w[1] - w[0]).collect();
        Buckets {
            bucket_offsets,
            live,
            members,
            item_offsets,
            item_buckets,
        }
    }

    /// Number of buckets (with two or more members).
    pub fn len(&self) -> usize {
        self.bucket_offsets.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether items `a` and `b` share a bucket (are candidates for each other).
    pub fn shares_bucket(&self, a: usize, b: usize) -> bool {
        let (of_a, of_b) = (self.buckets_of(a), self.buckets_of(b));
        let (mut i, mut j) = (0, 0);
        while i < of_a.len() && j < of_b.len() {
            match of_a[i].cmp(&of_b[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => return true,
            }
        }
        false
    }

    /// The members of `bucket` still in use, by set size (then index).
    pub fn members(&self, bucket: u32) -> impl ExactSizeIterator<Item = u32> + '_ {
        self.entries(bucket)
            .iter()
            .map(|&member| entry_item(member))
    }

    /// Starts loading where `bucket` is and how many members it has left (see [`prefetch`]).
    pub fn prefetch_bounds(&self, bucket: u32) {
        prefetch(&self.bucket_offsets[bucket as usize]);
        prefetch(&self.live[bucket as usize]);
    }

    /// Starts loading the middle of `bucket`'s members, where a binary search begins (best after
    /// [`Buckets::prefetch_bounds`]).
    pub fn prefetch_entries(&self, bucket: u32) {
        let start = self.bucket_offsets[bucket as usize] as usize;
        let live = self.live[bucket as usize] as usize;
        if let Some(middle) = self.members.get(start + live / 2) {
            prefetch(middle);
        }
    }

    /// The members of `bucket` still in use as entries (set size and index), by size (then
    /// index).
    pub fn entries(&self, bucket: u32) -> &[Entry] {
        let start = self.bucket_offsets[bucket as usize] as usize;
        &self.members[start..start + self.live[bucket as usize] as usize]
    }

    /// Keeps, in each of `buckets` (sorted, distinct), only the members `keep` accepts, in their
    /// order, so later readers do not step over members no longer needed. In parallel.
    pub fn retain(&mut self, buckets: &[u32], keep: impl Fn(u32) -> bool + Sync) {
        let mut slices: Vec<&mut [Entry]> = Vec::with_capacity(buckets.len());
        let mut rest: &mut [Entry] = &mut self.members;
        let mut consumed = 0usize;
        for &bucket in buckets {
            let start = self.bucket_offsets[bucket as usize] as usize;
            let end = start + self.live[bucket as usize] as usize;
            let (_, tail) = std::mem::take(&mut rest).split_at_mut(start - consumed);
            let (slice, tail) = tail.split_at_mut(end - start);
            slices.push(slice);
            rest = tail;
            consumed = end;
        }
        let kept: Vec<u32> = slices
            .into_par_iter()
            .map(|slice| {
                let mut kept = 0;
                for index in 0..slice.len() {
                    if keep(entry_item(slice[index])) {
                        slice[kept] = slice[index];
                        kept += 1;
                    }
                }
                kept as u32
            })
            .collect();
        for (&bucket, kept) in buckets.iter().zip(kept) {
            self.live[bucket as usize] = kept;
        }
    }

    pub fn buckets_of(&self, item: usize) -> &[u32] {
        &self.item_buckets[self.item_offsets[item] as usize..self.item_offsets[item + 1] as usize]
    }

    /// Every distinct pair sharing a bucket (a < b). Quadratic in bucket size: for measuring
    /// recall on small sets, not for clustering.
    pub fn candidate_pairs(&self) -> Vec<(u32, u32)> {
        let mut pairs: Vec<(u32, u32)> = (0..self.len() as u32)
            .into_par_iter()
            .flat_map_iter(|bucket| {
                let members = self.entries(bucket);
                members.iter().enumerate().flat_map(move |(i, &a)| {
                    members[i + 1..].iter().map(move |&b| {
                        let (a, b) = (entry_item(a), entry_item(b));
                        if a < b {
                            (a, b)
                        } else {
                            (b, a)
                        }
                    })
                })
            })
            .collect();
        pairs.par_sort_unstable();
        pairs.dedup();
        pairs
    }
}

/// How many extra rows may split one oversized bucket.
const MAX_SPLITS: usize = 3;

/// Splits an oversized bucket (`group`, entries of one band hash) by one more MinHash row at a
/// time until every part has at most `cap` members (or [`MAX_SPLITS`] rows were added), and
/// hands each part of two or more members to `emit`, by size. Copied boilerplate and clauses
/// shared by thousands of duties make buckets whose members are mostly not similar to each
/// other; comparing every leader with all of them grows with the square of the corpus, while a
/// pair that is similar agrees on one more row with probability equal to its Jaccard.
fn split(
    sets: &ShingleSets,
    band: usize,
    group: &mut [(u64, u32, u32)],
    cap: usize,
    depth: usize,
    emit: &mut impl FnMut(&[(u64, u32, u32)]),
) {
    if group.len() <= cap || depth == MAX_SPLITS {
        if group.len() >= 2 {
            emit(group);
        }
        return;
    }
    let (multiplier, addend) = seed(10_000 + band * MAX_SPLITS + depth);
    for entry in group.iter_mut() {
        let minimum = sets
            .get(entry.2 as usize)
            .iter()
            .map(|&x| ((x as u64).wrapping_mul(multiplier).wrapping_add(addend) >> 32) as u32)
            .min()
            .unwrap_or(u32::MAX);
        entry.0 = mix(entry.0 ^ minimum as u64);
    }
    group.sort_unstable();
    let mut start = 0;
    while start < group.len() {
        let mut end = start + 1;
        while end < group.len() && group[end].0 == group[start].0 {
            end += 1;
        }
        split(sets, band, &mut group[start..end], cap, depth + 1, emit);
        start = end;
    }
}

/// Every pair with Jaccard ≥ `threshold`, by comparing all pairs (with a size filter): the
/// ground truth LSH recall is measured against.
pub fn exact_pairs(sets: &ShingleSets, threshold: f64) -> Vec<(u32, u32)> {
    let n = sets.len();
    let mut pairs: Vec<(u32, u32)> = (0..n)
        .into_par_iter()
        .flat_map_iter(|a| {
            let set_a = sets.get(a);
            (a + 1..n).filter_map(move |b| {
                let set_b = sets.get(b);
                (size_allows(set_a.len(), set_b.len(), threshold)
                    && jaccard(set_a, set_b) >= threshold)
                    .then_some((a as u32, b as u32))
            })
        })
        .collect();
    pairs.par_sort_unstable();
    pairs
}

/// One band of the MinHash signature of `set`, hashed to one key. Each row is the minimum of a
/// multiply-add-shift hash over the set (one universal hash family member per row).
fn band_hash(set: &[u32], seeds: &[(u64, u64)]) -> u64 {
    let mut hash = 0x243F_6A88_85A3_08D3u64;
    // Up to eight rows in one pass over the set.
    for seeds in seeds.chunks(8) {
        let mut minima = [u32::MAX; 8];
        let minima = &mut minima[..seeds.len()];
        for &x in set {
            for (minimum, &(multiplier, addend)) in minima.iter_mut().zip(seeds) {
                let row = ((x as u64).wrapping_mul(multiplier).wrapping_add(addend) >> 32) as u32;
                *minimum = (*minimum).min(row);
            }
        }
        for &minimum in minima.iter() {
            hash = mix(hash ^ minimum as u64);
        }
    }
    hash
}

/// The (odd multiplier, addend) of hash function `index`, fixed so results are reproducible.
fn seed(index: usize) -> (u64, u64) {
    let a = mix(0x9E37_79B9_7F4A_7C15u64.wrapping_mul(index as u64 + 1));
    let b = mix(a ^ 0xD1B5_4A32_D192_ED03);
    (a | 1, b)
}

/// A fast hasher for the in-memory tables of texts dedup builds (millions of lookups; the std
/// SipHash guards against crafted keys, which a local file of duties has no reason to be).
#[derive(Debug, Clone, Copy, Default)]
pub struct TextHasher(u64);

impl std::hash::Hasher for TextHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let word = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
            self.0 = (self.0 ^ word)
                .wrapping_mul(0x9E37_79B9_7F4A_7C15)
                .rotate_left(29);
        }
        let mut tail = [0u8; 8];
        tail[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
        self.0 = (self.0 ^ u64::from_le_bytes(tail) ^ bytes.len() as u64)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .rotate_left(29);
    }

    fn write_u8(&mut self, byte: u8) {
        self.0 = (self.0 ^ byte as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }

    fn finish(&self) -> u64 {
        mix(self.0)
    }
}

/// Builds [`TextHasher`]s, for `HashMap::with_hasher`.
pub type BuildTextHasher = std::hash::BuildHasherDefault<TextHasher>;

/// SplitMix64's finaliser: a fast, well-mixed 64-bit hash of a 64-bit value.
pub fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jaccard_of_bigram_sets() {
        let a = shingles("制定年度销售计划");
        let b = shingles("制定月度销售计划");
        // 7 bigrams each, 5 shared: 5 / 9.
        assert!((jaccard(&a, &b) - 5.0 / 9.0).abs() < 1e-9);
        assert!(jaccard_at_least(&a, &b, 5.0 / 9.0));
        assert!(!jaccard_at_least(&a, &b, 0.56));
        assert!(jaccard_at_least(&a, &a, 1.0));
        assert_eq!(jaccard(&a, &a), 1.0);
        assert_eq!(shingles("销").len(), 1);
        assert!(shingles("").is_empty());
    }

    #[test]
    fn banding_for_the_default_threshold_keeps_recall() {
        let params = LshParams::for_threshold(0.7);
        assert!(params.probability(0.7) >= 0.97);
        assert!(params.probability(0.3) < 0.1);
    }

    #[test]
    fn near_duplicates_share_a_bucket_and_strangers_do_not() {
        let keys = [
            "负责展厅的日常管理工作包括销售顾问日常行为规范接待礼仪展厅和展车的清洁卫生等",
            "负责展厅的日常管理工作包括销售顾问日常行为规范接待礼仪展厅和展车的清洁卫生",
            "负责公司各项证照的审核年检工作",
        ];
        let sets = ShingleSets::build(&keys);
        let buckets = Buckets::build(&sets, LshParams::for_threshold(0.7));
        let pairs = buckets.candidate_pairs();
        assert!(pairs.contains(&(0, 1)));
        assert!(!pairs.iter().any(|&(a, b)| a == 2 || b == 2));
        assert_eq!(exact_pairs(&sets, 0.7), vec![(0, 1)]);
    }
}
