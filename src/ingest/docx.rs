//! `.docx` in, the text a reader sees out: one line per paragraph, with the numbers and bullets
//! Word draws for automatic lists (`numbering.xml`, reached from the paragraph or its style), and
//! one line per table row, its cells separated by tabs and the paragraphs inside a cell by
//! [`CELL_BREAK`].

use super::read_bounded;
use quick_xml::events::{BytesStart, Event};
use std::collections::HashMap;

/// Separates the paragraphs (or line breaks) inside one table or spreadsheet cell, so that a row
/// stays one line: U+2028 LINE SEPARATOR, whitespace to every reader, a break to the parser.
pub const CELL_BREAK: char = '\u{2028}';

/// The paragraph text of a `.docx`: `word/document.xml`, one line per `<w:p>`, `<w:tab/>` as a
/// tab, `<w:br/>` and `<w:cr/>` as a line break; automatic numbering drawn as Word draws it
/// (`1.`, `一、`, `a)`, `•`); a table row as one line of tab-separated cells (a cell merged
/// across columns is followed by empty cells, so columns stay aligned; a cell merged down is
/// empty below its first row). Only the text of runs (`<w:t>`) is kept, so deleted revisions,
/// field codes and tab-stop definitions are not.
///
/// Bounded and inert: an entry that decompresses past `max_xml_bytes` is refused (zip bombs); a
/// DOCTYPE is ignored, so no entity is declared, expanded or fetched; an unknown entity
/// reference is kept as written (`&name;`) rather than failing the document. Broken
/// `numbering.xml` or `styles.xml` parts only lose the numbers.
///
/// The error is a message for [`crate::Error::BadInput`] (the caller knows the file name).
pub fn docx_text(bytes: &[u8], max_xml_bytes: u64) -> std::result::Result<String, String> {
    if !bytes.starts_with(b"PK") {
        return Err(if bytes.starts_with(b"\xD0\xCF\x11\xE0") {
            "not a .docx (an old .doc or an encrypted document: save it as .docx or .txt)".into()
        } else {
            "not a .docx (not a zip archive)".into()
        });
    }
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|error| format!("not a .docx (broken zip archive: {error})"))?;
    let xml = read_part(&mut archive, "word/document.xml", max_xml_bytes)?
        .ok_or_else(|| "not a .docx (the zip archive has no word/document.xml)".to_string())?;
    // Numbering and styles only add numbers: a part that is missing or broken loses them.
    let numbering = read_part(&mut archive, "word/numbering.xml", max_xml_bytes)
        .ok()
        .flatten()
        .and_then(|xml| Numbering::parse(&xml).ok())
        .unwrap_or_default();
    let styles = read_part(&mut archive, "word/styles.xml", max_xml_bytes)
        .ok()
        .flatten()
        .and_then(|xml| Styles::parse(&xml).ok())
        .unwrap_or_default();
    document_text(&xml, &numbering, &styles).map_err(|error| format!("word/document.xml: {error}"))
}

/// One part of the archive as text; `None` when the archive has no such part.
fn read_part(
    archive: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>,
    name: &str,
    max_xml_bytes: u64,
) -> std::result::Result<Option<String>, String> {
    let entry = match archive.by_name(name) {
        Ok(entry) => entry,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(error) => return Err(format!("cannot read {name}: {error}")),
    };
    let limit_mb = max_xml_bytes / (1024 * 1024);
    let too_big =
        || format!("{name} decompresses to more than {limit_mb} MB; refused (a zip bomb?)");
    if entry.size() > max_xml_bytes {
        return Err(too_big());
    }
    // The declared size can lie: the bound that matters is on the bytes actually inflated.
    let xml = read_bounded(entry, max_xml_bytes)
        .map_err(|error| format!("cannot decompress {name}: {error}"))?
        .ok_or_else(too_big)?;
    String::from_utf8(xml)
        .map(Some)
        .map_err(|_| format!("{name} is not UTF-8"))
}

fn reader(xml: &str) -> quick_xml::Reader<&[u8]> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let config = reader.config_mut();
    config.allow_dangling_amp = true;
    config.allow_unmatched_ends = true;
    config.check_end_names = false;
    reader
}

