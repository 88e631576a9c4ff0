//! store-bench: measures the cache on generated data and prints one summary line:
//! `store-bench: upsert_rows_per_s=… case_page_ms=… month_ms=… search_p95_ms=… peak_rss_mb=…`
//!
//! Run in release: `cargo run --release -p casefile-store --bin store-bench`
//! (defaults: 50k cases, 100k events, 50k tasks, 20k documents; `--quick` for 1/10).
//! `month_ms` is the calendar's query (what it draws); the time to decode the
//! same month as full records goes to stderr. Times are medians over repeated runs, except search, which reports the p95 of
//! type-ahead queries over many prefixes.

use std::time::Instant;

use casefile_domain::entity::*;
use casefile_domain::ids::{AccountId, LocalId, RemoteId};
use casefile_domain::time::{day_bounds, EventTime};
use casefile_store::server_page::PendingPage;
use casefile_store::{CacheKey, CaseQuery, Checkpoint, Entity, EventQuery, Store};
use chrono::{Duration, NaiveDate, TimeZone, Utc};

const WORDS: &[&str] = &[
    "Martinez",
    "Hollis",
    "Chen",
    "Okafor",
    "Lakeside",
    "Granite",
    "Patel",
    "Nguyen",
    "Adams",
    "Brennan",
    "Sullivan",
    "Kowalski",
    "Whitfield",
    "Delgado",
    "Harbor",
    "Summit",
    "Freight",
    "Realty",
    "Trucking",
    "Estate",
    "Holdings",
    "Medical",
    "Insurance",
    "Contract",
    "Custody",
];

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*: deterministic, dependency-free data generation.
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn pick<'a>(&mut self, items: &'a [&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn meta(account: &AccountId, remote: String) -> Meta {
    Meta {
        id: LocalId::new(),
        account: account.clone(),
        remote_id: Some(RemoteId(remote)),
        server_updated_at: Some(Utc.with_ymd_and_hms(2026, 11, 1, 10, 0, 0).unwrap()),
        extra: Default::default(),
    }
}

fn arg(args: &[String], name: &str, default: usize) -> usize {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The largest page the sync asks for.
const PAGE: usize = 1000;

/// Pages in one transaction, as the sync batches them when the writer is
/// behind the network (casefile-sync's `BATCH_ROWS`, 5,000 rows).
const BATCH: usize = 5;

/// Writes `rows` as a first walk of their resource: pages of PAGE rows,
/// BATCH pages a transaction, each page with its checkpoint.
fn write_walk<E: Entity>(store: &Store, rows: Vec<E>) {
    let (started, n) = (Instant::now(), rows.len());
    let pages = n.div_ceil(PAGE);
    let mut rows = rows.into_iter();
    let mut batch = Vec::new();
    for page in 1..=pages {
        let rows_now: Vec<E> = rows.by_ref().take(PAGE).collect();
        let checkpoint = Checkpoint {
            resource: E::KIND.plural().to_owned(),
            watermark: None,
            cursor: (page < pages).then(|| format!("page={}", page + 1)),
        };
        batch.push(PendingPage::new(rows_now, Vec::new(), Some(checkpoint)));
        if batch.len() == BATCH || page == pages {
            store
                .apply_pages(std::mem::take(&mut batch))
                .expect("a batch of pages");
        }
    }
    let s = started.elapsed().as_secs_f64();
    eprintln!(
        "{}: {n} rows in {s:.2} s ({:.0} rows/s)",
        E::KIND.plural(),
        n as f64 / s
    );
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let scale = if args.iter().any(|a| a == "--quick") {
        10
    } else {
        1
    };
    let n_cases = arg(&args, "--cases", 50_000 / scale);
    let n_events = arg(&args, "--events", 100_000 / scale);
    let n_tasks = arg(&args, "--tasks", 50_000 / scale);
    let n_docs = arg(&args, "--documents", 20_000 / scale);
    let account = AccountId("bench".into());
    let dir = tempfile::tempdir().expect("temp dir");
    // Encrypted (SQLCipher), as every firm account's cache is.
    let key = CacheKey::generate().expect("a key");
    let store = Store::open_encrypted(dir.path(), &account, &key).expect("open store");
    let mut rng = Rng(0x5eed);

    let cases: Vec<Case> = (0..n_cases)
        .map(|i| Case {
            meta: meta(&account, format!("c{i}")),
            name: format!(
                "{} v. {} {}",
                rng.pick(WORDS),
                rng.pick(WORDS),
                rng.pick(WORDS)
            ),
            number: Some(format!(
                "20{:02}-CV-{:05}.{}",
                18 + rng.below(8),
                i,
                rng.below(9)
            )),
            description: Some(format!("{} {} dispute", rng.pick(WORDS), rng.pick(WORDS))),
            status: if rng.below(5) == 0 {
                CaseStatus::Closed
            } else {
                CaseStatus::Open
            },
            stage: None,
            practice_area: None,
            opened_on: NaiveDate::from_ymd_opt(2018, 1, 1)
                .map(|d| d + Duration::days(rng.below(3000) as i64)),
            closed_on: None,
            clients: vec![],
            companies: vec![],
            staff: vec![],
        })
        .collect();
    let case_ids: Vec<LocalId> = cases.iter().map(|c| c.meta.id).collect();
    let base = Utc.with_ymd_and_hms(2025, 1, 1, 9, 0, 0).unwrap();
    let events: Vec<Event> = (0..n_events)
        .map(|i| {
            let start = base + Duration::minutes(30 * rng.below(2 * 365 * 48) as i64);
            let time = if rng.below(10) == 0 {
                let d = start.date_naive();
                EventTime::all_day(d, d + Duration::days(1 + rng.below(3) as i64)).expect("valid")
            } else {
                EventTime::timed(
                    start,
                    start + Duration::minutes(30 + 30 * rng.below(6) as i64),
                    chrono_tz::America::New_York,
                )
                .expect("valid")
            };
            Event {
                meta: meta(&account, format!("e{i}")),
                name: format!("{} hearing: {}", rng.pick(WORDS), rng.pick(WORDS)),
                description: None,
                location: Some(format!("Courtroom {}", rng.below(20))),
                case: Some(case_ids[rng.below(case_ids.len() as u64) as usize]),
                staff: vec![],
                time,
                private: false,
            }
        })
        .collect();
    let tasks: Vec<Task> = (0..n_tasks)
        .map(|i| Task {
            meta: meta(&account, format!("t{i}")),
            name: format!("Draft {} motion for {}", rng.pick(WORDS), rng.pick(WORDS)),
            description: None,
            priority: Priority::Medium,
            due: NaiveDate::from_ymd_opt(2025, 1, 1)
                .map(|d| d + Duration::days(rng.below(700) as i64)),
            completed: rng.below(3) == 0,
            completed_at: None,
            case: Some(case_ids[rng.below(case_ids.len() as u64) as usize]),
            staff: vec![],
        })
        .collect();
    let docs: Vec<Document> = (0..n_docs)
        .map(|i| Document {
            meta: meta(&account, format!("d{i}")),
            case: case_ids[rng.below(case_ids.len() as u64) as usize],
            folder: None,
            name: format!("{} {} {}.pdf", rng.pick(WORDS), rng.pick(WORDS), i),
            path: "Pleadings/Motions".into(),
            size: Some(1000),
            content_hash: None,
            local_blob: None,
        })
        .collect();
    let total_rows = cases.len() + events.len() + tasks.len() + docs.len();

    // Bulk upsert: every row through the sync's path, as a first sync writes
    // it: pages of PAGE rows, each with its resource's checkpoint, in
    // batches of BATCH pages, the last page of a resource completing its walk.
    let started = Instant::now();
    write_walk(&store, cases);
    write_walk(&store, events);
    write_walk(&store, tasks);
    write_walk(&store, docs);
    let upsert_rows_per_s = total_rows as f64 / started.elapsed().as_secs_f64();

    let timed = |f: &dyn Fn()| {
        let t = Instant::now();
        f();
        t.elapsed().as_secs_f64() * 1000.0
    };
    let first_page = CaseQuery {
        limit: 50,
        ..Default::default()
    };
    let case_page_ms = median(
        (0..50)
            .map(|_| {
                timed(&|| {
                    store.cases(&first_page).expect("case page");
                })
            })
            .collect(),
    );

    let zone = chrono_tz::America::New_York;
    let (from, _) = day_bounds(NaiveDate::from_ymd_opt(2025, 10, 1).expect("date"), zone);
    let (to, _) = day_bounds(NaiveDate::from_ymd_opt(2025, 11, 1).expect("date"), zone);
    let month = EventQuery {
        from,
        to,
        viewer: zone,
        case: None,
        staff: None,
    };
    let mut month_count = 0;
    let month_ms = median(
        (0..30)
            .map(|_| {
                let t = Instant::now();
                month_count = store.calendar(&month).expect("month").len();
                t.elapsed().as_secs_f64() * 1000.0
            })
            .collect(),
    );

    let month_full_ms = median(
        (0..10)
            .map(|_| {
                timed(&|| {
                    store.events(&month).expect("month, full records");
                })
            })
            .collect(),
    );

    let mut search_times: Vec<f64> = Vec::new();
    for word in WORDS {
        for len in 2..=word.len().min(6) {
            let prefix = &word[..len];
            search_times.push(timed(&|| {
                store.search(prefix, 20).expect("search");
            }));
        }
    }
    search_times.sort_by(f64::total_cmp);
    let search_p95_ms = search_times[(search_times.len() * 95 / 100).min(search_times.len() - 1)];

    // Opening the cache again, as every launch does: key, recovery check, migrations.
    drop(store);
    let db_bytes: u64 = std::fs::read_dir(dir.path())
        .expect("the cache directory")
        .filter_map(|e| {
            let e = e.ok()?;
            eprintln!("F {:?} {}", e.file_name(), e.metadata().ok()?.len());
            e.metadata().ok()
        })
        .map(|m| m.len())
        .sum();
    let started = std::time::Instant::now();
    let store = Store::open_encrypted(dir.path(), &account, &key).expect("reopen store");
    let open_ms = started.elapsed().as_secs_f64() * 1000.0;
    assert!(
        store.recovery().is_none(),
        "a healthy cache is not moved aside"
    );

    eprintln!(
        "cache files: {:.1} MiB; rows: {n_cases} cases, {n_events} events, {n_tasks} tasks, {n_docs} documents; month window has {month_count} events ({month_full_ms:.2} ms as full records); {} search queries",
        db_bytes as f64 / (1024.0 * 1024.0),
        search_times.len()
    );
    println!(
        "store-bench: upsert_rows_per_s={upsert_rows_per_s:.0} case_page_ms={case_page_ms:.2} month_ms={month_ms:.2} search_p95_ms={search_p95_ms:.2} open_ms={open_ms:.0} peak_rss_mb={:.1}",
        peak_rss_mb()
    );
}
