//! A server that keeps failing one record (a 500 on the same create,
//! forever) against the real sandbox: the rest of the outbox goes out
//! around it, and after three failures in a row it is shown as failing,
//! with the server's reason, and sent less and less often. It goes out once
//! the server takes it again.

mod common;

use std::time::Duration;

use casefile_domain::entity::Kind;
use casefile_domain::ids::LocalId;
use casefile_sandbox::{FaultConfig, SandboxConfig};
use casefile_store::query::edit_state::{edit_states, EditState};
use casefile_store::Store;
use casefile_sync::policy::Backoff;
use casefile_sync::{Engine, SyncOptions};
use common::*;

fn save_task(store: &Store, name: &str, staff: LocalId) -> LocalId {
    let task = new_task(store, name, staff);
    let id = task.meta.id;
    store.save(task, "created").unwrap();
    id
}
fn state(store: &Store, id: LocalId) -> EditState {
    store
        .read(|c| edit_states(c, Kind::Task, &[id]))
        .unwrap()
        .remove(&id)
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_create_the_server_always_fails_backs_off_is_shown_failing_and_blocks_nothing() {
    let f = fixture_with(SandboxConfig::empty().with_rate_limit(0), fast_retries()).await;
    let backoff = Backoff {
        base: Duration::from_secs(2),
        max: Duration::from_secs(4),
    };
    let engine = Engine::new(f.syncer.clone()).with_backoff(backoff);
    engine.sync_now(SyncOptions::default()).await.unwrap();
    let staff = first_staff(f.store());
    let doomed_name = "Motion the server always fails";
    set_faults(
        &f.sandbox,
        &FaultConfig {
            fail_creates_named: Some(doomed_name.into()),
            ..Default::default()
        },
    )
    .await;
    // Saved first, so it is first in the outbox.
    let doomed = save_task(f.store(), doomed_name, staff);
    for round in 1..=3 {
        let other = format!("Other work {round}");
        save_task(f.store(), &other, staff);
        let report = engine.sync_now(SyncOptions::default()).await.unwrap();
        assert_eq!(report.push.failing, 1, "round {round}: {:?}", report.push);
        assert_eq!(
            server_tasks_named(&f, &other).await,
            1,
            "round {round}: the rest went out"
        );
        let s = state(f.store(), doomed);
        assert!(s.pending && s.problem.is_none(), "not a refusal: {s:?}");
        assert_eq!(
            s.failing.is_some(),
            round >= 3,
            "round {round}: failing only after three in a row: {s:?}"
        );
    }
    let reason = state(f.store(), doomed).failing.unwrap();
    assert!(
        reason.contains("500"),
        "the server's answer is shown: {reason}"
    );

    // Now it waits out its backoff, while the rest still goes out.
    save_task(f.store(), "Other work 4", staff);
    let report = engine.sync_now(SyncOptions::default()).await.unwrap();
    assert_eq!(
        (report.push.backing_off, report.push.failing),
        (1, 0),
        "{:?}",
        report.push
    );
    assert_eq!(server_tasks_named(&f, "Other work 4").await, 1);
    tokio::time::sleep(backoff.base).await;
    let report = engine.sync_now(SyncOptions::default()).await.unwrap();
    assert_eq!(
        report.push.failing, 1,
        "tried again after its wait: {:?}",
        report.push
    );

    // The server takes it again: it goes out, once, at the next try.
    set_faults(&f.sandbox, &FaultConfig::default()).await;
    tokio::time::sleep(backoff.max).await;
    engine.sync_now(SyncOptions::default()).await.unwrap();
    assert_eq!(server_tasks_named(&f, doomed_name).await, 1);
    assert_eq!(state(f.store(), doomed), EditState::default());
    assert_eq!(f.store().pending_count().unwrap(), 0);
    f.sandbox.shutdown().await;
}
