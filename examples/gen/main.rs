//! `cargo run --release --example gen -- --duties N --out DIR [--seed S]`: writes a generated
//! corpus of N duties (one file per store under DIR/stores), DIR/manifest.json (the ground truth:
//! counts, stores, positions, duplicate shares) and DIR/truth.tsv (every duty's text).
//! `--one-file` writes the same corpus as one merged file, DIR/stores/corpus.txt.

#[path = "generator.rs"]
mod generator;

use clap::Parser;
use std::path::PathBuf;
use std::time::Instant;

#[derive(Parser)]
#[command(about = "Generate a realistic messy corpus of 4S-store job duties")]
struct Args {
    /// How many duties.
    #[arg(long, default_value_t = 10_000)]
    duties: usize,
    /// Where to write (created; existing store files are replaced).
    #[arg(long)]
    out: PathBuf,
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// The average number of duties per store file.
    #[arg(long, default_value_t = 300)]
    per_store: usize,
    /// Write the corpus as one merged file (DIR/stores/corpus.txt) instead of one file per store.
    #[arg(long)]
    one_file: bool,
}

fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let started = Instant::now();
    let options = generator::Options {
        duties: args.duties,
        seed: args.seed,
        duties_per_store: args.per_store,
    };
    let mut generated = generator::generate(&options);
    if args.one_file {
        generated = generated.into_one_file();
    }
    let stores_dir = args.out.join("stores");
    if stores_dir.exists() {
        std::fs::remove_dir_all(&stores_dir)?;
    }
    generated.write(&args.out)?;
    eprintln!(
        "gen: {} duties, {} stores, {} files, {:.1} MB of files ({:.1} MB duty text), \
         {} exact + {} near duplicates ({:.1} %), {:.1} s → {}",
        generated.duties.len(),
        generated.stores.len(),
        generated.files.len(),
        generated.file_bytes() as f64 / 1e6,
        generated.duty_text_bytes() as f64 / 1e6,
        generated.exact_duplicates(),
        generated.near_duplicates(),
        100.0 * (generated.exact_duplicates() + generated.near_duplicates()) as f64
            / generated.duties.len().max(1) as f64,
        started.elapsed().as_secs_f64(),
        args.out.display()
    );
    Ok(())
}
