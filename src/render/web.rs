//! render::web: HTML fragments of the result structs (search hits, a position, a comparison, a
//! coverage matrix, dedup groups, check reports) for the pages of `zhize serve`; every piece of
//! corpus text escaped, links by position id.

use crate::compare::{CellKind, Comparison, Coverage, DiffOp, DiffSpan, Pair, PairKind, Side};
use crate::dedup::DedupReport;
use crate::model::{Corpus, Document, FileReport, Position, PositionKind};
use crate::render::compare::is_core;
use crate::render::html::escape;
use crate::search::{DutyHit, GroupBy, SearchResults};
use std::fmt::Write;

pub use crate::model::position_id;

/// The document and position a position id names, if it names one in `corpus`.
pub fn find_position<'a>(corpus: &'a Corpus, id: &str) -> Option<(&'a Document, usize)> {
    let (doc_id, index) = crate::model::parse_position_id(id)?;
    let document = corpus.documents.iter().find(|d| d.id == doc_id)?;
    (index < document.positions.len()).then_some((document, index))
}

/// The position id of a (document id, title, line) as compare and dedup report them.
pub fn position_id_at(corpus: &Corpus, doc_id: &str, title: &str, line: usize) -> Option<String> {
    let document = corpus.documents.iter().find(|d| d.id == doc_id)?;
    let mut best = None;
    for (index, position) in document.positions.iter().enumerate() {
        if position.title != title {
            continue;
        }
        if (position.line_start..=position.line_end).contains(&line) {
            return Some(position_id(doc_id, index));
        }
        best.get_or_insert(index);
    }
    best.map(|index| position_id(doc_id, index))
}

/// The position id of a compare side, if it names one of `corpus`'s positions.
pub fn side_position_id(corpus: &Corpus, side: &Side) -> Option<String> {
    find_position(corpus, &side.position_id).map(|(document, index)| document.position_id(index))
}

/// The href of a position page.
pub fn position_href(id: &str) -> String {
    format!("/position/{}", escape(id))
}

fn kind_label(kind: PositionKind) -> &'static str {
    match kind {
        PositionKind::Duties => "",
        PositionKind::Requirements => "任职条件",
        PositionKind::Other => "其他清单",
    }
}

/// Duties shown under a position before the rest fold away (as the terminal's `--duties`).
const SHOWN_DUTIES: usize = 3;

fn score(value: f32) -> String {
    format!("{value:.2}")
}

/// "searched for: …" and the hits, by position (each with its matching duties) or by duty.
pub fn search_results(results: &SearchResults) -> String {
    let mut out = String::new();
    if !results.analyzed.concepts.is_empty() {
        let searched: Vec<String> = results
            .analyzed
            .concepts
            .iter()
            .map(|c| format!("<b>{}</b>", escape(&c.source)))
            .collect();
        let _ = write!(
            out,
            "<p class=\"searched\" id=\"searched\">搜索：{}",
            searched.join(" · ")
        );
        if !results.analyzed.ignored.is_empty() {
            let ignored: Vec<String> = results.analyzed.ignored.iter().map(|w| escape(w)).collect();
            let _ = write!(
                out,
                " <span class=\"ignored\">（忽略：{}）</span>",
                ignored.join(" ")
            );
        }
        out.push_str("</p>\n");
    }
    if results.is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"empty\" id=\"empty\">没有找到与“{}”相关的职责。换个说法试试，或用英文（insurance renewal）。</p>",
            escape(&results.query)
        );
        return out;
    }
    match results.by {
        GroupBy::Position => {
            out.push_str("<ol class=\"results by-position\" id=\"results\">\n");
            for hit in &results.positions {
                let id = position_id(&hit.doc_id, hit.position_index);
                let _ = write!(
                    out,
                    "<li class=\"hit\" data-rank=\"{}\" data-position=\"{}\"><div class=\"hit-head\"><a class=\"position\" href=\"{}\">{}</a>",
                    hit.rank,
                    escape(&id),
                    position_href(&id),
                    escape(&hit.position)
                );
                if !hit.role.is_empty() && hit.role != hit.position {
                    let _ = write!(out, " <span class=\"role\">{}</span>", escape(&hit.role));
                }
                let label = kind_label(hit.kind);
                if !label.is_empty() {
                    let _ = write!(out, " <span class=\"kind\">{label}</span>");
                }
                let _ = write!(
                    out,
                    " <span class=\"store\">{} · {}</span> <span class=\"score\" title=\"得分\">{}</span></div>\n<ul class=\"duties\">\n",
                    escape(&hit.doc_id),
                    escape(&hit.store),
                    score(hit.score)
                );
                // The best few are shown; the rest fold away (no script needed to open them).
                for duty in hit.duties.iter().take(SHOWN_DUTIES) {
                    duty_item(&mut out, duty, false);
                }
                if hit.duties.len() > SHOWN_DUTIES {
                    let _ = write!(
                        out,
                        "</ul><details class=\"more\"><summary>另有 {} 条职责</summary><ul class=\"duties\">",
                        hit.duties.len() - SHOWN_DUTIES
                    );
                    for duty in hit.duties.iter().skip(SHOWN_DUTIES) {
                        duty_item(&mut out, duty, false);
                    }
                    out.push_str("</ul></details></li>\n");
                } else {
                    out.push_str("</ul></li>\n");
                }
            }
            out.push_str("</ol>\n");
        }
        GroupBy::Duty => {
            out.push_str("<ol class=\"results by-duty\" id=\"results\">\n");
            for duty in &results.duties {
                duty_item(&mut out, duty, true);
            }
            out.push_str("</ol>\n");
        }
    }
    out
}

