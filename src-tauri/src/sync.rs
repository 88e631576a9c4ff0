//! Runs the sync engine for the open account: the first sync at once, then
//! periodically. Every engine status is worded for the status bar, and the
//! windows are told when the cache changed. The deciding is done by
//! casefile-sync; this only routes and words the outcome.

use std::sync::Arc;
use std::time::Duration;

use casefile_domain::entity::Kind;
use casefile_providers::mycase::MyCase;
use casefile_sync::{Engine, Phase, Syncer};
use chrono::DateTime;
use tauri::{AppHandle, Runtime};
use tauri_specta::Event;
use tokio_util::sync::CancellationToken;

use crate::events::{publish_sync_status, CacheChanged, SyncState, SyncStatus};

/// How often an idle account syncs.
pub const EVERY: Duration = Duration::from_secs(300);

/// Starts the engine for `syncer` and keeps the status bar current.
pub fn start<R: Runtime>(app: &AppHandle<R>, syncer: Syncer<MyCase>) -> Arc<Engine<MyCase>> {
    let engine = Arc::new(Engine::new(syncer));
    let mut updates = engine.subscribe();
    let forward = app.clone();
    let watched = engine.clone();
    tauri::async_runtime::spawn(async move {
        let mut last_success = None;
        while updates.changed().await.is_ok() {
            let status = updates.borrow_and_update().clone();
            if status.phase == Phase::Idle && status.last_success != last_success {
                last_success = status.last_success;
                if let Err(err) = CacheChanged.emit(&forward) {
                    tracing::warn!(error = %err, "could not tell the windows the cache changed");
                }
            }
            let cases = watched
                .syncer()
                .store
                .counts()
                .ok()
                .and_then(|c| c.into_iter().find(|(k, _)| *k == Kind::Case))
                .map_or(0, |(_, n)| n);
            publish_sync_status(&forward, word(&status, cases));
        }
    });
    let runner = engine.clone();
    tauri::async_runtime::spawn(async move { runner.run(EVERY, CancellationToken::new()).await });
    engine
}

fn local_time(t: DateTime<chrono::Utc>) -> String {
    t.with_timezone(&chrono::Local).format("%H:%M").to_string()
}

/// Words an engine status for the status bar. The cache stays usable in every case.
fn word(s: &casefile_sync::SyncStatus, cases: u64) -> SyncStatus {
    let pending = s.pending;
    let last_success = s.last_success.map(|t| t.to_rfc3339());
    let (state, detail) = if s.phase != Phase::Idle {
        let what = s.resource.as_deref().unwrap_or("changes");
        (
            SyncState::Syncing,
            format!("Syncing {what}… {} records so far", s.records),
        )
    } else if let Some(until) = s.throttled_until {
        (
            SyncState::Throttled,
            format!(
                "The server asked us to slow down; throttled until {}.",
                local_time(until)
            ),
        )
    } else if let Some(error) = &s.error {
        match error.code.as_str() {
            "sign_in_required" => (
                SyncState::AuthRequired,
                "Sign in again to sync; your work here is kept.".to_owned(),
            ),
            "offline" => (
                SyncState::Offline,
                "Offline: changes are kept on this laptop until the server is reachable."
                    .to_owned(),
            ),
            "throttled" => (
                SyncState::Throttled,
                "The server asked us to slow down; sync will try again shortly.".to_owned(),
            ),
            "cache" => (
                SyncState::Error,
                "Sync could not write the local cache; details are in the log.".to_owned(),
            ),
            _ => (
                SyncState::Error,
                "Sync failed on the server's side; details are in the log.".to_owned(),
            ),
        }
    } else if let Some(at) = s.last_success {
        let conflicts = if s.conflicts > 0 {
            format!(", {} conflicts to review", s.conflicts)
        } else {
            String::new()
        };
        (
            SyncState::Idle,
            format!(
                "Up to date: {cases} cases, synced at {}{conflicts}",
                local_time(at)
            ),
        )
    } else {
        (SyncState::Syncing, "Preparing to sync…".to_owned())
    };
    SyncStatus {
        state,
        detail,
        pending_changes: u32::try_from(pending).unwrap_or(u32::MAX),
        last_success,
    }
}

/// Syncs an account set up by the CLI. Without its token (the app was not
/// started with the account's environment variable) the cache is shown as
/// it is and the status bar says sign-in is needed.
pub fn start_account<R: Runtime>(
    app: &AppHandle<R>,
    account: &casefile_sync::account::AccountSettings,
    store: Arc<casefile_store::Store>,
) {
    let client = account.connect();
    let zone = account.zone();
    match (client, zone) {
        (Ok(client), Ok(zone)) => {
            start(
                app,
                Syncer {
                    store,
                    provider: Arc::new(client),
                    zone,
                },
            );
        }
        (Err(err), _) | (_, Err(err)) => {
            tracing::info!(error = %err, "the account cannot sync from the app yet");
            let (state, detail) = match err {
                casefile_sync::account::AccountError::Keychain(_) => (
                    SyncState::Error,
                    "Showing the cached firm. No OS keychain is available to hold the sign-in; \
                     install and unlock gnome-keyring (or another Secret Service), then restart.",
                ),
                _ => (
                    SyncState::AuthRequired,
                    "Showing the cached firm; sign in to sync.",
                ),
            };
            publish_sync_status(
                app,
                SyncStatus {
                    state,
                    detail: detail.to_owned(),
                    pending_changes: 0,
                    last_success: None,
                },
            );
        }
    }
}
