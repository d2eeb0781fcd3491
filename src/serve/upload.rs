//! serve::upload: 添加文件 (with `--allow-upload`) — files are received within limits, decoded
//! and checked as `zhize check` would (a bad file is refused with its message and nothing is
//! written), then written into the corpus folder without overwriting anything, and the index
//! is rebuilt in the background.

use super::limits::{self, Refusal};
use super::pages::{layout, Status};
use super::App;
use crate::render::html::escape;
use axum::extract::multipart::{Multipart, MultipartError, MultipartRejection};
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use serde::Serialize;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// File names an upload may have (what the corpus folder is read for).
pub const EXTENSIONS: [&str; 5] = ["txt", "md", "docx", "xlsx", "csv"];

/// One file taken into the corpus.
#[derive(Debug, Clone, Serialize)]
pub struct Accepted {
    pub file: String,
    pub encoding: String,
    pub documents: usize,
    pub positions: usize,
    pub duties: usize,
    pub unparsed_lines: usize,
    pub warnings: Vec<String>,
}

/// A file received, not yet checked.
struct Received {
    name: String,
    bytes: Vec<u8>,
}

fn uploads_off() -> Refusal {
    Refusal::not_found(
        "添加文件未开启：请用 zhize serve --allow-upload 启动",
        "uploads are off: start the server with zhize serve --allow-upload",
    )
}

/// The 添加文件 form.
pub async fn page(State(app): State<App>) -> Response {
    if !app.allow_upload {
        return uploads_off().page();
    }
    let generation = app.live.current();
    let status = Status::of(&app, &generation);
    Html(layout("添加文件", "upload", Some(&status), &form_body(""))).into_response()
}

fn form_body(before: &str) -> String {
    format!(
        "<h1>添加文件</h1>\n{before}<form class=\"picker\" id=\"upload\" action=\"/upload\" method=\"post\" enctype=\"multipart/form-data\"><p><input type=\"file\" name=\"file\" multiple accept=\".txt,.md,.docx,.xlsx,.csv\"> <button type=\"submit\">上传</button></p><p class=\"hint\">可上传 .txt、.md、.docx、.xlsx、.csv（文本为 UTF-8、UTF-16 或 GBK）等岗位职责文件，每个最多 {} MB，一次最多 {} 个。文件先经过检查（与 zhize check 相同）：无法读取或找不到职责的文件会被拒绝，什么也不写入。通过的文件存入语料文件夹，索引在后台重建，期间搜索照常使用上一代索引。</p></form>\n",
        limits::MAX_UPLOAD_FILE_BYTES / (1024 * 1024),
        limits::MAX_UPLOAD_FILES
    )
}

/// The form's post: the result as a page.
pub async fn page_post(
    State(app): State<App>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let generation = app.live.current();
    match receive(&app, &headers, multipart).await {
        Ok(accepted) => {
            let mut list = String::from(
                "<div class=\"ok\" id=\"accepted\"><p>已添加，索引正在后台重建：</p><ul>",
            );
            for file in &accepted {
                let _ = write!(
                    list,
                    "<li>{}（{}）：{} 篇文档 · {} 个岗位 · {} 条职责{}</li>",
                    escape(&file.file),
                    escape(&file.encoding),
                    file.documents,
                    file.positions,
                    file.duties,
                    if file.unparsed_lines > 0 {
                        format!(
                            " · <span class=\"warn\">{} 行未解析</span>",
                            file.unparsed_lines
                        )
                    } else {
                        String::new()
                    }
                );
            }
            list.push_str("</ul><p><a href=\"/stores\">查看门店与文件</a></p></div>\n");
            let status = Status::of(&app, &generation);
            Html(layout(
                "添加文件",
                "upload",
                Some(&status),
                &form_body(&list),
            ))
            .into_response()
        }
        Err(refusal) => {
            let message = format!(
                "<div class=\"error\" id=\"error\"><p>{}</p><p lang=\"en\">{}</p></div>\n",
                escape(&refusal.chinese),
                escape(&refusal.english)
            );
            let status = Status::of(&app, &generation);
            let page = layout("添加文件", "upload", Some(&status), &form_body(&message));
            (refusal.status, Html(page)).into_response()
        }
    }
}

/// `POST /api/upload` (multipart, field `file`): `{"accepted": [{file, encoding, documents,
/// positions, duties, unparsed_lines, warnings}], "refreshing": true}`.
pub async fn api_post(
    State(app): State<App>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    match receive(&app, &headers, multipart).await {
        Ok(accepted) => axum::Json(serde_json::json!({
            "accepted": accepted,
            "refreshing": true,
        }))
        .into_response(),
        Err(refusal) => refusal.json(),
    }
}

