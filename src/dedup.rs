//! dedup: finds duplicate and near-duplicate duties, copied positions and repeated documents,
//! and folds a corpus into one entry per distinct duty that lists every source it came from.
//!
//! Duties: exact duplicates (after folding width, punctuation, wrapping and equivalent words)
//! collapse first — boilerplate such as 完成领导交办的其他任务 would otherwise make millions of
//! candidate pairs — then MinHash/LSH over character bigrams proposes candidates ([`minhash`];
//! buckets that copied clauses make huge are split by more rows), each verified by exact bigram
//! Jaccard and the meaning guard ([`text`]). Groups form around the most common variant, so every
//! member is similar to the canonical text itself (no chains); leaders look for their members in
//! parallel, a chunk of leaders at a time, with the same result as one after the other.
//! Positions and documents are compared by the duty groups they contain.

pub mod explain;
pub mod learn;
pub mod minhash;
pub mod text;

use crate::model::{Corpus, Document, Position};
use minhash::{
    entry_item, entry_size, jaccard, prefetch, Buckets, Entry, LshParams, Rule, ShingleSets,
};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::time::Instant;
use text::Vocabulary;

/// Which duplicates to look for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Level {
    Duty,
    Position,
    Document,
    #[default]
    All,
}

impl Level {
    fn includes(self, level: Level) -> bool {
        self == Level::All || self == level
    }
}

/// What dedup needs besides the corpus.
#[derive(Debug, Clone, Copy)]
pub struct DedupOptions {
    pub level: Level,
    /// Minimum character-bigram Jaccard similarity of two duties (after folding) to group them.
    pub threshold: f64,
    /// Or: minimum share of the shorter duty's bigrams found in the longer one (a truncated
    /// copy, a clause dropped), when the shorter is at least `shortest_share` of the longer.
    pub containment: f64,
    pub shortest_share: f64,
    /// The vocabulary (`data/dedup.txt` and the user's own file); None: the shipped one.
    pub vocabulary: Option<&'static Vocabulary>,
    /// Minimum share of the larger duty list two positions of one role must have in common.
    pub position_threshold: f64,
    /// Minimum share of the smaller document's duties found in the other document.
    pub document_threshold: f64,
}

impl Default for DedupOptions {
    fn default() -> Self {
        DedupOptions {
            level: Level::All,
            threshold: DEFAULT_THRESHOLD,
            containment: DEFAULT_CONTAINMENT,
            shortest_share: DEFAULT_SHORTEST_SHARE,
            vocabulary: None,
            position_threshold: 0.6,
            document_threshold: 0.6,
        }
    }
}

/// A copied position's (document's) duty list holds at least this share of the original's (a
/// truncated copy keeps its first half).
const MIN_SHARE_OF_LARGER: f64 = 0.3;

/// The defaults, chosen from the threshold table of the judged pairs' tune half (README).
pub const DEFAULT_THRESHOLD: f64 = 0.4;
pub const DEFAULT_CONTAINMENT: f64 = 0.85;
pub const DEFAULT_SHORTEST_SHARE: f64 = 0.3;

impl DedupOptions {
    /// When two duties' bigram sets are similar enough.
    pub fn rule(&self) -> Rule {
        Rule {
            jaccard: self.threshold,
            containment: self.containment,
            shortest_share: self.shortest_share,
        }
    }

    pub fn vocabulary(&self) -> &'static Vocabulary {
        self.vocabulary.unwrap_or_else(Vocabulary::shipped)
    }
}

/// Everything dedup found, in corpus order of each group's first member.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct DedupReport {
    pub duty_groups: Vec<DutyGroup>,
    pub position_groups: Vec<PositionGroup>,
    pub document_groups: Vec<DocumentGroup>,
}

impl DedupReport {
    pub fn is_empty(&self) -> bool {
        self.duty_groups.is_empty()
            && self.position_groups.is_empty()
            && self.document_groups.is_empty()
    }
}

/// Two or more duties that say the same thing.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DutyGroup {
    /// The most common variant (ties: the longest), tidied of wrapping spaces.
    pub canonical: String,
    /// The lowest bigram Jaccard similarity of a member to the canonical text (before
    /// equivalent words are folded, so 通过/经过 shows below 1).
    pub similarity: f64,
    pub members: Vec<DutyMember>,
}

/// One duty as it appears in the corpus.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DutyMember {
    pub doc_id: String,
    pub store: String,
    pub position: String,
    pub text: String,
    pub line: usize,
    /// In a duty group: why it belongs (`identical`, `identical after folding`, `reworded`,
    /// `contained`, `truncated copy`, `extended`), relative to the canonical text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// In a duty group: what changed from the canonical text (`及时 → 按时`, `+ 保密`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<String>,
}

/// Positions of one role whose duty lists are the same or nearly so.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PositionGroup {
    pub role: String,
    pub members: Vec<PositionMember>,
    /// Number of duties (duty groups) every member has.
    pub shared_duties: usize,
    /// The members' duties that not every member has.
    pub differing_duties: Vec<DutyMember>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PositionMember {
    pub doc_id: String,
    pub store: String,
    pub position: String,
    /// The position's first line in its file (with `doc_id`, it names the position).
    pub line: usize,
}

