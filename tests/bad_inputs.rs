//! The catalogue of hostile inputs for ingest (issue 7): each gets a clear error naming the file,
//! or a warning while the rest of the run goes on — never a panic or a hang. Every input is
//! generated here at run time.

use std::io::Write;
use std::path::Path;
use zhize::ingest::{self, IngestOptions, Warning, WarningKind};
use zhize::Error;

mod common;
use common::{write, zip_of};

const GOOD: &str = "销售顾问岗位职责\n1、负责接待到店客户,介绍车辆性能;\n2、跟踪回访意向客户。\n";

/// Reads one explicitly named file and returns the `BadInput` message, checking the error
/// names that file.
fn bad_input_message(path: &Path) -> String {
    match ingest::read_inputs(&[path.to_path_buf()]) {
        Err(Error::BadInput { file, message }) => {
            assert_eq!(file, path.display().to_string());
            message
        }
        other => panic!("{}: expected BadInput, got {other:?}", path.display()),
    }
}

fn rejected(warnings: &[Warning]) -> Vec<&Warning> {
    warnings
        .iter()
        .filter(|warning| warning.kind == WarningKind::Rejected)
        .collect()
}

/// Whether permission bits keep this process out (not when running as root).
fn permissions_enforced(path: &Path) -> bool {
    if std::fs::read_dir(path).is_ok() || std::fs::read(path).is_ok() {
        println!(
            "note: running with privileges that ignore file permissions (root?): \
             the permission test cannot fail here and is skipped"
        );
        return false;
    }
    true
}

fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn document_xml(doctype: &str, body: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>{doctype}\
         <w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
         <w:body>{body}</w:body></w:document>"
    )
}

/// A zip whose `word/document.xml` inflates to `size` bytes of one repeated paragraph, written
/// in 1 MB chunks so the test never holds the whole entry.
fn zip_bomb(size: usize) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1))
        .large_file(size as u64 >= u32::MAX as u64);
    writer.start_file("word/document.xml", options).unwrap();
    let chunk = "<w:p><w:r><w:t>负责展厅管理</w:t></w:r></w:p>".repeat(1024 * 1024 / 48);
    let mut written = 0;
    writer.write_all(b"<w:document><w:body>").unwrap();
    while written < size {
        writer.write_all(chunk.as_bytes()).unwrap();
        written += chunk.len();
    }
    writer.finish().unwrap().into_inner()
}

#[test]
fn missing_path_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("没有这个文件.txt");
    match ingest::read_inputs(std::slice::from_ref(&path)) {
        Err(Error::Missing { path: missing }) => assert_eq!(missing, path),
        other => panic!("expected Missing, got {other:?}"),
    }
    let broken = dir.path().join("broken.txt");
    std::os::unix::fs::symlink(&path, &broken).unwrap();
    assert!(matches!(
        ingest::read_inputs(&[broken]),
        Err(Error::Missing { .. })
    ));
}

#[test]
fn empty_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "empty.txt", b"");
    assert_eq!(bad_input_message(&path), "empty file");
    // A BOM alone is as empty.
    let path = write(dir.path(), "bom.txt", b"\xEF\xBB\xBF");
    assert!(bad_input_message(&path).starts_with("empty file"));
}

#[test]
fn whitespace_only_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    // Spaces, tabs, CRLF, and the ideographic space U+3000.
    let path = write(dir.path(), "blank.txt", " \t\r\n\u{3000}\n\r".as_bytes());
    assert_eq!(bad_input_message(&path), "empty file (only whitespace)");
}

#[test]
fn binary_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    // Deterministic pseudo-random bytes (xorshift), with NULs among them.
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let bytes: Vec<u8> = (0..4096)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 56) as u8
        })
        .collect();
    assert!(bytes.contains(&0));
    let path = write(dir.path(), "random.txt", &bytes);
    assert!(bad_input_message(&path).starts_with("looks like a binary file"));
    // Without NULs, control characters give it away.
    let controls: Vec<u8> = (0..2048).map(|i| 1 + (i % 8) as u8).collect();
    let path = write(dir.path(), "controls.txt", &controls);
    assert!(bad_input_message(&path).starts_with("looks like a binary file"));
    // An old binary .doc (OLE compound file) saved as .txt.
    let mut ole = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
    ole.extend_from_slice(&[0; 64]);
    let path = write(dir.path(), "old.txt", &ole);
    assert!(bad_input_message(&path).contains(".doc"));
}

