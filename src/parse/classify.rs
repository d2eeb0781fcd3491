//! Titles and fields: how a short stretch of text reads on its own — a title, a field such as
//! `直接上级：总经理`, a section heading, a department, or text — and the title as shown.

use super::lines::{char_prefix, is_space, is_terminator, repeats_title};
use super::vocabulary::{Heading, Label};
use super::walk::Parser;
use std::borrow::Cow;

/// How a short stretch of text reads on its own.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Chunk {
    /// The document's title again.
    DocumentRepeat,
    /// `直接上级:总经理`.
    ReportsTo(Vec<String>),
    /// `直接下级:A、B`.
    Subordinates(Vec<String>),
    /// `任职条件`, `岗位职责:`, `考核指标`, `目的` — opens a part of the current position (or
    /// of the document).
    Section(Heading),
    /// `岗位编号:HY-01`, `所属部门:财务部`, `考核指标:报表及时率`: a field with its value.
    Field(Label, String),
    /// `销售经理岗位职责`, `岗位名称:销售经理`: a title that says it is one.
    ExplicitTitle(String),
    /// `销售经理`: a role name, a title only where a list follows.
    RoleName(String),
    /// `销售部`.
    Department(String),
    /// `活动开展的形式:` — a list that is not duties.
    OtherSection(String),
    Text,
}

impl Chunk {
    pub(super) fn is_heading(&self) -> bool {
        !matches!(self, Chunk::Text)
    }
}

