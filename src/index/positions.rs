//! The position table of a generation (`positions.bin`): what a search hit shows of its
//! position and document (ids, store, titles, file, role, kind), read per hit. A cold search
//! reads the records of the ten hits it shows instead of decoding the whole skeleton, so its
//! cost does not grow with the corpus (at 1M duties, decoding the skeleton was ~70 % of a
//! 145 ms search).
//!
//! Layout, integers little-endian:
//!
//! ```text
//! magic "ZHPOS001", u64 positions P, u64 documents D
//! P × (u32 document ordinal, u32 position index in the document, u64 record offset)
//! D × (u64 record offset)
//! records: u32 length, then that many bytes of JSON
//! ```
//!
//! A position's record holds its title, role and kind; a document's its id, store, title and
//! file, once for all its positions. Offsets count from the start of the file.

use super::index_error;
use crate::error::{Error, Result};
use crate::model::{Document, PositionKind};
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

const MAGIC: &[u8; 8] = b"ZHPOS001";
const HEADER: u64 = 24;
const POSITION_ENTRY: u64 = 16;
const DOCUMENT_ENTRY: u64 = 8;
/// A record longer than this is a damaged table, not a title (titles are at most a few
/// hundred characters).
const MAX_RECORD: u32 = 1 << 24;

/// What a hit shows of its position and document.
#[derive(Debug, Clone, PartialEq)]
pub struct PositionInfo {
    pub doc_id: String,
    pub store: String,
    /// The document's title.
    pub document: String,
    pub file: String,
    /// The position's title.
    pub title: String,
    pub role: String,
    pub kind: PositionKind,
    /// The position's 0-based index in its document.
    pub position_index: usize,
}

impl PositionInfo {
    /// The position at `index` of `document`.
    pub fn of(document: &Document, index: usize) -> PositionInfo {
        let position = &document.positions[index];
        PositionInfo {
            doc_id: document.id.clone(),
            store: document.store.clone(),
            document: document.title.clone(),
            file: document.file.clone(),
            title: position.title.clone(),
            role: position.role.clone(),
            kind: position.kind,
            position_index: index,
        }
    }
}

#[derive(Serialize, Deserialize)]
struct DocumentRecord {
    id: String,
    store: String,
    title: String,
    file: String,
}

#[derive(Serialize, Deserialize)]
struct PositionRecord {
    title: String,
    role: String,
    kind: PositionKind,
}

/// Collects the table while a generation is built (documents in corpus order), written at the
/// end. At 1M duties it holds ~100k positions: a few MB.
#[derive(Default)]
pub(super) struct PositionTableWriter {
    /// Per position: document ordinal, index in it, offset of its record in `records`.
    positions: Vec<(u32, u32, u64)>,
    /// Per document: offset of its record in `records`.
    documents: Vec<u64>,
    records: Vec<u8>,
}

impl PositionTableWriter {
    /// Adds a document and its positions (their duties are not needed).
    pub(super) fn add(&mut self, document: &Document) {
        let ordinal = self.documents.len() as u32;
        let offset = self.record(&DocumentRecord {
            id: document.id.clone(),
            store: document.store.clone(),
            title: document.title.clone(),
            file: document.file.clone(),
        });
        self.documents.push(offset);
        for (index, position) in document.positions.iter().enumerate() {
            let offset = self.record(&PositionRecord {
                title: position.title.clone(),
                role: position.role.clone(),
                kind: position.kind,
            });
            self.positions.push((ordinal, index as u32, offset));
        }
    }

    fn record(&mut self, record: &impl Serialize) -> u64 {
        let offset = self.records.len() as u64;
        let json = serde_json::to_vec(record).expect("plain strings serialise");
        self.records
            .extend_from_slice(&(json.len() as u32).to_le_bytes());
        self.records.extend_from_slice(&json);
        offset
    }