fn duty_item(out: &mut String, duty: &DutyHit, with_position: bool) {
    let id = position_id(&duty.doc_id, duty.position_index);
    let _ = write!(
        out,
        "<li class=\"duty hit\" data-rank=\"{}\" data-position=\"{}\">",
        duty.rank,
        escape(&id)
    );
    if with_position {
        let _ = write!(
            out,
            "<div class=\"hit-head\"><a class=\"position\" href=\"{}\">{}</a> <span class=\"store\">{} · {}</span> <span class=\"score\">{}</span></div>",
            position_href(&id),
            escape(&duty.position),
            escape(&duty.doc_id),
            escape(&duty.store),
            score(duty.score)
        );
    }
    let number = duty.n.as_deref().map(escape).unwrap_or_else(|| "·".into());
    let _ = writeln!(
        out,
        "<span class=\"n\">{number}.</span> <span class=\"text\">{}</span> <a class=\"line\" href=\"{}#line-{}\" title=\"{}\">第{}行</a></li>",
        duty.highlight(),
        position_href(&id),
        duty.line,
        escape(&duty.file),
        duty.line
    );
}

/// Links each name (a superior, a subordinate) to a position of the same document when one
/// has that title or role.
pub fn linked_names(corpus: &Corpus, document: &Document, names: &[String]) -> String {
    let mut parts = Vec::new();
    for name in names {
        let found = crate::select::find_positions(corpus, Some(&document.id), name)
            .ok()
            .and_then(|found| {
                found.first().and_then(|(d, p)| {
                    d.positions
                        .iter()
                        .position(|q| std::ptr::eq(q, *p))
                        .map(|index| position_id(&d.id, index))
                })
            });
        parts.push(match found {
            Some(id) => format!(
                "<a class=\"related\" href=\"{}\">{}</a>",
                position_href(&id),
                escape(name)
            ),
            None => format!("<span class=\"related\">{}</span>", escape(name)),
        });
    }
    parts.join("、")
}

