//! S3-like storage for document bytes: signed, expiring PUT and GET URLs; a PUT must
//! carry Content-Length (a chunked upload gets S3's 411 MissingContentLength); bodies
//! stream to disk chunk by chunk while their SHA-256 is computed, so memory stays flat
//! whatever the size.

use std::path::PathBuf;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::Utc;
use futures_util::StreamExt;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use crate::secrets::random_token;
use crate::state::AppState;
use crate::store::{Blob, Kind};

/// The signed query of a storage URL.
#[derive(Deserialize)]
pub struct Signed {
    #[serde(rename = "X-Amz-Expires")]
    expires: i64,
    #[serde(rename = "X-Amz-Signature")]
    signature: String,
}

fn message(method: &str, version_id: i64, expires: i64) -> String {
    format!("{method}\n{version_id}\n{expires}")
}

/// A signed URL for `method` on a version's bytes, valid for `ttl`.
pub fn signed_url(
    app: &AppState,
    method: &str,
    version_id: i64,
    ttl: std::time::Duration,
) -> String {
    let expires = Utc::now().timestamp() + i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX / 2);
    let sig = app
        .signer
        .sign(message(method, version_id, expires).as_bytes());
    format!(
        "{}/storage/{version_id}?X-Amz-Expires={expires}&X-Amz-Signature={sig}",
        app.base_url
    )
}

/// The headers a client must send with the PUT (`put_headers`).
pub fn put_headers() -> serde_json::Value {
    serde_json::json!({ "Content-Type": "application/octet-stream", "x-amz-acl": "private" })
}

fn s3_error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{message}</Message><RequestId>{}</RequestId></Error>",
        random_token(8)
    );
    (status, [(header::CONTENT_TYPE, "application/xml")], body).into_response()
}

/// `Some(error answer)` when the signature is wrong or expired.
fn check(app: &AppState, method: &str, version_id: i64, q: &Signed) -> Option<Response> {
    if !app.signer.verify(
        message(method, version_id, q.expires).as_bytes(),
        &q.signature,
    ) {
        return Some(s3_error(
            StatusCode::FORBIDDEN,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided.",
        ));
    }
    if q.expires <= Utc::now().timestamp() {
        return Some(s3_error(
            StatusCode::FORBIDDEN,
            "AccessDenied",
            "Request has expired",
        ));
    }
    None
}

pub(crate) fn blob_path(app: &AppState, version_id: i64) -> PathBuf {
    app.doc_dir.join(format!("v{version_id}.bin"))
}

/// Writes bytes for a version directly (demo data).
pub fn store_bytes(app: &AppState, version_id: i64, bytes: &[u8]) -> Result<Blob, std::io::Error> {
    let path = blob_path(app, version_id);
    std::fs::write(&path, bytes)?;
    Ok(Blob {
        path: path.to_string_lossy().into_owned(),
        sha256: hex::encode(Sha256::digest(bytes)),
        size: bytes.len() as i64,
    })
}

