//! The state machine: pass 1 cuts every line into pieces at its numbering markers, pass 2
//! walks the pieces with the current document, position and section, deciding what each is.

use super::assemble::{DocumentBuilder, Target};
use super::classify::{trailing_headings, Chunk};
use super::lines::{
    char_prefix, compact, is_space, is_terminated, is_terminator, trim_range, Lines,
};
use super::markers::{has_marker, scan_marker_spans, MarkerSpan, MarkerStyle};
use super::table::Table;
use super::vocabulary::Vocabulary;
use super::CharClass;
use crate::ingest::CELL_BREAK;
use crate::model::PositionKind;
use crate::roles::RoleRules;

/// One unit of the first pass: a document title line, or a piece of a line.
#[derive(Debug, Clone)]
pub(super) enum Item {
    DocumentTitle {
        line: usize,
        title: String,
        /// `【篇一:…】`: a part of a merged file, whose title beats the one before it.
        part: bool,
    },
    Piece(Piece),
    /// A table's header row (`序号<TAB>岗位<TAB>职责`) and the rows under it.
    TableHeader(usize),
    TableRow(usize),
}

/// A stretch of one line: an optional numbering marker and the text after it.
#[derive(Debug, Clone)]
pub(super) struct Piece {
    pub(super) line: usize,
    pub(super) marker: Option<MarkerSpan>,
    /// Char range of the text (after the marker), trimmed.
    pub(super) start: usize,
    pub(super) end: usize,
    /// The piece starts a paragraph of a table cell (after a [`CELL_BREAK`]): never the
    /// continuation of the line before.
    pub(super) cell_start: bool,
}

pub(super) struct Parser<'a> {
    pub(super) file: &'a str,
    pub(super) vocabulary: &'a Vocabulary,
    pub(super) rules: &'a RoleRules,
    pub(super) lines: &'a Lines<'a>,
    /// The class of every character of `lines`, laid out as they are.
    pub(super) classes: Vec<CharClass>,
    pub(super) documents: Vec<DocumentBuilder>,
    pub(super) document: Option<DocumentBuilder>,
    pub(super) department: Option<String>,
    /// The last thing placed was a duty (so an unnumbered line may continue it).
    pub(super) last_was_duty: bool,
    pub(super) last_arabic: Option<u32>,
    /// Items go to no position: after a document's own section (目的, 相关文件), a chapter that
    /// names no post, or a question that names none.
    pub(super) closed: bool,
    /// The post the last question on a Q&A page asked about: each answer lists its duties.
    pub(super) question_title: Option<String>,
    /// Lines are paragraphs (Word, spreadsheets): never a wrapped line to re-join.
    pub(super) paragraphs: bool,
    /// The marker style of the piece being placed.
    pub(super) current_style: Option<MarkerStyle>,
    /// The table under way: what each column holds.
    pub(super) table: Option<Table>,
}

impl<'a> Parser<'a> {
    // ---- pass 1: lines → items --------------------------------------------------------------

    pub(super) fn scan(&mut self) -> Vec<Item> {
        // Noise was found for every line as the lines were read: a document title is recognised
        // by looking at the next line.
        let lines = self.lines;
        let mut items = Vec::new();
        let mut markers = Vec::new();
        for index in 0..lines.count() {
            if lines.skipped[index] {
                continue;
            }
            if let Some((title, part)) = self.document_title(index) {
                items.push(Item::DocumentTitle {
                    line: index,
                    title,
                    part,
                });
                continue;
            }
            if let Some(table) = self.table_header(index) {
                self.table = Some(table);
                items.push(Item::TableHeader(index));
                continue;
            }
            let visible = lines.visible(index);
            if self.table.is_some() && visible.contains(&'\t') && !self.leaves_table(index) {
                items.push(Item::TableRow(index));
                continue;
            }
            // A short line between the rows of one table and the header of the next (a
            // workbook's sheet name, `江宁店`) names what the next table is of: a document.
            if self.table.is_some() && self.is_caption(index) {
                items.push(Item::DocumentTitle {
                    line: index,
                    title: lines.line_text(index).trim().to_string(),
                    part: false,
                });
                continue;
            }
            self.table = None;
            // The paragraphs of a table cell are read one by one.
            let mut segment_start = 0;
            while segment_start <= visible.len() {
                let segment_end = visible[segment_start..]
                    .iter()
                    .position(|&c| c == CELL_BREAK)
                    .map_or(visible.len(), |at| segment_start + at);
                self.scan_segment(index, segment_start, segment_end, &mut markers, &mut items);
                segment_start = segment_end + 1;
            }
        }
        // The header rows were found on the way; the walk meets them again.
        self.table = None;
        items
    }

