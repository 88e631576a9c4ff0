//! Uploads behave like S3 presigned PUTs: a 1 GiB body with Content-Length streams to
//! disk with flat server memory (the peak RSS of the server process is printed), its
//! SHA-256 is kept, and a chunked upload is rejected with 411 MissingContentLength.
//! `SANDBOX_UPLOAD_BYTES` overrides the size (default 1 GiB).

mod common;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use bytes::Bytes;
use common::Child;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

async fn new_document(http: &reqwest::Client, base: &str, token: &str, name: &str) -> Value {
    let case: Value = http
        .post(format!("{base}/v1/cases"))
        .bearer_auth(token)
        .json(&json!({"name": format!("Upload {name}")}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let resp = http
        .post(format!("{base}/v1/cases/{}/documents", case["id"]))
        .bearer_auth(token)
        .json(&json!({"path": format!("Uploads/{name}"), "filename": format!("{name}.bin")}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    resp.json().await.unwrap()
}

fn put(http: &reqwest::Client, doc: &Value) -> reqwest::RequestBuilder {
    let mut req = http.put(doc["put_url"].as_str().unwrap());
    for (k, v) in doc["put_headers"].as_object().unwrap() {
        req = req.header(k.as_str(), v.as_str().unwrap());
    }
    req
}

#[tokio::test]
async fn large_upload_streams_with_flat_memory_and_chunked_is_rejected() {
    let total: u64 = std::env::var("SANDBOX_UPLOAD_BYTES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1 << 30);
    let server = Child::spawn(&["--empty", "--rate-limit", "0"]);
    let (base, token) = (
        server.info.base_url.clone(),
        server.info.access_token.clone(),
    );
    let http = reqwest::Client::new();

    // Small upload: the kept digest is the SHA-256 of the bytes.
    let doc = new_document(&http, &base, &token, "small").await;
    let body = b"Retainer agreement, signed.\n".to_vec();
    let resp = put(&http, &doc).body(body.clone()).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.headers()["x-amz-checksum-sha256"].to_str().unwrap(),
        STANDARD.encode(Sha256::digest(&body))
    );

    // Chunked (no Content-Length): rejected as S3 does.
    let doc = new_document(&http, &base, &token, "chunked").await;
    let chunks = futures_util::stream::iter(
        (0..4).map(|_| Ok::<_, std::io::Error>(Bytes::from_static(b"chunk"))),
    );
    let resp = put(&http, &doc)
        .body(reqwest::Body::wrap_stream(chunks))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 411);
    assert!(resp
        .text()
        .await
        .unwrap()
        .contains("<Code>MissingContentLength</Code>"));

    // The large upload, generated as a stream of one shared 1 MiB buffer.
    let doc = new_document(&http, &base, &token, "large").await;
    let before = server.peak_rss_kib();
    let chunk = Bytes::from(vec![0x5au8; 1 << 20]);
    let full = total / chunk.len() as u64;
    let rest = (total % chunk.len() as u64) as usize;
    let tail = chunk.slice(..rest);
    let stream = futures_util::stream::iter(
        (0..full)
            .map(move |_| chunk.clone())
            .chain(std::iter::once(tail).filter(|t| !t.is_empty()))
            .map(Ok::<_, std::io::Error>),
    );
    let started = std::time::Instant::now();
    let resp = put(&http, &doc)
        .header("Content-Length", total)
        .body(reqwest::Body::wrap_stream(stream))
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.status(),
        200,
        "{}",
        resp.text().await.unwrap_or_default()
    );
    let elapsed = started.elapsed();
    let after = server.peak_rss_kib();
    let dump: Value = http
        .get(format!("{base}/admin/dump"))
        .bearer_auth(&server.info.admin_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let sizes: Vec<u64> = dump["blobs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["size"].as_u64().unwrap())
        .collect();
    assert!(
        sizes.contains(&total),
        "the blob is stored whole: {sizes:?}"
    );
    println!(
        "upload of {total} bytes took {elapsed:?}; server peak RSS (VmHWM) before {before:?} KiB, after {after:?} KiB"
    );
    if let (Some(before), Some(after)) = (before, after) {
        assert!(
            after.saturating_sub(before) < 64 * 1024,
            "server memory grew by {} KiB during the upload",
            after - before
        );
    }
}
