//! Renders what the parser found: exported positions, lists, one position, the check report.

use crate::model::{Corpus, Document, FileReport, Position};
use crate::render::term::{fit, paint, sanitize, width, wrap, Style};
use serde_json::{json, Value};

/// One row of `zhize list roles`: a role, the documents defining it (once per position) and
/// the titles it is written as.
pub struct RoleRow<'c> {
    pub role: &'c str,
    pub documents: Vec<&'c str>,
    pub titles: std::collections::BTreeSet<&'c str>,
}

/// The roles of the corpus's posts, most documents first, then by name. Posts only: a
/// checklist, a department's scope or a list that lost its title is no role.
pub fn role_rows(corpus: &Corpus) -> Vec<RoleRow<'_>> {
    let mut roles: std::collections::BTreeMap<&str, RoleRow> = Default::default();
    let posts = corpus.positions().filter(|(_, p)| {
        p.kind != crate::model::PositionKind::Other && p.title != crate::parse::UNTITLED
    });
    for (d, p) in posts {
        let row = roles.entry(p.role.as_str()).or_insert_with(|| RoleRow {
            role: p.role.as_str(),
            documents: Vec::new(),
            titles: Default::default(),
        });
        row.documents.push(d.id.as_str());
        row.titles.insert(p.title.as_str());
    }
    let mut rows: Vec<RoleRow> = roles.into_values().collect();
    rows.sort_by(|a, b| {
        b.documents
            .len()
            .cmp(&a.documents.len())
            .then(a.role.cmp(b.role))
    });
    rows
}

/// `zhize list stores --json`: `[{"doc_id", "document", "store", "positions", "source"}]`.
pub fn stores_json(corpus: &Corpus) -> Value {
    Value::Array(
        corpus
            .documents
            .iter()
            .map(|d| {
                json!({
                    "doc_id": d.id, "document": d.title, "store": d.store,
                    "positions": d.positions.len(),
                    "source": {"file": d.file, "line_start": d.line_start, "line_end": d.line_end},
                })
            })
            .collect(),
    )
}

/// `zhize list positions --json`: `[{"doc_id", "position_id", "store", "position", "role",
/// "kind", "duties", "line_start", "line_end"}]`.
pub fn positions_json(corpus: &Corpus) -> Value {
    Value::Array(
        corpus
            .positions()
            .map(|(d, p)| {
                json!({
                    "doc_id": d.id, "position_id": d.id_of(p),
                    "store": d.store, "position": p.title, "role": p.role,
                    "kind": p.kind.as_str(), "duties": p.duties.len(),
                    "line_start": p.line_start, "line_end": p.line_end,
                })
            })
            .collect(),
    )
}

/// `zhize list roles --json`: `[{"role", "documents", "titles"}]`.
pub fn roles_json(corpus: &Corpus) -> Value {
    Value::Array(
        role_rows(corpus)
            .iter()
            .map(|row| json!({"role": row.role, "documents": row.documents, "titles": row.titles}))
            .collect(),
    )
}

