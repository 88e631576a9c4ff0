//! Creates whose answers were lost and which land late, against the real
//! sandbox (`late_writes`: the connection closes at once with no answer and
//! the write is applied later). However late it lands within the in-doubt
//! window, the create is adopted, never posted twice; until then it shows
//! "checking…" and the rest of the outbox goes on. Past the window a create
//! that never landed goes out again, once.
//!
//! 1 s and 30 s run here; 5 min is ignored by default (it takes five
//! minutes): `cargo test -p casefile-sync --test late_creates -- --ignored`.

mod common;

use std::time::{Duration, Instant};

use casefile_domain::entity::{Kind, Task};
use casefile_domain::ids::LocalId;
use casefile_sandbox::{FaultConfig, SandboxConfig};
use casefile_store::query::edit_state::edit_states;
use casefile_store::Store;
use casefile_sync::{pull, Engine, SyncOptions};
use common::*;

type TestEngine = Engine<casefile_providers::mycase::MyCase>;

fn checking(store: &Store, id: LocalId) -> bool {
    store
        .read(|c| edit_states(c, Kind::Task, &[id]))
        .unwrap()
        .get(&id)
        .is_some_and(|s| s.checking)
}

async fn late_applied(f: &Fixture) -> u64 {
    fault_counters(&f.sandbox).await["late_applied"]
        .as_u64()
        .unwrap_or(0)
}

/// Saves a task and syncs while the next write is held `late` upstream;
/// returns the task's id.
async fn create_held_upstream(
    f: &Fixture,
    engine: &TestEngine,
    name: &str,
    late: Duration,
) -> LocalId {
    engine.sync_now(SyncOptions::default()).await.unwrap();
    let staff = first_staff(f.store());
    set_faults(
        &f.sandbox,
        &FaultConfig {
            late_writes: 1,
            late_write_ms: late.as_millis() as u64,
            ..Default::default()
        },
    )
    .await;
    let task = new_task(f.store(), name, staff);
    let id = task.meta.id;
    f.store().save(task, "created").unwrap();
    let _ = engine.sync_now(SyncOptions::default()).await;
    assert_eq!(
        f.store().pending_count().unwrap(),
        1,
        "the create is in doubt"
    );
    assert!(checking(f.store(), id), "and shown as checking");
    id
}

