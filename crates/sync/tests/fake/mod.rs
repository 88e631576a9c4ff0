//! An in-memory provider that is unlike MyCase on purpose, to show the sync
//! engine depends on nothing MyCase-shaped:
//!
//! - its own wire JSON: UUID strings as ids (`uuid`), `title`/`notes`,
//!   `starts_at`/`ends_at` with a separate `tz`, numeric task priorities,
//!   references as bare UUIDs (`attendees`, `assignees`, `matter`, `team`),
//!   and a server clock (`modified_at`) that is nowhere near the laptop's;
//! - page numbers as cursors (`"2"`, `"3"`, …), seven items a page, in
//!   creation order, with an `updated_after` filter on `modified_at`;
//! - partial updates: [`Provider::encode_update`] sends only the fields that
//!   differ from the base, the server takes PATCH semantics (an unknown or
//!   read-only field is refused) and answers with its new copy;
//! - idempotency keys: a create carries the record's local id as
//!   `external_id`, a second create with the same key returns the first
//!   record, and a lost create is looked up by its key;
//! - no documents;
//! - seeded faults: writes APPLIED and then answered with a 502 (a lost
//!   answer), and plain 5xx before anything is applied.
//!
//! The admin API edits "the server" behind the engine's back and lets tests
//! look at what it holds and at every write body it received.
#![allow(dead_code)]

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, MutexGuard};

use casefile_domain::entity::{
    Case, CaseStaff, CaseStatus, Event, Kind, Meta, Priority, Staff, Task,
};
use casefile_domain::ids::{LocalId, RemoteId};
use casefile_domain::record::Record;
use casefile_domain::time::EventTime;
use casefile_providers::provider::{
    Context, EncodeError, Known, ListPage, MapError, Provider, RemoteRefs,
};
use casefile_providers::{Capabilities, Deletions, Paging, ProviderError, ResourceCaps};
use chrono::{DateTime, Duration, NaiveDate, SecondsFormat, Utc};
use chrono_tz::Tz;
use serde_json::{json, Map, Value};

/// Items a page.
pub const PAGE_SIZE: usize = 7;

const PULL_ORDER: &[Kind] = &[Kind::Staff, Kind::Case, Kind::Event, Kind::Task];
/// The same provider for a firm with no cases (matters) at all.
const PULL_ORDER_WITHOUT_CASES: &[Kind] = &[Kind::Staff, Kind::Event, Kind::Task];

/// Fields the server sets; a create or an update may not name them.
const SERVER_FIELDS: &[&str] = &["uuid", "modified_at", "external_id"];

/// How often writes fail. Each write draws once: first a plain 5xx (nothing
/// applied), else, after applying, a lost answer (502).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Faults {
    /// Writes applied and then answered with a 502.
    pub lost_answer_rate: f64,
    /// Writes (and list pages) answered with a 503 before anything is applied.
    pub error_rate: f64,
}

/// What the fake saw and did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counters {
    /// Writes applied whose answer was then lost.
    pub lost_answers: u64,
    /// Of those, creates.
    pub lost_creates: u64,
    /// Plain 5xx answers (nothing applied).
    pub errors: u64,
    /// Creates that carried a key the server already had (answered with
    /// the existing record; nothing new stored).
    pub duplicate_creates: u64,
    /// Idempotency-key lookups that found the record, and that did not.
    pub lookups_hit: u64,
    pub lookups_missed: u64,
    pub creates: u64,
    pub updates: u64,
    pub deletes: u64,
}

/// A write request as the server received it.
#[derive(Debug, Clone, PartialEq)]
pub struct Received {
    pub verb: &'static str,
    pub kind: Kind,
    pub remote: Option<String>,
    pub body: Value,
}

struct State {
    /// Each kind's records in creation order (the page order).
    tables: HashMap<Kind, Vec<Value>>,
    /// The server clock: ten minutes a write, from 2031.
    tick: i64,
    ids: fastrand::Rng,
    dice: fastrand::Rng,
    faults: Faults,
    counters: Counters,
    received: Vec<Received>,
    lists: HashMap<Kind, u64>,
    requests: u64,
    /// Records whose updates this account may not make.
    forbidden: HashSet<String>,
    /// One-shot 503s for given pages of a kind.
    failing_pages: Vec<(Kind, usize)>,
}

