//! Edits made here reach LegalServer (the sandbox in its dialect):
//!
//! - events and tasks are created with `POST` and changed with a partial
//!   `PATCH`, times with their offset, references by UUID; v1 has no
//!   delete, so a delete is refused here with that reason and nothing is
//!   sent;
//! - creates whose answers are dropped after the server committed them are
//!   never duplicated: events are found again by their `external_id`,
//!   tasks by their fields (`LS_DROPPED_CREATES=1000` for the long run);
//! - without Premium (402) the changes wait, pending, with the account
//!   saying why, one request per kind and sync, and go out once the firm
//!   has Premium.

mod common;

use std::sync::Arc;

use casefile_domain::entity::{Event, Kind, Meta, Priority, Task};
use casefile_domain::ids::{AccountId, LocalId};
use casefile_domain::time::EventTime;
use casefile_providers::legalserver::{LegalServer, PREMIUM};
use casefile_providers::Provider;
use casefile_sandbox::{Dialect, FaultConfig, RunningSandbox, SandboxConfig};
use casefile_store::Store;
use casefile_sync::{Engine, SyncOptions, Syncer};
use chrono::{NaiveDate, TimeZone};
use chrono_tz::America::New_York;
use common::{admin, dump, set_faults};
use serde_json::{json, Value};

struct Firm {
    sandbox: RunningSandbox,
    _dir: tempfile::TempDir,
    syncer: Syncer<LegalServer>,
}

async fn firm(config: SandboxConfig) -> Firm {
    let sandbox =
        casefile_sandbox::start(config.with_dialect(Dialect::LegalServer).with_per_minute(0))
            .await
            .unwrap();
    let provider = common::connect_legalserver(&sandbox);
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path(), &AccountId("ls".into())).unwrap());
    Firm {
        sandbox,
        _dir: dir,
        syncer: Syncer {
            store,
            provider: Arc::new(provider),
            zone: New_York,
        },
    }
}

/// The engine as the app runs it, with no backoff between the test's syncs.
fn engine(f: &Firm) -> Engine<LegalServer> {
    Engine::new(f.syncer.clone()).with_backoff(casefile_sync::policy::Backoff {
        base: std::time::Duration::ZERO,
        max: std::time::Duration::ZERO,
    })
}

fn any_id(store: &Store, table: &str) -> LocalId {
    let id: String = store
        .read(|c| Ok(c.query_row(&format!("SELECT id FROM {table} LIMIT 1"), [], |r| r.get(0))?))
        .unwrap();
    LocalId::parse(&id).unwrap()
}

fn new_event(store: &Store, name: &str, staff: LocalId) -> Event {
    // 02:30 on the night the clocks spring forward: 03:30 EDT.
    let local = NaiveDate::from_ymd_opt(2026, 3, 8)
        .unwrap()
        .and_hms_opt(2, 30, 0)
        .unwrap();
    let start = casefile_domain::time::local_to_instant(local, New_York);
    Event {
        meta: Meta::local(store.account()),
        name: name.into(),
        description: None,
        location: Some("Courtroom 4".into()),
        case: None,
        staff: vec![staff],
        time: EventTime::timed(start, start + chrono::Duration::hours(1), New_York).unwrap(),
        private: false,
    }
}

fn new_task(store: &Store, name: &str, staff: LocalId, case: LocalId) -> Task {
    Task {
        meta: Meta::local(store.account()),
        name: name.into(),
        description: None,
        priority: Priority::High,
        due: NaiveDate::from_ymd_opt(2026, 12, 24),
        completed: false,
        completed_at: None,
        case: Some(case),
        staff: vec![staff],
    }
}

