//! harness: the benchmark tasks — jieba alone (the ceiling), a plain tantivy + jieba index (the
//! naive baseline) and zhize's own stages — each measured as one task that reports JSON.
//!
//! A task runs in a child process (`bench child TASK …`) so its peak RSS (VmHWM) is its own, or
//! in-process for the smoke test. zhize stages that have not landed yet report
//! `{"available": false, "why": …}` instead of a figure; `zhize_api` is the one place to wire them.

#![allow(dead_code)]

use crate::generator;
use serde_json::{json, Value};
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const QUERIES: &str = include_str!("queries.txt");

/// The benchmark queries (keywords, questions, paraphrases, English).
pub fn queries() -> Vec<&'static str> {
    QUERIES
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

/// What a task works on.
#[derive(Debug, Clone)]
pub struct Paths {
    /// A generated corpus folder (stores/, manifest.json, truth.tsv).
    pub data: PathBuf,
    /// Scratch space for indexes (emptied by the tasks that build into it).
    pub work: PathBuf,
}

impl Paths {
    pub fn tantivy_index(&self) -> PathBuf {
        self.work.join("tantivy-baseline")
    }
    pub fn zhize_index(&self) -> PathBuf {
        self.work.join("zhize-index")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Task {
    Jieba,
    TantivyBuild,
    ZhizeLoad,
    ZhizeBuild,
    Queries,
    Compare,
    Dedup,
}

impl Task {
    /// In the order of one round: each baseline right before the subject compared with it.
    pub const ALL: [Task; 7] = [
        Task::Jieba,
        Task::TantivyBuild,
        Task::ZhizeLoad,
        Task::ZhizeBuild,
        Task::Queries,
        Task::Compare,
        Task::Dedup,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Task::Jieba => "jieba",
            Task::TantivyBuild => "tantivy-build",
            Task::ZhizeLoad => "zhize-load",
            Task::ZhizeBuild => "zhize-build",
            Task::Queries => "queries",
            Task::Compare => "compare",
            Task::Dedup => "dedup",
        }
    }
    pub fn from_name(name: &str) -> Option<Task> {
        Task::ALL.into_iter().find(|t| t.name() == name)
    }
}

/// Runs one task in this process and returns its figures.
pub fn run_task(task: Task, paths: &Paths, rounds_of_queries: usize) -> Value {
    let result = match task {
        Task::Jieba => jieba_task(paths),
        Task::TantivyBuild => tantivy_build_task(paths),
        Task::ZhizeLoad => zhize_load_task(paths),
        Task::ZhizeBuild => zhize_api::build(paths),
        Task::Queries => queries_task(paths, rounds_of_queries),
        Task::Compare => zhize_api::compare(paths),
        Task::Dedup => zhize_api::dedup(paths),
    };
    let mut value = result.unwrap_or_else(|why| json!({"available": false, "why": why}));
    if let Value::Object(map) = &mut value {
        map.insert("task".into(), json!(task.name()));
        map.entry("available").or_insert(json!(true));
        let (rss, cpu) = (peak_rss_kb(), cpu_seconds());
        map.insert(
            "peak_rss_mb".into(),
            json!(rss.map(|kb| kb as f64 / 1024.0)),
        );
        map.insert("process_cpu_s".into(), json!(cpu));
    }
    value
}

/// Runs one task in a child process (`exe child TASK --data … --work …`) and returns its figures.
/// A child that runs longer than `timeout` is killed and reported as timed out.
pub fn run_child(
    exe: &Path,
    task: Task,
    paths: &Paths,
    rounds_of_queries: usize,
    timeout: Duration,
) -> Value {
    let child = std::process::Command::new(exe)
        .arg("child")
        .arg(task.name())
        .arg("--data")
        .arg(&paths.data)
        .arg("--work")
        .arg(&paths.work)
        .arg("--query-rounds")
        .arg(rounds_of_queries.to_string())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn();
    let started = Instant::now();
    let output = child.and_then(|mut child| {
        // The child prints one short JSON line, well within a pipe's buffer: polling is safe.
        loop {
            if child.try_wait()?.is_some() {
                return child.wait_with_output();
            }
            if started.elapsed() > timeout {
                child.kill()?;
                child.wait()?;
                return Err(std::io::Error::other(format!(
                    "timed out after {} s",
                    timeout.as_secs()
                )));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    });
    match output {
        Ok(output) if output.status.success() => {
            let stdout = String::from_utf8_lossy(&output.stdout);
            stdout
                .lines()
                .last()
                .and_then(|l| serde_json::from_str(l).ok())
                .unwrap_or_else(|| json!({"task": task.name(), "available": false, "why": "no JSON from child"}))
        }
        Ok(output) => json!({
            "task": task.name(),
            "available": false,
            "why": format!("child failed ({}): {}", output.status, String::from_utf8_lossy(&output.stderr).trim()),
        }),
        Err(error) => json!({"task": task.name(), "available": false, "why": error.to_string()}),
    }
}

// ---------------------------------------------------------------------------------------------
// Process figures.

/// Peak resident set size of this process (VmHWM), in KiB.
pub fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// User + system CPU seconds of this process so far.
pub fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name may hold spaces: fields are counted after its closing parenthesis.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

pub fn dir_size(path: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(path) else {
        return 0;
    };
    entries
        .filter_map(|e| e.ok())
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => dir_size(&e.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}

/// p-th percentile (0..=100) of durations, in milliseconds (nearest rank).
pub fn percentile_ms(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize - 1;
    sorted[rank.min(sorted.len() - 1)].as_secs_f64() * 1e3
}

fn mb_per_s(bytes: usize, seconds: f64) -> f64 {
    bytes as f64 / 1e6 / seconds
}

// ---------------------------------------------------------------------------------------------
// Baselines.

/// jieba-rs `cut_for_search` (HMM on, as tantivy-jieba does) over every duty text, one thread.
fn jieba_task(paths: &Paths) -> Result<Value, String> {
    let texts = generator::read_truth_texts(&paths.data).map_err(|e| e.to_string())?;
    let bytes: usize = texts.iter().map(String::len).sum();
    let started = Instant::now();
    let jieba = jieba_rs::Jieba::new();
    let init = started.elapsed();
    let started = Instant::now();
    let mut tokens = 0usize;
    for text in &texts {
        tokens += jieba.cut_for_search(text, true).len();
    }
    let seconds = started.elapsed().as_secs_f64();
    Ok(json!({
        "duties": texts.len(),
        "text_mb": bytes as f64 / 1e6,
        "init_ms": init.as_secs_f64() * 1e3,
        "seconds": seconds,
        "mb_per_s": mb_per_s(bytes, seconds),
        "duties_per_s": texts.len() as f64 / seconds,
        "tokens": tokens,
    }))
}

/// The tokenizer of the naive baseline: jieba-rs search mode with HMM, positions as character
/// offsets — what tantivy-jieba 0.21 does (it is not a dependency, so it is written out here).
#[derive(Clone)]
pub struct JiebaTokenizer {
    jieba: std::sync::Arc<jieba_rs::Jieba>,
}

impl JiebaTokenizer {
    pub fn new(jieba: std::sync::Arc<jieba_rs::Jieba>) -> Self {
        JiebaTokenizer { jieba }
    }
}

pub struct JiebaTokenStream {
    tokens: Vec<tantivy::tokenizer::Token>,
    index: usize,
}

impl tantivy::tokenizer::Tokenizer for JiebaTokenizer {
    type TokenStream<'a> = JiebaTokenStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> JiebaTokenStream {
        let tokens = self
            .jieba
            .cut_for_search(text, true)
            .into_iter()
            .map(|t| tantivy::tokenizer::Token {
                offset_from: t.byte_start,
                offset_to: t.byte_end,
                position: t.start,
                text: t.word.to_string(),
                position_length: t.end - t.start,
            })
            .collect();
        JiebaTokenStream { tokens, index: 0 }
    }
}

impl tantivy::tokenizer::TokenStream for JiebaTokenStream {
    fn advance(&mut self) -> bool {
        self.index += 1;
        self.index <= self.tokens.len()
    }
    fn token(&self) -> &tantivy::tokenizer::Token {
        &self.tokens[self.index - 1]
    }
    fn token_mut(&mut self) -> &mut tantivy::tokenizer::Token {
        &mut self.tokens[self.index - 1]
    }
}

fn baseline_schema() -> (tantivy::schema::Schema, tantivy::schema::Field) {
    use tantivy::schema::{IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
    let mut builder = Schema::builder();
    let indexing = TextFieldIndexing::default()
        .set_tokenizer("jieba")
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    // Stored, so a hit can be shown, as a search tool must.
    let options = TextOptions::default()
        .set_indexing_options(indexing)
        .set_stored();
    let field = builder.add_text_field("text", options);
    (builder.build(), field)
}

/// A plain tantivy index: one stored text field, the jieba tokenizer, default writer settings
/// (`Index::writer(100 MB)`: one worker per core, at most 8). Texts are streamed from truth.tsv.
fn tantivy_build_task(paths: &Paths) -> Result<Value, String> {
    let err = |e: tantivy::TantivyError| e.to_string();
    let dir = paths.tantivy_index();
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let jieba_started = Instant::now();
    let jieba = std::sync::Arc::new(jieba_rs::Jieba::new());
    let init = jieba_started.elapsed();

    let started = Instant::now();
    let (schema, field) = baseline_schema();
    let index = tantivy::Index::create_in_dir(&dir, schema).map_err(err)?;
    index
        .tokenizers()
        .register("jieba", JiebaTokenizer::new(jieba));
    let mut writer: tantivy::IndexWriter = index.writer(100_000_000).map_err(err)?;
    let file = std::fs::File::open(paths.data.join("truth.tsv")).map_err(|e| e.to_string())?;
    let (mut duties, mut bytes) = (0usize, 0usize);
    for line in std::io::BufReader::new(file).lines() {
        let line = line.map_err(|e| e.to_string())?;
        let Some(text) = line.splitn(3, '\t').nth(2) else {
            continue;
        };
        duties += 1;
        bytes += text.len();
        let mut document = tantivy::TantivyDocument::default();
        document.add_text(field, text);
        writer.add_document(document).map_err(err)?;
    }
    writer.commit().map_err(err)?;
    writer.wait_merging_threads().map_err(err)?;
    let seconds = started.elapsed().as_secs_f64();
    let size = dir_size(&dir);
    Ok(json!({
        "duties": duties,
        "text_mb": bytes as f64 / 1e6,
        "init_ms": init.as_secs_f64() * 1e3,
        "seconds": seconds,
        "mb_per_s": mb_per_s(bytes, seconds),
        "duties_per_s": duties as f64 / seconds,
        "index_mb": size as f64 / 1e6,
        "index_bytes_per_duty": size as f64 / duties.max(1) as f64,
        "index_to_text": size as f64 / bytes.max(1) as f64,
        "threads": std::thread::available_parallelism().map(|n| n.get().min(8)).unwrap_or(1),
    }))
}

/// The OR-of-tokens query of the naive baseline: the query's jieba tokens (punctuation and
/// spaces dropped), each a SHOULD term, BM25.
fn baseline_query(
    tokenizer: &mut JiebaTokenizer,
    field: tantivy::schema::Field,
    q: &str,
) -> tantivy::query::BooleanQuery {
    use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
    use tantivy::schema::IndexRecordOption;
    use tantivy::tokenizer::Tokenizer as _;
    let mut stream = tokenizer.token_stream(q);
    let mut seen = std::collections::HashSet::new();
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    while let Some(token) = tantivy::tokenizer::TokenStream::next(&mut stream) {
        let word = token.text.trim();
        if word.is_empty() || word.chars().all(|c| !c.is_alphanumeric()) {
            continue;
        }
        if seen.insert(word.to_string()) {
            let term = tantivy::Term::from_field_text(field, word);
            clauses.push((
                Occur::Should,
                Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)),
            ));
        }
    }
    BooleanQuery::new(clauses)
}

/// Query latency: every query `rounds` times (after one warm-up pass), the baseline and zhize
/// alternating query by query in this one process: baseline OR-of-tokens top 10 with the stored
/// text of each hit; zhize by duty (top 10, highlights) and by position (top 10, highlights).
fn queries_task(paths: &Paths, rounds: usize) -> Result<Value, String> {
    use tantivy::collector::TopDocs;
    use tantivy::schema::Value as _;
    let err = |e: tantivy::TantivyError| e.to_string();
    let jieba = std::sync::Arc::new(jieba_rs::Jieba::new());
    let mut tokenizer = JiebaTokenizer::new(jieba.clone());
    let index = tantivy::Index::open_in_dir(paths.tantivy_index()).map_err(err)?;
    index
        .tokenizers()
        .register("jieba", JiebaTokenizer::new(jieba));
    let field = index.schema().get_field("text").map_err(err)?;
    let reader = index.reader().map_err(err)?;
    let searcher = reader.searcher();
    let zhize = zhize_api::open(paths);
    let queries = queries();
    let collector = TopDocs::with_limit(10).order_by_score();

    let mut baseline = |q: &str| -> Result<usize, String> {
        let query = baseline_query(&mut tokenizer, field, q);
        let top = searcher.search(&query, &collector).map_err(err)?;
        let mut shown = 0usize;
        for (_, address) in &top {
            let doc: tantivy::TantivyDocument = searcher.doc(*address).map_err(err)?;
            shown += doc
                .get_first(field)
                .and_then(|v| v.as_str())
                .map_or(0, str::len);
        }
        std::hint::black_box(shown);
        Ok(top.len())
    };
    // Warm-up: page both indexes in once.
    for q in &queries {
        baseline(q)?;
        if let Ok(index) = &zhize {
            zhize_api::by_duty(index, q)?;
            zhize_api::by_position(index, q)?;
        }
    }
    let (mut base, mut duty, mut position) = (Vec::new(), Vec::new(), Vec::new());
    let (mut base_hits, mut duty_hits, mut position_hits) = (0, 0, 0);
    // The slowest query of each kind over all rounds: where the tail comes from.
    let mut slowest: [(Duration, &str); 3] = [(Duration::ZERO, ""); 3];
    let mut note = |which: usize, took: Duration, q: &'static str| {
        if took > slowest[which].0 {
            slowest[which] = (took, q);
        }
    };
    for round in 0..rounds.max(1) {
        for q in &queries {
            let started = Instant::now();
            let found = baseline(q)?;
            base.push(started.elapsed());
            note(0, started.elapsed(), q);
            if round == 0 && found > 0 {
                base_hits += 1;
            }
            if let Ok(index) = &zhize {
                let started = Instant::now();
                let found = zhize_api::by_duty(index, q)?;
                duty.push(started.elapsed());
                note(1, started.elapsed(), q);
                if round == 0 && found > 0 {
                    duty_hits += 1;
                }
                let started = Instant::now();
                let found = zhize_api::by_position(index, q)?;
                position.push(started.elapsed());
                note(2, started.elapsed(), q);
                if round == 0 && found > 0 {
                    position_hits += 1;
                }
            }
        }
    }
    base.sort();
    duty.sort();
    position.sort();
    let zhize_figures = match &zhize {
        Ok(_) => json!({
            "available": true,
            "by_duty_p50_ms": percentile_ms(&duty, 50.0),
            "by_duty_p99_ms": percentile_ms(&duty, 99.0),
            "by_duty_max_ms": percentile_ms(&duty, 100.0),
            "by_position_p50_ms": percentile_ms(&position, 50.0),
            "by_position_p99_ms": percentile_ms(&position, 99.0),
            "by_position_max_ms": percentile_ms(&position, 100.0),
            "by_duty_queries_with_hits": duty_hits,
            "by_position_queries_with_hits": position_hits,
            "slowest_by_duty": slowest[1].1,
            "slowest_by_position": slowest[2].1,
        }),
        Err(why) => json!({"available": false, "why": why}),
    };
    Ok(json!({
        "queries": queries.len(),
        "rounds": rounds.max(1),
        "baseline": {
            "p50_ms": percentile_ms(&base, 50.0),
            "p99_ms": percentile_ms(&base, 99.0),
            "max_ms": percentile_ms(&base, 100.0),
            "queries_with_hits": base_hits,
            "slowest": slowest[0].1,
        },
        "zhize": zhize_figures,
    }))
}

// ---------------------------------------------------------------------------------------------
// zhize.

/// `zhize::load` (ingest + parse) over the store files; the parsed duty count against the truth.
fn zhize_load_task(paths: &Paths) -> Result<Value, String> {
    let files = generator::store_files(&paths.data).map_err(|e| e.to_string())?;
    let file_bytes: u64 = files
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum();
    let truth = read_manifest(&paths.data)?;
    let truth_duties = truth["duties"].as_u64().unwrap_or(0) as usize;
    let truth_text = truth["duty_text_bytes"].as_u64().unwrap_or(0) as usize;
    let started = Instant::now();
    let corpus = zhize::load(&files, &zhize::LoadOptions::default()).map_err(|e| e.to_string())?;
    let seconds = started.elapsed().as_secs_f64();
    let mut duties = 0usize;
    let mut requirement_items = 0usize;
    let mut positions = 0usize;
    for (_, position) in corpus.positions() {
        positions += 1;
        match position.kind {
            zhize::PositionKind::Duties => duties += position.duties.len(),
            zhize::PositionKind::Requirements => requirement_items += position.duties.len(),
            zhize::PositionKind::Other => duties += position.duties.len(),
        }
    }
    Ok(json!({
        "files": files.len(),
        "file_mb": file_bytes as f64 / 1e6,
        "seconds": seconds,
        "file_mb_per_s": mb_per_s(file_bytes as usize, seconds),
        "mb_per_s": mb_per_s(truth_text, seconds),
        "duties_per_s": truth_duties as f64 / seconds,
        "documents": corpus.documents.len(),
        "positions": positions,
        "parsed_duties": duties,
        "parsed_requirement_items": requirement_items,
        "truth_duties": truth_duties,
        "truth_positions": truth["positions"],
        "parsed_to_truth": duties as f64 / truth_duties.max(1) as f64,
    }))
}

pub fn read_manifest(dir: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(dir.join("manifest.json")).map_err(|e| e.to_string())?;
    serde_json::from_str(&text).map_err(|e| e.to_string())
}

/// The zhize stages, behind one small adapter: the one place to change when their API moves.
mod zhize_api {
    use super::{dir_size, mb_per_s, read_manifest, Paths};
    use serde_json::{json, Value};
    use std::time::Instant;

