//! Paging and the change filter (cursor-based-pagination.txt): a 10k-record walk at
//! page_size=1000 sees every record exactly once even while records change between
//! pages; `filter[updated_after]` is inclusive; page links expire and cannot be forged.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use casefile_sandbox::SandboxConfig;
use common::{assert_error, next_link};
use serde_json::{json, Value};

async fn seed_clients(env: &common::Env, n: usize) {
    for start in (0..n).step_by(2000) {
        let batch: Vec<Value> = (start..(start + 2000).min(n))
            .map(|i| json!({"first_name": format!("First{i}"), "last_name": format!("Last{i}")}))
            .collect();
        env.admin_insert("clients", Value::Array(batch)).await;
    }
}

#[tokio::test]
async fn ten_thousand_records_walk_once_each_while_records_change() {
    let env = common::empty().await;
    seed_clients(&env, 10_000).await;
    let mut seen = BTreeSet::new();
    let mut url = env.url("/v1/clients?page_size=1000");
    let mut pages = 0;
    loop {
        let resp = env
            .http
            .get(&url)
            .bearer_auth(&env.info.access_token)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.headers()["item-count"], "10000");
        let next = next_link(&resp);
        let items: Vec<Value> = resp.json().await.unwrap();
        assert!(items.len() <= 1000);
        for item in &items {
            assert!(
                seen.insert(item["id"].as_i64().unwrap()),
                "duplicate {}",
                item["id"]
            );
        }
        pages += 1;
        // Another user edits records behind and ahead of the cursor between pages.
        for id in [pages * 7, (pages * 1000 + 13).min(10_000), 9_999 - pages] {
            let resp = env
                .admin(
                    reqwest::Method::PUT,
                    &format!("/admin/records/clients/{id}"),
                )
                .json(&json!({"notes": format!("edited on page {pages}")}))
                .send()
                .await
                .unwrap();
            assert_eq!(resp.status(), 200);
        }
        match next {
            Some(n) => url = n,
            None => break,
        }
    }
    assert_eq!(pages, 10);
    assert_eq!(seen.len(), 10_000);
    assert_eq!(seen.first(), Some(&1));
    assert_eq!(seen.last(), Some(&10_000));
}

#[tokio::test]
async fn updated_after_is_inclusive_and_default_page_size_is_25() {
    let env = common::empty().await;
    seed_clients(&env, 60).await;
    let resp = env.get("/v1/clients").send().await.unwrap();
    assert!(next_link(&resp).is_some());
    let items: Vec<Value> = resp.json().await.unwrap();
    assert_eq!(items.len(), 25);

    tokio::time::sleep(Duration::from_millis(1100)).await;
    let changed = env
        .admin(reqwest::Method::PUT, "/admin/records/clients/42")
        .json(&json!({"email": "new@example.com"}))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    let stamp = changed["updated_at"].as_str().unwrap().to_owned();
    let resp = env
        .get(&format!("/v1/clients?filter[updated_after]={stamp}"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.headers()["item-count"],
        "1",
        "the record updated exactly at the filter time is included"
    );
    let items: Vec<Value> = resp.json().await.unwrap();
    assert_eq!(items[0]["id"], 42);
    // The filter follows the walk through its page links.
    let resp = env
        .get("/v1/clients?page_size=10&filter[updated_after]=2000-01-01")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["item-count"], "60");
    let link = next_link(&resp).unwrap();
    assert!(
        link.contains("filter%5Bupdated_after%5D=2000-01-01"),
        "{link}"
    );
}

#[tokio::test]
async fn page_links_expire_and_cannot_be_forged_or_moved() {
    let env = common::with(
        SandboxConfig::empty()
            .with_rate_limit(0)
            .with_page_token_ttl(Duration::from_secs(2)),
    )
    .await;
    seed_clients(&env, 30).await;
    env.create("/v1/case_stages", json!({"name": "Intake"}))
        .await;
    let resp = env.get("/v1/clients?page_size=10").send().await.unwrap();
    let link = next_link(&resp).unwrap();
    let token = link.split("page_token=").nth(1).unwrap().to_owned();

    let moved = env
        .get(&format!("/v1/case_stages?page_size=10&page_token={token}"))
        .send()
        .await
        .unwrap();
    assert_error(moved, 422, "token used on another collection").await;
    let mut forged = token.clone();
    forged.insert(1, 'A');
    let forged = env
        .get(&format!("/v1/clients?page_size=10&page_token={forged}"))
        .send()
        .await
        .unwrap();
    assert_error(forged, 422, "forged token").await;

    // A link just handed out works (taken anew: on a loaded machine the
    // requests above can outlast the time-to-live)...
    let resp = env.get("/v1/clients?page_size=10").send().await.unwrap();
    let link = next_link(&resp).unwrap();
    let fresh = env
        .http
        .get(&link)
        .bearer_auth(&env.info.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(fresh.status(), 200);
    // ...and the same link past its time-to-live is refused.
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let expired = env
        .http
        .get(&link)
        .bearer_auth(&env.info.access_token)
        .send()
        .await
        .unwrap();
    let body = assert_error(expired, 422, "expired page token").await;
    assert_eq!(body["errors"][0]["source"]["parameter"], "page_token");
    assert!(body["errors"][0]["description"]
        .as_str()
        .unwrap()
        .contains("expired"));
}
