//! `zhize dedup`: find duplicate duties, positions and documents; `--write` the clean corpus.

use super::{found, InputArgs};
use anyhow::Context;
use clap::{Args, ValueEnum};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use zhize::dedup::{text::Vocabulary, DedupOptions, Deduplication, Level};
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
    /// Compare two duties and say why they are or are not duplicates: two duty texts, or two
    /// places `FILE:LINE` (the duty that begins on that line).
    #[arg(long, num_args = 2, value_names = ["A", "B"])]
    pub explain: Option<Vec<String>>,
    /// List the words that swap in otherwise identical duties of the corpus, as `same` lines to
    /// accept into a vocabulary file of your own.
    #[arg(long)]
    pub learn: bool,
    /// Your own dedup vocabulary (the format of data/dedup.txt), read after the shipped one.
    #[arg(long, value_name = "FILE")]
    pub vocabulary: Option<PathBuf>,
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

/// A duty text, or the text of the duty that begins on LINE of FILE.
fn duty_text(argument: &str) -> anyhow::Result<String> {
    if let Some((file, line)) = argument.rsplit_once(':') {
        if let (Ok(line), true) = (line.parse::<usize>(), std::path::Path::new(file).is_file()) {
            let corpus = zhize::load(&[PathBuf::from(file)], &zhize::LoadOptions::default())?;
            let duty = corpus
                .documents
                .iter()
                .flat_map(|document| &document.positions)
                .flat_map(|position| &position.duties)
                .find(|duty| duty.line == line);
            return match duty {
                Some(duty) => Ok(duty.text.clone()),
                None => anyhow::bail!("{file}:{line}: no duty begins on this line"),
            };
        }
    }
    Ok(argument.to_string())
}

fn explain(args: &DedupArgs, options: &DedupOptions) -> anyhow::Result<ExitCode> {
    let pair = args.explain.as_deref().unwrap_or_default();
    let (a, b) = (duty_text(&pair[0])?, duty_text(&pair[1])?);
    let explanation = zhize::dedup::explain::explain(options.vocabulary(), options.rule(), &a, &b);
    let mut stdout = std::io::stdout().lock();
    if args.json {
        writeln!(
            stdout,
            "{}",
            serde_json::to_string_pretty(&explanation).expect("serialises")
        )?;
    } else {
        write!(stdout, "{}", render::dedup::explanation(&explanation))?;
    }
    Ok(found(explanation.verdict == "duplicate"))
}

pub fn run(args: DedupArgs) -> anyhow::Result<ExitCode> {
    let vocabulary: &'static Vocabulary = match &args.vocabulary {
        Some(path) => Box::leak(Box::new(Vocabulary::with_user_file(Some(path))?)),
        None => Vocabulary::shipped(),
    };
    if args.explain.is_some() {
        let options = DedupOptions {
            threshold: args.threshold,
            vocabulary: Some(vocabulary),
            ..DedupOptions::default()
        };
        return explain(&args, &options);
    }
    let corpus = args.input.load()?;
    let options = DedupOptions {
        vocabulary: Some(vocabulary),
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
    let mut stdout = std::io::stdout().lock();
    if args.learn {
        let learned = zhize::dedup::learn::learned_equivalences(&deduplication, vocabulary);
        if args.json {
            writeln!(
                stdout,
                "{}",
                serde_json::to_string_pretty(&learned).expect("serialises")
            )?;
        } else {
            write!(stdout, "{}", render::dedup::learned(&learned))?;
        }
        return Ok(found(!learned.is_empty()));
    }
    let report = deduplication.report();
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
