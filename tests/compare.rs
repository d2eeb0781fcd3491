//! `compare` on the shipped corpus: pairs a careful reader judges by reading the documents, then
//! the command line (text, JSON, errors).
//!
//! Positions are found by role and the corpus line they start on (as read in
//! corpus/4s店岗位职责合集.txt), not by document id, so the tests survive a change in how the
//! merged file is cut into documents.

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;
use zhize::compare::{
    compare_positions, coverage, one_per_document, rebuild, shown_spans, CellKind, CompareOptions,
    Comparison, DiffOp, DiffView, Pair, PairKind,
};
use zhize::render::term::width;
use zhize::{Corpus, Document, LoadOptions, Position};

fn corpus() -> &'static Corpus {
    static CORPUS: OnceLock<Corpus> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus");
        zhize::load(&[path], &LoadOptions::default()).expect("the shipped corpus loads")
    })
}

/// The first position of `role` (a duty list) whose lines include `line`.
fn at(role: &str, line: usize) -> (&'static Document, &'static Position) {
    let found = zhize::select::find_positions(corpus(), None, role).expect("role exists");
    found
        .into_iter()
        .find(|(_, p)| p.line_start <= line && line <= p.line_end.max(p.line_start))
        .unwrap_or_else(|| panic!("no {role} around line {line}"))
}

fn compare(role_a: &str, line_a: usize, role_b: &str, line_b: usize) -> Comparison {
    compare_positions(
        at(role_a, line_a),
        at(role_b, line_b),
        &CompareOptions::default(),
    )
}

fn of_kind(c: &Comparison, kind: PairKind) -> Vec<&Pair> {
    c.pairs.iter().filter(|p| p.kind == kind).collect()
}

/// The edits of `op` as the reader is shown them: minor differences (width, wrapping spaces,
/// closing punctuation) are not edits.
fn edits(pair: &Pair, op: DiffOp) -> Vec<String> {
    shown_spans(&pair.diff, DiffView::Inline)
        .into_iter()
        .filter(|s| s.op == op)
        .map(|s| s.text)
        .collect()
}

fn pair_with<'a>(c: &'a Comparison, a_contains: &str) -> &'a Pair {
    c.pairs
        .iter()
        .find(|p| p.a.as_deref().is_some_and(|a| a.contains(a_contains)))
        .unwrap_or_else(|| panic!("no pair with A containing {a_contains}"))
}

#[test]
fn sales_manager_revised_copy_adds_the_chairman() {
    // 汽车4S店各岗位职责描述 (line 480) and 汽车4S店各岗位职责(修订) (line 496): the same ten
    // duties, except that the monthly plan goes to 总经理、董事长 instead of 总经理.
    let c = compare("销售经理", 480, "销售经理", 496);
    assert_eq!(c.summary.same, 9, "{:#?}", c.pairs);
    assert_eq!(c.summary.reworded, 1);
    assert_eq!(c.summary.only_a + c.summary.only_b + c.summary.split, 0);
    let pair = &of_kind(&c, PairKind::Reworded)[0];
    assert!(pair.a.as_deref().unwrap().contains("计划报总经理处"));
    assert_eq!(edits(pair, DiffOp::Insert), vec!["、董事长"]);
    assert!(edits(pair, DiffOp::Delete).is_empty());
    // Every pair keeps its place: duty n against duty n.
    for p in &c.pairs {
        assert_eq!(p.a_duties, p.b_duties);
    }
    assert!(c.similarity > 0.9 && c.similarity < 1.0);
}

#[test]
fn general_manager_run_together_copy_has_two_word_edits() {
    // 篇一 (lines 18–50) and the run-together copy on line 432: 能够→可以 in duty 4,
    // 经过→通过 in duty 8; everything else identical.
    let c = compare("总经理", 20, "总经理", 432);
    assert_eq!(c.summary.same, 13, "{:#?}", c.pairs);
    assert_eq!(c.summary.reworded, 2);
    let duty4 = pair_with(&c, "并保证企业能够持续发展");
    assert_eq!(duty4.kind, PairKind::Reworded);
    assert_eq!(edits(duty4, DiffOp::Delete), vec!["能够"]);
    assert_eq!(edits(duty4, DiffOp::Insert), vec!["可以"]);
    let duty8 = pair_with(&c, "经过检查、控制、监督和考核");
    assert_eq!(edits(duty8, DiffOp::Delete), vec!["经"]);
    assert_eq!(edits(duty8, DiffOp::Insert), vec!["通"]);
}