    fn index_options(paths: &Paths) -> zhize::index::IndexOptions {
        zhize::index::IndexOptions {
            dir: paths.zhize_index(),
            inputs: vec![paths.data.join("stores")],
            load: zhize::LoadOptions::default(),
            vocabulary: Default::default(),
        }
    }

    /// The full build: ingest + parse + segment + index, from the store files to a committed index.
    pub fn build(paths: &Paths) -> Result<Value, String> {
        let options = index_options(paths);
        let _ = std::fs::remove_dir_all(&options.dir);
        let manifest = read_manifest(&paths.data)?;
        let text_bytes = manifest["duty_text_bytes"].as_u64().unwrap_or(0) as usize;
        let truth_duties = manifest["duties"].as_u64().unwrap_or(0) as usize;
        let started = Instant::now();
        let report = zhize::index::build(&options, true, &zhize::index::NoProgress)
            .map_err(|e| e.to_string())?;
        let seconds = started.elapsed().as_secs_f64();
        let size = dir_size(&options.dir);
        Ok(json!({
            "seconds": seconds,
            "mb_per_s": mb_per_s(text_bytes, seconds),
            "duties_per_s": truth_duties as f64 / seconds,
            "indexed_duties": report.duties,
            "positions": report.positions,
            "documents": report.documents,
            "index_mb": size as f64 / 1e6,
            "index_bytes_per_duty": size as f64 / truth_duties.max(1) as f64,
            "index_to_text": size as f64 / text_bytes.max(1) as f64,
        }))
    }

