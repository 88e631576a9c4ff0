//! Admin endpoints for tests, behind their own bearer token: change or delete any
//! record "as another user" (server-side changes the client did not make), insert
//! fixtures, dump the whole state, and change faults, rate limit and tokens at run time.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::Utc;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::api::common::no_content;
use crate::auth::bearer;
use crate::config::FaultConfig;
use crate::error::{ApiError, ApiResult};
use crate::faults::Faults;
use crate::seed::{seed_document, tree_columns};
use crate::state::{lock, AppState};
use crate::store::Kind;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/admin/dump", get(dump))
        .route("/admin/records/{kind}", post(insert))
        .route("/admin/documents", post(insert_document))
        .route("/admin/records/{kind}/{id}", put(change).delete(remove))
        .route(
            "/admin/raw_items/{kind}",
            post(add_raw_item).delete(clear_raw_items),
        )
        .route("/admin/faults", get(get_faults).put(set_faults))
        .route("/admin/rate_limit", put(set_rate_limit))
        .route("/admin/premium", put(set_premium))
        .route("/admin/per_minute", get(get_per_minute).put(set_per_minute))
        .route("/admin/notes/{case_id}", post(add_note))
        .route("/admin/tokens", post(issue_tokens))
        .route("/admin/tokens/expire", post(expire_tokens))
}

/// Only the admin token passes.
pub async fn admin_guard(State(app): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    if bearer(req.headers()) != Some(app.admin_token.as_str()) {
        return ApiError::unauthorized().into_response();
    }
    next.run(req).await
}

fn kind_of(name: &str) -> ApiResult<Kind> {
    Kind::parse(name).ok_or_else(|| ApiError::not_found("resource kind"))
}

/// `GET /admin/dump`: every record of every kind, the firm, and upload digests.
async fn dump(State(app): State<Arc<AppState>>) -> ApiResult<Json<Value>> {
    let mut records = serde_json::Map::new();
    let blobs = app.store.read(|tx| {
        for kind in Kind::ALL {
            records.insert(kind.as_str().to_owned(), Value::Array(tx.all(kind)?));
        }
        tx.all_blobs()
    })?;
    let blobs: Vec<Value> = blobs
        .into_iter()
        .map(|(vid, b)| json!({ "version_id": vid, "sha256": b.sha256, "size": b.size }))
        .collect();
    Ok(Json(json!({
        "firm": lock(&app.firm).clone(),
        "me": *lock(&app.me),
        "records": records,
        "blobs": blobs,
    })))
}

/// `POST /admin/records/{kind}` with one object or an array: stores them as given
/// (fresh ids and timestamps), without the public API's validation. 201 with the records.
async fn insert(
    State(app): State<Arc<AppState>>,
    Path(kind): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let kind = kind_of(&kind)?;
    let items = match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Array(items)) => items,
        Ok(obj @ Value::Object(_)) => vec![obj],
        _ => return Err(ApiError::bad_request("expected a JSON object or array")),
    };
    let now = Utc::now();
    let created = app.store.batch(|tx| {
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            let Value::Object(mut map) = item else {
                return Err(ApiError::bad_request("each record must be a JSON object"));
            };
            map.remove("id");
            let probe = Value::Object(map.clone());
            let (case_id, parent_id) = tree_columns(kind, &probe);
            let record = tx.create(kind, map, case_id, parent_id, now)?;
            if kind == Kind::Case {
                if let Some(id) = record.get("id").and_then(Value::as_i64) {
                    crate::api::folders::ensure_root(tx, id, now)?;
                }
            }
            out.push(record);
        }
        Ok(out)
    })?;
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

#[derive(Deserialize)]
struct DocumentFixture {
    document: Value,
    content_base64: String,
}

/// `POST /admin/documents` with `{"document": {...API shape, with case and folder},
/// "content_base64": "..."}`: stores the document with its bytes as version 1.
/// 201 with the stored document.
async fn insert_document(State(app): State<Arc<AppState>>, body: Bytes) -> ApiResult<Response> {
    let fixture: DocumentFixture = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_request(format!("invalid body: {e}")))?;
    let content = STANDARD
        .decode(fixture.content_base64.as_bytes())
        .map_err(|_| ApiError::bad_request("content_base64 is not base64"))?;
    let mut document = fixture.document;
    if let Some(obj) = document.as_object_mut() {
        obj.remove("id");
    } else {
        return Err(ApiError::bad_request("document must be a JSON object"));
    }
    let now = Utc::now();
    let stored = app.store.batch(|tx| {
        let id = seed_document(&app, tx, document, &content, now)?;
        Ok::<_, ApiError>(tx.get(Kind::Document, id)?.map(|r| r.body))
    })?;
    Ok((StatusCode::CREATED, Json(stored)).into_response())
}

/// `PUT /admin/records/{kind}/{id}`: shallow-merges the body's fields into the record
/// and stamps `updated_at`, as if another user had edited it. 200 with the record.
async fn change(
    State(app): State<Arc<AppState>>,
    Path((kind, id)): Path<(String, i64)>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let kind = kind_of(&kind)?;
    let Ok(Value::Object(patch)) = serde_json::from_slice::<Value>(&body) else {
        return Err(ApiError::bad_request("expected a JSON object"));
    };
    let record = app.store.batch(|tx| {
        let row = tx
            .get(kind, id)?
            .ok_or_else(|| ApiError::not_found(kind.as_str()))?;
        let mut body = row.body;
        for (k, v) in patch {
            if k != "id" && k != "created_at" && k != "updated_at" {
                body[k] = v;
            }
        }
        Ok::<_, ApiError>(tx.update(kind, id, body, Utc::now())?)
    })?;
    Ok(Json(record))
}

