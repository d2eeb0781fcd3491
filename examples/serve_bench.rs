//! `cargo run --release --example serve_bench -- [--corpus PATH] [--index DIR] [--clients 64]
//! [--requests 20000] [--search-cache N]`: the load benchmark of `zhize serve` (not a timed test).
//!
//! Starts the release binary's `zhize serve` on the corpus, then from this process: 64
//! keep-alive clients send 20,000 `/api/search` requests over the queries of
//! examples/bench/queries.txt (varied: both groupings, a few store and role filters), and, as
//! baselines in the same run, the same clients on a static route (`/static/app.css`: the HTTP
//! stack alone) and the library's own in-process search of the same queries (no HTTP). Prints
//! throughput, p50/p90/p99/max latency, errors, and the server's RSS before and after, as JSON
//! lines. `--search-cache 0` starts the server without its answer cache: every request is
//! searched (the warm-up asks every target twice, so with the cache every measured request is a
//! repeat); run both to see the search and the cache apart.

use http_body_util::BodyExt;
use hyper_util::rt::TokioIo;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

struct Args {
    corpus: PathBuf,
    index: PathBuf,
    clients: usize,
    requests: usize,
    binary: PathBuf,
    /// Passed to `zhize serve --search-cache` (None: the server's default).
    search_cache: Option<usize>,
}

fn args() -> Args {
    let mut args = Args {
        corpus: PathBuf::from("corpus"),
        index: std::env::temp_dir().join("zhize-serve-bench-index"),
        clients: 64,
        requests: 20_000,
        binary: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/release/zhize"),
        search_cache: None,
    };
    let mut given = std::env::args().skip(1);
    while let Some(flag) = given.next() {
        let value = given.next().unwrap_or_default();
        match flag.as_str() {
            "--corpus" => args.corpus = value.into(),
            "--index" => args.index = value.into(),
            "--clients" => args.clients = value.parse().expect("--clients N"),
            "--requests" => args.requests = value.parse().expect("--requests N"),
            "--binary" => args.binary = value.into(),
            "--search-cache" => args.search_cache = Some(value.parse().expect("--search-cache N")),
            other => panic!("unknown flag {other}"),
        }
    }
    args
}

fn queries() -> Vec<String> {
    let text = include_str!("bench/queries.txt");
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

fn encode(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// The request targets: every query by position and by duty, some with a role filter.
fn targets(queries: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for (k, query) in queries.iter().enumerate() {
        out.push(format!("/api/search?q={}", encode(query)));
        out.push(format!("/api/search?q={}&by=duty", encode(query)));
        if k % 5 == 0 {
            out.push(format!(
                "/api/search?q={}&role={}",
                encode(query),
                encode("销售顾问")
            ));
        }
    }
    out
}

fn rss_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

/// The server's user + system CPU time so far, in milliseconds.
fn cpu_ms(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    let rest = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields.get(11).and_then(|v| v.parse().ok()).unwrap_or(0.0)
        + fields.get(12).and_then(|v| v.parse().ok()).unwrap_or(0.0);
    ticks * 10.0
}

struct Run {
    name: String,
    seconds: f64,
    latencies_us: Vec<u64>,
    errors: usize,
    /// The server's CPU time per request, when measured.
    server_cpu_ms: Option<f64>,
}

impl Run {
    fn print(&mut self) {
        self.latencies_us.sort_unstable();
        let at = |q: f64| {
            let n = self.latencies_us.len();
            if n == 0 {
                return 0.0;
            }
            self.latencies_us[((n as f64 * q) as usize).min(n - 1)] as f64 / 1000.0
        };
        println!(
            "{}",
            serde_json::json!({
                "run": self.name,
                "requests": self.latencies_us.len() + self.errors,
                "errors": self.errors,
                "seconds": (self.seconds * 1000.0).round() / 1000.0,
                "requests_per_second": (self.latencies_us.len() as f64 / self.seconds).round(),
                "p50_ms": at(0.50), "p90_ms": at(0.90), "p99_ms": at(0.99),
                "max_ms": self.latencies_us.last().copied().unwrap_or(0) as f64 / 1000.0,
                "server_cpu_ms_per_request": self.server_cpu_ms,
            })
        );
    }
}

/// `clients` keep-alive connections sending `total` requests drawn in turn from `targets`.
async fn load(
    address: std::net::SocketAddr,
    targets: Arc<Vec<String>>,
    clients: usize,
    total: usize,
    name: &str,
) -> Run {
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let next = Arc::clone(&next);
        let targets = Arc::clone(&targets);
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0usize;
            let mut sender = None;
            loop {
                let k = next.fetch_add(1, Ordering::SeqCst);
                if k >= total {
                    break;
                }
                if sender.is_none() {
                    let stream = tokio::net::TcpStream::connect(address).await.unwrap();
                    let _ = stream.set_nodelay(true);
                    let (send, connection) =
                        hyper::client::conn::http1::handshake(TokioIo::new(stream))
                            .await
                            .unwrap();
                    tokio::spawn(connection);
                    sender = Some(send);
                }
                let send = sender.as_mut().unwrap();
                let request = hyper::Request::get(&targets[k % targets.len()])
                    .header("host", format!("127.0.0.1:{}", address.port()))
                    .body(http_body_util::Empty::<bytes::Bytes>::new())
                    .unwrap();
                let sent = Instant::now();
                match send.send_request(request).await {
                    Ok(response) => {
                        let ok = response.status().is_success();
                        let body = response.into_body().collect().await;
                        if ok && body.is_ok() {
                            latencies.push(sent.elapsed().as_micros() as u64);
                        } else {
                            errors += 1;
                        }
                    }
                    Err(_) => {
                        errors += 1;
                        sender = None;
                    }
                }
            }
            (latencies, errors)
        }));
    }
    let mut run = Run {
        name: name.to_string(),
        seconds: 0.0,
        latencies_us: Vec::new(),
        errors: 0,
        server_cpu_ms: None,
    };
    for task in tasks {
        let (latencies, errors) = task.await.unwrap();
        run.latencies_us.extend(latencies);
        run.errors += errors;
    }
    run.seconds = started.elapsed().as_secs_f64();
    run
}

