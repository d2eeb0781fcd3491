//! Dedup at scale: candidate generation time and count at 10k → 100k → 1M generated duties, and
//! the recall LSH keeps against exact all-pairs Jaccard on the smallest set. Prints JSON lines.
//!
//!     cargo run --release --example dedup_bench                  # 10k, 100k, 1M
//!     cargo run --release --example dedup_bench -- 10000 100000  # chosen sizes
//!     cargo run --release --example dedup_bench -- --threshold 0.8 10000
//!
//! Duties are generated here, deterministically (fixed seed), by recombining clauses of the
//! shipped corpus and editing them the ways merged files do (synonym swaps, dropped and added
//! clauses, punctuation, wrapping, brand swaps); about 15 % are copies or edited copies of an
//! earlier duty. The generator does not depend on the corpus generator of the benchmark work.

use std::time::Instant;
use zhize::dedup::minhash::{exact_pairs, jaccard, size_allows, Buckets, LshParams, ShingleSets};
use zhize::dedup::{group_texts, text::Vocabulary, DedupOptions, Deduplication};
use zhize::{Corpus, Document, Duty, Position, PositionKind};

const CORPUS: &str = include_str!("../corpus/4s店岗位职责合集.txt");

/// SplitMix64: a tiny deterministic generator, so runs are comparable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// Clauses of the shipped corpus: the pieces between punctuation, 4–30 characters.
fn clauses() -> Vec<String> {
    let mut out: Vec<String> = CORPUS
        .split(|c: char| ",,;;。、:: \n()()".contains(c) || c.is_ascii_digit())
        .map(str::trim)
        .filter(|piece| (4..=30).contains(&piece.chars().count()))
        .map(str::to_string)
        .collect();
    out.sort();
    out.dedup();
    out
}

const SWAPS: &[(&str, &str)] = &[
    ("通过", "经过"),
    ("能够", "可以"),
    ("其他", "其它"),
    ("年度", "月度"),
    ("销售", "售后"),
    ("负责", "协助"),
    ("公司", "4S店"),
    ("客户", "顾客"),
];
const BRANDS: &[&str] = &["林肯", "东风标致", "铃木", "宝马", "海马", "现代"];
const INSERTS: &[&str] = &["及时", "定期", "全面", "认真", "严格", "积极"];

fn edit(duty: &str, rng: &mut Rng, clauses: &[String]) -> String {
    let mut text = duty.to_string();
    match rng.below(6) {
        0 => {
            let (a, b) = SWAPS[rng.below(SWAPS.len())];
            text = text.replacen(a, b, 1);
        }
        1 => {
            // Drop the last clause.
            if let Some(cut) = text.rfind(',') {
                text.truncate(cut);
            }
        }
        2 => {
            text.push(',');
            text.push_str(&clauses[rng.below(clauses.len())]);
        }
        3 => text = text.replace(',', ";").replace('、', ","),
        4 => {
            // Wrapping: a space in the middle.
            let chars: Vec<char> = text.chars().collect();
            let at = rng.below(chars.len().max(1));
            text = chars[..at]
                .iter()
                .chain([' '].iter())
                .chain(&chars[at..])
                .collect();
        }
        _ => {
            let word = INSERTS[rng.below(INSERTS.len())];
            text = format!("{word}{text}");
        }
    }
    if rng.chance(5) {
        text.push_str(BRANDS[rng.below(BRANDS.len())]);
    }
    text
}

/// `n` duties: fresh recombinations of 1–4 clauses, with about 15 % copies (half exact, half
/// edited) of an earlier duty, and boilerplate.
fn generate(n: usize, seed: u64) -> Vec<String> {
    let clauses = clauses();
    let mut rng = Rng(seed);
    let mut duties: Vec<String> = Vec::with_capacity(n);
    while duties.len() < n {
        let roll = rng.below(100);
        let duty = if roll < 2 {
            [
                "完成领导交办的其他任务。",
                "完成领导交办的其它工作。",
                "完成上级交办的其他工作",
            ][rng.below(3)]
            .to_string()
        } else if roll < 17 && !duties.is_empty() {
            let earlier = duties[rng.below(duties.len())].clone();
            if rng.chance(50) {
                earlier
            } else {
                edit(&earlier, &mut rng, &clauses)
            }
        } else {
            let parts = 1 + rng.below(4);
            let mut text = String::from(["负责", "协助", "组织", ""][rng.below(4)]);
            for part in 0..parts {
                if part > 0 {
                    text.push(',');
                }
                text.push_str(&clauses[rng.below(clauses.len())]);
            }
            text.push(';');
            text
        };
        duties.push(duty);
    }
    duties
}

