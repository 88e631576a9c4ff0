//! The push against the real sandbox: retry-safe creates under dropped
//! answers (and under a create that lands only after its answer was lost),
//! the 3-way merge and conflicts end to end, Retry-After storms, and a token
//! expiring in the middle of a sync.

mod common;

use std::collections::HashSet;

use casefile_domain::entity::{Event, Kind, Task};
use casefile_domain::ids::LocalId;
use casefile_providers::Provider;
use casefile_sandbox::{FaultConfig, SandboxConfig};
use casefile_store::Choice;
use casefile_sync::{pull, Engine, SyncOptions};
use common::*;
use reqwest::Method;
use serde_json::{json, Value};

async fn sync_until_quiet(
    engine: &Engine<casefile_providers::mycase::MyCase>,
    max: usize,
) -> usize {
    for round in 1..=max {
        let _ = engine.sync_now(SyncOptions::default()).await;
        if engine.syncer().store.pending_count().unwrap() == 0 {
            return round;
        }
    }
    panic!(
        "still {} pending after {max} syncs",
        engine.syncer().store.pending_count().unwrap()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn five_hundred_creates_with_dropped_answers_leave_exactly_five_hundred_records() {
    let faults = FaultConfig {
        seed: 500,
        drop_after_commit_rate: 0.10,
        ..Default::default()
    };
    let f = fixture_with(
        SandboxConfig::empty()
            .with_rate_limit(0)
            .with_faults(faults),
        fast_retries(),
    )
    .await;
    let engine = Engine::new(f.syncer.clone());
    engine.sync_now(SyncOptions::default()).await.unwrap();
    let staff = first_staff(f.store());
    for i in 0..500 {
        f.store()
            .save(
                new_task(f.store(), &format!("Task {i:03}"), staff),
                "created",
            )
            .unwrap();
    }
    let rounds = sync_until_quiet(&engine, 200).await;
    let drops = fault_counters(&f.sandbox).await["drops"].as_u64().unwrap();
    assert!(drops >= 20, "the fault must really fire: {drops} drops");

    let dump = dump(&f.sandbox).await;
    let tasks = dump["records"]["tasks"].as_array().unwrap();
    let names: Vec<&str> = tasks.iter().filter_map(|t| t["name"].as_str()).collect();
    let unique: HashSet<&str> = names.iter().copied().collect();
    assert_eq!(
        names.len(),
        500,
        "exactly 500 on the server after {rounds} syncs and {drops} dropped answers"
    );
    assert_eq!(unique.len(), 500, "no duplicates");
    assert_eq!(count(f.store(), Kind::Task), 500);
    let remote: HashSet<String> = f
        .store()
        .remote_ids(Kind::Task)
        .unwrap()
        .into_iter()
        .map(|(_, r)| r.0)
        .collect();
    assert_eq!(
        remote.len(),
        500,
        "every local task is bound to its own server record"
    );
    eprintln!("500 creates: {rounds} syncs, {drops} dropped answers, 0 duplicates");
    f.sandbox.shutdown().await;
}

async fn an_event(f: &Fixture) -> (Event, String) {
    let id: String = f
        .store()
        .read(|c| {
            Ok(c.query_row(
                "SELECT id FROM events WHERE remote_id IS NOT NULL AND all_day = 0 ORDER BY id LIMIT 1",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    let event: Event = f
        .store()
        .get(&LocalId::parse(&id).unwrap())
        .unwrap()
        .unwrap();
    let remote = event.meta.remote_id.clone().unwrap().0;
    (event, remote)
}

fn server_event(dump: &Value, remote: &str) -> Value {
    dump["records"]["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"].as_i64().map(|i| i.to_string()).as_deref() == Some(remote))
        .cloned()
        .unwrap_or(Value::Null)
}

#[tokio::test(flavor = "multi_thread")]
async fn edits_on_both_sides_merge_and_true_conflicts_wait_for_the_user() {
    let f = fixture().await;
    let engine = Engine::new(f.syncer.clone());
    engine.sync_now(SyncOptions::default()).await.unwrap();
    let (mut event, remote) = an_event(&f).await;

    // Different fields: both changes survive, no conflict.
    event.description = Some("Bring the exhibits".into());
    f.store().save(event.clone(), "edited").unwrap();
    admin(
        &f.sandbox,
        Method::PUT,
        &format!("/admin/records/events/{remote}"),
        json!({"name": "Renamed by a colleague"}),
    )
    .await;
    let report = engine.sync_now(SyncOptions::default()).await.unwrap();
    assert_eq!(report.push.updated, 1);
    let on_server = server_event(&dump(&f.sandbox).await, &remote);
    assert_eq!(on_server["name"], "Renamed by a colleague");
    assert_eq!(on_server["description"], "Bring the exhibits");
    let local: Event = f.store().get(&event.meta.id).unwrap().unwrap();
    assert_eq!(local.name, "Renamed by a colleague");
    assert!(f.store().conflicts().unwrap().is_empty());

    // The same field: a true conflict, recorded, nothing pushed over it.
    let mut event = local;
    event.name = "Hearing (laptop)".into();
    f.store().save(event.clone(), "renamed").unwrap();
    admin(
        &f.sandbox,
        Method::PUT,
        &format!("/admin/records/events/{remote}"),
        json!({"name": "Hearing (office)"}),
    )
    .await;
    let report = engine.sync_now(SyncOptions::default()).await.unwrap();
    assert_eq!(report.push.updated, 0);
    assert_eq!(report.push.waiting, 1);
    let conflicts = f.store().conflicts().unwrap();
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].field, "name");
    assert_eq!(conflicts[0].local, Some(json!("Hearing (laptop)")));
    assert_eq!(conflicts[0].remote, Some(json!("Hearing (office)")));
    assert_eq!(
        server_event(&dump(&f.sandbox).await, &remote)["name"],
        "Hearing (office)"
    );
    assert_eq!(
        f.store()
            .get::<Event>(&event.meta.id)
            .unwrap()
            .unwrap()
            .name,
        "Hearing (laptop)"
    );
    assert_eq!(engine.status().conflicts, 1);

    // The user keeps the laptop's value; it reaches the server.
    f.store()
        .resolve_conflict(conflicts[0].id.clone(), Choice::Local)
        .unwrap();
    engine.sync_now(SyncOptions::default()).await.unwrap();
    assert_eq!(
        server_event(&dump(&f.sandbox).await, &remote)["name"],
        "Hearing (laptop)"
    );
    assert_eq!(f.store().pending_count().unwrap(), 0);

    // Deleted on the server while edited here: asked, then let go.
    let mut event: Event = f.store().get(&event.meta.id).unwrap().unwrap();
    event.description = Some("edited offline".into());
    f.store().save(event.clone(), "edited").unwrap();
    admin(
        &f.sandbox,
        Method::DELETE,
        &format!("/admin/records/events/{remote}"),
        Value::Null,
    )
    .await;
    let _ = engine.sync_now(SyncOptions { reconcile: true }).await;
    let conflicts = f.store().conflicts().unwrap();
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    assert_eq!(conflicts[0].field, casefile_store::DELETED_ON_SERVER);
    f.store()
        .resolve_conflict(conflicts[0].id.clone(), Choice::Remote)
        .unwrap();
    assert!(f.store().get::<Event>(&event.meta.id).unwrap().is_none());
    assert_eq!(f.store().pending_count().unwrap(), 0);
    f.sandbox.shutdown().await;
}

/// The server's tasks named `name`.
/// Saves a task whose create reaches the server but whose answer is lost.
async fn create_with_lost_answer(
    f: &Fixture,
    engine: &Engine<casefile_providers::mycase::MyCase>,
    name: &str,
) -> Task {
    let staff = first_staff(f.store());
    let lose = FaultConfig {
        drop_after_commit_rate: 1.0,
        ..Default::default()
    };
    set_faults(&f.sandbox, &lose).await;
    let task = new_task(f.store(), name, staff);
    f.store().save(task.clone(), "created").unwrap();
    let _ = engine.sync_now(SyncOptions::default()).await;
    set_faults(&f.sandbox, &FaultConfig::default()).await;
    assert_eq!(
        server_tasks_named(f, name).await,
        1,
        "it reached the server"
    );
    assert_eq!(
        f.store().pending_count().unwrap(),
        1,
        "but is in doubt here"
    );
    task
}

#[tokio::test(flavor = "multi_thread")]
async fn an_edit_made_while_a_create_is_in_doubt_goes_out_as_an_update_of_that_create() {
    let f = fixture_with(SandboxConfig::empty().with_rate_limit(0), fast_retries()).await;
    let engine = Engine::new(f.syncer.clone());
    engine.sync_now(SyncOptions::default()).await.unwrap();
    let name = "File the reply brief";
    let mut task = create_with_lost_answer(&f, &engine, name).await;
    // Edited offline before the next sync: the create is looked up by what
    // it sent, not by the record as it is now.
    task.description = Some("Due Friday, not Monday".into());
    f.store().save(task.clone(), "edited").unwrap();
    sync_until_quiet(&engine, 5).await;

    let dump = dump(&f.sandbox).await;
    let ours: Vec<&Value> = dump["records"]["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["name"] == name)
        .collect();
    assert_eq!(ours.len(), 1, "adopted, not posted again");
    assert_eq!(
        ours[0]["description"], "Due Friday, not Monday",
        "and the edit reached it"
    );
    let here: Task = f.store().get(&task.meta.id).unwrap().unwrap();
    assert_eq!(here.description.as_deref(), Some("Due Friday, not Monday"));
    assert!(here.meta.remote_id.is_some());
    assert_eq!(count(f.store(), Kind::Task), 1);
    f.sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_delete_made_while_a_create_is_in_doubt_reaches_the_server() {
    let f = fixture_with(SandboxConfig::empty().with_rate_limit(0), fast_retries()).await;
    let engine = Engine::new(f.syncer.clone());
    engine.sync_now(SyncOptions::default()).await.unwrap();
    let name = "Changed my mind";
    let task = create_with_lost_answer(&f, &engine, name).await;
    f.store()
        .delete(Kind::Task, task.meta.id, "deleted")
        .unwrap();
    sync_until_quiet(&engine, 5).await;
    engine
        .sync_now(SyncOptions { reconcile: true })
        .await
        .unwrap();
    assert_eq!(
        server_tasks_named(&f, name).await,
        0,
        "the user's delete reached the server"
    );
    assert_eq!(count(f.store(), Kind::Task), 0, "and it did not come back");
    assert_eq!(f.store().pending_count().unwrap(), 0);
    f.sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_429_storm_is_waited_out_and_no_request_goes_out_early() {
    let faults = FaultConfig {
        seed: 7,
        storm_rate: 0.15,
        storm_length: 2,
        ..Default::default()
    };
    let f = fixture_with(
        SandboxConfig::default()
            .with_rate_limit(0)
            .with_faults(faults),
        fast_retries(),
    )
    .await;
    let engine = Engine::new(f.syncer.clone());
    let mut status = engine.subscribe();
    let watcher = tokio::spawn(async move {
        let mut throttled = false;
        while status.changed().await.is_ok() {
            throttled |= status.borrow().throttled_until.is_some();
        }
        throttled
    });
    let started = std::time::Instant::now();
    engine.sync_now(SyncOptions::default()).await.unwrap();
    let counters = fault_counters(&f.sandbox).await;
    let storms = counters["storm"].as_u64().unwrap();
    assert!(storms >= 2, "the storm must really fire: {counters}");
    assert_eq!(
        counters["early"], 0,
        "a request went out before Retry-After elapsed: {counters}"
    );
    assert!(
        started.elapsed().as_secs() >= storms,
        "{storms} answers of Retry-After: 1 were waited out in {:?}",
        started.elapsed()
    );
    drop(engine);
    assert!(watcher.await.unwrap(), "\"throttled until\" was reported");
    f.sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_expiring_mid_sync_is_refreshed_once_even_under_concurrency() {
    let f = fixture().await;
    pull(&f.syncer, &[], &|_| {}).await.unwrap();
    admin(
        &f.sandbox,
        Method::POST,
        "/admin/tokens/expire",
        Value::Null,
    )
    .await;
    let client = f.client().clone();
    let calls = (0..8).map(|i| {
        let client = client.clone();
        let kind = [Kind::Case, Kind::Event, Kind::Task, Kind::Staff][i % 4];
        tokio::spawn(async move {
            Provider::list_page(&*client, kind, None, None)
                .await
                .map(|p| p.items.len())
        })
    });
    for call in calls {
        assert!(call.await.unwrap().unwrap() > 0);
    }
    assert_eq!(
        client.auth().refresh_count(),
        1,
        "one refresh for eight requests"
    );

    // Expiring again in the middle of a real sync: one more refresh, and it completes.
    let faults = FaultConfig {
        seed: 3,
        token_expiry_rate: 0.2,
        ..Default::default()
    };
    set_faults(&f.sandbox, &faults).await;
    let engine = Engine::new(f.syncer.clone());
    let staff = first_staff(f.store());
    for i in 0..20 {
        f.store()
            .save(
                new_task(f.store(), &format!("Expiry {i}"), staff),
                "created",
            )
            .unwrap();
    }
    engine.sync_now(SyncOptions::default()).await.unwrap();
    let counters = fault_counters(&f.sandbox).await;
    let expiries = counters["token_expiries"].as_u64().unwrap();
    assert!(expiries >= 1, "{counters}");
    assert_eq!(
        client.auth().refresh_count(),
        1 + expiries,
        "one refresh per expiry"
    );
    assert_eq!(f.store().pending_count().unwrap(), 0);
    f.sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn clearing_an_events_location_and_case_clears_them_on_the_server() {
    let f = fixture().await;
    let engine = Engine::new(f.syncer.clone());
    engine.sync_now(SyncOptions::default()).await.unwrap();
    let id: String = f
        .store()
        .read(|c| {
            Ok(c.query_row(
                "SELECT id FROM events WHERE remote_id IS NOT NULL
                   AND json_extract(data, '$.location') IS NOT NULL
                   AND json_extract(data, '$.case') IS NOT NULL ORDER BY id LIMIT 1",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    let mut event: Event = f
        .store()
        .get(&LocalId::parse(&id).unwrap())
        .unwrap()
        .unwrap();
    let remote = event.meta.remote_id.clone().unwrap().0;
    let before = server_event(&dump(&f.sandbox).await, &remote);
    assert!(before["location"]["id"].is_number(), "{before}");
    assert!(before["case"]["id"].is_number(), "{before}");

    event.location = None;
    event.case = None;
    f.store().save(event, "cleared").unwrap();
    engine.sync_now(SyncOptions::default()).await.unwrap();
    assert_eq!(f.store().pending_count().unwrap(), 0);
    let after = server_event(&dump(&f.sandbox).await, &remote);
    assert!(
        after.get("location").is_none_or(Value::is_null),
        "the location is gone on the server: {after}"
    );
    assert!(
        after.get("case").is_none_or(Value::is_null),
        "and so is the case: {after}"
    );
    // The next pull keeps them cleared here.
    engine.sync_now(SyncOptions::default()).await.unwrap();
    let here: Event = f
        .store()
        .get(&LocalId::parse(&id).unwrap())
        .unwrap()
        .unwrap();
    assert_eq!((here.location, here.case), (None, None));
    f.sandbox.shutdown().await;
}
