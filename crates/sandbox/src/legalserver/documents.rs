//! LegalServer's documents, on the firm's one model (a document with one
//! version per upload, bytes in the sandbox's storage):
//!
//! - `POST /api/v1/documents`: `multipart/form-data` with a `metadata`
//!   part (JSON: `filename` and `matter_uuid` required, `title` defaulting
//!   to the filename) and a `file` part. The file streams to disk while
//!   its SHA-256 is computed, so memory stays flat; the record is made only
//!   once every byte is in. 200 `{uuid}`; 400 and 404 `{error}`, as the
//!   spec words them.
//! - `GET /api/v1/matters/{uuid}/documents`: a plain array (no envelope)
//!   of `{internal_id, guid, date_create, date_update, mime_type,
//!   virus_scanned, virus_free, disk_file_size, folder_id, download_url,
//!   name, title}`; `name` is the stored file name, with the hash suffix
//!   LegalServer adds.
//! - `GET /modules/document/download.php?unique_id=` (or `id=`): the bytes.
//!
//! v1 has no versions, no renames and no deletes of documents: no route.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use super::ids::{record_of, uuid_of};
use super::search::{admit, error, internal, Refusal};
use crate::api::common::id_ref;
use crate::api::documents::{latest_blob, new_version};
use crate::api::folders::ensure_path;
use crate::blobstore::{blob_path, serve};
use crate::error::SandboxError;
use crate::secrets::random_token;
use crate::state::AppState;
use crate::store::{Blob, Cond, Kind, Tx};

/// The upload's refusals say `{"error": …}`, not `error_message`.
fn refused(status: StatusCode, message: &str) -> Refusal {
    Refusal(Box::new(
        (status, axum::Json(json!({ "error": message }))).into_response(),
    ))
}

/// A file part written to disk, not yet a document.
struct Received {
    part: std::path::PathBuf,
    sha256: String,
    size: i64,
}

/// Removes a received file no document took.
struct Cleanup(Option<std::path::PathBuf>);

impl Drop for Cleanup {
    fn drop(&mut self) {
        if let Some(p) = self.0.take() {
            let _ = std::fs::remove_file(p);
        }
    }
}

async fn receive_file(
    app: &AppState,
    mut field: axum::extract::multipart::Field<'_>,
    cleanup: &mut Cleanup,
) -> Result<Received, Refusal> {
    let part = app.doc_dir.join(format!("ls-{}.part", random_token(8)));
    cleanup.0 = Some(part.clone());
    let file = tokio::fs::File::create(&part)
        .await
        .map_err(|e| internal(SandboxError::from(e)))?;
    let mut out = tokio::io::BufWriter::with_capacity(256 * 1024, file);
    let mut hasher = Sha256::new();
    let mut size: i64 = 0;
    loop {
        let chunk = field
            .chunk()
            .await
            .map_err(|_| refused(StatusCode::BAD_REQUEST, "Missing file data"))?;
        let Some(chunk) = chunk else { break };
        size += chunk.len() as i64;
        hasher.update(&chunk);
        out.write_all(&chunk)
            .await
            .map_err(|e| internal(SandboxError::from(e)))?;
    }
    out.flush()
        .await
        .map_err(|e| internal(SandboxError::from(e)))?;
    Ok(Received {
        part,
        sha256: hex::encode(hasher.finalize()),
        size,
    })
}

