//! `zhize index` and `zhize search` as a user runs them: freshness, atomic rebuilds under kills
//! and concurrency, corrupted indexes, the JSON shapes and untrusted corpus text.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

fn zhize() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_zhize"));
    command.env("NO_COLOR", "1");
    command
}

fn run(args: &[&str]) -> Output {
    zhize().args(args).output().unwrap()
}

fn shipped_corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

const SMALL: &str = "长沙林肯店岗位职责\n\n岗位名称:销售顾问\n岗位职责:\n1.负责展厅车辆日常清洁;\n2.负责客户的续保提醒工作;\n3.负责<script>alert(\"x\")</script>展车的<em>摆放</em>;\n4.负责\u{1b}[2J洗车液的补充;\n\n岗位名称:保险专员\n岗位职责:\n1.负责车辆保险的续保业务;\n2.完成领导交办的其他任务。\n";

#[test]
fn indexing_twice_does_no_work_the_second_time() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let corpus = shipped_corpus();
    let first = run(&["index", s(&corpus), "--index", s(&index), "--json"]);
    assert!(first.status.success(), "{first:?}");
    let first = json(&first);
    assert_eq!(first["built"], true);
    assert!(first["duties"].as_u64().unwrap() > 300);
    let second = json(&run(&["index", s(&corpus), "--index", s(&index), "--json"]));
    assert_eq!(second["built"], false);
    assert_eq!(second["reason"], "up to date");
    assert_eq!(second["generation"], first["generation"]);
    // And search uses it without rebuilding.
    let search = run(&["search", "续保", s(&corpus), "--index", s(&index)]);
    assert_eq!(search.status.code(), Some(0));
    assert!(!String::from_utf8_lossy(&search.stderr).contains("built"));
}

#[test]
fn editing_the_corpus_makes_the_next_search_rebuild() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    let file = corpus.join("store.txt");
    std::fs::write(&file, SMALL).unwrap();
    let index = dir.path().join("index");
    let before = run(&["search", "续保", s(&corpus), "--index", s(&index)]);
    assert_eq!(before.status.code(), Some(0), "{before:?}");
    assert!(String::from_utf8_lossy(&before.stderr).contains("built (missing)"));
    let missing = run(&["search", "轮胎更换", s(&corpus), "--index", s(&index)]);
    assert_eq!(missing.status.code(), Some(1));

    std::fs::write(&file, format!("{SMALL}3.负责轮胎更换的登记;\n")).unwrap();
    let after = run(&[
        "search",
        "轮胎更换",
        s(&corpus),
        "--index",
        s(&index),
        "--json",
    ]);
    assert_eq!(after.status.code(), Some(0), "{after:?}");
    assert!(String::from_utf8_lossy(&after.stderr).contains("inputs changed"));
    let hits = json(&after);
    assert!(hits[0]["duties"][0]["text"]
        .as_str()
        .unwrap()
        .contains("轮胎更换"));

    // A new file in the folder counts too.
    std::fs::write(
        corpus.join("second.txt"),
        "株洲店岗位职责\n\n岗位名称:洗车工\n岗位职责:\n1.负责打蜡抛光;\n",
    )
    .unwrap();
    let added = run(&["search", "打蜡抛光", s(&corpus), "--index", s(&index)]);
    assert_eq!(added.status.code(), Some(0), "{added:?}");
}

fn generations(index: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(index)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("gen-"))
        .collect();
    names.sort();
    names
}

