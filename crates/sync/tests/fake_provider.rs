//! The real engine and a real store against an in-memory provider that is
//! unlike MyCase on purpose ([`fake`]: UUID ids, its own field names, page
//! numbers, PATCH updates that answer with the new copy, idempotency keys,
//! no documents, seeded faults). Nothing here touches MyCase or the sandbox.
//! The convergence run prints its seed; `FAKE_CONVERGENCE_SEED=N` replays
//! one, `FAKE_CONVERGENCE_RUNS=N` runs seeds 1..=N (3 by default).

mod common;
mod fake;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::Arc;

use casefile_domain::entity::{Case, Event, Kind, Meta, Priority, Staff, Task};
use casefile_domain::ids::{AccountId, LocalId, RemoteId};
use casefile_domain::record::Record;
use casefile_domain::time::EventTime;
use casefile_providers::provider::RemoteRefs;
use casefile_providers::Provider;
use casefile_store::{Choice, Entity, Store};
use casefile_sync::{Engine, SyncOptions, Syncer};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use fake::{time_text, Fake, Faults, Received, PAGE_SIZE};
use serde_json::{json, Value};

const KINDS: [Kind; 4] = [Kind::Staff, Kind::Case, Kind::Event, Kind::Task];
const ZONE: chrono_tz::Tz = chrono_tz::America::New_York;

struct Setup {
    _dir: tempfile::TempDir,
    fake: Arc<Fake>,
    engine: Engine<Fake>,
}

impl Setup {
    fn new(fake: Fake) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), &AccountId("fake-firm".into())).unwrap();
        let fake = Arc::new(fake);
        let engine = Engine::new(Syncer {
            store: Arc::new(store),
            provider: fake.clone(),
            zone: ZONE,
        });
        Self {
            _dir: dir,
            fake,
            engine,
        }
    }

    fn store(&self) -> &Arc<Store> {
        &self.engine.syncer().store
    }

    async fn sync(&self) -> casefile_sync::SyncReport {
        self.engine.sync_now(SyncOptions::default()).await.unwrap()
    }

    /// The local id bound to a server record.
    fn local(&self, kind: Kind, uuid: &str) -> LocalId {
        self.store()
            .local_id_for(kind, &RemoteId(uuid.into()))
            .unwrap()
            .unwrap_or_else(|| panic!("{} {uuid} is not bound here", kind.as_str()))
    }

    /// A synced event and its uuid.
    fn an_event(&self) -> (Event, String) {
        let uuid = self.fake.records(Kind::Event)[2]["uuid"]
            .as_str()
            .unwrap()
            .to_owned();
        let event = self
            .store()
            .get::<Event>(&self.local(Kind::Event, &uuid))
            .unwrap()
            .unwrap();
        (event, uuid)
    }

    /// Syncs until nothing is pending; returns how many syncs it took.
    async fn sync_until_quiet(&self, max: usize) -> usize {
        for round in 1..=max {
            let _ = self.engine.sync_now(SyncOptions::default()).await;
            if self.store().pending_count().unwrap() == 0 {
                return round;
            }
        }
        panic!(
            "still {} pending after {max} syncs: {:?}",
            self.store().pending_count().unwrap(),
            self.store().pending_ops().unwrap()
        );
    }
}

/// Local references as remote ids, from the cache (what the engine's own
/// resolver does, for encoding in the tests).
struct Refs<'a>(&'a Store);

impl RemoteRefs for Refs<'_> {
    fn remote(&self, kind: Kind, local: &LocalId) -> Option<RemoteId> {
        self.0.remote_id_of(kind, local).unwrap()
    }
    fn name(&self, _kind: Kind, _local: &LocalId) -> Option<String> {
        None
    }
}

fn live_ids(store: &Store, table: &str) -> Vec<LocalId> {
    store
        .read(|c| {
            let mut stmt = c.prepare(&format!(
                "SELECT id FROM {table} WHERE deleted = 0 ORDER BY id"
            ))?;
            let ids = stmt
                .query_map([], |r| r.get::<_, String>(0))?
                .filter_map(|r| r.ok())
                .filter_map(|s| LocalId::parse(&s).ok())
                .collect();
            Ok(ids)
        })
        .unwrap()
}