    /// Opens the index the build task wrote (fails when it is missing or stale).
    pub fn open(paths: &Paths) -> Result<zhize::index::DutyIndex, String> {
        let options = index_options(paths);
        if !options.dir.exists() {
            return Err("no zhize index (the build task failed or did not run)".into());
        }
        // The generation the build task wrote, opened as it is: `ensure` would rebuild it
        // whenever this bench binary changes (the binary is part of the fingerprint).
        let current = std::fs::read_to_string(options.dir.join("CURRENT"))
            .map_err(|e| format!("no zhize index: {e}"))?;
        let vocabulary = zhize::segment::Vocabulary::shipped();
        zhize::index::open_generation(&options.dir.join(current.trim()), &vocabulary)
            .map_err(|e| e.to_string())
    }

    fn search(
        index: &zhize::index::DutyIndex,
        q: &str,
        by: zhize::search::GroupBy,
    ) -> Result<zhize::search::SearchResults, String> {
        let options = zhize::search::SearchOptions {
            limit: 10,
            by,
            ..Default::default()
        };
        zhize::search::search(index, q, &options).map_err(|e| e.to_string())
    }

    /// Top 10 duties with their highlights; returns the number of hits.
    pub fn by_duty(index: &zhize::index::DutyIndex, q: &str) -> Result<usize, String> {
        let results = search(index, q, zhize::search::GroupBy::Duty)?;
        let shown: usize = results.duties.iter().map(|d| d.highlight().len()).sum();
        std::hint::black_box(shown);
        Ok(results.duties.len())
    }

