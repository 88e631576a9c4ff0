//! Sync bookkeeping the engine drives: checkpoints (watermark + cursor), the
//! outbox (read in order, acknowledge with the change-counter rule, fail with
//! a reason), the mirror, recorded conflicts, quarantined records (one row
//! per record), and the status summary.

use casefile_domain::entity::Kind;
use casefile_domain::ids::{LocalId, RemoteId};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::edits::{OpId, OpKind};
use crate::error::{Result, StoreError};
use crate::record::table;

/// Where a resource's pull stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Checkpoint {
    pub resource: String,
    /// Newest server `updated_at` seen (RFC 3339), before any lookback.
    pub watermark: Option<String>,
    /// The next page's link while a walk is in progress; none when complete.
    pub cursor: Option<String>,
}

pub fn put_checkpoint(tx: &Transaction<'_>, cp: &Checkpoint, now: &str) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO checkpoints (resource, watermark, cursor, updated_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (resource) DO UPDATE SET watermark = excluded.watermark,
           cursor = excluded.cursor, updated_at = excluded.updated_at",
    )?
    .execute(params![cp.resource, cp.watermark, cp.cursor, now])?;
    Ok(())
}

pub fn get_checkpoint(conn: &Connection, resource: &str) -> Result<Option<Checkpoint>> {
    Ok(conn
        .prepare_cached("SELECT resource, watermark, cursor FROM checkpoints WHERE resource = ?1")?
        .query_row([resource], |r| {
            Ok(Checkpoint {
                resource: r.get(0)?,
                watermark: r.get(1)?,
                cursor: r.get(2)?,
            })
        })
        .optional()?)
}

/// A pending outbox operation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutboxOp {
    pub seq: i64,
    pub op_id: OpId,
    pub kind: Kind,
    pub record_id: LocalId,
    pub op: OpKind,
    /// The record as saved (creates and updates).
    pub payload: Option<serde_json::Value>,
    pub counter_snapshot: i64,
    pub failed: bool,
    pub attempts: i64,
    pub last_error: Option<String>,
}

/// Every pending operation, oldest first.
pub fn pending_ops(conn: &Connection) -> Result<Vec<OutboxOp>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, op_id, kind, record_id, op, payload, counter_snapshot, state, attempts, last_error
         FROM outbox ORDER BY seq",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, Option<String>>(5)?,
            r.get::<_, i64>(6)?,
            r.get::<_, String>(7)?,
            r.get::<_, i64>(8)?,
            r.get::<_, Option<String>>(9)?,
        ))
    })?;
    let mut ops = Vec::new();
    for row in rows {
        let (seq, op_id, kind, record_id, op, payload, snapshot, state, attempts, last_error) =
            row?;
        let bad = |what: &str| StoreError::Invalid(format!("outbox row {seq}: bad {what}"));
        ops.push(OutboxOp {
            seq,
            op_id: Uuid::parse_str(&op_id).map_err(|_| bad("op id"))?,
            kind: Kind::parse(&kind).ok_or_else(|| bad("kind"))?,
            record_id: LocalId::parse(&record_id).map_err(|_| bad("record id"))?,
            op: OpKind::parse(&op).ok_or_else(|| bad("op"))?,
            payload: payload.map(|p| serde_json::from_str(&p)).transpose()?,
            counter_snapshot: snapshot,
            failed: state == "failed",
            attempts,
            last_error,
        });
    }
    Ok(ops)
}

pub fn pending_count(conn: &Connection) -> Result<u64> {
    Ok(conn
        .query_row("SELECT count(*) FROM outbox", [], |r| r.get::<_, i64>(0))?
        .max(0) as u64)
}

