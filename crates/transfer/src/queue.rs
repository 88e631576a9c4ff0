//! The transfer queue: adding uploads and downloads, pinning cases, and
//! running what is due. Transfers run one at a time, apart from record
//! sync (a failed transfer never blocks it); a failure is recorded in plain
//! words and, when another try may work, retried later with a growing,
//! jittered delay (30 s doubling up to an hour). Pause, resume, cancel and
//! retry act on the queue rows, from any process; a transfer already moving
//! notices a pause or cancel within a quarter of a second and stops, and a
//! cancelled upload's half-made server document is removed (`discard`).

use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use casefile_domain::ids::LocalId;
use casefile_providers::documents::DocumentTransport;
use casefile_providers::{Provider, ProviderError};
use casefile_store::transfers::{Direction, NewTransfer, Transfer, TransferState};
use casefile_store::{Store, StoreError};
use chrono::Utc;

use crate::blobs::{BlobError, BlobStore};
use crate::{discard, download, owner, upload};

#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    #[error("the file's copy in the document store is missing; add the file again")]
    NoBlob,
    #[error("the file's copy in the document store is damaged; add the file again")]
    Damaged,
    #[error("the case is not on the server yet; it will be sent after the case syncs")]
    NoCase,
    #[error("the document is not on the server (it may have been deleted)")]
    NoDocument,
    #[error("could not save the copy: {0}")]
    Save(String),
    #[error("{0}")]
    Blob(#[from] BlobError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{}", provider_words(.0))]
    Provider(#[from] ProviderError),
}

fn provider_words(e: &ProviderError) -> String {
    match e {
        ProviderError::Network(_) => {
            "Could not reach the server; it will be retried when the connection is back".into()
        }
        ProviderError::Unauthorized | ProviderError::SignInRequired => {
            "Sign in again to continue transfers".into()
        }
        ProviderError::LinkExpired(_) => {
            "The storage link expired; it will be retried with a fresh one".into()
        }
        ProviderError::Throttled { .. } => {
            "The server asked us to slow down; retrying later".into()
        }
        ProviderError::Server(s) => {
            format!("The server had a problem (status {s}); retrying later")
        }
        ProviderError::NotFound => "The server no longer has this case or document".into(),
        ProviderError::Validation { message, .. } => {
            format!("The server refused the file: {message}")
        }
        other => other.to_string(),
    }
}

impl TransferError {
    /// Whether trying again later, unchanged, may succeed.
    pub fn retryable(&self) -> bool {
        match self {
            TransferError::Provider(e) => {
                e.is_retryable() || matches!(e, ProviderError::Network(_))
            }
            TransferError::Blob(
                BlobError::Incoming(_) | BlobError::Mismatch { .. } | BlobError::DiskFull,
            ) => true,
            // Space may come back; the queue tries again later.
            TransferError::Store(StoreError::DiskFull) => true,
            TransferError::NoCase => true,
            _ => false,
        }
    }

    /// The blob store's copy is missing or damaged: this transfer can never
    /// send the file; the user adds it again.
    pub fn copy_lost(&self) -> bool {
        matches!(self, TransferError::NoBlob | TransferError::Damaged)
    }

    /// The class of this failure.
    pub fn class(&self) -> casefile_domain::error::ErrorCode {
        use casefile_domain::error::ErrorCode;
        match self {
            TransferError::Provider(e) => e.class(),
            TransferError::NoCase | TransferError::NoDocument => ErrorCode::NotFound,
            TransferError::Blob(e) => e.class(),
            TransferError::NoBlob | TransferError::Damaged | TransferError::Save(_) => {
                ErrorCode::File
            }
            TransferError::Store(e) => e.class(),
        }
    }

    /// A stable code for the UI and the CLI.
    pub fn code(&self) -> &'static str {
        self.class().as_str()
    }
}

