//! Upkeep of the shown account's cache while the app is idle: the full-file
//! integrity check, at most once a day, on a reader connection so edits are
//! never blocked. Opening the cache no longer reads the whole file (that cost
//! every launch seconds); damage this check finds is moved aside, with its
//! pending changes rescued, at the next start.

use std::sync::Arc;
use std::time::Duration;

use casefile_store::Store;
use chrono::Utc;
use tokio_util::sync::CancellationToken;

/// How long after start, and then how often, the app looks whether the check is due.
const FIRST: Duration = Duration::from_secs(120);
const EVERY: Duration = Duration::from_secs(30 * 60);

/// Runs the idle-time check for `store` until `stop` (another account is shown).
pub fn start(store: Arc<Store>, stop: CancellationToken) {
    tauri::async_runtime::spawn(async move {
        let mut wait = FIRST;
        while stop
            .run_until_cancelled(tokio::time::sleep(wait))
            .await
            .is_some()
        {
            wait = EVERY;
            let checking = store.clone();
            let found =
                tauri::async_runtime::spawn_blocking(move || checking.background_check(Utc::now()))
                    .await;
            match found {
                Ok(Ok(Some(false))) => tracing::warn!(
                    "the local cache is damaged; it is moved aside, with its pending changes, at the next start"
                ),
                Ok(Ok(_)) => {}
                Ok(Err(e)) => tracing::warn!(error = %e, "the idle-time cache check could not run"),
                Err(_) => tracing::warn!("the idle-time cache check was interrupted"),
            }
        }
    });
}
