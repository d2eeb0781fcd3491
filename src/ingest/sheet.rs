//! Spreadsheets in (`.xlsx` through calamine, `.csv` through the csv crate, GBK or UTF-8), one
//! line per row out: cells separated by tabs, line breaks inside a cell as [`CELL_BREAK`], each
//! sheet of a workbook with several introduced by a line holding its name.

use super::docx::CELL_BREAK;
use super::encoding::decode;
use calamine::{Data, Reader};

/// The rows of every sheet of an `.xlsx` workbook as text. The error is a message for
/// [`crate::Error::BadInput`] (the caller knows the file name).
pub fn xlsx_text(bytes: &[u8]) -> std::result::Result<String, String> {
    if !bytes.starts_with(b"PK") {
        return Err("not an .xlsx (not a zip archive)".into());
    }
    let mut workbook: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes))
            .map_err(|error| format!("not an .xlsx ({error})"))?;
    let names = workbook.sheet_names();
    let mut sheets = Vec::new();
    for name in &names {
        let range = workbook
            .worksheet_range(name)
            .map_err(|error| format!("sheet `{name}` cannot be read: {error}"))?;
        let rows: Vec<Vec<String>> = range
            .rows()
            .map(|row| row.iter().map(cell_text).collect())
            .collect();
        if rows.iter().any(|row| row.iter().any(|c| !c.is_empty())) {
            sheets.push((name.clone(), rows));
        }
    }
    let several = sheets.len() > 1;
    let mut text = String::new();
    for (name, rows) in &sheets {
        if several {
            text.push_str(name.trim());
            text.push('\n');
        }
        for row in rows {
            text.push_str(&row_line(row));
            text.push('\n');
        }
    }
    Ok(text)
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(text) => text.clone(),
        Data::Int(value) => value.to_string(),
        // 序号 columns are numbers: `3`, not `3.0`.
        Data::Float(value) if value.fract() == 0.0 && value.abs() < 1e15 => {
            format!("{}", *value as i64)
        }
        Data::Float(value) => value.to_string(),
        Data::Bool(value) => value.to_string(),
        Data::DateTime(value) => value.to_string(),
        Data::DateTimeIso(text) | Data::DurationIso(text) => text.clone(),
    }
}

/// One row as a line: tabs between cells, line breaks in a cell as [`CELL_BREAK`], trailing
/// empty cells dropped.
fn row_line(row: &[String]) -> String {
    let mut cells: Vec<String> = row
        .iter()
        .map(|cell| {
            let cell = cell
                .replace("\r\n", "\n")
                .replace(['\r', '\n'], &CELL_BREAK.to_string());
            cell.replace('\t', " ").trim().to_string()
        })
        .collect();
    while cells.last().is_some_and(|c| c.is_empty()) {
        cells.pop();
    }
    cells.join("\t")
}

/// The rows of a `.csv` file as text, and the encoding it was decoded from (`GBK`, `UTF-8` …,
/// as [`decode`] names it). The delimiter is a comma unless the first line holds more tabs or
/// semicolons than commas.
pub fn csv_text(bytes: &[u8]) -> (String, String) {
    let (decoded, encoding) = decode(bytes);
    let first = decoded.lines().next().unwrap_or_default();
    let count = |c: char| first.matches(c).count();
    let delimiter = [('\t', count('\t')), (';', count(';'))]
        .into_iter()
        .find(|&(_, n)| n > count(','))
        .map_or(b',', |(c, _)| c as u8);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(decoded.as_bytes());
    let mut text = String::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {
                let row: Vec<String> = record.iter().map(str::to_string).collect();
                text.push_str(&row_line(&row));
                text.push('\n');
            }
            Ok(false) => break,
            // Not valid CSV after all (the crate only fails on bad UTF-8, which decoding ruled
            // out): the rest is kept as plain lines, nothing is lost.
            Err(_) => {
                let at = record.position().map_or(0, |p| p.byte() as usize);
                text.push_str(decoded.get(at..).unwrap_or_default());
                break;
            }
        }
    }
    (text, format!("csv, {encoding}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_rows_keep_cells_and_breaks_inside_them() {
        let csv = "部门,岗位,职责\r\n售后部,钣金技师,\"负责修复\n负责校正\"\r\n行政部,保安,\"值班,巡逻\"\r\n";
        let (text, encoding) = csv_text(csv.as_bytes());
        assert_eq!(encoding, "csv, UTF-8");
        assert_eq!(
            text,
            "部门\t岗位\t职责\n售后部\t钣金技师\t负责修复\u{2028}负责校正\n行政部\t保安\t值班,巡逻\n"
        );
        let (gbk, _, _) = encoding_rs::GBK.encode(csv);
        let (text, encoding) = csv_text(&gbk);
        assert_eq!(encoding, "csv, GBK");
        assert!(text.starts_with("部门\t岗位\t职责\n"));
    }

    #[test]
    fn a_broken_workbook_is_an_error_message() {
        assert!(xlsx_text(b"not a zip").unwrap_err().contains(".xlsx"));
        assert!(xlsx_text(b"PK\x03\x04garbage")
            .unwrap_err()
            .contains(".xlsx"));
    }
}