    /// Top 10 positions with the highlights of their matching duties; returns the number of hits.
    pub fn by_position(index: &zhize::index::DutyIndex, q: &str) -> Result<usize, String> {
        let results = search(index, q, zhize::search::GroupBy::Position)?;
        let shown: usize = results
            .positions
            .iter()
            .flat_map(|p| &p.duties)
            .map(|d| d.highlight().len())
            .sum();
        std::hint::black_box(shown);
        Ok(results.positions.len())
    }

    fn load(paths: &Paths) -> Result<zhize::Corpus, String> {
        zhize::load(&[paths.data.join("stores")], &zhize::LoadOptions::default())
            .map_err(|e| e.to_string())
    }

    /// Compare one pair (the first two stores' 销售经理) and one role across all stores, at
    /// most 1,000 (coverage of 销售经理), the corpus loaded first (not timed). Baseline: jieba
    /// `cut_for_search` over the same duties, in the same process.
    pub fn compare(paths: &Paths) -> Result<Value, String> {
        let corpus = load(paths)?;
        let role = "销售经理";
        let positions =
            zhize::select::find_positions(&corpus, None, role).map_err(|e| e.to_string())?;
        // At most 1,000 stores: the target is "one role across 1,000 stores ≤ 1 s".
        let positions: Vec<_> = zhize::compare::one_per_document(&positions)
            .into_iter()
            .take(1000)
            .collect();
        if positions.len() < 2 {
            return Err(format!("fewer than two {role} positions parsed"));
        }
        let options = zhize::compare::CompareOptions::default();
        let jieba = jieba_rs::Jieba::new();
        let texts: Vec<&str> = positions
            .iter()
            .flat_map(|(_, p)| p.duties.iter().map(|d| d.text.as_str()))
            .collect();
        let pair_texts = positions[0].1.duties.len() + positions[1].1.duties.len();
        let started = Instant::now();
        let tokens: usize = texts[..pair_texts]
            .iter()
            .map(|t| jieba.cut_for_search(t, true).len())
            .sum();
        let pair_jieba = started.elapsed();
        let started = Instant::now();
        let comparison = zhize::compare::compare_positions(positions[0], positions[1], &options);
        let pair = started.elapsed();
        let started = Instant::now();
        let tokens_all: usize = texts
            .iter()
            .map(|t| jieba.cut_for_search(t, true).len())
            .sum();
        let all_jieba = started.elapsed();
        let started = Instant::now();
        let coverage = zhize::compare::coverage(role, &positions, &options);
        let all = started.elapsed();
        std::hint::black_box((tokens, tokens_all, comparison.pairs.len()));
        Ok(json!({
            "role": role,
            "stores": positions.len(),
            "duties": texts.len(),
            "pair_ms": pair.as_secs_f64() * 1e3,
            "pair_jieba_ms": pair_jieba.as_secs_f64() * 1e3,
            "role_all_stores_ms": all.as_secs_f64() * 1e3,
            "role_all_stores_jieba_ms": all_jieba.as_secs_f64() * 1e3,
            "coverage_rows": coverage.rows.len(),
        }))
    }

