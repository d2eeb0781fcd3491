//! Store against store: two stores' whole sets of positions matched one-to-one by role and by
//! the duties they share, each matched pair aligned, and what each side has that the other lacks.
//!
//! A store's 展厅经理 may be the other's 销售主管, and an untitled list may be a position the other
//! store titles: so two positions are matched when they are the same role, or when their duties
//! overlap enough, and an optimal assignment (Kuhn–Munkres) over 0.4 × same role + 0.6 × duty
//! overlap decides which, so a copy found by its duties is never displaced by a weaker pair.

use super::align::assign;
use super::pairs::{compare_positions, round3, Comparison, PairKind};
use super::{CompareOptions, Side};
use crate::model::{Document, Position};
use serde::{Deserialize, Serialize};

/// Positions of different roles are matched only when their duty overlap reaches this: about a
/// third of the shorter list shared (see [`duty_overlap`]). Chosen before measuring: sharing one
/// boilerplate duty (完成领导交办的其他任务) of ten stays well below it.
pub const MATCH_OVERLAP: f64 = 0.3;

/// The weight of the same role in the score of a pair of positions; the duty overlap has the
/// rest.
const ROLE_WEIGHT: f64 = 0.4;

/// One side of a store comparison: the store and the documents its positions come from.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct StoreSide {
    pub store: String,
    /// The ids of the documents compared, in corpus order.
    pub doc_ids: Vec<String>,
    pub positions: usize,
    pub duties: usize,
}

/// Why two positions were matched.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum MatchBasis {
    /// The same role, whatever their duties.
    Role,
    /// Different roles (or no title), duties that overlap.
    Duties,
    /// The same role and overlapping duties.
    RoleAndDuties,
}

impl MatchBasis {
    pub fn as_str(self) -> &'static str {
        match self {
            MatchBasis::Role => "role",
            MatchBasis::Duties => "duties",
            MatchBasis::RoleAndDuties => "role_and_duties",
        }
    }
}

/// A duty one side's position has and the matched position of the other store lacks.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Lacked {
    /// The position that has it.
    pub position_id: String,
    /// 0-based index of the duty in that position.
    pub duty: usize,
    pub n: Option<String>,
    pub text: String,
    pub line: usize,
}

/// Two positions matched between the stores, with their alignment.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PositionMatch {
    pub matched_by: MatchBasis,
    /// The assignment's score: 0.4 × same role + 0.6 × duty overlap.
    pub score: f64,
    /// How much of the duties the two share (see [`duty_overlap`]), 0–1.
    pub duty_overlap: f64,
    /// The two positions aligned duty by duty (`comparison.a` is store A's position).
    pub comparison: Comparison,
    /// B's duties that A's position lacks (B's `only_b` duties).
    pub a_lacks: Vec<Lacked>,
    /// A's duties that B's position lacks.
    pub b_lacks: Vec<Lacked>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct StoreSummary {
    pub matched: usize,
    pub only_a: usize,
    pub only_b: usize,
}

/// Two stores compared position by position.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct StoreComparison {
    pub a: StoreSide,
    pub b: StoreSide,
    /// The duties of both stores in matched pairs, weighted by each pair's similarity, over all
    /// duties of both stores (1.0 for two identical stores).
    pub similarity: f64,
    pub summary: StoreSummary,
    /// In store A's order.
    pub matched: Vec<PositionMatch>,
    /// Positions no position of the other store matched, in each store's order.
    pub only_a: Vec<Side>,
    pub only_b: Vec<Side>,
}

