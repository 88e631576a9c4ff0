//! LegalServer's writes of events and tasks: `POST /api/v1/{events,tasks}`
//! (201 and `{data}`) and `PATCH /api/v1/{events,tasks}/{uuid}` with a
//! partial body (200 and `{data}`), read from `v1_core_event_post_patch`
//! and `v1_core_task_post_patch` into the firm's one model. v1 deletes
//! neither (no route).
//!
//! - **Premium.** Both are Premium endpoints: with Premium off (`--no-premium`,
//!   `PUT /admin/premium`) every write answers 402 and changes nothing.
//! - **`external_id`** is unique among events and searchable; a second
//!   event with one already taken is refused with 400.
//! - **References** by UUID: attendees and users as UUID strings or
//!   `{"user_uuid"}` objects (or `{"individual_values": […]}`), matters as
//!   the spec's three forms, a task's matter as `matter_uuid`. An unknown
//!   UUID is 404, as the spec's `404-Unknown-UUID` says.
//! - **Times** with an offset are taken as given; without one, in the
//!   site's zone (UTC here), as LegalServer does.

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde_json::{json, Map, Value};

use super::ids::record_of;
use super::search::{admit, error, internal, shape, Lookups, Refusal, Resource};
use crate::error::SandboxError;
use crate::state::{lock, AppState};
use crate::store::{format_time, Cond, Kind, Tx};

impl From<SandboxError> for Refusal {
    fn from(e: SandboxError) -> Self {
        internal(e)
    }
}

fn bad(message: impl AsRef<str>) -> Refusal {
    error(StatusCode::BAD_REQUEST, message.as_ref())
}

fn unknown_uuid(what: &str) -> Refusal {
    error(StatusCode::NOT_FOUND, &format!("Unknown {what} UUID"))
}

/// The id behind a UUID of `kind` that names a record the firm has.
fn existing(tx: &Tx<'_>, kind: Kind, uuid: &str, what: &str) -> Result<i64, Refusal> {
    match record_of(uuid.trim()) {
        Some((k, id)) if k == kind && tx.exists(kind, id)? => Ok(id),
        _ => Err(unknown_uuid(what)),
    }
}

/// The UUIDs a reference list holds, in any of the forms the spec allows.
fn uuids(v: &Value, key: &str) -> Result<Vec<String>, Refusal> {
    let one = |item: &Value| match item {
        Value::String(s) => Ok(s.clone()),
        Value::Object(o) => o
            .get(key)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| bad(format!("each item needs {key}"))),
        _ => Err(bad(format!("each item needs {key}"))),
    };
    match v {
        Value::Null => Ok(Vec::new()),
        Value::String(s) => Ok(s
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()),
        Value::Array(items) => items.iter().map(one).collect(),
        Value::Object(o) if o.contains_key("individual_values") => {
            uuids(&o["individual_values"], key)
        }
        Value::Object(_) => Ok(vec![one(v)?]),
        _ => Err(bad(format!("{key} must be a list"))),
    }
}

fn staff_refs(tx: &Tx<'_>, v: &Value, key: &str) -> Result<Value, Refusal> {
    uuids(v, key)?
        .iter()
        .map(|u| existing(tx, Kind::Staff, u, "user").map(|id| json!({ "id": id })))
        .collect::<Result<Vec<_>, _>>()
        .map(Value::Array)
}

fn text(v: &Value, key: &str) -> Result<Option<String>, Refusal> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) if s.is_empty() || s == "%empty%" => Ok(None),
        Value::String(s) => Ok(Some(s.clone())),
        _ => Err(bad(format!("{key} must be text"))),
    }
}

fn flag(v: &Value, key: &str) -> Result<bool, Refusal> {
    match v {
        Value::Null => Ok(false),
        Value::Bool(b) => Ok(*b),
        _ => Err(bad(format!("{key} must be true or false"))),
    }
}

fn date(v: &Value, key: &str) -> Result<Option<NaiveDate>, Refusal> {
    match text(v, key)? {
        None => Ok(None),
        Some(s) => NaiveDate::parse_from_str(s.get(..10).unwrap_or(&s), "%Y-%m-%d")
            .map(Some)
            .map_err(|_| bad(format!("{key} must be a date (YYYY-MM-DD)"))),
    }
}

/// A date-time with its offset, or a site-local one (UTC here).
fn instant(v: &Value, key: &str) -> Result<DateTime<Utc>, Refusal> {
    let s = text(v, key)?.ok_or_else(|| bad(format!("{key} is required")))?;
    DateTime::parse_from_rfc3339(&s)
        .map(|t| t.with_timezone(&Utc))
        .or_else(|_| NaiveDateTime::parse_from_str(&s, "%Y-%m-%dT%H:%M:%S").map(|t| t.and_utc()))
        .map_err(|_| bad(format!("{key} must be a date-time")))
}

