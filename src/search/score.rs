//! Ranking: a query's concepts in, duties scored out. A duty scores the BM25 of every term of
//! every concept it holds (times the term's boost), and of the typed words in its position's
//! title, multiplied by its coverage of the query: the share of the concepts it matches, each
//! counted by the credit of its best term. (Counting a concept by its best term only, rather than
//! summing its terms, measured worse on the judged tune half: 0.783 against 0.799.)

use super::query::{AnalyzedQuery, Origin};
use crate::error::{Error, Result};
use std::cell::RefCell;
use std::collections::HashMap;
use tantivy::postings::SegmentPostings;
use tantivy::query::{
    Bm25StatisticsProvider, BooleanQuery, BoostQuery, EnableScoring, Occur, Query, TermQuery,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Term};

/// Weight of a typed word found in the position's title rather than in the duty.
const TITLE_BOOST: f32 = 1.0;

/// The share of a concept a duty covers when it matches only a broader, narrower or fallback term.
const PARTIAL_CREDIT: f32 = 0.5;

/// The index's BM25 statistics for one query, each term's document frequency looked up once:
/// fitting the query to the index, the coverage weights and tantivy's scorers all ask for the
/// same terms (a lookup is a term dictionary search in every segment).
pub(super) struct Statistics<'a> {
    pub(super) searcher: &'a tantivy::Searcher,
    frequencies: RefCell<HashMap<Term, u64>>,
}

impl<'a> Statistics<'a> {
    pub(super) fn new(searcher: &'a tantivy::Searcher) -> Statistics<'a> {
        Statistics {
            searcher,
            frequencies: RefCell::new(HashMap::new()),
        }
    }

    /// The number of duties holding `term` (0 when it cannot be read).
    pub(super) fn frequency(&self, term: &Term) -> u64 {
        if let Some(&known) = self.frequencies.borrow().get(term) {
            return known;
        }
        let found = self.searcher.doc_freq(term).unwrap_or(0);
        self.frequencies.borrow_mut().insert(term.clone(), found);
        found
    }

    fn scoring(&self) -> EnableScoring<'_> {
        EnableScoring::enabled_from_statistics_provider(self, self.searcher)
    }
}

impl Bm25StatisticsProvider for Statistics<'_> {
    fn total_num_tokens(&self, field: tantivy::schema::Field) -> tantivy::Result<u64> {
        self.searcher.total_num_tokens(field)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        self.searcher.total_num_docs()
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        Ok(self.frequency(term))
    }
}

/// A duty the query found, before it is read from the document store.
pub(super) struct Candidate {
    pub(super) score: f32,
    pub(super) address: tantivy::DocAddress,
    pub(super) pos: u64,
    pub(super) ordinal: u64,
    pub(super) line: u64,
    /// The concepts it matches (in its text, or typed words in its title), each with the
    /// credit of its best matching term.
    pub(super) matched: Vec<(usize, f32)>,
}

impl Candidate {
    pub(super) fn new(score: f32, address: tantivy::DocAddress) -> Candidate {
        Candidate {
            score,
            address,
            pos: 0,
            ordinal: 0,
            line: 0,
            matched: Vec::new(),
        }
    }
}

/// One term of a concept, as the coverage counts it.
struct RankedTerm {
    text: Term,
    /// The term in the position's title, for typed and English terms.
    title: Option<Term>,
    /// What a match counts for in the duty's coverage.
    credit: f32,
}

/// A concept's terms (those the index holds) and its weight in the coverage: the inverse
/// document frequency of its best term times that term's boost, so that matching a rare word
/// counts more than matching a common one, and a concept the corpus never mentions not at all.
/// A duty matching the word typed, a word inside it, a synonym or a translation covers the
/// concept; one matching only a broader, narrower or fallback term covers it in part.
struct RankedConcept {
    weight: f32,
    terms: Vec<RankedTerm>,
}

