//! `cargo run --release --example pieces -- FILE [PIECE_BYTES]`: one large file parsed whole and
//! in pieces (as `zhize index` parses a file of 8 MB or more), timed, with how many pieces the
//! cuts that held made and whether the two parses agree.

use std::time::Instant;
use zhize::parse::{parse_text, parse_text_in_pieces, Vocabulary};
use zhize::roles::RoleRules;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: pieces FILE [PIECE_BYTES]");
    let piece_bytes: usize = args
        .next()
        .map_or(2 << 20, |b| b.parse().expect("a number"));
    let text = std::fs::read_to_string(&path).expect("a UTF-8 file");
    let (vocabulary, rules) = (Vocabulary::shipped(), RoleRules::shipped());
    let started = Instant::now();
    let (documents, report, pieces) =
        parse_text_in_pieces(&path, &text, vocabulary, &rules, piece_bytes);
    let in_pieces = started.elapsed();
    let started = Instant::now();
    let whole = parse_text(&path, &text, vocabulary, &rules);
    let whole_time = started.elapsed();
    let same = whole.documents == documents && whole.report == report;
    println!(
        "{} MB: {} pieces of ~{} bytes in {:.2} s, whole in {:.2} s ({:.2}×), {} documents, same: {same}",
        text.len() / 1_000_000,
        pieces,
        piece_bytes,
        in_pieces.as_secs_f64(),
        whole_time.as_secs_f64(),
        whole_time.as_secs_f64() / in_pieces.as_secs_f64(),
        documents.len(),
    );
}
