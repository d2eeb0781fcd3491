//! `zhize search` and `zhize index` (owned by the search work).

use super::InputArgs;
use clap::Args;
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct SearchArgs {
    /// What to look for: words, a question (谁负责保险续保), or English.
    pub query: String,
    #[command(flatten)]
    pub input: InputArgs,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct IndexArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn search(_args: SearchArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("search is not built yet")
}

pub fn index(_args: IndexArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("index is not built yet")
}
