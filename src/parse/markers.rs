//! Numbering markers: `1.` `1、` `1)` `(1)` `(一)、` `一、` `A、` `a)` `①`, decimal section
//! numbers (`4.1`, `4.1.3`), chapters (`第一章`, `第二节`, `第三条`) and bullets (`o` `●` `■` `◆`
//! `·` `-` …), found at the start of a line or in the middle of one where a whole list was run
//! together.

use crate::normalize::is_han;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkerStyle {
    /// `1.` `1、` `1)`
    Arabic,
    /// `(1)` `(1)、`
    ParenArabic,
    /// `一、` `(一)、`
    Chinese,
    /// `A、` `A.`
    Letter,
    /// `a)`: a sub-item that belongs to the duty before it.
    SubLetter,
    /// `o`, `•`, `●`: an unnumbered item.
    Bullet,
    /// `①` `⑵` `⒊`: a numbered item.
    Circled,
    /// `4.1`, `4.1.3`, or `2` starting a short heading line: a section of a controlled document,
    /// its depth the count of numbers.
    Decimal,
    /// `第一章` (depth 1), `第二节` (2), `第三条` (3): a part of a handbook.
    Chapter,
}

/// A numbering marker found in a line (character offsets into the line).
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    pub style: MarkerStyle,
    /// The ordinal as written, without brackets or delimiter: `3`, `十一`, `A`, `o`.
    pub label: String,
    /// The ordinal's value (`十一` → 11, `C` → 3); None for bullets.
    pub value: Option<u32>,
    pub start: usize,
    pub end: usize,
}

/// A marker as found, its label left in the line (`label_start..label_end`): what the parser
/// keeps per piece, so a marker costs no allocation until its label becomes a duty's number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct MarkerSpan {
    pub style: MarkerStyle,
    pub value: Option<u32>,
    pub start: usize,
    pub end: usize,
    pub label_start: usize,
    pub label_end: usize,
    /// How deep a decimal or chapter number goes (`4.1.3` → 3, `第二节` → 2); 0 for the others.
    pub depth: u8,
}

fn is_break(c: char) -> bool {
    matches!(
        c,
        '。' | ';' | '!' | '?' | ':' | ',' | ')' | '】' | ']' | '”'
    )
}

/// Finds the markers of one (width-folded) line, left to right, never overlapping.
/// `last_arabic` carries the last Arabic ordinal across lines: a number glued to the text before
/// it (`…队伍(8)、主持`) counts only when it continues that sequence.
pub fn scan_markers(chars: &[char], last_arabic: &mut Option<u32>) -> Vec<Marker> {
    let mut spans = Vec::new();
    scan_marker_spans(chars, last_arabic, &mut spans);
    spans
        .into_iter()
        .map(|span| Marker {
            style: span.style,
            label: chars[span.label_start..span.label_end].iter().collect(),
            value: span.value,
            start: span.start,
            end: span.end,
        })
        .collect()
}

/// [`scan_markers`] into a buffer the caller reuses, labels left in the line.
pub(crate) fn scan_marker_spans(
    chars: &[char],
    last_arabic: &mut Option<u32>,
    spans: &mut Vec<MarkerSpan>,
) {
    let mut i = 0;
    while i < chars.len() {
        if !may_start_marker(chars[i]) {
            i += 1;
            continue;
        }
        match marker_at(chars, i, *last_arabic) {
            Some(marker) => {
                if matches!(marker.style, MarkerStyle::Arabic | MarkerStyle::ParenArabic) {
                    *last_arabic = marker.value;
                }
                i = marker.end.max(i + 1);
                spans.push(marker);
            }
            None => i += 1,
        }
    }
}

/// Whether the line holds any marker when no list is under way (`scan_markers` with no last
/// ordinal is not empty).
pub(crate) fn has_marker(chars: &[char]) -> bool {
    (0..chars.len()).any(|i| may_start_marker(chars[i]) && marker_at(chars, i, None).is_some())
}