/// The server confirmed `op`. Removes it, records the remote id a create got,
/// and lowers the row's change counter by the snapshot taken when the push
/// began, so edits made during the push stay pending (application-services'
/// rule). A confirmed delete removes the tombstone.
pub fn ack_op(
    tx: &Transaction<'_>,
    op_id: &OpId,
    counter_snapshot: i64,
    remote_id: Option<&RemoteId>,
) -> Result<()> {
    let row: Option<(String, String, String)> = tx
        .prepare_cached("SELECT kind, record_id, op FROM outbox WHERE op_id = ?1")?
        .query_row([op_id.to_string()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    let Some((kind, record_id, op)) = row else {
        return Err(StoreError::NotFound {
            kind: "outbox op",
            id: op_id.to_string(),
        });
    };
    let kind = Kind::parse(&kind).ok_or_else(|| StoreError::Invalid("outbox kind".into()))?;
    let table = table(kind);
    tx.prepare_cached("DELETE FROM outbox WHERE op_id = ?1")?
        .execute([op_id.to_string()])?;
    if op == "delete" {
        tx.prepare_cached(&format!(
            "DELETE FROM {table} WHERE id = ?1 AND deleted = 1"
        ))?
        .execute([&record_id])?;
        tx.prepare_cached("DELETE FROM links WHERE from_id = ?1")?
            .execute([&record_id])?;
        tx.prepare_cached("DELETE FROM mirror WHERE kind = ?1 AND id = ?2")?
            .execute(params![kind.as_str(), record_id])?;
        return Ok(());
    }
    if let Some(remote) = remote_id {
        tx.prepare_cached(&format!(
            "UPDATE {table} SET remote_id = ?2, data = json_set(data, '$.meta.remote_id', ?2) WHERE id = ?1"
        ))?
        .execute(params![record_id, remote.0])?;
    }
    tx.prepare_cached(&format!(
        "UPDATE {table} SET change_counter = max(change_counter - ?2, 0) WHERE id = ?1"
    ))?
    .execute(params![record_id, counter_snapshot])?;
    Ok(())
}

/// The server refused `op`: it stays pending, marked failed with the reason.
pub fn fail_op(tx: &Transaction<'_>, op_id: &OpId, reason: &str) -> Result<()> {
    let n = tx
        .prepare_cached(
            "UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = ?2 WHERE op_id = ?1",
        )?
        .execute(params![op_id.to_string(), reason])?;
    if n == 0 {
        return Err(StoreError::NotFound {
            kind: "outbox op",
            id: op_id.to_string(),
        });
    }
    Ok(())
}

/// The last server copy of a record (the merge base), as JSON: its mirror
/// row while it has edits pending, else the synced row itself (a clean row
/// is its own server copy; migration 7).
pub fn get_mirror(
    conn: &Connection,
    kind: Kind,
    id: &LocalId,
) -> Result<Option<serde_json::Value>> {
    let data: Option<String> = conn
        .prepare_cached(&format!(
            "SELECT data FROM mirror WHERE kind = ?1 AND id = ?2
             UNION ALL SELECT data FROM {} WHERE id = ?2 AND change_counter = 0 AND remote_id IS NOT NULL
             LIMIT 1",
            table(kind)
        ))?
        .query_row(params![kind.as_str(), id.to_string()], |r| r.get(0))
        .optional()?;
    Ok(data.map(|d| serde_json::from_str(&d)).transpose()?)
}

/// A field changed differently on both sides, waiting for the user.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Conflict {
    pub id: String,
    pub kind: Kind,
    pub record_id: LocalId,
    pub field: String,
    pub base: Option<serde_json::Value>,
    pub local: Option<serde_json::Value>,
    pub remote: Option<serde_json::Value>,
    pub created_at: String,
}

pub fn record_conflict(tx: &Transaction<'_>, c: &Conflict) -> Result<()> {
    let text = |v: &Option<serde_json::Value>| v.as_ref().map(|v| v.to_string());
    tx.prepare_cached(
        "INSERT INTO conflicts (id, kind, record_id, field, base, local, remote, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        c.id,
        c.kind.as_str(),
        c.record_id.to_string(),
        c.field,
        text(&c.base),
        text(&c.local),
        text(&c.remote),
        c.created_at
    ])?;
    Ok(())
}

