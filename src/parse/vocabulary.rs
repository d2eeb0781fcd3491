//! The parser's vocabulary (`data/parse.txt`): noise patterns and the words that mark titles,
//! sections and metadata. Code holds the mechanism; this file's data holds the Chinese words.

use crate::model::{PositionKind, SectionKind};
use regex::{Regex, RegexSet};
use std::sync::OnceLock;

const SHIPPED: &str = include_str!("../../data/parse.txt");

/// What a section heading opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Heading {
    /// 岗位职责, 工作职责: the position's duties.
    Duties,
    /// 任职条件, 任职资格: requirements (a position of kind `requirements` when no duties came
    /// before, a section of the position otherwise).
    Requirements,
    /// 考核指标, 工作关系, 权限, 岗位目的, 部门职能 …: a section of the position.
    Part(SectionKind),
    /// 目的, 适用范围, 相关文件 …: a document's own section; what follows belongs to no position.
    Front,
}

/// What a field label (`岗位名称：`, `直接上级：`) says the value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Label {
    Title,
    Department,
    ReportsTo,
    Subordinates,
    /// 岗位编号, 定员人数, 版本号, 批准 …: metadata, kept out of titles and duties.
    Other,
    /// A section heading written as a field (`考核指标：报表及时率`).
    Section(Heading),
}

/// What a table column holds, by its header (`序号`, `岗位`, `职责` …).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Number,
    Store,
    Department,
    Position,
    Duty,
    Requirements,
    /// 直接上级: the posts this one reports to.
    ReportsTo,
    Other,
}

#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    noise: Vec<Regex>,
    noise_lines: Vec<Regex>,
    /// The noise-line patterns and the noise patterns as sets: whether a line holds any of
    /// them, in one pass each.
    noise_line_set: RegexSet,
    noise_set: RegexSet,
    document_words: Vec<String>,
    narrative_words: Vec<String>,
    duties_words: Vec<String>,
    requirements_words: Vec<String>,
    reports_to_words: Vec<String>,
    subordinates_words: Vec<String>,
    department_words: Vec<String>,
    collective_words: Vec<String>,
    /// Section headings and field labels, longest first.
    headings: Vec<(String, Heading)>,
    labels: Vec<(String, Label)>,
    columns: Vec<(String, Column)>,
    question_words: Vec<String>,
    question_ends: Vec<String>,
    question_leads: Vec<String>,
    duty_notes: Vec<String>,
    answer_words: Vec<String>,
    /// Words cut from the end of a title for display: the duties words and the `title-suffix`
    /// words, longest first.
    title_suffixes: Vec<String>,
}

