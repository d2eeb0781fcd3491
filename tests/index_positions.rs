//! The position table: a search on an index on disk shows what its hits' positions and
//! documents are from `positions.bin`, read per hit, never from the whole skeleton, and shows
//! exactly what the skeleton says.

use std::path::PathBuf;
use zhize::index::{ensure, IndexOptions, NoProgress, PositionInfo};
use zhize::search::{search, GroupBy, SearchOptions};
use zhize::segment::Vocabulary;

const QUERIES: &[&str] = &[
    "销售",
    "客户投诉",
    "谁负责二手车评估",
    "库存管理",
    "保险理赔",
    "how to handle complaints",
    "新车交付",
    "財務報表",
    "配件采购",
    "试驾",
];

fn options(dir: &std::path::Path) -> IndexOptions {
    IndexOptions {
        dir: dir.join("index"),
        inputs: vec![PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus")],
        load: zhize::LoadOptions::default(),
        vocabulary: Default::default(),
    }
}

fn json(index: &zhize::index::DutyIndex, query: &str, by: GroupBy) -> String {
    let options = SearchOptions {
        by,
        ..Default::default()
    };
    serde_json::to_string(&search(index, query, &options).unwrap()).unwrap()
}

#[test]
fn every_position_in_the_table_is_what_the_skeleton_says() {
    let dir = tempfile::tempdir().unwrap();
    let options = options(dir.path());
    let (on_disk, _) = ensure(&options, &NoProgress).unwrap();
    assert!(on_disk.meta.positions > 50, "{}", on_disk.meta.positions);
    for ordinal in 0..on_disk.meta.positions as u64 {
        let (document, index) = on_disk.skeleton_position(ordinal).unwrap();
        assert_eq!(
            on_disk.position(ordinal).unwrap(),
            PositionInfo::of(document, index),
            "position {ordinal}"
        );
    }
    assert!(on_disk.position(on_disk.meta.positions as u64).is_err());
}

#[test]
fn hits_on_disk_show_their_positions_as_the_skeleton_gives_them() {
    let dir = tempfile::tempdir().unwrap();
    let options = options(dir.path());
    let (on_disk, _) = ensure(&options, &NoProgress).unwrap();
    let skeleton = on_disk.skeleton().unwrap();
    let mut shown = 0;
    for query in QUERIES {
        let options = SearchOptions {
            by: GroupBy::Duty,
            limit: 20,
            ..Default::default()
        };
        for hit in search(&on_disk, query, &options).unwrap().duties {
            let document = skeleton
                .documents
                .iter()
                .find(|d| d.id == hit.doc_id)
                .unwrap();
            let position = &document.positions[hit.position_index];
            assert_eq!(
                (&hit.store, &hit.document, &hit.file),
                (&document.store, &document.title, &document.file)
            );
            assert_eq!(
                (&hit.position, &hit.role, hit.kind),
                (&position.title, &position.role, position.kind)
            );
            assert!(
                (position.line_start..=position.line_end).contains(&hit.line),
                "{hit:?}"
            );
            shown += 1;
        }
    }
    assert!(
        shown > 100,
        "the queries show too few hits to compare ({shown})"
    );
}

#[test]
fn a_search_reads_no_skeleton_unless_it_filters_by_store_or_role() {
    let dir = tempfile::tempdir().unwrap();
    let options = options(dir.path());
    let (built, report) = ensure(&options, &NoProgress).unwrap();
    let expected = json(&built, "客户投诉", GroupBy::Position);
    drop(built);
    // Without its skeleton, the generation still answers: hits come from the position table.
    let generation = options.dir.join(&report.generation);
    std::fs::remove_file(generation.join("skeleton.json.zst")).unwrap();
    let index = zhize::index::open_generation(&generation, &Vocabulary::shipped()).unwrap();
    assert_eq!(json(&index, "客户投诉", GroupBy::Position), expected);
    assert!(expected.contains("\"store\""));
    // A filter by role needs the skeleton, and says so rather than answering wrongly.
    let filtered = SearchOptions {
        role: Some("销售经理".into()),
        ..Default::default()
    };
    assert!(search(&index, "客户投诉", &filtered).is_err());
}

#[test]
fn a_generation_without_its_position_table_is_unreadable_and_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let options = options(dir.path());
    let (_, first) = ensure(&options, &NoProgress).unwrap();
    let generation = options.dir.join(&first.generation);
    std::fs::remove_file(generation.join("positions.bin")).unwrap();
    assert!(zhize::index::open_generation(&generation, &Vocabulary::shipped()).is_err());
    let (index, second) = ensure(&options, &NoProgress).unwrap();
    assert!(second.built, "{second:?}");
    assert!(second.reason.starts_with("unreadable"), "{}", second.reason);
    assert!(!json(&index, "试驾", GroupBy::Duty).contains("\"duties\":[]"));
}
