//! Terminal helpers shared by every renderer: colour (NO_COLOR respected), display width of
//! Chinese text, and stripping control sequences from untrusted corpus text.

use std::io::IsTerminal;
use unicode_width::UnicodeWidthChar;

/// ANSI styles used by the renderers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Bold,
    Dim,
    Red,
    Green,
    Yellow,
    Blue,
    Magenta,
    Cyan,
    /// Highlight of a matched span: bold red.
    Match,
}

impl Style {
    fn code(self) -> &'static str {
        match self {
            Style::Bold => "1",
            Style::Dim => "2",
            Style::Red => "31",
            Style::Green => "32",
            Style::Yellow => "33",
            Style::Blue => "34",
            Style::Magenta => "35",
            Style::Cyan => "36",
            Style::Match => "1;31",
        }
    }
}

/// Whether to colour standard output: a terminal, and NO_COLOR unset or empty.
pub fn color_enabled() -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    !no_color && std::io::stdout().is_terminal()
}

/// Paints `text` in `style` when `color` is on.
pub fn paint(text: &str, style: Style, color: bool) -> String {
    if color {
        format!("\x1b[{}m{}\x1b[0m", style.code(), text)
    } else {
        text.to_string()
    }
}

/// Removes control characters (escape sequences included) from untrusted text, so a document
/// cannot move the cursor or recolour the user's terminal. Tabs become spaces.
pub fn sanitize(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            '\t' => Some(' '),
            c if c.is_control() => None,
            // Bidirectional overrides can make text display in a misleading order.
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => None,
            c => Some(c),
        })
        .collect()
}

/// [`sanitize`], line by line: for messages that span lines (errors listing candidates).
pub fn sanitize_lines(text: &str) -> String {
    text.split('\n')
        .map(sanitize)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Display width in terminal columns (a Chinese character takes two).
pub fn width(text: &str) -> usize {
    text.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// Pads (or truncates with `…`) `text` to exactly `columns` display columns.
pub fn fit(text: &str, columns: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    let total = width(text);
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if total > columns && used + w + 1 > columns {
            out.push('…');
            used += 1;
            break;
        }
        if used + w > columns {
            break;
        }
        out.push(c);
        used += w;
    }
    while used < columns {
        out.push(' ');
        used += 1;
    }
    out
}

/// Wraps `text` into lines of at most `columns` display columns (breaking anywhere: Chinese has
/// no spaces to break at).
pub fn wrap(text: &str, columns: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > columns.max(2) {
            lines.push(std::mem::take(&mut line));
            used = 0;
        }
        line.push(c);
        used += w;
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_characters_take_two_columns() {
        assert_eq!(width("销售经理"), 8);
        assert_eq!(width("CSI考核"), 7);
        assert_eq!(width(&fit("销售经理", 10)), 10);
        assert_eq!(width(&fit("负责展厅的日常管理工作", 9)), 9);
        assert!(fit("负责展厅的日常管理工作", 9).ends_with('…'));
    }

    #[test]
    fn sanitize_strips_escape_sequences() {
        assert_eq!(sanitize("负责\x1b[2J清洁\x07"), "负责[2J清洁");
        assert_eq!(sanitize("a\tb"), "a b");
    }

    #[test]
    fn wrap_respects_width() {
        for line in wrap("负责展厅的日常管理工作包括销售顾问日常行为规范", 10)
        {
            assert!(width(&line) <= 10);
        }
    }
}