/// The export JSON object of one position (the public `zhize export --json` shape).
pub fn position_json(document: &Document, position: &Position) -> Value {
    json!({
        "doc_id": document.id,
        "position_id": document.id_of(position),
        "document": document.title,
        "store": document.store,
        "position": position.title,
        "role": position.role,
        "department": position.department,
        "reports_to": position.reports_to,
        "subordinates": position.subordinates,
        "kind": position.kind.as_str(),
        "duties": position.duties.iter().map(|d| json!({
            "n": d.n,
            "text": d.text,
            "line": d.line,
        })).collect::<Vec<_>>(),
        "source": {
            "file": document.file,
            "line_start": position.line_start,
            "line_end": position.line_end,
        },
        "sections": position.sections.iter().map(|s| json!({
            "kind": s.kind.as_str(),
            "heading": s.heading,
            "line": s.line,
            "items": s.items.iter().map(|d| json!({
                "n": d.n,
                "text": d.text,
                "line": d.line,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

/// One position as text: a header line and its numbered duties, wrapped to `columns`.
pub fn position_text(
    document: &Document,
    position: &Position,
    color: bool,
    columns: usize,
) -> String {
    let mut out = String::new();
    let header = format!(
        "{} {} · {} ({})",
        paint(&document.id_of(position), Style::Dim, color),
        paint(&sanitize(&document.store), Style::Cyan, color),
        paint(&sanitize(&position.title), Style::Bold, color),
        position.kind.as_str(),
    );
    out.push_str(&header);
    out.push('\n');
    let mut facts = Vec::new();
    if let Some(department) = &position.department {
        facts.push(format!("部门 {}", sanitize(department)));
    }
    if !position.reports_to.is_empty() {
        facts.push(format!(
            "上级 {}",
            sanitize(&position.reports_to.join("、"))
        ));
    }
    if !position.subordinates.is_empty() {
        facts.push(format!(
            "下级 {}",
            sanitize(&position.subordinates.join("、"))
        ));
    }
    facts.push(format!(
        "{}:{}-{}",
        document.file, position.line_start, position.line_end
    ));
    out.push_str(&format!(
        "  {}\n",
        paint(&facts.join(" · "), Style::Dim, color)
    ));
    for duty in &position.duties {
        let label = match &duty.n {
            Some(n) => format!("{n}."),
            None => "·".to_string(),
        };
        let label = format!("{label:>4} ");
        let indent = " ".repeat(width(&label));
        for (i, line) in wrap(&sanitize(&duty.text), columns.saturating_sub(6))
            .iter()
            .enumerate()
        {
            let prefix = if i == 0 {
                label.clone()
            } else {
                indent.clone()
            };
            out.push_str(&format!("{prefix}{line}\n"));
        }
    }
    out
}

/// `zhize list stores` as text.
pub fn stores_text(corpus: &Corpus, color: bool) -> String {
    let mut out = String::new();
    for d in &corpus.documents {
        out.push_str(&format!(
            "{} {} {}\n",
            paint(&fit(&d.id, 4), Style::Dim, color),
            fit(&sanitize(&d.store), 40),
            paint(
                &format!(
                    "{} positions  {}:{}-{}",
                    d.positions.len(),
                    d.file,
                    d.line_start,
                    d.line_end
                ),
                Style::Dim,
                color
            ),
        ));
    }
    out
}

/// `zhize list positions` as text.
pub fn positions_text(corpus: &Corpus, color: bool) -> String {
    let mut out = String::new();
    for (d, p) in corpus.positions() {
        out.push_str(&format!(
            "{} {} {} {} {}\n",
            paint(&fit(&d.id_of(p), 7), Style::Dim, color),
            fit(&sanitize(&d.store), 28),
            fit(&sanitize(&p.title), 22),
            fit(&sanitize(&p.role), 16),
            paint(
                &format!(
                    "{:<12} {:>3} duties  line {}",
                    p.kind.as_str(),
                    p.duties.len(),
                    p.line_start
                ),
                Style::Dim,
                color
            ),
        ));
    }
    out
}

/// The check report of one file as text.
pub fn check_text(report: &FileReport, color: bool) -> String {
    let mut out = String::new();
    let c = &report.chars;
    let l = &report.lines;
    let total_chars = c.duty + c.heading + c.numbering + c.noise + c.unparsed;
    let total_lines = l.duty + l.heading + l.noise + l.unparsed;
    out.push_str(&format!(
        "{}  {}\n",
        paint(&report.file, Style::Bold, color),
        report.encoding
    ));
    out.push_str(&format!(
        "  {} documents, {} positions, {} duties\n",
        report.documents, report.positions, report.duties
    ));
    out.push_str(&format!(
        "  lines {total_lines}: duty {} · heading {} · noise {} · unparsed {}\n",
        l.duty, l.heading, l.noise, l.unparsed
    ));
    out.push_str(&format!(
        "  chars {total_chars}: duty {} · heading {} · numbering {} · noise {} · unparsed {}\n",
        c.duty, c.heading, c.numbering, c.noise, c.unparsed
    ));
    for untitled in &report.untitled {
        out.push_str(&format!(
            "{}:{}: {} a list with no title in the file, named (无标题): {}\n",
            report.file,
            untitled.line,
            paint("warning:", Style::Yellow, color),
            sanitize(&untitled.text)
        ));
    }
    for line in &report.unparsed {
        out.push_str(&format!(
            "{}:{}: {}\n",
            report.file,
            line.line,
            paint(&sanitize(&line.text), Style::Yellow, color)
        ));
    }
    out
}
