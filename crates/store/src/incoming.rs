//! The incoming sync decision as pure data: what to do with one server row,
//! decided from the facts alone (the local row, the mirror, the server copy),
//! with no database in sight. [`crate::server_page`] gathers those facts in
//! the page's transaction, calls [`plan_incoming`], and carries out the
//! [`IncomingAction`] in the same transaction.
//!
//! The rules (DESIGN invariants 2 and 3):
//!
//! - no local row: the server copy is inserted as a clean row;
//! - a local row without pending edits (change counter 0): the server copy
//!   overwrites it, clean and live;
//! - a tombstoned row with pending edits: it stays deleted and untouched; the
//!   user's delete wins and is pushed;
//! - a live row with pending edits: it is rebased, never overwritten: a 3-way
//!   merge ([`crate::merge`]) against the mirror (the last server copy seen;
//!   without one every difference is a conflict), keeping its change counter
//!   so its edits stay pending, with the true conflicts recorded for the user.
//!
//! Whatever the action, the server copy is then the row's merge base: the
//! row itself when it is clean, its mirror row when it keeps edits pending.

use serde_json::Value;

use crate::merge::{merge, FieldConflict};

/// The facts about the local row a server row maps to (by local id, else by
/// remote id).
#[derive(Debug, Clone, PartialEq)]
pub struct LocalState {
    /// The local row's record as JSON (its `data` column).
    pub data: Value,
    /// The row's change counter: above 0, it has edits not yet pushed.
    pub change_counter: i64,
    /// The row is a tombstone (deleted locally).
    pub deleted: bool,
}

impl LocalState {
    /// Whether the row has local edits not yet pushed.
    pub fn has_pending_edits(&self) -> bool {
        self.change_counter > 0
    }
}

/// What to do with one server row. In every case the server copy is then
/// the row's merge base (the row itself when clean, else its mirror row).
#[derive(Debug, Clone, PartialEq)]
pub enum IncomingAction {
    /// No local row: insert the server copy as a new row (counter 0, live).
    Insert,
    /// A local row without pending edits: replace it with the server copy
    /// (counter 0, live, a tombstone included).
    Overwrite,
    /// A live row with pending edits: write `merged` in its place, keeping
    /// the change counter `counter` so the edits stay pending, and record
    /// `conflicts` (each replacing an open conflict on the same field).
    Rebase {
        /// The merged record: the server's meta with the local id, each field
        /// merged on its own, the local value where both sides changed it.
        merged: Value,
        /// The fields both sides changed differently.
        conflicts: Vec<FieldConflict>,
        /// The change counter the row keeps.
        counter: i64,
    },
    /// A tombstoned row with pending edits: leave the row as it is (deleted,
    /// counter kept); the pending delete is pushed.
    KeepDeleted,
}

/// Whether deciding a row with these facts reads its documents (the local
/// row's JSON, its mirror and the server copy): only a rebase does, for a
/// live row with pending edits. Otherwise a caller may pass `Null` for them
/// and save parsing them.
pub fn needs_documents(change_counter: i64, deleted: bool) -> bool {
    change_counter > 0 && !deleted
}

/// Decides what to do with the server copy `remote` (the record as JSON,
/// carrying the local id when a local row exists) given the local row, if
/// any, and the mirror, the last server copy seen of it. `mirror` only
/// matters for a rebase; it is ignored without a local row.
pub fn plan_incoming(
    local: Option<&LocalState>,
    mirror: Option<&Value>,
    remote: &Value,
) -> IncomingAction {
    match local {
        None => IncomingAction::Insert,
        Some(local) if !local.has_pending_edits() => IncomingAction::Overwrite,
        Some(local) if local.deleted => IncomingAction::KeepDeleted,
        Some(local) => {
            let merged = merge(mirror, &local.data, remote);
            IncomingAction::Rebase {
                merged: merged.value,
                conflicts: merged.conflicts,
                counter: local.change_counter,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// Rows decided without their documents are decided the same with them.
    #[test]
    fn rows_that_need_no_documents_are_decided_without_them() {
        for (counter, deleted) in [(0, false), (0, true), (-1, false), (3, true), (3, false)] {
            let full = LocalState {
                data: json!({"name": "A"}),
                change_counter: counter,
                deleted,
            };
            let mirror = json!({"name": "B"});
            let remote = json!({"name": "C"});
            let with = plan_incoming(Some(&full), Some(&mirror), &remote);
            if !needs_documents(counter, deleted) {
                let bare = LocalState {
                    data: Value::Null,
                    ..full.clone()
                };
                assert_eq!(plan_incoming(Some(&bare), None, &Value::Null), with);
            } else {
                assert!(matches!(with, IncomingAction::Rebase { .. }));
            }
        }
    }
}
