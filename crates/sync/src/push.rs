//! The push: the outbox replayed to the provider (DESIGN invariants 1, 4, 5).
//!
//! - **Order.** Creates, then updates, then deletes; creates and updates
//!   parents first (the provider's pull order), deletes children first.
//! - **Creates are retry-safe.** An attempt is recorded before the request
//!   is sent. If an earlier attempt may have reached the server (a timeout,
//!   a dropped answer, a crash), the provider looks for the record its own
//!   way ([`casefile_providers::Provider::find_created`]) before anything is
//!   posted again ([`crate::in_doubt`], which the engine runs once at the
//!   start of a sync), and a match is adopted instead of duplicated. A
//!   create that failed with an answer saying it was not made is not in
//!   doubt ([`ProviderError::may_have_landed`]).
//! - **Updates** run right after the sync's pull, which rebased changed
//!   rows with the 3-way merge; a record with an open conflict waits for
//!   the user. An update whose answer carries the server's copy is bound to
//!   it; otherwise its resource is read again after the push.
//! - **Deletes.** "Not found" means done.
//! - **Decisions** are [`crate::policy`]'s: what to do with each change
//!   ([`crate::policy::plan_outgoing`]) and with each failure
//!   ([`crate::policy::disposition`]). A refusal stays pending with its
//!   classified error until the record is edited again; a transient failure
//!   is tried on the next sync; going offline stops the push. Nothing is
//!   lost.

use std::collections::BTreeSet;

use casefile_domain::entity::Kind;
use casefile_domain::ids::{LocalId, RemoteId};
use casefile_providers::{Provider, ProviderError};
use casefile_store::{Failure, PushAction, PushItem};
use serde_json::Value;

use crate::error::SyncError;
use crate::policy::{self, Backoff, Disposition, Outgoing, OutgoingFacts};
use crate::pull::{decode_json, json_record, Syncer};
use crate::resolver::StoreRefs;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PushReport {
    pub created: usize,
    /// Creates found already on the server (an earlier answer was lost).
    pub adopted: usize,
    /// Creates whose answers were lost, not found yet, not sent again.
    pub checking: usize,
    /// Answered with an error of the server's own (counted per record).
    pub failing: usize,
    /// Not sent: the server failed them several times in a row, and their
    /// backoff has not passed.
    pub backing_off: usize,
    pub updated: usize,
    pub deleted: usize,
    pub refused: usize,
    /// Waiting: a conflict, a refusal not yet edited, or a parent not yet pushed.
    pub waiting: usize,
    pub transient: usize,
    /// Kinds written whose server copies were not returned, to be read again.
    pub touched: BTreeSet<Kind>,
    /// Kinds whose changes wait for a plan the firm lacks (a 402).
    pub held: Vec<Held>,
}

/// Changes of one kind that wait for a plan the firm's subscription lacks:
/// the account's answer to the first of them this sync. They stay pending.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Held {
    pub kind: Kind,
    /// What they need, in the provider's words (the name of its paid plan).
    pub plan: String,
    /// How many changes of the kind wait for it.
    pub changes: usize,
}

/// What the push does after one record.
enum After {
    Next,
    /// The connection is gone or the server struggles: stop the push.
    Stop,
    /// The firm's plan lacks writes of this kind: hold the rest of it.
    Hold(String),
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

/// Pushes every pending change the provider can take. It expects the
/// sync's pull to have just run, so every update is sent over the latest
/// server copy.
pub async fn push<P: Provider + 'static>(
    s: &Syncer<P>,
    backoff: Backoff,
) -> Result<PushReport, SyncError> {
    let mut report = PushReport::default();
    let mut plan = s.store.push_plan()?;
    let order = s.provider.pull_order();
    plan.sort_by_key(|item| rank(order, item));
    let now = chrono::Utc::now();
    // Answered failures in a row: a few mean the server, not one record.
    let mut failing_in_a_row = 0;
    for item in plan {
        if let Some(held) = report.held.iter_mut().find(|h| h.kind == item.kind) {
            // One answer per kind and sync: the rest waits, untouched.
            held.changes += 1;
            continue;
        }
        if backing_off(&item, backoff, now) {
            report.backing_off += 1;
            continue;
        }
        let facts = OutgoingFacts {
            action: item.action,
            on_server: item.remote_id.is_some(),
            conflicted: item.conflicted,
            refused: item.refused,
        };
        match policy::plan_outgoing(facts, item.kind, s.provider.capabilities()) {
            Outgoing::Wait => report.waiting += 1,
            Outgoing::Refuse(reason) => {
                s.store
                    .fail_push(item.ops.clone(), Failure::Refused, reason)?;
                report.refused += 1;
            }
            Outgoing::Settle => s.store.ack_push(item, None, None)?,
            Outgoing::Send => {
                let before = report.failing;
                let kind = item.kind;
                match push_one(s, item, &mut report).await? {
                    After::Next => {}
                    After::Stop => break,
                    After::Hold(plan) => {
                        tracing::info!(
                            kind = kind.as_str(),
                            "the firm's plan does not include these changes; they wait"
                        );
                        report.held.push(Held {
                            kind,
                            plan,
                            changes: 1,
                        });
                    }
                }
                failing_in_a_row = if report.failing > before {
                    failing_in_a_row + 1
                } else {
                    0
                };
                if failing_in_a_row >= policy::SERVER_FAILING_AFTER {
                    tracing::info!(
                        "the server keeps answering with errors; the rest waits for the next sync"
                    );
                    break;
                }
            }
        }
    }
    Ok(report)
}