/// One position: its store, department, reports-to and subordinates (as links), and its duties
/// (each anchored by its ordinal and its line).
pub fn position(corpus: &Corpus, document: &Document, index: usize) -> String {
    let position: &Position = &document.positions[index];
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<h1 id=\"position-title\">{}</h1>\n<p class=\"meta\"><span class=\"store\">{} · {}</span>",
        escape(&position.title),
        escape(&document.id),
        escape(&document.store)
    );
    if document.title != document.store {
        let _ = write!(
            out,
            " <span class=\"document\">（{}）</span>",
            escape(&document.title)
        );
    }
    let _ = writeln!(
        out,
        " <span class=\"source\">{} 第{}–{}行</span></p>",
        escape(&document.file),
        position.line_start,
        position.line_end
    );
    out.push_str("<table class=\"facts\">\n");
    let _ = writeln!(
        out,
        "<tr><th>岗位</th><td>{}</td></tr>",
        escape(&position.role)
    );
    if let Some(department) = &position.department {
        let _ = writeln!(out, "<tr><th>部门</th><td>{}</td></tr>", escape(department));
    }
    if !position.reports_to.is_empty() {
        let _ = writeln!(
            out,
            "<tr><th>直接上级</th><td id=\"reports-to\">{}</td></tr>",
            linked_names(corpus, document, &position.reports_to)
        );
    }
    if !position.subordinates.is_empty() {
        let _ = writeln!(
            out,
            "<tr><th>直接下级</th><td id=\"subordinates\">{}</td></tr>",
            linked_names(corpus, document, &position.subordinates)
        );
    }
    let label = kind_label(position.kind);
    if !label.is_empty() {
        let _ = writeln!(out, "<tr><th>类型</th><td>{label}</td></tr>");
    }
    out.push_str("</table>\n");
    let _ = writeln!(
        out,
        "<h2>职责（{} 条）</h2>\n<ul class=\"position-duties\" id=\"duties\">",
        position.duties.len()
    );
    let mut anchored_lines = std::collections::HashSet::new();
    for (k, duty) in position.duties.iter().enumerate() {
        // Several duties can share a line (a list run together): the first one takes its anchor.
        let line_anchor = if anchored_lines.insert(duty.line) {
            format!("<span id=\"line-{}\"></span>", duty.line)
        } else {
            String::new()
        };
        let number = duty.n.as_deref().map(escape).unwrap_or_else(|| "·".into());
        let _ = writeln!(
            out,
            "<li id=\"duty-{}\">{line_anchor}<span class=\"n\">{number}.</span> <span class=\"text\">{}</span> <span class=\"line\">第{}行</span></li>",
            k + 1,
            escape(&duty.text),
            duty.line
        );
    }
    out.push_str("</ul>\n");
    out
}

fn pair_label(pair: &Pair) -> String {
    match pair.kind {
        PairKind::Same => "相同".into(),
        PairKind::Reworded => format!("改写 {:.2}", pair.similarity),
        PairKind::OnlyA => "仅A有".into(),
        PairKind::OnlyB => "仅B有".into(),
        PairKind::Split => format!("拆分 {:.2}", pair.similarity),
    }
}

/// One side of an inline diff: equal runs plus this side's own edits (`Delete` for A, `Insert`
/// for B), marked `<del>` / `<ins>`.
pub fn diff_side(diff: &[DiffSpan], own: DiffOp) -> String {
    let mut out = String::new();
    for span in diff {
        match span.op {
            DiffOp::Equal => out.push_str(&escape(&span.text)),
            // A difference of width, spacing or closing punctuation only: this side's text as
            // written, unmarked.
            op if op == own && span.minor => out.push_str(&escape(&span.text)),
            op if op == own && op == DiffOp::Delete => {
                let _ = write!(out, "<del>{}</del>", escape(&span.text));
            }
            op if op == own => {
                let _ = write!(out, "<ins>{}</ins>", escape(&span.text));
            }
            _ => {}
        }
    }
    out
}

/// Both sides of an inline diff in one run: `<del>` for what only the first text has, `<ins>`
/// for what only the second has; a minor difference (width, spacing, closing punctuation) shows
/// the second text's form, unmarked.
pub fn diff_both(diff: &[DiffSpan]) -> String {
    let mut out = String::new();
    for span in diff {
        let text = escape(&span.text);
        match (span.op, span.minor) {
            (DiffOp::Equal, _) | (DiffOp::Insert, true) => out.push_str(&text),
            (DiffOp::Delete, true) => {}
            (DiffOp::Delete, false) => {
                let _ = write!(out, "<del>{text}</del>");
            }
            (DiffOp::Insert, false) => {
                let _ = write!(out, "<ins>{text}</ins>");
            }
        }
    }
    out
}

fn side_link(corpus: &Corpus, side: &Side) -> String {
    let name = format!("{} · {}", escape(&side.store), escape(&side.position));
    match side_position_id(corpus, side) {
        Some(id) => format!("<a href=\"{}\">{name}</a>", position_href(&id)),
        None => name,
    }
}

fn duty_numbers(duties: &[usize], side: &str) -> String {
    duties
        .iter()
        .map(|i| format!("{side}{}", i + 1))
        .collect::<Vec<_>>()
        .join("+")
}

