//! `cargo run --release --example bench -- --duties N` (or `--dir DIR` over a generated corpus):
//! runs every benchmark task in rounds, baselines interleaved with zhize, each in its own child
//! process, and prints one JSON document (also written to `--out`). See BENCHMARKS.md.

#[path = "../gen/generator.rs"]
mod generator;
#[path = "harness.rs"]
mod harness;

use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser)]
#[command(about = "zhize benchmarks against jieba alone and a plain tantivy index")]
struct Args {
    #[command(subcommand)]
    child: Option<Child>,
    /// Generate (or reuse) a corpus of this many duties under bench-data/.
    #[arg(long, default_value_t = 10_000)]
    duties: usize,
    /// Generate (or reuse) the corpus as one merged file (bench-data/one-N-sS/stores/corpus.txt).
    #[arg(long)]
    one_file: bool,
    /// Use this generated corpus folder instead.
    #[arg(long)]
    dir: Option<PathBuf>,
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Rounds of every task (baseline and subject alternate within a round).
    #[arg(long, default_value_t = 3)]
    rounds: usize,
    /// Passes over the query list per query task.
    #[arg(long, default_value_t = 5)]
    query_rounds: usize,
    /// Scratch folder for indexes (default: bench-data/work-N).
    #[arg(long)]
    work: Option<PathBuf>,
    /// Spawns of `zhize search` for the cold end-to-end figure.
    #[arg(long, default_value_t = 20)]
    cold_runs: usize,
    /// Longest one task (one child process) may run, in seconds.
    #[arg(long, default_value_t = 1200)]
    timeout: u64,
    /// Where to write the JSON too.
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Child {
    /// Run one task in this process and print its JSON (used by the parent).
    Child {
        task: String,
        #[arg(long)]
        data: PathBuf,
        #[arg(long)]
        work: PathBuf,
        #[arg(long, default_value_t = 5)]
        query_rounds: usize,
    },
    /// Print the summaries of result files (from --out) side by side as a Markdown table.
    Table { files: Vec<PathBuf> },
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if let Some(Child::Table { files }) = &args.child {
        let reports = files
            .iter()
            .map(|f| Ok(serde_json::from_str(&std::fs::read_to_string(f)?)?))
            .collect::<anyhow::Result<Vec<serde_json::Value>>>()?;
        print!("{}", harness::markdown_table(&reports));
        return Ok(());
    }
    if let Some(Child::Child {
        task,
        data,
        work,
        query_rounds,
    }) = args.child
    {
        let task = harness::Task::from_name(&task)
            .ok_or_else(|| anyhow::anyhow!("unknown task {task}"))?;
        let paths = harness::Paths { data, work };
        println!("{}", harness::run_task(task, &paths, query_rounds));
        return Ok(());
    }

    let data = match args.dir {
        Some(dir) => dir,
        None => {
            // The single-file form (issue 15) lives beside the many-file one.
            let form = if args.one_file { "one" } else { "gen" };
            let dir = PathBuf::from(format!("bench-data/{form}-{}-s{}", args.duties, args.seed));
            let fresh = harness::read_manifest(&dir).is_ok_and(|m| {
                m["duties"].as_u64() == Some(args.duties as u64)
                    && m["seed"].as_u64() == Some(args.seed)
            });
            if !fresh {
                eprintln!(
                    "bench: generating {} duties into {}",
                    args.duties,
                    dir.display()
                );
                let mut generated = generator::generate(&generator::Options {
                    duties: args.duties,
                    seed: args.seed,
                    ..Default::default()
                });
                if args.one_file {
                    generated = generated.into_one_file();
                }
                if dir.join("stores").exists() {
                    std::fs::remove_dir_all(dir.join("stores"))?;
                }
                generated.write(&dir)?;
            }
            dir
        }
    };
    let duties = harness::read_manifest(&data)
        .ok()
        .and_then(|m| m["duties"].as_u64())
        .unwrap_or(0);
    let work = args
        .work
        .unwrap_or_else(|| PathBuf::from(format!("bench-data/work-{duties}")));
    std::fs::create_dir_all(&work)?;
    let exe = std::env::current_exe()?;
    // target/release/examples/bench → target/release/zhize
    let zhize_bin = exe
        .parent()
        .and_then(|p| p.parent())
        .map(|p| p.join("zhize"));
    let config = harness::Config {
        paths: harness::Paths { data, work },
        rounds: args.rounds,
        query_rounds: args.query_rounds,
        isolation: harness::Isolation::Child(exe),
        zhize_bin,
        corpus: PathBuf::from(zhize::DEFAULT_CORPUS),
        cold_runs: args.cold_runs,
        timeout: std::time::Duration::from_secs(args.timeout),
    };
    let report = harness::run_benchmark(&config);
    let text = serde_json::to_string_pretty(&report)?;
    if let Some(out) = args.out {
        std::fs::write(out, &text)?;
    }
    println!("{text}");
    Ok(())
}
