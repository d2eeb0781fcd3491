//! serve::connection: the accept loop — HTTP/1.1 connections served by hyper with a deadline for
//! each request's head and for each answer, a cap on open connections, and a 408/503 with a
//! message for the clients that miss them.

use super::limits::{self, Refusal};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::io::Write;
use std::os::fd::AsFd;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;

/// Accepts connections until the listener fails.
pub async fn accept_loop(listener: TcpListener, router: Router) -> std::io::Result<()> {
    let open = Arc::new(Semaphore::new(limits::MAX_CONNECTIONS));
    loop {
        let (stream, _) = match listener.accept().await {
            Ok(accepted) => accepted,
            // Out of file descriptors and the like: wait a moment instead of spinning.
            Err(_) => {
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let Ok(permit) = Arc::clone(&open).try_acquire_owned() else {
            let refusal = Refusal::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "连接太多，请稍后再试",
                "too many connections; try again in a moment",
            );
            tell_and_close(&stream, &refusal);
            continue;
        };
        let service = TowerToHyperService::new(router.clone());
        tokio::spawn(async move {
            let _permit = permit;
            let spare = stream
                .as_fd()
                .try_clone_to_owned()
                .ok()
                .map(std::net::TcpStream::from);
            let mid_request = Arc::new(AtomicBool::new(false));
            let io = Tracked {
                inner: stream,
                mid_request: Arc::clone(&mid_request),
            };
            let served = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(limits::HEADER_TIMEOUT)
                .max_buf_size(limits::MAX_URI_BYTES * 4)
                .serve_connection(TokioIo::new(io), service)
                .await;
            // hyper closes a connection whose head did not arrive in time without a word; a
            // client that had started a request is told why.
            if let Err(error) = served {
                if error.is_timeout() && mid_request.load(Ordering::SeqCst) {
                    if let Some(spare) = spare {
                        let refusal = Refusal::new(
                            StatusCode::REQUEST_TIMEOUT,
                            format!(
                                "请求头 {} 秒内未发完，连接已关闭",
                                limits::HEADER_TIMEOUT.as_secs()
                            ),
                            format!(
                                "the request head did not arrive within {} s; connection closed",
                                limits::HEADER_TIMEOUT.as_secs()
                            ),
                        );
                        write_refusal(spare, &refusal);
                    }
                }
            }
        });
    }
}

/// A plain HTTP answer written straight to the socket (the connection is not served).
fn raw_answer(refusal: &Refusal) -> Vec<u8> {
    let body = format!("{}\n", refusal.message());
    format!(
        "HTTP/1.1 {} {}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        refusal.status.as_u16(),
        refusal.status.canonical_reason().unwrap_or(""),
        body.len()
    )
    .into_bytes()
}

fn tell_and_close(stream: &TcpStream, refusal: &Refusal) {
    let _ = stream.try_write(&raw_answer(refusal));
}

fn write_refusal(mut spare: std::net::TcpStream, refusal: &Refusal) {
    // The socket is non-blocking (shared with tokio's copy); a short answer fits its buffer.
    let _ = spare.write(&raw_answer(refusal));
    let _ = spare.shutdown(std::net::Shutdown::Both);
}

/// The socket, remembering whether a request has begun that has not been answered yet.
struct Tracked {
    inner: TcpStream,
    mid_request: Arc<AtomicBool>,
}

impl AsyncRead for Tracked {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.mid_request.store(true, Ordering::SeqCst);
        }
        polled
    }
}

impl AsyncWrite for Tracked {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, data);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.mid_request.store(false, Ordering::SeqCst);
        }
        polled
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buffers: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write_vectored(cx, buffers);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.mid_request.store(false, Ordering::SeqCst);
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

/// Answers 408 with a message when a request takes longer than its deadline (its body
/// included: a client trickling an upload cannot hold the server).
pub async fn deadline(request: Request<Body>, next: Next) -> Response {
    let upload = request.uri().path().ends_with("upload");
    let api = request.uri().path().starts_with("/api/");
    let limit = if upload {
        limits::UPLOAD_TIMEOUT
    } else {
        limits::REQUEST_TIMEOUT
    };
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            let refusal = Refusal::new(
                StatusCode::REQUEST_TIMEOUT,
                format!("请求超过 {} 秒未完成", limit.as_secs()),
                format!("the request took longer than {} s", limit.as_secs()),
            );
            if api {
                refusal.json()
            } else {
                refusal.page()
            }
        }
    }
}
