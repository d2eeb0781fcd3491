//! Ranking quality: nDCG@10 over the judged queries in tests/relevance.tsv, for zhize and for a
//! baseline measured in the same run (BM25 over character bigrams: a tantivy index whose
//! tokenizer emits every pair of adjacent characters, queried with the bigrams of the query).
//!
//! `cargo test --test search_relevance -- --nocapture` prints the per-query table.

use std::collections::HashMap;
use std::path::PathBuf;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, STORED};
use tantivy::tokenizer::{LowerCaser, NgramTokenizer, TextAnalyzer};
use tantivy::{doc, Index, TantivyDocument, Term};
use zhize::index::build_in_memory;
use zhize::search::{search, GroupBy, SearchOptions};
use zhize::segment::Vocabulary;

struct Judged {
    query: String,
    /// (fragment without whitespace, grade)
    fragments: Vec<(String, u32)>,
}

fn judgments() -> Vec<Judged> {
    let text = include_str!("relevance.tsv");
    let mut judged: Vec<Judged> = Vec::new();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let parts: Vec<&str> = line.split('\t').collect();
        assert_eq!(parts.len(), 3, "bad line: {line}");
        let fragment: String = parts[2].chars().filter(|c| !c.is_whitespace()).collect();
        let grade: u32 = parts[1].parse().unwrap();
        match judged.last_mut() {
            Some(last) if last.query == parts[0] => last.fragments.push((fragment, grade)),
            _ => judged.push(Judged {
                query: parts[0].to_string(),
                fragments: vec![(fragment, grade)],
            }),
        }
    }
    judged
}

fn grade(judged: &Judged, text: &str) -> u32 {
    let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    judged
        .fragments
        .iter()
        .filter(|(f, _)| text.contains(f.as_str()))
        .map(|(_, g)| *g)
        .max()
        .unwrap_or(0)
}

fn dcg(grades: &[u32]) -> f64 {
    grades
        .iter()
        .take(10)
        .enumerate()
        .map(|(i, &g)| (2f64.powi(g as i32) - 1.0) / ((i + 2) as f64).log2())
        .sum()
}

fn ndcg(judged: &Judged, ranked: &[String], all_duties: &[String]) -> f64 {
    let mut ideal: Vec<u32> = all_duties
        .iter()
        .map(|t| grade(judged, t))
        .filter(|&g| g > 0)
        .collect();
    ideal.sort_by(|a, b| b.cmp(a));
    let got: Vec<u32> = ranked.iter().map(|t| grade(judged, t)).collect();
    let best = dcg(&ideal);
    if best == 0.0 {
        0.0
    } else {
        dcg(&got) / best
    }
}

/// BM25 over character bigrams: the baseline.
struct Bigrams {
    index: Index,
    text: tantivy::schema::Field,
    ordinal: tantivy::schema::Field,
}

impl Bigrams {
    fn new(duties: &[String]) -> Bigrams {
        let mut builder = Schema::builder();
        let options = TextOptions::default()
            .set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer("bigram")
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            )
            .set_stored();
        let text = builder.add_text_field("text", options | STORED);
        let ordinal = builder.add_u64_field("i", STORED);
        let index = Index::create_in_ram(builder.build());
        let analyzer = TextAnalyzer::builder(NgramTokenizer::new(2, 2, false).unwrap())
            .filter(LowerCaser)
            .build();
        index.tokenizers().register("bigram", analyzer);
        let mut writer: tantivy::IndexWriter =
            index.writer_with_num_threads(1, 20_000_000).unwrap();
        for (i, duty) in duties.iter().enumerate() {
            writer
                .add_document(doc!(text => duty.as_str(), ordinal => i as u64))
                .unwrap();
        }
        writer.commit().unwrap();
        Bigrams {
            index,
            text,
            ordinal,
        }
    }

    /// The ordinals of the best `limit` duties.
    fn search(&self, query: &str, limit: usize) -> Vec<usize> {
        let chars: Vec<char> = query.to_lowercase().chars().collect();
        let clauses: Vec<(Occur, Box<dyn Query>)> = chars
            .windows(2)
            .map(|w| {
                let term = Term::from_field_text(self.text, &w.iter().collect::<String>());
                let query: Box<dyn Query> =
                    Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs));
                (Occur::Should, query)
            })
            .collect();
        let reader = self.index.reader().unwrap();
        let searcher = reader.searcher();
        let top = searcher
            .search(
                &BooleanQuery::new(clauses),
                &TopDocs::with_limit(limit).order_by_score(),
            )
            .unwrap();
        top.into_iter()
            .map(|(_, address)| {
                let doc: TantivyDocument = searcher.doc(address).unwrap();
                doc.get_first(self.ordinal)
                    .and_then(|v| v.as_u64())
                    .unwrap_or_default() as usize
            })
            .collect()
    }
}

