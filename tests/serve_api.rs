//! `zhize serve` on the shipped corpus: the JSON API gives exactly the CLI's `--json`, the pages
//! answer without JavaScript, uploads are checked and rebuilt in the background, and searches
//! keep answering while rebuilds run, fail or are killed.

mod serve_support;

use serve_support::{cli, encode, upload, Server};
use std::time::{Duration, Instant};

fn json_of(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[test]
fn the_api_answers_as_the_cli_does() {
    let server = Server::shipped(&[]);
    // The server was started inside its folder on `corpus` and `index`; so is the CLI.
    let corpus = "corpus".to_string();
    let index = "index".to_string();
    let dir = server.dir.path().to_path_buf();
    for (query, by) in [
        ("谁负责保险续保", "position"),
        ("who handles insurance renewals", "duty"),
        ("展车清洁", "position"),
    ] {
        let api = server.json(&format!("/api/search?q={}&by={by}", encode(query)));
        let (code, out) = cli(
            &[
                "search", query, &corpus, "--index", &index, "--by", by, "--json",
            ],
            &dir,
        );
        assert_eq!(code, 0, "{query}");
        assert_eq!(api, json_of(&out), "{query} by {by}");
        assert!(!api.as_array().unwrap().is_empty(), "{query}");
    }
    // Store and role filters, as the CLI's --store and --role.
    let api = server.json(&format!(
        "/api/search?q={}&role={}&limit=3",
        encode("展车清洁"),
        encode("销售顾问")
    ));
    let (_, out) = cli(
        &[
            "search",
            "展车清洁",
            &corpus,
            "--index",
            &index,
            "--role",
            "销售顾问",
            "--limit",
            "3",
            "--json",
        ],
        &dir,
    );
    assert_eq!(api, json_of(&out));

    let api = server.json(&format!(
        "/api/compare?role={}&a=d10&b=d12",
        encode("销售经理")
    ));
    let (code, out) = cli(
        &[
            "compare",
            "销售经理",
            "--a",
            "d10",
            "--b",
            "d12",
            &corpus,
            "--json",
        ],
        &dir,
    );
    assert_eq!(code, 0);
    assert_eq!(api, json_of(&out));
    let api = server.json(&format!("/api/compare?role={}", encode("总经理")));
    let (_, out) = cli(&["compare", "总经理", "--all", &corpus, "--json"], &dir);
    assert_eq!(api, json_of(&out));

    let api = server.json("/api/dedup");
    let (_, out) = cli(&["dedup", &corpus, "--json"], &dir);
    assert_eq!(api, json_of(&out));
    assert!(!api["duty_groups"].as_array().unwrap().is_empty());

    let api = server.json("/api/check");
    let (_, out) = cli(&["check", &corpus, "--json"], &dir);
    assert_eq!(api, json_of(&out));

    for what in ["stores", "roles"] {
        let api = server.json(&format!("/api/{what}"));
        let (_, out) = cli(&["list", what, &corpus, "--json"], &dir);
        assert_eq!(api, json_of(&out), "{what}");
    }
    // Positions: the list's shape; one position: the export shape (both with position_id).
    let api = server.json("/api/positions");
    let (_, out) = cli(&["list", "positions", &corpus, "--json"], &dir);
    assert_eq!(api, json_of(&out));
    let id = api[0]["position_id"].as_str().unwrap();
    assert_eq!(id, "d1.p1");
    let one = server.json(&format!("/api/positions/{id}"));
    let (_, out) = cli(&["export", &corpus, "--json"], &dir);
    assert_eq!(one, json_of(out.lines().next().unwrap()));
}

/// The server keeps the answers it gave (per generation): a request that differs in any one
/// parameter is answered for itself, and a repeated one exactly as the first time — each as
/// the CLI answers it.
#[test]
fn cached_answers_differ_by_every_parameter() {
    let server = Server::shipped(&[]);
    let dir = server.dir.path().to_path_buf();
    let query = "客户投诉";
    let variants: [(&str, Vec<&str>); 6] = [
        ("", vec![]),
        ("&by=duty", vec!["--by", "duty"]),
        ("&limit=2", vec!["--limit", "2"]),
        ("&store=d10", vec!["--store", "d10"]),
        (
            "&role=%E9%94%80%E5%94%AE%E9%A1%BE%E9%97%AE",
            vec!["--role", "销售顾问"],
        ),
        ("&by=duty&limit=2", vec!["--by", "duty", "--limit", "2"]),
    ];
    let mut seen = Vec::new();
    for round in 0..2 {
        for (params, flags) in &variants {
            let api = server.json(&format!("/api/search?q={}{params}", encode(query)));
            let mut args = vec!["search", query, "corpus", "--index", "index", "--json"];
            args.extend(flags);
            let (code, out) = cli(&args, &dir);
            assert_eq!(code, 0, "{params}");
            assert_eq!(api, json_of(&out), "round {round}, {params}");
            if round == 0 {
                seen.push(api);
            }
        }
    }
    // The variants really ask different things (else this test could not tell keys apart).
    for (i, a) in seen.iter().enumerate() {
        for b in &seen[i + 1..] {
            assert_ne!(a, b);
        }
    }
}

#[test]
fn pages_answer_without_javascript() {
    let server = Server::shipped(&[]);
    // 搜索: the query stays in the address; results are on the page itself.
    let page = server.get(&format!("/search?q={}", encode("谁负责保险续保")));
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(html.contains("搜索：<b>保险</b> · <b>续保</b>"), "{html}");
    assert!(html.contains("<em>续保</em>"));
    assert!(html.contains("value=\"谁负责保险续保\""));
    let start = html
        .find("class=\"position\" href=\"/position/")
        .expect("a linked result")
        + "class=\"position\" href=\"".len();
    let href = &html[start..start + html[start..].find('"').unwrap()];
    // 岗位: the first result's position, with its duties and the compare picker.
    let position = server.get(href);
    assert_eq!(position.status, 200, "{href}");
    let position = position.text();
    assert!(position.contains("id=\"position-title\""));
    assert!(position.contains("id=\"duty-1\""));
    // 对比: the reworded words of 销售经理 d10 / d12 are marked.
    let compare = server
        .get(&format!("/compare?role={}&a=d10&b=d12", encode("销售经理")))
        .text();
    assert!(compare.contains("<ins>、董事长</ins>"), "{compare}");
    assert!(compare.contains("data-kind=\"reworded\""));
    // The coverage matrix links each present cell to the duty.
    let matrix = server
        .get(&format!("/compare?role={}", encode("销售经理")))
        .text();
    assert!(matrix.contains("id=\"matrix\""));
    assert!(matrix.contains("#duty-"), "cells link to duties");
    // 去重 and the clean corpus: every one of the 673 duties is a source of exactly one line.
    let dedup = server.get("/dedup").text();
    assert!(dedup.contains("重复的职责"));
    let clean = server.get("/dedup/clean.jsonl");
    assert_eq!(clean.status, 200);
    let sources: usize = clean
        .text()
        .lines()
        .map(|line| json_of(line)["sources"].as_array().unwrap().len())
        .sum();
    assert_eq!(sources, 673);
    // 门店 and 岗位.
    let stores = server.get("/stores").text();
    assert_eq!(stores.matches("<tr id=\"d").count(), 23);
    assert!(stores.contains("UTF-8"));
    let roles = server.get("/roles").text();
    assert!(roles.contains("销售经理"));
    // Every page carries the CSP and names the generation.
    let page = server.get("/search");
    let csp = page.header("content-security-policy").unwrap();
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"));
    assert!(page.text().contains("data-generation=\"1\""));
    // Upload is off unless asked for.
    assert_eq!(server.get("/upload").status, 404);
}

#[test]
fn position_pages_link_superiors_and_pick_other_stores() {
    let server = Server::shipped(&[]);
    let positions = server.json("/api/positions");
    // A position whose superior is a position of the same document.
    let with_boss = positions
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["position_id"].as_str().unwrap().to_string())
        .find(|id| {
            let one = server.json(&format!("/api/positions/{id}"));
            one["reports_to"].as_array().is_some_and(|r| !r.is_empty())
                && server
                    .get(&format!("/position/{id}"))
                    .text()
                    .contains("<a class=\"related\"")
        })
        .expect("a position linking to its superior");
    let page = server.get(&format!("/position/{with_boss}")).text();
    assert!(page.contains("id=\"reports-to\""));
    // 销售经理 of d10 offers the other stores' 销售经理 to compare with.
    let d10 = positions
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["doc_id"] == "d10" && p["role"] == "销售经理")
        .unwrap();
    let page = server
        .get(&format!(
            "/position/{}",
            d10["position_id"].as_str().unwrap()
        ))
        .text();
    assert!(page.contains("id=\"compare-picker\""));
    assert!(page.contains("d12 · "), "d12 is offered");
}

