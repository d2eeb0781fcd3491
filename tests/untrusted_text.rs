//! Untrusted text stays text: a hand-made corpus whose duties and store names carry HTML
//! (`<script>`, `<img onerror>`, a literal `<em>`, `&amp;`), ANSI escape sequences (clear screen,
//! set title, cursor moves, 8-bit CSI), bidi overrides and other control characters, run through
//! every command. JSON `highlight` is HTML with only zhize's `<em>` as markup; terminal output
//! carries no escape byte or control character from the corpus; the HTML report has no element
//! of the corpus's making. JSON `text` fields carry the raw text: JSON is data, and escaping is
//! the consumer's job when it renders it.

use regex::Regex;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use zhize::compare::{compare_positions, CompareOptions};
use zhize::dedup::{dedup, DedupOptions};
use zhize::index::build_in_memory;
use zhize::search::{search, GroupBy, SearchOptions};
use zhize::segment::Vocabulary;

const SCRIPT: &str = "<script>alert(document.cookie)</script>";
const IMG: &str = "<img src=x onerror=alert(document.domain)>";

/// Store A: every kind of hostile text, one per duty.
fn store_a() -> String {
    [
        "长沙林肯店岗位职责",
        "",
        "岗位名称:销售顾问",
        "岗位职责:",
        &format!("1.负责展厅{SCRIPT}车辆的日常清洁;"),
        &format!("2.负责客户{IMG}的续保提醒工作;"),
        "3.负责展车的<em>摆放</em>与&amp;陈列&lt;b&gt;;",
        "4.负责\u{1b}[2J洗车液\u{1b}]0;pwned\u{7}的补充;",
        "5.负责\u{202E}试驾车\u{202C}的预约与\u{2066}登记\u{2069};",
        "6.负责\u{8}\u{7f}\u{9b}2J精品加装\u{1b}[1A\u{1b}[2K的推荐;",
        "7.完成领导交办的其他任务。",
        "",
    ]
    .join("\n")
}

/// Store B: the same role, some duties shared (for compare and dedup), and a store name with
/// an escape sequence of its own.
fn store_b() -> String {
    [
        "株洲\u{1b}[31m红\u{1b}[0m店岗位职责",
        "",
        "岗位名称:销售顾问",
        "岗位职责:",
        &format!("1.负责展厅{SCRIPT}车辆的日常清洁;"),
        &format!("2.负责客户{IMG}的续保提醒工作和登记;"),
        "3.负责展车的<em>摆放</em>;",
        "4.负责\u{1b}[2J洗车液\u{1b}]0;pwned\u{7}的补充;",
        "5.负责二手车\u{1b}[1A\u{1b}[2K置换业务;",
        "",
    ]
    .join("\n")
}

fn corpus_dir(dir: &Path) -> PathBuf {
    let corpus = dir.join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    std::fs::write(corpus.join("a.txt"), store_a()).unwrap();
    std::fs::write(corpus.join("b.txt"), store_b()).unwrap();
    corpus
}

