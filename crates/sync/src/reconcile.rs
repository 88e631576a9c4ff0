//! Deletions: incremental lists never mention deleted records, so deletions
//! are found by id-set reconciliation. The full id list of a resource is walked
//! and every cached record the server no longer has is removed, unless it
//! has pending local edits: then the user is asked (a "deleted on server"
//! conflict). It runs periodically, not on every sync, because it reads
//! every page.

use std::collections::HashSet;

use casefile_domain::ids::LocalId;
use casefile_providers::{Pages, Provider};
use casefile_store::{for_kind, Entity, Store};

use crate::error::SyncError;
use crate::pull::Syncer;

/// How often the id sets are compared.
pub const RECONCILE_EVERY: chrono::Duration = chrono::Duration::hours(6);

/// The store setting holding the last reconciliation's time.
pub const RECONCILED_AT: &str = "reconciled_at";

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReconcileReport {
    pub removed: usize,
    /// Deleted on the server but edited here: recorded as conflicts.
    pub kept: usize,
    pub requests: u32,
}

/// Whether a reconciliation is due.
pub fn due(store: &Store) -> Result<bool, SyncError> {
    let last = store
        .meta_value(RECONCILED_AT)?
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(&t).ok());
    Ok(last.is_none_or(|t| chrono::Utc::now() - t.with_timezone(&chrono::Utc) > RECONCILE_EVERY))
}

pub fn mark_done(store: &Store) -> Result<(), SyncError> {
    store.set_meta_value(RECONCILED_AT.into(), chrono::Utc::now().to_rfc3339())?;
    Ok(())
}

pub async fn reconcile<P: Provider + 'static>(s: &Syncer<P>) -> Result<ReconcileReport, SyncError> {
    let mut report = ReconcileReport::default();
    for &kind in s.provider.pull_order() {
        let mut on_server = HashSet::new();
        let mut pages = Pages::new(&*s.provider, kind, None, None);
        let mut unreadable = 0;
        while let Some(page) = pages.next_page().await? {
            unreadable += page.rejected.len();
            on_server.extend(page.items.iter().filter_map(|i| s.provider.remote_id(i)));
        }
        report.requests += pages.requests();
        if unreadable > 0 {
            // An unreadable item's id is unknown: removing "missing" records
            // now could delete one the server still has.
            tracing::warn!(kind = kind.as_str(), unreadable, "id sets not compared");
            continue;
        }
        let gone: Vec<LocalId> = s
            .store
            .remote_ids(kind)?
            .into_iter()
            .filter(|(_, remote)| !on_server.contains(remote))
            .map(|(id, _)| id)
            .collect();
        if gone.is_empty() {
            continue;
        }
        let store = s.store.clone();
        let total = gone.len();
        let kept =
            tokio::task::spawn_blocking(move || for_kind!(kind, remove(&store, gone))).await??;
        tracing::info!(
            kind = kind.as_str(),
            removed = total - kept,
            kept,
            "server deletions applied"
        );
        report.removed += total - kept;
        report.kept += kept;
    }
    mark_done(&s.store)?;
    Ok(report)
}

fn remove<E: Entity>(store: &Store, ids: Vec<LocalId>) -> Result<usize, SyncError> {
    Ok(store.apply_remote_deletions::<E>(ids)?.len())
}
