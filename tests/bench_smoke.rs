//! The benchmark harness on a tiny generated corpus, so the generator and the bench do not rot:
//! no timing assertions, only that every part runs and the ground truth holds.

#[path = "../examples/gen/generator.rs"]
mod generator;
#[path = "../examples/bench/harness.rs"]
mod harness;

use std::collections::HashSet;

fn tiny(duties: usize, seed: u64) -> generator::Generated {
    generator::generate(&generator::Options {
        duties,
        seed,
        duties_per_store: 100,
    })
}

#[test]
fn the_generator_is_deterministic_and_exact_about_its_counts() {
    let a = tiny(300, 7);
    let b = tiny(300, 7);
    let c = tiny(300, 8);
    assert_eq!(a.files, b.files, "one seed, one corpus");
    assert_ne!(a.files, c.files, "another seed, another corpus");
    assert_eq!(a.duties.len(), 300);
    let per_position: usize = a
        .stores
        .iter()
        .flat_map(|s| &s.positions)
        .map(|p| p.duties)
        .sum();
    assert_eq!(per_position, 300, "positions account for every duty");
    assert!(a.stores.len() >= 2);
}

#[test]
fn the_generator_writes_the_messy_forms_of_the_shipped_corpus() {
    let generated = tiny(6000, 1);
    let all: String = generated.files.iter().map(|(_, t)| t.as_str()).collect();
    for form in [
        "岗位名称:",
        "岗位职责:",
        "直接上级:",
        "任职条件",
        "工作职责",
        "【篇",
        "1.",
        "1、",
        "(1)",
        "1)",
        "一、",
        "\no",
        "文档编制序号:[",
        "精心整理",
    ] {
        assert!(all.contains(form), "no {form:?} in the generated text");
    }
    // Every duty text appears in its store's file (unless a line wrap cut it: check most).
    let found = generated
        .duties
        .iter()
        .filter(|d| generated.files[d.store].1.contains(&d.text))
        .count();
    assert!(
        found * 2 > generated.duties.len(),
        "{found} of {} found verbatim",
        generated.duties.len()
    );
    // Title variants of one role across stores.
    let titles: HashSet<&str> = generated
        .stores
        .iter()
        .flat_map(|s| &s.positions)
        .filter(|p| p.role == "销售经理")
        .map(|p| p.title.as_str())
        .collect();
    assert!(titles.len() >= 3, "销售经理 titles: {titles:?}");
    // 10–20 % exact and near duplicates.
    let share = (generated.exact_duplicates() + generated.near_duplicates()) as f64
        / generated.duties.len() as f64;
    assert!((0.10..=0.20).contains(&share), "duplicate share {share}");
}

#[test]
fn the_harness_runs_every_task_in_smoke_mode() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    tiny(300, 3).write(&data).unwrap();
    let config = harness::Config {
        paths: harness::Paths {
            data: data.clone(),
            work: dir.path().join("work"),
        },
        rounds: 1,
        query_rounds: 1,
        isolation: harness::Isolation::InProcess,
        zhize_bin: None,
        corpus: std::path::PathBuf::from("corpus"),
        cold_runs: 1,
        timeout: std::time::Duration::from_secs(60),
    };
    std::fs::create_dir_all(&config.paths.work).unwrap();
    let report = harness::run_benchmark(&config);
    let round = &report["per_round"][0];
    assert_eq!(round["jieba"]["duties"], 300);
    assert!(round["jieba"]["tokens"].as_u64().unwrap() > 300 * 5);
    assert_eq!(round["tantivy-build"]["duties"], 300);
    assert!(round["tantivy-build"]["index_mb"].as_f64().unwrap() > 0.0);
    assert!(round["queries"]["queries"].as_u64().unwrap() >= 100);
    // Keyword queries made of corpus words find something in the baseline index.
    assert!(
        round["queries"]["baseline"]["queries_with_hits"]
            .as_u64()
            .unwrap()
            >= 50
    );
    assert_eq!(round["zhize-load"]["truth_duties"], 300);
    // Every zhize task either reports figures or says why it cannot.
    for task in harness::Task::ALL {
        let value = &round[task.name()];
        assert!(
            value["available"] == true || value["why"].is_string(),
            "{}: {value}",
            task.name()
        );
    }
    assert!(report["summary"]["jieba"]["mb_per_s"].as_f64().unwrap() > 0.0);
}

/// The parser against the generator's ground truth: how many of the generated duties come back.
#[test]
fn the_parser_recovers_the_generated_duties() {
    let dir = tempfile::tempdir().unwrap();
    let generated = tiny(300, 5);
    generated.write(dir.path()).unwrap();
    let files = generator::store_files(dir.path()).unwrap();
    let corpus = zhize::load(&files, &zhize::LoadOptions::default()).unwrap();
    let parsed: usize = corpus
        .positions()
        .filter(|(_, p)| p.kind != zhize::PositionKind::Requirements)
        .map(|(_, p)| p.duties.len())
        .sum();
    let ratio = parsed as f64 / generated.duties.len() as f64;
    assert!(
        (0.9..=1.1).contains(&ratio),
        "parsed {parsed} duties of {} generated (ratio {ratio:.3})",
        generated.duties.len()
    );
}

/// `gen --one-file`: the same corpus as one merged file parses into the same positions and
/// duties as the store files (the single-file benchmark measures the same work).
#[test]
fn the_one_file_corpus_parses_like_the_store_files() {
    let many_dir = tempfile::tempdir().unwrap();
    let one_dir = tempfile::tempdir().unwrap();
    tiny(600, 9).write(many_dir.path()).unwrap();
    let one = tiny(600, 9).into_one_file();
    assert_eq!(one.files.len(), 1);
    one.write(one_dir.path()).unwrap();
    let one_files = generator::store_files(one_dir.path()).unwrap();
    assert_eq!(one_files.len(), 1, "{one_files:?}");

    let shape = |corpus: &zhize::Corpus| -> Vec<(String, String, Vec<String>)> {
        corpus
            .positions()
            .map(|(d, p)| {
                let duties = p.duties.iter().map(|duty| duty.text.clone()).collect();
                (d.title.clone(), p.title.clone(), duties)
            })
            .collect()
    };
    let options = zhize::LoadOptions::default();
    let many = zhize::load(&generator::store_files(many_dir.path()).unwrap(), &options).unwrap();
    let merged = zhize::load(&one_files, &options).unwrap();
    assert_eq!(many.documents.len(), merged.documents.len());
    assert_eq!(shape(&many), shape(&merged));
}
