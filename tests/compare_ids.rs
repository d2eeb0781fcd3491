//! Every position addressable: by its id (`d4.p2`) always, by STORE:TITLE wherever that name is
//! unique, and an ambiguous name answered with the candidates' ids — on the shipped corpus and on
//! every file of the formats development corpus (tests/formats/*/, converted to .docx, .xlsx,
//! GBK … as the formats test does).
//! Then the cases that could not be compared before: a document listing one title three times,
//! and untitled lists.

use std::path::PathBuf;
use std::process::Command;

mod common;
use common::formats::convert_every_set;
use zhize::compare::{compare_positions, CompareOptions};
use zhize::{Corpus, Document, Error, LoadOptions, Position, PositionKind};

fn shipped() -> Corpus {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus");
    zhize::load(&[path], &LoadOptions::default()).expect("the shipped corpus loads")
}

/// Checks every position of `corpus`; returns (positions, reachable by name).
fn check_every_position(corpus: &Corpus, what: &str) -> (usize, usize) {
    let options = CompareOptions::default();
    let (mut total, mut by_name) = (0, 0);
    for document in &corpus.documents {
        for (index, position) in document.positions.iter().enumerate() {
            total += 1;
            let id = document.position_id(index);
            // By id: this position and no other.
            let (d, p) = zhize::select::find_position_by_id(corpus, &id)
                .unwrap_or_else(|e| panic!("{what} {id}: {e}"))
                .unwrap_or_else(|| panic!("{what} {id} is not found"));
            assert!(
                std::ptr::eq(p, position) && d.id == document.id,
                "{what} {id}"
            );
            assert_eq!(d.id_of(p), id);
            // …and it compares, with itself too (a list against itself is all `same`).
            let with_itself = compare_positions((d, p), (d, p), &options);
            assert_eq!(with_itself.a.position_id, id);
            assert_eq!(with_itself.summary.same, p.duties.len(), "{what} {id}");
            // By name: the position itself, or an ambiguity listing it by id, or (a requirements
            // list beside a duties list of the same role) the documented preference for duties.
            match zhize::select::find_position(corpus, &document.id, &position.title) {
                Ok((d, p)) if std::ptr::eq(p, position) => {
                    assert_eq!(d.id, document.id);
                    by_name += 1;
                }
                Ok((d, p)) => {
                    assert_eq!(d.id, document.id, "{what} {id}");
                    assert!(
                        p.kind == PositionKind::Duties && position.kind != PositionKind::Duties,
                        "{what} {id} `{}` resolved to {}",
                        position.title,
                        d.id_of(p)
                    );
                }
                // An ambiguity lists this position by id, unless the position is not a list
                // of duties and the name's duty lists are the candidates (they are preferred).
                Err(Error::Ambiguous(message)) => {
                    assert!(
                        message.contains(&format!("{id} "))
                            || position.kind != PositionKind::Duties,
                        "{what} {id}: {message}"
                    );
                }
                Err(error) => panic!("{what} {id} `{}`: {error}", position.title),
            }
        }
    }
    (total, by_name)
}

#[test]
fn every_position_of_the_shipped_corpus_is_reachable() {
    let corpus = shipped();
    let (total, by_name) = check_every_position(&corpus, "corpus");
    assert_eq!(total, 84);
    println!("shipped corpus: {total} positions by id, {by_name} also by a unique name");
    // Unique names reach most; the others are the repeated titles and untitled lists.
    assert!(by_name >= 60, "{by_name}");
}

#[test]
fn every_position_of_the_formats_corpus_is_reachable() {
    let out = tempfile::tempdir().expect("a temporary folder");
    let files = convert_every_set(out.path());
    assert!(
        files.len() >= 30,
        "the formats corpus has {} files",
        files.len()
    );
    let (mut total, mut docx_or_sheet) = (0, 0);
    for file in &files {
        // Every file of the development corpus loads: a failure here is a parse regression.
        let corpus = zhize::load(std::slice::from_ref(file), &LoadOptions::default())
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let checked = check_every_position(&corpus, &file.display().to_string()).0;
        let name = file.to_string_lossy();
        if name.ends_with(".docx") || name.ends_with(".xlsx") || name.ends_with(".csv") {
            docx_or_sheet += checked;
        }
        total += checked;
    }
    // Word files and spreadsheets are reached by id like text files.
    assert!(
        docx_or_sheet > 0,
        "no position of a .docx/.xlsx/.csv file was checked"
    );
    println!(
        "formats corpus: {} files, {total} positions by id",
        files.len()
    );
}

fn zhize(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_zhize"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env_remove("COLUMNS")
        .args(args)
        .output()
        .expect("zhize runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The id of the position whose first duty starts with `first`, in `document`'s positions.
fn id_where<'a>(corpus: &'a Corpus, first: &str) -> (String, &'a Document, &'a Position) {
    let (d, p) = corpus
        .positions()
        .find(|(_, p)| p.duties.first().is_some_and(|d| d.text.starts_with(first)))
        .unwrap_or_else(|| panic!("no position begins {first}"));
    (d.id_of(p), d, p)
}

/// On the command line every position compares by its id (here each against the next one).
#[test]
fn cli_compares_every_position_by_id() {
    let corpus = shipped();
    let ids: Vec<String> = corpus.positions().map(|(d, p)| d.id_of(p)).collect();
    for (k, id) in ids.iter().enumerate() {
        let next = &ids[(k + 1) % ids.len()];
        let (code, out, err) = zhize(&["compare", "--a", id, "--b", next, "--json"]);
        assert_eq!(code, 0, "{id} / {next}: {err}");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["a"]["position_id"], id.as_str());
        assert_eq!(v["b"]["position_id"], next.as_str());
    }
}

