//! normalize: folds text for matching (full-width → half-width, punctuation variants, Traditional
//! → Simplified) while the original text is kept for display.

/// Folds one character: full-width ASCII to half-width, the ideographic space to a space, and
/// punctuation variants to one form. One character in, one character out, so character offsets
/// computed on folded text are valid on the original.
pub fn fold_char(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' | '\u{00A0}' | '\u{2002}'..='\u{200A}' => ' ',
        '\u{FE51}' | '\u{FF64}' => '、',
        '\u{FE50}' => ',',
        '\u{FE52}' | '\u{2024}' => '.',
        '\u{FE54}' => ';',
        '\u{FE55}' => ':',
        '\u{FE59}' => '(',
        '\u{FE5A}' => ')',
        '\u{2236}' => ':',
        '\u{3001}' => '、',
        _ => c,
    }
}

/// Width- and punctuation-folds a string, character for character (same character count).
pub fn fold_width(text: &str) -> String {
    text.chars().map(fold_char).collect()
}

/// Traditional Chinese to Simplified.
pub fn to_simplified(text: &str) -> String {
    zhconv::zhconv(text, zhconv::Variant::ZhHans)
}

/// The form used for matching text against text: folded widths, lower-case Latin letters and
/// Simplified Chinese. Not guaranteed to keep the character count (Traditional conversion may not).
pub fn for_matching(text: &str) -> String {
    let folded: String = text
        .chars()
        .map(|c| fold_char(c).to_ascii_lowercase())
        .collect();
    if folded.is_ascii() {
        folded
    } else {
        to_simplified(&folded)
    }
}

/// True for CJK unified ideographs (the characters that make up Chinese words).
pub fn is_han(c: char) -> bool {
    matches!(c as u32, 0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0x20000..=0x2A6DF | 0xF900..=0xFAFF)
}

/// Removes every whitespace character: the key under which two texts count as "the same words".
pub fn strip_whitespace(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_full_width_digits_letters_and_punctuation() {
        assert_eq!(fold_width("１２、ＡＢ：（一）"), "12、AB:(一)");
        assert_eq!(fold_width("a\u{3000}b"), "a b");
        assert_eq!(fold_width("１２").chars().count(), 2);
    }

    #[test]
    fn matching_form_is_simplified_and_lower_case() {
        assert_eq!(for_matching("負責保險續保"), "负责保险续保");
        assert_eq!(for_matching("ＣＳＩ"), "csi");
    }
}