    /// The pieces of one stretch of a line (the line, or a paragraph of a cell in it).
    fn scan_segment(
        &mut self,
        index: usize,
        from: usize,
        to: usize,
        markers: &mut Vec<MarkerSpan>,
        items: &mut Vec<Item>,
    ) {
        let visible = &self.lines.visible(index)[..to];
        markers.clear();
        scan_marker_spans(&visible[from..], &mut self.last_arabic, markers);
        for marker in markers.iter_mut() {
            marker.start += from;
            marker.end += from;
            marker.label_start += from;
            marker.label_end += from;
        }
        let cell_start = from > 0;
        let first_start = markers.first().map_or(to, |m| m.start);
        let (start, end) = trim_range(visible, from, first_start);
        if start < end {
            items.push(Item::Piece(Piece {
                line: index,
                marker: None,
                start,
                end,
                cell_start,
            }));
        }
        for (k, marker) in markers.iter().enumerate() {
            self.mark(index, marker.start, marker.end, CharClass::Numbering);
            let next_start = markers.get(k + 1).map_or(to, |m| m.start);
            let (start, end) = trim_range(visible, marker.end, next_start);
            items.push(Item::Piece(Piece {
                line: index,
                marker: Some(*marker),
                start: start.max(marker.end),
                end: end.max(marker.end),
                cell_start: false,
            }));
        }
    }

    /// A tabbed line under a table that is not one of its rows: its first cell a section heading
    /// (`任职资格<TAB>高中以上学历…`, after a duty table inside a form), or a cell that is a
    /// field with its colon (`制表:人力资源部<TAB>审核:`, a sheet's sign-off row).
    fn leaves_table(&self, line: usize) -> bool {
        let text = self.lines.line_text(line);
        let mut cells = text.split('\t').map(str::trim).filter(|c| !c.is_empty());
        let Some(first) = cells.next() else {
            return false;
        };
        let first_m = super::classify::simplified(first);
        if self
            .vocabulary
            .heading(first_m.trim_end_matches(':'))
            .is_some()
        {
            return true;
        }
        std::iter::once(first).chain(cells).any(|cell| {
            let cell_m = super::classify::simplified(cell);
            self.vocabulary
                .label_at(&cell_m)
                .is_some_and(|(_, _, rest)| rest.starts_with(':') && rest.chars().count() <= 20)
        })
    }

    /// A short line with no numbering, tab or sentence end, followed by a table header.
    fn is_caption(&self, line: usize) -> bool {
        let visible = self.lines.visible(line);
        let text = self.lines.line_text(line).trim();
        let next = (line + 1..self.lines.count()).find(|&l| !self.lines.skipped[l]);
        (1..=20).contains(&text.chars().count())
            && !visible.contains(&'\t')
            && !text.chars().any(|c| is_terminator(c) || c == ':')
            && !has_marker(visible)
            && next.is_some_and(|l| self.table_header(l).is_some())
            && matches!(
                self.classify_chunk(text, false),
                Chunk::Text | Chunk::Department(_)
            )
    }

