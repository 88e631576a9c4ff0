//! A case's documents from a provider that lists them one case at a time
//! (`capabilities.documents_per_case`: LegalServer has no list across
//! matters, so the sync cannot bring them). The core asks when a case is
//! opened online, for pinned cases after each sync, and after an upload;
//! the listing is written as a server page would be (unreadable items set
//! aside, not dropped), and since it is the case's whole list, a document
//! it no longer holds was deleted on the server and goes here too.

use std::collections::HashSet;
use std::sync::Arc;

use casefile_domain::entity::{Document, Kind};
use casefile_domain::ids::LocalId;
use casefile_providers::provider::Context;
use casefile_providers::Provider;
use casefile_store::{Entity, QuarantineEntry, Store};
use chrono_tz::Tz;
use serde_json::Value;

use crate::error::SyncError;
use crate::resolver::StoreResolver;

/// What applying one case's listing did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListedReport {
    pub applied: usize,
    pub quarantined: usize,
    /// Gone from the server's list, removed here.
    pub removed: usize,
}

/// Writes `items`, the server's whole list of `case`'s documents.
pub async fn apply<P: Provider>(
    store: &Arc<Store>,
    provider: &P,
    zone: Tz,
    case: &LocalId,
    items: Vec<Value>,
) -> Result<ListedReport, SyncError> {
    let account = store.account().clone();
    let (rows, set_aside, listed) = {
        let resolver = StoreResolver::new(store);
        let ctx = Context {
            account: &account,
            resolve: &resolver,
            zone,
        };
        let mut rows: Vec<Document> = Vec::new();
        let mut set_aside = Vec::new();
        let mut listed = HashSet::new();
        for item in &items {
            let remote = provider.remote_id(item);
            if let Some(r) = &remote {
                listed.insert(r.clone());
            }
            let decoded = provider
                .decode(Kind::Document, item, &ctx)
                .ok()
                .and_then(Document::from_record)
                .filter(|d| d.case == *case);
            match decoded {
                Some(row) => rows.push(row),
                None => set_aside.push(QuarantineEntry {
                    resource: Kind::Document.plural().to_owned(),
                    remote_id: remote.map(|r| r.0),
                    payload: item.clone(),
                    reason: "a listed document could not be read".into(),
                }),
            }
        }
        (rows, set_aside, listed)
    };
    let mut report = ListedReport {
        applied: rows.len(),
        quarantined: set_aside.len(),
        removed: 0,
    };
    let store = store.clone();
    let case = case.to_string();
    let unreadable = !set_aside.is_empty();
    report.removed = tokio::task::spawn_blocking(move || {
        store.apply_page_with_quarantine(rows, set_aside, None)?;
        if unreadable {
            // An unreadable item's id may be unknown: removing "missing"
            // documents now could delete one the server still has.
            return Ok::<_, SyncError>(0);
        }
        let mut gone = Vec::new();
        for d in store.case_document_listing(&case)? {
            let Ok(id) = LocalId::parse(&d.id) else {
                continue;
            };
            if let Some(remote) = store.remote_id_of(Kind::Document, &id)? {
                if !listed.contains(&remote) {
                    gone.push(id);
                }
            }
        }
        let total = gone.len();
        let kept = store.apply_remote_deletions::<Document>(gone)?.len();
        Ok(total - kept)
    })
    .await??;
    if report.quarantined > 0 {
        tracing::warn!(
            quarantined = report.quarantined,
            "listed documents set aside as unreadable"
        );
    }
    Ok(report)
}
