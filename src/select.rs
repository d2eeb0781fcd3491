//! select: a store name or document id and a role title (or a position id, `d4.p2`) as the user
//! typed them in, the matching documents and positions out — or an error that lists the
//! candidates.

use crate::error::{Error, Result};
use crate::model::{parse_position_id, Corpus, Document, Position, PositionKind};
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

/// The position a position id names (`d4.p2`, see [`crate::model::position_id`]). None when
/// `text` is not an id of a document of the corpus (it may be a store name); an error listing the
/// document's positions when the document has no position of that number.
pub fn find_position_by_id<'a>(
    corpus: &'a Corpus,
    text: &str,
) -> Result<Option<(&'a Document, &'a Position)>> {
    let Some((doc_id, index)) = parse_position_id(text) else {
        return Ok(None);
    };
    let Some(document) = corpus
        .documents
        .iter()
        .find(|d| d.id.eq_ignore_ascii_case(doc_id))
    else {
        return Ok(None);
    };
    match document.positions.get(index) {
        Some(position) => Ok(Some((document, position))),
        None if document.positions.is_empty() => Err(Error::NotFound(format!(
            "no position `{}`: {} {} has no positions",
            text.trim(),
            document.id,
            document.store
        ))),
        None => Err(Error::NotFound(format!(
            "no position `{}`: {} {} has {} positions:\n{}",
            text.trim(),
            document.id,
            document.store,
            document.positions.len(),
            list_positions(document.positions.iter().map(|p| (document, p)))
        ))),
    }
}

/// The one position that STORE and ROLE name: a position id in `store` names it alone;
/// otherwise the positions of [`find_positions`], then the title exactly as typed when the
/// document lists the role under several titles. Several positions left (one document listing
/// a title three times, untitled lists, several documents) are an error listing each with its
/// id and first duty.
pub fn find_position<'a>(
    corpus: &'a Corpus,
    store: &str,
    role: &str,
) -> Result<(&'a Document, &'a Position)> {
    find_position_with(corpus, store, role, crate::roles::shipped())
}

/// [`find_position`] under the given role rules.
pub fn find_position_with<'a>(
    corpus: &'a Corpus,
    store: &str,
    role: &str,
    rules: &RoleRules,
) -> Result<(&'a Document, &'a Position)> {
    if let Some(found) = find_position_by_id(corpus, store)? {
        return Ok(found);
    }
    let found = find_positions_with(corpus, Some(store), role, rules)?;
    let typed = for_matching(role.trim());
    let exact: Vec<(&Document, &Position)> = found
        .iter()
        .copied()
        .filter(|(_, p)| for_matching(&p.title) == typed)
        .collect();
    let found = if exact.is_empty() { found } else { exact };
    match found.as_slice() {
        [one] => Ok(*one),
        many => {
            let documents: std::collections::BTreeSet<&str> =
                many.iter().map(|(d, _)| d.id.as_str()).collect();
            let place = if documents.len() == 1 {
                format!("{} lists", many[0].0.id)
            } else {
                format!("{} documents list", documents.len())
            };
            Err(Error::Ambiguous(format!(
                "`{store}:{role}` is ambiguous: {place} {} positions of that name; name one by its id:\n{}",
                many.len(),
                list_positions(many.iter().copied())
            )))
        }
    }
}

/// Positions one per line for messages: id, store, title, duties, line and the first duty.
pub fn list_positions<'a>(positions: impl Iterator<Item = (&'a Document, &'a Position)>) -> String {
    positions
        .map(|(d, p)| {
            let id = d.id_of(p);
            let first = p.duties.first().map_or_else(
                || "(no duties)".to_string(),
                |duty| {
                    let text: String = duty.text.chars().take(24).collect();
                    if duty.text.chars().count() > 24 {
                        format!("{text}…")
                    } else {
                        text
                    }
                },
            );
            format!(
                "  {id:<7} {} · {} ({} duties, line {}): {first}",
                d.store,
                p.title,
                p.duties.len(),
                p.line_start
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
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