#[test]
fn invalid_utf8_that_is_not_gbk_is_decoded_lossily_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    // Bytes invalid in UTF-8 and in GBK alike (0x80 and 0xFF are never GBK lead bytes).
    let mut bytes = GOOD.as_bytes().to_vec();
    bytes.extend_from_slice(b"\x80\xFF\n");
    let path = write(dir.path(), "broken.txt", &bytes);
    let ingested = ingest::ingest(&[path], &IngestOptions::default()).unwrap();
    let source = &ingested.sources[0];
    assert_eq!(source.encoding, "UTF-8 (lossy, 2 replacement characters)");
    assert!(source.text.starts_with(GOOD));
    assert_eq!(ingested.warnings[0].kind, WarningKind::Lossy);
}

#[test]
fn gbk_mislabelled_as_markdown_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    let (gbk, _, _) = encoding_rs::GBK.encode(GOOD);
    let path = write(dir.path(), "职责.md", &gbk);
    let sources = ingest::read_inputs(&[path]).unwrap();
    assert_eq!(sources[0].encoding, "GBK");
    assert_eq!(sources[0].text, GOOD);
}

#[test]
fn utf16_with_an_odd_byte_count_is_lossy_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = vec![0xFF, 0xFE];
    for unit in GOOD.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    bytes.push(0x41);
    let path = write(dir.path(), "odd.txt", &bytes);
    let sources = ingest::read_inputs(&[path]).unwrap();
    assert_eq!(
        sources[0].encoding,
        "UTF-16LE (lossy, 1 replacement characters)"
    );
    assert!(sources[0].text.starts_with(GOOD));
}

#[test]
fn one_bad_file_in_a_folder_does_not_sink_the_run() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a-empty.txt", b"");
    let good = write(dir.path(), "b-good.txt", GOOD.as_bytes());
    write(dir.path(), "c-binary.md", b"\0\x01\x02PNG");
    write(dir.path(), "d-broken.docx", b"this is not a zip");
    let ingested = ingest::ingest(&[dir.path().to_path_buf()], &IngestOptions::default()).unwrap();
    assert_eq!(ingested.sources.len(), 1);
    assert_eq!(ingested.sources[0].file, good.display().to_string());
    let rejected = rejected(&ingested.warnings);
    let names: Vec<&str> = rejected
        .iter()
        .map(|warning| warning.file.rsplit('/').next().unwrap())
        .collect();
    assert_eq!(names, ["a-empty.txt", "c-binary.md", "d-broken.docx"]);
    assert_eq!(rejected[0].message, "empty file");
    assert!(rejected[1].message.starts_with("looks like a binary file"));
    assert!(rejected[2].message.contains("not a zip archive"));
    // The strict reader refuses the same folder, naming the first bad file.
    match ingest::read_inputs(&[dir.path().to_path_buf()]) {
        Err(Error::BadInput { file, message }) => {
            assert!(file.ends_with("a-empty.txt"));
            assert_eq!(message, "empty file");
        }
        other => panic!("expected BadInput, got {other:?}"),
    }
}

#[test]
fn folder_without_usable_files_is_an_error_naming_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let only_bad = dir.path().join("only_bad");
    write(&only_bad, "blank.txt", b"  \n");
    write(&only_bad, "photo.jpg", b"\xFF\xD8\xFF");
    for (folder, reason) in [(&empty, None), (&only_bad, Some("blank.txt: empty file"))] {
        match ingest::ingest(std::slice::from_ref(folder), &IngestOptions::default()) {
            Err(Error::BadInput { file, message }) => {
                assert_eq!(file, folder.display().to_string());
                assert!(message.starts_with("no readable .txt, .md, .docx, .xlsx or .csv file"));
                if let Some(reason) = reason {
                    assert!(message.contains(reason), "{message}");
                    assert!(message.contains("1 other file(s) skipped"), "{message}");
                }
            }
            other => panic!("expected BadInput, got {other:?}"),
        }
    }
}

#[test]
fn ten_megabyte_single_line_is_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    let unit = "负责展厅管理,维护展厅环境;";
    let line = unit.repeat(10 * 1024 * 1024 / unit.len() + 1);
    assert!(line.len() >= 10 * 1024 * 1024);
    let path = write(dir.path(), "one_line.txt", line.as_bytes());
    let sources = ingest::read_inputs(&[path]).unwrap();
    assert_eq!(sources[0].text.len(), line.len());
    assert_eq!(ingest::split_lines(&sources[0].text), [line.as_str()]);
}

