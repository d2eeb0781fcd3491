//! `zhize serve`: flags in, the web app's server started, its address printed.

use super::search::VocabularyArgs;
use super::InputArgs;
use clap::Args;
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct ServeArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// The index folder (built or refreshed when missing or stale, as `zhize search` does).
    #[arg(long, value_name = "DIR", default_value = zhize::index::DEFAULT_INDEX)]
    pub index: PathBuf,
    /// The port to listen on (0: any free port, printed on start).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub port: u16,
    /// The address to listen on. Anything but loopback lets other machines read the corpus.
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
    pub host: IpAddr,
    /// Let the 添加文件 page write uploaded files into the (first) corpus folder.
    #[arg(long)]
    pub allow_upload: bool,
    /// Do not watch the corpus for changes.
    #[arg(long)]
    pub no_watch: bool,
    /// How many search answers to keep per index generation, so a repeated search (the
    /// as-you-type box, several people asking the same) is answered without searching again;
    /// 0 turns the cache off. A rebuild starts a fresh cache.
    #[arg(long, default_value_t = 4096, value_name = "N")]
    pub search_cache: usize,
    #[command(flatten)]
    pub vocabulary: VocabularyArgs,
}

pub fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let config = zhize::serve::Config {
        index: super::search::index_options(&args.input, &args.index, &args.vocabulary),
        host: args.host,
        port: args.port,
        allow_upload: args.allow_upload,
        watch: !args.no_watch,
        search_cache: args.search_cache,
    };
    if config.index.inputs.iter().any(|p| p.as_os_str() == "-") {
        anyhow::bail!("zhize serve reads files or folders, not standard input");
    }
    if !args.host.is_loopback() {
        eprintln!(
            "zhize: warning: listening on {} — anyone who can reach this machine can read the corpus{}",
            args.host,
            if args.allow_upload { " and add files to it" } else { "" }
        );
    }
    eprintln!("zhize: opening the index (building it if needed)…");
    let server = zhize::serve::Server::start(&config)?;
    let generation = server.app.live.current();
    for note in &generation.report.notes {
        eprintln!("zhize: {}", zhize::render::term::sanitize(note));
    }
    for warning in &generation.corpus.warnings {
        eprintln!("zhize: warning: {}", zhize::render::term::sanitize(warning));
    }
    eprintln!(
        "zhize: {} documents, {} duties ({}, {} ms); open the address below in a browser, Ctrl-C to stop",
        generation.corpus.documents.len(),
        generation.index.meta.duties,
        generation.report.reason,
        generation.took.as_millis()
    );
    drop(generation);
    let host = match server.address.ip() {
        IpAddr::V6(ip) => format!("[{ip}]"),
        IpAddr::V4(ip) => ip.to_string(),
    };
    // The one line on standard output: the address (tests and scripts read it).
    println!("http://{host}:{}/", server.address.port());
    use std::io::Write;
    std::io::stdout().flush()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(server.run())?;
    Ok(ExitCode::SUCCESS)
}