const ROLES: &[&str] = &[
    "总经理",
    "销售经理",
    "销售顾问",
    "展厅经理",
    "售后经理",
    "服务顾问",
    "市场经理",
    "客服专员",
    "行政经理",
    "财务经理",
    "保险专员",
    "信息员",
];

/// The duties as a corpus: stores (documents) of positions of 6–12 duties; about 5 % of the
/// positions are copies of an earlier position of the same role (one duty edited), as when a
/// store copies another's job descriptions.
fn corpus(duties: &[String], seed: u64) -> Corpus {
    let clauses = clauses();
    let mut rng = Rng(seed ^ 0x00C0_FFEE);
    let mut documents: Vec<Document> = Vec::new();
    let mut positions: Vec<Position> = Vec::new();
    let mut counts: Vec<usize> = Vec::new();
    let mut next = 0;
    let mut line = 1;
    while next < duties.len() {
        let role = ROLES[positions.len() % ROLES.len()];
        let size = (6 + rng.below(7)).min(duties.len() - next);
        let earlier = positions
            .len()
            .saturating_sub(1 + rng.below(positions.len().max(1)));
        let texts: Vec<String> = if rng.chance(5) && positions.len() > ROLES.len() {
            let source = earlier - earlier % ROLES.len() + positions.len() % ROLES.len();
            let source = if source < positions.len() {
                source
            } else {
                earlier
            };
            let mut texts: Vec<String> = positions[source]
                .duties
                .iter()
                .map(|d| d.text.clone())
                .collect();
            let edited = rng.below(texts.len());
            texts[edited] = edit(&texts[edited], &mut rng, &clauses);
            texts.truncate(duties.len() - next);
            texts
        } else {
            duties[next..next + size].to_vec()
        };
        next += texts.len().max(1);
        let items: Vec<Duty> = texts
            .into_iter()
            .map(|text| {
                line += 1;
                Duty {
                    n: None,
                    text,
                    line,
                }
            })
            .collect();
        positions.push(Position {
            title: role.to_string(),
            role: role.to_string(),
            department: None,
            reports_to: Vec::new(),
            subordinates: Vec::new(),
            kind: PositionKind::Duties,
            line_start: items[0].line,
            line_end: line,
            sections: Vec::new(),
            duties: items,
        });
        if positions.len().is_multiple_of(ROLES.len()) || next >= duties.len() {
            let id = format!("d{}", documents.len() + 1);
            let start = positions.len() - (positions.len() - 1) % ROLES.len() - 1;
            documents.push(Document {
                id: id.clone(),
                title: format!("门店{id}"),
                store: format!("门店{id}"),
                file: "generated".to_string(),
                line_start: 0,
                line_end: line,
                // Filled below, by moving the positions (no second copy in memory).
                positions: Vec::new(),
            });
            counts.push(positions.len() - start);
        }
    }
    let mut positions = positions.into_iter();
    for (document, count) in documents.iter_mut().zip(counts) {
        document.positions.extend(positions.by_ref().take(count));
    }
    Corpus {
        documents,
        ..Corpus::default()
    }
}

