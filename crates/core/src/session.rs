//! An open account. [`Cache`] is what works offline: the account's cache
//! and its sealed document blobs, opened with one keychain read. A
//! [`Session`] adds the connection and the sync engine, and owns the rule
//! that documents move after records and that a failed transfer never fails
//! the sync.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use casefile_providers::{AnyProvider, Capabilities, Provider};
use casefile_store::{Choice, Conflict, Store};
use casefile_sync::{Engine, SyncOptions, SyncReport, Syncer};
use casefile_transfer::{BlobStore, RunReport};
use chrono_tz::Tz;
use tokio_util::sync::CancellationToken;

use crate::accounts::AccountSettings;
use crate::edits::Editor;
use crate::error::CoreError;

/// An account's local data: everything that works offline.
pub struct Cache {
    pub settings: AccountSettings,
    pub store: Arc<Store>,
    /// None for a cache without sealed blobs (the demo firm's).
    pub blobs: Option<BlobStore>,
    pub zone: Tz,
    capabilities: Capabilities,
}

impl Cache {
    /// Opens the account's cache and blob store with one keychain read.
    pub fn open(data_dir: &Path, settings: AccountSettings) -> Result<Self, CoreError> {
        let key = settings.cache_key()?;
        let store = settings.open_store_with(data_dir, &key)?;
        let blobs = BlobStore::open(&settings.blobs_dir(data_dir), &key)?;
        Self::from_parts(settings, Arc::new(store), Some(blobs))
    }

    /// A cache already opened elsewhere (the demo firm's, a test's).
    pub fn from_parts(
        settings: AccountSettings,
        store: Arc<Store>,
        blobs: Option<BlobStore>,
    ) -> Result<Self, CoreError> {
        Ok(Self {
            zone: settings.zone()?,
            capabilities: settings.capabilities(),
            settings,
            store,
            blobs,
        })
    }

    /// What the account's provider accepts.
    pub fn capabilities(&self) -> &Capabilities {
        &self.capabilities
    }

    /// Edits within what the provider accepts, in the firm's zone.
    pub fn editor(&self) -> Editor<'_> {
        Editor::new(&self.store, self.zone, &self.capabilities)
    }

    /// The open conflicts: fields changed both here and on the server.
    pub fn conflicts(&self) -> Result<Vec<Conflict>, CoreError> {
        Ok(self.store.conflicts()?)
    }

    /// Keeps one side of a conflict; the result reaches the server through
    /// the outbox on the next sync. A conflict is only ever resolved here,
    /// by a person's choice.
    pub fn resolve_conflict(&self, id: &str, choice: Choice) -> Result<(), CoreError> {
        Ok(self.store.resolve_conflict(id.to_owned(), choice)?)
    }
}

/// What one sync did: the records, then the documents.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionReport {
    pub sync: SyncReport,
    pub transfers: RunReport,
}

/// An open, connected account.
pub struct Session {
    pub cache: Cache,
    pub engine: Arc<Engine<AnyProvider>>,
}

impl Session {
    /// Connects an opened cache (nothing is sent yet).
    pub fn connect(cache: Cache) -> Result<Self, CoreError> {
        let provider = cache.settings.connect()?;
        Ok(Self::with_provider(cache, provider))
    }

    /// Opens and connects the account.
    pub fn open(data_dir: &Path, settings: AccountSettings) -> Result<Self, CoreError> {
        Self::connect(Cache::open(data_dir, settings)?)
    }

    /// A session over a provider connected elsewhere (the demo firm).
    pub fn with_provider(cache: Cache, provider: AnyProvider) -> Self {
        let engine = Arc::new(Engine::new(Syncer {
            store: cache.store.clone(),
            provider: Arc::new(provider),
            zone: cache.zone,
        }));
        Self { cache, engine }
    }

    pub fn store(&self) -> &Arc<Store> {
        &self.cache.store
    }

    pub fn provider(&self) -> &Arc<AnyProvider> {
        &self.engine.syncer().provider
    }

    /// Syncs the records, then moves the documents that are due. A failed
    /// transfer stays queued with its reason; it never fails the sync.
    pub async fn sync(&self, options: SyncOptions) -> Result<SessionReport, CoreError> {
        let sync = self.engine.sync_now(options).await;
        self.keep_server_clock();
        let sync = sync?;
        let transfers = self.run_transfers().await?;
        if let Err(e) = self.refresh_pinned_cases().await {
            tracing::info!(code = %e.class(), "the kept-offline cases' folders were not walked");
        }
        // Last: the documents waiting matter more than a filter.
        self.learn_who_i_am().await;
        Ok(SessionReport { sync, transfers })
    }

