//! Bytes in, text and the name of the encoding used out: BOMs (UTF-8, UTF-16LE/BE), UTF-8,
//! files merged from UTF-8 and GBK lines, GBK/GB18030 and the other legacy encodings chardetng
//! recognises; binary files told apart.

/// A NUL byte early on means binary (as git and ripgrep judge), unless a UTF-16 BOM explains it.
pub(super) fn binary_bytes(bytes: &[u8]) -> Option<String> {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return None;
    }
    if bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        return Some(
            "looks like a binary file (an old .doc or an encrypted document: save it as .docx or .txt)"
                .into(),
        );
    }
    let head = &bytes[..bytes.len().min(64 * 1024)];
    head.contains(&0)
        .then(|| "looks like a binary file (it contains NUL bytes)".into())
}

/// Text that is mostly control characters or replacement characters is binary in disguise.
pub(super) fn binary_text(text: &str) -> Option<String> {
    // Nearly all text holds neither a control character (bar line ends and tabs) nor U+FFFD:
    // said without decoding it. U+0080..U+009F are encoded as C2 80..C2 9F.
    let suspect =
        |byte: u8| (byte < 0x20 && !(0x09..=0x0D).contains(&byte)) || byte == 0x7F || byte == 0xC2;
    let clean = text.as_bytes().chunks(64).all(|chunk| {
        !chunk
            .iter()
            .fold(false, |found, &byte| found | suspect(byte))
    });
    if clean && !text.contains('\u{FFFD}') {
        return None;
    }
    let mut total = 0usize;
    let mut control = 0usize;
    let mut replaced = 0usize;
    for ch in text.chars() {
        if ch.is_whitespace() {
            continue;
        }
        total += 1;
        if ch.is_control() {
            control += 1;
        } else if ch == '\u{FFFD}' {
            replaced += 1;
        }
    }
    // 10%: real text carries at most a stray escape sequence or two.
    if control >= 4 && control * 10 > total {
        return Some(format!(
            "looks like a binary file ({control} control characters in {total})"
        ));
    }
    if replaced >= 4 && replaced * 10 > total {
        return Some(format!(
            "looks like a binary file ({replaced} of {total} characters undecodable)"
        ));
    }
    None
}

/// Decodes bytes and names the encoding used. Never fails: undecodable bytes become U+FFFD and
/// the name says so (`… (lossy, N replacement characters)`).
///
/// Order: a BOM (UTF-8, UTF-16LE, UTF-16BE); valid UTF-8; a merged file of UTF-8 and GBK lines
/// (each line decoded in its own encoding); UTF-8 with a few broken sequences
/// (lossy); otherwise the legacy encoding chardetng guesses — `GBK` (or `GB18030` when the text
/// holds four-byte GB18030 sequences), `Big5`, … — and lossy UTF-8 when the guess makes no sense
/// for Chinese text.
pub fn decode(bytes: &[u8]) -> (String, String) {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return with_encoding(encoding_rs::UTF_8, rest, "UTF-8 (BOM)");
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return with_encoding(encoding_rs::UTF_16LE, rest, "UTF-16LE");
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return with_encoding(encoding_rs::UTF_16BE, rest, "UTF-16BE");
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return (text.to_string(), "UTF-8".into());
    }
    if let Some(mixed) = decode_mixed(bytes) {
        return mixed;
    }
    let (valid, invalid) = utf8_sequences(bytes);
    // Mostly valid multi-byte UTF-8: a damaged UTF-8 file, not another encoding. GBK text
    // forms valid UTF-8 sequences only by chance, far below one in ten.
    if valid >= 10 * invalid {
        return with_encoding(encoding_rs::UTF_8, bytes, "UTF-8");
    }
    let guess = guess_legacy(bytes);
    let cjk_guess = [
        encoding_rs::BIG5,
        encoding_rs::SHIFT_JIS,
        encoding_rs::EUC_JP,
        encoding_rs::EUC_KR,
    ]
    .contains(&guess);
    // chardetng needs text to judge: on a few lines it may guess a single-byte or another CJK
    // encoding for plain GBK. This is a tool for Chinese text, so clean GBK that reads as
    // Chinese wins unless chardetng had enough to say otherwise.
    let short = bytes.len() < 4096;
    if guess == encoding_rs::GBK
        || guess == encoding_rs::GB18030
        || ((short || !cjk_guess) && reads_as_chinese_gbk(bytes))
    {
        let name = if has_four_byte_gb18030(bytes) {
            "GB18030"
        } else {
            "GBK"
        };
        return with_encoding(encoding_rs::GB18030, bytes, name);
    }
    if cjk_guess {
        return with_encoding(guess, bytes, guess.name());
    }
    // A single-byte guess (windows-1252 …) would turn Chinese into mojibake without one error:
    // better an honest lossy UTF-8.
    with_encoding(encoding_rs::UTF_8, bytes, "UTF-8")
}

