//! Creates in doubt: a create was sent and its answer never came (a timeout,
//! a dropped connection, a killed process), so the server may hold it.
//!
//! What was sent is recorded in the attempt's own transaction
//! (`create_attempts`, migration 5): the body, the ops it carried and the
//! change counter then. The next sync looks the create up on the server by
//! that body, because the record may have been edited or deleted since; a
//! match is adopted for those ops only, so an edit made after the send stays
//! pending as an update and a delete as a delete. Nothing the user did while
//! the answer was lost is dropped, and nothing is posted twice.

use casefile_domain::entity::Kind;
use casefile_domain::ids::{LocalId, RemoteId};
use rusqlite::{params, OptionalExtension, Transaction};
use serde_json::Value;

use crate::edits::OpId;
use crate::error::{Result, StoreError};
use crate::push::{self, PushAction, PushItem};
use crate::record::table;

/// A create that may already be on the server.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateInDoubt {
    pub kind: Kind,
    pub record_id: LocalId,
    /// The body that was sent. `None` for an attempt recorded before
    /// migration 5, which kept no body: the caller encodes `record`.
    pub sent: Option<Value>,
    /// The record as it is now; `None` once deleted locally.
    pub record: Option<Value>,
    /// The ops the attempt carried, still pending.
    pub ops: Vec<OpId>,
    pub counter_snapshot: i64,
    /// When it was sent, by this laptop's clock (RFC 3339); `None` for an
    /// attempt recorded before migration 5.
    pub sent_at: Option<String>,
    /// The resource's watermark (the server's clock) when it was sent: the
    /// look-up reaches back to it. `None` when there was none yet, or for an
    /// attempt recorded before migration 8: then the look-up walks it all.
    pub server_since: Option<String>,
}

/// Records, with the attempt itself, what a create is about to send.
pub fn begin(tx: &Transaction<'_>, item: &PushItem, body: &Value, now: &str) -> Result<()> {
    push::begin_attempt(tx, &item.ops)?;
    let ops: Vec<String> = item.ops.iter().map(ToString::to_string).collect();
    // A second attempt keeps the first one's `server_since`: the first may
    // still land, and the look-up must reach back to it.
    tx.prepare_cached(
        "INSERT INTO create_attempts (kind, record_id, body, ops, counter_snapshot, sent_at, server_since)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6,
           (SELECT watermark FROM checkpoints WHERE resource = ?7))
         ON CONFLICT (kind, record_id) DO UPDATE SET body = excluded.body, ops = excluded.ops,
           counter_snapshot = excluded.counter_snapshot, sent_at = excluded.sent_at",
    )?
    .execute(params![
        item.kind.as_str(),
        item.record_id.to_string(),
        body.to_string(),
        serde_json::to_string(&ops)?,
        item.counter_snapshot,
        now,
        item.kind.plural()
    ])?;
    Ok(())
}

/// Whether a create of this record may be on the server.
pub fn recorded(tx: &Transaction<'_>, kind: Kind, id: &str) -> Result<bool> {
    Ok(tx
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM create_attempts WHERE kind = ?1 AND record_id = ?2)",
        )?
        .query_row(params![kind.as_str(), id], |r| r.get(0))?)
}

/// Forgets a record's attempt: answered, adopted, or known not to have landed.
pub fn forget(tx: &Transaction<'_>, kind: Kind, id: &str) -> Result<()> {
    tx.prepare_cached("DELETE FROM create_attempts WHERE kind = ?1 AND record_id = ?2")?
        .execute(params![kind.as_str(), id])?;
    Ok(())
}

