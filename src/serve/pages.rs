//! serve::pages: the HTML pages (搜索, 岗位, 对比, 去重, 门店, 岗位列表), each a layout around a
//! `render::web` fragment of the library's result structs.

use super::answers::{self, CompareAnswer, SearchRequest};
use super::generation::Generation;
use super::limits::{Params, Refusal};
use super::App;
use crate::render::html::escape;
use crate::render::web;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use std::fmt::Write;
use std::time::Duration;

/// The status line of every page: which generation answers, and whether a refresh runs.
pub struct Status {
    pub generation: u64,
    pub documents: usize,
    pub positions: usize,
    pub duties: usize,
    pub refreshing: bool,
    pub last_error: Option<String>,
    pub allow_upload: bool,
}

impl Status {
    pub fn of(app: &App, generation: &Generation) -> Status {
        Status {
            generation: generation.number,
            documents: generation.corpus.documents.len(),
            positions: generation.corpus.positions().count(),
            duties: generation.index.meta.duties,
            refreshing: app.live.refreshing(),
            last_error: app.live.last_error(),
            allow_upload: app.allow_upload,
        }
    }
}

const NAV: [(&str, &str, &str); 5] = [
    ("search", "/search", "搜索"),
    ("stores", "/stores", "门店"),
    ("roles", "/roles", "岗位"),
    ("compare", "/compare", "对比"),
    ("dedup", "/dedup", "去重"),
];

