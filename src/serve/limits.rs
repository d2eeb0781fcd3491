//! serve::limits: what a request may be (sizes, lengths, time, origin) and how a refusal is
//! answered — a 4xx status with a message in Chinese and English, as a page or as JSON.

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, Method, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::time::Duration;

/// The longest search query, in characters (a question is a few dozen; a pasted page is not a
/// query).
pub const MAX_QUERY_CHARS: usize = 256;
/// The longest store or role name, in characters.
pub const MAX_NAME_CHARS: usize = 100;
/// The most results one search returns.
pub const MAX_LIMIT: usize = 100;
/// The longest request target (path and query), in bytes.
pub const MAX_URI_BYTES: usize = 4096;
/// The largest request body outside uploads.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// The largest uploaded file.
pub const MAX_UPLOAD_FILE_BYTES: usize = 8 * 1024 * 1024;
/// The most files in one upload.
pub const MAX_UPLOAD_FILES: usize = 10;
/// The largest upload request (all files and the form around them).
pub const MAX_UPLOAD_BYTES: usize = 24 * 1024 * 1024;
/// A client must send a request's head within this time, or it is answered 408 and closed.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(5);
/// A request (its body included) must be answered within this time.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);
/// An upload, whose body may be large, gets this long.
pub const UPLOAD_TIMEOUT: Duration = Duration::from_secs(60);
/// Open connections at once; past this a new one is told to come back (503) and closed.
pub const MAX_CONNECTIONS: usize = 1024;
/// Searches, comparisons and other CPU work running at once; the rest wait their turn.
pub fn max_working() -> usize {
    2 * std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
}

/// A refused or failed request: a status and a message in Chinese and in English.
#[derive(Debug, Clone)]
pub struct Refusal {
    pub status: StatusCode,
    pub chinese: String,
    pub english: String,
}

impl Refusal {
    pub fn new(status: StatusCode, chinese: impl Into<String>, english: impl Into<String>) -> Self {
        Refusal {
            status,
            chinese: chinese.into(),
            english: english.into(),
        }
    }

    pub fn bad_request(chinese: impl Into<String>, english: impl Into<String>) -> Self {
        Refusal::new(StatusCode::BAD_REQUEST, chinese, english)
    }

    pub fn not_found(chinese: impl Into<String>, english: impl Into<String>) -> Self {
        Refusal::new(StatusCode::NOT_FOUND, chinese, english)
    }

    /// The message as one line: `中文 / English`.
    pub fn message(&self) -> String {
        format!("{} / {}", self.chinese, self.english)
    }

    /// As JSON: `{"error": "中文 / English", "status": N}`.
    pub fn json(&self) -> Response {
        let body = serde_json::json!({ "error": self.message(), "status": self.status.as_u16() });
        (self.status, axum::Json(body)).into_response()
    }

    /// As a small page.
    pub fn page(&self) -> Response {
        let body = super::pages::error_page(self);
        (
            self.status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            body,
        )
            .into_response()
    }
}

/// A library error from the user's own input (an unknown store, an ambiguous name) is a 400;
/// anything else is a 500 that still says what went wrong.
impl From<crate::Error> for Refusal {
    fn from(error: crate::Error) -> Self {
        match &error {
            crate::Error::NotFound(message) | crate::Error::Ambiguous(message) => {
                Refusal::bad_request("找不到，或不唯一", message.clone())
            }
            crate::Error::Other(message) if message.starts_with("query syntax") => {
                Refusal::bad_request("查询语法错误", message.clone())
            }
            _ => Refusal::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "服务器内部错误",
                error.to_string(),
            ),
        }
    }
}

/// The refusal as a page (routes under `/api` use [`ApiRefusal`]).
impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        self.page()
    }
}

/// A refusal answered as JSON.
pub struct ApiRefusal(pub Refusal);

impl IntoResponse for ApiRefusal {
    fn into_response(self) -> Response {
        self.0.json()
    }
}