fn assert_search_works(corpus: &Path, index: &Path) {
    let output = run(&[
        "search",
        "保险续保",
        s(corpus),
        "--index",
        s(index),
        "--json",
    ]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let hits = json(&output);
    assert!(hits[0]["duties"][0]["text"]
        .as_str()
        .unwrap()
        .contains("续保"));
}

#[test]
fn killing_a_build_leaves_search_working() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let corpus = shipped_corpus();
    // Killed before any index exists: the next search builds one.
    for delay in [5, 60] {
        let mut child = zhize()
            .args(["index", s(&corpus), "--index", s(&index)])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        let _ = child.kill();
        let _ = child.wait();
    }
    assert_search_works(&corpus, &index);
    // Killed at several points of a forced rebuild: the previous generation keeps answering.
    for delay in [10, 100, 250, 500, 900] {
        let mut child = zhize()
            .args(["index", s(&corpus), "--index", s(&index), "--force"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        let _ = child.kill();
        let _ = child.wait();
        let output = run(&[
            "search",
            "保险续保",
            s(&corpus),
            "--index",
            s(&index),
            "--json",
        ]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "after a kill at {delay} ms: {output:?}"
        );
        assert!(!String::from_utf8_lossy(&output.stderr).contains("unreadable"));
    }
    // A completed build clears what the killed ones left behind: abandoned temporary folders
    // and all but the live and previous generations.
    let last = run(&["index", s(&corpus), "--index", s(&index), "--force"]);
    assert!(last.status.success(), "{last:?}");
    assert!(generations(&index).len() <= 2, "{:?}", generations(&index));
    let leftovers: Vec<String> = std::fs::read_dir(&index)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("tmp-") || n.starts_with("CURRENT.tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    assert_search_works(&corpus, &index);
}

#[test]
fn concurrent_builds_do_not_corrupt_the_index() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let corpus = shipped_corpus();
    let children: Vec<_> = (0..2)
        .map(|_| {
            zhize()
                .args(["index", s(&corpus), "--index", s(&index), "--json"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let reports: Vec<Value> = children
        .into_iter()
        .map(|c| {
            let output = c.wait_with_output().unwrap();
            assert!(output.status.success(), "{output:?}");
            json(&output)
        })
        .collect();
    // One built it; the other waited for the lock and found it up to date (or, if it came
    // second, found it already built).
    let built = reports.iter().filter(|r| r["built"] == true).count();
    assert_eq!(built, 1, "{reports:?}");
    assert_search_works(&corpus, &index);
}

#[test]
fn a_corrupted_index_is_detected_and_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let corpus = shipped_corpus();
    assert!(run(&["index", s(&corpus), "--index", s(&index)])
        .status
        .success());
    let generation = index.join(&generations(&index)[0]);

    // Garbage in zhize's own meta file.
    std::fs::write(generation.join("zhize.json"), "{not json").unwrap();
    let output = run(&["search", "续保", s(&corpus), "--index", s(&index)]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert!(String::from_utf8_lossy(&output.stderr).contains("unreadable"));

    // Truncated tantivy files.
    let generation = index.join(generations(&index).last().unwrap());
    for entry in std::fs::read_dir(&generation).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".idx") || name.ends_with(".store") || name == "meta.json" {
            std::fs::write(entry.path(), b"").unwrap();
        }
    }
    let output = run(&["search", "续保", s(&corpus), "--index", s(&index)]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");

    // CURRENT naming a generation that is gone.
    std::fs::write(index.join("CURRENT"), "gen-0-0\n").unwrap();
    let output = run(&["search", "续保", s(&corpus), "--index", s(&index)]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");

    // A format from another version.
    let generation = index.join(generations(&index).last().unwrap());
    let meta = std::fs::read_to_string(generation.join("zhize.json")).unwrap();
    let mut meta: Value = serde_json::from_str(&meta).unwrap();
    meta["format"] = Value::from(999);
    std::fs::write(generation.join("zhize.json"), meta.to_string()).unwrap();
    let output = run(&["search", "续保", s(&corpus), "--index", s(&index)]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert!(String::from_utf8_lossy(&output.stderr).contains("format 999"));
}

fn keys(value: &Value) -> Vec<String> {
    let mut keys: Vec<String> = value.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    keys
}

#[test]
fn json_has_exactly_the_documented_fields() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let corpus = shipped_corpus();
    let by_duty = json(&run(&[
        "search",
        "谁负责保险续保",
        s(&corpus),
        "--index",
        s(&index),
        "--by",
        "duty",
        "--json",
        "--limit",
        "3",
    ]));
    assert_eq!(by_duty.as_array().unwrap().len(), 3);
    assert_eq!(
        keys(&by_duty[0]),
        [
            "doc_id",
            "highlight",
            "position",
            "position_id",
            "rank",
            "role",
            "score",
            "store",
            "text"
        ]
    );
    assert_eq!(by_duty[0]["rank"], 1);
    assert!(by_duty[0]["highlight"]
        .as_str()
        .unwrap()
        .contains("<em>续保</em>"));
    let by_position = json(&run(&[
        "search",
        "谁负责保险续保",
        s(&corpus),
        "--index",
        s(&index),
        "--json",
    ]));
    assert_eq!(
        keys(&by_position[0]),
        [
            "doc_id",
            "duties",
            "position",
            "position_id",
            "rank",
            "role",
            "score",
            "store"
        ]
    );
    assert_eq!(
        keys(&by_position[0]["duties"][0]),
        ["highlight", "score", "text"]
    );
    let scores: Vec<f64> = by_position
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["score"].as_f64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
}

#[test]
fn corpus_markup_and_control_characters_stay_text() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("store.txt");
    std::fs::write(&file, SMALL).unwrap();
    let index = dir.path().join("index");
    let hits = json(&run(&[
        "search",
        "展车摆放",
        s(&file),
        "--index",
        s(&index),
        "--by",
        "duty",
        "--json",
    ]));
    let all: Vec<&str> = hits
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["highlight"].as_str().unwrap())
        .collect();
    let marked = all
        .iter()
        .find(|h| h.contains("摆放"))
        .expect("the duty is found");
    assert!(!marked.contains("<script>"), "{marked}");
    assert!(marked.contains("&lt;em&gt;"), "{marked}");
    assert!(
        marked.contains("<em>摆放</em>") || marked.contains("<em>展车</em>"),
        "{marked}"
    );

    let text = run(&["search", "洗车液", s(&file), "--index", s(&index)]);
    assert_eq!(text.status.code(), Some(0), "{text:?}");
    let stdout = String::from_utf8_lossy(&text.stdout);
    assert!(stdout.contains("洗车液"), "{stdout}");
    assert!(
        !stdout.contains('\u{1b}'),
        "escape sequences reach the terminal: {stdout:?}"
    );
}

#[test]
fn exit_codes_and_plain_text_queries() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("store.txt");
    std::fs::write(&file, SMALL).unwrap();
    let index = dir.path().join("index");
    for query in [
        "续保 AND (",
        "\"续保",
        "text:续保",
        "续保^2~",
        "续保 -保险 +(OR",
    ] {
        let output = run(&["search", query, s(&file), "--index", s(&index)]);
        assert_eq!(output.status.code(), Some(0), "{query}: {output:?}");
    }
    for query in ["", "   ", "量子力学", "+-", "谁"] {
        let output = run(&["search", query, s(&file), "--index", s(&index)]);
        assert_eq!(output.status.code(), Some(1), "{query:?}: {output:?}");
    }
    let raw = run(&[
        "search",
        "text:续保",
        s(&file),
        "--index",
        s(&index),
        "--raw",
        "--json",
    ]);
    assert_eq!(raw.status.code(), Some(0), "{raw:?}");
    let bad = run(&[
        "search",
        "text:续保 AND (",
        s(&file),
        "--index",
        s(&index),
        "--raw",
    ]);
    assert_eq!(bad.status.code(), Some(2), "{bad:?}");
    let store = run(&[
        "search",
        "续保",
        s(&file),
        "--index",
        s(&index),
        "--store",
        "不存在的店",
    ]);
    assert_eq!(store.status.code(), Some(2), "{store:?}");
    let role = json(&run(&[
        "search",
        "续保",
        s(&file),
        "--index",
        s(&index),
        "--role",
        "保险专员",
        "--json",
    ]));
    assert_eq!(role.as_array().unwrap().len(), 1);
    assert_eq!(role[0]["position"], "保险专员");
}

#[test]
fn a_search_during_a_rebuild_answers_from_the_previous_index() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("store.txt");
    std::fs::write(&file, SMALL).unwrap();
    let index = dir.path().join("index");
    assert!(run(&["index", s(&file), "--index", s(&index)])
        .status
        .success());

    // Another builder holds the lock (this test process plays it).
    let lock = std::fs::OpenOptions::new()
        .write(true)
        .open(index.join("lock"))
        .unwrap();
    lock.lock().unwrap();
    std::fs::write(&file, format!("{SMALL}3.负责轮胎更换的登记;\n")).unwrap();
    let during = run(&["search", "续保", s(&file), "--index", s(&index)]);
    assert_eq!(during.status.code(), Some(0), "{during:?}");
    assert!(
        String::from_utf8_lossy(&during.stderr).contains("answering from the previous index"),
        "{during:?}"
    );
    // The old generation does not have the new duty yet.
    let old = run(&["search", "轮胎更换", s(&file), "--index", s(&index)]);
    assert_eq!(old.status.code(), Some(1), "{old:?}");

    // A second `zhize index` waits for the lock rather than building beside it.
    let mut waiting = zhize()
        .args(["index", s(&file), "--index", s(&index), "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(400));
    assert!(
        waiting.try_wait().unwrap().is_none(),
        "index did not wait for the lock"
    );
    lock.unlock().unwrap();
    drop(lock);
    let output = waiting.wait_with_output().unwrap();
    assert!(output.status.success(), "{output:?}");
    let report = json(&output);
    assert_eq!(report["built"], true);
    assert!(report["notes"][0].as_str().unwrap().contains("waited"));
    let new = run(&["search", "轮胎更换", s(&file), "--index", s(&index)]);
    assert_eq!(new.status.code(), Some(0), "{new:?}");
}

#[test]
fn user_vocabulary_files_extend_search() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("store.txt");
    std::fs::write(&file, SMALL).unwrap();
    let index = dir.path().join("index");
    let before = run(&["search", "清洗剂", s(&file), "--index", s(&index)]);
    assert_eq!(before.status.code(), Some(1), "{before:?}");
    let synonyms = dir.path().join("synonyms.txt");
    std::fs::write(&synonyms, "清洗剂 洗车液\n").unwrap();
    let glossary = dir.path().join("glossary.txt");
    std::fs::write(&glossary, "car shampoo = 洗车液\n").unwrap();
    let with = |query: &str| {
        run(&[
            "search",
            query,
            s(&file),
            "--index",
            s(&index),
            "--synonyms",
            s(&synonyms),
            "--glossary",
            s(&glossary),
            "--by",
            "duty",
            "--json",
        ])
    };
    let after = with("清洗剂");
    assert_eq!(after.status.code(), Some(0), "{after:?}");
    assert!(json(&after)[0]["text"].as_str().unwrap().contains("洗车液"));
    let english = with("who buys car shampoo");
    assert_eq!(english.status.code(), Some(0), "{english:?}");
    assert!(json(&english)[0]["highlight"]
        .as_str()
        .unwrap()
        .contains("<em>洗车液</em>"));
    // A broken user file is an error naming the file and line.
    std::fs::write(&synonyms, "清洗剂\n").unwrap();
    let broken = with("清洗剂");
    assert_eq!(broken.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&broken.stderr).contains("synonyms.txt:1"));
}

#[test]
fn standard_input_is_searched_in_memory() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let mut child = zhize()
        .args(["search", "续保", "-", "--index", s(&index), "--json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(SMALL.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let hits = json(&output);
    assert_eq!(hits.as_array().unwrap().len(), 2);
    assert!(
        !index.exists(),
        "standard input must not leave an index behind"
    );
}

#[test]
fn an_index_named_without_inputs_is_searched_as_built() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    std::fs::create_dir(&store).unwrap();
    let file = store.join("a.txt");
    std::fs::write(&file, SMALL).unwrap();
    let index = dir.path().join("index");
    assert!(run(&["index", s(&store), "--index", s(&index)])
        .status
        .success());
    // From another folder (no ./corpus there), with no inputs: the index's own inputs.
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    let search = |query: &str| {
        zhize()
            .current_dir(&elsewhere)
            .args(["search", query, "--index", s(&index), "--json"])
            .output()
            .unwrap()
    };
    let found = search("续保");
    assert_eq!(found.status.code(), Some(0), "{found:?}");
    let stderr = String::from_utf8_lossy(&found.stderr);
    assert!(!stderr.contains("built"), "{stderr}");
    assert_eq!(json(&found)[0]["position"], "保险专员");

    // Changed inputs: answered from the index as built, with a note; never rebuilt silently.
    std::fs::write(&file, format!("{SMALL}3.负责轮胎更换的登记;\n")).unwrap();
    let changed = search("轮胎更换");
    assert_eq!(changed.status.code(), Some(1), "{changed:?}");
    let stderr = String::from_utf8_lossy(&changed.stderr);
    assert!(
        stderr.contains("inputs changed") && stderr.contains("as built"),
        "{stderr}"
    );
    assert_eq!(generations(&index).len(), 1);
    // `zhize index --index DIR` with no inputs rebuilds from the recorded ones.
    let rebuilt = zhize()
        .current_dir(&elsewhere)
        .args(["index", "--index", s(&index), "--json"])
        .output()
        .unwrap();
    assert!(rebuilt.status.success(), "{rebuilt:?}");
    assert_eq!(json(&rebuilt)["built"], true);
    assert_eq!(search("轮胎更换").status.code(), Some(0));

    // Inputs gone: still answered as built, and said so.
    std::fs::rename(&store, dir.path().join("moved")).unwrap();
    let gone = search("续保");
    assert_eq!(gone.status.code(), Some(0), "{gone:?}");
    let stderr = String::from_utf8_lossy(&gone.stderr);
    assert!(
        stderr.contains("gone") && stderr.contains(s(&store)),
        "{stderr}"
    );

    // No index and no inputs: a clear error, not "corpus: no such file or directory".
    let none = zhize()
        .current_dir(&elsewhere)
        .args(["search", "续保", "--index", s(&dir.path().join("none"))])
        .output()
        .unwrap();
    assert_eq!(none.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&none.stderr);
    assert!(
        stderr.contains("holds no index") && stderr.contains("name the files"),
        "{stderr}"
    );
}

#[test]
fn an_index_that_records_no_inputs_asks_for_them() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("store.txt");
    std::fs::write(&file, SMALL).unwrap();
    let index = dir.path().join("index");
    assert!(run(&["index", s(&file), "--index", s(&index)])
        .status
        .success());
    // As an older zhize wrote it: no inputs in zhize.json.
    let meta = index.join(&generations(&index)[0]).join("zhize.json");
    let mut value: Value = serde_json::from_str(&std::fs::read_to_string(&meta).unwrap()).unwrap();
    value.as_object_mut().unwrap().remove("inputs");
    std::fs::write(&meta, serde_json::to_string(&value).unwrap()).unwrap();
    let output = zhize()
        .current_dir(dir.path())
        .args(["search", "续保", "--index", s(&index)])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("does not record"), "{stderr}");
    // Naming the inputs still works (and rebuilds it).
    let named = run(&["search", "续保", s(&file), "--index", s(&index)]);
    assert_eq!(named.status.code(), Some(0), "{named:?}");
}
