//! Commands about the app itself: version, where its files live, sync status.

use serde::Serialize;
use specta::Type;
use tauri::State;

use crate::error::UiError;
use crate::events::SyncStatus;
use crate::state::AppState;

/// Facts about this running app that only the Rust side knows.
#[derive(Debug, Clone, Serialize, Type)]
pub struct AppInfo {
    pub name: String,
    pub version: String,
    /// Where the local caches live.
    pub data_dir: String,
    /// Where the rolling log is written.
    pub log_dir: String,
}

#[tauri::command]
#[specta::specta]
pub fn app_info(state: State<'_, AppState>) -> Result<AppInfo, UiError> {
    Ok(AppInfo {
        name: "Casefile".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        data_dir: state.paths.data_dir.display().to_string(),
        log_dir: state.paths.log_dir.display().to_string(),
    })
}

#[tauri::command]
#[specta::specta]
pub fn sync_status(state: State<'_, AppState>) -> Result<SyncStatus, UiError> {
    Ok(state.sync_status())
}