/// Two positions side by side, aligned, reworded words marked.
pub fn comparison(corpus: &Corpus, comparison: &Comparison) -> String {
    let mut out = String::new();
    let s = &comparison.summary;
    let _ = writeln!(
        out,
        "<table class=\"sides\"><tr><th>A</th><td class=\"side-a\">{} <span class=\"doc\">{}</span></td><td>{} 条</td></tr><tr><th>B</th><td class=\"side-b\">{} <span class=\"doc\">{}</span></td><td>{} 条</td></tr></table>",
        side_link(corpus, &comparison.a),
        escape(&comparison.a.doc_id),
        comparison.a.duties,
        side_link(corpus, &comparison.b),
        escape(&comparison.b.doc_id),
        comparison.b.duties
    );
    let _ = writeln!(
        out,
        "<p class=\"summary\" id=\"summary\"><span>相似度 {:.2}</span> <span class=\"same\">相同 {}</span> <span class=\"reworded\">改写 {}</span> <span class=\"only_a\">仅A {}</span> <span class=\"only_b\">仅B {}</span> <span class=\"split\">拆分 {}</span></p>",
        comparison.similarity, s.same, s.reworded, s.only_a, s.only_b, s.split
    );
    let _ = writeln!(
        out,
        "<table class=\"pairs\" id=\"pairs\"><thead><tr><th></th><th>A · {}</th><th></th><th>B · {}</th><th></th></tr></thead><tbody>",
        escape(&comparison.a.store),
        escape(&comparison.b.store)
    );
    for pair in &comparison.pairs {
        let (a, b) = match pair.kind {
            PairKind::Reworded | PairKind::Split => (
                diff_side(&pair.diff, DiffOp::Delete),
                diff_side(&pair.diff, DiffOp::Insert),
            ),
            _ => (
                escape(&pair.a_parts.join(" ¦ ")),
                escape(&pair.b_parts.join(" ¦ ")),
            ),
        };
        let _ = writeln!(
            out,
            "<tr class=\"pair {kind}\" data-kind=\"{kind}\"><td class=\"n\">{}</td><td class=\"a\">{a}</td><td class=\"kind\">{}</td><td class=\"b\">{b}</td><td class=\"n\">{}</td></tr>",
            duty_numbers(&pair.a_duties, "A"),
            pair_label(pair),
            duty_numbers(&pair.b_duties, "B"),
            kind = pair.kind.as_str(),
        );
    }
    out.push_str("</tbody></table>\n<p class=\"note\"><del>删去的字</del>只在A中，<ins>加上的字</ins>只在B中。</p>\n");
    out
}