impl Vocabulary {
    /// The shipped vocabulary, parsed once.
    pub fn shipped() -> &'static Vocabulary {
        static SHIPPED_VOCABULARY: OnceLock<Vocabulary> = OnceLock::new();
        SHIPPED_VOCABULARY.get_or_init(|| {
            Vocabulary::from_text(SHIPPED).expect("the shipped parser vocabulary parses")
        })
    }

    /// Parses text in the `data/parse.txt` format; the error names the line.
    pub fn from_text(text: &str) -> Result<Vocabulary, String> {
        let mut vocabulary = Vocabulary::default();
        for (index, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (verb, rest) = line
                .split_once(char::is_whitespace)
                .ok_or_else(|| format!("line {}: expected `VERB VALUE`", index + 1))?;
            let rest = rest.trim().to_string();
            let regex =
                |pattern: &str| Regex::new(pattern).map_err(|e| format!("line {}: {e}", index + 1));
            match verb {
                "noise" => vocabulary.noise.push(regex(&rest)?),
                "noise-line" => vocabulary.noise_lines.push(regex(&rest)?),
                "document" => vocabulary.document_words.push(rest),
                "narrative" => vocabulary.narrative_words.push(rest),
                "duties" => vocabulary.duties_words.push(rest),
                "requirements" => vocabulary.requirements_words.push(rest),
                "reports-to" => vocabulary.reports_to_words.push(rest),
                "subordinates" => vocabulary.subordinates_words.push(rest),
                "department" => vocabulary.department_words.push(rest),
                "collective" => vocabulary.collective_words.push(rest),
                "section" => {
                    let (kind, word) = kind_and_word(&rest, index)?;
                    let heading = match kind {
                        "duties" => Heading::Duties,
                        "requirements" => Heading::Requirements,
                        "front" => Heading::Front,
                        other => Heading::Part(section_kind(other, index)?),
                    };
                    if heading == Heading::Duties {
                        vocabulary.duties_words.push(word.clone());
                    }
                    if heading == Heading::Requirements {
                        vocabulary.requirements_words.push(word.clone());
                    }
                    vocabulary.headings.push((word, heading));
                }
                "field" => {
                    let (kind, word) = kind_and_word(&rest, index)?;
                    let label = match kind {
                        "title" => Label::Title,
                        "department" => Label::Department,
                        "reports-to" => Label::ReportsTo,
                        "subordinates" => Label::Subordinates,
                        "other" => Label::Other,
                        other => {
                            return Err(format!("line {}: unknown field kind `{other}`", index + 1))
                        }
                    };
                    vocabulary.labels.push((word, label));
                }
                "column" => {
                    let (kind, word) = kind_and_word(&rest, index)?;
                    let column = match kind {
                        "number" => Column::Number,
                        "store" => Column::Store,
                        "department" => Column::Department,
                        "position" => Column::Position,
                        "duty" => Column::Duty,
                        "requirements" => Column::Requirements,
                        "reports-to" => Column::ReportsTo,
                        "other" => Column::Other,
                        other => {
                            return Err(format!(
                                "line {}: unknown column kind `{other}`",
                                index + 1
                            ))
                        }
                    };
                    vocabulary.columns.push((word, column));
                }
                "question" => vocabulary.question_words.push(rest),
                "question-end" => vocabulary.question_ends.push(rest),
                "question-lead" => vocabulary.question_leads.push(rest),
                "duty-note" => vocabulary.duty_notes.push(rest),
                "answer" => vocabulary.answer_words.push(rest),
                "title-suffix" => vocabulary.title_suffixes.push(rest),
                other => return Err(format!("line {}: unknown verb `{other}`", index + 1)),
            }
        }
        vocabulary
            .duties_words
            .sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
        // The old verbs are headings too; reports-to and subordinates words are field labels.
        for word in &vocabulary.duties_words {
            if !vocabulary.headings.iter().any(|(w, _)| w == word) {
                vocabulary.headings.push((word.clone(), Heading::Duties));
            }
        }
        for word in &vocabulary.requirements_words {
            if !vocabulary.headings.iter().any(|(w, _)| w == word) {
                vocabulary
                    .headings
                    .push((word.clone(), Heading::Requirements));
            }
        }
        for word in &vocabulary.reports_to_words {
            vocabulary.labels.push((word.clone(), Label::ReportsTo));
        }
        for word in &vocabulary.subordinates_words {
            vocabulary.labels.push((word.clone(), Label::Subordinates));
        }
        for (word, heading) in &vocabulary.headings {
            vocabulary
                .labels
                .push((word.clone(), Label::Section(*heading)));
        }
        let longest_first = |w: &String| std::cmp::Reverse(w.chars().count());
        vocabulary.headings.sort_by_key(|(w, _)| longest_first(w));
        vocabulary.labels.sort_by_key(|(w, _)| longest_first(w));
        vocabulary.columns.sort_by_key(|(w, _)| longest_first(w));
        vocabulary.question_ends.sort_by_key(longest_first);
        vocabulary.answer_words.sort_by_key(longest_first);
        let mut suffixes = vocabulary.duties_words.clone();
        suffixes.append(&mut vocabulary.title_suffixes);
        suffixes.sort_by_key(longest_first);
        vocabulary.title_suffixes = suffixes;
        let set = |regexes: &[Regex]| {
            RegexSet::new(regexes.iter().map(Regex::as_str)).map_err(|e| e.to_string())
        };
        vocabulary.noise_line_set = set(&vocabulary.noise_lines)?;
        vocabulary.noise_set = set(&vocabulary.noise)?;
        Ok(vocabulary)
    }

    pub fn is_noise_line(&self, line: &str) -> bool {
        self.noise_lines.iter().any(|r| r.is_match(line))
    }

    /// Character ranges of noise within a line.
    pub fn noise_ranges(&self, line: &str) -> Vec<(usize, usize)> {
        let mut ranges = Vec::new();
        self.noise_ranges_into(line, &mut ranges);
        ranges
    }

    /// [`Vocabulary::noise_ranges`] appended to a buffer the caller reuses.
    pub(crate) fn noise_ranges_into(&self, line: &str, ranges: &mut Vec<(usize, usize)>) {
        for regex in &self.noise {
            self.push_ranges(regex, line, ranges);
        }
    }

    /// A pattern with a group named `noise` marks only that group (`^(?P<noise>【上海】)\s*\S`: the tag, not
    /// the title after it).
    /// A group never takes a label or heading of the vocabulary (`【岗位名称】市场经理` keeps its
    /// label; `【上海】` goes).
    fn push_ranges(&self, regex: &Regex, line: &str, ranges: &mut Vec<(usize, usize)>) {
        for captures in regex.captures_iter(line) {
            let Some(found) = captures.name("noise").or_else(|| captures.get(0)) else {
                continue;
            };
            if captures.name("noise").is_some() {
                let word = found.as_str().trim().trim_matches(['【', '】']);
                let word = crate::normalize::to_simplified(word);
                let known = self.heading(&word).is_some()
                    || self
                        .label_at(&word)
                        .is_some_and(|(_, _, rest)| rest.is_empty());
                if known {
                    continue;
                }
            }
            let start = line[..found.start()].chars().count();
            let end = start + found.as_str().chars().count();
            ranges.push((start, end));
        }
    }

    /// The noise of a line, looked for in one pass (most lines hold none): `true` when the whole
    /// line is noise ([`Vocabulary::is_noise_line`]), otherwise its noise ranges
    /// ([`Vocabulary::noise_ranges`]) appended to `ranges`.
    pub(crate) fn noise_in(&self, line: &str, ranges: &mut Vec<(usize, usize)>) -> bool {
        if self.noise_line_set.is_match(line) {
            return true;
        }
        if self.noise_set.is_match(line) {
            self.noise_ranges_into(line, ranges);
        }
        false
    }

    pub fn has_document_word(&self, text: &str) -> bool {
        self.document_words
            .iter()
            .any(|w| text.contains(w.as_str()))
    }

    pub fn has_collective_word(&self, text: &str) -> bool {
        self.collective_words
            .iter()
            .any(|w| text.contains(w.as_str()))
    }

    pub fn is_narrative(&self, title: &str) -> bool {
        self.narrative_words
            .iter()
            .any(|w| title.contains(w.as_str()))
    }

    /// `岗位职责` → Duties, `任职条件` → Requirements: a heading that opens a list.
    pub fn section(&self, text: &str) -> Option<PositionKind> {
        let text = text.trim();
        if self.duties_words.iter().any(|w| w == text) {
            Some(PositionKind::Duties)
        } else if self.requirements_words.iter().any(|w| w == text) {
            Some(PositionKind::Requirements)
        } else {
            None
        }
    }

    /// What a whole heading opens: `岗位职责` → duties, `考核指标` → a KPI section, `目的` → a
    /// document's own section.
    pub fn heading(&self, text: &str) -> Option<Heading> {
        let text = text.trim();
        self.headings
            .iter()
            .find(|(w, _)| w == text)
            .map(|&(_, heading)| heading)
    }

    /// Whether a text starts with a duties or requirements heading (`工作职责与标准`).
    pub fn starts_with_heading(&self, text: &str) -> bool {
        let text = text.trim();
        self.headings.iter().any(|(w, h)| {
            matches!(h, Heading::Duties | Heading::Requirements)
                && w.chars().count() >= 4
                && text.starts_with(w.as_str())
        })
    }

    /// The field label a text starts with, and the rest: `岗位名称:财务经理` → (title, `财务经理`),
    /// `直接上级` → (reports-to, ``). A label must be followed by a colon, whitespace or the end.
    pub fn label_at<'t>(&self, text: &'t str) -> Option<(Label, &'t str, &'t str)> {
        let text = text.trim_start();
        self.labels.iter().find_map(|(word, label)| {
            let rest = text.strip_prefix(word.as_str())?;
            let ok = rest.is_empty()
                || rest.starts_with([':', ' ', '\t', '\u{3000}'])
                || rest.starts_with(crate::ingest::CELL_BREAK);
            ok.then(|| (*label, &text[..word.len()], rest))
        })
    }

    /// The column a table header cell names.
    pub fn column(&self, header: &str) -> Option<Column> {
        let header = header.trim().trim_end_matches(':');
        let exact = self
            .columns
            .iter()
            .find(|(w, _)| w == header)
            .map(|&(_, column)| column);
        // `职责一`, `职责2`, `工作内容(3)`: one column per duty.
        exact.or_else(|| {
            let base = header.trim_end_matches(|c: char| {
                c.is_ascii_digit() || "一二三四五六七八九十()".contains(c)
            });
            (base.len() < header.len() && !base.is_empty())
                .then(|| self.columns.iter().find(|(w, _)| w == base))
                .flatten()
                .map(|&(_, column)| column)
                .filter(|&column| column == Column::Duty)
        })
    }

    /// `问:`, `问题:` before a question.
    pub fn question_prefix<'t>(&self, text: &'t str) -> Option<&'t str> {
        let text = text.trim_start();
        self.question_words.iter().find_map(|w| {
            text.strip_prefix(w.as_str())
                .and_then(|rest| rest.strip_prefix(':'))
        })
    }

    /// `标准:…`, `完成标准:…`: a note on the duty before it.
    pub fn is_duty_note(&self, text: &str) -> bool {
        let text = text.trim_start();
        self.duty_notes.iter().any(|w| {
            text.strip_prefix(w.as_str())
                .is_some_and(|r| r.starts_with(':'))
        })
    }

    /// `请问`, `想问一下` before the post a question names: the text after it.
    pub fn question_lead<'t>(&self, text: &'t str) -> Option<&'t str> {
        self.question_leads
            .iter()
            .find_map(|w| text.strip_prefix(w.as_str()))
            .filter(|rest| !rest.is_empty())
    }

    /// Where a question about a post stops naming it: `服务顾问|的岗位职责有哪些`.
    pub fn question_end(&self, text: &str) -> Option<usize> {
        self.question_ends
            .iter()
            .filter_map(|w| text.find(w.as_str()))
            .min()
    }

    /// `最佳答案`, `回答2`, `其他回答(3)`, `答:…`: an answer starts; the rest of the line after it.
    pub fn answer_at<'t>(&self, text: &'t str) -> Option<&'t str> {
        let text = text.trim();
        self.answer_words.iter().find_map(|w| {
            let rest = text.strip_prefix(w.as_str())?;
            // A count or a number after the word: `回答2`, `其他回答(2)`, `回答 3`.
            let rest = rest.trim_start_matches(|c: char| {
                c.is_ascii_digit() || c.is_whitespace() || matches!(c, '(' | ')')
            });
            if let Some(inline) = rest.strip_prefix(':') {
                return Some(inline.trim());
            }
            rest.is_empty().then_some(rest)
        })
    }

    /// `销售经理岗位职责`: text that ends with a duties word and has something before it.
    pub fn ends_with_duties_word(&self, text: &str) -> bool {
        let text = text.trim().trim_end_matches([':', ' ']);
        self.duties_words
            .iter()
            .any(|w| text.ends_with(w.as_str()) && text.len() > w.len())
    }

    /// `职位职责`, `职务工作职责`: a title label with a duties word after it, a heading.
    pub fn is_label_and_duties_word(&self, text: &str) -> bool {
        let text = text.trim().trim_end_matches([':', ' ']);
        self.duties_words.iter().any(|w| {
            text.strip_suffix(w.as_str()).is_some_and(|head| {
                self.labels
                    .iter()
                    .any(|(word, label)| *label == Label::Title && word == head)
            })
        })
    }

    /// Suffixes removed from titles for display, longest first.
    pub fn title_suffixes(&self) -> &[String] {
        &self.title_suffixes
    }

    pub fn is_reports_to(&self, label: &str) -> bool {
        self.reports_to_words.iter().any(|w| w == label.trim())
    }

    pub fn is_subordinates(&self, label: &str) -> bool {
        self.subordinates_words.iter().any(|w| w == label.trim())
    }
}

fn kind_and_word(rest: &str, index: usize) -> Result<(&str, String), String> {
    let (kind, word) = rest
        .split_once(char::is_whitespace)
        .ok_or_else(|| format!("line {}: expected `VERB KIND WORD`", index + 1))?;
    Ok((kind, word.trim().to_string()))
}

fn section_kind(kind: &str, index: usize) -> Result<SectionKind, String> {
    Ok(match kind {
        "kpis" => SectionKind::Kpis,
        "relations" => SectionKind::Relations,
        "authority" => SectionKind::Authority,
        "purpose" => SectionKind::Purpose,
        "scope" => SectionKind::Scope,
        "other" => SectionKind::Other,
        other => {
            return Err(format!(
                "line {}: unknown section kind `{other}`",
                index + 1
            ))
        }
    })
}

impl Vocabulary {
    /// `销售部`, `风险控制部`, `第一类风控/法务部`: a short name ending in a department word.
    pub fn is_department(&self, text: &str) -> bool {
        let text = text.trim();
        let length = text.chars().count();
        (2..=10).contains(&length)
            && !text.contains([',', ',', '。', '、'])
            && self
                .department_words
                .iter()
                .any(|w| text.ends_with(w.as_str()) && text.len() > w.len())
    }
}
