//! The parser on the shipped corpus: every expectation here was written by reading the source
//! text (line numbers refer to `corpus/4s店岗位职责合集.txt`), one or more per trap.

use std::path::PathBuf;
use zhize::{Corpus, Document, LoadOptions, Position, PositionKind};

const CORPUS_FILE: &str = "corpus/4s店岗位职责合集.txt";

fn corpus() -> Corpus {
    zhize::load(&[PathBuf::from(CORPUS_FILE)], &LoadOptions::default()).expect("corpus loads")
}

fn document<'a>(corpus: &'a Corpus, title: &str, line_start: usize) -> &'a Document {
    corpus
        .documents
        .iter()
        .find(|d| d.title == title && d.line_start == line_start)
        .unwrap_or_else(|| panic!("no document `{title}` at line {line_start}"))
}

fn position<'a>(document: &'a Document, title: &str, kind: PositionKind) -> &'a Position {
    document
        .positions
        .iter()
        .find(|p| p.title == title && p.kind == kind)
        .unwrap_or_else(|| {
            let titles: Vec<_> = document.positions.iter().map(|p| &p.title).collect();
            panic!(
                "no {kind:?} position `{title}` in {}: {titles:?}",
                document.title
            )
        })
}

fn duties(position: &Position) -> Vec<&str> {
    position.duties.iter().map(|d| d.text.as_str()).collect()
}

#[test]
fn splits_the_merged_file_into_its_documents() {
    let corpus = corpus();
    let titles: Vec<(&str, usize)> = corpus
        .documents
        .iter()
        .map(|d| (d.title.as_str(), d.line_start))
        .collect();
    // 【篇一】 and 【篇二】 are parts of the first file; then one document per title line.
    let expected = [
        ("4s店岗位职责编制", 1),
        ("4s店重点岗位职责", 262),
        ("4S店岗位职责编制", 430),
        ("汽车4s店市场专员工作总结最新总结", 434),
        ("汽车4S店市场部岗位职责及工作流程", 442),
        ("汽车4S店各岗位责任(描述)", 448),
        ("金融部岗位职责", 458),
        ("汽车4S店市场部策划专员工作总结", 464),
        ("汽车4S店市场部岗位职责及工作流程", 470),
        ("汽车4S店各岗位职责描述", 476),
        ("金融公司客服岗位职责", 484),
        ("汽车4S店各岗位职责(修订)", 490),
        ("供应链金融各部门岗位职责", 498),
        ("4S店各岗位人员岗位职责", 502),
        ("4s店销售部岗位职责", 506),
        ("汽车4S店各岗位职责篇", 512),
        ("融资部岗位职责", 518),
        ("4S店人员岗位职责", 522),
        ("4S店销售部销售经理岗位职责.docx", 532),
        ("4S店人员岗位职责", 538),
        ("4S店市场专员的职责", 546),
        ("汽车4S店销售部各岗位职责", 552),
        ("金融部各岗位职责(定稿)", 558),
    ];
    assert_eq!(titles, expected);
    let ids: Vec<&str> = corpus.documents.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids[0], "d1");
    assert_eq!(ids[22], "d23");
    // Store names default to document titles.
    assert!(corpus.documents.iter().all(|d| d.store == d.title));
}