fn xml_error(reader: &quick_xml::Reader<&[u8]>, error: quick_xml::Error) -> String {
    format!(
        "not well-formed XML at byte {}: {error}",
        reader.error_position()
    )
}

/// The local name of a WordprocessingML element (`w:` prefix, or none).
fn word_name(name: &str) -> Option<&str> {
    match name.split_once(':') {
        Some(("w", local)) => Some(local),
        Some(_) => None,
        None => Some(name),
    }
}

/// The `w:val` (or any `…:val`) attribute of an element.
fn attribute(element: &BytesStart, wanted: &str) -> Option<String> {
    element.attributes().flatten().find_map(|a| {
        let key: &str = a.key.as_ref();
        let local = key.rsplit(':').next().unwrap_or(key);
        (local == wanted).then(|| {
            quick_xml::escape::unescape(&a.value)
                .map_or_else(|_| a.value.to_string(), |v| v.into_owned())
        })
    })
}

/// One level of a numbered list: where it starts, how its number is written, and the text
/// around it (`%1.`, `%1、`, `（%1）`, or a bullet character).
#[derive(Debug, Clone, Default)]
struct Level {
    start: u32,
    format: String,
    text: String,
}

/// `numbering.xml`: abstract lists and the list instances (`w:num`) paragraphs point to.
#[derive(Debug, Clone, Default)]
struct Numbering {
    abstracts: HashMap<String, Vec<Level>>,
    /// numId → (abstractNumId, start overrides by level).
    instances: HashMap<String, (String, HashMap<usize, u32>)>,
}

impl Numbering {
    fn parse(xml: &str) -> std::result::Result<Numbering, String> {
        let mut reader = reader(xml);
        let mut numbering = Numbering::default();
        let mut abstract_id: Option<String> = None;
        let mut level: Option<(usize, Level)> = None;
        let mut instance: Option<(String, String, HashMap<usize, u32>)> = None;
        let mut override_level: Option<usize> = None;
        loop {
            let event = reader.read_event().map_err(|e| xml_error(&reader, e))?;
            let (element, start) = match &event {
                Event::Start(e) => (e, true),
                Event::Empty(e) => (e, false),
                Event::End(e) => {
                    match word_name(e.name().as_ref()) {
                        Some("lvl") => {
                            if let (Some(id), Some((index, lvl))) = (&abstract_id, level.take()) {
                                let levels = numbering.abstracts.entry(id.clone()).or_default();
                                if levels.len() <= index {
                                    levels.resize(index + 1, Level::default());
                                }
                                levels[index] = lvl;
                            }
                        }
                        Some("abstractNum") => abstract_id = None,
                        Some("num") => {
                            if let Some((id, abstract_id, overrides)) = instance.take() {
                                numbering.instances.insert(id, (abstract_id, overrides));
                            }
                        }
                        Some("lvlOverride") => override_level = None,
                        _ => {}
                    }
                    continue;
                }
                Event::Eof => break,
                _ => continue,
            };
            match word_name(element.name().as_ref()) {
                Some("abstractNum") => abstract_id = attribute(element, "abstractNumId"),
                Some("lvl") if abstract_id.is_some() => {
                    let index = attribute(element, "ilvl")
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(0usize)
                        .min(8);
                    level = Some((
                        index,
                        Level {
                            start: 1,
                            format: "decimal".into(),
                            text: String::new(),
                        },
                    ));
                    if !start {
                        level = None;
                    }
                }
                Some("start") => {
                    let value = attribute(element, "val").and_then(|v| v.parse().ok());
                    if let (Some((_, lvl)), Some(value)) = (&mut level, value) {
                        lvl.start = value;
                    } else if let (Some((_, _, overrides)), Some(at), Some(value)) =
                        (&mut instance, override_level, value)
                    {
                        overrides.insert(at, value);
                    }
                }
                Some("startOverride") => {
                    let value = attribute(element, "val").and_then(|v| v.parse().ok());
                    if let (Some((_, _, overrides)), Some(at), Some(value)) =
                        (&mut instance, override_level, value)
                    {
                        overrides.insert(at, value);
                    }
                }
                Some("numFmt") => {
                    if let (Some((_, lvl)), Some(value)) = (&mut level, attribute(element, "val")) {
                        lvl.format = value;
                    }
                }
                Some("lvlText") => {
                    if let (Some((_, lvl)), Some(value)) = (&mut level, attribute(element, "val")) {
                        lvl.text = value;
                    }
                }
                Some("num") => {
                    if let Some(id) = attribute(element, "numId") {
                        instance = Some((id, String::new(), HashMap::new()));
                    }
                }
                Some("abstractNumId") => {
                    if let (Some((_, abstract_id, _)), Some(value)) =
                        (&mut instance, attribute(element, "val"))
                    {
                        *abstract_id = value;
                    }
                }
                Some("lvlOverride") => {
                    override_level = attribute(element, "ilvl").and_then(|v| v.parse().ok());
                }
                _ => {}
            }
        }
        Ok(numbering)
    }
}