/// Whether the bytes are valid GB18030 whose non-ASCII characters are nearly all Chinese
/// characters or CJK punctuation.
fn reads_as_chinese_gbk(bytes: &[u8]) -> bool {
    let Some(text) =
        encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes)
    else {
        return false;
    };
    let mut other = 0usize;
    let mut chinese = 0usize;
    for ch in text.chars().filter(|ch| !ch.is_ascii()) {
        match ch {
            '\u{4E00}'..='\u{9FFF}' | '\u{3000}'..='\u{303F}' | '\u{FF00}'..='\u{FFEF}' => {
                chinese += 1
            }
            _ => other += 1,
        }
    }
    chinese > 0 && other * 10 <= chinese
}

/// A merged file may hold UTF-8 documents and GBK documents (`cat a.txt b.txt`): decoded line by
/// line, each line in the encoding it is valid in. Only when the file has lines that are surely
/// UTF-8 (three or more multi-byte characters; GBK text almost never forms such a line) and
/// lines that chardetng judges GBK; then named `UTF-8 + GBK (N lines GBK)`.
fn decode_mixed(bytes: &[u8]) -> Option<(String, String)> {
    let lines: Vec<&[u8]> = bytes.split_inclusive(|&byte| byte == b'\n').collect();
    let mut sure_utf8 = false;
    let mut invalid = Vec::new();
    for line in &lines {
        match std::str::from_utf8(line) {
            Ok(text) => sure_utf8 |= text.chars().filter(|ch| !ch.is_ascii()).count() >= 3,
            Err(_) => invalid.extend_from_slice(line),
        }
    }
    if !sure_utf8 || invalid.is_empty() {
        return None;
    }
    let guess = guess_legacy(&invalid);
    if guess != encoding_rs::GBK && guess != encoding_rs::GB18030 {
        return None;
    }
    let legacy = if has_four_byte_gb18030(&invalid) {
        "GB18030"
    } else {
        "GBK"
    };
    let mut text = String::with_capacity(bytes.len());
    let mut legacy_lines = 0;
    let mut replacements = 0;
    for line in lines {
        if let Ok(valid) = std::str::from_utf8(line) {
            text.push_str(valid);
            continue;
        }
        let (utf8_valid, utf8_invalid) = utf8_sequences(line);
        // More broken sequences than good ones: not UTF-8 with a stray byte, but GBK.
        let (decoded, _) = if utf8_valid < utf8_invalid {
            legacy_lines += 1;
            encoding_rs::GB18030.decode_without_bom_handling(line)
        } else {
            encoding_rs::UTF_8.decode_without_bom_handling(line)
        };
        replacements += decoded.matches('\u{FFFD}').count();
        text.push_str(&decoded);
    }
    if legacy_lines == 0 {
        return None;
    }
    replacements =
        replacements.saturating_sub(count_literal_replacements(encoding_rs::UTF_8, bytes));
    let mut name = format!("UTF-8 + {legacy} ({legacy_lines} lines {legacy})");
    if replacements > 0 {
        name = format!("{name} (lossy, {replacements} replacement characters)");
    }
    Some((text, name))
}

/// chardetng's guess (UTF-8 excluded) from the first 128 KB: chardetng reads about a megabyte a
/// second, and 128 KB of Chinese text leaves no doubt.
fn guess_legacy(bytes: &[u8]) -> &'static encoding_rs::Encoding {
    const SAMPLE: usize = 128 * 1024;
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    if bytes.len() <= SAMPLE {
        detector.feed(bytes, true);
    } else {
        // Cut after a line end (or an ASCII byte) so the sample does not end mid-character.
        let cut = bytes[..SAMPLE]
            .iter()
            .rposition(|&byte| byte < 0x80)
            .map_or(SAMPLE, |at| at + 1);
        detector.feed(&bytes[..cut], true);
    }
    detector.guess(None, chardetng::Utf8Detection::Deny)
}

fn with_encoding(
    encoding: &'static encoding_rs::Encoding,
    bytes: &[u8],
    name: &str,
) -> (String, String) {
    let (text, _) = encoding.decode_without_bom_handling(bytes);
    let replacements =
        text.matches('\u{FFFD}').count() - count_literal_replacements(encoding, bytes);
    let name = if replacements > 0 {
        format!("{name} (lossy, {replacements} replacement characters)")
    } else {
        name.to_string()
    };
    (text.into_owned(), name)
}