#[test]
fn titled_positions_of_the_first_part_with_metadata() {
    let corpus = corpus();
    let part_one = document(&corpus, "4s店岗位职责编制", 1);
    let titles: Vec<&str> = part_one
        .positions
        .iter()
        .map(|p| p.title.as_str())
        .collect();
    // `总经理` (line 16) followed by `岗位名称:总经理` (line 18) is one position, not two.
    assert_eq!(
        titles,
        [
            "总经理",
            "销售部经理",
            "销售主管",
            "后勤事业主管",
            "试乘试驾专员",
            "销售顾问"
        ]
    );
    let manager = position(part_one, "销售部经理", PositionKind::Duties);
    assert_eq!(manager.role, "销售经理");
    assert_eq!(manager.department.as_deref(), Some("销售部"));
    assert_eq!(manager.reports_to, ["总经理"]);
    assert_eq!(
        manager.subordinates,
        ["展厅主管", "后勤事业主管", "市场主管"]
    );
    assert_eq!(manager.duties.len(), 20);
    // `直接下级:…、上牌专员、岗位职责:` — the section heading glued to the list is not a subordinate.
    let logistics = position(part_one, "后勤事业主管", PositionKind::Duties);
    assert_eq!(
        logistics.subordinates,
        ["汽车金融专员", "售前回访专员", "保险专员", "上牌专员"]
    );
    assert_eq!(logistics.duties.len(), 5);
    let supervisor = position(part_one, "销售主管", PositionKind::Duties);
    assert_eq!(supervisor.reports_to, ["销售经理"]);
    let general = position(part_one, "总经理", PositionKind::Duties);
    assert_eq!(general.department, None);
    assert_eq!(general.duties.len(), 15);
    assert_eq!(general.duties[0].n.as_deref(), Some("1"));
    assert_eq!(general.duties[0].line, 22);
    assert!(general.duties[0].text.starts_with("根据对市场和行业现状"));
}

#[test]
fn a_stray_number_inside_a_duty_is_joined_back() {
    // Lines 110–112: `3、…展厅的卫生安排、` `4、厅人力和物力资源的合理安排。` is one duty.
    let corpus = corpus();
    let supervisor = position(
        document(&corpus, "4s店岗位职责编制", 1),
        "销售主管",
        PositionKind::Duties,
    );
    assert_eq!(supervisor.duties.len(), 30);
    let third = &supervisor.duties[2];
    assert_eq!(third.n.as_deref(), Some("3"));
    assert!(third
        .text
        .ends_with("展厅的卫生安排、厅人力和物力资源的合理安排。"));
    assert_eq!(supervisor.duties[3].n.as_deref(), Some("5"));
}

#[test]
fn repeated_numbers_and_unnumbered_duties_are_kept() {
    // The 销售顾问 list numbers 19 twice and has one unnumbered duty (line 244).
    let corpus = corpus();
    let adviser = position(
        document(&corpus, "4s店岗位职责编制", 1),
        "销售顾问",
        PositionKind::Duties,
    );
    assert_eq!(adviser.duties.len(), 25);
    let nineteens = adviser
        .duties
        .iter()
        .filter(|d| d.n.as_deref() == Some("19"))
        .count();
    assert_eq!(nineteens, 2);
    let unnumbered: Vec<_> = adviser.duties.iter().filter(|d| d.n.is_none()).collect();
    assert_eq!(unnumbered.len(), 1);
    assert_eq!(unnumbered[0].line, 244);
    assert!(unnumbered[0].text.starts_with("负责展厅客户的接待工作"));
}

#[test]
fn chinese_numbered_titles_and_wrapped_lines() {
    let corpus = corpus();
    let part_two = document(&corpus, "4s店重点岗位职责", 262);
    let titles: Vec<&str> = part_two
        .positions
        .iter()
        .map(|p| p.title.as_str())
        .collect();
    assert_eq!(
        titles,
        [
            "子、分公司总经理",
            "销售部经理",
            "售后部经理",
            "市场部经理",
            "金融保险部经理",
            "行政部经理"
        ]
    );
    assert_eq!(part_two.positions[0].role, "总经理");
    let counts: Vec<usize> = part_two.positions.iter().map(|p| p.duties.len()).collect();
    assert_eq!(counts, [10, 16, 19, 14, 11, 4]);
    // Lines 378–380: a duty wrapped mid-sentence is re-joined.
    let market = position(part_two, "市场部经理", PositionKind::Duties);
    assert_eq!(
        market.duties[7].text,
        "负责按照厂家的要求定期向指定的供应商购买包括车书,价格表,店内pos等在内的市场宣传及销售资料,并按照规定正确使用;"
    );
    let finance = position(part_two, "金融保险部经理", PositionKind::Duties);
    assert!(finance.duties[9]
        .text
        .ends_with("续保及分期业务的营销政策;"));
}

