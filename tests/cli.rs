//! The parse commands (`export`, `list`, `show`, `check`) run as a user would: on the shipped
//! corpus and on bad inputs this test writes.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn zhize(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zhize"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("zhize runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

#[test]
fn show_finds_a_store_by_id_or_name_and_a_role_by_any_variant() {
    let output = zhize(&["show", "d12", "销售部销售经理"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("销售经理"));
    assert!(text.contains("负责研读并领会厂家下发的商务政策"));
    let output = zhize(&["show", "修订", "销售经理", "--json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let positions: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(positions.as_array().unwrap().len(), 1);
    assert_eq!(positions[0]["doc_id"], "d12");
    assert_eq!(positions[0]["role"], "销售经理");
    assert_eq!(positions[0]["duties"].as_array().unwrap().len(), 10);
    assert_eq!(positions[0]["duties"][2]["n"], "3");
    assert!(positions[0]["duties"][2]["text"]
        .as_str()
        .unwrap()
        .contains("报总经理、董事长处"));
}

#[test]
fn unknown_and_ambiguous_names_list_the_candidates() {
    let output = zhize(&["show", "4S店", "销售经理"]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.contains("matches"), "{message}");
    assert!(message.contains("d3 "), "{message}");
    let output = zhize(&["show", "d99", "销售经理"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("no store"), "{}", stderr(&output));
    let output = zhize(&["show", "d12", "洗车工"]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.contains("closest roles"), "{message}");
    assert!(message.contains("销售经理"), "{message}");
}

#[test]
fn export_json_lines_have_the_documented_fields() {
    let output = zhize(&["export", "--json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let lines: Vec<serde_json::Value> = stdout(&output)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 84);
    for field in [
        "doc_id",
        "document",
        "store",
        "position",
        "role",
        "department",
        "reports_to",
        "subordinates",
        "kind",
        "duties",
        "source",
    ] {
        assert!(lines[0].get(field).is_some(), "missing {field}");
    }
    let manager = lines
        .iter()
        .find(|l| l["doc_id"] == "d1" && l["position"] == "销售部经理")
        .unwrap();
    assert_eq!(manager["source"]["line_start"], 54);
    assert_eq!(manager["duties"][0]["line"], 62);
    assert_eq!(manager["reports_to"][0], "总经理");
    let kinds: std::collections::BTreeSet<&str> =
        lines.iter().map(|l| l["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        ["duties", "other", "requirements"]
    );
}

#[test]
fn list_roles_groups_title_variants() {
    let output = zhize(&["list", "roles", "--json"]);
    assert_eq!(output.status.code(), Some(0));
    let roles: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let sales = roles
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["role"] == "销售经理")
        .unwrap();
    let titles: Vec<&str> = sales["titles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    for variant in ["销售经理", "销售部经理", "销售部销售经理"] {
        assert!(titles.contains(&variant), "{titles:?}");
    }
    assert!(sales["documents"].as_array().unwrap().len() >= 6);
}

#[test]
fn check_accounts_for_the_whole_corpus() {
    let output = zhize(&["check", "--json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let file = &report["files"][0];
    let text = std::fs::read_to_string("corpus/4s店岗位职责合集.txt").unwrap();
    let chars: u64 = ["duty", "heading", "numbering", "noise", "unparsed"]
        .iter()
        .map(|k| file["chars"][k].as_u64().unwrap())
        .sum();
    assert_eq!(
        chars as usize,
        text.chars().filter(|c| !c.is_whitespace()).count()
    );
    let lines: u64 = ["duty", "heading", "noise", "unparsed"]
        .iter()
        .map(|k| file["lines"][k].as_u64().unwrap())
        .sum();
    assert_eq!(
        lines as usize,
        text.lines().filter(|l| !l.trim().is_empty()).count()
    );
    assert_eq!(file["encoding"], "UTF-8");
    assert_eq!(file["documents"], 23);
}

#[test]
fn standard_input_reads_like_a_file() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_zhize"))
        .args(["export", "--json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let text = std::fs::read("corpus/4s店岗位职责合集.txt").unwrap();
    child.stdin.take().unwrap().write_all(&text).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    assert_eq!(stdout(&output).lines().count(), 84);
}

#[test]
fn bad_inputs_get_a_message_naming_the_file_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let no_numbers = dir.path().join("prose.txt");
    std::fs::write(&no_numbers, "这是一段没有编号的文字。\n另一行。\n").unwrap();
    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, "").unwrap();
    let binary = dir.path().join("binary.txt");
    std::fs::write(
        &binary,
        (0..4096u32)
            .map(|i| (i * 7 % 256) as u8)
            .collect::<Vec<_>>(),
    )
    .unwrap();
    let empty_dir = dir.path().join("nothing");
    std::fs::create_dir(&empty_dir).unwrap();
    std::fs::write(empty_dir.join("notes.pdf"), b"%PDF").unwrap();
    let missing = dir.path().join("missing.txt");
    for (path, words) in [
        (&no_numbers, "no duties"),
        (&empty, "empty"),
        (&binary, "binary"),
        (&empty_dir, "nothing"),
        (&missing, "no such file"),
    ] {
        for command in ["export", "check"] {
            let output = zhize(&[command, path.to_str().unwrap()]);
            assert_eq!(
                output.status.code(),
                Some(2),
                "{command} {}",
                path.display()
            );
            let message = stderr(&output);
            assert!(
                message.contains(path.file_name().unwrap().to_str().unwrap()),
                "{command}: {message}"
            );
            assert!(message.contains(words), "{command}: {message}");
            assert!(!message.contains("panicked"), "{message}");
        }
    }
    // Unparsed lines are listed as file:line: text.
    let output = zhize(&["check", no_numbers.to_str().unwrap()]);
    assert!(stdout(&output).contains("prose.txt:1: 这是一段没有编号的文字。"));
}

#[test]
fn a_ten_megabyte_line_and_a_hundred_thousand_items_parse() {
    let dir = tempfile::tempdir().unwrap();
    let long = dir.path().join("long.txt");
    let mut text = "负责展厅车辆日常清洁".repeat(350_000);
    text.push('\n');
    std::fs::write(&long, &text).unwrap();
    let output = zhize(&["check", "--json", long.to_str().unwrap()]);
    // One huge unnumbered line: reported, not a crash.
    assert_eq!(output.status.code(), Some(2));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["files"][0]["lines"]["unparsed"], 1);
    let many = dir.path().join("many.txt");
    let items: Vec<String> = (1..=20_000)
        .map(|i| format!("{i}、负责第{i}项工作;"))
        .collect();
    std::fs::write(&many, format!("销售顾问岗位职责\n{}\n", items.join(" "))).unwrap();
    let output = zhize(&["check", "--json", many.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["files"][0]["duties"], 20_000);
}

/// Every command that reads inputs names all the formats it reads in its help.
#[test]
fn help_names_every_input_format() {
    let top = stdout(&zhize(&["--help"]));
    for command in [
        "search", "index", "compare", "dedup", "export", "list", "show", "check",
    ] {
        let help = stdout(&zhize(&[command, "--help"]));
        for format in [".txt", ".md", ".docx", ".xlsx", ".csv"] {
            assert!(
                help.contains(format),
                "`zhize {command} --help` lacks {format}"
            );
            assert!(top.contains(format), "`zhize --help` lacks {format}");
        }
    }
}