/// Most characters cannot start a marker: said before looking around them.
#[inline]
fn may_start_marker(c: char) -> bool {
    c == '('
        || c == '第'
        || c.is_ascii_alphanumeric()
        || is_chinese_numeral(c)
        || is_bullet(c)
        || is_line_bullet(c)
        || circled_value(c).is_some()
}

/// `①`–`⑳`, `⑴`–`⒇`, `⒈`–`⒛`.
fn circled_value(c: char) -> Option<u32> {
    let code = c as u32;
    match code {
        0x2460..=0x2473 => Some(code - 0x2460 + 1),
        0x2474..=0x2487 => Some(code - 0x2474 + 1),
        0x2488..=0x249B => Some(code - 0x2488 + 1),
        _ => None,
    }
}

/// `第一章`, `第2节`, `第十三条`, `第三部分`.
fn chapter_at(chars: &[char], i: usize) -> Option<MarkerSpan> {
    let mut j = i + 1;
    while j < chars.len()
        && j < i + 6
        && (is_chinese_numeral(chars[j])
            || chars[j] == '百'
            || chars[j] == '零'
            || chars[j].is_ascii_digit())
    {
        j += 1;
    }
    if j == i + 1 {
        return None;
    }
    let numeral = &chars[i + 1..j];
    let value = if numeral.iter().all(|c| c.is_ascii_digit()) {
        Some(digits_value(&numeral[..numeral.len().min(5)]))
    } else {
        chinese_value(numeral)
    };
    let (depth, unit_end) = match chars.get(j) {
        Some('章') | Some('篇') => (1, j + 1),
        Some('部') if chars.get(j + 1) == Some(&'分') => (1, j + 2),
        Some('节') => (2, j + 1),
        Some('条') => (3, j + 1),
        _ => return None,
    };
    value?;
    // A chapter number is followed by a space, a break or the end of the line.
    let end = unit_end;
    Some(MarkerSpan {
        style: MarkerStyle::Chapter,
        value,
        start: i,
        end,
        label_start: i,
        label_end: unit_end,
        depth,
    })
}

/// `4.1 售后服务总监`, `4.1.3 岗位职责`, `5.1.1 负责…`; and `2 适用范围` (a number, a space, a
/// short heading) at the start of a line. A single dot needs a space after it (`2.5小时` is a
/// number), two or more do not.
fn decimal_at(chars: &[char], i: usize, line_start: bool) -> Option<MarkerSpan> {
    let mut j = i;
    let mut parts = 0u8;
    let mut last_start;
    loop {
        let digits_start = j;
        while j < chars.len() && chars[j].is_ascii_digit() && j - digits_start < 3 {
            j += 1;
        }
        if j == digits_start || chars.get(j).is_some_and(|c| c.is_ascii_digit()) {
            return None;
        }
        parts += 1;
        last_start = digits_start;
        if chars.get(j) == Some(&'.') && chars.get(j + 1).is_some_and(|c| c.is_ascii_digit()) {
            j += 1;
            continue;
        }
        break;
    }
    let value = Some(digits_value(&chars[last_start..j]));
    let next = chars.get(j).copied();
    let spaced = next.is_some_and(char::is_whitespace);
    let depth = match parts {
        1 => {
            // `2 适用范围`: only at the start of a short line that reads as a heading.
            if !(line_start && spaced) {
                return None;
            }
            let rest: Vec<char> = chars[j..]
                .iter()
                .copied()
                .filter(|c| !c.is_whitespace())
                .collect();
            let heading = (1..=16).contains(&rest.len())
                && rest.first().is_some_and(|&c| is_han(c))
                && !rest.iter().any(|&c| is_break(c) && c != ':' && c != ')');
            if !heading {
                return None;
            }
            1
        }
        2 if !spaced => return None,
        n => n,
    };
    if next.is_some_and(|c| c == '%' || c == '倍' || c == '万' || c == '元') {
        return None;
    }
    Some(MarkerSpan {
        style: MarkerStyle::Decimal,
        value,
        start: i,
        end: j,
        label_start: i,
        label_end: j,
        depth,
    })
}

