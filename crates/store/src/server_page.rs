//! Applying a page from the server (DESIGN invariants 2 and 3): every row of
//! the page, the merge base of each row with edits pending (a clean row is
//! its own base, migration 7) and the resource's checkpoint commit in ONE
//! transaction, so an interrupted sync resumes at the next page. A row with
//! pending local edits is never overwritten: it is rebased with a 3-way merge
//! ([`crate::merge`]) and its true conflicts are recorded. What to do with
//! each row is decided as pure data by [`crate::incoming::plan_incoming`];
//! this module gathers the facts and carries the decision out. The records of
//! the page that could not be decoded are quarantined in the same
//! transaction, and a record that arrives in good shape leaves quarantine.

use casefile_domain::entity::Meta;
use casefile_domain::ids::LocalId;
use rusqlite::{params, OptionalExtension, Transaction};
use serde_json::Value;
use uuid::Uuid;

use crate::bookkeeping::{
    has_quarantined, put_checkpoint, quarantine_all, record_conflict, release_quarantined,
    Checkpoint, Conflict, QuarantineEntry,
};
use crate::error::{Result, StoreError};
use crate::incoming::{needs_documents, plan_incoming, IncomingAction, LocalState};
use crate::merge::FieldConflict;
use crate::record::{table, write_row_json, Entity, RowState};
use crate::resolve::DELETED_ON_SERVER;
use crate::search_index::PageIndex;

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

/// A decoded server page waiting for the writer: its rows, its undecodable
/// items and its checkpoint, of whatever kind. Several are written in one
/// transaction by [`crate::Store::apply_pages`] when the writer is behind
/// the network, which costs far fewer page writes than one commit a page:
/// each random index leaf is written out once per batch, not once per page.
pub struct PendingPage(Box<WritePage>);