impl Parser<'_> {
    /// A piece's range split at whitespace, nothing more (char ranges).
    pub(super) fn chunks_plain(
        &self,
        line: usize,
        start: usize,
        end: usize,
    ) -> Vec<(usize, usize)> {
        let visible = self.lines.visible(line);
        let mut chunks = Vec::new();
        let mut chunk_start = None;
        for (i, &c) in visible.iter().enumerate().take(end).skip(start) {
            if is_space(c) {
                if let Some(s) = chunk_start.take() {
                    chunks.push((s, i));
                }
            } else if chunk_start.is_none() {
                chunk_start = Some(i);
            }
        }
        if let Some(s) = chunk_start {
            chunks.push((s, end));
        }
        chunks
    }

    /// Splits a piece's range into whitespace-separated chunks (char ranges).
    pub(super) fn chunks(&self, line: usize, start: usize, end: usize) -> Vec<(usize, usize)> {
        let visible = self.lines.visible(line);
        let mut chunks = Vec::new();
        let mut chunk_start = None;
        for (i, &c) in visible.iter().enumerate().take(end).skip(start) {
            if is_space(c) {
                if let Some(s) = chunk_start.take() {
                    chunks.push((s, i));
                }
            } else if chunk_start.is_none() {
                chunk_start = Some(i);
            }
        }
        if let Some(s) = chunk_start {
            chunks.push((s, end));
        }
        if chunks.is_empty() {
            chunks.push((start, end));
        }
        // `4s 店销售经理职责:` — a short Latin word split from the Chinese after it is one chunk.
        let mut merged = 0;
        for k in 0..chunks.len() {
            let (s, e) = chunks[k];
            if merged > 0 {
                let last = &mut chunks[merged - 1];
                let previous = &visible[last.0..last.1];
                if previous.len() <= 3 && previous.iter().all(|c| c.is_ascii_alphanumeric()) {
                    last.1 = e;
                    continue;
                }
            }
            chunks[merged] = (s, e);
            merged += 1;
        }
        chunks.truncate(merged);
        // A chunk that ends a sentence and a title glued to it without a space
        // (`…其他任务。销售顾问岗位职责`) are two chunks.
        let mut k = 0;
        while k < chunks.len() {
            let (s, e) = chunks[k];
            let cut = (s..e)
                .rev()
                .find(|&i| is_terminator(visible[i]) && i + 1 < e);
            if let Some(i) = cut {
                let tail = self.piece_text(line, i + 1, e);
                let kind = self.classify_chunk(tail, false);
                // A bare role name counts only where it ends the line (`…成交率。二手车销售顾问`,
                // its list on the next lines).
                let role_at_end = matches!(kind, Chunk::RoleName(_))
                    && k + 1 == chunks.len()
                    && e == visible.len()
                    && tail.chars().count() >= 3;
                if role_at_end || matches!(kind, Chunk::ExplicitTitle(_) | Chunk::Section(_)) {
                    chunks[k] = (s, i + 1);
                    chunks.insert(k + 1, (i + 1, e));
                    k += 1;
                }
            }
            k += 1;
        }
        chunks
    }

    /// How a chunk of text reads on its own.
    pub(super) fn classify_chunk(&self, text: &str, head: bool) -> Chunk {
        // `【岗位职责】`, `【前台接待岗位职责】`: brackets round a whole heading say nothing;
        // `【岗位名称】市场经理` is `岗位名称:市场经理`.
        let labelled = bracket_label(text.trim());
        let text = labelled
            .as_deref()
            .unwrap_or_else(|| strip_enclosing_brackets(text.trim()));
        let vocabulary = self.vocabulary;
        if head {
            if let Some(document) = &self.document {
                // Only the start matters, and long prose is not worth folding whole.
                if repeats_title(char_prefix(text, 60), &document.titles) {
                    return Chunk::DocumentRepeat;
                }
            }
        }
        // Vocabulary is Simplified: Traditional text is looked up converted.
        let matching = simplified(text);
        let text_m = matching.as_ref();
        if let Some((label, _, rest)) = vocabulary.label_at(text_m) {
            if let Some(value) = rest.strip_prefix(':') {
                let value = value.trim();
                // The value as written (the Simplified form may differ).
                let original = text
                    .split_once(':')
                    .map_or(value, |(_, v)| v.trim())
                    .to_string();
                match label {
                    Label::ReportsTo => return Chunk::ReportsTo(split_names(&original)),
                    Label::Subordinates => return Chunk::Subordinates(split_names(&original)),
                    Label::Title if !value.is_empty() => return Chunk::ExplicitTitle(original),
                    Label::Section(heading) if value.is_empty() => return Chunk::Section(heading),
                    Label::Title => {}
                    label => return Chunk::Field(label, original),
                }
            }
        }
        let bare = text.trim_end_matches([':', ' ']);
        let bare_m = text_m.trim_end_matches([':', ' ']);
        if let Some(heading) = vocabulary.heading(bare_m) {
            return Chunk::Section(heading);
        }
        if text.chars().nth(30).is_some() || text.chars().any(|c| is_terminator(c) || c == ',') {
            return Chunk::Text;
        }
        // `职责二:4s店销售顾问岗位职责` — the numbered-alternative prefix says nothing; nor does
        // a job site's number after the title (`续保专员岗位职责2`).
        let without_prefix = strip_alternative_prefix(bare);
        let without_prefix_m = strip_trailing_number(strip_alternative_prefix(bare_m));
        // `职位职责`: a label and a duties word is a heading, not the title `职位`.
        if vocabulary.is_label_and_duties_word(without_prefix_m) {
            return Chunk::Section(Heading::Duties);
        }
        if vocabulary.ends_with_duties_word(without_prefix_m) {
            return Chunk::ExplicitTitle(without_prefix.to_string());
        }
        if vocabulary.is_department(bare_m) {
            return Chunk::Department(bare.to_string());
        }
        // `嘉悦奥迪·人事经理`: a store and a role joined by a dot sign a recruiter's card, not a
        // post's title.
        let signed = without_prefix_m.contains(['·', '•']);
        if !signed && self.rules.is_role_title(without_prefix_m) {
            return Chunk::RoleName(without_prefix.to_string());
        }
        let talks_of_duties = vocabulary.ends_with_duties_word(bare_m)
            || vocabulary
                .title_suffixes()
                .iter()
                .any(|w| bare_m.contains(w.as_str()));
        // `配件计划员主要做这些:`, `理赔专员负责:`: a line introducing a post's list names it.
        if text.ends_with(':') {
            if let Some(name) = self.post_named(bare) {
                return Chunk::ExplicitTitle(name);
            }
        }
        if text.ends_with(':')
            && bare.chars().count() <= 15
            && bare.chars().count() >= 2
            && !talks_of_duties
        {
            return Chunk::OtherSection(bare.to_string());
        }
        Chunk::Text
    }

    /// A field line: `岗位名称:财务经理　　岗位编号:HY-01`, `职位名称<TAB>售后服务经理<TAB>职位编号…`,
    /// `岗位:市场专员　部门:市场部　上级:市场经理`. Each field as (label, label start, value start,
    /// value end), in characters of the line; None unless the first chunk is a label and the
    /// line reads as fields (a colon, a tab, or several labels).
    pub(super) fn fields(
        &self,
        line: usize,
        start: usize,
        end: usize,
    ) -> Option<Vec<(Label, usize, usize, usize)>> {
        let chunks = self.chunks_plain(line, start, end);
        let mut fields: Vec<(Label, usize, usize, usize)> = Vec::new();
        let mut colons = 0;
        let mut k = 0;
        while k < chunks.len() {
            let (s, e) = chunks[k];
            k += 1;
            let text = self.lines.text(line, s, e);
            // `岗位名称:销售经理 | 所属部门:销售部`: a bar between fields.
            if text == "|" {
                continue;
            }
            let matching = simplified(text);
            if let Some((label, word, rest)) = self.vocabulary.label_at(&matching) {
                let label_chars = word.chars().count();
                let value_start = if rest.starts_with(':') {
                    colons += 1;
                    s + label_chars + 1
                } else {
                    s + label_chars
                };
                fields.push((label, s, value_start.min(e), e));
                continue;
            }
            // `部　　门:售后服务部`: a label spaced out to the width of the longer ones.
            if let Some((label, value_start, next)) = self.spaced_label(line, &chunks, k - 1) {
                if self.lines.visible(line).get(value_start) == Some(&':') {
                    colons += 1;
                    fields.push((label, s, value_start + 1, chunks[next].1));
                } else {
                    fields.push((label, s, value_start, chunks[next].1));
                }
                k = next + 1;
                continue;
            }
            match fields.last_mut() {
                Some(field) => field.3 = e,
                None => return None,
            }
        }
        let visible = self.lines.visible(line);
        let tabbed = visible[start..end].contains(&'\t');
        let single_heading = fields.len() == 1 && fields[0].2 >= fields[0].3;
        (colons > 0 || tabbed || fields.len() >= 2 || single_heading).then_some(fields)
    }

    /// A label written with spaces between its characters (`部　　门:`, `岗 位 名 称:`), starting
    /// at chunk `k`: the label, where its value starts (chars of the line) and the chunk it ends
    /// in. Only short chunks of Han characters are joined, and the label must end in a colon or
    /// at the end of a chunk.
    fn spaced_label(
        &self,
        line: usize,
        chunks: &[(usize, usize)],
        k: usize,
    ) -> Option<(Label, usize, usize)> {
        let visible = self.lines.visible(line);
        let short_han = |(s, e): (usize, usize)| {
            e - s <= 2 && visible[s..e].iter().all(|&c| crate::normalize::is_han(c))
        };
        if !short_han(chunks[k]) {
            return None;
        }
        let mut joined: String = visible[chunks[k].0..chunks[k].1].iter().collect();
        let mut taken = joined.chars().count();
        for (next, &(s, e)) in chunks.iter().enumerate().skip(k + 1).take(3) {
            let part: String = visible[s..e].iter().collect();
            let candidate = format!("{joined}{part}");
            let matching = simplified(&candidate);
            if let Some((label, word, rest)) = self.vocabulary.label_at(&matching) {
                let label_chars = word.chars().count();
                let ends_in_part = label_chars > taken && label_chars <= taken + (e - s);
                if ends_in_part && (rest.starts_with(':') || label_chars == taken + (e - s)) {
                    return Some((label, s + (label_chars - taken), next));
                }
            }
            if !short_han((s, e)) {
                return None;
            }
            joined = candidate;
            taken += e - s;
        }
        None
    }

    /// A question about a post (`问:服务顾问的岗位职责有哪些?`, `汽车4S店保险专员主要负责什么工作?`):
    /// Some(the post's title, if the question names one) when the text is a question.
    pub(super) fn question(&self, text: &str) -> Option<Option<String>> {
        let text = text.trim();
        let body = match self.vocabulary.question_prefix(text) {
            Some(body) => body,
            None if text.ends_with('?') && text.chars().count() <= 60 => text,
            None => return None,
        };
        let body = body.trim().trim_end_matches(['?', ' ']);
        Some(self.post_named(body))
    }

    /// The post a sentence about duties starts with: `理赔专员主要负责事故车的理赔`,
    /// `4S店服务顾问的岗位职责有哪些` → the title before the duty words, store prefixes removed.
    pub(super) fn post_named(&self, text: &str) -> Option<String> {
        let end = self.vocabulary.question_end(text)?;
        let mut asked = text[..end].trim();
        // `请问4S店的前台接待是做什么的`: the asking words before the post.
        while let Some(rest) = self.vocabulary.question_lead(asked) {
            asked = rest;
        }
        let mut name = self.rules.without_prefixes(asked.trim());
        // `4S店里的车间调度员`: the store prefix leaves the words that tied it to the post.
        while let Some(rest) = self.vocabulary.question_lead(name) {
            name = rest;
        }
        // `汽车4S店的配件计划员`: the store prefix leaves its 的.
        let name = name.trim_start_matches('的').trim_end_matches('的').trim();
        // `续保专员每天都(做什么)`: words between the post and the question's end are cut, a
        // few characters at most.
        let chars: Vec<char> = name.chars().collect();
        (0..=4.min(chars.len().saturating_sub(2)))
            .map(|cut| chars[..chars.len() - cut].iter().collect::<String>())
            .find(|candidate| self.rules.is_role_title(candidate))
    }

    /// The title as shown: prefixes such as `岗位名称:` and suffixes such as `岗位职责` removed,
    /// but otherwise as written.
    pub(super) fn clean_title(&self, title: &str) -> String {
        // `第1篇:汽车4S店保洁员岗位职责` leaves its colon after the numbering.
        let title = title.trim().trim_start_matches([':', '、', ' ']);
        let stripped = strip_alternative_prefix(strip_enclosing_brackets(title));
        // `二手车评估师（急招）`, `行政主管岗位职责（南昌宏达日产）`: a remark in brackets after the
        // title is not part of it.
        let stripped = strip_trailing_remark(stripped);
        // `售后服务顾问 3名`, `销售顾问若干名`: a posting's headcount.
        let stripped = strip_headcount(stripped);
        let mut text = strip_trailing_number(stripped.trim_end_matches([':', ' '])).to_string();
        // Suffixes are matched on the Simplified form and cut by characters, so a Traditional
        // title (`銷售經理崗位職責`) keeps its script.
        let matching = simplified(&text).into_owned();
        let same_length = matching.chars().count() == text.chars().count();
        for suffix in self.vocabulary.title_suffixes() {
            let count = suffix.chars().count();
            if text.chars().count() > count + 1 && matching.ends_with(suffix.as_str()) {
                let keep = text.chars().count() - count;
                let rest: String = if same_length {
                    text.chars().take(keep).collect()
                } else {
                    matching.chars().take(keep).collect()
                };
                text = rest.trim_end_matches(['的', ' ']).to_string();
                break;
            }
        }
        let text: String = text.split_whitespace().collect::<Vec<_>>().join("");
        text.trim_end_matches(['—', '-', ':', '、', ','])
            .to_string()
    }
}