/// Every create that may be on the server, oldest first.
pub fn list(tx: &Transaction<'_>) -> Result<Vec<CreateInDoubt>> {
    let records: Vec<(String, String)> = tx
        .prepare_cached(
            "SELECT kind, record_id FROM outbox WHERE attempts > 0
             GROUP BY kind, record_id ORDER BY min(seq)",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<std::result::Result<_, _>>()?;
    let bad = |what: &str| StoreError::Invalid(format!("create attempt: bad {what}"));
    let mut out = Vec::new();
    for (kind, id) in records {
        let kind = Kind::parse(&kind).ok_or_else(|| bad("kind"))?;
        let row: Option<(String, bool, Option<String>, i64)> = tx
            .prepare_cached(&format!(
                "SELECT data, deleted, remote_id, change_counter FROM {} WHERE id = ?1",
                table(kind)
            ))?
            .query_row([&id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .optional()?;
        let Some((data, deleted, None, counter)) = row else {
            continue; // gone, or already on the server (an update in flight)
        };
        let record = if deleted {
            None
        } else {
            Some(serde_json::from_str(&data)?)
        };
        let pending = pending_ops(tx, kind, &id)?;
        type Attempt = (String, String, i64, String, Option<String>);
        let attempt: Option<Attempt> = tx
            .prepare_cached(
                "SELECT body, ops, counter_snapshot, sent_at, server_since FROM create_attempts
                 WHERE kind = ?1 AND record_id = ?2",
            )?
            .query_row(params![kind.as_str(), id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .optional()?;
        let (sent, ops, counter_snapshot, sent_at, server_since) = match attempt {
            Some((body, ops, snapshot, sent_at, since)) => {
                let carried: Vec<String> = serde_json::from_str(&ops)?;
                let ops: Vec<OpId> = pending
                    .into_iter()
                    .filter(|op| carried.contains(&op.to_string()))
                    .collect();
                let body = serde_json::from_str(&body)?;
                (Some(body), ops, snapshot, Some(sent_at), since)
            }
            // Recorded before migration 5 kept bodies: a deleted one cannot
            // be looked up, and was dropped by the plan as before.
            None if deleted => continue,
            None => (None, pending, counter, None, None),
        };
        out.push(CreateInDoubt {
            kind,
            record_id: LocalId::parse(&id).map_err(|_| bad("record id"))?,
            sent,
            record,
            ops,
            counter_snapshot,
            sent_at,
            server_since,
        });
    }
    Ok(out)
}

fn pending_ops(tx: &Transaction<'_>, kind: Kind, id: &str) -> Result<Vec<OpId>> {
    let ids: Vec<String> = tx
        .prepare_cached("SELECT op_id FROM outbox WHERE kind = ?1 AND record_id = ?2 ORDER BY seq")?
        .query_map(params![kind.as_str(), id], |r| r.get(0))?
        .collect::<std::result::Result<_, _>>()?;
    ids.iter()
        .map(|op| {
            uuid::Uuid::parse_str(op).map_err(|_| StoreError::Invalid("outbox: bad op id".into()))
        })
        .collect()
}

/// The server holds the create: it answers the ops the attempt carried.
/// Edits made since stay pending as an update over the server's copy (the
/// new merge base); a local delete since goes out as a delete.
pub fn adopt(
    tx: &Transaction<'_>,
    doubt: &CreateInDoubt,
    remote: Option<&RemoteId>,
    server_copy: Option<&Value>,
    now: &str,
) -> Result<()> {
    let item = PushItem {
        kind: doubt.kind,
        record_id: doubt.record_id,
        action: PushAction::Create,
        ops: doubt.ops.clone(),
        record: doubt.record.clone(),
        remote_id: None,
        counter_snapshot: doubt.counter_snapshot,
        attempts: 1,
        refused: false,
        conflicted: false,
        last_error: None,
        failures: 0,
        failed_at: None,
    };
    push::ack(tx, &item, remote, server_copy, now)
}

/// The server answered a create without making it (a refusal, a throttled
/// or failed answer): it is not in doubt, and its ops stay as they are.
pub fn answered(tx: &Transaction<'_>, kind: Kind, id: &str, ops: &[OpId]) -> Result<()> {
    forget(tx, kind, id)?;
    push::clear_attempts(tx, ops)
}

/// Restarts a create's window from `now` (the laptop's clock went back
/// past the attempt, so its age cannot be told).
pub fn restart_window(tx: &Transaction<'_>, kind: Kind, id: &str, now: &str) -> Result<()> {
    tx.prepare_cached(
        "UPDATE create_attempts SET sent_at = ?3 WHERE kind = ?1 AND record_id = ?2",
    )?
    .execute(params![kind.as_str(), id, now])?;
    Ok(())
}

/// The create never reached the server: it will be sent again, as the record
/// is now; a record deleted meanwhile is dropped with its ops.
pub fn not_sent(tx: &Transaction<'_>, doubt: &CreateInDoubt) -> Result<()> {
    let id = doubt.record_id.to_string();
    forget(tx, doubt.kind, &id)?;
    if doubt.record.is_none() {
        tx.prepare_cached("DELETE FROM outbox WHERE kind = ?1 AND record_id = ?2")?
            .execute(params![doubt.kind.as_str(), id])?;
        tx.prepare_cached(&format!(
            "DELETE FROM {} WHERE id = ?1 AND deleted = 1 AND remote_id IS NULL",
            table(doubt.kind)
        ))?
        .execute([&id])?;
        return Ok(());
    }
    push::clear_attempts(tx, &doubt.ops)
}
