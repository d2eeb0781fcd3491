//! Property tests of the parser (the bounded fuzz pass CI runs): arbitrary text never panics and
//! is always fully accounted for; generated duty lists in every numbering style come back whole.
//! `PROPTEST_CASES=100000 cargo test --release --test parse_properties` runs it at volume.

use proptest::prelude::*;
use zhize::parse::{parse_text, Vocabulary};
use zhize::roles::RoleRules;

fn parse(text: &str) -> zhize::parse::ParsedFile {
    parse_text(
        "fuzz.txt",
        text,
        Vocabulary::shipped(),
        &RoleRules::shipped(),
    )
}

/// Characters a job-description file is made of, markers and noise included, plus hostile ones.
fn corpus_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => prop::sample::select("负责销售经理岗位职责名称直接上级下级任职条件部门展厅客户完成领导交办的其他任务精心整理文档编制序号篇一二三十".chars().collect::<Vec<_>>()),
        2 => prop::sample::select("0123456789、.。;;::,,()()【】[]ABCao -\t".chars().collect::<Vec<_>>()),
        1 => any::<char>(),
        1 => Just('\n'),
        1 => Just('\r'),
    ]
}

/// A duty text: Chinese with inner punctuation, never a marker of its own. (No Chinese numerals:
/// a wrap that lands right before `二、` reads as numbering to any reader, this parser included.)
fn duty_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(
            "负责展厅日常管理销售计划培训考核客户投诉保险续保精品加装网点交车按揭,、"
                .chars()
                .collect::<Vec<_>>(),
        ),
        4..40,
    )
    .prop_map(|chars| {
        let text: String = chars.into_iter().collect();
        format!("负责{}。", text.trim_matches([',', '、']))
    })
}

fn chinese(n: usize) -> String {
    const DIGITS: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        1..=9 => DIGITS[n].to_string(),
        10..=19 => format!("十{}", DIGITS[n - 10]),
        _ => format!("{}十{}", DIGITS[n / 10], DIGITS[n % 10]),
    }
}

fn numbered(style: usize, n: usize) -> String {
    match style {
        0 => format!("{n}."),
        1 => format!("{n}、"),
        2 => format!("({n})"),
        3 => format!("{n})"),
        4 => format!("{}、", chinese(n)),
        5 => format!("({})、", chinese(n)),
        _ => "o".to_string(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_is_fully_accounted(chars in prop::collection::vec(corpus_char(), 0..600)) {
        let text: String = chars.into_iter().collect();
        let parsed = parse(&text);
        let report = &parsed.report;
        let c = &report.chars;
        let non_whitespace = text.chars().filter(|c| !c.is_whitespace()).count();
        prop_assert_eq!(c.duty + c.heading + c.numbering + c.noise + c.unparsed, non_whitespace);
        let non_blank = zhize::ingest::split_lines(&text)
            .iter()
            .filter(|l| !l.trim().is_empty())
            .count();
        let l = &report.lines;
        prop_assert_eq!(l.duty + l.heading + l.noise + l.unparsed, non_blank);
        for document in &parsed.documents {
            prop_assert!(document.line_start <= document.line_end);
            for position in &document.positions {
                prop_assert!(!position.duties.is_empty());
                for duty in &position.duties {
                    prop_assert!(duty.line >= 1 && duty.line <= non_blank.max(1) + text.matches(['\n', '\r']).count() + 1);
                }
            }
        }
    }

    #[test]
    fn generated_lists_come_back_whole(
        duties in prop::collection::vec(duty_text(), 1..25),
        style in 0usize..7,
        per_line in 1usize..4,
        wrap in any::<bool>(),
    ) {
        let mut text = String::from("销售顾问岗位职责\n");
        for (i, duty) in duties.iter().enumerate() {
            let marker = numbered(style, i + 1);
            let body = if wrap && duty.chars().count() > 12 {
                // A converter wrapped the line mid-sentence.
                let cut: String = duty.chars().take(10).collect();
                let rest: String = duty.chars().skip(10).collect();
                format!("{cut}\n{rest}")
            } else {
                duty.clone()
            };
            text.push_str(&marker);
            text.push_str(&body);
            text.push(if (i + 1) % per_line == 0 { '\n' } else { ' ' });
        }
        let parsed = parse(&text);
        prop_assert_eq!(parsed.documents.len(), 1);
        let positions = &parsed.documents[0].positions;
        prop_assert_eq!(positions.len(), 1, "{:?}", positions.iter().map(|p| &p.title).collect::<Vec<_>>());
        prop_assert_eq!(&positions[0].role, "销售顾问");
        let got: Vec<&str> = positions[0].duties.iter().map(|d| d.text.as_str()).collect();
        let want: Vec<&str> = duties.iter().map(String::as_str).collect();
        prop_assert_eq!(got, want);
        prop_assert_eq!(parsed.report.chars.unparsed, 0);
    }
}