#[test]
fn general_manager_duplicate_documents_differ_in_one_character() {
    // 4S店人员岗位职责 twice (lines 528 and 542): line wrapping differs, and duty 3 reads 经过
    // in one and 通过 in the other.
    let c = compare("总经理", 528, "总经理", 542);
    assert_eq!(c.summary.same, 8, "{:#?}", c.pairs);
    assert_eq!(c.summary.reworded, 1);
    let pair = &of_kind(&c, PairKind::Reworded)[0];
    assert_eq!(edits(pair, DiffOp::Delete), vec!["经"]);
    assert_eq!(edits(pair, DiffOp::Insert), vec!["通"]);
}

#[test]
fn general_manager_of_a_group_subsidiary_is_another_definition() {
    // 篇二's 子、分公司总经理 (line 266) shares only the opening duty (日常经营、管理工作) with
    // 篇一's 总经理.
    let c = compare("总经理", 20, "总经理", 266);
    assert_eq!(c.summary.same, 0);
    assert!(c.summary.reworded <= 2, "{:#?}", c.pairs);
    assert!(c.summary.only_a >= 13 && c.summary.only_b >= 8);
    assert!(c.similarity < 0.2);
}

#[test]
fn sales_manager_definitions_of_two_dealers_are_different() {
    // 篇一's 销售部经理 (Lincoln dealer, line 54) and 篇二's (line 288) are written independently.
    let c = compare("销售经理", 60, "销售经理", 290);
    assert_eq!(c.summary.same, 0);
    assert!(c.summary.reworded <= 1, "{:#?}", c.pairs);
    assert!(c.summary.only_a >= 19 && c.summary.only_b >= 15);
    assert!(c.similarity < 0.1);
}

#[test]
fn sales_manager_docx_shares_one_reworded_duty_with_the_lincoln_dealer() {
    // The .docx 销售经理 (line 534) keeps 篇一's duty 5 (调整销售及奖励政策) but ends it with
    // 保证公司的经营业绩 instead of 保证公司销售目标的达成.
    let c = compare("销售经理", 60, "销售经理", 534);
    let pair = pair_with(&c, "调整销售及奖励政策");
    assert_eq!(pair.kind, PairKind::Reworded);
    assert!(edits(pair, DiffOp::Delete).concat().contains("销售目标"));
    assert!(edits(pair, DiffOp::Insert).concat().contains("经营业绩"));
    assert_eq!(c.summary.same, 0);
    assert!(c.summary.only_b >= 6);
}

#[test]
fn sales_department_manager_copies_are_identical() {
    // 4s店销售部岗位职责 职责三 (line 510) and 汽车4S店销售部各岗位职责 (line 554).
    let c = compare("销售经理", 510, "销售经理", 554);
    assert_eq!(c.summary.same, 6);
    assert_eq!(c.pairs.len(), 6);
    assert_eq!(c.similarity, 1.0);
}

#[test]
fn sales_consultant_copies_and_different_definitions() {
    // 职责二 of 4s店销售部岗位职责 (line 508) and the .docx (line 536): eleven duties, the same
    // words ("KPI指标" / "KPI 指标", "交车前6小时前" / "交车前 6 小时前").
    let c = compare("销售顾问", 508, "销售顾问", 536);
    assert_eq!(c.summary.same, 11, "{:#?}", c.pairs);
    assert_eq!(c.pairs.len(), 11);
    // 篇一's Lincoln 销售顾问 (line 206) and 东风标致's (line 554) share nothing word for word.
    let c = compare("销售顾问", 210, "销售顾问", 554);
    assert_eq!(c.summary.same, 0);
    assert!(c.summary.only_a >= 20);
}

