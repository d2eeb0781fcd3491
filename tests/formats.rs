//! The formats corpus scored: every file of `tests/formats/tune/` (and of every other folder
//! beside it: `holdout/`, a set written by someone else) converted into its container and encoding, parsed by `zhize export --json` as a user
//! would run it, and compared with its hand-checked gold (`tests/formats/README.md` says how).
//! A naive "title line, then numbered lines" parser is scored on the same files beside it.
//!
//! `cargo test --test formats -- --nocapture` prints the per-family tables; `FORMATS_VERBOSE=1`
//! lists the files whose positions differ from their gold, `FORMATS_KEEP=DIR` keeps the
//! converted files.

mod common;

use common::formats::{convert_set, plain_text, read_set, FormatsFile, GoldPosition, FAMILIES};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// A parsed position as the scorer sees it.
#[derive(Debug, Clone)]
struct Parsed {
    title: String,
    duties: Vec<String>,
    department: Option<String>,
    reports_to: Vec<String>,
}

/// Full-width folded, Simplified, lower-case, without whitespace: how titles and fragments are
/// compared.
fn fold(text: &str) -> String {
    let mut folded = zhize::normalize::for_matching(text);
    folded.retain(|c| !c.is_whitespace());
    folded
}

/// Runs `zhize export --json` on a folder; positions of kind `duties` per file stem, in order.
fn zhize_parse(dir: &Path) -> BTreeMap<String, Vec<Parsed>> {
    let output = Command::new(env!("CARGO_BIN_EXE_zhize"))
        .args(["export", "--json"])
        .arg(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("zhize runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.code().is_some_and(|c| c < 2),
        "zhize export failed: {stderr}"
    );
    if !stderr.trim().is_empty() {
        eprintln!("zhize export said:\n{stderr}");
    }
    let mut parsed: BTreeMap<String, Vec<Parsed>> = BTreeMap::new();
    for line in String::from_utf8(output.stdout).unwrap().lines() {
        let value: serde_json::Value = serde_json::from_str(line).unwrap();
        if value["kind"] != "duties" {
            continue;
        }
        let file = value["source"]["file"].as_str().unwrap();
        let name = Path::new(file).file_name().unwrap().to_string_lossy();
        let stem = name.split('.').next().unwrap().to_string();
        parsed.entry(stem).or_default().push(Parsed {
            title: value["position"].as_str().unwrap().to_string(),
            duties: value["duties"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["text"].as_str().unwrap().to_string())
                .collect(),
            department: value["department"].as_str().map(str::to_string),
            reports_to: value["reports_to"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap().to_string())
                .collect(),
        });
    }
    parsed
}

/// The numbering a naive reader knows: `1.` `1、` `1)` `(1)`, full-width forms folded first.
fn naive_number(line: &str) -> Option<&str> {
    let line = line.trim_start();
    let (inner, rest) = if let Some(rest) = line.strip_prefix('(') {
        let digits = rest.find(|c: char| !c.is_ascii_digit())?;
        let after = rest[digits..].strip_prefix(')')?;
        (&rest[..digits], after)
    } else {
        let digits = line.find(|c: char| !c.is_ascii_digit())?;
        let after = &line[digits..];
        let after = after
            .strip_prefix('.')
            .or_else(|| after.strip_prefix('、'))
            .or_else(|| after.strip_prefix(')'))?;
        (&line[..digits], after)
    };
    (!inner.is_empty() && inner.len() <= 2 && !rest.starts_with(|c: char| c.is_ascii_digit()))
        .then_some(rest)
}

/// Section labels the naive parser skips when it looks for the title line.
const NAIVE_LABELS: [&str; 8] = [
    "岗位职责",
    "工作职责",
    "主要职责",
    "职责描述",
    "工作内容",
    "职责",
    "岗位职责如下",
    "职位描述",
];

/// The naive baseline: a numbered line is a duty of the last unnumbered line before its run
/// (that line, its `岗位职责` suffix and colon removed, is the title; a bare section label such as
/// `岗位职责：` is skipped, and of a `…名称：X　…` field line only X is kept).
fn naive_parse(text: &str) -> Vec<Parsed> {
    let mut positions: Vec<Parsed> = Vec::new();
    let mut title: Option<String> = None;
    let mut in_run = false;
    for line in text.lines() {
        let line = zhize::normalize::fold_width(line);
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        match naive_number(line) {
            Some(rest) => {
                if !in_run {
                    positions.push(Parsed {
                        title: title.take().unwrap_or_default(),
                        duties: Vec::new(),
                        department: None,
                        reports_to: Vec::new(),
                    });
                    in_run = true;
                }
                positions
                    .last_mut()
                    .unwrap()
                    .duties
                    .push(rest.trim().to_string());
            }
            None => {
                in_run = false;
                // A bare section label (`岗位职责：`) is not a title: the line before it is.
                let bare = line.trim_end_matches([':', ':']).trim();
                if NAIVE_LABELS.contains(&bare) {
                    continue;
                }
                // `岗位名称：财务经理　岗位编号：…`: the value of the first field, up to a space.
                let value = match line.split_once([':', ':']) {
                    Some((label, value)) if label.ends_with("名称") => value,
                    _ => line,
                };
                let value = value.split_whitespace().next().unwrap_or_default();
                let cleaned = value
                    .trim_end_matches([':', ':'])
                    .trim_end_matches("岗位职责")
                    .trim_end_matches("职责")
                    .trim_end_matches("的")
                    .trim()
                    .to_string();
                title = Some(cleaned);
            }
        }
    }
    positions
}

#[derive(Debug, Default, Clone)]
struct Score {
    files: usize,
    gold: usize,
    parsed: usize,
    matched: usize,
    exact: usize,
    titles: usize,
    first_last: usize,
    untitled: usize,
    untitled_gold: usize,
    metadata: usize,
    metadata_gold: usize,
}

impl Score {
    fn add(&mut self, other: &Score) {
        self.files += other.files;
        self.gold += other.gold;
        self.parsed += other.parsed;
        self.matched += other.matched;
        self.exact += other.exact;
        self.titles += other.titles;
        self.first_last += other.first_last;
        self.untitled += other.untitled;
        self.untitled_gold += other.untitled_gold;
        self.metadata += other.metadata;
        self.metadata_gold += other.metadata_gold;
    }

    fn ratio(part: usize, whole: usize) -> f64 {
        if whole == 0 {
            1.0
        } else {
            part as f64 / whole as f64
        }
    }

    fn precision(&self) -> f64 {
        Self::ratio(self.matched, self.parsed)
    }

    fn recall(&self) -> f64 {
        Self::ratio(self.matched, self.gold)
    }

    fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }

    fn exact_share(&self) -> f64 {
        Self::ratio(self.exact, self.gold)
    }

    fn title_share(&self) -> f64 {
        Self::ratio(self.titles, self.gold)
    }

    fn first_last_share(&self) -> f64 {
        Self::ratio(self.first_last, self.gold)
    }

    /// Positions titled (无标题) although the file gives their title.
    fn wrongly_untitled(&self) -> usize {
        self.untitled.saturating_sub(self.untitled_gold)
    }
}