/// Whether a change the server keeps failing is still waiting out its backoff.
fn backing_off(item: &PushItem, backoff: Backoff, now: chrono::DateTime<chrono::Utc>) -> bool {
    let wait = backoff.wait(item.failures);
    if wait.is_zero() {
        return false;
    }
    let Some(last) = item.failed_at.as_deref().and_then(crate::pull::parse_time) else {
        return false;
    };
    // A clock set back past the failure does not hold the change for longer.
    now >= last && now - last < chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::MAX)
}

type Pushed = (Option<RemoteId>, Option<Value>);

/// Pushes one record, and says what the push does next.
async fn push_one<P: Provider + 'static>(
    s: &Syncer<P>,
    item: PushItem,
    report: &mut PushReport,
) -> Result<After, SyncError> {
    let kind = item.kind;
    let result: Result<Pushed, ProviderError> = match item.action {
        PushAction::Delete => {
            let remote = item.remote_id.clone().unwrap_or(RemoteId(String::new()));
            s.store.begin_attempt(item.ops.clone())?;
            let sent = s.provider.delete(kind, &remote).await;
            if sent.is_ok() {
                report.deleted += 1;
                report.touched.insert(kind);
            }
            sent.map(|()| (None, None))
        }
        PushAction::Create | PushAction::Update => {
            let Some(json) = item.record.clone() else {
                return Ok(After::Next);
            };
            let Some(record) = json_record(kind, json.clone()) else {
                s.store.fail_push(
                    item.ops.clone(),
                    Failure::Refused,
                    "invalid: the saved record could not be read".into(),
                )?;
                report.refused += 1;
                return Ok(After::Next);
            };
            let refs = StoreRefs(&s.store);
            let encoded = if item.action == PushAction::Create {
                s.provider.encode(&record, &refs)
            } else {
                let base = s
                    .store
                    .mirror(kind, &item.record_id)?
                    .and_then(|m| json_record(kind, m));
                s.provider.encode_update(&record, base.as_ref(), &refs)
            };
            let body = match encoded {
                Ok(body) => body,
                Err(e) => {
                    let (failure, label) = match policy::encode_disposition(&e) {
                        Disposition::Retry => {
                            report.waiting += 1;
                            (Failure::Transient, "waiting")
                        }
                        _ => {
                            report.refused += 1;
                            (Failure::Refused, "rejected")
                        }
                    };
                    s.store
                        .fail_push(item.ops.clone(), failure, format!("{label}: {e}"))?;
                    return Ok(After::Next);
                }
            };
            if item.action == PushAction::Create {
                s.store.begin_create(&item, &body)?;
                let created = s.provider.create(kind, &body).await;
                created.map(|found| {
                    report.created += 1;
                    server_copy(s, item.kind, item.record_id, &found)
                })
            } else {
                s.store.begin_attempt(item.ops.clone())?;
                let remote = item.remote_id.clone().unwrap_or(RemoteId(String::new()));
                let updated = s.provider.update(kind, &remote, &body).await;
                updated.map(|answer| {
                    report.updated += 1;
                    match answer {
                        Some(found) => server_copy(s, item.kind, item.record_id, &found),
                        None => {
                            report.touched.insert(kind);
                            (None, Some(json))
                        }
                    }
                })
            }
        }
    };
    let error = match result {
        Ok((remote_id, copy)) => {
            if item.action == PushAction::Create && copy.is_none() {
                report.touched.insert(kind);
            }
            s.store.ack_push(item, remote_id, copy)?;
            return Ok(After::Next);
        }
        Err(e) => e,
    };
    if item.action == PushAction::Create && !error.may_have_landed() {
        // The server answered without making it: nothing to look for.
        s.store
            .create_answered(kind, item.record_id, item.ops.clone())?;
    }
    match policy::disposition(&error) {
        Disposition::Refuse => {
            tracing::info!(kind = kind.as_str(), code = %error.class(), "the server refused a change");
            s.store.fail_push(
                item.ops,
                Failure::Refused,
                format!("{}: {error}", error.code()),
            )?;
            report.refused += 1;
            Ok(After::Next)
        }
        Disposition::Abort => Err(error.into()),
        Disposition::Hold => {
            let plan = match &error {
                ProviderError::PlanRequired { plan } => plan.clone(),
                other => other.to_string(),
            };
            s.store.fail_push(
                item.ops,
                Failure::Transient,
                format!("{}: {error}", error.code()),
            )?;
            Ok(After::Hold(plan))
        }
        disposition @ (Disposition::Retry | Disposition::RetryLater) => {
            let message = match error {
                ProviderError::NotFound if item.action == PushAction::Update => {
                    // Deleted on the server meanwhile: the reconciliation settles it.
                    "not_found: the record is gone from the server".to_owned()
                }
                ref e => format!("{}: {e}", e.code()),
            };
            let failure = if policy::counts_against_record(&error) {
                report.failing += 1;
                Failure::Failing
            } else {
                Failure::Transient
            };
            s.store.fail_push(item.ops, failure, message)?;
            report.transient += 1;
            Ok(if disposition == Disposition::RetryLater {
                After::Stop
            } else {
                After::Next
            })
        }
    }
}

/// The remote id and cache JSON of a server item answering our push.
pub(crate) fn server_copy<P: Provider>(
    s: &Syncer<P>,
    kind: Kind,
    id: LocalId,
    found: &Value,
) -> Pushed {
    let remote = s.provider.remote_id(found);
    let copy = decode_json(&s.store, &*s.provider, s.zone, kind, found).map(|mut v| {
        v["meta"]["id"] = Value::String(id.to_string());
        v
    });
    (remote, copy)
}