fn at_break(chars: &[char], i: usize) -> bool {
    i == 0 || {
        let prev = chars[i - 1];
        prev.is_whitespace() || is_break(prev)
    }
}

/// `…岗位职责1.负责…;2.负责…`: item 2 with the same delimiter comes later on the line, after a
/// sentence end, so a 1 glued to the text before it starts a list.
fn second_item_follows(chars: &[char], from: usize, delimiter: char) -> bool {
    chars[from..]
        .windows(3)
        .any(|w| matches!(w[0], ';' | '。') && w[1] == '2' && w[2] == delimiter)
}

fn chinese_digit(c: char) -> Option<u32> {
    Some(match c {
        '零' => 0,
        '一' => 1,
        '二' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

fn chinese_value(chars: &[char]) -> Option<u32> {
    match chars {
        ['十'] => Some(10),
        [c] => chinese_digit(*c),
        ['十', d] => chinese_digit(*d).map(|d| 10 + d),
        [t, '十'] => chinese_digit(*t).map(|t| t * 10),
        [t, '十', d] => Some(chinese_digit(*t)? * 10 + chinese_digit(*d)?),
        _ => None,
    }
}

fn is_chinese_numeral(c: char) -> bool {
    matches!(
        c,
        '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十'
    )
}

fn is_bullet(c: char) -> bool {
    matches!(
        c,
        '•' | '●'
            | '■'
            | '◆'
            | '▪'
            | '◇'
            | '□'
            | '\u{F0B7}'
            | '➢'
            | '►'
            | '▶'
            | '✓'
            | '✔'
            | '☆'
            | '★'
            | '❖'
            | '◎'
            | '◦'
            | '○'
            | '√'
            | '▫'
            | '◼'
            | '▲'
            | '△'
            | '▸'
            | '▷'
            | '♦'
            | '◈'
            | '➤'
            | '✦'
    )
}

/// `岗位性质:□管理　■技术`: boxes ticked or not before the choices of a form's field — after a
/// colon, or a box with a short word and then another box.
fn is_checkbox(chars: &[char], i: usize) -> bool {
    const BOXES: [char; 5] = ['□', '■', '☐', '☑', '☒'];
    if !BOXES.contains(&chars[i]) {
        return false;
    }
    let before = chars[..i].iter().rev().find(|c| !c.is_whitespace());
    if before == Some(&':') {
        return true;
    }
    let word = chars[i + 1..]
        .iter()
        .take_while(|c| !c.is_whitespace() && !BOXES.contains(c))
        .count();
    let next = chars[i + 1 + word..].iter().find(|c| !c.is_whitespace());
    let after_box = chars[..i]
        .iter()
        .rev()
        .skip_while(|c| c.is_whitespace())
        .take_while(|c| !c.is_whitespace())
        .any(|c| BOXES.contains(c));
    word <= 4 && (next.is_some_and(|c| BOXES.contains(c)) || after_box)
}

/// Characters that are bullets only at the start of a line (elsewhere a dash, a dot, a star):
/// `- 负责…`, `· 负责…`, `* 负责…`.
fn is_line_bullet(c: char) -> bool {
    matches!(c, '-' | '·' | '*' | '—' | '–' | '・')
}

/// The value of a run of ASCII digits (at most five, so it cannot overflow).
fn digits_value(chars: &[char]) -> u32 {
    chars
        .iter()
        .fold(0, |value, &c| value * 10 + (c as u32 - '0' as u32))
}

/// The marker starting at `i`, if any.
fn marker_at(chars: &[char], i: usize, last_arabic: Option<u32>) -> Option<MarkerSpan> {
    let c = chars[i];
    if !may_start_marker(c) {
        return None;
    }
    let prev = if i > 0 { Some(chars[i - 1]) } else { None };
    let prev_alnum = prev.is_some_and(|p| p.is_ascii_alphanumeric());
    let boundary = at_break(chars, i);
    let make = |style, label_start, label_end, value, end| MarkerSpan {
        style,
        value,
        start: i,
        end,
        label_start,
        label_end,
        depth: 0,
    };
    let line_start = chars[..i].iter().all(|c| c.is_whitespace());
    // 第一章 第二节 第三条
    if c == '第' && boundary {
        if let Some(marker) = chapter_at(chars, i) {
            return Some(marker);
        }
    }
    // ① ⑵ ⒊
    if let Some(value) = circled_value(c) {
        if boundary || prev.is_some_and(is_han) {
            return Some(make(MarkerStyle::Circled, i, i + 1, Some(value), i + 1));
        }
        return None;
    }
    // 4.1 4.1.3, and `2 适用范围` at the start of a short line.
    if c.is_ascii_digit() && boundary && !prev_alnum {
        if let Some(marker) = decimal_at(chars, i, line_start) {
            return Some(marker);
        }
    }
    // (1) (1)、 (一)、 — but not a call like `alert(1)`.
    if c == '(' && !prev_alnum {
        let close = (i + 1..(i + 5).min(chars.len())).find(|&j| chars[j] == ')')?;
        let inner = &chars[i + 1..close];
        let mut end = close + 1;
        if matches!(chars.get(end), Some('、') | Some('.')) {
            end += 1;
        }
        if !inner.is_empty() && inner.iter().all(|c| c.is_ascii_digit()) {
            let value = digits_value(inner);
            let continues = last_arabic.is_some_and(|last| value == last + 1) || value == 1;
            if boundary || continues {
                return Some(make(
                    MarkerStyle::ParenArabic,
                    i + 1,
                    close,
                    Some(value),
                    end,
                ));
            }
            return None;
        }
        if !inner.is_empty() && inner.iter().all(|&c| is_chinese_numeral(c)) && boundary {
            let value = chinese_value(inner);
            return Some(make(MarkerStyle::Chinese, i + 1, close, value, end));
        }
        return None;
    }
    // 1、 1. 1) and a bare `5` before another marker
    if c.is_ascii_digit() {
        if prev_alnum || prev == Some('.') || prev == Some('-') || prev == Some('(') {
            return None;
        }
        let digits_end = (i..chars.len())
            .find(|&j| !chars[j].is_ascii_digit())
            .unwrap_or(chars.len());
        if digits_end - i > 5 {
            return None;
        }
        let value = digits_value(&chars[i..digits_end]);
        if value == 0 {
            return None;
        }
        let delimiter = chars.get(digits_end).copied();
        let after = chars.get(digits_end + 1).copied();
        let ok = match delimiter {
            Some('、') => true,
            Some(')') => true,
            // `2.5年以上` at the start of a line, right after item 1: item 2, `5年以上`.
            Some('.') => {
                !after.is_some_and(|a| a.is_ascii_digit())
                    || (line_start && last_arabic.is_some_and(|last| last + 1 == value))
            }
            Some(w) if w.is_whitespace() && boundary => {
                // An empty number with no delimiter (`处理 5 6. 7.`): only before another marker.
                let next = (digits_end..chars.len()).find(|&j| !chars[j].is_whitespace());
                if let Some(j) = next {
                    if marker_at(chars, j, Some(value))
                        .is_some_and(|m| m.style == MarkerStyle::Arabic)
                    {
                        return Some(make(
                            MarkerStyle::Arabic,
                            i,
                            digits_end,
                            Some(value),
                            digits_end,
                        ));
                    }
                }
                false
            }
            _ => false,
        };
        if !ok {
            return None;
        }
        let continues = last_arabic.is_some_and(|last| value == last + 1)
            || (value == 1 && delimiter.is_some_and(|d| second_item_follows(chars, digits_end, d)));
        if boundary || continues {
            return Some(make(
                MarkerStyle::Arabic,
                i,
                digits_end,
                Some(value),
                digits_end + 1,
            ));
        }
        return None;
    }
    // 一、 十一、
    if is_chinese_numeral(c) && boundary && !prev.is_some_and(is_han) {
        let numeral_end = (i..(i + 3).min(chars.len()))
            .find(|&j| !is_chinese_numeral(chars[j]))
            .unwrap_or((i + 3).min(chars.len()));
        if matches!(chars.get(numeral_end), Some('、') | Some('.')) {
            let value = chinese_value(&chars[i..numeral_end]);
            if value.is_some() {
                return Some(make(
                    MarkerStyle::Chinese,
                    i,
                    numeral_end,
                    value,
                    numeral_end + 1,
                ));
            }
        }
        return None;
    }
    // A、 B.
    if c.is_ascii_uppercase() && boundary && !prev_alnum {
        let delimiter = chars.get(i + 1).copied();
        let after = chars.get(i + 2).copied();
        let ok = match delimiter {
            Some('、') => true,
            Some('.') => after.is_some_and(|a| is_han(a) || a.is_whitespace()),
            _ => false,
        };
        if ok {
            let value = c as u32 - 'A' as u32 + 1;
            return Some(make(MarkerStyle::Letter, i, i + 1, Some(value), i + 2));
        }
        return None;
    }
    // a) b)
    if c.is_ascii_lowercase() && !prev_alnum && chars.get(i + 1) == Some(&')') {
        if boundary || prev.is_some_and(is_han) {
            let value = c as u32 - 'a' as u32 + 1;
            return Some(make(MarkerStyle::SubLetter, i, i + 1, Some(value), i + 2));
        }
        return None;
    }
    // - 负责…, · 负责… (only where a line starts, and not `-1-` or `—2—`)
    if is_line_bullet(c) {
        let next = chars.get(i + 1).copied();
        let after = (i + 1..chars.len())
            .find(|&j| !chars[j].is_whitespace())
            .map(|j| chars[j]);
        let bullet = line_start
            && !next.is_some_and(is_line_bullet)
            && after.is_some_and(|a| is_han(a) || a.is_ascii_alphabetic());
        return bullet.then(|| make(MarkerStyle::Bullet, i, i + 1, None, i + 1));
    }
    // o 具备…, •, ●
    let bullet = match c {
        'o' => !prev_alnum && chars.get(i + 1).is_some_and(|&n| is_han(n)),
        c if is_bullet(c) && is_checkbox(chars, i) => false,
        c if is_bullet(c) => {
            chars
                .get(i + 1)
                .is_some_and(|n| !n.is_whitespace() || is_han(*n))
                || boundary
        }
        _ => false,
    };
    if bullet {
        return Some(make(MarkerStyle::Bullet, i, i + 1, None, i + 1));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(line: &str) -> Vec<String> {
        let chars: Vec<char> = line.chars().collect();
        scan_markers(&chars, &mut None)
            .into_iter()
            .map(|m| m.label)
            .collect()
    }

    #[test]
    fn every_numbering_style() {
        assert_eq!(labels("1.根据对市场"), ["1"]);
        assert_eq!(labels("12、负责"), ["12"]);
        assert_eq!(labels("1)媒体广告的发布"), ["1"]);
        assert_eq!(labels("(1)、协助总经理"), ["1"]);
        assert_eq!(labels("(二)、销售部经理"), ["二"]);
        assert_eq!(labels("十一、依据销售的月计划"), ["十一"]);
        assert_eq!(labels("A、市场总监 带领"), ["A"]);
        assert_eq!(labels("o具备本科以上的学历 o具有五年"), ["o", "o"]);
        assert_eq!(labels("工作; a)保洁员 b)洗车组"), ["a", "b"]);
    }

    #[test]
    fn lists_run_together_on_one_line() {
        assert_eq!(
            labels("岗位职责: 1.根据对市场; 2.负责公司的日常经营; 3.负责本公司"),
            ["1", "2", "3"]
        );
        // A number glued to the text before it counts when it continues the sequence.
        assert_eq!(
            labels("(7)、销售团队建设,培养销售队伍(8)、主持公司"),
            ["7", "8"]
        );
    }

    #[test]
    fn a_one_glued_to_a_title_starts_a_list_when_two_follows() {
        assert_eq!(
            labels("精品专员岗位职责1.负责精品的销售;2.负责精品的库存"),
            ["1", "2"]
        );
        // No item 2 after it: a number inside the text.
        assert!(labels("完成岗位职责1.5倍的任务").is_empty());
        assert!(labels("每年培训1.负责人签字").is_empty());
    }

    #[test]
    fn checkboxes_of_a_field_are_not_bullets() {
        assert!(labels("岗位性质:□管理　■技术").is_empty());
        assert!(labels("是否出差:☑是 ☐否").is_empty());
        assert_eq!(labels("■ 负责钣喷车间的生产调度"), ["■"]);
        assert_eq!(labels("● 负责接待 ● 负责回访"), ["●", "●"]);
    }

    #[test]
    fn numbers_inside_text_are_not_markers() {
        assert!(labels("负责4s店各项管理,坚持6S管理").is_empty());
        assert!(labels("交车前 6 小时前,确保待售车辆状态完好").is_empty());
        assert!(labels("每月1日前 将广告宣传").is_empty());
        assert!(labels("增长1.5倍").is_empty());
        assert!(labels("市场部 xxxxx 2012-2-29").is_empty());
        assert!(labels("统一、规范").is_empty());
        assert!(labels("包括车书,价格表,店内 pos等在内的").is_empty());
        assert!(labels("风控专员(计划1-2人)").is_empty());
        assert!(labels("显示alert(1)的文字").is_empty());
    }

    #[test]
    fn empty_numbers() {
        assert_eq!(labels("3、 4、 5、 6、"), ["3", "4", "5", "6"]);
        assert_eq!(labels("处理 5 6. 7. 1、 2、"), ["5", "6", "7", "1", "2"]);
    }

    #[test]
    fn circled_decimal_chapter_and_line_bullets() {
        assert_eq!(labels("①负责方案 ②负责报价"), ["①", "②"]);
        assert_eq!(labels("4.1 前台主管"), ["4.1"]);
        assert_eq!(labels("4.1.3 岗位职责:"), ["4.1.3"]);
        assert_eq!(labels("5.1.1负责销售计划"), ["5.1.1"]);
        assert_eq!(labels("2 适用范围"), ["2"]);
        assert_eq!(labels("第一章 总则"), ["第一章"]);
        assert_eq!(labels("第二节 销售顾问"), ["第二节"]);
        assert_eq!(labels("第十三条 员工应按时上下班"), ["第十三条"]);
        assert_eq!(labels("- 负责续保"), ["-"]);
        assert_eq!(labels("· 负责续保"), ["·"]);
        assert_eq!(labels("● 热情接待"), ["●"]);
    }

    #[test]
    fn numbers_that_are_not_sections_or_bullets() {
        assert!(labels("2.5小时内完成交车").is_empty());
        assert!(labels("2 小时内回访客户,记录客户意见并上报").is_empty());
        assert!(labels("上海·闵行区 3-5年 大专").is_empty());
        assert!(labels("- 1 -").is_empty());
        assert!(labels("负责第三方合作").is_empty());
        // `2.5年以上` right after item 1 is item 2.
        let chars: Vec<char> = "2.5年以上工作经验".chars().collect();
        let markers = scan_markers(&chars, &mut Some(1));
        assert_eq!(markers.len(), 1);
        assert_eq!(markers[0].label, "2");
    }

    #[test]
    fn chinese_numeral_values() {
        let value = |text: &str| chinese_value(&text.chars().collect::<Vec<_>>());
        assert_eq!(value("十三"), Some(13));
        assert_eq!(value("二十"), Some(20));
        assert_eq!(value("二十一"), Some(21));
        assert_eq!(value("五"), Some(5));
        assert_eq!(value("十"), Some(10));
        assert_eq!(value("十十"), None);
    }
}
