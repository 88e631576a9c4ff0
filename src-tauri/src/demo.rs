//! The embedded demo firm. With no account (first run), with `--demo`
//! (what `scripts/run` passes) or `CASEFILE_DEMO=1`, or when chosen on the
//! Accounts screen, the app starts the sandbox in-process on a loopback
//! port, so a first-time user meets a realistic firm without an account.
//! The client is made by the provider registry for the dialect the sandbox
//! says it speaks. The sandbox's tokens stay in this process's memory and
//! are never logged or sent to the UI.

use std::sync::Arc;

use casefile_core::{Cache, CoreError, Session};
use casefile_providers::{AnyProvider, Auth, Connection, Credentials, MemorySecrets, ProviderId};
use casefile_sandbox::{RunningSandbox, SandboxConfig};
use casefile_store::{CacheKey, Store};
use casefile_transfer::BlobStore;
use tauri::{AppHandle, Manager, Runtime};
use tokio_util::sync::CancellationToken;

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

/// Syncs the demo firm into `store`, starting its server first if this
/// process has not yet (it keeps running when another account is shown, so
/// coming back is instant). The status bar shows "starting", then the
/// sync's own progress and outcome.
pub fn start<R: Runtime>(
    app: &AppHandle<R>,
    store: Arc<Store>,
    blobs: Option<BlobStore>,
    stop: CancellationToken,
) {
    let app = app.clone();
    if let Some(firm) = app.try_state::<DemoFirm>() {
        connect(&app, &firm.sandbox, store, blobs, stop);
        return;
    }
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
                connect(&app, &sandbox, store, blobs, stop);
                app.manage(DemoFirm { sandbox });
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

fn connect<R: Runtime>(
    app: &AppHandle<R>,
    sandbox: &RunningSandbox,
    store: Arc<Store>,
    blobs: Option<BlobStore>,
    stop: CancellationToken,
) {
    match session(sandbox, store, blobs) {
        Ok(session) => crate::sync::start(app, Arc::new(session), stop),
        Err(err) => {
            tracing::error!(code = %err.class(), error = %err, "the demo firm could not connect");
            publish_sync_status(
                app,
                SyncStatus::error("Sync could not start; details are in the log."),
            );
        }
    }
}

/// The demo firm's document store, so files can be dropped into its cases.
/// Its key is kept in a file beside it, not in the keychain: the demo firm
/// is invented and its cache is not encrypted either. None (and logged)
/// when it cannot be opened; the firm then browses without documents.
pub fn blobs(data_dir: &std::path::Path) -> Option<BlobStore> {
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
fn session(
    sandbox: &RunningSandbox,
    store: Arc<Store>,
    blobs: Option<BlobStore>,
) -> Result<Session, CoreError> {
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
    let cache = Cache::from_parts(settings, store, blobs)?;
    Ok(Session::with_provider(cache, provider))
}
