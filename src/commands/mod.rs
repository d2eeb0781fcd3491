//! One file per command group: flags in, library calls, rendered output out.

pub mod compare;
pub mod corpus;
pub mod dedup;
pub mod search;
pub mod serve;

use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

/// The inputs every command reads.
#[derive(Args, Debug, Clone)]
pub struct InputArgs {
    /// Files or folders to read (.txt, .md, .docx, .xlsx, .csv), or `-` for standard input.
    /// Default: the shipped corpus in `corpus/`.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// A manifest mapping document ids or titles to store names (lines `d3<TAB>长沙林肯店`).
    #[arg(long, value_name = "FILE")]
    pub manifest: Option<PathBuf>,
    /// Extra role aliases, one role per line: `canonical = variant, variant…`.
    #[arg(long, value_name = "FILE")]
    pub aliases: Option<PathBuf>,
}

impl InputArgs {
    pub fn paths(&self) -> Vec<PathBuf> {
        if self.paths.is_empty() {
            vec![PathBuf::from(zhize::DEFAULT_CORPUS)]
        } else {
            self.paths.clone()
        }
    }

    pub fn load(&self) -> anyhow::Result<zhize::Corpus> {
        let options = zhize::LoadOptions {
            manifest: self.manifest.clone(),
            aliases: self.aliases.clone(),
        };
        let corpus = zhize::load(&self.paths(), &options)?;
        for warning in &corpus.warnings {
            eprintln!("zhize: warning: {}", zhize::render::term::sanitize(warning));
        }
        Ok(corpus)
    }
}

/// 0 when something was found, 1 when nothing was.
pub fn found(any: bool) -> ExitCode {
    if any {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