#[test]
fn a_whole_list_run_together_on_one_line() {
    // Line 432 repeats 篇一's 总经理 list on one line, with `销售部` glued to its end.
    let corpus = corpus();
    let copy = document(&corpus, "4S店岗位职责编制", 430);
    assert_eq!(copy.positions.len(), 1);
    let general = &copy.positions[0];
    assert_eq!(general.title, "总经理");
    assert_eq!(general.duties.len(), 15);
    assert!(general.duties.iter().all(|d| d.line == 432));
    let numbers: Vec<&str> = general
        .duties
        .iter()
        .filter_map(|d| d.n.as_deref())
        .collect();
    assert_eq!(numbers, (1..=15).map(|n| n.to_string()).collect::<Vec<_>>());
    assert!(general.duties[14]
        .text
        .ends_with("打造团结高效优质和谐团队。"));
}

#[test]
fn titles_glued_to_the_previous_duty() {
    let corpus = corpus();
    // Line 494: `…7、完成领导交办的其他任务。 销售经理岗位职责`
    let revised = document(&corpus, "汽车4S店各岗位职责(修订)", 490);
    let titles: Vec<&str> = revised.positions.iter().map(|p| p.title.as_str()).collect();
    assert_eq!(titles, ["总经理", "行政总务经理", "销售经理"]);
    let admin = position(revised, "行政总务经理", PositionKind::Duties);
    assert_eq!(
        admin.duties.last().unwrap().text,
        "完成领导交办的其他任务。"
    );
    assert_eq!(
        position(revised, "销售经理", PositionKind::Duties)
            .duties
            .len(),
        10
    );
    // Line 480–482: three positions on two lines.
    let described = document(&corpus, "汽车4S店各岗位职责描述", 476);
    let titles: Vec<&str> = described
        .positions
        .iter()
        .map(|p| p.title.as_str())
        .collect();
    assert_eq!(titles, ["销售经理", "展厅经理", "二网专员"]);
    let counts: Vec<usize> = described.positions.iter().map(|p| p.duties.len()).collect();
    assert_eq!(counts, [10, 10, 3]);
    // Line 534: `4s 店销售经理职责:` is a title even with a space inside.
    let docx = document(&corpus, "4S店销售部销售经理岗位职责.docx", 532);
    let roles: Vec<&str> = docx.positions.iter().map(|p| p.role.as_str()).collect();
    assert_eq!(roles, ["销售经理", "销售经理", "销售顾问"]);
    assert_eq!(
        docx.positions[0].duties.last().unwrap().text,
        "建立和维护员工培训,发展和激励的制度"
    );
}

#[test]
fn empty_numbers_and_lists_that_lost_their_title() {
    // Line 450: `精心整理 1、…2、… 3、 4、 … 10、 展厅经理岗位职责 1、…`
    let corpus = corpus();
    let mangled = document(&corpus, "汽车4S店各岗位责任(描述)", 448);
    let first = &mangled.positions[0];
    assert_eq!(first.title, zhize::parse::UNTITLED);
    assert_eq!(first.duties.len(), 2);
    assert!(first.duties[0].text.starts_with("根据公司下达的销售目标"));
    let showroom = &mangled.positions[1];
    assert_eq!(showroom.title, "展厅经理");
    assert_eq!(showroom.duties.len(), 5);
    // The 二网 list (line 452) starts again at 1 with no title: a new, untitled position.
    let second_network = &mangled.positions[2];
    assert_eq!(second_network.title, zhize::parse::UNTITLED);
    assert!(second_network.duties[0]
        .text
        .starts_with("开发、搜寻新的目标客户"));
}

