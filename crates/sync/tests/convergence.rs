//! Convergence: random edits on the laptop and on the server, synced through
//! injected faults (5xx answers, answers dropped after the server committed,
//! latency, 429s). After quiescence the cache, the sandbox's state dump and
//! the mirror agree, against MyCase's dialect and LegalServer's. A failure prints its seed; `CONVERGENCE_SEED=N` replays
//! that run, `CONVERGENCE_RUNS=N` runs more seeds.
//!
//! The fault soak is the same run at scale under harsher faults (10 % 5xx,
//! 5 % answers dropped after commit, latency, 429 storms): 500 operations
//! here; `SOAK_OPS=10000` for the long run, `SOAK_SEEDS=N` for more seeds,
//! `SOAK_SEED=N` to replay one.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use casefile_domain::entity::{Event, Kind, Meta, Priority, Task};
use casefile_domain::ids::LocalId;
use casefile_domain::time::EventTime;
use casefile_providers::AnyProvider;
use casefile_sandbox::{Dialect, FaultConfig, SandboxConfig};
use casefile_store::{Choice, Store};
use casefile_sync::policy::Backoff;
use casefile_sync::{Engine, SyncOptions};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use common::*;
use reqwest::Method;
use serde_json::{json, Value};

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

struct Run {
    f: AnyFixture,
    engine: Engine<AnyProvider>,
    /// Whether the dialect keeps descriptions and deletes events and tasks
    /// (MyCase does; LegalServer v1 does neither).
    full: bool,
    rng: fastrand::Rng,
    seed: u64,
    n: u32,
    staff: LocalId,
    /// The staff member's id in the sandbox's model (what the admin API takes).
    staff_remote: i64,
}

impl Run {
    fn name(&mut self, side: &str) -> String {
        self.n += 1;
        format!("S{}-{side}{}", self.seed, self.n)
    }

    async fn local_op(&mut self) {
        let store = self.f.store().clone();
        let tasks = live_ids(&store, "tasks");
        let events = live_ids(&store, "events");
        match self.rng.u8(0..6) {
            0 => {
                let name = self.name("LT");
                let task = Task {
                    meta: Meta::local(store.account()),
                    name,
                    description: None,
                    priority: Priority::Low,
                    due: NaiveDate::from_ymd_opt(2026, 12, 1 + self.rng.u32(0..28)),
                    completed: false,
                    completed_at: None,
                    case: None,
                    staff: vec![self.staff],
                };
                store.save(task, "create").unwrap();
            }
            1 => {
                let name = self.name("LE");
                let start: DateTime<Utc> = "2026-12-01T15:00:00Z".parse::<DateTime<Utc>>().unwrap()
                    + Duration::hours(self.rng.i64(0..500));
                let event = Event {
                    meta: Meta::local(store.account()),
                    name,
                    description: Some("made offline".into()),
                    location: None,
                    case: None,
                    staff: vec![self.staff],
                    time: EventTime::timed(
                        start,
                        start + Duration::minutes(45),
                        chrono_tz::America::New_York,
                    )
                    .unwrap(),
                    private: false,
                };
                store.save(event, "create").unwrap();
            }
            2 | 3 if !tasks.is_empty() => {
                let id = tasks[self.rng.usize(0..tasks.len())];
                let mut task: Task = store.get(&id).unwrap().unwrap();
                match self.rng.u8(0..3) {
                    1 if self.full => task.description = Some(self.name("LD")),
                    0 | 1 => task.name = self.name("LN"),
                    _ => task.completed = !task.completed,
                }
                store.save(task, "edit").unwrap();
            }
            4 if !events.is_empty() => {
                let id = events[self.rng.usize(0..events.len())];
                let mut event: Event = store.get(&id).unwrap().unwrap();
                if self.rng.bool() || !self.full {
                    event.name = self.name("LN");
                } else {
                    event.description = Some(self.name("LD"));
                }
                store.save(event, "edit").unwrap();
            }
            _ if self.full => {
                let (kind, ids) = if self.rng.bool() {
                    (Kind::Task, tasks)
                } else {
                    (Kind::Event, events)
                };
                if !ids.is_empty() {
                    let id = ids[self.rng.usize(0..ids.len())];
                    store.delete(kind, id, "delete").unwrap();
                }
            }
            _ => {}
        }
    }

