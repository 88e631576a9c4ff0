//! Helpers shared by the `/v1/` handlers: ids from paths, JSON bodies, field
//! validation into MyCase 422 errors, and paged listings.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::http::{Extensions, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde_json::{json, Map, Value};

use crate::error::{ApiError, ApiResult, Source};
use crate::guard::PageFault;
use crate::paging::Listing;
use crate::state::{lock, AppState};
use crate::store::{parse_time, Cond, Kind, Tx};

/// Query parameters of a request.
pub type Params = BTreeMap<String, String>;

/// A path id; anything but a positive integer is "not found", as for a missing id.
pub fn parse_id(raw: &str, what: &str) -> ApiResult<i64> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::not_found(what))
}

/// A JSON object request body; anything else is 400 Bad Request.
pub fn json_body(bytes: &Bytes) -> ApiResult<Map<String, Value>> {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(ApiError::bad_request(
            "The request body must be a JSON object",
        )),
    }
}

/// `{"id": id}`.
pub fn id_ref(id: i64) -> Value {
    json!({ "id": id })
}

/// The `id` of a nested reference object.
pub fn ref_id(v: &Value) -> Option<i64> {
    v.get("id").and_then(Value::as_i64)
}

pub fn created(body: Value) -> Response {
    (StatusCode::CREATED, axum::Json(body)).into_response()
}

pub fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}

/// Runs a paged listing of `kind` under `conds` for the request at `path`.
pub fn listing(
    app: &AppState,
    ext: &Extensions,
    path: &str,
    params: &Params,
    kind: Kind,
    conds: &[Cond],
    transform: impl FnMut(Value) -> Value,
) -> ApiResult<Response> {
    let expire = ext.get::<PageFault>().is_some_and(|f| f.0) && params.contains_key("page_token");
    if expire {
        lock(&app.faults).counters.page_expiries += 1;
    }
    let listing = Listing::parse(app, path, params, expire)?;
    let page = listing.fetch(app, kind, conds)?;
    let raw = if params.contains_key("page_token") {
        Vec::new()
    } else {
        crate::state::lock(&app.raw_items)
            .get(&kind)
            .cloned()
            .unwrap_or_default()
    };
    Ok(listing.respond_with(app, page, &raw, transform))
}

/// The type of a request field.
#[derive(Clone, Copy)]
pub enum Ty {
    Str,
    Bool,
    Num,
    /// ISO 8601 date (no time).
    Date,
    /// ISO 8601 date or date-time.
    DateTime,
    /// Any JSON object (addresses, custom references the sandbox does not model).
    Obj,
    /// Any JSON array.
    Arr,
    /// `{"id": n}` naming an existing record.
    Ref(Kind),
    /// `[{"id": n}, ...]` naming existing records.
    Refs(Kind),
    /// A string from a fixed set (case-insensitive), stored as listed.
    OneOf(&'static [&'static str]),
}

/// A request field.
pub struct Field(pub &'static str, pub Ty);

fn label(kind: Kind) -> &'static str {
    match kind {
        Kind::Staff => "Staff member",
        Kind::CaseStage => "Case stage",
        Kind::PracticeArea => "Practice area",
        Kind::Location => "Location",
        Kind::Client => "Client",
        Kind::Company => "Company",
        Kind::Case => "Case",
        Kind::Event => "Event",
        Kind::Task => "Task",
        Kind::Folder => "Folder",
        Kind::Document => "Document",
        Kind::DocumentVersion => "Document version",
    }
}

