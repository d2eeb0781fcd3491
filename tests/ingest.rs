//! Ingest on the shipped corpus saved in every supported encoding and format: each must decode
//! to exactly the lines of the UTF-8 original. Inputs are generated here, never checked in.

use std::io::Write;
use std::path::Path;
use zhize::ingest::{self, IngestOptions, WarningKind};

mod common;
use common::{docx, utf16, write};

const CORPUS: &str = "corpus/4s店岗位职责合集.txt";

fn corpus_text() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(CORPUS)).unwrap()
}

fn lines(text: &str) -> Vec<String> {
    ingest::split_lines(text)
        .into_iter()
        .map(|line| line.trim().to_string())
        .collect()
}

/// Reads one generated file and checks it decodes to the original's lines.
fn assert_same_lines(name: &str, bytes: &[u8], encoding: &str) {
    let original = corpus_text();
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), name, bytes);
    let sources = ingest::read_inputs(std::slice::from_ref(&path)).unwrap();
    assert_eq!(sources.len(), 1);
    assert_eq!(sources[0].file, path.display().to_string());
    assert_eq!(sources[0].encoding, encoding, "{name}");
    let expected = lines(&original);
    let got = lines(&sources[0].text);
    assert_eq!(got.len(), expected.len(), "{name}: line count");
    for (number, (got, expected)) in got.iter().zip(&expected).enumerate() {
        assert_eq!(got, expected, "{name}: line {}", number + 1);
    }
}

#[test]
fn corpus_is_plain_utf8() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(CORPUS);
    let sources = ingest::read_inputs(&[path]).unwrap();
    assert_eq!(sources[0].encoding, "UTF-8");
    assert_eq!(sources[0].text, corpus_text());
}

#[test]
fn corpus_as_gbk_decodes_to_the_same_lines() {
    let original = corpus_text();
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(&original);
    assert!(!unmappable, "the corpus has characters outside GBK");
    assert!(std::str::from_utf8(&bytes).is_err());
    assert_same_lines("gbk.txt", &bytes, "GBK");
}

#[test]
fn corpus_as_gb18030_with_a_four_byte_character_is_named_gb18030() {
    // 𠮷 (U+20BB7) is outside GBK: GB18030 encodes it in four bytes.
    let text = format!("{}\n𠮷\n", corpus_text());
    let (bytes, _, _) = encoding_rs::GB18030.encode(&text);
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "gb18030.txt", &bytes);
    let sources = ingest::read_inputs(&[path]).unwrap();
    assert_eq!(sources[0].encoding, "GB18030");
    assert_eq!(sources[0].text, text);
}

#[test]
fn corpus_as_utf16_with_bom_decodes_to_the_same_lines() {
    let original = corpus_text();
    assert_same_lines("le.txt", &utf16(&original, true), "UTF-16LE");
    assert_same_lines("be.txt", &utf16(&original, false), "UTF-16BE");
}

#[test]
fn corpus_as_utf8_with_bom_decodes_to_the_same_lines() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(corpus_text().as_bytes());
    assert_same_lines("bom.md", &bytes, "UTF-8 (BOM)");
}

#[test]
fn corpus_as_docx_decodes_to_the_same_lines() {
    let original = corpus_text();
    let bytes = docx(&ingest::split_lines(&original));
    assert_same_lines("合集.docx", &bytes, "docx");
}

#[test]
fn docx_renamed_to_txt_is_still_read_as_docx() {
    let bytes = docx(&["总经理岗位职责", "1.负责公司的日常经营、管理工作;"]);
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "renamed.txt", &bytes);
    let sources = ingest::read_inputs(&[path]).unwrap();
    assert_eq!(sources[0].encoding, "docx");
    assert_eq!(
        lines(&sources[0].text),
        ["总经理岗位职责", "1.负责公司的日常经营、管理工作;"]
    );
}

#[test]
fn crlf_and_lone_cr_split_like_lf() {
    let original = corpus_text();
    let crlf = original.replace('\n', "\r\n");
    let cr = original.replace('\n', "\r");
    assert_same_lines("crlf.txt", crlf.as_bytes(), "UTF-8");
    assert_same_lines("cr.txt", cr.as_bytes(), "UTF-8");
}

