//! `zhize compare`: one role between two stores (`ROLE --a STORE --b STORE`, or
//! `--a STORE:ROLE --b STORE:ROLE`), or a role across every store that defines it (`ROLE --all`).

use super::InputArgs;
use anyhow::{anyhow, bail, Context};
use clap::Args;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;
use zhize::compare::{self, CompareOptions, Comparison, Coverage};
use zhize::render::{compare as view, html, term};
use zhize::{Corpus, Document, Position};

#[derive(Args, Debug)]
pub struct CompareArgs {
    /// The role, as any of its titles (销售经理, 销售部经理 …). Optional when --a and --b both
    /// name one as STORE:ROLE. Without --a/--b, compares the role across all stores (--all).
    #[arg(value_name = "ROLE")]
    pub role: Option<String>,
    /// Side A: a document id (`d3`) or a unique part of a store/document name, optionally
    /// `STORE:ROLE` to pick a different title on this side.
    #[arg(long = "a", value_name = "STORE[:ROLE]")]
    pub a: Option<String>,
    /// Side B, as --a.
    #[arg(long = "b", value_name = "STORE[:ROLE]")]
    pub b: Option<String>,
    /// A coverage matrix of ROLE across every store that defines it.
    #[arg(long, conflicts_with_all = ["a", "b"])]
    pub all: bool,
    /// Also write a self-contained HTML report to FILE.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Duties scoring below this similarity (0–1) stay unpaired.
    #[arg(long, default_value_t = compare::DEFAULT_THRESHOLD, value_name = "SCORE")]
    pub threshold: f64,
    #[command(flatten)]
    pub input: InputArgs,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// One side as the user named it.
struct Wanted {
    store: String,
    role: String,
}

pub fn run(mut args: CompareArgs) -> anyhow::Result<ExitCode> {
    if !(0.0..=1.0).contains(&args.threshold) {
        bail!("--threshold must be between 0 and 1");
    }
    let options = CompareOptions {
        threshold: args.threshold,
    };
    let explicit_roles = [&args.a, &args.b]
        .iter()
        .all(|side| side.as_deref().and_then(split_side).is_some());
    // `--a X:R --b Y:R PATH`: clap took the first path for ROLE.
    if explicit_roles {
        if let Some(role) = args.role.take() {
            if std::path::Path::new(&role).exists() || role == "-" {
                args.input.paths.insert(0, PathBuf::from(role));
            } else {
                bail!(
                    "ROLE `{role}` given besides STORE:ROLE on both sides; give one or the other"
                );
            }
        }
    }
    let corpus = args.input.load()?;
    match (&args.a, &args.b) {
        (None, None) => {
            let role = args
                .role
                .clone()
                .ok_or_else(|| anyhow!("give a ROLE (e.g. `zhize compare 销售经理 --all`)"))?;
            run_all(&corpus, &role, &args, &options)
        }
        (Some(a), Some(b)) => {
            // A side without a role takes ROLE, else the other side's (`--a d1:销售主管 --b d10`).
            let role_of = |side: &str| split_side(side).map(|(_, role)| role.to_string());
            let role_for_a = args.role.clone().or_else(|| role_of(b));
            let role_for_b = args.role.clone().or_else(|| role_of(a));
            let a = wanted(a, role_for_a.as_deref(), "--a")?;
            let b = wanted(b, role_for_b.as_deref(), "--b")?;
            run_pair(&corpus, &a, &b, &args, &options)
        }
        _ => bail!("give both --a and --b (or --all)"),
    }
}

/// `STORE:ROLE` split at its last colon (ASCII or full-width).
fn split_side(text: &str) -> Option<(&str, &str)> {
    let at = text.rfind([':', '：'])?;
    let colon = text[at..].chars().next()?.len_utf8();
    let (store, role) = (text[..at].trim(), text[at + colon..].trim());
    (!store.is_empty() && !role.is_empty()).then_some((store, role))
}

fn wanted(side: &str, role: Option<&str>, flag: &str) -> anyhow::Result<Wanted> {
    if let Some((store, role)) = split_side(side) {
        return Ok(Wanted {
            store: store.to_string(),
            role: role.to_string(),
        });
    }
    let role =
        role.ok_or_else(|| anyhow!("{flag} {side}: which role? Give ROLE, or {flag} {side}:ROLE"))?;
    Ok(Wanted {
        store: side.trim().to_string(),
        role: role.to_string(),
    })
}

/// The one position a side names: a `duties` list preferred; several documents are an error
/// that lists them.
fn resolve<'a>(
    corpus: &'a Corpus,
    side: &Wanted,
    flag: &str,
) -> anyhow::Result<(&'a Document, &'a Position)> {
    let found = match zhize::select::find_positions(corpus, Some(&side.store), &side.role) {
        Ok(found) => found,
        Err(zhize::Error::NotFound(message)) => {
            return Err(anyhow!(
                "{flag}: {message}{}",
                defined_elsewhere(corpus, &side.role)
            ))
        }
        Err(error) => return Err(anyhow!("{flag}: {error}")),
    };
    // A document listing the role under several titles (金融客服, 金融客服专员 …): the title as
    // typed picks one.
    let typed = zhize::normalize::for_matching(&side.role);
    let exact: Vec<_> = found
        .iter()
        .copied()
        .filter(|(_, p)| zhize::normalize::for_matching(&p.title) == typed)
        .collect();
    let found = if exact.is_empty() { found } else { exact };
    let chosen = compare::one_per_document(&found);
    match chosen.as_slice() {
        [one] => Ok(*one),
        [] => bail!("{flag}: no position `{}` in `{}`", side.role, side.store),
        many => {
            let list: Vec<String> = many
                .iter()
                .map(|(d, p)| {
                    format!(
                        "  {:<4} {} · {} (line {})",
                        d.id, d.store, p.title, p.line_start
                    )
                })
                .collect();
            bail!(
                "{flag}: `{}` matches {} documents defining `{}`; name one by its id:\n{}",
                side.store,
                many.len(),
                side.role,
                list.join("\n")
            )
        }
    }
}

