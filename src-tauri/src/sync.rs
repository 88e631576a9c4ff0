//! Runs the open account's session: the first sync at once, then
//! periodically, documents after records. Every engine status is worded by
//! the application core's status view-model and forwarded to the windows,
//! which are also told when the cache changed. This only routes.

use std::sync::Arc;
use std::time::Duration;

use casefile_core::accounts::{AccountError, AccountSettings};
use casefile_core::status::{self, StatusState, StatusView};
use casefile_core::{Cache, CoreError, Session};
use casefile_sync::Phase;
use tauri::{AppHandle, Manager, Runtime};
use tauri_specta::Event;
use tokio_util::sync::CancellationToken;

use crate::events::{publish_sync_status, CacheChanged, SyncState, SyncStatus};
use crate::state::AppState;

/// How often an idle account syncs.
pub const EVERY: Duration = Duration::from_secs(300);

/// The status bar's form of the core's status view.
fn shown(view: StatusView) -> SyncStatus {
    let state = match view.state {
        StatusState::UpToDate | StatusState::ChangesWaiting => SyncState::Idle,
        StatusState::Syncing => SyncState::Syncing,
        StatusState::Offline => SyncState::Offline,
        StatusState::Throttled => SyncState::Throttled,
        StatusState::NeedsPlan => SyncState::NeedsPlan,
        StatusState::SignInRequired => SyncState::AuthRequired,
        StatusState::Error => SyncState::Error,
    };
    SyncStatus {
        state,
        detail: view.detail,
        pending_changes: u32::try_from(view.pending).unwrap_or(u32::MAX),
        last_success: view.last_success.map(|t| t.to_rfc3339()),
    }
}

/// Moves the due documents now (after a drop, a resume or a retry), when
/// an account is connected; otherwise they wait in the queue for one.
pub fn move_documents(state: &AppState) {
    let Some(session) = state.session() else {
        return;
    };
    tauri::async_runtime::spawn(async move {
        match session.run_transfers().await {
            // Bring the uploaded documents in now rather than at the next tick.
            Ok(report) if report.done > 0 => session.engine.request(),
            Ok(_) => {}
            Err(e) => {
                tracing::info!(code = %e.class(), "documents could not move now; they stay queued");
            }
        }
    });
}

/// Starts `session` and keeps the status bar current, until `stop` (another
/// account was shown). A session for an account no longer shown is dropped.
pub fn start<R: Runtime>(app: &AppHandle<R>, session: Arc<Session>, stop: CancellationToken) {
    let Some(state) = app.try_state::<AppState>() else {
        return;
    };
    if !state.attach(&stop, session.clone()) {
        return;
    }
    let mut updates = session.engine.subscribe();
    let forward = app.clone();
    let store = session.store().clone();
    let forwarding = stop.clone();
    tauri::async_runtime::spawn(async move {
        let mut last_success = None;
        let mut cases = None;
        while let Some(Ok(())) = forwarding.run_until_cancelled(updates.changed()).await {
            let status = updates.borrow_and_update().clone();
            let idle = status.phase == Phase::Idle;
            if idle && status.last_success != last_success {
                last_success = status.last_success;
                if let Err(err) = CacheChanged.emit(&forward) {
                    tracing::warn!(error = %err, "could not tell the windows the cache changed");
                }
            }
            // The case count is read off the async runtime, once per sync,
            // not on every page's status update.
            if idle || cases.is_none() {
                let reading = store.clone();
                cases = tauri::async_runtime::spawn_blocking(move || reading.summary())
                    .await
                    .ok()
                    .and_then(Result::ok)
                    .map(|s| s.cases)
                    .or(cases);
            }
            if forwarding.is_cancelled() {
                break;
            }
            publish_sync_status(&forward, shown(status::view(&status, cases.unwrap_or(0))));
        }
    });
    tauri::async_runtime::spawn(async move { session.run(EVERY, stop).await });
}

/// Syncs an account set up by the CLI. Without its token (the app was not
/// started with the account's environment variable) the cache is shown as
/// it is and the status bar says sign-in is needed.
pub fn start_account<R: Runtime>(app: &AppHandle<R>, cache: Cache, stop: CancellationToken) {
    match Session::connect(cache) {
        Ok(session) => start(app, Arc::new(session), stop),
        Err(err) => {
            tracing::info!(code = %err.class(), "the account cannot sync from the app yet");
            let (state, detail) = match err {
                CoreError::Account(AccountError::Keychain(_)) => (
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

/// The settings the demo firm runs under: invented data, New York's zone.
pub fn demo_settings(dialect: casefile_providers::ProviderId, base_url: &str) -> AccountSettings {
    AccountSettings {
        id: "demo".into(),
        provider: dialect,
        base_url: base_url.to_owned(),
        token_env: None,
        // The demo firm practises in New York; its events are scheduled there.
        zone: "America/New_York".into(),
        rate_limit_per_s: None,
        oauth: None,
        secrets_ns: "demo".into(),
        basic_user: None,
    }
}