    async fn remote_op(&mut self) {
        let dump = dump(&self.f.sandbox).await;
        let kind = if self.rng.bool() { "tasks" } else { "events" };
        let records = dump["records"][kind]
            .as_array()
            .cloned()
            .unwrap_or_default();
        match self.rng.u8(0..4) {
            0 => {
                let name = self.name("RC");
                let body = if kind == "tasks" {
                    json!({"name": name, "description": "", "priority": "Medium", "due_date": "2026-12-20",
                        "completed": false, "staff": [{"id": self.staff_remote}]})
                } else {
                    json!({"name": name, "description": "", "start": "2026-12-03T14:00:00Z", "end": "2026-12-03T15:00:00Z",
                        "all_day": false, "private": false, "staff": [{"id": self.staff_remote}]})
                };
                admin(
                    &self.f.sandbox,
                    Method::POST,
                    &format!("/admin/records/{kind}"),
                    body,
                )
                .await;
            }
            1 | 2 if !records.is_empty() => {
                let id = records[self.rng.usize(0..records.len())]["id"].clone();
                let field = if self.rng.bool() || !self.full {
                    "name"
                } else {
                    "description"
                };
                let value = self.name("R");
                admin(
                    &self.f.sandbox,
                    Method::PUT,
                    &format!("/admin/records/{kind}/{id}"),
                    json!({ field: value }),
                )
                .await;
            }
            _ if !records.is_empty() => {
                let id = records[self.rng.usize(0..records.len())]["id"].clone();
                admin(
                    &self.f.sandbox,
                    Method::DELETE,
                    &format!("/admin/records/{kind}/{id}"),
                    Value::Null,
                )
                .await;
            }
            _ => {}
        }
    }
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or("").to_owned()
}

/// The fields both sides must agree on, keyed by remote id.
fn server_view(dump: &Value, full: bool) -> BTreeMap<(String, String), Vec<String>> {
    let about = |v: &Value| if full { text(v) } else { String::new() };
    let mut out = BTreeMap::new();
    for t in dump["records"]["tasks"].as_array().unwrap() {
        out.insert(
            ("task".into(), t["id"].to_string()),
            vec![
                text(&t["name"]),
                about(&t["description"]),
                text(&t["due_date"]).chars().take(10).collect(),
                t["completed"].as_bool().unwrap_or(false).to_string(),
            ],
        );
    }
    for e in dump["records"]["events"].as_array().unwrap() {
        let instant = |v: &Value| {
            DateTime::parse_from_rfc3339(v.as_str().unwrap_or(""))
                .map(|t| t.with_timezone(&Utc).to_rfc3339())
                .unwrap_or_else(|_| text(v).chars().take(10).collect())
        };
        out.insert(
            ("event".into(), e["id"].to_string()),
            vec![
                text(&e["name"]),
                about(&e["description"]),
                instant(&e["start"]),
                e["all_day"].as_bool().unwrap_or(false).to_string(),
            ],
        );
    }
    out
}

/// The sandbox's own id for a remote id: itself, or the one a LegalServer UUID names.
fn sandbox_id(remote: String) -> String {
    match casefile_sandbox::legalserver::record_of(&remote) {
        Some((_, id)) => id.to_string(),
        None => remote,
    }
}

