//! Where Casefile keeps its files on this machine.
//!
//! The data directory holds one SQLite cache per firm account; the log
//! directory holds the rolling log. Both follow the OS conventions through
//! Tauri's path resolver, and `CASEFILE_DATA_DIR` overrides the data
//! directory so tests and the CLI can point the app at a scratch cache.

use std::path::PathBuf;

use tauri::{AppHandle, Manager, Runtime};

/// The environment variable that overrides the data directory.
pub const DATA_DIR_ENV: &str = "CASEFILE_DATA_DIR";

/// Resolved locations, fixed for the life of the process.
#[derive(Debug, Clone)]
pub struct AppPaths {
    pub data_dir: PathBuf,
    pub log_dir: PathBuf,
}

impl AppPaths {
    pub fn resolve<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<Self> {
        let data_dir = match std::env::var_os(DATA_DIR_ENV) {
            Some(dir) if !dir.is_empty() => PathBuf::from(dir),
            _ => app.path().app_data_dir()?,
        };
        let log_dir = match std::env::var_os(DATA_DIR_ENV) {
            Some(dir) if !dir.is_empty() => PathBuf::from(dir).join("logs"),
            _ => app.path().app_log_dir()?,
        };
        Ok(Self { data_dir, log_dir })
    }
}
