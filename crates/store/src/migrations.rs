//! Schema migrations: SQL files applied atomically by rusqlite_migration and
//! tracked in `user_version`. Add a migration by appending a file here; never
//! edit one that has shipped. Each new migration also gets an upgrade test
//! from a checked-in fixture of the schema before it (see tests/migrations.rs).

use rusqlite::{params, Connection, Transaction};
use rusqlite_migration::{HookResult, Migrations, M};

use crate::bookkeeping::quarantine_key;
use crate::error::Result;

/// All migrations, in order. Migration N sets `user_version` to N.
pub fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(include_str!("../migrations/0001_init.sql")),
        M::up(include_str!("../migrations/0002_transfers.sql")),
        M::up(include_str!("../migrations/0003_upload_created.sql")),
        M::up_with_hook(
            include_str!("../migrations/0004_quarantine_key.sql"),
            key_unnamed_quarantine,
        ),
        M::up(include_str!("../migrations/0005_create_attempts.sql")),
        M::up(include_str!("../migrations/0006_case_folders.sql")),
        M::up(include_str!("../migrations/0007_bulk_first_sync.sql")),
        M::up(include_str!("../migrations/0008_doubts_and_backoff.sql")),
        M::up(include_str!("../migrations/0009_case_notes.sql")),
    ])
}

/// The schema version the code expects.
pub const LATEST: i64 = 9;

/// Migration 4's second half: quarantine rows without a remote id are keyed
/// by their payload's hash (SQL has no SHA-256), newest first, and an older
/// row whose key is already taken is a duplicate and goes.
fn key_unnamed_quarantine(tx: &Transaction<'_>) -> HookResult {
    let rows: Vec<(i64, String, String)> = tx
        .prepare(
            "SELECT id, resource, payload FROM quarantine WHERE record_key IS NULL
             ORDER BY at DESC, id DESC",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    for (id, resource, payload) in rows {
        let key = quarantine_key(None, &payload);
        let taken: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM quarantine WHERE resource = ?1 AND record_key = ?2)",
            params![resource, key],
            |r| r.get(0),
        )?;
        if taken {
            tx.execute("DELETE FROM quarantine WHERE id = ?1", [id])?;
        } else {
            tx.execute(
                "UPDATE quarantine SET record_key = ?2 WHERE id = ?1",
                params![id, key],
            )?;
        }
    }
    Ok(())
}

/// Brings `conn` to the latest schema, atomically.
pub fn apply(conn: &mut Connection) -> Result<()> {
    migrations().to_latest(conn)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid_and_reach_latest_from_empty() {
        migrations().validate().expect("migrations validate");
        let mut conn = Connection::open_in_memory().unwrap();
        apply(&mut conn).unwrap();
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, LATEST);
    }
}
