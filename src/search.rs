//! search: turns plain text (Chinese, a question, English, Traditional) into weighted terms,
//! ranks duties with BM25 and term coverage, groups them into positions and marks the matches.

mod fallback;
mod query;
mod score;

pub use query::{analyze, AnalyzedQuery, Concept, Origin, QueryTerm};

use score::{Candidate, Ranking};

use crate::error::{Error, Result};
use crate::index::DutyIndex;
use crate::model::{Corpus, PositionKind};
use crate::segment::Segmenter;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, QueryParser, TermSetQuery};
use tantivy::schema::Value;
use tantivy::{TantivyDocument, Term};

/// How results are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum GroupBy {
    /// Store + role: the answer to "who handles X".
    Position,
    Duty,
}

#[derive(Debug, Clone)]
pub struct SearchOptions {
    pub limit: usize,
    pub by: GroupBy,
    /// A document id (`d3`) or a unique part of a store or document name.
    pub store: Option<String>,
    /// Any title variant of a role.
    pub role: Option<String>,
    /// Parse the query with tantivy's syntax instead of as plain text.
    pub raw: bool,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            limit: 10,
            by: GroupBy::Position,
            store: None,
            role: None,
            raw: false,
        }
    }
}

/// One matching duty.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DutyHit {
    pub rank: usize,
    pub score: f32,
    pub doc_id: String,
    pub store: String,
    pub document: String,
    pub position: String,
    pub role: String,
    pub kind: PositionKind,
    pub position_index: usize,
    pub n: Option<String>,
    pub text: String,
    /// Matched spans as character offsets into `text`, end exclusive, sorted, not overlapping.
    pub spans: Vec<(usize, usize)>,
    pub file: String,
    pub line: usize,
    /// How many of the query's concepts the duty matches.
    pub matched: usize,
    #[serde(skip)]
    ordinal: u64,
    #[serde(skip)]
    pos: u64,
}

impl DutyHit {
    /// The text with matches wrapped in `<em>…</em>`, everything else HTML-escaped.
    pub fn highlight(&self) -> String {
        highlight_html(&self.text, &self.spans)
    }
}

/// One position (store + role) with its matching duties, best first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PositionHit {
    pub rank: usize,
    pub score: f32,
    pub doc_id: String,
    pub store: String,
    pub document: String,
    pub position: String,
    pub role: String,
    pub kind: PositionKind,
    pub position_index: usize,
    pub duties: Vec<DutyHit>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchResults {
    pub query: String,
    pub analyzed: AnalyzedQuery,
    pub by: GroupBy,
    /// Filled when grouping by duty.
    pub duties: Vec<DutyHit>,
    /// Filled when grouping by position.
    pub positions: Vec<PositionHit>,
}

impl SearchResults {
    pub fn is_empty(&self) -> bool {
        self.duties.is_empty() && self.positions.is_empty()
    }
}

/// Limits on `--raw` queries: tantivy's query parser recurses into parentheses (10,000 of them
/// overflow the stack) and takes any boost (`^1e40` makes every score infinite).
const RAW_MAX_CHARS: usize = 4096;
const RAW_MAX_DEPTH: usize = 32;
const RAW_MAX_BOOST: f64 = 1e6;

fn check_raw_query(query: &str) -> Result<()> {
    let refuse = |why: String| Err(Error::Other(format!("query syntax: {why}")));
    if query.chars().count() > RAW_MAX_CHARS {
        return refuse(format!(
            "a --raw query is limited to {RAW_MAX_CHARS} characters"
        ));
    }
    let mut depth = 0usize;
    for c in query.chars() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth > RAW_MAX_DEPTH {
            return refuse(format!("brackets nested deeper than {RAW_MAX_DEPTH}"));
        }
    }
    // Nested boosts multiply, so their product is what is limited.
    let mut product = 1f64;
    for (index, _) in query.match_indices('^') {
        let number: String = query[index + 1..]
            .chars()
            .take_while(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
            .collect();
        if let Ok(boost) = number.parse::<f64>() {
            product *= boost.abs().max(1.0);
            if !product.is_finite() || product > RAW_MAX_BOOST {
                return refuse(format!("boosts are limited to {RAW_MAX_BOOST} in all"));
            }
        } else if number.chars().filter(|c| c.is_ascii_digit()).count() > 7 {
            return refuse(format!("a boost is limited to {RAW_MAX_BOOST}"));
        }
    }
    Ok(())
}