    /// Writes the table to `path` and syncs it.
    pub(super) fn write(&self, path: &Path) -> Result<()> {
        let io = |e: std::io::Error| Error::Io {
            path: path.to_path_buf(),
            source: e,
        };
        let base = HEADER
            + POSITION_ENTRY * self.positions.len() as u64
            + DOCUMENT_ENTRY * self.documents.len() as u64;
        let file = File::create(path).map_err(io)?;
        let mut out = std::io::BufWriter::new(file);
        out.write_all(MAGIC).map_err(io)?;
        out.write_all(&(self.positions.len() as u64).to_le_bytes())
            .map_err(io)?;
        out.write_all(&(self.documents.len() as u64).to_le_bytes())
            .map_err(io)?;
        for &(document, index, offset) in &self.positions {
            out.write_all(&document.to_le_bytes()).map_err(io)?;
            out.write_all(&index.to_le_bytes()).map_err(io)?;
            out.write_all(&(base + offset).to_le_bytes()).map_err(io)?;
        }
        for &offset in &self.documents {
            out.write_all(&(base + offset).to_le_bytes()).map_err(io)?;
        }
        out.write_all(&self.records).map_err(io)?;
        let file = out.into_inner().map_err(|e| io(e.into_error()))?;
        file.sync_all().map_err(io)
    }
}

/// An open position table: each lookup reads one entry and two records from the file.
#[derive(Debug)]
pub(super) struct PositionTable {
    /// Held open from the moment the generation is opened: a later build may delete the
    /// folder, and an open file stays readable.
    file: Mutex<File>,
    path: PathBuf,
    positions: u64,
    documents: u64,
}