#[test]
fn too_large_file_is_refused_by_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "big.txt", GOOD.repeat(100).as_bytes());
    let options = IngestOptions {
        max_file_bytes: 1000,
        ..IngestOptions::default()
    };
    match ingest::ingest(std::slice::from_ref(&path), &options) {
        Err(Error::BadInput { file, message }) => {
            assert_eq!(file, path.display().to_string());
            assert!(message.starts_with("file too large"), "{message}");
        }
        other => panic!("expected BadInput, got {other:?}"),
    }
}

#[test]
fn docx_that_is_not_a_zip_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "fake.docx", GOOD.as_bytes());
    assert_eq!(bad_input_message(&path), "not a .docx (not a zip archive)");
    // Zip magic, then garbage.
    let path = write(dir.path(), "truncated.docx", b"PK\x03\x04\x14\x00garbage");
    assert!(bad_input_message(&path).contains("broken zip archive"));
}

#[test]
fn docx_without_document_xml_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = zip_of(&[("word/styles.xml", b"<styles/>"), ("readme.txt", b"hi")]);
    let path = write(dir.path(), "hollow.docx", &bytes);
    assert_eq!(
        bad_input_message(&path),
        "not a .docx (the zip archive has no word/document.xml)"
    );
}

#[test]
fn docx_zip_bomb_is_refused_at_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    // 8 MB against a 1 MB limit: the same code path as gigabytes against 64 MB, but fast.
    let path = write(dir.path(), "bomb.docx", &zip_bomb(8 * 1024 * 1024));
    let options = IngestOptions {
        max_docx_xml_bytes: 1024 * 1024,
        ..IngestOptions::default()
    };
    match ingest::ingest(std::slice::from_ref(&path), &options) {
        Err(Error::BadInput { file, message }) => {
            assert_eq!(file, path.display().to_string());
            assert!(message.contains("more than 1 MB"), "{message}");
            assert!(message.contains("zip bomb"), "{message}");
        }
        other => panic!("expected BadInput, got {other:?}"),
    }
}

#[test]
fn docx_zip_bomb_past_the_default_limit_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    // Inflates to 80 MB, past the default 64 MB; compressed it is a few hundred kilobytes.
    let bytes = zip_bomb(80 * 1024 * 1024);
    assert!(bytes.len() < 2 * 1024 * 1024, "{} bytes", bytes.len());
    let path = write(dir.path(), "bomb.docx", &bytes);
    assert!(bad_input_message(&path).contains("more than 64 MB"));
}

#[test]
fn docx_zip_bomb_lying_about_its_size_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = zip_bomb(8 * 1024 * 1024);
    // Claim 1000 bytes uncompressed, in the local header (offset 22) and the central directory
    // (offset 24): the bound must hold on the bytes actually inflated, not on the label.
    let lie = 1000u32.to_le_bytes();
    bytes[22..26].copy_from_slice(&lie);
    let central = bytes.windows(4).rposition(|w| w == b"PK\x01\x02").unwrap();
    bytes[central + 24..central + 28].copy_from_slice(&lie);
    let path = write(dir.path(), "liar.docx", &bytes);
    let options = IngestOptions {
        max_docx_xml_bytes: 1024 * 1024,
        ..IngestOptions::default()
    };
    match ingest::ingest(std::slice::from_ref(&path), &options) {
        Err(Error::BadInput { file, message }) => {
            assert_eq!(file, path.display().to_string());
            assert!(message.contains("word/document.xml"), "{message}");
        }
        other => panic!("expected BadInput, got {other:?}"),
    }
}

#[test]
fn docx_doctype_and_entities_are_not_expanded() {
    let dir = tempfile::tempdir().unwrap();
    let secret = write(dir.path(), "secret.txt", "机密内容".as_bytes());
    // An external entity (XXE) and a billion-laughs chain: neither may be expanded or fetched.
    let doctype = format!(
        "<!DOCTYPE w:document [<!ENTITY xxe SYSTEM \"file://{}\">\
         <!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\
         <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>",
        secret.display()
    );
    let body = "<w:p><w:r><w:t>1、负责&xxe;接待</w:t></w:r></w:p>\
                <w:p><w:r><w:t>&lol3;</w:t></w:r></w:p>\
                <w:p><w:r><w:t>2、&lt;审核&gt; &amp; 跟踪&#12290;</w:t></w:r></w:p>";
    let xml = document_xml(&doctype, body);
    let path = write(
        dir.path(),
        "entities.docx",
        &zip_of(&[("word/document.xml", xml.as_bytes())]),
    );
    let sources = ingest::read_inputs(&[path]).unwrap();
    let text = &sources[0].text;
    assert!(
        !text.contains("机密内容"),
        "external entity fetched: {text}"
    );
    assert!(!text.contains("lollol"), "entity expanded: {text}");
    assert_eq!(
        ingest::split_lines(text),
        ["1、负责&xxe;接待", "&lol3;", "2、<审核> & 跟踪。"]
    );
}