fn store_file(duty: &str) -> Vec<u8> {
    format!("新店岗位职责\n\n销售经理岗位职责\n\n1、{duty}\n\n2、完成领导交办的其他任务。\n")
        .into_bytes()
}

#[test]
fn uploads_are_checked_then_rebuilt_in_the_background() {
    let server = Server::shipped(&["--allow-upload"]);
    let before: Vec<_> = std::fs::read_dir(&server.corpus)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    // A broken .docx and a binary file are refused with check's message; nothing is written.
    let refused = upload(
        server.address,
        &[("坏文件.docx", b"PK\x03\x04 not really a zip")],
    );
    assert_eq!(refused.status, 422, "{}", refused.text());
    assert!(
        refused.text().contains("坏文件.docx: not a .docx"),
        "{}",
        refused.text()
    );
    let junk: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect();
    let refused = upload(server.address, &[("junk.txt", &junk)]);
    assert_eq!(refused.status, 422, "{}", refused.text());
    assert!(refused.text().contains("binary"), "{}", refused.text());
    // A file with no duty list is refused as check refuses it.
    let refused = upload(
        server.address,
        &[("notes.txt", "只是一段说明文字，没有编号。\n".as_bytes())],
    );
    assert_eq!(refused.status, 422);
    assert!(
        refused.text().contains("no duties found"),
        "{}",
        refused.text()
    );
    let after: Vec<_> = std::fs::read_dir(&server.corpus)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(before, after, "refused uploads wrote nothing");

    // Asked before the upload: nothing about batteries yet (and the answer is now cached).
    let before = server.json(&format!("/api/search?q={}&by=duty", encode("电池健康检测")));
    assert!(
        before
            .as_array()
            .unwrap()
            .iter()
            .all(|hit| !hit["text"].as_str().unwrap_or("").contains("电池健康检测")),
        "{before}"
    );

    // A good UTF-8 file and a GBK one are taken; the index is rebuilt while searches answer.
    let gbk = encoding_of_gbk(
        "乙新店岗位职责\n\n销售顾问岗位职责\n\n1、负责氢燃料车型的试乘试驾讲解。\n",
    );
    let accepted = upload(
        server.address,
        &[
            (
                "新店.txt",
                &store_file("负责新能源车电池健康检测的预约与回访。"),
            ),
            ("乙新店.txt", &gbk),
        ],
    );
    assert_eq!(accepted.status, 200, "{}", accepted.text());
    let body = json_of(&accepted.text());
    assert_eq!(body["accepted"][0]["duties"], 2);
    assert_eq!(body["accepted"][1]["encoding"], "GBK");
    server.wait_for_generation(2, Duration::from_secs(60));
    // The new generation answers afresh, not from the previous one's cache.
    let found = server.json(&format!("/api/search?q={}&by=duty", encode("电池健康检测")));
    assert!(
        found[0]["text"].as_str().unwrap().contains("电池健康检测"),
        "{found}"
    );
    let found = server.json(&format!("/api/search?q={}&by=duty", encode("氢燃料")));
    assert!(
        found[0]["text"].as_str().unwrap().contains("氢燃料"),
        "{found}"
    );
    // The same name again is refused, not overwritten.
    let again = upload(server.address, &[("新店.txt", &store_file("另一条职责。"))]);
    assert_eq!(again.status, 409, "{}", again.text());
    assert!(std::fs::read_to_string(server.corpus.join("新店.txt"))
        .unwrap()
        .contains("电池"));
}