/// Compares the positions of store A's documents with store B's.
pub fn compare_stores(
    a: &[&Document],
    b: &[&Document],
    options: &CompareOptions,
) -> StoreComparison {
    let positions = |documents: &[&Document]| -> Vec<(usize, usize)> {
        documents
            .iter()
            .enumerate()
            .flat_map(|(d, document)| (0..document.positions.len()).map(move |p| (d, p)))
            .collect()
    };
    let (a_list, b_list) = (positions(a), positions(b));
    // Every pair of the same kind is aligned; the scores decide which pairs stand.
    let mut candidates: Vec<Vec<Option<Candidate>>> = Vec::new();
    for &x in &a_list {
        let (document_a, position_a) = at(a, x);
        let row = b_list
            .iter()
            .map(|&y| {
                let (document_b, position_b) = at(b, y);
                if position_a.kind != position_b.kind {
                    return None;
                }
                let comparison =
                    compare_positions((document_a, position_a), (document_b, position_b), options);
                let overlap = duty_overlap(&comparison);
                let same_role = same_role(position_a, position_b);
                if !same_role && overlap < MATCH_OVERLAP {
                    return None;
                }
                let score =
                    ROLE_WEIGHT * f64::from(u8::from(same_role)) + (1.0 - ROLE_WEIGHT) * overlap;
                Some(Candidate {
                    score,
                    overlap,
                    same_role,
                    comparison,
                })
            })
            .collect();
        candidates.push(row);
    }
    let scores: Vec<Vec<f64>> = candidates
        .iter()
        .map(|row| {
            row.iter()
                .map(|c| c.as_ref().map_or(0.0, |c| c.score))
                .collect()
        })
        .collect();
    // Any candidate beats staying unmatched; among them the assignment maximises the total.
    let assignment = assign(&scores, a_list.len(), b_list.len(), 1e-3);
    let mut b_taken = vec![false; b_list.len()];
    let mut matched = Vec::new();
    let mut only_a = Vec::new();
    for (i, column) in assignment.into_iter().enumerate() {
        let found = column.and_then(|j| candidates[i][j].take().map(|c| (j, c)));
        let Some((j, candidate)) = found else {
            let (document, position) = at(a, a_list[i]);
            only_a.push(Side::new(document, position));
            continue;
        };
        b_taken[j] = true;
        let Candidate {
            score,
            overlap,
            same_role,
            comparison,
        } = candidate;
        let matched_by = match (same_role, overlap >= MATCH_OVERLAP) {
            (true, true) => MatchBasis::RoleAndDuties,
            (true, false) => MatchBasis::Role,
            _ => MatchBasis::Duties,
        };
        let (a_lacks, b_lacks) = lacked(&comparison, at(a, a_list[i]), at(b, b_list[j]));
        matched.push(PositionMatch {
            matched_by,
            score: round3(score),
            duty_overlap: round3(overlap),
            comparison,
            a_lacks,
            b_lacks,
        });
    }
    let only_b: Vec<Side> = b_list
        .iter()
        .zip(&b_taken)
        .filter(|(_, taken)| !**taken)
        .map(|(&y, _)| {
            let (document, position) = at(b, y);
            Side::new(document, position)
        })
        .collect();
    let side = |documents: &[&Document]| StoreSide {
        store: documents
            .first()
            .map(|d| d.store.clone())
            .unwrap_or_default(),
        doc_ids: documents.iter().map(|d| d.id.clone()).collect(),
        positions: documents.iter().map(|d| d.positions.len()).sum(),
        duties: documents
            .iter()
            .flat_map(|d| &d.positions)
            .map(|p| p.duties.len())
            .sum(),
    };
    let (a_side, b_side) = (side(a), side(b));
    let total = a_side.duties + b_side.duties;
    let shared: f64 = matched
        .iter()
        .map(|m| m.comparison.similarity * (m.comparison.a.duties + m.comparison.b.duties) as f64)
        .sum();
    StoreComparison {
        a: a_side,
        b: b_side,
        similarity: if total == 0 {
            0.0
        } else {
            round3(shared / total as f64)
        },
        summary: StoreSummary {
            matched: matched.len(),
            only_a: only_a.len(),
            only_b: only_b.len(),
        },
        matched,
        only_a,
        only_b,
    }
}

/// A pair of positions that may be matched, with its alignment.
struct Candidate {
    score: f64,
    overlap: f64,
    same_role: bool,
    comparison: Comparison,
}

/// The position at (document, index) of a store's documents.
fn at<'a>(documents: &[&'a Document], (d, p): (usize, usize)) -> (&'a Document, &'a Position) {
    let document = documents[d];
    (document, &document.positions[p])
}

/// Two positions are the same role when their role keys are equal and neither is untitled.
fn same_role(a: &Position, b: &Position) -> bool {
    let titled = |p: &Position| !p.role.is_empty() && p.title != crate::parse::UNTITLED;
    titled(a) && titled(b) && a.role == b.role
}

/// How much two positions' duties overlap: the mean of the alignment's similarity (shared
/// duties over both lists) and the share of the better-covered list in pairs, counted against
/// its length plus one so that one shared duty of a one-duty list is not a full match. A
/// truncated or partial copy scores by the second, a full copy by both.
pub fn duty_overlap(comparison: &Comparison) -> f64 {
    let (mut shared_a, mut shared_b) = (0.0, 0.0);
    for pair in &comparison.pairs {
        shared_a += pair.similarity * pair.a_duties.len() as f64;
        shared_b += pair.similarity * pair.b_duties.len() as f64;
    }
    let covered = (shared_a / (comparison.a.duties + 1) as f64)
        .max(shared_b / (comparison.b.duties + 1) as f64);
    (comparison.similarity + covered) / 2.0
}

