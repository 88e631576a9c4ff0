//! The pull against the real sandbox on loopback: a full first sync of the
//! demo firm, an incremental sync that costs one request per resource, a
//! server-side change arriving, a local edit surviving a pull, and a record
//! the server garbles being quarantined while the rest of its page applies.

mod common;

use casefile_domain::entity::{Case, Kind};
use casefile_store::CaseQuery;
use casefile_sync::{pull, Syncer};
use common::*;
use serde_json::json;

fn no_progress(_: casefile_sync::PageProgress) {}

#[tokio::test(flavor = "multi_thread")]
async fn a_first_sync_brings_the_whole_demo_firm_and_the_next_costs_one_request_per_resource() {
    let f = fixture().await;
    let (sandbox, store) = (&f.sandbox, f.store());
    let dump = dump(sandbox).await;
    let server_count = |k: &str| {
        dump["records"][k]
            .as_array()
            .map(|a| a.len() as u64)
            .unwrap_or_else(|| {
                panic!(
                    "dump has no {k}: {}",
                    dump.as_object()
                        .unwrap()
                        .keys()
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(",")
                )
            })
    };

    let first = pull(&f.syncer, &[], &no_progress).await.unwrap();
    assert_eq!(
        first.resources.iter().map(|r| r.quarantined).sum::<usize>(),
        0
    );
    assert_eq!(count(store, Kind::Case), server_count("cases"));
    assert_eq!(count(store, Kind::Event), server_count("events"));
    assert_eq!(count(store, Kind::Task), server_count("tasks"));
    assert_eq!(count(store, Kind::Client), server_count("clients"));
    assert_eq!(count(store, Kind::Staff), server_count("staff"));

    // References became local links: every case has its client and a lead lawyer.
    let page = store
        .cases(&CaseQuery {
            limit: 100,
            ..Default::default()
        })
        .unwrap();
    let first_case: Case = store.get(&page.items[0].id).unwrap().unwrap();
    assert!(!first_case.clients.is_empty() || !first_case.companies.is_empty());
    assert!(first_case.staff.iter().any(|s| s.role == "lead_lawyer"));
    assert!(
        page.items
            .iter()
            .all(|c| c.stage.is_some() && c.practice_area.is_some()),
        "stages and areas resolve by name"
    );

    // The synced events fill the calendar around today.
    let now = chrono::Utc::now();
    let month = casefile_store::EventQuery {
        from: now - chrono::Duration::days(15),
        to: now + chrono::Duration::days(15),
        viewer: chrono_tz::America::New_York,
        case: None,
        staff: None,
    };
    let drawn = store.calendar(&month).unwrap();
    let full = store.events(&month).unwrap();
    assert!(
        !drawn.is_empty(),
        "no events around today; {} in the cache",
        count(store, Kind::Event)
    );
    assert_eq!(drawn.len(), full.len());

    let again = pull(&f.syncer, &[], &no_progress).await.unwrap();
    assert_eq!(
        again.requests(),
        10,
        "one request per resource when nothing changed"
    );
    assert_eq!(count(store, Kind::Case), server_count("cases"));
    f.sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn server_changes_arrive_local_edits_survive_and_garbage_is_quarantined() {
    let f = fixture().await;
    let syncer = Syncer {
        zone: chrono_tz::UTC,
        ..f.syncer.clone()
    };
    let (sandbox, store) = (&f.sandbox, f.store());
    pull(&syncer, &[], &no_progress).await.unwrap();
    let page = store
        .cases(&CaseQuery {
            limit: 2,
            ..Default::default()
        })
        .unwrap();
    let (a, b) = (page.items[0].clone(), page.items[1].clone());
    let remote = |id| {
        store
            .get::<Case>(&id)
            .unwrap()
            .unwrap()
            .meta
            .remote_id
            .unwrap()
            .0
    };

    // Another user renames case A on the server; the laptop edits case B.
    admin(
        sandbox,
        reqwest::Method::PUT,
        &format!("/admin/records/cases/{}", remote(a.id)),
        json!({"name": "Renamed on the server"}),
    )
    .await;
    let mut local: Case = store.get(&b.id).unwrap().unwrap();
    local.description = Some("Edited offline".into());
    store.save(local, "Edited description").unwrap();
    admin(
        sandbox,
        reqwest::Method::PUT,
        &format!("/admin/records/cases/{}", remote(b.id)),
        json!({"name": "Server rename of an edited case"}),
    )
    .await;
    // And the server holds an event whose start is garbage.
    admin(
        sandbox,
        reqwest::Method::POST,
        "/admin/records/events",
        json!({"name": "Broken event", "start": "next Tuesday", "end": "later", "all_day": false}),
    )
    .await;

    let report = pull(&syncer, &[], &no_progress).await.unwrap();
    assert_eq!(
        store.get::<Case>(&a.id).unwrap().unwrap().name,
        "Renamed on the server"
    );
    let kept: Case = store.get(&b.id).unwrap().unwrap();
    assert_eq!(
        kept.description.as_deref(),
        Some("Edited offline"),
        "a pull never overwrites a pending edit"
    );
    assert_eq!(report.rebased, vec![b.id], "the edited case is rebased");
    assert_eq!(
        kept.name, "Server rename of an edited case",
        "the server's rename merges in beside the local edit"
    );
    assert_eq!(report.conflicts, 0);
    assert_eq!(
        store.mirror(Kind::Case, &b.id).unwrap().unwrap()["name"],
        "Server rename of an edited case"
    );
    let quarantined = store.quarantined().unwrap();
    assert_eq!(quarantined.len(), 1);
    assert!(
        quarantined[0].reason.contains("start"),
        "{}",
        quarantined[0].reason
    );
    assert!(store.search("renamed on the server", 5).unwrap().len() == 1);
    f.sandbox.shutdown().await;
}
