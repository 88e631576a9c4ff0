//! What the shell keeps for the life of the process, shared with commands
//! through Tauri's managed state. The account shown can change (the
//! Accounts screen switches it), so its cache, blobs and session sit
//! behind one lock and are swapped together; the previous account's sync
//! loop is stopped by its token.

use std::sync::{Arc, Mutex, OnceLock, RwLock};

use casefile_core::Session;
use casefile_store::Store;
use casefile_transfer::BlobStore;
use tokio_util::sync::CancellationToken;

use crate::error::UiError;
use crate::events::SyncStatus;
use crate::paths::AppPaths;

/// The account the window shows.
#[derive(Default)]
struct Active {
    /// Its id; none for the demo firm.
    account: Option<String>,
    /// Its local cache; none if it could not be opened (the UI says why).
    store: Option<Arc<Store>>,
    /// Its sealed document store, where dropped files go at once.
    blobs: Option<BlobStore>,
    /// Its connection, once there is one: it syncs and moves the documents.
    session: Option<Arc<Session>>,
    /// Stops its sync loop when another account is shown.
    stop: CancellationToken,
}

/// Process-wide state handed to every command.
pub struct AppState {
    pub paths: AppPaths,
    pub sync_status: Mutex<SyncStatus>,
    active: RwLock<Active>,
    /// The running app, for the plugins commands call from Rust (the opener).
    pub app: OnceLock<tauri::AppHandle>,
    /// The tray icon, where the desktop has a tray.
    pub tray: OnceLock<crate::tray::Tray>,
    /// Cancels the browser sign-in under way, if one is.
    pub sign_in: Mutex<Option<CancellationToken>>,
}

fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(|p| p.into_inner())
}

fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(|p| p.into_inner())
}

impl AppState {
    pub fn new(paths: AppPaths) -> Self {
        Self {
            paths,
            sync_status: Mutex::new(SyncStatus::no_account()),
            active: RwLock::new(Active::default()),
            app: OnceLock::new(),
            tray: OnceLock::new(),
            sign_in: Mutex::new(None),
        }
    }

    /// Shows `account` (none: the demo firm) from now on, with its cache
    /// and blobs; the previous account's sync stops. The token returned
    /// stops this one, and ties its session to it ([`AppState::attach`]).
    pub fn activate(
        &self,
        account: Option<String>,
        store: Option<Arc<Store>>,
        blobs: Option<BlobStore>,
    ) -> CancellationToken {
        let stop = CancellationToken::new();
        let old = std::mem::replace(
            &mut *write(&self.active),
            Active {
                account,
                store,
                blobs,
                session: None,
                stop: stop.clone(),
            },
        );
        old.stop.cancel();
        if let Some(tray) = self.tray.get() {
            tray.connected(false);
        }
        stop
    }

    /// Connects `session` to the account shown, unless another account was
    /// shown since `stop` was handed out. Whether it was connected.
    pub fn attach(&self, stop: &CancellationToken, session: Arc<Session>) -> bool {
        let mut active = write(&self.active);
        if stop.is_cancelled() {
            return false;
        }
        active.session = Some(session);
        drop(active);
        if let Some(tray) = self.tray.get() {
            tray.connected(true);
        }
        true
    }

    /// The account shown; none for the demo firm.
    pub fn account(&self) -> Option<String> {
        read(&self.active).account.clone()
    }

    /// The account's document store; none for a cache that keeps no documents.
    pub fn blobs(&self) -> Option<BlobStore> {
        read(&self.active).blobs.clone()
    }

    /// The account's connection, once it has one.
    pub fn session(&self) -> Option<Arc<Session>> {
        read(&self.active).session.clone()
    }

    pub fn store(&self) -> Result<Arc<Store>, UiError> {
        read(&self.active).store.clone().ok_or_else(|| {
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
            let paused = self.session().is_some_and(|s| s.engine.is_paused());
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
