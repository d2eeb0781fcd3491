//! `zhize export`, `list`, `show` and `check`: what the parser found.

use super::{found, InputArgs};
use clap::{Args, ValueEnum};
use serde_json::json;
use std::io::Write;
use std::process::ExitCode;
use zhize::render::{corpus as render, term};

#[derive(Args, Debug)]
pub struct ExportArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Print one JSON object per position, one per line (JSON Lines).
    #[arg(long)]
    pub json: bool,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ListWhat {
    /// Documents, each with its store name and id.
    Stores,
    /// Every position of every document.
    Positions,
    /// Canonical roles of the posts (lists of duties or requirements; not checklists, scopes or
    /// untitled lists), with how many stores define each.
    Roles,
}

#[derive(Args, Debug)]
pub struct ListArgs {
    /// What to list.
    #[arg(value_enum)]
    pub what: ListWhat,
    #[command(flatten)]
    pub input: InputArgs,
    /// Print a JSON array.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct ShowArgs {
    /// A position id (`d4.p2`, see `zhize list positions`), or a document id (`d3`) or any
    /// unique part of a store or document name.
    pub store: String,
    /// A position title in any variant (销售经理, 销售部经理, 4S店销售经理岗位职责 …); not needed
    /// with a position id.
    pub role: Option<String>,
    #[command(flatten)]
    pub input: InputArgs,
    /// Print the positions as a JSON array (each in the export shape).
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Print one JSON object: {"files": [...]}.
    #[arg(long)]
    pub json: bool,
}

fn columns() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(100)
}

fn print(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error worth a message.
    match out.write_all(text.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

/// Loads the corpus and warns about files in which nothing was found.
fn load(input: &InputArgs) -> anyhow::Result<zhize::Corpus> {
    let corpus = input.load()?;
    for report in &corpus.files {
        if report.duties == 0 {
            eprintln!(
                "zhize: warning: {}: no duties found (no numbered or bulleted lists)",
                term::sanitize(&report.file)
            );
        }
    }
    if corpus.files.iter().all(|r| r.duties == 0) {
        anyhow::bail!("no duties found in the input");
    }
    Ok(corpus)
}

pub fn export(args: ExportArgs) -> anyhow::Result<ExitCode> {
    let corpus = load(&args.input)?;
    let color = !args.json && term::color_enabled();
    let mut text = String::new();
    for (document, position) in corpus.positions() {
        if args.json {
            text.push_str(&render::position_json(document, position).to_string());
            text.push('\n');
        } else {
            text.push_str(&render::position_text(document, position, color, columns()));
            text.push('\n');
        }
    }
    print(&text)?;
    let any = corpus.positions().next().is_some();
    Ok(found(any))
}

pub fn list(args: ListArgs) -> anyhow::Result<ExitCode> {
    let corpus = load(&args.input)?;
    let color = !args.json && term::color_enabled();
    let text = match (args.what, args.json) {
        (ListWhat::Stores, true) => serde_json::to_string_pretty(&render::stores_json(&corpus))?,
        (ListWhat::Stores, false) => render::stores_text(&corpus, color),
        (ListWhat::Positions, true) => {
            serde_json::to_string_pretty(&render::positions_json(&corpus))?
        }
        (ListWhat::Positions, false) => render::positions_text(&corpus, color),
        (ListWhat::Roles, true) => serde_json::to_string_pretty(&render::roles_json(&corpus))?,
        (ListWhat::Roles, false) => render::role_rows(&corpus)
            .iter()
            .map(|row| {
                format!(
                    "{} {:>3}  {}\n",
                    term::fit(&term::sanitize(row.role), 20),
                    row.documents.len(),
                    term::paint(
                        &term::sanitize(
                            &row.titles.iter().copied().collect::<Vec<_>>().join(" / ")
                        ),
                        term::Style::Dim,
                        color
                    )
                )
            })
            .collect(),
    };
    print(&text)?;
    if args.json {
        print("\n")?;
    }
    Ok(found(!corpus.documents.is_empty()))
}

pub fn show(mut args: ShowArgs) -> anyhow::Result<ExitCode> {
    // `show d4.p2 PATH`: clap took the path for ROLE.
    if zhize::model::parse_position_id(&args.store).is_some() {
        if let Some(role) = args
            .role
            .take_if(|r| std::path::Path::new(r).exists() || r == "-")
        {
            args.input.paths.insert(0, role.into());
        }
    }
    let corpus = load(&args.input)?;
    let positions = match zhize::select::find_position_by_id(&corpus, &args.store)? {
        Some(one) => vec![one],
        None => {
            let role = args.role.as_deref().ok_or_else(|| {
                anyhow::anyhow!(
                    "`{}` is not a position id: give a ROLE too (`zhize show {} 销售经理`)",
                    args.store,
                    args.store
                )
            })?;
            zhize::select::find_positions(&corpus, Some(&args.store), role)?
        }
    };
    let color = !args.json && term::color_enabled();
    let text = if args.json {
        let values: Vec<_> = positions
            .iter()
            .map(|(d, p)| render::position_json(d, p))
            .collect();
        serde_json::to_string_pretty(&values)? + "\n"
    } else {
        positions
            .iter()
            .map(|(d, p)| render::position_text(d, p, color, columns()))
            .collect::<Vec<_>>()
            .join("\n")
    };
    print(&text)?;
    Ok(found(!positions.is_empty()))
}

pub fn check(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let corpus = args.input.load()?;
    let color = !args.json && term::color_enabled();
    let text = if args.json {
        serde_json::to_string_pretty(&json!({ "files": corpus.files }))? + "\n"
    } else {
        corpus
            .files
            .iter()
            .map(|r| render::check_text(r, color))
            .collect::<Vec<_>>()
            .join("\n")
    };
    print(&text)?;
    let empty: Vec<&str> = corpus
        .files
        .iter()
        .filter(|r| r.duties == 0)
        .map(|r| r.file.as_str())
        .collect();
    if !empty.is_empty() {
        for file in &empty {
            eprintln!(
                "zhize: {}: no duties found (no numbered or bulleted lists)",
                term::sanitize(file)
            );
        }
        return Ok(ExitCode::from(2));
    }
    Ok(ExitCode::SUCCESS)
}
