//! Encryption at rest: an account's cache opened with its key is SQLCipher
//! throughout (main file and WAL), works like any cache (rows, search, the
//! outbox), converts a plain cache an earlier version left, and is not
//! mistaken for a healthy one under the wrong key.

mod common;

use casefile_store::{CacheKey, Store};
use common::{account, case, client};

/// Every file under `dir`, as raw bytes, that contains `needle`.
fn files_containing(dir: &std::path::Path, needle: &str) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_file())
        .filter(|e| {
            std::fs::read(e.path())
                .unwrap()
                .windows(needle.len())
                .any(|w| w == needle.as_bytes())
        })
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn an_encrypted_cache_keeps_client_names_off_the_disk_and_still_works() {
    let dir = tempfile::tempdir().unwrap();
    let key = CacheKey::generate().unwrap();
    let store = Store::open_encrypted(dir.path(), &account(), &key).unwrap();
    store
        .save(client("Harriet", "Quimbyfield"), "Created client")
        .unwrap();
    let matter = case("Quimbyfield v. Acme Aeronautics", "2026-CV-0917");
    store.save(matter.clone(), "Created case").unwrap();

    // The open store reads, searches and queues as usual...
    let hits = store.search("quimbyf", 10).unwrap();
    assert_eq!(hits.len(), 2, "{hits:?}");
    assert_eq!(store.pending_count().unwrap(), 2);
    // ...while the WAL (still holding the writes) and the main file show nothing.
    assert!(dir.path().join("firm-1.sqlite-wal").exists());
    assert_eq!(
        files_containing(dir.path(), "Quimbyfield"),
        Vec::<String>::new()
    );
    assert_eq!(
        files_containing(dir.path(), "SQLite format 3"),
        Vec::<String>::new()
    );
    drop(store);
    assert_eq!(
        files_containing(dir.path(), "Quimbyfield"),
        Vec::<String>::new()
    );

    // The same key opens it again, with everything there.
    let again = Store::open_encrypted(dir.path(), &account(), &key).unwrap();
    assert!(again.recovery().is_none());
    assert_eq!(
        again
            .get::<casefile_domain::entity::Case>(&matter.meta.id)
            .unwrap(),
        Some(matter)
    );
}

#[test]
fn a_plain_cache_from_an_earlier_version_is_encrypted_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let plain = Store::open(dir.path(), &account()).unwrap();
    let matter = case("Quimbyfield v. Acme Aeronautics", "2026-CV-0917");
    plain.save(matter.clone(), "Created case").unwrap();
    drop(plain);
    // The control: a plain cache does show the name.
    assert!(!files_containing(dir.path(), "Quimbyfield").is_empty());

    let key = CacheKey::generate().unwrap();
    let store = Store::open_encrypted(dir.path(), &account(), &key).unwrap();
    assert!(store.recovery().is_none(), "conversion is not damage");
    assert_eq!(
        store
            .get::<casefile_domain::entity::Case>(&matter.meta.id)
            .unwrap(),
        Some(matter.clone())
    );
    assert_eq!(store.pending_count().unwrap(), 1, "the outbox came along");
    assert_eq!(store.search("quimbyf", 10).unwrap().len(), 1, "search too");
    // Writes after the conversion keep the search index (triggers) working.
    store
        .save(client("Harriet", "Quimbyfield"), "Created client")
        .unwrap();
    assert_eq!(store.search("quimbyf", 10).unwrap().len(), 2);
    drop(store);
    assert_eq!(
        files_containing(dir.path(), "Quimbyfield"),
        Vec::<String>::new()
    );
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        !names.iter().any(|n| n.contains("encrypting")),
        "no stray copy: {names:?}"
    );
}

#[test]
fn the_wrong_key_never_reads_the_cache_and_nothing_is_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let key = CacheKey::generate().unwrap();
    let store = Store::open_encrypted(dir.path(), &account(), &key).unwrap();
    store
        .save(case("Quimbyfield v. Acme Aeronautics", "1"), "Created case")
        .unwrap();
    drop(store);

    let other = CacheKey::generate().unwrap();
    let fresh = Store::open_encrypted(dir.path(), &account(), &other).unwrap();
    let recovery = fresh
        .recovery()
        .cloned()
        .expect("an unreadable cache is set aside");
    assert!(recovery.moved_to.exists(), "and kept");
    assert!(
        recovery.rescued.is_empty(),
        "nothing readable under the wrong key"
    );
    assert!(
        recovery.rescued_file.is_none(),
        "no plain JSON is written for an encrypted cache"
    );
    assert_eq!(fresh.pending_count().unwrap(), 0);
    drop(fresh);

    // The original key still opens what was set aside.
    let aside = tempfile::tempdir().unwrap();
    std::fs::rename(&recovery.moved_to, aside.path().join("firm-1.sqlite")).unwrap();
    let back = Store::open_encrypted(aside.path(), &account(), &key).unwrap();
    assert!(back.recovery().is_none());
    assert_eq!(back.pending_count().unwrap(), 1);
}
