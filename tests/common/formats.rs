//! The formats corpus (`tests/formats/`, layout in its README): stored UTF-8 files converted into
//! the containers and encodings they stand for — GBK with CRLF, UTF-16LE, a BOM, `.docx` built
//! from a paragraph spec with real `numbering.xml` and `styles.xml` parts, `.xlsx` built from
//! sheet text with shared strings — and their golds. Used by `tests/formats.rs` and by any other
//! test (search, compare, dedup) that wants to run on the formats corpus.

use super::{utf16, write, zip_of};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// One stored file of the formats corpus and its gold.
#[derive(Debug, Clone)]
pub struct FormatsFile {
    /// `forms-01-hongyuan`: the stored name up to its first dot.
    pub stem: String,
    /// The stored file, e.g. `tests/formats/tune/forms-01-hongyuan.txt`.
    pub stored: PathBuf,
    pub gold: Gold,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Gold {
    pub family: String,
    #[serde(default)]
    pub note: String,
    pub positions: Vec<GoldPosition>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct GoldPosition {
    pub title: String,
    #[serde(default = "duties_kind")]
    pub kind: String,
    pub duties: usize,
    pub first: String,
    pub last: String,
    #[serde(default)]
    pub department: Option<String>,
    #[serde(default)]
    pub reports_to: Option<Vec<String>>,
}

fn duties_kind() -> String {
    "duties".into()
}

/// The families, in the README's order.
pub const FAMILIES: [&str; 10] = [
    "forms",
    "controlled",
    "postings",
    "qa",
    "handbook",
    "docsite",
    "word",
    "sheet",
    "encodings",
    "merged",
];

/// The stored files of one folder (`tests/formats/tune`), each with its gold, sorted by name.
/// Files without a gold are an error: every file of the corpus is judged.
pub fn read_set(dir: &Path) -> Vec<FormatsFile> {
    let mut files = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return files;
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.') && !n.ends_with(".gold.json") && n != "README.md")
        .collect();
    names.sort();
    for name in names {
        let stem = name.split('.').next().unwrap_or(&name).to_string();
        let gold_path = dir.join(format!("{stem}.gold.json"));
        let gold_text = std::fs::read_to_string(&gold_path)
            .unwrap_or_else(|e| panic!("{}: {e}", gold_path.display()));
        let gold: Gold = serde_json::from_str(&gold_text)
            .unwrap_or_else(|e| panic!("{}: {e}", gold_path.display()));
        files.push(FormatsFile {
            stem,
            stored: dir.join(&name),
            gold,
        });
    }
    files
}

/// The name a stored file has once converted: `NAME.gbk.txt` → `NAME.txt`,
/// `NAME.docx.spec` → `NAME.docx`, `NAME.xlsx.tsv` → `NAME.xlsx`.
pub fn converted_name(stored: &str) -> String {
    for (suffix, becomes) in [
        (".gbk.txt", ".txt"),
        (".utf16.txt", ".txt"),
        (".bom.txt", ".txt"),
        (".gbk.csv", ".csv"),
        (".docx.spec", ".docx"),
        (".xlsx.tsv", ".xlsx"),
    ] {
        if let Some(name) = stored.strip_suffix(suffix) {
            return format!("{name}{becomes}");
        }
    }
    stored.to_string()
}

/// Converts one stored file into `out`; returns the path written.
pub fn convert(stored: &Path, out: &Path) -> PathBuf {
    let name = stored.file_name().unwrap().to_string_lossy().into_owned();
    let text = std::fs::read_to_string(stored).unwrap_or_else(|e| panic!("{name}: {e}"));
    let target = converted_name(&name);
    let bytes = if name.ends_with(".gbk.txt") {
        gbk(&crlf(&text))
    } else if name.ends_with(".utf16.txt") {
        utf16(&crlf(&text), true)
    } else if name.ends_with(".bom.txt") {
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend_from_slice(text.as_bytes());
        bytes
    } else if name.ends_with(".gbk.csv") {
        gbk(&csv_crlf(&text))
    } else if name.ends_with(".docx.spec") {
        docx_from_spec(&text)
    } else if name.ends_with(".xlsx.tsv") {
        xlsx_from_sheets(&text)
    } else {
        text.into_bytes()
    };
    write(out, &target, &bytes)
}

/// Every file of every set of tests/formats/ (tune/, holdout/, holdout2/ …), converted into the
/// containers and encodings it stands for in `out`; the paths written, set by set.
pub fn convert_every_set(out: &Path) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/formats");
    let mut sets: Vec<PathBuf> = std::fs::read_dir(&root)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    sets.sort();
    sets.iter()
        .flat_map(|set| convert_set(&read_set(set), out))
        .collect()
}

/// Converts every file of a set into `out`.
pub fn convert_set(files: &[FormatsFile], out: &Path) -> Vec<PathBuf> {
    files.iter().map(|f| convert(&f.stored, out)).collect()
}

/// The file as a person reading it sees its text, line by line, without zhize: the stored text
/// for text files, the paragraphs (no automatic numbers) for a `.docx` spec, the rows with their
/// cells tab-separated for a sheet. What the naive baseline parser reads.
pub fn plain_text(stored: &Path) -> String {
    let name = stored.file_name().unwrap().to_string_lossy().into_owned();
    let text = std::fs::read_to_string(stored).unwrap();
    if name.ends_with(".docx.spec") {
        let mut out = String::new();
        for line in text.lines() {
            let line = line.trim_end();
            if line.starts_with('#')
                || line.is_empty()
                || matches!(line, "table" | "end" | "restart")
            {
                continue;
            }
            if let Some(row) = line.strip_prefix('|') {
                let cells: Vec<&str> = row
                    .trim_end_matches('|')
                    .split('|')
                    .map(str::trim)
                    .collect();
                out.push_str(&cells.join("\t").replace("\\n", "\n"));
                out.push('\n');
                continue;
            }
            let (_, body) = line.split_once(':').unwrap_or(("", line));
            out.push_str(body.trim());
            out.push('\n');
        }
        return out;
    }
    if name.ends_with(".xlsx.tsv") {
        return text
            .lines()
            .filter(|l| !l.starts_with("=== "))
            .map(|l| l.replace("\\n", "\n"))
            .collect::<Vec<_>>()
            .join("\n");
    }
    text
}

fn crlf(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\n', "\r\n")
}

/// Excel's CSV: records end in CRLF, line breaks inside a quoted cell stay LF.
fn csv_crlf(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                out.push(c);
            }
            '\n' if !quoted => out.push_str("\r\n"),
            _ => out.push(c),
        }
    }
    out
}