#[test]
fn three_lists_of_one_title_in_one_document() {
    // 汽车4s店市场专员工作总结最新总结 lists 汽车4s店市场专员 three times (职责一, 二, 三).
    let corpus = shipped();
    let (first, d4, _) = id_where(&corpus, "收集与汇总市场信息");
    let (second, _, _) = id_where(&corpus, "协助总经理制定公司的发展战略");
    let (third, _, _) = id_where(&corpus, "制定适合本地市场的市场活动计划");
    // The name is ambiguous: every candidate with its id and first duty.
    let (code, out, err) = zhize(&[
        "compare",
        "--a",
        &format!("{}:市场专员", d4.id),
        "--b",
        "d21",
    ]);
    assert_eq!(code, 2, "{out}");
    for (id, duty) in [
        (&first, "收集与汇总市场信息"),
        (&second, "协助总经理制定公司的发展战略"),
        (&third, "制定适合本地市场的市场活动计划"),
    ] {
        assert!(
            err.contains(id.as_str()) && err.contains(duty),
            "{id}: {err}"
        );
    }
    // By id, any two of them compare: nothing shared between the first two.
    let (code, out, err) = zhize(&["compare", "--a", &first, "--b", &second, "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["summary"]["only_a"], 4);
    assert_eq!(v["summary"]["only_b"], 9);
    // The third is 4S店市场专员的职责's list, word for word.
    let (code, out, err) = zhize(&["compare", "--a", &third, "--b", "d21", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["summary"]["same"], 10, "{out}");
    // The headers name them by id.
    let (code, out, _) = zhize(&["compare", "--a", &second, "--b", &third]);
    assert_eq!(code, 0);
    assert!(out.contains(&format!("A {second} ")) && out.contains(&format!("B {third} ")));
    // One id on both sides is still one position.
    let (code, _, err) = zhize(&["compare", "--a", &first, "--b", &first]);
    assert_eq!(code, 2);
    assert!(
        err.contains("same position") && err.contains(&second),
        "{err}"
    );
}

#[test]
fn untitled_lists_are_named_by_id() {
    // 汽车4S店各岗位责任(描述) lost four titles: its untitled lists are 销售经理's first two duties,
    // 二网专员's eight, vehicle duties and market duties.
    let corpus = shipped();
    let (second_net, d6, _) = id_where(&corpus, "开发、搜寻新的目标客户");
    assert!(second_net.starts_with(&format!("{}.", d6.id)));
    let (code, _, err) = zhize(&[
        "compare",
        "--a",
        &format!("{}:(无标题)", d6.id),
        "--b",
        "d10",
    ]);
    assert_eq!(code, 2);
    let untitled: Vec<String> = d6
        .positions
        .iter()
        .enumerate()
        .filter(|(_, p)| p.title == "(无标题)")
        .map(|(i, _)| d6.position_id(i))
        .collect();
    assert_eq!(untitled.len(), 4);
    for id in &untitled {
        assert!(err.contains(id.as_str()), "{id}: {err}");
    }
    assert!(err.contains("开发、搜寻新的目标客户"), "{err}");
    // By id: the 二网专员 list against 描述's 二网专员 (the first three duties are its three).
    let (code, out, err) = zhize(&[
        "compare",
        "--a",
        &second_net,
        "--b",
        "汽车4S店各岗位职责描述:二网专员",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["summary"]["same"], 3);
    assert_eq!(v["summary"]["only_a"], 5);
    // A store without a role takes the id's title: 二网专员's untitled list has none, so the
    // other side needs one…
    let (code, _, err) = zhize(&["compare", "--a", &second_net, "--b", "d10"]);
    assert_eq!(code, 2);
    assert!(err.contains("(无标题)"), "{err}");
    // …while an id of a titled list lends its title.
    let (showroom, _, _) = id_where(
        &corpus,
        "协助销售经理制定每月的销售计划,并组织实施、督促完成。",
    );
    let (code, out, err) = zhize(&["compare", "--a", &showroom, "--b", "d10", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["b"]["position"], "展厅经理");
}

#[test]
fn list_show_and_export_carry_the_ids() {
    let (code, out, err) = zhize(&["list", "positions", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let rows = v.as_array().unwrap();
    assert_eq!(rows[0]["position_id"], "d1.p1");
    let d4: Vec<&str> = rows
        .iter()
        .filter(|r| r["doc_id"] == "d4")
        .map(|r| r["position_id"].as_str().unwrap())
        .collect();
    assert_eq!(d4, ["d4.p1", "d4.p2", "d4.p3"]);
    let (_, text, _) = zhize(&["list", "positions"]);
    assert!(text.lines().any(|l| l.starts_with("d4.p2 ")), "{text}");
    let (code, out, err) = zhize(&["export", "--json"]);
    assert_eq!(code, 0, "{err}");
    let ids: Vec<String> = out
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["position_id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let listed: Vec<&str> = rows
        .iter()
        .map(|r| r["position_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, listed);
    // `show` takes an id alone, and prints it.
    let (code, out, err) = zhize(&["show", "d4.p2", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v[0]["position_id"], "d4.p2");
    assert_eq!(v[0]["duties"].as_array().unwrap().len(), 9);
    let (code, out, _) = zhize(&["show", "d4.p2"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("d4.p2 "), "{out}");
    // An id past the document's last position names the positions it has.
    let (code, _, err) = zhize(&["show", "d4.p9"]);
    assert_eq!(code, 2);
    assert!(err.contains("d4.p3"), "{err}");
    let (code, _, err) = zhize(&["compare", "--a", "d4.p9", "--b", "d4.p1"]);
    assert_eq!(code, 2);
    assert!(err.contains("d4.p3") && !err.contains("panicked"), "{err}");
}
