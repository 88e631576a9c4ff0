//! What the push reads and writes (DESIGN invariants 1 and 5).
//!
//! The outbox is read as one plan item per record: however many edits a
//! record collected offline, the server receives its current state once,
//! and every op it covers is acknowledged together. The change-counter
//! snapshot is taken in the same transaction as the plan, so edits made
//! while the push is on the wire stay pending (application-services' rule).
//! An attempt is recorded before a request is sent, so after a crash or a
//! dropped response the engine knows a create may already exist remotely.

use std::collections::BTreeMap;

use casefile_domain::entity::Kind;
use casefile_domain::ids::{LocalId, RemoteId};
use rusqlite::{params, OptionalExtension, Transaction};
use serde::Serialize;
use serde_json::Value;

use crate::edits::OpId;
use crate::error::{Result, StoreError};
use crate::record::table;

/// What the server must be told about a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PushAction {
    Create,
    Update,
    Delete,
}

/// One record's pending change.
#[derive(Debug, Clone, PartialEq)]
pub struct PushItem {
    pub kind: Kind,
    pub record_id: LocalId,
    pub action: PushAction,
    /// The outbox ops this push settles.
    pub ops: Vec<OpId>,
    /// The record as it is now (creates and updates).
    pub record: Option<Value>,
    pub remote_id: Option<RemoteId>,
    pub counter_snapshot: i64,
    /// Attempts already made; above zero, a create may exist on the server.
    pub attempts: i64,
    /// Every op was refused before and nothing changed since: wait for an edit.
    pub refused: bool,
    /// Open conflicts on this record: wait for the user.
    pub conflicted: bool,
    pub last_error: Option<String>,
    /// Answered failures in a row since the record last changed (the
    /// fewest among its ops: an edit starts afresh).
    pub failures: i64,
    /// When the last of them happened (RFC 3339, this laptop's clock).
    pub failed_at: Option<String>,
}

struct OpRow {
    seq: i64,
    op_id: String,
    kind: String,
    record_id: String,
    failed: bool,
    attempts: i64,
    last_error: Option<String>,
    failures: i64,
    failed_at: Option<String>,
}

