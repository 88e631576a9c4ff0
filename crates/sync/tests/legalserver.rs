//! The engine against a second API: the LegalServer provider pulling the
//! sandbox's firm in LegalServer's dialect (page numbers, UUIDs, no
//! updated-since filter, a personal access token). The whole firm arrives
//! with its references, a second sync duplicates nothing, and a record
//! deleted on the server leaves the cache at the next reconciliation.

mod common;

use std::sync::Arc;

use casefile_domain::entity::{Event, Kind, Task};
use casefile_domain::ids::AccountId;
use casefile_sandbox::{Dialect, SandboxConfig};
use casefile_store::Store;
use casefile_sync::{pull, Engine, SyncOptions, Syncer};
use common::{admin, count, dump};
use serde_json::Value;

fn no_progress(_: casefile_sync::PageProgress) {}

#[tokio::test(flavor = "multi_thread")]
async fn the_legalserver_provider_pulls_the_whole_firm_and_a_second_sync_duplicates_nothing() {
    let sandbox = casefile_sandbox::start(
        SandboxConfig::default()
            .with_dialect(Dialect::LegalServer)
            .with_per_minute(0),
    )
    .await
    .unwrap();
    let info = sandbox.info().clone();
    assert_eq!(info.dialect, "legalserver");
    // A personal access token, as a LegalServer user makes one.
    let provider = common::connect_legalserver(&sandbox);
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path(), &AccountId("ls".into())).unwrap());
    let syncer = Syncer {
        store: store.clone(),
        provider: Arc::new(provider),
        zone: chrono_tz::America::New_York,
    };
    let server = dump(&sandbox).await;
    let on_server = |k: &str| server["records"][k].as_array().map_or(0, Vec::len) as u64;

    let first = pull(&syncer, &[], &no_progress).await.unwrap();
    assert_eq!(first.quarantined(), 0, "{first:?}");
    for (kind, name) in [
        (Kind::Staff, "staff"),
        (Kind::Client, "clients"),
        (Kind::Company, "companies"),
        (Kind::Case, "cases"),
        (Kind::Event, "events"),
        (Kind::Task, "tasks"),
    ] {
        assert_eq!(count(&store, kind), on_server(name), "{name}");
    }
    // References by UUID became local links.
    let events: Vec<Event> = store
        .read(|c| {
            let mut stmt = c.prepare("SELECT data FROM events")?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
            Ok(rows
                .map(|r| serde_json::from_str(&r.unwrap()).unwrap())
                .collect())
        })
        .unwrap();
    assert!(
        events.iter().all(|e| !e.staff.is_empty()),
        "every event has its attendees"
    );
    assert!(
        events.iter().any(|e| e.case.is_some()),
        "events are filed under their matters"
    );
    let tasks_with_case: i64 = store
        .read(|c| {
            Ok(c.query_row(
                "SELECT count(*) FROM tasks WHERE case_id IS NOT NULL",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert!(tasks_with_case > 0, "tasks are filed under their matters");
    let some_task: Task = {
        let id: String = store
            .read(|c| Ok(c.query_row("SELECT id FROM tasks LIMIT 1", [], |r| r.get(0))?))
            .unwrap();
        store
            .get(&casefile_domain::ids::LocalId::parse(&id).unwrap())
            .unwrap()
            .unwrap()
    };
    assert!(!some_task.name.is_empty());

    // Without an updated-since filter every sync walks everything; nothing doubles.
    let again = pull(&syncer, &[], &no_progress).await.unwrap();
    assert!(again.requests() >= 6, "one walk per resource");
    assert_eq!(count(&store, Kind::Event), on_server("events"));
    assert_eq!(count(&store, Kind::Case), on_server("cases"));

    // An event deleted on the server leaves the cache at the reconciliation.
    let gone = server["records"]["events"][0]["id"].as_i64().unwrap();
    admin(
        &sandbox,
        reqwest::Method::DELETE,
        &format!("/admin/records/events/{gone}"),
        Value::Null,
    )
    .await;
    let engine = Engine::new(syncer.clone());
    engine
        .sync_now(SyncOptions { reconcile: true })
        .await
        .unwrap();
    assert_eq!(count(&store, Kind::Event), on_server("events") - 1);
    sandbox.shutdown().await;
}
