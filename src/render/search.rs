//! Renders search results (terminal text or the public JSON shapes) and index reports.

use crate::index::IndexReport;
use crate::render::term::{paint, sanitize, Style};
use crate::search::{DutyHit, GroupBy, SearchResults};
use serde_json::{json, Value};

/// Scores are shown with three decimals; more is noise.
fn rounded(score: f32) -> f64 {
    (score as f64 * 1000.0).round() / 1000.0
}

/// The public JSON: by duty, an array of `{rank, score, doc_id, position_id, store, position,
/// role, text, highlight}`; by position, an array of `{rank, score, doc_id, position_id, store,
/// position, role, duties: [{text, highlight, score}]}`.
pub fn results_json(results: &SearchResults) -> Value {
    match results.by {
        GroupBy::Duty => Value::Array(
            results
                .duties
                .iter()
                .map(|d| {
                    json!({
                        "rank": d.rank,
                        "score": rounded(d.score),
                        "doc_id": d.doc_id,
                        "position_id": crate::model::position_id(&d.doc_id, d.position_index),
                        "store": d.store,
                        "position": d.position,
                        "role": d.role,
                        "text": d.text,
                        "highlight": d.highlight(),
                    })
                })
                .collect(),
        ),
        GroupBy::Position => Value::Array(
            results
                .positions
                .iter()
                .map(|p| {
                    json!({
                        "rank": p.rank,
                        "score": rounded(p.score),
                        "doc_id": p.doc_id,
                        "position_id": crate::model::position_id(&p.doc_id, p.position_index),
                        "store": p.store,
                        "position": p.position,
                        "role": p.role,
                        "duties": p.duties.iter().map(|d| json!({
                            "text": d.text,
                            "highlight": d.highlight(),
                            "score": rounded(d.score),
                        })).collect::<Vec<_>>(),
                    })
                })
                .collect(),
        ),
    }
}

/// A duty's text for the terminal: control characters stripped, matches painted.
fn painted(hit: &DutyHit, color: bool) -> String {
    let chars: Vec<char> = hit.text.chars().collect();
    let mut out = String::new();
    let mut at = 0;
    for &(start, end) in &hit.spans {
        let start = start.min(chars.len());
        let end = end.min(chars.len());
        if start < at {
            continue;
        }
        out.push_str(&sanitize(&chars[at..start].iter().collect::<String>()));
        let matched: String = chars[start..end].iter().collect();
        let matched = sanitize(&matched);
        if color {
            out.push_str(&paint(&matched, Style::Match, true));
        } else {
            out.push('[');
            out.push_str(&matched);
            out.push(']');
        }
        at = end;
    }
    out.push_str(&sanitize(
        &chars[at.min(chars.len())..].iter().collect::<String>(),
    ));
    out
}

/// Results for the terminal: store, role, score, then the matching duties with matches marked
/// (colour, or `[…]` without it). At most `per_position` duties are shown under a position.
pub fn results_text(results: &SearchResults, color: bool, per_position: usize) -> String {
    let mut out = String::new();
    if !results.analyzed.concepts.is_empty() {
        // Each concept as typed, with the Chinese word it was searched as when that differs
        // (insurance renewals (续保), 招人 (招聘)); parts of one compound show it once, last.
        let concepts = &results.analyzed.concepts;
        let searched: Vec<String> = concepts
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let same_next = concepts.get(i + 1).is_some_and(|n| n.label == c.label);
                if c.label == c.source || c.label.is_empty() || same_next {
                    sanitize(&c.source)
                } else {
                    format!("{} ({})", sanitize(&c.source), sanitize(&c.label))
                }
            })
            .collect();
        let mut line = format!("searched for: {}", searched.join(" · "));
        if !results.analyzed.ignored.is_empty() {
            let ignored: Vec<String> = results
                .analyzed
                .ignored
                .iter()
                .map(|w| sanitize(w))
                .collect();
            line.push_str(&format!("  (ignored: {})", ignored.join(" ")));
        }
        out.push_str(&paint(&line, Style::Dim, color));
        out.push('\n');
    }
    match results.by {
        GroupBy::Duty => {
            for d in &results.duties {
                out.push_str(&format!(
                    "{:>2}. {} {} · {}  {}\n",
                    d.rank,
                    paint(
                        &crate::model::position_id(&d.doc_id, d.position_index),
                        Style::Dim,
                        color
                    ),
                    paint(&sanitize(&d.store), Style::Cyan, color),
                    paint(&sanitize(&d.position), Style::Bold, color),
                    paint(&format!("{:.2}", d.score), Style::Yellow, color),
                ));
                out.push_str(&format!(
                    "    {}  {}\n",
                    painted(d, color),
                    paint(
                        &format!("{}:{}", sanitize(&d.file), d.line),
                        Style::Dim,
                        color
                    )
                ));
            }
        }
        GroupBy::Position => {
            for p in &results.positions {
                let mut role = if p.role.is_empty() || p.role == p.position {
                    String::new()
                } else {
                    format!(" ({})", sanitize(&p.role))
                };
                if p.kind != crate::model::PositionKind::Duties {
                    // A requirements list says who may hold the post, not what it does.
                    role.push_str(&format!(" [{}]", p.kind.as_str()));
                }
                out.push_str(&format!(
                    "{:>2}. {} {} · {}{}  {}\n",
                    p.rank,
                    paint(
                        &crate::model::position_id(&p.doc_id, p.position_index),
                        Style::Dim,
                        color
                    ),
                    paint(&sanitize(&p.store), Style::Cyan, color),
                    paint(&sanitize(&p.position), Style::Bold, color),
                    role,
                    paint(&format!("{:.2}", p.score), Style::Yellow, color),
                ));
                for d in p.duties.iter().take(per_position) {
                    let number = d.n.clone().unwrap_or_else(|| "·".into());
                    out.push_str(&format!(
                        "    {}. {}  {}\n",
                        sanitize(&number),
                        painted(d, color),
                        paint(
                            &format!("{}:{}", sanitize(&d.file), d.line),
                            Style::Dim,
                            color
                        )
                    ));
                }
                if p.duties.len() > per_position {
                    out.push_str(&paint(
                        &format!(
                            "    … {} more matching duties\n",
                            p.duties.len() - per_position
                        ),
                        Style::Dim,
                        color,
                    ));
                }
            }
        }
    }
    out
}

/// `zhize index --json`.
pub fn report_json(report: &IndexReport) -> Value {
    serde_json::to_value(report).unwrap_or(Value::Null)
}

/// `zhize index` for the terminal.
pub fn report_text(report: &IndexReport) -> String {
    let mut out = String::new();
    for note in &report.notes {
        out.push_str(&format!("note: {note}\n"));
    }
    if report.built {
        out.push_str(&format!(
            "indexed {} duties of {} positions in {} documents into {} ({}; {} ms)\n",
            report.duties,
            report.positions,
            report.documents,
            report.index,
            report.reason,
            report.elapsed_ms
        ));
    } else {
        out.push_str(&format!(
            "{} is up to date: {} duties of {} positions in {} documents; nothing to do\n",
            report.index, report.duties, report.positions, report.documents
        ));
    }
    out
}