#[test]
fn showroom_manager_truncated_copy() {
    // 汽车4S店各岗位责任(描述) (line 450) breaks off inside duty 5 (…并对活动进行); 汽车4S店各岗位
    // 职责描述 (line 480) has the full ten duties.
    let c = compare("展厅经理", 450, "展厅经理", 480);
    assert_eq!(c.summary.same, 4, "{:#?}", c.pairs);
    assert_eq!(c.summary.reworded, 1);
    assert_eq!(c.summary.only_a, 0);
    assert_eq!(c.summary.only_b, 5);
    let cut = &of_kind(&c, PairKind::Reworded)[0];
    assert!(edits(cut, DiffOp::Insert).concat().contains("信息反馈"));
    // B's extra duties follow the pairs, in B's order.
    let only_b: Vec<usize> = of_kind(&c, PairKind::OnlyB)
        .iter()
        .map(|p| p.b_duties[0])
        .collect();
    assert_eq!(only_b, vec![5, 6, 7, 8, 9]);
}

#[test]
fn sales_supervisor_against_showroom_manager() {
    // 篇一's 销售主管 (line 102) against 展厅经理 (line 480): the showroom manager's duties are the
    // supervisor's, some copied word for word, some with 协助销售经理 added.
    let c = compare("销售主管", 110, "展厅经理", 480);
    for copied in [
        "负责领导销售顾问完成销售经理下达的展厅销售目标",
        "负责规范销售团队行为",
        "负责跟踪和控制销售计划完成进度",
        "负责协助解决客户投诉",
    ] {
        assert_eq!(pair_with(&c, copied).kind, PairKind::Same, "{copied}");
    }
    let training = pair_with(&c, "负责制定培训计划");
    assert_eq!(training.kind, PairKind::Reworded);
    assert!(edits(training, DiffOp::Insert)
        .concat()
        .contains("协助销售经理"));
    // Of the supervisor's 30-odd duties most are the supervisor's own.
    assert!(c.summary.only_a >= 15);
    assert_eq!(c.summary.only_b, 0);
}

#[test]
fn service_manager_splits_one_after_sales_duty_in_two() {
    // 篇二's 售后部经理 (line 322) and the Hyundai dealer's 服务经理 (line 504), written from the
    // same source: 厂家 became 现代, and 篇二's duty 9 (组织协调各部门完成…特殊工作或活动,
    // 贯彻并组织实施…规定,规程和制度) is two items there.
    let c = compare("售后经理", 330, "售后经理", 504);
    let splits = of_kind(&c, PairKind::Split);
    assert_eq!(splits.len(), 1, "{:#?}", c.pairs);
    let split = splits[0];
    assert_eq!(split.a_parts.len(), 1);
    assert!(split.a_parts[0].contains("组织协调各部门完成厂家、公司所布置"));
    assert_eq!(split.b_parts.len(), 2);
    assert!(split.b_parts[0].starts_with("组织协调各部门完成现代所布置"));
    assert!(split.b_parts[1].starts_with("贯彻并组织实施现代"));
    assert_eq!(
        pair_with(&c, "负责接待和处理重大客户投诉").kind,
        PairKind::Same
    );
    assert_eq!(
        pair_with(&c, "负责售后服务部门员工的绩效评估").kind,
        PairKind::Same
    );
    let charter = pair_with(&c, "严格按照厂家经销商管理文件要求");
    assert_eq!(charter.kind, PairKind::Reworded);
    assert!(edits(charter, DiffOp::Insert).concat().contains("现代"));
    // The trailing ; of 篇二's duty is not an edit: a minor span, kept so the diff rebuilds it.
    assert!(!edits(charter, DiffOp::Delete)
        .iter()
        .any(|d| d.contains(';')));
    assert!(charter
        .diff
        .iter()
        .any(|s| s.op == DiffOp::Delete && s.minor && s.text == ";"));
    assert_eq!(
        rebuild(&charter.diff, DiffOp::Delete),
        charter.a.clone().unwrap()
    );
    assert_eq!(c.summary.split, 1);
}