fn gbk(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(text);
    assert!(!unmappable, "text not representable in GBK");
    bytes.into_owned()
}

fn escape(text: &str) -> String {
    quick_xml::escape::escape(text).into_owned()
}

/// Runs as Word writes them: a paragraph's text is often cut into several runs.
fn runs(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let cut = chars.len() / 3;
    let mut out = String::new();
    for part in [&chars[..cut], &chars[cut..]] {
        if part.is_empty() {
            continue;
        }
        let part: String = part.iter().collect();
        out.push_str(&format!(
            "<w:r><w:rPr><w:rFonts w:hint=\"eastAsia\"/></w:rPr><w:t xml:space=\"preserve\">{}</w:t></w:r>",
            escape(&part)
        ));
    }
    out
}

fn paragraph(properties: &str, text: &str) -> String {
    let properties = if properties.is_empty() {
        String::new()
    } else {
        format!("<w:pPr>{properties}</w:pPr>")
    };
    format!("<w:p>{properties}{}</w:p>", runs(text))
}

fn style(id: &str) -> String {
    format!("<w:pStyle w:val=\"{id}\"/>")
}

fn numbered(num_id: usize, level: usize) -> String {
    format!(
        "<w:pStyle w:val=\"ListParagraph\"/><w:numPr><w:ilvl w:val=\"{level}\"/><w:numId w:val=\"{num_id}\"/></w:numPr><w:ind w:left=\"420\" w:hanging=\"420\"/>"
    )
}

