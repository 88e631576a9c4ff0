//! Applying a page from the server (DESIGN invariants 2 and 3): every row of
//! the page, its mirror copy and the resource's checkpoint commit in ONE
//! transaction, so an interrupted sync resumes at the next page. A row with
//! pending local edits is never overwritten: only its mirror moves, and the
//! caller is told to run a 3-way merge for it.

use casefile_domain::ids::LocalId;
use rusqlite::{params, Transaction};

use crate::bookkeeping::{put_checkpoint, Checkpoint};
use crate::error::Result;
use crate::record::{find_existing, table, write_row_json, Entity, RowState};

/// What applying a page did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageOutcome {
    /// Rows written (new or changed, without pending local edits).
    pub applied: usize,
    /// Rows with pending local edits whose mirror moved: they need a merge.
    pub needs_merge: Vec<LocalId>,
}

/// Upserts `rows` as server copies, and records `checkpoint`, atomically.
pub fn apply_page<E: Entity>(
    tx: &Transaction<'_>,
    mut rows: Vec<E>,
    checkpoint: Option<&Checkpoint>,
    now: &str,
) -> Result<PageOutcome> {
    let mut outcome = PageOutcome::default();
    for row in &mut rows {
        let existing = find_existing(tx, E::KIND, row.meta())?;
        if let Some(existing) = &existing {
            // Keep the local id the rest of the cache refers to.
            row.meta_mut().id = existing.id;
        }
        let data = serde_json::to_string(&*row)?;
        put_mirror_json(tx, row, &data)?;
        match existing {
            Some(existing) if existing.change_counter > 0 => {
                outcome.needs_merge.push(existing.id);
            }
            _ => {
                let state = RowState {
                    counter: 0,
                    deleted: false,
                    is_new: existing.is_none(),
                };
                write_row_json(tx, row, &data, state, now)?;
                outcome.applied += 1;
            }
        }
    }
    if let Some(checkpoint) = checkpoint {
        put_checkpoint(tx, checkpoint, now)?;
    }
    Ok(outcome)
}

/// Stores the server copy of a record as its merge base.
pub fn put_mirror<E: Entity>(tx: &Transaction<'_>, record: &E) -> Result<()> {
    put_mirror_json(tx, record, &serde_json::to_string(record)?)
}

fn put_mirror_json<E: Entity>(tx: &Transaction<'_>, record: &E, data: &str) -> Result<()> {
    let meta = record.meta();
    tx.prepare_cached(
        "INSERT INTO mirror (kind, id, data, server_updated_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (kind, id) DO UPDATE SET data = excluded.data,
           server_updated_at = excluded.server_updated_at",
    )?
    .execute(params![
        E::KIND.as_str(),
        meta.id.to_string(),
        data,
        meta.server_updated_at.map(|t| t.to_rfc3339()),
    ])?;
    Ok(())
}

/// Applies server-side deletions found by id-set reconciliation: rows without
/// pending edits are removed (with their mirror); rows with pending edits are
/// kept and returned, for the engine to record as conflicts.
pub fn apply_remote_deletions<E: Entity>(
    tx: &Transaction<'_>,
    ids: &[LocalId],
) -> Result<Vec<LocalId>> {
    let table = table(E::KIND);
    let mut kept = Vec::new();
    for id in ids {
        let counter: Option<i64> = tx
            .prepare_cached(&format!("SELECT change_counter FROM {table} WHERE id = ?1"))?
            .query_row([id.to_string()], |r| r.get(0))
            .map(Some)
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(None),
                other => Err(other),
            })?;
        match counter {
            Some(c) if c > 0 => kept.push(*id),
            Some(_) => {
                tx.prepare_cached(&format!("DELETE FROM {table} WHERE id = ?1"))?
                    .execute([id.to_string()])?;
                tx.prepare_cached("DELETE FROM links WHERE from_id = ?1")?
                    .execute([id.to_string()])?;
                tx.prepare_cached("DELETE FROM mirror WHERE kind = ?1 AND id = ?2")?
                    .execute(params![E::KIND.as_str(), id.to_string()])?;
            }
            None => {}
        }
    }
    Ok(kept)
}
