//! Queries a new user would type, against the shipped corpus, with the expected top hits decided
//! by reading the corpus (not by copying the engine's output).

use std::path::PathBuf;
use std::sync::OnceLock;
use zhize::index::{build_in_memory, DutyIndex};
use zhize::search::{search, DutyHit, GroupBy, PositionHit, SearchOptions};
use zhize::segment::Vocabulary;

fn index() -> &'static DutyIndex {
    static INDEX: OnceLock<DutyIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let corpus_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let corpus = zhize::load(&[corpus_dir], &zhize::LoadOptions::default()).unwrap();
        assert!(
            corpus.duty_records().len() > 300,
            "the parser found too few duties"
        );
        build_in_memory(&corpus, &Vocabulary::shipped()).unwrap()
    })
}

fn duties(query: &str, limit: usize) -> Vec<DutyHit> {
    let options = SearchOptions {
        limit,
        by: GroupBy::Duty,
        ..Default::default()
    };
    search(index(), query, &options).unwrap().duties
}

fn positions(query: &str, limit: usize) -> Vec<PositionHit> {
    let options = SearchOptions {
        limit,
        ..Default::default()
    };
    search(index(), query, &options).unwrap().positions
}

fn show(hits: &[DutyHit]) -> String {
    hits.iter()
        .map(|h| format!("{} {} | {}", h.score, h.position, h.text))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The first duty contains every group's word (each group: any of its alternatives).
fn assert_top_duty(query: &str, groups: &[&[&str]]) {
    let hits = duties(query, 5);
    assert!(!hits.is_empty(), "{query}: nothing found");
    let top = &hits[0].text;
    for group in groups {
        assert!(
            group.iter().any(|w| top.contains(w)),
            "{query}: top duty lacks {group:?}\n{}",
            show(&hits)
        );
    }
}

/// One of the first `k` positions has a title or role containing `title`.
fn assert_position_in_top(query: &str, k: usize, title: &str) {
    let hits = positions(query, k);
    assert!(
        hits.iter()
            .any(|p| p.position.contains(title) || p.role.contains(title)),
        "{query}: no {title} in the top {k}: {:?}",
        hits.iter()
            .map(|p| (&p.store, &p.position, p.score))
            .collect::<Vec<_>>()
    );
}

#[test]
fn keyword_queries() {
    assert_top_duty("续保", &[&["续保"]]);
    assert_top_duty("二网", &[&["二网"]]);
    assert_top_duty("单车毛利", &[&["单车毛利"]]);
    assert_top_duty("库龄", &[&["库龄"]]);
    assert_top_duty("PDI检测", &[&["PDI"]]);
    assert_top_duty("CSI", &[&["CSI"]]);
    assert_top_duty("人事档案", &[&["人事档案"]]);
    assert_top_duty("劳动合同", &[&["劳动合同"]]);
    assert_top_duty("公章管理", &[&["公章"]]);
    assert_top_duty("车展", &[&["车展"]]);
    assert_top_duty("薪酬福利", &[&["薪酬福利"]]);
    assert_top_duty("催收 逾期客户", &[&["催收"], &["逾期"]]);
    assert_position_in_top("试乘试驾", 1, "试乘试驾");
    assert_position_in_top("贷后管理", 3, "贷后");
    assert_position_in_top("PDI检测", 1, "车辆管理员");
}

#[test]
fn question_style_queries() {
    assert_top_duty("谁负责保险续保", &[&["续保"]]);
    assert_position_in_top("谁负责保险续保", 1, "保险");
    assert_top_duty("哪个岗位负责精品销售", &[&["精品"]]);
    assert_position_in_top("哪个岗位负责精品销售", 3, "销售顾问");
    assert_top_duty(
        "展车清洁由谁负责",
        &[&["展车", "展厅车辆", "展示车辆"], &["清洁", "一尘不染"]],
    );
    assert_top_duty("谁负责广告投放", &[&["广告"]]);
    assert_top_duty("哪些岗位要做客户回访", &[&["回访"]]);
    assert_top_duty("招聘由哪个部门负责", &[&["招聘", "招募"]]);
    assert_position_in_top("谁管公章", 2, "行政");
    // Naming a role asks about that role: its own position comes first.
    assert_position_in_top("销售顾问的职责", 1, "销售顾问");
    assert_position_in_top("展厅经理 卫生", 1, "展厅经理");
}

#[test]
fn paraphrased_queries() {
    // 客诉 never occurs in the corpus: its synonyms 投诉 / 抱怨 do.
    assert_top_duty("客诉处理", &[&["投诉", "抱怨"]]);
    // 晨会 is the synonym; the duty says 早会.
    assert_top_duty("主持晨会", &[&["早会"]]);
    // 汽车用品 ≈ 精品.
    assert_top_duty("汽车用品销售", &[&["精品", "装饰"]]);
    assert_top_duty("绩效评估", &[&["绩效评估"]]);
    // The exact word ranks before its synonyms: 抱怨 before a duty that only says 投诉.
    assert_top_duty("客户抱怨", &[&["抱怨"]]);
    assert_top_duty("试驾车维护保养", &[&["试驾车"], &["维修", "保养", "维护"]]);
}

#[test]
fn english_queries() {
    assert_top_duty("who handles insurance renewals", &[&["续保"]]);
    assert_top_duty(
        "showroom cleanliness",
        &[&["展厅"], &["卫生", "清洁", "整洁"]],
    );
    assert_top_duty("accessory sales targets", &[&["精品"]]);
    assert_position_in_top("test drive", 1, "试乘试驾");
    assert_top_duty("customer complaints", &[&["投诉"]]);
    assert_top_duty("secondary dealer development", &[&["二网", "二级网点"]]);
    assert_top_duty("labor contract", &[&["劳动合同"]]);
}

#[test]
fn traditional_and_full_width_queries() {
    assert_top_duty("誰負責保險續保", &[&["续保"]]);
    assert_top_duty(
        "展車清潔",
        &[&["展车", "展厅车辆", "展示车辆"], &["清洁", "一尘不染"]],
    );
    assert_top_duty("ＰＤＩ", &[&["PDI"]]);
    assert_top_duty("績效評估", &[&["绩效评估"]]);
}

#[test]
fn query_syntax_is_plain_text() {
    for query in [
        "保险\"续保\" AND (理赔)",
        "title:续保",
        "+ - ( ) AND OR",
        "\"",
        "续保~2^3",
        "",
        "   ",
        "😀\u{7}",
    ] {
        let options = SearchOptions::default();
        search(index(), query, &options).unwrap();
    }
    assert_top_duty("保险\"续保\" AND (理赔)", &[&["续保", "理赔"]]);
}

#[test]
fn highlights_mark_the_matched_words() {
    let hits = duties("谁负责保险续保", 1);
    let html = hits[0].highlight();
    assert!(html.contains("<em>续保</em>"), "{html}");
    assert!(!html.contains("<em>负责</em>"), "{html}");
    let chars: Vec<char> = hits[0].text.chars().collect();
    for &(start, end) in &hits[0].spans {
        let matched: String = chars[start..end].iter().collect();
        assert!(!matched.is_empty());
    }
}

#[test]
fn positions_group_duties_of_one_store_and_role() {
    for position in positions("考核", 10) {
        for duty in &position.duties {
            assert_eq!(duty.doc_id, position.doc_id);
            assert_eq!(duty.position_index, position.position_index);
        }
        let ranks: Vec<usize> = position.duties.iter().map(|d| d.rank).collect();
        assert_eq!(ranks, (1..=ranks.len()).collect::<Vec<_>>());
    }
}

#[test]
fn filters_keep_only_the_chosen_role() {
    let options = SearchOptions {
        limit: 20,
        by: GroupBy::Duty,
        role: Some("销售顾问".into()),
        ..Default::default()
    };
    let hits = search(index(), "客户回访", &options).unwrap().duties;
    assert!(!hits.is_empty());
    for hit in &hits {
        assert!(
            hit.role.contains("销售顾问"),
            "{} {}",
            hit.role,
            hit.position
        );
    }
}

/// Highlights land on the original characters even when the duty is Traditional or full-width
/// (folding is one character to one character).
#[test]
fn highlights_land_on_traditional_and_full_width_text() {
    use zhize::model::{Corpus, Document, Duty, Position, PositionKind};
    let duty = |text: &str, line: usize| Duty {
        n: Some(line.to_string()),
        text: text.to_string(),
        line,
    };
    let corpus = Corpus {
        documents: vec![Document {
            id: "d1".into(),
            title: "台北門市崗位職責".into(),
            store: "台北門市".into(),
            file: "tw.txt".into(),
            line_start: 1,
            line_end: 4,
            positions: vec![Position {
                title: "銷售顧問".into(),
                role: "销售顾问".into(),
                department: None,
                reports_to: vec![],
                subordinates: vec![],
                kind: PositionKind::Duties,
                duties: vec![
                    duty("負責展車的清潔與<b>擺放</b>;", 2),
                    duty("完成ＰＤＩ檢測及續保提醒;", 3),
                ],
                line_start: 1,
                line_end: 3,
                sections: Vec::new(),
            }],
        }],
        ..Default::default()
    };
    let index = build_in_memory(&corpus, &Vocabulary::shipped()).unwrap();
    let options = SearchOptions {
        by: GroupBy::Duty,
        ..Default::default()
    };
    let hits = search(&index, "展车清洁", &options).unwrap().duties;
    assert_eq!(
        hits[0].highlight(),
        "負責<em>展車</em>的<em>清潔</em>與&lt;b&gt;擺放&lt;/b&gt;;"
    );
    let hits = search(&index, "pdi 续保", &options).unwrap().duties;
    assert_eq!(
        hits[0].highlight(),
        "完成<em>ＰＤＩ</em>檢測及<em>續保</em>提醒;"
    );
}

/// `--role` selects positions by their place in the corpus; a position without duties before
/// it must not shift the numbering.
#[test]
fn filters_survive_positions_without_duties() {
    use zhize::model::{Corpus, Document, Duty, Position, PositionKind};
    let position = |title: &str, duties: Vec<&str>| Position {
        title: title.into(),
        role: title.into(),
        department: None,
        reports_to: vec![],
        subordinates: vec![],
        kind: PositionKind::Duties,
        duties: duties
            .into_iter()
            .enumerate()
            .map(|(i, text)| Duty {
                n: Some((i + 1).to_string()),
                text: text.into(),
                line: i + 2,
            })
            .collect(),
        line_start: 1,
        line_end: 3,
        sections: Vec::new(),
    };
    let corpus = Corpus {
        documents: vec![Document {
            id: "d1".into(),
            title: "长沙店".into(),
            store: "长沙店".into(),
            file: "a.txt".into(),
            line_start: 1,
            line_end: 9,
            positions: vec![
                position("总经理", vec![]),
                position("销售顾问", vec!["负责客户的续保提醒"]),
                position("保险专员", vec!["负责车辆保险的续保业务"]),
            ],
        }],
        ..Default::default()
    };
    let index = build_in_memory(&corpus, &Vocabulary::shipped()).unwrap();
    for role in ["保险专员", "销售顾问"] {
        let options = SearchOptions {
            role: Some(role.into()),
            ..Default::default()
        };
        let hits = search(&index, "续保", &options).unwrap().positions;
        assert_eq!(hits.len(), 1, "{role}");
        assert_eq!(hits[0].position, role);
    }
}
