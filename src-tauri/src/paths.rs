//! Where Casefile keeps its files on this machine.
//!
//! The data directory holds one SQLite cache per firm account; the log
//! directory holds the rolling log. The data directory is the application
//! core's (`casefile_core::accounts::default_data_dir`, which the CLI uses
//! too, so both always open the same accounts); `CASEFILE_DATA_DIR`
//! overrides it. The log directory follows the OS conventions through
//! Tauri's path resolver.

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
        let data_dir = casefile_core::accounts::default_data_dir()
            .map_err(|e| tauri::Error::Anyhow(e.into()))?;
        let log_dir = match std::env::var_os(DATA_DIR_ENV) {
            Some(dir) if !dir.is_empty() => PathBuf::from(dir).join("logs"),
            _ => app.path().app_log_dir()?,
        };
        Ok(Self { data_dir, log_dir })
    }
}
