//! The `zhize` command line: parses flags and calls the library. Exit codes as ripgrep:
//! 0 results, 1 no results, 2 error.

mod commands;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// zhize (职责): search, compare and deduplicate Chinese job-duty descriptions (岗位职责).
///
/// Every command reads .txt, .md, .docx, .xlsx and .csv files (text in UTF-8, UTF-16 or GBK) from
/// the files or folders given, `-` for standard input, or the shipped corpus in `corpus/` when
/// none are given.
#[derive(Parser)]
#[command(name = "zhize", version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Search duties: which positions handle X? (builds the index when missing or stale)
    Search(commands::search::SearchArgs),
    /// Build (or refresh) the search index.
    Index(commands::search::IndexArgs),
    /// Compare one position between two stores, or a role across all stores.
    Compare(commands::compare::CompareArgs),
    /// Find duplicate duties, positions and documents; write one clean corpus.
    Dedup(commands::dedup::DedupArgs),
    /// Print every parsed position with its duties (JSON lines with --json).
    Export(commands::corpus::ExportArgs),
    /// List stores, positions or roles.
    List(commands::corpus::ListArgs),
    /// Show one store's position with its duties.
    Show(commands::corpus::ShowArgs),
    /// Account for every character and line of the inputs; list what could not be parsed.
    Check(commands::corpus::CheckArgs),
    /// Serve the web app: search, positions, compare, dedup in a browser (http://127.0.0.1:PORT/).
    Serve(commands::serve::ServeArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Search(args) => commands::search::search(args),
        Command::Index(args) => commands::search::index(args),
        Command::Compare(args) => commands::compare::run(args),
        Command::Dedup(args) => commands::dedup::run(args),
        Command::Export(args) => commands::corpus::export(args),
        Command::List(args) => commands::corpus::list(args),
        Command::Show(args) => commands::corpus::show(args),
        Command::Check(args) => commands::corpus::check(args),
        Command::Serve(args) => commands::serve::run(args),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            // Store and file names in a message come from the user's files: keep them text.
            let message = zhize::render::term::sanitize_lines(&format!("{error:#}"));
            eprintln!("zhize: {message}");
            ExitCode::from(2)
        }
    }
}
