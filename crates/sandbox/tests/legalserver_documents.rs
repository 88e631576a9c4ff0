//! LegalServer's documents in the sandbox, as `CoreAPI.v1.yaml` describes
//! them: a multipart upload (`metadata` JSON and `file`) answers `{uuid}`;
//! the matter's list is a plain array in the spec's item shape; the
//! download gives back exactly the bytes sent; bad uploads are refused
//! with `{error}` in the spec's words and leave nothing behind.

mod common;

use casefile_sandbox::{Dialect, SandboxConfig};
use common::assert_valid;
use common::legalserver::{answer_schema, get_json, legalserver, spec};
use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn upload(
    env: &common::Env,
    metadata: Option<Value>,
    file: Option<Vec<u8>>,
) -> (StatusCode, Value) {
    let mut form = Form::new();
    if let Some(m) = metadata {
        form = form.text("metadata", m.to_string());
    }
    if let Some(bytes) = file {
        form = form.part("file", Part::bytes(bytes).file_name("upload.bin"));
    }
    let resp = env
        .http
        .post(env.url("/api/v1/documents"))
        .bearer_auth(&env.info.access_token)
        .multipart(form)
        .send()
        .await
        .expect("send");
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}

async fn first_matter(env: &common::Env) -> String {
    let (_, _, body) = get_json(env, "/api/v1/matters?page_size=1").await;
    body["data"][0]["matter_uuid"].as_str().unwrap().to_owned()
}

async fn listed(env: &common::Env, matter: &str) -> Vec<Value> {
    let (status, headers, body) =
        get_json(env, &format!("/api/v1/matters/{matter}/documents")).await;
    assert_eq!(status, 200);
    assert!(headers.contains_key("x-rate-limit-remaining"));
    body.as_array().expect("a plain array").clone()
}

#[tokio::test]
async fn an_upload_is_listed_under_its_matter_and_downloads_byte_for_byte() {
    let spec = spec();
    let env = legalserver(0).await;
    let matter = first_matter(&env).await;
    let before = listed(&env, &matter).await.len();
    // Not a multiple of any chunk size, and every byte value.
    let bytes: Vec<u8> = (0..300_001u32).map(|i| (i * 7 % 256) as u8).collect();
    let (status, answer) = upload(
        &env,
        Some(json!({ "filename": "Motion.pdf", "title": "Motion.pdf", "matter_uuid": matter })),
        Some(bytes.clone()),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let uuid = answer["uuid"].as_str().expect("uuid").to_owned();
    if let Some(spec) = &spec {
        assert_valid(
            &answer_schema(spec, "post", "/api/v1/documents", "200"),
            &answer,
            "upload answer",
        );
    }

    let items = listed(&env, &matter).await;
    assert_eq!(items.len(), before + 1);
    let item = items
        .iter()
        .find(|i| i["guid"] == uuid.as_str())
        .expect("the upload is listed");
    assert_eq!(item["title"], "Motion.pdf");
    assert_eq!(item["disk_file_size"], bytes.len());
    assert_eq!(item["mime_type"], "application/pdf");
    let name = item["name"].as_str().unwrap();
    assert!(
        name.starts_with("Motion-") && name.ends_with(".pdf"),
        "{name}"
    );
    // LegalServer's own time format: an offset without a colon.
    let created = item["date_create"].as_str().unwrap();
    assert!(chrono::DateTime::parse_from_str(created, "%Y-%m-%dT%H:%M:%S%z").is_ok());
    if let Some(spec) = &spec {
        let schema = answer_schema(spec, "get", "/api/v1/matters/{case_UUID}/documents", "200");
        assert_valid(&schema, &Value::Array(items.clone()), "matter documents");
    }

    let url = item["download_url"].as_str().unwrap();
    assert!(url.contains("/modules/document/download.php?unique_id="));
    let resp = env
        .http
        .get(url)
        .bearer_auth(&env.info.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.bytes().await.unwrap().as_ref(), &bytes[..]);

    // No token, no bytes.
    let resp = env.http.get(url).send().await.unwrap();
    assert_eq!(resp.status(), 401);
    env.sandbox.shutdown().await;
}

/// Metadata, file, the status and the spec's words.
type BadUpload = (Option<Value>, Option<Vec<u8>>, u16, &'static str);

#[tokio::test]
async fn bad_uploads_are_refused_in_the_specs_words_and_leave_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let env = common::with(
        SandboxConfig::default()
            .with_dialect(Dialect::LegalServer)
            .with_per_minute(0)
            .with_doc_dir(dir.path().to_path_buf()),
    )
    .await;
    let matter = first_matter(&env).await;
    let before = listed(&env, &matter).await.len();
    let cases: [BadUpload; 5] = [
        (
            None,
            Some(b"x".to_vec()),
            400,
            "Metadata parameters required",
        ),
        (
            Some(json!({ "filename": "a.txt", "matter_uuid": matter })),
            None,
            400,
            "Missing file data",
        ),
        (
            Some(json!({ "matter_uuid": matter })),
            Some(b"x".to_vec()),
            400,
            "Missing filename",
        ),
        (
            Some(json!({ "filename": "a.txt" })),
            Some(b"x".to_vec()),
            400,
            "matter_id or matter_uuid parameter is required",
        ),
        (
            Some(json!({ "filename": "a.txt", "matter_uuid": uuid::Uuid::new_v4().to_string() })),
            Some(b"x".to_vec()),
            404,
            "Requested matter does not exist",
        ),
    ];
    for (metadata, file, status, words) in cases {
        let (got, body) = upload(&env, metadata, file).await;
        assert_eq!(got.as_u16(), status, "{body}");
        assert_eq!(body["error"], words);
    }
    assert_eq!(listed(&env, &matter).await.len(), before);
    // Nothing half-received stays on disk.
    let leftovers = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".part"))
        .count();
    assert_eq!(leftovers, 0);

    let (status, _, _) = get_json(&env, "/modules/document/download.php?unique_id=nope").await;
    assert_eq!(status, 404);
    let (status, _, _) = get_json(
        &env,
        &format!("/api/v1/matters/{}/documents", uuid::Uuid::new_v4()),
    )
    .await;
    assert_eq!(status, 404);
    env.sandbox.shutdown().await;
}