fn local_view(store: &Store, full: bool) -> BTreeMap<(String, String), Vec<String>> {
    let about = |d: Option<String>| {
        if full {
            d.unwrap_or_default()
        } else {
            String::new()
        }
    };
    let mut out = BTreeMap::new();
    for id in live_ids(store, "tasks") {
        let t: Task = store.get(&id).unwrap().unwrap();
        let remote = t
            .meta
            .remote_id
            .clone()
            .expect("every task reached the server")
            .0;
        let remote = sandbox_id(remote);
        assert_eq!(
            store.mirror(Kind::Task, &id).unwrap(),
            Some(serde_json::to_value(&t).unwrap()),
            "mirror == cache for task {remote}"
        );
        out.insert(
            ("task".into(), remote),
            vec![
                t.name,
                about(t.description),
                t.due.map(|d| d.to_string()).unwrap_or_default(),
                t.completed.to_string(),
            ],
        );
    }
    for id in live_ids(store, "events") {
        let e: Event = store.get(&id).unwrap().unwrap();
        let remote = e
            .meta
            .remote_id
            .clone()
            .expect("every event reached the server")
            .0;
        let remote = sandbox_id(remote);
        assert_eq!(
            store.mirror(Kind::Event, &id).unwrap(),
            Some(serde_json::to_value(&e).unwrap()),
            "mirror == cache for event {remote}"
        );
        let (start, all_day) = match e.time {
            EventTime::Timed { start, .. } => (start.to_rfc3339(), false),
            EventTime::AllDay { start, .. } => (start.to_string(), true),
        };
        out.insert(
            ("event".into(), remote),
            vec![e.name, about(e.description), start, all_day.to_string()],
        );
    }
    out
}

/// How much a run does, and under which faults (their seed is the run's).
struct Plan {
    /// Which suite, for the messages.
    suite: &'static str,
    replay_var: &'static str,
    ops: u32,
    /// Operations between two syncs.
    ops_per_sync: u32,
    faults: FaultConfig,
}

impl Plan {
    fn convergence() -> Self {
        Self {
            suite: "convergence",
            replay_var: "CONVERGENCE_SEED",
            ops: 64,
            ops_per_sync: 8,
            faults: FaultConfig {
                error_rate: 0.05,
                drop_after_commit_rate: 0.08,
                latency_jitter_ms: 3,
                storm_rate: 0.01,
                storm_length: 1,
                ..Default::default()
            },
        }
    }

    fn soak() -> Self {
        Self {
            suite: "soak",
            replay_var: "SOAK_SEED",
            ops: std::env::var("SOAK_OPS")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(500),
            ops_per_sync: 10,
            faults: FaultConfig {
                error_rate: 0.10,
                drop_after_commit_rate: 0.05,
                latency_ms: 1,
                latency_jitter_ms: 4,
                storm_rate: 0.01,
                storm_length: 3,
                ..Default::default()
            },
        }
    }
}