#[test]
fn folder_mixing_gbk_and_utf8_decodes_each_file_right() {
    let dir = tempfile::tempdir().unwrap();
    let original = corpus_text();
    let all = ingest::split_lines(&original);
    let half = all.len() / 2;
    let first = all[..half].join("\n");
    let second = all[half..].join("\n");
    let (gbk, _, _) = encoding_rs::GBK.encode(&first);
    write(dir.path(), "b/2-utf8.txt", second.as_bytes());
    write(dir.path(), "a-gbk.txt", &gbk);
    write(
        dir.path(),
        "c-utf16.md",
        &utf16("销售顾问岗位职责\n1、负责客户接待", true),
    );
    let ingested = ingest::ingest(&[dir.path().to_path_buf()], &IngestOptions::default()).unwrap();
    let found: Vec<(String, &str)> = ingested
        .sources
        .iter()
        .map(|source| {
            let relative = Path::new(&source.file).strip_prefix(dir.path()).unwrap();
            (relative.display().to_string(), source.encoding.as_str())
        })
        .collect();
    // Sorted by name at every level: `a-gbk.txt` < `b/` < `c-utf16.md`.
    assert_eq!(
        found,
        [
            ("a-gbk.txt".to_string(), "GBK"),
            ("b/2-utf8.txt".to_string(), "UTF-8"),
            ("c-utf16.md".to_string(), "UTF-16LE"),
        ]
    );
    assert_eq!(ingested.sources[0].text, first);
    assert_eq!(ingested.sources[1].text, second);
    assert_eq!(
        ingested.sources[2].text,
        "销售顾问岗位职责\n1、负责客户接待"
    );
    assert!(ingested.warnings.is_empty(), "{:?}", ingested.warnings);
}

#[test]
fn merged_file_of_utf8_and_gbk_decodes_each_line_in_its_encoding() {
    let original = corpus_text();
    let all = ingest::split_lines(&original);
    let half = all.len() / 2;
    let first = format!("{}\n", all[..half].join("\n"));
    let second = all[half..].join("\n");
    let (gbk, _, _) = encoding_rs::GBK.encode(&second);
    let mut bytes = first.clone().into_bytes();
    bytes.extend_from_slice(&gbk);
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "merged.txt", &bytes);
    let sources = ingest::read_inputs(&[path]).unwrap();
    let gbk_lines = all[half..].iter().filter(|line| !line.is_ascii()).count();
    assert_eq!(
        sources[0].encoding,
        format!("UTF-8 + GBK ({gbk_lines} lines GBK)")
    );
    assert_eq!(sources[0].text, format!("{first}{second}"));
}

#[test]
fn folder_skips_other_files_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "岗位职责.TXT", "前台接待岗位职责".as_bytes());
    write(dir.path(), "logo.png", b"\x89PNG\r\n\x1a\n\0\0");
    write(dir.path(), ".hidden.txt", "隐藏".as_bytes());
    write(dir.path(), ".git/config.txt", "x".as_bytes());
    write(dir.path(), "~$岗位职责.docx", b"\x05owner\0\0");
    let ingested = ingest::ingest(&[dir.path().to_path_buf()], &IngestOptions::default()).unwrap();
    assert_eq!(ingested.sources.len(), 1);
    assert!(ingested.sources[0].file.ends_with("岗位职责.TXT"));
    let skipped: Vec<String> = ingested
        .warnings
        .iter()
        .map(|warning| {
            assert_eq!(warning.kind, WarningKind::Skipped, "{warning}");
            Path::new(&warning.file)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    // Hidden entries are reported once, without walking into them.
    assert_eq!(
        skipped,
        [".git", ".hidden.txt", "logo.png", "~$岗位职责.docx"]
    );
}

#[test]
fn streaming_reads_files_in_order_a_batch_at_a_time_and_stops_at_an_error() {
    // More files than one read-ahead batch, a GBK file, a rejected and a skipped one.
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("stores");
    let mut expected = Vec::new();
    for i in 0..70 {
        let text = format!("{i:02}号店 销售顾问岗位职责\n1、负责展厅接待{i}");
        let bytes = if i == 33 {
            encoding_rs::GBK.encode(&text).0.into_owned()
        } else {
            text.clone().into_bytes()
        };
        write(&folder, &format!("{i:02}.txt"), &bytes);
        expected.push((text, bytes.len() as u64));
    }
    write(&folder, "40-empty.txt", b"");
    write(&folder, "notes.png", b"\x89PNG");
    let missing = dir.path().join("missing.txt");
    let options = IngestOptions::default();

    let mut stream = ingest::stream(std::slice::from_ref(&folder), &options);
    let total: u64 = expected.iter().map(|(_, size)| size).sum();
    assert_eq!(stream.remaining_bytes(), total);
    let first = stream.next().unwrap();
    assert_eq!(
        (first.text.as_str(), first.size),
        (expected[0].0.as_str(), expected[0].1)
    );
    assert_eq!(stream.remaining_bytes(), total - expected[0].1);
    let rest: Vec<_> = stream.by_ref().collect();
    assert_eq!(rest.len(), 69);
    for (source, (text, size)) in rest.iter().zip(&expected[1..]) {
        assert_eq!(
            (&source.text, source.size),
            (text, *size),
            "{}",
            source.file
        );
    }
    assert_eq!(rest[32].encoding, "GBK");
    let warnings = stream.finish().unwrap();
    let kinds: Vec<_> = warnings.iter().map(|w| w.kind).collect();
    assert_eq!(kinds, [WarningKind::Rejected, WarningKind::Skipped]);
    assert!(
        warnings[0].file.ends_with("40-empty.txt"),
        "{}",
        warnings[0]
    );

    // A missing path after the folder: the folder's files come first, then the stream ends
    // and finish names the missing path.
    let mut stream = ingest::stream(&[folder, missing.clone()], &options);
    assert_eq!(stream.by_ref().count(), 70);
    match stream.finish() {
        Err(zhize::Error::Missing { path }) => assert_eq!(path, missing),
        other => panic!("expected the missing path, got {other:?}"),
    }
}

#[test]
fn a_file_named_explicitly_is_read_whatever_its_extension() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "duties.log", "1,负责展厅管理".as_bytes());
    let sources = ingest::read_inputs(&[path]).unwrap();
    assert_eq!(sources[0].text, "1,负责展厅管理");
}