/// Checks that a POST names every key the spec requires.
fn required(body: &Map<String, Value>, keys: &[&str]) -> Result<(), Refusal> {
    match keys.iter().find(|k| !body.contains_key(**k)) {
        Some(k) => Err(bad(format!("Missing required argument: {k}"))),
        None => Ok(()),
    }
}

/// Applies an event body to the stored record `base`.
fn apply_event(
    tx: &Tx<'_>,
    base: &mut Map<String, Value>,
    body: &Map<String, Value>,
    own_id: Option<i64>,
) -> Result<(), Refusal> {
    if let Some(v) = body.get("title") {
        let title = text(v, "title")?.ok_or_else(|| bad("title must not be empty"))?;
        base.insert("name".into(), json!(title));
    }
    if let Some(v) = body.get("all_day_event") {
        base.insert("all_day".into(), json!(flag(v, "all_day_event")?));
    }
    let all_day = base["all_day"].as_bool().unwrap_or(false);
    for (key, stored) in [("start_datetime", "start"), ("end_datetime", "end")] {
        if let Some(v) = body.get(key) {
            let at = instant(v, key)?;
            let value = if all_day {
                at.date_naive().to_string()
            } else {
                format_time(at)
            };
            base.insert(stored.into(), json!(value));
        }
    }
    let when = |k: &str| {
        let raw = base.get(k).and_then(Value::as_str)?;
        crate::store::parse_time(raw)
    };
    if let (Some(start), Some(end)) = (when("start"), when("end")) {
        if end < start {
            return Err(bad("end_datetime must not be before start_datetime"));
        }
    }
    if let Some(v) = body.get("location") {
        base.remove("location");
        base.insert("location_name".into(), json!(text(v, "location")?));
    }
    if let Some(v) = body.get("private_event") {
        base.insert("private".into(), json!(flag(v, "private_event")?));
    }
    if let Some(v) = body.get("attendees") {
        base.insert("staff".into(), staff_refs(tx, v, "user_uuid")?);
    }
    if let Some(v) = body.get("matters") {
        let case = match uuids(v, "matter_uuid")?.first() {
            Some(u) => json!({ "id": existing(tx, Kind::Case, u, "matter")? }),
            None => Value::Null,
        };
        base.insert("case".into(), case);
    }
    if let Some(v) = body.get("external_id") {
        let external = text(v, "external_id")?;
        if let Some(e) = &external {
            let taken = tx.page(
                Kind::Event,
                &[Cond::FieldEq("external_id".into(), e.clone())],
                None,
                0,
                2,
            )?;
            let clash = taken
                .items
                .iter()
                .any(|r| r.get("id").and_then(Value::as_i64) != own_id);
            if clash {
                return Err(bad("external_id must be unique; another event has it"));
            }
        }
        base.insert("external_id".into(), json!(external));
    }
    Ok(())
}

/// Applies a task body to the stored record `base`.
fn apply_task(
    tx: &Tx<'_>,
    base: &mut Map<String, Value>,
    body: &Map<String, Value>,
) -> Result<(), Refusal> {
    if let Some(v) = body.get("title") {
        let title = text(v, "title")?.ok_or_else(|| bad("title must not be empty"))?;
        base.insert("name".into(), json!(title));
    }
    let due = match (body.get("due_date"), body.get("list_date")) {
        (Some(v), _) => Some(date(v, "due_date")?),
        (None, Some(v)) => Some(date(v, "list_date")?),
        (None, None) => None,
    };
    if let Some(due) = due {
        base.insert("due_date".into(), json!(due.map(|d| d.to_string())));
    }
    if let Some(v) = body.get("deadline") {
        // A deadline is what Casefile calls High; a task keeps its own.
        let deadline = flag(v, "deadline")?;
        let high = base.get("priority").and_then(Value::as_str) == Some("High");
        if deadline {
            base.insert("priority".into(), json!("High"));
        } else if high {
            base.insert("priority".into(), json!("Medium"));
        }
    }
    if let Some(v) = body.get("completed") {
        let done = flag(v, "completed")?;
        base.insert("completed".into(), json!(done));
        if !done {
            base.remove("completed_at");
        }
    }
    let completed = base["completed"].as_bool().unwrap_or(false);
    let on = body
        .get("completed_date")
        .map(|v| date(v, "completed_date"))
        .transpose()?
        .flatten();
    if completed && (on.is_some() || !base.contains_key("completed_at")) {
        let at = on
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| t.and_utc())
            .unwrap_or_else(Utc::now);
        base.insert("completed_at".into(), json!(format_time(at)));
    }
    if let Some(v) = body.get("users") {
        base.insert("staff".into(), staff_refs(tx, v, "user_uuid")?);
    }
    let matter = match (body.get("matter_uuid"), body.get("module_uuid")) {
        (Some(v), _) => Some(text(v, "matter_uuid")?),
        (None, Some(v)) if body.get("module").and_then(Value::as_str) == Some("matter") => {
            Some(text(v, "module_uuid")?)
        }
        _ => None,
    };
    if let Some(matter) = matter {
        let case = match matter {
            Some(u) => json!({ "id": existing(tx, Kind::Case, &u, "matter")? }),
            None => Value::Null,
        };
        base.insert("case".into(), case);
    }
    Ok(())
}

