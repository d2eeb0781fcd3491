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
use zhize::dedup::minhash::{exact_pairs, Buckets, LshParams, ShingleSets};
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

fn main() {
    let mut threshold = 0.7;
    let mut sizes: Vec<usize> = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--threshold" {
            threshold = args
                .next()
                .and_then(|t| t.parse().ok())
                .expect("--threshold T");
        } else {
            sizes.push(arg.parse().expect("sizes are numbers of duties"));
        }
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
