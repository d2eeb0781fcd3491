//! Alignment: two lists of duties in, one-to-one pairs (Kuhn–Munkres over the similarity
//! matrix, each duty free to stay unmatched at the threshold's worth) and splits out, classed
//! same / reworded / only on one side / split.

use super::diff::inline_diff;
use super::pairs::{round3, Pair, PairKind};
use super::similarity::Features;
use super::CompareOptions;
use pathfinding::prelude::{kuhn_munkres, Matrix};
use std::collections::HashMap;

/// A part of a split must have at least this share of its bigrams inside the duty it belongs to.
const SPLIT_CONTAINMENT: f64 = 0.6;

/// Integer scale for the assignment (Kuhn–Munkres needs exact arithmetic).
const SCALE: f64 = 10_000.0;

/// Aligns two lists of duty texts; pairs come in A's order, B-only duties next to their
/// neighbours. Lines are left empty (see [`compare_positions`]).
pub fn align_duties(a: &[&str], b: &[&str], options: &CompareOptions) -> Vec<Pair> {
    let a_features: Vec<Features> = a.iter().map(|t| Features::new(t)).collect();
    let b_features: Vec<Features> = b.iter().map(|t| Features::new(t)).collect();
    let scores: Vec<Vec<f64>> = a_features
        .iter()
        .map(|fa| b_features.iter().map(|fb| fa.similarity(fb)).collect())
        .collect();
    let a_to_b = assign(&scores, a.len(), b.len(), options.threshold);
    let mut b_to_a: Vec<Option<usize>> = vec![None; b.len()];
    for (i, j) in a_to_b.iter().enumerate() {
        if let Some(j) = j {
            b_to_a[*j] = Some(i);
        }
    }

    // Splits: A's parts covered by one B duty, then B's parts covered by one A duty.
    let mut consumed_a = vec![false; a.len()];
    let mut consumed_b = vec![false; b.len()];
    let mut groups: Vec<(Vec<usize>, Vec<usize>, f64)> = Vec::new();
    for (single, parts, score) in find_splits(
        &b_features,
        &a_features,
        &b_to_a,
        &a_to_b,
        options.threshold,
        &consumed_b,
        &consumed_a,
    ) {
        consumed_b[single] = true;
        for &p in &parts {
            consumed_a[p] = true;
        }
        groups.push((parts, vec![single], score));
    }
    for (single, parts, score) in find_splits(
        &a_features,
        &b_features,
        &a_to_b,
        &b_to_a,
        options.threshold,
        &consumed_a,
        &consumed_b,
    ) {
        consumed_a[single] = true;
        for &p in &parts {
            consumed_b[p] = true;
        }
        groups.push((vec![single], parts, score));
    }

    let mut keyed: Vec<((i64, i64, i64), Pair)> = Vec::new();
    for (a_idx, b_idx, score) in groups {
        let a_parts: Vec<String> = a_idx.iter().map(|&i| a[i].to_string()).collect();
        let b_parts: Vec<String> = b_idx.iter().map(|&j| b[j].to_string()).collect();
        let a_text = a_parts.join(" ");
        let b_text = b_parts.join(" ");
        let pair = Pair {
            kind: PairKind::Split,
            diff: inline_diff(&a_text, &b_text),
            a: Some(a_text),
            b: Some(b_text),
            similarity: round3(score),
            a_duties: a_idx.clone(),
            b_duties: b_idx,
            a_parts,
            b_parts,
            a_lines: Vec::new(),
            b_lines: Vec::new(),
        };
        keyed.push(((a_idx[0] as i64, 0, 0), pair));
    }
    for (i, text) in a.iter().enumerate() {
        if consumed_a[i] {
            continue;
        }
        let pair = match a_to_b[i] {
            Some(j) if !consumed_b[j] => {
                let same = a_features[i].key == b_features[j].key;
                Pair {
                    kind: if same {
                        PairKind::Same
                    } else {
                        PairKind::Reworded
                    },
                    a: Some(text.to_string()),
                    b: Some(b[j].to_string()),
                    similarity: if same { 1.0 } else { round3(scores[i][j]) },
                    diff: inline_diff(text, b[j]),
                    a_duties: vec![i],
                    b_duties: vec![j],
                    a_parts: vec![text.to_string()],
                    b_parts: vec![b[j].to_string()],
                    a_lines: Vec::new(),
                    b_lines: Vec::new(),
                }
            }
            _ => one_sided(PairKind::OnlyA, i, text),
        };
        keyed.push(((i as i64, 0, 0), pair));
    }
    // A B-only duty goes after the pair holding the nearest B duty before it.
    let mut anchor_of_b: Vec<i64> = vec![-1; b.len()];
    for (key, pair) in &keyed {
        for &j in &pair.b_duties {
            anchor_of_b[j] = key.0;
        }
    }
    for (j, text) in b.iter().enumerate() {
        let taken = consumed_b[j] || b_to_a[j].is_some_and(|i| !consumed_a[i]);
        if taken {
            continue;
        }
        let before = anchor_of_b[..j].iter().rev().find(|&&k| k >= 0);
        let after = anchor_of_b[j + 1..].iter().find(|&&k| k >= 0);
        let key = match (before, after) {
            (Some(&k), _) => (k, 1, j as i64),
            (None, Some(&k)) => (k, -1, j as i64),
            // Nothing on B is paired: B's own duties follow A's.
            (None, None) => (i64::MAX, 1, j as i64),
        };
        keyed.push((key, one_sided(PairKind::OnlyB, j, text)));
    }
    keyed.sort_by_key(|(key, _)| *key);
    keyed.into_iter().map(|(_, pair)| pair).collect()
}

