//! The whole file is checked for damage only when there is a reason to: an
//! unclean close (the open marker or a WAL left behind), a query that met
//! damage, or the once-a-day idle-time check. Damage found any of these ways
//! still moves the file aside with its pending outbox rescued.

mod common;

use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use casefile_domain::entity::{Case, Kind};
use casefile_store::integrity::{check_marker, is_corruption, open_marker, CHECKED_AT};
use casefile_store::{CacheKey, Store};
use chrono::Duration;
use common::*;

fn wal(path: &Path) -> PathBuf {
    path.with_extension("sqlite-wal")
}

fn case_count(store: &Store) -> Option<u64> {
    store
        .counts()
        .unwrap()
        .into_iter()
        .find(|(kind, _)| *kind == Kind::Case)
        .map(|(_, n)| n)
}

/// A closed cache with 2000 server cases and one pending (unsynced) case, and
/// no WAL; returns its path and the pending case.
fn closed_cache_with_a_pending_edit(dir: &Path, key: Option<&CacheKey>) -> (PathBuf, Case) {
    let mut pending = case("Unsynced edit v. Damage", "2026-CV-0999");
    pending.meta.remote_id = None;
    let store = match key {
        Some(key) => Store::open_encrypted(dir, &account(), key).unwrap(),
        None => Store::open(dir, &account()).unwrap(),
    };
    // Enough rows that the damage lands in table pages, not the outbox.
    let filler: Vec<_> = (0..2000)
        .map(|i| case(&format!("Filler {i}"), &format!("F-{i}")))
        .collect();
    store.apply_page(filler, None).unwrap();
    store.save(pending.clone(), "Created offline").unwrap();
    let path = store.path().to_path_buf();
    drop(store);
    assert!(!wal(&path).exists(), "a clean close leaves no WAL");
    assert!(!open_marker(&path).exists(), "nor the open marker");
    (path, pending)
}

/// Writes garbage over pages in the middle of the file, as tests/recovery.rs does.
fn damage(path: &Path, offsets: &[f64]) {
    let len = std::fs::metadata(path).unwrap().len();
    let mut file = std::fs::OpenOptions::new().write(true).open(path).unwrap();
    for fraction in offsets {
        let offset = (len as f64 * fraction) as u64;
        file.seek(SeekFrom::Start(offset / 4096 * 4096)).unwrap();
        file.write_all(&[0xA5; 4096]).unwrap();
    }
}

fn assert_moved_aside_with_the_pending_edit(store: &Store, pending: &Case) {
    let recovery = store.recovery().expect("damage is detected and reported");
    assert!(recovery.moved_to.exists(), "the damaged file is kept");
    assert_eq!(recovery.rescued.len(), 1, "the pending edit is rescued");
    assert_eq!(store.pending_count().unwrap(), 1, "and queued again");
    let restored = store
        .get::<Case>(&pending.meta.id)
        .unwrap()
        .expect("the edited record is back");
    assert_eq!(restored.name, pending.name);
}

#[test]
fn a_clean_close_leaves_no_open_marker_and_the_next_open_skips_the_full_check() {
    let dir = tempfile::tempdir().unwrap();
    let key = CacheKey::generate().unwrap();
    let store = Store::open_encrypted(dir.path(), &account(), &key).unwrap();
    assert!(
        !store.opened_with_full_check(),
        "a brand-new cache needs no check"
    );
    let path = store.path().to_path_buf();
    assert!(open_marker(&path).exists(), "an open store is marked open");
    let rows: Vec<_> = (0..300)
        .map(|i| case(&format!("Clean {i} v. State"), &format!("C-{i}")))
        .collect();
    store.apply_page(rows, None).unwrap();
    assert_eq!(store.search("clean", 5).unwrap().len(), 5);
    drop(store);
    assert!(!wal(&path).exists());
    assert!(
        !open_marker(&path).exists(),
        "a clean close removes the mark"
    );

    let store = Store::open_encrypted(dir.path(), &account(), &key).unwrap();
    assert!(
        !store.opened_with_full_check(),
        "a cleanly closed cache is not checked whole"
    );
    assert!(store.recovery().is_none());
    assert_eq!(case_count(&store), Some(300));
}

