//! The cache's side of a pull: decoded pages wait here for the cache's
//! writer, which commits them one batch at a time, in page order.
//!
//! When the writer keeps up, each page is its own transaction. When it
//! falls behind the network, the pages that arrived meanwhile are written
//! together in one transaction ([`casefile_store::Store::apply_pages`]),
//! each still with its own checkpoint: a random index leaf is then written
//! out once a batch rather than once a page, which is most of what a commit
//! costs on a large first sync. A batch holds at most [`BATCH_ROWS`] rows,
//! so memory stays flat.

use std::sync::Arc;

use casefile_store::server_page::PendingPage;
use casefile_store::{PageOutcome, Store};
use tokio::task::JoinHandle;

use crate::error::SyncError;

/// Rows at most in one transaction.
pub const BATCH_ROWS: usize = 5_000;

/// What the pull reports of a page once it is written.
#[derive(Debug, Clone, Copy)]
pub struct PageInfo {
    pub rows: usize,
    pub quarantined: usize,
    pub item_count: Option<u64>,
}

struct InFlight {
    infos: Vec<PageInfo>,
    task: JoinHandle<Result<Vec<PageOutcome>, SyncError>>,
}

/// Pages queued for the writer, and the batch it is writing.
pub struct PageWriter {
    store: Arc<Store>,
    queued: Vec<(PendingPage, PageInfo)>,
    queued_rows: usize,
    writing: Option<InFlight>,
}

impl PageWriter {
    pub fn new(store: Arc<Store>) -> Self {
        Self {
            store,
            queued: Vec::new(),
            queued_rows: 0,
            writing: None,
        }
    }

    /// Queues a decoded page; the writer starts on it at once when idle.
    pub fn queue(&mut self, page: PendingPage, info: PageInfo) {
        self.queued_rows += info.rows.max(1);
        self.queued.push((page, info));
        if self.writing.is_none() {
            self.start();
        }
    }

    /// Whether the queue holds a full batch (take no more pages for now).
    pub fn is_full(&self) -> bool {
        self.queued_rows >= BATCH_ROWS
    }

    /// Whether nothing is being written or waiting.
    pub fn is_idle(&self) -> bool {
        self.writing.is_none() && self.queued.is_empty()
    }

    /// Whether a batch is being written.
    pub fn is_writing(&self) -> bool {
        self.writing.is_some()
    }

    fn start(&mut self) {
        if self.queued.is_empty() {
            return;
        }
        let (pages, infos): (Vec<_>, Vec<_>) = std::mem::take(&mut self.queued).into_iter().unzip();
        self.queued_rows = 0;
        let store = self.store.clone();
        let task = tokio::task::spawn_blocking(move || Ok(store.apply_pages(pages)?));
        self.writing = Some(InFlight { infos, task });
    }

    /// Waits for the batch being written (pending forever when none), then
    /// starts on the pages queued meanwhile. Returns the pages written.
    /// Cancel-safe: dropped before the batch is done, it can be awaited
    /// again.
    pub async fn written(&mut self) -> Result<Vec<(PageInfo, PageOutcome)>, SyncError> {
        let Some(in_flight) = &mut self.writing else {
            return std::future::pending().await;
        };
        let result = (&mut in_flight.task).await;
        let InFlight { infos, .. } = self.writing.take().expect("a batch in flight");
        let outcomes = result??;
        self.start();
        Ok(infos.into_iter().zip(outcomes).collect())
    }

    /// Writes everything queued; returns the pages written.
    pub async fn flush(&mut self) -> Result<Vec<(PageInfo, PageOutcome)>, SyncError> {
        let mut done = Vec::new();
        while !self.is_idle() {
            if self.writing.is_none() {
                self.start();
            }
            done.extend(self.written().await?);
        }
        Ok(done)
    }
}
