//! The LegalServer dialect (`--dialect legalserver`): every search and read
//! it serves answers in the shape `CoreAPI.v1.yaml` describes (validated
//! with `jsonschema` against the spec read at test time, its OpenAPI 3.0
//! `nullable` turned into JSON Schema), pages by `page_number` and
//! `page_size` over the whole firm in id order, names records by UUIDs that
//! read back, and answers with LegalServer's rate-limit headers, 401 and 429.

mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;

use casefile_sandbox::{Dialect, SandboxConfig};
use common::{assert_valid, Env};
use serde_json::{Map, Value};

/// The search path, the read path as the spec writes it, and the admin
/// dump's name for each resource.
const RESOURCES: &[(&str, &str, &str)] = &[
    ("users", "/api/v1/users/{user_uuid}", "staff"),
    ("contacts", "/api/v1/contacts/{contact_UUID}", "clients"),
    (
        "organizations",
        "/api/v1/organizations/{organization_uuid}",
        "companies",
    ),
    ("matters", "/api/v1/matters/{case_UUID}", "cases"),
    ("events", "/api/v1/events/{event_uuid}", "events"),
    ("tasks", "/api/v1/tasks/{task_uuid}", "tasks"),
];

/// `CoreAPI.v1.yaml`, or `None` after printing the SKIPPED message.
fn spec() -> Option<Value> {
    let dir = std::env::var_os("CASEFILE_CONTRACTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../../shared/contracts"
            ))
        });
    let file = dir.join("legalserver/CoreAPI.v1.yaml");
    let Ok(text) = std::fs::read_to_string(&file) else {
        println!(
            "SKIPPED: the LegalServer contract is not at {}; set CASEFILE_CONTRACTS",
            file.display()
        );
        return None;
    };
    let spec: Value = serde_norway::from_str(&text).expect("the spec is YAML");
    Some(json_schema(spec))
}

/// OpenAPI 3.0's `nullable: true` as JSON Schema: null is one more type.
fn json_schema(v: Value) -> Value {
    match v {
        Value::Array(items) => Value::Array(items.into_iter().map(json_schema).collect()),
        Value::Object(map) => {
            let nullable = map.get("nullable") == Some(&Value::Bool(true));
            let mut out: Map<String, Value> = map
                .into_iter()
                .filter(|(k, _)| k != "nullable")
                .map(|(k, v)| (k, json_schema(v)))
                .collect();
            if !nullable {
                return Value::Object(out);
            }
            match out.get("type").cloned() {
                Some(Value::String(t)) => {
                    out.insert("type".into(), Value::Array(vec![t.into(), "null".into()]));
                    if let Some(Value::Array(options)) = out.get_mut("enum") {
                        options.push(Value::Null);
                    }
                    Value::Object(out)
                }
                _ => serde_json::json!({ "anyOf": [Value::Object(out), { "type": "null" }] }),
            }
        }
        other => other,
    }
}

/// The 200 schema of `method path`, with the components attached.
fn schema(spec: &Value, path: &str) -> Value {
    let schema = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        ["schema"]
        .clone();
    assert!(schema.is_object(), "no 200 schema for GET {path}");
    serde_json::json!({ "allOf": [schema], "components": spec["components"].clone() })
}

async fn legalserver(per_minute: u32) -> Env {
    common::with(
        SandboxConfig::default()
            .with_dialect(Dialect::LegalServer)
            .with_per_minute(per_minute),
    )
    .await
}

async fn get_json(
    env: &Env,
    path: &str,
) -> (reqwest::StatusCode, reqwest::header::HeaderMap, Value) {
    let resp = env.get(path).send().await.expect("send");
    let (status, headers) = (resp.status(), resp.headers().clone());
    let body = resp.json().await.expect("a JSON body");
    (status, headers, body)
}