/// The push plan, oldest record first. Ops whose record is gone (created
/// and deleted before any push) are dropped here.
pub fn plan(tx: &Transaction<'_>) -> Result<Vec<PushItem>> {
    let rows: Vec<OpRow> = tx
        .prepare_cached(
            "SELECT seq, op_id, kind, record_id, state, attempts, last_error, failures, failed_at
             FROM outbox ORDER BY seq",
        )?
        .query_map([], |r| {
            Ok(OpRow {
                seq: r.get(0)?,
                op_id: r.get(1)?,
                kind: r.get(2)?,
                record_id: r.get(3)?,
                failed: r.get::<_, String>(4)? == "failed",
                attempts: r.get(5)?,
                last_error: r.get(6)?,
                failures: r.get(7)?,
                failed_at: r.get(8)?,
            })
        })?
        .collect::<std::result::Result<_, _>>()?;
    let mut groups: BTreeMap<(String, String), Vec<OpRow>> = BTreeMap::new();
    let mut order: Vec<(i64, (String, String))> = Vec::new();
    for row in rows {
        let key = (row.kind.clone(), row.record_id.clone());
        if !groups.contains_key(&key) {
            order.push((row.seq, key.clone()));
        }
        groups.entry(key).or_default().push(row);
    }
    order.sort();
    let mut plan = Vec::new();
    for (_, key) in order {
        let ops = groups.remove(&key).unwrap_or_default();
        let bad = |what: &str| StoreError::Invalid(format!("outbox: bad {what}"));
        let kind = Kind::parse(&key.0).ok_or_else(|| bad("kind"))?;
        let record_id = LocalId::parse(&key.1).map_err(|_| bad("record id"))?;
        let op_ids = ops
            .iter()
            .map(|o| uuid::Uuid::parse_str(&o.op_id).map_err(|_| bad("op id")))
            .collect::<Result<Vec<_>>>()?;
        let row: Option<(String, bool, Option<String>, i64)> = tx
            .prepare_cached(&format!(
                "SELECT data, deleted, remote_id, change_counter FROM {} WHERE id = ?1",
                table(kind)
            ))?
            .query_row([&key.1], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .optional()?;
        let Some((data, deleted, remote_id, counter)) = row else {
            drop_ops(tx, &op_ids)?;
            continue;
        };
        let action = match (deleted, &remote_id) {
            (true, None) => {
                // Deleted before it reached the server, unless a create may
                // have: then the next sync's settle decides (in_doubt.rs).
                if !crate::in_doubt::recorded(tx, kind, &key.1)? {
                    drop_ops(tx, &op_ids)?;
                }
                continue;
            }
            (true, Some(_)) => PushAction::Delete,
            // Still in doubt after the sync's settle: posting it again could
            // make a second record, so it waits until found or known absent.
            (false, None) if crate::in_doubt::recorded(tx, kind, &key.1)? => continue,
            (false, None) => PushAction::Create,
            (false, Some(_)) => PushAction::Update,
        };
        let conflicted: bool = tx
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM conflicts WHERE kind = ?1 AND record_id = ?2 AND resolved_at IS NULL)",
            )?
            .query_row(params![kind.as_str(), key.1], |r| r.get(0))?;
        plan.push(PushItem {
            kind,
            record_id,
            action,
            ops: op_ids,
            record: if deleted {
                None
            } else {
                Some(serde_json::from_str(&data)?)
            },
            remote_id: remote_id.map(RemoteId),
            counter_snapshot: counter,
            attempts: ops.iter().map(|o| o.attempts).max().unwrap_or(0),
            refused: ops.iter().all(|o| o.failed),
            conflicted,
            last_error: ops.iter().rev().find_map(|o| o.last_error.clone()),
            failures: ops.iter().map(|o| o.failures).min().unwrap_or(0),
            failed_at: ops.iter().filter_map(|o| o.failed_at.clone()).max(),
        });
    }
    Ok(plan)
}

fn drop_ops(tx: &Transaction<'_>, ops: &[OpId]) -> Result<()> {
    let mut stmt = tx.prepare_cached("DELETE FROM outbox WHERE op_id = ?1")?;
    for op in ops {
        stmt.execute([op.to_string()])?;
    }
    Ok(())
}

/// Records that a request for these ops is about to be sent.
pub fn begin_attempt(tx: &Transaction<'_>, ops: &[OpId]) -> Result<()> {
    let mut stmt =
        tx.prepare_cached("UPDATE outbox SET attempts = attempts + 1 WHERE op_id = ?1")?;
    for op in ops {
        stmt.execute([op.to_string()])?;
    }
    Ok(())
}

/// These ops' earlier attempts are known not to have reached the server.
pub fn clear_attempts(tx: &Transaction<'_>, ops: &[OpId]) -> Result<()> {
    let mut stmt = tx.prepare_cached("UPDATE outbox SET attempts = 0 WHERE op_id = ?1")?;
    for op in ops {
        stmt.execute([op.to_string()])?;
    }
    Ok(())
}

/// Answered failures in a row after which a change is shown as failing
/// and backs off (the sync crate's policy waits longer after each).
pub const FAILING_AFTER: i64 = 3;

/// How a push ended without success.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The server refused it: it stays pending, marked refused, until edited.
    Refused,
    /// Worth trying again later, and not this record's doing (offline,
    /// throttled, waiting for a parent).
    Transient,
    /// The server answered with an error of its own (a 5xx, an unreadable
    /// reply): tried again, but counted, so a record that always fails
    /// backs off and is shown as failing.
    Failing,
}

pub fn fail(
    tx: &Transaction<'_>,
    ops: &[OpId],
    failure: Failure,
    error: &str,
    now: &str,
) -> Result<()> {
    let (state, counted) = match failure {
        Failure::Refused => ("failed", false),
        Failure::Transient => ("pending", false),
        Failure::Failing => ("pending", true),
    };
    let mut stmt = tx.prepare_cached(
        "UPDATE outbox SET state = ?2, last_error = ?3,
           failures = failures + ?4, failed_at = CASE WHEN ?4 THEN ?5 ELSE failed_at END
         WHERE op_id = ?1",
    )?;
    for op in ops {
        stmt.execute(params![op.to_string(), state, error, counted, now])?;
    }
    Ok(())
}