#[test]
fn the_same_file_named_twice_is_read_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "a.txt", "服务顾问岗位职责".as_bytes());
    let ingested = ingest::ingest(
        &[dir.path().to_path_buf(), path.clone()],
        &IngestOptions::default(),
    )
    .unwrap();
    assert_eq!(ingested.sources.len(), 1);
    assert_eq!(ingested.warnings.len(), 1);
    assert_eq!(ingested.warnings[0].file, path.display().to_string());
    assert_eq!(ingested.warnings[0].kind, WarningKind::Skipped);
}

#[test]
fn lossy_decoding_is_reported_not_silent() {
    let dir = tempfile::tempdir().unwrap();
    let text = corpus_text();
    let boundary = |at: usize| (at..).find(|&i| text.is_char_boundary(i)).unwrap();
    let (first, second) = (boundary(100), boundary(3000));
    let mut bytes = text.clone().into_bytes();
    // Two stray bytes that are not UTF-8, between characters of a UTF-8 file.
    bytes.insert(second, 0xFE);
    bytes.insert(first, 0xFF);
    let path = write(dir.path(), "damaged.txt", &bytes);
    let ingested = ingest::ingest(std::slice::from_ref(&path), &IngestOptions::default()).unwrap();
    assert_eq!(
        ingested.sources[0].encoding,
        "UTF-8 (lossy, 2 replacement characters)"
    );
    assert_eq!(ingested.sources[0].text.matches('\u{FFFD}').count(), 2);
    assert_eq!(ingested.warnings.len(), 1);
    assert_eq!(ingested.warnings[0].kind, WarningKind::Lossy);
    assert_eq!(ingested.warnings[0].file, path.display().to_string());
}

#[test]
fn parsing_each_encoding_exports_what_the_utf8_original_does() {
    let original = corpus_text();
    let dir = tempfile::tempdir().unwrap();
    let (gbk, _, _) = encoding_rs::GBK.encode(&original);
    let variants = [
        write(dir.path(), "utf8.txt", original.as_bytes()),
        write(dir.path(), "gbk.txt", &gbk),
        write(dir.path(), "utf16.txt", &utf16(&original, true)),
        write(
            dir.path(),
            "word.docx",
            &docx(&ingest::split_lines(&original)),
        ),
    ];
    let options = zhize::LoadOptions::default();
    let reference = zhize::load(&variants[..1], &options).unwrap();
    let strip = |corpus: zhize::Corpus| -> Vec<zhize::Document> {
        corpus
            .documents
            .into_iter()
            .map(|mut document| {
                document.file = String::new();
                document
            })
            .collect()
    };
    let reference = strip(reference);
    // The shipped corpus merges about 25 documents: an empty parse would prove nothing.
    assert!(reference.len() >= 20, "{} documents", reference.len());
    for variant in &variants[1..] {
        let corpus = zhize::load(std::slice::from_ref(variant), &options).unwrap();
        assert_eq!(strip(corpus), reference, "{}", variant.display());
    }
}

