//! The embedded demo firm. With `--demo` (what `scripts/run` passes) or
//! `CASEFILE_DEMO=1`, the app starts the MyCase-faithful sandbox in-process
//! on a loopback port, so a first-time user meets a realistic firm without an
//! account. The sandbox's tokens stay in this process's memory and are never
//! logged or sent to the UI.

use std::sync::Arc;

use casefile_providers::mycase::{ClientOptions, MyCase};
use casefile_providers::{Auth, MemorySecrets, ProviderError};
use casefile_sandbox::{RunningSandbox, SandboxConfig};
use casefile_sync::Syncer;
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
                let client = connect(&sandbox);
                app.manage(DemoFirm { sandbox });
                let store = app.try_state::<AppState>().and_then(|s| s.store.clone());
                match (store, client) {
                    (Some(store), Ok(client)) => {
                        // The demo firm practises in New York; its events are scheduled there.
                        let syncer = Syncer {
                            store,
                            provider: Arc::new(client),
                            zone: chrono_tz::America::New_York,
                        };
                        crate::sync::start(&app, syncer);
                    }
                    (None, _) => publish_sync_status(
                        &app,
                        SyncStatus::error(
                            "The local cache is not available; details are in the log.",
                        ),
                    ),
                    (_, Err(err)) => {
                        tracing::error!(error = %err, "could not build the HTTP client");
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

/// A client for the demo firm, holding its token in memory only.
fn connect(sandbox: &RunningSandbox) -> Result<MyCase, ProviderError> {
    let info = sandbox.info();
    let auth = Arc::new(Auth::new(Arc::new(MemorySecrets::default()), "demo", None));
    auth.store_tokens(&info.access_token, None)?;
    MyCase::new(&info.base_url, auth, ClientOptions::default())
}