    /// Whether a whole line titles a document: short, no numbering, a document word such as
    /// 岗位职责, and not merely a role's own title (unless the next line repeats it).
    pub(super) fn document_title(&self, line: usize) -> Option<(String, bool)> {
        let lines = self.lines;
        if lines.visible(line).len() > 200 {
            return None;
        }
        let text = lines.line_text(line).trim();
        if let Some(inner) = text
            .strip_prefix('【')
            .and_then(|t| t.strip_suffix('】'))
            .filter(|t| t.starts_with('篇'))
        {
            let title = inner.split_once(':').map_or(inner, |(_, t)| t).trim();
            return Some((title.to_string(), true));
        }
        // `【前台接待岗位职责】`: brackets round the whole line say nothing.
        let text = super::classify::strip_enclosing_brackets(text);
        let length = text.chars().take(41).count();
        let matching = super::classify::simplified(text);
        if !(3..=40).contains(&length)
            || text
                .chars()
                .any(|c| is_terminator(c) || c == ',' || c == '\t' || c == '?')
            || text.ends_with(':')
            || !self.vocabulary.has_document_word(&matching)
        {
            return None;
        }
        // A question (`问:…岗位职责是什么`) or a section heading (`工作职责与标准`) is no
        // document's title.
        if self.vocabulary.question_prefix(text).is_some()
            || self.vocabulary.starts_with_heading(&matching)
        {
            return None;
        }
        // `续保专员岗位职责2`: a posting's title with the site's number, a position.
        let numbered = super::classify::strip_trailing_number(&matching);
        if numbered.len() < matching.len() && self.rules.is_role_title(numbered) {
            return None;
        }
        if has_marker(lines.visible(line)) {
            return None;
        }
        // `岗位职责:`, `直接下级:…` are headings inside a position, not document titles.
        if matches!(
            self.classify_chunk(text, false),
            Chunk::Section(_) | Chunk::ReportsTo(_) | Chunk::Subordinates(_) | Chunk::Field(..)
        ) || text.starts_with("岗位名称")
        {
            return None;
        }
        // `XXX公司 组织结构图 总经理岗位职责`: the line ends in a position's title.
        let words: Vec<&str> = text.split_whitespace().collect();
        if words.len() > 1 && self.rules.is_role_title(words[words.len() - 1]) {
            return None;
        }
        let compact_text = compact(text);
        let next_repeats = (line + 1..lines.count())
            .find(|&l| lines.visible(l).iter().any(|&c| !is_space(c)))
            .map(|l| compact(char_prefix(lines.line_text(l), 200)))
            .is_some_and(|next| next.starts_with(&compact_text));
        let role_only =
            self.rules.is_role_title(text) && !self.vocabulary.has_collective_word(text);
        if role_only && !next_repeats {
            return None;
        }
        Some((text.to_string(), false))
    }

    // ---- pass 2: items → documents ----------------------------------------------------------

    pub(super) fn walk(&mut self, items: &[Item]) {
        for (index, item) in items.iter().enumerate() {
            let next = items.get(index + 1);
            // Text after a table (a workbook's next sheet, a note under it) is none of its
            // rows' duties; a heading or a title opens what follows.
            let after_table = index > 0 && matches!(items[index - 1], Item::TableRow(_));
            if after_table && matches!(item, Item::Piece(_)) {
                self.closed = true;
                self.last_was_duty = false;
            }
            match item {
                Item::DocumentTitle { line, title, part } => {
                    self.document_title_line(*line, title, *part)
                }
                Item::Piece(piece) => self.piece(piece, next),
                Item::TableHeader(line) => self.header_row(*line),
                Item::TableRow(line) => self.table_row(*line),
            }
        }
    }

    pub(super) fn document_title_line(&mut self, line: usize, title: &str, part: bool) {
        self.mark_text(line, 0, self.lines.range(line).len(), CharClass::Heading);
        let compact_title = compact(title);
        if let Some(document) = &mut self.document {
            let repeat = document
                .titles
                .iter()
                .any(|t| t.starts_with(&compact_title) || compact_title.starts_with(t.as_str()));
            if repeat || !document.content_seen {
                // The title again, or a subtitle under a title with nothing yet below it.
                if part {
                    document.title = title.to_string();
                    document.narrative = self.vocabulary.is_narrative(title);
                }
                document.titles.push(compact_title);
                document.line_end = line;
                return;
            }
        }
        self.start_document(line, title);
    }

    pub(super) fn start_document(&mut self, line: usize, title: &str) {
        self.close_document();
        self.department = None;
        self.last_was_duty = false;
        self.document = Some(DocumentBuilder {
            title: title.to_string(),
            line_start: line,
            line_end: line,
            narrative: self.vocabulary.is_narrative(title),
            content_seen: false,
            positions: Vec::new(),
            titles: vec![compact(title)],
        });
    }

    pub(super) fn close_document(&mut self) {
        if let Some(document) = self.document.take() {
            self.documents.push(document);
        }
    }