/// `POST /api/v1/documents`.
pub async fn upload(
    State(app): State<Arc<AppState>>,
    headers: HeaderMap,
    mut form: Multipart,
) -> Result<Response, Refusal> {
    let limits = admit(&app, &headers)?;
    let mut metadata: Option<Value> = None;
    let mut file: Option<Received> = None;
    let mut cleanup = Cleanup(None);
    loop {
        let field = form
            .next_field()
            .await
            .map_err(|_| refused(StatusCode::BAD_REQUEST, "Metadata parameters required"))?;
        let Some(field) = field else { break };
        match field.name() {
            Some("metadata") => {
                let text = field.text().await.map_err(|_| {
                    refused(StatusCode::BAD_REQUEST, "Metadata parameters required")
                })?;
                let parsed: Value = serde_json::from_str(&text).map_err(|_| {
                    refused(StatusCode::BAD_REQUEST, "Metadata parameters required")
                })?;
                metadata = Some(parsed);
            }
            Some("file") => file = Some(receive_file(&app, field, &mut cleanup).await?),
            _ => {}
        }
    }
    let metadata = metadata
        .filter(Value::is_object)
        .ok_or_else(|| refused(StatusCode::BAD_REQUEST, "Metadata parameters required"))?;
    let file = file.ok_or_else(|| refused(StatusCode::BAD_REQUEST, "Missing file data"))?;
    let text = |key: &str| {
        metadata
            .get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let matter = text("matter_uuid").ok_or_else(|| {
        refused(
            StatusCode::BAD_REQUEST,
            "matter_id or matter_uuid parameter is required",
        )
    })?;
    let filename =
        text("filename").ok_or_else(|| refused(StatusCode::BAD_REQUEST, "Missing filename"))?;
    let title = text("title").unwrap_or_else(|| filename.clone());
    let description = text("description").unwrap_or_default();
    let not_found = || refused(StatusCode::NOT_FOUND, "Requested matter does not exist");
    let case_id = match record_of(&matter) {
        Some((Kind::Case, id)) => id,
        _ => return Err(not_found()),
    };
    let doc_id = app
        .store
        .batch(|tx| {
            if !tx.exists(Kind::Case, case_id)? {
                return Ok(None);
            }
            let now = Utc::now();
            let folder_id = ensure_path(tx, case_id, &[], now)?;
            let mut rec = Map::new();
            let name = title.rsplit('/').next().unwrap_or(&title).to_owned();
            rec.insert("name".into(), Value::from(name));
            rec.insert("filename".into(), Value::from(filename.clone()));
            rec.insert("path".into(), Value::from(title.clone()));
            rec.insert("description".into(), Value::from(description.clone()));
            rec.insert(
                "assigned_date".into(),
                Value::from(now.date_naive().format("%Y-%m-%d").to_string()),
            );
            rec.insert("case".into(), id_ref(case_id));
            rec.insert("folder".into(), id_ref(folder_id));
            let doc = tx.create(Kind::Document, rec, Some(case_id), Some(folder_id), now)?;
            let doc_id = doc.get("id").and_then(Value::as_i64).unwrap_or_default();
            let version = new_version(tx, doc_id, 1)?;
            let vid = version
                .get("id")
                .and_then(Value::as_i64)
                .unwrap_or_default();
            let path = blob_path(&app, vid);
            std::fs::rename(&file.part, &path)?;
            cleanup.0 = None;
            tx.put_blob(
                vid,
                &Blob {
                    path: path.to_string_lossy().into_owned(),
                    sha256: file.sha256.clone(),
                    size: file.size,
                },
            )?;
            Ok::<_, SandboxError>(Some(doc_id))
        })
        .map_err(internal)?
        .ok_or_else(not_found)?;
    let mut response =
        axum::Json(json!({ "uuid": uuid_of(Kind::Document, doc_id).to_string() })).into_response();
    response.headers_mut().extend(limits);
    Ok(response)
}

/// LegalServer's own time format: an offset without a colon.
fn legalserver_time(stored: Option<&Value>) -> Value {
    stored
        .and_then(Value::as_str)
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map_or(Value::Null, |t| {
            Value::from(t.format("%Y-%m-%dT%H:%M:%S%z").to_string())
        })
}

fn mime_type(filename: &str) -> &'static str {
    let ext = filename
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("pdf") => "application/pdf",
        Some("txt") => "text/plain",
        Some("doc") => "application/msword",
        Some("docx") => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        _ => "application/octet-stream",
    }
}

