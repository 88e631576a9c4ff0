//! Where local edits of events and tasks stand (waiting, refused, in
//! conflict), read beside the rows the window draws so each can carry its
//! badge without a second round trip per record.

use std::collections::HashMap;

use casefile_domain::entity::Kind;
use casefile_domain::ids::LocalId;
use rusqlite::Connection;
use serde::Serialize;

use crate::error::Result;

/// Where an event's or task's local edits stand, for the badge on it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct EditState {
    /// A change made here waits in the outbox.
    pub pending: bool,
    /// The server refused the last push of it, in the server's words.
    pub problem: Option<String>,
    /// A field was changed both here and on the server; a person chooses.
    pub conflict: bool,
    /// Its create was sent and the answer lost: the next syncs look for it
    /// on the server before it may be sent again ("checking…").
    pub checking: bool,
    /// The server has answered its last sends with errors of its own (at
    /// least [`crate::push::FAILING_AFTER`] in a row), in its words: it is
    /// tried again less and less often.
    pub failing: Option<String>,
}

/// The five [`EditState`] columns for the record `{table}.id` of `kind`,
/// each an indexed lookup (`outbox_record`, `conflicts_open`).
pub(crate) fn edit_state_sql(kind: &str, table: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM outbox o WHERE o.kind = '{kind}' AND o.record_id = {table}.id),
         (SELECT o.last_error FROM outbox o WHERE o.kind = '{kind}' AND o.record_id = {table}.id
            AND o.state = 'failed' ORDER BY o.seq DESC LIMIT 1),
         EXISTS (SELECT 1 FROM conflicts c WHERE c.resolved_at IS NULL AND c.kind = '{kind}'
            AND c.record_id = {table}.id),
         EXISTS (SELECT 1 FROM create_attempts a WHERE a.kind = '{kind}'
            AND a.record_id = {table}.id),
         CASE WHEN (SELECT min(o.failures) FROM outbox o WHERE o.kind = '{kind}'
            AND o.record_id = {table}.id) >= {failing}
           THEN (SELECT o.last_error FROM outbox o WHERE o.kind = '{kind}'
            AND o.record_id = {table}.id ORDER BY o.seq DESC LIMIT 1) END",
        failing = crate::push::FAILING_AFTER
    )
}

/// The edit state of each of `ids` (of `kind`) that has one: records with
/// nothing waiting, refused or in conflict are left out.
pub fn edit_states(
    conn: &Connection,
    kind: Kind,
    ids: &[LocalId],
) -> Result<HashMap<LocalId, EditState>> {
    let mut out = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let table = kind.plural();
    let sql = format!(
        "SELECT id, {} FROM {table} WHERE id IN (SELECT value FROM json_each(?1))",
        edit_state_sql(kind.as_str(), table)
    );
    let list = serde_json::to_string(&ids.iter().map(|i| i.to_string()).collect::<Vec<_>>())
        .unwrap_or_else(|_| "[]".to_owned());
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([list], |r| {
        Ok((
            r.get::<_, String>(0)?,
            EditState {
                pending: r.get(1)?,
                problem: r.get(2)?,
                conflict: r.get(3)?,
                checking: r.get(4)?,
                failing: r.get(5)?,
            },
        ))
    })?;
    for row in rows {
        let (id, state) = row?;
        if state != EditState::default() {
            if let Ok(id) = LocalId::parse(&id) {
                out.insert(id, state);
            }
        }
    }
    Ok(out)
}

/// The edit state of every record of `kind` that has one, read from the
/// outbox and the open conflicts (as many rows as edits wait, not as many
/// as the window shows).
pub(crate) fn edit_states_of_kind(
    conn: &Connection,
    kind: Kind,
) -> Result<HashMap<LocalId, EditState>> {
    let mut out: HashMap<LocalId, EditState> = HashMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT record_id, state, last_error, failures FROM outbox WHERE kind = ?1 ORDER BY seq",
    )?;
    let rows = stmt.query_map([kind.as_str()], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<String>>(2)?,
            r.get::<_, i64>(3)?,
        ))
    })?;
    // The fewest failures among each record's ops, as in `edit_state_sql`.
    let mut fewest: HashMap<LocalId, (i64, Option<String>)> = HashMap::new();
    for row in rows {
        let (id, state, error, failures) = row?;
        let Ok(id) = LocalId::parse(&id) else {
            continue;
        };
        let entry = out.entry(id).or_default();
        entry.pending = true;
        if state == "failed" {
            // The newest refusal wins, as in `edit_state_sql`.
            entry.problem = error.clone();
        }
        let f = fewest.entry(id).or_insert((failures, None));
        f.0 = f.0.min(failures);
        f.1 = error;
    }
    for (id, (failures, error)) in fewest {
        if failures >= crate::push::FAILING_AFTER {
            if let Some(entry) = out.get_mut(&id) {
                entry.failing = error;
            }
        }
    }
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT record_id FROM conflicts WHERE resolved_at IS NULL AND kind = ?1",
    )?;
    let rows = stmt.query_map([kind.as_str()], |r| r.get::<_, String>(0))?;
    for id in rows {
        if let Ok(id) = LocalId::parse(&id?) {
            out.entry(id).or_default().conflict = true;
        }
    }
    let mut stmt = conn.prepare_cached("SELECT record_id FROM create_attempts WHERE kind = ?1")?;
    let rows = stmt.query_map([kind.as_str()], |r| r.get::<_, String>(0))?;
    for id in rows {
        if let Ok(id) = LocalId::parse(&id?) {
            out.entry(id).or_default().checking = true;
        }
    }
    Ok(out)
}