    pub(super) fn document_mut(&mut self, line: usize) -> &mut DocumentBuilder {
        if self.document.is_none() {
            // Text before any title: a document named after the file.
            let stem = std::path::Path::new(self.file).file_stem().map_or_else(
                || self.file.to_string(),
                |s| s.to_string_lossy().into_owned(),
            );
            self.document = Some(DocumentBuilder {
                title: stem.clone(),
                line_start: line,
                line_end: line,
                narrative: false,
                content_seen: false,
                positions: Vec::new(),
                titles: vec![compact(&stem)],
            });
        }
        let document = self.document.as_mut().expect("just set");
        document.line_end = document.line_end.max(line);
        document
    }

    /// Characters `start..end` of a visible line (not borrowed from the parser, which goes on
    /// changing).
    pub(super) fn piece_text(&self, line: usize, start: usize, end: usize) -> &'a str {
        self.lines.text(line, start, end)
    }

    pub(super) fn piece(&mut self, piece: &Piece, next: Option<&Item>) {
        self.document_mut(piece.line);
        let text = self.piece_text(piece.line, piece.start, piece.end);
        let marker = piece.marker.as_ref();
        self.current_style = marker.map(|m| m.style);
        if let Some(marker) = marker {
            if self.is_sub_item(marker) {
                let label = self.piece_text(piece.line, marker.start, marker.end);
                let label = if marker.style == MarkerStyle::SubLetter {
                    format!(
                        "{})",
                        self.piece_text(piece.line, marker.label_start, marker.label_end)
                    )
                } else {
                    label.trim().to_string()
                };
                self.append_to_last_duty(piece.line, piece.start, piece.end, Some(&label));
                return;
            }
        }
        if text.trim().is_empty() {
            // An empty number (`3、 4、 5、`): numbering only.
            if let Some(marker) = marker {
                if marker.value == Some(1) {
                    self.restart_list(piece.line);
                }
            }
            return;
        }
        let next_starts_list = next_starts_list(next);
        match marker {
            None => self.head_piece(piece, next, next_starts_list),
            Some(marker) => self.marker_piece(piece, marker, next, next_starts_list),
        }
    }

    /// A sub-item of the last duty: `a)` under a list numbered otherwise, or the items of a
    /// list in another style that starts at 1 right after a duty ending in a colon
    /// (`2.负责行政后勤管理,包括:` `(1)…` `(2)…`), until the list's own style comes back.
    fn is_sub_item(&mut self, marker: &MarkerSpan) -> bool {
        let last_was_duty = self.last_was_duty;
        let Some(position) = self.current_position_mut() else {
            return false;
        };
        if position.target != Target::Duties || position.duties.is_empty() || !last_was_duty {
            return false;
        }
        let top = position.list_style;
        if marker.style == MarkerStyle::SubLetter {
            return top != Some(MarkerStyle::SubLetter);
        }
        if Some(marker.style) == top
            || matches!(marker.style, MarkerStyle::Decimal | MarkerStyle::Chapter)
        {
            position.sub_style = None;
            return false;
        }
        if position.sub_style == Some(marker.style) {
            return true;
        }
        let after_colon = position
            .duties
            .last()
            .is_some_and(|d| d.text.trim_end().ends_with([':', '：']));
        if after_colon && marker.value == Some(1) && top.is_some() {
            position.sub_style = Some(marker.style);
            return true;
        }
        false
    }

    /// A numbered piece: a title (`(二)、销售部经理`, `一、金融总监岗位职责:`, `4.1 前台主管`,
    /// `第一节 销售经理`), a department, a section, a field, a chapter of something else, or a
    /// duty — possibly with a title glued to its end.
    pub(super) fn marker_piece(
        &mut self,
        piece: &Piece,
        marker: &MarkerSpan,
        next: Option<&Item>,
        next_starts_list: bool,
    ) {
        let chunks = self.chunks(piece.line, piece.start, piece.end);
        let first = self.piece_text(piece.line, chunks[0].0, chunks[0].1);
        let first_kind = self.classify_chunk(first, false);
        let next_is_nested = next_marker(next).is_some_and(|m| {
            m.value == Some(1) || (m.style != marker.style && m.style != MarkerStyle::SubLetter)
        });
        let whole_is_one_chunk = chunks.len() == 1;
        // `3. 做好潜在客户的跟进管理:` in the middle of a list is its third duty (a sub-list may
        // follow), not a new list's title.
        let continues_list = self.current_position().is_some_and(|p| {
            p.target == Target::Duties
                && p.list_style == Some(marker.style)
                && p.duties
                    .iter()
                    .rev()
                    .find_map(|d| d.value)
                    .zip(marker.value)
                    .is_some_and(|(last, value)| value == last + 1)
        });
        // `【岗位职责】` / `1. 制定年度市场推广计划:` / `(1)…`: under a duties heading the first
        // item is the first duty, whatever it ends with.
        let opens_duties = marker.value == Some(1)
            && self.current_position().is_some_and(|p| {
                p.target == Target::Duties
                    && p.kind == PositionKind::Duties
                    && p.duties_heading
                    && p.duties.is_empty()
            });
        let first_kind = match first_kind {
            Chunk::OtherSection(_) if continues_list || opens_duties => Chunk::Text,
            kind => kind,
        };
        // Decimal section numbers and chapters number headings, not items.
        let sectioned = matches!(marker.style, MarkerStyle::Decimal | MarkerStyle::Chapter)
            && !(marker.style == MarkerStyle::Chapter && marker.depth >= 3);
        let title_here = match &first_kind {
            Chunk::ExplicitTitle(title) => {
                next_is_nested || sectioned || self.rules.is_role_title(title)
            }
            Chunk::Section(_) | Chunk::OtherSection(_) | Chunk::Field(..) => true,
            Chunk::RoleName(_) => {
                (next_is_nested || sectioned || self.next_is_metadata(next))
                    && (whole_is_one_chunk || marker.style == MarkerStyle::Letter)
            }
            Chunk::Department(_) => whole_is_one_chunk || next_is_nested,
            Chunk::ReportsTo(_) | Chunk::Subordinates(_) => true,
            _ => false,
        };
        if title_here {
            if matches!(first_kind, Chunk::Department(_)) && sectioned {
                // A chapter or section for a department ends the post before it.
                self.closed = true;
            }
            if let Chunk::Field(label, _) = &first_kind {
                let (s, e) = chunks[0];
                let colon = (s..e)
                    .find(|&i| self.lines.visible(piece.line)[i] == ':')
                    .unwrap_or(e);
                self.field(piece.line, *label, s, colon, piece.end);
                return;
            }
            self.heading_chunk(piece.line, chunks[0].0, chunks[0].1, &first_kind, false);
            if chunks.len() > 1 {
                let (s, e) = trim_range(self.lines.visible(piece.line), chunks[1].0, piece.end);
                // A description after the title (`A、市场总监 带领市场部…`): an unnumbered duty.
                let rest: Vec<Chunk> = chunks[1..]
                    .iter()
                    .map(|&(s, e)| self.classify_chunk(self.piece_text(piece.line, s, e), false))
                    .collect();
                let rest_text = self.piece_text(piece.line, s, e);
                if rest.iter().all(Chunk::is_heading) {
                    for (&(s, e), kind) in chunks[1..].iter().zip(&rest) {
                        self.heading_chunk(piece.line, s, e, kind, false);
                    }
                } else if rest_text.chars().count() <= 8 && !is_terminated(rest_text) {
                    // `B、市场经理 —企宣`: a short qualifier is part of the title.
                    self.mark_text(piece.line, s, e, CharClass::Heading);
                    let qualifier = rest_text.trim().to_string();
                    if let Some(position) = self.current_position_mut() {
                        position.title.push_str(&qualifier);
                    }
                } else if s < e {
                    self.add_duty(piece.line, s, e, None, None);
                }
            }
            return;
        }
        // `第六章 考勤制度`, `3 职责分工`: a heading of something that is no post ends the post.
        let text = self.piece_text(piece.line, piece.start, piece.end);
        let short_heading = text.chars().count() <= 16 && !text.chars().any(is_terminator);
        if sectioned && short_heading && (marker.depth <= 2 || self.current_position().is_none()) {
            self.mark_text(piece.line, piece.start, piece.end, CharClass::Heading);
            self.closed = true;
            self.last_was_duty = false;
            return;
        }
        // A duty, with headings possibly glued to its end. (Classifying a chunk on its own depends
        // on its text alone: the first chunk's kind is known.)
        let mut kinds: Vec<Chunk> = Vec::with_capacity(chunks.len());
        kinds.push(first_kind);
        kinds.extend(
            chunks[1..]
                .iter()
                .map(|&(s, e)| self.classify_chunk(self.piece_text(piece.line, s, e), false)),
        );
        let mut tail = trailing_headings(&kinds, next_starts_list).max(1);
        // A short phrase after the last sentence, right before a list restarts, is the new
        // list's title (`…媒体活动 活动策划 1、活动背景`).
        if tail == chunks.len() && chunks.len() > 1 && next_starts_list {
            let (s, e) = chunks[chunks.len() - 1];
            let phrase = self.piece_text(piece.line, s, e);
            if phrase.chars().count() <= 10 && !phrase.chars().any(is_terminator) {
                tail = chunks.len() - 1;
            }
        }
        let body_end = if tail < chunks.len() {
            chunks[tail - 1].1
        } else {
            piece.end
        };
        if marker.value == Some(1) {
            self.restart_list(piece.line);
        } else if let Some(value) = marker.value {
            self.restart_on_drop(piece.line, value);
        }
        let label = self.piece_text(piece.line, marker.label_start, marker.label_end);
        self.add_duty(piece.line, piece.start, body_end, Some(label), marker.value);
        for (&(s, e), kind) in chunks[tail..].iter().zip(kinds.drain(tail..)) {
            let kind = match kind {
                Chunk::Text => {
                    Chunk::OtherSection(self.piece_text(piece.line, s, e).trim().to_string())
                }
                kind => kind,
            };
            self.heading_chunk(piece.line, s, e, &kind, false);
        }
    }

    pub(super) fn heading_chunk(
        &mut self,
        line: usize,
        start: usize,
        end: usize,
        kind: &Chunk,
        head: bool,
    ) {
        let _ = head;
        match kind {
            Chunk::Text | Chunk::DocumentRepeat => {
                self.mark_text(line, start, end, CharClass::Heading);
            }
            Chunk::Field(label, _) => {
                let text = self.piece_text(line, start, end);
                // `所属部门:市场部`, `【所属部门】市场部`.
                let colon = text
                    .chars()
                    .position(|c| c == ':' || c == '】')
                    .map_or(end, |at| start + at);
                self.field(line, *label, start, colon, end);
            }
            Chunk::ReportsTo(names) => {
                self.mark_text(line, start, end, CharClass::Heading);
                if let Some(position) = self.current_position_mut() {
                    position.reports_to.extend(names.iter().cloned());
                }
            }
            Chunk::Subordinates(names) => {
                self.mark_text(line, start, end, CharClass::Heading);
                if let Some(position) = self.current_position_mut() {
                    position.subordinates.extend(names.iter().cloned());
                }
            }
            Chunk::Section(heading) => {
                self.mark_text(line, start, end, CharClass::Heading);
                let text = self.piece_text(line, start, end).to_string();
                self.open_section(line, *heading, &text);
            }
            Chunk::ExplicitTitle(title) | Chunk::RoleName(title) => {
                self.mark_text(line, start, end, CharClass::Heading);
                let title = self.clean_title(title);
                // `市场部的工作范围、主要职责` describes a scope, not a post.
                let descriptive = !self.rules.is_role_title(&title)
                    && (title.contains('的') || title.contains('、'));
                let kind = if descriptive {
                    PositionKind::Other
                } else {
                    PositionKind::Duties
                };
                self.open_position(line, title, kind, true);
            }
            Chunk::Department(name) => {
                self.mark_text(line, start, end, CharClass::Heading);
                self.department = Some(name.clone());
                self.last_was_duty = false;
            }
            Chunk::OtherSection(title) => {
                self.mark_text(line, start, end, CharClass::Heading);
                let title = title.trim_end_matches(':').to_string();
                self.open_position(line, title, PositionKind::Other, true);
            }
        }
        if let Some(document) = &mut self.document {
            document.line_end = document.line_end.max(line);
        }
    }
}

pub(super) fn next_marker(next: Option<&Item>) -> Option<&MarkerSpan> {
    match next {
        Some(Item::Piece(piece)) => piece.marker.as_ref(),
        _ => None,
    }
}

/// The next item starts a list at 1 (or is a bullet).
pub(super) fn next_starts_list(next: Option<&Item>) -> bool {
    next_marker(next).is_some_and(|m| m.value == Some(1) || m.style == MarkerStyle::Bullet)
}
