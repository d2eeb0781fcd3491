//! model: the plain data types every stage passes on — a corpus of documents, their positions and
//! duties, each remembering the file and lines it came from.

use serde::{Deserialize, Serialize};

/// Everything parsed from the user's inputs, in input order.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Corpus {
    pub documents: Vec<Document>,
    /// One report per input file: encoding and the accounting of every character and line.
    pub files: Vec<FileReport>,
    /// Input files that were rejected (inside a folder) or decoded lossily: `file: message`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// One source document. A merged file holds many of them.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Document {
    /// Stable within a corpus: `d` followed by the document's 1-based ordinal in input order.
    pub id: String,
    /// The title as written (the first title line of the document).
    pub title: String,
    /// The store (dealership) the document describes: the title, unless a manifest maps it.
    pub store: String,
    /// The source file as the user named it (or `-` for standard input).
    pub file: String,
    /// 1-based, inclusive.
    pub line_start: usize,
    pub line_end: usize,
    pub positions: Vec<Position>,
}

/// The id of a position: its document's id and its 1-based ordinal in that document, `d4.p2`.
/// Computed from the two, never parsed out of the text, so it names the same list wherever it is
/// shown (list, show, export, search, compare, the web app) and however its title reads.
pub fn position_id(doc_id: &str, index: usize) -> String {
    format!("{doc_id}.p{}", index + 1)
}

/// A position id split back into its document id and 0-based position index (`d4.p2` →
/// `("d4", 1)`); None when `text` is not shaped like one (`p` may be upper case).
pub fn parse_position_id(text: &str) -> Option<(&str, usize)> {
    let text = text.trim();
    let at = text.rfind('.')?;
    let (document, rest) = (&text[..at], &text[at + 1..]);
    let ordinal = rest.strip_prefix(['p', 'P'])?;
    if document.is_empty() || ordinal.is_empty() || !ordinal.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let ordinal: usize = ordinal.parse().ok()?;
    Some((document, ordinal.checked_sub(1)?))
}

impl Document {
    /// The id of this document's position at `index` (see [`position_id`]).
    pub fn position_id(&self, index: usize) -> String {
        position_id(&self.id, index)
    }

    /// The id of `position`, one of this document's positions (the document id alone if it is
    /// not one).
    pub fn id_of(&self, position: &Position) -> String {
        self.position_index(position)
            .map_or_else(|| self.id.clone(), |i| self.position_id(i))
    }

    /// Where `position` is in this document's list: the same position (by address), else the
    /// first equal one.
    pub fn position_index(&self, position: &Position) -> Option<usize> {
        self.positions
            .iter()
            .position(|p| std::ptr::eq(p, position))
            .or_else(|| self.positions.iter().position(|p| p == position))
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub enum PositionKind {
    /// A list of duties (岗位职责, 工作职责).
    Duties,
    /// A list of requirements (任职条件, 任职资格): who may hold the post, not what it does.
    Requirements,
    /// Any other list: activity checklists, a department's scope, classifications.
    Other,
}

impl PositionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PositionKind::Duties => "duties",
            PositionKind::Requirements => "requirements",
            PositionKind::Other => "other",
        }
    }
}

/// One position (or one non-duty list) of a document.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Position {
    /// The title as written, prefixes such as `岗位名称:` and suffixes such as `岗位职责` removed.
    pub title: String,
    /// The canonical role key: every title variant of one role maps to the same key.
    pub role: String,
    pub department: Option<String>,
    /// 直接上级 / 上级领导.
    pub reports_to: Vec<String>,
    /// 直接下级.
    pub subordinates: Vec<String>,
    pub kind: PositionKind,
    pub duties: Vec<Duty>,
    /// 1-based, inclusive: from the title line to the last duty line.
    pub line_start: usize,
    pub line_end: usize,
    /// What the document says of the position besides its duties (任职资格, 考核指标, 工作关系,
    /// 权限, 岗位目的 …), in document order. Never counted as duties.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sections: Vec<Section>,
}

/// What a [`Section`] of a position holds.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub enum SectionKind {
    /// 任职资格, 任职要求, 任职条件, 岗位要求: who may hold the post.
    Requirements,
    /// 考核指标, 绩效指标, 考核标准.
    Kpis,
    /// 工作关系, 内部关系, 外部关系.
    Relations,
    /// 权限, 岗位权限.
    Authority,
    /// 岗位目的, 岗位概述, 职位概要: the post in a sentence.
    Purpose,
    /// 部门职能, 工作范围: a department's scope.
    Scope,
    /// Anything else (工作环境, 薪酬, 福利待遇, a table column such as 工作标准).
    Other,
}

