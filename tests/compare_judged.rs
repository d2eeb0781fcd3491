//! `compare` against the judged comparisons of tests/compare_judged.tsv: for every judged pair
//! of positions, how many duty items the tool aligns with the judged partner (and classes as
//! judged), and for every judged pair of stores, the matched positions and those one side alone
//! has. Prints the figures (`cargo test --test compare_judged -- --nocapture`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;
use zhize::compare::{compare_positions, compare_stores, CompareOptions, Comparison, PairKind};
use zhize::{Corpus, Document, LoadOptions, Position};

fn corpus() -> &'static Corpus {
    static CORPUS: OnceLock<Corpus> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus");
        zhize::load(&[path], &LoadOptions::default()).expect("the shipped corpus loads")
    })
}

/// What a judged duty is: its kind and the other side's duties it goes with (1-based).
type Judged = BTreeMap<usize, (&'static str, Vec<usize>)>;

struct JudgedPair {
    a: String,
    b: String,
    a_duties: Judged,
    b_duties: Judged,
    note: String,
}

struct JudgedStores {
    a: String,
    b: String,
    matched: Vec<(String, String)>,
    only_a: Vec<String>,
    only_b: Vec<String>,
    note: String,
}

struct Judgements {
    /// Judged position id → (line of the first duty, its first characters).
    positions: BTreeMap<String, (usize, String)>,
    pairs: Vec<JudgedPair>,
    stores: Vec<JudgedStores>,
}

fn numbers(text: &str) -> Vec<usize> {
    match text.split_once('-') {
        Some((from, to)) => (from.parse().unwrap()..=to.parse().unwrap()).collect(),
        None => vec![text.parse().unwrap()],
    }
}

/// Parses an alignment such as `1=1 3~2 9/7+8 <4-6 >10`.
fn alignment(text: &str) -> (Judged, Judged) {
    let (mut a, mut b) = (Judged::new(), Judged::new());
    let put = |map: &mut Judged, i: usize, value: (&'static str, Vec<usize>)| {
        assert!(
            map.insert(i, value).is_none(),
            "duty {i} judged twice in `{text}`"
        );
    };
    for token in text.split_whitespace() {
        if let Some(rest) = token.strip_prefix('<') {
            numbers(rest)
                .into_iter()
                .for_each(|i| put(&mut a, i, ("only", vec![])));
        } else if let Some(rest) = token.strip_prefix('>') {
            numbers(rest)
                .into_iter()
                .for_each(|j| put(&mut b, j, ("only", vec![])));
        } else if let Some((x, y)) = token.split_once('/') {
            let xs: Vec<usize> = x.split('+').map(|n| n.parse().unwrap()).collect();
            let ys: Vec<usize> = y.split('+').map(|n| n.parse().unwrap()).collect();
            xs.iter()
                .for_each(|&i| put(&mut a, i, ("split", ys.clone())));
            ys.iter()
                .for_each(|&j| put(&mut b, j, ("split", xs.clone())));
        } else {
            let (kind, at) = match (token.find('='), token.find('~')) {
                (Some(at), _) => ("same", at),
                (None, Some(at)) => ("reworded", at),
                _ => panic!("bad alignment token `{token}`"),
            };
            let (i, j): (usize, usize) = (
                token[..at].parse().unwrap(),
                token[at + 1..].parse().unwrap(),
            );
            put(&mut a, i, (kind, vec![j]));
            put(&mut b, j, (kind, vec![i]));
        }
    }
    (a, b)
}

fn list(text: &str) -> Vec<String> {
    if text == "-" {
        return Vec::new();
    }
    text.split(',').map(|s| s.trim().to_string()).collect()
}

fn judgements() -> &'static Judgements {
    static JUDGED: OnceLock<Judgements> = OnceLock::new();
    JUDGED.get_or_init(|| {
        let text = include_str!("compare_judged.tsv");
        let mut judged = Judgements {
            positions: BTreeMap::new(),
            pairs: Vec::new(),
            stores: Vec::new(),
        };
        for line in text.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let fields: Vec<&str> = line.split('\t').collect();
            match fields[0] {
                "position" => {
                    let at = (fields[2].parse().unwrap(), fields[3].to_string());
                    judged.positions.insert(fields[1].to_string(), at);
                }
                "pair" => {
                    let (a_duties, b_duties) = alignment(fields[3]);
                    judged.pairs.push(JudgedPair {
                        a: fields[1].to_string(),
                        b: fields[2].to_string(),
                        a_duties,
                        b_duties,
                        note: fields.get(4).unwrap_or(&"").to_string(),
                    });
                }
                "stores" => judged.stores.push(JudgedStores {
                    a: fields[1].to_string(),
                    b: fields[2].to_string(),
                    matched: list(fields[3])
                        .into_iter()
                        .map(|m| {
                            let (x, y) = m.split_once('=').expect("A=B");
                            (x.to_string(), y.to_string())
                        })
                        .collect(),
                    only_a: list(fields[4]),
                    only_b: list(fields[5]),
                    note: fields.get(6).unwrap_or(&"").to_string(),
                }),
                other => panic!("unknown line kind `{other}`"),
            }
        }
        judged
    })
}

fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The position a judged id stands for: the one whose first duty starts on the judged line
/// with the judged text (so a parse that renumbers positions still finds it).
fn judged_position(id: &str) -> (&'static Document, &'static Position) {
    let (line, first) = judgements()
        .positions
        .get(id)
        .unwrap_or_else(|| panic!("{id} is not declared as a judged position"));
    let first = squeeze(first);
    let found: Vec<_> = corpus()
        .positions()
        .filter(|(_, p)| {
            p.duties
                .first()
                .is_some_and(|d| d.line == *line && squeeze(&d.text).starts_with(&first))
        })
        .collect();
    assert_eq!(
        found.len(),
        1,
        "judged position {id} (line {line}, {first}): the parse changed; update the judged set"
    );
    found[0]
}

/// The id the position has in this parse.
fn current_id(id: &str) -> String {
    let (document, position) = judged_position(id);
    document.id_of(position)
}

/// The tool's alignment in the judged terms: per duty (1-based), its kind and partners.
fn tool_alignment(comparison: &Comparison) -> (Judged, Judged) {
    let (mut a, mut b) = (Judged::new(), Judged::new());
    for pair in &comparison.pairs {
        let kind = match pair.kind {
            PairKind::Same => "same",
            PairKind::Reworded => "reworded",
            PairKind::Split => "split",
            PairKind::OnlyA | PairKind::OnlyB => "only",
        };
        let a_side: Vec<usize> = pair.a_duties.iter().map(|i| i + 1).collect();
        let b_side: Vec<usize> = pair.b_duties.iter().map(|j| j + 1).collect();
        for &i in &a_side {
            a.insert(i, (kind, b_side.clone()));
        }
        for &j in &b_side {
            b.insert(j, (kind, a_side.clone()));
        }
    }
    (a, b)
}

#[derive(Default)]
struct Tally {
    items: usize,
    aligned: usize,
    classified: usize,
}

fn score(judged: &Judged, tool: &Judged, tally: &mut Tally, side: &str, misses: &mut Vec<String>) {
    for (duty, (kind, partners)) in judged {
        tally.items += 1;
        let (tool_kind, tool_partners) = &tool[duty];
        let mut sorted = tool_partners.clone();
        sorted.sort_unstable();
        if &sorted == partners {
            tally.aligned += 1;
            if tool_kind == kind {
                tally.classified += 1;
            } else {
                misses.push(format!("{side}{duty} {tool_kind}, judged {kind}"));
            }
        } else {
            misses.push(format!(
                "{side}{duty} with {tool_partners:?}, judged {kind} {partners:?}"
            ));
        }
    }
}

/// Every judged pair: the judgement covers every duty of both positions; the figures are the
/// share of duty items the tool puts with the judged partners (aligned), and with the judged
/// kind too (classified). Before this work the tool aligned 0.972 of the 854 items of the 41
/// pairs it could address; the floors keep that.
#[test]
fn judged_pairs_are_aligned_as_judged() {
    let options = CompareOptions::default();
    let mut tally = Tally::default();
    let mut report = Vec::new();
    for pair in &judgements().pairs {
        let (a, b) = (judged_position(&pair.a), judged_position(&pair.b));
        let keys = |map: &Judged| map.keys().copied().collect::<Vec<_>>();
        assert_eq!(
            keys(&pair.a_duties),
            (1..=a.1.duties.len()).collect::<Vec<_>>(),
            "{} / {}: judgement of A's duties",
            pair.a,
            pair.b
        );
        assert_eq!(
            keys(&pair.b_duties),
            (1..=b.1.duties.len()).collect::<Vec<_>>(),
            "{} / {}: judgement of B's duties",
            pair.a,
            pair.b
        );
        let comparison = compare_positions(a, b, &options);
        let (tool_a, tool_b) = tool_alignment(&comparison);
        let mut misses = Vec::new();
        score(&pair.a_duties, &tool_a, &mut tally, "A", &mut misses);
        score(&pair.b_duties, &tool_b, &mut tally, "B", &mut misses);
        if !misses.is_empty() {
            report.push(format!(
                "  {} / {} ({}): {}",
                pair.a,
                pair.b,
                pair.note,
                misses.join("; ")
            ));
        }
    }
    let aligned = tally.aligned as f64 / tally.items as f64;
    let classified = tally.classified as f64 / tally.items as f64;
    println!(
        "judged pairs: {}, duty items {}: aligned {aligned:.4}, aligned and classified {classified:.4}",
        judgements().pairs.len(),
        tally.items
    );
    println!("disagreements:\n{}", report.join("\n"));
    assert!(judgements().pairs.len() >= 38);
    assert!(aligned >= 0.97, "aligned {aligned:.4}");
    assert!(classified >= 0.965, "classified {classified:.4}");
}