/// A list instance and level: (`numId`, `ilvl`).
type ListLevel = (String, usize);

/// `styles.xml`: the numbering a paragraph style carries (`w:numPr` in its `w:pPr`), inherited
/// through `w:basedOn`.
#[derive(Debug, Clone, Default)]
struct Styles {
    /// styleId → (numId, level) given by the style itself, and the style it is based on.
    styles: HashMap<String, (Option<ListLevel>, Option<String>)>,
}

impl Styles {
    fn parse(xml: &str) -> std::result::Result<Styles, String> {
        let mut reader = reader(xml);
        let mut styles = Styles::default();
        let mut current: Option<(String, Option<String>, usize, Option<String>)> = None;
        loop {
            let event = reader.read_event().map_err(|e| xml_error(&reader, e))?;
            let element = match &event {
                Event::Start(e) | Event::Empty(e) => e,
                Event::End(e) => {
                    if word_name(e.name().as_ref()) == Some("style") {
                        if let Some((id, num, level, based_on)) = current.take() {
                            styles
                                .styles
                                .insert(id, (num.map(|n| (n, level)), based_on));
                        }
                    }
                    continue;
                }
                Event::Eof => break,
                _ => continue,
            };
            match word_name(element.name().as_ref()) {
                Some("style") => {
                    current = attribute(element, "styleId").map(|id| (id, None, 0, None));
                }
                Some("basedOn") => {
                    if let Some(style) = &mut current {
                        style.3 = attribute(element, "val");
                    }
                }
                Some("numId") => {
                    if let Some(style) = &mut current {
                        style.1 = attribute(element, "val");
                    }
                }
                Some("ilvl") => {
                    if let Some(style) = &mut current {
                        style.2 = attribute(element, "val")
                            .and_then(|v| v.parse().ok())
                            .unwrap_or(0);
                    }
                }
                _ => {}
            }
        }
        Ok(styles)
    }

    /// The numbering of a style, its own or inherited (at most 16 steps: no loops).
    fn numbering(&self, style: &str) -> Option<ListLevel> {
        let mut id = style.to_string();
        for _ in 0..16 {
            let (num, based_on) = self.styles.get(&id)?;
            if let Some(num) = num {
                return Some(num.clone());
            }
            id = based_on.clone()?;
        }
        None
    }
}

/// Draws list numbers as Word does: one counter per level of each abstract list, deeper levels
/// restarting under a shallower one.
#[derive(Debug, Default)]
struct Counters {
    counters: HashMap<String, [Option<u32>; 9]>,
    /// Instances already met (a start override applies when an instance is first used).
    seen: std::collections::HashSet<String>,
}

