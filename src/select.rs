//! select: a store name or document id and a role title as the user typed them in, the matching
//! documents and positions out — or an error that lists the candidates.

use crate::error::{Error, Result};
use crate::model::{Corpus, Document, Position, PositionKind};
use crate::normalize::for_matching;
use crate::roles::RoleRules;

/// The documents a STORE argument names: a document id (`d3`), an exact store or title, or a
/// part of one that only one store name contains.
pub fn find_documents<'a>(corpus: &'a Corpus, store: &str) -> Result<Vec<&'a Document>> {
    let wanted = for_matching(store.trim());
    if wanted.is_empty() {
        return Err(Error::NotFound(
            "an empty store name matches nothing".into(),
        ));
    }
    if let Some(document) = corpus
        .documents
        .iter()
        .find(|d| d.id.eq_ignore_ascii_case(&wanted))
    {
        return Ok(vec![document]);
    }
    let exact: Vec<&Document> = corpus
        .documents
        .iter()
        .filter(|d| for_matching(&d.store) == wanted || for_matching(&d.title) == wanted)
        .collect();
    if !exact.is_empty() {
        return Ok(exact);
    }
    let partial: Vec<&Document> = corpus
        .documents
        .iter()
        .filter(|d| {
            for_matching(&d.store).contains(&wanted) || for_matching(&d.title).contains(&wanted)
        })
        .collect();
    let stores: std::collections::BTreeSet<&str> =
        partial.iter().map(|d| d.store.as_str()).collect();
    match stores.len() {
        1 => Ok(partial),
        0 => Err(Error::NotFound(format!(
            "no store or document matches `{store}`; stores are:\n{}",
            list_documents(corpus.documents.iter())
        ))),
        _ => Err(Error::Ambiguous(format!(
            "`{store}` matches {} stores; name one by its id:\n{}",
            stores.len(),
            list_documents(partial.into_iter())
        ))),
    }
}

fn list_documents<'a>(documents: impl Iterator<Item = &'a Document>) -> String {
    documents
        .map(|d| format!("  {:<4} {}", d.id, d.store))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The positions of a role (any title variant), in one store or in all.
/// Requirement lists are left out when the same document also lists duties for the role.
pub fn find_positions<'a>(
    corpus: &'a Corpus,
    store: Option<&str>,
    role: &str,
) -> Result<Vec<(&'a Document, &'a Position)>> {
    find_positions_with(corpus, store, role, crate::roles::shipped())
}

/// [`find_positions`] under the given role rules.
pub fn find_positions_with<'a>(
    corpus: &'a Corpus,
    store: Option<&str>,
    role: &str,
    rules: &RoleRules,
) -> Result<Vec<(&'a Document, &'a Position)>> {
    let documents = match store {
        Some(store) => find_documents(corpus, store)?,
        None => corpus.documents.iter().collect(),
    };
    let key = rules.canonical(role);
    let wanted = for_matching(role.trim());
    let mut found: Vec<(&Document, &Position)> = documents
        .iter()
        .flat_map(|d| d.positions.iter().map(move |p| (*d, p)))
        .filter(|(_, p)| p.role == key || for_matching(&p.title) == wanted)
        .collect();
    // Prefer duty lists: a requirements list of the same role says who, not what.
    let has_duties = |doc: &Document| {
        found
            .iter()
            .any(|(d, p)| d.id == doc.id && p.kind == PositionKind::Duties)
    };
    let keep: Vec<bool> = found
        .iter()
        .map(|(d, p)| p.kind == PositionKind::Duties || !has_duties(d))
        .collect();
    let mut keep = keep.into_iter();
    found.retain(|_| keep.next().unwrap_or(true));
    if found.is_empty() {
        let scope = store.map_or_else(String::new, |s| format!(" in `{s}`"));
        let mut roles: Vec<(usize, &str)> = documents
            .iter()
            .flat_map(|d| &d.positions)
            .map(|p| (edit_distance(&key, &p.role), p.role.as_str()))
            .collect();
        roles.sort();
        roles.dedup_by(|a, b| a.1 == b.1);
        let suggestions: Vec<&str> = roles.iter().take(8).map(|(_, r)| *r).collect();
        return Err(Error::NotFound(format!(
            "no position `{role}` (role `{key}`){scope}; closest roles: {}",
            suggestions.join(", ")
        )));
    }
    Ok(found)
}

/// Levenshtein distance over characters, for suggestions.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            current[j + 1] = (previous[j] + cost)
                .min(previous[j + 1] + 1)
                .min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}