/// U+FFFD already present in the input (valid, encoded) is not a decoding loss.
fn count_literal_replacements(encoding: &'static encoding_rs::Encoding, bytes: &[u8]) -> usize {
    if encoding == encoding_rs::UTF_8 {
        let mut count = 0;
        let mut rest = bytes;
        loop {
            match std::str::from_utf8(rest) {
                Ok(text) => return count + text.matches('\u{FFFD}').count(),
                Err(error) => {
                    let valid = error.valid_up_to();
                    count += std::str::from_utf8(&rest[..valid])
                        .map_or(0, |text| text.matches('\u{FFFD}').count());
                    let skip = valid + error.error_len().unwrap_or(rest.len() - valid);
                    rest = &rest[skip..];
                }
            }
        }
    }
    match encoding.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(text) => text.matches('\u{FFFD}').count(),
        None => 0,
    }
}

/// Counts valid multi-byte UTF-8 characters and invalid sequences, in one pass.
fn utf8_sequences(bytes: &[u8]) -> (usize, usize) {
    let mut valid = 0;
    let mut invalid = 0;
    let mut rest = bytes;
    loop {
        let (good, skip) = match std::str::from_utf8(rest) {
            Ok(text) => (text, None),
            Err(error) => {
                let up_to = error.valid_up_to();
                let good = std::str::from_utf8(&rest[..up_to]).unwrap_or_default();
                (
                    good,
                    Some(up_to + error.error_len().unwrap_or(rest.len() - up_to)),
                )
            }
        };
        valid += good.chars().filter(|ch| !ch.is_ascii()).count();
        match skip {
            Some(skip) => {
                invalid += 1;
                rest = &rest[skip..];
            }
            None => return (valid, invalid),
        }
    }
}

/// Whether the bytes hold a four-byte GB18030 sequence (which GBK lacks):
/// `[81-FE][30-39][81-FE][30-39]`.
fn has_four_byte_gb18030(bytes: &[u8]) -> bool {
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        if byte < 0x80 {
            i += 1;
        } else if (0x81..=0xFE).contains(&byte)
            && bytes.get(i + 1).is_some_and(|b| b.is_ascii_digit())
        {
            if bytes.get(i + 2).is_some_and(|b| (0x81..=0xFE).contains(b))
                && bytes.get(i + 3).is_some_and(|b| b.is_ascii_digit())
            {
                return true;
            }
            i += 2;
        } else {
            i += 2;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::replacement_count;

    #[test]
    fn decode_names_bom_encodings() {
        assert_eq!(decode("岗位".as_bytes()).1, "UTF-8");
        assert_eq!(
            decode(b"\xEF\xBB\xBFab"),
            ("ab".into(), "UTF-8 (BOM)".into())
        );
        assert_eq!(decode(b"\xFF\xFEa\x00"), ("a".into(), "UTF-16LE".into()));
        assert_eq!(decode(b"\xFE\xFF\x00a"), ("a".into(), "UTF-16BE".into()));
    }

    #[test]
    fn decode_detects_gbk_and_gb18030() {
        let text = "销售顾问岗位职责:负责接待到店客户,介绍车辆性能,促成销售,跟踪回访客户。";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        assert_eq!(decode(&gbk), (text.to_string(), "GBK".into()));
        // U+20BB7 𠮷 exists only in GB18030, as a four-byte sequence.
        let rare = format!("{text}𠮷");
        let (gb18030, _, _) = encoding_rs::GB18030.encode(&rare);
        assert_eq!(decode(&gb18030), (rare, "GB18030".into()));
    }

    #[test]
    fn damaged_utf8_is_lossy_and_says_so() {
        let mut bytes = "负责展厅日常管理工作,维护展厅环境整洁".as_bytes().to_vec();
        bytes.insert(6, 0xFF);
        let (text, encoding) = decode(&bytes);
        assert_eq!(encoding, "UTF-8 (lossy, 1 replacement characters)");
        assert_eq!(text.matches('\u{FFFD}').count(), 1);
        assert_eq!(replacement_count(&encoding), Some(1));
    }

    #[test]
    fn literal_replacement_characters_are_not_losses() {
        assert_eq!(decode("a\u{FFFD}b".as_bytes()).1, "UTF-8");
    }

    #[test]
    fn binary_bytes_need_nul_or_ole_magic() {
        assert!(binary_bytes(b"ab\0c").is_some());
        assert!(binary_bytes(b"\xFF\xFEa\0").is_none());
        assert!(binary_bytes("岗位".as_bytes()).is_none());
        assert!(binary_text("\u{1}\u{2}\u{3}\u{4}\u{5}abc").is_some());
        assert!(binary_text("负责\u{1b}[0m 展厅").is_none());
        // C1 controls (two bytes each), the ones Unicode counts as whitespace aside.
        assert!(binary_text("\u{85}\u{80}\u{81}\u{82}\u{83}a").is_some());
        assert!(binary_text("\u{85}\u{80}\u{81}\u{82}a").is_none());
        assert!(binary_text("\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}负责").is_some());
        assert!(binary_text("负责，展厅·\u{FFFD}").is_none());
    }
}
