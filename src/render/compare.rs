//! Terminal text for `compare`: a two-position alignment with inline diffs, and a role's
//! coverage matrix; Chinese double-width aligned, colour optional.

use crate::compare::{CellKind, Comparison, Coverage, DiffOp, DiffSpan, Pair, PairKind, Side};
use crate::render::term::{fit, paint, sanitize, width, Style};

/// The terminal width the layout aims at.
pub const DEFAULT_COLUMNS: usize = 100;

fn marker(kind: PairKind) -> (&'static str, Style) {
    match kind {
        PairKind::Same => ("=", Style::Dim),
        PairKind::Reworded => ("~", Style::Yellow),
        PairKind::OnlyA => ("<", Style::Red),
        PairKind::OnlyB => (">", Style::Green),
        PairKind::Split => ("/", Style::Magenta),
    }
}

fn side_line(label: &str, side: &Side) -> String {
    format!(
        "{label} {} {} · {} ({} duties, {}:{})",
        side.doc_id,
        sanitize(&side.store),
        sanitize(&side.position),
        side.duties,
        side.file,
        side.line_start
    )
}

/// The alignment of two positions, one pair per block, wrapped to `columns`.
pub fn comparison_text(comparison: &Comparison, columns: usize, color: bool) -> String {
    let columns = columns.max(40);
    let mut out = String::new();
    out.push_str(&paint(&sanitize(&comparison.role), Style::Bold, color));
    out.push('\n');
    out.push_str(&side_line("  A", &comparison.a));
    out.push('\n');
    out.push_str(&side_line("  B", &comparison.b));
    out.push('\n');
    let s = &comparison.summary;
    out.push_str(&format!(
        "  similarity {:.2} · {} same · {} reworded · {} only A · {} only B · {} split\n\n",
        comparison.similarity, s.same, s.reworded, s.only_a, s.only_b, s.split
    ));
    let label_width = comparison
        .pairs
        .iter()
        .map(|p| width(&labels(p)))
        .max()
        .unwrap_or(0);
    let indent = 2 + 1 + 1 + label_width + 2;
    let text_width = columns.saturating_sub(indent).max(20);
    for pair in &comparison.pairs {
        let (mark, style) = marker(pair.kind);
        let prefix = format!(
            "  {} {}  ",
            paint(mark, style, color),
            fit(&labels(pair), label_width)
        );
        let lines = wrap_spans(&pair_spans(pair, color), text_width, color);
        for (k, line) in lines.iter().enumerate() {
            if k == 0 {
                out.push_str(&prefix);
            } else {
                out.push_str(&" ".repeat(indent));
            }
            out.push_str(line);
            out.push('\n');
        }
    }
    out.push('\n');
    out.push_str(&legend(color));
    out
}

fn legend(color: bool) -> String {
    let deleted = if color {
        paint("deleted", Style::Red, true)
    } else {
        "[-deleted-]".to_string()
    };
    let inserted = if color {
        paint("inserted", Style::Green, true)
    } else {
        "{+inserted+}".to_string()
    };
    format!("  = same  ~ reworded ({deleted} in A, {inserted} in B)  < only A  > only B  / split\n")
}

fn labels(pair: &Pair) -> String {
    let list = |side: &str, duties: &[usize]| {
        if duties.is_empty() {
            String::new()
        } else {
            let numbers: Vec<String> = duties.iter().map(|i| (i + 1).to_string()).collect();
            format!("{side}{}", numbers.join("+"))
        }
    };
    let a = list("A", &pair.a_duties);
    let b = list("B", &pair.b_duties);
    match (a.is_empty(), b.is_empty()) {
        (false, false) => format!("{a} {b}"),
        (false, true) => a,
        _ => b,
    }
}

