//! Numbering markers: `1.` `1、` `1)` `(1)` `(一)、` `一、` `A、` `a)` and `o` bullets, found at
//! the start of a line or in the middle of one where a whole list was run together.

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
    c == '(' || c.is_ascii_alphanumeric() || is_chinese_numeral(c) || is_bullet(c)
}

fn at_break(chars: &[char], i: usize) -> bool {
    i == 0 || {
        let prev = chars[i - 1];
        prev.is_whitespace() || is_break(prev)
    }
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
    matches!(c, '•' | '●' | '■' | '◆' | '▪' | '◇' | '□' | '\u{F0B7}')
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
    };
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
            Some('.') => !after.is_some_and(|a| a.is_ascii_digit()),
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
        let continues = last_arabic.is_some_and(|last| value == last + 1);
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
    // o 具备…, •, ●
    let bullet = match c {
        'o' => !prev_alnum && chars.get(i + 1).is_some_and(|&n| is_han(n)),
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
