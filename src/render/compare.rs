//! Terminal text for `compare`: a two-position alignment with inline diffs, a role's coverage
//! matrix, and two stores compared position by position; Chinese double-width aligned, colour
//! optional.

use crate::compare::{
    shown_spans, CellKind, Comparison, Coverage, DiffOp, DiffSpan, DiffView, Lacked, Pair,
    PairKind, RowGroup, Side, StoreComparison, StoreSide,
};
use crate::render::term::{fit, paint, sanitize, width, wrap, Style};

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
        side.position_id,
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
            let mut spans = diff_spans(&shown_spans(&pair.diff, DiffView::Inline), color);
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

/// Rows of the common core count as "core" when more than half the stores have them (see
/// [`crate::compare::row_group`]).
pub fn is_core(present: usize, stores: usize) -> bool {
    crate::compare::row_group(present, stores) == crate::compare::RowGroup::Core
}

/// The coverage matrix: one numbered column per store (listed above), one row per duty in three
/// groups — the common core, the usual duties, each store's own (store by store) — then, per
/// store, its unique duties, rewordings and the core duties it lacks, listed.
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
    let count = |group: RowGroup| coverage.rows.iter().filter(|r| r.group == group).count();
    let mut group_shown: Option<RowGroup> = None;
    let mut own_store: Option<usize> = None;
    for row in &coverage.rows {
        if group_shown != Some(row.group) {
            let first = group_shown.is_none();
            group_shown = Some(row.group);
            let heading = match row.group {
                RowGroup::Core => format!(
                    "common core: in more than half the stores ({})",
                    count(RowGroup::Core)
                ),
                RowGroup::Usual => format!(
                    "usual: in two stores or more, at most half ({})",
                    count(RowGroup::Usual)
                ),
                RowGroup::Own => format!("each store's own ({})", count(RowGroup::Own)),
            };
            if first && row.group != RowGroup::Core {
                out.push_str(&paint(
                    "  (no common core: no duty is in more than half the stores)\n",
                    Style::Dim,
                    color,
                ));
            }
            out.push_str(&paint(
                &format!("  {}\n", fit(&heading, columns - 2).trim_end()),
                Style::Dim,
                color,
            ));
        }
        if row.group == RowGroup::Own {
            let column = row.cells.iter().position(|c| c.kind != CellKind::Absent);
            if column.is_some() && column != own_store {
                own_store = column;
                let k = column.unwrap_or_default();
                let side = &coverage.stores[k];
                out.push_str(&paint(
                    &format!(
                        "  {}\n",
                        fit(
                            &format!(
                                "· {} {} {} · {}",
                                k + 1,
                                side.position_id,
                                sanitize(&side.store),
                                sanitize(&side.position)
                            ),
                            columns - 2
                        )
                        .trim_end()
                    ),
                    Style::Dim,
                    color,
                ));
            }
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
    let core_rows = count(RowGroup::Core);
    for (k, side) in coverage.stores.iter().enumerate() {
        let unique = coverage
            .rows
            .iter()
            .filter(|r| r.present == 1 && r.cells[k].kind != CellKind::Absent)
            .count();
        let missing = coverage
            .missing_from_core
            .get(k)
            .map_or(0, |rows| rows.len());
        let reworded = coverage
            .rows
            .iter()
            .filter(|r| r.cells[k].kind == CellKind::Reworded)
            .count();
        out.push_str(&format!(
            "  {:>number_width$} {}: {} only here · {} reworded · lacks {} of {} core duties\n",
            k + 1,
            side.position_id,
            unique,
            reworded,
            missing,
            core_rows
        ));
    }
    if coverage
        .missing_from_core
        .iter()
        .any(|rows| !rows.is_empty())
    {
        out.push('\n');
        out.push_str(&paint("  Missing from the core", Style::Bold, color));
        out.push('\n');
        for (k, rows) in coverage.missing_from_core.iter().enumerate() {
            if rows.is_empty() {
                continue;
            }
            let side = &coverage.stores[k];
            out.push_str(&format!(
                "  {:>number_width$} {} {}:\n",
                k + 1,
                side.position_id,
                fit(&sanitize(&side.store), columns.saturating_sub(20)).trim_end()
            ));
            for &row in rows {
                out.push_str(&format!(
                    "      {}\n",
                    fit(&sanitize(&coverage.rows[row].duty), columns - 6).trim_end()
                ));
            }
        }
    }
    out.push_str("\n  = same wording  ~ reworded  . absent   core = more than half the stores\n");
    out
}

fn store_line(label: &str, side: &StoreSide) -> String {
    format!(
        "{label} {} {}: {} positions, {} duties",
        side.doc_ids.join(" "),
        sanitize(&side.store),
        side.positions,
        side.duties
    )
}

/// A position in a list: id, title (role when it differs), duties and line.
fn position_label(side: &Side) -> String {
    let role = if side.role.is_empty() || side.role == side.position {
        String::new()
    } else {
        format!(" [{}]", sanitize(&side.role))
    };
    format!(
        "{} {}{role} ({} duties, line {})",
        side.position_id,
        sanitize(&side.position),
        side.duties,
        side.line_start
    )
}

/// Two stores compared: the matched positions with their counts, the positions only one store
/// has, and per matched pair the duties each side lacks, wrapped to `columns`.
pub fn stores_text(stores: &StoreComparison, columns: usize, color: bool) -> String {
    let columns = columns.max(40);
    let mut out = String::new();
    out.push_str(&paint(
        &format!(
            "{} against {}",
            sanitize(&stores.a.store),
            sanitize(&stores.b.store)
        ),
        Style::Bold,
        color,
    ));
    out.push('\n');
    out.push_str(&store_line("  A", &stores.a));
    out.push('\n');
    out.push_str(&store_line("  B", &stores.b));
    out.push('\n');
    let s = &stores.summary;
    out.push_str(&format!(
        "  similarity {:.2} · {} matched · {} only A · {} only B\n",
        stores.similarity, s.matched, s.only_a, s.only_b
    ));
    out.push('\n');
    out.push_str(&paint("Matched positions", Style::Bold, color));
    out.push('\n');
    if stores.matched.is_empty() {
        out.push_str("  (none)\n");
    }
    for m in &stores.matched {
        let c = &m.comparison;
        out.push_str(&format!(
            "  {}\n  = {}\n",
            position_label(&c.a),
            position_label(&c.b)
        ));
        let counts = format!(
            "by {} · similarity {:.2} · {} same · {} reworded · {} only A · {} only B · {} split",
            m.matched_by.as_str().replace('_', " "),
            c.similarity,
            c.summary.same,
            c.summary.reworded,
            c.summary.only_a,
            c.summary.only_b,
            c.summary.split
        );
        for line in wrap(&counts, columns.saturating_sub(4)) {
            out.push_str(&format!("    {}\n", paint(&line, Style::Dim, color)));
        }
    }
    for (title, list) in [("Only in A", &stores.only_a), ("Only in B", &stores.only_b)] {
        out.push('\n');
        out.push_str(&paint(title, Style::Bold, color));
        out.push('\n');
        if list.is_empty() {
            out.push_str("  (none)\n");
        }
        for side in list.iter() {
            out.push_str(&format!(
                "  {}\n",
                fit(&position_label(side), columns - 2).trim_end()
            ));
        }
    }
    let lacking: Vec<_> = stores
        .matched
        .iter()
        .flat_map(|m| {
            [
                (&m.comparison.a, &m.comparison.b, &m.a_lacks),
                (&m.comparison.b, &m.comparison.a, &m.b_lacks),
            ]
        })
        .filter(|(_, _, lacks)| !lacks.is_empty())
        .collect();
    if !lacking.is_empty() {
        out.push('\n');
        out.push_str(&paint(
            "What each matched position lacks",
            Style::Bold,
            color,
        ));
        out.push('\n');
        for (side, other, lacks) in lacking {
            out.push_str(&format!(
                "  {} {} lacks {} of {}'s duties:\n",
                side.position_id,
                sanitize(&side.position),
                lacks.len(),
                other.position_id
            ));
            for duty in lacks.iter() {
                out.push_str(&lacked_line(duty, columns));
            }
        }
    }
    out
}

/// One lacked duty: its number in its list and its text, wrapped under the number.
fn lacked_line(duty: &Lacked, columns: usize) -> String {
    let label = format!("    {:>3}. ", duty.duty + 1);
    let indent = " ".repeat(width(&label));
    let mut out = String::new();
    for (k, line) in wrap(&sanitize(&duty.text), columns.saturating_sub(width(&label)))
        .iter()
        .enumerate()
    {
        out.push_str(if k == 0 { &label } else { &indent });
        out.push_str(line);
        out.push('\n');
    }
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
            position_id: format!("{id}.p1"),
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