pub(super) fn one_sided(kind: PairKind, index: usize, text: &str) -> Pair {
    let only_a = kind == PairKind::OnlyA;
    let side = |yes: bool| {
        if yes {
            (Some(text.to_string()), vec![index], vec![text.to_string()])
        } else {
            (None, Vec::new(), Vec::new())
        }
    };
    let (a, a_duties, a_parts) = side(only_a);
    let (b, b_duties, b_parts) = side(!only_a);
    Pair {
        kind,
        a,
        b,
        similarity: 0.0,
        diff: Vec::new(),
        a_duties,
        b_duties,
        a_parts,
        b_parts,
        a_lines: Vec::new(),
        b_lines: Vec::new(),
    }
}

/// Optimal one-to-one assignment of rows to columns maximising the summed score, where a row
/// may instead take an "unmatched" slot worth the threshold. Returns each row's column.
pub(super) fn assign(
    scores: &[Vec<f64>],
    rows: usize,
    columns: usize,
    threshold: f64,
) -> Vec<Option<usize>> {
    if rows == 0 || columns == 0 {
        return vec![None; rows];
    }
    let to_weight = |s: f64| (s * SCALE).round() as i64;
    let unmatched = to_weight(threshold);
    // Columns: the real ones, then one unmatched slot per row, so rows ≤ columns always holds.
    let weights = Matrix::from_fn(rows, columns + rows, |(i, j)| {
        if j < columns {
            let s = scores[i][j];
            if s >= threshold {
                to_weight(s)
            } else {
                0
            }
        } else {
            unmatched
        }
    });
    let (_, assignment) = kuhn_munkres(&weights);
    assignment
        .into_iter()
        .enumerate()
        .map(|(i, j)| (j < columns && scores[i][j] >= threshold).then_some(j))
        .collect()
}

