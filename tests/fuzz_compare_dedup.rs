//! Fuzzing compare and dedup (a bounded property pass CI runs) with generated positions and
//! corpora: real duty texts and edits of them, empty texts, duplicates, 0/1/many duties,
//! identical lists, very long duties, arbitrary Unicode. Nothing panics, and the invariants hold:
//!
//! - compare: every duty of A and of B is in exactly one pair; `same` ≤ min(|A|, |B|); every
//!   similarity is in [0, 1]; the inline diff rebuilds both texts exactly; a position compared
//!   with itself is all `same` with similarity 1.
//! - dedup: every duty is a source of exactly one clean-corpus entry (never twice in one);
//!   identical texts share a group; each group's canonical text is one of its members.
//!
//! Volume run: `PROPTEST_CASES=20000 cargo test --release --test fuzz_compare_dedup`.
//! The 20k-duty dedup runs always; `ZHIZE_FUZZ_BIG=1` adds a 200k-duty one (use `--release`).

use proptest::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::OnceLock;
use zhize::compare::{
    align_duties, compare_positions, display_text, rebuild, same_key, shown_spans, CompareOptions,
    DiffOp, DiffView, PairKind,
};
use zhize::dedup::{group_texts, DedupOptions, Deduplication, Level};
use zhize::{Corpus, Document, Duty, Position, PositionKind};

fn config(default: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    // Failures are saved next to this file (`*.proptest-regressions`) and replayed first.
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

/// Every duty text of the shipped corpus, loaded once.
fn real_duties() -> &'static [String] {
    static DUTIES: OnceLock<Vec<String>> = OnceLock::new();
    DUTIES.get_or_init(|| {
        let corpus_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let corpus = zhize::load(&[corpus_dir], &zhize::LoadOptions::default()).unwrap();
        let duties: Vec<String> = corpus.duty_records().into_iter().map(|r| r.text).collect();
        assert!(duties.len() > 300, "too few duties parsed");
        duties
    })
}

fn real_duty() -> impl Strategy<Value = String> {
    any::<prop::sample::Index>().prop_map(|i| i.get(real_duties()).clone())
}

/// A real duty with a few characters replaced, inserted or deleted (a rewording).
fn edited_duty() -> impl Strategy<Value = String> {
    (
        real_duty(),
        prop::collection::vec((any::<prop::sample::Index>(), 0u8..3, chinese_char()), 1..4),
    )
        .prop_map(|(text, edits)| {
            let mut chars: Vec<char> = text.chars().collect();
            for (at, op, c) in edits {
                if chars.is_empty() {
                    chars.push(c);
                    continue;
                }
                let i = at.index(chars.len());
                match op {
                    0 => chars[i] = c,
                    1 => chars.insert(i, c),
                    _ => {
                        chars.remove(i);
                    }
                }
            }
            chars.into_iter().collect()
        })
}

fn chinese_char() -> impl Strategy<Value = char> {
    prop::sample::select(
        "负责销售展厅客户保险续保培训考核管理计划车辆维修服务的和与及、,。;"
            .chars()
            .collect::<Vec<_>>(),
    )
}

fn duty_text() -> BoxedStrategy<String> {
    prop_oneof![
        6 => real_duty(),
        3 => edited_duty(),
        2 => prop::collection::vec(chinese_char(), 1..60).prop_map(|c| c.into_iter().collect()),
        1 => Just(String::new()),
        1 => prop::sample::select(vec![" ", "。", "1.", "、、", "\u{3000}", "(一)"]).prop_map(str::to_string),
        1 => (real_duty(), 10usize..60).prop_map(|(t, n)| t.repeat(n)),
        1 => "\\PC{0,40}",
        1 => any::<String>(),
    ]
    .boxed()
}

/// A list of duties: 0, 1 or many, with duplicates drawn in on purpose.
fn duty_list() -> impl Strategy<Value = Vec<String>> {
    prop_oneof![
        1 => Just(Vec::new()),
        2 => duty_text().prop_map(|t| vec![t]),
        6 => prop::collection::vec(duty_text(), 2..25),
    ]
    .prop_flat_map(|list| {
        let n = list.len();
        (
            Just(list),
            prop::collection::vec((0..n.max(1), 0..n.max(1)), 0..4),
        )
    })
    .prop_map(|(mut list, copies)| {
        for (from, to) in copies {
            if from < list.len() && to < list.len() {
                list[to] = list[from].clone();
            }
        }
        list
    })
}

