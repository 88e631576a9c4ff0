//! The default demo firm: loaded through `casefile_demo::generate`, every record it
//! serves validates against the contract schemas, folders and document bytes are
//! reachable, and the same seed gives the same firm.

mod common;

use casefile_sandbox::{DemoData, SandboxConfig};
use common::{assert_valid, contracts_dir, next_link, response_schema, Env};
use serde_json::Value;

async fn walk(env: &Env, path: &str) -> Vec<Value> {
    let sep = if path.contains('?') { '&' } else { '?' };
    let mut url = env.url(&format!("{path}{sep}page_size=1000"));
    let mut out = Vec::new();
    loop {
        let resp = env
            .http
            .get(&url)
            .bearer_auth(&env.info.access_token)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200, "GET {url}");
        let next = next_link(&resp);
        out.extend(resp.json::<Vec<Value>>().await.unwrap());
        match next {
            Some(n) => url = n,
            None => return out,
        }
    }
}

#[tokio::test]
async fn small_firm_matches_the_contract_and_looks_like_a_firm() {
    let env = common::with(SandboxConfig::default().with_rate_limit(0)).await;
    let lists = [
        ("Staff.json", "/v1/staff"),
        ("CaseStages.json", "/v1/case_stages"),
        ("PracticeAreas.json", "/v1/practice_areas"),
        ("Locations.json", "/v1/locations"),
        ("Clients.json", "/v1/clients"),
        ("Companies.json", "/v1/companies"),
        ("Cases.json", "/v1/cases"),
        ("Events.json", "/v1/events"),
        ("Tasks.json", "/v1/tasks"),
        ("Documents.json", "/v1/documents"),
    ];
    let dir = contracts_dir();
    let mut counts = std::collections::BTreeMap::new();
    for (file, path) in lists {
        let items = walk(&env, path).await;
        counts.insert(path, items.len());
        if let Some(dir) = &dir {
            let schema = response_schema(dir, file, path, "get", "200");
            assert_valid(
                &schema,
                &Value::Array(items.clone()),
                &format!("demo {path}"),
            );
        }
    }
    println!("demo firm: {counts:?}");
    assert!(counts["/v1/staff"] >= 8, "{counts:?}");
    assert!(
        counts["/v1/clients"] + counts["/v1/companies"] >= 40,
        "{counts:?}"
    );
    assert!(counts["/v1/cases"] >= 25, "{counts:?}");
    assert!(
        counts["/v1/events"] > 0 && counts["/v1/tasks"] > 0,
        "{counts:?}"
    );
    assert!(counts["/v1/documents"] > 0, "{counts:?}");

    let me: Value = env
        .get("/v1/me")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(me["id"].is_number());
    let firm: Value = env
        .get("/v1/firm")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(firm["name"].is_string());

    // Every document sits in a folder reachable from its case's root folder, and its
    // bytes download.
    let docs = walk(&env, "/v1/documents").await;
    let doc = &docs[0];
    let case_id = doc["case"]["id"].as_i64().expect("document has a case");
    let root: Value = env
        .get(&format!("/v1/cases/{case_id}/folder"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut stack = vec![root["id"].as_i64().unwrap()];
    let mut found = false;
    while let Some(folder) = stack.pop() {
        for d in walk(&env, &format!("/v1/folders/{folder}/documents")).await {
            found |= d["id"] == doc["id"];
        }
        for f in walk(&env, &format!("/v1/folders/{folder}/subfolders")).await {
            stack.push(f["id"].as_i64().unwrap());
        }
    }
    assert!(
        found,
        "document {} reachable from case {case_id}'s folder tree",
        doc["id"]
    );
    let data = env
        .get(&format!("/v1/documents/{}/data", doc["id"]))
        .send()
        .await
        .unwrap();
    assert_eq!(data.status(), 302);
    let bytes = env
        .http
        .get(data.headers()["location"].to_str().unwrap())
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(!bytes.is_empty());
}

#[tokio::test]
async fn same_seed_same_firm() {
    let names = |env: Env| async move {
        let cases = walk(&env, "/v1/cases").await;
        let clients = walk(&env, "/v1/clients").await;
        (
            cases.iter().map(|c| c["name"].clone()).collect::<Vec<_>>(),
            clients
                .iter()
                .map(|c| c["last_name"].clone())
                .collect::<Vec<_>>(),
        )
    };
    let a = names(
        common::with(
            SandboxConfig::default()
                .with_rate_limit(0)
                .with_demo(DemoData::SmallFirm, 42),
        )
        .await,
    )
    .await;
    let b = names(
        common::with(
            SandboxConfig::default()
                .with_rate_limit(0)
                .with_demo(DemoData::SmallFirm, 42),
        )
        .await,
    )
    .await;
    let c = names(
        common::with(
            SandboxConfig::default()
                .with_rate_limit(0)
                .with_demo(DemoData::SmallFirm, 43),
        )
        .await,
    )
    .await;
    assert_eq!(a, b);
    assert_ne!(a, c);
}

#[tokio::test]
async fn scaled_mode_loads_the_requested_counts() {
    let env = common::with(SandboxConfig::default().with_rate_limit(0).with_demo(
        DemoData::Scaled {
            cases: 300,
            events: 2000,
            tasks: 500,
            documents: 50,
        },
        1,
    ))
    .await;
    for (path, n) in [
        ("/v1/cases", 300),
        ("/v1/events", 2000),
        ("/v1/tasks", 500),
        ("/v1/documents", 50),
    ] {
        let resp = env
            .get(&format!("{path}?page_size=1"))
            .send()
            .await
            .unwrap();
        assert_eq!(
            resp.headers()["item-count"],
            n.to_string().as_str(),
            "{path}"
        );
    }
}