pub struct Fake {
    caps: Capabilities,
    order: &'static [Kind],
    state: Mutex<State>,
}

pub fn time_text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

fn modified(record: &Value) -> DateTime<Utc> {
    record["modified_at"]
        .as_str()
        .and_then(parse_time)
        .expect("every server record has a modified_at")
}

impl State {
    fn now(&mut self) -> String {
        self.tick += 1;
        let epoch: DateTime<Utc> = "2031-01-01T00:00:00Z".parse().unwrap();
        time_text(epoch + Duration::minutes(10 * self.tick))
    }

    fn new_uuid(&mut self) -> String {
        let r = &mut self.ids;
        format!(
            "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
            r.u32(..),
            r.u16(..),
            r.u16(..0x1000),
            r.u16(..0x1000),
            r.u64(..1 << 48)
        )
    }

    fn table(&mut self, kind: Kind) -> &mut Vec<Value> {
        self.tables.entry(kind).or_default()
    }

    fn position(&mut self, kind: Kind, uuid: &str) -> Option<usize> {
        self.table(kind).iter().position(|r| r["uuid"] == uuid)
    }

    /// A plain 5xx, before anything is applied?
    fn fails_before(&mut self) -> bool {
        let hit = self.faults.error_rate > 0.0 && self.dice.f64() < self.faults.error_rate;
        if hit {
            self.counters.errors += 1;
        }
        hit
    }

    /// The answer to an applied write lost?
    fn loses_answer(&mut self) -> bool {
        let rate = self.faults.lost_answer_rate;
        let hit = rate > 0.0 && self.dice.f64() < rate;
        if hit {
            self.counters.lost_answers += 1;
        }
        hit
    }

    /// Stores a new record (the server's side of a create).
    fn insert(&mut self, kind: Kind, fields: &Map<String, Value>) -> Value {
        let mut record = fields.clone();
        record.insert("uuid".into(), json!(self.new_uuid()));
        record.insert("modified_at".into(), json!(self.now()));
        record.entry("external_id").or_insert(Value::Null);
        let record = Value::Object(record);
        self.table(kind).push(record.clone());
        record
    }

    /// Applies a PATCH; bumps the clock when something changed.
    fn patch(&mut self, kind: Kind, at: usize, body: &Map<String, Value>) -> Value {
        let changed = body
            .iter()
            .any(|(k, v)| self.table(kind)[at].get(k) != Some(v));
        let now = changed.then(|| self.now());
        let record = &mut self.table(kind)[at];
        for (k, v) in body {
            record[k] = v.clone();
        }
        if let Some(now) = now {
            record["modified_at"] = json!(now);
        }
        record.clone()
    }
}

fn validate(kind: Kind, body: &Value, partial: bool) -> Result<Map<String, Value>, ProviderError> {
    let invalid = |message: String, field: &str| ProviderError::Validation {
        message,
        field: Some(field.to_owned()),
    };
    let Some(fields) = body.as_object() else {
        return Err(invalid("the body is not an object".into(), "body"));
    };
    let known = wire_fields(kind);
    for key in fields.keys() {
        let create_key = !partial && key == "external_id";
        if !create_key && (SERVER_FIELDS.contains(&key.as_str()) || !known.contains(&key.as_str()))
        {
            return Err(invalid(format!("{key} cannot be written"), key));
        }
    }
    let required = if kind == Kind::Staff {
        "family_name"
    } else {
        "title"
    };
    let title = fields.get(required);
    if (!partial || title.is_some()) && title.and_then(Value::as_str).is_none_or(str::is_empty) {
        return Err(invalid(format!("{required} can't be blank"), required));
    }
    Ok(fields.clone())
}

/// The writable fields of each kind on the wire.
fn wire_fields(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Staff => &["given_name", "family_name", "email", "role", "active"],
        Kind::Case => &[
            "title",
            "reference",
            "summary",
            "state",
            "opened_on",
            "closed_on",
            "team",
        ],
        Kind::Event => &[
            "title",
            "notes",
            "starts_at",
            "ends_at",
            "all_day",
            "tz",
            "attendees",
            "matter",
            "private",
        ],
        Kind::Task => &[
            "title",
            "notes",
            "priority",
            "due_on",
            "done",
            "done_at",
            "matter",
            "assignees",
        ],
        _ => &[],
    }
}

