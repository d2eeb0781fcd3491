//! A large file parsed in pieces (as `parse_each` parses a file of 8 MB or more) gives exactly
//! the whole file's parse: the shipped merged corpus and generated merged files, cut into
//! small pieces so that there are many cuts to check, and hand-made files whose likely cuts
//! are no document boundaries.

#[path = "../examples/gen/generator.rs"]
mod generator;

use zhize::parse::{parse_text, parse_text_in_pieces, Vocabulary};
use zhize::roles::RoleRules;

/// Checks the pieces against the whole; returns how many pieces each size made.
fn assert_same_in_pieces(file: &str, text: &str, piece_bytes: &[usize]) -> Vec<usize> {
    let vocabulary = Vocabulary::shipped();
    let rules = RoleRules::shipped();
    let whole = parse_text(file, text, vocabulary, &rules);
    assert!(!whole.documents.is_empty(), "{file}: nothing parsed");
    let expected = serde_json::to_string(&(&whole.documents, &whole.report)).unwrap();
    let mut made = Vec::new();
    for &bytes in piece_bytes {
        let (documents, report, pieces) =
            parse_text_in_pieces(file, text, vocabulary, &rules, bytes);
        made.push(pieces);
        let got = serde_json::to_string(&(&documents, &report)).unwrap();
        if got != expected {
            let first = whole
                .documents
                .iter()
                .zip(&documents)
                .position(|(a, b)| a != b)
                .unwrap_or(whole.documents.len().min(documents.len()));
            panic!(
                "{file} in pieces of {bytes} bytes: {} documents for {}, first difference at \
                 document {first}",
                documents.len(),
                whole.documents.len()
            );
        }
    }
    made
}

#[test]
fn the_shipped_corpus_in_pieces_is_the_shipped_corpus() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut files = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "txt") {
            let text = std::fs::read_to_string(&path).unwrap();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            assert_same_in_pieces(&name, &text, &[2_000, 8_000, 30_000]);
            files += 1;
        }
    }
    assert!(files > 0);
}

#[test]
fn a_generated_merged_file_in_pieces_is_the_merged_file() {
    for seed in [3, 11] {
        let generated = generator::generate(&generator::Options {
            duties: 6_000,
            seed,
            duties_per_store: 150,
        })
        .into_one_file();
        let (name, text) = &generated.files[0];
        assert!(text.len() > 300_000, "{} bytes", text.len());
        let made = assert_same_in_pieces(name, text, &[4_000, 20_000, 100_000]);
        // Most cuts of a generated merged file are document boundaries and hold.
        let expected = text.len() / 100_000;
        assert!(
            made[2] * 2 > expected,
            "{made:?} pieces, ~{expected} cuts tried"
        );
        assert!(made[0] > made[1] && made[1] > made[2], "{made:?}");
    }
}

#[test]
fn cuts_that_are_no_document_boundary_are_parsed_across() {
    // Titles naming duties inside one document, after blank lines (the likely cuts), a list
    // running on across them, CRLF and lone CR line ends, a last line with no line end.
    let mut text = String::from("某某汽车销售服务有限公司岗位职责\r\n\r\n");
    for round in 0..40 {
        text.push_str(&format!(
            "\n销售经理岗位职责\n1、负责展厅第{round}项工作;\r"
        ));
        text.push_str("2、完成领导交办的其他任务。\n\n");
        text.push_str("前台接待岗位职责\n\n1、接待来店客户;\n2、登记来电\n继续上一行的文字。\n");
        if round % 7 == 0 {
            text.push_str(&format!("\n第{round}店汽车销售服务有限公司岗位职责\n\n"));
        }
    }
    text.push_str("\n售后服务顾问岗位职责\n1、接待维修客户");
    let made = assert_same_in_pieces("手写.txt", &text, &[50, 300, 1_000]);
    // The cuts at the store titles hold; those at the position titles do not.
    assert!(made[0] > 1 && made[0] <= 7, "{made:?}");
}

#[test]
fn a_file_with_no_likely_cut_is_one_piece() {
    let text = "1、负责展厅工作;\n2、完成领导交办的其他任务。\n".repeat(500);
    assert_eq!(assert_same_in_pieces("无标题.txt", &text, &[100]), vec![1]);
}