/// Documents whose duties repeat one another: the smaller one appears (almost) whole in the other.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DocumentGroup {
    /// The lowest, over the pairs that joined the group, share of the smaller document's duty
    /// groups found in the larger.
    pub similarity: f64,
    pub members: Vec<DocumentMember>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DocumentMember {
    pub doc_id: String,
    pub document: String,
}

/// One line of the clean corpus: a distinct duty and every place it came from.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CleanEntry {
    pub canonical: String,
    pub sources: Vec<Source>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Source {
    pub doc_id: String,
    pub store: String,
    pub position: String,
    pub line: usize,
    pub text: String,
}

/// What grouping did and how long each stage took (for benchmarks and `--json` stats).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct GroupingStats {
    pub texts: usize,
    /// Distinct comparison keys, after exact duplicates collapsed.
    pub unique: usize,
    pub lsh_bands: usize,
    pub lsh_rows: usize,
    pub buckets: usize,
    /// Distinct (canonical, candidate) pairs looked at.
    pub candidates: usize,
    /// Candidates at or above the threshold.
    pub similar: usize,
    /// Similar candidates the meaning guard kept apart.
    pub guarded: usize,
    pub groups: usize,
    pub normalize_seconds: f64,
    pub lsh_seconds: f64,
    pub cluster_seconds: f64,
}

/// Texts grouped into near-duplicate groups. Every text is in exactly one group.
#[derive(Debug, Clone, Default)]
pub struct TextGrouping {
    /// For each input text, the index of its group.
    pub group_of: Vec<u32>,
    /// Each group's texts, in input order; groups in the order of their first text.
    pub groups: Vec<Vec<u32>>,
    /// For each group, the input text chosen as canonical.
    pub canonical: Vec<u32>,
    pub stats: GroupingStats,
}

/// Groups near-duplicate texts (bigram Jaccard ≥ `threshold` to the group's canonical text and
/// no substituted content word). Scales to millions of texts: exact duplicates collapse, LSH
/// proposes candidates, and only candidates are compared.
pub fn group_texts<S: AsRef<str> + Sync>(texts: &[S], threshold: f64) -> TextGrouping {
    let options = DedupOptions {
        threshold,
        ..DedupOptions::default()
    };
    group_texts_with(texts, options.rule(), Vocabulary::shipped())
}

/// Characters of a key's beginning (end) that put it in one bucket with the keys that begin
/// (end) the same: how truncated copies meet their originals.
const END_CHARS: usize = 6;

/// Hashes of each key's first and last [`END_CHARS`] characters (0: too short to be contained).
fn end_keys(keys: &[&str]) -> Vec<Vec<u64>> {
    let ends: Vec<(u64, u64)> = keys
        .par_iter()
        .map(|key| {
            let chars: Vec<char> = key.chars().collect();
            if chars.len() <= Rule::MIN_CONTAINED {
                return (0, 0);
            }
            let hash = |part: &[char], salt: u64| {
                part.iter()
                    .fold(salt, |hash, &c| minhash::mix(hash ^ c as u64))
                    .max(1)
            };
            (
                hash(&chars[..END_CHARS], 0x5EED_0001),
                hash(&chars[chars.len() - END_CHARS..], 0x5EED_0002),
            )
        })
        .collect();
    vec![
        ends.iter().map(|end| end.0).collect(),
        ends.iter().map(|end| end.1).collect(),
    ]
}