/// The index of the first of the trailing chunks that are headings (titles glued to the end of a
/// duty or of a line). Role names and departments count only after a finished sentence.
pub(super) fn trailing_headings(kinds: &[Chunk], next_starts_list: bool) -> usize {
    let mut tail = kinds.len();
    while tail > 1 {
        let kind = &kinds[tail - 1];
        let strong = matches!(
            kind,
            Chunk::ExplicitTitle(_) | Chunk::Section(_) | Chunk::OtherSection(_)
        );
        let weak = matches!(kind, Chunk::RoleName(_) | Chunk::Department(_));
        if strong || (weak && (next_starts_list || tail == kinds.len())) {
            tail -= 1;
        } else {
            break;
        }
    }
    tail
}

/// Text converted to Simplified when it may hold Traditional characters (else borrowed).
pub(super) fn simplified(text: &str) -> Cow<'_, str> {
    if text.is_ascii() || !crate::normalize::may_convert(text) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(crate::normalize::to_simplified(text))
    }
}

/// `续保专员岗位职责2` → `续保专员岗位职责`: a job site's number after a title.
pub(super) fn strip_trailing_number(text: &str) -> &str {
    let stripped = text.trim_end_matches(|c: char| c.is_ascii_digit());
    if stripped.len() < text.len()
        && stripped
            .chars()
            .last()
            .is_some_and(crate::normalize::is_han)
    {
        stripped.trim_end()
    } else {
        text
    }
}

