//! `zhize compare`: one role between two stores (`ROLE --a STORE --b STORE`, or
//! `--a STORE:ROLE --b STORE:ROLE`, or positions by id `--a d4.p2 --b d4.p3`), two stores'
//! whole sets of positions (`--a STORE --b STORE`), or a role across every store that defines it
//! (`ROLE --all`).

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
    /// name a position (STORE:ROLE or an id); without it, `--a STORE --b STORE` compares the two
    /// stores' whole sets of positions. Without --a/--b, compares the role across all stores.
    #[arg(value_name = "ROLE")]
    pub role: Option<String>,
    /// Side A: a position id (`d4.p2`, see `zhize list positions`), or a document id (`d3`) or
    /// a unique part of a store/document name, optionally `STORE:ROLE` to pick a different title
    /// on this side.
    #[arg(long = "a", value_name = "ID|STORE[:ROLE]")]
    pub a: Option<String>,
    /// Side B, as --a.
    #[arg(long = "b", value_name = "ID|STORE[:ROLE]")]
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

/// How a side names what it compares: a position id (`d4.p2`), a store with a role
/// (`STORE:ROLE`), or a store alone.
enum Named<'a> {
    Id(&'a str),
    Role(&'a str, &'a str),
    Store(&'a str),
}

fn named(side: &str) -> Named<'_> {
    if zhize::model::parse_position_id(side).is_some() {
        return Named::Id(side.trim());
    }
    match split_side(side) {
        Some((store, role)) => Named::Role(store, role),
        None => Named::Store(side.trim()),
    }
}

pub fn run(mut args: CompareArgs) -> anyhow::Result<ExitCode> {
    if !(0.0..=1.0).contains(&args.threshold) {
        bail!("--threshold must be between 0 and 1");
    }
    let options = CompareOptions {
        threshold: args.threshold,
    };
    // `--a X --b Y PATH`: clap took the first path for ROLE.
    if args.a.is_some() || args.b.is_some() {
        if let Some(role) = args.role.take() {
            let explicit = [&args.a, &args.b].iter().all(|side| {
                side.as_deref()
                    .is_some_and(|s| !matches!(named(s), Named::Store(_)))
            });
            if std::path::Path::new(&role).exists() || role == "-" {
                args.input.paths.insert(0, PathBuf::from(role));
            } else if explicit {
                bail!(
                    "ROLE `{role}` given besides STORE:ROLE (or a position id) on both sides; give one or the other"
                );
            } else {
                args.role = Some(role);
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
            let (a, b) = (named(a), named(b));
            if let (Named::Store(a), Named::Store(b), None) = (&a, &b, &args.role) {
                return run_stores(&corpus, a, b, &args, &options);
            }
            let side_a = resolve(&corpus, &a, &b, args.role.as_deref(), "--a")?;
            let side_b = resolve(&corpus, &b, &a, args.role.as_deref(), "--b")?;
            run_pair(&corpus, side_a, side_b, &args, &options)
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

/// The one position a side names. A position id names it alone; `STORE:ROLE` the role in that
/// store; a store alone takes ROLE, else the other side's role (`--a d1:销售主管 --b d10`,
/// `--a d4.p2 --b d21`). Several candidates are an error that lists them with their ids.
fn resolve<'a>(
    corpus: &'a Corpus,
    side: &Named,
    other: &Named,
    role: Option<&str>,
    flag: &str,
) -> anyhow::Result<(&'a Document, &'a Position)> {
    let wanted = match side {
        Named::Id(id) => {
            return match zhize::select::find_position_by_id(corpus, id) {
                Ok(Some(found)) => Ok(found),
                // No such document: perhaps a store's name.
                Ok(None) => resolve(corpus, &Named::Store(id), other, role, flag),
                Err(error) => Err(anyhow!("{flag}: {error}")),
            };
        }
        Named::Role(store, role) => Wanted {
            store: store.to_string(),
            role: role.to_string(),
        },
        Named::Store(store) => {
            let role = match (role, other) {
                (Some(role), _) => role.to_string(),
                (None, Named::Role(_, role)) => role.to_string(),
                (None, Named::Id(id)) => match zhize::select::find_position_by_id(corpus, id) {
                    Ok(Some((_, position))) => position.title.clone(),
                    _ => bail!("{flag} {store}: which role? Give ROLE, or {flag} {store}:ROLE"),
                },
                (None, Named::Store(_)) => {
                    bail!("{flag} {store}: which role? Give ROLE, or {flag} {store}:ROLE")
                }
            };
            Wanted {
                store: store.to_string(),
                role,
            }
        }
    };
    match zhize::select::find_position(corpus, &wanted.store, &wanted.role) {
        Ok(found) => Ok(found),
        Err(zhize::Error::NotFound(message)) => Err(anyhow!(
            "{flag}: {message}{}",
            defined_elsewhere(corpus, &wanted.role)
        )),
        Err(error) => Err(anyhow!("{flag}: {error}")),
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
    side_a: (&Document, &Position),
    side_b: (&Document, &Position),
    args: &CompareArgs,
    options: &CompareOptions,
) -> anyhow::Result<ExitCode> {
    if side_a.0.id == side_b.0.id && std::ptr::eq(side_a.1, side_b.1) {
        bail!(
            "--a and --b name the same position ({} {} · {}); pick another store, or another list by its id:\n{}",
            side_a.0.id_of(side_a.1),
            side_a.0.store,
            side_a.1.title,
            zhize::select::list_positions(
                side_a.0.positions.iter().map(|p| (side_a.0, p))
            )
        );
    }
    for ((document, position), flag) in [(side_a, "--a"), (side_b, "--b")] {
        if position.duties.is_empty() {
            bail!(
                "{flag}: {} {} · {} (line {}) lists no duties to compare",
                document.id_of(position),
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

/// `--a STORE --b STORE` without a role: the two stores' whole sets of positions.
fn run_stores(
    corpus: &Corpus,
    a: &str,
    b: &str,
    args: &CompareArgs,
    options: &CompareOptions,
) -> anyhow::Result<ExitCode> {
    let documents = |store: &str, flag: &str| {
        zhize::select::find_documents(corpus, store).map_err(|e| anyhow!("{flag}: {e}"))
    };
    let (a_documents, b_documents) = (documents(a, "--a")?, documents(b, "--b")?);
    if let Some(shared) = a_documents
        .iter()
        .find(|d| b_documents.iter().any(|e| e.id == d.id))
    {
        bail!(
            "--a `{a}` and --b `{b}` both name {} {}; name two stores (or give a ROLE to compare positions of one)",
            shared.id,
            shared.store
        );
    }
    let stores = compare::compare_stores(&a_documents, &b_documents, options);
    if let Some(path) = &args.html {
        std::fs::write(path, html::stores_report(&stores))
            .with_context(|| format!("writing {}", path.display()))?;
        eprintln!("zhize: wrote {}", path.display());
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&stores)?);
    } else {
        print!(
            "{}",
            view::stores_text(&stores, columns_wanted(), term::color_enabled())
        );
    }
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
