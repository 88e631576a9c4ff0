//! What the shell keeps for the life of the process, shared with commands
//! through Tauri's managed state.

use std::sync::{Arc, Mutex, OnceLock};

use casefile_core::Session;
use casefile_store::Store;
use casefile_transfer::BlobStore;

use crate::error::UiError;
use crate::events::SyncStatus;
use crate::paths::AppPaths;

/// Process-wide state handed to every command.
pub struct AppState {
    pub paths: AppPaths,
    pub sync_status: Mutex<SyncStatus>,
    /// The open local cache; none if it could not be opened (the UI says why).
    pub store: Option<Arc<Store>>,
    /// The account's sealed document store, where dropped files go at once.
    pub blobs: OnceLock<BlobStore>,
    /// The connected account, once there is one: it moves the documents.
    pub session: OnceLock<Arc<Session>>,
    /// The running app, for the plugins commands call from Rust (the opener).
    pub app: OnceLock<tauri::AppHandle>,
    /// The tray icon, where the desktop has a tray.
    pub tray: OnceLock<crate::tray::Tray>,
}

impl AppState {
    pub fn new(paths: AppPaths, store: Option<Arc<Store>>) -> Self {
        Self {
            paths,
            sync_status: Mutex::new(SyncStatus::no_account()),
            store,
            blobs: OnceLock::new(),
            session: OnceLock::new(),
            app: OnceLock::new(),
            tray: OnceLock::new(),
        }
    }

    /// The account's document store; none for a cache that keeps no documents.
    pub fn blobs(&self) -> Option<BlobStore> {
        self.blobs.get().cloned()
    }

    pub fn store(&self) -> Result<Arc<Store>, UiError> {
        self.store.clone().ok_or_else(|| {
            UiError::internal("The local cache is not available; details are in the log.")
        })
    }

    pub fn set_sync_status(&self, status: SyncStatus) {
        match self.sync_status.lock() {
            Ok(mut current) => *current = status,
            Err(poisoned) => *poisoned.into_inner() = status,
        }
        self.show_in_tray();
    }

    /// Shows the current status, and whether sync is paused, in the tray.
    pub fn show_in_tray(&self) {
        if let Some(tray) = self.tray.get() {
            let paused = self.session.get().is_some_and(|s| s.engine.is_paused());
            tray.show(&self.sync_status(), paused);
        }
    }

    /// The current sync status. A poisoned lock still holds a valid status.
    pub fn sync_status(&self) -> SyncStatus {
        match self.sync_status.lock() {
            Ok(status) => status.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }
}