const W_NS: &str = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" \
xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"";

/// A `.docx` from the spec format of `tests/formats/README.md`: `title:`, `h1:`–`h3:`, `p:`,
/// `num:` / `num2:` (Word's automatic decimal list, level 0 `%1.`, level 1 `%2)`; the number is not
/// in the text), `bullet:` (a bullet list through the List Bullet style), `restart`, and
/// `table` … `end` with `| a | b |` rows (a row with fewer cells than the widest row spans its
/// last cell over the rest; `\n` in a cell starts another paragraph in it).
pub fn docx_from_spec(spec: &str) -> Vec<u8> {
    let mut body = String::new();
    // numId 1 is the bullet list; decimal lists from 2 on, one per `restart`.
    let mut num_id = 2;
    let mut nums = vec![2usize];
    let mut table: Option<Vec<Vec<String>>> = None;
    for line in spec.lines() {
        let line = line.trim_end();
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if let Some(rows) = &mut table {
            if line.trim() == "end" {
                body.push_str(&table_xml(rows));
                table = None;
            } else if let Some(row) = line.trim().strip_prefix('|') {
                rows.push(
                    row.trim_end_matches('|')
                        .split('|')
                        .map(|c| c.trim().to_string())
                        .collect(),
                );
            }
            continue;
        }
        match line.trim() {
            "table" => {
                table = Some(Vec::new());
                continue;
            }
            "restart" => {
                num_id += 1;
                nums.push(num_id);
                continue;
            }
            _ => {}
        }
        let (kind, text) = line.split_once(':').unwrap_or((line, ""));
        let text = text.trim();
        let properties = match kind.trim() {
            "title" => style("Title"),
            "h1" => style("Heading1"),
            "h2" => style("Heading2"),
            "h3" => style("Heading3"),
            "p" => String::new(),
            "num" => numbered(num_id, 0),
            "num2" => numbered(num_id, 1),
            "bullet" => style("ListBullet"),
            other => panic!("unknown spec line kind `{other}`: {line}"),
        };
        body.push_str(&paragraph(&properties, text));
    }
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <w:document {W_NS}><w:body>{body}<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/></w:sectPr></w:body></w:document>"
    );
    let mut numbering = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:numbering ",
    );
    numbering.push_str(W_NS);
    numbering.push('>');
    // abstractNum 0: the decimal list; 1: bullets (Symbol font, as Word writes them).
    numbering.push_str(
        "<w:abstractNum w:abstractNumId=\"0\"><w:multiLevelType w:val=\"hybridMultilevel\"/>\
<w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/><w:numFmt w:val=\"decimal\"/><w:lvlText w:val=\"%1.\"/><w:lvlJc w:val=\"left\"/><w:pPr><w:ind w:left=\"420\" w:hanging=\"420\"/></w:pPr></w:lvl>\
<w:lvl w:ilvl=\"1\"><w:start w:val=\"1\"/><w:numFmt w:val=\"lowerLetter\"/><w:lvlText w:val=\"%2)\"/><w:lvlJc w:val=\"left\"/><w:pPr><w:ind w:left=\"840\" w:hanging=\"420\"/></w:pPr></w:lvl>\
</w:abstractNum>\
<w:abstractNum w:abstractNumId=\"1\"><w:multiLevelType w:val=\"hybridMultilevel\"/>\
<w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/><w:numFmt w:val=\"bullet\"/><w:lvlText w:val=\"\u{F0B7}\"/><w:lvlJc w:val=\"left\"/><w:pPr><w:ind w:left=\"420\" w:hanging=\"420\"/></w:pPr><w:rPr><w:rFonts w:ascii=\"Symbol\" w:hAnsi=\"Symbol\" w:hint=\"default\"/></w:rPr></w:lvl>\
</w:abstractNum>\
<w:num w:numId=\"1\"><w:abstractNumId w:val=\"1\"/></w:num>",
    );
    for (k, id) in nums.iter().enumerate() {
        if k == 0 {
            numbering.push_str(&format!(
                "<w:num w:numId=\"{id}\"><w:abstractNumId w:val=\"0\"/></w:num>"
            ));
        } else {
            numbering.push_str(&format!(
                "<w:num w:numId=\"{id}\"><w:abstractNumId w:val=\"0\"/><w:lvlOverride w:ilvl=\"0\"><w:startOverride w:val=\"1\"/></w:lvlOverride></w:num>"
            ));
        }
    }
    numbering.push_str("</w:numbering>");
    let heading = |id: &str, name: &str, level: usize| {
        format!(
            "<w:style w:type=\"paragraph\" w:styleId=\"{id}\"><w:name w:val=\"{name}\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/><w:pPr><w:keepNext/><w:outlineLvl w:val=\"{level}\"/></w:pPr><w:rPr><w:b/></w:rPr></w:style>"
        )
    };
    let styles = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:styles {W_NS}>\