#[test]
fn ndcg_at_10_beats_the_bigram_baseline() {
    let corpus_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let corpus = zhize::load(&[corpus_dir], &zhize::LoadOptions::default()).unwrap();
    let records = corpus.duty_records();
    let all: Vec<String> = records.iter().map(|r| r.text.clone()).collect();
    let key = |i: usize| (records[i].doc_id.clone(), records[i].position_index);
    let index = build_in_memory(&corpus, &Vocabulary::shipped()).unwrap();
    let baseline = Bigrams::new(&all);
    let judged = judgments();
    assert!(judged.len() >= 20, "{} judged queries", judged.len());

    let options = SearchOptions {
        limit: 10,
        by: GroupBy::Duty,
        ..Default::default()
    };
    let mut totals: HashMap<&str, (f64, f64)> = HashMap::new();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    println!("{:<34} {:>6} {:>8}", "query", "zhize", "bigrams");
    for j in &judged {
        let ours: Vec<String> = search(&index, &j.query, &options)
            .unwrap()
            .duties
            .into_iter()
            .map(|d| d.text)
            .collect();
        let theirs: Vec<String> = baseline
            .search(&j.query, 10)
            .into_iter()
            .map(|i| all[i].clone())
            .collect();
        let (a, b) = (ndcg(j, &ours, &all), ndcg(j, &theirs, &all));

        // By position: a position is as relevant as its most relevant duty.
        let mut grades: HashMap<(String, usize), u32> = HashMap::new();
        for (i, text) in all.iter().enumerate() {
            let g = grade(j, text);
            let entry = grades.entry(key(i)).or_default();
            *entry = (*entry).max(g);
        }
        let mut ideal: Vec<u32> = grades.values().copied().filter(|&g| g > 0).collect();
        ideal.sort_by(|a, b| b.cmp(a));
        let position_options = SearchOptions {
            limit: 10,
            ..Default::default()
        };
        let ours: Vec<u32> = search(&index, &j.query, &position_options)
            .unwrap()
            .positions
            .iter()
            .map(|p| grades[&(p.doc_id.clone(), p.position_index)])
            .collect();
        let mut seen = Vec::new();
        for i in baseline.search(&j.query, 300) {
            if !seen.contains(&key(i)) && seen.len() < 10 {
                seen.push(key(i));
            }
        }
        let theirs: Vec<u32> = seen.iter().map(|k| grades[k]).collect();
        let best = dcg(&ideal).max(f64::MIN_POSITIVE);
        let entry = totals.entry("positions").or_default();
        entry.0 += dcg(&ours) / best;
        entry.1 += dcg(&theirs) / best;
        println!("{:<34} {a:>6.3} {b:>8.3}", j.query, b = b.max(0.0));
        let kind = if j.query.is_ascii() {
            "english"
        } else if j
            .query
            .chars()
            .any(|c| !c.is_ascii() && zhize::segment::fold(c) != c)
        {
            "traditional"
        } else {
            "chinese"
        };
        for key in ["all", kind] {
            let entry = totals.entry(key).or_default();
            entry.0 += a;
            entry.1 += b.max(0.0);
        }
        *counts.entry(kind).or_default() += 1;
    }
    for kind in ["chinese", "english", "traditional"] {
        let (a, b) = totals.get(kind).copied().unwrap_or_default();
        let n = counts.get(kind).copied().unwrap_or(0).max(1) as f64;
        println!(
            "{kind:<12} {:>2} queries: zhize {:.3}, bigram BM25 {:.3}",
            counts.get(kind).copied().unwrap_or(0),
            a / n,
            b / n
        );
    }
    let n = judged.len() as f64;
    let (by_position, baseline_by_position) = totals["positions"];
    let (by_position, baseline_by_position) = (by_position / n, baseline_by_position / n);
    println!(
        "by position, mean nDCG@10: zhize {by_position:.3}, bigram BM25 grouped {baseline_by_position:.3}"
    );
    assert!(by_position > baseline_by_position);
    let (ours, theirs) = totals["all"];
    let (ours, theirs) = (ours / n, theirs / n);
    println!(
        "mean nDCG@10 over {} queries: zhize {ours:.3}, bigram BM25 {theirs:.3}",
        judged.len()
    );
    assert!(ours > theirs, "zhize {ours:.3} vs baseline {theirs:.3}");
    assert!(ours > 0.7, "zhize nDCG@10 {ours:.3}");
}