/// The query's concepts ready to score duties, segment by segment.
pub(super) struct Ranking {
    concepts: Vec<RankedConcept>,
    /// The sum of the concepts' weights.
    pub(super) total: f32,
}

impl Ranking {
    pub(super) fn new(
        statistics: &Statistics,
        fields: &crate::index::Fields,
        analyzed: &AnalyzedQuery,
    ) -> Result<Ranking> {
        let documents = statistics.searcher.num_docs() as f32;
        let mut concepts = Vec::with_capacity(analyzed.concepts.len());
        for concept in &analyzed.concepts {
            let mut terms = Vec::new();
            let mut idfs = Vec::new();
            for t in &concept.terms {
                let text = Term::from_field_text(fields.text, &t.text);
                let df = statistics.frequency(&text);
                if df == 0 {
                    continue;
                }
                let df = df as f32;
                idfs.push(t.boost * (1.0 + (documents - df + 0.5) / (df + 0.5)).ln());
                let title = matches!(t.origin, Origin::Typed | Origin::English)
                    .then(|| Term::from_field_text(fields.title, &t.text));
                let partial = matches!(
                    t.origin,
                    Origin::Broader | Origin::Narrower | Origin::Fallback
                );
                terms.push(RankedTerm {
                    text,
                    title,
                    credit: if partial { PARTIAL_CREDIT } else { 1.0 },
                });
            }
            let weight = idfs.iter().copied().fold(0.0, f32::max);
            for term in &mut terms {
                term.credit *= weight;
            }
            // Highest credit first: the first term found in a duty is the concept's credit.
            terms.sort_by(|a, b| b.credit.total_cmp(&a.credit));
            concepts.push(RankedConcept { weight, terms });
        }
        let total = concepts.iter().map(|c| c.weight).sum();
        Ok(Ranking { concepts, total })
    }

    /// Whether any concept can match: a query of words the corpus never uses cannot.
    pub(super) fn is_empty(&self) -> bool {
        self.total <= 0.0
    }

    /// The scorer of one segment.
    pub(super) fn segment(
        &self,
        reader: &tantivy::SegmentReader,
        fields: &crate::index::Fields,
    ) -> Result<SegmentRanking> {
        let failed = |e: &dyn std::fmt::Display| Error::Other(format!("search: {e}"));
        let text = reader.inverted_index(fields.text).map_err(|e| failed(&e))?;
        let title = reader
            .inverted_index(fields.title)
            .map_err(|e| failed(&e))?;
        let mut cursors = Vec::with_capacity(self.concepts.len());
        for concept in &self.concepts {
            // Highest credit first, as the terms are.
            let mut mine = Vec::new();
            for term in &concept.terms {
                let lookups = [(&text, Some(&term.text)), (&title, term.title.as_ref())];
                for (inverted, term_in_field) in lookups {
                    let Some(term_in_field) = term_in_field else {
                        continue;
                    };
                    if let Some(p) = inverted
                        .read_postings(term_in_field, IndexRecordOption::Basic)
                        .map_err(|e| failed(&e))?
                    {
                        mine.push((p, term.credit));
                    }
                }
            }
            cursors.push(mine);
        }
        Ok(SegmentRanking { cursors })
    }
}

/// Finds the concepts the duties of one segment match, visited in increasing document order.
pub(super) struct SegmentRanking {
    /// Per concept, the postings of its terms (in the text and the title) with their credit,
    /// highest first.
    cursors: Vec<Vec<(SegmentPostings, f32)>>,
}

impl SegmentRanking {
    /// The concepts `doc` matches, each with the credit of its best term found.
    pub(super) fn matched(&mut self, doc: DocId, matched: &mut Vec<(usize, f32)>) {
        matched.clear();
        for (c, cursors) in self.cursors.iter_mut().enumerate() {
            // Highest credit first: the first term found is the concept's credit.
            for (postings, credit) in cursors.iter_mut() {
                if postings.doc() < doc {
                    postings.seek(doc);
                }
                if postings.doc() == doc {
                    matched.push((c, *credit));
                    break;
                }
            }
        }
    }
}

