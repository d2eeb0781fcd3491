//! search: turns plain text (Chinese, a question, English, Traditional) into weighted terms,
//! ranks duties with BM25 and term coverage, groups them into positions and marks the matches.

mod fallback;
mod query;

pub use query::{analyze, AnalyzedQuery, Concept, Origin, QueryTerm};

use crate::error::{Error, Result};
use crate::index::DutyIndex;
use crate::model::{Corpus, PositionKind};
use crate::segment::Segmenter;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use tantivy::postings::SegmentPostings;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, EnableScoring, Occur, Query, QueryParser, TermQuery,
    TermSetQuery,
};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocSet, TantivyDocument, Term};

/// TEMPORARY experiment switches (ZHIZE_EXP=a,b).
pub fn exp(name: &str) -> bool {
    static SET: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    SET.get_or_init(|| {
        std::env::var("ZHIZE_EXP")
            .unwrap_or_default()
            .split(',')
            .map(str::to_string)
            .collect()
    })
    .iter()
    .any(|s| s == name)
}

/// Weight of a typed word found in the position's title rather than in the duty.
const TITLE_BOOST: f32 = 1.0;

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
            fallback::expand_unknown_words(index, &mut analyzed);
            let main = build_query(&analyzed, fields.text, fields.title);
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
    let searcher = index.reader.searcher();
    // Rank candidates from the postings and fast fields alone; only the duties that will be
    // shown are read from the document store (the costly part on a large index).
    let weights = term_weights(&searcher, fields.text, &analyzed);
    let total: f32 = weights.iter().map(|w| w.concept).sum();
    let mut candidates = if options.by == GroupBy::Duty && !options.raw && total > 0.0 {
        best_duties(
            &searcher,
            &fields,
            &analyzed,
            &weights,
            query.as_ref(),
            limit,
        )?
    } else {
        let pool = match options.by {
            GroupBy::Duty => (limit * 3).max(50),
            GroupBy::Position => (limit * 10).max(200),
        };
        let top = top_docs(&searcher, query.as_ref(), pool)?;
        let mut candidates: Vec<Candidate> = top
            .into_iter()
            .map(|(score, address)| Candidate {
                score,
                address,
                pos: 0,
                ordinal: 0,
                line: 0,
                matched: Vec::new(),
            })
            .collect();
        annotate(
            &searcher,
            &fields,
            &analyzed,
            &weights,
            options.raw,
            &mut candidates,
        )?;
        if !options.raw && total > 0.0 {
            for candidate in &mut candidates {
                candidate.score =
                    quantize(candidate.score * coverage_factor(&candidate.matched, total));
            }
        }
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

/// A duty the query found, before it is read from the document store.
struct Candidate {
    score: f32,
    address: tantivy::DocAddress,
    pos: u64,
    ordinal: u64,
    line: u64,
    /// The concepts it matches (in its text, or typed words in its title), each with the
    /// credit of its best matching term.
    matched: Vec<(usize, f32)>,
}

/// Fills each candidate's position and duty ordinals (fast fields) and the concepts it matches
/// (by seeking each concept's postings to the candidates, in document order).
fn annotate(
    searcher: &tantivy::Searcher,
    fields: &crate::index::Fields,
    analyzed: &AnalyzedQuery,
    weights: &[TermWeights],
    raw: bool,
    candidates: &mut [Candidate],
) -> Result<()> {
    let mut by_segment: HashMap<u32, Vec<usize>> = HashMap::new();
    for (i, candidate) in candidates.iter().enumerate() {
        by_segment
            .entry(candidate.address.segment_ord)
            .or_default()
            .push(i);
    }
    for (segment, mut members) in by_segment {
        let reader = searcher.segment_reader(segment);
        members.sort_by_key(|&i| candidates[i].address.doc_id);
        let Columns { pos, duty, line } = columns(reader)?;
        for &i in &members {
            let doc = candidates[i].address.doc_id;
            candidates[i].pos = pos.first(doc).unwrap_or(0);
            candidates[i].ordinal = duty.first(doc).unwrap_or(0);
            candidates[i].line = line.first(doc).unwrap_or(0);
        }
        if raw {
            continue;
        }
        for (c, concept) in analyzed.concepts.iter().enumerate() {
            let mut found = vec![0f32; members.len()];
            for (mut postings, credit) in concept_postings(reader, fields, concept, &weights[c])? {
                for (k, &i) in members.iter().enumerate() {
                    let doc = candidates[i].address.doc_id;
                    if postings.doc() <= doc && postings.seek(doc) == doc {
                        found[k] = found[k].max(credit);
                    }
                }
            }
            for (k, &i) in members.iter().enumerate() {
                if found[k] > 0.0 {
                    candidates[i].matched.push((c, found[k]));
                }
            }
        }
    }
    Ok(())
}

/// The postings, in one segment, of every term of `concept` with the coverage credit of a match
/// (see [`TermWeights`]), highest credit first: in the duty text, and typed and English terms
/// in the title as well.
fn concept_postings(
    reader: &tantivy::SegmentReader,
    fields: &crate::index::Fields,
    concept: &Concept,
    weights: &TermWeights,
) -> Result<Vec<(SegmentPostings, f32)>> {
    let failed = |e: &dyn std::fmt::Display| Error::Other(format!("search: {e}"));
    let text = reader.inverted_index(fields.text).map_err(|e| failed(&e))?;
    let title = reader
        .inverted_index(fields.title)
        .map_err(|e| failed(&e))?;
    let mut postings = Vec::new();
    for (t, &credit) in concept.terms.iter().zip(&weights.terms) {
        if credit <= 0.0 {
            continue;
        }
        let mut lookups = vec![(&text, fields.text)];
        if matches!(t.origin, Origin::Typed | Origin::English) {
            lookups.push((&title, fields.title));
        }
        for (inverted, field) in lookups {
            let term = Term::from_field_text(field, &t.text);
            if let Some(p) = inverted
                .read_postings(&term, IndexRecordOption::Basic)
                .map_err(|e| failed(&e))?
            {
                postings.push((p, credit));
            }
        }
    }
    postings.sort_by(|a, b| b.1.total_cmp(&a.1));
    Ok(postings)
}

/// The `k` best documents by score, best first, ties in index order: what tantivy's `TopDocs`
/// collector returns, but with one threshold carried from segment to segment (`TopDocs` prunes
/// each segment on its own, so every segment pays for a full top `k`).
fn top_docs(
    searcher: &tantivy::Searcher,
    query: &dyn Query,
    k: usize,
) -> Result<Vec<(f32, tantivy::DocAddress)>> {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    let failed = |e: &dyn std::fmt::Display| Error::Other(format!("search: {e}"));
    let weight = query
        .weight(EnableScoring::enabled_from_searcher(searcher))
        .map_err(|e| failed(&e))?;
    // The worst kept document on top: lowest score, then latest address.
    let mut heap: BinaryHeap<(Reverse<Score>, tantivy::DocAddress)> =
        BinaryHeap::with_capacity(k + 1);
    let mut threshold = f32::MIN;
    for (segment, reader) in searcher.segment_readers().iter().enumerate() {
        let alive = reader.alive_bitset();
        weight
            .for_each_pruning(threshold, reader, &mut |doc, score| {
                if alive.is_some_and(|a| a.is_deleted(doc)) {
                    return threshold;
                }
                heap.push((
                    Reverse(Score(quantize(score))),
                    tantivy::DocAddress::new(segment as u32, doc),
                ));
                if heap.len() > k {
                    heap.pop();
                }
                if heap.len() == k {
                    threshold = heap.peek().map_or(f32::MIN, |top| top.0 .0 .0);
                }
                threshold
            })
            .map_err(|e| failed(&e))?;
    }
    let mut top: Vec<(f32, tantivy::DocAddress)> = heap
        .into_iter()
        .map(|(Reverse(score), address)| (score.0, address))
        .collect();
    top.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    Ok(top)
}

/// `score` rounded to 16 significant bits (relative error ≤ 2⁻¹⁶). Block-max WAND sums a
/// duty's term scores in an order that depends on the other documents and on the threshold, so
/// two duties with the same text could differ in the last bits and their order (and which of
/// them makes a pool) was an accident of pruning; rounded, they tie and corpus order decides.
fn quantize(score: f32) -> f32 {
    f32::from_bits(score.to_bits().wrapping_add(0x80) & !0xff)
}

/// A score ordered by `total_cmp` (scores are never NaN).
#[derive(Clone, Copy, PartialEq)]
struct Score(f32);

impl Eq for Score {}

impl PartialOrd for Score {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Score {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// A segment's fast-field columns.
#[derive(Clone)]
struct Columns {
    pos: tantivy::columnar::Column<u64>,
    duty: tantivy::columnar::Column<u64>,
    line: tantivy::columnar::Column<u64>,
}

/// The fast-field columns of a segment, opened once per segment rather than once per query:
/// opening a column reads its block index, which cost ≈ 9 % of query time at 1M duties. Segment
/// ids are unique, so the cache is process-wide; it holds the last few segments (a column keeps
/// its file mapped).
fn columns(reader: &tantivy::SegmentReader) -> Result<Columns> {
    const KEEP: usize = 64;
    static CACHE: std::sync::Mutex<Vec<(tantivy::index::SegmentId, Columns)>> =
        std::sync::Mutex::new(Vec::new());
    let id = reader.segment_id();
    let cached = |cache: &[(tantivy::index::SegmentId, Columns)]| {
        cache.iter().find(|(s, _)| *s == id).map(|(_, c)| c.clone())
    };
    if let Some(columns) = cached(&CACHE.lock().unwrap_or_else(|e| e.into_inner())) {
        return Ok(columns);
    }
    let failed = |e: &dyn std::fmt::Display| Error::Other(format!("search: {e}"));
    let fast = reader.fast_fields();
    let columns = Columns {
        pos: fast.u64("pos").map_err(|e| failed(&e))?,
        duty: fast.u64("duty").map_err(|e| failed(&e))?,
        line: fast.u64("line").map_err(|e| failed(&e))?,
    };
    let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    if cached(&cache).is_none() {
        if cache.len() >= KEEP {
            cache.remove(0);
        }
        cache.push((id, columns.clone()));
    }
    Ok(columns)
}

/// What a duty's BM25 score is multiplied by: ½ plus ½ of the share of the query's concepts it
/// matches, each concept counted by the credit of its best term found in the duty.
fn coverage_factor(matched: &[(usize, f32)], total: f32) -> f32 {
    let share: f32 = matched.iter().map(|&(_, credit)| credit).sum::<f32>() / total;
    0.5 + 0.5 * share.min(1.0)
}

/// The `limit` best duties by final score (BM25 times [`coverage_factor`]), ties in corpus
/// order, each with its ordinals and the concepts it matches.
///
/// The coverage factor is at most 1, so a duty whose BM25 score is below the final score of the
/// `limit`-th best so far cannot enter: that is the threshold block-max WAND prunes with. The
/// concepts of a duty that passes are looked up by seeking each term's postings forward (WAND
/// visits a segment's documents in order). The answer is exact: the best duties by final score
/// over the whole index, not only within a top-k pool of BM25 scores.
fn best_duties(
    searcher: &tantivy::Searcher,
    fields: &crate::index::Fields,
    analyzed: &AnalyzedQuery,
    weights: &[TermWeights],
    query: &dyn Query,
    limit: usize,
) -> Result<Vec<Candidate>> {
    let failed = |e: &dyn std::fmt::Display| Error::Other(format!("search: {e}"));
    let total: f32 = weights.iter().map(|w| w.concept).sum();
    let weight = query
        .weight(EnableScoring::enabled_from_searcher(searcher))
        .map_err(|e| failed(&e))?;
    // Best first: (final score descending, corpus order).
    let mut best: Vec<Candidate> = Vec::with_capacity(limit + 1);
    let mut threshold = f32::MIN;
    for (segment, reader) in searcher.segment_readers().iter().enumerate() {
        let Columns { pos, duty, line } = columns(reader)?;
        let mut cursors: Vec<Vec<(SegmentPostings, f32)>> =
            Vec::with_capacity(analyzed.concepts.len());
        for (concept, weights) in analyzed.concepts.iter().zip(weights) {
            cursors.push(concept_postings(reader, fields, concept, weights)?);
        }
        let alive = reader.alive_bitset();
        let mut matched = Vec::with_capacity(cursors.len());
        weight
            .for_each_pruning(threshold, reader, &mut |doc, score| {
                if alive.is_some_and(|a| a.is_deleted(doc)) {
                    return threshold;
                }
                matched.clear();
                for (c, postings) in cursors.iter_mut().enumerate() {
                    // Highest credit first: the first term found is the concept's credit.
                    for (p, credit) in postings.iter_mut() {
                        if p.doc() < doc {
                            p.seek(doc);
                        }
                        if p.doc() == doc {
                            matched.push((c, *credit));
                            break;
                        }
                    }
                }
                let score = quantize(score * coverage_factor(&matched, total));
                let full = best.len() >= limit;
                if full && score < best[limit - 1].score {
                    return threshold;
                }
                let ordinal = duty.first(doc).unwrap_or(0);
                let at = best.partition_point(|b| {
                    b.score > score || (b.score == score && b.ordinal < ordinal)
                });
                if at < limit {
                    best.insert(
                        at,
                        Candidate {
                            score,
                            address: tantivy::DocAddress::new(segment as u32, doc),
                            pos: pos.first(doc).unwrap_or(0),
                            ordinal,
                            line: line.first(doc).unwrap_or(0),
                            matched: matched.clone(),
                        },
                    );
                    best.truncate(limit);
                }
                if best.len() >= limit {
                    // A duty scoring about the worst kept score may still tie it once
                    // quantized and come first in corpus order: keep the bound a little below.
                    threshold = best[limit - 1].score * (1.0 - 1e-4);
                }
                threshold
            })
            .map_err(|e| failed(&e))?;
    }
    Ok(best)
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

/// Each concept is a disjunction of its terms in the duty text, and of the typed words in the
/// position's title (so 销售顾问 + 回访 prefers the 销售顾问's own 回访 duties); concepts are
/// summed. The clauses are flattened into one disjunction of term queries: a sum of sums is the
/// same score, and a flat union of term scorers is what tantivy's block-max WAND can prune (a
/// nested union is scored exhaustively, document by document).
fn build_query(
    analyzed: &AnalyzedQuery,
    field: tantivy::schema::Field,
    title: tantivy::schema::Field,
) -> Box<dyn Query> {
    // A term several concepts share (a synonym of two typed words) is one clause with the sum
    // of its boosts: BM25 is linear in the boost, and every clause is a scorer WAND must move.
    let mut boosts: Vec<(Term, f32)> = Vec::new();
    let mut add = |term: Term, boost: f32| match boosts.iter_mut().find(|(t, _)| *t == term) {
        Some((_, sum)) => *sum += boost,
        None => boosts.push((term, boost)),
    };
    for concept in &analyzed.concepts {
        for t in &concept.terms {
            add(Term::from_field_text(field, &t.text), t.boost);
            if matches!(t.origin, Origin::Typed | Origin::English) {
                add(Term::from_field_text(title, &t.text), TITLE_BOOST * t.boost);
            }
        }
    }
    let clauses: Vec<(Occur, Box<dyn Query>)> = boosts
        .into_iter()
        .map(|(term, boost)| {
            let term = TermQuery::new(term, IndexRecordOption::WithFreqs);
            let query: Box<dyn Query> = Box::new(BoostQuery::new(Box::new(term), boost));
            (Occur::Should, query)
        })
        .collect();
    Box::new(BooleanQuery::new(clauses))
}

/// A hit from its stored fields (text, number, line) and its position in the skeleton.
fn duty_hit(index: &DutyIndex, doc: &TantivyDocument, candidate: &Candidate) -> Result<DutyHit> {
    let fields = &index.fields;
    let (document, position_index) = index.position(candidate.pos)?;
    let position = &document.positions[position_index];
    let n = doc
        .get_first(fields.n)
        .and_then(|v| v.as_str())
        .map(str::to_string);
    Ok(DutyHit {
        rank: 0,
        score: candidate.score,
        doc_id: document.id.clone(),
        store: document.store.clone(),
        document: document.title.clone(),
        position: position.title.clone(),
        role: position.role.clone(),
        kind: position.kind,
        position_index,
        n,
        text: doc
            .get_first(fields.text)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string(),
        spans: Vec::new(),
        file: document.file.clone(),
        line: candidate.line as usize,
        matched: 0,
        ordinal: candidate.ordinal,
        pos: candidate.pos,
    })
}

/// What matching a concept counts for in a duty's coverage. The concept weighs its best term's
/// boost times inverse document frequency (a rare word counts more than a common one, a word the
/// corpus never uses not at all); a duty matching the word typed, a word inside it, a synonym or
/// a translation covers the concept, one matching only a broader, narrower or fallback term
/// covers it in part.
struct TermWeights {
    concept: f32,
    /// The credit of a match, one per term of the concept; 0 for a term the index does not hold.
    terms: Vec<f32>,
}

/// The share of a concept a duty covers when it matches only a broader, narrower or fallback term.
const PARTIAL_CREDIT: f32 = 0.5;

fn term_weights(
    searcher: &tantivy::Searcher,
    field: tantivy::schema::Field,
    analyzed: &AnalyzedQuery,
) -> Vec<TermWeights> {
    let documents = searcher.num_docs() as f32;
    analyzed
        .concepts
        .iter()
        .map(|concept| {
            let weights: Vec<f32> = concept
                .terms
                .iter()
                .map(|t| {
                    let df = searcher
                        .doc_freq(&Term::from_field_text(field, &t.text))
                        .unwrap_or(0) as f32;
                    if df == 0.0 {
                        0.0
                    } else {
                        t.boost * (1.0 + (documents - df + 0.5) / (df + 0.5)).ln()
                    }
                })
                .collect();
            let weight = weights.iter().copied().fold(0.0, f32::max);
            let terms = concept
                .terms
                .iter()
                .zip(&weights)
                .map(|(t, &w)| match t.origin {
                    _ if w == 0.0 => 0.0,
                    Origin::Broader | Origin::Narrower | Origin::Fallback => {
                        weight * PARTIAL_CREDIT
                    }
                    _ => weight,
                })
                .collect();
            TermWeights {
                concept: weight,
                terms,
            }
        })
        .collect()
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
    fn quantized_scores_tie_when_only_the_last_bits_differ() {
        let a = f32::from_bits(17.392_85_f32.to_bits() & !0xff);
        let b = f32::from_bits(a.to_bits() + 1);
        assert_eq!(quantize(a), quantize(b));
        assert!((quantize(a) - a).abs() <= a / 65536.0);
        assert!(quantize(20.0) > quantize(19.99));
        assert_eq!(quantize(0.0), 0.0);
    }

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