/// A role's coverage matrix: one column per store, one row per distinct duty, each present
/// cell linking to the store's duty.
pub fn coverage(corpus: &Corpus, coverage: &Coverage) -> String {
    let stores = coverage.stores.len();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<p class=\"summary\">{} 家门店 · {} 条不同的职责；超过半数门店都有的为核心职责。</p>",
        stores,
        coverage.rows.len()
    );
    out.push_str("<ol class=\"columns\" id=\"columns\">\n");
    let ids: Vec<Option<String>> = coverage
        .stores
        .iter()
        .map(|side| side_position_id(corpus, side))
        .collect();
    for side in &coverage.stores {
        let _ = writeln!(out, "<li>{}</li>", side_link(corpus, side));
    }
    out.push_str("</ol>\n<div class=\"scroll\"><table class=\"matrix\" id=\"matrix\"><thead><tr><th>职责</th><th>门店数</th>");
    for (k, side) in coverage.stores.iter().enumerate() {
        let _ = write!(
            out,
            "<th title=\"{} {}\">{}</th>",
            escape(&side.doc_id),
            escape(&side.store),
            k + 1
        );
    }
    out.push_str("</tr></thead><tbody>\n");
    for row in &coverage.rows {
        let class = if is_core(row.present, stores) {
            "core"
        } else if row.present == 1 {
            "unique"
        } else {
            "partial"
        };
        let _ = write!(
            out,
            "<tr class=\"row {class}\"><td class=\"duty\">{}</td><td class=\"n\">{}</td>",
            escape(&row.duty),
            row.present
        );
        for (k, cell) in row.cells.iter().enumerate() {
            let mark = match cell.kind {
                CellKind::Same => "=",
                CellKind::Reworded => "~",
                CellKind::Absent => "·",
            };
            let title = cell.text.as_deref().map(escape).unwrap_or_default();
            let target = match (&ids[k], cell.kind) {
                (Some(id), CellKind::Same | CellKind::Reworded) => {
                    Some(duty_anchor(corpus, id, cell.line, cell.text.as_deref()))
                }
                _ => None,
            };
            match target {
                Some(href) => {
                    let _ = write!(
                        out,
                        "<td class=\"cell {}\"><a href=\"{href}\" title=\"{title}\">{mark}</a></td>",
                        cell.kind.as_str()
                    );
                }
                None => {
                    let _ = write!(out, "<td class=\"cell {}\">{mark}</td>", cell.kind.as_str());
                }
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table></div>\n<p class=\"note\">= 措辞相同 · ~ 改写（悬停看该店原文，点击看该条职责） · · 没有</p>\n");
    out
}

/// `/position/ID#duty-K` for the duty with this line and text (the first on the line when the
/// text is not found).
fn duty_anchor(corpus: &Corpus, id: &str, line: Option<usize>, text: Option<&str>) -> String {
    let href = position_href(id);
    let Some((document, index)) = find_position(corpus, id) else {
        return href;
    };
    let duties = &document.positions[index].duties;
    let found = duties
        .iter()
        .position(|d| Some(d.line) == line && Some(d.text.as_str()) == text)
        .or_else(|| duties.iter().position(|d| Some(d.text.as_str()) == text))
        .or_else(|| duties.iter().position(|d| Some(d.line) == line));
    match found {
        Some(k) => format!("{href}#duty-{}", k + 1),
        None => href,
    }
}

fn member_link(corpus: &Corpus, doc_id: &str, store: &str, title: &str, line: usize) -> String {
    let name = format!("{} · {}", escape(store), escape(title));
    match position_id_at(corpus, doc_id, title, line) {
        Some(id) => format!(
            "<a href=\"{}#line-{line}\">{} {name}</a>",
            position_href(&id),
            escape(doc_id)
        ),
        None => format!("{} {name}", escape(doc_id)),
    }
}

/// Duplicate duty groups (each member's difference from the canonical text marked), copied
/// positions and repeated documents.
pub fn dedup(corpus: &Corpus, report: &DedupReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<h2 id=\"duty-groups\">重复的职责（{} 组）</h2>\n<ol class=\"groups\">",
        report.duty_groups.len()
    );
    for group in &report.duty_groups {
        let _ = writeln!(
            out,
            "<li class=\"group\"><p class=\"canonical\">{} <span class=\"meta\">{} 处 · 相似度 ≥ {:.2}</span></p><ul>",
            escape(&group.canonical),
            group.members.len(),
            group.similarity
        );
        for member in &group.members {
            let text = if member.text == group.canonical {
                String::from(" <span class=\"meta\">· 原文相同</span>")
            } else {
                format!(
                    "<br><span class=\"text\">{}</span>",
                    diff_both(&crate::compare::inline_diff(&group.canonical, &member.text))
                )
            };
            let _ = writeln!(
                out,
                "<li>{} <span class=\"line\">第{}行</span>{text}</li>",
                member_link(
                    corpus,
                    &member.doc_id,
                    &member.store,
                    &member.position,
                    member.line
                ),
                member.line
            );
        }
        out.push_str("</ul></li>\n");
    }
    out.push_str("</ol>\n");
    let _ = writeln!(
        out,
        "<h2 id=\"position-groups\">复制的岗位（{} 组）</h2>\n<ol class=\"groups\">",
        report.position_groups.len()
    );
    for group in &report.position_groups {
        let _ = writeln!(
            out,
            "<li class=\"group\"><p class=\"canonical\">{} <span class=\"meta\">{} 个岗位 · 共有 {} 条职责 · {} 条不同</span></p><ul>",
            escape(&group.role),
            group.members.len(),
            group.shared_duties,
            group.differing_duties.len()
        );
        for member in &group.members {
            let link = member_link(corpus, &member.doc_id, &member.store, &member.position, 0);
            let _ = writeln!(out, "<li>{link}</li>");
        }
        for duty in &group.differing_duties {
            let _ = writeln!(
                out,
                "<li class=\"differs\">不同：{} 第{}行：{}</li>",
                escape(&duty.doc_id),
                duty.line,
                escape(&duty.text)
            );
        }
        out.push_str("</ul></li>\n");
    }
    out.push_str("</ol>\n");
    let _ = writeln!(
        out,
        "<h2 id=\"document-groups\">重复的文档（{} 组）</h2>\n<ol class=\"groups\">",
        report.document_groups.len()
    );
    for group in &report.document_groups {
        let members: Vec<String> = group
            .members
            .iter()
            .map(|m| format!("{} {}", escape(&m.doc_id), escape(&m.document)))
            .collect();
        let _ = writeln!(
            out,
            "<li class=\"group\">相似度 {:.2}：{}</li>",
            group.similarity,
            members.join(" ／ ")
        );
    }
    out.push_str("</ol>\n");
    out
}