/// [`group_texts`] with a similarity rule and a vocabulary of one's own.
pub fn group_texts_with<S: AsRef<str> + Sync>(
    texts: &[S],
    rule: Rule,
    vocabulary: &Vocabulary,
) -> TextGrouping {
    let threshold = rule.jaccard;
    let mut stats = GroupingStats {
        texts: texts.len(),
        ..GroupingStats::default()
    };
    let clock = Instant::now();

    // Identical raw texts first (cheap), then identical comparison keys.
    let mut raw_index: HashMap<&str, u32, minhash::BuildTextHasher> =
        HashMap::with_capacity_and_hasher(texts.len(), Default::default());
    let mut raw_texts: Vec<&str> = Vec::new();
    let raw_of: Vec<u32> = texts
        .iter()
        .map(|text| {
            let text = text.as_ref();
            *raw_index.entry(text).or_insert_with(|| {
                raw_texts.push(text);
                raw_texts.len() as u32 - 1
            })
        })
        .collect();
    drop(raw_index);
    let raw_keys: Vec<String> = raw_texts
        .par_iter()
        .map(|text| vocabulary.key(text))
        .collect();
    let mut key_index: HashMap<&str, u32, minhash::BuildTextHasher> =
        HashMap::with_capacity_and_hasher(raw_texts.len(), Default::default());
    let mut keys: Vec<&str> = Vec::new();
    let mut key_of_raw: Vec<u32> = Vec::with_capacity(raw_keys.len());
    for key in &raw_keys {
        // A key with nothing left to compare (punctuation only) is never a duplicate of another.
        let known = if key.is_empty() {
            None
        } else {
            key_index.get(key.as_str()).copied()
        };
        let id = known.unwrap_or_else(|| {
            keys.push(key.as_str());
            let id = keys.len() as u32 - 1;
            if !key.is_empty() {
                key_index.insert(key.as_str(), id);
            }
            id
        });
        key_of_raw.push(id);
    }
    drop(key_index);
    let unique = keys.len();
    stats.unique = unique;
    let mut count = vec![0u32; unique];
    let mut first = vec![u32::MAX; unique];
    for (index, &raw) in raw_of.iter().enumerate() {
        let key = key_of_raw[raw as usize] as usize;
        count[key] += 1;
        first[key] = first[key].min(index as u32);
    }
    let lengths: Vec<u32> = keys.iter().map(|key| key.chars().count() as u32).collect();
    stats.normalize_seconds = clock.elapsed().as_secs_f64();

    let clock = Instant::now();
    let sets = ShingleSets::build(&keys);
    let params = LshParams::for_threshold(threshold);
    let ends = if rule.containment <= 1.0 {
        end_keys(&keys)
    } else {
        Vec::new()
    };
    let buckets = Buckets::build_with(&sets, params, &ends);
    drop(ends);
    stats.lsh_bands = params.bands;
    stats.lsh_rows = params.rows;
    stats.buckets = buckets.len();
    stats.lsh_seconds = clock.elapsed().as_secs_f64();

    // Leaders: the most common variant first (ties: the longest, then the earliest), so a group's
    // leader is its canonical text and every member was verified against it.
    let clock = Instant::now();
    let mut order: Vec<u32> = (0..unique as u32).collect();
    order.sort_unstable_by_key(|&key| {
        let key = key as usize;
        (
            std::cmp::Reverse(count[key]),
            std::cmp::Reverse(lengths[key]),
            first[key],
        )
    });
    const UNASSIGNED: u32 = u32::MAX;
    let mut buckets = buckets;
    let sketches: Vec<u128> = (0..unique)
        .into_par_iter()
        .map(|key| minhash::sketch(sets.get(key)))
        .collect();
    let mut leader_of = vec![UNASSIGNED; unique];
    // The same as `leader_of[text] != UNASSIGNED`, in a bitmap small enough to stay in cache:
    // members are checked at random across millions of texts.
    let mut assigned = Assigned::new(unique);
    // Leaders are taken in order, a chunk at a time: each chunk's leaders look for their members
    // in parallel against the assignments made before the chunk, then the chunk is applied in
    // order, skipping a leader an earlier one took and members an earlier one took. Whether a
    // text joins a leader depends only on the two texts, so this is exactly the sequential
    // greedy grouping.
    const CHUNK: usize = 256;
    let mut next = 0;
    let mut chunk: Vec<u32> = Vec::with_capacity(CHUNK);
    let mut touched: Vec<u32> = Vec::new();
    while next < order.len() {
        chunk.clear();
        while next < order.len() && chunk.len() < CHUNK {
            if leader_of[order[next] as usize] == UNASSIGNED {
                chunk.push(order[next]);
            }
            next += 1;
        }
        let found: Vec<(Vec<u32>, Counts)> = chunk
            .par_iter()
            .map(|&leader| {
                members_of(
                    leader as usize,
                    &buckets,
                    &sets,
                    &sketches,
                    &assigned,
                    &keys,
                    vocabulary,
                    rule,
                )
            })
            .collect();
        touched.clear();
        for (&leader, (members, counts)) in chunk.iter().zip(found) {
            let leader = leader as usize;
            if leader_of[leader] != UNASSIGNED {
                continue;
            }
            stats.candidates += counts.candidates;
            stats.similar += counts.similar;
            stats.guarded += counts.guarded;
            leader_of[leader] = leader as u32;
            assigned.set(leader);
            for member in members {
                if leader_of[member as usize] == UNASSIGNED {
                    leader_of[member as usize] = leader as u32;
                    assigned.set(member as usize);
                }
            }
            touched.extend_from_slice(buckets.buckets_of(leader));
        }
        // Texts already in a group leave the buckets for good, so a big bucket is not rescanned
        // by every later leader in it.
        touched.sort_unstable();
        touched.dedup();
        buckets.retain(&touched, |member| !assigned.get(member as usize));
    }

    // Groups in order of their first text; the canonical text is the leader's most common raw
    // spelling (ties: the longest, then the earliest).
    let mut group_of_leader = vec![UNASSIGNED; unique];
    let mut groups: Vec<Vec<u32>> = Vec::new();
    let mut leaders: Vec<u32> = Vec::new();
    let group_of: Vec<u32> = raw_of
        .iter()
        .enumerate()
        .map(|(index, &raw)| {
            let leader = leader_of[key_of_raw[raw as usize] as usize] as usize;
            if group_of_leader[leader] == UNASSIGNED {
                group_of_leader[leader] = groups.len() as u32;
                groups.push(Vec::new());
                leaders.push(leader as u32);
            }
            let group = group_of_leader[leader];
            groups[group as usize].push(index as u32);
            group
        })
        .collect();
    let canonical: Vec<u32> = groups
        .par_iter()
        .zip(leaders.par_iter())
        .map(|(members, &leader)| {
            let mut spellings: HashMap<u32, (u32, u32)> = HashMap::new();
            for &member in members {
                let raw = raw_of[member as usize];
                if key_of_raw[raw as usize] == leader {
                    let entry = spellings.entry(raw).or_insert((0, member));
                    entry.0 += 1;
                }
            }
            spellings
                .into_iter()
                .max_by_key(|&(raw, (times, first))| {
                    (
                        times,
                        raw_texts[raw as usize].chars().count(),
                        std::cmp::Reverse(first),
                    )
                })
                .map(|(_, (_, first))| first)
                .unwrap_or(members[0])
        })
        .collect();
    stats.groups = groups.len();
    stats.cluster_seconds = clock.elapsed().as_secs_f64();
    TextGrouping {
        group_of,
        groups,
        canonical,
        stats,
    }
}