fn count(store: &Store, kind: Kind) -> usize {
    live_ids(store, kind.plural()).len()
}

fn local_record(store: &Store, kind: Kind, id: &LocalId) -> Record {
    fn get<E: Entity>(store: &Store, id: &LocalId) -> Record {
        store.get::<E>(id).unwrap().unwrap().into_record()
    }
    match kind {
        Kind::Staff => get::<Staff>(store, id),
        Kind::Case => get::<Case>(store, id),
        Kind::Event => get::<Event>(store, id),
        Kind::Task => get::<Task>(store, id),
        other => panic!("the fake keeps no {other:?}"),
    }
}

/// Whether a row (live or tombstoned) exists for a local id.
fn local_record_exists(store: &Store, kind: Kind, id: &LocalId) -> Option<()> {
    let id = id.to_string();
    let found: i64 = store
        .read(|c| {
            Ok(c.query_row(
                &format!("SELECT count(*) FROM {} WHERE id = ?1", kind.plural()),
                [&id],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    (found > 0).then_some(())
}

/// A server record without what the server itself sets.
fn data_fields(record: &Value) -> Value {
    let mut record = record.clone();
    for k in ["uuid", "modified_at", "external_id"] {
        record.as_object_mut().unwrap().remove(k);
    }
    record
}

fn updates(received: &[Received]) -> Vec<&Received> {
    received.iter().filter(|r| r.verb == "update").collect()
}

fn new_task(store: &Store, name: &str, staff: LocalId, case: Option<LocalId>) -> Task {
    Task {
        meta: Meta::local(store.account()),
        name: name.into(),
        description: None,
        priority: Priority::High,
        due: NaiveDate::from_ymd_opt(2031, 6, 1),
        completed: false,
        completed_at: None,
        case,
        staff: vec![staff],
    }
}

fn new_event(store: &Store, name: &str, start: DateTime<Utc>, staff: LocalId) -> Event {
    Event {
        meta: Meta::local(store.account()),
        name: name.into(),
        description: Some("made offline".into()),
        location: None,
        case: None,
        staff: vec![staff],
        time: EventTime::timed(start, start + Duration::minutes(45), ZONE).unwrap(),
        private: false,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_first_sync_walks_every_page_and_a_quiet_sync_costs_one_request_per_resource() {
    let s = Setup::new(Fake::with_firm(1, 30));
    let report = s.sync().await;
    assert_eq!(report.pull.quarantined(), 0);
    let pages = 30usize.div_ceil(PAGE_SIZE) as u64;
    for kind in KINDS {
        assert_eq!(count(s.store(), kind), 30, "every {} pulled", kind.plural());
        assert_eq!(
            s.fake.list_requests(kind),
            pages,
            "{} walked page by page",
            kind.plural()
        );
    }
    assert_eq!(report.pull.requests() as u64, 4 * pages);

    // Every reference resolved: each cached record encodes back to exactly
    // the fields the server holds (UUIDs, names, times, zones, priorities).
    let refs = Refs(s.store());
    for kind in KINDS {
        for server in s.fake.records(kind) {
            let id = s.local(kind, server["uuid"].as_str().unwrap());
            let record = local_record(s.store(), kind, &id);
            assert_eq!(
                record.meta().server_updated_at.map(time_text).as_deref(),
                server["modified_at"].as_str()
            );
            let mut body = s.fake.encode(&record, &refs).unwrap();
            assert_eq!(body["external_id"], id.to_string());
            body.as_object_mut().unwrap().remove("external_id");
            assert_eq!(body, data_fields(&server), "{} round trip", kind.plural());
        }
    }
    let events: Vec<Event> = live_ids(s.store(), "events")
        .iter()
        .map(|id| s.store().get(id).unwrap().unwrap())
        .collect();
    assert!(events
        .iter()
        .all(|e| e.case.is_some() && e.staff.len() == 1));

    // Nothing changed: one request per resource, nothing else.
    let lists: Vec<u64> = KINDS.iter().map(|k| s.fake.list_requests(*k)).collect();
    let requests = s.fake.request_count();
    let report = s.sync().await;
    for (kind, before) in KINDS.iter().zip(lists) {
        assert_eq!(
            s.fake.list_requests(*kind) - before,
            1,
            "a quiet sync lists {} once",
            kind.plural()
        );
    }
    assert_eq!(s.fake.request_count() - requests, KINDS.len() as u64);
    assert_eq!(report.push, Default::default());
    assert!(report.reconcile.is_none());
    for kind in KINDS {
        assert_eq!(count(s.store(), kind), 30);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn two_hundred_creates_with_lost_answers_leave_exactly_two_hundred_bound_records() {
    let s = Setup::new(Fake::with_firm(3, 3));
    s.sync().await;
    let staff = live_ids(s.store(), "staff")[0];
    let mut ids = Vec::new();
    for i in 0..200 {
        let task = new_task(s.store(), &format!("Task {i:03}"), staff, None);
        ids.push(task.meta.id);
        s.store().save(task, "created").unwrap();
    }
    s.fake.set_faults(Faults {
        lost_answer_rate: 0.20,
        error_rate: 0.0,
    });
    let started = std::time::Instant::now();
    let mut rounds = 0;
    while s.store().pending_count().unwrap() > 0 {
        rounds += 1;
        assert!(rounds <= 100, "still pending after 100 syncs");
        let _ = s.engine.sync_now(SyncOptions::default()).await;
        // The key finds every lost create at once, so nothing is posted
        // twice and no lookup misses (a miss costs the engine's 2 s grace).
        let c = s.fake.counters();
        assert_eq!((c.duplicate_creates, c.lookups_missed), (0, 0), "{c:?}");
    }
    let took = started.elapsed();
    let c = s.fake.counters();
    assert!(c.lost_creates >= 20, "the fault must fire: {c:?}");

    let created: Vec<Value> = s
        .fake
        .records(Kind::Task)
        .into_iter()
        .filter(|t| t["external_id"].is_string())
        .collect();
    assert_eq!(
        created.len(),
        200,
        "exactly 200 on the server after {rounds} syncs and {} lost answers",
        c.lost_creates
    );
    let keys: HashSet<&str> = created
        .iter()
        .map(|t| t["external_id"].as_str().unwrap())
        .collect();
    assert_eq!(keys.len(), 200, "no key twice");
    assert_eq!(
        count(s.store(), Kind::Task),
        203,
        "200 new and the firm's 3"
    );
    for id in &ids {
        let remote = s
            .store()
            .remote_id_of(Kind::Task, id)
            .unwrap()
            .expect("every local task is bound");
        let server = s.fake.record(Kind::Task, &remote.0).unwrap();
        assert_eq!(
            server["external_id"],
            id.to_string(),
            "bound to its own record"
        );
    }
    // The key found every lost create before anything was posted again: the
    // server never had to turn a second create away, and no lookup missed
    // (a miss is what costs the engine's grace sleep).
    assert_eq!(c.duplicate_creates, 0, "{c:?}");
    assert_eq!(c.lookups_hit, c.lost_creates, "{c:?}");
    assert_eq!(c.lookups_missed, 0, "{c:?}");
    assert_eq!(c.creates, 200, "{c:?}");
    eprintln!("200 creates: {rounds} syncs in {took:?}, {c:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_patch_sends_only_the_fields_that_changed() {
    let s = Setup::new(Fake::with_firm(4, 10));
    s.sync().await;
    let (mut event, uuid) = s.an_event();
    let before = s.fake.record(Kind::Event, &uuid).unwrap();

    event.description = Some("Bring the exhibits".into());
    s.store().save(event.clone(), "edited").unwrap();
    s.fake.clear_received();
    let report = s.sync().await;
    assert_eq!(report.push.updated, 1);
    assert_eq!(
        s.fake.received(),
        vec![Received {
            verb: "update",
            kind: Kind::Event,
            remote: Some(uuid.clone()),
            body: json!({"notes": "Bring the exhibits"}),
        }]
    );
    let after = s.fake.record(Kind::Event, &uuid).unwrap();
    let mut expected = data_fields(&before);
    expected["notes"] = json!("Bring the exhibits");
    assert_eq!(data_fields(&after), expected, "nothing else changed");

    // Moving it sends its two times and nothing else.
    let mut event: Event = s.store().get(&event.meta.id).unwrap().unwrap();
    let EventTime::Timed { start, end, zone } = event.time.clone() else {
        panic!("a timed event")
    };
    event.time =
        EventTime::timed(start + Duration::hours(1), end + Duration::hours(1), zone).unwrap();
    s.store().save(event, "moved").unwrap();
    s.fake.clear_received();
    s.sync().await;
    assert_eq!(
        s.fake.received(),
        vec![Received {
            verb: "update",
            kind: Kind::Event,
            remote: Some(uuid.clone()),
            body: json!({"starts_at": time_text(start + Duration::hours(1)),
                "ends_at": time_text(end + Duration::hours(1))}),
        }]
    );
    assert_eq!(s.store().pending_count().unwrap(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_update_is_bound_to_the_copy_it_returns_and_nothing_is_read_again() {
    let s = Setup::new(Fake::with_firm(5, 10));
    s.sync().await;
    let (mut event, uuid) = s.an_event();
    event.name = "Hearing moved to courtroom 4".into();
    s.store().save(event.clone(), "renamed").unwrap();
    let lists: Vec<u64> = KINDS.iter().map(|k| s.fake.list_requests(*k)).collect();
    let report = s.sync().await;
    assert_eq!(report.push.updated, 1);
    assert!(report.push.touched.is_empty(), "{:?}", report.push.touched);
    assert_eq!(report.reread.requests(), 0);
    for (kind, before) in KINDS.iter().zip(lists) {
        assert_eq!(
            s.fake.list_requests(*kind) - before,
            1,
            "{} listed once (the pull), not read again after the push",
            kind.plural()
        );
    }
    // The row and its merge base are the server's new copy.
    let server = s.fake.record(Kind::Event, &uuid).unwrap();
    assert_eq!(server["title"], "Hearing moved to courtroom 4");
    let local: Event = s.store().get(&event.meta.id).unwrap().unwrap();
    assert_eq!(
        local.meta.server_updated_at.map(time_text).as_deref(),
        server["modified_at"].as_str(),
        "the answer's modified time was taken"
    );
    assert_eq!(
        s.store().mirror(Kind::Event, &event.meta.id).unwrap(),
        Some(serde_json::to_value(&local).unwrap())
    );
    assert_eq!(s.store().pending_count().unwrap(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_forbidden_update_stays_pending_refused_and_is_not_sent_again() {
    let s = Setup::new(Fake::with_firm(6, 10));
    s.sync().await;
    let (mut event, uuid) = s.an_event();
    s.fake.forbid_updates(&uuid);
    event.name = "Not allowed".into();
    s.store().save(event.clone(), "renamed").unwrap();
    s.fake.clear_received();

    let report = s.sync().await;
    assert_eq!(report.push.refused, 1);
    assert_eq!(updates(&s.fake.received()).len(), 1);
    let refused = |s: &Setup| {
        let ops = s.store().pending_ops().unwrap();
        assert_eq!(ops.len(), 1, "{ops:?}");
        assert_eq!(ops[0].record_id, event.meta.id);
        assert!(ops[0].failed, "marked refused: {ops:?}");
        let error = ops[0].last_error.clone().unwrap_or_default();
        assert!(error.starts_with("forbidden"), "{error}");
    };
    refused(&s);
    assert_ne!(
        s.fake.record(Kind::Event, &uuid).unwrap()["title"],
        "Not allowed"
    );

    // The next syncs leave it alone: nothing is sent, it stays refused.
    for _ in 0..2 {
        let report = s.sync().await;
        assert_eq!(report.push.waiting, 1);
        assert_eq!(report.push.refused, 0);
    }
    assert_eq!(
        updates(&s.fake.received()).len(),
        1,
        "a refused change is not sent again"
    );
    refused(&s);
    let local: Event = s.store().get(&event.meta.id).unwrap().unwrap();
    assert_eq!(local.name, "Not allowed", "the edit is kept here");

    // Edited again, it is tried again (and refused again).
    let mut local = local;
    local.description = Some("asked the admin".into());
    s.store().save(local, "edited").unwrap();
    s.sync().await;
    assert_eq!(updates(&s.fake.received()).len(), 2);
}

#[path = "fake_provider/convergence.rs"]
mod convergence;
#[path = "fake_provider/gaps.rs"]
mod gaps;