    /// Keeps the server's clock as its last answer showed it, for the
    /// reminders ([`crate::clock`]); nothing when it has not answered.
    fn keep_server_clock(&self) {
        if let Some(skew) = self.provider().server_clock_skew() {
            if let Err(e) = crate::clock::remember_skew(&self.cache.store, skew) {
                tracing::info!(code = %e.class(), "the server's clock was not kept");
            }
        }
    }

    /// Learns which staff member the user is, once; a failure waits for
    /// the next sync.
    async fn learn_who_i_am(&self) {
        if let Err(e) = crate::me::learn(&self.cache.store, self.provider()).await {
            tracing::info!(code = %e.class(), "who the user is among the staff is not known yet");
        }
    }

    /// Queues the pinned cases' missing documents, then runs every due
    /// transfer (none without a blob store or a provider with documents).
    pub async fn run_transfers(&self) -> Result<RunReport, CoreError> {
        let Some(blobs) = &self.cache.blobs else {
            return Ok(RunReport::default());
        };
        if !self.provider().capabilities().has_documents() {
            return Ok(RunReport::default());
        }
        casefile_transfer::refresh_pins(&self.cache.store)?;
        // Folders made here first, so an upload into one finds it there.
        if let Err(e) = self.push_folders().await {
            tracing::info!(code = %e.class(), "new folders wait for the next run");
        }
        let report =
            casefile_transfer::run_due(&self.cache.store, self.provider().as_ref(), blobs).await?;
        if report.done > 0 {
            if let Err(e) = self.refresh_uploaded_cases().await {
                tracing::info!(code = %e.class(), "the uploaded documents come in at the next refresh");
            }
        }
        if report.failed > 0 {
            // If the server went away, the sync that this asks for notices,
            // retries on the engine's short offline backoff, and requeues
            // the transfers the moment the connection is back (`run`).
            self.engine.request();
        }
        Ok(report)
    }

    /// Keeps a case's documents on this laptop: queues every one not yet
    /// here and moves what is due. Returns how many were queued.
    pub async fn pin(&self, case: &str) -> Result<(usize, RunReport), CoreError> {
        let case = self
            .cache
            .editor()
            .existing(casefile_domain::entity::Kind::Case, case)?;
        let queued = casefile_transfer::pin(&self.cache.store, &case)?;
        Ok((queued, self.run_transfers().await?))
    }

    /// Removes what cancelled uploads began on the server (now, when the
    /// server answers; otherwise the next queue run does it).
    pub async fn discard_cancelled(&self) -> Result<(), CoreError> {
        if self.provider().capabilities().has_documents() {
            casefile_transfer::discard::discard_cancelled(
                &self.cache.store,
                self.provider().as_ref(),
            )
            .await?;
        }
        Ok(())
    }

    /// Syncs every `every` and on request until `stop` is cancelled; the
    /// documents move after each sync.
    pub async fn run(self: Arc<Self>, every: Duration, stop: CancellationToken) {
        let runner = tokio::spawn(self.engine.clone().run(every, stop.clone()));
        let mut updates = self.engine.subscribe();
        let mut last = updates.borrow().last_success;
        // Whether the last finished sync found the server unreachable.
        let mut was_offline = false;
        loop {
            tokio::select! {
                changed = updates.changed() => {
                    if changed.is_err() {
                        break;
                    }
                    let status = updates.borrow_and_update().clone();
                    let now = status.last_success;
                    if status.phase == casefile_sync::Phase::Idle {
                        if let Some(error) = &status.error {
                            was_offline = error.code == casefile_domain::error::ErrorCode::Offline;
                        }
                    }
                    if now != last {
                        last = now;
                        self.keep_server_clock();
                        if std::mem::take(&mut was_offline) {
                            // The connection is back: what waited for it goes now.
                            let at = chrono::Utc::now().to_rfc3339();
                            if let Err(e) = self.cache.store.retry_waiting_transfers(&at) {
                                tracing::warn!(code = %e.class(), "could not requeue the waiting transfers");
                            }
                        }
                        match self.run_transfers().await {
                            // Bring the uploaded documents in now, not at the next tick.
                            Ok(report) if report.done > 0 => self.engine.request(),
                            Ok(_) => {}
                            Err(e) => {
                                tracing::warn!(code = %e.class(), "transfers after a sync failed");
                            }
                        }
                        if let Err(e) = self.refresh_pinned_cases().await {
                            tracing::info!(code = %e.class(), "the kept-offline cases' folders were not walked");
                        }
                        self.learn_who_i_am().await;
                    }
                }
                _ = stop.cancelled() => break,
            }
        }
        let _ = runner.await;
    }
}