async fn run(seed: u64, plan: &Plan, dialect: Dialect) {
    let suite = plan.suite;
    let on = dialect.as_str();
    eprintln!(
        "{suite} ({on}): seed {seed}, {} operations (replay with {}={seed})",
        plan.ops, plan.replay_var
    );
    let f = any_fixture(dialect, SandboxConfig::default()).await;
    let full = dialect == Dialect::MyCase;
    // No backoff: a record failing three times in a row under the injected
    // 5xx would otherwise outwait the quiet syncs at the end (failing_record.rs
    // covers backoff).
    let no_backoff = Backoff {
        base: std::time::Duration::ZERO,
        max: std::time::Duration::ZERO,
    };
    let engine = Engine::new(f.syncer.clone()).with_backoff(no_backoff);
    engine.sync_now(SyncOptions::default()).await.unwrap();
    let staff = first_staff(f.store());
    let remote = f
        .store()
        .remote_id_of(Kind::Staff, &staff)
        .unwrap()
        .unwrap()
        .0;
    // An integer id, or LegalServer's UUID naming one.
    let staff_remote = remote.parse::<i64>().unwrap_or_else(|_| {
        casefile_sandbox::legalserver::record_of(&remote)
            .expect("a sandbox UUID")
            .1
    });
    let faults = FaultConfig {
        seed,
        ..plan.faults.clone()
    };
    set_faults(&f.sandbox, &faults).await;
    let mut r = Run {
        f,
        engine,
        full,
        rng: fastrand::Rng::with_seed(seed),
        seed,
        n: 0,
        staff,
        staff_remote,
    };
    for op in 0..plan.ops {
        if r.rng.u8(0..3) == 0 {
            r.remote_op().await;
        } else {
            r.local_op().await;
        }
        if (op + 1) % plan.ops_per_sync != 0 && op + 1 != plan.ops {
            continue;
        }
        let _ = r
            .engine
            .sync_now(SyncOptions {
                reconcile: r.rng.bool(),
            })
            .await;
    }
    let fired = fault_counters(&r.f.sandbox).await;
    set_faults(&r.f.sandbox, &FaultConfig::default()).await;
    let mut resolved = 0;
    for _ in 0..30 {
        let _ = r.engine.sync_now(SyncOptions { reconcile: true }).await;
        let conflicts = r.f.store().conflicts().unwrap();
        resolved += conflicts.len();
        for c in &conflicts {
            let keep = if r.rng.bool() {
                Choice::Local
            } else {
                Choice::Remote
            };
            r.f.store().resolve_conflict(c.id.clone(), keep).unwrap();
        }
        if conflicts.is_empty() && r.f.store().pending_count().unwrap() == 0 {
            break;
        }
    }
    r.engine
        .sync_now(SyncOptions { reconcile: true })
        .await
        .unwrap();
    let store = r.f.store();
    assert_eq!(
        store.pending_count().unwrap(),
        0,
        "seed {seed}: pending ops left: {:?}",
        store.pending_ops().unwrap()
    );
    assert!(
        store.conflicts().unwrap().is_empty(),
        "seed {seed}: conflicts left"
    );
    let server = server_view(&dump(&r.f.sandbox).await, full);
    let local = local_view(store, full);
    let only_server: BTreeSet<_> = server.keys().filter(|k| !local.contains_key(*k)).collect();
    let only_local: BTreeSet<_> = local.keys().filter(|k| !server.contains_key(*k)).collect();
    assert!(
        only_server.is_empty() && only_local.is_empty(),
        "seed {seed}: only on the server {only_server:?}, only here {only_local:?}"
    );
    for (key, fields) in &server {
        assert_eq!(
            &local[key], fields,
            "seed {seed}: {key:?} differs (server first)"
        );
    }
    eprintln!(
        "{suite} ({on}): seed {seed} converged on {} records after {} operations, {} edits and {resolved} conflicts; faults fired: {fired}",
        server.len(),
        plan.ops,
        r.n
    );
    r.f.sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn random_edits_on_both_sides_converge_under_faults() {
    let plan = Plan::convergence();
    for seed in seeds("CONVERGENCE_SEED", "CONVERGENCE_RUNS") {
        run(seed, &plan, Dialect::MyCase).await;
    }
}

/// The same against LegalServer's dialect: page numbers and whole walks, UUIDs,
/// POST and partial PATCH, creates keyed (events) or found by their fields
/// (tasks); no local deletes or descriptions, which its v1 does not take.
#[tokio::test(flavor = "multi_thread")]
async fn random_edits_converge_under_faults_against_legalserver_too() {
    let plan = Plan::convergence();
    for seed in seeds("CONVERGENCE_SEED", "CONVERGENCE_RUNS") {
        run(seed, &plan, Dialect::LegalServer).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_fault_soak_converges_local_server_and_mirror() {
    let plan = Plan::soak();
    let seeds = match std::env::var("SOAK_SEEDS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        Some(n) => (1..=n).map(|i| 1000 + i).collect(),
        None => std::env::var("SOAK_SEED")
            .ok()
            .and_then(|v| v.parse().ok())
            .map_or(vec![1001], |s| vec![s]),
    };
    let started = std::time::Instant::now();
    for &seed in &seeds {
        run(seed, &plan, Dialect::MyCase).await;
    }
    eprintln!(
        "soak: soak_ops={} soak_seeds={} converged={} in {:.0} s",
        plan.ops as usize * seeds.len(),
        seeds.len(),
        seeds.len(),
        started.elapsed().as_secs_f64()
    );
}