/// The sandbox's records of `kind` (its dump's name) called `name`.
async fn on_server(f: &Firm, kind: &str, name: &str) -> Vec<Value> {
    dump(&f.sandbox).await["records"][kind]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["name"] == name)
        .cloned()
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn events_and_tasks_made_and_changed_here_reach_legalserver_and_deletes_are_not_offered() {
    let f = firm(SandboxConfig::default()).await;
    let engine = engine(&f);
    engine.sync_now(SyncOptions::default()).await.unwrap();
    let store = &f.syncer.store;
    let staff = any_id(store, "staff");
    let case = any_id(store, "cases");

    let event = new_event(store, "Hearing made offline", staff);
    let event_id = event.meta.id;
    store.save(event, "created").unwrap();
    let task = new_task(store, "Brief made offline", staff, case);
    let task_id = task.meta.id;
    store.save(task, "created").unwrap();
    let report = engine.sync_now(SyncOptions::default()).await.unwrap();
    assert_eq!(report.push.created, 2, "{:?}", report.push);
    assert_eq!(store.summary().unwrap().pending, 0);

    let server = on_server(&f, "events", "Hearing made offline").await;
    assert_eq!(server.len(), 1);
    let start = chrono::DateTime::parse_from_rfc3339(server[0]["start"].as_str().unwrap()).unwrap();
    assert_eq!(
        start,
        chrono::Utc.with_ymd_and_hms(2026, 3, 8, 7, 30, 0).unwrap(),
        "02:30 in the DST gap went out as 03:30 EDT"
    );
    assert_eq!(server[0]["external_id"], event_id.to_string());
    assert_eq!(server[0]["location_name"], "Courtroom 4");
    let tasks = on_server(&f, "tasks", "Brief made offline").await;
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0]["priority"], "High", "sent as a deadline");
    assert!(tasks[0]["case"]["id"].is_i64(), "filed under its matter");

    // A change goes out as a PATCH of what changed; the rest is kept.
    let mut event: Event = store.get(&event_id).unwrap().unwrap();
    event.name = "Hearing (moved)".into();
    event.time = EventTime::timed(
        chrono::Utc.with_ymd_and_hms(2026, 3, 9, 14, 0, 0).unwrap(),
        chrono::Utc.with_ymd_and_hms(2026, 3, 9, 15, 0, 0).unwrap(),
        New_York,
    )
    .unwrap();
    store.save(event, "moved").unwrap();
    let mut task: Task = store.get(&task_id).unwrap().unwrap();
    task.completed = true;
    task.completed_at = Some(chrono::Utc::now());
    store.save(task, "completed").unwrap();
    let report = engine.sync_now(SyncOptions::default()).await.unwrap();
    assert_eq!(report.push.updated, 2, "{:?}", report.push);
    let moved = on_server(&f, "events", "Hearing (moved)").await;
    assert_eq!(moved.len(), 1);
    assert_eq!(moved[0]["location_name"], "Courtroom 4", "kept");
    let start = chrono::DateTime::parse_from_rfc3339(moved[0]["start"].as_str().unwrap()).unwrap();
    assert_eq!(
        start,
        chrono::Utc.with_ymd_and_hms(2026, 3, 9, 14, 0, 0).unwrap()
    );
    assert_eq!(
        on_server(&f, "tasks", "Brief made offline").await[0]["completed"],
        true
    );
    assert_eq!(store.summary().unwrap().pending, 0);

    // v1 has no delete: refused here with the reason, nothing sent.
    let caps = f.syncer.provider.capabilities();
    assert!(!caps.writes(Kind::Case));
    assert!(caps.can_update(Kind::Event) && !caps.can_delete(Kind::Event));
    store.delete(Kind::Event, event_id, "deleted").unwrap();
    let report = engine.sync_now(SyncOptions::default()).await.unwrap();
    assert_eq!((report.push.refused, report.push.deleted), (1, 0));
    assert_eq!(on_server(&f, "events", "Hearing (moved)").await.len(), 1);
    f.sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn creates_whose_answers_are_dropped_are_never_duplicated() {
    let creates: usize = std::env::var("LS_DROPPED_CREATES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    let f = firm(SandboxConfig::default()).await;
    let engine = engine(&f);
    engine.sync_now(SyncOptions::default()).await.unwrap();
    let store = &f.syncer.store;
    let staff = any_id(store, "staff");
    let case = any_id(store, "cases");
    set_faults(
        &f.sandbox,
        &FaultConfig {
            seed: 7,
            drop_after_commit_rate: 0.10,
            ..Default::default()
        },
    )
    .await;
    // Half events (keyed by external_id), half tasks (found by their fields).
    for i in 0..creates {
        if i % 2 == 0 {
            store
                .save(new_event(store, &format!("Dropped {i}"), staff), "created")
                .unwrap();
        } else {
            store
                .save(
                    new_task(store, &format!("Dropped {i}"), staff, case),
                    "created",
                )
                .unwrap();
        }
    }
    // A lost answer ends that sync's push (as going offline does), so
    // about one sync per ten creates.
    let most = creates / 4 + 40;
    let mut syncs = 0;
    while store.summary().unwrap().pending > 0 {
        syncs += 1;
        assert!(
            syncs <= most,
            "still pending after {most} syncs: {:?}",
            store.summary().unwrap()
        );
        let _ = engine.sync_now(SyncOptions::default()).await;
    }
    let counters = common::fault_counters(&f.sandbox).await;
    let drops = counters["drops"].as_u64().unwrap();
    assert!(drops > 0, "answers were dropped: {counters}");
    let server = dump(&f.sandbox).await;
    for i in 0..creates {
        let kind = if i % 2 == 0 { "events" } else { "tasks" };
        let name = format!("Dropped {i}");
        let held = server["records"][kind]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["name"] == name.as_str())
            .count();
        assert_eq!(held, 1, "{name} ({kind}) is on the server once");
    }
    for (kind, table) in [(Kind::Event, "events"), (Kind::Task, "tasks")] {
        let here: i64 = store
            .read(|c| {
                Ok(c.query_row(
                    &format!("SELECT count(*) FROM {table} WHERE json_extract(data, '$.name') LIKE 'Dropped %'"),
                    [],
                    |r| r.get(0),
                )?)
            })
            .unwrap();
        let want = creates / 2 + usize::from(kind == Kind::Event && creates % 2 == 1);
        assert_eq!(here as usize, want, "{table} here: each once");
    }
    println!(
        "legalserver-dropped-creates: creates={creates} drops={drops} syncs={syncs} duplicated=0"
    );
    f.sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn without_premium_changes_wait_and_say_why_and_go_once_the_firm_has_it() {
    let f = firm(SandboxConfig::default().with_premium(false)).await;
    let engine = engine(&f);
    engine.sync_now(SyncOptions::default()).await.unwrap();
    let store = &f.syncer.store;
    let staff = any_id(store, "staff");
    let case = any_id(store, "cases");
    for i in 0..3 {
        store
            .save(
                new_event(store, &format!("Needs Premium {i}"), staff),
                "created",
            )
            .unwrap();
    }
    store
        .save(
            new_task(store, "Needs Premium task", staff, case),
            "created",
        )
        .unwrap();

    for round in 1..=2 {
        let before = f.syncer.provider.request_count();
        let report = engine.sync_now(SyncOptions::default()).await.unwrap();
        let writes = f.syncer.provider.request_count() - before;
        let held: Vec<(Kind, usize)> = report
            .push
            .held
            .iter()
            .map(|h| (h.kind, h.changes))
            .collect();
        assert_eq!(held, [(Kind::Event, 3), (Kind::Task, 1)], "round {round}");
        assert!(report.push.held.iter().all(|h| h.plan == PREMIUM));
        assert_eq!(report.push.refused, 0, "a plan is not a refusal");
        // The pull walks six resources; the push asks once per kind.
        assert!(
            writes <= 6 + 2 + 2,
            "round {round}: no loop, {writes} requests"
        );
        // The account shows why (the core words it: crates/core/src/status.rs).
        assert_eq!(engine.status().held, report.push.held);
        assert_eq!(store.summary().unwrap().pending, 4);
        assert_eq!(store.summary().unwrap().refused, 0);
    }
    assert!(on_server(&f, "events", "Needs Premium 0").await.is_empty());

    admin(
        &f.sandbox,
        reqwest::Method::PUT,
        "/admin/premium",
        json!({ "premium": true }),
    )
    .await;
    let report = engine.sync_now(SyncOptions::default()).await.unwrap();
    assert!(report.push.held.is_empty(), "{:?}", report.push);
    assert_eq!(report.push.created, 4);
    assert!(engine.status().held.is_empty());
    assert_eq!(store.summary().unwrap().pending, 0);
    for i in 0..3 {
        assert_eq!(
            on_server(&f, "events", &format!("Needs Premium {i}"))
                .await
                .len(),
            1
        );
    }
    f.sandbox.shutdown().await;
}