/// Runs zhize with NO_COLOR unset (standard output is a pipe, not a terminal).
fn zhize(args: &[&str]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_zhize"))
        .env_remove("NO_COLOR")
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    output
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Bidi controls that make text display in another order than it is stored.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Terminal text: no escape byte, no control character but newline, no bidi override.
fn assert_terminal_safe(what: &str, text: &str) {
    for (i, c) in text.char_indices() {
        assert!(
            (c == '\n' || !c.is_control()) && !is_bidi_control(c),
            "{what}: {c:?} at byte {i} in {:?}",
            &text[i.saturating_sub(40)..(i + 40).min(text.len())]
        );
    }
}

/// Terminal text painted by zhize: its own SGR colour codes removed, it must be safe.
fn assert_painted_safe(what: &str, text: &str) {
    let sgr = Regex::new("\u{1b}\\[[0-9;]*m").unwrap();
    assert!(sgr.is_match(text), "{what}: expected colour codes");
    assert_terminal_safe(what, &sgr.replace_all(text, ""));
}

/// HTML with zhize's `<em>` tags as the only markup.
fn assert_only_em(highlight: &str) {
    let stripped = highlight.replace("<em>", "").replace("</em>", "");
    assert!(
        !stripped.contains('<') && !stripped.contains('>'),
        "markup in {highlight:?}"
    );
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 output")
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

#[test]
fn the_corpus_keeps_its_hostile_text() {
    // The premise: the parser keeps the markup and control characters in the duties, so the
    // other tests exercise the renderers and not an accident of parsing.
    let dir = tempfile::tempdir().unwrap();
    let corpus = zhize::load(&[corpus_dir(dir.path())], &zhize::LoadOptions::default()).unwrap();
    let texts: Vec<String> = corpus.duty_records().into_iter().map(|r| r.text).collect();
    let has = |needle: &str| texts.iter().any(|t| t.contains(needle));
    assert!(has(SCRIPT), "{texts:?}");
    assert!(has(IMG), "{texts:?}");
    assert!(has("<em>摆放</em>与&amp;陈列"), "{texts:?}");
    assert!(has("\u{1b}[2J洗车液\u{1b}]0;pwned\u{7}"), "{texts:?}");
    assert!(has("\u{202E}试驾车"), "{texts:?}");
    assert!(corpus.documents.iter().any(|d| d.store.contains('\u{1b}')));
}

#[test]
fn search_json_highlights_escape_corpus_markup() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = corpus_dir(dir.path());
    let index = dir.path().join("index");
    let mut highlights = Vec::new();
    for (query, by) in [
        ("展厅车辆清洁", "duty"),
        ("续保提醒", "duty"),
        ("展车摆放陈列", "duty"),
        ("洗车液", "position"),
        ("试驾车 精品加装 二手车置换", "position"),
        ("script alert img", "duty"),
    ] {
        let output = zhize(&[
            "search",
            query,
            s(&corpus),
            "--index",
            s(&index),
            "--by",
            by,
            "--json",
        ]);
        assert_eq!(output.status.code(), Some(0), "{query}: {output:?}");
        let hits = json(&output);
        for hit in hits.as_array().unwrap() {
            let duties = match by {
                "duty" => vec![hit.clone()],
                _ => hit["duties"].as_array().unwrap().clone(),
            };
            for duty in duties {
                let highlight = duty["highlight"].as_str().unwrap().to_string();
                assert_only_em(&highlight);
                highlights.push(highlight);
            }
        }
    }
    let all = highlights.join("\n");
    assert!(all.contains("<em>"), "nothing highlighted: {all}");
    assert!(all.contains("&lt;script&gt;"), "{all}");
    assert!(all.contains("&lt;img src=x onerror=alert"), "{all}");
    assert!(all.contains("&lt;em&gt;"), "{all}");
    // `&amp;` in the corpus is text: it comes back as `&amp;amp;`.
    assert!(all.contains("&amp;amp;"), "{all}");
}

#[test]
fn terminal_output_of_every_command_is_free_of_corpus_control_characters() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = corpus_dir(dir.path());
    let c = s(&corpus);
    let index = dir.path().join("index");
    let i = s(&index);
    let runs: Vec<(&str, Vec<&str>)> = vec![
        ("search", vec!["search", "洗车液", c, "--index", i]),
        (
            "search by duty",
            vec![
                "search", "负责", c, "--index", i, "--by", "duty", "--limit", "50",
            ],
        ),
        (
            "search store",
            vec!["search", "置换", c, "--index", i, "--store", "株洲"],
        ),
        ("show", vec!["show", "长沙", "销售顾问", c]),
        ("show B", vec!["show", "株洲", "销售顾问", c]),
        ("export", vec!["export", c]),
        ("list stores", vec!["list", "stores", c]),
        ("list positions", vec!["list", "positions", c]),
        ("check", vec!["check", c]),
        (
            "compare",
            vec!["compare", "销售顾问", "--a", "长沙", "--b", "株洲", c],
        ),
        ("compare all", vec!["compare", "销售顾问", "--all", c]),
        ("dedup", vec!["dedup", c]),
    ];
    let mut seen_text = String::new();
    for (what, args) in runs {
        let output = zhize(&args);
        assert!(
            matches!(output.status.code(), Some(0) | Some(1)),
            "{what}: {output:?}"
        );
        let out = stdout(&output);
        assert_terminal_safe(what, &out);
        seen_text.push_str(&out);
    }
    // The text around the stripped sequences is still there.
    for visible in [
        "洗车液",
        "试驾车",
        "精品加装",
        "二手车",
        "<script>",
        "&amp;",
        "株洲",
    ] {
        assert!(seen_text.contains(visible), "{visible} missing");
    }
}

/// Error messages and warnings name stores and files, and those names are untrusted too (found
/// by this file; fixed in 0d60901: stderr is sanitised line by line).
#[test]
fn standard_error_is_free_of_corpus_control_characters() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = corpus_dir(dir.path());
    std::fs::write(corpus.join("\u{1b}[2Jempty.txt"), "").unwrap();
    let c = s(&corpus);
    for args in [
        vec!["show", "不存在的店", "销售顾问", c],
        vec!["show", "店", "销售顾问", c],
        vec!["export", c],
    ] {
        let output = zhize(&args);
        let stderr = String::from_utf8(output.stderr.clone()).unwrap();
        assert!(
            !stderr.is_empty(),
            "{args:?}: expected a warning or an error"
        );
        assert_terminal_safe(&format!("stderr of {args:?}"), &stderr);
    }
}