fn main() {
    let args = args();
    assert!(
        args.binary.exists(),
        "build the release binary first: cargo build --release"
    );
    let queries = queries();
    // The server, as a user starts it.
    let started = Instant::now();
    let mut command = Command::new(&args.binary);
    command
        .arg("serve")
        .arg(&args.corpus)
        .arg("--index")
        .arg(&args.index)
        .arg("--no-watch");
    if let Some(entries) = args.search_cache {
        command.arg("--search-cache").arg(entries.to_string());
    }
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("zhize serve starts");
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let address: std::net::SocketAddr = line
        .trim()
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .parse()
        .expect("an address");
    let pid = child.id();
    eprintln!(
        "serve_bench: server up in {:.1} s at {address}",
        started.elapsed().as_secs_f64()
    );
    let rss_start = rss_kb(pid);

    // Baseline 1: the library's search in this process, the same queries, no HTTP.
    let options = zhize::index::IndexOptions {
        dir: args.index.clone(),
        inputs: vec![args.corpus.clone()],
        load: Default::default(),
        vocabulary: Default::default(),
    };
    let (index, _) = zhize::index::ensure(&options, &zhize::index::NoProgress).unwrap();
    let mut in_process = Run {
        name: "library search, in process, 1 thread (baseline)".into(),
        seconds: 0.0,
        latencies_us: Vec::new(),
        errors: 0,
        server_cpu_ms: None,
    };
    let by = [
        zhize::search::GroupBy::Position,
        zhize::search::GroupBy::Duty,
    ];
    let clock = Instant::now();
    for round in 0..3 {
        for query in &queries {
            let options = zhize::search::SearchOptions {
                by: by[round % 2],
                ..Default::default()
            };
            let sent = Instant::now();
            match zhize::search::search(&index, query, &options) {
                Ok(results) => {
                    std::hint::black_box(zhize::render::search::results_json(&results));
                    in_process
                        .latencies_us
                        .push(sent.elapsed().as_micros() as u64);
                }
                Err(_) => in_process.errors += 1,
            }
        }
    }
    in_process.seconds = clock.elapsed().as_secs_f64();
    drop(index);

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let search_targets = Arc::new(targets(&queries));
    let static_targets = Arc::new(vec!["/static/app.css".to_string()]);
    runtime.block_on(async {
        // Warm-up: every target once.
        let warm = load(
            address,
            Arc::clone(&search_targets),
            args.clients,
            search_targets.len() * 2,
            "warm-up",
        )
        .await;
        assert_eq!(warm.errors, 0, "warm-up errors");
    });
    let rss_warm = rss_kb(pid);
    let cpu_before = cpu_ms(pid);
    let mut statics = runtime.block_on(load(
        address,
        static_targets,
        args.clients,
        args.requests,
        "GET /static/app.css (baseline: HTTP alone)",
    ));
    statics.server_cpu_ms = Some((cpu_ms(pid) - cpu_before) / args.requests as f64);
    // The search passes, the server's RSS read after each.
    let mut passes = Vec::new();
    let mut rss_after_pass = Vec::new();
    for pass in 1..=3 {
        let cpu_before = cpu_ms(pid);
        passes.push(runtime.block_on(load(
            address,
            Arc::clone(&search_targets),
            args.clients,
            args.requests,
            &format!("GET /api/search (pass {pass})"),
        )));
        if let Some(run) = passes.last_mut() {
            run.server_cpu_ms = Some((cpu_ms(pid) - cpu_before) / args.requests as f64);
        }
        rss_after_pass.push(rss_kb(pid) / 1024);
    }
    let rss_end = rss_kb(pid);
    in_process.print();
    statics.print();
    for pass in &mut passes {
        pass.print();
    }
    println!(
        "{}",
        serde_json::json!({
            "corpus": args.corpus, "clients": args.clients, "targets": targets(&queries).len(),
            "queries": queries.len(),
            "server_rss_mb": {
                "after_start": rss_start / 1024,
                "after_warm_up": rss_warm / 1024,
                "after_each_search_pass": rss_after_pass,
                "after_runs": rss_end / 1024,
            },
            "cpus": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
            "load_average": std::fs::read_to_string("/proc/loadavg").unwrap_or_default().trim(),
        })
    );
    let _ = child.kill();
    let _ = child.wait();
}
