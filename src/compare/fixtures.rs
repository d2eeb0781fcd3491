//! Positions of the shipped corpus written out for the unit tests of `compare`.

use crate::compare::{Pair, PairKind};
use crate::model::{Document, Duty, Position, PositionKind};

pub(super) fn position(title: &str, start: usize, duties: &[&str]) -> Position {
    Position {
        title: title.to_string(),
        role: title.to_string(),
        department: None,
        reports_to: Vec::new(),
        subordinates: Vec::new(),
        kind: PositionKind::Duties,
        duties: duties
            .iter()
            .enumerate()
            .map(|(i, t)| Duty {
                n: Some((i + 1).to_string()),
                text: t.to_string(),
                line: start + i,
            })
            .collect(),
        line_start: start,
        line_end: start + duties.len(),
        sections: Vec::new(),
    }
}

pub(super) fn document(id: &str, title: &str, positions: Vec<Position>) -> Document {
    Document {
        id: id.to_string(),
        title: title.to_string(),
        store: title.to_string(),
        file: "corpus/4s店岗位职责合集.txt".to_string(),
        line_start: 1,
        line_end: 100,
        positions,
    }
}

// 销售经理 in 汽车4S店各岗位职责描述 (line 480) and in its 修订 copy (line 496).
pub(super) const SALES_MANAGER_480: &[&str] = &[
    "根据公司下达的销售目标制定相应的工作计划、并组织实施、监督 完成。",
    "负责研读并领会厂家下发的商务政策,并对厂家要求的各项工作负 责组织监督实施完成。",
    "负责月初制定每月销售任务及工作目标、计划报总经理处。",
    "负责制定和落实针对销售顾问的培训计划,并对其进行考核。",
    "负责对销售顾问每日的工作进行监督、抽查,督促销售顾问严格按 销售流程、业务流程执行。",
    "负责对销售及市场信息的整理和分析。",
    "负责对市场的情况进行判断和预测,掌握市场的动态情况。",
    "负责对销售部所有人员的组织、管理和考核工作。",
    "负责督促信息部定期向厂家上报报表。掌握车辆动态的销售状况。",
    "完成领导交办的其他任务。",
];
pub(super) const SALES_MANAGER_496: &[&str] = &[
    "根据公司下达的销售目标制定相应的工作计划、并组织实施、 监督完成。",
    "负责研读并领会厂家下发的商务政策,并对厂家要求的各项工 作负责组织监督实施完成。",
    "负责月初制定每月销售任务及工作目标、计划报总经理、董事 长处。",
    "负责制定和落实针对销售顾问的培训计划,并对其进行考核。",
    "负责对销售顾问每日的工作进行监督、抽查,督促销售顾问严 格按销售流程、业务流程执行。",
    "负责对销售及市场信息的整理和分析。",
    "负责对市场的情况进行判断和预测,掌握市场的动态情况。",
    "负责对销售部所有人员的组织、管理和考核工作。",
    "负责督促信息部定期向厂家上报报表。掌握车辆动态的销售状 况。",
    "完成领导交办的其他任务。",
];
// 销售经理 of 4S店销售部销售经理岗位职责.docx (line 534): a genuinely different definition.
pub(super) const SALES_MANAGER_DOCX: &[&str] = &[
    "制定年度销售计划,报批落实全年任务的合理分解;",
    "检查、监督和授权所有的交易和订单,以确保完成毛利目标;",
    "根据市场销售的不同情况,及时、合理、准确的调整销售及奖励 政策,保证公司的经营业绩;",
    "为销售部和每一位销售顾问制定短期的销售和毛利目标;",
    "监督、落实销售流程和销售管理的标准化;",
    "每月制定销售分析报告",
    "制定销售顾问人员名额需求计划",
    "监督和衡量部门人员的工作效率,并定期进行绩效评估",
    "建立和维护员工培训,发展和激励的制度",
];

pub(super) fn texts(pairs: &[Pair], kind: PairKind) -> Vec<(Vec<usize>, Vec<usize>)> {
    pairs
        .iter()
        .filter(|p| p.kind == kind)
        .map(|p| (p.a_duties.clone(), p.b_duties.clone()))
        .collect()
}