fn encoding_of_gbk(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(text);
    assert!(!unmappable);
    bytes.into_owned()
}

#[test]
fn a_failed_rebuild_leaves_the_previous_generation_answering() {
    let good = std::fs::read(serve_support::shipped_corpus()).unwrap();
    let server = Server::with_files(&[("a.txt", good.clone())], &[]);
    let answer = |server: &Server| server.json(&format!("/api/search?q={}", encode("保险续保")));
    assert!(!answer(&server).as_array().unwrap().is_empty());
    // The only file becomes binary junk: the folder has no usable file, the rebuild fails.
    std::fs::write(server.corpus.join("a.txt"), vec![0u8; 2048]).unwrap();
    let started = Instant::now();
    let status = loop {
        let status = server.json("/api/status");
        if !status["last_error"].is_null() && status["refreshing"] == false {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no failed rebuild: {status}"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(status["generation"], 1, "{status}");
    assert!(
        status["last_error"].as_str().unwrap().contains("a.txt"),
        "{status}"
    );
    assert!(
        !answer(&server).as_array().unwrap().is_empty(),
        "still answering"
    );
    let page = server.get("/search").text();
    assert!(page.contains("上次刷新失败"), "the page says so");
    // Fixed: the next rebuild succeeds.
    std::fs::write(server.corpus.join("a.txt"), &good).unwrap();
    let status = server.wait_for_generation(2, Duration::from_secs(60));
    assert!(status["last_error"].is_null());
}

#[test]
fn searches_keep_answering_while_rebuilds_run_and_builds_are_killed() {
    let mut server = Server::shipped(&[]);
    let address = server.address;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let searcher = {
        let stop = std::sync::Arc::clone(&stop);
        std::thread::spawn(move || {
            let mut answered = 0;
            let mut generations = std::collections::BTreeSet::new();
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                let response =
                    serve_support::get(address, &format!("/api/search?q={}", encode("保险续保")));
                assert_eq!(response.status, 200, "{}", response.text());
                let results: serde_json::Value = serde_json::from_slice(&response.body).unwrap();
                assert!(!results.as_array().unwrap().is_empty());
                generations.insert(response.header("x-zhize-generation").unwrap());
                answered += 1;
            }
            (answered, generations)
        })
    };
    let file = server.corpus.join("4s店岗位职责合集.txt");
    let original = std::fs::read(&file).unwrap();
    for round in 0..4u64 {
        // A changed file: the watcher rebuilds in the background.
        let mut changed = original.clone();
        changed.extend_from_slice(
            format!(
                "\n第{round}次修改岗位职责\n\n专员岗位职责\n\n1、负责第{round}批资料的归档。\n"
            )
            .as_bytes(),
        );
        std::fs::write(&file, &changed).unwrap();
        // Meanwhile another zhize rebuilds the same index folder and is killed mid-build.
        let mut index = std::process::Command::new(env!("CARGO_BIN_EXE_zhize"))
            .args(["index", "--force", "--index"])
            .arg(&server.index)
            .arg(&server.corpus)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(60 + 90 * round));
        let _ = index.kill();
        let _ = index.wait();
        server.wait_for_generation(round + 2, Duration::from_secs(60));
    }
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let (answered, generations) = searcher.join().unwrap();
    assert!(answered >= 20, "{answered} searches");
    assert!(
        generations.len() >= 2,
        "answers came from several generations: {generations:?}"
    );
    let found = server.json(&format!(
        "/api/search?q={}&by=duty",
        encode("第3批资料的归档")
    ));
    assert!(
        found[0]["text"].as_str().unwrap().contains("第3批"),
        "{found}"
    );
    assert!(server.alive());
}
