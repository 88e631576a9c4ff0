//! Documents and their versions. Creating a document (or a version) returns a signed
//! `put_url` + `put_headers`; the bytes go to the S3-like store (`blobstore`), and
//! `.../data` answers 302 to a signed GET URL valid for one minute.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, Extensions, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::Utc;
use serde_json::{Map, Value};

use super::common::{
    created, id_ref, json_body, listing, no_content, parse_id, validate, Field, Params, Ty,
};
use super::folders::{ensure_path, segments};
use crate::blobstore::{put_headers, signed_url};
use crate::error::{ApiError, ApiResult, SandboxError};
use crate::state::AppState;
use crate::store::{Blob, Cond, Kind, Tx};

/// Download URLs live one minute, as the contract says.
const DOWNLOAD_TTL: Duration = Duration::from_secs(60);

const CREATE_FIELDS: &[Field] = &[
    Field("path", Ty::Str),
    Field("filename", Ty::Str),
    Field("description", Ty::Str),
    Field("assigned_date", Ty::Date),
];
const UPDATE_FIELDS: &[Field] = &[
    Field("path", Ty::Str),
    Field("filename", Ty::Str),
    Field("description", Ty::Str),
    Field("assigned_date", Ty::Date),
    Field("staff", Ty::Refs(Kind::Staff)),
];

/// Creates version `number` of a document; returns its record.
pub fn new_version(tx: &Tx<'_>, doc_id: i64, number: i64) -> Result<Value, SandboxError> {
    let now = Utc::now();
    let mut body = Map::new();
    body.insert("version".into(), Value::from(number));
    body.insert("document".into(), id_ref(doc_id));
    let mut record = tx.create(Kind::DocumentVersion, body, None, Some(doc_id), now)?;
    let id = record.get("id").and_then(Value::as_i64).unwrap_or_default();
    record["self_url"] = Value::from(format!("/v1/documents/{doc_id}/versions/{number}"));
    tx.put(Kind::DocumentVersion, id, &record, None, Some(doc_id), now)?;
    Ok(record)
}

/// Every version of a document, oldest first.
pub fn versions_of(tx: &Tx<'_>, doc_id: i64) -> Result<Vec<Value>, SandboxError> {
    Ok(tx
        .page(
            Kind::DocumentVersion,
            &[Cond::Parent(doc_id)],
            None,
            0,
            100_000,
        )?
        .items)
}

fn doc_exists(app: &AppState, raw: &str) -> ApiResult<i64> {
    let id = parse_id(raw, "document")?;
    if !app.store.read(|tx| tx.exists(Kind::Document, id))? {
        return Err(ApiError::not_found("document"));
    }
    Ok(id)
}

/// `GET /v1/documents`.
pub async fn list_all(
    State(app): State<Arc<AppState>>,
    Query(params): Query<Params>,
    uri: Uri,
    ext: Extensions,
) -> ApiResult<Response> {
    listing(&app, &ext, uri.path(), &params, Kind::Document, &[], |v| v)
}

/// `GET /v1/cases/{id}/documents`.
pub async fn list_case(
    State(app): State<Arc<AppState>>,
    Query(params): Query<Params>,
    Path(id): Path<String>,
    uri: Uri,
    ext: Extensions,
) -> ApiResult<Response> {
    let case_id = parse_id(&id, "case")?;
    if !app.store.read(|tx| tx.exists(Kind::Case, case_id))? {
        return Err(ApiError::not_found("case"));
    }
    listing(
        &app,
        &ext,
        uri.path(),
        &params,
        Kind::Document,
        &[Cond::Case(case_id)],
        |v| v,
    )
}

fn split_path(path: &str) -> ApiResult<(Vec<&str>, &str)> {
    let segs = segments(path);
    match segs.split_last() {
        Some((name, folders)) => Ok((folders.to_vec(), name)),
        None => Err(ApiError::invalid_field("/path", "path can't be blank")),
    }
}

