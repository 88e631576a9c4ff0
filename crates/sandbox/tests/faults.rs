//! Fault injection: under a fixed seed each fault kind happens at (about) its
//! configured rate, the same seed replays the same sequence, and the per-client rate
//! limit answers 429 with Retry-After.

mod common;

use std::time::{Duration, Instant};

use casefile_sandbox::SandboxConfig;
use common::{next_link, Env};
use serde_json::{json, Value};

async fn statuses(env: &Env, n: usize) -> Vec<u16> {
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        out.push(env.get("/v1/firm").send().await.unwrap().status().as_u16());
    }
    out
}

fn count(v: &[u16], status: u16) -> usize {
    v.iter().filter(|s| **s == status).count()
}

/// Lengths of the runs of `status`.
fn runs(v: &[u16], status: u16) -> Vec<usize> {
    let mut out = Vec::new();
    let mut current = 0;
    for s in v {
        if *s == status {
            current += 1;
        } else if current > 0 {
            out.push(current);
            current = 0;
        }
    }
    if current > 0 {
        out.push(current);
    }
    out
}

#[tokio::test]
async fn server_errors_happen_at_their_rate_and_replay_by_seed() {
    let env = common::empty().await;
    let cfg = json!({"seed": 7, "error_rate": 0.1});
    env.set_faults(cfg.clone()).await;
    let first = statuses(&env, 1000).await;
    let errors = count(&first, 500);
    println!("error_rate 0.1 over 1000 requests: {errors} answered 500");
    assert!((70..=130).contains(&errors), "{errors} errors");
    assert_eq!(errors + count(&first, 200), 1000);
    assert_eq!(env.fault_counters().await["errors"], errors);
    env.set_faults(cfg).await;
    assert_eq!(statuses(&env, 1000).await, first, "same seed, same faults");
    env.set_faults(json!({"seed": 8, "error_rate": 0.1})).await;
    assert_ne!(
        statuses(&env, 1000).await,
        first,
        "another seed, other faults"
    );
}

#[tokio::test]
async fn storms_and_maintenance_windows_come_in_runs() {
    let env = common::empty().await;
    env.set_faults(json!({"seed": 3, "storm_rate": 0.02, "storm_length": 5}))
        .await;
    let v = statuses(&env, 1000).await;
    let storms = count(&v, 429);
    println!("storm_rate 0.02 x 5 over 1000 requests: {storms} answered 429");
    assert!((50..=150).contains(&storms), "{storms}");
    let r = runs(&v, 429);
    assert!(r[..r.len() - 1].iter().all(|len| len % 5 == 0), "{r:?}");
    let resp = loop {
        let resp = env.get("/v1/firm").send().await.unwrap();
        if resp.status() == 429 {
            break resp;
        }
    };
    assert!(resp.headers().contains_key("retry-after"));
    common::assert_error(resp, 429, "storm").await;

    env.set_faults(json!({"seed": 3, "maintenance_rate": 0.01, "maintenance_length": 20}))
        .await;
    let v = statuses(&env, 1000).await;
    let down = count(&v, 503);
    println!("maintenance_rate 0.01 x 20 over 1000 requests: {down} answered 503");
    assert!((80..=260).contains(&down), "{down}");
    let r = runs(&v, 503);
    assert!(r[..r.len() - 1].iter().all(|len| len % 20 == 0), "{r:?}");
}

#[tokio::test]
async fn latency_is_added_to_every_request() {
    let env = common::empty().await;
    env.set_faults(json!({"seed": 1, "latency_ms": 30, "latency_jitter_ms": 20}))
        .await;
    for _ in 0..20 {
        let t = Instant::now();
        assert_eq!(env.get("/v1/firm").send().await.unwrap().status(), 200);
        assert!(t.elapsed() >= Duration::from_millis(30));
    }
    assert_eq!(env.fault_counters().await["delayed"], 20);
}