fn document(id: usize, lists: &[Vec<String>]) -> Document {
    let mut line = 1;
    let positions = lists
        .iter()
        .enumerate()
        .map(|(p, list)| {
            let start = line;
            line += 1;
            let duties = list
                .iter()
                .enumerate()
                .map(|(i, text)| {
                    line += 1;
                    Duty {
                        n: Some((i + 1).to_string()),
                        text: text.clone(),
                        line,
                    }
                })
                .collect();
            Position {
                title: format!("岗位{p}"),
                role: ["销售顾问", "保险专员", "服务顾问"][p % 3].to_string(),
                department: None,
                reports_to: Vec::new(),
                subordinates: Vec::new(),
                kind: PositionKind::Duties,
                duties,
                line_start: start,
                line_end: line,
                sections: Vec::new(),
            }
        })
        .collect();
    Document {
        id: format!("d{}", id + 1),
        title: format!("第{}店岗位职责", id + 1),
        store: format!("第{}店", id + 1),
        file: "fuzz.txt".to_string(),
        line_start: 1,
        line_end: line,
        positions,
    }
}

fn check_comparison(a: &[String], b: &[String], options: &CompareOptions) {
    let da = document(0, &[a.to_vec()]);
    let db = document(1, &[b.to_vec()]);
    let comparison = compare_positions((&da, &da.positions[0]), (&db, &db.positions[0]), options);
    let mut seen_a = vec![0usize; a.len()];
    let mut seen_b = vec![0usize; b.len()];
    for pair in &comparison.pairs {
        assert!(
            (0.0..=1.0).contains(&pair.similarity),
            "similarity {}",
            pair.similarity
        );
        let (na, nb) = (pair.a_duties.len(), pair.b_duties.len());
        match pair.kind {
            PairKind::Same | PairKind::Reworded => assert_eq!((na, nb), (1, 1)),
            PairKind::OnlyA => assert_eq!((na, nb, pair.similarity), (1, 0, 0.0)),
            PairKind::OnlyB => assert_eq!((na, nb, pair.similarity), (0, 1, 0.0)),
            PairKind::Split => assert!(
                (na == 1 && nb >= 2) || (na >= 2 && nb == 1),
                "split {na}:{nb}"
            ),
        }
        if pair.kind == PairKind::Same {
            assert_eq!(pair.similarity, 1.0);
            assert_eq!(
                same_key(&a[pair.a_duties[0]]),
                same_key(&b[pair.b_duties[0]])
            );
        }
        for &i in &pair.a_duties {
            seen_a[i] += 1;
        }
        for &j in &pair.b_duties {
            seen_b[j] += 1;
        }
        let lines_a: Vec<usize> = pair
            .a_duties
            .iter()
            .map(|&i| da.positions[0].duties[i].line)
            .collect();
        assert_eq!(pair.a_lines, lines_a);
        // The inline diff rebuilds both sides exactly, and each side's view shows it as
        // displayed.
        if let (Some(ta), Some(tb)) = (&pair.a, &pair.b) {
            assert_eq!(&rebuild(&pair.diff, DiffOp::Delete), ta);
            assert_eq!(&rebuild(&pair.diff, DiffOp::Insert), tb);
            let shown_a = shown_spans(&pair.diff, DiffView::A);
            assert_eq!(rebuild(&shown_a, DiffOp::Delete), display_text(ta));
            let shown_b = shown_spans(&pair.diff, DiffView::B);
            assert_eq!(rebuild(&shown_b, DiffOp::Insert), display_text(tb));
        }
    }
    assert!(seen_a.iter().all(|&n| n == 1), "A duties seen {seen_a:?}");
    assert!(seen_b.iter().all(|&n| n == 1), "B duties seen {seen_b:?}");
    let summary = &comparison.summary;
    assert!(summary.same <= a.len().min(b.len()));
    assert_eq!(
        summary.same + summary.reworded + summary.only_a + summary.only_b + summary.split,
        comparison.pairs.len()
    );
    assert!((0.0..=1.0).contains(&comparison.similarity));
}