/// What `zhize check` says of one file: its encoding, counts, unparsed lines and untitled
/// positions.
pub fn check_report(corpus: &Corpus, report: &FileReport) -> String {
    let mut out = String::new();
    let l = &report.lines;
    let _ = writeln!(
        out,
        "<section class=\"file\"><h3>{} <span class=\"meta\">{}</span></h3>\n<p>{} 篇文档 · {} 个岗位 · {} 条职责 · 行：职责 {} · 标题 {} · 杂项 {} · <span class=\"{}\">未解析 {}</span></p>",
        escape(&report.file),
        escape(&report.encoding),
        report.documents,
        report.positions,
        report.duties,
        l.duty,
        l.heading,
        l.noise,
        if l.unparsed > 0 { "warn" } else { "ok" },
        l.unparsed
    );
    if report.duties == 0 {
        out.push_str("<p class=\"warn\">没有找到职责（没有编号或项目符号的清单）。</p>\n");
    }
    if !report.unparsed.is_empty() {
        out.push_str("<p class=\"warn\">未能解析的行：</p><ul class=\"unparsed\">\n");
        for line in report.unparsed.iter().take(50) {
            let _ = writeln!(
                out,
                "<li><span class=\"line\">第{}行</span> {}</li>",
                line.line,
                escape(&line.text)
            );
        }
        if report.unparsed.len() > 50 {
            let _ = writeln!(out, "<li>…… 另有 {} 行</li>", report.unparsed.len() - 50);
        }
        out.push_str("</ul>\n");
    }
    let untitled: Vec<String> = corpus
        .documents
        .iter()
        .filter(|d| d.file == report.file)
        .flat_map(|d| {
            d.positions
                .iter()
                .enumerate()
                .filter(|(_, p)| p.title == crate::parse::UNTITLED)
                .map(move |(k, p)| (d, k, p))
        })
        .map(|(d, k, p)| {
            let id = position_id(&d.id, k);
            format!(
                "<li><a href=\"{}\">{} 第{}行</a>：{} 条职责</li>",
                position_href(&id),
                escape(&id),
                p.line_start,
                p.duties.len()
            )
        })
        .collect();
    if !untitled.is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"warn\">无标题的岗位（标题在合并时丢失）：</p><ul class=\"untitled\">{}</ul>",
            untitled.join("")
        );
    }
    out.push_str("</section>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn position_ids_round_trip() {
        let corpus = Corpus {
            documents: vec![Document {
                id: "d1".into(),
                title: "甲店".into(),
                store: "甲店".into(),
                file: "a.txt".into(),
                line_start: 1,
                line_end: 3,
                positions: vec![
                    Position {
                        title: "销售经理".into(),
                        role: "销售经理".into(),
                        department: None,
                        reports_to: vec![],
                        subordinates: vec![],
                        kind: PositionKind::Duties,
                        duties: vec![],
                        line_start: 1,
                        line_end: 2,
                        sections: vec![],
                    };
                    2
                ],
            }],
            ..Corpus::default()
        };
        assert_eq!(position_id("d1", 1), "d1.p2");
        assert_eq!(find_position(&corpus, "d1.p2").map(|(_, k)| k), Some(1));
        for bad in [
            "d1.p0", "d1.p3", "d2.p1", "d1", "x1.p1", "d1.p-1", "../d1.p1", "",
        ] {
            assert!(find_position(&corpus, bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn diff_marks_are_escaped() {
        let diff = vec![
            DiffSpan {
                op: DiffOp::Equal,
                text: "报总经理".into(),
                minor: false,
            },
            DiffSpan {
                op: DiffOp::Insert,
                text: "<b>、董事长".into(),
                minor: false,
            },
            DiffSpan {
                op: DiffOp::Delete,
                text: ";".into(),
                minor: true,
            },
            DiffSpan {
                op: DiffOp::Insert,
                text: "；".into(),
                minor: true,
            },
        ];
        assert_eq!(
            diff_side(&diff, DiffOp::Insert),
            "报总经理<ins>&lt;b&gt;、董事长</ins>；"
        );
        assert_eq!(diff_side(&diff, DiffOp::Delete), "报总经理;");
        assert_eq!(diff_both(&diff), "报总经理<ins>&lt;b&gt;、董事长</ins>；");
    }
}
