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
use casefile_store::CacheKey;
use casefile_transfer::BlobStore;
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

/// The demo firm's document store, so files can be dropped into its cases.
/// Its key is kept in a file beside it, not in the keychain: the demo firm
/// is invented and its cache is not encrypted either. None (and logged)
/// when it cannot be opened; the firm then browses without documents.
fn demo_blobs(data_dir: &std::path::Path) -> Option<BlobStore> {
    let dir = data_dir.join("accounts").join("demo-blobs");
    let key_file = data_dir.join("accounts").join("demo-blobs.key");
    let key = match std::fs::read_to_string(&key_file) {
        Ok(text) => CacheKey::from_hex(text.trim()).ok(),
        Err(_) => None,
    };
    let key = match key {
        Some(key) => key,
        None => {
            let key = CacheKey::generate().ok()?;
            std::fs::create_dir_all(data_dir.join("accounts")).ok()?;
            if let Err(e) = std::fs::write(&key_file, key.to_hex().as_bytes()) {
                tracing::warn!(error = %e, "the demo firm's document key could not be saved");
                return None;
            }
            key
        }
    };
    match BlobStore::open(&dir, &key) {
        Ok(blobs) => Some(blobs),
        Err(e) => {
            tracing::warn!(error = %e, "the demo firm's document store could not be opened");
            None
        }
    }
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
    let blobs = app
        .try_state::<AppState>()
        .and_then(|s| demo_blobs(&s.paths.data_dir));
    let cache = Cache::from_parts(settings, store, blobs)?;
    Ok(Some(Session::with_provider(cache, provider)))
}