/// The checks every write makes first: the token and the minute's limit,
/// Premium, and a JSON object body.
fn admit_write(
    app: &AppState,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(HeaderMap, Map<String, Value>), Refusal> {
    let limits = admit(app, headers)?;
    if !app.premium.load(std::sync::atomic::Ordering::SeqCst) {
        return Err(error(
            StatusCode::PAYMENT_REQUIRED,
            "This is part of the Premium APIs, which this site does not have",
        ));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok((limits, map)),
        _ => Err(bad("The body must be a JSON object")),
    }
}

fn answered(status: StatusCode, record: Value, limits: HeaderMap) -> Response {
    let mut response = (status, axum::Json(json!({ "data": record }))).into_response();
    response.headers_mut().extend(limits);
    response
}

/// `POST /api/v1/{events,tasks}`.
pub fn create(
    app: &AppState,
    resource: Resource,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Response, Refusal> {
    let (limits, body) = admit_write(app, headers, body)?;
    let doomed = lock(&app.faults).config().fail_creates_named.clone();
    if doomed.is_some_and(|n| body.get("title").and_then(Value::as_str) == Some(&n)) {
        return Err(error(StatusCode::INTERNAL_SERVER_ERROR, "Internal error"));
    }
    let kind = resource.kind();
    let base_url = app.base_url.clone();
    let shaped = app.store.batch(|tx| {
        let mut base = Map::new();
        match kind {
            Kind::Event => {
                required(&body, &["title", "start_datetime", "end_datetime"])?;
                base.extend([
                    ("description".into(), json!("")),
                    ("all_day".into(), json!(false)),
                    ("private".into(), json!(false)),
                    ("event_type".into(), json!("")),
                    ("staff".into(), json!([])),
                ]);
                apply_event(tx, &mut base, &body, None)?;
            }
            _ => {
                required(
                    &body,
                    &[
                        "title",
                        "list_date",
                        "task_type",
                        "deadline",
                        "deadline_type",
                        "is_this_a_case_alert",
                    ],
                )?;
                base.extend([
                    ("description".into(), json!("")),
                    ("priority".into(), json!("Medium")),
                    ("completed".into(), json!(false)),
                    ("staff".into(), json!([])),
                ]);
                apply_task(tx, &mut base, &body)?;
            }
        }
        let case_id = base.get("case").and_then(crate::api::common::ref_id);
        let record = tx.create(kind, base, case_id, None, Utc::now())?;
        let lookups = Lookups {
            tx,
            seen: Default::default(),
        };
        Ok::<_, Refusal>(shape(resource, &record, &base_url, &lookups))
    })?;
    Ok(answered(StatusCode::CREATED, shaped, limits))
}

/// `PATCH /api/v1/{events,tasks}/{uuid}`.
pub fn patch(
    app: &AppState,
    resource: Resource,
    headers: &HeaderMap,
    uuid: &str,
    body: &[u8],
) -> Result<Response, Refusal> {
    let (limits, body) = admit_write(app, headers, body)?;
    let kind = resource.kind();
    let what = if kind == Kind::Event { "event" } else { "task" };
    let base_url = app.base_url.clone();
    let shaped = app.store.batch(|tx| {
        let id = match record_of(uuid) {
            Some((k, id)) if k == kind => id,
            _ => return Err(unknown_uuid(what)),
        };
        let row = tx.get(kind, id)?.ok_or_else(|| unknown_uuid(what))?;
        let Value::Object(mut base) = row.body else {
            tracing::warn!("legalserver dialect: a stored record is not an object");
            return Err(error(StatusCode::INTERNAL_SERVER_ERROR, "Internal error"));
        };
        match kind {
            Kind::Event => apply_event(tx, &mut base, &body, Some(id))?,
            _ => apply_task(tx, &mut base, &body)?,
        }
        let record = tx.update(kind, id, Value::Object(base), Utc::now())?;
        let lookups = Lookups {
            tx,
            seen: Default::default(),
        };
        Ok(shape(resource, &record, &base_url, &lookups))
    })?;
    Ok(answered(StatusCode::OK, shaped, limits))
}
