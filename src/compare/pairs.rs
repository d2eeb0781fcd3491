//! The result of comparing two positions: the pairs of their alignment, each classed and with
//! its diff, the summary counts and the overall similarity.

use super::align::align_duties;
use super::diff::DiffSpan;
use super::{CompareOptions, Side};
use crate::model::{Document, Position};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum PairKind {
    /// The same words, once punctuation, spacing, numbering and widths are normalised.
    Same,
    /// Similar enough to be one duty in other words.
    Reworded,
    OnlyA,
    OnlyB,
    /// One duty on one side covers two (or more) on the other.
    Split,
}

impl PairKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PairKind::Same => "same",
            PairKind::Reworded => "reworded",
            PairKind::OnlyA => "only_a",
            PairKind::OnlyB => "only_b",
            PairKind::Split => "split",
        }
    }
}

/// One row of the alignment.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Pair {
    pub kind: PairKind,
    /// A's duty text (a split's parts joined by a space), or None when only B has it.
    pub a: Option<String>,
    pub b: Option<String>,
    /// 1.0 for `same`, the alignment score otherwise, 0.0 for duties on one side only.
    pub similarity: f64,
    /// The character-level inline diff from `a` to `b` (empty for one-sided pairs).
    pub diff: Vec<DiffSpan>,
    /// 0-based indexes of the duties in A's (and B's) position.
    pub a_duties: Vec<usize>,
    pub b_duties: Vec<usize>,
    /// The separate texts of the duties involved (two or more on the split side of a split).
    pub a_parts: Vec<String>,
    pub b_parts: Vec<String>,
    /// The source lines of the duties involved.
    pub a_lines: Vec<usize>,
    pub b_lines: Vec<usize>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Summary {
    pub same: usize,
    pub reworded: usize,
    pub only_a: usize,
    pub only_b: usize,
    pub split: usize,
}

/// Two positions aligned duty by duty.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Comparison {
    pub role: String,
    pub a: Side,
    pub b: Side,
    /// How much of the two definitions is shared: the duties in pairs, weighted by each pair's
    /// similarity, over all duties of both sides (1.0 for identical lists).
    pub similarity: f64,
    pub summary: Summary,
    pub pairs: Vec<Pair>,
}

/// Compares two positions (each with the document that defines it).
pub fn compare_positions(
    a: (&Document, &Position),
    b: (&Document, &Position),
    options: &CompareOptions,
) -> Comparison {
    let a_texts: Vec<&str> = a.1.duties.iter().map(|d| d.text.as_str()).collect();
    let b_texts: Vec<&str> = b.1.duties.iter().map(|d| d.text.as_str()).collect();
    let mut pairs = align_duties(&a_texts, &b_texts, options);
    for pair in &mut pairs {
        pair.a_lines = pair.a_duties.iter().map(|&i| a.1.duties[i].line).collect();
        pair.b_lines = pair.b_duties.iter().map(|&i| b.1.duties[i].line).collect();
    }
    let summary = summarize(&pairs);
    let similarity = overall_similarity(&pairs, a_texts.len() + b_texts.len());
    let role = if a.1.role == b.1.role || b.1.role.is_empty() {
        a.1.role.clone()
    } else if a.1.role.is_empty() {
        b.1.role.clone()
    } else {
        format!("{} / {}", a.1.role, b.1.role)
    };
    Comparison {
        role,
        a: Side::new(a.0, a.1),
        b: Side::new(b.0, b.1),
        similarity,
        summary,
        pairs,
    }
}

/// Counts the pairs of each kind.
pub fn summarize(pairs: &[Pair]) -> Summary {
    let mut summary = Summary::default();
    for pair in pairs {
        match pair.kind {
            PairKind::Same => summary.same += 1,
            PairKind::Reworded => summary.reworded += 1,
            PairKind::OnlyA => summary.only_a += 1,
            PairKind::OnlyB => summary.only_b += 1,
            PairKind::Split => summary.split += 1,
        }
    }
    summary
}

fn overall_similarity(pairs: &[Pair], total_duties: usize) -> f64 {
    if total_duties == 0 {
        return 0.0;
    }
    let shared: f64 = pairs
        .iter()
        .map(|p| p.similarity * (p.a_duties.len() + p.b_duties.len()) as f64)
        .sum();
    round3(shared / total_duties as f64)
}

pub(super) fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::align::one_sided;
    use crate::compare::fixtures::*;
    use crate::compare::DiffOp;

    #[test]
    fn revised_copy_differs_in_one_duty() {
        let a = document(
            "d1",
            "汽车4S店各岗位职责描述",
            vec![position("销售经理", 480, SALES_MANAGER_480)],
        );
        let b = document(
            "d2",
            "汽车4S店各岗位职责(修订)",
            vec![position("销售经理", 496, SALES_MANAGER_496)],
        );
        let c = compare_positions(
            (&a, &a.positions[0]),
            (&b, &b.positions[0]),
            &CompareOptions::default(),
        );
        assert_eq!(c.summary.same, 9, "{:#?}", c.pairs);
        assert_eq!(c.summary.reworded, 1);
        assert_eq!(c.summary.only_a + c.summary.only_b + c.summary.split, 0);
        let reworded = c
            .pairs
            .iter()
            .find(|p| p.kind == PairKind::Reworded)
            .unwrap();
        assert_eq!(reworded.a_duties, vec![2]);
        assert_eq!(reworded.b_duties, vec![2]);
        // As shown: the line-wrapping space of 董事 长 left out.
        let shown = crate::compare::shown_spans(&reworded.diff, crate::compare::DiffView::Inline);
        let inserted: String = shown
            .iter()
            .filter(|s| s.op == DiffOp::Insert)
            .map(|s| s.text.as_str())
            .collect();
        assert_eq!(inserted, "、董事长");
        assert!(reworded.diff.iter().all(|s| s.op != DiffOp::Delete));
        // As stored: B's text exactly, its space included.
        assert_eq!(
            crate::compare::rebuild(&reworded.diff, DiffOp::Insert),
            SALES_MANAGER_496[2]
        );
        assert!(
            c.similarity > 0.95 && c.similarity < 1.0,
            "{}",
            c.similarity
        );
        // Lines come from the duties.
        assert_eq!(reworded.a_lines, vec![482]);
    }

    #[test]
    fn json_shape_matches_the_issue() {
        let a = document(
            "d1",
            "描述",
            vec![position("销售经理", 480, SALES_MANAGER_480)],
        );
        let b = document(
            "d2",
            "修订",
            vec![position("销售经理", 496, SALES_MANAGER_496)],
        );
        let c = compare_positions(
            (&a, &a.positions[0]),
            (&b, &b.positions[0]),
            &CompareOptions::default(),
        );
        let v = serde_json::to_value(&c).unwrap();
        for key in ["role", "a", "b", "similarity", "summary", "pairs"] {
            assert!(v.get(key).is_some(), "{key}");
        }
        assert_eq!(v["a"]["doc_id"], "d1");
        assert_eq!(v["summary"]["only_a"], 0);
        let pair = &v["pairs"][2];
        assert_eq!(pair["kind"], "reworded");
        assert!(pair["diff"][0]["op"].is_string());
        let only = one_sided(PairKind::OnlyB, 0, "x");
        assert!(serde_json::to_value(&only).unwrap()["a"].is_null());
    }
}