/// "; stores that define it: …" when the role exists somewhere else, for error messages.
fn defined_elsewhere(corpus: &Corpus, role: &str) -> String {
    match zhize::select::find_positions(corpus, None, role) {
        Ok(found) => {
            let list: Vec<String> = compare::one_per_document(&found)
                .iter()
                .map(|(d, p)| format!("  {:<4} {} · {}", d.id, d.store, p.title))
                .collect();
            format!("\n`{role}` is defined in:\n{}", list.join("\n"))
        }
        Err(_) => String::new(),
    }
}

fn run_pair(
    corpus: &Corpus,
    a: &Wanted,
    b: &Wanted,
    args: &CompareArgs,
    options: &CompareOptions,
) -> anyhow::Result<ExitCode> {
    let side_a = resolve(corpus, a, "--a")?;
    let side_b = resolve(corpus, b, "--b")?;
    if side_a.0.id == side_b.0.id && std::ptr::eq(side_a.1, side_b.1) {
        bail!(
            "--a and --b name the same position ({} {} · {}); pick two stores",
            side_a.0.id,
            side_a.0.store,
            side_a.1.title
        );
    }
    for ((document, position), flag) in [(side_a, "--a"), (side_b, "--b")] {
        if position.duties.is_empty() {
            bail!(
                "{flag}: {} {} · {} (line {}) lists no duties to compare",
                document.id,
                document.store,
                position.title,
                position.line_start
            );
        }
    }
    let comparison = compare::compare_positions(side_a, side_b, options);
    if let Some(path) = &args.html {
        let coverage = html_matrix(corpus, side_a, side_b, options);
        write_html(path, Some(&comparison), Some(&coverage))?;
    }
    print_comparison(&comparison, args.json)?;
    Ok(ExitCode::SUCCESS)
}

/// The matrix shown under the side-by-side view: the role across every store when both sides
/// are the same role, else just the two positions.
fn html_matrix(
    corpus: &Corpus,
    a: (&Document, &Position),
    b: (&Document, &Position),
    options: &CompareOptions,
) -> Coverage {
    if a.1.role == b.1.role {
        if let Ok(found) = zhize::select::find_positions(corpus, None, &a.1.role) {
            let columns: Vec<_> = compare::one_per_document(&found)
                .into_iter()
                .filter(|(_, p)| !p.duties.is_empty())
                .collect();
            if columns.len() >= 2 {
                return compare::coverage(&a.1.role, &columns, options);
            }
        }
    }
    let role = if a.1.role == b.1.role {
        a.1.role.clone()
    } else {
        format!("{} / {}", a.1.role, b.1.role)
    };
    compare::coverage(&role, &[a, b], options)
}

fn run_all(
    corpus: &Corpus,
    role: &str,
    args: &CompareArgs,
    options: &CompareOptions,
) -> anyhow::Result<ExitCode> {
    let found = zhize::select::find_positions(corpus, None, role).map_err(|e| anyhow!("{e}"))?;
    let columns: Vec<(&Document, &Position)> = compare::one_per_document(&found)
        .into_iter()
        .filter(|(_, p)| !p.duties.is_empty())
        .collect();
    if columns.len() < 2 {
        let only = columns
            .first()
            .map(|(d, p)| format!("only {} {} · {} defines it", d.id, d.store, p.title))
            .unwrap_or_else(|| "no store lists its duties".to_string());
        bail!(
            "cannot compare `{role}` across stores: {only}. Roles that two or more stores define, closest first: {}",
            shared_roles_near(corpus, role).join(", ")
        );
    }
    let key = columns[0].1.role.clone();
    let coverage = compare::coverage(&key, &columns, options);
    if let Some(path) = &args.html {
        write_html(path, None, Some(&coverage))?;
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&coverage)?);
    } else {
        print!(
            "{}",
            view::coverage_text(&coverage, columns_wanted(), term::color_enabled())
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Roles defined (as duty lists) by at least two documents, closest to `role` first.
fn shared_roles_near(corpus: &Corpus, role: &str) -> Vec<String> {
    let mut documents: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (document, position) in corpus.positions() {
        if position.duties.is_empty() {
            continue;
        }
        let ids = documents.entry(position.role.as_str()).or_default();
        if !ids.contains(&document.id.as_str()) {
            ids.push(&document.id);
        }
    }
    let shared = documents
        .iter()
        .filter(|(_, ids)| ids.len() >= 2)
        .map(|(role, _)| *role);
    compare::closest_names(role, shared, 6)
}

fn print_comparison(comparison: &Comparison, json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(comparison)?);
    } else {
        print!(
            "{}",
            view::comparison_text(comparison, columns_wanted(), term::color_enabled())
        );
    }
    Ok(())
}

fn write_html(
    path: &PathBuf,
    comparison: Option<&Comparison>,
    coverage: Option<&Coverage>,
) -> anyhow::Result<()> {
    std::fs::write(path, html::report(comparison, coverage))
        .with_context(|| format!("writing {}", path.display()))?;
    eprintln!("zhize: wrote {}", path.display());
    Ok(())
}

/// The terminal width to lay out for: $COLUMNS when set, else 100.
fn columns_wanted() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse().ok())
        .filter(|&c: &usize| c >= 40)
        .unwrap_or(view::DEFAULT_COLUMNS)
}