/// A duty that has something to compare: letters or digits once normalised.
fn has_words(text: &str) -> bool {
    !same_key(text).is_empty()
}

fn check_dedup(lists: &[Vec<Vec<String>>], threshold: f64) {
    let corpus = Corpus {
        documents: lists
            .iter()
            .enumerate()
            .map(|(d, positions)| document(d, positions))
            .collect(),
        ..Corpus::default()
    };
    let options = DedupOptions {
        level: Level::All,
        threshold,
        ..DedupOptions::default()
    };
    let dedup = Deduplication::new(&corpus, options);
    // Every duty in exactly one clean entry, never twice in one.
    let mut count: HashMap<(String, String, usize), usize> = HashMap::new();
    let mut group_of_text: HashMap<String, usize> = HashMap::new();
    let clean = dedup.clean_corpus();
    for (g, entry) in clean.iter().enumerate() {
        assert!(!entry.sources.is_empty());
        let mut here = HashSet::new();
        for source in &entry.sources {
            let key = (source.doc_id.clone(), source.position.clone(), source.line);
            assert!(here.insert(key.clone()), "{key:?} twice in one group");
            *count.entry(key).or_default() += 1;
            // Identical texts are always grouped together.
            let previous = *group_of_text.entry(source.text.clone()).or_insert(g);
            assert_eq!(
                previous, g,
                "identical text {:?} in two groups",
                source.text
            );
        }
    }
    let duties: usize = corpus.duty_records().len();
    assert_eq!(count.len(), duties, "some duty is in no group");
    assert!(count.values().all(|&n| n == 1));

    // The grouping behind it is a partition with a member as canonical.
    let grouping = &dedup.grouping;
    assert_eq!(grouping.group_of.len(), duties);
    assert_eq!(grouping.groups.len(), grouping.canonical.len());
    let mut members = 0;
    for (g, group) in grouping.groups.iter().enumerate() {
        assert!(group.contains(&grouping.canonical[g]));
        assert!(group.windows(2).all(|w| w[0] < w[1]), "not in input order");
        for &m in group {
            assert_eq!(grouping.group_of[m as usize] as usize, g);
        }
        members += group.len();
    }
    assert_eq!(members, duties);

    // The report at every level: groups of two or more, similarities in [0, 1].
    let report = dedup.report();
    for group in &report.duty_groups {
        assert!(group.members.len() >= 2);
        assert!(
            (0.0..=1.0).contains(&group.similarity),
            "{}",
            group.similarity
        );
    }
    for group in &report.position_groups {
        assert!(group.members.len() >= 2);
    }
    for group in &report.document_groups {
        assert!(group.members.len() >= 2);
        assert!((0.0..=1.0).contains(&group.similarity));
    }
    let _ = zhize::render::dedup::json(&report);
    let _ = zhize::render::dedup::terminal(&report, true);
}

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn compare_invariants(a in duty_list(), b in duty_list(), threshold in 0.05f64..0.95) {
        check_comparison(&a, &b, &CompareOptions { threshold });
        check_comparison(&a, &b, &CompareOptions::default());
    }

    #[test]
    fn a_position_compared_with_itself_is_all_same(a in duty_list()) {
        let a: Vec<String> = a.into_iter().filter(|t| has_words(t)).collect();
        check_comparison(&a, &a, &CompareOptions::default());
        let d = document(0, std::slice::from_ref(&a));
        let comparison = compare_positions(
            (&d, &d.positions[0]),
            (&d, &d.positions[0]),
            &CompareOptions::default(),
        );
        prop_assert!(
            comparison.pairs.iter().all(|p| p.kind == PairKind::Same),
            "{:?}",
            comparison.pairs.iter().map(|p| (p.kind, &p.a, &p.b)).collect::<Vec<_>>()
        );
        prop_assert_eq!(comparison.summary.same, a.len());
        if !a.is_empty() {
            prop_assert_eq!(comparison.similarity, 1.0);
        }
    }

    #[test]
    fn dedup_invariants(
        lists in prop::collection::vec(prop::collection::vec(duty_list(), 0..4), 0..5),
        threshold in 0.3f64..1.0,
    ) {
        check_dedup(&lists, threshold);
    }

    #[test]
    fn group_texts_is_a_partition(texts in prop::collection::vec(duty_text(), 0..60), threshold in 0.0f64..=1.0) {
        let grouping = group_texts(&texts, threshold);
        prop_assert_eq!(grouping.group_of.len(), texts.len());
        let mut seen = vec![false; texts.len()];
        for group in &grouping.groups {
            for &m in group {
                prop_assert!(!seen[m as usize]);
                seen[m as usize] = true;
            }
        }
        prop_assert!(seen.iter().all(|&s| s));
    }
}

