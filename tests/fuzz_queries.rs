//! Fuzzing the query path (a bounded property pass CI runs): arbitrary query strings — tantivy
//! syntax, empty, whitespace, control characters, emoji, Traditional Chinese, English, 10k
//! characters — never panic and never fail in plain mode; `--raw` with bad syntax is an error, not
//! a panic; results are well formed (ranks consecutive, scores finite, spans inside the text,
//! `<em>` balanced and the only markup in a highlight).
//!
//! Volume run: `PROPTEST_CASES=20000 cargo test --release --test fuzz_queries`.

use proptest::prelude::*;
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;
use zhize::index::{build_in_memory, DutyIndex};
use zhize::search::{search, DutyHit, GroupBy, SearchOptions, SearchResults};
use zhize::segment::Vocabulary;

/// Cases per property: small by default (CI), `PROPTEST_CASES` for a volume run.
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

/// The shipped corpus, indexed in memory once per test binary.
fn index() -> &'static DutyIndex {
    static INDEX: OnceLock<DutyIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let corpus_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let corpus = zhize::load(&[corpus_dir], &zhize::LoadOptions::default()).unwrap();
        assert!(corpus.duty_records().len() > 300, "too few duties parsed");
        build_in_memory(&corpus, &Vocabulary::shipped()).unwrap()
    })
}

/// Words a user would type, in every script the corpus and the glossary know.
const WORDS: &[&str] = &[
    "续保",
    "保险",
    "客户",
    "回访",
    "销售顾问",
    "展厅",
    "谁负责",
    "保險續保",
    "客戶回訪",
    "ＡＢＣ",
    "insurance",
    "renewal",
    "customer",
    "follow up",
    "who",
    "the",
    "AND",
    "OR",
    "NOT",
    "TO",
    "text:",
    "title:",
    "nosuchfield:",
    "🚗",
    "👨‍👩‍👧",
    "\u{202E}",
    "\u{1b}[2J",
    "\u{7}",
    "\u{0}",
];

/// Pieces of query syntax.
const SYNTAX: &[&str] = &[
    "+", "-", "(", ")", ":", "\"", "*", "~", "^", "[", "]", "{", "}", "\\", "/", "!", "&&", "||",
    "~2", "^3", "^-1", "^1e40", "*:*", "IN", " ", "  ", "\t", "\n", "　", "<em>", "&amp;",
];

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(WORDS).prop_map(str::to_string),
        4 => prop::sample::select(SYNTAX).prop_map(str::to_string),
        1 => any::<char>().prop_map(|c| c.to_string()),
        1 => "[\\x00-\\x1f\\x7f\\u{80}-\\u{9f}]{1,3}",
        1 => "\\PC{1,6}",
    ]
}

/// A query: a sequence of words, syntax and arbitrary characters.
fn query() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => prop::collection::vec(piece(), 0..12).prop_map(|p| p.concat()),
        1 => any::<String>(),
        1 => "\\s*",
    ]
}

