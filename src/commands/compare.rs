//! `zhize compare` (owned by the compare work).

use super::InputArgs;
use clap::Args;
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct CompareArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(_args: CompareArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("compare is not built yet")
}
