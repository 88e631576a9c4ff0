//! The local activity log: what was changed from this laptop, when, and under
//! which account. Summaries are written by the caller for the user to read.

use casefile_domain::entity::Kind;
use casefile_domain::ids::{AccountId, LocalId};
use rusqlite::{params, Connection, Transaction};
use serde::Serialize;

use crate::error::Result;

pub fn log_activity(
    tx: &Transaction<'_>,
    account: &AccountId,
    kind: Kind,
    id: &LocalId,
    action: &str,
    summary: &str,
    now: &str,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO activity (at, account, kind, record_id, action, summary) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![now, account.0, kind.as_str(), id.to_string(), action, summary])?;
    Ok(())
}

/// One entry of the recent-changes list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub at: String,
    pub account: String,
    pub kind: String,
    pub record_id: String,
    pub action: String,
    pub summary: String,
}

/// The newest changes first.
pub fn recent_changes(conn: &Connection, limit: u32, offset: u32) -> Result<Vec<Change>> {
    let mut stmt = conn.prepare_cached(
        "SELECT at, account, kind, record_id, action, summary FROM activity
         ORDER BY at DESC, id DESC LIMIT ?1 OFFSET ?2",
    )?;
    let rows = stmt.query_map([limit, offset], |r| {
        Ok(Change {
            at: r.get(0)?,
            account: r.get(1)?,
            kind: r.get(2)?,
            record_id: r.get(3)?,
            action: r.get(4)?,
            summary: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