impl SectionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SectionKind::Requirements => "requirements",
            SectionKind::Kpis => "kpis",
            SectionKind::Relations => "relations",
            SectionKind::Authority => "authority",
            SectionKind::Purpose => "purpose",
            SectionKind::Scope => "scope",
            SectionKind::Other => "other",
        }
    }
}

/// A part of a position that is not its duties: a heading and its items (a list, or the lines
/// of a paragraph), each with its source line.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Section {
    pub kind: SectionKind,
    /// The heading as written, without its colon (`任职资格`, `考核指标`).
    pub heading: String,
    pub items: Vec<Duty>,
    /// 1-based line of the heading.
    pub line: usize,
}

/// One duty: the text of one numbered (or bulleted) item.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Duty {
    /// The ordinal as numbered (`3`, `十一`, `A`, `o`), or None for an unnumbered duty.
    pub n: Option<String>,
    /// The text with wrapped lines re-joined and numbering removed; sub-items (`a)` …) kept.
    pub text: String,
    /// 1-based line where the duty starts.
    pub line: usize,
}

/// Where every character and non-blank line of one input file went.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct FileReport {
    pub file: String,
    /// The encoding that was used to decode the file, e.g. `UTF-8`, `GBK`, `UTF-16LE`.
    pub encoding: String,
    pub documents: usize,
    pub positions: usize,
    pub duties: usize,
    pub lines: LineCounts,
    pub chars: CharCounts,
    /// Lines holding text that was neither duty, heading, numbering nor recognised noise.
    pub unparsed: Vec<UnparsedLine>,
    /// Positions titled `(无标题)`: a list whose title the file does not give (line of its
    /// first duty, and that duty's start). `zhize check` warns about each.
    #[serde(default)]
    pub untitled: Vec<UnparsedLine>,
}

/// Non-blank lines by the class most of their characters belong to.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct LineCounts {
    pub duty: usize,
    pub heading: usize,
    pub noise: usize,
    pub unparsed: usize,
}

/// Non-whitespace characters by class; per file they add up to all non-whitespace characters.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct CharCounts {
    pub duty: usize,
    pub heading: usize,
    pub numbering: usize,
    pub noise: usize,
    pub unparsed: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct UnparsedLine {
    pub line: usize,
    pub text: String,
}

/// A duty with everything needed to show it on its own, as search, compare and dedup pass it on.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DutyRecord {
    pub doc_id: String,
    pub document: String,
    pub store: String,
    pub position: String,
    pub role: String,
    pub kind: PositionKind,
    /// Index of the position within its document.
    pub position_index: usize,
    pub n: Option<String>,
    pub text: String,
    pub file: String,
    pub line: usize,
}

impl DutyRecord {
    /// The id of the duty's position (see [`position_id`]).
    pub fn position_id(&self) -> String {
        position_id(&self.doc_id, self.position_index)
    }
}

impl Corpus {
    /// Every duty of every position, in corpus order, with its provenance.
    pub fn duty_records(&self) -> Vec<DutyRecord> {
        let mut records = Vec::new();
        for document in &self.documents {
            for (position_index, position) in document.positions.iter().enumerate() {
                for duty in &position.duties {
                    records.push(DutyRecord {
                        doc_id: document.id.clone(),
                        document: document.title.clone(),
                        store: document.store.clone(),
                        position: position.title.clone(),
                        role: position.role.clone(),
                        kind: position.kind,
                        position_index,
                        n: duty.n.clone(),
                        text: duty.text.clone(),
                        file: document.file.clone(),
                        line: duty.line,
                    });
                }
            }
        }
        records
    }

    /// All (document, position) pairs, in corpus order.
    pub fn positions(&self) -> impl Iterator<Item = (&Document, &Position)> {
        self.documents
            .iter()
            .flat_map(|d| d.positions.iter().map(move |p| (d, p)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn position_ids_round_trip() {
        assert_eq!(position_id("d4", 1), "d4.p2");
        assert_eq!(parse_position_id("d4.p2"), Some(("d4", 1)));
        assert_eq!(parse_position_id(" D12.P10 "), Some(("D12", 9)));
        for id in [
            "d4",
            "d4.p0",
            "d4.",
            ".p2",
            "d4.p",
            "d4.px",
            "d4.2",
            "销售经理",
            "d4.p-1",
        ] {
            assert_eq!(parse_position_id(id), None, "{id}");
        }
    }
}
