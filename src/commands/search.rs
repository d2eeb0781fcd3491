//! `zhize search` and `zhize index`.

use super::{found, InputArgs};
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::OnceLock;
use zhize::index::{IndexOptions, IndexReport, Progress};
use zhize::render::search as render;
use zhize::search::{GroupBy, SearchOptions};
use zhize::segment::VocabularyFiles;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum By {
    /// One answer per store + role, with its matching duties.
    Position,
    /// One answer per duty.
    Duty,
}

/// The user's vocabulary files, loaded after the shipped ones.
#[derive(Args, Debug, Clone)]
pub struct VocabularyArgs {
    /// Extra words to keep whole when segmenting, one per line (`word [frequency]`).
    #[arg(long, value_name = "FILE")]
    pub lexicon: Option<PathBuf>,
    /// Extra question/filler words to leave out of queries, one or more per line.
    #[arg(long, value_name = "FILE")]
    pub stopwords: Option<PathBuf>,
    /// Extra synonym groups: `a b c` per line, or `a => b c` for one-way expansion.
    #[arg(long, value_name = "FILE")]
    pub synonyms: Option<PathBuf>,
    /// Extra English glossary entries: `english phrase | variant = 中文 中文`.
    #[arg(long, value_name = "FILE")]
    pub glossary: Option<PathBuf>,
    /// Extra concepts: `词 变体 … > 上位词 … = english phrase | english phrase`, under
    /// `[部门 | department]` lines (the format of data/concepts.txt).
    #[arg(long, value_name = "FILE")]
    pub concepts: Option<PathBuf>,
}

impl VocabularyArgs {
    fn files(&self) -> VocabularyFiles {
        VocabularyFiles {
            lexicon: self.lexicon.clone(),
            stopwords: self.stopwords.clone(),
            synonyms: self.synonyms.clone(),
            glossary: self.glossary.clone(),
            concepts: self.concepts.clone(),
        }
    }
}

#[derive(Args, Debug)]
pub struct SearchArgs {
    /// What to look for: words, a question (谁负责保险续保), or English. Plain text: quotes,
    /// colons and operators are just characters (see --raw).
    pub query: String,
    #[command(flatten)]
    pub input: InputArgs,
    /// How many positions (or duties) to show.
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub limit: usize,
    /// Group hits by position (store + role) or list duties.
    #[arg(long, value_enum, default_value_t = By::Position)]
    pub by: By,
    /// Only this store: a document id (d3) or a unique part of a store or document name.
    #[arg(long, value_name = "STORE")]
    pub store: Option<String>,
    /// Only this role (any title variant, e.g. 销售顾问).
    #[arg(long, value_name = "ROLE")]
    pub role: Option<String>,
    /// Parse QUERY with tantivy's query syntax (field:term, "phrases", AND/OR, +/-).
    #[arg(long)]
    pub raw: bool,
    /// The index folder. With inputs named, it is built or refreshed when missing or stale; with
    /// none, the index is searched as built, from the inputs it records.
    #[arg(long, value_name = "DIR", default_value = zhize::index::DEFAULT_INDEX)]
    pub index: PathBuf,
    /// Matching duties shown under each position in the terminal.
    #[arg(long, default_value_t = 3, value_name = "N")]
    pub duties: usize,
    #[command(flatten)]
    pub vocabulary: VocabularyArgs,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct IndexArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// The index folder. With no inputs named, an existing index is rebuilt from the inputs it
    /// records.
    #[arg(long, value_name = "DIR", default_value = zhize::index::DEFAULT_INDEX)]
    pub index: PathBuf,
    /// Rebuild even when the index is up to date.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub vocabulary: VocabularyArgs,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn index_options(
    input: &InputArgs,
    dir: &std::path::Path,
    vocabulary: &VocabularyArgs,
) -> IndexOptions {
    IndexOptions {
        dir: dir.to_path_buf(),
        inputs: input.paths(),
        load: zhize::LoadOptions {
            manifest: input.manifest.clone(),
            aliases: input.aliases.clone(),
        },
        vocabulary: vocabulary.files(),
    }
}

/// A progress bar on standard error, drawn only on a terminal and for large inputs.
struct Bar {
    bar: OnceLock<ProgressBar>,
}

impl Bar {
    fn new() -> Bar {
        Bar {
            bar: OnceLock::new(),
        }
    }
}