impl Counters {
    /// The label of the next paragraph of list `num_id` at `level`; None for no list.
    fn next(&mut self, numbering: &Numbering, num_id: &str, level: usize) -> Option<String> {
        let (abstract_id, overrides) = numbering.instances.get(num_id)?;
        let levels = numbering.abstracts.get(abstract_id)?;
        let level = level.min(8);
        let definition = levels.get(level)?;
        let counters = self.counters.entry(abstract_id.clone()).or_default();
        if self.seen.insert(num_id.to_string()) {
            for (&at, &start) in overrides {
                if at < 9 {
                    // The next paragraph at that level shows `start`.
                    counters[at] = Some(start.saturating_sub(1));
                }
            }
        }
        let start = definition.start;
        let value = match counters[level] {
            Some(value) => value + 1,
            None => start,
        };
        counters[level] = Some(value);
        for deeper in counters.iter_mut().skip(level + 1) {
            *deeper = None;
        }
        if definition.format == "bullet" {
            return Some(bullet_char(&definition.text));
        }
        if definition.format == "none" {
            return Some(String::new());
        }
        // `%1.%2` draws the counters of levels 1 and 2.
        let mut label = String::new();
        let mut chars = definition.text.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '%' {
                if let Some(d) = chars.peek().and_then(|d| d.to_digit(10)) {
                    chars.next();
                    let at = (d as usize).saturating_sub(1).min(8);
                    let format = levels.get(at).map_or("decimal", |l| l.format.as_str());
                    let value =
                        counters[at].unwrap_or_else(|| levels.get(at).map_or(1, |l| l.start));
                    label.push_str(&format_number(value, format));
                    continue;
                }
            }
            label.push(c);
        }
        Some(label)
    }
}

/// Word's bullets are often private-use characters of the Symbol or Wingdings fonts.
fn bullet_char(text: &str) -> String {
    let c = text.chars().next().unwrap_or('•');
    match c {
        '\u{F0B7}' | '\u{F06C}' | '\u{F09F}' | '\u{F0A1}' => "•".into(),
        '\u{F0A7}' | '\u{F06E}' | '\u{F0A8}' => "▪".into(),
        '\u{F076}' => "❖".into(),
        '\u{F0D8}' | '\u{F0E8}' => "➢".into(),
        '\u{F0FC}' => "✓".into(),
        'o' => "◦".into(),
        c if ('\u{F000}'..='\u{F0FF}').contains(&c) => "•".into(),
        _ => text.to_string(),
    }
}

fn format_number(value: u32, format: &str) -> String {
    match format {
        "chineseCounting"
        | "chineseCountingThousand"
        | "japaneseCounting"
        | "ideographTraditional"
        | "taiwaneseCounting"
        | "taiwaneseCountingThousand" => chinese_number(value),
        "lowerLetter" => letters(value, b'a'),
        "upperLetter" => letters(value, b'A'),
        "lowerRoman" => roman(value).to_lowercase(),
        "upperRoman" => roman(value),
        "decimalZero" => format!("{value:02}"),
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" if (1..=20).contains(&value) => {
            char::from_u32(0x2460 + value - 1).map_or(value.to_string(), String::from)
        }
        "decimalFullWidth" | "decimalFullWidth2" => value
            .to_string()
            .chars()
            .map(|d| char::from_u32(d as u32 + 0xFEE0).unwrap_or(d))
            .collect(),
        _ => value.to_string(),
    }
}

fn chinese_number(value: u32) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match value {
        0..=9 => DIGITS[value as usize].into(),
        10 => "十".into(),
        11..=19 => format!("十{}", DIGITS[(value % 10) as usize]),
        20..=99 => {
            let unit = value % 10;
            format!(
                "{}十{}",
                DIGITS[(value / 10) as usize],
                if unit == 0 { "" } else { DIGITS[unit as usize] }
            )
        }
        _ => value.to_string(),
    }
}

fn letters(value: u32, base: u8) -> String {
    // Word repeats the letter past z: aa, bb …
    let index = value.saturating_sub(1);
    let letter = (base + (index % 26) as u8) as char;
    std::iter::repeat_n(letter, (index / 26 + 1) as usize).collect()
}

fn roman(mut value: u32) -> String {
    const NUMERALS: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut out = String::new();
    for (size, numeral) in NUMERALS {
        while value >= size {
            out.push_str(numeral);
            value -= size;
        }
    }
    out
}

/// A paragraph being read.
#[derive(Default)]
struct Paragraph {
    text: String,
    style: Option<String>,
    num_id: Option<String>,
    level: Option<usize>,
}