/// Searches the index. Plain-text queries never fail to parse; `raw` ones may.
pub fn search(index: &DutyIndex, query: &str, options: &SearchOptions) -> Result<SearchResults> {
    let fields = index.fields;
    let limit = options.limit.max(1);
    let searcher = index.reader.searcher();
    let statistics = score::Statistics::new(&searcher);
    let (analyzed, main, highlight_terms): (AnalyzedQuery, Box<dyn Query>, Vec<String>) =
        if options.raw {
            check_raw_query(query)?;
            let parser = QueryParser::for_index(&index.index, vec![fields.text]);
            let parsed = parser
                .parse_query(query)
                .map_err(|e| Error::Other(format!("query syntax: {e}")))?;
            let mut terms = Vec::new();
            parsed.query_terms(&mut |term, _| {
                if let Some(text) = term.value().as_str() {
                    terms.push(text.to_string());
                }
            });
            (AnalyzedQuery::default(), parsed, terms)
        } else {
            let mut analyzed = analyze(query, &index.segmenter, &index.vocabulary);
            fallback::expand_unknown_words(index, &statistics, &mut analyzed);
            let main = score::build_query(&analyzed, fields.text, fields.title);
            (analyzed, main, Vec::new())
        };
    let empty = SearchResults {
        query: query.to_string(),
        analyzed: analyzed.clone(),
        by: options.by,
        duties: Vec::new(),
        positions: Vec::new(),
    };
    if !options.raw && analyzed.is_empty() {
        return Ok(empty);
    }
    let query: Box<dyn Query> = match allowed_positions(index, options)? {
        None => main,
        Some(allowed) if allowed.is_empty() => return Ok(empty),
        Some(allowed) => {
            let terms = allowed
                .into_iter()
                .map(|p| Term::from_field_u64(fields.pos, p));
            let filter = ConstScoreQuery::new(Box::new(TermSetQuery::new(terms)), 0.0);
            Box::new(BooleanQuery::new(vec![
                (Occur::Must, main),
                (Occur::Must, Box::new(filter) as Box<dyn Query>),
            ]))
        }
    };
    // Rank candidates from the postings and fast fields alone; only the duties that will be
    // shown are read from the document store (the costly part on a large index).
    let ranking = Ranking::new(&statistics, &fields, &analyzed)?;
    let mut candidates = if options.by == GroupBy::Duty && !options.raw && !ranking.is_empty() {
        score::best_duties(&statistics, &fields, &ranking, query.as_ref(), limit)?
    } else {
        let pool = match options.by {
            GroupBy::Duty => (limit * 3).max(50),
            GroupBy::Position => (limit * 10).max(200),
        };
        let top = score::top_docs(&statistics, query.as_ref(), pool)?;
        let mut candidates: Vec<Candidate> = top
            .into_iter()
            .map(|(score, address)| Candidate::new(score, address))
            .collect();
        score::annotate(&searcher, &fields, &ranking, options.raw, &mut candidates)?;
        candidates
    };
    candidates.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.ordinal.cmp(&b.ordinal))
    });
    let shown: Vec<&Candidate> = match options.by {
        GroupBy::Duty => candidates.iter().take(limit).collect(),
        GroupBy::Position => best_positions(&candidates, limit),
    };
    let terms: HashSet<&str> = analyzed
        .concepts
        .iter()
        .flat_map(|c| c.terms.iter().map(|t| t.text.as_str()))
        .collect();
    let mut hits = Vec::with_capacity(shown.len());
    for candidate in shown {
        let doc: TantivyDocument = searcher
            .doc(candidate.address)
            .map_err(|e| Error::Other(format!("reading a hit: {e}")))?;
        let mut hit = duty_hit(index, &doc, candidate)?;
        hit.spans = if options.raw {
            match_spans(&index.segmenter, &hit.text, &highlight_terms)
        } else {
            query_spans(&index.segmenter, &hit.text, &terms)
        };
        hit.matched = candidate.matched.len();
        hits.push(hit);
    }

    let mut results = empty;
    match options.by {
        GroupBy::Duty => {
            hits.truncate(limit);
            for (i, hit) in hits.iter_mut().enumerate() {
                hit.rank = i + 1;
            }
            results.duties = hits;
        }
        GroupBy::Position => {
            results.positions = group_positions(hits, limit);
        }
    }
    Ok(results)
}

