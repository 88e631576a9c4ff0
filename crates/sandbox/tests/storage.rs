//! Records can live in a SQLite file (not only in memory), and uploaded bytes in a
//! chosen directory.

mod common;

use casefile_sandbox::{SandboxConfig, Storage};
use serde_json::json;

#[tokio::test]
async fn records_and_bytes_persist_where_configured() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sandbox.sqlite3");
    let docs = dir.path().join("docs");
    let env = common::with(
        SandboxConfig::empty()
            .with_rate_limit(0)
            .with_storage(Storage::File(db.clone()))
            .with_doc_dir(docs.clone()),
    )
    .await;
    let case = env
        .create("/v1/cases", json!({"name": "Persisted matter"}))
        .await;
    let doc = env
        .create(
            &format!("/v1/cases/{}/documents", case["id"]),
            json!({"path": "letter", "filename": "letter.txt"}),
        )
        .await;
    let put = env
        .http
        .put(doc["put_url"].as_str().unwrap())
        .body("Dear counsel,")
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 200);
    env.sandbox.shutdown().await;

    let conn = rusqlite::Connection::open(&db).unwrap();
    let body: String = conn
        .query_row(
            "SELECT body FROM records WHERE kind = 'cases' AND id = ?1",
            [case["id"].as_i64().unwrap()],
            |r| r.get(0),
        )
        .unwrap();
    assert!(body.contains("Persisted matter"));
    let stored: Vec<_> = std::fs::read_dir(&docs).unwrap().collect();
    assert_eq!(
        stored.len(),
        1,
        "one uploaded blob in the configured directory"
    );
}

#[tokio::test]
async fn admin_document_fixtures_carry_their_bytes() {
    let env = common::empty().await;
    let case = env
        .create("/v1/cases", json!({"name": "Fixture matter"}))
        .await;
    let root: serde_json::Value = env
        .get(&format!("/v1/cases/{}/folder", case["id"]))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let resp = env
        .admin(reqwest::Method::POST, "/admin/documents")
        .json(&json!({
            "document": {"name": "Engagement letter", "filename": "engagement.txt", "path": "Engagement letter",
                          "description": "", "case": {"id": case["id"]}, "folder": {"id": root["id"]}},
            "content_base64": "RW5nYWdlZC4=",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    let doc: serde_json::Value = resp.json().await.unwrap();
    let listed: Vec<serde_json::Value> = env
        .get(&format!("/v1/folders/{}/documents", root["id"]))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed[0]["id"], doc["id"]);
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
    assert_eq!(&bytes[..], b"Engaged.");
}
