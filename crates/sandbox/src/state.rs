//! Shared server state: storage, auth, signing key, rate limiter and fault engine.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use serde_json::Value;

use crate::auth::AuthState;
use crate::faults::Faults;
use crate::ratelimit::RateLimiter;
use crate::secrets::Signer;
use crate::store::Store;

/// Everything handlers share.
pub struct AppState {
    pub base_url: String,
    pub store: Store,
    pub auth: Mutex<AuthState>,
    pub signer: Signer,
    pub limiter: Mutex<RateLimiter>,
    /// LegalServer's per-minute window (its dialect only).
    pub per_minute: Mutex<crate::legalserver::PerMinute>,
    /// Whether the firm has LegalServer's Premium APIs (its writes); 402
    /// without them.
    pub premium: std::sync::atomic::AtomicBool,
    /// LegalServer's API user and password, for HTTP Basic.
    pub api_login: (String, String),
    pub faults: Mutex<Faults>,
    pub admin_token: String,
    pub page_token_ttl: Duration,
    pub storage_url_ttl: Duration,
    pub doc_dir: PathBuf,
    /// Upload bytes per second per PUT, if storage is slowed down.
    pub storage_put_bytes_per_s: Option<u64>,
    /// The `/v1/firm` body.
    pub firm: Mutex<Value>,
    /// The staff id `/v1/me` answers with.
    pub me: Mutex<Option<i64>>,
    /// Raw JSON text (not necessarily valid, or parseable at all) served
    /// as extra elements of a kind's first list page: hostile input for
    /// the client, exactly as given (`POST /admin/raw_items/{kind}`).
    pub raw_items: Mutex<std::collections::HashMap<crate::store::Kind, Vec<String>>>,
    /// Case notes added on LegalServer (`POST /admin/notes/{case_id}`), by
    /// case id, after the ones each matter is served with.
    pub notes: Mutex<std::collections::BTreeMap<i64, Vec<serde_json::Value>>>,
}

/// Locks a mutex, recovering from poisoning (a panicked handler must not wedge the server).
pub fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
