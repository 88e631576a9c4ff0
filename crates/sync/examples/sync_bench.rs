//! sync-bench: an initial sync of a large firm from the sandbox (run as its
//! own process, so this process's CPU and memory are the client's alone),
//! compared with a raw fetch of the same pages in the same run (every page
//! requested and its body read, nothing parsed or stored), then an
//! incremental sync with nothing changed.
//!
//! ```sh
//! cargo build --release -p casefile-sandbox
//! cargo run --release -p casefile-sync --example sync-bench
//! ```
//! `SYNC_BENCH_SCALE=0.1` runs a tenth of the load; `SYNC_BENCH_DIALECT=legalserver`
//! serves it in LegalServer's dialect, and `SYNC_BENCH_PER_MINUTE=N` turns its rate
//! limit on for the sync (the raw fetch before it runs with the limit off; the
//! incremental sync is skipped), and prints beside the time taken the least time the
//! limit allows: the requests sent one after another at the raw fetch's pace, each
//! minute's allowance spent, then a wait for the next minute. The same as flags:
//! `-- --dialect legalserver --per-minute 200 --scale 0.1`.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Instant;

use casefile_domain::entity::{Kind, Task};
use casefile_domain::ids::{AccountId, LocalId};
use casefile_providers::{
    AnyProvider, Auth, Connection, Credentials, MemorySecrets, Provider, ProviderId,
};
use casefile_store::{CacheKey, CaseQuery, Store};
use casefile_sync::{Engine, SyncOptions, Syncer};

fn proc_field(file: &str, key: &str) -> Option<f64> {
    let text = std::fs::read_to_string(file).ok()?;
    text.lines()
        .find(|l| l.starts_with(key))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// User + system CPU seconds of this process (Linux).
fn cpu_s() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return f64::NAN;
    };
    let after = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

async fn raw_fetch(client: &AnyProvider) -> f64 {
    let started = Instant::now();
    for &kind in Provider::pull_order(client) {
        let mut cursor = None;
        loop {
            let (_, next) = client
                .raw_page(kind, cursor.as_deref())
                .await
                .expect("raw fetch");
            match next {
                Some(n) => cursor = Some(n),
                None => break,
            }
        }
    }
    started.elapsed().as_secs_f64()
}

/// The least time `requests` sequential requests take under a limit of
/// `per_minute` a clock minute, starting `start_second` into a minute, each
/// taking `per_request_s` (the raw fetch's pace).
fn limited_bound(requests: u64, per_minute: u64, start_second: f64, per_request_s: f64) -> f64 {
    let (mut t, mut used, mut window_end) = (0.0, 0, 60.0 - start_second);
    for _ in 0..requests {
        while t >= window_end {
            window_end += 60.0;
            used = 0;
        }
        if used >= per_minute {
            t = window_end;
            window_end += 60.0;
            used = 0;
        }
        used += 1;
        t += per_request_s;
    }
    t
}

/// Sets the sandbox's per-minute limit (0 = off).
async fn set_per_minute(base: &str, admin_token: &str, per_minute: u32) {
    let answer = casefile_providers::http::client(std::time::Duration::from_secs(30))
        .expect("an HTTP client")
        .put(format!("{base}/admin/per_minute"))
        .bearer_auth(admin_token)
        .json(&serde_json::json!({ "per_minute": per_minute }))
        .send()
        .await
        .expect("the sandbox's admin API");
    assert!(
        answer.status().is_success(),
        "set the limit: {}",
        answer.status()
    );
}

/// A setting from the command line (`--name value`), else its environment variable.
fn setting(flag: &str, var: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == flag)
        .and_then(|i| args.get(i + 1).cloned())
        .or_else(|| std::env::var(var).ok())
}

