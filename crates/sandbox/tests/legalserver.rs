//! The LegalServer dialect (`--dialect legalserver`): every search and read
//! it serves answers in the shape `CoreAPI.v1.yaml` describes (validated
//! with `jsonschema` against the spec read at test time, its OpenAPI 3.0
//! `nullable` turned into JSON Schema), pages by `page_number` and
//! `page_size` over the whole firm in id order, names records by UUIDs that
//! read back, and answers with LegalServer's rate-limit headers, 401 and 429.
//! Its writes of events and tasks answer as the spec's 201 and 200 say,
//! keep `external_id` unique and searchable, refuse bad input with 400 or
//! 404, answer 402 without Premium, and offer no DELETE.

mod common;

use std::collections::BTreeSet;

use casefile_sandbox::{Dialect, SandboxConfig};
use common::legalserver::{answer_schema, get_json, legalserver, schema, spec};
use common::{assert_valid, Env};
use serde_json::Value;

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
    let env = legalserver(4).await;
    let resp = env.http.get(env.url("/api/v1/users")).send().await.unwrap();
    assert_eq!(resp.status(), 401);
    let body: Value = resp.json().await.unwrap();
    assert!(body["error_message"].is_string(), "{body}");
    // The API user over HTTP Basic is the other way in; a wrong password is not.
    let basic = |password: &str| {
        env.http
            .get(env.url("/api/v1/users"))
            .basic_auth(&env.info.api_user, Some(password))
    };
    assert!(!env.info.api_password.is_empty());
    let resp = basic(&env.info.api_password).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let resp = basic("not the password").send().await.unwrap();
    assert_eq!(resp.status(), 401);
    let mut remaining = Vec::new();
    for _ in 0..3 {
        let (status, headers, _) = get_json(&env, "/api/v1/users").await;
        assert_eq!(status, 200);
        assert_eq!(headers["x-rate-limit-limit"], "4");
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

async fn send(
    env: &Env,
    method: reqwest::Method,
    path: &str,
    body: &Value,
) -> (reqwest::StatusCode, Value) {
    let resp = env
        .http
        .request(method, env.url(path))
        .bearer_auth(&env.info.access_token)
        .json(body)
        .send()
        .await
        .expect("send");
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// The first two UUIDs `path` lists under `key`.
async fn two_uuids(env: &Env, path: &str, key: &str) -> (String, String) {
    let (_, _, body) = get_json(env, &format!("{path}?page_size=2")).await;
    let uuid = |i: usize| body["data"][i][key].as_str().unwrap().to_owned();
    (uuid(0), uuid(1))
}

#[tokio::test]
async fn events_and_tasks_are_created_and_patched_as_the_contract_says() {
    let spec = spec();
    let env = legalserver(0).await;
    let (user, other_user) = two_uuids(&env, "/api/v1/users", "user_uuid").await;
    let (matter, _) = two_uuids(&env, "/api/v1/matters", "matter_uuid").await;
    let post = reqwest::Method::POST;
    let patch = reqwest::Method::PATCH;

    let event = serde_json::json!({
        "title": "Hearing", "start_datetime": "2026-03-08T03:30:00-04:00",
        "end_datetime": "2026-03-08T04:30:00-04:00", "location": "Courtroom 4",
        "private_event": true, "attendees": [{ "user_uuid": user }],
        "matters": [{ "matter_uuid": matter }], "external_id": "casefile-1",
    });
    let (status, created) = send(&env, post.clone(), "/api/v1/events", &event).await;
    assert_eq!(status, 201, "{created}");
    let data = &created["data"];
    assert_eq!(data["title"], "Hearing");
    assert_eq!(data["location"], "Courtroom 4");
    assert_eq!(data["external_id"], "casefile-1");
    assert_eq!(
        data["matters"]["individual_values"][0]["matter_uuid"],
        matter
    );
    assert_eq!(data["attendees"]["individual_values"][0]["user_uuid"], user);
    let start = chrono::DateTime::parse_from_rfc3339(data["start_datetime"].as_str().unwrap())
        .expect("an instant with its offset");
    assert_eq!(
        start.to_rfc3339(),
        "2026-03-08T07:30:00+00:00",
        "the same instant"
    );
    let uuid = data["event_uuid"].as_str().unwrap().to_owned();

    // The key is searchable and unique.
    let (_, _, found) = get_json(&env, "/api/v1/events?external_id=casefile-1").await;
    assert_eq!(found["total_records"], 1, "{found}");
    assert_eq!(found["data"][0]["event_uuid"], uuid);
    let (status, again) = send(&env, post.clone(), "/api/v1/events", &event).await;
    assert_eq!(status, 400, "a second event with the key: {again}");
    assert!(again["error_message"]
        .as_str()
        .unwrap()
        .contains("external_id"));

    // A partial PATCH changes what it names and keeps the rest.
    let change =
        serde_json::json!({ "title": "Hearing (moved)", "attendees": [other_user], "matters": [] });
    let (status, patched) = send(
        &env,
        patch.clone(),
        &format!("/api/v1/events/{uuid}"),
        &change,
    )
    .await;
    assert_eq!(status, 200, "{patched}");
    assert_eq!(patched["data"]["title"], "Hearing (moved)");
    assert_eq!(patched["data"]["location"], "Courtroom 4", "kept");
    assert_eq!(
        patched["data"]["attendees"]["individual_values"][0]["user_uuid"],
        other_user
    );
    assert_eq!(
        patched["data"]["matters"]["individual_values"],
        serde_json::json!([])
    );

    let task = serde_json::json!({
        "title": "File the brief", "list_date": "2026-03-09", "due_date": "2026-03-09",
        "task_type": null, "deadline": true, "deadline_type": "Deadline",
        "is_this_a_case_alert": false, "users": [{ "user_uuid": user }], "matter_uuid": matter,
    });
    let (status, made) = send(&env, post.clone(), "/api/v1/tasks", &task).await;
    assert_eq!(status, 201, "{made}");
    assert_eq!(made["data"]["deadline"], true);
    assert_eq!(made["data"]["module"]["matter_uuid"], matter);
    let task_uuid = made["data"]["task_uuid"].as_str().unwrap().to_owned();
    let (status, done) = send(
        &env,
        patch.clone(),
        &format!("/api/v1/tasks/{task_uuid}"),
        &serde_json::json!({ "completed": true, "completed_date": "2026-03-09" }),
    )
    .await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["data"]["completed"], true);
    assert_eq!(done["data"]["completed_date"], "2026-03-09");
    assert_eq!(done["data"]["title"], "File the brief", "kept");
    let (_, _, titled) = get_json(&env, "/api/v1/tasks?title=File%20the%20brief").await;
    assert_eq!(titled["total_records"], 1, "{titled}");

    if let Some(spec) = &spec {
        assert_valid(
            &answer_schema(spec, "post", "/api/v1/events", "201"),
            &created,
            "POST events",
        );
        assert_valid(
            &answer_schema(spec, "patch", "/api/v1/events/{event_uuid}", "200"),
            &patched,
            "PATCH event",
        );
        assert_valid(
            &answer_schema(spec, "post", "/api/v1/tasks", "201"),
            &made,
            "POST tasks",
        );
        assert_valid(
            &answer_schema(spec, "patch", "/api/v1/tasks/{task_uuid}", "200"),
            &done,
            "PATCH task",
        );
    }

    // Bad input is refused with LegalServer's words, and changes nothing.
    let bad = [
        (serde_json::json!({ "title": "x" }), 400),
        (
            serde_json::json!({ "title": "x", "start_datetime": "2026-03-08T10:00:00Z",
                                 "end_datetime": "2026-03-08T09:00:00Z" }),
            400,
        ),
        (
            serde_json::json!({ "title": "x", "start_datetime": "yesterday",
                                 "end_datetime": "2026-03-08T09:00:00Z" }),
            400,
        ),
        (
            serde_json::json!({ "title": "x", "start_datetime": "2026-03-08T08:00:00Z",
                                 "end_datetime": "2026-03-08T09:00:00Z",
                                 "attendees": [uuid::Uuid::new_v4().to_string()] }),
            404,
        ),
    ];
    let (_, _, before) = get_json(&env, "/api/v1/events?page_size=1").await;
    for (body, want) in bad {
        let (status, answer) = send(&env, post.clone(), "/api/v1/events", &body).await;
        assert_eq!(status.as_u16(), want, "{body}: {answer}");
        assert!(answer["error_message"].is_string(), "{answer}");
    }
    let (_, _, after) = get_json(&env, "/api/v1/events?page_size=1").await;
    assert_eq!(before["total_records"], after["total_records"]);

    // v1 deletes neither.
    let resp = env
        .http
        .delete(env.url(&format!("/api/v1/events/{uuid}")))
        .bearer_auth(&env.info.access_token)
        .send()
        .await
        .unwrap();
    assert!(
        [404, 405].contains(&resp.status().as_u16()),
        "{}",
        resp.status()
    );
    let (status, _, still) = get_json(&env, &format!("/api/v1/events/{uuid}")).await;
    assert_eq!(status, 200, "still there: {still}");
    env.sandbox.shutdown().await;
}

#[tokio::test]
async fn without_premium_every_write_is_402_and_changes_nothing() {
    let env = common::with(
        SandboxConfig::default()
            .with_dialect(Dialect::LegalServer)
            .with_per_minute(0)
            .with_premium(false),
    )
    .await;
    let (_, _, before) = get_json(&env, "/api/v1/events?page_size=1").await;
    let event_uuid = before["data"][0]["event_uuid"].as_str().unwrap().to_owned();
    let body = serde_json::json!({ "title": "x", "start_datetime": "2026-03-08T08:00:00Z",
                                   "end_datetime": "2026-03-08T09:00:00Z" });
    for (method, path) in [
        (reqwest::Method::POST, "/api/v1/events".to_owned()),
        (
            reqwest::Method::PATCH,
            format!("/api/v1/events/{event_uuid}"),
        ),
        (reqwest::Method::POST, "/api/v1/tasks".to_owned()),
    ] {
        let (status, answer) = send(&env, method, &path, &body).await;
        assert_eq!(status, 402, "{path}: {answer}");
        assert!(answer["error_message"]
            .as_str()
            .unwrap()
            .contains("Premium"));
    }
    let (_, _, after) = get_json(&env, "/api/v1/events?page_size=1").await;
    assert_eq!(before, after, "nothing changed");
    // Turned on, the same write goes through.
    let resp = env
        .admin(reqwest::Method::PUT, "/admin/premium")
        .json(&serde_json::json!({ "premium": true }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    let (status, _) = send(&env, reqwest::Method::POST, "/api/v1/events", &body).await;
    assert_eq!(status, 201);
    env.sandbox.shutdown().await;
}