#[test]
fn docx_with_malformed_xml_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let xml = "<w:document><w:body><w:p><w:r><w:t>负责</w:t></w:r></w:p><w:p <<<";
    let path = write(
        dir.path(),
        "malformed.docx",
        &zip_of(&[("word/document.xml", xml.as_bytes())]),
    );
    assert!(bad_input_message(&path).contains("word/document.xml"));
}

#[test]
fn docx_without_text_is_empty() {
    let dir = tempfile::tempdir().unwrap();
    let xml = document_xml("", "<w:p/><w:p><w:r><w:t> </w:t></w:r></w:p>");
    let path = write(
        dir.path(),
        "blank.docx",
        &zip_of(&[("word/document.xml", xml.as_bytes())]),
    );
    assert!(bad_input_message(&path).starts_with("empty file"));
}

#[test]
fn unreadable_file_is_an_io_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "locked.txt", GOOD.as_bytes());
    chmod(&path, 0o000);
    if !permissions_enforced(&path) {
        return;
    }
    match ingest::read_inputs(std::slice::from_ref(&path)) {
        Err(error @ Error::Io { .. }) => {
            assert!(error.to_string().starts_with(&path.display().to_string()));
        }
        other => panic!("expected Io, got {other:?}"),
    }
    // Inside a folder: a warning, and the readable file still read.
    write(dir.path(), "open.txt", GOOD.as_bytes());
    let ingested = ingest::ingest(&[dir.path().to_path_buf()], &IngestOptions::default()).unwrap();
    assert_eq!(ingested.sources.len(), 1);
    assert_eq!(
        rejected(&ingested.warnings)[0].file,
        path.display().to_string()
    );
}

#[test]
fn unreadable_subfolder_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.txt", GOOD.as_bytes());
    let locked = dir.path().join("locked");
    write(&locked, "b.txt", GOOD.as_bytes());
    chmod(&locked, 0o000);
    let enforced = permissions_enforced(&locked);
    let result = ingest::ingest(&[dir.path().to_path_buf()], &IngestOptions::default());
    chmod(&locked, 0o755);
    if !enforced {
        return;
    }
    let ingested = result.unwrap();
    assert_eq!(ingested.sources.len(), 1);
    assert_eq!(
        rejected(&ingested.warnings)[0].file,
        locked.display().to_string()
    );
}

#[test]
fn symlink_loops_in_a_folder_do_not_hang() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("corpus");
    write(&root, "good.txt", GOOD.as_bytes());
    // A folder link back to its own parent, and two file links pointing at each other.
    std::os::unix::fs::symlink(&root, root.join("again")).unwrap();
    std::os::unix::fs::symlink(root.join("y.txt"), root.join("x.txt")).unwrap();
    std::os::unix::fs::symlink(root.join("x.txt"), root.join("y.txt")).unwrap();
    // A link to a good file is followed.
    std::os::unix::fs::symlink(root.join("good.txt"), root.join("link.md")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("elsewhere.txt"), root.join("outside.txt")).unwrap();
    write(dir.path(), "elsewhere.txt", "前台岗位职责".as_bytes());
    let ingested = ingest::ingest(std::slice::from_ref(&root), &IngestOptions::default()).unwrap();
    let files: Vec<&str> = ingested
        .sources
        .iter()
        .map(|source| source.file.rsplit('/').next().unwrap())
        .collect();
    // link.md is good.txt again: read once, under its first name.
    assert_eq!(files, ["good.txt", "outside.txt"]);
    let find = |name: &str| {
        ingested
            .warnings
            .iter()
            .find(|warning| warning.file.ends_with(name))
            .unwrap_or_else(|| panic!("no warning for {name}: {:?}", ingested.warnings))
    };
    assert_eq!(find("again").kind, WarningKind::Skipped);
    assert!(find("again").message.contains("symlink to a folder"));
    assert_eq!(find("x.txt").kind, WarningKind::Rejected);
    assert!(find("x.txt").message.contains("symlink loop"));
    assert_eq!(find("link.md").kind, WarningKind::Skipped);
}