impl<E: Into<Refusal>> From<E> for ApiRefusal {
    fn from(error: E) -> Self {
        ApiRefusal(error.into())
    }
}

/// A route that panicked (a bug) answers 500 with a message instead of dropping the
/// connection; the server goes on.
pub fn panicked(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    Refusal::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "服务器内部错误（已记录），请换个请求再试",
        "internal error in the server; the request was dropped, the server goes on",
    )
    .page()
}

/// The Content-Security-Policy: nothing from elsewhere, no inline script (the one script is
/// the app's own file), no inline style attributes, no frames, forms only to this server.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
     connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// Adds the security headers to every response.
pub async fn security_headers(request: Request<Body>, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    response
}

/// Refuses, before any route runs: an overlong target, a Host that is not this machine when
/// listening on loopback (DNS rebinding), and a cross-site form post (another page making the
/// browser upload files).
pub async fn guard(
    axum::extract::State(loopback): axum::extract::State<bool>,
    request: Request<Body>,
    next: Next,
) -> Response {
    let target = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str().len())
        .unwrap_or(0);
    let api = request.uri().path().starts_with("/api/");
    let refuse = |refusal: Refusal| {
        if api {
            refusal.json()
        } else {
            refusal.page()
        }
    };
    if target > MAX_URI_BYTES {
        return refuse(Refusal::new(
            StatusCode::URI_TOO_LONG,
            format!("网址太长（最多 {MAX_URI_BYTES} 字节）"),
            format!("the address is too long (at most {MAX_URI_BYTES} bytes)"),
        ));
    }
    if loopback && !host_is_local(request.headers()) {
        return refuse(Refusal::new(
            StatusCode::MISDIRECTED_REQUEST,
            "此服务只接受本机地址（localhost / 127.0.0.1）",
            "this server answers only requests addressed to this machine (localhost / 127.0.0.1)",
        ));
    }
    if request.method() != Method::GET
        && request.method() != Method::HEAD
        && !same_origin(request.headers())
    {
        return refuse(Refusal::new(
            StatusCode::FORBIDDEN,
            "拒绝来自其他网站的提交",
            "a form posted from another site is refused",
        ));
    }
    next.run(request).await
}

fn host_is_local(headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        // HTTP/1.0 without Host: nothing to rebind.
        return true;
    };
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(name, _)| name),
    };
    let name = name.to_ascii_lowercase();
    name == "localhost"
        || name.ends_with(".localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// A browser names the page a form came from in `Origin` (and `Sec-Fetch-Site`); a request
/// without them (curl, a test) is not a browser's cross-site post.
fn same_origin(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        if site != "same-origin" && site != "none" {
            return false;
        }
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    origin
        .split_once("://")
        .is_some_and(|(_, rest)| rest.eq_ignore_ascii_case(host))
}

/// The query string as (name, value) pairs, `+` as a space, percent-decoded; a value that is
/// not UTF-8 after decoding is refused rather than guessed at.
pub fn query_pairs(raw: Option<&str>) -> Result<Vec<(String, String)>, Refusal> {
    let mut pairs = Vec::new();
    let Some(raw) = raw else {
        return Ok(pairs);
    };
    for piece in raw.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = piece.split_once('=').unwrap_or((piece, ""));
        let decode = |text: &str| {
            let spaced = text.replace('+', " ");
            String::from_utf8(percent_encoding::percent_decode_str(&spaced).collect()).map_err(
                |_| {
                    Refusal::bad_request(
                        "网址中的参数不是有效的 UTF-8 文本",
                        "a parameter in the address is not valid UTF-8 text",
                    )
                },
            )
        };
        pairs.push((decode(name)?, decode(value)?));
    }
    Ok(pairs)
}

/// The parameters of a request, with the checks every route applies.
pub struct Params {
    pairs: Vec<(String, String)>,
}