/// The duties each side's position lacks: B's only-B duties for A, A's only-A duties for B.
fn lacked(
    comparison: &Comparison,
    a: (&Document, &Position),
    b: (&Document, &Position),
) -> (Vec<Lacked>, Vec<Lacked>) {
    let entry = |(document, position): (&Document, &Position), duty: usize| {
        let d = &position.duties[duty];
        Lacked {
            position_id: document.id_of(position),
            duty,
            n: d.n.clone(),
            text: d.text.clone(),
            line: d.line,
        }
    };
    let mut a_lacks = Vec::new();
    let mut b_lacks = Vec::new();
    for pair in &comparison.pairs {
        match pair.kind {
            PairKind::OnlyB => a_lacks.extend(pair.b_duties.iter().map(|&j| entry(b, j))),
            PairKind::OnlyA => b_lacks.extend(pair.a_duties.iter().map(|&i| entry(a, i))),
            _ => {}
        }
    }
    (a_lacks, b_lacks)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::fixtures::*;

    #[test]
    fn copies_match_by_duties_and_the_rest_by_role() {
        // Store 1: 销售经理 (480) and a 展厅经理 holding the docx 销售经理's duties; store 2:
        // the 修订 销售经理 (496), and the docx list under its own title.
        let one = document(
            "d1",
            "描述",
            vec![
                position("销售经理", 480, SALES_MANAGER_480),
                position("展厅经理", 500, SALES_MANAGER_DOCX),
            ],
        );
        let two = document(
            "d2",
            "修订",
            vec![
                position("市场经理", 520, &["负责市场活动"]),
                position("销售经理", 496, SALES_MANAGER_496),
                position("销售主管", 534, SALES_MANAGER_DOCX),
            ],
        );
        let c = compare_stores(&[&one], &[&two], &CompareOptions::default());
        let pairs: Vec<(&str, &str, MatchBasis)> = c
            .matched
            .iter()
            .map(|m| {
                (
                    m.comparison.a.position_id.as_str(),
                    m.comparison.b.position_id.as_str(),
                    m.matched_by,
                )
            })
            .collect();
        assert_eq!(
            pairs,
            vec![
                ("d1.p1", "d2.p2", MatchBasis::RoleAndDuties),
                ("d1.p2", "d2.p3", MatchBasis::Duties)
            ]
        );
        assert!(c.only_a.is_empty());
        assert_eq!(c.only_b.len(), 1);
        assert_eq!(c.only_b[0].position_id, "d2.p1");
        assert_eq!(
            c.summary,
            StoreSummary {
                matched: 2,
                only_a: 0,
                only_b: 1
            }
        );
        // Identical lists lack nothing; the revised one differs in one reworded duty only.
        assert!(c
            .matched
            .iter()
            .all(|m| m.a_lacks.is_empty() && m.b_lacks.is_empty()));
        assert!(c.similarity > 0.9 && c.similarity < 1.0, "{}", c.similarity);
    }

    #[test]
    fn a_shared_boilerplate_duty_is_no_match_but_the_same_role_is() {
        let one = document(
            "d1",
            "甲",
            vec![position(
                "展厅经理",
                1,
                &["负责展厅的日常管理", "完成领导交办的其他任务"],
            )],
        );
        let two = document(
            "d2",
            "乙",
            vec![
                position(
                    "行政经理",
                    10,
                    &["负责公司证照的年检", "完成领导交办的其他任务"],
                ),
                position("展厅经理", 20, &["负责二手车置换业务"]),
            ],
        );
        let c = compare_stores(&[&one], &[&two], &CompareOptions::default());
        assert_eq!(c.matched.len(), 1);
        let m = &c.matched[0];
        assert_eq!(m.comparison.b.position, "展厅经理");
        assert_eq!(m.matched_by, MatchBasis::Role);
        assert_eq!(m.a_lacks.len(), 1);
        assert_eq!(m.a_lacks[0].text, "负责二手车置换业务");
        assert_eq!(m.a_lacks[0].position_id, "d2.p2");
        assert_eq!(m.b_lacks.len(), 2);
        assert_eq!(c.only_b[0].position, "行政经理");
        // Empty stores compare to nothing, without panicking.
        let empty = document("d3", "丙", Vec::new());
        let c = compare_stores(&[&empty], &[&two], &CompareOptions::default());
        assert_eq!((c.matched.len(), c.only_b.len(), c.similarity), (0, 2, 0.0));
    }
}
