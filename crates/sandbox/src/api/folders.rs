//! Document folders: every case has a root folder; `POST /v1/cases/{id}/subfolders`
//! and document creation make the folders named in a path.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{Extensions, Uri};
use axum::response::Response;
use axum::Json;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::common::{json_body, listing, parse_id, Params};
use crate::error::{ApiError, ApiResult, SandboxError};
use crate::state::AppState;
use crate::store::{Cond, Kind, Tx};

fn new_folder(
    tx: &Tx<'_>,
    case_id: i64,
    parent: Option<i64>,
    name: &str,
    now: DateTime<Utc>,
) -> Result<i64, SandboxError> {
    let mut body = Map::new();
    body.insert("name".into(), Value::from(name));
    let mut record = tx.create(Kind::Folder, body, Some(case_id), parent, now)?;
    let id = record.get("id").and_then(Value::as_i64).unwrap_or_default();
    record["self_url"] = Value::from(format!("/v1/folders/{id}"));
    tx.put(Kind::Folder, id, &record, Some(case_id), parent, now)?;
    Ok(id)
}

/// The case's root folder, created on first use.
pub fn ensure_root(tx: &Tx<'_>, case_id: i64, now: DateTime<Utc>) -> Result<i64, SandboxError> {
    if let Some(id) = tx.case_root_folder(case_id)? {
        return Ok(id);
    }
    new_folder(tx, case_id, None, "Case Documents", now)
}

/// Splits a `a/b/c` path into its non-empty segments.
pub fn segments(path: &str) -> Vec<&str> {
    path.split('/')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

/// Makes (or finds) the folder chain `segments` under the case's root; returns the
/// deepest folder id.
pub fn ensure_path(
    tx: &Tx<'_>,
    case_id: i64,
    segments: &[&str],
    now: DateTime<Utc>,
) -> Result<i64, SandboxError> {
    let mut current = ensure_root(tx, case_id, now)?;
    for seg in segments {
        current = match tx.child_folder(current, seg)? {
            Some(id) => id,
            None => new_folder(tx, case_id, Some(current), seg, now)?,
        };
    }
    Ok(current)
}

/// `GET /v1/cases/{id}/folder`.
pub async fn case_folder(
    State(app): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let case_id = parse_id(&id, "case")?;
    let folder = app.store.batch(|tx| {
        if !tx.exists(Kind::Case, case_id)? {
            return Err(ApiError::not_found("case"));
        }
        let id = ensure_root(tx, case_id, Utc::now())?;
        Ok(tx.get(Kind::Folder, id)?.map(|r| r.body))
    })?;
    folder
        .map(Json)
        .ok_or_else(|| ApiError::not_found("folder"))
}

/// `POST /v1/cases/{id}/subfolders` with `{"path": "a/b"}`: 200 with the deepest folder.
pub async fn create_subfolders(
    State(app): State<Arc<AppState>>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let case_id = parse_id(&id, "case")?;
    let body = json_body(&body)?;
    let path = match body.get("path") {
        Some(Value::String(p)) if !segments(p).is_empty() => p.clone(),
        Some(Value::String(_)) | None | Some(Value::Null) => {
            return Err(ApiError::invalid_field("/path", "path can't be blank"))
        }
        Some(_) => return Err(ApiError::invalid_field("/path", "path must be a string")),
    };
    let folder = app.store.batch(|tx| {
        if !tx.exists(Kind::Case, case_id)? {
            return Err(ApiError::not_found("case"));
        }
        let id = ensure_path(tx, case_id, &segments(&path), Utc::now())?;
        Ok(tx.get(Kind::Folder, id)?.map(|r| r.body))
    })?;
    folder
        .map(Json)
        .ok_or_else(|| ApiError::not_found("folder"))
}

fn folder_listing(
    app: &AppState,
    ext: &Extensions,
    uri: &Uri,
    params: &Params,
    id: &str,
    kind: Kind,
) -> ApiResult<Response> {
    let folder_id = parse_id(id, "folder")?;
    if !app.store.read(|tx| tx.exists(Kind::Folder, folder_id))? {
        return Err(ApiError::not_found("folder"));
    }
    listing(
        app,
        ext,
        uri.path(),
        params,
        kind,
        &[Cond::Parent(folder_id)],
        |v| v,
    )
}

/// `GET /v1/folders/{id}/subfolders`.
pub async fn subfolders(
    State(app): State<Arc<AppState>>,
    Query(params): Query<Params>,
    Path(id): Path<String>,
    uri: Uri,
    ext: Extensions,
) -> ApiResult<Response> {
    folder_listing(&app, &ext, &uri, &params, &id, Kind::Folder)
}

/// `GET /v1/folders/{id}/documents`.
pub async fn folder_documents(
    State(app): State<Arc<AppState>>,
    Query(params): Query<Params>,
    Path(id): Path<String>,
    uri: Uri,
    ext: Extensions,
) -> ApiResult<Response> {
    folder_listing(&app, &ext, &uri, &params, &id, Kind::Document)
}