/// Writes one page in a transaction, at the given time.
type WritePage = dyn FnOnce(&Transaction<'_>, &str) -> Result<PageOutcome> + Send;

impl PendingPage {
    pub fn new<E: Entity>(
        rows: Vec<E>,
        quarantined: Vec<QuarantineEntry>,
        checkpoint: Option<Checkpoint>,
    ) -> Self {
        Self(Box::new(move |tx, now| {
            apply_page_with_quarantine(tx, rows, &quarantined, checkpoint.as_ref(), now)
        }))
    }

    /// Writes the page in `tx`.
    pub fn apply(self, tx: &Transaction<'_>, now: &str) -> Result<PageOutcome> {
        (self.0)(tx, now)
    }
}

/// Upserts `rows` as server copies, and records `checkpoint`, atomically.
pub fn apply_page<E: Entity>(
    tx: &Transaction<'_>,
    rows: Vec<E>,
    checkpoint: Option<&Checkpoint>,
    now: &str,
) -> Result<PageOutcome> {
    apply_page_with_quarantine(tx, rows, &[], checkpoint, now)
}

/// [`apply_page`] that also quarantines the page's undecodable items, in
/// the same transaction: first the quarantine (so a good copy of a record in
/// the same page wins), then the rows, then the checkpoint. A row whose
/// remote id is quarantined for its resource leaves quarantine.
pub fn apply_page_with_quarantine<E: Entity>(
    tx: &Transaction<'_>,
    mut rows: Vec<E>,
    quarantined: &[QuarantineEntry],
    checkpoint: Option<&Checkpoint>,
    now: &str,
) -> Result<PageOutcome> {
    quarantine_all(tx, quarantined, now)?;
    // The page's search terms are written in bulk once its rows are.
    let mut index = PageIndex::begin(tx, E::KIND)?;
    // The resource name the pull quarantines under.
    let resource = E::KIND.plural();
    // Nearly always nothing is quarantined: one probe then, none per row.
    let release = has_quarantined(tx, resource)?;
    let mut outcome = PageOutcome::default();
    for row in &mut rows {
        if release {
            if let Some(remote) = &row.meta().remote_id {
                release_quarantined(tx, resource, &remote.0)?;
            }
        }
        // The facts: the local row (by local id, else by remote id) and its mirror.
        let existing = find_local::<E>(tx, row.meta())?;
        if let Some(existing) = &existing {
            // Keep the local id the rest of the cache refers to.
            row.meta_mut().id = existing.id;
        }
        let data = serde_json::to_string(&*row)?;
        // Only a rebase reads the documents; most rows are decided without.
        let remote: Value = match &existing {
            Some(e) if needs_documents(e.state.change_counter, e.state.deleted) => {
                serde_json::from_str(&data)?
            }
            _ => Value::Null,
        };
        let local = existing.as_ref().map(|e| &e.state);
        let mirror = existing.as_ref().and_then(|e| e.mirror.as_ref());
        // The decision, then carrying it out.
        match plan_incoming(local, mirror, &remote) {
            action @ (IncomingAction::Insert | IncomingAction::Overwrite) => {
                let state = RowState {
                    counter: 0,
                    deleted: false,
                    is_new: matches!(action, IncomingAction::Insert),
                };
                let rowid = write_row_json(tx, row, &data, state, now)?;
                if let Some(index) = &mut index {
                    index.wrote(rowid, state.is_new);
                }
                outcome.applied += 1;
            }
            IncomingAction::Rebase {
                merged,
                conflicts,
                counter,
            } => {
                let id = row.meta().id;
                let (rowid, found) = rebase::<E>(tx, &id, merged, &conflicts, counter, now)?;
                if let Some(index) = &mut index {
                    index.wrote(rowid, false);
                }
                outcome.conflicts += found;
                outcome.rebased.push(id);
                // The row keeps edits pending: the server copy is its new base.
                put_mirror_json(tx, row, &data)?;
            }
            IncomingAction::KeepDeleted => {
                outcome.rebased.push(row.meta().id);
                put_mirror_json(tx, row, &data)?;
            }
        }
    }
    if let Some(index) = index {
        index.finish(tx)?;
    }
    if let Some(checkpoint) = checkpoint {
        put_checkpoint(tx, checkpoint, now)?;
    }
    Ok(outcome)
}

/// The local row a server row maps to, with the facts the decision needs.
struct Found {
    id: LocalId,
    state: LocalState,
    /// The last server copy seen of the row.
    mirror: Option<Value>,
}

/// Finds the local row for a server row, by local id, else by remote id:
/// one statement, two index probes, as cheap as an existence check. Only a
/// row whose decision reads its documents (see [`needs_documents`]) costs a
/// second probe, for its JSON and its mirror's.
fn find_local<E: Entity>(tx: &Transaction<'_>, meta: &Meta) -> Result<Option<Found>> {
    let table = table(E::KIND);
    let found: Option<(String, i64, bool)> = tx
        .prepare_cached(&format!(
            "SELECT id, change_counter, deleted FROM {table} WHERE id = ?1
             UNION ALL SELECT id, change_counter, deleted FROM {table} WHERE remote_id = ?2
             LIMIT 1"
        ))?
        .query_row(
            params![
                meta.id.to_string(),
                meta.remote_id.as_ref().map(|r| r.0.as_str()),
            ],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((id, change_counter, deleted)) = found else {
        return Ok(None);
    };
    let (data, mirror): (Option<String>, Option<String>) =
        if needs_documents(change_counter, deleted) {
            tx.prepare_cached(&format!(
                "SELECT t.data, m.data FROM {table} AS t
                 LEFT JOIN mirror AS m ON m.kind = ?2 AND m.id = t.id WHERE t.id = ?1"
            ))?
            .query_row(params![id, E::KIND.as_str()], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
        } else {
            (None, None)
        };
    let id =
        LocalId::parse(&id).map_err(|e| StoreError::Invalid(format!("bad id in {table}: {e}")))?;
    Ok(Some(Found {
        id,
        state: LocalState {
            data: data
                .map(|d| serde_json::from_str(&d))
                .transpose()?
                .unwrap_or(Value::Null),
            change_counter,
            deleted,
        },
        mirror: mirror.map(|m| serde_json::from_str(&m)).transpose()?,
    }))
}

/// Carries out a rebase: writes the merged record in place of the row with
/// pending local edits, keeping its change counter so its edits stay pending,
/// and records the true conflicts for the user. Returns the row's rowid and
/// how many conflicts.
fn rebase<E: Entity>(
    tx: &Transaction<'_>,
    id: &LocalId,
    merged: Value,
    conflicts: &[FieldConflict],
    counter: i64,
    now: &str,
) -> Result<(i64, usize)> {
    let record: E = serde_json::from_value(merged)?;
    let state = RowState {
        counter,
        deleted: false,
        is_new: false,
    };
    let rowid = write_row_json(tx, &record, &serde_json::to_string(&record)?, state, now)?;
    for c in conflicts {
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
                record_id: *id,
                field: c.field.clone(),
                base: c.base.clone(),
                local: c.local.clone(),
                remote: c.remote.clone(),
                created_at: now.to_owned(),
            },
        )?;
    }
    if !conflicts.is_empty() {
        tracing::info!(
            kind = E::KIND.as_str(),
            conflicts = conflicts.len(),
            "rebase found true conflicts"
        );
    }
    Ok((rowid, conflicts.len()))
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
                if E::KIND == casefile_domain::entity::Kind::Document {
                    // A finished upload of it no longer stands in for a file of
                    // the case (it shows one until the document comes in).
                    tx.prepare_cached(
                        "UPDATE transfers SET path = NULL WHERE direction = 'upload' AND state = 'done'
                           AND remote_document = (SELECT remote_id FROM documents WHERE id = ?1)",
                    )?
                    .execute([id.to_string()])?;
                }
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