/// The stored name: the file name with a hash before its extension.
fn stored_name(filename: &str, sha256: Option<&str>) -> String {
    let hash: String = sha256
        .unwrap_or("00000000000000000000000000000000")
        .chars()
        .take(32)
        .collect();
    match filename.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}-{hash}.{ext}"),
        None => format!("{filename}-{hash}"),
    }
}

fn listed(tx: &Tx<'_>, base_url: &str, doc: &Value) -> Result<Value, SandboxError> {
    let id = doc.get("id").and_then(Value::as_i64).unwrap_or_default();
    let guid = uuid_of(Kind::Document, id).to_string();
    let blob = latest_blob(tx, id)?.map(|(_, b)| b);
    let filename = doc
        .get("filename")
        .or_else(|| doc.get("name"))
        .and_then(Value::as_str)
        .unwrap_or("document");
    let title = doc
        .get("path")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .unwrap_or(filename);
    Ok(json!({
        "internal_id": id,
        "guid": guid,
        "date_create": legalserver_time(doc.get("created_at")),
        "date_update": legalserver_time(doc.get("updated_at")),
        "mime_type": mime_type(filename),
        "virus_scanned": false,
        "virus_free": false,
        "disk_file_size": blob.as_ref().map(|b| b.size),
        "folder_id": doc.pointer("/folder/id").and_then(Value::as_i64).unwrap_or_default(),
        "download_url": format!("{base_url}/modules/document/download.php?unique_id={guid}"),
        "name": stored_name(filename, blob.as_ref().map(|b| b.sha256.as_str())),
        "title": title,
    }))
}

/// `GET /api/v1/matters/{uuid}/documents`.
pub async fn list(
    State(app): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(uuid): Path<String>,
) -> Result<Response, Refusal> {
    let limits = admit(&app, &headers)?;
    let unknown = || error(StatusCode::NOT_FOUND, "Unknown matter UUID");
    let case_id = match record_of(&uuid) {
        Some((Kind::Case, id)) => id,
        _ => return Err(unknown()),
    };
    let base_url = app.base_url.clone();
    let items = app
        .store
        .read(|tx| {
            if !tx.exists(Kind::Case, case_id)? {
                return Ok(None);
            }
            let docs = tx.page(Kind::Document, &[Cond::Case(case_id)], None, 0, 100_000)?;
            docs.items
                .iter()
                .map(|d| listed(tx, &base_url, d))
                .collect::<Result<Vec<_>, SandboxError>>()
                .map(Some)
        })
        .map_err(internal)?
        .ok_or_else(unknown)?;
    let mut response = axum::Json(Value::Array(items)).into_response();
    response.headers_mut().extend(limits);
    Ok(response)
}

/// `GET /modules/document/download.php?unique_id=…` or `?id=…`.
pub async fn download(
    State(app): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(params): Query<BTreeMap<String, String>>,
) -> Result<Response, Refusal> {
    let limits = admit(&app, &headers)?;
    let unknown = || error(StatusCode::NOT_FOUND, "Unknown document UUID");
    let doc_id = if let Some(uuid) = params.get("unique_id") {
        match record_of(uuid) {
            Some((Kind::Document, id)) => id,
            _ => return Err(unknown()),
        }
    } else if let Some(id) = params.get("id") {
        id.trim().parse::<i64>().map_err(|_| unknown())?
    } else {
        return Err(error(
            StatusCode::BAD_REQUEST,
            "unique_id or id parameter is required",
        ));
    };
    let blob = app
        .store
        .read(|tx| {
            if !tx.exists(Kind::Document, doc_id)? {
                return Ok(None);
            }
            latest_blob(tx, doc_id)
        })
        .map_err(internal)?
        .map(|(_, b)| b)
        .ok_or_else(unknown)?;
    let mut response = serve(&blob).await.ok_or_else(unknown)?;
    response.headers_mut().extend(limits);
    Ok(response)
}
