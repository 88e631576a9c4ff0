//! The engine: one account's syncs, one at a time.
//!
//! A sync is, once each and in this order: settle the creates that may
//! already be on the server, pull, push, re-read what the push touched and
//! the server did not return, and reconcile deletions when that is due. Syncs run on demand
//! ([`Engine::sync_now`], [`Engine::request`]), periodically
//! ([`Engine::run`]), and sooner while offline so that the connection's
//! return is noticed within seconds. A running sync can be cancelled; what
//! it committed stays committed (each page and each push is atomic) and the
//! next sync resumes from the checkpoints. Subscribers get a
//! [`SyncStatus`] on every change.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use casefile_domain::entity::Kind;
use casefile_providers::{Deletions, Provider};
use chrono::Utc;
use tokio::sync::{watch, Notify};
use tokio_util::sync::CancellationToken;

use crate::error::SyncError;
use crate::pull::{pull, resource_name, PageProgress, PullReport, Syncer};
use crate::push::{push, PushReport};
use crate::reconcile::{self, ReconcileReport};
use crate::status::{ErrorInfo, Phase, SyncStatus};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncOptions {
    /// Compare id sets now, whether or not one is due.
    pub reconcile: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub pull: PullReport,
    pub push: PushReport,
    pub reread: PullReport,
    pub reconcile: Option<ReconcileReport>,
}

pub struct Engine<P> {
    syncer: Syncer<P>,
    status: watch::Sender<SyncStatus>,
    running: tokio::sync::Mutex<()>,
    wake: Notify,
    cancel: Mutex<CancellationToken>,
    /// While set, the periodic loop does not sync (a user's "Pause sync").
    paused: std::sync::atomic::AtomicBool,
    /// How long a create whose answer was lost may still land ([`crate::in_doubt`]).
    in_doubt_window: std::time::Duration,
    /// How a change the server keeps failing backs off ([`crate::policy::Backoff`]).
    backoff: crate::policy::Backoff,
}