/// The text of a pair as styled runs: the inline diff for reworded and split pairs, the duty
/// otherwise.
fn pair_spans(pair: &Pair, color: bool) -> Vec<(String, Option<Style>)> {
    match pair.kind {
        PairKind::Same => vec![(
            sanitize(pair.a.as_deref().unwrap_or_default()),
            Some(Style::Dim),
        )],
        PairKind::OnlyA => vec![(sanitize(pair.a.as_deref().unwrap_or_default()), None)],
        PairKind::OnlyB => vec![(sanitize(pair.b.as_deref().unwrap_or_default()), None)],
        PairKind::Reworded | PairKind::Split => {
            let mut spans = diff_spans(&pair.diff, color);
            if pair.kind == PairKind::Split {
                spans.push((
                    format!(
                        "  (split: {} in A, {} in B)",
                        pair.a_parts.len(),
                        pair.b_parts.len()
                    ),
                    Some(Style::Dim),
                ));
            }
            spans
        }
    }
}

/// Diff runs as styled text: red deletions and green insertions, or `[-…-]{+…+}` without colour.
pub fn diff_spans(diff: &[DiffSpan], color: bool) -> Vec<(String, Option<Style>)> {
    diff.iter()
        .map(|span| {
            let text = sanitize(&span.text);
            match (span.op, color) {
                (DiffOp::Equal, _) => (text, None),
                (DiffOp::Delete, true) => (text, Some(Style::Red)),
                (DiffOp::Insert, true) => (text, Some(Style::Green)),
                (DiffOp::Delete, false) => (format!("[-{text}-]"), None),
                (DiffOp::Insert, false) => (format!("{{+{text}+}}"), None),
            }
        })
        .collect()
}

