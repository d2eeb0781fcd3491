//! The shipped corpus saved as GBK, UTF-16 and .docx (files this test writes) parses to exactly
//! what the UTF-8 original does, and the command line says which encoding it used.

use std::path::Path;
use std::process::Command;
use zhize::{Corpus, LoadOptions};

mod common;
use common::{docx, utf16, write};

const CORPUS_FILE: &str = "corpus/4s店岗位职责合集.txt";

fn load(path: &Path) -> Corpus {
    zhize::load(&[path.to_path_buf()], &LoadOptions::default())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The documents without the file name, which differs by construction.
fn without_file(corpus: &Corpus) -> Vec<zhize::Document> {
    corpus
        .documents
        .iter()
        .cloned()
        .map(|mut d| {
            d.file = String::new();
            d
        })
        .collect()
}

fn original_text() -> String {
    std::fs::read_to_string(CORPUS_FILE).unwrap()
}

#[test]
fn gbk_utf16_and_docx_parse_like_the_utf8_original() {
    let original = load(Path::new(CORPUS_FILE));
    let expected = without_file(&original);
    assert_eq!(expected.len(), 23);
    let text = original_text();
    let dir = tempfile::tempdir().unwrap();
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable, "the corpus is representable in GBK");
    let variants = [
        (write(dir.path(), "gbk.txt", &gbk), "GB"),
        (
            write(dir.path(), "utf16le.txt", &utf16(&text, true)),
            "UTF-16LE",
        ),
        (
            write(dir.path(), "utf16be.txt", &utf16(&text, false)),
            "UTF-16BE",
        ),
        (
            write(
                dir.path(),
                "bom.txt",
                &[b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
            ),
            "UTF-8",
        ),
        (
            write(
                dir.path(),
                "corpus.docx",
                &docx(&text.lines().collect::<Vec<_>>()),
            ),
            "docx",
        ),
    ];
    for (path, encoding) in &variants {
        let corpus = load(path);
        assert!(
            corpus.files[0].encoding.starts_with(encoding),
            "{}: encoding {}",
            path.display(),
            corpus.files[0].encoding
        );
        let documents = without_file(&corpus);
        assert_eq!(documents.len(), expected.len(), "{}", path.display());
        for (got, want) in documents.iter().zip(&expected) {
            assert_eq!(got, want, "{}", path.display());
        }
        assert_eq!(
            corpus.files[0].chars,
            original.files[0].chars,
            "{}",
            path.display()
        );
    }
}

#[test]
fn export_json_is_the_same_for_gbk_and_utf8() {
    let dir = tempfile::tempdir().unwrap();
    let text = original_text();
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let gbk_path = write(dir.path(), "gbk.txt", &gbk);
    let run = |path: &Path| {
        let output = Command::new(env!("CARGO_BIN_EXE_zhize"))
            .args(["export", "--json"])
            .arg(path)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let stdout = String::from_utf8(output.stdout).unwrap();
        stdout
            .lines()
            .map(|line| {
                let mut value: serde_json::Value = serde_json::from_str(line).unwrap();
                value["source"]["file"] = serde_json::Value::Null;
                value
            })
            .collect::<Vec<_>>()
    };
    let utf8 = run(Path::new(CORPUS_FILE));
    assert_eq!(utf8.len(), 84);
    assert_eq!(run(&gbk_path), utf8);
    // The check report names the encoding it detected.
    let output = Command::new(env!("CARGO_BIN_EXE_zhize"))
        .args(["check", "--json"])
        .arg(&gbk_path)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let encoding = report["files"][0]["encoding"].as_str().unwrap();
    assert!(encoding.starts_with("GB"), "{encoding}");
}
