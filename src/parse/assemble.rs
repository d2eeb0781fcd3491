//! Assembly: positions, duties and sections opened, filled and closed as the walk decides, then
//! turned into the model's documents with the per-file accounting of every character and line.

use super::lines::{is_space, is_terminated, join_pieces, join_wrapped_chars, trim_range};
use super::markers::MarkerStyle;
use super::vocabulary::Heading;
use super::walk::Parser;
use super::{CharClass, ParsedFile, UNPARSED_SHOWN, UNTITLED};
use crate::model::*;

pub(super) struct DocumentBuilder {
    pub(super) title: String,
    pub(super) line_start: usize,
    pub(super) line_end: usize,
    pub(super) narrative: bool,
    /// Anything but titles seen yet: a document title right after a bare title only adds to it.
    pub(super) content_seen: bool,
    pub(super) positions: Vec<PositionBuilder>,
    /// Folded titles seen for this document, to recognise the title repeated on later lines.
    pub(super) titles: Vec<String>,
}

pub(super) struct PositionBuilder {
    pub(super) title: String,
    pub(super) department: Option<String>,
    pub(super) reports_to: Vec<String>,
    pub(super) subordinates: Vec<String>,
    pub(super) kind: PositionKind,
    pub(super) duties: Vec<DutyBuilder>,
    pub(super) line_start: usize,
    pub(super) line_end: usize,
    /// Titled in the text (not made up for a list that had no title).
    pub(super) titled: bool,
    /// What the position says besides its duties.
    pub(super) sections: Vec<SectionBuilder>,
    /// Where the next item goes.
    pub(super) target: Target,
    /// A duties heading (`岗位职责:`) opened the list, or the list came from a table.
    pub(super) duties_heading: bool,
    /// The numbering style of the list's first duty, and of the sub-list under way (`（1）`
    /// items under `2.负责…,包括:`).
    pub(super) list_style: Option<MarkerStyle>,
    pub(super) sub_style: Option<MarkerStyle>,
}

pub(super) struct SectionBuilder {
    pub(super) kind: SectionKind,
    pub(super) heading: String,
    pub(super) items: Vec<DutyBuilder>,
    pub(super) line: usize,
}

/// Where the items that follow go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Target {
    Duties,
    Section(usize),
}

pub(super) struct DutyBuilder {
    pub(super) n: Option<String>,
    pub(super) value: Option<u32>,
    pub(super) text: String,
    pub(super) line: usize,
}

impl PositionBuilder {
    /// Unnumbered text taken as duties before a heading or list showed where the duties start:
    /// kept with the post as a section of its own, not counted as duties.
    pub(super) fn set_aside_prose(&mut self, line: usize) {
        if self.duties_heading
            || self.duties.is_empty()
            || self.duties.iter().any(|d| d.n.is_some())
        {
            return;
        }
        let items = std::mem::take(&mut self.duties);
        self.sections.push(SectionBuilder {
            kind: SectionKind::Other,
            heading: String::new(),
            items,
            line,
        });
    }
}