/// Every judged pair of stores, through the library: the matched positions and the positions
/// only one side has are the judged ones, and every position of both stores is in one of them.
#[test]
fn judged_stores_match_as_judged() {
    let options = CompareOptions::default();
    for judged in &judgements().stores {
        let document = |id: &str| judged_position(id).0;
        let (a, b) = (document(&judged.a), document(&judged.b));
        let result = compare_stores(&[a], &[b], &options);
        let ids = |list: &[String]| -> BTreeSet<String> {
            list.iter().map(|id| current_id(id)).collect()
        };
        let matched: BTreeSet<(String, String)> = result
            .matched
            .iter()
            .map(|m| {
                (
                    m.comparison.a.position_id.clone(),
                    m.comparison.b.position_id.clone(),
                )
            })
            .collect();
        let expected: BTreeSet<(String, String)> = judged
            .matched
            .iter()
            .map(|(x, y)| (current_id(x), current_id(y)))
            .collect();
        assert_eq!(matched, expected, "{} / {} ({})", a.id, b.id, judged.note);
        let only_a: BTreeSet<String> = result
            .only_a
            .iter()
            .map(|s| s.position_id.clone())
            .collect();
        let only_b: BTreeSet<String> = result
            .only_b
            .iter()
            .map(|s| s.position_id.clone())
            .collect();
        assert_eq!(
            only_a,
            ids(&judged.only_a),
            "{} only ({})",
            a.id,
            judged.note
        );
        assert_eq!(
            only_b,
            ids(&judged.only_b),
            "{} only ({})",
            b.id,
            judged.note
        );
        // The judgement covers both stores.
        assert_eq!(
            judged.matched.len() + judged.only_a.len(),
            a.positions.len(),
            "{}: the parse changed; update the judged set",
            a.id
        );
        assert_eq!(
            judged.matched.len() + judged.only_b.len(),
            b.positions.len()
        );
        println!(
            "stores {} / {}: {} matched, {} only A, {} only B — as judged",
            a.id,
            b.id,
            matched.len(),
            only_a.len(),
            only_b.len()
        );
    }
}

fn zhize(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_zhize"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env_remove("COLUMNS")
        .args(args)
        .output()
        .expect("zhize runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// `compare --a d10 --b d12` (描述 and its 修订) on the command line: JSON and text say what was
/// judged — 销售经理 in both, 展厅经理 and 二网专员 only in 描述, 总经理 and 行政总务经理 only in
/// 修订 — with the matched pair's counts and the duties each side lacks.
#[test]
fn cli_compares_two_stores_as_judged() {
    let judged = judgements()
        .stores
        .iter()
        .find(|s| s.a == "d10.p1" && s.b == "d12.p3")
        .expect("d10 / d12 is judged");
    let (a, b) = (judged_position(&judged.a).0, judged_position(&judged.b).0);
    let (code, out, err) = zhize(&["compare", "--a", &a.id, "--b", &b.id, "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["a"]["doc_ids"][0], a.id.as_str());
    let matched = v["matched"].as_array().unwrap();
    assert_eq!(matched.len(), judged.matched.len());
    let m = &matched[0];
    assert_eq!(
        m["comparison"]["a"]["position_id"],
        current_id(&judged.matched[0].0)
    );
    assert_eq!(
        m["comparison"]["b"]["position_id"],
        current_id(&judged.matched[0].1)
    );
    assert_eq!(m["matched_by"], "role_and_duties");
    assert_eq!(m["comparison"]["summary"]["same"], 9);
    assert_eq!(m["comparison"]["summary"]["reworded"], 1);
    assert!(m["a_lacks"].as_array().unwrap().is_empty());
    let ids = |key: &str| -> BTreeSet<String> {
        v[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["position_id"].as_str().unwrap().to_string())
            .collect()
    };
    let judged_ids =
        |list: &[String]| -> BTreeSet<String> { list.iter().map(|id| current_id(id)).collect() };
    assert_eq!(ids("only_a"), judged_ids(&judged.only_a));
    assert_eq!(ids("only_b"), judged_ids(&judged.only_b));
    assert_eq!(v["summary"]["only_a"], 2);
    // The text names them by id and fits 100 columns.
    let (code, text, err) = zhize(&["compare", "--a", &a.id, "--b", &b.id]);
    assert_eq!(code, 0, "{err}");
    for id in judged_ids(&judged.only_a)
        .iter()
        .chain(&judged_ids(&judged.only_b))
    {
        assert!(text.contains(id.as_str()), "{id} missing:\n{text}");
    }
    assert!(text.contains("1 matched · 2 only A · 2 only B"), "{text}");
    for line in text.lines() {
        assert!(zhize::render::term::width(line) <= 100, "too wide: {line}");
    }
    // A role lacking duties the other store's has: 篇一's 销售部经理 against d10's 销售经理.
    let (code, text, err) = zhize(&["compare", "--a", "d1", "--b", &a.id]);
    assert_eq!(code, 0, "{err}");
    assert!(text.contains("What each matched position lacks"), "{text}");
    assert!(text.contains("负责督促信息部定期向厂家上报报表"), "{text}");
}