#[test]
fn an_unclean_close_makes_the_next_open_check_the_whole_file() {
    let dir = tempfile::tempdir().unwrap();
    let crashed = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), &account()).unwrap();
    let rows: Vec<_> = (0..300)
        .map(|i| case(&format!("Crash {i} v. State"), &format!("C-{i}")))
        .collect();
    store.apply_page(rows, None).unwrap();
    // What a crash leaves: the files as they are while the store is open.
    let path = store.path().to_path_buf();
    assert!(wal(&path).exists());
    for file in [path.clone(), wal(&path), open_marker(&path)] {
        std::fs::copy(&file, crashed.path().join(file.file_name().unwrap())).unwrap();
    }
    drop(store);

    let store = Store::open(crashed.path(), &account()).unwrap();
    assert!(store.opened_with_full_check());
    assert!(store.recovery().is_none(), "a crash is not damage");
    assert_eq!(case_count(&store), Some(300), "the WAL's commits are kept");
    drop(store);

    let store = Store::open(crashed.path(), &account()).unwrap();
    assert!(
        !store.opened_with_full_check(),
        "once closed cleanly, the next open is cheap again"
    );
}

#[test]
fn a_wal_left_behind_without_the_marker_also_makes_the_next_open_check_the_whole_file() {
    let dir = tempfile::tempdir().unwrap();
    let crashed = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), &account()).unwrap();
    store
        .save(case("Left v. Behind", "L-1"), "Created")
        .unwrap();
    let path = store.path().to_path_buf();
    for file in [path.clone(), wal(&path)] {
        std::fs::copy(&file, crashed.path().join(file.file_name().unwrap())).unwrap();
    }
    drop(store);

    let store = Store::open(crashed.path(), &account()).unwrap();
    assert!(store.opened_with_full_check());
    assert!(store.recovery().is_none());
    assert_eq!(store.pending_count().unwrap(), 1);
}

#[test]
fn a_damaged_file_left_by_an_unclean_close_is_moved_aside_with_its_outbox() {
    let dir = tempfile::tempdir().unwrap();
    let (path, pending) = closed_cache_with_a_pending_edit(dir.path(), None);
    damage(&path, &[0.25, 1.0 / 3.0, 0.5]);
    // The crash left its marker.
    std::fs::write(open_marker(&path), b"").unwrap();

    let store = Store::open(dir.path(), &account()).unwrap();
    assert!(store.opened_with_full_check());
    assert_moved_aside_with_the_pending_edit(&store, &pending);
    let recovery = store.recovery().unwrap();
    assert!(
        recovery.rescued_file.as_ref().is_some_and(|f| f.exists()),
        "the rescued outbox is written beside an unencrypted file"
    );
    assert_eq!(store.search("damage", 5).unwrap().len(), 1);
}

#[test]
fn damage_after_a_clean_close_is_found_by_the_idle_time_check_and_moved_aside_at_the_next_open() {
    let dir = tempfile::tempdir().unwrap();
    let key = CacheKey::generate().unwrap();
    let (path, pending) = closed_cache_with_a_pending_edit(dir.path(), Some(&key));
    damage(&path, &[0.25, 1.0 / 3.0, 0.5]);

    let store = Store::open_encrypted(dir.path(), &account(), &key).unwrap();
    assert!(
        !store.opened_with_full_check(),
        "no marker, no WAL: only the key and the schema are checked"
    );
    assert!(
        store.recovery().is_none(),
        "so the damage is not seen at open"
    );
    assert!(!check_marker(&path).exists());

    assert_eq!(
        store
            .background_check(instant("2026-03-01T12:00:00Z"))
            .unwrap(),
        Some(false),
        "the idle-time check reads every page"
    );
    assert!(
        check_marker(&path).exists(),
        "and asks the next open to check"
    );
    drop(store);

    let store = Store::open_encrypted(dir.path(), &account(), &key).unwrap();
    assert!(store.opened_with_full_check());
    assert_moved_aside_with_the_pending_edit(&store, &pending);
    assert!(
        store.recovery().unwrap().rescued_file.is_none(),
        "an encrypted cache's outbox is not written out as plain JSON"
    );
    assert!(!check_marker(&path).exists(), "the check was answered");
    drop(store);

    let store = Store::open_encrypted(dir.path(), &account(), &key).unwrap();
    assert!(!store.opened_with_full_check());
    assert!(store.recovery().is_none());
    assert_eq!(store.pending_count().unwrap(), 1);
}

