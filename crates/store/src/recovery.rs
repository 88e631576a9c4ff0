//! A damaged database is moved aside, never deleted: it can hold edits that
//! never reached the server. Before moving it, the pending outbox is read out
//! (as far as the damage allows) and, for an unencrypted cache, written next
//! to it as JSON; the fresh database then gets those operations, and their
//! records, back.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};
use serde::{Deserialize, Serialize};

use crate::connection::unlock;
use crate::error::{Result, StoreError};
use crate::key::CacheKey;

/// A pending operation rescued from a damaged database.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RescuedOp {
    pub op_id: String,
    pub kind: String,
    pub record_id: String,
    pub op: String,
    pub payload: Option<String>,
    pub counter_snapshot: i64,
    pub created_at: String,
}

/// What happened to a damaged database.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recovery {
    /// Where the damaged file now is.
    pub moved_to: PathBuf,
    /// Where the rescued operations were written: only for an unencrypted
    /// cache, since the file is plain JSON (an encrypted cache's rescued
    /// operations go only into the fresh, encrypted database).
    pub rescued_file: Option<PathBuf>,
    pub rescued: Vec<RescuedOp>,
}

/// Whether the file at `path` is a healthy SQLite database (that `key`
/// opens, when the cache is encrypted). Reads every page, so an open runs it
/// only when [`crate::integrity`] has a reason to doubt the file. A check
/// that could not run for want of disk space is an error, not a verdict.
pub fn is_healthy(path: &Path, key: Option<&CacheKey>) -> Result<bool> {
    verdict((|| {
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
        unlock(&conn, key)?;
        let answer: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
        Ok(answer == "ok")
    })())
}

/// A check's outcome as a verdict on the file: any failure says it is
/// damaged, except a full disk, which says nothing about the file and must
/// never get a healthy cache moved aside.
pub(crate) fn verdict(checked: rusqlite::Result<bool>) -> Result<bool> {
    match checked {
        Ok(healthy) => Ok(healthy),
        Err(e) if crate::error::no_room(&e) => Err(StoreError::DiskFull),
        Err(_) => Ok(false),
    }
}

/// Reads whatever outbox rows can still be read from a damaged file.
fn rescue_outbox(path: &Path, key: Option<&CacheKey>) -> Vec<RescuedOp> {
    let read = || -> rusqlite::Result<Vec<RescuedOp>> {
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        unlock(&conn, key)?;
        let mut stmt = conn.prepare(
            "SELECT op_id, kind, record_id, op, payload, counter_snapshot, created_at FROM outbox ORDER BY seq",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(RescuedOp {
                op_id: r.get(0)?,
                kind: r.get(1)?,
                record_id: r.get(2)?,
                op: r.get(3)?,
                payload: r.get(4)?,
                counter_snapshot: r.get(5)?,
                created_at: r.get(6)?,
            })
        })?;
        // Keep every row that can be read, even if a later one fails.
        Ok(rows.filter_map(|r| r.ok()).collect())
    };
    read().unwrap_or_default()
}

/// Moves a damaged database (and its WAL and SHM files) aside and writes the
/// rescued outbox beside it. `stamp` makes the names unique.
pub fn move_aside(path: &Path, key: Option<&CacheKey>, stamp: &str) -> Result<Recovery> {
    let rescued = rescue_outbox(path, key);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "cache.sqlite".into());
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    let rescued_file = match key {
        Some(_) => None,
        None => {
            let file = dir.join(format!("{name}.rescued-{stamp}.json"));
            std::fs::write(&file, serde_json::to_vec_pretty(&rescued)?)?;
            Some(file)
        }
    };
    let moved_to = dir.join(format!("{name}.damaged-{stamp}"));
    std::fs::rename(path, &moved_to)?;
    for suffix in ["-wal", "-shm"] {
        let side = dir.join(format!("{name}{suffix}"));
        if side.exists() {
            std::fs::rename(&side, dir.join(format!("{name}.damaged-{stamp}{suffix}")))?;
        }
    }
    tracing::warn!(rescued = rescued.len(), "damaged cache moved aside");
    Ok(Recovery {
        moved_to,
        rescued_file,
        rescued,
    })
}