/// Validates `body` against `fields`, returning the accepted fields (unknown fields are
/// ignored, as MyCase does). On `creating`, `required` fields must be present and
/// non-blank. Every problem is reported, each with a JSON pointer.
pub fn validate(
    tx: &Tx<'_>,
    fields: &[Field],
    required: &[&str],
    body: &Map<String, Value>,
    creating: bool,
) -> ApiResult<Map<String, Value>> {
    let mut errors: Vec<(String, Source)> = Vec::new();
    let mut out = Map::new();
    let ptr = |s: &str| Source::Pointer(format!("/{s}"));
    for name in required {
        let blank = match body.get(*name) {
            None | Some(Value::Null) => true,
            Some(Value::String(s)) => s.trim().is_empty(),
            Some(Value::Array(a)) => a.is_empty(),
            Some(_) => false,
        };
        if blank && (creating || body.contains_key(*name)) {
            errors.push((format!("{name} can't be blank"), ptr(name)));
        }
    }
    for Field(name, ty) in fields {
        let Some(value) = body.get(*name) else {
            continue;
        };
        if value.is_null() {
            if !required.contains(name) {
                out.insert((*name).to_owned(), Value::Null);
            }
            continue;
        }
        let problem: Option<(String, String)> =
            match ty {
                Ty::Str => (!value.is_string())
                    .then(|| (format!("{name} must be a string"), String::new())),
                Ty::Bool => (!value.is_boolean())
                    .then(|| (format!("{name} must be true or false"), String::new())),
                Ty::Num => (!value.is_number())
                    .then(|| (format!("{name} must be a number"), String::new())),
                Ty::Obj => (!value.is_object())
                    .then(|| (format!("{name} must be an object"), String::new())),
                Ty::Arr => {
                    (!value.is_array()).then(|| (format!("{name} must be an array"), String::new()))
                }
                Ty::Date => match value.as_str() {
                    Some(s) if NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok() => None,
                    _ => Some((format!("{name} must be an ISO 8601 date"), String::new())),
                },
                Ty::DateTime => match value.as_str() {
                    Some(s) if parse_time(s).is_some() => None,
                    _ => Some((
                        format!("{name} must be an ISO 8601 date/time"),
                        String::new(),
                    )),
                },
                Ty::OneOf(options) => match value.as_str() {
                    Some(s) => match options.iter().find(|o| o.eq_ignore_ascii_case(s)) {
                        Some(canonical) => {
                            out.insert((*name).to_owned(), Value::from(*canonical));
                            continue;
                        }
                        None => Some((
                            format!("{name} must be one of {}", options.join(", ")),
                            String::new(),
                        )),
                    },
                    None => Some((format!("{name} must be a string"), String::new())),
                },
                Ty::Ref(kind) => {
                    check_ref(tx, *kind, value).map(|d| (format!("{name}: {d}"), "/id".to_owned()))
                }
                Ty::Refs(kind) => match value.as_array() {
                    None => Some((format!("{name} must be an array"), String::new())),
                    Some(items) => items.iter().enumerate().find_map(|(i, item)| {
                        check_ref(tx, *kind, item)
                            .map(|d| (format!("{name}: {d}"), format!("/{i}/id")))
                    }),
                },
            };
        match problem {
            Some((description, suffix)) => {
                errors.push((description, Source::Pointer(format!("/{name}{suffix}"))))
            }
            None => {
                out.insert((*name).to_owned(), value.clone());
            }
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(ApiError::validation(errors))
    }
}

fn check_ref(tx: &Tx<'_>, kind: Kind, value: &Value) -> Option<String> {
    let Some(id) = ref_id(value) else {
        return Some("must be an object with an integer id".to_owned());
    };
    match tx.exists(kind, id) {
        Ok(true) => None,
        Ok(false) => Some(format!("{} {id} does not exist", label(kind))),
        Err(_) => Some("could not be checked".to_owned()),
    }
}

/// Keeps only `{"id"}` (plus the listed extra keys) of each reference in an array.
pub fn refs_keep(value: &Value, keep: &[&str]) -> Value {
    Value::Array(
        value
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .map(|item| {
                        let mut m = Map::new();
                        if let Some(id) = ref_id(item) {
                            m.insert("id".into(), Value::from(id));
                        }
                        for k in keep {
                            if let Some(v) = item.get(*k) {
                                m.insert((*k).to_owned(), v.clone());
                            }
                        }
                        Value::Object(m)
                    })
                    .collect()
            })
            .unwrap_or_default(),
    )
}

/// Adds references to an array field, skipping ids already present.
pub fn add_refs(record: &mut Value, field: &str, new: &[Value]) {
    let Some(obj) = record.as_object_mut() else {
        return;
    };
    let list = obj
        .entry(field.to_owned())
        .or_insert_with(|| Value::Array(Vec::new()));
    if !list.is_array() {
        *list = Value::Array(Vec::new());
    }
    if let Some(items) = list.as_array_mut() {
        for item in new {
            let id = ref_id(item);
            if let Some(existing) = items.iter_mut().find(|e| ref_id(e) == id) {
                *existing = item.clone();
            } else {
                items.push(item.clone());
            }
        }
    }
}
