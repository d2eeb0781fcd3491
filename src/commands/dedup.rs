//! `zhize dedup` (owned by the dedup work).

use super::InputArgs;
use clap::Args;
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct DedupArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(_args: DedupArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("dedup is not built yet")
}