impl Parser<'_> {
    pub(super) fn open_position(
        &mut self,
        line: usize,
        title: String,
        kind: PositionKind,
        titled: bool,
    ) {
        let department = self.department.clone();
        let document = self.document_mut(line);
        document.content_seen = true;
        // A title with nothing under it yet is replaced: `总经理` then `岗位名称:总经理`.
        if document.positions.last().is_some_and(|p| {
            p.duties.is_empty()
                && p.reports_to.is_empty()
                && p.subordinates.is_empty()
                && p.sections.is_empty()
        }) {
            document.positions.pop();
        }
        document.positions.push(PositionBuilder {
            title,
            department,
            reports_to: Vec::new(),
            subordinates: Vec::new(),
            kind,
            duties: Vec::new(),
            line_start: line,
            line_end: line,
            titled,
            sections: Vec::new(),
            target: Target::Duties,
            duties_heading: false,
            list_style: None,
            sub_style: None,
        });
        self.last_was_duty = false;
        self.closed = false;
    }

    /// A section heading under a position: `岗位职责:` opens (or goes back to) its duties,
    /// `任职条件` its requirements (a position of kind requirements when no duties came yet, as
    /// merged files write them), `考核指标`, `工作关系` … a section of the position; a document's
    /// own section (`目的`, `相关文件`) closes the position.
    pub(super) fn open_section(&mut self, line: usize, heading: Heading, text: &str) {
        self.last_was_duty = false;
        let heading_text = text.trim().trim_end_matches([':', ' ']).to_string();
        if heading == Heading::Front {
            self.closed = true;
            return;
        }
        if self.current_position().is_some() {
            self.closed = false;
        }
        let Some(position) = self.current_position_mut() else {
            match heading {
                Heading::Duties => {}
                Heading::Requirements => self.open_position(
                    line,
                    UNTITLED.to_string(),
                    PositionKind::Requirements,
                    false,
                ),
                Heading::Part(SectionKind::Scope) => {
                    self.open_position(line, heading_text, PositionKind::Other, true)
                }
                // Metadata of the document itself.
                _ => self.closed = true,
            }
            return;
        };
        let kind = match heading {
            Heading::Duties => PositionKind::Duties,
            Heading::Requirements => PositionKind::Requirements,
            Heading::Part(kind) => {
                position.sections.push(SectionBuilder {
                    kind,
                    heading: heading_text,
                    items: Vec::new(),
                    line,
                });
                position.target = Target::Section(position.sections.len() - 1);
                return;
            }
            Heading::Front => unreachable!("handled above"),
        };
        if kind == PositionKind::Duties && position.kind == PositionKind::Duties {
            // `二手车评估师` / `南京 | 3-5年 | 大专` / `【岗位职责】`: unnumbered text between a
            // title and its duties heading is about the post (a posting's facts, a form's
            // note), not a duty of it.
            position.set_aside_prose(line);
            position.target = Target::Duties;
            position.duties_heading = true;
            return;
        }
        if position.duties.is_empty() {
            position.kind = kind;
            position.target = Target::Duties;
            position.duties_heading = true;
            return;
        }
        if kind == PositionKind::Requirements && position.kind == PositionKind::Duties {
            position.sections.push(SectionBuilder {
                kind: SectionKind::Requirements,
                heading: heading_text,
                items: Vec::new(),
                line,
            });
            position.target = Target::Section(position.sections.len() - 1);
            return;
        }
        if position.kind == kind {
            position.target = Target::Duties;
            return;
        }
        let title = position.title.clone();
        let titled = position.titled;
        let reports_to = position.reports_to.clone();
        let subordinates = position.subordinates.clone();
        let department = position.department.clone();
        self.open_position(line, title, kind, titled);
        if let Some(position) = self.current_position_mut() {
            position.reports_to = reports_to;
            position.subordinates = subordinates;
            position.department = department;
            position.duties_heading = true;
        }
    }

    /// Whether the items that follow go to a section rather than to duties.
    pub(super) fn in_section(&self) -> bool {
        self.current_position()
            .is_some_and(|p| matches!(p.target, Target::Section(_)))
    }

    /// A list numbered from 1 again under a position that already has numbered duties, with no
    /// title between: a new list whose title was lost.
    pub(super) fn restart_list(&mut self, line: usize) {
        if self.in_section() || self.closed {
            return;
        }
        let restart = self.current_position().is_some_and(|p| {
            p.duties.iter().filter(|d| d.value.is_some()).count() >= 2
                && p.duties
                    .last()
                    .is_some_and(|d| d.value.is_some_and(|v| v >= 2))
        });
        if restart {
            let kind = self
                .current_position()
                .map_or(PositionKind::Duties, |p| p.kind);
            self.open_position(line, UNTITLED.to_string(), kind, false);
        }
    }

    /// Numbering that falls back (`…7、 8、 5、`) without a title between: a list whose title was
    /// lost. A repeated number (two 19s) is a typo, not a new list.
    pub(super) fn restart_on_drop(&mut self, line: usize, value: u32) {
        if self.in_section() || self.closed {
            return;
        }
        let drop = self.current_position().is_some_and(|p| {
            p.duties
                .iter()
                .rev()
                .find_map(|d| d.value)
                .is_some_and(|last| value + 1 < last)
        });
        if drop {
            let kind = self
                .current_position()
                .map_or(PositionKind::Duties, |p| p.kind);
            self.open_position(line, UNTITLED.to_string(), kind, false);
        }
    }

    pub(super) fn current_position(&self) -> Option<&PositionBuilder> {
        self.document.as_ref().and_then(|d| d.positions.last())
    }

    pub(super) fn current_position_mut(&mut self) -> Option<&mut PositionBuilder> {
        self.document.as_mut().and_then(|d| d.positions.last_mut())
    }

    pub(super) fn last_duty_terminated(&self) -> bool {
        self.current_position()
            .and_then(|p| p.duties.last())
            .is_none_or(|d| is_terminated(&d.text))
    }

    pub(super) fn add_duty(
        &mut self,
        line: usize,
        start: usize,
        end: usize,
        n: Option<&str>,
        value: Option<u32>,
    ) {
        let (start, end) = trim_range(self.lines.visible(line), start, end);
        if start >= end {
            return;
        }
        let text = self.original_joined(line, start, end);
        if text.is_empty() {
            return;
        }
        // After a document's own section (目的, 相关文件) or a chapter that is no post, items
        // belong to no position; nor do a controlled document's numbered sentences before its
        // first post (`4.1 人力资源部负责本文件的编制`).
        let numbered_section = matches!(
            self.current_style,
            Some(MarkerStyle::Decimal | MarkerStyle::Chapter)
        );
        if self.closed || (self.current_position().is_none() && numbered_section) {
            self.mark_text(line, start, end, CharClass::Heading);
            return;
        }
        if let Some(position) = self.current_position_mut() {
            if let Target::Section(at) = position.target {
                position.line_end = position.line_end.max(line);
                position.sections[at].items.push(DutyBuilder {
                    n: n.map(str::to_string),
                    value,
                    text,
                    line,
                });
                self.mark_text(line, start, end, CharClass::Heading);
                self.last_was_duty = false;
                return;
            }
        }
        if self.current_position().is_none() {
            let title = self
                .document
                .as_ref()
                .map(|d| d.title.clone())
                .filter(|t| self.rules.is_role_title(t))
                .map_or_else(|| UNTITLED.to_string(), |t| self.clean_title(&t));
            self.open_position(line, title, PositionKind::Duties, false);
        }
        let narrative_untitled = self.document.as_ref().is_some_and(|d| d.narrative)
            && !self.current_position().is_some_and(|p| p.titled);
        if narrative_untitled {
            self.mark_text(line, start, end, CharClass::Noise);
            return;
        }
        self.mark_text(line, start, end, CharClass::Duty);
        let document = self.document.as_mut().expect("position exists");
        document.content_seen = true;
        let position = document.positions.last_mut().expect("position exists");
        position.line_end = position.line_end.max(line);
        // Lines of text under a title, the last ending in a colon, and then a list numbered
        // from 1 (`谢邀。我在4S店做了三年续保，日常工作大概是:` / `1. …`): the text introduced
        // the list.
        let introduced = position.kind == PositionKind::Duties
            && position
                .duties
                .last()
                .is_some_and(|d| d.text.trim_end().ends_with([':', '：']));
        if value == Some(1) && n.is_some() && introduced {
            position.set_aside_prose(line);
        }
        // A duty that ends in `、` was cut by a stray number: the next item continues it.
        if let Some(last) = position.duties.last_mut() {
            if last.text.ends_with('、') {
                last.text = join_pieces(&last.text, &text);
                self.last_was_duty = true;
                return;
            }
        }
        if position.duties.is_empty() && n.is_some() {
            position.list_style = self.current_style;
        }
        position.duties.push(DutyBuilder {
            n: n.map(str::to_string),
            value,
            text,
            line,
        });
        self.last_was_duty = true;
    }

    pub(super) fn append_to_last_duty(
        &mut self,
        line: usize,
        start: usize,
        end: usize,
        label: Option<&str>,
    ) {
        let (start, end) = trim_range(self.lines.visible(line), start, end);
        let text = self.original_joined(line, start, end);
        let narrative = self.document.as_ref().is_some_and(|d| d.narrative)
            && !self.current_position().is_some_and(|p| p.titled);
        let class = if narrative {
            CharClass::Noise
        } else {
            CharClass::Duty
        };
        self.mark_text(line, start, end, class);
        if narrative {
            return;
        }
        if let Some(position) = self.current_position_mut() {
            position.line_end = position.line_end.max(line);
            if let Some(last) = position.duties.last_mut() {
                let addition = match label {
                    Some(label) => format!("{label}{text}"),
                    None => text,
                };
                last.text = if label.is_some() {
                    format!("{} {}", last.text.trim_end(), addition)
                } else {
                    join_pieces(&last.text, &addition)
                };
            }
        }
        if let Some(document) = &mut self.document {
            document.line_end = document.line_end.max(line);
        }
    }

    /// The text as written (noise blanked out), wrapped lines re-joined: see [`join_wrapped`].
    pub(super) fn original_joined(&self, line: usize, start: usize, end: usize) -> String {
        let raw = self.lines.raw_text(line, start, end);
        let base = self.lines.starts[line];
        let classes = &self.classes[base + start..base + end];
        // Mostly one run of text with no noise and no space in it: copied as written.
        if !classes.contains(&CharClass::Noise) && !raw.chars().any(is_space) {
            return raw.to_string();
        }
        let chars = raw
            .chars()
            .zip(classes)
            .map(|(c, &class)| if class == CharClass::Noise { ' ' } else { c });
        join_wrapped_chars(chars)
    }

    pub(super) fn classes_mut(
        &mut self,
        line: usize,
        start: usize,
        end: usize,
    ) -> &mut [CharClass] {
        let base = self.lines.starts[line];
        &mut self.classes[base + start..base + end]
    }

    /// Marks a range; noise and numbering already marked keep their class.
    pub(super) fn mark_text(&mut self, line: usize, start: usize, end: usize, class: CharClass) {
        for slot in self.classes_mut(line, start, end) {
            if !matches!(slot, CharClass::Noise | CharClass::Numbering) {
                *slot = class;
            }
        }
    }

    pub(super) fn mark(&mut self, line: usize, start: usize, end: usize, class: CharClass) {
        self.classes_mut(line, start, end).fill(class);
    }

    // ---- results ----------------------------------------------------------------------------

    pub(super) fn finish(mut self) -> ParsedFile {
        self.close_document();
        let mut documents = Vec::new();
        for builder in std::mem::take(&mut self.documents) {
            // Collected to the exact length: a corpus holds a million of these.
            let mut positions: Vec<Position> = Vec::with_capacity(
                builder
                    .positions
                    .iter()
                    .filter(|p| !p.duties.is_empty())
                    .count(),
            );
            positions.extend(
                builder
                    .positions
                    .into_iter()
                    .filter(|p| !p.duties.is_empty())
                    .map(|p| Position {
                        // A single unnumbered paragraph under a title, with no duties heading,
                        // is prose about the post (an answer on a Q&A page), not a list.
                        kind: if p.kind == PositionKind::Duties
                            && !p.duties_heading
                            && p.duties.len() == 1
                            && p.duties[0].n.is_none()
                        {
                            PositionKind::Other
                        } else {
                            p.kind
                        },
                        sections: p
                            .sections
                            .into_iter()
                            .filter(|s| !s.items.is_empty())
                            .map(|s| Section {
                                kind: s.kind,
                                heading: s.heading,
                                items: s
                                    .items
                                    .into_iter()
                                    .map(|d| Duty {
                                        n: d.n,
                                        text: d.text,
                                        line: d.line + 1,
                                    })
                                    .collect(),
                                line: s.line + 1,
                            })
                            .collect(),
                        role: if p.title == UNTITLED {
                            p.title.clone()
                        } else {
                            self.rules.canonical(&p.title)
                        },
                        title: p.title,
                        department: p.department,
                        reports_to: p.reports_to,
                        subordinates: p.subordinates,
                        duties: {
                            let mut duties = Vec::with_capacity(p.duties.len());
                            duties.extend(p.duties.into_iter().map(|d| {
                                let mut text = d.text;
                                text.shrink_to_fit();
                                Duty {
                                    n: d.n,
                                    text,
                                    line: d.line + 1,
                                }
                            }));
                            duties
                        },
                        line_start: p.line_start + 1,
                        line_end: p.line_end + 1,
                    }),
            );
            documents.push(Document {
                id: String::new(),
                store: builder.title.clone(),
                title: builder.title,
                file: self.file.to_string(),
                line_start: builder.line_start + 1,
                line_end: builder.line_end + 1,
                positions,
            });
        }
        let report = self.report(&documents);
        let lines = self.lines;
        let classes = (0..lines.count())
            .map(|line| self.classes[lines.range(line)].to_vec())
            .collect();
        ParsedFile {
            documents,
            report,
            classes,
        }
    }

    pub(super) fn report(&self, documents: &[Document]) -> FileReport {
        let untitled = documents
            .iter()
            .flat_map(|d| &d.positions)
            .filter(|p| p.title == UNTITLED)
            .map(|p| UnparsedLine {
                line: p.duties.first().map_or(p.line_start, |d| d.line),
                text: p
                    .duties
                    .first()
                    .map(|d| d.text.chars().take(60).collect())
                    .unwrap_or_default(),
            })
            .collect();
        let mut report = FileReport {
            file: self.file.to_string(),
            untitled,
            documents: documents.len(),
            positions: documents.iter().map(|d| d.positions.len()).sum(),
            duties: documents
                .iter()
                .flat_map(|d| &d.positions)
                .map(|p| p.duties.len())
                .sum(),
            ..FileReport::default()
        };
        let lines = self.lines;
        for index in 0..lines.count() {
            let line = lines.raw_line(index);
            let classes = &self.classes[lines.range(index)];
            account_line(line, classes, index, &mut report);
        }
        report
    }
}