/// `POST /v1/cases/{id}/documents` with `{path, filename, description?, assigned_date?}`.
pub async fn create(
    State(app): State<Arc<AppState>>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let case_id = parse_id(&id, "case")?;
    let body = json_body(&body)?;
    let (doc, version_id) = app.store.batch(|tx| {
        if !tx.exists(Kind::Case, case_id)? {
            return Err(ApiError::not_found("case"));
        }
        let accepted = validate(tx, CREATE_FIELDS, &["path", "filename"], &body, true)?;
        let path = accepted["path"].as_str().unwrap_or_default().to_owned();
        let (folders, name) = split_path(&path)?;
        let now = Utc::now();
        let folder_id = ensure_path(tx, case_id, &folders, now)?;
        let mut rec = Map::new();
        rec.insert("name".into(), Value::from(name));
        rec.insert("filename".into(), accepted["filename"].clone());
        rec.insert("path".into(), Value::from(segments(&path).join("/")));
        rec.insert(
            "description".into(),
            accepted
                .get("description")
                .cloned()
                .unwrap_or(Value::from("")),
        );
        rec.insert(
            "assigned_date".into(),
            accepted
                .get("assigned_date")
                .cloned()
                .unwrap_or_else(|| Value::from(now.date_naive().format("%Y-%m-%d").to_string())),
        );
        rec.insert("case".into(), id_ref(case_id));
        rec.insert("folder".into(), id_ref(folder_id));
        let mut doc = tx.create(Kind::Document, rec, Some(case_id), Some(folder_id), now)?;
        let doc_id = doc.get("id").and_then(Value::as_i64).unwrap_or_default();
        doc["self_url"] = Value::from(format!("/v1/documents/{doc_id}"));
        tx.put(
            Kind::Document,
            doc_id,
            &doc,
            Some(case_id),
            Some(folder_id),
            now,
        )?;
        let version = new_version(tx, doc_id, 1)?;
        let version_id = version
            .get("id")
            .and_then(Value::as_i64)
            .unwrap_or_default();
        Ok((doc, version_id))
    })?;
    let mut doc = doc;
    doc["put_url"] = Value::from(signed_url(&app, "PUT", version_id, app.storage_url_ttl));
    doc["put_headers"] = put_headers();
    Ok(created(doc))
}

/// `GET /v1/documents/{id}`.
pub async fn get_one(
    State(app): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let id = parse_id(&id, "document")?;
    app.store
        .read(|tx| tx.get(Kind::Document, id))?
        .map(|r| Json(r.body))
        .ok_or_else(|| ApiError::not_found("document"))
}

/// `PUT /v1/documents/{id}`: 204. A new `path` moves the document (making folders).
pub async fn update(
    State(app): State<Arc<AppState>>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let id = parse_id(&id, "document")?;
    let body = json_body(&body)?;
    app.store.batch(|tx| {
        let row = tx
            .get(Kind::Document, id)?
            .ok_or_else(|| ApiError::not_found("document"))?;
        let accepted = validate(tx, UPDATE_FIELDS, &["path", "filename"], &body, false)?;
        let Value::Object(mut doc) = row.body else {
            return Err(ApiError::internal());
        };
        let now = Utc::now();
        for (k, v) in accepted {
            if k == "path" {
                let path = v.as_str().unwrap_or_default().to_owned();
                let (folders, name) = split_path(&path)?;
                let case_id = row.case_id.unwrap_or_default();
                let folder_id = ensure_path(tx, case_id, &folders, now)?;
                doc.insert("name".into(), Value::from(name));
                doc.insert("path".into(), Value::from(segments(&path).join("/")));
                doc.insert("folder".into(), id_ref(folder_id));
                tx.set_parent(Kind::Document, id, Some(folder_id))?;
            } else {
                doc.insert(k, v);
            }
        }
        tx.update(Kind::Document, id, Value::Object(doc), now)?;
        Ok(())
    })?;
    Ok(no_content())
}

/// `DELETE /v1/documents/{id}`: 204; its versions and bytes go too.
pub async fn delete(
    State(app): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id = parse_id(&id, "document")?;
    let paths = app.store.batch(|tx| {
        if !tx.delete(Kind::Document, id)? {
            return Err(ApiError::not_found("document"));
        }
        let mut paths = Vec::new();
        for v in versions_of(tx, id)? {
            if let Some(vid) = v.get("id").and_then(Value::as_i64) {
                if let Some(blob) = tx.blob(vid)? {
                    paths.push(blob.path);
                }
                tx.delete(Kind::DocumentVersion, vid)?;
            }
        }
        Ok::<_, ApiError>(paths)
    })?;
    for p in paths {
        let _ = tokio::fs::remove_file(p).await;
    }
    Ok(no_content())
}

/// `GET /v1/documents/{id}/versions`.
pub async fn versions(
    State(app): State<Arc<AppState>>,
    Query(params): Query<Params>,
    Path(id): Path<String>,
    uri: Uri,
    ext: Extensions,
) -> ApiResult<Response> {
    let doc_id = doc_exists(&app, &id)?;
    listing(
        &app,
        &ext,
        uri.path(),
        &params,
        Kind::DocumentVersion,
        &[Cond::Parent(doc_id)],
        |v| v,
    )
}