pub fn open_conflicts(conn: &Connection) -> Result<Vec<Conflict>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, kind, record_id, field, base, local, remote, created_at FROM conflicts
         WHERE resolved_at IS NULL ORDER BY created_at, id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, Option<String>>(4)?,
            r.get::<_, Option<String>>(5)?,
            r.get::<_, Option<String>>(6)?,
            r.get::<_, String>(7)?,
        ))
    })?;
    let parse = |t: Option<String>| -> Result<Option<serde_json::Value>> {
        Ok(t.map(|t| serde_json::from_str(&t)).transpose()?)
    };
    let mut out = Vec::new();
    for row in rows {
        let (id, kind, record_id, field, base, local, remote, created_at) = row?;
        out.push(Conflict {
            id,
            kind: Kind::parse(&kind).ok_or_else(|| StoreError::Invalid("conflict kind".into()))?,
            record_id: LocalId::parse(&record_id)
                .map_err(|_| StoreError::Invalid("conflict record id".into()))?,
            field,
            base: parse(base)?,
            local: parse(local)?,
            remote: parse(remote)?,
            created_at,
        });
    }
    Ok(out)
}

/// Marks a conflict resolved with the user's choice (e.g. "local", "remote").
pub fn resolve_conflict(tx: &Transaction<'_>, id: &str, resolution: &str, now: &str) -> Result<()> {
    let n = tx
        .prepare_cached(
            "UPDATE conflicts SET resolved_at = ?2, resolution = ?3 WHERE id = ?1 AND resolved_at IS NULL",
        )?
        .execute(params![id, now, resolution])?;
    if n == 0 {
        return Err(StoreError::NotFound {
            kind: "conflict",
            id: id.to_owned(),
        });
    }
    Ok(())
}

/// A record the server sent that could not be applied, to set aside with
/// its page (see [`crate::Store::apply_page_with_quarantine`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuarantineEntry {
    /// The resource it came from (the kind's plural, e.g. "events").
    pub resource: String,
    /// The server's id for it, when the item has one.
    pub remote_id: Option<String>,
    /// The item as the server sent it.
    pub payload: serde_json::Value,
    /// Why it could not be applied, in plain words.
    pub reason: String,
}

/// The key that makes a quarantined record one row: `id:` and its remote id
/// when it has one, else `sha256:` and the hash (hex) of its payload as stored.
pub(crate) fn quarantine_key(remote_id: Option<&str>, payload: &str) -> String {
    match remote_id {
        Some(remote) => format!("id:{remote}"),
        None => format!("sha256:{}", hex::encode(Sha256::digest(payload.as_bytes()))),
    }
}

/// Sets a record aside that the server sent but could not be applied. One
/// row per (resource, record): setting the same record aside again (every
/// incremental pull re-reads a lookback) updates its payload, reason and time.
pub fn quarantine(
    tx: &Transaction<'_>,
    resource: &str,
    remote_id: Option<&str>,
    payload: &serde_json::Value,
    reason: &str,
    now: &str,
) -> Result<()> {
    let payload = payload.to_string();
    let key = quarantine_key(remote_id, &payload);
    tx.prepare_cached(
        "INSERT INTO quarantine (resource, record_key, remote_id, payload, reason, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (resource, record_key) DO UPDATE SET remote_id = excluded.remote_id,
           payload = excluded.payload, reason = excluded.reason, at = excluded.at",
    )?
    .execute(params![resource, key, remote_id, payload, reason, now])?;
    Ok(())
}

/// [`quarantine`] for each entry.
pub fn quarantine_all(tx: &Transaction<'_>, entries: &[QuarantineEntry], now: &str) -> Result<()> {
    entries.iter().try_for_each(|e| {
        quarantine(
            tx,
            &e.resource,
            e.remote_id.as_deref(),
            &e.payload,
            &e.reason,
            now,
        )
    })
}

/// Whether `resource` has anything quarantined (one index probe), so a page
/// need not look each of its rows up when it has not.
pub fn has_quarantined(tx: &Transaction<'_>, resource: &str) -> Result<bool> {
    Ok(tx
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM quarantine WHERE resource = ?1)")?
        .query_row([resource], |r| r.get(0))?)
}

/// A record with this remote id arrived in good shape: it leaves quarantine.
pub fn release_quarantined(tx: &Transaction<'_>, resource: &str, remote_id: &str) -> Result<()> {
    tx.prepare_cached("DELETE FROM quarantine WHERE resource = ?1 AND record_key = ?2")?
        .execute(params![resource, quarantine_key(Some(remote_id), "")])?;
    Ok(())
}

