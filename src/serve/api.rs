//! serve::api: the JSON API beside the pages, in the shapes of the CLI's `--json` (search,
//! positions, compare, dedup, check, list), plus the server's status.

use super::answers::{self, CompareAnswer, SearchRequest};
use super::limits::{ApiRefusal, Params, Refusal};
use super::App;
use crate::render::web::find_position;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use std::time::Duration;

type ApiResult = Result<Response, ApiRefusal>;

/// A JSON answer, naming the generation that gave it.
fn answer(value: Value, generation: u64) -> Response {
    let mut response = Json(value).into_response();
    if let Ok(number) = HeaderValue::from_str(&generation.to_string()) {
        response
            .headers_mut()
            .insert(HeaderName::from_static("x-zhize-generation"), number);
    }
    response
}

/// `/api/search?q=…&by=position|duty&store=…&role=…&limit=N`: `zhize search --json`.
pub async fn search(State(app): State<App>, RawQuery(raw): RawQuery) -> ApiResult {
    let request = SearchRequest::from_params(&Params::parse(raw.as_deref())?)?;
    if request.query.is_none() {
        return Err(ApiRefusal(Refusal::bad_request(
            "缺少查询参数 q",
            "the query parameter q is missing",
        )));
    }
    let (value, generation) = app
        .run_here(|g| {
            let results = request.run(g)?.ok_or_else(|| {
                Refusal::bad_request("缺少查询参数 q", "the query parameter q is missing")
            })?;
            Ok((crate::render::search::results_json(&results), g.number))
        })
        .await?;
    Ok(answer(value, generation))
}

/// `/api/positions`: `zhize list positions --json`.
pub async fn positions(State(app): State<App>) -> ApiResult {
    let generation = app.live.current();
    let list = crate::render::corpus::positions_json(&generation.corpus);
    Ok(answer(list, generation.number))
}

/// `/api/positions/d4.p2`: the `zhize export --json` object of one position.
pub async fn position(State(app): State<App>, Path(id): Path<String>) -> ApiResult {
    let generation = app.live.current();
    let Some((document, index)) = find_position(&generation.corpus, &id) else {
        return Err(ApiRefusal(Refusal::not_found(
            format!("没有编号为“{id}”的岗位"),
            format!("no position `{id}` (ids look like d4.p2)"),
        )));
    };
    let value = crate::render::corpus::position_json(document, &document.positions[index]);
    Ok(answer(value, generation.number))
}

/// `/api/compare?a=…&b=…[&role=…]`: `zhize compare --json`; `?role=…` alone: `--all --json`.
pub async fn compare(State(app): State<App>, RawQuery(raw): RawQuery) -> ApiResult {
    let params = Params::parse(raw.as_deref())?;
    let (value, generation) = app
        .run(move |g| {
            let value = match answers::compare(g, &params)? {
                CompareAnswer::Pair(comparison) => serde_json::to_value(&comparison),
                CompareAnswer::Matrix(coverage) => serde_json::to_value(&coverage),
                CompareAnswer::Form => {
                    return Err(Refusal::bad_request(
                        "请给出 a 和 b（岗位编号，或门店加 role），或只给 role",
                        "give a and b (position ids, or stores with role), or role alone",
                    ))
                }
            };
            value.map(|v| (v, g.number)).map_err(|e| {
                Refusal::new(
                    axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                    "序列化失败",
                    e.to_string(),
                )
            })
        })
        .await?;
    Ok(answer(value, generation))
}

/// `/api/dedup`: `zhize dedup --json` (all levels, default thresholds).
pub async fn dedup(State(app): State<App>) -> ApiResult {
    let generation = app.live.current();
    let Some(report) = super::pages::dedup_report(&generation, Duration::from_secs(15)).await
    else {
        return Err(ApiRefusal(Refusal::new(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "去重结果仍在计算中，请稍后再试",
            "the dedup report is still being computed; try again shortly",
        )));
    };
    let value = serde_json::to_value(&*report).unwrap_or(Value::Null);
    Ok(answer(value, generation.number))
}

/// `/api/check`: `zhize check --json`.
pub async fn check(State(app): State<App>) -> ApiResult {
    let generation = app.live.current();
    let mut value = json!({ "files": generation.corpus.files });
    if !generation.corpus.warnings.is_empty() {
        value["warnings"] = json!(generation.corpus.warnings);
    }
    Ok(answer(value, generation.number))
}

/// `/api/stores`: `zhize list stores --json`.
pub async fn stores(State(app): State<App>) -> ApiResult {
    let generation = app.live.current();
    let list = crate::render::corpus::stores_json(&generation.corpus);
    Ok(answer(list, generation.number))
}

/// `/api/roles`: `zhize list roles --json`.
pub async fn roles(State(app): State<App>) -> ApiResult {
    let generation = app.live.current();
    let list = crate::render::corpus::roles_json(&generation.corpus);
    Ok(answer(list, generation.number))
}

/// `/api/status`: the generation answering, whether a rebuild runs, why the last one failed.
pub async fn status(State(app): State<App>) -> ApiResult {
    let generation = app.live.current();
    let value = json!({
        "generation": generation.number,
        "index_generation": generation.report.generation,
        "refreshing": app.live.refreshing(),
        "last_error": app.live.last_error(),
        "documents": generation.corpus.documents.len(),
        "positions": generation.corpus.positions().count(),
        "duties": generation.index.meta.duties,
        "built_unix_ms": generation
            .built_at
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0),
        "took_ms": generation.took.as_millis() as u64,
        "uploads": app.allow_upload,
    });
    Ok(answer(value, generation.number))
}
