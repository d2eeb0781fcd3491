//! What the `zhize serve` tests share: a server spawned on a copy of a corpus (its own index
//! folder), and a plain HTTP/1.1 client over a TCP socket that can send anything.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The shipped corpus file.
pub fn shipped_corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/4s店岗位职责合集.txt")
}

/// A running `zhize serve`, killed when dropped.
pub struct Server {
    pub child: Child,
    pub address: SocketAddr,
    pub dir: tempfile::TempDir,
    pub corpus: PathBuf,
    pub index: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Serves a folder holding a copy of the shipped corpus.
    pub fn shipped(extra: &[&str]) -> Server {
        Server::with_files(
            &[(
                "4s店岗位职责合集.txt",
                std::fs::read(shipped_corpus()).unwrap(),
            )],
            extra,
        )
    }

    /// Serves a folder holding these files.
    pub fn with_files(files: &[(&str, Vec<u8>)], extra: &[&str]) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let corpus = dir.path().join("corpus");
        std::fs::create_dir_all(&corpus).unwrap();
        for (name, bytes) in files {
            std::fs::write(corpus.join(name), bytes).unwrap();
        }
        let index = dir.path().join("index");
        Server::start(dir, corpus, index, extra)
    }

    pub fn start(
        dir: tempfile::TempDir,
        corpus: PathBuf,
        index: PathBuf,
        extra: &[&str],
    ) -> Server {
        // Paths inside the folder are given relative to it, as a user in that folder would
        // (they show in the pages and the JSON).
        let relative = |path: &Path| path.strip_prefix(dir.path()).unwrap_or(path).to_path_buf();
        let mut child = Command::new(env!("CARGO_BIN_EXE_zhize"))
            .arg("serve")
            .arg(relative(&corpus))
            .arg("--index")
            .arg(relative(&index))
            .args(extra)
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("zhize serve starts");
        let stdout = child.stdout.take().unwrap();
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = sender.send(line);
        });
        let line = match receiver.recv_timeout(Duration::from_secs(120)) {
            Ok(line) if !line.is_empty() => line,
            _ => {
                let _ = child.kill();
                let mut err = String::new();
                if let Some(mut stderr) = child.stderr.take() {
                    let _ = stderr.read_to_string(&mut err);
                }
                panic!("zhize serve printed no address; stderr:\n{err}");
            }
        };
        // Keep stderr drained so the server never blocks on a full pipe.
        if let Some(mut stderr) = child.stderr.take() {
            std::thread::spawn(move || {
                let mut sink = Vec::new();
                let _ = stderr.read_to_end(&mut sink);
            });
        }
        let address = line
            .trim()
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .parse()
            .unwrap_or_else(|_| panic!("not an address: {line:?}"));
        Server {
            child,
            address,
            dir,
            corpus,
            index,
        }
    }

    pub fn get(&self, target: &str) -> Response {
        get(self.address, target)
    }

    pub fn json(&self, target: &str) -> serde_json::Value {
        let response = self.get(target);
        assert_eq!(response.status, 200, "{target}: {}", response.text());
        serde_json::from_slice(&response.body).unwrap_or_else(|e| panic!("{target}: {e}"))
    }

    /// True while the process runs.
    pub fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Waits until `/api/status` shows a generation of at least `number` with no rebuild
    /// running.
    pub fn wait_for_generation(&self, number: u64, within: Duration) -> serde_json::Value {
        let started = Instant::now();
        loop {
            let status = self.json("/api/status");
            if status["generation"].as_u64().unwrap_or(0) >= number && status["refreshing"] == false
            {
                return status;
            }
            assert!(
                started.elapsed() < within,
                "no generation {number} within {within:?}: {status}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits until no rebuild runs.
    pub fn wait_idle(&self, within: Duration) -> serde_json::Value {
        let started = Instant::now();
        loop {
            let status = self.json("/api/status");
            if status["refreshing"] == false {
                return status;
            }
            assert!(started.elapsed() < within, "still refreshing: {status}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// An HTTP answer.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub head: String,
    pub body: Vec<u8>,
}

impl Response {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// A header's value (names compared without case).
    pub fn header(&self, name: &str) -> Option<String> {
        self.head.lines().skip(1).find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim()
                .eq_ignore_ascii_case(name)
                .then(|| value.trim().to_string())
        })
    }
}

/// Sends raw bytes and reads the answer until the server closes the connection.
pub fn exchange(address: SocketAddr, request: &[u8]) -> Option<Response> {
    let mut stream = TcpStream::connect_timeout(&address, Duration::from_secs(5)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .ok()?;
    stream.write_all(request).ok()?;
    let mut bytes = Vec::new();
    let _ = stream.read_to_end(&mut bytes);
    parse(&bytes)
}

/// Parses an HTTP/1.1 answer (content-length or read to the end; chunked bodies decoded).
pub fn parse(bytes: &[u8]) -> Option<Response> {
    let end = bytes.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&bytes[..end]).into_owned();
    let status = head.split_whitespace().nth(1)?.parse().ok()?;
    let mut body = bytes[end + 4..].to_vec();
    let response = Response {
        status,
        head,
        body: Vec::new(),
    };
    if response
        .header("transfer-encoding")
        .is_some_and(|v| v.contains("chunked"))
    {
        body = dechunk(&body);
    } else if let Some(length) = response
        .header("content-length")
        .and_then(|v| v.parse().ok())
    {
        body.truncate(length);
    }
    Some(Response { body, ..response })
}

fn dechunk(mut bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(line_end) = bytes.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(String::from_utf8_lossy(&bytes[..line_end]).trim(), 16)
            .unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = line_end + 2;
        let stop = (start + size).min(bytes.len());
        out.extend_from_slice(&bytes[start..stop]);
        bytes = &bytes[(stop + 2).min(bytes.len())..];
    }
    out
}

/// `GET target` with `Connection: close`.
pub fn get(address: SocketAddr, target: &str) -> Response {
    let request = format!(
        "GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
        address.port()
    );
    exchange(address, request.as_bytes()).unwrap_or_else(|| panic!("no answer to GET {target}"))
}

/// A query-string value.
pub fn encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A multipart/form-data body holding these files in the field `file`.
pub fn multipart(files: &[(&str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "zhizeTestBoundary7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// `POST /api/upload` with these files.
pub fn upload(address: SocketAddr, files: &[(&str, &[u8])]) -> Response {
    let (content_type, body) = multipart(files);
    let mut request = format!(
        "POST /api/upload HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        address.port(),
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(&body);
    exchange(address, &request).expect("an answer to the upload")
}

/// The CLI's output for the same question, to compare with the API.
pub fn cli(args: &[&str], dir: &Path) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_zhize"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("zhize runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}
