//! What the shell keeps for the life of the process, shared with commands
//! through Tauri's managed state.

use std::sync::Mutex;

use crate::events::SyncStatus;
use crate::paths::AppPaths;

/// Process-wide state handed to every command.
pub struct AppState {
    pub paths: AppPaths,
    pub sync_status: Mutex<SyncStatus>,
}

impl AppState {
    pub fn new(paths: AppPaths) -> Self {
        Self {
            paths,
            sync_status: Mutex::new(SyncStatus::no_account()),
        }
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
