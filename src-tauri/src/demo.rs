//! The embedded demo firm. With `--demo` (what `scripts/run` passes) or
//! `CASEFILE_DEMO=1`, the app starts the MyCase-faithful sandbox in-process
//! on a loopback port, so a first-time user meets a realistic firm without an
//! account. The sandbox's tokens stay in this process's memory and are never
//! logged or sent to the UI.

use casefile_sandbox::{RunningSandbox, SandboxConfig};
use tauri::{AppHandle, Manager, Runtime};

use crate::events::{publish_sync_status, SyncStatus};

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
                let base_url = sandbox.info().base_url.clone();
                let token = sandbox.info().access_token.clone();
                tracing::info!(
                    port = sandbox.addr().port(),
                    "demo firm listening on loopback"
                );
                app.manage(DemoFirm { sandbox });
                // The demo firm practises in New York; its events are scheduled there.
                crate::sync::pull_once(&app, &base_url, token, chrono_tz::America::New_York).await;
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