/// `【岗位名称】市场经理` → `岗位名称:市场经理`: a label in brackets with its value after them.
pub(super) fn bracket_label(text: &str) -> Option<String> {
    let (label, value) = text.strip_prefix('【')?.split_once('】')?;
    let value = value.trim();
    (!label.is_empty() && !value.is_empty() && !label.contains(':'))
        .then(|| format!("{}:{value}", label.trim()))
}

/// `【岗位职责】` → `岗位职责`: brackets enclosing the whole text.
pub(super) fn strip_enclosing_brackets(text: &str) -> &str {
    for (open, close) in [('【', '】'), ('〖', '〗'), ('[', ']'), ('「', '」')] {
        if let Some(inner) = text.strip_prefix(open).and_then(|t| t.strip_suffix(close)) {
            if !inner.contains([open, close]) && !inner.trim().is_empty() {
                return inner.trim();
            }
        }
    }
    text
}

/// `售后服务顾问 3名` → `售后服务顾问`: a headcount after a title (`3名`, `2人`, `若干名`).
pub(super) fn strip_headcount(text: &str) -> &str {
    let text = text.trim_end();
    let Some(body) = text.strip_suffix(['名', '人', '位']) else {
        return text;
    };
    let head = body
        .strip_suffix("若干")
        .unwrap_or_else(|| body.trim_end_matches(|c: char| c.is_ascii_digit()));
    let counted = head.len() < body.len();
    let head = head.trim_end();
    if counted
        && head.chars().count() >= 2
        && head.chars().last().is_some_and(crate::normalize::is_han)
    {
        head
    } else {
        text
    }
}

