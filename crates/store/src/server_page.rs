//! Applying a page from the server (DESIGN invariants 2 and 3): every row of
//! the page, its mirror copy and the resource's checkpoint commit in ONE
//! transaction, so an interrupted sync resumes at the next page. A row with
//! pending local edits is never overwritten: it is rebased with a 3-way merge
//! ([`crate::merge`]) and its true conflicts are recorded.

use casefile_domain::ids::LocalId;
use rusqlite::{params, OptionalExtension, Transaction};
use serde_json::Value;
use uuid::Uuid;

use crate::bookkeeping::{get_mirror, put_checkpoint, record_conflict, Checkpoint, Conflict};
use crate::error::Result;
use crate::merge::merge;
use crate::record::{find_existing, table, write_row_json, Entity, RowState};
use crate::resolve::DELETED_ON_SERVER;

/// What applying a page did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageOutcome {
    /// Rows written (new or changed, without pending local edits).
    pub applied: usize,
    /// Rows with pending local edits that were rebased onto the server copy.
    pub rebased: Vec<LocalId>,
    /// True conflicts the rebase recorded.
    pub conflicts: usize,
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
        match existing {
            Some(existing) if existing.change_counter > 0 => {
                outcome.conflicts += rebase(tx, row, &data, existing.change_counter, now)?;
                outcome.rebased.push(existing.id);
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
        put_mirror_json(tx, row, &data)?;
    }
    if let Some(checkpoint) = checkpoint {
        put_checkpoint(tx, checkpoint, now)?;
    }
    Ok(outcome)
}

/// Rebases a row with pending local edits onto a new server copy: a 3-way
/// merge against the mirror (the last server copy), with true conflicts
/// recorded for the user. The row keeps its change counter, so its edits
/// stay pending. A tombstoned row stays deleted: the user's delete wins and
/// is pushed. Returns the number of conflicts recorded.
fn rebase<E: Entity>(
    tx: &Transaction<'_>,
    remote: &E,
    remote_data: &str,
    counter: i64,
    now: &str,
) -> Result<usize> {
    let id = remote.meta().id;
    let table = table(E::KIND);
    let row: Option<(String, bool)> = tx
        .prepare_cached(&format!("SELECT data, deleted FROM {table} WHERE id = ?1"))?
        .query_row([id.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((local_data, deleted)) = row else {
        return Ok(0);
    };
    if deleted {
        return Ok(0);
    }
    let local: Value = serde_json::from_str(&local_data)?;
    let remote_json: Value = serde_json::from_str(remote_data)?;
    let base = get_mirror(tx, E::KIND, &id)?;
    let merged = merge(base.as_ref(), &local, &remote_json);
    let record: E = serde_json::from_value(merged.value)?;
    let state = RowState {
        counter,
        deleted: false,
        is_new: false,
    };
    write_row_json(tx, &record, &serde_json::to_string(&record)?, state, now)?;
    for c in &merged.conflicts {
        // A newer server value replaces an older open conflict on the same field.
        tx.prepare_cached(
            "DELETE FROM conflicts WHERE kind = ?1 AND record_id = ?2 AND field = ?3 AND resolved_at IS NULL",
        )?
        .execute(params![E::KIND.as_str(), id.to_string(), c.field])?;
        record_conflict(
            tx,
            &Conflict {
                id: Uuid::now_v7().to_string(),
                kind: E::KIND,
                record_id: id,
                field: c.field.clone(),
                base: c.base.clone(),
                local: c.local.clone(),
                remote: c.remote.clone(),
                created_at: now.to_owned(),
            },
        )?;
    }
    if !merged.conflicts.is_empty() {
        tracing::info!(
            kind = E::KIND.as_str(),
            conflicts = merged.conflicts.len(),
            "rebase found true conflicts"
        );
    }
    Ok(merged.conflicts.len())
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
/// kept, with a "deleted on server" conflict for the user, and returned.
pub fn apply_remote_deletions<E: Entity>(
    tx: &Transaction<'_>,
    ids: &[LocalId],
    now: &str,
) -> Result<Vec<LocalId>> {
    let table = table(E::KIND);
    let mut kept = Vec::new();
    for id in ids {
        let row: Option<(i64, bool)> = tx
            .prepare_cached(&format!(
                "SELECT change_counter, deleted FROM {table} WHERE id = ?1"
            ))?
            .query_row([id.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        match row {
            Some((c, false)) if c > 0 => {
                kept.push(*id);
                let open: bool = tx
                    .prepare_cached(
                        "SELECT EXISTS (SELECT 1 FROM conflicts WHERE record_id = ?1 AND field = ?2 AND resolved_at IS NULL)",
                    )?
                    .query_row(params![id.to_string(), DELETED_ON_SERVER], |r| r.get(0))?;
                if !open {
                    record_conflict(
                        tx,
                        &Conflict {
                            id: Uuid::now_v7().to_string(),
                            kind: E::KIND,
                            record_id: *id,
                            field: DELETED_ON_SERVER.to_owned(),
                            base: None,
                            local: None,
                            remote: None,
                            created_at: now.to_owned(),
                        },
                    )?;
                }
            }
            Some(_) => {
                // Gone on the server: a pending local delete has nothing left to do.
                tx.prepare_cached(&format!("DELETE FROM {table} WHERE id = ?1"))?
                    .execute([id.to_string()])?;
                tx.prepare_cached("DELETE FROM outbox WHERE kind = ?1 AND record_id = ?2")?
                    .execute(params![E::KIND.as_str(), id.to_string()])?;
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
