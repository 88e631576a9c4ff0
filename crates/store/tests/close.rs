//! Closing the cache leaves one checkpointed database file: no WAL to replay at
//! the next start (a large WAL costs every launch a scan of it) and no second
//! copy of the data beside the database.

mod common;

use casefile_domain::entity::Kind;
use casefile_store::{CacheKey, Store};
use common::*;

#[test]
fn closing_the_cache_checkpoints_and_removes_the_wal() {
    let dir = tempfile::tempdir().unwrap();
    let key = CacheKey::generate().unwrap();
    let path = {
        let store = Store::open_encrypted(dir.path(), &account(), &key).unwrap();
        let rows: Vec<_> = (0..500)
            .map(|i| case(&format!("Closing {i} v. State"), &format!("C-{i}")))
            .collect();
        store.apply_page(rows, None).unwrap();
        // Readers are pooled; one is idle when the store closes.
        assert_eq!(store.search("closing", 5).unwrap().len(), 5);
        store.path().to_path_buf()
    };
    let wal = path.with_extension("sqlite-wal");
    assert!(
        !wal.exists(),
        "the WAL is left behind ({} bytes)",
        std::fs::metadata(&wal).map_or(0, |m| m.len())
    );
    assert!(
        std::fs::metadata(&path).unwrap().len() > 100 * 1024,
        "the rows are in the database file"
    );

    let store = Store::open_encrypted(dir.path(), &account(), &key).unwrap();
    assert!(store.recovery().is_none());
    let cases = store
        .counts()
        .unwrap()
        .into_iter()
        .find(|(kind, _)| *kind == Kind::Case)
        .map(|(_, n)| n);
    assert_eq!(cases, Some(500));
    assert_eq!(store.search("closing", 5).unwrap().len(), 5);
}