#[test]
fn fixed_edge_cases() {
    let long = "负责客户关系维护与续保工作".repeat(2_000); // 26k characters
    let empty: Vec<String> = Vec::new();
    let one = vec!["负责展厅日常管理".to_string()];
    let blanks = vec![String::new(), " ".to_string(), "。".to_string()];
    let dup = vec!["负责展厅日常管理".to_string(); 20];
    let huge = vec![
        long.clone(),
        format!("{long}。"),
        long[..long.len() / 2].to_string(),
    ];
    for a in [&empty, &one, &blanks, &dup, &huge] {
        for b in [&empty, &one, &blanks, &dup, &huge] {
            check_comparison(a, b, &CompareOptions::default());
        }
    }
    // Twenty copies of one duty against themselves: twenty `same` pairs, no split.
    let pairs = align_duties(
        &dup.iter().map(String::as_str).collect::<Vec<_>>(),
        &dup.iter().map(String::as_str).collect::<Vec<_>>(),
        &CompareOptions::default(),
    );
    assert_eq!(pairs.len(), 20);
    assert!(pairs.iter().all(|p| p.kind == PairKind::Same));
    check_dedup(
        &[
            vec![empty.clone(), one.clone(), blanks.clone()],
            vec![dup, huge],
        ],
        0.7,
    );
    check_dedup(&[], 0.7);
    check_dedup(&[vec![empty]], 0.7);
}

/// Two real-sized positions of 200 duties each (more than any position of the corpus, which
/// has at most a few dozen): compare finishes and keeps its invariants.
#[test]
fn compare_of_large_positions_completes() {
    let duties = real_duties();
    let a: Vec<String> = duties.iter().take(200).cloned().collect();
    let b: Vec<String> = duties.iter().rev().take(200).cloned().collect();
    check_comparison(&a, &b, &CompareOptions::default());
}

/// 20k duties (real texts, each with a numbered variant) dedup without pairwise comparison: the
/// candidate pairs looked at stay within a small multiple of the number of texts, not n².
#[test]
fn dedup_of_20k_duties_compares_few_pairs() {
    let n = if std::env::var_os("ZHIZE_FUZZ_BIG").is_some() {
        200_000
    } else {
        20_000
    };
    let duties = real_duties();
    let texts: Vec<String> = (0..n)
        .map(|i| {
            let base = &duties[i % duties.len()];
            match (i / duties.len()) % 4 {
                0 => base.clone(),
                1 => format!("{base}({})", i / duties.len()),
                2 => format!("第{}条:{base}", i / duties.len()),
                _ => format!("{}{}", base, "及其他相关工作"),
            }
        })
        .collect();
    let grouping = group_texts(&texts, 0.7);
    let stats = &grouping.stats;
    assert_eq!(grouping.group_of.len(), n);
    assert!(
        stats.candidates <= 20 * stats.unique.max(1),
        "{} candidate pairs for {} unique texts",
        stats.candidates,
        stats.unique
    );
    // Exact copies always land together, so there are no more groups than distinct texts.
    let distinct: HashSet<&String> = texts.iter().collect();
    assert!(grouping.groups.len() <= distinct.len());
    eprintln!(
        "{n} texts: {} unique keys, {} candidate pairs, {} groups",
        stats.unique,
        stats.candidates,
        grouping.groups.len()
    );
}
