//! Showing an account: at start-up the one the application core chose
//! (the last shown, else the first, else the demo firm), later the one the
//! Accounts screen picks. A damaged cache is moved aside by the store and
//! logged; a cache that cannot open at all leaves the app running, and
//! every view says the cache is unavailable. This routes; which account is
//! shown is the core's decision ([`casefile_core::roster`]).

use std::sync::Arc;

use casefile_core::roster::Shown;
use casefile_core::Cache;
use casefile_domain::ids::AccountId;
use casefile_store::Store;
use tauri::{AppHandle, Manager, Runtime};
use tauri_specta::Event;

use crate::events::{publish_sync_status, CacheChanged, SyncStatus};
use crate::paths::AppPaths;
use crate::state::AppState;

/// What this launch shows: the demo firm with `--demo`, else the core's choice.
pub fn at_start(paths: &AppPaths) -> Shown {
    if crate::demo::requested() {
        return Shown::Demo;
    }
    casefile_core::roster::chosen(&paths.data_dir).unwrap_or_else(|err| {
        tracing::warn!(code = %err.class(), error = %err, "the account settings could not be read");
        Shown::Demo
    })
}

fn report(store: &Store) {
    if let Some(recovery) = store.recovery() {
        tracing::warn!(
            rescued = recovery.rescued.len(),
            moved_to = %recovery.moved_to.display(),
            "the local cache was damaged and moved aside"
        );
    }
}

/// The demo firm's cache: invented data, so not encrypted.
fn demo_store(paths: &AppPaths) -> Option<Arc<Store>> {
    match Store::open(&paths.data_dir.join("accounts"), &AccountId("demo".into())) {
        Ok(store) => {
            report(&store);
            Some(Arc::new(store))
        }
        Err(err) => {
            tracing::error!(error = %err, "the demo firm's cache could not be opened");
            None
        }
    }
}

/// Shows `shown` in every window and syncs it. A firm account's cache is
/// encrypted with its key from the keychain.
pub fn show<R: Runtime>(app: &AppHandle<R>, shown: Shown) {
    let Some(state) = app.try_state::<AppState>() else {
        return;
    };
    match shown {
        Shown::Demo => {
            let store = demo_store(&state.paths);
            let blobs = crate::demo::blobs(&state.paths.data_dir);
            let stop = state.activate(None, store.clone(), blobs.clone());
            match store {
                Some(store) => {
                    crate::reminders::start(app, store.clone(), stop.clone());
                    crate::upkeep::start(store.clone(), stop.clone());
                    crate::demo::start(app, store, blobs, stop)
                }
                None => publish_sync_status(
                    app,
                    SyncStatus::error("The local cache is not available; details are in the log."),
                ),
            }
        }
        Shown::Account(settings) => {
            let id = settings.id.clone();
            match Cache::open(&state.paths.data_dir, *settings) {
                Ok(cache) => {
                    report(&cache.store);
                    let stop =
                        state.activate(Some(id), Some(cache.store.clone()), cache.blobs.clone());
                    crate::reminders::start(app, cache.store.clone(), stop.clone());
                    crate::upkeep::start(cache.store.clone(), stop.clone());
                    crate::sync::start_account(app, cache, stop);
                }
                Err(err) => {
                    tracing::error!(code = %err.class(), error = %err, "the local cache could not be opened");
                    state.activate(Some(id), None, None);
                    let detail = if err.class() == casefile_domain::error::ErrorCode::Secrets {
                        "This account's cache is locked with a key in the OS keychain, and no keychain \
                         answers; install and unlock gnome-keyring (or another Secret Service), then restart."
                    } else {
                        "This account's local cache could not be opened; details are in the log."
                    };
                    publish_sync_status(app, SyncStatus::error(detail));
                }
            }
        }
    }
    if let Err(err) = CacheChanged.emit(app) {
        tracing::warn!(error = %err, "could not tell the windows the account changed");
    }
}