impl Params {
    pub fn parse(raw: Option<&str>) -> Result<Params, Refusal> {
        Ok(Params {
            pairs: query_pairs(raw)?,
        })
    }

    /// The first value of `name`, trimmed; empty counts as absent.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// A text parameter of at most `max` characters.
    pub fn text(&self, name: &str, max: usize) -> Result<Option<String>, Refusal> {
        match self.get(name) {
            Some(value) if value.chars().count() > max => Err(Refusal::bad_request(
                format!("参数 {name} 太长（最多 {max} 个字符）"),
                format!("parameter {name} is too long (at most {max} characters)"),
            )),
            other => Ok(other.map(str::to_string)),
        }
    }

    /// The search query `q`.
    pub fn query(&self) -> Result<Option<String>, Refusal> {
        match self.get("q") {
            Some(value) if value.chars().count() > MAX_QUERY_CHARS => Err(Refusal::bad_request(
                format!("查询太长（最多 {MAX_QUERY_CHARS} 个字符）"),
                format!("the query is too long (at most {MAX_QUERY_CHARS} characters)"),
            )),
            other => Ok(other.map(str::to_string)),
        }
    }

    /// A whole number in `min..=max`, or `default` when absent.
    pub fn number(
        &self,
        name: &str,
        default: usize,
        min: usize,
        max: usize,
    ) -> Result<usize, Refusal> {
        let Some(value) = self.get(name) else {
            return Ok(default);
        };
        match value.parse::<usize>() {
            Ok(n) if (min..=max).contains(&n) => Ok(n),
            _ => Err(Refusal::bad_request(
                format!("参数 {name} 应为 {min} 到 {max} 之间的整数，而不是“{value}”"),
                format!(
                    "parameter {name} must be a whole number from {min} to {max}, not `{value}`"
                ),
            )),
        }
    }

    /// One of the allowed words, or the first when absent.
    pub fn choice<'a>(&self, name: &str, allowed: &[&'a str]) -> Result<&'a str, Refusal> {
        let Some(value) = self.get(name) else {
            return Ok(allowed[0]);
        };
        allowed
            .iter()
            .find(|a| a.eq_ignore_ascii_case(value))
            .copied()
            .ok_or_else(|| {
                Refusal::bad_request(
                    format!("参数 {name} 只能是 {}", allowed.join(" / ")),
                    format!("parameter {name} must be one of {}", allowed.join(", ")),
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_pairs_decode_and_refuse_bad_utf8() {
        let pairs = query_pairs(Some("q=%E7%BB%AD%E4%BF%9D+%E4%BF%9D%E9%99%A9&by=duty&x")).unwrap();
        assert_eq!(pairs[0], ("q".into(), "续保 保险".into()));
        assert_eq!(pairs[1], ("by".into(), "duty".into()));
        assert_eq!(pairs[2], ("x".into(), "".into()));
        // A lone `%` or `%zz` stays literal; bytes that are not UTF-8 are refused.
        assert_eq!(query_pairs(Some("q=100%")).unwrap()[0].1, "100%");
        assert_eq!(query_pairs(Some("q=%zz")).unwrap()[0].1, "%zz");
        let refused = query_pairs(Some("q=%FF%FE")).unwrap_err();
        assert_eq!(refused.status, StatusCode::BAD_REQUEST);
        assert!(refused.message().contains("UTF-8"));
    }

    #[test]
    fn local_hosts() {
        let mut headers = HeaderMap::new();
        for (host, local) in [
            ("127.0.0.1:8080", true),
            ("localhost:1", true),
            ("[::1]:9", true),
            ("LOCALHOST", true),
            ("evil.example:80", false),
            ("127.0.0.1.evil.example", false),
            ("192.168.1.2:80", false),
        ] {
            headers.insert(header::HOST, HeaderValue::from_static(host));
            assert_eq!(host_is_local(&headers), local, "{host}");
        }
    }
}