#[test]
fn sub_items_belong_to_their_duty() {
    // Line 516: `5、负责公司安全及后勤日常管理工作; a)保洁员… f)处理公司非生活垃圾 6、…`
    let corpus = corpus();
    let staff = position(
        document(&corpus, "汽车4S店各岗位职责篇", 512),
        "行政人员",
        PositionKind::Duties,
    );
    assert_eq!(staff.duties.len(), 11);
    let fifth = &staff.duties[4];
    assert!(fifth.text.starts_with("负责公司安全及后勤日常管理工作;"));
    assert!(fifth.text.contains("a)保洁员的日常管理工作"));
    assert!(fifth.text.ends_with("f)处理公司非生活垃圾"));
    assert!(staff.duties[5].text.starts_with("负责公司固定资产的登记"));
}

#[test]
fn requirements_are_not_duties() {
    // Line 504: `服务经理 任职条件 o具备… 工作职责 o严格按照…`
    let corpus = corpus();
    let staff = document(&corpus, "4S店各岗位人员岗位职责", 502);
    let requirements = position(staff, "服务经理", PositionKind::Requirements);
    assert_eq!(requirements.duties.len(), 6);
    assert_eq!(requirements.duties[0].text, "具备本科以上的学历");
    assert_eq!(requirements.duties[0].n.as_deref(), Some("o"));
    let service_duties = position(staff, "服务经理", PositionKind::Duties);
    assert_eq!(service_duties.duties.len(), 10);
    assert!(duties(service_duties).iter().all(|d| !d.contains("学历")));
    assert!(duties(service_duties)
        .last()
        .unwrap()
        .ends_with("负责售后服务整个工作流程的不断优化"));
    let front = position(staff, "前台主管", PositionKind::Requirements);
    assert_eq!(front.duties.len(), 6);
    assert_eq!(
        position(staff, "前台主管", PositionKind::Duties)
            .duties
            .len(),
        6
    );
}

#[test]
fn checklists_and_reports_are_not_duties() {
    let corpus = corpus();
    let specialist = document(&corpus, "4S店市场专员的职责", 546);
    let duties_lists: Vec<&Position> = specialist
        .positions
        .iter()
        .filter(|p| p.kind == PositionKind::Duties)
        .collect();
    assert_eq!(duties_lists.len(), 1);
    assert_eq!(duties_lists[0].role, "市场专员");
    assert_eq!(duties_lists[0].duties.len(), 10);
    let purposes = position(specialist, "市场活动策划的目的", PositionKind::Other);
    assert_eq!(duties(purposes)[0], "增加订单销量");
    assert_eq!(purposes.duties.len(), 5);
    // The narrative work report (lines 464–468) yields no positions.
    let report = document(&corpus, "汽车4S店市场部策划专员工作总结", 464);
    assert!(report.positions.is_empty());
    let every_duty: Vec<String> = corpus.duty_records().into_iter().map(|d| d.text).collect();
    assert!(every_duty.iter().all(|d| !d.contains("转眼间")));
}

#[test]
fn noise_never_reaches_duties_or_titles() {
    let corpus = corpus();
    for (document, position) in corpus.positions() {
        for needle in [
            "文档编制序号",
            "精心整理",
            "IMB",
            "相关文档",
            "最新文档",
            "目录",
        ] {
            assert!(
                !position.title.contains(needle),
                "{needle} in {}",
                position.title
            );
            assert!(!document.title.contains(needle));
            for duty in &position.duties {
                assert!(!duty.text.contains(needle), "{needle} in {}", duty.text);
            }
        }
    }
}

#[test]
fn roles_and_duties_in_finance_documents() {
    let corpus = corpus();
    let finance = document(&corpus, "金融部岗位职责", 458);
    let titles: Vec<&str> = finance.positions.iter().map(|p| p.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "金融总监",
            "金融车贷部经理",
            "保险部经理",
            "信息中心",
            "风险部",
            "金融内勤",
            "分期专员",
            "贷后部"
        ]
    );
    let counts: Vec<usize> = finance.positions.iter().map(|p| p.duties.len()).collect();
    assert_eq!(counts, [6, 5, 4, 3, 3, 2, 4, 3]);
    let service = document(&corpus, "金融公司客服岗位职责", 484);
    assert_eq!(service.positions.len(), 5);
    assert!(service.positions.iter().all(|p| p.role == "客服专员"));
    let supply = document(&corpus, "供应链金融各部门岗位职责", 498);
    let risk = &supply.positions[0];
    assert_eq!(risk.role, "风控经理");
    assert_eq!(risk.department.as_deref(), Some("风险控制部"));
    assert_eq!(risk.duties.len(), 6);
    assert_eq!(supply.positions[1].duties.len(), 8);
}

