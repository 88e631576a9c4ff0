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

/// What the status bar's details show.
#[derive(Debug, Clone, Serialize, Type)]
pub struct SyncDetails {
    pub status: SyncStatus,
    /// Local changes not yet on the server, refused ones included.
    pub pending: u32,
    /// Changes the server refused; they wait for an edit.
    pub refused: u32,
    /// Changes that collided with the server's and wait for a choice.
    pub conflicts: u32,
    /// Server records set aside because they could not be read.
    pub quarantined: u32,
    /// Uploads and downloads not finished.
    pub transfers: u32,
    /// Whether an account is connected, so "Sync now" can work.
    pub can_sync: bool,
}

fn count(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[tauri::command]
#[specta::specta]
pub async fn sync_details(state: State<'_, AppState>) -> Result<SyncDetails, UiError> {
    let store = state.store()?;
    let (summary, transfers) = tauri::async_runtime::spawn_blocking(move || {
        let summary = store.summary()?;
        let open = store
            .transfers()?
            .into_iter()
            .filter(|t| {
                !matches!(
                    t.state,
                    casefile_store::transfers::TransferState::Done
                        | casefile_store::transfers::TransferState::Cancelled
                )
            })
            .count();
        Ok::<_, casefile_store::StoreError>((summary, open))
    })
    .await
    .map_err(|_| UiError::internal("The request was interrupted."))??;
    Ok(SyncDetails {
        status: state.sync_status(),
        pending: count(summary.pending),
        refused: count(summary.refused),
        conflicts: count(summary.conflicts),
        quarantined: count(summary.quarantined),
        transfers: u32::try_from(transfers).unwrap_or(u32::MAX),
        can_sync: state.session().is_some(),
    })
}

/// Syncs now, then moves the documents (the engine's own loop runs it).
#[tauri::command]
#[specta::specta]
pub fn sync_now(state: State<'_, AppState>) -> Result<(), UiError> {
    let Some(session) = state.session() else {
        return Err(UiError::validation(
            "account",
            "No firm account is connected, so there is nothing to sync with.",
        ));
    };
    session.engine.request();
    Ok(())
}
