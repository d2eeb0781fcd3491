//! Hostile requests against a running `zhize serve`: malformed addresses and parameters, huge
//! queries, path traversal, bad and oversized uploads, cross-site posts, a corpus carrying
//! markup, and 100 slow clients at once — each answered with a 4xx and a message in Chinese and
//! English, and the server still answering afterwards.

mod serve_support;

use serve_support::{encode, exchange, get, upload, Server};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// A 4xx whose body says what was wrong, in both languages (a Han character and the English
/// words given).
fn assert_refused(response: &serve_support::Response, status: u16, english: &str) {
    let text = response.text();
    assert_eq!(response.status, status, "{}\n{text}", response.head);
    assert!(text.contains(english), "no `{english}` in: {text}");
    assert!(
        text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "no Chinese in: {text}"
    );
}

#[test]
fn malformed_parameters_and_addresses_are_refused_with_a_message() {
    let mut server = Server::shipped(&[]);
    let q = encode("保险续保");
    let cases: Vec<(String, u16, &str)> = vec![
        ("/api/search?q=%FF%FE%FD".into(), 400, "UTF-8"),
        ("/search?q=%C0%AF".into(), 400, "UTF-8"),
        ("/api/search".into(), 400, "missing"),
        (format!("/api/search?q={q}&limit=abc"), 400, "limit"),
        (format!("/api/search?q={q}&limit=0"), 400, "limit"),
        (
            format!("/api/search?q={q}&limit=99999999999999999999999"),
            400,
            "limit",
        ),
        (format!("/api/search?q={q}&limit=-1"), 400, "limit"),
        (format!("/api/search?q={q}&by=sideways"), 400, "by"),
        (format!("/search?q={q}&by=%00"), 400, "by"),
        (
            format!("/api/search?q={}", encode(&"续保".repeat(200))),
            400,
            "too long",
        ),
        (
            format!("/search?q={}", encode(&"a".repeat(300))),
            400,
            "too long",
        ),
        (
            format!("/api/search?q={q}&store={}", encode("不存在的店")),
            400,
            "no store",
        ),
        (
            format!("/api/search?q={q}&role={}", encode(&"经".repeat(101))),
            400,
            "too long",
        ),
        (
            format!("/api/search?q={}", "x".repeat(5000)),
            414,
            "too long",
        ),
        ("/api/positions/d999.p1".into(), 404, "no position"),
        ("/api/positions/d1.p0".into(), 404, "no position"),
        ("/position/%3Cscript%3E".into(), 404, "no position"),
        ("/api/compare?a=d10".into(), 400, "give both"),
        (
            format!("/api/compare?role={}", encode("不存在的岗位")),
            400,
            "no position",
        ),
        (
            "/api/compare?a=d10.p1&b=d10.p1".to_string(),
            400,
            "same position",
        ),
        ("/api/compare?a=d10&b=d12".to_string(), 400, "give role"),
        ("/nowhere".into(), 404, "no such page"),
        ("/api/nowhere".into(), 404, "no such page"),
    ];
    for (target, status, english) in &cases {
        assert_refused(&get(server.address, target), *status, english);
    }
    // The API answers JSON; pages answer HTML with the same message.
    let api = get(server.address, &format!("/api/search?q={q}&limit=abc"));
    let body: serde_json::Value = serde_json::from_slice(&api.body).unwrap();
    assert_eq!(body["status"], 400);
    assert!(body["error"].as_str().unwrap().contains(" / "));
    // A method no route takes.
    let response = exchange(
        server.address,
        b"DELETE /search HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    )
    .unwrap();
    assert_refused(&response, 405, "not allowed");
    // A Host that is not this machine (DNS rebinding) is refused.
    let response = exchange(
        server.address,
        b"GET /api/status HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n",
    )
    .unwrap();
    assert_refused(&response, 421, "this machine");
    // Requests hyper cannot parse get its bare 4xx (no body: it never reaches a route) or a
    // closed connection; either way the server lives on.
    for garbage in [
        &b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"[..],
        b"GET /se arch?q=a b HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        b"GET /search HTTP/9.9\r\n\r\n",
        b"\r\n\r\n\r\n",
    ] {
        if let Some(response) = exchange(server.address, garbage) {
            assert!((400..500).contains(&response.status), "{}", response.head);
        }
    }
    let huge_head = format!(
        "GET /search?q={} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        "x".repeat(200_000)
    );
    if let Some(response) = exchange(server.address, huge_head.as_bytes()) {
        assert!((400..500).contains(&response.status), "{}", response.head);
    }
    assert!(server.alive());
    assert_eq!(get(server.address, "/api/status").status, 200);
}

#[test]
fn no_route_reads_outside_the_corpus_and_index() {
    let mut server = Server::shipped(&["--allow-upload"]);
    let outside = server.dir.path().join("secret.txt");
    std::fs::write(&outside, "SECRET-CONTENT-OUTSIDE\n").unwrap();
    for target in [
        "/../secret.txt",
        "/static/../../secret.txt",
        "/static/..%2F..%2Fsecret.txt",
        "/position/..%2F..%2Fsecret.txt",
        "/position/../../../etc/passwd",
        "/api/positions/..%2f..%2f..%2fetc%2fpasswd",
        "//etc/passwd",
        "/etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/static/app.css/../../../../etc/passwd",
        "/dedup/clean.jsonl/../../secret.txt",
    ] {
        let response = get(server.address, target);
        let text = response.text();
        assert!(
            (400..500).contains(&response.status),
            "{target}: {}",
            response.head
        );
        assert!(
            !text.contains("root:x:0:0") && !text.contains("SECRET-CONTENT"),
            "{target}"
        );
    }
    // Upload names that are paths are refused; nothing lands outside the corpus folder.
    for name in [
        "../escaped.txt",
        "/tmp/zhize-absolute.txt",
        "..\\\\escaped.txt",
        ".hidden.txt",
        "sub/dir.txt",
    ] {
        let response = upload(
            server.address,
            &[(name, "店\n\n销售顾问岗位职责\n\n1、负责接待。\n".as_bytes())],
        );
        assert_refused(&response, 400, "refused");
    }
    assert!(!server.dir.path().join("escaped.txt").exists());
    assert!(!std::path::Path::new("/tmp/zhize-absolute.txt").exists());
    // A symlink in the corpus folder pointing outside is never written through.
    std::os::unix::fs::symlink(&outside, server.corpus.join("link.txt")).unwrap();
    let response = upload(
        server.address,
        &[(
            "link.txt",
            "店\n\n销售顾问岗位职责\n\n1、负责接待。\n".as_bytes(),
        )],
    );
    assert_refused(&response, 409, "already exists");
    assert_eq!(
        std::fs::read_to_string(&outside).unwrap(),
        "SECRET-CONTENT-OUTSIDE\n"
    );
    assert!(server.alive());
}

fn post_raw(server: &Server, head_extra: &str, body: &[u8]) -> serde_json::Value {
    let mut request = format!(
        "POST /api/upload HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n{head_extra}Content-Length: {}\r\nConnection: close\r\n\r\n",
        server.address.port(),
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(body);
    let response = exchange(server.address, &request).unwrap();
    let mut value: serde_json::Value = serde_json::from_slice(&response.body)
        .unwrap_or_else(|_| panic!("not JSON: {}", response.text()));
    value["http_status"] = serde_json::json!(response.status);
    value
}

#[test]
fn bad_uploads_are_refused_and_write_nothing() {
    let mut server = Server::shipped(&["--allow-upload"]);
    let listing = |server: &Server| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&server.corpus)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let before = listing(&server);
    // Too big: one file over 8 MB (streamed and cut off), a declared length over 24 MB.
    let big = vec![b'a'; 9 * 1024 * 1024];
    assert_refused(
        &upload(server.address, &[("big.txt", &big)]),
        413,
        "too large",
    );
    let value = post_raw(
        &server,
        "Content-Type: multipart/form-data; boundary=x\r\n",
        b"",
    );
    let _ = value;
    let mut stream = TcpStream::connect(server.address).unwrap();
    write!(
        stream,
        "POST /api/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: 104857600\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = Vec::new();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let _ = stream.read_to_end(&mut answer);
    let response = serve_support::parse(&answer).expect("an answer before the body");
    assert_refused(&response, 413, "too large");
    // Eleven files at once.
    let files: Vec<(String, Vec<u8>)> = (0..11)
        .map(|i| {
            (
                format!("f{i}.txt"),
                format!("店{i}\n\n销售顾问岗位职责\n\n1、负责接待。\n").into_bytes(),
            )
        })
        .collect();
    let borrowed: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    assert_refused(&upload(server.address, &borrowed), 400, "at most 10 files");
    // Not multipart; a multipart body cut short; no file in it.
    let value = post_raw(
        &server,
        "Content-Type: application/json\r\n",
        b"{\"file\": 1}",
    );
    assert_eq!(value["http_status"], 400, "{value}");
    assert!(value["error"].as_str().unwrap().contains("multipart"));
    let value = post_raw(
        &server,
        "Content-Type: multipart/form-data; boundary=zz\r\n",
        b"--zz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cut.txt\"\r\n\r\n1\xe3\x80\x81\xe8\xb4\x9f",
    );
    assert_eq!(value["http_status"], 400, "{value}");
    let value = post_raw(
        &server,
        "Content-Type: multipart/form-data; boundary=zz\r\n",
        b"--zz--\r\n",
    );
    assert_eq!(value["http_status"], 400, "{value}");
    assert!(value["error"].as_str().unwrap().contains("no file"));
    // A client that hangs up mid-upload.
    {
        let mut stream = TcpStream::connect(server.address).unwrap();
        let _ = write!(
            stream,
            "POST /api/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=zz\r\nContent-Length: 5000\r\n\r\n--zz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"half.txt\"\r\n\r\n1、负责"
        );
    }
    // Broken and hostile files: refused with what `zhize check` says.
    let zip_bomb_like = b"PK\x03\x04\x14\x00\x00\x00\x08\x00garbage-after-the-magic";
    let elf = b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00>\x00";
    for (name, bytes, english) in [
        ("broken.docx", &zip_bomb_like[..], "not a .docx"),
        ("renamed.txt", &zip_bomb_like[..], "zip archive"),
        ("elf.txt", &elf[..], "binary"),
        ("empty.txt", &b""[..], "empty file"),
        ("blank.md", &b" \r\n\t\r\n"[..], "empty"),
        (
            "old.docx",
            &b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest"[..],
            "not a .docx",
        ),
        ("script.exe", &b"MZ"[..], "only .txt"),
    ] {
        assert_refused(
            &upload(server.address, &[(name, bytes)]),
            if name.ends_with(".exe") { 400 } else { 422 },
            english,
        );
    }
    // One bad file among good ones: none is written.
    let good = "丙店岗位职责\n\n销售顾问岗位职责\n\n1、负责接待来店客户。\n".as_bytes();
    let response = upload(
        server.address,
        &[("good.txt", good), ("bad.docx", &zip_bomb_like[..])],
    );
    assert_refused(&response, 422, "bad.docx");
    assert_eq!(listing(&server), before, "nothing was written");
    // Cross-site form posts are refused.
    let value = post_raw(
        &server,
        "Origin: http://evil.example\r\nContent-Type: multipart/form-data; boundary=zz\r\n",
        b"--zz--\r\n",
    );
    assert_eq!(value["http_status"], 403, "{value}");
    assert!(server.alive());
    assert_eq!(
        server.json("/api/status")["generation"],
        1,
        "no rebuild was started"
    );
}

#[test]
fn uploads_are_refused_when_not_allowed() {
    let server = Server::shipped(&[]);
    let response = upload(
        server.address,
        &[(
            "a.txt",
            "店\n\n销售顾问岗位职责\n\n1、负责接待。\n".as_bytes(),
        )],
    );
    assert_refused(&response, 404, "--allow-upload");
}

#[test]
fn a_hundred_slow_clients_neither_block_others_nor_crash_it() {
    let mut server = Server::shipped(&[]);
    // Each sends the start of a request head and then nothing.
    let slow: Vec<TcpStream> = (0..100)
        .map(|_| {
            let mut stream = TcpStream::connect(server.address).unwrap();
            stream
                .write_all(b"GET /search?q=%E7%BB%AD HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
                .unwrap();
            stream
        })
        .collect();
    // Others are answered at once meanwhile.
    let started = Instant::now();
    for _ in 0..20 {
        let response = get(
            server.address,
            &format!("/api/search?q={}", encode("保险续保")),
        );
        assert_eq!(response.status, 200);
    }
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    // Past the head deadline each slow client is told 408 and closed.
    let mut told = 0;
    for mut stream in slow {
        stream
            .set_read_timeout(Some(Duration::from_secs(15)))
            .unwrap();
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        if let Some(response) = serve_support::parse(&answer) {
            assert_refused(&response, 408, "did not arrive");
            told += 1;
        }
    }
    assert_eq!(told, 100);
    assert!(server.alive());
    assert_eq!(get(server.address, "/api/status").status, 200);
}

#[test]
fn a_corpus_carrying_markup_renders_as_text() {
    let script = "负责客户投诉管理<script>document.title='pwned'</script>。";
    let img = "负责展厅的日常管理<img src=x onerror=\"document.title='img'\">工作。";
    let a = format!("甲店岗位职责\n\n销售经理岗位职责\n\n1、{script}\n\n2、{img}\n\n3、完成领导交办的其他任务&amp;。\n");
    let b = format!(
        "乙店<b>岗位职责\n\n销售经理岗位职责\n\n1、{script}\n\n2、{}\n\n3、负责二手车置换业务。\n",
        img.replace("工作。", "工作,包括展车清洁。")
    );
    let server = Server::with_files(&[("a.txt", a.into_bytes()), ("b.txt", b.into_bytes())], &[]);
    let pages = [
        format!("/search?q={}", encode("客户投诉")),
        format!("/search?q={}&by=duty", encode("展厅")),
        format!("/search/results?q={}", encode("客户投诉")),
        "/position/d1.p1".to_string(),
        "/position/d2.p1".to_string(),
        format!("/compare?role={}&a=d1&b=d2", encode("销售经理")),
        format!("/compare?role={}", encode("销售经理")),
        "/dedup".to_string(),
        "/stores".to_string(),
        "/roles".to_string(),
    ];
    for target in &pages {
        let response = get(server.address, target);
        assert_eq!(response.status, 200, "{target}: {}", response.text());
        let html = response.text();
        let lower = html.to_lowercase();
        // The only script element is the app's own file (a fragment has none); no corpus
        // markup became a tag.
        let fragment = target.starts_with("/search/results");
        assert_eq!(
            lower.matches("<script").count(),
            usize::from(!fragment),
            "{target}"
        );
        assert!(fragment || lower.contains("<script src=\"/static/app.js\" defer></script>"));
        assert!(!lower.contains("<img"), "{target}");
        assert!(!lower.contains("onerror=\""), "{target}");
        assert!(!html.contains("<b>岗位职责"), "{target}");
        if target.contains("search")
            || target.contains("position")
            || target.contains("compare?role=%E9%94%80%E5%94%AE%E7%BB%8F%E7%90%86&a")
        {
            assert!(
                html.contains("&lt;script&gt;") || html.contains("&lt;img"),
                "{target}: {html}"
            );
        }
    }
}
