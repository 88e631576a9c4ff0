//! LegalServer's searches and reads: `GET /api/v1/{resource}` paged by
//! `page_number` (from 1) and `page_size` (default 20) in the envelope
//! `{page_number, page_size, total_number_of_pages, total_records, data}`,
//! ordered by id ascending, and `GET /api/v1/{resource}/{uuid}` as
//! `{data}`. Every answer carries the rate-limit headers; a request with
//! neither a valid personal access token (Bearer) nor the API user's login
//! (Basic) gets 401 with `error_message`.

use std::collections::{BTreeMap, HashMap};

use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde_json::{json, Value};

use super::ids::record_of;
use super::shapes::{self, Related};
use crate::auth::{basic, bearer};
use crate::error::SandboxError;
use crate::state::{lock, AppState};
use crate::store::{Kind, Tx};

/// The largest page served.
pub const MAX_PAGE_SIZE: u64 = 500;

/// A LegalServer resource and the sandbox records behind it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    Users,
    Contacts,
    Organizations,
    Matters,
    Events,
    Tasks,
}

impl Resource {
    pub const ALL: [Resource; 6] = [
        Resource::Users,
        Resource::Contacts,
        Resource::Organizations,
        Resource::Matters,
        Resource::Events,
        Resource::Tasks,
    ];

    /// The path segment under `/api/v1/`.
    pub fn path(self) -> &'static str {
        match self {
            Resource::Users => "users",
            Resource::Contacts => "contacts",
            Resource::Organizations => "organizations",
            Resource::Matters => "matters",
            Resource::Events => "events",
            Resource::Tasks => "tasks",
        }
    }

    pub(super) fn kind(self) -> Kind {
        match self {
            Resource::Users => Kind::Staff,
            Resource::Contacts => Kind::Client,
            Resource::Organizations => Kind::Company,
            Resource::Matters => Kind::Case,
            Resource::Events => Kind::Event,
            Resource::Tasks => Kind::Task,
        }
    }
}

/// An error answer in LegalServer's words: `{"error_message": …}`.
pub struct Refusal(pub(super) Box<Response>);

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        *self.0
    }
}

pub(super) fn error(status: StatusCode, message: &str) -> Refusal {
    Refusal(Box::new(
        (status, axum::Json(json!({ "error_message": message }))).into_response(),
    ))
}

/// The records a page refers to, read once each within the page's read.
pub(super) struct Lookups<'a> {
    pub(super) tx: &'a Tx<'a>,
    pub(super) seen: std::cell::RefCell<HashMap<(Kind, i64), Option<Value>>>,
}

impl Related for Lookups<'_> {
    fn record(&self, kind: Kind, id: i64) -> Option<Value> {
        self.seen
            .borrow_mut()
            .entry((kind, id))
            .or_insert_with(|| self.tx.get(kind, id).ok().flatten().map(|r| r.body))
            .clone()
    }
}

pub(super) fn shape(
    resource: Resource,
    record: &Value,
    base_url: &str,
    related: &dyn Related,
) -> Value {
    match resource {
        Resource::Users => shapes::user(record),
        Resource::Contacts => shapes::contact(record),
        Resource::Organizations => shapes::organization(record),
        Resource::Matters => shapes::matter(record, base_url, related),
        Resource::Events => shapes::event(record, related),
        Resource::Tasks => shapes::task(record, related),
    }
}

/// Checks the token and counts the request against the minute's limit.
/// Returns the headers every answer carries, or the refusal.
pub(super) fn admit(app: &AppState, headers: &HeaderMap) -> Result<HeaderMap, Refusal> {
    let now = Utc::now();
    // A personal access token as Bearer, or the API user over Basic.
    let valid = bearer(headers).is_some_and(|t| lock(&app.auth).access_valid(t, now))
        || basic(headers).is_some_and(|login| login == app.api_login);
    if !valid {
        return Err(error(
            StatusCode::UNAUTHORIZED,
            "User not authorized to perform this operation",
        ));
    }
    let window = lock(&app.per_minute).take(now);
    let mut out = HeaderMap::new();
    out.insert("x-rate-limit-limit", HeaderValue::from(window.limit));
    out.insert(
        "x-rate-limit-remaining",
        HeaderValue::from(window.remaining),
    );
    out.insert("x-rate-limit-reset", HeaderValue::from(window.reset));
    if window.refused {
        let mut refused = error(StatusCode::TOO_MANY_REQUESTS, "Too many requests");
        refused.0.headers_mut().extend(out);
        return Err(refused);
    }
    Ok(out)
}

pub(super) fn number(
    params: &BTreeMap<String, String>,
    key: &str,
    default: u64,
) -> Result<u64, Refusal> {
    match params.get(key) {
        None => Ok(default),
        Some(v) => v.parse::<u64>().ok().filter(|n| *n >= 1).ok_or_else(|| {
            error(
                StatusCode::BAD_REQUEST,
                &format!("{key} must be a whole number from 1"),
            )
        }),
    }
}