/// Writes an attempt's progress and speed to the queue, a few times a second.
pub struct Progressor<'a> {
    store: &'a Store,
    id: &'a str,
    size: Option<i64>,
    started: Instant,
    last: Mutex<Option<Instant>>,
}

impl<'a> Progressor<'a> {
    pub fn new(store: &'a Store, id: &'a str, size: Option<i64>) -> Self {
        Self {
            store,
            id,
            size,
            started: Instant::now(),
            last: Mutex::new(None),
        }
    }

    pub fn report(&self, done: u64) {
        let now = Instant::now();
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        let due = last.is_none_or(|l| now - l >= Duration::from_millis(250))
            || self.size == Some(done as i64);
        if !due {
            return;
        }
        *last = Some(now);
        let secs = (now - self.started).as_secs_f64().max(0.001);
        let speed = (done as f64 / secs) as i64;
        if let Err(e) =
            self.store
                .set_transfer_progress(self.id, done as i64, self.size, Some(speed))
        {
            tracing::warn!(error = %e, "could not record transfer progress");
        }
    }
}

/// Queues an upload of `file` into a case folder. The file is first copied
/// into the blob store, so the user may move or delete it at once. A file
/// named like a document already in that folder becomes a new version.
pub async fn add_upload(
    store: &Store,
    blobs: &BlobStore,
    file: &Path,
    case: &LocalId,
    folder: Option<&str>,
) -> Result<String, TransferError> {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| TransferError::Save("that is not a file".into()))?;
    add_upload_as(store, blobs, file, case, folder, &name).await
}

/// [`add_upload`] under another name than the file's (a dropped file kept
/// beside a document of the same name).
pub async fn add_upload_as(
    store: &Store,
    blobs: &BlobStore,
    file: &Path,
    case: &LocalId,
    folder: Option<&str>,
    name: &str,
) -> Result<String, TransferError> {
    let name = name.to_owned();
    if !file.is_file() {
        return Err(TransferError::Blob(BlobError::Read {
            path: name,
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "not a readable file"),
        }));
    }
    let folder = folder.unwrap_or("").trim_matches('/');
    let path = if folder.is_empty() {
        name.clone()
    } else {
        format!("{folder}/{name}")
    };
    let blob = blobs.import(file, &|_| {}).await?;
    let existing = store.document_at(&case.to_string(), &path)?;
    if existing.is_none() {
        // The same path dropped again before its first upload began: one
        // document with the newer bytes, not two documents.
        if let Some(id) =
            store.replace_unsent_upload(&case.to_string(), &path, &blob.sha256, blob.size as i64)?
        {
            return Ok(id);
        }
    }
    let id = store.add_transfer(NewTransfer {
        upload: true,
        case_id: case.to_string(),
        document_id: existing,
        path: Some(path),
        file_name: name,
        blob: Some(blob.sha256),
        size: Some(blob.size as i64),
        save_to: None,
    })?;
    Ok(id)
}

/// Queues a download of a document, optionally saving a copy into `save_to`.
pub fn add_download(
    store: &Store,
    document: &LocalId,
    save_to: Option<&Path>,
) -> Result<String, TransferError> {
    let doc: casefile_domain::entity::Document =
        store.get(document)?.ok_or(TransferError::NoDocument)?;
    if let Some(dir) = save_to {
        if !dir.is_dir() {
            return Err(TransferError::Save(format!(
                "{} is not a directory",
                dir.display()
            )));
        }
    }
    Ok(store.add_transfer(NewTransfer {
        upload: false,
        case_id: doc.case.to_string(),
        document_id: Some(document.to_string()),
        path: Some(doc.path.clone()),
        file_name: doc.name.clone(),
        blob: None,
        size: doc.size,
        save_to: save_to.map(|d| d.display().to_string()),
    })?)
}

/// Pins a case for offline use and queues its documents.
pub fn pin(store: &Store, case: &LocalId) -> Result<usize, TransferError> {
    store.pin_case(&case.to_string())?;
    refresh_pins(store)
}