/// Syncs every `every` until the held write has landed and one more sync
/// has run, asserting at each step that the server never holds two.
async fn sync_through_landing(
    f: &Fixture,
    engine: &TestEngine,
    name: &str,
    id: LocalId,
    every: Duration,
    limit: Duration,
) {
    let staff = first_staff(f.store());
    let started = Instant::now();
    let mut other = 0;
    loop {
        let landed = late_applied(f).await == 1;
        let _ = engine.sync_now(SyncOptions::default()).await;
        let on_server = server_tasks_named(f, name).await;
        assert!(on_server <= 1, "posted twice after {:?}", started.elapsed());
        if landed {
            break;
        }
        if on_server == 1 {
            // The held write may have landed during this sync: its counter
            // is raised just after its commit. Anything else is a repost.
            let deadline = Instant::now() + Duration::from_secs(5);
            while late_applied(f).await == 0 {
                assert!(Instant::now() < deadline, "posted while in doubt");
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            continue;
        }
        assert!(
            checking(f.store(), id),
            "still checking at {:?}",
            started.elapsed()
        );
        // The rest of the outbox goes on meanwhile.
        other += 1;
        let side = format!("{name}: meanwhile {other}");
        f.store()
            .save(new_task(f.store(), &side, staff), "created")
            .unwrap();
        let _ = engine.sync_now(SyncOptions::default()).await;
        assert_eq!(server_tasks_named(f, &side).await, 1, "{side} went out");
        assert!(started.elapsed() < limit, "the held write never landed");
        tokio::time::sleep(every).await;
    }
    assert_eq!(
        server_tasks_named(f, name).await,
        1,
        "exactly one on the server"
    );
    assert_eq!(
        f.store().pending_count().unwrap(),
        0,
        "adopted, nothing pending"
    );
    assert!(!checking(f.store(), id));
    let task: Task = f.store().get(&id).unwrap().unwrap();
    assert!(
        task.meta.remote_id.is_some(),
        "bound to the server's record"
    );
    let here = f
        .store()
        .read(|c| {
            Ok(c.query_row(
                "SELECT count(*) FROM tasks WHERE json_extract(data, '$.name') = ?1",
                [name],
                |r| r.get::<_, i64>(0),
            )?)
        })
        .unwrap();
    assert_eq!(here, 1, "and exactly one here");
}

async fn lands_late_and_is_adopted(late: Duration, every: Duration) {
    let f = fixture_with(SandboxConfig::empty().with_rate_limit(0), fast_retries()).await;
    let engine = Engine::new(f.syncer.clone());
    let name = format!("File the motion ({late:?} late)");
    let id = create_held_upstream(&f, &engine, &name, late).await;
    sync_through_landing(
        &f,
        &engine,
        &name,
        id,
        every,
        late * 3 + Duration::from_secs(20),
    )
    .await;
    f.sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_create_landing_1s_after_its_answer_was_lost_is_adopted_not_sent_again() {
    lands_late_and_is_adopted(Duration::from_secs(1), Duration::from_millis(200)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_create_landing_30s_after_its_answer_was_lost_is_adopted_not_sent_again() {
    lands_late_and_is_adopted(Duration::from_secs(30), Duration::from_secs(3)).await;
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "takes five minutes: cargo test -p casefile-sync --test late_creates -- --ignored"]
async fn a_create_landing_5min_after_its_answer_was_lost_is_adopted_not_sent_again() {
    lands_late_and_is_adopted(Duration::from_secs(300), Duration::from_secs(20)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_create_that_never_lands_goes_out_once_its_window_has_passed() {
    let f = fixture_with(SandboxConfig::empty().with_rate_limit(0), fast_retries()).await;
    let window = Duration::from_secs(2);
    let engine = Engine::new(f.syncer.clone()).with_in_doubt_window(window);
    let name = "Serve the subpoena";
    // Held for an hour: for this test, it never lands.
    let id = create_held_upstream(&f, &engine, name, Duration::from_secs(3600)).await;
    engine.sync_now(SyncOptions::default()).await.unwrap();
    assert!(checking(f.store(), id), "within its window it waits");
    assert_eq!(server_tasks_named(&f, name).await, 0);
    tokio::time::sleep(window).await;
    engine.sync_now(SyncOptions::default()).await.unwrap();
    assert!(!checking(f.store(), id));
    assert_eq!(f.store().pending_count().unwrap(), 0);
    assert_eq!(server_tasks_named(&f, name).await, 1, "sent again, once");
    engine.sync_now(SyncOptions::default()).await.unwrap();
    assert_eq!(server_tasks_named(&f, name).await, 1, "and only once");
    f.sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_create_the_server_answered_without_making_is_not_in_doubt() {
    let f = fixture_with(SandboxConfig::empty().with_rate_limit(0), fast_retries()).await;
    let engine = Engine::new(f.syncer.clone());
    engine.sync_now(SyncOptions::default()).await.unwrap();
    let staff = first_staff(f.store());
    // Every request fails with the API's own 500 "try again later".
    set_faults(
        &f.sandbox,
        &FaultConfig {
            error_rate: 1.0,
            ..Default::default()
        },
    )
    .await;
    let task = new_task(f.store(), "Draft the brief", staff);
    let id = task.meta.id;
    f.store().save(task, "created").unwrap();
    let _ = engine.sync_now(SyncOptions::default()).await;
    assert!(!checking(f.store(), id), "an answer says it was not made");
    set_faults(&f.sandbox, &FaultConfig::default()).await;
    engine.sync_now(SyncOptions::default()).await.unwrap();
    assert_eq!(
        server_tasks_named(&f, "Draft the brief").await,
        1,
        "sent at the next sync"
    );
    assert_eq!(f.store().pending_count().unwrap(), 0);
    f.sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_create_landing_between_the_look_and_the_pull_is_not_pulled_in_twice() {
    let f = fixture_with(SandboxConfig::empty().with_rate_limit(0), fast_retries()).await;
    let engine = Engine::new(f.syncer.clone());
    let name = "Prepare the exhibits";
    let id = create_held_upstream(&f, &engine, name, Duration::from_millis(300)).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while late_applied(&f).await == 0 {
        assert!(Instant::now() < deadline, "the held write never landed");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // A pull with no look before it (as when the create lands just after
    // the look): the server's copy is ours, and stays out.
    pull(&f.syncer, &[Kind::Task], &|_| {}).await.unwrap();
    let count_here = |store: &Store| {
        store
            .read(|c| {
                Ok(c.query_row(
                    "SELECT count(*) FROM tasks WHERE json_extract(data, '$.name') = ?1",
                    [name],
                    |r| r.get::<_, i64>(0),
                )?)
            })
            .unwrap()
    };
    assert_eq!(count_here(f.store()), 1, "not pulled in as a second record");
    engine.sync_now(SyncOptions::default()).await.unwrap();
    assert_eq!(count_here(f.store()), 1);
    assert!(!checking(f.store(), id), "adopted by the next look");
    assert_eq!(server_tasks_named(&f, name).await, 1);
    assert_eq!(f.store().pending_count().unwrap(), 0);
    f.sandbox.shutdown().await;
}