/// Finds duties on the `single` side that cover two or more duties on the `parts` side: each
/// unmatched part largely contained in a single-side duty joins that duty's group, together with
/// the duty's own partner; a group stands when the parts joined match the duty better than the
/// partner alone did.
fn find_splits(
    single: &[Features],
    parts: &[Features],
    single_to_part: &[Option<usize>],
    part_to_single: &[Option<usize>],
    threshold: f64,
    single_consumed: &[bool],
    parts_consumed: &[bool],
) -> Vec<(usize, Vec<usize>, f64)> {
    let mut candidates: HashMap<usize, Vec<usize>> = HashMap::new();
    for (p, feature) in parts.iter().enumerate() {
        if part_to_single[p].is_some() || parts_consumed[p] || feature.bigrams.is_empty() {
            continue;
        }
        let best = single
            .iter()
            .enumerate()
            .filter(|(s, _)| !single_consumed[*s])
            .map(|(s, f)| (s, feature.contained_in(f)))
            .filter(|(_, c)| *c >= SPLIT_CONTAINMENT)
            .max_by(|x, y| x.1.total_cmp(&y.1));
        if let Some((s, _)) = best {
            candidates.entry(s).or_default().push(p);
        }
    }
    let mut groups = Vec::new();
    let mut keys: Vec<usize> = candidates.keys().copied().collect();
    keys.sort_unstable();
    for s in keys {
        let mut group: Vec<usize> = Vec::new();
        let mut best = 0.0;
        if let Some(partner) = single_to_part[s] {
            if parts_consumed[partner] {
                continue;
            }
            group.push(partner);
            best = parts[partner].similarity(&single[s]);
        }
        let mut extra = candidates[&s].clone();
        extra.sort_by(|x, y| {
            parts[*y]
                .contained_in(&single[s])
                .total_cmp(&parts[*x].contained_in(&single[s]))
        });
        for p in extra {
            let mut trial = group.clone();
            trial.push(p);
            trial.sort_unstable();
            let joined: String = trial.iter().map(|&i| parts[i].text.as_str()).collect();
            let score = Features::new(&joined).similarity(&single[s]);
            if score >= threshold && score > best + 0.02 {
                group = trial;
                best = score;
            }
        }
        if group.len() >= 2 {
            groups.push((s, group, best));
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::fixtures::*;
    use crate::compare::{summarize, DiffOp};

    #[test]
    fn alignment_ignores_order() {
        let mut shuffled: Vec<&str> = SALES_MANAGER_496.to_vec();
        shuffled.reverse();
        let pairs = align_duties(SALES_MANAGER_480, &shuffled, &CompareOptions::default());
        let same = texts(&pairs, PairKind::Same);
        assert_eq!(same.len(), 9);
        assert!(same.contains(&(vec![0], vec![9])));
        assert!(same.contains(&(vec![9], vec![0])));
    }

    #[test]
    fn different_definitions_share_little() {
        let pairs = align_duties(
            SALES_MANAGER_480,
            SALES_MANAGER_DOCX,
            &CompareOptions::default(),
        );
        let summary = summarize(&pairs);
        assert_eq!(summary.same, 0);
        assert!(summary.only_a >= 7, "{pairs:#?}");
        assert!(summary.only_b >= 6, "{pairs:#?}");
    }

    #[test]
    fn one_duty_split_in_two_is_found() {
        // 销售主管 of 篇一 wraps one duty over items 3 and 4; 展厅经理 (line 480) has it whole.
        let a = [
            "协助销售经理制定每月的销售计划,并组织实施、督促完成",
            "负责展厅的日常管理、包括销售人员的日常行为规范、接待礼仪、展厅的卫生安排、",
            "厅人力和物力资源的合理安排。",
            "负责协助解决客户投诉。",
        ];
        let b = [
            "协助销售经理制定每月的销售计划,并组织实施、督促完成。",
            "负责展厅的日常管理、包括销售人员的日常行为规范、接待礼仪、 展厅的卫生安排、展厅人力和物力资源的合理安排。",
            "负责协助解决客户投诉。",
            "完成领导交办的其他任务。",
        ];
        let pairs = align_duties(&a, &b, &CompareOptions::default());
        assert_eq!(
            texts(&pairs, PairKind::Split),
            vec![(vec![1, 2], vec![1])],
            "{pairs:#?}"
        );
        assert_eq!(texts(&pairs, PairKind::Same).len(), 2);
        assert_eq!(texts(&pairs, PairKind::OnlyB), vec![(vec![], vec![3])]);
        // Pairs follow A's order.
        let kinds: Vec<PairKind> = pairs.iter().map(|p| p.kind).collect();
        assert_eq!(
            kinds,
            vec![
                PairKind::Same,
                PairKind::Split,
                PairKind::Same,
                PairKind::OnlyB
            ]
        );
    }

    #[test]
    fn small_edits_are_reworded_with_a_readable_diff() {
        // 总经理 in 4S店人员岗位职责 (line 528) and its copy (line 542).
        let a = "负责组织制定年度预算及年度工作计划,并有效的分解成月工作计 划,经过检查、调控、监督和考核等过程管理,保障各项计划及指标的完成。";
        let b = "负责组织制定年度预算及年度工作计划,并有效的分解成月工作计划, 通过检查、调控、监督和考核等过程管理,保障各项计划及指标的完成。";
        let pairs = align_duties(&[a], &[b], &CompareOptions::default());
        assert_eq!(pairs.len(), 1);
        assert_eq!(pairs[0].kind, PairKind::Reworded);
        // The wrapping spaces (计 划, 通) are minor: kept, so the spans rebuild the texts.
        let changed: Vec<(DiffOp, &str)> = pairs[0]
            .diff
            .iter()
            .filter(|s| s.op != DiffOp::Equal && !s.minor)
            .map(|s| (s.op, s.text.as_str()))
            .collect();
        assert_eq!(
            changed,
            vec![(DiffOp::Delete, "经"), (DiffOp::Insert, "通")]
        );
        assert_eq!(crate::compare::rebuild(&pairs[0].diff, DiffOp::Delete), a);
        assert_eq!(crate::compare::rebuild(&pairs[0].diff, DiffOp::Insert), b);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// Whatever the lists and their order: every duty lands in exactly one pair, the summary
        /// counts the pairs, and rotating B keeps the identical pairs.
        #[test]
        fn every_duty_is_accounted_for_once(
            a_pick in proptest::collection::vec(0usize..19, 0..12),
            b_pick in proptest::collection::vec(0usize..19, 0..12),
            seed in 0usize..1000,
        ) {
            let pool: Vec<&str> = SALES_MANAGER_480
                .iter()
                .chain(SALES_MANAGER_DOCX)
                .copied()
                .collect();
            let a: Vec<&str> = a_pick.iter().map(|&i| pool[i % pool.len()]).collect();
            let b: Vec<&str> = b_pick.iter().map(|&i| pool[i % pool.len()]).collect();
            let pairs = align_duties(&a, &b, &CompareOptions::default());
            let mut seen_a = vec![0; a.len()];
            let mut seen_b = vec![0; b.len()];
            for pair in &pairs {
                pair.a_duties.iter().for_each(|&i| seen_a[i] += 1);
                pair.b_duties.iter().for_each(|&j| seen_b[j] += 1);
            }
            proptest::prop_assert!(seen_a.iter().all(|&n| n == 1));
            proptest::prop_assert!(seen_b.iter().all(|&n| n == 1));
            let summary = summarize(&pairs);
            let total = summary.same + summary.reworded + summary.only_a + summary.only_b
                + summary.split;
            proptest::prop_assert_eq!(total, pairs.len());

            let mut shuffled = b.clone();
            let len = shuffled.len().max(1);
            shuffled.rotate_left(seed % len);
            let again = summarize(&align_duties(&a, &shuffled, &CompareOptions::default()));
            proptest::prop_assert_eq!(again.same, summary.same);
        }
    }
}
