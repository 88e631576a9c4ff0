//! Schema migrations: SQL files applied atomically by rusqlite_migration and
//! tracked in `user_version`. Add a migration by appending a file here; never
//! edit one that has shipped. Each new migration also gets an upgrade test
//! from a checked-in fixture of the schema before it (see tests/migrations.rs).

use rusqlite::Connection;
use rusqlite_migration::{Migrations, M};

use crate::error::Result;

/// All migrations, in order. Migration N sets `user_version` to N.
pub fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(include_str!("../migrations/0001_init.sql")),
        M::up(include_str!("../migrations/0002_transfers.sql")),
        M::up(include_str!("../migrations/0003_upload_created.sql")),
    ])
}

/// The schema version the code expects.
pub const LATEST: i64 = 3;

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
