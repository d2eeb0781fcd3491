//! Coverage: a role across many stores, one column per store and one row per distinct duty,
//! each store's duties assigned to the rows the stores before it opened.

use super::align::assign;
use super::diff::{inline_diff, DiffSpan};
use super::pairs::round3;
use super::similarity::Features;
use super::wording_index::{FastMap, Scratch, WordingIndex, COMMON_BIGRAMS};
use super::{CompareOptions, Side};
use crate::model::{Document, Position, PositionKind};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// A role across every store that defines it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Coverage {
    pub role: String,
    /// The columns: one position per store (document).
    pub stores: Vec<Side>,
    /// Common core first (duties more than half the stores have), then the usual duties (two
    /// stores or more, by how many), then each store's own, store by store.
    pub rows: Vec<CoverageRow>,
    /// Per store, in the order of `stores`: the indexes of the core rows it lacks.
    #[serde(default)]
    pub missing_from_core: Vec<Vec<usize>>,
}

/// Which part of the matrix a row belongs to.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum RowGroup {
    /// More than half the stores have the duty (with two stores: both).
    Core,
    /// Two stores or more, at most half.
    Usual,
    /// One store alone.
    Own,
}

impl RowGroup {
    pub fn as_str(self) -> &'static str {
        match self {
            RowGroup::Core => "core",
            RowGroup::Usual => "usual",
            RowGroup::Own => "own",
        }
    }
}