#[test]
fn fifo_in_a_folder_is_skipped_not_read() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.txt", GOOD.as_bytes());
    let fifo = dir.path().join("pipe.txt");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|status| status.success()) {
        println!("note: mkfifo unavailable; FIFO test skipped");
        return;
    }
    let ingested = ingest::ingest(&[dir.path().to_path_buf()], &IngestOptions::default()).unwrap();
    assert_eq!(ingested.sources.len(), 1);
    let warning = &ingested.warnings[0];
    assert_eq!(warning.file, fifo.display().to_string());
    assert_eq!(warning.message, "not a regular file");
}

/// Runs `zhize check PATH` and returns (exit code, stderr).
fn check(path: &Path) -> (i32, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_zhize"))
        .arg("check")
        .arg(path)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn cli_exits_2_naming_the_bad_file() {
    let dir = tempfile::tempdir().unwrap();
    let zip = zip_of(&[("word/styles.xml", b"<styles/>")]);
    let cases = [
        (write(dir.path(), "empty.txt", b""), "empty file"),
        (write(dir.path(), "blank.md", b" \n\t\n"), "empty file"),
        (
            write(dir.path(), "binary.txt", b"\x7fELF\x02\x01\x01\0\0\0"),
            "binary",
        ),
        (
            write(dir.path(), "fake.docx", b"plain text"),
            "not a zip archive",
        ),
        (
            write(dir.path(), "hollow.docx", &zip),
            "no word/document.xml",
        ),
        (dir.path().join("missing.txt"), "no such file or directory"),
    ];
    for (path, reason) in &cases {
        let (code, stderr) = check(path);
        assert_eq!(code, 2, "{}: {stderr}", path.display());
        assert!(stderr.contains(&path.display().to_string()), "{stderr}");
        assert!(stderr.contains(reason), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    let folder = dir.path().join("nothing");
    write(&folder, "notes.pdf", b"%PDF-1.4");
    let (code, stderr) = check(&folder);
    assert_eq!(code, 2);
    assert!(stderr.contains(&folder.display().to_string()), "{stderr}");
    assert!(stderr.contains("no readable"), "{stderr}");
}

#[test]
fn cli_names_a_bad_file_inside_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a-empty.txt", b"");
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/4s店岗位职责合集.txt");
    std::fs::copy(corpus, dir.path().join("b-good.txt")).unwrap();
    // Whether the CLI refuses the folder or goes on with a warning, it must name the file.
    let (code, stderr) = check(dir.path());
    assert!(code == 0 || code == 2, "{code}: {stderr}");
    assert!(stderr.contains("a-empty.txt"), "{stderr}");
    assert!(stderr.contains("empty file"), "{stderr}");
}

#[test]
fn cli_survives_a_zip_bomb() {
    let dir = tempfile::tempdir().unwrap();
    let bomb = write(dir.path(), "bomb.docx", &zip_bomb(80 * 1024 * 1024));
    let (code, stderr) = check(&bomb);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("bomb.docx") && stderr.contains("64 MB"),
        "{stderr}"
    );
}

mod property {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        /// Any bytes, as text or as a .docx: a result or a clean error, never a panic; and a
        /// successful decode is never empty text.
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048),
                                       as_docx in any::<bool>()) {
            if let Ok(source) = ingest::decode_input("x", &bytes, as_docx, &IngestOptions::default()) {
                prop_assert!(!source.text.trim().is_empty());
            }
            let _ = ingest::decode(&bytes);
            let _ = ingest::docx_text(&bytes, 1024 * 1024);
        }

        /// Valid text survives decode unchanged, and split_lines loses nothing but line ends.
        #[test]
        fn text_round_trips(text in "[\\PC\\r\\n]{0,200}") {
            let (decoded, encoding) = ingest::decode(text.as_bytes());
            prop_assert_eq!(&decoded, &text);
            prop_assert_eq!(encoding, "UTF-8");
            let joined: String = ingest::split_lines(&text).concat();
            prop_assert_eq!(joined, text.replace(['\r', '\n'], ""));
        }

        /// Arbitrary XML-ish text inside a .docx: no panic, bounded output.
        #[test]
        fn arbitrary_document_xml_never_panics(xml in "(<w:p>|</w:p>|<w:t>|</w:t>|<w:r>|</w:r>|&[a-z#0-9]{0,6};?|<!DOCTYPE [^>]{0,20}>|[^<&]{0,10}|<){0,40}") {
            let bytes = zip_of(&[("word/document.xml", xml.as_bytes())]);
            if let Ok(text) = ingest::docx_text(&bytes, 1024 * 1024) {
                prop_assert!(text.len() <= xml.len() * 4 + 16);
            }
        }
    }
}