/// `二手车评估师(急招)` → `二手车评估师`: a bracketed remark ending a title, when at least two
/// characters of title stand before it.
pub(super) fn strip_trailing_remark(text: &str) -> &str {
    let text = text.trim_end();
    let Some(body) = text.strip_suffix(')') else {
        return text;
    };
    let Some(open) = body.rfind('(') else {
        return text;
    };
    let head = body[..open].trim_end();
    if head.chars().count() >= 2 && !head.contains(['(', ')']) {
        head
    } else {
        text
    }
}

/// `职责二:`, `职责三:` before a title.
pub(super) fn strip_alternative_prefix(text: &str) -> &str {
    let rest = text.trim_start();
    if let Some(after) = rest.strip_prefix("职责") {
        let numeral_end = after
            .char_indices()
            .find(|(_, c)| !(c.is_ascii_digit() || "一二三四五六七八九十".contains(*c)))
            .map_or(after.len(), |(i, _)| i);
        if numeral_end > 0 {
            if let Some(title) = after[numeral_end..].strip_prefix(':') {
                return title.trim_start();
            }
        }
    }
    rest
}

pub(super) fn split_names(value: &str) -> Vec<String> {
    let value = value
        .trim()
        .trim_end_matches(':')
        .trim_end_matches("岗位职责")
        .trim_end_matches("工作职责");
    value
        .split(['、', ',', ',', '/', ' ', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}
