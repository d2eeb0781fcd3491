//! dedup against the judged pairs of tests/dedup_judged/: duty, position and document pairs
//! judged by reading (duplicate / look-alike that must stay apart / judgement call), over the
//! shipped corpus and the store files in tests/dedup_judged/corpus/. Prints the figures
//! (`cargo test --release --test dedup_judged -- --nocapture`): precision, recall and F1 of
//! duty pairs, recall on near-duplicates and on exact copies, look-alikes per 100 merged pairs,
//! position and document F1, and a table over thresholds. The tune half is asserted against the
//! issue's bars; the held-out half (`holdout.tsv`, when present) is scored and printed only.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use zhize::dedup::{DedupOptions, DedupReport, Deduplication, Level};
use zhize::{Corpus, LoadOptions};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn corpus() -> &'static Corpus {
    static CORPUS: OnceLock<Corpus> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let paths = [
            root().join("corpus"),
            root().join("tests/dedup_judged/corpus"),
        ];
        zhize::load(&paths, &LoadOptions::default()).expect("the judged corpora load")
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Label {
    Dup,
    Diff,
    Call,
}

#[derive(Debug, Clone)]
struct Pair {
    level: String,
    label: Label,
    a: String,
    b: String,
    note: String,
}

fn read_pairs(path: &Path) -> Vec<Pair> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty() && !line.starts_with('#'))
        .filter(|(_, line)| !line.starts_with("level\t"))
        .map(|(index, line)| {
            let fields: Vec<&str> = line.split('\t').collect();
            assert!(
                fields.len() >= 4,
                "{}:{}: expected level, label, a, b",
                path.display(),
                index + 1
            );
            let label = match fields[1] {
                "dup" => Label::Dup,
                "diff" => Label::Diff,
                "call" => Label::Call,
                other => panic!("{}:{}: unknown label {other}", path.display(), index + 1),
            };
            Pair {
                level: fields[0].to_string(),
                label,
                a: fields[2].to_string(),
                b: fields[3].to_string(),
                note: fields.get(4).unwrap_or(&"").to_string(),
            }
        })
        .collect()
}

fn without_whitespace(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Where judged items are in the corpus: duties in the order dedup numbers them.
struct Places {
    /// (document, position, duty index in dedup's order, line, text without whitespace).
    duties: Vec<(usize, usize, usize, usize, String)>,
    /// Each duty's text as written.
    texts: Vec<String>,
}

impl Places {
    fn new(corpus: &Corpus) -> Places {
        let mut duties = Vec::new();
        let mut texts = Vec::new();
        for (d, document) in corpus.documents.iter().enumerate() {
            for (p, position) in document.positions.iter().enumerate() {
                for duty in &position.duties {
                    let index = duties.len();
                    duties.push((d, p, index, duty.line, without_whitespace(&duty.text)));
                    texts.push(duty.text.clone());
                }
            }
        }
        Places { duties, texts }
    }

    fn file_matches(corpus: &Corpus, document: usize, file: &str) -> bool {
        let path = corpus.documents[document].file.replace('\\', "/");
        path == file || path.ends_with(&format!("/{file}"))
    }

    /// `FILE:LINE:FRAGMENT` → the duty's index in dedup's order.
    fn duty(&self, corpus: &Corpus, place: &str) -> Option<usize> {
        let mut parts = place.splitn(3, ':');
        let (file, line, fragment) = (parts.next()?, parts.next()?, parts.next()?);
        let line: usize = line.parse().ok()?;
        let fragment = without_whitespace(fragment);
        self.duties
            .iter()
            .find(|(d, _, _, at, text)| {
                *at == line && text.contains(&fragment) && Places::file_matches(corpus, *d, file)
            })
            .map(|&(_, _, index, _, _)| index)
    }

    /// `FILE:LINE` → (document, position) holding the duty that begins on LINE.
    fn position(&self, corpus: &Corpus, place: &str) -> Option<(usize, usize)> {
        let (file, line) = place.rsplit_once(':')?;
        let line: usize = line.parse().ok()?;
        self.duties
            .iter()
            .find(|(d, _, _, at, _)| *at == line && Places::file_matches(corpus, *d, file))
            .map(|&(d, p, _, _, _)| (d, p))
    }
}

/// Counts for one level: true positives, false negatives, false positives.
#[derive(Debug, Default, Clone, Copy)]
struct Score {
    found: usize,
    missed: usize,
    merged_apart: usize,
    kept_apart: usize,
}

impl Score {
    fn add(&mut self, label: Label, together: bool) {
        match (label, together) {
            (Label::Dup, true) => self.found += 1,
            (Label::Dup, false) => self.missed += 1,
            (Label::Diff, true) => self.merged_apart += 1,
            (Label::Diff, false) => self.kept_apart += 1,
            (Label::Call, _) => {}
        }
    }

    fn precision(&self) -> f64 {
        let merged = self.found + self.merged_apart;
        if merged == 0 {
            1.0
        } else {
            self.found as f64 / merged as f64
        }
    }

    fn recall(&self) -> f64 {
        let dups = self.found + self.missed;
        if dups == 0 {
            1.0
        } else {
            self.found as f64 / dups as f64
        }
    }

    fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }

    /// Look-alikes merged per 100 judged pairs merged.
    fn look_alikes_per_100(&self) -> f64 {
        let merged = self.found + self.merged_apart;
        if merged == 0 {
            0.0
        } else {
            100.0 * self.merged_apart as f64 / merged as f64
        }
    }
}