pub(super) fn internal(e: SandboxError) -> Refusal {
    tracing::warn!(error = %e, "legalserver dialect: store error");
    error(StatusCode::INTERNAL_SERVER_ERROR, "Internal error")
}

/// `GET /api/v1/{resource}`.
pub fn search(
    app: &AppState,
    resource: Resource,
    headers: &HeaderMap,
    params: &BTreeMap<String, String>,
) -> Result<Response, Refusal> {
    let limits = admit(app, headers)?;
    let page_number = number(params, "page_number", 1)?;
    let page_size = number(params, "page_size", 20)?.min(MAX_PAGE_SIZE);
    let descending = params.get("sort").map(String::as_str) == Some("desc");
    let narrowed = filters(resource, params);
    let base_url = app.base_url.clone();
    let (data, total) = app
        .store
        .read(|tx| {
            if !narrowed.is_empty() {
                // A narrowed search: the few matches, in id order.
                let mut found: Vec<Value> = tx
                    .all(resource.kind())?
                    .into_iter()
                    .filter(|r| narrowed.iter().all(|(k, v)| matches(r, k, v)))
                    .collect();
                if descending {
                    found.reverse();
                }
                let total = found.len() as u64;
                let offset = ((page_number - 1) * page_size) as usize;
                let lookups = Lookups {
                    tx,
                    seen: Default::default(),
                };
                let data = found
                    .iter()
                    .skip(offset)
                    .take(page_size as usize)
                    .map(|r| shape(resource, r, &base_url, &lookups))
                    .collect();
                return Ok::<_, SandboxError>((data, total));
            }
            let total = tx.count(resource.kind())?;
            // Ascending by id, or descending: the page counted from the other end.
            let offset = (page_number - 1) * page_size;
            let (mut records, _) = if descending {
                let end = total.saturating_sub(offset);
                let start = end.saturating_sub(page_size);
                tx.page_at(resource.kind(), start, end - start)?
            } else {
                tx.page_at(resource.kind(), offset, page_size)?
            };
            if descending {
                records.reverse();
            }
            let lookups = Lookups {
                tx,
                seen: Default::default(),
            };
            let data: Vec<Value> = records
                .iter()
                .map(|r| shape(resource, r, &base_url, &lookups))
                .collect();
            Ok::<_, SandboxError>((data, total))
        })
        .map_err(internal)?;
    let pages = total.div_ceil(page_size).max(1);
    let body = json!({
        "page_number": page_number,
        "page_size": page_size,
        "total_number_of_pages": pages,
        "total_records": total,
        "data": data,
    });
    let mut response = axum::Json(body).into_response();
    response.headers_mut().extend(limits);
    Ok(response)
}

/// The search filters served: an event's `external_id`, and the `title`
/// of an event or task (exact, as a key is looked up).
fn filters(resource: Resource, params: &BTreeMap<String, String>) -> Vec<(&str, &str)> {
    let allowed: &[&str] = match resource {
        Resource::Events => &["external_id", "title"],
        Resource::Tasks => &["title"],
        _ => &[],
    };
    params
        .iter()
        .filter(|(k, _)| allowed.contains(&k.as_str()))
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

/// Whether a stored record matches one filter.
fn matches(record: &Value, key: &str, wanted: &str) -> bool {
    let stored = match key {
        "title" => "name",
        other => other,
    };
    record.get(stored).and_then(Value::as_str) == Some(wanted)
}

/// `GET /api/v1/{resource}/{uuid}`.
pub fn get_one(
    app: &AppState,
    resource: Resource,
    headers: &HeaderMap,
    uuid: &str,
) -> Result<Response, Refusal> {
    let limits = admit(app, headers)?;
    let unknown = || error(StatusCode::NOT_FOUND, "Unknown record");
    let (kind, id) = record_of(uuid).ok_or_else(unknown)?;
    if kind != resource.kind() {
        return Err(unknown());
    }
    let base_url = app.base_url.clone();
    let found = app
        .store
        .read(|tx| {
            let Some(row) = tx.get(kind, id)? else {
                return Ok::<_, SandboxError>(None);
            };
            let lookups = Lookups {
                tx,
                seen: Default::default(),
            };
            Ok(Some(shape(resource, &row.body, &base_url, &lookups)))
        })
        .map_err(internal)?
        .ok_or_else(unknown)?;
    // LegalServer's matter read answers under `full_data`, the others `data`.
    let key = if resource == Resource::Matters {
        "full_data"
    } else {
        "data"
    };
    let mut response = axum::Json(json!({ key: found })).into_response();
    response.headers_mut().extend(limits);
    Ok(response)
}