/// Queues downloads for pinned cases' documents that are missing or changed
/// (run after every sync, so pinned cases stay current). Returns how many.
pub fn refresh_pins(store: &Store) -> Result<usize, TransferError> {
    let missing = store.pinned_documents_missing()?;
    for (doc, _, _) in &missing {
        let id = LocalId::parse(doc).map_err(|_| TransferError::NoDocument)?;
        add_download(store, &id, None)?;
    }
    Ok(missing.len())
}

/// A running transfer silent this long was interrupted (it reports progress
/// every quarter second while it moves, and between its requests).
const STALE_AFTER_S: i64 = 120;

/// What one run of the queue did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RunReport {
    pub done: usize,
    pub failed: usize,
    /// Paused or cancelled while moving.
    pub stopped: usize,
}

/// When to try a transfer again after `attempts` failures.
fn retry_at(attempts: i64) -> String {
    let base = 30u64.saturating_mul(1 << attempts.clamp(0, 7)).min(3600);
    let jittered = base / 2 + fastrand::u64(0..=base / 2);
    (Utc::now() + chrono::Duration::seconds(jittered as i64)).to_rfc3339()
}

/// Runs every transfer that is due, one at a time.
pub async fn run_due<P: Provider + DocumentTransport>(
    store: &Store,
    provider: &P,
    blobs: &BlobStore,
) -> Result<RunReport, StoreError> {
    let stale_before = (Utc::now() - chrono::Duration::seconds(STALE_AFTER_S))
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    store.requeue_interrupted(&stale_before, &owner::is_dead)?;
    discard::discard_cancelled(store, provider).await?;
    let me = owner::me();
    let mut report = RunReport::default();
    for t in store.due_transfers(&Utc::now().to_rfc3339())? {
        // Atomically ours, or taken, paused or cancelled since the list was read.
        if !store.claim_transfer(&t.id, &me)? {
            continue;
        }
        let outcome = tokio::select! {
            outcome = run_one(store, provider, blobs, &t) => outcome,
            state = stop_requested(store, &t.id) => {
                // Dropping the attempt closes its connection; the row keeps the user's state.
                tracing::info!(state, "transfer stopped by the user");
                report.stopped += 1;
                if state == "cancelled" {
                    discard::discard_cancelled(store, provider).await?;
                }
                continue;
            }
        };
        match outcome {
            Ok(saved) => {
                store.finish_transfer(&t.id, None, saved)?;
                report.done += 1;
            }
            Err(e) => {
                tracing::warn!(code = e.code(), "transfer failed");
                let again = e.retryable().then(|| retry_at(t.attempts));
                store.fail_transfer(&t.id, &e.to_string(), again)?;
                if t.direction == Direction::Upload && e.copy_lost() {
                    discard::discard_failed(store, provider, &t.id).await?;
                }
                report.failed += 1;
            }
        }
    }
    Ok(report)
}

/// Resolves when `id` is paused or cancelled (by this process or another:
/// the queue row is the one channel, so it is polled).
async fn stop_requested(store: &Store, id: &str) -> &'static str {
    loop {
        tokio::time::sleep(Duration::from_millis(250)).await;
        match store.transfer(id) {
            Ok(Some(t)) if matches!(t.state, TransferState::Paused | TransferState::Cancelled) => {
                return t.state.as_str()
            }
            Ok(None) => return "removed",
            _ => {}
        }
    }
}

async fn run_one<P: Provider + DocumentTransport>(
    store: &Store,
    provider: &P,
    blobs: &BlobStore,
    t: &Transfer,
) -> Result<Option<String>, TransferError> {
    match t.direction {
        Direction::Upload => {
            upload::run(store, provider, blobs, t).await?;
            Ok(None)
        }
        Direction::Download => download::run(store, provider, blobs, t).await,
    }
}