/// What looking for one leader's members counted.
#[derive(Debug, Clone, Copy, Default)]
struct Counts {
    candidates: usize,
    similar: usize,
    guarded: usize,
}

/// One bit per text: whether it is in a group yet.
struct Assigned(Vec<u64>);

impl Assigned {
    fn new(texts: usize) -> Assigned {
        Assigned(vec![0; texts.div_ceil(64)])
    }

    fn get(&self, text: usize) -> bool {
        self.0[text / 64] >> (text % 64) & 1 == 1
    }

    fn set(&mut self, text: usize) {
        self.0[text / 64] |= 1 << (text % 64);
    }
}

/// The unassigned texts that join `leader`: those sharing an LSH bucket with it, of a size that
/// can reach the threshold, with bigram Jaccard ≥ `threshold` and no substituted content word.
#[allow(clippy::too_many_arguments)]
fn members_of(
    leader: usize,
    buckets: &Buckets,
    sets: &ShingleSets,
    sketches: &[u128],
    assigned: &Assigned,
    keys: &[&str],
    vocabulary: &Vocabulary,
    rule: Rule,
) -> (Vec<u32>, Counts) {
    let leader_set = sets.get(leader);
    let size = leader_set.len();
    let mut candidates: Vec<Entry> = Vec::new();
    let leader_buckets = buckets.buckets_of(leader);
    for &bucket in leader_buckets {
        buckets.prefetch_bounds(bucket);
    }
    for &bucket in leader_buckets {
        buckets.prefetch_entries(bucket);
    }
    for &bucket in leader_buckets {
        let members = buckets.entries(bucket);
        // Members are by size: only the sizes `size_allows` accepts can reach the threshold.
        let low = members.partition_point(|&member| {
            let other = entry_size(member) as usize;
            other < size && !rule.sizes_allow(size, other)
        });
        let high = members.partition_point(|&member| {
            let other = entry_size(member) as usize;
            other <= size || rule.sizes_allow(size, other)
        });
        let window = members[low..high.max(low)]
            .iter()
            .copied()
            .filter(|&member| {
                let member = entry_item(member) as usize;
                member != leader && !assigned.get(member)
            });
        candidates.extend(window);
    }
    // By size, then index: an entry holds both, and a text always has the same size.
    candidates.sort_unstable();
    candidates.dedup();
    let mut counts = Counts {
        candidates: candidates.len(),
        ..Counts::default()
    };
    let leader_sketch = (size, sketches[leader]);
    const AHEAD: usize = 8;
    for &member in candidates.iter().take(AHEAD) {
        prefetch(&sketches[entry_item(member) as usize]);
    }
    let mut passed: Vec<u32> = Vec::new();
    for (index, &member) in candidates.iter().enumerate() {
        if let Some(&ahead) = candidates.get(index + AHEAD) {
            prefetch(&sketches[entry_item(ahead) as usize]);
        }
        let (member, member_size) = (entry_item(member) as usize, entry_size(member) as usize);
        if rule.sketch_allows(leader_sketch, (member_size, sketches[member])) {
            passed.push(member as u32);
        }
    }
    for &member in &passed {
        sets.prefetch_bounds(member as usize);
    }
    if let Some(&first) = passed.first() {
        sets.prefetch_elements(first as usize);
    }
    let mut members: Vec<u32> = Vec::new();
    for (index, &member) in passed.iter().enumerate() {
        if let Some(&next) = passed.get(index + 1) {
            sets.prefetch_elements(next as usize);
        }
        let member = member as usize;
        if !rule.similar(leader_set, sets.get(member)) {
            continue;
        }
        counts.similar += 1;
        let apart = vocabulary.says_something_else(keys[leader], keys[member]);
        counts.guarded += apart as usize;
        if !apart {
            members.push(member as u32);
        }
    }
    (members, counts)
}

/// One position's duties (indices into the deduplication's duties) and their groups.
struct PositionSet {
    place: (u32, u32),
    /// Sorted, distinct.
    groups: Vec<u32>,
    duties: Vec<u32>,
}

