//! Tables: a header row whose cells name their columns (`序号`, `岗位`, `部门`, `职责` … from
//! the vocabulary, in any order) and the rows under it — one duty per row, or one position per
//! row with all its duties in one cell — from Word tables, spreadsheets and tab-separated text.

use super::assemble::{SectionBuilder, Target};
use super::classify::simplified;
use super::markers::scan_marker_spans;
use super::vocabulary::Column;
use super::walk::Parser;
use super::CharClass;
use crate::ingest::CELL_BREAK;
use crate::model::{PositionKind, SectionKind};

/// What each column of the table under way holds.
#[derive(Debug, Clone)]
pub(super) struct Table {
    columns: Vec<Option<Column>>,
    headers: Vec<String>,
    /// No number column: a row is a position, its duty cell holds the whole list.
    per_position: bool,
}

impl Parser<'_> {
    /// The cells of a tab-separated line, as trimmed char ranges (empty cells included).
    fn cells(&self, line: usize) -> Vec<(usize, usize)> {
        let visible = self.lines.visible(line);
        let mut cells = Vec::new();
        let mut start = 0;
        for (i, &c) in visible.iter().enumerate() {
            if c == '\t' {
                cells.push(super::lines::trim_range(visible, start, i));
                start = i + 1;
            }
        }
        cells.push(super::lines::trim_range(visible, start, visible.len()));
        cells
    }

    /// A header row: two or more cells that name columns, one of them the duties, and no cell
    /// longer than a header is.
    pub(super) fn table_header(&self, line: usize) -> Option<Table> {
        if !self.lines.visible(line).contains(&'\t') {
            return None;
        }
        let cells = self.cells(line);
        let mut columns = Vec::with_capacity(cells.len());
        let mut headers = Vec::with_capacity(cells.len());
        for &(s, e) in &cells {
            let text = self.lines.text(line, s, e);
            if text.chars().count() > 12 {
                return None;
            }
            columns.push(self.vocabulary.column(&simplified(text)));
            headers.push(text.to_string());
        }
        let known = columns.iter().flatten().count();
        let has_duty = columns.contains(&Some(Column::Duty));
        (known >= 2 && has_duty).then(|| Table {
            per_position: !columns.contains(&Some(Column::Number)),
            columns,
            headers,
        })
    }

    pub(super) fn header_row(&mut self, line: usize) {
        self.document_mut(line);
        self.table = self.table_header(line);
        let length = self.lines.range(line).len();
        self.mark_text(line, 0, length, CharClass::Heading);
        self.last_was_duty = false;
    }

    /// A row under a header: its position (a new one when the position cell changes; an empty
    /// cell is the one above, as merged cells read), department and store, its duties, and its
    /// other cells as sections of the position.
    pub(super) fn table_row(&mut self, line: usize) {
        self.document_mut(line);
        let Some(table) = self.table.clone() else {
            return;
        };
        let cells = self.cells(line);
        let cell = |column: Column| {
            table
                .columns
                .iter()
                .position(|c| *c == Some(column))
                .and_then(|k| cells.get(k).copied())
                .filter(|(s, e)| s < e)
        };
        if let Some((s, e)) = cell(Column::Store) {
            let store = self.piece_text(line, s, e).to_string();
            self.mark_text(line, s, e, CharClass::Heading);
            let same = self.document.as_ref().is_some_and(|d| d.title == store);
            if !same {
                self.start_document(line, &store);
            }
        }
        if let Some((s, e)) = cell(Column::Department) {
            let department: String = self.piece_text(line, s, e).split_whitespace().collect();
            self.mark_text(line, s, e, CharClass::Heading);
            self.department = Some(department);
        }
        if let Some((s, e)) = cell(Column::Position) {
            let title = self.clean_title(self.piece_text(line, s, e));
            self.mark_text(line, s, e, CharClass::Heading);
            let same = self
                .current_position()
                .is_some_and(|p| p.title == title && !self.closed);
            if !same {
                self.open_position(line, title, PositionKind::Duties, true);
            }
        }
        let number = cell(Column::Number).map(|(s, e)| {
            self.mark(line, s, e, CharClass::Numbering);
            self.piece_text(line, s, e).to_string()
        });
        if let Some(position) = self.current_position_mut() {
            position.target = Target::Duties;
            position.duties_heading = true;
        }
        if let Some((s, e)) = cell(Column::ReportsTo) {
            let names = super::classify::split_names(self.piece_text(line, s, e));
            self.mark_text(line, s, e, CharClass::Heading);
            if let Some(position) = self.current_position_mut() {
                for name in names {
                    if !position.reports_to.contains(&name) {
                        position.reports_to.push(name);
                    }
                }
            }
        }
        // Usually one duty column; a sheet may give each duty its own (职责一, 职责二 …).
        let duty_columns: Vec<usize> = (0..table.columns.len())
            .filter(|&k| table.columns[k] == Some(Column::Duty))
            .collect();
        let several = duty_columns.len() > 1;
        for k in duty_columns {
            if let Some(&(s, e)) = cells.get(k).filter(|(s, e)| s < e) {
                let whole = table.per_position && !several;
                self.duty_cell(line, s, e, number.as_deref(), whole);
            }
        }
        for (k, column) in table.columns.iter().enumerate() {
            let Some(&(s, e)) = cells.get(k) else {
                continue;
            };
            if s >= e {
                continue;
            }
            let kind = match column {
                Some(Column::Requirements) => SectionKind::Requirements,
                Some(Column::Other) | None => SectionKind::Other,
                _ => continue,
            };
            let heading = table.headers.get(k).cloned().unwrap_or_default();
            self.section_cell(line, s, e, kind, &heading);
        }
        self.last_was_duty = false;
    }

    /// The duties of one cell: one duty, or a list numbered inside it, or its paragraphs; a
    /// position's only cell of duties with none of those is split at its semicolons.
    fn duty_cell(&mut self, line: usize, s: usize, e: usize, number: Option<&str>, whole: bool) {
        let visible = self.lines.visible(line);
        let mut markers = Vec::new();
        scan_marker_spans(&visible[s..e], &mut None, &mut markers);
        let numbered_list = markers.first().is_some_and(|m| m.start == 0);
        if numbered_list {
            for (k, marker) in markers.iter().enumerate() {
                let (ms, me) = (s + marker.start, s + marker.end);
                self.mark(line, ms, me, CharClass::Numbering);
                let next = markers.get(k + 1).map_or(e, |m| s + m.start);
                let label = self
                    .piece_text(line, s + marker.label_start, s + marker.label_end)
                    .to_string();
                self.add_duty(line, me, next, Some(&label), marker.value);
            }
            return;
        }
        let mut parts = split_at(visible, s, e, |c| c == CELL_BREAK);
        if whole && parts.len() == 1 {
            let semicolons = split_at(visible, s, e, |c| c == ';');
            if semicolons.len() >= 2 {
                parts = semicolons;
            }
        }
        let single = parts.len() == 1;
        for (ps, pe) in parts {
            let n = if single { number } else { None };
            let value = n.and_then(|n| n.parse().ok());
            self.add_duty(line, ps, pe, n, value);
        }
    }

    /// A cell that is not a duty (任职要求, 工作标准, 考核标准 …): an item of the position's section
    /// of that name.
    fn section_cell(&mut self, line: usize, s: usize, e: usize, kind: SectionKind, heading: &str) {
        let text = self.original_joined(line, s, e);
        self.mark_text(line, s, e, CharClass::Heading);
        let Some(position) = self.current_position_mut() else {
            return;
        };
        let at = match position
            .sections
            .iter()
            .position(|section| section.kind == kind && section.heading == heading)
        {
            Some(at) => at,
            None => {
                position.sections.push(SectionBuilder {
                    kind,
                    heading: heading.to_string(),
                    items: Vec::new(),
                    line,
                });
                position.sections.len() - 1
            }
        };
        position.line_end = position.line_end.max(line);
        position.sections[at]
            .items
            .push(super::assemble::DutyBuilder {
                n: None,
                value: None,
                text,
                line,
            });
    }
}

/// The non-empty trimmed stretches of `chars[start..end]` between separators (a `;` kept with
/// the stretch before it).
fn split_at(
    chars: &[char],
    start: usize,
    end: usize,
    separator: impl Fn(char) -> bool,
) -> Vec<(usize, usize)> {
    let mut parts = Vec::new();
    let mut from = start;
    for i in start..end {
        if separator(chars[i]) {
            let keep = if chars[i] == CELL_BREAK { i } else { i + 1 };
            let (s, e) = super::lines::trim_range(chars, from, keep);
            if s < e {
                parts.push((s, e));
            }
            from = i + 1;
        }
    }
    let (s, e) = super::lines::trim_range(chars, from, end);
    if s < e {
        parts.push((s, e));
    }
    parts
}
