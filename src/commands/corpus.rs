//! `zhize export`, `list`, `show` and `check`: what the parser found.

use super::InputArgs;
use clap::Args;
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct ExportArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Print one JSON object per position, one per line.
    #[arg(long)]
    pub json: bool,
}
#[derive(Args, Debug)]
pub struct ListArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[arg(long)]
    pub json: bool,
}
#[derive(Args, Debug)]
pub struct ShowArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[arg(long)]
    pub json: bool,
}
#[derive(Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[arg(long)]
    pub json: bool,
}
pub fn export(_a: ExportArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("todo")
}
pub fn list(_a: ListArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("todo")
}
pub fn show(_a: ShowArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("todo")
}
pub fn check(_a: CheckArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("todo")
}