/// Where one duty is in the corpus: document, position and duty index.
#[derive(Debug, Clone, Copy)]
struct DutyAt {
    document: u32,
    position: u32,
    duty: u32,
}

/// A corpus with its duties grouped: the report and the clean corpus are both read from it.
pub struct Deduplication<'a> {
    corpus: &'a Corpus,
    options: DedupOptions,
    duties: Vec<DutyAt>,
    pub grouping: TextGrouping,
}

impl<'a> Deduplication<'a> {
    /// Groups every duty of every position of the corpus.
    pub fn new(corpus: &'a Corpus, options: DedupOptions) -> Deduplication<'a> {
        let mut duties = Vec::new();
        let mut texts: Vec<&str> = Vec::new();
        for (d, document) in corpus.documents.iter().enumerate() {
            for (p, position) in document.positions.iter().enumerate() {
                for (i, duty) in position.duties.iter().enumerate() {
                    duties.push(DutyAt {
                        document: d as u32,
                        position: p as u32,
                        duty: i as u32,
                    });
                    texts.push(&duty.text);
                }
            }
        }
        let grouping = group_texts_with(&texts, options.rule(), options.vocabulary());
        Deduplication {
            corpus,
            options,
            duties,
            grouping,
        }
    }

    fn document(&self, at: DutyAt) -> &'a Document {
        &self.corpus.documents[at.document as usize]
    }