#[test]
fn every_character_and_line_is_accounted_for() {
    let corpus = corpus();
    let text = std::fs::read_to_string(CORPUS_FILE).unwrap();
    let report = &corpus.files[0];
    let non_whitespace = text.chars().filter(|c| !c.is_whitespace()).count();
    let chars = &report.chars;
    assert_eq!(
        chars.duty + chars.heading + chars.numbering + chars.noise + chars.unparsed,
        non_whitespace
    );
    let non_blank = zhize::ingest::split_lines(&text)
        .iter()
        .filter(|l| !l.trim().is_empty())
        .count();
    let lines = &report.lines;
    assert_eq!(
        lines.duty + lines.heading + lines.noise + lines.unparsed,
        non_blank
    );
    assert_eq!(chars.unparsed, 0, "unparsed: {:?}", report.unparsed);
    // Noise is what it should be: the serial numbers, 精心整理, the narrative report …
    assert!(chars.noise > 0);
    // … and every duty's text is counted as duty characters.
    let duty_chars: usize = corpus
        .duty_records()
        .iter()
        .map(|d| d.text.chars().filter(|c| !c.is_whitespace()).count())
        .sum();
    // Duty texts add sub-item labels (`a)`) that the accounting counts as numbering.
    assert!(duty_chars >= chars.duty && duty_chars - chars.duty < 40);
    assert_eq!(report.documents, 23);
    assert_eq!(report.duties, corpus.duty_records().len());
}

#[test]
fn manifest_maps_documents_to_stores() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("stores.tsv");
    std::fs::write(&manifest, "d1\t长沙林肯店\n金融部岗位职责 = 兰州金融公司\n").unwrap();
    let options = LoadOptions {
        manifest: Some(manifest),
        aliases: None,
    };
    let corpus = zhize::load(&[PathBuf::from(CORPUS_FILE)], &options).unwrap();
    assert_eq!(corpus.documents[0].store, "长沙林肯店");
    assert_eq!(
        document(&corpus, "金融部岗位职责", 458).store,
        "兰州金融公司"
    );
    assert_eq!(corpus.documents[1].store, corpus.documents[1].title);
}

#[test]
fn parsing_is_deterministic() {
    let a = corpus();
    let b = corpus();
    assert_eq!(a.documents, b.documents);
}

#[test]
fn letter_titles_with_a_description_or_a_qualifier() {
    // Line 474: `A、市场总监 带领市场部…优势。 1)制定… B、市场经理 —企宣 1)制定…`
    let corpus = corpus();
    let flow = document(&corpus, "汽车4S店市场部岗位职责及工作流程", 470);
    let director = position(flow, "市场总监", PositionKind::Duties);
    assert_eq!(director.duties.len(), 12);
    assert_eq!(director.duties[0].n, None);
    assert!(director.duties[0]
        .text
        .starts_with("带领市场部完成推广品牌"));
    assert_eq!(director.duties[11].text, "作为公司对媒体的发言人");
    let manager = position(flow, "市场经理—企宣", PositionKind::Duties);
    assert_eq!(manager.role, "市场经理");
    assert_eq!(manager.duties.len(), 4);
    // The department's scope (`1、市场部的工作范围、主要职责`) is a list, but not a position.
    let scope = position(flow, "市场部的工作范围", PositionKind::Other);
    assert_eq!(scope.duties.len(), 7);
    // The table of contents (line 472) is noise, not a position.
    assert!(flow.positions.iter().all(|p| p.line_start != 472));
}