fn is_untitled(title: &str) -> bool {
    title.is_empty() || title == zhize::parse::UNTITLED
}

fn titles_match(gold: &str, parsed: &str) -> bool {
    if gold.is_empty() || is_untitled(parsed) {
        return gold.is_empty() && is_untitled(parsed);
    }
    fold(gold) == fold(parsed)
        || zhize::roles::canonical_role(gold) == zhize::roles::canonical_role(parsed)
        || zhize::roles::canonical_role(&fold(gold)) == zhize::roles::canonical_role(&fold(parsed))
}

fn contains_fragment(duty: Option<&String>, fragment: &str) -> bool {
    duty.is_some_and(|d| fold(d).contains(&fold(fragment)))
}

/// One file: gold and parsed positions matched one-to-one in file order (the longest common
/// subsequence under "titles match"), then counted.
fn score_file(gold: &[GoldPosition], parsed: &[Parsed]) -> Score {
    let (n, m) = (gold.len(), parsed.len());
    let mut table = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            table[i][j] = if titles_match(&gold[i].title, &parsed[j].title) {
                1 + table[i + 1][j + 1]
            } else {
                table[i + 1][j].max(table[i][j + 1])
            };
        }
    }
    let mut score = Score {
        files: 1,
        gold: n,
        parsed: m,
        untitled: parsed.iter().filter(|p| is_untitled(&p.title)).count(),
        ..Score::default()
    };
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        if titles_match(&gold[i].title, &parsed[j].title) && table[i][j] == 1 + table[i + 1][j + 1]
        {
            let (g, p) = (&gold[i], &parsed[j]);
            score.matched += 1;
            score.exact += usize::from(g.duties == p.duties.len());
            score.titles += usize::from(fold(&g.title) == fold(&p.title) || g.title.is_empty());
            score.first_last += usize::from(
                contains_fragment(p.duties.first(), &g.first)
                    && contains_fragment(p.duties.last(), &g.last),
            );
            score.untitled_gold += usize::from(g.title.is_empty());
            if let Some(department) = &g.department {
                score.metadata_gold += 1;
                score.metadata += usize::from(p.department.as_deref().is_some_and(|d| {
                    fold(d) == fold(department) || fold(d).ends_with(&fold(department))
                }));
            }
            if let Some(reports_to) = &g.reports_to {
                score.metadata_gold += 1;
                score.metadata += usize::from(
                    reports_to.iter().map(|r| fold(r)).collect::<Vec<_>>()
                        == p.reports_to.iter().map(|r| fold(r)).collect::<Vec<_>>(),
                );
            }
            i += 1;
            j += 1;
        } else if table[i + 1][j] >= table[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    score
}