/// Adds one line's characters and class to a report; `index` is 0-based in the file. The
/// whole-file parse and the pieces of a big file (chunked.rs) count through this one function.
pub(super) fn account_line(
    line: &str,
    classes: &[CharClass],
    index: usize,
    report: &mut FileReport,
) {
    let mut counts = [0usize; 5];
    for (c, &class) in line.chars().zip(classes) {
        if !c.is_whitespace() {
            counts[class as usize] += 1;
        }
    }
    if counts.iter().sum::<usize>() == 0 {
        return;
    }
    report.chars.duty += counts[CharClass::Duty as usize];
    report.chars.heading += counts[CharClass::Heading as usize];
    report.chars.numbering += counts[CharClass::Numbering as usize];
    report.chars.noise += counts[CharClass::Noise as usize];
    report.chars.unparsed += counts[CharClass::Unparsed as usize];
    // Numbers belong to the list they number.
    let duty = counts[CharClass::Duty as usize] + counts[CharClass::Numbering as usize];
    let heading = counts[CharClass::Heading as usize];
    let noise = counts[CharClass::Noise as usize];
    let unparsed = counts[CharClass::Unparsed as usize];
    let most = duty.max(heading).max(noise).max(unparsed);
    if duty == most {
        report.lines.duty += 1;
    } else if heading == most {
        report.lines.heading += 1;
    } else if noise == most {
        report.lines.noise += 1;
    } else {
        report.lines.unparsed += 1;
    }
    if unparsed > 0 {
        let text: String = line
            .chars()
            .zip(classes)
            .filter(|(_, &class)| class == CharClass::Unparsed)
            .map(|(c, _)| c)
            .collect();
        // A 10 MB line is reported by its start, not printed whole.
        let text = text.trim();
        let shown: String = text.chars().take(UNPARSED_SHOWN).collect();
        let text = if shown.len() < text.len() {
            format!("{shown}…")
        } else {
            shown
        };
        report.unparsed.push(UnparsedLine {
            line: index + 1,
            text,
        });
    }
}
