//! `zhize dedup`: find duplicate duties, positions and documents; `--write` the clean corpus.

use super::{found, InputArgs};
use anyhow::Context;
use clap::{Args, ValueEnum};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use zhize::dedup::{DedupOptions, Deduplication, Level};
use zhize::render;

#[derive(Args, Debug)]
pub struct DedupArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// What to look for: duplicate duties, positions, documents, or all three.
    #[arg(long, value_enum, default_value_t = LevelArg::All)]
    pub level: LevelArg,
    /// Minimum character-bigram Jaccard similarity (0–1) for two duties to be near-duplicates
    /// (a duty whose bigrams are nearly all inside the other is one too: a truncated copy).
    #[arg(long, value_name = "T", default_value_t = zhize::dedup::DEFAULT_THRESHOLD, value_parser = threshold)]
    pub threshold: f64,
    /// Write the clean corpus: one JSON line per distinct duty with every source it came from.
    #[arg(long, value_name = "OUT.jsonl")]
    pub write: Option<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum LevelArg {
    Duty,
    Position,
    Document,
    All,
}

fn threshold(text: &str) -> Result<f64, String> {
    let value: f64 = text.parse().map_err(|_| format!("not a number: {text}"))?;
    if value > 0.0 && value <= 1.0 {
        Ok(value)
    } else {
        Err(format!("the threshold must be in (0, 1], not {value}"))
    }
}

pub fn run(args: DedupArgs) -> anyhow::Result<ExitCode> {
    let corpus = args.input.load()?;
    let options = DedupOptions {
        level: match args.level {
            LevelArg::Duty => Level::Duty,
            LevelArg::Position => Level::Position,
            LevelArg::Document => Level::Document,
            LevelArg::All => Level::All,
        },
        threshold: args.threshold,
        ..DedupOptions::default()
    };
    let deduplication = Deduplication::new(&corpus, options);
    let report = deduplication.report();
    let mut stdout = std::io::stdout().lock();
    let mut wrote = false;
    if let Some(path) = &args.write {
        let entries = deduplication.clean_corpus();
        let file = std::fs::File::create(path)
            .with_context(|| format!("cannot create {}", path.display()))?;
        render::dedup::write_jsonl(&entries, std::io::BufWriter::new(file))
            .with_context(|| format!("cannot write {}", path.display()))?;
        let duties: usize = entries.iter().map(|entry| entry.sources.len()).sum();
        wrote = !entries.is_empty();
        // The summary goes to stderr so `--json` output on stdout stays one document.
        eprintln!(
            "zhize: wrote {} entries for {} duties to {}",
            entries.len(),
            duties,
            path.display()
        );
    }
    if args.json {
        writeln!(stdout, "{}", render::dedup::json(&report))?;
    } else {
        let color = render::term::color_enabled();
        write!(stdout, "{}", render::dedup::terminal(&report, color))?;
    }
    // Writing a non-empty clean corpus is a result even when nothing was duplicated.
    Ok(found(!report.is_empty() || wrote))
}