/// `POST /admin/raw_items/{kind}` with any bytes: served, unparsed and
/// unchanged, as one more element of the kind's first list page (the page
/// asked for without a page token), after its records. For hostile-input
/// tests: text no serde parser accepts (nesting deeper than any recursion
/// limit, broken JSON) reaches the client as a real server would send it.
async fn add_raw_item(
    State(app): State<Arc<AppState>>,
    Path(kind): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let kind = kind_of(&kind)?;
    let text = String::from_utf8(body.to_vec())
        .map_err(|_| ApiError::bad_request("raw items must be UTF-8"))?;
    lock(&app.raw_items).entry(kind).or_default().push(text);
    Ok(no_content())
}

/// `DELETE /admin/raw_items/{kind}`: serve the kind's pages as stored again.
async fn clear_raw_items(
    State(app): State<Arc<AppState>>,
    Path(kind): Path<String>,
) -> ApiResult<Response> {
    let kind = kind_of(&kind)?;
    lock(&app.raw_items).remove(&kind);
    Ok(no_content())
}

/// `DELETE /admin/records/{kind}/{id}`: 204.
async fn remove(
    State(app): State<Arc<AppState>>,
    Path((kind, id)): Path<(String, i64)>,
) -> ApiResult<Response> {
    let kind = kind_of(&kind)?;
    if !app.store.batch(|tx| tx.delete(kind, id))? {
        return Err(ApiError::not_found(kind.as_str()));
    }
    Ok(no_content())
}

async fn get_faults(State(app): State<Arc<AppState>>) -> Json<Value> {
    let faults = lock(&app.faults);
    Json(json!({ "config": faults.config(), "counters": faults.counters }))
}

/// `PUT /admin/faults` with a full fault configuration: replaces it and restarts the
/// seeded stream and counters.
async fn set_faults(State(app): State<Arc<AppState>>, body: Bytes) -> ApiResult<Json<Value>> {
    let cfg: FaultConfig = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_request(format!("invalid fault configuration: {e}")))?;
    *lock(&app.faults) = Faults::new(cfg.clone());
    Ok(Json(json!({ "config": cfg })))
}

#[derive(Deserialize)]
struct RateLimitBody {
    per_second: u32,
}

/// `PUT /admin/rate_limit` with `{"per_second": N}` (0 = off).
async fn set_rate_limit(State(app): State<Arc<AppState>>, body: Bytes) -> ApiResult<Response> {
    let b: RateLimitBody = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_request(format!("invalid body: {e}")))?;
    lock(&app.limiter).set_per_second(b.per_second);
    Ok(no_content())
}

#[derive(Deserialize)]
struct PerMinuteBody {
    per_minute: u32,
}

/// `GET /admin/per_minute`: LegalServer's per-minute limit and what it has
/// admitted and refused (429) so far.
async fn get_per_minute(State(app): State<Arc<AppState>>) -> Json<Value> {
    let limit = lock(&app.per_minute);
    Json(json!({ "per_minute": limit.limit(), "totals": limit.totals() }))
}

/// `PUT /admin/per_minute` with `{"per_minute": N}` (0 = off): LegalServer's
/// limit from now on, with the current window's count started again.
async fn set_per_minute(State(app): State<Arc<AppState>>, body: Bytes) -> ApiResult<Response> {
    let b: PerMinuteBody = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_request(format!("invalid body: {e}")))?;
    lock(&app.per_minute).set_limit(b.per_minute);
    Ok(no_content())
}

/// `POST /admin/notes/{case_id}` with a `v1_core_matter_note` body (its
/// ids are filled in): a case note made on LegalServer, listed after the
/// matter's others.
async fn add_note(
    State(app): State<Arc<AppState>>,
    Path(case_id): Path<i64>,
    body: Bytes,
) -> ApiResult<Response> {
    let note: Value = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_request(format!("invalid note: {e}")))?;
    if !note.is_object() {
        return Err(ApiError::bad_request("a note is a JSON object"));
    }
    if !app.store.read(|tx| tx.exists(Kind::Case, case_id))? {
        return Err(ApiError::not_found("cases"));
    }
    lock(&app.notes).entry(case_id).or_default().push(note);
    Ok(no_content())
}

#[derive(Deserialize)]
struct PremiumBody {
    premium: bool,
}

/// `PUT /admin/premium` `{"premium": bool}`: turns LegalServer's Premium
/// APIs (its writes) on or off for the firm.
async fn set_premium(State(app): State<Arc<AppState>>, body: Bytes) -> ApiResult<Response> {
    let b: PremiumBody = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_request(format!("invalid body: {e}")))?;
    app.premium
        .store(b.premium, std::sync::atomic::Ordering::SeqCst);
    Ok(no_content())
}

/// `POST /admin/tokens`: issues a fresh access + refresh token pair.
async fn issue_tokens(State(app): State<Arc<AppState>>) -> Json<Value> {
    let issued = lock(&app.auth).issue(Utc::now());
    Json(json!({
        "access_token": issued.access_token,
        "refresh_token": issued.refresh_token,
        "expires_in": issued.expires_in,
    }))
}

/// `POST /admin/tokens/expire`: every access token expires now.
async fn expire_tokens(State(app): State<Arc<AppState>>) -> Response {
    lock(&app.auth).expire_all_access(Utc::now());
    no_content()
}
