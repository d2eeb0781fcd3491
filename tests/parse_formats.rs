//! The parser on hand-made files of the formats the next store brings (the corpus of
//! `tests/formats/` is scored in `tests/formats.rs`): sections never counted as duties, untitled
//! lists warned about with their line, spreadsheets read by header words, broken workbooks
//! named.

mod common;

use common::write;
use std::process::Command;

fn zhize(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_zhize"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("zhize runs")
}

fn export(path: &std::path::Path) -> Vec<serde_json::Value> {
    let output = zhize(&["export", "--json", path.to_str().unwrap()]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn a_form_keeps_requirements_kpis_and_relations_apart_from_duties() {
    let dir = tempfile::tempdir().unwrap();
    let form = "岗位名称：收银员　　岗位编号：A-03\n所属部门：财务部　　直接上级：财务经理\n\
岗位目的：办理维修结算收款。\n工作职责：\n1、负责维修结算款的收取；\n2、负责POS机对账；\n\
任职资格：\n1、高中以上学历；\n考核指标：收款差错率\n工作关系：\n内部：服务顾问\n";
    let path = write(dir.path(), "form.txt", form.as_bytes());
    let positions = export(&path);
    assert_eq!(positions.len(), 1);
    let cashier = &positions[0];
    assert_eq!(cashier["position"], "收银员");
    assert_eq!(cashier["department"], "财务部");
    assert_eq!(cashier["reports_to"][0], "财务经理");
    let duties: Vec<&str> = cashier["duties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["text"].as_str().unwrap())
        .collect();
    assert_eq!(duties, ["负责维修结算款的收取；", "负责POS机对账；"]);
    let kinds: Vec<&str> = cashier["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["purpose", "requirements", "kpis", "relations"]);
    assert_eq!(cashier["sections"][1]["items"][0]["text"], "高中以上学历；");
}

#[test]
fn check_warns_about_each_untitled_list_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let text = "【篇一：汽车4S店岗位职责】\n1、负责车辆调度；\n2、负责车辆年检；\n";
    let path = write(dir.path(), "merged.txt", text.as_bytes());
    let output = zhize(&["check", path.to_str().unwrap()]);
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains("merged.txt:2: warning: a list with no title"),
        "{stdout}"
    );
    let output = zhize(&["check", "--json", path.to_str().unwrap()]);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["files"][0]["untitled"][0]["line"], 2);
    assert_eq!(report["files"][0]["chars"]["unparsed"], 0);
}

#[test]
fn a_csv_export_is_read_by_its_header_words_in_any_order() {
    let dir = tempfile::tempdir().unwrap();
    let csv = "职责,序号,岗位,部门\r\n负责展厅管理,1,展厅经理,销售部\r\n负责排班,2,,\r\n\"负责试驾车管理\",1,试驾专员,销售部\r\n";
    let (gbk, _, _) = encoding_rs::GBK.encode(csv);
    let path = write(dir.path(), "export.csv", &gbk);
    let positions = export(&path);
    let summary: Vec<(String, usize)> = positions
        .iter()
        .map(|p| {
            (
                p["position"].as_str().unwrap().to_string(),
                p["duties"].as_array().unwrap().len(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [("展厅经理".to_string(), 2), ("试驾专员".to_string(), 1)]
    );
    assert_eq!(positions[0]["department"], "销售部");
    assert_eq!(positions[0]["duties"][1]["n"], "2");
    // Every row is accounted for.
    let output = zhize(&["check", "--json", path.to_str().unwrap()]);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["files"][0]["lines"]["unparsed"], 0);
    assert!(report["files"][0]["encoding"]
        .as_str()
        .unwrap()
        .contains("GBK"));
}

#[test]
fn a_broken_workbook_is_named_in_the_error_and_skipped_in_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    let broken = write(dir.path(), "岗位.xlsx", b"PK\x03\x04 not really a workbook");
    let output = zhize(&["export", broken.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("岗位.xlsx"), "{stderr}");
    assert!(stderr.contains("xlsx"), "{stderr}");
    write(
        dir.path(),
        "good.txt",
        "销售顾问岗位职责\n1、负责接待客户；\n".as_bytes(),
    );
    let output = zhize(&["export", dir.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("warning") && stderr.contains("岗位.xlsx"),
        "{stderr}"
    );
}