/// A quarantined record, as listed for the user.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quarantined {
    pub resource: String,
    pub remote_id: Option<String>,
    pub reason: String,
    /// When it was last set aside (RFC 3339).
    pub at: String,
}

/// Every quarantined record, newest first.
pub fn quarantined(conn: &Connection) -> Result<Vec<Quarantined>> {
    let mut stmt = conn.prepare_cached(
        "SELECT resource, remote_id, reason, at FROM quarantine ORDER BY at DESC, id DESC",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Quarantined {
            resource: r.get(0)?,
            remote_id: r.get(1)?,
            reason: r.get(2)?,
            at: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// How many records are quarantined.
pub fn quarantined_count(conn: &Connection) -> Result<u64> {
    Ok(conn
        .prepare_cached("SELECT count(*) FROM quarantine")?
        .query_row([], |r| r.get::<_, i64>(0))?
        .max(0) as u64)
}

/// What a status line shows, read at once (see [`summary`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct StoreSummary {
    /// Pending outbox operations, refused ones included ([`pending_count`]).
    pub pending: u64,
    /// Pending operations the server refused ([`OutboxOp::failed`]).
    pub refused: u64,
    /// Conflicts waiting for the user.
    pub conflicts: u64,
    /// Records set aside ([`quarantined_count`]).
    pub quarantined: u64,
    /// Cases not deleted.
    pub cases: u64,
}

/// The [`StoreSummary`] in one statement, so one snapshot; each count is
/// answered from an index (the cases' from a partial index of live rows).
pub fn summary(conn: &Connection) -> Result<StoreSummary> {
    let count = |r: &rusqlite::Row<'_>, i: usize| r.get::<_, i64>(i).map(|n| n.max(0) as u64);
    Ok(conn
        .prepare_cached(
            "SELECT (SELECT count(*) FROM outbox),
                    (SELECT count(*) FROM outbox WHERE state = 'failed'),
                    (SELECT count(*) FROM conflicts WHERE resolved_at IS NULL),
                    (SELECT count(*) FROM quarantine),
                    (SELECT count(*) FROM cases WHERE deleted = 0)",
        )?
        .query_row([], |r| {
            Ok(StoreSummary {
                pending: count(r, 0)?,
                refused: count(r, 1)?,
                conflicts: count(r, 2)?,
                quarantined: count(r, 3)?,
                cases: count(r, 4)?,
            })
        })?)
}

/// The firm's first active staff member (the lowest server id), the default
/// for a new record's staff; none until staff are cached.
pub fn default_staff(conn: &Connection) -> Result<Option<LocalId>> {
    let id: Option<String> = conn
        .prepare_cached(
            "SELECT id FROM staff WHERE deleted = 0 AND coalesce(json_extract(data, '$.active'), 1) ORDER BY CAST(remote_id AS INTEGER), id LIMIT 1",
        )?
        .query_row([], |r| r.get(0))
        .optional()?;
    id.map(|id| LocalId::parse(&id).map_err(|_| StoreError::Invalid("bad staff id".into())))
        .transpose()
}

/// The local id of the record with this remote id, if cached.
pub fn local_id_for(conn: &Connection, kind: Kind, remote: &RemoteId) -> Result<Option<LocalId>> {
    let id: Option<String> = conn
        .prepare_cached(&format!(
            "SELECT id FROM {} WHERE remote_id = ?1",
            table(kind)
        ))?
        .query_row([&remote.0], |r| r.get(0))
        .optional()?;
    id.map(|id| LocalId::parse(&id).map_err(|_| StoreError::Invalid("bad id".into())))
        .transpose()
}

/// The local id of a named record (stage, practice area, location, company).
pub fn local_id_by_name(conn: &Connection, kind: Kind, name: &str) -> Result<Option<LocalId>> {
    let id: Option<String> = conn
        .prepare_cached(&format!(
            "SELECT id FROM {} WHERE name = ?1 AND deleted = 0 ORDER BY id LIMIT 1",
            table(kind)
        ))?
        .query_row([name], |r| r.get(0))
        .optional()?;
    id.map(|id| LocalId::parse(&id).map_err(|_| StoreError::Invalid("bad id".into())))
        .transpose()
}
