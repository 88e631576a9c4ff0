//! A damaged database is moved aside, never deleted, and pending edits survive.

mod common;

use std::io::{Seek, SeekFrom, Write};

use casefile_domain::entity::Case;
use casefile_store::Store;
use common::*;

#[test]
fn a_damaged_cache_is_moved_aside_and_its_pending_edits_carried_over() {
    let dir = tempfile::tempdir().unwrap();
    let mut pending = case("Unsynced edit v. Damage", "2026-CV-0999");
    pending.meta.remote_id = None;
    let path;
    {
        let store = Store::open(dir.path(), &account()).unwrap();
        // Enough rows that the damage lands in table pages, not the outbox.
        let filler: Vec<_> = (0..2000)
            .map(|i| case(&format!("Filler {i}"), &format!("F-{i}")))
            .collect();
        store.apply_page(filler, None).unwrap();
        store.save(pending.clone(), "Created offline").unwrap();
        store
            .read(|c| Ok(c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").ok()))
            .unwrap();
        path = store.path().to_path_buf();
    }
    // Checkpoint the WAL into the main file, then damage pages in its middle.
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .unwrap();
    let len = std::fs::metadata(&path).unwrap().len();
    let mut file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    for offset in [len / 4, len / 3, len / 2] {
        file.seek(SeekFrom::Start(offset / 4096 * 4096)).unwrap();
        file.write_all(&[0xA5; 4096]).unwrap();
    }
    drop(file);
    // Opening no longer reads the whole file after a clean close; damage is
    // looked for after an unclean close, a query that met it, or the idle
    // check (tests/integrity.rs). Here the idle check found it.
    casefile_store::integrity::request_full_check(&path).unwrap();

    let store = Store::open(dir.path(), &account()).unwrap();
    let recovery = store.recovery().expect("damage is detected and reported");
    assert!(recovery.moved_to.exists(), "the damaged file is kept");
    assert!(
        recovery.rescued_file.as_ref().is_some_and(|f| f.exists()),
        "the rescued outbox is written beside it"
    );
    assert_eq!(recovery.rescued.len(), 1);
    assert_eq!(
        store.pending_count().unwrap(),
        1,
        "the pending edit is queued again"
    );
    let restored = store
        .get::<Case>(&pending.meta.id)
        .unwrap()
        .expect("the edited record is back");
    assert_eq!(restored.name, "Unsynced edit v. Damage");
    assert_eq!(store.search("damage", 5).unwrap().len(), 1);
}

#[test]
fn a_file_that_is_not_a_database_is_moved_aside_too() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("firm-1.sqlite"),
        b"this is not a database at all",
    )
    .unwrap();
    let store = Store::open(dir.path(), &account()).unwrap();
    let recovery = store.recovery().expect("reported");
    assert!(recovery.rescued.is_empty());
    assert_eq!(
        std::fs::read(&recovery.moved_to).unwrap(),
        b"this is not a database at all"
    );
    assert_eq!(store.pending_count().unwrap(), 0);
}
