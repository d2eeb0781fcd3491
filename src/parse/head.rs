//! Text at the start of a line, before any numbering marker: a question or an answer of a Q&A
//! page, a line of fields, a posting's facts row, titles and headings, the continuation of a
//! wrapped duty, an unnumbered duty, or prose.

use super::classify::{trailing_headings, Chunk};
use super::lines::{is_terminator, trim_range};
use super::vocabulary::{Heading, Label};
use super::walk::{next_marker, Item, Parser, Piece};
use super::CharClass;
use crate::model::PositionKind;

impl Parser<'_> {
    /// Whether the next item opens or continues a list (a numbered or bulleted item, a section
    /// heading, a field, a title), so that a line of text before it introduces the list rather
    /// than being its first duty.
    pub(super) fn next_is_structure(&self, next: Option<&Item>) -> bool {
        match next {
            Some(Item::Piece(piece)) => {
                if piece.marker.is_some() {
                    return true;
                }
                let text = self.piece_text(piece.line, piece.start, piece.end);
                if self.vocabulary.answer_at(text).is_some() || self.question(text).is_some() {
                    return true;
                }
                let first = self
                    .chunks_plain(piece.line, piece.start, piece.end)
                    .first()
                    .map_or(text, |&(s, e)| self.piece_text(piece.line, s, e));
                !matches!(self.classify_chunk(first, false), Chunk::Text)
            }
            Some(_) => true,
            None => false,
        }
    }

    /// Whether the next item is a post's metadata or a section heading (`直接上级:…`,
    /// `岗位职责:`), as follows a post's title.
    pub(super) fn next_is_metadata(&self, next: Option<&Item>) -> bool {
        let Some(Item::Piece(piece)) = next else {
            return false;
        };
        if piece.marker.is_some() {
            return false;
        }
        if self.fields(piece.line, piece.start, piece.end).is_some() {
            return true;
        }
        let text = self.piece_text(piece.line, piece.start, piece.end);
        matches!(
            self.classify_chunk(text, false),
            Chunk::Section(_) | Chunk::ReportsTo(_) | Chunk::Subordinates(_) | Chunk::Field(..)
        )
    }

    /// Text at the start of a line before any marker: a question or an answer of a Q&A page,
    /// a line of fields, titles, the continuation of a wrapped duty, an unnumbered duty, or
    /// prose.
    pub(super) fn head_piece(
        &mut self,
        piece: &Piece,
        next: Option<&Item>,
        next_starts_list: bool,
    ) {
        let text = self.piece_text(piece.line, piece.start, piece.end);
        let continuing = self.last_was_duty
            && !self.last_duty_terminated()
            && !piece.cell_start
            && !self.paragraphs;
        if let Some(inline) = self.vocabulary.answer_at(text) {
            self.mark_text(piece.line, piece.start, piece.end, CharClass::Heading);
            self.last_was_duty = false;
            // An answer that names its post (`答:理赔专员主要负责…`) answers for that post.
            let title = self
                .post_named(inline)
                .or_else(|| self.question_title.clone());
            match title {
                Some(title) => self.open_position(piece.line, title, PositionKind::Duties, true),
                None => self.closed = true,
            }
            return;
        }
        let asks = self.vocabulary.question_prefix(text).is_some();
        if !continuing || asks {
            if let Some(title) = self.question(text) {
                self.mark_text(piece.line, piece.start, piece.end, CharClass::Heading);
                self.last_was_duty = false;
                // A question that names no post (`需要考证吗?`, the asker's own words) leaves
                // the page's question as it was.
                if let Some(title) = title {
                    self.question_title = Some(title.clone());
                    self.open_position(piece.line, title, PositionKind::Duties, true);
                }
                return;
            }
            if let Some(fields) = self.fields(piece.line, piece.start, piece.end) {
                for (label, label_start, value_start, value_end) in fields {
                    self.field(piece.line, label, label_start, value_start, value_end);
                }
                return;
            }
        }
        // `标准:返修率≤1%` under a numbered duty: what the duty is measured by, part of it.
        if self.last_was_duty && self.vocabulary.is_duty_note(text) {
            self.append_to_last_duty(piece.line, piece.start, piece.end, None);
            return;
        }
        let chunks = self.chunks(piece.line, piece.start, piece.end);
        let kinds: Vec<Chunk> = chunks
            .iter()
            .map(|&(s, e)| self.classify_chunk(self.piece_text(piece.line, s, e), true))
            .collect();
        // `汽车金融经理 | 10-15K | 苏州`, `南京 | 3-5年 | 大专 | 全职`: a posting's facts in a
        // row; a title in its first cell.
        if !continuing && self.is_fact_row(piece) {
            let first_end = (piece.start..piece.end)
                .find(|&i| self.lines.visible(piece.line)[i] == '|')
                .unwrap_or(piece.end);
            let (s, e) = trim_range(self.lines.visible(piece.line), piece.start, first_end);
            let kind = self.classify_chunk(self.piece_text(piece.line, s, e), true);
            if matches!(kind, Chunk::RoleName(_) | Chunk::ExplicitTitle(_)) {
                self.heading_chunk(piece.line, s, e, &kind, true);
                self.mark_text(piece.line, first_end, piece.end, CharClass::Heading);
            } else {
                self.mark_text(piece.line, piece.start, piece.end, CharClass::Heading);
            }
            return;
        }
        // `汽车销售顾问 底薪+提成 包住`: a posting's title with a few selling words after it.
        if !continuing && self.is_title_with_remarks(piece, &chunks, &kinds) {
            let (s, e) = chunks[0];
            self.heading_chunk(piece.line, s, e, &kinds[0], true);
            let rest_start = chunks[1].0;
            self.mark_text(piece.line, rest_start, piece.end, CharClass::Heading);
            return;
        }
        let all_headings = kinds.iter().all(Chunk::is_heading);
        let strong_heading = kinds
            .iter()
            .any(|k| !matches!(k, Chunk::Text | Chunk::RoleName(_) | Chunk::Department(_)));
        if all_headings && (!continuing || strong_heading) {
            for (&(s, e), kind) in chunks.iter().zip(&kinds) {
                self.heading_chunk(piece.line, s, e, kind, true);
            }
            return;
        }
        if continuing {
            self.append_to_last_duty(piece.line, piece.start, piece.end, None);
            return;
        }
        // Headings at the end of a line of text: `XXX公司 组织结构图 总经理岗位职责`.
        let tail = trailing_headings(&kinds, next_starts_list);
        let body_end = if tail < chunks.len() {
            chunks[tail].0
        } else {
            piece.end
        };
        let (body_start, body_end) =
            trim_range(self.lines.visible(piece.line), piece.start, body_end);
        if body_start < body_end {
            // A titled position with no duties yet takes a line of text as its first duty only
            // when no list or heading follows it (else the line introduces them).
            let introduces = self.next_is_structure(next);
            let in_section = self.in_section();
            // After a numbered list, a line of text is one of its duties only inside it (the
            // list goes on after it); after its end it is what follows the list (a remark, a
            // page's chrome).
            let inside_numbered = self.current_position().is_some_and(|p| {
                p.list_style.is_none()
                    || next_marker(next).is_some_and(|m| Some(m.style) == p.list_style)
            });
            let in_list = in_section
                || self.current_position().is_some_and(|p| {
                    (!p.duties.is_empty() && inside_numbered)
                        || (p.duties.is_empty() && (p.duties_heading || p.titled) && !introduces)
                });
            let narrative = self.document.as_ref().is_some_and(|d| d.narrative);
            if self.closed {
                self.mark_text(piece.line, body_start, body_end, CharClass::Heading);
            } else if tail < chunks.len() && !in_list {
                // Short text before a title on its line: a company name, 组织结构图.
                self.mark_text(piece.line, body_start, body_end, CharClass::Heading);
            } else if narrative && !self.current_position().is_some_and(|p| p.titled) {
                self.mark_text(piece.line, body_start, body_end, CharClass::Noise);
            } else if in_list {
                self.add_duty(piece.line, body_start, body_end, None, None);
            } else if narrative {
                self.mark_text(piece.line, body_start, body_end, CharClass::Noise);
            } else if self.current_position().is_some_and(|p| p.titled) {
                // A line introducing the list under a title (`服务顾问的岗位职责主要有:`).
                self.mark_text(piece.line, body_start, body_end, CharClass::Heading);
            } else if self.current_position().is_none() && self.is_title_block(piece, body_end) {
                // The title block of a document: a company's name, `员工手册`, `（2020年修订版）`.
                self.mark_text(piece.line, body_start, body_end, CharClass::Heading);
            }
            // Otherwise the text stays unparsed, for `zhize check` to report.
        }
        for (&(s, e), kind) in chunks.iter().zip(&kinds).skip(tail) {
            self.heading_chunk(piece.line, s, e, kind, true);
        }
    }

    /// Three or more short cells separated by bars, none a sentence.
    pub(super) fn is_fact_row(&self, piece: &Piece) -> bool {
        if piece.marker.is_some() {
            return false;
        }
        let text = self.piece_text(piece.line, piece.start, piece.end);
        let cells: Vec<&str> = text.split('|').map(str::trim).collect();
        cells.len() >= 3
            && cells.iter().all(|c| {
                (1..=14).contains(&c.chars().count())
                    && !c.chars().any(|ch| is_terminator(ch) || ch == ',')
            })
    }

    /// A title followed on its line by short words that are no sentence (`底薪+提成 包住`,
    /// `月薪过万`), at the start of a line.
    pub(super) fn is_title_with_remarks(
        &self,
        piece: &Piece,
        chunks: &[(usize, usize)],
        kinds: &[Chunk],
    ) -> bool {
        let titled = matches!(
            kinds.first(),
            Some(Chunk::RoleName(_) | Chunk::ExplicitTitle(_))
        );
        let visible = self.lines.visible(piece.line);
        titled
            && piece.marker.is_none()
            && kinds.len() >= 2
            && piece.end - piece.start <= 30
            && chunks[1..].iter().zip(&kinds[1..]).all(|(&(s, e), kind)| {
                *kind == Chunk::Text
                    && e - s <= 8
                    && !visible[s..e]
                        .iter()
                        .any(|&c| is_terminator(c) || c == ',' || c == ':')
            })
    }

    /// A short line with no sentence in it, before a document's first position.
    pub(super) fn is_title_block(&self, piece: &Piece, end: usize) -> bool {
        let text = self.piece_text(piece.line, piece.start, end);
        text.chars().filter(|c| !c.is_whitespace()).count() <= 30
            && !text.chars().any(|c| is_terminator(c) || c == ',')
    }

    /// One field of a field line: the title opens a position, a department, reports-to and
    /// subordinates are kept with it, a section label opens that section (its value is the
    /// section's first item), other metadata is heading.
    pub(super) fn field(
        &mut self,
        line: usize,
        label: Label,
        label_start: usize,
        value_start: usize,
        value_end: usize,
    ) {
        self.mark_text(line, label_start, value_end, CharClass::Heading);
        let value = self.piece_text(line, value_start, value_end).trim();
        let value = value.trim_start_matches([':', '】']).trim();
        match label {
            Label::Title => {
                if !value.is_empty() {
                    let kind = Chunk::ExplicitTitle(value.to_string());
                    self.heading_chunk(line, label_start, value_end, &kind, true);
                }
            }
            Label::Department => {
                if value.is_empty() {
                    return;
                }
                let name: String = value.split_whitespace().collect();
                match self.current_position_mut() {
                    Some(position) if position.duties.is_empty() => {
                        position.department = Some(name)
                    }
                    _ => self.department = Some(name),
                }
            }
            Label::ReportsTo => {
                let names = super::classify::split_names(value);
                if let Some(position) = self.current_position_mut() {
                    position.reports_to.extend(names);
                }
            }
            Label::Subordinates => {
                let names = super::classify::split_names(value);
                if let Some(position) = self.current_position_mut() {
                    position.subordinates.extend(names);
                }
            }
            Label::Other => {}
            Label::Section(heading) => {
                let heading_text = self.piece_text(line, label_start, value_start).to_string();
                self.open_section(line, heading, &heading_text);
                let (s, e) = trim_range(self.lines.visible(line), value_start, value_end);
                let s = if self.lines.visible(line).get(s) == Some(&':') {
                    s + 1
                } else {
                    s
                };
                if s < e && heading != Heading::Front {
                    self.add_duty(line, s, e, None, None);
                }
            }
        }
    }
}