#[test]
fn market_manager_definitions_differ() {
    // 篇二's 市场部经理 (line 362) and the Beijing dealer's (line 444) are different texts.
    let c = compare("市场部经理", 362, "市场部经理", 444);
    assert_eq!(c.summary.same, 0);
    assert!(c.summary.reworded <= 1, "{:#?}", c.pairs);
    assert!(c.summary.only_a >= 12 && c.summary.only_b >= 11);
}

#[test]
fn general_manager_coverage_has_a_core_without_the_subsidiary() {
    let found = zhize::select::find_positions(corpus(), None, "总经理").unwrap();
    let columns = one_per_document(&found);
    assert!(columns.len() >= 5);
    let matrix = coverage("总经理", &columns, &CompareOptions::default());
    let column_at = |line: usize| {
        matrix
            .stores
            .iter()
            .position(|s| s.line_start <= line && line <= s.line_end.max(s.line_start))
            .unwrap()
    };
    // 负责完善4S店各项管理,健全岗位职责目标… is in 篇一 (duty 11), its copy (432), 修订 (492) and
    // both 人员岗位职责 (528, 542), not in 篇二's 子、分公司总经理 (266).
    let row = matrix
        .rows
        .iter()
        .find(|r| r.duty.contains("完善4") && r.duty.contains("店各项管理"))
        .expect("row for 完善4S店各项管理");
    for line in [20, 432, 492, 528, 542] {
        assert_ne!(
            row.cells[column_at(line)].kind,
            CellKind::Absent,
            "line {line}"
        );
    }
    assert_eq!(row.cells[column_at(266)].kind, CellKind::Absent);
    // Common core first: presence never increases down the rows.
    for w in matrix.rows.windows(2) {
        assert!(w[0].present >= w[1].present);
    }
    // 篇二's subsidiary duties are its own rows.
    let subsidiary_only = matrix
        .rows
        .iter()
        .filter(|r| r.present == 1 && r.cells[column_at(266)].kind != CellKind::Absent)
        .count();
    assert!(subsidiary_only >= 8);
}

// ---- the command line ----

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

