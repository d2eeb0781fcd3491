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
    if folded.is_ascii() || !may_convert(&folded) {
        folded
    } else {
        to_simplified(&folded)
    }
}

/// Whether the Traditional → Simplified conversion could change the text: a word of the
/// conversion table could start at some character (the character is a one-character word, or it
/// and the next one begin a longer word). The table is a dictionary matched word by word, so
/// other text converts to itself — and most text is Simplified already, which spares the parser a
/// dictionary pass for nearly every title it looks at.
pub(crate) fn may_convert(text: &str) -> bool {
    let table = conversion_starts();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if table.words.contains(c) {
            return true;
        }
        if table.longer.contains(c) {
            if let Some(&next) = chars.peek() {
                if table.pairs.contains(&(c, next)) {
                    return true;
                }
            }
        }
    }
    false
}

/// A set of characters: one bit per character of the Basic Multilingual Plane, the rest sorted.
struct CharSet {
    plane: Vec<u64>,
    astral: Vec<char>,
}

impl CharSet {
    fn new() -> CharSet {
        CharSet {
            plane: vec![0; 0x10000 / 64],
            astral: Vec::new(),
        }
    }

    fn insert(&mut self, c: char) {
        let code = c as usize;
        if code < 0x10000 {
            self.plane[code / 64] |= 1 << (code % 64);
        } else if let Err(at) = self.astral.binary_search(&c) {
            self.astral.insert(at, c);
        }
    }

    fn contains(&self, c: char) -> bool {
        let code = c as usize;
        if code < 0x10000 {
            self.plane[code / 64] & (1 << (code % 64)) != 0
        } else {
            self.astral.binary_search(&c).is_ok()
        }
    }
}

/// How the words of the built-in Traditional → Simplified table start.
struct ConversionStarts {
    /// Words of one character.
    words: CharSet,
    /// First characters of longer words, and their first two characters.
    longer: CharSet,
    pairs: std::collections::HashSet<(char, char)>,
}

fn conversion_starts() -> &'static ConversionStarts {
    static STARTS: std::sync::OnceLock<ConversionStarts> = std::sync::OnceLock::new();
    STARTS.get_or_init(|| {
        let mut starts = ConversionStarts {
            words: CharSet::new(),
            longer: CharSet::new(),
            pairs: std::collections::HashSet::new(),
        };
        for (from, _) in zhconv::tables::expand_table(zhconv::tables::ZH_HANS_TABLE) {
            let mut chars = from.chars();
            match (chars.next(), chars.next()) {
                (Some(first), None) => starts.words.insert(first),
                (Some(first), Some(second)) => {
                    starts.longer.insert(first);
                    starts.pairs.insert((first, second));
                }
                (None, _) => {}
            }
        }
        starts
    })
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
        assert_eq!(for_matching("乾乾淨淨"), to_simplified("乾乾淨淨"));
    }

    #[test]
    fn text_the_table_cannot_touch_converts_to_itself() {
        // Every character that starts no word of the table, side by side: the conversion keeps
        // them all, so skipping it for such text changes nothing.
        let table = conversion_starts();
        let untouched: String = (0..0x30000u32)
            .filter_map(char::from_u32)
            .filter(|&c| !table.words.contains(c) && !table.longer.contains(c))
            .collect();
        assert!(!may_convert(&untouched));
        assert_eq!(to_simplified(&untouched), untouched);
        assert!(may_convert("負責"));
        assert!(may_convert("乾乾淨淨"));
        assert!(!may_convert("负责销售经理岗位职责"));
        // The shipped corpus, line by line: the shortcut changes no matching form.
        let corpus = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/4s店岗位职责合集.txt");
        let text = std::fs::read_to_string(corpus).unwrap();
        for line in text.lines() {
            let folded: String = line
                .chars()
                .map(|c| fold_char(c).to_ascii_lowercase())
                .collect();
            assert_eq!(for_matching(line), to_simplified(&folded), "{line}");
        }
    }
}
