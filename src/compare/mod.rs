//! compare: aligns two positions' duties independent of their order into same / reworded /
//! only-on-one-side / split pairs with inline diffs, builds a role's coverage matrix across
//! stores, and matches two stores' positions.
//!
//! Alignment is a similarity matrix over the duties (character bigrams plus words), an optimal
//! one-to-one assignment (Kuhn–Munkres) in which every duty may instead take an "unmatched" slot
//! worth the threshold, then a pass that finds duties one side split in two.
//!
//! One file per concern: `similarity` (what a pair of duties scores), `align` (the assignment
//! and splits), `pairs` (the classed result of two positions), `diff` (inline diffs),
//! `coverage` (a role across stores) and its `wording_index`, `stores` (store against store).

mod align;
mod coverage;
mod diff;
#[cfg(test)]
mod fixtures;
mod pairs;
mod similarity;
mod stores;
mod wording_index;

pub use align::align_duties;
pub use coverage::{
    coverage, one_per_document, row_group, Cell, CellKind, Coverage, CoverageRow, RowGroup,
};
pub use diff::{display_text, inline_diff, rebuild, shown_spans, DiffOp, DiffSpan, DiffView};
pub use pairs::{compare_positions, summarize, Comparison, Pair, PairKind, Summary};
pub use similarity::same_key;
pub use stores::{
    compare_stores, duty_overlap, Lacked, MatchBasis, PositionMatch, StoreComparison, StoreSide,
    StoreSummary, MATCH_OVERLAP,
};

use crate::model::{Document, Position, PositionKind};
use serde::{Deserialize, Serialize};
use similarity::Features;

/// Pairs scoring below this stay unmatched. Tuned on the shipped corpus: reworded copies of one
/// duty score 0.6–0.95, unrelated duties of one role 0.1–0.35.
pub const DEFAULT_THRESHOLD: f64 = 0.45;
#[derive(Debug, Clone, Copy)]
pub struct CompareOptions {
    pub threshold: f64,
}

impl Default for CompareOptions {
    fn default() -> Self {
        CompareOptions {
            threshold: DEFAULT_THRESHOLD,
        }
    }
}

/// One side of a comparison: which store's which position.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Side {
    pub doc_id: String,
    /// The position's id, `d4.p2` (see [`crate::model::position_id`]).
    #[serde(default)]
    pub position_id: String,
    pub store: String,
    pub document: String,
    pub position: String,
    pub role: String,
    pub kind: PositionKind,
    pub file: String,
    pub line_start: usize,
    pub line_end: usize,
    pub duties: usize,
}

impl Side {
    pub fn new(document: &Document, position: &Position) -> Side {
        let position_id = document.id_of(position);
        Side {
            doc_id: document.id.clone(),
            position_id,
            store: document.store.clone(),
            document: document.title.clone(),
            position: position.title.clone(),
            role: position.role.clone(),
            kind: position.kind,
            file: document.file.clone(),
            line_start: position.line_start,
            line_end: position.line_end,
            duties: position.duties.len(),
        }
    }
}

/// The names closest to `query` (character overlap), best first, for "did you mean" messages.
pub fn closest_names<'a>(
    query: &str,
    names: impl IntoIterator<Item = &'a str>,
    limit: usize,
) -> Vec<String> {
    let q = Features::new(query);
    let mut scored: Vec<(f64, String)> = Vec::new();
    for name in names {
        if scored.iter().any(|(_, n)| n == name) {
            continue;
        }
        let f = Features::new(name);
        let score = 0.5 * q.similarity(&f) + 0.5 * q.word_dice(&f);
        if score > 0.0 {
            scored.push((score, name.to_string()));
        }
    }
    scored.sort_by(|x, y| y.0.total_cmp(&x.0));
    scored.into_iter().take(limit).map(|(_, n)| n).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_names_rank_by_overlap() {
        let names = ["销售经理", "展厅经理", "市场部经理", "销售顾问"];
        assert_eq!(closest_names("销售部经理", names, 2)[0], "销售经理");
    }
}