/// Per family, then `all`.
fn score_set(
    files: &[FormatsFile],
    parsed: &BTreeMap<String, Vec<Parsed>>,
    verbose: bool,
) -> BTreeMap<String, Score> {
    let mut scores: BTreeMap<String, Score> = BTreeMap::new();
    for file in files {
        let none = Vec::new();
        let positions = parsed.get(&file.stem).unwrap_or(&none);
        let score = score_file(&file.gold.positions, positions);
        if verbose
            && (score.matched < score.gold
                || score.parsed > score.matched
                || score.exact < score.gold)
        {
            let found: Vec<String> = positions
                .iter()
                .map(|p| format!("{}({})", p.title, p.duties.len()))
                .collect();
            let wanted: Vec<String> = file
                .gold
                .positions
                .iter()
                .map(|p| format!("{}({})", p.title, p.duties))
                .collect();
            eprintln!(
                "  {}: gold {} | parsed {}",
                file.stem,
                wanted.join(" "),
                found.join(" ")
            );
        }
        scores
            .entry(file.gold.family.clone())
            .or_default()
            .add(&score);
    }
    let mut all = Score::default();
    for score in scores.values() {
        all.add(score);
    }
    scores.insert("all".into(), all);
    scores
}

fn table(label: &str, scores: &BTreeMap<String, Score>) -> String {
    let mut out = format!(
        "{label}\n{:<11} {:>5} {:>5} {:>6}  {:>5} {:>5} {:>5}  {:>5}  {:>5}  {:>5}  {:>8}  {:>4}\n",
        "family",
        "files",
        "gold",
        "parsed",
        "P",
        "R",
        "F1",
        "exact",
        "title",
        "f/l",
        "untitled",
        "meta"
    );
    for family in FAMILIES.iter().copied().chain(["all"]) {
        let Some(s) = scores.get(family) else {
            continue;
        };
        out.push_str(&format!(
            "{:<11} {:>5} {:>5} {:>6}  {:>5.2} {:>5.2} {:>5.2}  {:>5.2}  {:>5.2}  {:>5.2}  {:>8}  {:>4.2}\n",
            family,
            s.files,
            s.gold,
            s.parsed,
            s.precision(),
            s.recall(),
            s.f1(),
            s.exact_share(),
            s.title_share(),
            s.first_last_share(),
            s.wrongly_untitled(),
            Score::ratio(s.metadata, s.metadata_gold),
        ));
    }
    out
}