/// `POST /v1/documents/{id}/versions`: 201 with `put_url` for the new version's bytes.
pub async fn create_version(
    State(app): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let doc_id = parse_id(&id, "document")?;
    let mut version = app.store.batch(|tx| {
        let row = tx
            .get(Kind::Document, doc_id)?
            .ok_or_else(|| ApiError::not_found("document"))?;
        let next = versions_of(tx, doc_id)?
            .iter()
            .filter_map(|v| v.get("version").and_then(Value::as_i64))
            .max()
            .unwrap_or(0)
            + 1;
        let version = new_version(tx, doc_id, next)?;
        tx.update(Kind::Document, doc_id, row.body, Utc::now())?;
        Ok::<_, ApiError>(version)
    })?;
    let vid = version
        .get("id")
        .and_then(Value::as_i64)
        .unwrap_or_default();
    version["put_url"] = Value::from(signed_url(&app, "PUT", vid, app.storage_url_ttl));
    version["put_headers"] = put_headers();
    Ok(created(version))
}

fn redirect_to(app: &AppState, version_id: i64) -> Response {
    let url = signed_url(app, "GET", version_id, DOWNLOAD_TTL);
    (StatusCode::FOUND, [(header::LOCATION, url)]).into_response()
}

fn no_data() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "document has no uploaded data",
        crate::error::Source::None,
    )
}

/// The newest version of a document that has bytes, and those bytes.
pub fn latest_blob(tx: &Tx<'_>, doc_id: i64) -> Result<Option<(i64, Blob)>, SandboxError> {
    let mut best: Option<(i64, i64, Blob)> = None;
    for v in versions_of(tx, doc_id)? {
        let (Some(vid), Some(n)) = (
            v.get("id").and_then(Value::as_i64),
            v.get("version").and_then(Value::as_i64),
        ) else {
            continue;
        };
        if best.as_ref().is_some_and(|(_, bn, _)| *bn >= n) {
            continue;
        }
        if let Some(blob) = tx.blob(vid)? {
            best = Some((vid, n, blob));
        }
    }
    Ok(best.map(|(vid, _, blob)| (vid, blob)))
}

/// `GET /v1/documents/{id}/data`: 302 to the newest uploaded version's bytes.
pub async fn data(State(app): State<Arc<AppState>>, Path(id): Path<String>) -> ApiResult<Response> {
    let doc_id = doc_exists(&app, &id)?;
    let latest = app
        .store
        .read(|tx| latest_blob(tx, doc_id))?
        .map(|(vid, _)| vid);
    let vid = latest.ok_or_else(no_data)?;
    Ok(redirect_to(&app, vid))
}

fn find_version(app: &AppState, doc_id: i64, number: &str) -> ApiResult<i64> {
    let n: i64 = number
        .parse()
        .map_err(|_| ApiError::not_found("document version"))?;
    app.store
        .read(|tx| versions_of(tx, doc_id))?
        .iter()
        .find(|v| v.get("version").and_then(Value::as_i64) == Some(n))
        .and_then(|v| v.get("id").and_then(Value::as_i64))
        .ok_or_else(|| ApiError::not_found("document version"))
}

/// `GET /v1/documents/{id}/versions/{n}/data`.
pub async fn version_data(
    State(app): State<Arc<AppState>>,
    Path((id, number)): Path<(String, String)>,
) -> ApiResult<Response> {
    let doc_id = doc_exists(&app, &id)?;
    let vid = find_version(&app, doc_id, &number)?;
    if app.store.read(|tx| tx.blob(vid))?.is_none() {
        return Err(no_data());
    }
    Ok(redirect_to(&app, vid))
}

/// `DELETE /v1/documents/{id}/versions/{n}`: 204.
pub async fn delete_version(
    State(app): State<Arc<AppState>>,
    Path((id, number)): Path<(String, String)>,
) -> ApiResult<Response> {
    let doc_id = doc_exists(&app, &id)?;
    let vid = find_version(&app, doc_id, &number)?;
    let path = app.store.batch(|tx| {
        let blob = tx.blob(vid)?;
        tx.delete(Kind::DocumentVersion, vid)?;
        Ok::<_, ApiError>(blob.map(|b| b.path))
    })?;
    if let Some(p) = path {
        let _ = tokio::fs::remove_file(p).await;
    }
    Ok(no_content())
}
