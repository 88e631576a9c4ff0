//! The push: the outbox replayed to the provider (DESIGN invariants 1, 4, 5).
//!
//! - **Order.** Creates, then updates, then deletes; creates and updates
//!   parents first (the provider's pull order), deletes children first.
//! - **Creates are retry-safe.** An attempt is recorded before the request
//!   is sent. If an earlier attempt may have reached the server (a timeout,
//!   a dropped answer, a crash), the server is searched for the record
//!   before posting again ([`settle_in_doubt`], run before the pull, and
//!   once more after a short grace for a request still in flight), and a
//!   match is adopted instead of duplicated.
//! - **Updates.** The resource is re-read (an incremental pull, which
//!   rebases changed rows with the 3-way merge) right before its updates are
//!   sent; a record with an open conflict waits for the user. After the
//!   push the touched resources are read again, because MyCase answers a
//!   PUT with 204 and no body.
//! - **Deletes.** "Not found" means done.
//! - **Failures.** A refusal stays pending with its classified error until
//!   the record is edited again; a transient failure is tried on the next
//!   sync. Going offline stops the push; nothing is lost.

use std::collections::BTreeSet;

use casefile_domain::entity::Kind;
use casefile_domain::ids::RemoteId;
use casefile_providers::{Provider, ProviderError};
use casefile_store::{Failure, PushAction, PushItem};
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::Value;

use crate::error::SyncError;
use crate::pull::{decode_json, json_record, pull, resource_name, Syncer, LOOKBACK};
use crate::resolver::StoreRefs;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PushReport {
    pub created: usize,
    /// Creates found already on the server (an earlier answer was lost).
    pub adopted: usize,
    pub updated: usize,
    pub deleted: usize,
    pub refused: usize,
    /// Waiting: a conflict, a refusal not yet edited, or a parent not yet pushed.
    pub waiting: usize,
    pub transient: usize,
    /// Kinds written, to be read again.
    pub touched: BTreeSet<Kind>,
}

fn rank(order: &[Kind], item: &PushItem) -> (u8, isize) {
    let pos = order
        .iter()
        .position(|k| *k == item.kind)
        .unwrap_or(order.len()) as isize;
    match item.action {
        PushAction::Create => (0, pos),
        PushAction::Update => (1, pos),
        PushAction::Delete => (2, -pos),
    }
}

/// Pushes every pending change the provider can take.
pub async fn push<P: Provider + 'static>(s: &Syncer<P>) -> Result<PushReport, SyncError> {
    let mut report = PushReport::default();
    // Re-read every resource about to be updated: a changed server copy is
    // merged (or its conflict recorded) before anything is written over it.
    let mut stale: Vec<Kind> = s
        .store
        .push_plan()?
        .iter()
        .filter(|i| i.action == PushAction::Update && !i.conflicted && !i.refused)
        .map(|i| i.kind)
        .filter(|k| s.provider.writes(*k))
        .collect();
    stale.sort();
    stale.dedup();
    if !stale.is_empty() {
        pull(s, &stale, &|_, _| {}).await?;
    }
    let mut plan = s.store.push_plan()?;
    let order = s.provider.pull_order();
    plan.sort_by_key(|item| rank(order, item));
    for item in plan {
        if item.conflicted || item.refused {
            report.waiting += 1;
            continue;
        }
        if !s.provider.writes(item.kind) {
            s.store.fail_push(
                item.ops.clone(),
                Failure::Refused,
                format!(
                    "unsupported: this provider does not accept {} changes",
                    item.kind.as_str()
                ),
            )?;
            report.refused += 1;
            continue;
        }
        if push_one(s, item, &mut report).await? {
            break;
        }
    }
    Ok(report)
}

/// Pushes one record. Returns true when the connection is gone and the
/// push should stop.
async fn push_one<P: Provider + 'static>(
    s: &Syncer<P>,
    item: PushItem,
    report: &mut PushReport,
) -> Result<bool, SyncError> {
    let kind = item.kind;
    let result = match item.action {
        PushAction::Delete => match &item.remote_id {
            Some(remote) => {
                s.store.begin_attempt(item.ops.clone())?;
                s.provider.delete(kind, remote).await.map(|_| {
                    report.deleted += 1;
                    (None, None)
                })
            }
            None => Ok((None, None)),
        },
        PushAction::Create | PushAction::Update => {
            let Some(json) = item.record.clone() else {
                return Ok(false);
            };
            let Some(record) = json_record(kind, json.clone()) else {
                s.store.fail_push(
                    item.ops.clone(),
                    Failure::Refused,
                    "invalid: the saved record could not be read".into(),
                )?;
                report.refused += 1;
                return Ok(false);
            };
            let body = match s.provider.encode(&record, &StoreRefs(&s.store)) {
                Ok(body) => body,
                Err(e) if e.0.contains("has not reached the server yet") => {
                    s.store.fail_push(
                        item.ops.clone(),
                        Failure::Transient,
                        format!("waiting: {e}"),
                    )?;
                    report.waiting += 1;
                    return Ok(false);
                }
                Err(e) => {
                    s.store.fail_push(
                        item.ops.clone(),
                        Failure::Refused,
                        format!("rejected: {e}"),
                    )?;
                    report.refused += 1;
                    return Ok(false);
                }
            };
            if item.action == PushAction::Create {
                create(s, &item, &body, report).await
            } else {
                let remote = item.remote_id.clone().unwrap_or(RemoteId(String::new()));
                s.store.begin_attempt(item.ops.clone())?;
                s.provider.update(kind, &remote, &body).await.map(|_| {
                    report.updated += 1;
                    (None, Some(json))
                })
            }
        }
    };
    match result {
        Ok((remote_id, copy)) => {
            report.touched.insert(kind);
            s.store.ack_push(item, remote_id, copy)?;
            Ok(false)
        }
        Err(ProviderError::NotFound) if item.action == PushAction::Update => {
            // Deleted on the server meanwhile: the reconciliation settles it.
            s.store.fail_push(
                item.ops,
                Failure::Transient,
                "not_found: the record is gone from the server".into(),
            )?;
            report.transient += 1;
            Ok(false)
        }
        Err(e @ ProviderError::Validation { .. }) => {
            tracing::info!(kind = kind.as_str(), error = %e, "the server refused a change");
            s.store
                .fail_push(item.ops, Failure::Refused, format!("{}: {e}", e.code()))?;
            report.refused += 1;
            Ok(false)
        }
        Err(
            e @ (ProviderError::SignInRequired
            | ProviderError::Unauthorized
            | ProviderError::Secrets(_)),
        ) => Err(e.into()),
        Err(e) => {
            s.store
                .fail_push(item.ops, Failure::Transient, format!("{}: {e}", e.code()))?;
            report.transient += 1;
            // Offline or the server is struggling: stop, try the rest next time.
            Ok(matches!(
                e,
                ProviderError::Network(_)
                    | ProviderError::Throttled { .. }
                    | ProviderError::Server(_)
            ))
        }
    }
}