/// Scores one set with zhize and with the naive parser; prints both tables.
fn run_set(name: &str) -> Option<(BTreeMap<String, Score>, BTreeMap<String, Score>)> {
    let dir = Path::new("tests/formats").join(name);
    let files = read_set(&dir);
    if files.is_empty() {
        return None;
    }
    let out = tempfile::tempdir().unwrap();
    convert_set(&files, out.path());
    // `FORMATS_KEEP=DIR` keeps the converted files, to run zhize on them by hand.
    if let Some(keep) = std::env::var_os("FORMATS_KEEP") {
        convert_set(&files, &Path::new(&keep).join(name));
    }
    let verbose = std::env::var_os("FORMATS_VERBOSE").is_some();
    let parsed = zhize_parse(out.path());
    let zhize = score_set(&files, &parsed, verbose);
    let naive_parsed: BTreeMap<String, Vec<Parsed>> = files
        .iter()
        .map(|f| (f.stem.clone(), naive_parse(&plain_text(&f.stored))))
        .collect();
    let naive = score_set(&files, &naive_parsed, false);
    println!("{}", table(&format!("== {name}: zhize"), &zhize));
    println!("{}", table(&format!("== {name}: naive baseline"), &naive));
    Some((zhize, naive))
}

#[test]
fn the_corpus_has_every_family_twice() {
    let files = read_set(Path::new("tests/formats/tune"));
    assert!(files.len() >= 20, "{} files", files.len());
    for family in FAMILIES {
        let count = files.iter().filter(|f| f.gold.family == family).count();
        assert!(count >= 2, "{family}: {count} files");
    }
    for file in &files {
        assert!(
            file.stem.starts_with(&format!("{}-", file.gold.family)),
            "{}: family {}",
            file.stem,
            file.gold.family
        );
        for position in &file.gold.positions {
            assert_eq!(position.kind, "duties", "{}", file.stem);
            assert!(position.duties > 0, "{}: {}", file.stem, position.title);
            for fragment in [&position.first, &position.last] {
                assert!(
                    fragment.chars().count() >= 6,
                    "{}: `{fragment}` is shorter than 6 characters",
                    file.stem
                );
            }
        }
    }
}

#[test]
fn the_naive_baseline_reads_numbered_lines() {
    let parsed = naive_parse("销售经理岗位职责：\n1、负责展厅\n（2）负责培训\n任职要求\n1.大专");
    let titles: Vec<&str> = parsed.iter().map(|p| p.title.as_str()).collect();
    assert_eq!(titles, ["销售经理", "任职要求"]);
    assert_eq!(parsed[0].duties, ["负责展厅", "负责培训"]);
    assert!(naive_number("2019年").is_none());
    assert!(naive_number("1.5倍").is_none());
}

#[test]
fn formats_corpus_meets_the_bars() {
    let (tune, _) = run_set("tune").expect("the tune set is there");
    // Every other folder is scored too (`holdout/`, and a set another author drops in beside
    // them), each in its own tables.
    let mut others: Vec<String> = std::fs::read_dir("tests/formats")
        .unwrap()
        .flatten()
        .filter(|entry| entry.path().is_dir())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name != "tune")
        .collect();
    others.sort();
    for name in &others {
        run_set(name);
    }
    let all = &tune["all"];
    // The bars, on the files the parser was developed on.
    assert!(all.f1() >= 0.95, "tune position F1 {:.3}", all.f1());
    assert!(
        all.exact_share() >= 0.90,
        "tune exact duty counts {:.3}",
        all.exact_share()
    );
    assert_eq!(
        all.wrongly_untitled(),
        0,
        "positions titled (无标题) although the file names them"
    );
}