fn multipart_refusal(error: MultipartError) -> Refusal {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return too_large();
    }
    Refusal::bad_request(
        "上传的数据不完整或格式不对（multipart/form-data）",
        format!(
            "the upload is incomplete or not valid multipart/form-data: {}",
            error.body_text()
        ),
    )
}

fn too_large() -> Refusal {
    Refusal::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!(
            "上传太大：每个文件最多 {} MB，一次最多 {} MB",
            limits::MAX_UPLOAD_FILE_BYTES / (1024 * 1024),
            limits::MAX_UPLOAD_BYTES / (1024 * 1024)
        ),
        format!(
            "upload too large: at most {} MB a file, {} MB in all",
            limits::MAX_UPLOAD_FILE_BYTES / (1024 * 1024),
            limits::MAX_UPLOAD_BYTES / (1024 * 1024)
        ),
    )
}

async fn receive(
    app: &App,
    headers: &HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Vec<Accepted>, Refusal> {
    if !app.allow_upload {
        return Err(uploads_off());
    }
    let Some(dir) = app.upload_dir.clone() else {
        return Err(Refusal::new(
            StatusCode::CONFLICT,
            "没有可存放文件的语料文件夹（输入都是单个文件）",
            "no corpus folder to add files to (every input is a single file)",
        ));
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limits::MAX_UPLOAD_BYTES as u64) {
        return Err(too_large());
    }
    let mut multipart = multipart.map_err(|rejection| {
        Refusal::bad_request(
            "请用表单上传文件（multipart/form-data）",
            format!(
                "send the files as multipart/form-data: {}",
                rejection.body_text()
            ),
        )
    })?;
    let mut received: Vec<Received> = Vec::new();
    while let Some(mut field) = multipart.next_field().await.map_err(multipart_refusal)? {
        let Some(name) = field.file_name().map(str::to_string) else {
            continue;
        };
        if name.is_empty() {
            continue;
        }
        if received.len() >= limits::MAX_UPLOAD_FILES {
            return Err(Refusal::bad_request(
                format!("一次最多上传 {} 个文件", limits::MAX_UPLOAD_FILES),
                format!("at most {} files at a time", limits::MAX_UPLOAD_FILES),
            ));
        }
        let name = checked_name(&name)?;
        if received.iter().any(|r| r.name.eq_ignore_ascii_case(&name)) {
            return Err(Refusal::bad_request(
                format!("“{name}”上传了两次"),
                format!("`{name}` is in the upload twice"),
            ));
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(multipart_refusal)? {
            if bytes.len() + chunk.len() > limits::MAX_UPLOAD_FILE_BYTES {
                return Err(too_large());
            }
            bytes.extend_from_slice(&chunk);
        }
        received.push(Received { name, bytes });
    }
    if received.is_empty() {
        return Err(Refusal::bad_request("没有选择文件", "no file was sent"));
    }
    let live = std::sync::Arc::clone(&app.live);
    let accepted = app
        .run(move |_| {
            let accepted = received.iter().map(check).collect::<Result<Vec<_>, _>>()?;
            write_all(&dir, &received)?;
            Ok(accepted)
        })
        .await?;
    live.refresh();
    Ok(accepted)
}

/// The name as the file will be called in the corpus folder: a plain name (no folder, no
/// `..`, not hidden, no control characters) with an extension the corpus is read for.
pub fn checked_name(name: &str) -> Result<String, Refusal> {
    let refuse = |why_zh: &str, why_en: &str| {
        Err(Refusal::bad_request(
            format!(
                "文件名“{}”不可用：{why_zh}",
                name.chars().take(80).collect::<String>()
            ),
            format!(
                "file name `{}` refused: {why_en}",
                name.chars().take(80).collect::<String>()
            ),
        ))
    };
    let trimmed = name.trim();
    if trimmed.contains(['/', '\\']) || trimmed.contains("..") {
        return refuse(
            "不能包含路径（/、\\ 或 ..）",
            "it must not hold a path (/, \\ or ..)",
        );
    }
    if trimmed.starts_with('.') || trimmed.starts_with('~') {
        return refuse("不能以 . 或 ~ 开头", "it must not start with . or ~");
    }
    if trimmed.chars().any(|c| c.is_control()) {
        return refuse("包含控制字符", "it holds control characters");
    }
    if trimmed.chars().count() > 120 {
        return refuse(
            "太长（最多 120 个字符）",
            "it is too long (at most 120 characters)",
        );
    }
    let extension = Path::new(trimmed)
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    if !extension
        .as_deref()
        .is_some_and(|e| EXTENSIONS.contains(&e))
    {
        return refuse(
            "只接受 .txt、.md、.docx、.xlsx、.csv 文件",
            "only .txt, .md, .docx, .xlsx and .csv files are accepted",
        );
    }
    Ok(trimmed.to_string())
}

/// Reads the file exactly as `zhize check FILE` does; refuses it with check's message when it
/// cannot be read or holds no duties.
fn check(file: &Received) -> Result<Accepted, Refusal> {
    let scratch = tempfile::tempdir().map_err(|e| {
        Refusal::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "无法创建临时文件夹",
            e.to_string(),
        )
    })?;
    let path = scratch.path().join(&file.name);
    std::fs::write(&path, &file.bytes).map_err(|e| {
        Refusal::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "无法写入临时文件",
            e.to_string(),
        )
    })?;
    let unprocessable = |message: String| {
        let message = message.replace(&path.display().to_string(), &file.name);
        Refusal::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("文件“{}”未通过检查，没有写入任何内容", file.name),
            message,
        )
    };
    let corpus = crate::load(std::slice::from_ref(&path), &crate::LoadOptions::default())
        .map_err(|e| unprocessable(e.to_string()))?;
    let report = corpus.files.first().cloned().unwrap_or_default();
    if report.duties == 0 {
        return Err(unprocessable(format!(
            "{}: no duties found (no numbered or bulleted lists)",
            path.display()
        )));
    }
    Ok(Accepted {
        file: file.name.clone(),
        encoding: report.encoding,
        documents: report.documents,
        positions: report.positions,
        duties: report.duties,
        unparsed_lines: report.lines.unparsed,
        warnings: corpus
            .warnings
            .iter()
            .map(|w| w.replace(&path.display().to_string(), &file.name))
            .collect(),
    })
}