#[test]
fn cli_text_marks_the_edit_and_fits_100_columns() {
    let (code, out, err) = zhize(&[
        "compare",
        "销售经理",
        "--a",
        "汽车4S店各岗位职责描述",
        "--b",
        "修订",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("计划报总经理{+、董事长+}处"), "{out}");
    assert!(out.contains("9 same · 1 reworded"));
    assert!(
        !out.contains('\x1b'),
        "NO_COLOR must leave no escape sequences"
    );
    for line in out.lines() {
        assert!(width(line) <= 100, "too wide: {line}");
    }
}

#[test]
fn cli_json_has_the_issue_shape() {
    let (code, out, err) = zhize(&[
        "compare",
        "--a",
        "d1:总经理",
        "--b",
        "修订:总经理",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["a"]["doc_id"], "d1");
    assert!(v["b"]["store"].as_str().unwrap().contains("修订"));
    for key in ["same", "reworded", "only_a", "only_b", "split"] {
        assert!(v["summary"][key].is_u64(), "{key}");
    }
    let pairs = v["pairs"].as_array().unwrap();
    assert!(!pairs.is_empty());
    for p in pairs {
        let kind = p["kind"].as_str().unwrap();
        assert!(["same", "reworded", "only_a", "only_b", "split"].contains(&kind));
        assert_eq!(p["a"].is_null(), kind == "only_b");
        assert_eq!(p["b"].is_null(), kind == "only_a");
        for span in p["diff"].as_array().unwrap() {
            assert!(["equal", "delete", "insert"].contains(&span["op"].as_str().unwrap()));
        }
    }
    // 修订's 总经理 begins 执行董事长办公会决议,全面负责公司的日常经营、管理工作 — 篇一's duty 2.
    assert!(pairs
        .iter()
        .any(|p| p["kind"] == "reworded"
            && p["b"].as_str().unwrap().contains("执行董事长办公会决议")));
}

#[test]
fn cli_all_prints_the_matrix_and_json() {
    let (code, out, err) = zhize(&["compare", "总经理", "--all"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("总经理 across"), "{out}");
    for line in out.lines() {
        assert!(width(line) <= 100, "too wide: {line}");
    }
    let (code, out, _) = zhize(&["compare", "销售经理", "--all", "--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let stores = v["stores"].as_array().unwrap().len();
    assert!(stores >= 5);
    for row in v["rows"].as_array().unwrap() {
        assert!(row["duty"].is_string());
        let cells = row["cells"].as_array().unwrap();
        assert_eq!(cells.len(), stores);
        for cell in cells {
            assert!(["same", "reworded", "absent"].contains(&cell["kind"].as_str().unwrap()));
        }
    }
}

#[test]
fn cli_two_titles_and_a_role_from_the_other_side() {
    // 篇一's 销售主管 against 汽车4S店各岗位职责描述's 展厅经理: the showroom manager's duties
    // 6–9 are the supervisor's 12–15 word for word.
    let (code, out, err) = zhize(&[
        "compare",
        "--a",
        "d1:销售主管",
        "--b",
        "汽车4S店各岗位职责描述:展厅经理",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["a"]["position"], "销售主管");
    assert_eq!(v["b"]["position"], "展厅经理");
    assert!(v["summary"]["same"].as_u64().unwrap() >= 4);
    // --b without a role takes --a's.
    let (code, out, err) = zhize(&[
        "compare",
        "--a",
        "修订:销售经理",
        "--b",
        "汽车4S店各岗位职责描述",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("9 same · 1 reworded"), "{out}");
}

#[test]
fn cli_exact_title_picks_one_of_two_lists_in_a_document() {
    // The .docx (line 534) lists 销售经理 twice: 销售部销售经理 (its own nine duties) and
    // 4s店销售经理, a copy of 职责一 of 4s店销售部岗位职责 (line 508).
    let (code, out, err) = zhize(&[
        "compare",
        "--a",
        "docx:4s店销售经理",
        "--b",
        "4s店销售部岗位职责:4s店销售部",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["a"]["position"], "4s店销售经理");
    assert_eq!(v["summary"]["same"], 9);
    assert_eq!(v["pairs"].as_array().unwrap().len(), 9);
}

/// Runs zhize expecting an error: exit 2, nothing on stdout, no panic; returns stderr.
fn fails(args: &[&str]) -> String {
    let (code, out, err) = zhize(args);
    assert_eq!(code, 2, "{args:?}: {out}{err}");
    assert!(out.is_empty(), "{args:?} printed {out}");
    assert!(!err.contains("panicked"), "{err}");
    err
}

#[test]
fn cli_errors_name_what_is_missing() {
    // An unknown store lists the stores.
    let err = fails(&["compare", "销售经理", "--a", "不存在的店", "--b", "修订"]);
    assert!(err.contains("不存在的店") && err.contains("d1"), "{err}");
    // An unknown role suggests the closest roles.
    let err = fails(&["compare", "展厅总监理", "--a", "d1", "--b", "修订"]);
    assert!(err.contains("closest"), "{err}");
    // A role only one store defines: which store, and roles that can be compared.
    let err = fails(&["compare", "二网专员", "--all"]);
    assert!(err.contains("only") && err.contains("二网专员"), "{err}");
    let err = fails(&[
        "compare",
        "二网专员",
        "--a",
        "汽车4S店各岗位职责描述",
        "--b",
        "修订",
    ]);
    assert!(
        err.contains("defined in") && err.contains("汽车4S店各岗位职责描述"),
        "{err}"
    );
    // Missing sides, and one position against itself.
    let err = fails(&["compare", "销售经理", "--a", "d1"]);
    assert!(err.contains("--b"), "{err}");
    let err = fails(&["compare", "销售经理", "--a", "修订", "--b", "修订"]);
    assert!(err.contains("same position"), "{err}");
}