/// `PUT /storage/{version}`.
///
/// Every answer but success carries `Connection: close`, as S3's do: an error may come
/// before the body was read (or with part of it unread), and a client that pooled such a
/// connection would send its next request into the rest of this one's body.
pub async fn upload(
    State(app): State<Arc<AppState>>,
    Path(version_id): Path<i64>,
    Query(q): Query<Signed>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let mut response = receive(&app, version_id, &q, &headers, body).await;
    if !response.status().is_success() {
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

async fn receive(
    app: &AppState,
    version_id: i64,
    q: &Signed,
    headers: &HeaderMap,
    body: Body,
) -> Response {
    if let Some(r) = check(app, "PUT", version_id, q) {
        return r;
    }
    let chunked = headers
        .get(header::TRANSFER_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    let length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let Some(length) = length.filter(|_| !chunked) else {
        return s3_error(
            StatusCode::LENGTH_REQUIRED,
            "MissingContentLength",
            "You must provide the Content-Length HTTP header.",
        );
    };
    match app
        .store
        .read(|tx| tx.exists(Kind::DocumentVersion, version_id))
    {
        Ok(true) => {}
        Ok(false) => {
            return s3_error(
                StatusCode::NOT_FOUND,
                "NoSuchKey",
                "The specified key does not exist.",
            )
        }
        Err(_) => {
            return s3_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "InternalError",
                "We encountered an internal error.",
            )
        }
    }
    let final_path = blob_path(app, version_id);
    let part = app
        .doc_dir
        .join(format!("v{version_id}.{}.part", random_token(6)));
    match stream_to_file(body, &part, length, app.storage_put_bytes_per_s).await {
        Ok(sha) => {
            if tokio::fs::rename(&part, &final_path).await.is_err() {
                let _ = tokio::fs::remove_file(&part).await;
                return s3_error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "InternalError",
                    "We encountered an internal error.",
                );
            }
            let blob = Blob {
                path: final_path.to_string_lossy().into_owned(),
                sha256: hex::encode(sha),
                size: length as i64,
            };
            if app.store.read(|tx| tx.put_blob(version_id, &blob)).is_err() {
                return s3_error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "InternalError",
                    "We encountered an internal error.",
                );
            }
            let mut response = StatusCode::OK.into_response();
            if let Ok(v) = HeaderValue::from_str(&STANDARD.encode(sha)) {
                response.headers_mut().insert("x-amz-checksum-sha256", v);
            }
            if let Ok(v) = HeaderValue::from_str(&format!("\"{}\"", blob.sha256)) {
                response.headers_mut().insert(header::ETAG, v);
            }
            response
        }
        Err(kind) => {
            let _ = tokio::fs::remove_file(&part).await;
            tracing::warn!(version_id, "upload failed: {kind}");
            s3_error(StatusCode::BAD_REQUEST, "IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header.")
        }
    }
}

async fn stream_to_file(
    body: Body,
    path: &std::path::Path,
    length: u64,
    bytes_per_s: Option<u64>,
) -> Result<[u8; 32], String> {
    let started = tokio::time::Instant::now();
    let file = tokio::fs::File::create(path)
        .await
        .map_err(|e| e.to_string())?;
    let mut out = tokio::io::BufWriter::with_capacity(256 * 1024, file);
    let mut hasher = Sha256::new();
    let mut seen: u64 = 0;
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| e.to_string())?;
        seen += chunk.len() as u64;
        if seen > length {
            return Err("body longer than Content-Length".into());
        }
        hasher.update(&chunk);
        out.write_all(&chunk).await.map_err(|e| e.to_string())?;
        if let Some(rate) = bytes_per_s {
            // Not reading holds the sender back, as a slow line would.
            let due = started + std::time::Duration::from_secs_f64(seen as f64 / rate as f64);
            tokio::time::sleep_until(due).await;
        }
    }
    if seen != length {
        return Err("body shorter than Content-Length".into());
    }
    out.flush().await.map_err(|e| e.to_string())?;
    Ok(hasher.finalize().into())
}

/// `GET /storage/{version}`.
pub async fn download(
    State(app): State<Arc<AppState>>,
    Path(version_id): Path<i64>,
    Query(q): Query<Signed>,
) -> Response {
    if let Some(r) = check(&app, "GET", version_id, &q) {
        return r;
    }
    let blob = match app.store.read(|tx| tx.blob(version_id)) {
        Ok(Some(b)) => b,
        _ => {
            return s3_error(
                StatusCode::NOT_FOUND,
                "NoSuchKey",
                "The specified key does not exist.",
            )
        }
    };
    serve(&blob).await.unwrap_or_else(|| {
        s3_error(
            StatusCode::NOT_FOUND,
            "NoSuchKey",
            "The specified key does not exist.",
        )
    })
}

/// A stored version's bytes as a streamed answer, with their length and
/// SHA-256; `None` when the file is gone.
pub(crate) async fn serve(blob: &Blob) -> Option<Response> {
    let file = tokio::fs::File::open(&blob.path).await.ok()?;
    let body = Body::from_stream(tokio_util::io::ReaderStream::with_capacity(file, 64 * 1024));
    let mut response = (StatusCode::OK, body).into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(blob.size));
    if let Ok(raw) = hex::decode(&blob.sha256) {
        if let Ok(v) = HeaderValue::from_str(&STANDARD.encode(raw)) {
            h.insert("x-amz-checksum-sha256", v);
        }
    }
    Some(response)
}