/// Wraps styled runs into lines of at most `columns` display columns, painting each piece.
pub fn wrap_spans(spans: &[(String, Option<Style>)], columns: usize, color: bool) -> Vec<String> {
    let columns = columns.max(2);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for (text, style) in spans {
        let mut piece = String::new();
        for c in text.chars() {
            let w = width(c.encode_utf8(&mut [0; 4]));
            if used + w > columns {
                line.push_str(&paint_opt(&std::mem::take(&mut piece), *style, color));
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            piece.push(c);
            used += w;
        }
        line.push_str(&paint_opt(&piece, *style, color));
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

fn paint_opt(text: &str, style: Option<Style>, color: bool) -> String {
    match style {
        Some(style) if !text.is_empty() => paint(text, style, color),
        _ => text.to_string(),
    }
}

fn cell_mark(kind: CellKind) -> (&'static str, Style) {
    match kind {
        CellKind::Same => ("=", Style::Green),
        CellKind::Reworded => ("~", Style::Yellow),
        CellKind::Absent => (".", Style::Dim),
    }
}

/// Rows of the common core count as "core" when more than half the stores have them.
pub fn is_core(present: usize, stores: usize) -> bool {
    stores > 1 && present * 2 > stores
}

/// The coverage matrix: one numbered column per store (listed above), one row per duty, common
/// core first; then, per store, its unique duties and the core duties it lacks.
pub fn coverage_text(coverage: &Coverage, columns: usize, color: bool) -> String {
    let columns = columns.max(40);
    let stores = coverage.stores.len();
    let mut out = String::new();
    out.push_str(&paint(
        &format!(
            "{} across {} stores ({} distinct duties)",
            sanitize(&coverage.role),
            stores,
            coverage.rows.len()
        ),
        Style::Bold,
        color,
    ));
    out.push('\n');
    let number_width = stores.to_string().len();
    for (k, side) in coverage.stores.iter().enumerate() {
        out.push_str(&side_line(&format!("  {:>number_width$}", k + 1), side));
        out.push('\n');
    }
    out.push('\n');
    let cell_width = number_width + 1;
    let matrix_width = 2 + cell_width * stores + 4;
    let text_width = columns.saturating_sub(matrix_width).max(16);
    let mut header = String::from("  ");
    for k in 0..stores {
        header.push_str(&format!("{:>number_width$} ", k + 1));
    }
    header.push_str(" n  duty");
    out.push_str(&paint(&header, Style::Bold, color));
    out.push('\n');
    let mut core_done = false;
    for row in &coverage.rows {
        if !core_done && !is_core(row.present, stores) {
            core_done = true;
            let rule = if std::ptr::eq(row, &coverage.rows[0]) {
                "  (no common core: no duty is in more than half the stores)\n".to_string()
            } else {
                format!("  {}\n", "-".repeat(columns.saturating_sub(4).min(60)))
            };
            out.push_str(&paint(&rule, Style::Dim, color));
        }
        let mut line = String::from("  ");
        for cell in &row.cells {
            let (mark, style) = cell_mark(cell.kind);
            line.push_str(&" ".repeat(number_width - 1));
            line.push_str(&paint(mark, style, color));
            line.push(' ');
        }
        line.push_str(&format!("{:>2}  ", row.present));
        line.push_str(fit(&sanitize(&row.duty), text_width).trim_end());
        out.push_str(&line);
        out.push('\n');
    }
    out.push('\n');
    let core_rows = coverage
        .rows
        .iter()
        .filter(|r| is_core(r.present, stores))
        .count();
    for (k, side) in coverage.stores.iter().enumerate() {
        let unique = coverage
            .rows
            .iter()
            .filter(|r| r.present == 1 && r.cells[k].kind != CellKind::Absent)
            .count();
        let missing = coverage
            .rows
            .iter()
            .filter(|r| is_core(r.present, stores) && r.cells[k].kind == CellKind::Absent)
            .count();
        let reworded = coverage
            .rows
            .iter()
            .filter(|r| r.cells[k].kind == CellKind::Reworded)
            .count();
        out.push_str(&format!(
            "  {:>number_width$} {}: {} only here · {} reworded · lacks {} of {} core duties\n",
            k + 1,
            side.doc_id,
            unique,
            reworded,
            missing,
            core_rows
        ));
    }
    out.push_str("\n  = same wording  ~ reworded  . absent   core = more than half the stores\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::{align_duties, summarize, CompareOptions};
    use crate::model::PositionKind;

    fn side(id: &str) -> Side {
        Side {
            doc_id: id.to_string(),
            store: "汽车4S店各岗位职责描述".to_string(),
            document: "汽车4S店各岗位职责描述".to_string(),
            position: "销售经理".to_string(),
            role: "销售经理".to_string(),
            kind: PositionKind::Duties,
            file: "corpus/x.txt".to_string(),
            line_start: 480,
            line_end: 480,
            duties: 2,
        }
    }

    fn comparison() -> Comparison {
        let a = [
            "负责月初制定每月销售任务及工作目标、计划报总经理处。",
            "负责对销售及市场信息的整理和分析。",
            "完成领导交办的其他任务。",
        ];
        let b = [
            "负责月初制定每月销售任务及工作目标、计划报总经理、董事长处。",
            "负责对销售及市场信息的整理和分析。",
            "负责展厅的日常管理工作,包括销售顾问日常行为规范、接待礼仪、展厅和展车的清洁卫生等,\x1b[31m以及其他很长很长的内容用来测试换行是否正确对齐",
        ];
        let pairs = align_duties(&a, &b, &CompareOptions::default());
        Comparison {
            role: "销售经理".to_string(),
            a: side("d1"),
            b: side("d2"),
            similarity: 0.5,
            summary: summarize(&pairs),
            pairs,
        }
    }

    #[test]
    fn plain_text_marks_edits_and_fits_100_columns() {
        let text = comparison_text(&comparison(), 100, false);
        assert!(text.contains("计划报总经理{+、董事长+}处"), "{text}");
        assert!(!text.contains('\x1b'));
        for line in text.lines() {
            assert!(width(line) <= 100, "{line}");
        }
        assert!(text.contains("< A3"));
        assert!(text.contains("> B3"));
    }

    #[test]
    fn colour_paints_insertions_green() {
        let text = comparison_text(&comparison(), 100, true);
        assert!(text.contains("\x1b[32m、董事长\x1b[0m"), "{text}");
        // The corpus text's own escape sequence was removed.
        assert!(!text.contains("\x1b[31m以及"));
    }

    #[test]
    fn wrapped_lines_keep_their_width() {
        let spans = vec![
            ("负责展厅的日常管理工作".to_string(), None),
            ("包括销售顾问".to_string(), Some(Style::Red)),
        ];
        let lines = wrap_spans(&spans, 9, false);
        assert_eq!(lines.concat(), "负责展厅的日常管理工作包括销售顾问");
        for line in lines {
            assert!(width(&line) <= 9);
        }
    }
}
