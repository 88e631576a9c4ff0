//! Runs a sync for the UI: starts the pull, reports progress through the sync
//! status, and tells the windows the cache changed. The deciding is done by
//! casefile-sync; this only routes and words the outcome for the status bar.

use casefile_providers::mycase::MyCase;
use casefile_providers::ProviderError;
use casefile_sync::SyncError;
use chrono::Utc;
use tauri::{AppHandle, Manager, Runtime};
use tauri_specta::Event;

use crate::events::{publish_sync_status, CacheChanged, SyncState, SyncStatus};
use crate::state::AppState;

/// Pulls everything from a MyCase-compatible server into the open cache.
pub async fn pull_once<R: Runtime>(
    app: &AppHandle<R>,
    base_url: &str,
    token: String,
    zone: chrono_tz::Tz,
) {
    let Some(store) = app.try_state::<AppState>().and_then(|s| s.store.clone()) else {
        publish_sync_status(
            app,
            SyncStatus::error("The local cache is not available; details are in the log."),
        );
        return;
    };
    let client = match MyCase::new(base_url, token) {
        Ok(client) => client,
        Err(err) => {
            tracing::error!(error = %err, "could not build the HTTP client");
            publish_sync_status(
                app,
                SyncStatus::error("Sync could not start; details are in the log."),
            );
            return;
        }
    };
    publish_sync_status(
        app,
        status(SyncState::Syncing, "Syncing the demo firm…", None),
    );
    let started = std::time::Instant::now();
    match casefile_sync::pull(&store, &client, zone).await {
        Ok(report) => {
            tracing::info!(
                requests = report.requests(),
                applied = report.applied(),
                ms = started.elapsed().as_millis() as u64,
                "pull finished"
            );
            let cases = store
                .counts()
                .ok()
                .and_then(|c| {
                    c.into_iter()
                        .find(|(k, _)| *k == casefile_domain::entity::Kind::Case)
                })
                .map(|(_, n)| n)
                .unwrap_or(0);
            let now = Utc::now();
            publish_sync_status(
                app,
                status(
                    SyncState::Idle,
                    &format!(
                        "Up to date: {cases} cases, synced at {}",
                        now.with_timezone(&chrono::Local).format("%H:%M")
                    ),
                    Some(now.to_rfc3339()),
                ),
            );
            if let Err(err) = CacheChanged.emit(app) {
                tracing::warn!(error = %err, "could not tell the windows the cache changed");
            }
        }
        Err(err) => {
            tracing::warn!(error = %err, "pull failed");
            publish_sync_status(app, failure(&err));
        }
    }
}

fn status(state: SyncState, detail: &str, last_success: Option<String>) -> SyncStatus {
    SyncStatus {
        state,
        detail: detail.to_owned(),
        pending_changes: 0,
        last_success,
    }
}

/// Words a failed sync for the status bar. The cache stays usable in every case.
fn failure(err: &SyncError) -> SyncStatus {
    let (state, detail) = match err {
        SyncError::Provider(ProviderError::Unauthorized) => (
            SyncState::AuthRequired,
            "Sign in again to sync; your work here is kept.",
        ),
        SyncError::Provider(ProviderError::Throttled { .. }) => (
            SyncState::Throttled,
            "The server asked us to slow down; sync will try again shortly.",
        ),
        SyncError::Provider(ProviderError::Network(_)) => (
            SyncState::Offline,
            "Offline: changes are kept on this laptop until the server is reachable.",
        ),
        SyncError::Provider(_) => (
            SyncState::Error,
            "Sync failed on the server's side; details are in the log.",
        ),
        SyncError::Store(_) => (
            SyncState::Error,
            "Sync could not write the local cache; details are in the log.",
        ),
    };
    status(state, detail, None)
}