<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Title\"><w:name w:val=\"Title\"/><w:basedOn w:val=\"Normal\"/><w:qFormat/><w:pPr><w:jc w:val=\"center\"/><w:outlineLvl w:val=\"0\"/></w:pPr></w:style>\
{}{}{}\
<w:style w:type=\"paragraph\" w:styleId=\"ListParagraph\"><w:name w:val=\"List Paragraph\"/><w:basedOn w:val=\"Normal\"/><w:qFormat/><w:pPr><w:ind w:firstLineChars=\"200\" w:firstLine=\"420\"/></w:pPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"ListBullet\"><w:name w:val=\"List Bullet\"/><w:basedOn w:val=\"Normal\"/><w:pPr><w:numPr><w:numId w:val=\"1\"/></w:numPr></w:pPr></w:style>\
<w:style w:type=\"table\" w:styleId=\"TableGrid\"><w:name w:val=\"Table Grid\"/></w:style>\
</w:styles>",
        heading("Heading1", "heading 1", 0),
        heading("Heading2", "heading 2", 1),
        heading("Heading3", "heading 3", 2),
    );
    let content_types = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>\
<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>\
<Override PartName=\"/word/numbering.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml\"/>\
</Types>";
    let rels = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>\
</Relationships>";
    let document_rels = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>\
<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering\" Target=\"numbering.xml\"/>\
</Relationships>";
    zip_of(&[
        ("[Content_Types].xml", content_types.as_bytes()),
        ("_rels/.rels", rels.as_bytes()),
        ("word/document.xml", document.as_bytes()),
        ("word/_rels/document.xml.rels", document_rels.as_bytes()),
        ("word/styles.xml", styles.as_bytes()),
        ("word/numbering.xml", numbering.as_bytes()),
    ])
}

fn table_xml(rows: &[Vec<String>]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(1);
    let mut xml = String::from(
        "<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/><w:tblW w:w=\"0\" w:type=\"auto\"/></w:tblPr><w:tblGrid>",
    );
    for _ in 0..columns {
        xml.push_str("<w:gridCol w:w=\"2000\"/>");
    }
    xml.push_str("</w:tblGrid>");
    for row in rows {
        xml.push_str("<w:tr>");
        for (k, cell) in row.iter().enumerate() {
            let span = if k + 1 == row.len() { columns - k } else { 1 };
            xml.push_str("<w:tc><w:tcPr><w:tcW w:w=\"2000\" w:type=\"dxa\"/>");
            if span > 1 {
                xml.push_str(&format!("<w:gridSpan w:val=\"{span}\"/>"));
            }
            xml.push_str("</w:tcPr>");
            for part in cell.split("\\n") {
                xml.push_str(&paragraph("", part));
            }
            xml.push_str("</w:tc>");
        }
        xml.push_str("</w:tr>");
    }
    xml.push_str("</w:tbl>");
    xml
}