/// A table cell being read: its paragraphs, and how it is merged.
#[derive(Default)]
struct Cell {
    paragraphs: Vec<String>,
    span: usize,
    /// `w:vMerge` without `restart`: the cell continues the one above (shown empty).
    merged_down: bool,
}

/// Walks WordprocessingML: paragraphs with their list labels, table rows as lines.
fn document_text(
    xml: &str,
    numbering: &Numbering,
    styles: &Styles,
) -> std::result::Result<String, String> {
    let mut reader = reader(xml);
    let mut text = String::new();
    let mut counters = Counters::default();
    let mut paragraph: Option<Paragraph> = None;
    let mut in_run = 0usize;
    let mut in_text = 0usize;
    // Tables nest: only the outermost makes rows; inner cells add paragraphs to the outer cell.
    let mut table_depth = 0usize;
    let mut row: Vec<Cell> = Vec::new();
    let mut cell: Option<Cell> = None;
    let mut in_properties = 0usize;
    loop {
        let event = reader.read_event().map_err(|e| xml_error(&reader, e))?;
        match &event {
            Event::Start(element) | Event::Empty(element) => {
                let empty = matches!(event, Event::Empty(_));
                match word_name(element.name().as_ref()) {
                    Some("p") => {
                        if empty {
                            finish_paragraph(
                                Paragraph::default(),
                                numbering,
                                styles,
                                &mut counters,
                                &mut cell,
                                &mut text,
                            );
                        } else {
                            paragraph = Some(Paragraph::default());
                        }
                    }
                    Some("pPr" | "rPr" | "tcPr" | "tblPr" | "trPr") if !empty => in_properties += 1,
                    Some("pStyle") => {
                        if let Some(p) = &mut paragraph {
                            p.style = attribute(element, "val");
                        }
                    }
                    Some("numId") if in_properties > 0 => {
                        if let Some(p) = &mut paragraph {
                            p.num_id = attribute(element, "val");
                        }
                    }
                    Some("ilvl") if in_properties > 0 => {
                        if let Some(p) = &mut paragraph {
                            p.level = attribute(element, "val").and_then(|v| v.parse().ok());
                        }
                    }
                    Some("r") if !empty => in_run += 1,
                    Some("t") if in_run > 0 && !empty => in_text += 1,
                    Some("tab") if in_run > 0 => push_text(&mut paragraph, "\t"),
                    Some("br" | "cr") if in_run > 0 => {
                        let brk = if table_depth > 0 {
                            CELL_BREAK.to_string()
                        } else {
                            "\n".to_string()
                        };
                        push_text(&mut paragraph, &brk)
                    }
                    Some("noBreakHyphen") if in_run > 0 => push_text(&mut paragraph, "-"),
                    Some("tbl") if !empty => table_depth += 1,
                    Some("tr") if !empty && table_depth == 1 => row.clear(),
                    Some("tc") if !empty && table_depth == 1 => {
                        cell = Some(Cell {
                            span: 1,
                            ..Cell::default()
                        })
                    }
                    Some("gridSpan") if table_depth == 1 => {
                        if let Some(c) = &mut cell {
                            c.span = attribute(element, "val")
                                .and_then(|v| v.parse().ok())
                                .unwrap_or(1usize)
                                .clamp(1, 64);
                        }
                    }
                    Some("vMerge") if table_depth == 1 => {
                        if let Some(c) = &mut cell {
                            c.merged_down = attribute(element, "val").as_deref() != Some("restart");
                        }
                    }
                    _ => {}
                }
            }
            Event::End(element) => match word_name(element.name().as_ref()) {
                Some("p") => {
                    let p = paragraph.take().unwrap_or_default();
                    finish_paragraph(p, numbering, styles, &mut counters, &mut cell, &mut text);
                }
                Some("pPr" | "rPr" | "tcPr" | "tblPr" | "trPr") => {
                    in_properties = in_properties.saturating_sub(1)
                }
                Some("r") => in_run = in_run.saturating_sub(1),
                Some("t") => in_text = in_text.saturating_sub(1),
                Some("tc") if table_depth == 1 => {
                    if let Some(c) = cell.take() {
                        row.push(c);
                    }
                }
                Some("tr") if table_depth == 1 => {
                    text.push_str(&row_line(&row));
                    text.push('\n');
                    row.clear();
                }
                Some("tbl") => table_depth = table_depth.saturating_sub(1),
                _ => {}
            },
            Event::Text(content) if in_text > 0 => {
                push_text(&mut paragraph, &content.xml10_content())
            }
            Event::CData(content) if in_text > 0 => {
                push_text(&mut paragraph, &content.xml10_content())
            }
            Event::GeneralRef(reference) if in_text > 0 => {
                let name: &str = reference;
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(ch)) => ch.to_string(),
                    _ => match quick_xml::escape::resolve_predefined_entity(name) {
                        Some(resolved) => resolved.to_string(),
                        // Never expanded from a DOCTYPE: kept as written.
                        None => format!("&{name};"),
                    },
                };
                push_text(&mut paragraph, &resolved);
            }
            // DOCTYPE (and any entity it declares) is ignored: nothing expanded, nothing fetched.
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(text)
}