/// The server confirmed a push. The ops are removed, a create's remote id
/// recorded, and the row's counter lowered by the snapshot. `server_copy`
/// (the record as the server now holds it) becomes the merge base, and the
/// row itself when no edit arrived meanwhile. A confirmed delete removes the
/// tombstone.
pub fn ack(
    tx: &Transaction<'_>,
    item: &PushItem,
    remote_id: Option<&RemoteId>,
    server_copy: Option<&Value>,
    now: &str,
) -> Result<()> {
    drop_ops(tx, &item.ops)?;
    let table = table(item.kind);
    let id = item.record_id.to_string();
    if item.action == PushAction::Create {
        crate::in_doubt::forget(tx, item.kind, &id)?;
    }
    if item.action == PushAction::Delete {
        tx.prepare_cached(&format!(
            "DELETE FROM {table} WHERE id = ?1 AND deleted = 1"
        ))?
        .execute([&id])?;
        tx.prepare_cached("DELETE FROM links WHERE from_id = ?1")?
            .execute([&id])?;
        tx.prepare_cached("DELETE FROM mirror WHERE kind = ?1 AND id = ?2")?
            .execute(params![item.kind.as_str(), id])?;
        return Ok(());
    }
    if let Some(remote) = remote_id {
        tx.prepare_cached(&format!(
            "UPDATE {table} SET remote_id = ?2, data = json_set(data, '$.meta.remote_id', ?2) WHERE id = ?1"
        ))?
        .execute(params![id, remote.0])?;
    }
    tx.prepare_cached(&format!(
        "UPDATE {table} SET change_counter = max(change_counter - ?2, 0) WHERE id = ?1"
    ))?
    .execute(params![id, item.counter_snapshot])?;
    if let Some(copy) = server_copy {
        let data = copy.to_string();
        let server_time = copy
            .pointer("/meta/server_updated_at")
            .and_then(Value::as_str);
        // With edits still pending the server copy is the new merge base;
        // a clean row becomes the server copy itself (migration 7).
        tx.prepare_cached(&format!(
            "INSERT INTO mirror (kind, id, data, server_updated_at)
             SELECT ?1, ?2, ?3, ?4 WHERE EXISTS (SELECT 1 FROM {table} WHERE id = ?2 AND change_counter > 0)
             ON CONFLICT (kind, id) DO UPDATE SET data = excluded.data,
               server_updated_at = excluded.server_updated_at"
        ))?
        .execute(params![item.kind.as_str(), id, data, server_time])?;
        tx.prepare_cached(&format!(
            "UPDATE {table} SET data = ?2, server_updated_at = ?3, local_updated_at = ?4
             WHERE id = ?1 AND change_counter = 0"
        ))?
        .execute(params![id, data, server_time, now])?;
    }
    Ok(())
}

/// Every synced record's remote id, for id-set reconciliation.
pub fn remote_ids(conn: &rusqlite::Connection, kind: Kind) -> Result<Vec<(LocalId, RemoteId)>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT id, remote_id FROM {} WHERE remote_id IS NOT NULL",
        table(kind)
    ))?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (id, remote) = row?;
        let id = LocalId::parse(&id).map_err(|_| StoreError::Invalid("bad id".into()))?;
        out.push((id, RemoteId(remote)));
    }
    Ok(out)
}

/// The remote id of a cached record.
pub fn remote_id_of(
    conn: &rusqlite::Connection,
    kind: Kind,
    id: &LocalId,
) -> Result<Option<RemoteId>> {
    let remote: Option<Option<String>> = conn
        .prepare_cached(&format!(
            "SELECT remote_id FROM {} WHERE id = ?1",
            table(kind)
        ))?
        .query_row([id.to_string()], |r| r.get(0))
        .optional()?;
    Ok(remote.flatten().map(RemoteId))
}