impl PositionTable {
    pub(super) fn open(path: &Path) -> Result<PositionTable> {
        let mut file = File::open(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let mut header = [0u8; HEADER as usize];
        file.read_exact(&mut header)
            .map_err(|e| index_error(path, format!("no table header: {e}")))?;
        if &header[..8] != MAGIC {
            return Err(index_error(path, "not a position table"));
        }
        let positions = u64::from_le_bytes(header[8..16].try_into().expect("8 bytes"));
        let documents = u64::from_le_bytes(header[16..24].try_into().expect("8 bytes"));
        let length = file.metadata().map_err(|e| index_error(path, e))?.len();
        let entries = positions
            .checked_mul(POSITION_ENTRY)
            .and_then(|p| documents.checked_mul(DOCUMENT_ENTRY).map(|d| (p, d)))
            .and_then(|(p, d)| p.checked_add(d))
            .and_then(|e| e.checked_add(HEADER));
        if entries.is_none_or(|end| end > length) {
            return Err(index_error(path, "table shorter than its header says"));
        }
        Ok(PositionTable {
            file: Mutex::new(file),
            path: path.to_path_buf(),
            positions,
            documents,
        })
    }

    /// The position with corpus ordinal `ordinal` (as the `pos` field stores it).
    pub(super) fn get(&self, ordinal: u64) -> Result<PositionInfo> {
        if ordinal >= self.positions {
            return Err(Error::Other(format!(
                "position {ordinal} is not in the position table"
            )));
        }
        let mut file = self.file.lock().unwrap_or_else(|e| e.into_inner());
        let mut entry = [0u8; POSITION_ENTRY as usize];
        self.read_at(&mut file, HEADER + POSITION_ENTRY * ordinal, &mut entry)?;
        let document = u32::from_le_bytes(entry[0..4].try_into().expect("4 bytes")) as u64;
        let index = u32::from_le_bytes(entry[4..8].try_into().expect("4 bytes"));
        let position_offset = u64::from_le_bytes(entry[8..16].try_into().expect("8 bytes"));
        if document >= self.documents {
            return Err(index_error(&self.path, "a position names no document"));
        }
        let mut offset = [0u8; DOCUMENT_ENTRY as usize];
        let at = HEADER + POSITION_ENTRY * self.positions + DOCUMENT_ENTRY * document;
        self.read_at(&mut file, at, &mut offset)?;
        let document_offset = u64::from_le_bytes(offset);
        let position: PositionRecord = self.record(&mut file, position_offset)?;
        let document: DocumentRecord = self.record(&mut file, document_offset)?;
        Ok(PositionInfo {
            doc_id: document.id,
            store: document.store,
            document: document.title,
            file: document.file,
            title: position.title,
            role: position.role,
            kind: position.kind,
            position_index: index as usize,
        })
    }

    fn read_at(&self, file: &mut File, at: u64, buffer: &mut [u8]) -> Result<()> {
        file.seek(SeekFrom::Start(at))
            .and_then(|_| file.read_exact(buffer))
            .map_err(|e| index_error(&self.path, format!("reading at {at}: {e}")))
    }

    fn record<T: for<'de> Deserialize<'de>>(&self, file: &mut File, at: u64) -> Result<T> {
        let mut length = [0u8; 4];
        self.read_at(file, at, &mut length)?;
        let length = u32::from_le_bytes(length);
        if length > MAX_RECORD {
            return Err(index_error(&self.path, format!("record at {at} too long")));
        }
        let mut bytes = vec![0u8; length as usize];
        self.read_at(file, at + 4, &mut bytes)?;
        serde_json::from_slice(&bytes)
            .map_err(|e| index_error(&self.path, format!("record at {at}: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Position;

    fn document(id: &str, titles: &[&str]) -> Document {
        Document {
            id: id.to_string(),
            title: format!("{id}店岗位职责"),
            store: format!("{id}店"),
            file: "合集.txt".to_string(),
            line_start: 1,
            line_end: 9,
            positions: titles
                .iter()
                .map(|t| Position {
                    title: t.to_string(),
                    role: format!("role-{t}"),
                    department: None,
                    reports_to: Vec::new(),
                    subordinates: Vec::new(),
                    kind: PositionKind::Duties,
                    duties: Vec::new(),
                    line_start: 1,
                    line_end: 2,
                    sections: Vec::new(),
                })
                .collect(),
        }
    }

    #[test]
    fn every_position_reads_back_as_the_skeleton_gives_it() {
        let documents = vec![
            document("d1", &["销售经理", "服务顾问"]),
            document("d2", &[]),
            document("d3", &["前台接待"]),
        ];
        let mut writer = PositionTableWriter::default();
        for d in &documents {
            writer.add(d);
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("positions.bin");
        writer.write(&path).unwrap();
        let table = PositionTable::open(&path).unwrap();
        let expected: Vec<PositionInfo> = documents
            .iter()
            .flat_map(|d| (0..d.positions.len()).map(move |i| PositionInfo::of(d, i)))
            .collect();
        // Out of order, as hits come.
        for ordinal in [2u64, 0, 1] {
            assert_eq!(table.get(ordinal).unwrap(), expected[ordinal as usize]);
        }
        assert!(table.get(3).is_err());
    }

    #[test]
    fn a_damaged_table_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("positions.bin");
        std::fs::write(
            &path,
            b"ZHPOS001\xff\xff\xff\xff\xff\xff\xff\x7f\0\0\0\0\0\0\0\0",
        )
        .unwrap();
        assert!(PositionTable::open(&path).is_err());
        std::fs::write(&path, b"garbage").unwrap();
        assert!(PositionTable::open(&path).is_err());
        // A record offset past the end.
        let mut writer = PositionTableWriter::default();
        writer.add(&document("d1", &["销售经理"]));
        writer.write(&path).unwrap();
        let mut bytes = std::fs::read(&path).unwrap();
        bytes[16..24].copy_from_slice(&u64::MAX.to_le_bytes()[..8]);
        bytes.truncate(40);
        std::fs::write(&path, &bytes).unwrap();
        assert!(PositionTable::open(&path).is_err());
    }
}