#[derive(Debug, Default)]
struct Figures {
    duty: Score,
    near: Score,
    exact: Score,
    position: Score,
    document: Score,
    unresolved: Vec<String>,
    /// Judged pairs dedup got wrong, for reading.
    wrong: Vec<String>,
}

fn score(pairs: &[Pair], options: &DedupOptions) -> Figures {
    let corpus = corpus();
    let places = Places::new(corpus);
    let deduplication = Deduplication::new(corpus, *options);
    let report: DedupReport = deduplication.report();
    let group_of = &deduplication.grouping.group_of;
    let duty_text = |index: usize| places.texts[index].clone();
    let folded = |text: &str| zhize::dedup::text::plain_form(text);

    // Position and document groups as sets of (doc_id, position line) and doc_id.
    let mut position_group: HashMap<(String, usize), usize> = HashMap::new();
    for (index, group) in report.position_groups.iter().enumerate() {
        for member in &group.members {
            position_group.insert((member.doc_id.clone(), member.line), index);
        }
    }
    let mut document_group: HashMap<String, usize> = HashMap::new();
    for (index, group) in report.document_groups.iter().enumerate() {
        for member in &group.members {
            document_group.insert(member.doc_id.clone(), index);
        }
    }

    let mut figures = Figures::default();
    for pair in pairs {
        match pair.level.as_str() {
            "duty" => {
                let (Some(a), Some(b)) =
                    (places.duty(corpus, &pair.a), places.duty(corpus, &pair.b))
                else {
                    figures
                        .unresolved
                        .push(format!("duty {} / {}", pair.a, pair.b));
                    continue;
                };
                let together = group_of[a] == group_of[b];
                figures.duty.add(pair.label, together);
                if pair.label == Label::Dup {
                    if folded(&duty_text(a)) == folded(&duty_text(b)) {
                        figures.exact.add(pair.label, together);
                    } else {
                        figures.near.add(pair.label, together);
                    }
                }
                let wrong = match pair.label {
                    Label::Dup => !together,
                    Label::Diff => together,
                    Label::Call => false,
                };
                if wrong {
                    figures.wrong.push(format!(
                        "duty {:?} ({}): {} | {}\n    {}\n    {}",
                        pair.label,
                        pair.note,
                        pair.a,
                        pair.b,
                        duty_text(a),
                        duty_text(b)
                    ));
                }
            }
            "position" | "document" => {
                let (Some(a), Some(b)) = (
                    places.position(corpus, &pair.a),
                    places.position(corpus, &pair.b),
                ) else {
                    figures
                        .unresolved
                        .push(format!("{} {} / {}", pair.level, pair.a, pair.b));
                    continue;
                };
                let key = |(d, p): (usize, usize)| {
                    let document = &corpus.documents[d];
                    (document.id.clone(), document.positions[p].line_start)
                };
                let together = if pair.level == "position" {
                    let (ga, gb) = (position_group.get(&key(a)), position_group.get(&key(b)));
                    ga.is_some() && ga == gb
                } else {
                    let (ga, gb) = (
                        document_group.get(&corpus.documents[a.0].id),
                        document_group.get(&corpus.documents[b.0].id),
                    );
                    ga.is_some() && ga == gb
                };
                let score = if pair.level == "position" {
                    &mut figures.position
                } else {
                    &mut figures.document
                };
                score.add(pair.label, together);
                let wrong = match pair.label {
                    Label::Dup => !together,
                    Label::Diff => together,
                    Label::Call => false,
                };
                if wrong {
                    figures.wrong.push(format!(
                        "{} {:?} ({}): {} | {}",
                        pair.level, pair.label, pair.note, pair.a, pair.b
                    ));
                }
            }
            other => panic!("unknown level {other}"),
        }
    }
    figures
}

fn summary(name: &str, figures: &Figures) -> String {
    let d = &figures.duty;
    format!(
        "{name}: duty pairs P {:.3} R {:.3} F1 {:.3} ({} found, {} missed, {} look-alikes merged \
         of {}); near-dup recall {:.3} ({}/{}); exact recall {:.3} ({}/{}); look-alikes per 100 \
         merged {:.2}; positions F1 {:.3} (P {:.3} R {:.3}); documents F1 {:.3} (P {:.3} R {:.3})",
        d.precision(),
        d.recall(),
        d.f1(),
        d.found,
        d.missed,
        d.merged_apart,
        d.merged_apart + d.kept_apart,
        figures.near.recall(),
        figures.near.found,
        figures.near.found + figures.near.missed,
        figures.exact.recall(),
        figures.exact.found,
        figures.exact.found + figures.exact.missed,
        d.look_alikes_per_100(),
        figures.position.f1(),
        figures.position.precision(),
        figures.position.recall(),
        figures.document.f1(),
        figures.document.precision(),
        figures.document.recall(),
    )
}

