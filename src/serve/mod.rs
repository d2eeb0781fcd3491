//! serve: `zhize serve`, the web app — search, positions, compare, dedup, browsing and uploads
//! over HTTP on the same library calls as the CLI, answering from an atomically swapped
//! generation of corpus + index while the watched corpus folder is rebuilt in the background.
//!
//! Modules: `generation` (the live corpus + index and its rebuilds), `watch` (the corpus folder
//! watcher), `pages` (the HTML pages), `api` (the JSON API, the CLI's `--json` shapes),
//! `upload` (adding files to the corpus), `limits` (request limits, security headers and the
//! 4xx answers), `assets` (the embedded stylesheet and script), `connection` (the accept loop:
//! header timeouts, connection cap).

pub mod answers;
pub mod api;
pub mod assets;
pub mod connection;
pub mod generation;
pub mod limits;
pub mod pages;
pub mod upload;
pub mod watch;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use generation::{Generation, Live, Source};
use limits::Refusal;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use tokio::sync::Semaphore;

/// What `zhize serve` was asked to serve, and how.
#[derive(Debug, Clone)]
pub struct Config {
    /// The inputs and the index folder, exactly as `zhize search` takes them.
    pub index: crate::index::IndexOptions,
    pub host: IpAddr,
    /// 0 for any free port.
    pub port: u16,
    /// Whether the 添加文件 page (and `POST /api/upload`) accepts files.
    pub allow_upload: bool,
    /// Whether to watch the inputs and rebuild when they change.
    pub watch: bool,
    /// How many search answers each generation of the index keeps (0: none).
    pub search_cache: usize,
}

/// What every route shares.
#[derive(Clone)]
pub struct App {
    pub live: Arc<Live>,
    /// CPU work (searches, comparisons) at once; the rest wait.
    work: Arc<Semaphore>,
    /// Where uploaded files go: the first input folder (when uploads are allowed).
    pub upload_dir: Option<PathBuf>,
    pub allow_upload: bool,
}

impl App {
    /// Runs short work (a search: its query is at most 256 characters) on the current
    /// generation right here on the async worker, a few at a time: handing a sub-millisecond
    /// search to the blocking pool cost more than the search.
    pub async fn run_here<T>(
        &self,
        work: impl FnOnce(&Generation) -> Result<T, Refusal>,
    ) -> Result<T, Refusal> {
        let _permit = self.work.acquire().await.map_err(|_| {
            Refusal::new(
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "服务器正在关闭",
                "the server is shutting down",
            )
        })?;
        let generation = self.live.current();
        work(&generation)
    }

    /// Runs `work` on the current generation off the async workers, a few at a time.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Generation) -> Result<T, Refusal> + Send + 'static,
    ) -> Result<T, Refusal> {
        let _permit = self.work.acquire().await.map_err(|_| {
            Refusal::new(
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "服务器正在关闭",
                "the server is shutting down",
            )
        })?;
        let generation = self.live.current();
        match tokio::task::spawn_blocking(move || work(&generation)).await {
            Ok(result) => result,
            Err(_) => Err(Refusal::new(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "处理请求时出错",
                "the request failed inside the server",
            )),
        }
    }
}

/// A server with its first generation built and its port bound, not yet answering.
pub struct Server {
    pub app: App,
    pub address: SocketAddr,
    listener: std::net::TcpListener,
    _watcher: Option<notify::RecommendedWatcher>,
}

impl Server {
    /// Builds or opens the index (as `zhize search` does), parses the corpus, binds the port
    /// and starts watching the inputs.
    pub fn start(config: &Config) -> crate::Result<Server> {
        let source = Source {
            index: config.index.clone(),
            search_cache: config.search_cache,
        };
        let first = generation::build(&source, 1)?;
        let live = Arc::new(Live::new(first, source));
        let upload_dir = config
            .index
            .inputs
            .iter()
            .find(|p| p.is_dir())
            .and_then(|p| std::fs::canonicalize(p).ok());
        if let Some(dir) = &upload_dir {
            upload::remove_partial_uploads(dir);
        }
        let listener = std::net::TcpListener::bind((config.host, config.port)).map_err(|e| {
            crate::Error::Other(format!(
                "cannot listen on {}:{}: {e}",
                config.host, config.port
            ))
        })?;
        listener
            .set_nonblocking(true)
            .map_err(|e| crate::Error::Other(format!("cannot listen: {e}")))?;
        let address = listener
            .local_addr()
            .map_err(|e| crate::Error::Other(format!("cannot listen: {e}")))?;
        let watcher = if config.watch {
            Some(
                watch::watch(Arc::clone(&live))
                    .map_err(|e| crate::Error::Other(format!("cannot watch the corpus: {e}")))?,
            )
        } else {
            None
        };
        Ok(Server {
            app: App {
                live,
                work: Arc::new(Semaphore::new(limits::max_working())),
                upload_dir,
                allow_upload: config.allow_upload,
            },
            address,
            listener,
            _watcher: watcher,
        })
    }

    /// Answers requests until the process ends.
    pub async fn run(self) -> std::io::Result<()> {
        let listener = tokio::net::TcpListener::from_std(self.listener)?;
        let loopback = self.address.ip().is_loopback();
        let router = router(self.app, loopback);
        let result = connection::accept_loop(listener, router).await;
        drop(self._watcher);
        result
    }
}

/// Every route: the pages, the JSON API, the embedded assets.
pub fn router(app: App, loopback: bool) -> Router {
    let uploads = Router::new()
        .route("/upload", get(upload::page).post(upload::page_post))
        .route("/api/upload", post(upload::api_post))
        .layer(DefaultBodyLimit::max(limits::MAX_UPLOAD_BYTES));
    Router::new()
        .route("/", get(pages::home))
        .route("/search", get(pages::search))
        .route("/search/results", get(pages::search_fragment))
        .route("/position/{id}", get(pages::position))
        .route("/compare", get(pages::compare))
        .route("/dedup", get(pages::dedup))
        .route("/dedup/clean.jsonl", get(pages::clean_corpus))
        .route("/stores", get(pages::stores))
        .route("/roles", get(pages::roles))
        .route("/api/search", get(api::search))
        .route("/api/positions", get(api::positions))
        .route("/api/positions/{id}", get(api::position))
        .route("/api/compare", get(api::compare))
        .route("/api/dedup", get(api::dedup))
        .route("/api/check", get(api::check))
        .route("/api/stores", get(api::stores))
        .route("/api/roles", get(api::roles))
        .route("/api/status", get(api::status))
        .route("/static/app.css", get(assets::stylesheet))
        .route("/static/app.js", get(assets::script))
        .merge(uploads)
        .fallback(pages::not_found)
        .method_not_allowed_fallback(pages::method_not_allowed)
        .layer(DefaultBodyLimit::max(limits::MAX_BODY_BYTES))
        .with_state(app)
        .layer(axum::middleware::from_fn(connection::deadline))
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            limits::panicked,
        ))
        .layer(axum::middleware::from_fn_with_state(
            loopback,
            limits::guard,
        ))
        .layer(axum::middleware::from_fn(limits::security_headers))
}
