//! Diffs that rebuild the texts: for every reworded (and split) pair compare finds — every two
//! positions of one role in the shipped corpus, the judged pairs, the coverage matrix of every
//! role two documents define, and the same over every file of the formats development corpus
//! (tests/formats/*/, converted to .docx, .xlsx, GBK … as the formats test does) — the equal and deleted spans are A's text exactly
//! and the equal and inserted spans B's, punctuation, spacing and width included; while `same`
//! still ignores punctuation and width.

use std::collections::BTreeMap;
use std::path::PathBuf;

mod common;
use common::formats::convert_every_set;
use zhize::compare::{
    compare_positions, coverage, one_per_document, rebuild, same_key, CellKind, CompareOptions,
    DiffOp, PairKind,
};
use zhize::{Corpus, Document, LoadOptions, Position};

#[derive(Default, Debug)]
struct Checked {
    comparisons: usize,
    reworded: usize,
    split: usize,
    cells: usize,
}

/// Checks every pair with a diff in the comparison of `a` and `b`.
fn check_pair(a: (&Document, &Position), b: (&Document, &Position), checked: &mut Checked) {
    let comparison = compare_positions(a, b, &CompareOptions::default());
    checked.comparisons += 1;
    for pair in &comparison.pairs {
        match pair.kind {
            PairKind::Reworded | PairKind::Split => {
                let (ta, tb) = (pair.a.as_deref().unwrap(), pair.b.as_deref().unwrap());
                let what = format!(
                    "{} / {}: {ta} / {tb}",
                    comparison.a.position_id, comparison.b.position_id
                );
                assert_eq!(rebuild(&pair.diff, DiffOp::Delete), ta, "{what}");
                assert_eq!(rebuild(&pair.diff, DiffOp::Insert), tb, "{what}");
                // The texts the pair stands for are the duties' own.
                let parts: Vec<&str> = pair
                    .a_duties
                    .iter()
                    .map(|&i| a.1.duties[i].text.as_str())
                    .collect();
                assert_eq!(parts.join(" "), ta);
                if pair.kind == PairKind::Reworded {
                    checked.reworded += 1;
                    assert_ne!(same_key(ta), same_key(tb), "reworded but the same: {what}");
                } else {
                    checked.split += 1;
                }
            }
            PairKind::Same => {
                let (ta, tb) = (pair.a.as_deref().unwrap(), pair.b.as_deref().unwrap());
                assert_eq!(same_key(ta), same_key(tb));
            }
            PairKind::OnlyA | PairKind::OnlyB => assert!(pair.diff.is_empty()),
        }
    }
}

/// Every two positions of one role, then every role's coverage matrix.
fn check_corpus(corpus: &Corpus, checked: &mut Checked) {
    let mut by_role: BTreeMap<&str, Vec<(&Document, &Position)>> = BTreeMap::new();
    for (document, position) in corpus.positions() {
        if !position.duties.is_empty() {
            by_role
                .entry(&position.role)
                .or_default()
                .push((document, position));
        }
    }
    for positions in by_role.values() {
        for (k, &a) in positions.iter().enumerate() {
            for &b in &positions[k + 1..] {
                check_pair(a, b, checked);
                check_pair(b, a, checked);
            }
        }
        let columns = one_per_document(positions);
        if columns.len() < 2 {
            continue;
        }
        let matrix = coverage(&columns[0].1.role, &columns, &CompareOptions::default());
        for row in &matrix.rows {
            for cell in row.cells.iter().filter(|c| c.kind == CellKind::Reworded) {
                checked.cells += 1;
                assert_eq!(rebuild(&cell.diff, DiffOp::Delete), row.duty);
                assert_eq!(
                    rebuild(&cell.diff, DiffOp::Insert),
                    cell.text.as_deref().unwrap()
                );
            }
        }
    }
}

#[test]
fn every_reworded_pair_of_the_shipped_corpus_rebuilds() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let corpus = zhize::load(&[path], &LoadOptions::default()).unwrap();
    let mut checked = Checked::default();
    check_corpus(&corpus, &mut checked);
    // The judged pairs of other roles (销售主管 / 展厅经理, untitled lists …), all ways round.
    let positions: Vec<(&Document, &Position)> = corpus.positions().collect();
    for &a in &positions {
        for &b in &positions {
            if a.0.id == b.0.id && std::ptr::eq(a.1, b.1) {
                continue;
            }
            check_pair(a, b, &mut checked);
        }
    }
    println!("shipped corpus: {checked:?}");
    assert!(checked.reworded >= 38, "{checked:?}");
    assert!(checked.split >= 1 && checked.cells >= 10, "{checked:?}");
}

#[test]
fn every_reworded_pair_of_the_formats_corpus_rebuilds() {
    // Every file of tests/formats/*/, converted to the .docx, .xlsx, GBK … it stands for.
    let out = tempfile::tempdir().expect("a temporary folder");
    let files = convert_every_set(out.path());
    assert!(files.len() >= 30, "{} files", files.len());
    // All files as one corpus: the same roles across the invented stores.
    let corpus = zhize::load(&files, &LoadOptions::default()).unwrap();
    let mut checked = Checked::default();
    check_corpus(&corpus, &mut checked);
    println!("formats corpus ({} files): {checked:?}", files.len());
    assert!(
        checked.comparisons >= 10 && checked.reworded >= 1,
        "{checked:?}"
    );
}