/// `A`, `B`, … `Z`, `AA`: a spreadsheet column's letters.
fn column_letters(mut index: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push((b'A' + (index % 26) as u8) as char);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    letters.iter().rev().collect()
}

/// An `.xlsx` from the sheet text of `tests/formats/README.md` (`=== NAME` starts a sheet, cells
/// tab-separated, `\n` a line break in a cell), written as Excel writes it: shared strings,
/// numbers as numbers, one part per sheet.
pub fn xlsx_from_sheets(text: &str) -> Vec<u8> {
    let mut sheets: Vec<(String, Vec<Vec<String>>)> = Vec::new();
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("=== ") {
            sheets.push((name.trim().to_string(), Vec::new()));
            continue;
        }
        let Some((_, rows)) = sheets.last_mut() else {
            panic!("sheet text must start with `=== NAME`");
        };
        rows.push(line.split('\t').map(|c| c.replace("\\n", "\n")).collect());
    }
    let mut strings: Vec<String> = Vec::new();
    let mut string_index = std::collections::HashMap::new();
    let mut parts: Vec<(String, String)> = Vec::new();
    for (number, (_, rows)) in sheets.iter().enumerate() {
        let mut xml = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>",
        );
        for (r, row) in rows.iter().enumerate() {
            xml.push_str(&format!("<row r=\"{}\">", r + 1));
            for (c, cell) in row.iter().enumerate() {
                if cell.is_empty() {
                    continue;
                }
                let reference = format!("{}{}", column_letters(c), r + 1);
                let numeric = cell.chars().all(|ch| ch.is_ascii_digit()) && cell.len() < 10;
                if numeric {
                    xml.push_str(&format!("<c r=\"{reference}\"><v>{cell}</v></c>"));
                } else {
                    let index = *string_index.entry(cell.clone()).or_insert_with(|| {
                        strings.push(cell.clone());
                        strings.len() - 1
                    });
                    xml.push_str(&format!("<c r=\"{reference}\" t=\"s\"><v>{index}</v></c>"));
                }
            }
            xml.push_str("</row>");
        }
        xml.push_str("</sheetData></worksheet>");
        parts.push((format!("xl/worksheets/sheet{}.xml", number + 1), xml));
    }
    let mut shared = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"{0}\" uniqueCount=\"{0}\">",
        strings.len()
    );
    for s in &strings {
        shared.push_str(&format!(
            "<si><t xml:space=\"preserve\">{}</t></si>",
            escape(s)
        ));
    }
    shared.push_str("</sst>");
    let mut workbook = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets>",
    );
    let mut workbook_rels = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">",
    );
    let mut content_types = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>\
<Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml\"/>",
    );
    for (number, (name, _)) in sheets.iter().enumerate() {
        let id = number + 1;
        workbook.push_str(&format!(
            "<sheet name=\"{}\" sheetId=\"{id}\" r:id=\"rId{id}\"/>",
            escape(name)
        ));
        workbook_rels.push_str(&format!(
            "<Relationship Id=\"rId{id}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet{id}.xml\"/>"
        ));
        content_types.push_str(&format!(
            "<Override PartName=\"/xl/worksheets/sheet{id}.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
        ));
    }
    workbook.push_str("</sheets></workbook>");
    workbook_rels.push_str(&format!(
        "<Relationship Id=\"rId{}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/></Relationships>",
        sheets.len() + 1
    ));
    content_types.push_str("</Types>");
    let rels = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>\
</Relationships>";
    let mut entries: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", content_types.as_bytes()),
        ("_rels/.rels", rels.as_bytes()),
        ("xl/workbook.xml", workbook.as_bytes()),
        ("xl/_rels/workbook.xml.rels", workbook_rels.as_bytes()),
        ("xl/sharedStrings.xml", shared.as_bytes()),
    ];
    for (path, xml) in &parts {
        entries.push((path.as_str(), xml.as_bytes()));
    }
    zip_of(&entries)
}