/// Removes zhize's `<em>` tags and undoes the escaping: what is left must be the duty text.
fn unhighlight(highlight: &str) -> String {
    highlight
        .replace("<em>", "")
        .replace("</em>", "")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// `<em>` and `</em>` alternate, starting with `<em>`, never nested, never empty; no other `<`.
fn assert_highlight(hit: &DutyHit) {
    let highlight = hit.highlight();
    let mut open = false;
    let mut rest = highlight.as_str();
    while let Some(at) = rest.find('<') {
        let tail = &rest[at..];
        if let Some(after) = tail.strip_prefix("<em>") {
            assert!(!open, "nested <em>: {highlight}");
            assert!(!after.starts_with("</em>"), "empty <em>: {highlight}");
            open = true;
            rest = after;
        } else if let Some(after) = tail.strip_prefix("</em>") {
            assert!(open, "</em> without <em>: {highlight}");
            open = false;
            rest = after;
        } else {
            panic!("markup other than <em> in {highlight:?}");
        }
    }
    assert!(!open, "unclosed <em>: {highlight}");
    let tags = highlight.matches("<em>").count() + highlight.matches("</em>").count();
    assert_eq!(
        highlight.matches('>').count(),
        tags,
        "a bare > in {highlight:?}"
    );
    assert_eq!(unhighlight(&highlight), hit.text, "highlight loses text");
}

fn assert_duty(hit: &DutyHit) {
    assert!(
        hit.score.is_finite() && hit.score >= 0.0,
        "score {}",
        hit.score
    );
    let length = hit.text.chars().count();
    let mut last_end = 0;
    for (i, &(start, end)) in hit.spans.iter().enumerate() {
        assert!(
            start < end && end <= length,
            "span {start}..{end} of {length}"
        );
        assert!(
            i == 0 || start > last_end,
            "spans overlap or touch: {:?}",
            hit.spans
        );
        last_end = end;
    }
    assert_highlight(hit);
}

fn assert_well_formed(results: &SearchResults, limit: usize) {
    match results.by {
        GroupBy::Duty => {
            assert!(results.positions.is_empty());
            assert!(results.duties.len() <= limit);
            for (i, hit) in results.duties.iter().enumerate() {
                assert_eq!(hit.rank, i + 1, "duty ranks not consecutive");
                assert_duty(hit);
            }
            let scores: Vec<f32> = results.duties.iter().map(|d| d.score).collect();
            assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
        }
        GroupBy::Position => {
            assert!(results.duties.is_empty());
            assert!(results.positions.len() <= limit);
            for (i, position) in results.positions.iter().enumerate() {
                assert_eq!(position.rank, i + 1, "position ranks not consecutive");
                assert!(position.score.is_finite(), "score {}", position.score);
                assert!(!position.duties.is_empty(), "a position without duties");
                for (j, hit) in position.duties.iter().enumerate() {
                    assert_eq!(hit.rank, j + 1, "duty ranks in a position");
                    assert_eq!(
                        (&hit.doc_id, hit.position_index),
                        (&position.doc_id, position.position_index),
                        "a duty of another position"
                    );
                    assert_duty(hit);
                }
            }
            let scores: Vec<f32> = results.positions.iter().map(|p| p.score).collect();
            assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
        }
    }
}

fn plain(query: &str, by: GroupBy, limit: usize) -> SearchResults {
    let options = SearchOptions {
        limit,
        by,
        ..Default::default()
    };
    let results = search(index(), query, &options)
        .unwrap_or_else(|e| panic!("plain query {query:?} failed: {e}"));
    assert_eq!(results.query, query);
    assert_well_formed(&results, limit.max(1));
    results
}

fn raw(query: &str, by: GroupBy) -> zhize::Result<SearchResults> {
    let options = SearchOptions {
        limit: 10,
        by,
        raw: true,
        ..Default::default()
    };
    let results = search(index(), query, &options);
    if let Ok(results) = &results {
        assert_well_formed(results, 10);
    }
    results
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn plain_queries_never_fail(query in query(), by_duty in any::<bool>(), limit in 0usize..30) {
        let by = if by_duty { GroupBy::Duty } else { GroupBy::Position };
        plain(&query, by, limit);
    }

    #[test]
    fn raw_queries_never_panic(query in query(), by_duty in any::<bool>()) {
        let by = if by_duty { GroupBy::Duty } else { GroupBy::Position };
        // Either answer is fine; a panic or a malformed result is not.
        let _ = raw(&query, by);
    }
}

#[test]
fn fixed_hostile_queries() {
    let long_chinese: String = "负责客户续保回访".chars().cycle().take(10_000).collect();
    let long_latin = "insurance renewal ".repeat(600);
    let long_syntax = "(".repeat(500) + "续保" + &")".repeat(500) + &"+-~^*:\"".repeat(1_000);
    let controls: String = (0u32..0x20)
        .chain(0x7f..0xa0)
        .filter_map(char::from_u32)
        .collect();
    let queries = [
        "",
        " ",
        "\t\n\r　",
        "+",
        "-",
        "\"",
        "*",
        "~",
        "^",
        ":",
        "[",
        "]",
        "()",
        "AND",
        "OR OR OR",
        "text:",
        "续保 AND (",
        "\"续保",
        "[a TO b]",
        "续保~2",
        "续保^1e40",
        "*:*",
        "🚗🚗🚗",
        "保險續保由誰負責",
        "who handles insurance renewal?",
        "谁负责 insurance 续保?",
        "\u{202E}续保\u{202C}",
        "\u{1b}[2J续保\u{1b}]0;title\u{7}",
        controls.as_str(),
        long_chinese.as_str(),
        long_latin.as_str(),
        long_syntax.as_str(),
    ];
    let mut found = 0;
    for query in queries {
        for by in [GroupBy::Duty, GroupBy::Position] {
            found += usize::from(!plain(query, by, 10).is_empty());
            let _ = raw(query, by);
        }
    }
    // Not everything is empty: the Chinese, Traditional and English questions find duties.
    assert!(found >= 8, "only {found} hostile queries found anything");
    // Empty and syntax-only queries analyse to nothing and answer nothing.
    for query in ["", " ", "+-", "()", "\"", ":", controls.as_str()] {
        assert!(plain(query, GroupBy::Duty, 10).is_empty(), "{query:?}");
    }
    // Control characters around a word do not hide it.
    let wrapped = plain("\u{1b}[2J续保\u{7}", GroupBy::Duty, 10);
    assert!(wrapped.duties.iter().any(|d| d.text.contains("续保")));
}

/// Found by this file: tantivy's query parser recurses once per parenthesis, so a raw query of
/// some thousands of nested `(` overflowed the stack and aborted the process (SIGABRT, exit 134)
/// instead of returning an error (fixed in 0d60901: raw queries nested deeper than 32 are
/// refused). Run through the binary so an abort cannot take the test harness down with it.
#[test]
fn raw_deeply_nested_query_is_an_error_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("store.txt");
    std::fs::write(
        &file,
        "长沙店岗位职责\n\n岗位名称:保险专员\n岗位职责:\n1.负责车辆保险的续保业务;\n",
    )
    .unwrap();
    let query = "(".repeat(10_000) + "续保" + &")".repeat(10_000);
    let output = Command::new(env!("CARGO_BIN_EXE_zhize"))
        .args(["search", "--raw", "--index"])
        .arg(dir.path().join("index"))
        .arg("--")
        .arg(&query)
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Found by this file: a raw boost beyond f32 (`续保^1` followed by 40 zeros) made the score
/// infinite, which `--json` printed as `"score": null` (fixed in 0d60901: boosts over 1e6 are
/// refused). `raw` checks that scores are finite.
#[test]
fn raw_huge_boost_keeps_scores_finite() {
    let query = format!("续保^1{}", "0".repeat(40));
    if let Ok(results) = raw(&query, GroupBy::Duty) {
        assert!(!results.is_empty());
    }
}

/// Boosts multiply through nesting: eight levels of `(…)^1000000` (each allowed) make 1e48,
/// beyond f32, and the score is infinite again (`"score": null` in `--json`).
#[test]
fn raw_nested_boosts_keep_scores_finite() {
    let mut query = "续保".to_string();
    for _ in 0..8 {
        query = format!("({query})^1000000");
    }
    if let Ok(results) = raw(&query, GroupBy::Duty) {
        assert!(!results.is_empty());
    }
}

#[test]
fn raw_syntax_errors_are_errors() {
    for query in [
        "nosuchfield:续保",
        "续保 AND (",
        "text:续保 AND (",
        "(((",
        "\"续保",
        "text:[a TO",
    ] {
        for by in [GroupBy::Duty, GroupBy::Position] {
            let result = raw(query, by);
            assert!(result.is_err(), "{query:?} was accepted: {result:?}");
        }
    }
    // Valid raw syntax still answers.
    let good = raw("text:续保", GroupBy::Duty).unwrap();
    assert!(good.duties.iter().all(|d| d.text.contains("续保")) && !good.is_empty());
}

/// The binary: plain queries exit 0 or 1 (never 2), raw syntax errors exit 2, nothing panics.
#[test]
fn the_binary_survives_hostile_queries() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("store.txt");
    std::fs::write(
        &file,
        "长沙林肯店岗位职责\n\n岗位名称:保险专员\n岗位职责:\n1.负责车辆保险的续保业务;\n2.负责客户回访;\n3.完成领导交办的其他任务。\n",
    )
    .unwrap();
    let index = dir.path().join("index");
    let query_run = |query: &str, extra: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_zhize"))
            .env("NO_COLOR", "1")
            .args(["search", "--index"])
            .arg(&index)
            .args(extra)
            .arg("--")
            .arg(query)
            .arg(&file)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert!(!stderr.contains("panicked"), "{query:?}: {stderr}");
        (output.status.code(), output.stdout, stderr)
    };
    let long = "续保".repeat(5_000);
    for query in [
        "续保",
        "",
        "   ",
        "-续保",
        "--json",
        "+(OR",
        "text:续保 AND (",
        "\"",
        "\u{1b}[2J\u{7}",
        "🚗 insurance 續保",
        long.as_str(),
    ] {
        for extra in [&[][..], &["--json"], &["--by", "duty", "--json"]] {
            let (code, stdout, stderr) = query_run(query, extra);
            assert!(
                matches!(code, Some(0) | Some(1)),
                "{query:?} {extra:?}: exit {code:?}: {stderr}"
            );
            if extra.contains(&"--json") {
                let value: serde_json::Value = serde_json::from_slice(&stdout)
                    .unwrap_or_else(|e| panic!("{query:?}: not JSON: {e}"));
                assert_eq!(value.as_array().unwrap().is_empty(), code == Some(1));
            }
        }
    }
    // The plain query found the duty; `-续保` is a query, not a flag.
    assert_eq!(query_run("-续保", &[]).0, Some(0));
    for query in ["text:续保 AND (", "nosuchfield:x", "\"续保"] {
        let (code, _, stderr) = query_run(query, &["--raw"]);
        assert_eq!(code, Some(2), "{query:?}: {stderr}");
        assert!(stderr.contains("query syntax"), "{stderr}");
    }
}