    /// Dedup at all levels over the loaded corpus (load not timed; its RSS is the load task's).
    pub fn dedup(paths: &Paths) -> Result<Value, String> {
        let started = Instant::now();
        let corpus = load(paths)?;
        let load_seconds = started.elapsed().as_secs_f64();
        let duties: usize = corpus.positions().map(|(_, p)| p.duties.len()).sum();
        let started = Instant::now();
        let report = zhize::dedup::dedup(&corpus, &zhize::dedup::DedupOptions::default());
        let seconds = started.elapsed().as_secs_f64();
        let grouped: usize = report.duty_groups.iter().map(|g| g.members.len()).sum();
        Ok(json!({
            "duties": duties,
            "load_seconds": load_seconds,
            "seconds": seconds,
            "duty_groups": report.duty_groups.len(),
            "duties_in_groups": grouped,
            "position_groups": report.position_groups.len(),
            "document_groups": report.document_groups.len(),
        }))
    }
}

// ---------------------------------------------------------------------------------------------
// Cold end-to-end `zhize search` on the shipped corpus.

/// Spawns `exe search QUERY corpus` `runs` times, interleaved with `exe --version` (the floor: a
/// process start that does no work). Medians in milliseconds.
pub fn cold_search(exe: &Path, corpus: &Path, runs: usize) -> Value {
    let spawn = |args: &[&std::ffi::OsStr]| -> (Duration, Option<i32>, String) {
        let started = Instant::now();
        let output = std::process::Command::new(exe).args(args).output();
        let elapsed = started.elapsed();
        match output {
            Ok(o) => (
                elapsed,
                o.status.code(),
                String::from_utf8_lossy(&o.stderr).trim().to_string(),
            ),
            Err(e) => (elapsed, None, e.to_string()),
        }
    };
    let queries = ["保险续保", "谁负责客户投诉", "试乘试驾路线"];
    let mut floor = Vec::new();
    let mut search = Vec::new();
    let mut last = (None, String::new());
    // Warm-up: the first spawn pays for paging in the binary; the first search also builds the
    // index when it is missing or stale (reported on its own).
    spawn(&["--version".as_ref()]);
    let (first, _, _) = spawn(&["search".as_ref(), queries[0].as_ref(), corpus.as_os_str()]);
    for i in 0..runs.max(1) {
        floor.push(spawn(&["--version".as_ref()]).0);
        let q = queries[i % queries.len()];
        let (elapsed, code, stderr) = spawn(&["search".as_ref(), q.as_ref(), corpus.as_os_str()]);
        search.push(elapsed);
        last = (code, stderr);
    }
    floor.sort();
    search.sort();
    let available = matches!(last.0, Some(0) | Some(1));
    let floor_ms = percentile_ms(&floor, 50.0);
    let search_ms = percentile_ms(&search, 50.0);
    json!({
        "task": "cold-search",
        "available": available,
        "why": if available { Value::Null } else { json!(format!("zhize search exited {:?}: {}", last.0, last.1)) },
        "runs": runs.max(1),
        "first_search_ms": first.as_secs_f64() * 1e3,
        "search_p50_ms": if available { json!(search_ms) } else { Value::Null },
        "search_max_ms": if available { json!(percentile_ms(&search, 100.0)) } else { Value::Null },
        "process_floor_p50_ms": floor_ms,
        "search_to_floor": if available { json!(search_ms / floor_ms) } else { Value::Null },
    })
}

/// Jieba::new alone, in-process: what a search that loads the dictionary per query pays.
pub fn jieba_init_ms() -> f64 {
    let started = Instant::now();
    let jieba = jieba_rs::Jieba::new();
    let ms = started.elapsed().as_secs_f64() * 1e3;
    std::hint::black_box(jieba);
    ms
}

// ---------------------------------------------------------------------------------------------
// The whole run: rounds of every task, baselines and subjects interleaved, then the summary.

pub enum Isolation {
    /// Every task in this process (the smoke test): peak RSS is the whole process's.
    InProcess,
    /// Every task in a child process of this executable.
    Child(PathBuf),
}

pub struct Config {
    pub paths: Paths,
    pub rounds: usize,
    pub query_rounds: usize,
    pub isolation: Isolation,
    /// The release `zhize` binary for the cold end-to-end figure (None: skipped).
    pub zhize_bin: Option<PathBuf>,
    /// The shipped corpus.
    pub corpus: PathBuf,
    pub cold_runs: usize,
    /// Longest a child task may run.
    pub timeout: Duration,
}

pub fn run_benchmark(config: &Config) -> Value {
    let mut rounds = Vec::new();
    for _ in 0..config.rounds.max(1) {
        let mut round = serde_json::Map::new();
        for task in Task::ALL {
            let value = match &config.isolation {
                Isolation::InProcess => run_task(task, &config.paths, config.query_rounds),
                Isolation::Child(exe) => run_child(
                    exe,
                    task,
                    &config.paths,
                    config.query_rounds,
                    config.timeout,
                ),
            };
            round.insert(task.name().to_string(), value);
        }
        rounds.push(Value::Object(round));
    }
    let cold = match &config.zhize_bin {
        Some(bin) if bin.exists() => cold_search(bin, &config.corpus, config.cold_runs),
        Some(bin) => json!({"task": "cold-search", "available": false,
                            "why": format!("{} not built (cargo build --release)", bin.display())}),
        None => json!({"task": "cold-search", "available": false, "why": "skipped"}),
    };
    let manifest = read_manifest(&config.paths.data).unwrap_or(Value::Null);
    json!({
        "corpus": {
            "data": config.paths.data.display().to_string(),
            "duties": manifest["duties"],
            "stores": manifest["stores"],
            "files": manifest["files"],
            "duty_text_mb": manifest["duty_text_bytes"].as_f64().map(|b| b / 1e6),
            "file_mb": manifest["file_bytes"].as_f64().map(|b| b / 1e6),
            "duplicate_share": manifest["duplicate_share"],
        },
        "machine": machine(),
        "rounds": rounds.len(),
        "query_rounds": config.query_rounds,
        "summary": summarize(&rounds),
        "cold_search": cold,
        "jieba_init_ms_in_process": jieba_init_ms(),
        "per_round": rounds,
    })
}

/// Medians over rounds of each figure, and of each ratio computed within a round. Figures are
/// named by JSON pointers into a round (`/queries/baseline/p99_ms`).
pub fn summarize(rounds: &[Value]) -> Value {
    let median = |values: Vec<f64>| -> Value {
        let mut values: Vec<f64> = values.into_iter().filter(|v| v.is_finite()).collect();
        if values.is_empty() {
            return Value::Null;
        }
        values.sort_by(|a, b| a.total_cmp(b));
        json!(values[values.len() / 2])
    };
    let get = |round: &Value, pointer: &str| round.pointer(pointer).and_then(Value::as_f64);
    let figure = |pointer: &str| -> Value {
        median(rounds.iter().filter_map(|r| get(r, pointer)).collect())
    };
    let ratio = |a: &str, b: &str| -> Value {
        median(
            rounds
                .iter()
                .filter_map(|r| Some(get(r, a)? / get(r, b)?))
                .collect(),
        )
    };
    let available = |pointer: &str| -> Value {
        match rounds.first().and_then(|r| r.pointer(pointer)) {
            Some(v) if v["available"] == json!(false) => v["why"].clone(),
            _ => json!(true),
        }
    };
    json!({
        "jieba": {
            "mb_per_s": figure("/jieba/mb_per_s"),
            "duties_per_s": figure("/jieba/duties_per_s"),
            "seconds": figure("/jieba/seconds"),
            "init_ms": figure("/jieba/init_ms"),
        },
        "tantivy_build": {
            "seconds": figure("/tantivy-build/seconds"),
            "mb_per_s": figure("/tantivy-build/mb_per_s"),
            "to_jieba": ratio("/tantivy-build/mb_per_s", "/jieba/mb_per_s"),
            "peak_rss_mb": figure("/tantivy-build/peak_rss_mb"),
            "index_bytes_per_duty": figure("/tantivy-build/index_bytes_per_duty"),
            "index_to_text": figure("/tantivy-build/index_to_text"),
        },
        "zhize_load": {
            "available": available("/zhize-load"),
            "seconds": figure("/zhize-load/seconds"),
            "mb_per_s": figure("/zhize-load/mb_per_s"),
            "duties_per_s": figure("/zhize-load/duties_per_s"),
            "to_jieba": ratio("/zhize-load/mb_per_s", "/jieba/mb_per_s"),
            "peak_rss_mb": figure("/zhize-load/peak_rss_mb"),
            "parsed_to_truth": figure("/zhize-load/parsed_to_truth"),
        },
        "zhize_build": {
            "available": available("/zhize-build"),
            "seconds": figure("/zhize-build/seconds"),
            "mb_per_s": figure("/zhize-build/mb_per_s"),
            "duties_per_s": figure("/zhize-build/duties_per_s"),
            "to_jieba": ratio("/zhize-build/mb_per_s", "/jieba/mb_per_s"),
            "to_tantivy": ratio("/zhize-build/mb_per_s", "/tantivy-build/mb_per_s"),
            "peak_rss_mb": figure("/zhize-build/peak_rss_mb"),
            "rss_to_tantivy": ratio("/zhize-build/peak_rss_mb", "/tantivy-build/peak_rss_mb"),
            "index_bytes_per_duty": figure("/zhize-build/index_bytes_per_duty"),
            "index_to_text": figure("/zhize-build/index_to_text"),
            "index_to_tantivy": ratio("/zhize-build/index_mb", "/tantivy-build/index_mb"),
        },
        "queries": {
            "available": available("/queries/zhize"),
            "baseline_p50_ms": figure("/queries/baseline/p50_ms"),
            "baseline_p99_ms": figure("/queries/baseline/p99_ms"),
            "baseline_queries_with_hits": figure("/queries/baseline/queries_with_hits"),
            "by_duty_p50_ms": figure("/queries/zhize/by_duty_p50_ms"),
            "by_duty_p99_ms": figure("/queries/zhize/by_duty_p99_ms"),
            "by_position_p50_ms": figure("/queries/zhize/by_position_p50_ms"),
            "by_position_p99_ms": figure("/queries/zhize/by_position_p99_ms"),
            "by_duty_queries_with_hits": figure("/queries/zhize/by_duty_queries_with_hits"),
            "by_duty_p50_to_baseline": ratio("/queries/zhize/by_duty_p50_ms", "/queries/baseline/p50_ms"),
            "by_duty_p99_to_baseline": ratio("/queries/zhize/by_duty_p99_ms", "/queries/baseline/p99_ms"),
            "by_position_p99_to_baseline": ratio("/queries/zhize/by_position_p99_ms", "/queries/baseline/p99_ms"),
        },
        "compare": {
            "available": available("/compare"),
            "stores": figure("/compare/stores"),
            "pair_ms": figure("/compare/pair_ms"),
            "pair_to_jieba": ratio("/compare/pair_ms", "/compare/pair_jieba_ms"),
            "role_all_stores_ms": figure("/compare/role_all_stores_ms"),
            "role_all_stores_to_jieba": ratio("/compare/role_all_stores_ms", "/compare/role_all_stores_jieba_ms"),
            "peak_rss_mb": figure("/compare/peak_rss_mb"),
        },
        "dedup": {
            "available": available("/dedup"),
            "seconds": figure("/dedup/seconds"),
            "to_jieba": ratio("/dedup/seconds", "/jieba/seconds"),
            "peak_rss_mb": figure("/dedup/peak_rss_mb"),
            "rss_to_load": ratio("/dedup/peak_rss_mb", "/zhize-load/peak_rss_mb"),
            "duties_in_groups": figure("/dedup/duties_in_groups"),
        },
    })
}

/// The machine: cores, CPU model, memory.
pub fn machine() -> Value {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split(':').nth(1))
        .map(|s| s.trim().to_string());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_mb = meminfo
        .lines()
        .find(|l| l.starts_with("MemTotal:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<u64>().ok())
        .map(|kb| kb / 1024);
    json!({
        "nproc": std::thread::available_parallelism().map(|n| n.get()).ok(),
        "cpu": model,
        "mem_mb": mem_mb,
    })
}

/// The summaries of several runs (10k, 100k, 1M) as one Markdown table: a row per figure,
/// a column per run.
pub fn markdown_table(reports: &[Value]) -> String {
    const ROWS: &[(&str, &str, &str)] = &[
        ("duties", "/corpus/duties", "n"),
        ("duty text, MB", "/corpus/duty_text_mb", "f1"),
        ("stores (files)", "/corpus/stores", "n"),
        ("rounds", "/rounds", "n"),
        (
            "jieba cut_for_search, MB/s (1 thread) — the ceiling",
            "/summary/jieba/mb_per_s",
            "f1",
        ),
        (
            "plain tantivy build, s",
            "/summary/tantivy_build/seconds",
            "f2",
        ),
        (
            "plain tantivy build, MB/s",
            "/summary/tantivy_build/mb_per_s",
            "f2",
        ),
        (
            "plain tantivy build ÷ jieba",
            "/summary/tantivy_build/to_jieba",
            "x",
        ),
        (
            "plain tantivy peak RSS, MB",
            "/summary/tantivy_build/peak_rss_mb",
            "f0",
        ),
        (
            "plain tantivy index ÷ text",
            "/summary/tantivy_build/index_to_text",
            "x",
        ),
        (
            "zhize load (ingest+parse), s",
            "/summary/zhize_load/seconds",
            "f2",
        ),
        (
            "zhize load ÷ jieba (MB/s)",
            "/summary/zhize_load/to_jieba",
            "x",
        ),
        (
            "zhize load peak RSS, MB",
            "/summary/zhize_load/peak_rss_mb",
            "f0",
        ),
        (
            "parsed duties ÷ generated",
            "/summary/zhize_load/parsed_to_truth",
            "f4",
        ),
        ("zhize full build, s", "/summary/zhize_build/seconds", "f2"),
        (
            "zhize full build, MB/s",
            "/summary/zhize_build/mb_per_s",
            "f2",
        ),
        (
            "zhize full build, duties/s",
            "/summary/zhize_build/duties_per_s",
            "f0",
        ),
        (
            "zhize full build ÷ jieba (target ≥ 0.6)",
            "/summary/zhize_build/to_jieba",
            "x",
        ),
        (
            "zhize full build ÷ plain tantivy",
            "/summary/zhize_build/to_tantivy",
            "x",
        ),
        (
            "zhize build peak RSS, MB (target ≤ 400 at 1M)",
            "/summary/zhize_build/peak_rss_mb",
            "f0",
        ),
        (
            "zhize build RSS ÷ plain tantivy",
            "/summary/zhize_build/rss_to_tantivy",
            "x",
        ),
        (
            "zhize index ÷ text (target ≤ 1.0)",
            "/summary/zhize_build/index_to_text",
            "x",
        ),
        (
            "zhize index ÷ plain tantivy index",
            "/summary/zhize_build/index_to_tantivy",
            "x",
        ),
        (
            "baseline OR-of-tokens p50, ms",
            "/summary/queries/baseline_p50_ms",
            "f3",
        ),
        (
            "baseline OR-of-tokens p99, ms",
            "/summary/queries/baseline_p99_ms",
            "f3",
        ),
        (
            "zhize by duty p50, ms (target ≤ 0.3)",
            "/summary/queries/by_duty_p50_ms",
            "f3",
        ),
        (
            "zhize by duty p99, ms (target ≤ 2)",
            "/summary/queries/by_duty_p99_ms",
            "f3",
        ),
        (
            "zhize by duty p99 ÷ baseline p99",
            "/summary/queries/by_duty_p99_to_baseline",
            "x",
        ),
        (
            "zhize by position + highlights p50, ms",
            "/summary/queries/by_position_p50_ms",
            "f3",
        ),
        (
            "zhize by position + highlights p99, ms (target ≤ 5)",
            "/summary/queries/by_position_p99_ms",
            "f3",
        ),
        (
            "zhize by position p99 ÷ baseline p99",
            "/summary/queries/by_position_p99_to_baseline",
            "x",
        ),
        (
            "queries with hits: baseline / zhize by duty",
            "/summary/queries/baseline_queries_with_hits",
            "hits",
        ),
        ("compare one pair, ms", "/summary/compare/pair_ms", "f2"),
        ("compare one role, stores", "/summary/compare/stores", "n"),
        (
            "compare one role across the stores, ms",
            "/summary/compare/role_all_stores_ms",
            "f0",
        ),
        (
            "compare role ÷ jieba over the same duties",
            "/summary/compare/role_all_stores_to_jieba",
            "x",
        ),
        ("compare peak RSS, MB", "/summary/compare/peak_rss_mb", "f0"),
        ("dedup all levels, s", "/summary/dedup/seconds", "f2"),
        ("dedup ÷ jieba (time)", "/summary/dedup/to_jieba", "x"),
        (
            "dedup peak RSS, MB (load included)",
            "/summary/dedup/peak_rss_mb",
            "f0",
        ),
        ("dedup RSS ÷ load RSS", "/summary/dedup/rss_to_load", "x"),
        (
            "cold `zhize search` p50, ms (shipped corpus)",
            "/cold_search/search_p50_ms",
            "f1",
        ),
        (
            "process floor (`zhize --version`) p50, ms",
            "/cold_search/process_floor_p50_ms",
            "f1",
        ),
        ("cold search ÷ floor", "/cold_search/search_to_floor", "x"),
    ];
    let mut out = String::from("| figure |");
    for report in reports {
        let duties = report
            .pointer("/corpus/duties")
            .and_then(Value::as_u64)
            .unwrap_or(0);
        out.push_str(&format!(" {} |", human(duties)));
    }
    out.push_str("\n|---|");
    out.push_str(&"---:|".repeat(reports.len()));
    out.push('\n');
    for (label, pointer, format) in ROWS {
        out.push_str(&format!("| {label} |"));
        for report in reports {
            let value = report.pointer(pointer).and_then(Value::as_f64);
            let cell = match (value, *format) {
                (None, _) => "n/a".to_string(),
                (Some(v), "n") => format!("{v:.0}"),
                (Some(v), "f0") => format!("{v:.0}"),
                (Some(v), "f1") => format!("{v:.1}"),
                (Some(v), "f2") => format!("{v:.2}"),
                (Some(v), "f3") => format!("{v:.3}"),
                (Some(v), "f4") => format!("{v:.4}"),
                (Some(v), "x") => format!("{v:.3}×"),
                (Some(v), _) => {
                    let zhize = report
                        .pointer("/summary/queries/by_duty_queries_with_hits")
                        .and_then(Value::as_f64);
                    match zhize {
                        Some(z) => format!("{v:.0} / {z:.0}"),
                        None => format!("{v:.0} / n/a"),
                    }
                }
            };
            out.push_str(&format!(" {cell} |"));
        }
        out.push('\n');
    }
    out
}

fn human(n: u64) -> String {
    match n {
        n if n >= 1_000_000 && n % 1_000_000 == 0 => format!("{}M", n / 1_000_000),
        n if n >= 1_000 && n % 1_000 == 0 => format!("{}k", n / 1_000),
        n => n.to_string(),
    }
}