fn push_text(paragraph: &mut Option<Paragraph>, text: &str) {
    if let Some(p) = paragraph {
        p.text.push_str(text);
    }
}

/// A finished paragraph: its list label drawn in front, then a line of its own, or a paragraph
/// of the cell being read.
fn finish_paragraph(
    paragraph: Paragraph,
    numbering: &Numbering,
    styles: &Styles,
    counters: &mut Counters,
    cell: &mut Option<Cell>,
    text: &mut String,
) {
    let mut line = paragraph.text;
    let list = match (&paragraph.num_id, paragraph.style.as_deref()) {
        (Some(num_id), _) => Some((num_id.clone(), paragraph.level)),
        (None, Some(style)) => styles
            .numbering(style)
            .map(|(num_id, level)| (num_id, paragraph.level.or(Some(level)))),
        _ => None,
    };
    // numId 0 means "no list"; an empty paragraph shows no number.
    if let Some((num_id, level)) = list.filter(|(id, _)| id != "0") {
        if !line.trim().is_empty() {
            if let Some(label) = counters.next(numbering, &num_id, level.unwrap_or(0)) {
                if !label.is_empty() {
                    line = format!("{label} {}", line.trim_start());
                }
            }
        }
    }
    match cell {
        Some(cell) => cell.paragraphs.push(line),
        None => {
            text.push_str(&line);
            text.push('\n');
        }
    }
}