impl Progress for Bar {
    fn begin(&self, bytes: u64) {
        // About 2 MB of input index in a second or two: no bar below that.
        if bytes < 2_000_000 || !std::io::stderr().is_terminal() {
            return;
        }
        let bar = ProgressBar::with_draw_target(Some(bytes), ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template(
            "indexing {bar:40} {binary_bytes}/{binary_total_bytes} of input ({elapsed})",
        ) {
            bar.set_style(style);
        }
        let _ = self.bar.set(bar);
    }

    fn advance(&self, bytes: u64) {
        if let Some(bar) = self.bar.get() {
            bar.inc(bytes);
        }
    }

    fn finish(&self) {
        if let Some(bar) = self.bar.get() {
            bar.finish_and_clear();
        }
    }
}

fn tell(report: &IndexReport) {
    for note in &report.notes {
        eprintln!("zhize: {}", zhize::render::term::sanitize(note));
    }
    if report.built {
        eprintln!(
            "zhize: index {} built ({}): {} duties in {} ms",
            report.index, report.reason, report.duties, report.elapsed_ms
        );
    }
}

/// Writes to standard output; a closed pipe (`| head`) is not an error.
fn emit(text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

/// With no inputs named and an index in the folder, the inputs that index records (the
/// manifest and aliases given on the command line still apply).
fn recorded_options(
    args_input: &InputArgs,
    dir: &std::path::Path,
    vocabulary: &VocabularyArgs,
) -> anyhow::Result<Option<IndexOptions>> {
    if !args_input.paths.is_empty() {
        return Ok(None);
    }
    let Some(mut options) = zhize::index::recorded_options(dir, &vocabulary.files())? else {
        return Ok(None);
    };
    if args_input.manifest.is_some() {
        options.load.manifest = args_input.manifest.clone();
    }
    if args_input.aliases.is_some() {
        options.load.aliases = args_input.aliases.clone();
    }
    Ok(Some(options))
}

/// With no inputs named and no index yet, the default corpus folder, which must exist.
fn default_inputs_exist(input: &InputArgs, dir: &std::path::Path) -> anyhow::Result<()> {
    let default = std::path::Path::new(zhize::DEFAULT_CORPUS);
    if input.paths.is_empty() && !default.exists() {
        anyhow::bail!(
            "{} holds no index and no inputs were named (the default, ./{}, does not exist): \
             name the files or folders to index",
            dir.display(),
            zhize::DEFAULT_CORPUS
        );
    }
    Ok(())
}

pub fn search(args: SearchArgs) -> anyhow::Result<ExitCode> {
    let bar = Bar::new();
    let (index, report) = match recorded_options(&args.input, &args.index, &args.vocabulary)? {
        Some(options) => zhize::index::open_as_built(&options, &bar)?,
        None => {
            default_inputs_exist(&args.input, &args.index)?;
            let options = index_options(&args.input, &args.index, &args.vocabulary);
            zhize::index::ensure(&options, &bar)?
        }
    };
    tell(&report);
    let search_options = SearchOptions {
        limit: args.limit,
        by: match args.by {
            By::Position => GroupBy::Position,
            By::Duty => GroupBy::Duty,
        },
        store: args.store.clone(),
        role: args.role.clone(),
        raw: args.raw,
    };
    let results = zhize::search::search(&index, &args.query, &search_options)?;
    if args.json {
        let json = serde_json::to_string_pretty(&render::results_json(&results))?;
        emit(&format!("{json}\n"))?;
    } else {
        let color = zhize::render::term::color_enabled();
        emit(&render::results_text(&results, color, args.duties))?;
        if results.is_empty() {
            eprintln!(
                "zhize: nothing matches {:?}",
                zhize::render::term::sanitize(&args.query)
            );
        }
    }
    Ok(found(!results.is_empty()))
}

pub fn index(args: IndexArgs) -> anyhow::Result<ExitCode> {
    let options = match recorded_options(&args.input, &args.index, &args.vocabulary)? {
        Some(options) => options,
        None => {
            default_inputs_exist(&args.input, &args.index)?;
            index_options(&args.input, &args.index, &args.vocabulary)
        }
    };
    let bar = Bar::new();
    let report = zhize::index::build(&options, args.force, &bar)?;
    if args.json {
        let json = serde_json::to_string_pretty(&render::report_json(&report))?;
        emit(&format!("{json}\n"))?;
    } else {
        emit(&render::report_text(&report))?;
    }
    Ok(ExitCode::SUCCESS)
}