/// `zhize check --json` on the corpus in each encoding: the encoding is named and the counts
/// are those of the UTF-8 original.
#[test]
fn check_names_the_encoding_and_counts_the_same() {
    let original = corpus_text();
    let dir = tempfile::tempdir().unwrap();
    let (gbk, _, _) = encoding_rs::GBK.encode(&original);
    let variants = [
        (write(dir.path(), "utf8.txt", original.as_bytes()), "UTF-8"),
        (write(dir.path(), "gbk.txt", &gbk), "GBK"),
        (
            write(dir.path(), "le.txt", &utf16(&original, true)),
            "UTF-16LE",
        ),
        (
            write(dir.path(), "be.txt", &utf16(&original, false)),
            "UTF-16BE",
        ),
        (
            write(dir.path(), "w.docx", &docx(&ingest::split_lines(&original))),
            "docx",
        ),
    ];
    let check = |path: &Path| -> serde_json::Value {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_zhize"))
            .args(["check", "--json"])
            .arg(path)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        report["files"][0].clone()
    };
    let counts = |file: &serde_json::Value| {
        ["documents", "positions", "duties", "lines", "chars"]
            .map(|key| file[key].clone())
            .to_vec()
    };
    let reference = check(&variants[0].0);
    assert!(reference["duties"].as_u64().unwrap() > 100);
    for (path, encoding) in &variants {
        let file = check(path);
        assert_eq!(file["encoding"], *encoding, "{}", path.display());
        assert_eq!(counts(&file), counts(&reference), "{}", path.display());
    }
}

/// `-` reads standard input, in any encoding.
#[test]
fn check_reads_standard_input() {
    let original = corpus_text();
    let (gbk, _, _) = encoding_rs::GBK.encode(&original);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_zhize"))
        // Named twice: read once (standard input can be read only once anyway).
        .args(["check", "--json", "-", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&gbk).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["files"].as_array().unwrap().len(), 1);
    assert_eq!(report["files"][0]["file"], "-");
    assert_eq!(report["files"][0]["encoding"], "GBK");
}

/// A .docx piped to standard input is recognised by its zip magic.
#[test]
fn check_reads_a_docx_from_standard_input() {
    let original = corpus_text();
    let bytes = docx(&ingest::split_lines(&original));
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_zhize"))
        .args(["check", "--json", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&bytes).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["files"][0]["encoding"], "docx");
    assert!(report["files"][0]["duties"].as_u64().unwrap() > 100);
}

mod property {
    use super::*;
    use proptest::prelude::*;

    /// Non-blank corpus lines: real vocabulary for generated inputs.
    fn corpus_lines() -> Vec<String> {
        ingest::split_lines(&corpus_text())
            .into_iter()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .map(String::from)
            .collect()
    }

    fn encode(text: &str, encoding: usize) -> (Vec<u8>, &'static str) {
        match encoding {
            0 => (text.as_bytes().to_vec(), "UTF-8"),
            1 => {
                let mut bytes = b"\xEF\xBB\xBF".to_vec();
                bytes.extend_from_slice(text.as_bytes());
                (bytes, "UTF-8 (BOM)")
            }
            2 => (utf16(text, true), "UTF-16LE"),
            3 => (utf16(text, false), "UTF-16BE"),
            _ => (encoding_rs::GBK.encode(text).0.into_owned(), "GBK"),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        /// A few real corpus lines, any supported encoding, any line ends: decoded exactly,
        /// encoding named right. Short GBK inputs are where detection is weakest.
        #[test]
        fn corpus_excerpts_decode_exactly(
            picks in proptest::collection::vec(any::<prop::sample::Index>(), 1..8),
            encoding in 0usize..5,
            line_end in prop::sample::select(vec!["\n", "\r\n", "\r"]),
        ) {
            let lines = corpus_lines();
            let chosen: Vec<&str> = picks.iter().map(|pick| lines[pick.index(lines.len())].as_str()).collect();
            let text = chosen.join(line_end);
            let (bytes, mut name) = encode(&text, encoding);
            if text.is_ascii() && name == "GBK" {
                name = "UTF-8"; // ASCII is both.
            }
            let (decoded, used) = ingest::decode(&bytes);
            prop_assert_eq!(&decoded, &text);
            prop_assert_eq!(used, name);
        }
    }
}
