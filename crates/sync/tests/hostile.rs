//! Server input no parser should have to survive whole: one record nested
//! deeper than serde_json's recursion limit, and one that is not JSON at
//! all, served by the real sandbox among the demo firm's cases. The sync
//! must finish, set exactly those two aside with a reason, apply the rest of
//! their page and every later resource, and stay clean on the next sync.

mod common;

use casefile_domain::entity::Kind;
use casefile_sync::{Engine, SyncOptions};
use common::*;

#[tokio::test(flavor = "multi_thread")]
async fn a_deeply_nested_or_broken_record_is_set_aside_and_the_sync_goes_on() {
    let f = fixture().await;
    let server = dump(&f.sandbox).await;
    let server_count = |k: &str| server["records"][k].as_array().unwrap().len() as u64;
    let deep = format!(
        "{{\"id\": 990001, \"name\": \"Deep\", \"description\": {}1{}}}",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    serve_raw(&f, "cases", deep).await;
    serve_raw(
        &f,
        "cases",
        "{\"id\": 990002, \"name\": \"Broken\", \"closed\": tru}".into(),
    )
    .await;

    let engine = Engine::new(f.syncer.clone());
    let report = engine
        .sync_now(SyncOptions::default())
        .await
        .expect("one bad record must not stop the sync");
    assert_eq!(report.pull.quarantined(), 2, "{:?}", report.pull.resources);
    let store = f.store();
    // Every readable case arrived, and the resources pulled after cases too.
    assert_eq!(count(store, Kind::Case), server_count("cases"));
    assert_eq!(count(store, Kind::Event), server_count("events"));
    assert_eq!(count(store, Kind::Task), server_count("tasks"));
    let set_aside = store.quarantined().unwrap();
    assert_eq!(set_aside.len(), 2, "{set_aside:?}");
    assert!(set_aside.iter().all(|q| q.resource == "cases"));
    assert!(
        set_aside
            .iter()
            .all(|q| q.reason.contains("not valid JSON")),
        "{set_aside:?}"
    );
    assert_eq!(engine.status().quarantined, 2);
    assert!(engine.status().error.is_none());

    // The next sync re-reads the lookback and meets them again: still two rows.
    engine.sync_now(SyncOptions::default()).await.unwrap();
    assert_eq!(store.quarantined().unwrap().len(), 2);
    f.sandbox.shutdown().await;
}
