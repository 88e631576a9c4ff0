//! The embedded demo firm. With `--demo` (what `scripts/run` passes) or
//! `CASEFILE_DEMO=1`, the app starts the sandbox in-process on a loopback
//! port, so a first-time user meets a realistic firm without an account.
//! The client is made by the provider registry for the dialect the sandbox
//! says it speaks. The sandbox's tokens stay in this process's memory and
//! are never logged or sent to the UI.

use std::sync::Arc;

use casefile_core::{Cache, CoreError, Session};
use casefile_providers::{AnyProvider, Auth, Connection, Credentials, MemorySecrets, ProviderId};
use casefile_sandbox::{RunningSandbox, SandboxConfig};
use tauri::{AppHandle, Manager, Runtime};

use crate::events::{publish_sync_status, SyncStatus};
use crate::state::AppState;

pub const DEMO_FLAG: &str = "--demo";
pub const DEMO_ENV: &str = "CASEFILE_DEMO";

/// Whether this launch asked for the demo firm.
pub fn requested() -> bool {
    std::env::args().skip(1).any(|arg| arg == DEMO_FLAG)
        || std::env::var(DEMO_ENV).is_ok_and(|v| v == "1")
}

/// Keeps the running sandbox alive for the life of the app; dropping it stops
/// the server.
pub struct DemoFirm {
    pub sandbox: RunningSandbox,
}

/// Starts the demo firm in the background, then syncs it into the cache. The
/// status bar shows "starting", then the sync's own progress and outcome.
pub fn start<R: Runtime>(app: &AppHandle<R>) {
    let app = app.clone();
    publish_sync_status(
        &app,
        SyncStatus::no_account_with("Starting the demo firm on this laptop…"),
    );
    tauri::async_runtime::spawn(async move {
        match casefile_sandbox::start(SandboxConfig::default()).await {
            Ok(sandbox) => {
                tracing::info!(
                    port = sandbox.addr().port(),
                    "demo firm listening on loopback"
                );
                let session = session(&app, &sandbox);
                app.manage(DemoFirm { sandbox });
                match session {
                    Ok(Some(session)) => crate::sync::start(&app, Arc::new(session)),
                    Ok(None) => publish_sync_status(
                        &app,
                        SyncStatus::error(
                            "The local cache is not available; details are in the log.",
                        ),
                    ),
                    Err(err) => {
                        tracing::error!(code = %err.class(), error = %err, "the demo firm could not connect");
                        publish_sync_status(
                            &app,
                            SyncStatus::error("Sync could not start; details are in the log."),
                        );
                    }
                }
            }
            Err(err) => {
                tracing::error!(error = %err, "demo firm failed to start");
                publish_sync_status(
                    &app,
                    SyncStatus::error("The demo firm could not start; details are in the log."),
                );
            }
        }
    });
}

/// A session on the demo firm's cache, its token held in memory only.
fn session<R: Runtime>(
    app: &AppHandle<R>,
    sandbox: &RunningSandbox,
) -> Result<Option<Session>, CoreError> {
    let Some(store) = app.try_state::<AppState>().and_then(|s| s.store.clone()) else {
        return Ok(None);
    };
    let info = sandbox.info();
    let dialect =
        ProviderId::parse(&info.dialect).map_err(casefile_core::accounts::AccountError::from)?;
    let auth = Arc::new(Auth::new(Arc::new(MemorySecrets::default()), "demo", None));
    auth.store_tokens(&info.access_token, None)?;
    let provider = AnyProvider::connect(
        dialect,
        Connection {
            base_url: info.base_url.clone(),
            credentials: Credentials::Bearer(auth),
            rate_limit_per_s: None,
            retry: Default::default(),
        },
    )?;
    let settings = crate::sync::demo_settings(dialect, &info.base_url);
    let cache = Cache::from_parts(settings, store, None)?;
    Ok(Some(Session::with_provider(cache, provider)))
}
