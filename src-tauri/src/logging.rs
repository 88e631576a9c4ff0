//! Log set-up: `tracing` to a daily-rolling file in the OS log directory.
//!
//! Logs never carry secrets or client data; modules log ids and counts only.
//! `RUST_LOG` tunes the filter (default `info`). The returned guard flushes
//! the non-blocking writer and must live as long as the app.

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::{fmt, prelude::*, EnvFilter};

/// The log file's prefix inside the log directory (`casefile.log.YYYY-MM-DD`).
pub const LOG_FILE_PREFIX: &str = "casefile.log";

/// Installs the global subscriber. Returns `None` when one is already set
/// (as in tests that start several app instances in one process).
pub fn init(log_dir: &Path) -> Option<WorkerGuard> {
    if let Err(err) = std::fs::create_dir_all(log_dir) {
        eprintln!("casefile: cannot create log directory: {err}");
        return None;
    }
    let appender = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix(LOG_FILE_PREFIX)
        .max_log_files(14)
        .build(log_dir);
    let appender = match appender {
        Ok(appender) => appender,
        Err(err) => {
            eprintln!("casefile: cannot open log file: {err}");
            return None;
        }
    };
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::registry()
        .with(filter)
        .with(fmt::layer().with_writer(writer).with_ansi(false))
        .try_init()
        .ok()
        .map(|()| guard)
}
