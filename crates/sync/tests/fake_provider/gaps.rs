//! Where the engine was not provider-neutral (fixed), and what is still wrong.

use super::*;

// --- Where the engine was not provider-neutral (fixed), and what is still wrong ---

#[tokio::test(flavor = "multi_thread")]
async fn a_firm_without_cases_still_finds_server_deletions() {
    let s = Setup::new(Fake::without_cases(7));
    s.fake.seed_firm(10);
    s.sync().await;
    s.sync().await;
    assert_eq!(count(s.store(), Kind::Event), 10);
    let gone = s.fake.records(Kind::Event)[4]["uuid"]
        .as_str()
        .unwrap()
        .to_owned();
    s.fake.admin_delete(Kind::Event, &gone);
    let report = s
        .engine
        .sync_now(SyncOptions { reconcile: true })
        .await
        .unwrap();
    assert!(
        report.reconcile.is_some(),
        "an explicit reconciliation runs on a second sync"
    );
    assert_eq!(
        count(s.store(), Kind::Event),
        9,
        "the server's deletion reached the cache"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_walk_resumed_after_a_server_deletion_skips_no_change() {
    let s = Setup::new(Fake::with_firm(8, 21));
    s.sync().await;
    let uuids: Vec<String> = s
        .fake
        .records(Kind::Task)
        .iter()
        .map(|t| t["uuid"].as_str().unwrap().to_owned())
        .collect();
    for (i, uuid) in uuids.iter().enumerate() {
        s.fake
            .admin_edit(Kind::Task, uuid, json!({"title": format!("Edited {i}")}));
    }
    // The incremental walk of the 21 changed tasks is three pages; the
    // second fails, so the sync stops with page 1 applied and "2" saved.
    s.fake.fail_page_once(Kind::Task, 2);
    assert!(s.engine.sync_now(SyncOptions::default()).await.is_err());
    assert_eq!(
        s.store()
            .checkpoint("tasks")
            .unwrap()
            .and_then(|c| c.cursor)
            .as_deref(),
        Some("2")
    );
    // Meanwhile a colleague deletes a task of page 1.
    s.fake.admin_delete(Kind::Task, &uuids[0]);
    s.sync().await;
    s.engine
        .sync_now(SyncOptions { reconcile: true })
        .await
        .unwrap();
    for server in s.fake.records(Kind::Task) {
        let id = s.local(Kind::Task, server["uuid"].as_str().unwrap());
        let local: Task = s.store().get(&id).unwrap().unwrap();
        assert_eq!(
            local.name,
            server["title"].as_str().unwrap(),
            "every server change arrived"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_local_delete_of_a_create_whose_answer_was_lost_reaches_the_server() {
    let s = Setup::new(Fake::with_firm(9, 3));
    s.sync().await;
    let staff = live_ids(s.store(), "staff")[0];
    let task = new_task(s.store(), "Changed my mind", staff, None);
    let id = task.meta.id;
    s.store().save(task, "created").unwrap();
    s.fake.set_faults(Faults {
        lost_answer_rate: 1.0,
        error_rate: 0.0,
    });
    let _ = s.engine.sync_now(SyncOptions::default()).await;
    assert_eq!(s.fake.counters().lost_creates, 1, "applied, answer lost");
    s.fake.set_faults(Faults::default());
    s.store().delete(Kind::Task, id, "deleted").unwrap();
    s.sync_until_quiet(5).await;
    s.engine
        .sync_now(SyncOptions { reconcile: true })
        .await
        .unwrap();
    let on_server = s
        .fake
        .records(Kind::Task)
        .into_iter()
        .filter(|t| t["title"] == "Changed my mind")
        .count();
    assert_eq!(on_server, 0, "the user's delete reached the server");
    assert_eq!(count(s.store(), Kind::Task), 3, "and it did not come back");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_paused_engine_syncs_only_when_asked_and_resumes() {
    let s = Setup::new(Fake::with_firm(3, 1));
    let engine = Arc::new(Engine::new(Syncer {
        store: s.store().clone(),
        provider: s.fake.clone(),
        zone: ZONE,
    }));
    engine.set_paused(true);
    let stop = tokio_util::sync::CancellationToken::new();
    let runner = tokio::spawn(
        engine
            .clone()
            .run(std::time::Duration::from_millis(20), stop.clone()),
    );
    let requests = || casefile_providers::Provider::request_count(&*s.fake);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(requests(), 0, "paused: nothing is fetched");
    // "Sync now" while paused: one sync, then paused again.
    engine.request();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while engine.status().last_success.is_none() {
        assert!(
            std::time::Instant::now() < deadline,
            "the requested sync never ran"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let after_one = requests();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(requests(), after_one, "still paused after the one sync");
    engine.set_paused(false);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(requests() > after_one, "resumed: the periodic syncs go on");
    stop.cancel();
    runner.await.unwrap();
}