/// The candidates of the `limit` best positions (scored as [`group_positions`] scores them).
fn best_positions(candidates: &[Candidate], limit: usize) -> Vec<&Candidate> {
    let mut groups: HashMap<u64, Vec<&Candidate>> = HashMap::new();
    for candidate in candidates {
        groups.entry(candidate.pos).or_default().push(candidate);
    }
    let mut ranked: Vec<(f32, u64, Vec<&Candidate>)> = groups
        .into_values()
        .map(|members| {
            let score = members[0].score
                + 0.25 * members.iter().skip(1).take(3).map(|c| c.score).sum::<f32>();
            let first = members[0].ordinal;
            (score, first, members)
        })
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    ranked
        .into_iter()
        .take(limit)
        .flat_map(|(_, _, members)| members)
        .collect()
}

/// Positions ranked by their best duty, plus a little for each further matching duty.
fn group_positions(hits: Vec<DutyHit>, limit: usize) -> Vec<PositionHit> {
    let mut order: Vec<u64> = Vec::new();
    let mut groups: HashMap<u64, Vec<DutyHit>> = HashMap::new();
    for hit in hits {
        if !groups.contains_key(&hit.pos) {
            order.push(hit.pos);
        }
        groups.entry(hit.pos).or_default().push(hit);
    }
    let mut positions: Vec<PositionHit> = order
        .into_iter()
        .map(|pos| {
            let mut duties = groups.remove(&pos).unwrap_or_default();
            duties.sort_by_key(|d| d.ordinal);
            let mut scores: Vec<f32> = duties.iter().map(|d| d.score).collect();
            scores.sort_by(|a, b| b.total_cmp(a));
            let score = scores[0] + 0.25 * scores.iter().skip(1).take(3).sum::<f32>();
            // Best duty first, the rest in document order.
            let best = duties
                .iter()
                .enumerate()
                .max_by(|a, b| a.1.score.total_cmp(&b.1.score).then(b.0.cmp(&a.0)))
                .map(|(i, _)| i)
                .unwrap_or(0);
            let first = duties.remove(best);
            duties.insert(0, first);
            for (i, duty) in duties.iter_mut().enumerate() {
                duty.rank = i + 1;
            }
            let head = &duties[0];
            PositionHit {
                rank: 0,
                score,
                doc_id: head.doc_id.clone(),
                store: head.store.clone(),
                document: head.document.clone(),
                position: head.position.clone(),
                role: head.role.clone(),
                kind: head.kind,
                position_index: head.position_index,
                duties,
            }
        })
        .collect();
    positions.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.duties[0].ordinal.cmp(&b.duties[0].ordinal))
    });
    positions.truncate(limit);
    for (i, position) in positions.iter_mut().enumerate() {
        position.rank = i + 1;
    }
    positions
}

/// A hit from its stored fields (text, number, line) and what the index says of its position.
fn duty_hit(index: &DutyIndex, doc: &TantivyDocument, candidate: &Candidate) -> Result<DutyHit> {
    let fields = &index.fields;
    let position = index.position(candidate.pos)?;
    let n = doc
        .get_first(fields.n)
        .and_then(|v| v.as_str())
        .map(str::to_string);
    Ok(DutyHit {
        rank: 0,
        score: candidate.score,
        doc_id: position.doc_id,
        store: position.store,
        document: position.document,
        position: position.title,
        role: position.role,
        kind: position.kind,
        position_index: position.position_index,
        n,
        text: doc
            .get_first(fields.text)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string(),
        spans: Vec::new(),
        file: position.file,
        line: candidate.line as usize,
        matched: 0,
        ordinal: candidate.ordinal,
        pos: candidate.pos,
    })
}