impl<P: Provider + 'static> Engine<P> {
    pub fn new(syncer: Syncer<P>) -> Self {
        let (status, _) = watch::channel(SyncStatus::default());
        let engine = Self {
            syncer,
            status,
            running: tokio::sync::Mutex::new(()),
            wake: Notify::new(),
            cancel: Mutex::new(CancellationToken::new()),
            paused: std::sync::atomic::AtomicBool::new(false),
            in_doubt_window: crate::in_doubt::window_from_env(),
            backoff: crate::policy::Backoff::default(),
        };
        engine.refresh_counts();
        engine
    }

    /// Sets how long a create whose answer was lost may still land before
    /// it is sent again (default [`crate::in_doubt::DEFAULT_WINDOW`]).
    pub fn with_in_doubt_window(mut self, window: std::time::Duration) -> Self {
        self.in_doubt_window = window;
        self
    }

    /// Sets how a change the server keeps failing backs off.
    pub fn with_backoff(mut self, backoff: crate::policy::Backoff) -> Self {
        self.backoff = backoff;
        self
    }

    pub fn syncer(&self) -> &Syncer<P> {
        &self.syncer
    }

    /// Status updates, starting with the current one.
    pub fn subscribe(&self) -> watch::Receiver<SyncStatus> {
        self.status.subscribe()
    }

    pub fn status(&self) -> SyncStatus {
        self.status.borrow().clone()
    }

    /// Asks the periodic loop for a sync now (one, even while paused).
    pub fn request(&self) {
        self.wake.notify_one();
    }

    /// Pauses or resumes the periodic loop. A running sync finishes; while
    /// paused nothing is sent or fetched unless [`Engine::request`] asks for
    /// one sync, and local edits keep waiting in the outbox.
    pub fn set_paused(&self, paused: bool) {
        let was = self
            .paused
            .swap(paused, std::sync::atomic::Ordering::SeqCst);
        if was && !paused {
            self.wake.notify_one();
        }
    }

    pub fn is_paused(&self) -> bool {
        self.paused.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Cancels the running sync, if any.
    pub fn cancel(&self) {
        self.cancel
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .cancel();
    }

    fn refresh_counts(&self) {
        let summary = self.syncer.store.summary().unwrap_or_default();
        self.status.send_modify(|s| {
            s.pending = summary.pending;
            s.conflicts = summary.conflicts;
            s.quarantined = summary.quarantined;
            s.throttled_until = self.syncer.provider.throttled_until();
        });
    }

    /// Runs one sync now, after any sync already running.
    pub async fn sync_now(&self, options: SyncOptions) -> Result<SyncReport, SyncError> {
        let _one_at_a_time = self.running.lock().await;
        let token = {
            let mut cancel = self.cancel.lock().unwrap_or_else(|p| p.into_inner());
            if cancel.is_cancelled() {
                *cancel = CancellationToken::new();
            }
            cancel.clone()
        };
        self.status.send_modify(|s| {
            s.phase = Phase::Pulling;
            s.pages = 0;
            s.records = 0;
            s.expected = None;
            s.error = None;
        });
        // "Throttled until" is published while it lasts, not only between pages.
        let watch_throttle = async {
            loop {
                tokio::time::sleep(Duration::from_millis(200)).await;
                let until = self.syncer.provider.throttled_until();
                self.status.send_if_modified(|s| {
                    let changed = s.throttled_until != until;
                    s.throttled_until = until;
                    changed
                });
            }
        };
        let result = tokio::select! {
            r = self.run_once(options) => r,
            _ = token.cancelled() => Err(SyncError::Cancelled),
            _ = watch_throttle => unreachable!("the throttle watch never ends"),
        };
        self.refresh_counts();
        self.status.send_modify(|s| {
            s.phase = Phase::Idle;
            s.resource = None;
            match &result {
                Ok(report) => {
                    s.last_success = Some(Utc::now());
                    s.held = report.push.held.clone();
                }
                Err(e) => {
                    s.error = Some(ErrorInfo {
                        code: e.class(),
                        message: e.to_string(),
                    })
                }
            }
        });
        result
    }

    async fn run_once(&self, options: SyncOptions) -> Result<SyncReport, SyncError> {
        let s = &self.syncer;
        let on_page = |p: PageProgress| {
            self.status.send_modify(|st| {
                let resource = resource_name(p.kind);
                if st.resource.as_deref() != Some(resource) {
                    st.resource = Some(resource.to_owned());
                    st.expected = None;
                    st.resource_records = 0;
                }
                st.pages += 1;
                st.records += p.applied as u64;
                st.resource_records += p.applied as u64;
                st.expected = p.item_count.or(st.expected);
                st.throttled_until = s.provider.throttled_until();
            });
        };
        // A first sync is one with no resource pulled yet (whatever kinds the
        // provider has).
        let mut first_sync = true;
        for &kind in s.provider.pull_order() {
            if s.store.checkpoint(resource_name(kind))?.is_some() {
                first_sync = false;
                break;
            }
        }
        // Before the pull, which would otherwise bring an in-doubt create's
        // server copy in as a second record.
        let settled = crate::in_doubt::settle(s, self.in_doubt_window).await?;
        let pulled = pull(s, &[], &on_page).await?;
        self.set_phase(Phase::Pushing);
        let mut pushed = push(s, self.backoff).await?;
        pushed.adopted += settled.adopted;
        pushed.checking = settled.checking;
        let touched: Vec<Kind> = pushed.touched.iter().copied().collect();
        let reread = if touched.is_empty() {
            PullReport::default()
        } else {
            self.set_phase(Phase::Pulling);
            pull(s, &touched, &on_page).await?
        };
        let reconciled = if first_sync {
            // A first sync holds exactly what the server listed.
            reconcile::mark_done(&s.store)?;
            None
        } else if s.provider.capabilities().deletions != Deletions::IdSets {
            // The provider reports deletions in its lists; the pull applied them.
            None
        } else if options.reconcile || reconcile::due(&s.store)? {
            self.set_phase(Phase::Reconciling);
            Some(reconcile::reconcile(s).await?)
        } else {
            None
        };
        Ok(SyncReport {
            pull: pulled,
            push: pushed,
            reread,
            reconcile: reconciled,
        })
    }

    fn set_phase(&self, phase: Phase) {
        self.status.send_modify(|s| {
            s.phase = phase;
            s.resource = None;
        });
        self.refresh_counts();
    }

    /// Syncs every `every`, on [`Engine::request`], and, while the server is
    /// unreachable, with a backoff from 5 s up to `every` so the connection's
    /// return is noticed quickly. Returns when `stop` is cancelled.
    pub async fn run(self: Arc<Self>, every: Duration, stop: CancellationToken) {
        let mut offline_wait = Duration::from_secs(5);
        loop {
            if self.is_paused() {
                // Woken by a resume, or by a request for one sync.
                tokio::select! {
                    _ = self.wake.notified() => {}
                    _ = stop.cancelled() => return,
                }
            }
            let wait = match self.sync_now(SyncOptions::default()).await {
                Ok(_) => {
                    offline_wait = Duration::from_secs(5);
                    every
                }
                Err(e) if e.is_transient() => {
                    tracing::info!(error = %e, "sync failed; trying again soon");
                    let wait = offline_wait;
                    offline_wait = (offline_wait * 2).min(every);
                    wait
                }
                Err(e) => {
                    tracing::warn!(code = e.code(), error = %e, "sync failed");
                    every
                }
            };
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = self.wake.notified() => {}
                _ = stop.cancelled() => return,
            }
        }
    }
}