    fn position(&self, at: DutyAt) -> &'a Position {
        &self.document(at).positions[at.position as usize]
    }

    fn text(&self, at: DutyAt) -> &'a str {
        &self.position(at).duties[at.duty as usize].text
    }

    fn member(&self, at: DutyAt) -> DutyMember {
        let document = self.document(at);
        let position = self.position(at);
        let duty = &position.duties[at.duty as usize];
        DutyMember {
            doc_id: document.id.clone(),
            store: document.store.clone(),
            position: position.title.clone(),
            text: duty.text.clone(),
            line: duty.line,
            reason: None,
            changes: Vec::new(),
        }
    }

    /// The duplicates at the levels the options ask for.
    pub fn report(&self) -> DedupReport {
        let level = self.options.level;
        DedupReport {
            duty_groups: if level.includes(Level::Duty) {
                self.duty_groups()
            } else {
                Vec::new()
            },
            position_groups: if level.includes(Level::Position) {
                self.position_groups()
            } else {
                Vec::new()
            },
            document_groups: if level.includes(Level::Document) {
                self.document_groups()
            } else {
                Vec::new()
            },
        }
    }

    /// Groups of two or more duties.
    pub fn duty_groups(&self) -> Vec<DutyGroup> {
        let grouping = &self.grouping;
        grouping
            .groups
            .par_iter()
            .zip(grouping.canonical.par_iter())
            .filter(|(members, _)| members.len() >= 2)
            .map(|(members, &canonical)| {
                let canonical_text = self.text(self.duties[canonical as usize]);
                let canonical_set = minhash::shingles(&text::plain_form(canonical_text));
                let similarity = members
                    .iter()
                    .map(|&member| {
                        let member_text = self.text(self.duties[member as usize]);
                        if member_text == canonical_text {
                            1.0
                        } else {
                            jaccard(
                                &canonical_set,
                                &minhash::shingles(&text::plain_form(member_text)),
                            )
                        }
                    })
                    .fold(1.0f64, f64::min);
                let vocabulary = self.options.vocabulary();
                DutyGroup {
                    canonical: text::tidy(canonical_text),
                    similarity: round(similarity),
                    members: members
                        .iter()
                        .map(|&member| {
                            let mut found = self.member(self.duties[member as usize]);
                            let (reason, changes) =
                                explain::reason(vocabulary, canonical_text, &found.text);
                            found.reason = Some(reason.as_str().to_string());
                            found.changes = changes;
                            found
                        })
                        .collect(),
                }
            })
            .collect()
    }

    /// The clean corpus: one entry per duty group, singletons included, each listing every
    /// source. Every duty of the corpus is a source of exactly one entry.
    pub fn clean_corpus(&self) -> Vec<CleanEntry> {
        let grouping = &self.grouping;
        grouping
            .groups
            .par_iter()
            .zip(grouping.canonical.par_iter())
            .map(|(members, &canonical)| CleanEntry {
                canonical: text::tidy(self.text(self.duties[canonical as usize])),
                sources: members
                    .iter()
                    .map(|&member| {
                        let member = self.member(self.duties[member as usize]);
                        Source {
                            doc_id: member.doc_id,
                            store: member.store,
                            position: member.position,
                            line: member.line,
                            text: member.text,
                        }
                    })
                    .collect(),
            })
            .collect()
    }

    /// For each (document, position) with duties, the set of its duties' groups.
    fn position_sets(&self) -> Vec<PositionSet> {
        let mut sets: Vec<PositionSet> = Vec::new();
        for (index, at) in self.duties.iter().enumerate() {
            let place = (at.document, at.position);
            if sets.last().is_none_or(|last| last.place != place) {
                sets.push(PositionSet {
                    place,
                    groups: Vec::new(),
                    duties: Vec::new(),
                });
            }
            let entry = sets.last_mut().expect("pushed above");
            entry.groups.push(self.grouping.group_of[index]);
            entry.duties.push(index as u32);
        }
        for set in &mut sets {
            set.groups.sort_unstable();
            set.groups.dedup();
        }
        sets
    }

    /// Positions whose duty lists are copies: most of the smaller list's duty groups are in
    /// the larger (a truncated or partial copy is a copy), whatever their titles (copies are
    /// renamed, or lose their title in a merge). The larger must hold a fair share of the
    /// smaller too, so two duties a short list shares with a long one do not make a copy.
    pub fn position_groups(&self) -> Vec<PositionGroup> {
        let sets = self.position_sets();
        let threshold = self.options.position_threshold;
        let group_sets: Vec<&[u32]> = sets.iter().map(|set| set.groups.as_slice()).collect();
        let edges: Vec<(usize, usize, f64)> =
            similar_sets(&group_sets, threshold, 2, Measure::OfSmaller)
                .into_iter()
                .filter(|&(a, b, _)| {
                    let shared = crate::sets::shared_count(group_sets[a], group_sets[b]);
                    let larger = group_sets[a].len().max(group_sets[b].len());
                    shared as f64 >= MIN_SHARE_OF_LARGER * larger as f64
                })
                .collect();
        star_clusters(sets.len(), &edges)
            .into_iter()
            .map(|(members, _)| {
                let first = &sets[members[0]];
                let role = self.corpus.documents[first.place.0 as usize].positions
                    [first.place.1 as usize]
                    .role
                    .clone();
                let mut shared: Vec<u32> = first.groups.clone();
                for &member in &members[1..] {
                    let other = &sets[member].groups;
                    shared.retain(|group| other.binary_search(group).is_ok());
                }
                let differing_duties = members
                    .iter()
                    .flat_map(|&member| sets[member].duties.iter())
                    .filter(|&&duty| {
                        shared
                            .binary_search(&self.grouping.group_of[duty as usize])
                            .is_err()
                    })
                    .map(|&duty| self.member(self.duties[duty as usize]))
                    .collect();
                PositionGroup {
                    role,
                    members: members
                        .iter()
                        .map(|&member| {
                            let (d, p) = sets[member].place;
                            let document = &self.corpus.documents[d as usize];
                            PositionMember {
                                doc_id: document.id.clone(),
                                store: document.store.clone(),
                                position: document.positions[p as usize].title.clone(),
                                line: document.positions[p as usize].line_start,
                            }
                        })
                        .collect(),
                    shared_duties: shared.len(),
                    differing_duties,
                }
            })
            .collect()
    }

    /// Documents whose duties (almost) all appear in another document.
    pub fn document_groups(&self) -> Vec<DocumentGroup> {
        let mut document_sets: Vec<Vec<u32>> = vec![Vec::new(); self.corpus.documents.len()];
        for (index, at) in self.duties.iter().enumerate() {
            document_sets[at.document as usize].push(self.grouping.group_of[index]);
        }
        // In document order, for truncated copies: a copy of a document's beginning.
        let in_order = document_sets.clone();
        for set in &mut document_sets {
            set.sort_unstable();
            set.dedup();
        }
        let slices: Vec<&[u32]> = document_sets.iter().map(Vec::as_slice).collect();
        // As for positions: most of the smaller document is in the larger, and the smaller is a
        // fair share of the larger (a truncated copy keeps its first half; one position's
        // duties found in a long document do not make the two documents copies).
        let edges: Vec<(usize, usize, f64)> = similar_sets(
            &slices,
            self.options.document_threshold,
            3,
            Measure::OfSmaller,
        )
        .into_iter()
        .filter(|&(a, b, _)| {
            let shared = crate::sets::shared_count(slices[a], slices[b]);
            let (small, large) = if slices[a].len() <= slices[b].len() {
                (a, b)
            } else {
                (b, a)
            };
            if shared as f64 >= MIN_SHARE_OF_LARGER * slices[large].len() as f64 {
                return true;
            }
            // Or the smaller is the larger's beginning, cut off: most of it is in the larger's
            // first duties.
            let mut beginning: Vec<u32> = in_order[large]
                .iter()
                .take(2 * slices[small].len())
                .copied()
                .collect();
            beginning.sort_unstable();
            beginning.dedup();
            let at_start = crate::sets::shared_count(slices[small], &beginning);
            at_start as f64 >= self.options.document_threshold * slices[small].len() as f64
        })
        .collect();
        star_clusters(document_sets.len(), &edges)
            .into_iter()
            .map(|(members, similarity)| DocumentGroup {
                similarity: round(similarity),
                members: members
                    .into_iter()
                    .map(|d| {
                        let document = &self.corpus.documents[d];
                        DocumentMember {
                            doc_id: document.id.clone(),
                            document: document.title.clone(),
                        }
                    })
                    .collect(),
            })
            .collect()
    }
}

/// Dedups a corpus at the levels the options ask for.
pub fn dedup(corpus: &Corpus, options: &DedupOptions) -> DedupReport {
    Deduplication::new(corpus, *options).report()
}