/// The character spans of the words of `text` that are terms of the query (`terms`: every
/// concept's terms). A word of the duty is marked whenever it is a term of some concept: the
/// title can add concepts a duty matches, but only words of the text are marked.
fn query_spans(segmenter: &Segmenter, text: &str, terms: &HashSet<&str>) -> Vec<(usize, usize)> {
    let spans = segmenter
        .tokens(text)
        .into_iter()
        .filter(|t| terms.contains(t.text.as_str()))
        .map(|t| (t.start, t.end))
        .collect();
    merge_spans(spans)
}

fn match_spans(segmenter: &Segmenter, text: &str, terms: &[String]) -> Vec<(usize, usize)> {
    let spans = segmenter
        .tokens(text)
        .into_iter()
        .filter(|t| terms.contains(&t.text))
        .map(|t| (t.start, t.end))
        .collect();
    merge_spans(spans)
}

fn merge_spans(mut spans: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    spans.sort();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (start, end) in spans {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
}

/// `text` HTML-escaped, with the character spans wrapped in `<em>…</em>`: corpus text is
/// untrusted, so only these tags are markup.
pub fn highlight_html(text: &str, spans: &[(usize, usize)]) -> String {
    let mut out = String::with_capacity(text.len() + spans.len() * 9);
    let mut spans = spans.iter().peekable();
    let mut open = false;
    for (i, c) in text.chars().enumerate() {
        if open && spans.peek().is_some_and(|s| s.1 == i) {
            out.push_str("</em>");
            open = false;
            spans.next();
        }
        if !open && spans.peek().is_some_and(|s| s.0 == i) {
            out.push_str("<em>");
            open = true;
        }
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    if open {
        out.push_str("</em>");
    }
    out
}

/// The position ordinals `--store`/`--role` allow, or None when neither is given.
fn allowed_positions(index: &DutyIndex, options: &SearchOptions) -> Result<Option<Vec<u64>>> {
    if options.store.is_none() && options.role.is_none() {
        return Ok(None);
    }
    let skeleton = index.skeleton()?;
    let selected = select_positions(skeleton, options.store.as_deref(), options.role.as_deref())?;
    let mut allowed = Vec::new();
    let mut ordinal = 0u64;
    for document in &skeleton.documents {
        for index in 0..document.positions.len() {
            if selected.contains(&(document.id.as_str(), index)) {
                allowed.push(ordinal);
            }
            ordinal += 1;
        }
    }
    Ok(Some(allowed))
}

/// The (document id, position index) pairs that `--store`/`--role` select, by the corpus
/// selection rules (`select`): errors list the candidates.
fn select_positions<'a>(
    corpus: &'a Corpus,
    store: Option<&str>,
    role: Option<&str>,
) -> Result<HashSet<(&'a str, usize)>> {
    let pairs: Vec<(&crate::model::Document, &crate::model::Position)> = match (store, role) {
        (store, Some(role)) => crate::select::find_positions(corpus, store, role)?,
        (Some(store), None) => crate::select::find_documents(corpus, store)?
            .into_iter()
            .flat_map(|d| d.positions.iter().map(move |p| (d, p)))
            .collect(),
        (None, None) => corpus.positions().collect(),
    };
    let mut selected = HashSet::new();
    for (document, position) in pairs {
        if let Some(index) = document
            .positions
            .iter()
            .position(|p| std::ptr::eq(p, position))
        {
            selected.insert((document.id.as_str(), index));
        }
    }
    Ok(selected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlight_escapes_corpus_text() {
        let text = "负责<em>展车</em>与<script>续保";
        let html = highlight_html(text, &[(6, 8), (22, 24)]);
        assert_eq!(
            html,
            "负责&lt;em&gt;<em>展车</em>&lt;/em&gt;与&lt;script&gt;<em>续保</em>"
        );
    }
}
