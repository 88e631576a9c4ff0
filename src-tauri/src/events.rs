//! Events the shell pushes to the UI. Their TypeScript types are generated
//! (see `ipc.rs`), so the UI cannot drift from what Rust emits.

use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::{AppHandle, Manager, Runtime};
use tauri_specta::Event;

use crate::state::AppState;

/// The phase of the sync engine, as the status bar shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum SyncState {
    /// No firm account is connected: the app runs on its local cache only.
    NoAccount,
    Idle,
    Syncing,
    Offline,
    Throttled,
    /// Changes wait for a plan the firm's server lacks (its Premium APIs).
    NeedsPlan,
    AuthRequired,
    Error,
}

/// What the status bar shows about sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct SyncStatus {
    pub state: SyncState,
    /// A short sentence for the status bar.
    pub detail: String,
    /// Local edits not yet confirmed by the server.
    pub pending_changes: u32,
    /// RFC 3339 time of the last successful sync, if any.
    pub last_success: Option<String>,
}

impl SyncStatus {
    pub fn no_account() -> Self {
        Self::no_account_with("Local only: no firm account connected")
    }

    pub fn no_account_with(detail: impl Into<String>) -> Self {
        Self {
            state: SyncState::NoAccount,
            detail: detail.into(),
            pending_changes: 0,
            last_success: None,
        }
    }

    pub fn error(detail: impl Into<String>) -> Self {
        Self {
            state: SyncState::Error,
            detail: detail.into(),
            pending_changes: 0,
            last_success: None,
        }
    }
}

/// Emitted whenever the sync status changes.
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
pub struct SyncStatusChanged(pub SyncStatus);

/// Emitted when a sync changed the local cache: views reload what they show.
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
pub struct CacheChanged;

/// Records the new sync status and tells every window.
pub fn publish_sync_status<R: Runtime>(app: &AppHandle<R>, status: SyncStatus) {
    tracing::debug!(state = ?status.state, detail = %status.detail, "sync status");
    if let Some(state) = app.try_state::<AppState>() {
        state.set_sync_status(status.clone());
    }
    if let Err(err) = SyncStatusChanged(status).emit(app) {
        tracing::warn!(error = %err, "could not emit the sync status");
    }
}
