//! A user's edit (DESIGN invariant 1): ONE transaction updates the row, bumps
//! its change counter and appends the outbox entry (and the activity log).
//! Only after it commits is the edit confirmed to the UI.

use casefile_domain::entity::Kind;
use casefile_domain::ids::{AccountId, LocalId};
use rusqlite::{params, OptionalExtension, Transaction};
use uuid::Uuid;

use crate::activity::log_activity;
use crate::error::{Result, StoreError};
use crate::record::{find_existing, table, write_row, Entity};

/// The kind of a pending operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OpKind {
    Create,
    Update,
    Delete,
}

impl OpKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OpKind::Create => "create",
            OpKind::Update => "update",
            OpKind::Delete => "delete",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "create" => Some(OpKind::Create),
            "update" => Some(OpKind::Update),
            "delete" => Some(OpKind::Delete),
            _ => None,
        }
    }
}

/// The stable id of an outbox operation (also sent as the create's client op id).
pub type OpId = Uuid;

/// Saves a local create or update of `record`; returns the outbox op id.
pub fn save_local<E: Entity>(
    tx: &Transaction<'_>,
    account: &AccountId,
    record: &E,
    summary: &str,
    now: &str,
) -> Result<OpId> {
    let existing = find_existing(tx, E::KIND, record.meta())?;
    let (op, counter) = match &existing {
        Some(e) if e.id != record.meta().id => {
            return Err(StoreError::Invalid(
                "the record's remote id belongs to another local record".into(),
            ))
        }
        Some(e) => (OpKind::Update, e.change_counter + 1),
        None => (OpKind::Create, 1),
    };
    // A record created locally and never pushed stays a create.
    let op = if op == OpKind::Update && record.meta().remote_id.is_none() {
        OpKind::Create
    } else {
        op
    };
    write_row(tx, record, counter, false, now)?;
    let payload = serde_json::to_string(record)?;
    let op_id = append_outbox(
        tx,
        E::KIND,
        &record.meta().id,
        op,
        Some(&payload),
        counter,
        now,
    )?;
    log_activity(
        tx,
        account,
        E::KIND,
        &record.meta().id,
        op.as_str(),
        summary,
        now,
    )?;
    Ok(op_id)
}

/// Tombstones a record locally and queues its delete; returns the op id.
pub fn delete_local(
    tx: &Transaction<'_>,
    account: &AccountId,
    kind: Kind,
    id: &LocalId,
    summary: &str,
    now: &str,
) -> Result<OpId> {
    let table = table(kind);
    let row: Option<(i64, Option<String>)> = tx
        .prepare_cached(&format!(
            "SELECT change_counter, remote_id FROM {table} WHERE id = ?1 AND deleted = 0"
        ))?
        .query_row([id.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((counter, remote_id)) = row else {
        return Err(StoreError::NotFound {
            kind: kind.as_str(),
            id: id.to_string(),
        });
    };
    let counter = counter + 1;
    tx.prepare_cached(&format!(
        "UPDATE {table} SET deleted = 1, change_counter = ?2, local_updated_at = ?3 WHERE id = ?1"
    ))?
    .execute(params![id.to_string(), counter, now])?;
    let op_id = if remote_id.is_none() && !crate::in_doubt::recorded(tx, kind, &id.to_string())? {
        // Never reached the server: drop its pending create instead of queueing a delete.
        // (One whose create may have is kept as a tombstone with a delete
        // queued, for the next sync to settle: in_doubt.rs.)
        tx.prepare_cached("DELETE FROM outbox WHERE kind = ?1 AND record_id = ?2")?
            .execute(params![kind.as_str(), id.to_string()])?;
        tx.prepare_cached(&format!("DELETE FROM {table} WHERE id = ?1"))?
            .execute([id.to_string()])?;
        Uuid::now_v7()
    } else {
        append_outbox(tx, kind, id, OpKind::Delete, None, counter, now)?
    };
    log_activity(tx, account, kind, id, "delete", summary, now)?;
    Ok(op_id)
}

fn append_outbox(
    tx: &Transaction<'_>,
    kind: Kind,
    id: &LocalId,
    op: OpKind,
    payload: Option<&str>,
    counter: i64,
    now: &str,
) -> Result<OpId> {
    let op_id = Uuid::now_v7();
    tx.prepare_cached(
        "INSERT INTO outbox (op_id, kind, record_id, op, payload, counter_snapshot, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        op_id.to_string(),
        kind.as_str(),
        id.to_string(),
        op.as_str(),
        payload,
        counter,
        now
    ])?;
    Ok(op_id)
}