#[tokio::test]
async fn dropped_writes_are_committed_but_unanswered() {
    let env = common::empty().await;
    env.set_faults(json!({"seed": 11, "drop_after_commit_rate": 0.25}))
        .await;
    let mut dropped = 0;
    for i in 0..200 {
        match env
            .post("/v1/case_stages", &json!({"name": format!("Stage {i}")}))
            .send()
            .await
        {
            Ok(resp) => assert_eq!(resp.status(), 201),
            Err(_) => dropped += 1,
        }
    }
    println!("drop_after_commit_rate 0.25 over 200 writes: {dropped} dropped");
    assert!((30..=70).contains(&dropped), "{dropped}");
    assert_eq!(env.fault_counters().await["drops"], dropped);
    let dump: Value = env
        .admin(reqwest::Method::GET, "/admin/dump")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        dump["records"]["case_stages"].as_array().unwrap().len(),
        200,
        "every write committed"
    );
    for _ in 0..50 {
        assert_eq!(
            env.get("/v1/firm").send().await.unwrap().status(),
            200,
            "reads are never dropped"
        );
    }
}

#[tokio::test]
async fn tokens_expire_at_their_rate_and_stay_expired() {
    let mut env = common::empty().await;
    env.set_faults(json!({"seed": 5, "token_expiry_rate": 0.1}))
        .await;
    let mut expired = 0;
    for _ in 0..300 {
        let resp = env.get("/v1/firm").send().await.unwrap();
        if resp.status() == 401 {
            expired += 1;
            let old = env.info.access_token.clone();
            let again = env
                .http
                .get(env.url("/v1/firm"))
                .bearer_auth(&old)
                .send()
                .await
                .unwrap();
            assert_eq!(again.status(), 401, "an expired token stays expired");
            let fresh: Value = env
                .admin(reqwest::Method::POST, "/admin/tokens")
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            env.info.access_token = fresh["access_token"].as_str().unwrap().to_owned();
        } else {
            assert_eq!(resp.status(), 200);
        }
    }
    println!("token_expiry_rate 0.1 over 300 requests: {expired} tokens expired");
    assert!((15..=50).contains(&expired), "{expired}");
}

#[tokio::test]
async fn page_links_expire_at_their_rate() {
    let env = common::empty().await;
    let clients: Vec<Value> = (0..5)
        .map(|i| json!({"first_name": format!("F{i}"), "last_name": "L"}))
        .collect();
    env.admin_insert("clients", Value::Array(clients)).await;
    env.set_faults(json!({"seed": 9, "page_expiry_rate": 0.3}))
        .await;
    let mut expired = 0;
    for _ in 0..200 {
        let first = env.get("/v1/clients?page_size=1").send().await.unwrap();
        assert_eq!(
            first.status(),
            200,
            "first pages carry no token and never expire"
        );
        let link = next_link(&first).unwrap();
        let next = env
            .http
            .get(&link)
            .bearer_auth(&env.info.access_token)
            .send()
            .await
            .unwrap();
        match next.status().as_u16() {
            200 => {}
            422 => expired += 1,
            other => panic!("unexpected {other}"),
        }
    }
    println!("page_expiry_rate 0.3 over 200 page links: {expired} expired");
    assert!((35..=85).contains(&expired), "{expired}");
    assert_eq!(env.fault_counters().await["page_expiries"], expired);
}

#[tokio::test]
async fn rate_limit_answers_429_with_retry_after() {
    let env = common::with(SandboxConfig::empty().with_rate_limit(10)).await;
    let mut ok = 0;
    let mut limited = 0;
    for _ in 0..40 {
        let resp = env.get("/v1/firm").send().await.unwrap();
        match resp.status().as_u16() {
            200 => ok += 1,
            429 => {
                let retry: u64 = resp.headers()["retry-after"]
                    .to_str()
                    .unwrap()
                    .parse()
                    .unwrap();
                assert!(retry >= 1);
                limited += 1;
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert!((10..=15).contains(&ok), "{ok} passed a 10/s limit");
    assert_eq!(ok + limited, 40);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(
        env.get("/v1/firm").send().await.unwrap().status(),
        200,
        "the bucket refills"
    );
    let resp = env
        .admin(reqwest::Method::PUT, "/admin/rate_limit")
        .json(&json!({"per_second": 0}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    assert_eq!(
        count(&statuses(&env, 100).await, 200),
        100,
        "0 turns the limit off"
    );
}