#[test]
fn a_query_that_meets_damage_asks_the_next_open_to_check_the_whole_file() {
    let dir = tempfile::tempdir().unwrap();
    let (path, pending) = closed_cache_with_a_pending_edit(dir.path(), None);
    // Garbage over the whole middle half: every table scan meets some.
    let fractions: Vec<f64> = (0..64).map(|i| 0.25 + 0.5 * i as f64 / 64.0).collect();
    damage(&path, &fractions);

    let store = Store::open(dir.path(), &account()).unwrap();
    assert!(!store.opened_with_full_check());
    assert!(!check_marker(&path).exists());
    let scanned = store.read(|c| {
        let tables: Vec<String> = c
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        for table in tables {
            let mut stmt = c.prepare(&format!("SELECT * FROM \"{table}\""))?;
            let mut rows = stmt.query([])?;
            while rows.next()?.is_some() {}
        }
        Ok(())
    });
    let err = scanned.expect_err("a scan of every table meets the damage");
    assert!(is_corruption(&err), "SQLITE_CORRUPT, got {err}");
    assert!(
        check_marker(&path).exists(),
        "the next open checks the whole file"
    );

    // The same through the writer.
    std::fs::remove_file(check_marker(&path)).unwrap();
    let err = store
        .write(|tx| {
            tx.execute("UPDATE cases SET change_counter = change_counter", [])?;
            Ok(())
        })
        .expect_err("an update of every case meets the damage");
    assert!(is_corruption(&err), "SQLITE_CORRUPT, got {err}");
    assert!(check_marker(&path).exists());
    drop(store);

    let store = Store::open(dir.path(), &account()).unwrap();
    assert!(store.opened_with_full_check());
    assert!(store.recovery().is_some(), "moved aside");
    assert_eq!(store.recovery().unwrap().rescued.len(), 1);
    assert!(store.get::<Case>(&pending.meta.id).unwrap().is_some());
}

#[test]
fn the_idle_time_check_runs_at_most_once_a_day() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), &account()).unwrap();
    store
        .save(case("Daily v. Check", "D-1"), "Created")
        .unwrap();
    let now = instant("2026-03-01T12:00:00Z");
    assert_eq!(store.background_check(now).unwrap(), Some(true));
    assert_eq!(
        store.meta_value(CHECKED_AT).unwrap().as_deref(),
        Some("2026-03-01T12:00:00+00:00")
    );
    assert_eq!(store.background_check(now).unwrap(), None);
    assert_eq!(
        store
            .background_check(now + Duration::hours(23) + Duration::minutes(59))
            .unwrap(),
        None
    );
    let tomorrow = now + Duration::hours(24);
    assert_eq!(store.background_check(tomorrow).unwrap(), Some(true));
    assert_eq!(store.background_check(tomorrow).unwrap(), None);
    drop(store);

    // The last run is remembered across restarts.
    let store = Store::open(dir.path(), &account()).unwrap();
    assert_eq!(
        store
            .background_check(tomorrow + Duration::hours(1))
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .background_check(tomorrow + Duration::hours(25))
            .unwrap(),
        Some(true)
    );
}
