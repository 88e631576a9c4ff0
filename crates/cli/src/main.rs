//! `casefile-cli`: Casefile without the window, for scripts, support and
//! tests. It opens the same data directory as the app (`--data-dir`
//! overrides it), so an account synced here shows in the app. Output for
//! scripts is `--json` (always an array of objects, each with an `id` the
//! other commands accept); exit codes are listed in [`error`].

mod args;
mod docs;
mod error;
mod lists;
mod progress;
mod records;
mod run;
mod text;

use clap::Parser;

fn main() {
    let args = args::Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("CASEFILE_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("casefile-cli: could not start: {e}");
            std::process::exit(1);
        }
    };
    if let Err(e) = runtime.block_on(run::run(args)) {
        eprintln!("casefile-cli: {e}");
        std::process::exit(e.exit_code());
    }
}