impl Fake {
    /// An empty server whose ids and faults come from `seed`.
    pub fn new(seed: u64) -> Self {
        Self::build(seed, PULL_ORDER)
    }

    /// A server for a firm that keeps no cases: it lists staff, events and tasks.
    pub fn without_cases(seed: u64) -> Self {
        Self::build(seed, PULL_ORDER_WITHOUT_CASES)
    }

    fn build(seed: u64, order: &'static [Kind]) -> Self {
        let mut resources = vec![
            ResourceCaps::read_only(Kind::Staff),
            ResourceCaps::read_write(Kind::Event).keyed(),
            ResourceCaps::read_write(Kind::Task).keyed(),
        ];
        if order.contains(&Kind::Case) {
            resources.insert(1, ResourceCaps::read_only(Kind::Case));
        }
        Self {
            caps: Capabilities {
                resources,
                paging: Paging::PageNumber {
                    max_page_size: PAGE_SIZE as u32,
                },
                rate_limit_per_s: 0,
                documents: None,
                folders: false,
                document_versions: true,
                documents_per_case: false,
                case_notes: false,
                update_returns_record: true,
                // Lists never mention deleted records.
                deletions: Deletions::IdSets,
            },
            order,
            state: Mutex::new(State {
                tables: HashMap::new(),
                tick: 0,
                ids: fastrand::Rng::with_seed(seed),
                dice: fastrand::Rng::with_seed(seed ^ 0x5eed_fa17),
                faults: Faults::default(),
                counters: Counters::default(),
                received: Vec::new(),
                lists: HashMap::new(),
                requests: 0,
                forbidden: HashSet::new(),
                failing_pages: Vec::new(),
            }),
        }
    }

    /// A firm of `n` staff, `n` cases (when it keeps cases), `n` events and
    /// `n` tasks, the events and tasks referring to staff and cases.
    pub fn with_firm(seed: u64, n: usize) -> Self {
        let fake = Self::new(seed);
        fake.seed_firm(n);
        fake
    }