/// The clean corpus of `corpus`: one entry per distinct duty with every source.
pub fn clean_corpus(corpus: &Corpus, threshold: f64) -> Vec<CleanEntry> {
    let options = DedupOptions {
        threshold,
        level: Level::Duty,
        ..DedupOptions::default()
    };
    Deduplication::new(corpus, options).clean_corpus()
}

#[derive(Debug, Clone, Copy)]
enum Measure {
    /// Shared / size of the larger set: the two lists are nearly the same.
    #[cfg_attr(not(test), allow(dead_code))]
    OfLarger,
    /// Shared / size of the smaller set: the smaller is (nearly) contained in the larger.
    OfSmaller,
}

/// Pairs of sets (indices a < b) with at least `minimum_shared` elements in common and a
/// similarity ≥ `threshold`. Exact, by prefix filtering: a pair over the threshold shares at
/// least ⌈t·|A|⌉ elements with the smaller set A, so A's |A| − ⌈t·|A|⌉ + 1 rarest elements must
/// include one of them; only those are looked up, and boilerplate (common) elements are last.
fn similar_sets(
    sets: &[&[u32]],
    threshold: f64,
    minimum_shared: usize,
    measure: Measure,
) -> Vec<(usize, usize, f64)> {
    let mut postings: HashMap<u32, Vec<u32>> = HashMap::new();
    for (index, set) in sets.iter().enumerate() {
        for &element in set.iter() {
            postings.entry(element).or_default().push(index as u32);
        }
    }
    let frequency = |element: &u32| postings.get(element).map_or(0, Vec::len);
    let smaller_first = |a: usize, b: usize| (sets[a].len(), a) < (sets[b].len(), b);
    (0..sets.len())
        .into_par_iter()
        .flat_map_iter(|a| {
            let set_a = sets[a];
            let mut rarest: Vec<u32> = set_a.to_vec();
            rarest.sort_unstable_by_key(|element| (frequency(element), *element));
            let needed = ((threshold * set_a.len() as f64) - 1e-9).ceil().max(1.0) as usize;
            let prefix = (set_a.len() + 1).saturating_sub(needed).min(set_a.len());
            let mut candidates: Vec<u32> = rarest[..prefix]
                .iter()
                .filter_map(|element| postings.get(element))
                .flat_map(|list| list.iter().copied())
                .filter(|&b| smaller_first(a, b as usize))
                .collect();
            candidates.sort_unstable();
            candidates.dedup();
            candidates.into_iter().filter_map(move |b| {
                let set_b = sets[b as usize];
                let shared = set_a
                    .iter()
                    .filter(|element| set_b.binary_search(element).is_ok())
                    .count();
                let size = match measure {
                    Measure::OfLarger => set_a.len().max(set_b.len()),
                    Measure::OfSmaller => set_a.len().min(set_b.len()),
                };
                let similarity = shared as f64 / size.max(1) as f64;
                (shared >= minimum_shared && similarity >= threshold).then_some((
                    a.min(b as usize),
                    a.max(b as usize),
                    similarity,
                ))
            })
        })
        .collect()
}

/// Groups without chains: the item with the most similar neighbours (ties: the earliest) leads
/// a group of itself and its neighbours not yet grouped, then the next, so every member is
/// similar to its group's leader (A ≈ B ≈ C with A ≉ C does not put A and C together; B goes
/// with one of them). Groups of two or more, members sorted, in order of their first member,
/// each with the lowest similarity of a member to its leader.
fn star_clusters(n: usize, edges: &[(usize, usize, f64)]) -> Vec<(Vec<usize>, f64)> {
    let mut neighbours: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
    for &(a, b, similarity) in edges {
        neighbours[a].push((b, similarity));
        neighbours[b].push((a, similarity));
    }
    let mut order: Vec<usize> = (0..n).filter(|&x| !neighbours[x].is_empty()).collect();
    order.sort_by_key(|&x| (std::cmp::Reverse(neighbours[x].len()), x));
    let mut grouped = vec![false; n];
    let mut out: Vec<(Vec<usize>, f64)> = Vec::new();
    for leader in order {
        if grouped[leader] {
            continue;
        }
        let mut members = vec![leader];
        let mut lowest = 1.0f64;
        for &(other, similarity) in &neighbours[leader] {
            if !grouped[other] && !members.contains(&other) {
                members.push(other);
                lowest = lowest.min(similarity);
            }
        }
        if members.len() < 2 {
            continue;
        }
        for &member in &members {
            grouped[member] = true;
        }
        members.sort_unstable();
        out.push((members, lowest));
    }
    out.sort_unstable_by_key(|(members, _)| members[0]);
    out
}

fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_and_near_duplicates_group_and_hard_negatives_do_not() {
        let texts = [
            // Lines 36 and 432 (经过/通过), and line 528's wrapped 经过/调控 variant.
            "组织制定年度预算及年度工作计划并有效的分解成月工作计划,经过检查、控制、监督和考核等过程管理,保障各项计划及指标的完成;",
            "组织制定年度预算及年度工作计划并有效的分解成月工作计划,通过检查、控制、监督和考核等过程管理,保障各项计划及指标的完成;",
            "负责月初制定每月销售任务及工作目标、计划报总经理处。",
            "负责月初制定每月销售任务及工作目标、计划报销售经理处。",
            "完成领导交办的其他任务。",
            "完成领导交办的其它任务。",
            "完成领导交办的其他任务",
        ];
        let grouping = group_texts(&texts, 0.7);
        let g = &grouping.group_of;
        assert_eq!(g[0], g[1]);
        assert_ne!(g[2], g[3]);
        assert_eq!(g[4], g[5]);
        assert_eq!(g[4], g[6]);
        assert_eq!(grouping.groups.len(), 4);
        // The most common spelling is canonical: 其他任务。 twice (after folding) beats 其它.
        let boilerplate = g[4] as usize;
        assert_eq!(
            texts[grouping.canonical[boilerplate] as usize],
            "完成领导交办的其他任务。"
        );
    }

    #[test]
    fn prefix_filtering_finds_what_comparing_all_pairs_finds() {
        // Deterministic pseudo-random sets over a small universe, with copies and near copies.
        let mut state = 7u64;
        let mut next = |n: u64| {
            state = minhash::mix(state.wrapping_add(0x9E37_79B9_7F4A_7C15));
            state % n
        };
        let mut sets: Vec<Vec<u32>> = Vec::new();
        for _ in 0..300 {
            let mut set: Vec<u32> = if !sets.is_empty() && next(3) == 0 {
                let mut copy = sets[next(sets.len() as u64) as usize].clone();
                copy.truncate(copy.len().saturating_sub(next(2) as usize));
                copy.push(next(60) as u32);
                copy
            } else {
                (0..1 + next(12)).map(|_| next(60) as u32).collect()
            };
            set.sort_unstable();
            set.dedup();
            sets.push(set);
        }
        let slices: Vec<&[u32]> = sets.iter().map(Vec::as_slice).collect();
        for (threshold, measure) in [
            (0.8, Measure::OfLarger),
            (0.8, Measure::OfSmaller),
            (0.5, Measure::OfSmaller),
        ] {
            let mut found: Vec<(usize, usize)> = similar_sets(&slices, threshold, 2, measure)
                .into_iter()
                .map(|(a, b, _)| (a, b))
                .collect();
            found.sort_unstable();
            let mut expected = Vec::new();
            for a in 0..sets.len() {
                for b in a + 1..sets.len() {
                    let shared = sets[a].iter().filter(|x| sets[b].contains(x)).count();
                    let size = match measure {
                        Measure::OfLarger => sets[a].len().max(sets[b].len()),
                        Measure::OfSmaller => sets[a].len().min(sets[b].len()),
                    };
                    if shared >= 2 && shared as f64 / size as f64 >= threshold {
                        expected.push((a, b));
                    }
                }
            }
            assert!(!expected.is_empty());
            assert_eq!(found, expected);
        }
    }

    #[test]
    fn star_clusters_do_not_chain() {
        // 0 ≈ 1 ≈ 2 with 0 ≉ 2; 1 has the most neighbours and leads; 3 ≈ 4 alone.
        let chain = [(0, 1, 0.9), (1, 2, 0.8), (3, 4, 0.7)];
        let groups = star_clusters(5, &chain);
        assert_eq!(groups, vec![(vec![0, 1, 2], 0.8), (vec![3, 4], 0.7)]);
        // A longer chain 0-1-2-3: the leader 1 (ties: the earliest) takes 0 and 2; 3 is left
        // with nobody to lead it and stays alone rather than joining 0 through 2.
        let longer = [(0, 1, 0.9), (1, 2, 0.9), (2, 3, 0.9)];
        let groups = star_clusters(4, &longer);
        assert_eq!(groups, vec![(vec![0, 1, 2], 0.9)]);
    }

    #[test]
    fn containment_groups_a_truncated_copy_that_jaccard_misses() {
        let full = "负责展厅的日常管理，包括销售顾问的行为规范、接待礼仪、展厅和展车的清洁卫生安排";
        let cut = "负责展厅的日常管理，包括销售顾问的行为规范";
        let with = group_texts(&[full, cut], 0.7);
        assert_eq!(with.group_of[0], with.group_of[1]);
        let jaccard_only =
            group_texts_with(&[full, cut], Rule::jaccard_only(0.7), Vocabulary::shipped());
        assert_ne!(jaccard_only.group_of[0], jaccard_only.group_of[1]);
    }

    #[test]
    fn every_text_is_in_exactly_one_group() {
        let texts = ["a", "", "、", "负责展厅清洁", "负责展厅清洁。", "。"];
        let grouping = group_texts(&texts, 0.7);
        let mut seen = vec![0; texts.len()];
        for group in &grouping.groups {
            for &member in group {
                seen[member as usize] += 1;
            }
        }
        assert!(seen.iter().all(|&times| times == 1));
        // Punctuation-only texts have nothing to compare and stay on their own.
        assert_ne!(grouping.group_of[2], grouping.group_of[5]);
    }
}
