//! LegalServer's rate limit as the engine meets it: a number of requests a
//! minute per site, announced on every answer by `x-rate-limit-remaining`
//! and `x-rate-limit-reset`, with 429 over it (and no `Retry-After`).
//! A sync bigger than one minute's allowance keeps the limit from the
//! headers, waiting for the window's reset instead of drawing 429s; and a
//! sync that starts when someone else has spent the minute waits the 429
//! out until the reset the headers name, without hammering the server.
//! Each takes up to a minute: the window is LegalServer's own.

mod common;

use std::sync::Arc;
use std::time::Instant;

use casefile_domain::ids::AccountId;
use casefile_providers::Provider;
use casefile_sandbox::{Dialect, RunningSandbox, SandboxConfig};
use casefile_store::Store;
use casefile_sync::{Engine, SyncOptions, Syncer};
use common::admin;
use reqwest::Method;
use serde_json::{json, Value};

type LsEngine = Engine<casefile_providers::legalserver::LegalServer>;

/// A LegalServer sandbox with the limit off (each test sets it once the
/// firm's cost is known).
async fn sandbox() -> RunningSandbox {
    casefile_sandbox::start(
        SandboxConfig::default()
            .with_dialect(Dialect::LegalServer)
            .with_per_minute(0),
    )
    .await
    .unwrap()
}

/// An engine on a scratch cache: a laptop's first sync of the firm.
fn laptop(sandbox: &RunningSandbox) -> (LsEngine, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path(), &AccountId("ls".into())).unwrap());
    let engine = Engine::new(Syncer {
        store,
        provider: Arc::new(common::connect_legalserver(sandbox)),
        zone: chrono_tz::America::New_York,
    });
    (engine, dir)
}

/// What one first sync of the firm costs in requests, with the limit off.
async fn first_sync_cost(sandbox: &RunningSandbox) -> u64 {
    let (engine, _dir) = laptop(sandbox);
    engine.sync_now(SyncOptions::default()).await.unwrap();
    engine.syncer().provider.request_count()
}

async fn set_limit(sandbox: &RunningSandbox, per_minute: u32) {
    admin(
        sandbox,
        Method::PUT,
        "/admin/per_minute",
        json!({ "per_minute": per_minute }),
    )
    .await;
}

/// Requests the limit has admitted and refused (429) so far.
async fn totals(sandbox: &RunningSandbox) -> (u64, u64) {
    let v = admin(sandbox, Method::GET, "/admin/per_minute", Value::Null).await;
    (
        v["totals"]["admitted"].as_u64().unwrap(),
        v["totals"]["refused"].as_u64().unwrap(),
    )
}

/// Whether the engine ever said it was holding requests back.
fn watch_throttled(engine: &LsEngine) -> tokio::task::JoinHandle<bool> {
    let mut status = engine.subscribe();
    tokio::spawn(async move {
        let mut throttled = false;
        while status.changed().await.is_ok() {
            throttled |= status.borrow().throttled_until.is_some();
        }
        throttled
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sync_bigger_than_the_minutes_allowance_keeps_the_limit_from_the_headers() {
    let sandbox = sandbox().await;
    let cost = first_sync_cost(&sandbox).await;
    assert!(cost >= 4, "the firm takes several requests: {cost}");
    // A limit under the cost: a second laptop's first sync must wait for a reset.
    let limit = u32::try_from(cost * 2 / 3).unwrap();
    set_limit(&sandbox, limit).await;
    let (engine, _dir) = laptop(&sandbox);
    let throttled = watch_throttled(&engine);
    let (admitted_before, _) = totals(&sandbox).await;
    let started = Instant::now();
    engine.sync_now(SyncOptions::default()).await.unwrap();
    let took = started.elapsed();
    let (admitted, refused) = totals(&sandbox).await;
    let sent = admitted - admitted_before;
    assert_eq!(
        refused, 0,
        "the client kept the limit from the headers and drew no 429 ({sent} admitted, limit {limit}/min)"
    );
    assert!(
        sent > u64::from(limit),
        "the sync needed more than one window: {sent} requests, limit {limit}"
    );
    drop(engine);
    assert!(throttled.await.unwrap(), "the status said it was waiting");
    eprintln!("legalserver rate limit: {sent} requests under {limit}/min, 0 refused, {took:?}");
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_429_with_legalserver_headers_is_waited_out_until_the_reset() {
    let sandbox = sandbox().await;
    // Room for the whole sync in one window, once the current one is over.
    let limit = u32::try_from(first_sync_cost(&sandbox).await + 20).unwrap();
    set_limit(&sandbox, limit).await;
    // Another client of the site spends the minute.
    let http = casefile_providers::http::client(std::time::Duration::from_secs(30)).unwrap();
    let url = format!("{}/api/v1/users", sandbox.info().base_url);
    let reset = loop {
        let answer = http
            .get(&url)
            .bearer_auth(&sandbox.info().access_token)
            .send()
            .await
            .unwrap();
        if answer.status() == reqwest::StatusCode::TOO_MANY_REQUESTS {
            assert!(
                answer.headers().get("retry-after").is_none(),
                "LegalServer names the reset, not a Retry-After"
            );
            break answer.headers()["x-rate-limit-reset"]
                .to_str()
                .unwrap()
                .parse::<i64>()
                .unwrap();
        }
    };
    let (_, refused_before) = totals(&sandbox).await;
    let (engine, _dir) = laptop(&sandbox);
    let throttled = watch_throttled(&engine);
    engine.sync_now(SyncOptions::default()).await.unwrap();
    let finished = chrono::Utc::now().timestamp();
    let (_, refused) = totals(&sandbox).await;
    drop(engine);
    assert!(throttled.await.unwrap(), "the status said it was waiting");
    assert!(
        finished >= reset,
        "the sync finished at {finished}, before the window's reset at {reset}"
    );
    // Only the requests already on their way when the first 429 came back.
    assert!(
        refused - refused_before <= 8,
        "the client waited for the reset rather than retrying into it: {} more 429s",
        refused - refused_before
    );
    sandbox.shutdown().await;
}