type Pushed = (Option<RemoteId>, Option<Value>);

/// A create: the attempt is recorded before the request leaves.
async fn create<P: Provider + 'static>(
    s: &Syncer<P>,
    item: &PushItem,
    body: &Value,
    report: &mut PushReport,
) -> Result<Pushed, ProviderError> {
    s.store
        .begin_attempt(item.ops.clone())
        .map_err(|e| ProviderError::Decode(format!("cache: {e}")))?;
    let created = s.provider.create(item.kind, body).await?;
    report.created += 1;
    Ok(server_copy(s, item, &created))
}

/// Settles creates that may already be on the server (an earlier attempt
/// timed out, lost its answer, or the process died): each is looked for on
/// the server and adopted if found, or marked as not sent. It runs BEFORE
/// the pull, which would otherwise bring the server's copy in as a second
/// record. Returns how many were adopted.
pub async fn settle_in_doubt<P: Provider + 'static>(s: &Syncer<P>) -> Result<usize, SyncError> {
    let in_doubt: Vec<PushItem> = s
        .store
        .push_plan()?
        .into_iter()
        .filter(|i| i.action == PushAction::Create && i.attempts > 0 && s.provider.writes(i.kind))
        .collect();
    let mut adopted = 0;
    let mut not_found = Vec::new();
    for item in in_doubt {
        let Some(record) = item.record.clone().and_then(|j| json_record(item.kind, j)) else {
            continue;
        };
        let Ok(body) = s.provider.encode(&record, &StoreRefs(&s.store)) else {
            continue;
        };
        match find_created(s, item.kind, &body).await? {
            Some(found) => adopted += adopt(s, item, &found)?,
            None => not_found.push((item, body)),
        }
    }
    if not_found.is_empty() {
        return Ok(adopted);
    }
    // A request a crashed process left in flight may still be landing: look
    // once more after a moment before concluding it never arrived.
    tokio::time::sleep(IN_FLIGHT_GRACE).await;
    for (item, body) in not_found {
        match find_created(s, item.kind, &body).await? {
            Some(found) => adopted += adopt(s, item, &found)?,
            None => s.store.clear_attempts(item.ops)?,
        }
    }
    Ok(adopted)
}

/// How long a create in doubt gets to land before it is sent again.
const IN_FLIGHT_GRACE: std::time::Duration = std::time::Duration::from_secs(2);

/// Takes the server's record as the answer to our create.
fn adopt<P: Provider + 'static>(
    s: &Syncer<P>,
    item: PushItem,
    found: &Value,
) -> Result<usize, SyncError> {
    tracing::info!(
        kind = item.kind.as_str(),
        "an earlier create had reached the server; adopting it"
    );
    let (remote, copy) = server_copy(s, &item, found);
    s.store.ack_push(item, remote, copy)?;
    Ok(1)
}

/// The remote id and cache JSON of a server item answering our create.
fn server_copy<P: Provider>(s: &Syncer<P>, item: &PushItem, found: &Value) -> Pushed {
    let remote = s.provider.remote_id(found);
    let copy = decode_json(&s.store, &*s.provider, s.zone, item.kind, found).map(|mut v| {
        v["meta"]["id"] = Value::String(item.record_id.to_string());
        v
    });
    (remote, copy)
}

/// Looks on the server for a record matching a create we may have sent,
/// among records changed since the watermark and not yet known here.
async fn find_created<P: Provider + 'static>(
    s: &Syncer<P>,
    kind: Kind,
    body: &Value,
) -> Result<Option<Value>, SyncError> {
    let after = s
        .store
        .checkpoint(resource_name(kind))
        .ok()
        .flatten()
        .and_then(|c| c.watermark)
        .and_then(|w| DateTime::parse_from_rfc3339(&w).ok())
        .map(|w| (w.with_timezone(&Utc) - LOOKBACK).to_rfc3339_opts(SecondsFormat::Secs, true));
    let mut cursor: Option<String> = None;
    loop {
        let page = s
            .provider
            .list_page(kind, after.as_deref(), cursor.as_deref())
            .await?;
        for found in &page.items {
            let known = s
                .provider
                .remote_id(found)
                .and_then(|r| s.store.local_id_for(kind, &r).ok().flatten())
                .is_some();
            if !known && s.provider.same_record(kind, body, found) {
                return Ok(Some(found.clone()));
            }
        }
        match page.next {
            Some(next) => cursor = Some(next),
            None => return Ok(None),
        }
    }
}