fn tune_pairs() -> Vec<Pair> {
    read_pairs(&root().join("tests/dedup_judged/tune.tsv"))
}

#[test]
fn every_judged_place_resolves_to_one_item() {
    let corpus = corpus();
    let places = Places::new(corpus);
    let pairs = tune_pairs();
    let mut unresolved = Vec::new();
    for pair in &pairs {
        for place in [&pair.a, &pair.b] {
            let found = if pair.level == "duty" {
                places.duty(corpus, place).is_some()
            } else {
                places.position(corpus, place).is_some()
            };
            if !found {
                unresolved.push(format!("{} {place}", pair.level));
            }
        }
    }
    assert!(
        unresolved.is_empty(),
        "judged places dedup's parse does not resolve:\n{}",
        unresolved.join("\n")
    );
    let duty_pairs = pairs.iter().filter(|pair| pair.level == "duty").count();
    assert!(
        duty_pairs >= 200,
        "only {duty_pairs} duty pairs in tune.tsv"
    );
}

#[test]
fn tune_half_meets_the_bars() {
    let figures = score(&tune_pairs(), &DedupOptions::default());
    println!("{}", summary("tune (default options)", &figures));
    for wrong in &figures.wrong {
        println!("  wrong: {wrong}");
    }
    for place in &figures.unresolved {
        println!("  unresolved: {place}");
    }
    assert!(figures.unresolved.is_empty());
    // The bars (they are the held-out half's to meet; the tune half must meet them).
    assert!(
        figures.duty.f1() >= 0.95,
        "duty F1 {:.3}",
        figures.duty.f1()
    );
    assert!(
        figures.near.recall() >= 0.90,
        "near-dup recall {:.3}",
        figures.near.recall()
    );
    assert!(figures.duty.look_alikes_per_100() <= 1.0);
    assert!(
        figures.position.f1() >= 0.90,
        "position F1 {:.3}",
        figures.position.f1()
    );
    assert!(
        figures.document.f1() >= 0.90,
        "document F1 {:.3}",
        figures.document.f1()
    );
    // The held-out sets: aggregate figures only, never read pair by pair while tuning.
    // holdout.tsv was scored once and has been seen since; holdout3.tsv is the newer blind set.
    // tune3.tsv, round 3's tuned-on half, is printed pair by pair.
    let tune3 = root().join("tests/dedup_judged/tune3.tsv");
    if tune3.exists() {
        let figures = score(&read_pairs(&tune3), &DedupOptions::default());
        println!("{}", summary("tune3 (default options)", &figures));
        for wrong in &figures.wrong {
            println!("  tune3 wrong: {wrong}");
        }
    }
    for name in ["holdout", "holdout3"] {
        let path = root().join(format!("tests/dedup_judged/{name}.tsv"));
        if path.exists() {
            let figures = score(&read_pairs(&path), &DedupOptions::default());
            println!(
                "{}",
                summary(&format!("{name} (default options)"), &figures)
            );
            println!("  {name}: {} places unresolved", figures.unresolved.len());
        }
    }
}

#[test]
fn threshold_table() {
    let pairs = tune_pairs();
    println!("threshold | duty P | duty R | duty F1 | near R | exact R | look-alikes/100 | position F1 | document F1");
    for threshold in [0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.8, 0.9] {
        let options = DedupOptions {
            threshold,
            level: Level::All,
            ..DedupOptions::default()
        };
        let figures = score(&pairs, &options);
        println!(
            "{threshold:.2} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} | {:.2} | {:.3} | {:.3}",
            figures.duty.precision(),
            figures.duty.recall(),
            figures.duty.f1(),
            figures.near.recall(),
            figures.exact.recall(),
            figures.duty.look_alikes_per_100(),
            figures.position.f1(),
            figures.document.f1(),
        );
    }
}

#[test]
fn position_and_document_threshold_table() {
    let pairs = tune_pairs();
    println!("position/document threshold | position P | position R | position F1 | document P | document R | document F1");
    for threshold in [0.4, 0.5, 0.6, 0.7, 0.8, 0.9] {
        let options = DedupOptions {
            position_threshold: threshold,
            document_threshold: threshold,
            ..DedupOptions::default()
        };
        let figures = score(&pairs, &options);
        println!(
            "{threshold:.2} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3}",
            figures.position.precision(),
            figures.position.recall(),
            figures.position.f1(),
            figures.document.precision(),
            figures.document.recall(),
            figures.document.f1(),
        );
    }
}