/// The sandbox process, killed (by its own handle) when dropped.
struct Sandbox(std::process::Child);

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::main]
async fn main() {
    let scale: f64 = setting("--scale", "SYNC_BENCH_SCALE")
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0);
    let n = |x: f64| ((x * scale) as usize).max(1).to_string();
    let exe = std::env::current_exe().unwrap();
    let sandbox_bin = std::env::var("SANDBOX_BIN")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| {
            exe.parent()
                .unwrap()
                .parent()
                .unwrap()
                .join("casefile-sandbox")
        });
    // SYNC_BENCH_DIALECT=legalserver serves the firm in LegalServer's dialect;
    // SYNC_BENCH_PER_MINUTE=200 turns its rate limit on (off by default).
    // (The sandbox's own default when unset.)
    let asked_dialect = setting("--dialect", "SYNC_BENCH_DIALECT");
    let per_minute: u32 = setting("--per-minute", "SYNC_BENCH_PER_MINUTE")
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let child = Command::new(&sandbox_bin)
        .args(asked_dialect.iter().flat_map(|d| ["--dialect", d.as_str()]))
        .args(["--per-minute", &per_minute.to_string()])
        .args([
            "--cases",
            &n(10_000.0),
            "--events",
            &n(100_000.0),
            "--tasks",
            &n(50_000.0),
            "--documents",
            &n(20_000.0),
            "--rate-limit",
            "0",
            "--seed",
            "1",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "start {} (build it with `cargo build --release -p casefile-sandbox`): {e}",
                sandbox_bin.display()
            )
        });
    let mut line = String::new();
    // Stopped however this process ends, a failed assertion included.
    let mut child = Sandbox(child);
    BufReader::new(child.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let info: serde_json::Value = serde_json::from_str(&line).expect("sandbox ready line");
    let base = info["base_url"].as_str().unwrap().to_owned();
    let token = info["access_token"].as_str().unwrap().to_owned();
    let admin_token = info["admin_token"].as_str().unwrap().to_owned();
    // The client the registry makes for the dialect the sandbox speaks.
    let dialect = ProviderId::parse(info["dialect"].as_str().unwrap()).unwrap();

    let connect = || {
        let auth = Arc::new(Auth::new(Arc::new(MemorySecrets::default()), "bench", None));
        auth.store_tokens(&token, None).unwrap();
        let connection = Connection {
            base_url: base.clone(),
            credentials: Credentials::Bearer(auth),
            // Paced by the provider (and its headers) only when a limit is on.
            rate_limit_per_s: if per_minute > 0 { None } else { Some(0) },
            retry: Default::default(),
        };
        AnyProvider::connect(dialect, connection).unwrap()
    };
    let raw_client = connect();
    // With a rate limit on, the raw fetch before runs with it off (it would spend
    // the sync's budget), and the one after is skipped.
    let limited = per_minute > 0;
    if limited {
        set_per_minute(&base, &admin_token, 0).await;
    }
    let raw_before = raw_fetch(&raw_client).await;
    if limited {
        set_per_minute(&base, &admin_token, per_minute).await;
    }

    let dir = tempfile::tempdir().unwrap();
    // Encrypted (SQLCipher), as every firm account's cache is.
    let key = CacheKey::generate().unwrap();
    let store = Store::open_encrypted(dir.path(), &AccountId("bench".into()), &key).unwrap();
    let provider = Arc::new(connect());
    let store = Arc::new(store);
    let engine = Engine::new(Syncer {
        store: store.clone(),
        provider: provider.clone(),
        zone: chrono_tz::America::New_York,
    });
    let cpu0 = cpu_s();
    let started = Instant::now();
    let second_of_minute = f64::from(chrono::Timelike::second(&chrono::Utc::now()));
    // What the window's case list would show, asked as it would (a page of
    // 50), every 20 ms until it has rows.
    let watcher = {
        let store = store.clone();
        std::thread::spawn(move || loop {
            let page = store.cases(&CaseQuery {
                limit: 50,
                ..Default::default()
            });
            if page.is_ok_and(|p| !p.items.is_empty()) {
                return started.elapsed().as_secs_f64();
            }
            if started.elapsed().as_secs() > 600 {
                return f64::NAN;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        })
    };
    let report = engine
        .sync_now(SyncOptions::default())
        .await
        .expect("initial sync");
    let sync_s = started.elapsed().as_secs_f64();
    let first_rows_s = watcher.join().unwrap_or(f64::NAN);
    let cpu = cpu_s() - cpu0;
    let raw_after = if limited {
        f64::NAN
    } else {
        raw_fetch(&raw_client).await
    };
    let raw = if limited {
        raw_before
    } else {
        (raw_before + raw_after) / 2.0
    };

    let requests_before = provider.request_count();
    let (incremental_ms, incremental_requests) = if limited {
        (f64::NAN, 0)
    } else {
        let started = Instant::now();
        engine
            .sync_now(SyncOptions::default())
            .await
            .expect("incremental sync");
        (
            started.elapsed().as_secs_f64() * 1000.0,
            provider.request_count() - requests_before,
        )
    };

    // One edit made here, pushed and confirmed: the sync the user waits for
    // (for a provider that takes task changes).
    let push_one_ms = if !limited && Provider::capabilities(&*provider).can_update(Kind::Task) {
        push_one(&engine, &store).await
    } else {
        f64::NAN
    };
    let rss = proc_field("/proc/self/status", "VmHWM:").unwrap_or(f64::NAN) / 1024.0;
    eprintln!(
        "initial sync: {} records in {} requests; raw fetch {raw_before:.2} s before, {raw_after:.2} s after; {} resources",
        report.pull.applied(),
        report.pull.requests(),
        Provider::pull_order(&*provider).len()
    );
    if limited {
        let requests = report.pull.requests() as u64;
        let bound = limited_bound(
            requests,
            u64::from(per_minute),
            second_of_minute,
            raw_before / requests.max(1) as f64,
        );
        eprintln!(
            "rate limit {per_minute}/min: {requests} requests need at least {bound:.1} s (the limit, at the raw fetch's pace); the sync took {sync_s:.1} s ({:+.1} %)",
            (sync_s / bound - 1.0) * 100.0
        );
    }
    drop(child);
    println!(
        "sync-bench: dialect={dialect} sync_s={sync_s:.2} raw_fetch_s={raw:.2} ratio={:.2} cpu_s={cpu:.2} peak_rss_mb={rss:.1} first_rows_s={first_rows_s:.2} incremental_requests={incremental_requests} incremental_ms={incremental_ms:.0} push_one_ms={push_one_ms:.0}",
        sync_s / raw
    );
}

/// Edits one task here and times the sync that pushes it and has it confirmed.
async fn push_one(engine: &Engine<AnyProvider>, store: &Store) -> f64 {
    let first: String = store
        .read(|c| {
            Ok(
                c.query_row("SELECT id FROM tasks WHERE deleted = 0 LIMIT 1", [], |r| {
                    r.get(0)
                })?,
            )
        })
        .expect("a task");
    let first = LocalId::parse(&first).expect("a task id");
    let mut task: Task = store.get(&first).expect("read").expect("the task");
    task.name = format!("{} (checked)", task.name);
    store.save(task, "Edited").expect("saved");
    let started = Instant::now();
    let pushed = engine
        .sync_now(SyncOptions::default())
        .await
        .expect("a sync with one edit");
    let push_one_ms = started.elapsed().as_secs_f64() * 1000.0;
    let why: Vec<String> = store
        .read(|c| {
            let mut stmt = c.prepare("SELECT coalesce(last_error, '') FROM outbox")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .unwrap_or_default();
    assert_eq!(pushed.push.updated, 1, "the edit was pushed: {why:?}");
    push_one_ms
}