/// Writes every file or none that already exists: each goes to a hidden partial file first
/// (never read as input), is synced, then linked to its name, which fails rather than
/// overwrite.
fn write_all(dir: &Path, files: &[Received]) -> Result<(), Refusal> {
    for file in files {
        if dir.join(&file.name).symlink_metadata().is_ok() {
            return Err(exists(&file.name));
        }
    }
    for file in files {
        let partial = partial_name(dir);
        let written = (|| -> std::io::Result<()> {
            let mut out = std::fs::File::create_new(&partial)?;
            out.write_all(&file.bytes)?;
            out.sync_all()
        })();
        let linked = written.and_then(|_| std::fs::hard_link(&partial, dir.join(&file.name)));
        let _ = std::fs::remove_file(&partial);
        match linked {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                return Err(exists(&file.name))
            }
            Err(e) => {
                return Err(Refusal::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    format!("无法写入“{}”", file.name),
                    e.to_string(),
                ))
            }
        }
    }
    if let Ok(folder) = std::fs::File::open(dir) {
        let _ = folder.sync_all();
    }
    Ok(())
}

fn exists(name: &str) -> Refusal {
    Refusal::new(
        StatusCode::CONFLICT,
        format!("语料文件夹里已有“{name}”，没有覆盖；请改名后再上传"),
        format!("`{name}` already exists in the corpus folder and was not overwritten; rename it"),
    )
}

const PARTIAL_PREFIX: &str = ".zhize-upload-";

fn partial_name(dir: &Path) -> PathBuf {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    dir.join(format!(
        "{PARTIAL_PREFIX}{}-{stamp}.partial",
        std::process::id()
    ))
}

/// Partial files left by a server killed mid-upload.
pub fn remove_partial_uploads(dir: &Path) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if entry
            .file_name()
            .to_string_lossy()
            .starts_with(PARTIAL_PREFIX)
        {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_plain_file_names() {
        assert_eq!(
            checked_name("新店岗位职责.docx").unwrap(),
            "新店岗位职责.docx"
        );
        assert_eq!(checked_name(" a.TXT ").unwrap(), "a.TXT");
        for bad in [
            "../a.txt",
            "/etc/passwd.txt",
            "a/b.txt",
            "a\\b.txt",
            "..",
            ".hidden.txt",
            "~$lock.docx",
            "a\u{0}.txt",
            "a\n.txt",
            "a.exe",
            "noextension",
            "x.txt.sh",
        ] {
            assert!(checked_name(bad).is_err(), "{bad:?}");
        }
    }
}
