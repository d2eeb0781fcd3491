//! serve::answers: a request's parameters in, the library's result structs out (search results,
//! a comparison or a coverage matrix), for the pages and the JSON API alike.

use super::generation::Generation;
use super::limits::{Params, Refusal, MAX_LIMIT, MAX_NAME_CHARS};
use crate::compare::{self, CompareOptions, Comparison, Coverage};
use crate::model::{Document, Position};
use crate::render::web::find_position;
use crate::search::{GroupBy, SearchOptions, SearchResults};
use std::sync::Arc;

/// What a search request asks.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    pub query: Option<String>,
    pub options: SearchOptions,
}

impl SearchRequest {
    pub fn from_params(params: &Params) -> Result<SearchRequest, Refusal> {
        let by = match params.choice("by", &["position", "duty"])? {
            "duty" => GroupBy::Duty,
            _ => GroupBy::Position,
        };
        Ok(SearchRequest {
            query: params.query()?,
            options: SearchOptions {
                limit: params.number("limit", 10, 1, MAX_LIMIT)?,
                by,
                store: params.text("store", MAX_NAME_CHARS)?,
                role: params.text("role", MAX_NAME_CHARS)?,
                raw: false,
            },
        })
    }

    /// The search, or None when there is no query. The same request answered before from this
    /// generation is answered from its cache.
    pub fn run(&self, generation: &Generation) -> Result<Option<Arc<SearchResults>>, Refusal> {
        let Some(query) = &self.query else {
            return Ok(None);
        };
        let options = &self.options;
        // Every field that changes the answer, each text with its length first, so no two
        // requests share a key.
        let (store, role) = (
            options.store.as_deref().unwrap_or(""),
            options.role.as_deref().unwrap_or(""),
        );
        let key = format!(
            "{:?} {} {} {}:{store} {}:{role} {query}",
            options.by,
            options.limit,
            options.raw,
            store.len(),
            role.len(),
        );
        let results = generation.search_cached(key, || {
            crate::search::search(&generation.index, query, options).map_err(|error| match error {
                crate::Error::NotFound(message) | crate::Error::Ambiguous(message) => {
                    Refusal::bad_request("门店或岗位名称无法确定", message)
                }
                error => error.into(),
            })
        })?;
        Ok(Some(results))
    }
}

/// What a compare request resolved to.
pub enum CompareAnswer {
    /// Two positions side by side.
    Pair(Box<Comparison>),
    /// A role across every store that defines it.
    Matrix(Coverage),
    /// Nothing asked yet: show the form.
    Form,
}

/// `a` and `b` are position ids (`d10.p3`) or store names with `role`; `role` alone is the
/// coverage matrix.
pub fn compare(generation: &Generation, params: &Params) -> Result<CompareAnswer, Refusal> {
    let a = params.text("a", MAX_NAME_CHARS)?;
    let b = params.text("b", MAX_NAME_CHARS)?;
    let role = params.text("role", MAX_NAME_CHARS)?;
    let options = CompareOptions::default();
    match (a, b, role) {
        (Some(a), Some(b), role) => {
            let side_a = resolve(generation, &a, role.as_deref(), "a")?;
            let side_b = resolve(generation, &b, role.as_deref(), "b")?;
            if std::ptr::eq(side_a.1, side_b.1) {
                return Err(Refusal::bad_request(
                    "A 和 B 是同一个岗位，请选两个门店",
                    "a and b name the same position; pick two stores",
                ));
            }
            for ((document, position), side) in [(side_a, "A"), (side_b, "B")] {
                if position.duties.is_empty() {
                    return Err(Refusal::bad_request(
                        format!(
                            "{side}（{} · {}）没有可对比的职责",
                            document.id, position.title
                        ),
                        format!(
                            "{side} ({} · {}) lists no duties to compare",
                            document.id, position.title
                        ),
                    ));
                }
            }
            Ok(CompareAnswer::Pair(Box::new(compare::compare_positions(
                side_a, side_b, &options,
            ))))
        }
        (None, None, Some(role)) => {
            let corpus = &generation.corpus;
            let found = crate::select::find_positions(corpus, None, &role)
                .map_err(|e| Refusal::bad_request("找不到这个岗位", e.to_string()))?;
            let columns: Vec<(&Document, &Position)> = compare::one_per_document(&found)
                .into_iter()
                .filter(|(_, p)| !p.duties.is_empty())
                .collect();
            if columns.len() < 2 {
                return Err(Refusal::bad_request(
                    format!("只有不到两家门店定义了“{role}”，无法对比"),
                    format!("fewer than two stores define `{role}`: nothing to compare"),
                ));
            }
            let key = columns[0].1.role.clone();
            Ok(CompareAnswer::Matrix(compare::coverage(
                &key, &columns, &options,
            )))
        }
        (None, None, None) => Ok(CompareAnswer::Form),
        _ => Err(Refusal::bad_request(
            "请同时给出 a 和 b（或只给 role 看所有门店）",
            "give both a and b (or role alone for every store)",
        )),
    }
}

/// A position id, or a store with a role (as `zhize compare ROLE --a STORE`): a duty list is
/// preferred, then the title exactly as typed; several documents are an error that lists them.
fn resolve<'a>(
    generation: &'a Generation,
    side: &str,
    role: Option<&str>,
    name: &str,
) -> Result<(&'a Document, &'a Position), Refusal> {
    let corpus = &generation.corpus;
    if let Some((document, index)) = find_position(corpus, side) {
        return Ok((document, &document.positions[index]));
    }
    let Some(role) = role else {
        return Err(Refusal::bad_request(
            format!("{name}：“{side}”不是岗位编号（如 d10.p3）；按门店对比时请给出 role"),
            format!("{name}: `{side}` is not a position id (such as d10.p3); give role to compare by store"),
        ));
    };
    let found = crate::select::find_positions(corpus, Some(side), role)
        .map_err(|e| Refusal::bad_request(format!("{name}：找不到"), e.to_string()))?;
    let typed = crate::normalize::for_matching(role);
    let exact: Vec<_> = found
        .iter()
        .copied()
        .filter(|(_, p)| crate::normalize::for_matching(&p.title) == typed)
        .collect();
    let found = if exact.is_empty() { found } else { exact };
    let chosen = compare::one_per_document(&found);
    match chosen.as_slice() {
        [one] => Ok(*one),
        [] => Err(Refusal::bad_request(
            format!("{name}：“{side}”中没有岗位“{role}”"),
            format!("{name}: no position `{role}` in `{side}`"),
        )),
        many => {
            let list: Vec<String> = many
                .iter()
                .map(|(d, p)| format!("{} {} · {}", d.id, d.store, p.title))
                .collect();
            Err(Refusal::bad_request(
                format!("{name}：“{side}”对应多篇文档，请用编号指定"),
                format!(
                    "{name}: `{side}` matches {} documents defining `{role}`; name one by its id: {}",
                    many.len(),
                    list.join("; ")
                ),
            ))
        }
    }
}
