//! What the shell keeps for the life of the process, shared with commands
//! through Tauri's managed state.

use std::sync::{Arc, Mutex};

use casefile_store::Store;

use crate::error::UiError;
use crate::events::SyncStatus;
use crate::paths::AppPaths;

/// Process-wide state handed to every command.
pub struct AppState {
    pub paths: AppPaths,
    pub sync_status: Mutex<SyncStatus>,
    /// The open local cache; none if it could not be opened (the UI says why).
    pub store: Option<Arc<Store>>,
}

impl AppState {
    pub fn new(paths: AppPaths, store: Option<Arc<Store>>) -> Self {
        Self {
            paths,
            sync_status: Mutex::new(SyncStatus::no_account()),
            store,
        }
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
    }

    /// The current sync status. A poisoned lock still holds a valid status.
    pub fn sync_status(&self) -> SyncStatus {
        match self.sync_status.lock() {
            Ok(status) => status.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }
}