/// The group of a row present in `present` of `stores` stores.
pub fn row_group(present: usize, stores: usize) -> RowGroup {
    if stores > 1 && present * 2 > stores {
        RowGroup::Core
    } else if present >= 2 {
        RowGroup::Usual
    } else {
        RowGroup::Own
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CoverageRow {
    /// The row's duty: the wording most stores use.
    pub duty: String,
    /// How many stores have the duty (same or reworded).
    pub present: usize,
    /// Core, usual or one store's own (see [`row_group`]).
    pub group: RowGroup,
    /// One cell per store, in the order of `stores`.
    pub cells: Vec<Cell>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum CellKind {
    Same,
    Reworded,
    Absent,
}

impl CellKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CellKind::Same => "same",
            CellKind::Reworded => "reworded",
            CellKind::Absent => "absent",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Cell {
    pub kind: CellKind,
    /// The store's own wording (None when absent).
    pub text: Option<String>,
    /// Similarity to the row's duty (None when absent).
    pub similarity: Option<f64>,
    /// Source line of the store's duty.
    pub line: Option<usize>,
    /// 0-based index of the store's duty in its position (None when absent): the duty is
    /// `{position_id}.{duty + 1}` in the HTML report.
    #[serde(default)]
    pub duty: Option<usize>,
    /// Inline diff from the row's duty to this store's wording (reworded cells only).
    pub diff: Vec<DiffSpan>,
}

/// Builds the coverage matrix of one role over the given positions (one per store; see
/// [`one_per_document`]).
pub fn coverage(
    role: &str,
    positions: &[(&Document, &Position)],
    options: &CompareOptions,
) -> Coverage {
    /// A store's duty in a row: which column, which duty, and which of the row's wordings.
    struct Member {
        column: usize,
        duty: usize,
        wording: usize,
    }
    let threshold = options.threshold;
    let mut rows: Vec<Vec<Member>> = Vec::new();
    // Each row's distinct keys (a row's score is its best wording's, and a wording's score
    // depends on its key only), each with its wording in the index.
    let mut row_keys: Vec<FastMap<String, usize>> = Vec::new();
    let all_features: Vec<Vec<Features>> = positions
        .par_iter()
        .map(|(_, position)| {
            position
                .duties
                .iter()
                .map(|d| Features::new(&d.text))
                .collect()
        })
        .collect();
    let mut index = WordingIndex::new(threshold, all_features.iter().flatten(), COMMON_BIGRAMS);
    // Stores are taken in batches. A batch's duties are first looked up in parallel against
    // the wordings of the stores before it; then, store by store, against the wordings the
    // batch's earlier stores added. A row's score is its best wording's, so the two lookups
    // together give what one lookup against every wording before the store would.
    let mut scratch = Scratch::default();
    let mut all_features = all_features;
    let mut batch_start = 0;
    while batch_start < all_features.len() {
        let batch_end = (batch_start + BATCH_STORES).min(all_features.len());
        let frozen = index.wordings.len();
        let frozen_rows = rows.len();
        let batch: Vec<&Features> = all_features[batch_start..batch_end]
            .iter()
            .flatten()
            .collect();
        let mut found: std::vec::IntoIter<Vec<(usize, f64)>> = batch
            .par_iter()
            .map_init(Scratch::default, |scratch, f| {
                index.best_rows_among(f, 0..frozen, frozen_rows, &[], scratch)
            })
            .collect::<Vec<_>>()
            .into_iter();
        let stores = all_features[batch_start..batch_end].iter_mut();
        for (column, store) in (batch_start..).zip(stores) {
            let features = std::mem::take(store);
            // Each duty's rows scoring at least the threshold (the others weigh nothing).
            let candidates: Vec<Vec<(usize, f64)>> = features
                .iter()
                .map(|f| {
                    let known = found.next().unwrap_or_default();
                    if index.wordings.len() == frozen {
                        known
                    } else {
                        let added = frozen..index.wordings.len();
                        index.best_rows_among(f, added, rows.len(), &known, &mut scratch)
                    }
                })
                .collect();
            // The assignment runs over the rows some duty could match, in row order.
            let mut columns: Vec<usize> = candidates.iter().flatten().map(|c| c.0).collect();
            columns.sort_unstable();
            columns.dedup();
            let scores: Vec<Vec<f64>> = candidates
                .iter()
                .map(|c| {
                    let mut line = vec![0.0; columns.len()];
                    for &(row, s) in c {
                        if let Ok(k) = columns.binary_search(&row) {
                            line[k] = s;
                        }
                    }
                    line
                })
                .collect();
            let assignment = assign(&scores, features.len(), columns.len(), threshold);
            for (duty, (f, row)) in features.into_iter().zip(assignment).enumerate() {
                let row = match row {
                    Some(k) => columns[k],
                    None => {
                        rows.push(Vec::new());
                        row_keys.push(FastMap::default());
                        rows.len() - 1
                    }
                };
                let wording = match row_keys[row].get(&f.key) {
                    Some(&w) => w,
                    None => {
                        row_keys[row].insert(f.key.clone(), index.wordings.len());
                        index.add(row, f)
                    }
                };
                rows[row].push(Member {
                    column,
                    duty,
                    wording,
                });
            }
        }
        batch_start = batch_end;
    }

    let text_of = |m: &Member| positions[m.column].1.duties[m.duty].text.as_str();
    let build_row = |members: Vec<Member>| {
        // The wording most stores use, ties to the earliest.
        let mut counts: Vec<(usize, usize)> = Vec::new();
        for m in &members {
            match counts.iter_mut().find(|(w, _)| *w == m.wording) {
                Some(entry) => entry.1 += 1,
                None => counts.push((m.wording, 1)),
            }
        }
        let top = counts.iter().map(|c| c.1).max().unwrap_or(0);
        let top_wording = counts.iter().find(|c| c.1 == top).map(|c| c.0);
        let representative = members
            .iter()
            .find(|m| Some(m.wording) == top_wording)
            .unwrap_or(&members[0]);
        let representative_features = &index.wordings[representative.wording];
        let representative_text = text_of(representative);
        let mut cells: Vec<Cell> = (0..positions.len())
            .map(|_| Cell {
                kind: CellKind::Absent,
                text: None,
                similarity: None,
                line: None,
                duty: None,
                diff: Vec::new(),
            })
            .collect();
        // A row's cells are built in parallel too: one row may hold most of the diffs.
        let filled: Vec<(usize, Cell)> = members
            .par_iter()
            .with_min_len(16)
            .map(|m| {
                let duty = &positions[m.column].1.duties[m.duty];
                let same = m.wording == representative.wording;
                let cell = Cell {
                    kind: if same {
                        CellKind::Same
                    } else {
                        CellKind::Reworded
                    },
                    text: Some(duty.text.clone()),
                    similarity: Some(round3(
                        index.wordings[m.wording].similarity(representative_features),
                    )),
                    line: Some(duty.line),
                    duty: Some(m.duty),
                    diff: if same {
                        Vec::new()
                    } else {
                        inline_diff(representative_text, &duty.text)
                    },
                };
                (m.column, cell)
            })
            .collect();
        for (column, cell) in filled {
            cells[column] = cell;
        }
        let present = members.len();
        let first = &members[0];
        (
            (positions.len() - present, first.column, first.duty),
            CoverageRow {
                duty: representative_text.to_string(),
                present,
                group: row_group(present, positions.len()),
                cells,
            },
        )
    };
    // Rows are built in parallel (the inline diffs); the sort key is unique per row.
    let mut built: Vec<((usize, usize, usize), CoverageRow)> =
        rows.into_par_iter().map(build_row).collect();
    built.sort_by_key(|(key, _)| *key);
    let rows: Vec<CoverageRow> = built.into_iter().map(|(_, row)| row).collect();
    let missing_from_core = (0..positions.len())
        .map(|column| {
            rows.iter()
                .enumerate()
                .filter(|(_, r)| {
                    r.group == RowGroup::Core && r.cells[column].kind == CellKind::Absent
                })
                .map(|(k, _)| k)
                .collect()
        })
        .collect();
    Coverage {
        role: role.to_string(),
        stores: positions.iter().map(|(d, p)| Side::new(d, p)).collect(),
        rows,
        missing_from_core,
    }
}

/// Stores whose duties [`coverage`] looks up in one parallel batch.
const BATCH_STORES: usize = 32;

/// Keeps one position per document: a `duties` list over any other kind, then the one with the
/// most duties, then the first. Documents keep their order.
pub fn one_per_document<'a>(
    positions: &[(&'a Document, &'a Position)],
) -> Vec<(&'a Document, &'a Position)> {
    let mut chosen: Vec<(&'a Document, &'a Position)> = Vec::new();
    for &(document, position) in positions {
        match chosen.iter_mut().find(|(d, _)| d.id == document.id) {
            Some(slot) => {
                if preference(position) > preference(slot.1) {
                    slot.1 = position;
                }
            }
            None => chosen.push((document, position)),
        }
    }
    chosen
}

fn preference(position: &Position) -> (bool, usize) {
    (position.kind == PositionKind::Duties, position.duties.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::fixtures::*;

    #[test]
    fn coverage_puts_the_common_core_first() {
        let d1 = document(
            "d1",
            "描述",
            vec![position("销售经理", 480, SALES_MANAGER_480)],
        );
        let d2 = document(
            "d2",
            "修订",
            vec![position("销售经理", 496, SALES_MANAGER_496)],
        );
        let d3 = document(
            "d3",
            "docx",
            vec![position("销售经理", 534, SALES_MANAGER_DOCX)],
        );
        let positions = [
            (&d1, &d1.positions[0]),
            (&d2, &d2.positions[0]),
            (&d3, &d3.positions[0]),
        ];
        let matrix = coverage("销售经理", &positions, &CompareOptions::default());
        assert_eq!(matrix.stores.len(), 3);
        let first = &matrix.rows[0];
        assert!(first.present >= 2);
        // The ten duties of 480/496 are rows present in (at least) both; 报总经理处 is reworded.
        let manager_row = matrix
            .rows
            .iter()
            .find(|r| r.duty.contains("报总经理"))
            .unwrap();
        let kinds: Vec<CellKind> = manager_row.cells.iter().map(|c| c.kind).collect();
        assert!(kinds[0] != CellKind::Absent && kinds[1] != CellKind::Absent);
        assert!(kinds.contains(&CellKind::Reworded));
        // Presence never increases down the rows.
        for w in matrix.rows.windows(2) {
            assert!(w[0].present >= w[1].present);
        }
        let docx_only = matrix.rows.iter().filter(|r| r.present == 1).count();
        assert!(docx_only >= 6);
    }
}