/// The elements the compare report is made of (src/render/html.rs).
const REPORT_TAGS: &[&str] = &[
    "html", "head", "meta", "title", "style", "body", "h1", "h2", "p", "section", "table", "thead",
    "tbody", "tr", "th", "td", "span", "del", "ins", "a",
];

#[test]
fn html_report_escapes_corpus_markup() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = corpus_dir(dir.path());
    let tag = Regex::new("</?([a-zA-Z][a-zA-Z0-9]*)").unwrap();
    for (name, args) in [
        ("pair.html", vec!["销售顾问", "--a", "长沙", "--b", "株洲"]),
        ("all.html", vec!["销售顾问", "--all"]),
    ] {
        let html_path = dir.path().join(name);
        let mut full = vec!["compare"];
        full.extend(args);
        full.extend([s(&corpus), "--html", s(&html_path)]);
        let output = zhize(&full);
        assert_eq!(output.status.code(), Some(0), "{output:?}");
        let html = std::fs::read_to_string(&html_path).unwrap();
        let lower = html.to_lowercase();
        assert!(!lower.contains("<script"), "{name}: a script element");
        assert!(!lower.contains("<img"), "{name}: an img element");
        // Every tag is one of the report's own: the corpus adds no element or attribute.
        for found in tag.captures_iter(&html) {
            assert!(
                REPORT_TAGS.contains(&&found[1]),
                "{name}: a <{}> element of the corpus's making",
                &found[1]
            );
        }
        assert!(
            html.contains("&lt;script&gt;"),
            "{name}: script not shown as text"
        );
        assert!(html.contains("&lt;img"), "{name}: img not shown as text");
        assert!(
            html.contains("&lt;em&gt;"),
            "{name}: the corpus's <em> not shown as text"
        );
        assert!(
            html.contains("&amp;amp;"),
            "{name}: &amp; not shown as text"
        );
    }
}

#[test]
fn json_is_data_with_the_raw_text() {
    // JSON carries the text as it is (escaped only as JSON requires); this test pins that
    // documented behaviour down.
    let dir = tempfile::tempdir().unwrap();
    let corpus = corpus_dir(dir.path());
    let export = zhize(&["export", s(&corpus), "--json"]);
    let lines: Vec<Value> = stdout(&export)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let texts: Vec<&str> = lines
        .iter()
        .flat_map(|p| p["duties"].as_array().unwrap())
        .map(|d| d["text"].as_str().unwrap())
        .collect();
    assert!(texts.iter().any(|t| t.contains(SCRIPT)), "{texts:?}");
    assert!(texts.iter().any(|t| t.contains('\u{1b}')), "{texts:?}");
    // Raw bytes on the wire are JSON escapes: no ESC byte even so.
    assert!(!export.stdout.contains(&0x1b));

    let clean = dir.path().join("clean.jsonl");
    let output = zhize(&["dedup", s(&corpus), "--json", "--write", s(&clean)]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    json(&output);
    for line in std::fs::read_to_string(&clean).unwrap().lines() {
        let entry: Value = serde_json::from_str(line).unwrap();
        assert!(entry["canonical"].is_string());
    }
}

/// With colour forced on (the CLI only colours a terminal, so the renderers are called directly),
/// zhize's own SGR codes are the only escape sequences.
#[test]
fn coloured_rendering_keeps_only_zhize_escape_sequences() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = zhize::load(&[corpus_dir(dir.path())], &zhize::LoadOptions::default()).unwrap();
    let index = build_in_memory(&corpus, &Vocabulary::shipped()).unwrap();
    let options = SearchOptions {
        by: GroupBy::Position,
        limit: 20,
        ..Default::default()
    };
    let results = search(&index, "洗车液 试驾车 精品加装 二手车置换", &options).unwrap();
    assert!(!results.is_empty());
    let text = zhize::render::search::results_text(&results, true, 10);
    assert!(text.contains("洗车液"));
    assert_painted_safe("search", &text);

    for (document, position) in corpus.positions() {
        let text = zhize::render::corpus::position_text(document, position, true, 80);
        assert_painted_safe("position", &text);
    }
    assert_painted_safe("stores", &zhize::render::corpus::stores_text(&corpus, true));

    let a = &corpus.documents[0];
    let b = &corpus.documents[1];
    let comparison = compare_positions(
        (a, &a.positions[0]),
        (b, &b.positions[0]),
        &CompareOptions::default(),
    );
    let text = zhize::render::compare::comparison_text(&comparison, 100, true);
    assert_painted_safe("compare", &text);

    let report = dedup(&corpus, &DedupOptions::default());
    assert!(!report.duty_groups.is_empty(), "the shared duties group");
    assert_painted_safe("dedup", &zhize::render::dedup::terminal(&report, true));

    // And the HTML renderer of the same comparison.
    let html = zhize::render::html::report(Some(&comparison), None);
    assert!(!html.to_lowercase().contains("<script"));
}