/// User + system CPU seconds of this process so far.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or(Vec::new(), |(_, rest)| rest.split_whitespace().collect());
    let ticks = |index: usize| fields.get(index).and_then(|f| f.parse::<f64>().ok());
    // Fields after the command: state is 0, utime 11, stime 12 (clock ticks of 1/100 s).
    ticks(11)
        .zip(ticks(12))
        .map_or(0.0, |(user, system)| (user + system) / 100.0)
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmHWM:"))
                .and_then(|line| line.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn recall(duties: &[String], threshold: f64) -> serde_json::Value {
    let vocabulary = Vocabulary::shipped();
    let mut keys: Vec<String> = duties.iter().map(|duty| vocabulary.key(duty)).collect();
    keys.sort();
    keys.dedup();
    let sets = ShingleSets::build(&keys);
    let clock = Instant::now();
    let exact = exact_pairs(&sets, threshold);
    let all_pairs_seconds = clock.elapsed().as_secs_f64();
    let clock = Instant::now();
    let params = LshParams::for_threshold(threshold);
    let candidates = Buckets::build(&sets, params).candidate_pairs();
    let lsh_seconds = clock.elapsed().as_secs_f64();
    let kept = exact
        .iter()
        .filter(|pair| candidates.binary_search(pair).is_ok())
        .count();
    // Same pairs, judged on the final groups: both texts of an exact pair in one group. Lower
    // than candidate recall by design: the meaning guard splits substituted words (年度/月度),
    // and groups form around a canonical text, so two variants that are each similar to each
    // other but not to the canonical text may land in different groups.
    let grouping = group_texts(&keys, threshold);
    let together = exact
        .iter()
        .filter(|&&(a, b)| grouping.group_of[a as usize] == grouping.group_of[b as usize])
        .count();
    // The same, over the exact pairs the meaning guard lets through: what clustering loses.
    let unguarded: Vec<&(u32, u32)> = exact
        .iter()
        .filter(|&&(a, b)| !vocabulary.says_something_else(&keys[a as usize], &keys[b as usize]))
        .collect();
    let unguarded_together = unguarded
        .iter()
        .filter(|&&&(a, b)| grouping.group_of[a as usize] == grouping.group_of[b as usize])
        .count();
    serde_json::json!({
        "recall_of": duties.len(),
        "exact_pairs_the_guard_accepts": unguarded.len(),
        "same_group_recall_of_accepted": unguarded_together as f64 / unguarded.len().max(1) as f64,
        "unique": keys.len(),
        "threshold": threshold,
        "lsh": {"bands": params.bands, "rows": params.rows},
        "exact_pairs": exact.len(),
        "all_pairs_compared": keys.len() * (keys.len() - 1) / 2,
        "all_pairs_seconds": all_pairs_seconds,
        "lsh_candidate_pairs": candidates.len(),
        "lsh_seconds": lsh_seconds,
        "candidate_recall": kept as f64 / exact.len().max(1) as f64,
        "same_group_recall": together as f64 / exact.len().max(1) as f64,
    })
}

/// Every pair of `sets` with Jaccard ≥ `threshold`, exactly, by prefix filtering (a pair over
/// the threshold shares an element within both sets' |x| − ⌈t·|x|⌉ + 1 rarest elements) and
/// verifying every pair that does: the ground truth at 100k and 1M, where comparing all pairs
/// takes hours. `exact_pairs` (all pairs) checks it on the smallest size.
fn exact_pairs_by_prefix(sets: &ShingleSets, threshold: f64) -> Vec<(u32, u32)> {
    use rayon::prelude::*;
    use std::collections::HashMap;
    let mut frequency: HashMap<u32, u32> = HashMap::new();
    for item in 0..sets.len() {
        for &element in sets.get(item) {
            *frequency.entry(element).or_default() += 1;
        }
    }
    let prefixes: Vec<Vec<u32>> = (0..sets.len())
        .into_par_iter()
        .map(|item| {
            let mut rarest = sets.get(item).to_vec();
            rarest.sort_unstable_by_key(|element| (frequency[element], *element));
            let needed = ((threshold * rarest.len() as f64) - 1e-9).ceil().max(1.0) as usize;
            rarest.truncate((rarest.len() + 1).saturating_sub(needed));
            rarest
        })
        .collect();
    let mut postings: HashMap<u32, Vec<u32>> = HashMap::new();
    for (item, prefix) in prefixes.iter().enumerate() {
        for &element in prefix {
            postings.entry(element).or_default().push(item as u32);
        }
    }
    let mut pairs: Vec<(u32, u32)> = (0..sets.len())
        .into_par_iter()
        .flat_map_iter(|a| {
            let set_a = sets.get(a);
            let mut candidates: Vec<u32> = prefixes[a]
                .iter()
                .flat_map(|element| postings[element].iter().copied())
                .filter(|&b| (b as usize) > a)
                .collect();
            candidates.sort_unstable();
            candidates.dedup();
            candidates.into_iter().filter_map(move |b| {
                let set_b = sets.get(b as usize);
                (size_allows(set_a.len(), set_b.len(), threshold)
                    && jaccard(set_a, set_b) >= threshold)
                    .then_some((a as u32, b))
            })
        })
        .collect();
    pairs.par_sort_unstable();
    pairs
}

/// The pairs (a, b), a in `sample`, b any other item, with Jaccard ≥ `threshold`: all pairs of
/// a sample, compared exhaustively.
fn exact_pairs_of(sets: &ShingleSets, sample: &[u32], threshold: f64) -> Vec<(u32, u32)> {
    use rayon::prelude::*;
    let mut pairs: Vec<(u32, u32)> = sample
        .par_iter()
        .flat_map_iter(|&a| {
            let set_a = sets.get(a as usize);
            (0..sets.len() as u32).filter_map(move |b| {
                let set_b = sets.get(b as usize);
                (b != a
                    && size_allows(set_a.len(), set_b.len(), threshold)
                    && jaccard(set_a, set_b) >= threshold)
                    .then_some((a.min(b), a.max(b)))
            })
        })
        .collect();
    pairs.par_sort_unstable();
    pairs.dedup();
    pairs
}

/// The duties of a loaded corpus (the benchmark harness's `stores/` folder), each level timed
/// on its own, then (with `--recall`) the share of exact-Jaccard pairs of distinct comparison
/// keys that end up in one duty group.
fn loaded(dir: &std::path::Path, threshold: f64, with_recall: bool) {
    let stores = dir.join("stores");
    let path = if stores.is_dir() {
        stores
    } else {
        dir.to_path_buf()
    };
    let clock = Instant::now();
    let corpus = zhize::load(&[path], &zhize::LoadOptions::default()).expect("corpus loads");
    let load_seconds = clock.elapsed().as_secs_f64();
    let load_rss = peak_rss_mb();
    let load_cpu = cpu_seconds();
    let options = DedupOptions {
        threshold,
        ..DedupOptions::default()
    };
    let clock = Instant::now();
    let deduplication = Deduplication::new(&corpus, options);
    let group_seconds = clock.elapsed().as_secs_f64();
    let clock = Instant::now();
    let duty_groups = deduplication.duty_groups();
    let duty_groups_seconds = clock.elapsed().as_secs_f64();
    let clock = Instant::now();
    let position_groups = deduplication.position_groups();
    let position_seconds = clock.elapsed().as_secs_f64();
    let clock = Instant::now();
    let document_groups = deduplication.document_groups();
    let document_seconds = clock.elapsed().as_secs_f64();
    let stats = &deduplication.grouping.stats;
    println!(
        "{}",
        serde_json::json!({
            "data": dir.display().to_string(),
            "load_cpu_seconds": load_cpu,
            "all_levels_cpu_seconds": cpu_seconds() - load_cpu,
            "threads": rayon::current_num_threads(),
            "load_seconds": load_seconds,
            "load_rss_mb": load_rss,
            "duties": stats.texts,
            "stats": stats,
            "group_duties_seconds": group_seconds,
            "duty_groups_seconds": duty_groups_seconds,
            "position_groups_seconds": position_seconds,
            "document_groups_seconds": document_seconds,
            "all_levels_seconds": group_seconds + duty_groups_seconds + position_seconds + document_seconds,
            "duty_groups": duty_groups.len(),
            "duties_in_groups": duty_groups.iter().map(|g| g.members.len()).sum::<usize>(),
            "position_groups": position_groups.len(),
            "document_groups": document_groups.len(),
            "peak_rss_mb": peak_rss_mb(),
        })
    );
    if std::env::var_os("DEDUP_BENCH_BUCKETS").is_some() {
        bucket_sizes(&corpus, threshold);
    }
    if !with_recall {
        return;
    }
    drop((duty_groups, position_groups, document_groups));
    let texts: Vec<&str> = corpus
        .positions()
        .flat_map(|(_, position)| position.duties.iter().map(|duty| duty.text.as_str()))
        .collect();
    let vocabulary = Vocabulary::shipped();
    let grouping = &deduplication.grouping;
    // One text per distinct non-empty key, with the group it landed in.
    let mut group_of_key: std::collections::HashMap<String, u32> = Default::default();
    for (index, text) in texts.iter().enumerate() {
        let key = vocabulary.key(text);
        if !key.is_empty() {
            group_of_key.entry(key).or_insert(grouping.group_of[index]);
        }
    }
    let mut keys: Vec<(String, u32)> = group_of_key.into_iter().collect();
    keys.sort_unstable();
    let sets = ShingleSets::build(&keys.iter().map(|(key, _)| key.as_str()).collect::<Vec<_>>());
    let clock = Instant::now();
    // Above 200k keys, all pairs take hours even with prefix filtering: the exact pairs of a
    // fixed sample of 400 keys, each compared with every key, stand for the whole.
    let sampled = keys.len() > 200_000;
    let exact = if sampled {
        let mut rng = Rng(42);
        let mut sample: Vec<u32> = (0..400).map(|_| rng.below(keys.len()) as u32).collect();
        sample.sort_unstable();
        sample.dedup();
        exact_pairs_of(&sets, &sample, threshold)
    } else {
        exact_pairs_by_prefix(&sets, threshold)
    };
    let exact_seconds = clock.elapsed().as_secs_f64();
    if keys.len() <= 30_000 {
        assert_eq!(
            exact,
            exact_pairs(&sets, threshold),
            "prefix filtering is exact"
        );
    }
    // Candidate recall: the exact pairs that share an LSH bucket, so the verifier sees them.
    let params = LshParams::for_threshold(threshold);
    let buckets = Buckets::build(&sets, params);
    let proposed = exact
        .iter()
        .filter(|&&(a, b)| buckets.shares_bucket(a as usize, b as usize))
        .count();
    drop(buckets);
    // The same without splitting oversized buckets: what the split costs.
    let unsplit = Buckets::build(
        &sets,
        LshParams {
            cap: usize::MAX,
            ..params
        },
    );
    let proposed_unsplit = exact
        .iter()
        .filter(|&&(a, b)| unsplit.shares_bucket(a as usize, b as usize))
        .count();
    drop(unsplit);
    let same = |&&(a, b): &&(u32, u32)| keys[a as usize].1 == keys[b as usize].1;
    let together = exact.iter().filter(same).count();
    let accepted: Vec<&(u32, u32)> = exact
        .iter()
        .filter(|&&(a, b)| {
            !vocabulary.says_something_else(&keys[a as usize].0, &keys[b as usize].0)
        })
        .collect();
    let accepted_together = accepted.iter().filter(|pair| same(pair)).count();
    println!(
        "{}",
        serde_json::json!({
            "recall_of": dir.display().to_string(),
            "threshold": threshold,
            "unique_keys": keys.len(),
            "exact_pairs": exact.len(),
            "exact_seconds": exact_seconds,
            "exact_pairs_of_a_sample_of_keys": sampled,
            "candidate_recall": proposed as f64 / exact.len().max(1) as f64,
            "bucket_cap": params.cap,
            "candidate_recall_unsplit": proposed_unsplit as f64 / exact.len().max(1) as f64,
            "same_group_recall": together as f64 / exact.len().max(1) as f64,
            "exact_pairs_the_guard_accepts": accepted.len(),
            "same_group_recall_of_accepted": accepted_together as f64 / accepted.len().max(1) as f64,
        })
    );
}

/// How big the LSH buckets of the corpus's distinct keys are: per power-of-two size class, the
/// number of buckets, their members and the pairs they hold.
fn bucket_sizes(corpus: &Corpus, threshold: f64) {
    let vocabulary = Vocabulary::shipped();
    let mut keys: Vec<String> = corpus
        .positions()
        .flat_map(|(_, position)| {
            position
                .duties
                .iter()
                .map(|duty| vocabulary.key(&duty.text))
        })
        .filter(|key| !key.is_empty())
        .collect();
    keys.sort_unstable();
    keys.dedup();
    let sets = ShingleSets::build(&keys);
    let buckets = Buckets::build(&sets, LshParams::for_threshold(threshold));
    let mut classes = [(0usize, 0usize, 0u64); 32];
    for bucket in 0..buckets.len() as u32 {
        let size = buckets.members(bucket).len();
        let class = &mut classes[size.ilog2() as usize];
        class.0 += 1;
        class.1 += size;
        class.2 += (size * (size - 1) / 2) as u64;
    }
    for (class, (count, members, pairs)) in classes.iter().enumerate() {
        if *count > 0 {
            println!(
                "{}",
                serde_json::json!({"bucket_size_from": 1usize << class, "buckets": count, "members": members, "pairs": pairs})
            );
        }
    }
}

fn main() {
    let mut threshold = 0.7;
    let mut sizes: Vec<usize> = Vec::new();
    let mut data: Option<std::path::PathBuf> = None;
    let mut with_recall = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--threshold" {
            threshold = args
                .next()
                .and_then(|t| t.parse().ok())
                .expect("--threshold T");
        } else if arg == "--data" {
            data = Some(args.next().expect("--data DIR").into());
        } else if arg == "--recall" {
            with_recall = true;
        } else {
            sizes.push(arg.parse().expect("sizes are numbers of duties"));
        }
    }
    if let Some(dir) = data {
        loaded(&dir, threshold, with_recall);
        return;
    }
    if sizes.is_empty() {
        sizes = vec![10_000, 100_000, 1_000_000];
    }
    sizes.sort_unstable();
    println!("{}", recall(&generate(sizes[0], 42), threshold));
    for &n in &sizes {
        let duties = generate(n, 42);
        let clock = Instant::now();
        let grouping = group_texts(&duties, threshold);
        let seconds = clock.elapsed().as_secs_f64();
        let stats = &grouping.stats;
        println!(
            "{}",
            serde_json::json!({
                "duties": n,
                "threads": rayon::current_num_threads(),
                "unique": stats.unique,
                "normalize_seconds": stats.normalize_seconds,
                "candidate_generation_seconds": stats.lsh_seconds,
                "cluster_seconds": stats.cluster_seconds,
                "total_seconds": seconds,
                "buckets": stats.buckets,
                "candidates": stats.candidates,
                "candidates_per_duty": stats.candidates as f64 / n as f64,
                "similar": stats.similar,
                "guarded": stats.guarded,
                "groups": stats.groups,
                "peak_rss_mb": peak_rss_mb(),
            })
        );
        // All levels on the same duties arranged as stores and positions.
        let corpus = corpus(&duties, 42);
        drop(duties);
        let clock = Instant::now();
        let deduplication = Deduplication::new(&corpus, DedupOptions::default());
        let duty_seconds = clock.elapsed().as_secs_f64();
        let clock = Instant::now();
        let report = deduplication.report();
        let report_seconds = clock.elapsed().as_secs_f64();
        let clock = Instant::now();
        let entries = deduplication.clean_corpus();
        let clean_seconds = clock.elapsed().as_secs_f64();
        println!(
            "{}",
            serde_json::json!({
                "all_levels_duties": corpus.positions().map(|(_, p)| p.duties.len()).sum::<usize>(),
                "documents": corpus.documents.len(),
                "positions": corpus.positions().count(),
                "group_duties_seconds": duty_seconds,
                "report_seconds": report_seconds,
                "clean_corpus_seconds": clean_seconds,
                "all_levels_seconds": duty_seconds + report_seconds,
                "duty_groups": report.duty_groups.len(),
                "position_groups": report.position_groups.len(),
                "document_groups": report.document_groups.len(),
                "clean_entries": entries.len(),
                "peak_rss_mb": peak_rss_mb(),
            })
        );
    }
}