    pub fn seed_firm(&self, n: usize) {
        let staff: Vec<String> = (0..n)
            .map(|i| {
                self.admin_create(
                    Kind::Staff,
                    json!({"given_name": format!("Given{i}"), "family_name": format!("Family{i}"),
                        "email": format!("s{i}@firm.test"), "role": "Associate", "active": true}),
                )
            })
            .collect();
        let cases: Vec<Option<String>> = if self.order.contains(&Kind::Case) {
            (0..n)
                .map(|i| {
                    Some(self.admin_create(
                        Kind::Case,
                        json!({"title": format!("Matter {i}"), "reference": format!("M-{i:03}"),
                            "summary": null, "state": if i % 5 == 4 { "closed" } else { "open" },
                            "opened_on": "2030-02-01", "closed_on": null,
                            "team": [{"member": staff[i % n], "lead": true},
                                     {"member": staff[(i + 1) % n], "lead": false}]}),
                    ))
                })
                .collect()
        } else {
            vec![None; n]
        };
        for i in 0..n {
            let start: DateTime<Utc> = "2031-03-02T14:00:00Z".parse::<DateTime<Utc>>().unwrap()
                + Duration::hours(i as i64 * 5);
            self.admin_create(
                Kind::Event,
                json!({"title": format!("Hearing {i}"), "notes": format!("Bring file {i}"),
                    "starts_at": time_text(start), "ends_at": time_text(start + Duration::minutes(90)),
                    "all_day": false, "tz": "America/Chicago", "attendees": [staff[i % n]],
                    "matter": cases[i], "private": i % 7 == 3}),
            );
            self.admin_create(
                Kind::Task,
                json!({"title": format!("Draft motion {i}"), "notes": null, "priority": 1 + (i % 3),
                    "due_on": format!("2031-04-{:02}", 1 + i % 28), "done": i % 4 == 0, "done_at": null,
                    "matter": cases[i], "assignees": [staff[i % n], staff[(i + 2) % n]]}),
            );
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    // --- The admin API: "the server", behind the engine's back. ---

    /// Creates a record on the server (a colleague's create); returns its uuid.
    pub fn admin_create(&self, kind: Kind, fields: Value) -> String {
        let fields = validate(kind, &fields, false).expect("a valid record");
        let record = self.lock().insert(kind, &fields);
        record["uuid"].as_str().unwrap().to_owned()
    }

    /// Edits a record on the server, bumping its modified time.
    pub fn admin_edit(&self, kind: Kind, uuid: &str, patch: Value) {
        let fields = validate(kind, &patch, true).expect("a valid patch");
        let mut s = self.lock();
        let at = s.position(kind, uuid).expect("the record is on the server");
        let now = s.now();
        let record = &mut s.table(kind)[at];
        for (k, v) in fields {
            record[k] = v;
        }
        record["modified_at"] = json!(now);
    }

    pub fn admin_delete(&self, kind: Kind, uuid: &str) {
        let mut s = self.lock();
        let at = s.position(kind, uuid).expect("the record is on the server");
        s.table(kind).remove(at);
    }

    pub fn count(&self, kind: Kind) -> usize {
        self.lock().table(kind).len()
    }

    /// The server's records of a kind, in page order.
    pub fn records(&self, kind: Kind) -> Vec<Value> {
        self.lock().table(kind).clone()
    }

    pub fn record(&self, kind: Kind, uuid: &str) -> Option<Value> {
        self.lock()
            .table(kind)
            .iter()
            .find(|r| r["uuid"] == uuid)
            .cloned()
    }

    /// Every write the server received, oldest first (failed ones too).
    pub fn received(&self) -> Vec<Received> {
        self.lock().received.clone()
    }

    pub fn clear_received(&self) {
        self.lock().received.clear();
    }

    pub fn set_faults(&self, faults: Faults) {
        self.lock().faults = faults;
    }

    pub fn counters(&self) -> Counters {
        self.lock().counters
    }

    /// List requests made for a kind so far.
    pub fn list_requests(&self, kind: Kind) -> u64 {
        self.lock().lists.get(&kind).copied().unwrap_or(0)
    }

    /// Updates of this record are refused with a 403 from now on.
    pub fn forbid_updates(&self, uuid: &str) {
        self.lock().forbidden.insert(uuid.to_owned());
    }

    /// The next request for this page of this kind is answered with a 503.
    pub fn fail_page_once(&self, kind: Kind, page: usize) {
        self.lock().failing_pages.push((kind, page));
    }

    fn served(&self, kind: Kind) -> Result<(), ProviderError> {
        if self.order.contains(&kind) {
            Ok(())
        } else {
            Err(ProviderError::NotFound)
        }
    }

    fn page(
        &self,
        kind: Kind,
        updated_after: Option<DateTime<Utc>>,
        cursor: Option<&str>,
    ) -> Result<ListPage, ProviderError> {
        self.served(kind)?;
        let mut s = self.lock();
        s.requests += 1;
        *s.lists.entry(kind).or_default() += 1;
        let page: usize = match cursor {
            None => 1,
            Some(c) => {
                c.parse()
                    .ok()
                    .filter(|p| *p >= 1)
                    .ok_or_else(|| ProviderError::Validation {
                        message: format!("{c} is not a page number"),
                        field: Some("page".into()),
                    })?
            }
        };
        if let Some(at) = s
            .failing_pages
            .iter()
            .position(|&(k, p)| k == kind && p == page)
        {
            s.failing_pages.remove(at);
            s.counters.errors += 1;
            return Err(ProviderError::Server(503));
        }
        if s.fails_before() {
            return Err(ProviderError::Server(503));
        }
        let matching: Vec<Value> = s
            .table(kind)
            .iter()
            .filter(|r| updated_after.is_none_or(|t| modified(r) > t))
            .cloned()
            .collect();
        let start = (page - 1) * PAGE_SIZE;
        let items = matching
            .iter()
            .skip(start)
            .take(PAGE_SIZE)
            .cloned()
            .collect();
        let next = (start + PAGE_SIZE < matching.len()).then(|| (page + 1).to_string());
        Ok(ListPage {
            items,
            rejected: Vec::new(),
            next,
            item_count: Some(matching.len() as u64),
        })
    }
}

mod wire;
use wire::{decode_case, decode_event, decode_staff, decode_task, wire_body};

mod provider;