/// Fills each candidate's position and duty ordinals (fast fields) and, unless `raw`, the
/// concepts it matches and its score times its coverage.
pub(super) fn annotate(
    searcher: &tantivy::Searcher,
    fields: &crate::index::Fields,
    ranking: &Ranking,
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
        if raw || ranking.is_empty() {
            continue;
        }
        let mut scorer = ranking.segment(reader, fields)?;
        let mut matched = Vec::new();
        for &i in &members {
            scorer.matched(candidates[i].address.doc_id, &mut matched);
            let factor = coverage_factor(&matched, ranking.total);
            candidates[i].score = quantize(candidates[i].score * factor);
            candidates[i].matched = matched.clone();
        }
    }
    Ok(())
}

/// The `k` best documents by score, best first, ties in index order: what tantivy's `TopDocs`
/// collector returns, but with one threshold carried from segment to segment (`TopDocs` prunes
/// each segment on its own, so every segment pays for a full top `k`).
pub(super) fn top_docs(
    statistics: &Statistics,
    query: &dyn Query,
    k: usize,
) -> Result<Vec<(f32, tantivy::DocAddress)>> {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    let failed = |e: &dyn std::fmt::Display| Error::Other(format!("search: {e}"));
    let searcher = statistics.searcher;
    let weight = query.weight(statistics.scoring()).map_err(|e| failed(&e))?;
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
pub(super) fn quantize(score: f32) -> f32 {
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
pub(super) struct Columns {
    pub(super) pos: tantivy::columnar::Column<u64>,
    pub(super) duty: tantivy::columnar::Column<u64>,
    pub(super) line: tantivy::columnar::Column<u64>,
}

/// The fast-field columns of a segment, opened once per segment rather than once per query:
/// opening a column reads its block index, which cost ≈ 9 % of query time at 1M duties. Segment
/// ids are unique, so the cache is process-wide; it holds the last few segments (a column keeps
/// its file mapped).
pub(super) fn columns(reader: &tantivy::SegmentReader) -> Result<Columns> {
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

/// What a duty's score is multiplied by: ½ plus ½ of the share of the query's concepts it
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
/// answer is exact: the best duties by final score over the whole index, not only within a
/// top-k pool of BM25 scores.
pub(super) fn best_duties(
    statistics: &Statistics,
    fields: &crate::index::Fields,
    ranking: &Ranking,
    query: &dyn Query,
    limit: usize,
) -> Result<Vec<Candidate>> {
    let failed = |e: &dyn std::fmt::Display| Error::Other(format!("search: {e}"));
    let searcher = statistics.searcher;
    let weight = query.weight(statistics.scoring()).map_err(|e| failed(&e))?;
    // Best first: (final score descending, corpus order).
    let mut best: Vec<Candidate> = Vec::with_capacity(limit + 1);
    let mut threshold = f32::MIN;
    for (segment, reader) in searcher.segment_readers().iter().enumerate() {
        let Columns { pos, duty, line } = columns(reader)?;
        let mut scorer = ranking.segment(reader, fields)?;
        let alive = reader.alive_bitset();
        let mut matched = Vec::with_capacity(ranking.concepts.len());
        weight
            .for_each_pruning(threshold, reader, &mut |doc, score| {
                if alive.is_some_and(|a| a.is_deleted(doc)) {
                    return threshold;
                }
                scorer.matched(doc, &mut matched);
                let score = quantize(score * coverage_factor(&matched, ranking.total));
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

/// Every term of every concept in the duty text, and the typed words in the position's title (so
/// 销售顾问 + 回访 prefers the 销售顾问's own 回访 duties), as one flat disjunction of term
/// queries: a sum of sums is the same score, and a flat union of term scorers is what tantivy's
/// block-max WAND can prune (a nested union is scored exhaustively, document by document).
pub(super) fn build_query(
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
}