/// The page around `body`.
pub fn layout(title: &str, active: &str, status: Option<&Status>, body: &str) -> String {
    let mut out = String::with_capacity(body.len() + 2048);
    out.push_str("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(out, "<title>{} · 职责 zhize</title>", escape(title));
    out.push_str("<link rel=\"stylesheet\" href=\"/static/app.css\">\n<script src=\"/static/app.js\" defer></script>\n</head>\n<body>\n<header class=\"top\"><nav><a class=\"brand\" href=\"/\">职责 zhize</a>");
    for (key, href, label) in NAV {
        let class = if key == active {
            " class=\"active\""
        } else {
            ""
        };
        let _ = write!(out, "<a href=\"{href}\"{class}>{label}</a>");
    }
    if status.is_some_and(|s| s.allow_upload) {
        let class = if active == "upload" {
            " class=\"active\""
        } else {
            ""
        };
        let _ = write!(out, "<a href=\"/upload\"{class}>添加文件</a>");
    }
    out.push_str("</nav>");
    if let Some(status) = status {
        let _ = write!(
            out,
            "<p class=\"status\" id=\"status\" data-generation=\"{}\" data-refreshing=\"{}\">第 {} 代索引 · {} 篇文档 · {} 个岗位 · {} 条职责",
            status.generation,
            status.refreshing,
            status.generation,
            status.documents,
            status.positions,
            status.duties
        );
        if status.refreshing {
            let _ = write!(
                out,
                " · <span class=\"refreshing\">文件有变动，正在后台刷新索引（仍由第 {} 代回答）</span>",
                status.generation
            );
        }
        if let Some(error) = &status.last_error {
            let _ = write!(
                out,
                " · <span class=\"failed\">上次刷新失败，仍用第 {} 代：{}</span>",
                status.generation,
                escape(error)
            );
        }
        out.push_str("</p>");
    }
    out.push_str("</header>\n<main>\n");
    out.push_str(body);
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

/// A refusal as a page: the status, the message in Chinese and English, a way back.
pub fn error_page(refusal: &Refusal) -> String {
    let body = format!(
        "<h1>{} {}</h1>\n<div class=\"error\" id=\"error\"><p>{}</p><p lang=\"en\">{}</p></div>\n<p><a href=\"/search\">返回搜索</a></p>\n",
        refusal.status.as_u16(),
        escape(refusal.status.canonical_reason().unwrap_or("")),
        escape(&refusal.chinese),
        escape(&refusal.english)
    );
    layout("出错了", "", None, &body)
}

fn page(app: &App, generation: &Generation, title: &str, active: &str, body: &str) -> Response {
    let status = Status::of(app, generation);
    Html(layout(title, active, Some(&status), body)).into_response()
}

/// The first page: what the app does, with the search box.
pub async fn home(State(app): State<App>) -> Response {
    let generation = app.live.current();
    let mut body = String::from("<h1>岗位职责查询</h1>\n");
    body.push_str(&search_form(&generation, &SearchRequest::empty()));
    body.push_str("<div id=\"live\"></div>\n");
    body.push_str(EXAMPLES);
    body.push_str("<div class=\"cards\"><a href=\"/stores\"><b>门店</b>浏览每家门店的岗位，查看文件检查结果</a><a href=\"/roles\"><b>岗位</b>所有岗位，以及定义它们的门店</a><a href=\"/compare\"><b>对比</b>同一岗位在两家门店的异同，或在所有门店的覆盖情况</a><a href=\"/dedup\"><b>去重</b>重复的职责、复制的岗位和文档，下载去重后的语料</a></div>\n");
    page(&app, &generation, "搜索", "search", &body)
}

const EXAMPLES: &str = "<div class=\"hint\"><p>可以用问题、关键词、繁体字或英文搜索，例如：</p><ul class=\"examples\"><li><a href=\"/search?q=%E8%B0%81%E8%B4%9F%E8%B4%A3%E4%BF%9D%E9%99%A9%E7%BB%AD%E4%BF%9D\">谁负责保险续保</a></li><li><a href=\"/search?q=%E5%B1%95%E8%BD%A6%E6%B8%85%E6%B4%81\">展车清洁</a></li><li><a href=\"/search?q=%E5%AE%A2%E6%88%B7%E6%8A%95%E8%AF%89&amp;by=duty\">客户投诉（按职责）</a></li><li><a href=\"/search?q=who+handles+insurance+renewals\">who handles insurance renewals</a></li></ul></div>\n";

impl SearchRequest {
    fn empty() -> SearchRequest {
        SearchRequest {
            query: None,
            options: crate::search::SearchOptions::default(),
        }
    }
}

fn option(out: &mut String, value: &str, label: &str, selected: bool) {
    let _ = write!(
        out,
        "<option value=\"{}\"{}>{}</option>",
        escape(value),
        if selected { " selected" } else { "" },
        escape(label)
    );
}

/// Roles that at least one position with duties has, most documents first.
fn roles_by_frequency(generation: &Generation) -> Vec<(String, usize)> {
    let mut counts: std::collections::HashMap<&str, std::collections::HashSet<&str>> =
        Default::default();
    for (document, position) in generation.corpus.positions() {
        if !position.duties.is_empty() && !position.role.is_empty() {
            counts
                .entry(position.role.as_str())
                .or_default()
                .insert(document.id.as_str());
        }
    }
    let mut roles: Vec<(String, usize)> = counts
        .into_iter()
        .map(|(role, documents)| (role.to_string(), documents.len()))
        .collect();
    roles.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    roles
}

/// At most this many stores and roles are offered in a filter list (a large corpus has
/// thousands; the text fields of the API take any).
const MAX_CHOICES: usize = 300;

fn search_form(generation: &Generation, request: &SearchRequest) -> String {
    let mut out =
        String::from("<form class=\"search\" action=\"/search\" method=\"get\" role=\"search\">");
    let _ = write!(
        out,
        "<input id=\"q\" name=\"q\" type=\"search\" value=\"{}\" placeholder=\"例如：谁负责保险续保 / insurance renewal\" maxlength=\"{}\" autocomplete=\"off\" autofocus aria-label=\"搜索职责\">",
        escape(request.query.as_deref().unwrap_or("")),
        super::limits::MAX_QUERY_CHARS
    );
    out.push_str("<select name=\"by\" aria-label=\"结果分组\">");
    let by_duty = request.options.by == crate::search::GroupBy::Duty;
    option(&mut out, "position", "按岗位", !by_duty);
    option(&mut out, "duty", "按职责", by_duty);
    out.push_str("</select><select name=\"store\" aria-label=\"门店\">");
    option(&mut out, "", "全部门店", request.options.store.is_none());
    let store = request.options.store.as_deref();
    for document in generation.corpus.documents.iter().take(MAX_CHOICES) {
        let label = format!("{} · {}", document.id, document.store);
        option(
            &mut out,
            &document.id,
            &label,
            store == Some(document.id.as_str()),
        );
    }
    if let Some(store) = store {
        if !generation
            .corpus
            .documents
            .iter()
            .take(MAX_CHOICES)
            .any(|d| d.id == store)
        {
            option(&mut out, store, store, true);
        }
    }
    out.push_str("</select><select name=\"role\" aria-label=\"岗位\">");
    option(&mut out, "", "全部岗位", request.options.role.is_none());
    let role = request.options.role.as_deref();
    let roles = roles_by_frequency(generation);
    for (name, _) in roles.iter().take(MAX_CHOICES) {
        option(&mut out, name, name, role == Some(name.as_str()));
    }
    if let Some(role) = role {
        if !roles.iter().take(MAX_CHOICES).any(|(r, _)| r == role) {
            option(&mut out, role, role, true);
        }
    }
    out.push_str("</select><button type=\"submit\">搜索</button></form>\n");
    out
}

/// 搜索: the form, and the results when there is a query.
pub async fn search(State(app): State<App>, RawQuery(raw): RawQuery) -> Response {
    let request = match Params::parse(raw.as_deref()).and_then(|p| SearchRequest::from_params(&p)) {
        Ok(request) => request,
        Err(refusal) => return refusal.page(),
    };
    let generation = app.live.current();
    let wanted = request.clone();
    let fragment = match app.run_here(|g| results_fragment(g, &wanted)).await {
        Ok(fragment) => fragment,
        Err(refusal) => return refusal.page(),
    };
    let title = request.query.clone().unwrap_or_else(|| "搜索".into());
    let mut body = String::from("<h1>岗位职责查询</h1>\n");
    body.push_str(&search_form(&generation, &request));
    let _ = writeln!(body, "<div id=\"live\">{fragment}</div>");
    if request.query.is_none() {
        body.push_str(EXAMPLES);
    }
    page(&app, &generation, &title, "search", &body)
}

fn results_fragment(generation: &Generation, request: &SearchRequest) -> Result<String, Refusal> {
    Ok(match request.run(generation)? {
        Some(results) => web::search_results(&results),
        None => String::new(),
    })
}

/// The results alone, for the as-you-type script.
pub async fn search_fragment(State(app): State<App>, RawQuery(raw): RawQuery) -> Response {
    let fragment = match Params::parse(raw.as_deref()).and_then(|p| SearchRequest::from_params(&p))
    {
        Ok(request) => app.run_here(|g| results_fragment(g, &request)).await,
        Err(refusal) => Err(refusal),
    };
    match fragment {
        Ok(html) => Html(html).into_response(),
        Err(refusal) => (
            refusal.status,
            Html(format!(
                "<div class=\"error\" id=\"error\"><p>{}</p><p lang=\"en\">{}</p></div>",
                escape(&refusal.chinese),
                escape(&refusal.english)
            )),
        )
            .into_response(),
    }
}

fn unknown_position(id: &str) -> Refusal {
    Refusal::not_found(
        format!("没有编号为“{id}”的岗位（编号形如 d4.p2：第 4 篇文档的第 2 个岗位）"),
        format!("no position `{id}` (ids look like d4.p2: document 4, its 2nd position)"),
    )
}

/// 岗位: one store's position, its links, and the compare picker.
pub async fn position(State(app): State<App>, Path(id): Path<String>) -> Response {
    let generation = app.live.current();
    let corpus = &generation.corpus;
    let Some((document, index)) = web::find_position(corpus, &id) else {
        return unknown_position(&id).page();
    };
    let position = &document.positions[index];
    let mut body = web::position(corpus, document, index);
    // Other stores' positions of the same role, for the picker.
    let others: Vec<(String, String)> = crate::select::find_positions(corpus, None, &position.role)
        .map(|found| {
            crate::compare::one_per_document(&found)
                .into_iter()
                .filter(|(d, p)| d.id != document.id && !p.duties.is_empty())
                .filter_map(|(d, p)| {
                    let k = d.positions.iter().position(|q| std::ptr::eq(q, p))?;
                    Some((
                        web::position_id(&d.id, k),
                        format!("{} · {} · {}", d.id, d.store, p.title),
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    if !others.is_empty() && !position.duties.is_empty() {
        let _ = write!(
            body,
            "<form class=\"picker\" id=\"compare-picker\" action=\"/compare\" method=\"get\"><input type=\"hidden\" name=\"a\" value=\"{}\"><label>与其他门店的{}对比：<select name=\"b\">",
            escape(&id),
            escape(&position.role)
        );
        for (other, label) in others.iter().take(MAX_CHOICES) {
            option(&mut body, other, label, false);
        }
        let _ = writeln!(
            body,
            "</select></label> <button type=\"submit\">对比</button> <a href=\"/compare?role={}\">{}在所有 {} 家门店的覆盖矩阵</a></form>",
            percent(&position.role),
            escape(&position.role),
            others.len() + 1
        );
    } else {
        body.push_str("<p class=\"hint\">没有其他门店定义这个岗位，无法对比。</p>\n");
    }
    let _ = writeln!(
        body,
        "<p class=\"hint\"><a href=\"/search?role={}\">只在{}的职责中搜索</a> · <a href=\"/api/positions/{}\">JSON</a></p>",
        percent(&position.role),
        escape(&position.role),
        escape(&id)
    );
    let title = format!("{} · {}", position.title, document.store);
    page(&app, &generation, &title, "", &body)
}

/// Text for a query-string value.
pub fn percent(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// 对比: two positions side by side, a role's matrix, or the form to pick them.
pub async fn compare(State(app): State<App>, RawQuery(raw): RawQuery) -> Response {
    let params = match Params::parse(raw.as_deref()) {
        Ok(params) => params,
        Err(refusal) => return refusal.page(),
    };
    let generation = app.live.current();
    let form_role = params.get("role").unwrap_or("").to_string();
    let answer = app
        .run(move |g| {
            Ok(match answers::compare(g, &params)? {
                CompareAnswer::Pair(comparison) => {
                    let mut body = format!(
                        "<h1>岗位职责对比 · {}</h1>\n{}",
                        escape(&comparison.role),
                        web::comparison(&g.corpus, &comparison)
                    );
                    if comparison.a.role == comparison.b.role {
                        let _ = writeln!(
                            body,
                            "<p><a href=\"/compare?role={}\">{}在所有门店的覆盖矩阵</a></p>",
                            percent(&comparison.a.role),
                            escape(&comparison.a.role)
                        );
                    }
                    (format!("对比 · {}", comparison.role), body)
                }
                CompareAnswer::Matrix(coverage) => (
                    format!("覆盖矩阵 · {}", coverage.role),
                    format!(
                        "<h1>{} · 各门店覆盖矩阵</h1>\n{}",
                        escape(&coverage.role),
                        web::coverage(&g.corpus, &coverage)
                    ),
                ),
                CompareAnswer::Form => ("对比".to_string(), String::new()),
            })
        })
        .await;
    let (title, mut body) = match answer {
        Ok(answer) => answer,
        Err(refusal) => return refusal.page(),
    };
    if body.is_empty() {
        body = compare_form(&generation, &form_role);
    }
    page(&app, &generation, &title, "compare", &body)
}

fn compare_form(generation: &Generation, role: &str) -> String {
    let mut out = String::from("<h1>岗位对比</h1>\n<p class=\"hint\">选一个岗位看它在所有门店的覆盖矩阵；或选两家门店，逐条对比同一岗位的职责（相同、改写、缺少）。也可以在任一岗位页面上选择对比对象。</p>\n");
    let shared: Vec<(String, usize)> = roles_by_frequency(generation)
        .into_iter()
        .filter(|(_, n)| *n >= 2)
        .collect();
    out.push_str("<form class=\"picker\" action=\"/compare\" method=\"get\"><label>岗位：<select name=\"role\">");
    for (name, count) in shared.iter().take(MAX_CHOICES) {
        option(
            &mut out,
            name,
            &format!("{name}（{count} 家门店）"),
            name == role,
        );
    }
    out.push_str("</select></label> <button type=\"submit\">看覆盖矩阵</button></form>\n");
    out.push_str("<form class=\"picker\" action=\"/compare\" method=\"get\"><label>岗位：<select name=\"role\">");
    for (name, _) in shared.iter().take(MAX_CHOICES) {
        option(&mut out, name, name, name == role);
    }
    out.push_str("</select></label> <label>A：<select name=\"a\">");
    for document in generation.corpus.documents.iter().take(MAX_CHOICES) {
        option(
            &mut out,
            &document.id,
            &format!("{} · {}", document.id, document.store),
            false,
        );
    }
    out.push_str("</select></label> <label>B：<select name=\"b\">");
    for (k, document) in generation
        .corpus
        .documents
        .iter()
        .take(MAX_CHOICES)
        .enumerate()
    {
        option(
            &mut out,
            &document.id,
            &format!("{} · {}", document.id, document.store),
            k == 1,
        );
    }
    out.push_str("</select></label> <button type=\"submit\">对比两家</button></form>\n");
    out
}

/// How long a page waits for a dedup report still being computed before saying so.
const DEDUP_WAIT: Duration = Duration::from_secs(5);

/// Waits (a while) for the generation's dedup report, starting it when nobody has.
pub async fn dedup_report(
    generation: &std::sync::Arc<Generation>,
    wait: Duration,
) -> Option<std::sync::Arc<crate::dedup::DedupReport>> {
    generation.start_dedup();
    let started = std::time::Instant::now();
    loop {
        if let Some(report) = generation.dedup() {
            return Some(report);
        }
        if started.elapsed() >= wait {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// 去重: duplicate duties, copied positions, repeated documents; the clean corpus to download.
pub async fn dedup(State(app): State<App>) -> Response {
    let generation = app.live.current();
    let Some(report) = dedup_report(&generation, DEDUP_WAIT).await else {
        let body = "<h1>去重</h1>\n<p id=\"pending\">正在查找重复内容（大的语料需要一些时间），请稍后<a href=\"/dedup\">刷新本页</a>。</p>\n";
        return page(&app, &generation, "去重", "dedup", body);
    };
    let for_render = std::sync::Arc::clone(&generation);
    let fragment = match app
        .run(move |_| Ok(web::dedup(&for_render.corpus, &report)))
        .await
    {
        Ok(fragment) => fragment,
        Err(refusal) => return refusal.page(),
    };
    let body = format!(
        "<h1>去重</h1>\n<p class=\"hint\">合并的文件常有重复：同一篇文档贴了两次、岗位从一家门店复制到另一家并改了几个字、同一条职责换了说法。下面列出这些重复；<a id=\"download\" href=\"/dedup/clean.jsonl\" download>下载去重后的语料（JSONL）</a>：每条不同的职责一行，附上它出现过的每个地方。</p>\n{fragment}"
    );
    page(&app, &generation, "去重", "dedup", &body)
}

/// The clean corpus, one JSON line per distinct duty with all its sources.
pub async fn clean_corpus(State(app): State<App>) -> Response {
    let result = app
        .run(|g| {
            let deduplication =
                crate::dedup::Deduplication::new(&g.corpus, crate::dedup::DedupOptions::default());
            let mut bytes = Vec::new();
            crate::render::dedup::write_jsonl(&deduplication.clean_corpus(), &mut bytes).map_err(
                |e| Refusal::new(StatusCode::INTERNAL_SERVER_ERROR, "写出失败", e.to_string()),
            )?;
            Ok(bytes)
        })
        .await;
    match result {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, "application/x-ndjson; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"clean-corpus.jsonl\"",
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(refusal) => refusal.page(),
    }
}

/// 门店: every input file's check report, then every document with its positions.
pub async fn stores(State(app): State<App>) -> Response {
    let generation = app.live.current();
    let corpus = &generation.corpus;
    let mut body = String::from("<h1>门店与文件</h1>\n");
    let _ = writeln!(
        body,
        "<p class=\"hint\">{} 个文件 · {} 篇文档（每篇文档对应一家门店或一份岗位说明）。</p>",
        corpus.files.len(),
        corpus.documents.len()
    );
    body.push_str("<h2 id=\"documents\">文档</h2>\n<table class=\"documents\"><thead><tr><th>编号</th><th>门店</th><th>岗位</th><th>来源</th></tr></thead><tbody>\n");
    for document in &corpus.documents {
        let positions: Vec<String> = document
            .positions
            .iter()
            .enumerate()
            .map(|(k, p)| {
                format!(
                    "<a href=\"{}\">{}</a>",
                    web::position_href(&web::position_id(&document.id, k)),
                    escape(&p.title)
                )
            })
            .collect();
        let _ = writeln!(
            body,
            "<tr id=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td class=\"line\">{} 第{}–{}行</td></tr>",
            escape(&document.id),
            escape(&document.id),
            escape(&document.store),
            positions.join("、"),
            escape(&document.file),
            document.line_start,
            document.line_end
        );
    }
    body.push_str("</tbody></table>\n<h2 id=\"check\">文件检查</h2>\n");
    if !corpus.warnings.is_empty() {
        body.push_str("<ul class=\"warn\" id=\"warnings\">");
        for warning in &corpus.warnings {
            let _ = write!(body, "<li>{}</li>", escape(warning));
        }
        body.push_str("</ul>\n");
    }
    for report in &corpus.files {
        body.push_str(&web::check_report(corpus, report));
    }
    page(&app, &generation, "门店", "stores", &body)
}

/// 岗位列表: every role, the stores that define it, links to its matrix and its search.
pub async fn roles(State(app): State<App>) -> Response {
    let generation = app.live.current();
    let corpus = &generation.corpus;
    let mut roles: std::collections::BTreeMap<
        &str,
        (Vec<String>, std::collections::BTreeSet<&str>),
    > = Default::default();
    for document in &corpus.documents {
        for (k, position) in document.positions.iter().enumerate() {
            let entry = roles.entry(position.role.as_str()).or_default();
            entry.0.push(format!(
                "<a href=\"{}\">{}</a>",
                web::position_href(&web::position_id(&document.id, k)),
                escape(&document.id)
            ));
            entry.1.insert(position.title.as_str());
        }
    }
    let mut rows: Vec<_> = roles.into_iter().collect();
    rows.sort_by(|a, b| b.1 .0.len().cmp(&a.1 .0.len()).then(a.0.cmp(b.0)));
    let mut body = format!(
        "<h1>岗位</h1>\n<p class=\"hint\">{} 个岗位。同一岗位的不同叫法（销售部经理、4S店销售经理……）归为一个。</p>\n<table class=\"roles\" id=\"roles\"><thead><tr><th>岗位</th><th>门店数</th><th>叫法</th><th>各门店</th><th></th></tr></thead><tbody>\n",
        rows.len()
    );
    for (role, (links, titles)) in &rows {
        let matrix = if links.len() >= 2 {
            format!("<a href=\"/compare?role={}\">覆盖矩阵</a>", percent(role))
        } else {
            String::new()
        };
        let titles: Vec<String> = titles.iter().map(|t| escape(t)).collect();
        let _ = writeln!(
            body,
            "<tr><td><a href=\"/search?role={}\">{}</a></td><td>{}</td><td class=\"meta\">{}</td><td>{}</td><td>{matrix}</td></tr>",
            percent(role),
            escape(role),
            links.len(),
            titles.join(" / "),
            links.join(" ")
        );
    }
    body.push_str("</tbody></table>\n");
    page(&app, &generation, "岗位", "roles", &body)
}

/// Any other address.
pub async fn not_found(uri: axum::http::Uri) -> Response {
    let refusal = Refusal::not_found("没有这个页面", format!("no such page: {}", uri.path()));
    if uri.path().starts_with("/api/") {
        refusal.json()
    } else {
        refusal.page()
    }
}

/// A method the address does not take (a POST to a page, a DELETE).
pub async fn method_not_allowed(method: axum::http::Method, uri: axum::http::Uri) -> Response {
    let refusal = Refusal::new(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("此地址不接受 {method} 请求"),
        format!("method {method} is not allowed for {}", uri.path()),
    );
    if uri.path().starts_with("/api/") {
        refusal.json()
    } else {
        refusal.page()
    }
}