#[tokio::test]
async fn every_search_and_read_matches_the_contract_and_pages_over_the_whole_firm() {
    let Some(spec) = spec() else { return };
    let env = legalserver(0).await;
    assert_eq!(env.info.dialect, "legalserver");
    let dump: Value = env
        .admin(reqwest::Method::GET, "/admin/dump")
        .send()
        .await
        .expect("dump")
        .json()
        .await
        .expect("dump JSON");
    for (path, read_path, stored) in RESOURCES {
        let expected = dump["records"][stored].as_array().map_or(0, Vec::len);
        assert!(expected > 2, "the demo firm has {stored}");
        let search = schema(&spec, &format!("/api/v1/{path}"));
        let mut seen = Vec::new();
        let mut page_number = 1;
        loop {
            let url = format!("/api/v1/{path}?page_number={page_number}&page_size=7");
            let (status, headers, body) = get_json(&env, &url).await;
            assert_eq!(status, 200, "{url}: {body}");
            for h in [
                "x-rate-limit-limit",
                "x-rate-limit-remaining",
                "x-rate-limit-reset",
            ] {
                assert!(headers.contains_key(h), "{url} has no {h}");
            }
            assert_valid(&search, &body, &url);
            assert_eq!(body["total_records"], expected, "{url}");
            let data = body["data"].as_array().expect("data");
            let uuid_key = match *path {
                "users" => "user_uuid",
                "matters" => "matter_uuid",
                "events" => "event_uuid",
                "tasks" => "task_uuid",
                _ => "uuid",
            };
            seen.extend(
                data.iter()
                    .map(|r| r[uuid_key].as_str().unwrap().to_owned()),
            );
            if page_number >= body["total_number_of_pages"].as_u64().unwrap() {
                break;
            }
            assert_eq!(data.len(), 7, "{url}: a full page before the last");
            page_number += 1;
        }
        assert_eq!(seen.len(), expected, "{path}: every record once");
        assert_eq!(
            seen.iter().collect::<BTreeSet<_>>().len(),
            expected,
            "{path}: no repeats"
        );

        // A record read by its UUID, as the contract's read answers it.
        let read = schema(&spec, read_path);
        let (status, _, one) = get_json(&env, &format!("/api/v1/{path}/{}", seen[1])).await;
        assert_eq!(status, 200, "{path}/{}", seen[1]);
        assert_valid(&read, &one, read_path);
        let unknown = format!("/api/v1/{path}/{}", uuid::Uuid::new_v4());
        let (status, _, body) = get_json(&env, &unknown).await;
        assert_eq!(status, 404, "{unknown}");
        assert!(body["error_message"].is_string());
    }
    env.sandbox.shutdown().await;
}

#[tokio::test]
async fn a_descending_search_reverses_the_order() {
    let env = legalserver(0).await;
    let (_, _, up) = get_json(&env, "/api/v1/tasks?page_size=500").await;
    let (_, _, down) = get_json(&env, "/api/v1/tasks?page_size=500&sort=desc").await;
    let ids = |v: &Value| {
        v["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_i64().unwrap())
            .collect::<Vec<_>>()
    };
    let mut reversed = ids(&down);
    reversed.reverse();
    assert!(ids(&up).windows(2).all(|w| w[0] < w[1]), "ascending by id");
    assert_eq!(ids(&up), reversed);
    env.sandbox.shutdown().await;
}

#[tokio::test]
async fn no_token_is_401_and_over_the_minute_limit_is_429_with_the_headers() {
    let env = legalserver(3).await;
    let resp = env.http.get(env.url("/api/v1/users")).send().await.unwrap();
    assert_eq!(resp.status(), 401);
    let body: Value = resp.json().await.unwrap();
    assert!(body["error_message"].is_string(), "{body}");
    let mut remaining = Vec::new();
    for _ in 0..3 {
        let (status, headers, _) = get_json(&env, "/api/v1/users").await;
        assert_eq!(status, 200);
        assert_eq!(headers["x-rate-limit-limit"], "3");
        remaining.push(
            headers["x-rate-limit-remaining"]
                .to_str()
                .unwrap()
                .to_owned(),
        );
    }
    assert_eq!(remaining, ["2", "1", "0"]);
    let (status, headers, body) = get_json(&env, "/api/v1/users").await;
    assert_eq!(status, 429, "{body}");
    let reset: i64 = headers["x-rate-limit-reset"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let now = chrono::Utc::now().timestamp();
    assert!(
        reset > now && reset <= now + 60,
        "the window ends within the minute"
    );
    env.sandbox.shutdown().await;
}