/// A table row as one line: cells separated by tabs (a merged cell followed by empty ones), a
/// cell's paragraphs by [`CELL_BREAK`], trailing empty cells dropped.
fn row_line(row: &[Cell]) -> String {
    let mut cells: Vec<String> = Vec::new();
    for cell in row {
        let content = if cell.merged_down {
            String::new()
        } else {
            let paragraphs: Vec<String> = cell
                .paragraphs
                .iter()
                .map(|p| p.replace('\t', " ").trim().to_string())
                .filter(|p| !p.is_empty())
                .collect();
            paragraphs.join(&CELL_BREAK.to_string())
        };
        cells.push(content);
        for _ in 1..cell.span {
            cells.push(String::new());
        }
    }
    while cells.last().is_some_and(|c| c.is_empty()) {
        cells.pop();
    }
    cells.join("\t")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docx_paragraphs_tabs_breaks_and_entities() {
        let xml = r#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY boom "BOOM">]>
<w:document xmlns:w="x"><w:body>
<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="420"/></w:tabs></w:pPr><w:r><w:t>1.</w:t><w:tab/><w:t xml:space="preserve">负责 &amp; &#x5DE5;</w:t></w:r></w:p>
<w:p/><w:p><w:r><w:t>a</w:t><w:br/><w:t>&boom;</w:t><w:delText>deleted</w:delText></w:r></w:p>
</w:body></w:document>"#;
        assert_eq!(
            document_text(xml, &Numbering::default(), &Styles::default()).unwrap(),
            "1.\t负责 & 工\n\na\n&boom;\n"
        );
    }

    const NUMBERING: &str = r#"<w:numbering xmlns:w="x">
<w:abstractNum w:abstractNumId="0">
<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>
<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="（%2）"/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="&#xF0B7;"/></w:lvl></w:abstractNum>
<w:num w:numId="3"><w:abstractNumId w:val="0"/></w:num>
<w:num w:numId="4"><w:abstractNumId w:val="0"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>
<w:num w:numId="5"><w:abstractNumId w:val="1"/></w:num>
</w:numbering>"#;

    const STYLES: &str = r#"<w:styles xmlns:w="x">
<w:style w:styleId="ListBase"><w:pPr><w:numPr><w:numId w:val="5"/></w:numPr></w:pPr></w:style>
<w:style w:styleId="MyBullet"><w:basedOn w:val="ListBase"/></w:style>
</w:styles>"#;

    fn numbered(num_id: &str, level: usize, text: &str) -> String {
        format!(
            r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"#
        )
    }

    #[test]
    fn automatic_numbering_is_drawn_as_word_draws_it() {
        let numbering = Numbering::parse(NUMBERING).unwrap();
        let styles = Styles::parse(STYLES).unwrap();
        let body = [
            numbered("3", 0, "销售经理"),
            numbered("3", 1, "负责展厅"),
            numbered("3", 1, "负责培训"),
            numbered("3", 0, "销售顾问"),
            numbered("3", 1, "接待客户"),
            // A new instance with a start override starts again at 一.
            numbered("4", 0, "服务顾问"),
            r#"<w:p><w:pPr><w:pStyle w:val="MyBullet"/></w:pPr><w:r><w:t>一项</w:t></w:r></w:p>"#
                .to_string(),
        ]
        .concat();
        let xml = format!(r#"<w:document xmlns:w="x"><w:body>{body}</w:body></w:document>"#);
        let text = document_text(&xml, &numbering, &styles).unwrap();
        assert_eq!(
            text,
            "一、 销售经理\n（1） 负责展厅\n（2） 负责培训\n二、 销售顾问\n（1） 接待客户\n一、 服务顾问\n• 一项\n"
        );
    }

    #[test]
    fn table_rows_are_lines_with_merged_cells_aligned() {
        let cell = |props: &str, paragraphs: &[&str]| {
            let ps: String = paragraphs
                .iter()
                .map(|p| format!("<w:p><w:r><w:t>{p}</w:t></w:r></w:p>"))
                .collect();
            format!("<w:tc><w:tcPr>{props}</w:tcPr>{ps}</w:tc>")
        };
        let rows = [
            format!(
                "<w:tr>{}{}{}</w:tr>",
                cell("", &["岗位"]),
                cell("", &["序号"]),
                cell("", &["职责"])
            ),
            format!(
                "<w:tr>{}{}{}</w:tr>",
                cell(r#"<w:vMerge w:val="restart"/>"#, &["会计"]),
                cell("", &["1"]),
                cell("", &["负责记账", "负责报表"])
            ),
            format!(
                "<w:tr>{}{}{}</w:tr>",
                cell("<w:vMerge/>", &[]),
                cell("", &["2"]),
                cell("", &["负责税务"])
            ),
            format!(
                "<w:tr>{}{}</w:tr>",
                cell(r#"<w:gridSpan w:val="2"/>"#, &["备注"]),
                cell("", &["无"])
            ),
        ]
        .concat();
        let xml = format!(
            r#"<w:document xmlns:w="x"><w:body><w:p><w:r><w:t>前</w:t></w:r></w:p><w:tbl>{rows}</w:tbl></w:body></w:document>"#
        );
        let text = document_text(&xml, &Numbering::default(), &Styles::default()).unwrap();
        assert_eq!(
            text,
            "前\n岗位\t序号\t职责\n会计\t1\t负责记账\u{2028}负责报表\n\t2\t负责税务\n备注\t\t无\n"
        );
    }

    #[test]
    fn number_formats() {
        assert_eq!(format_number(13, "chineseCounting"), "十三");
        assert_eq!(format_number(20, "chineseCounting"), "二十");
        assert_eq!(format_number(3, "lowerLetter"), "c");
        assert_eq!(format_number(4, "upperRoman"), "IV");
        assert_eq!(format_number(2, "decimalEnclosedCircle"), "②");
        assert_eq!(bullet_char("\u{F0B7}"), "•");
    }
}
