//! The plain collections: case stages, practice areas, locations, staff, clients,
//! companies, cases, events and tasks. Each kind has a field table (what POST/PUT
//! accept, checked into 422 errors) and a shaping step that turns accepted request
//! fields into the response shape the contract's `...Response` schema describes.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{Extensions, Uri};
use axum::response::Response;
use axum::routing::{self, MethodRouter};
use chrono::Utc;
use serde_json::{Map, Value};

use super::common::{
    created, id_ref, json_body, listing, no_content, parse_id, refs_keep, validate, Field, Params,
    Ty,
};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::store::{parse_time, Cond, Kind, Tx};

const ADDRESS_REF: Ty = Ty::Obj;

/// Accepted request fields per kind (from the contract's `...Request` schemas).
pub fn fields(kind: Kind) -> &'static [Field] {
    use Ty::*;
    match kind {
        Kind::CaseStage | Kind::PracticeArea => &[Field("name", Str)],
        Kind::Location => &[Field("name", Str), Field("address", ADDRESS_REF)],
        Kind::Client => &[
            Field("email", Str),
            Field("first_name", Str),
            Field("middle_initial", Str),
            Field("middle_name", Str),
            Field("last_name", Str),
            Field("address", ADDRESS_REF),
            Field("cell_phone_number", Str),
            Field("work_phone_number", Str),
            Field("home_phone_number", Str),
            Field("fax_phone_number", Str),
            Field("birthdate", Date),
            Field("notes", Str),
            Field("people_group", Obj),
            Field("cases", Refs(Kind::Case)),
            Field("custom_field_values", Arr),
        ],
        Kind::Company => &[
            Field("name", Str),
            Field("email", Str),
            Field("website", Str),
            Field("main_phone_number", Str),
            Field("fax_phone_number", Str),
            Field("address", ADDRESS_REF),
            Field("notes", Str),
            Field("cases", Refs(Kind::Case)),
            Field("clients", Refs(Kind::Client)),
            Field("custom_field_values", Arr),
        ],
        Kind::Case => &[
            Field("name", Str),
            Field("case_number", Str),
            Field("opened_date", Date),
            Field("case_stage", Str),
            Field("practice_area", Str),
            Field("description", Str),
            Field("sol_date", Date),
            Field("status", OneOf(&["open", "closed"])),
            Field("outstanding_balance", Num),
            Field("billing_contact", Obj),
            Field("clients", Refs(Kind::Client)),
            Field("companies", Refs(Kind::Company)),
            Field("staff", Refs(Kind::Staff)),
            Field("custom_field_values", Arr),
        ],
        Kind::Event => &[
            Field("name", Str),
            Field("description", Str),
            Field("start", DateTime),
            Field("end", DateTime),
            Field("all_day", Bool),
            Field("private", Bool),
            Field("location", Ref(Kind::Location)),
            Field("case", Ref(Kind::Case)),
            Field("staff", Refs(Kind::Staff)),
        ],
        Kind::Task => &[
            Field("name", Str),
            Field("description", Str),
            Field("priority", OneOf(&["Low", "Medium", "High"])),
            Field("due_date", Date),
            Field("completed", Bool),
            Field("case", Ref(Kind::Case)),
            Field("staff", Refs(Kind::Staff)),
        ],
        _ => &[],
    }
}

/// Required request fields per kind.
pub fn required(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::CaseStage | Kind::PracticeArea | Kind::Location | Kind::Company | Kind::Case => {
            &["name"]
        }
        Kind::Client => &["first_name", "last_name"],
        Kind::Event => &["name", "start", "end", "staff"],
        Kind::Task => &["name", "priority", "due_date", "staff"],
        _ => &[],
    }
}

fn defaults(kind: Kind) -> Map<String, Value> {
    let v = match kind {
        Kind::Client => serde_json::json!({
            "archived": false, "contact_group": "Client", "cases": [], "custom_field_values": []
        }),
        Kind::Company => serde_json::json!({
            "archived": false, "cases": [], "clients": [], "custom_field_values": []
        }),
        Kind::Case => serde_json::json!({
            "case_number": null, "description": "", "opened_date": null, "closed_date": null,
            "sol_date": null, "practice_area": null, "case_stage": null, "status": "open",
            "outstanding_balance": 0, "billing_type": "", "clients": [], "companies": [],
            "staff": [], "custom_field_values": []
        }),
        Kind::Event => serde_json::json!({
            "description": "", "all_day": false, "private": false, "event_type": "", "staff": []
        }),
        Kind::Task => serde_json::json!({
            "description": "", "completed": false, "staff": []
        }),
        _ => serde_json::json!({}),
    };
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// Finds a case stage or practice area by name, case-insensitively.
fn named(tx: &Tx<'_>, kind: Kind, name: &str) -> ApiResult<Option<String>> {
    let page = tx.page(
        kind,
        &[Cond::FieldEq("name".into(), name.into())],
        None,
        0,
        1,
    )?;
    Ok(page
        .items
        .first()
        .and_then(|v| v.get("name"))
        .and_then(Value::as_str)
        .map(str::to_owned))
}

/// Merges accepted fields into `base` and applies the per-kind rules.
/// `id` is the record being updated (for uniqueness checks).
pub fn shape(
    tx: &Tx<'_>,
    kind: Kind,
    base: &mut Map<String, Value>,
    accepted: Map<String, Value>,
    id: Option<i64>,
) -> ApiResult<()> {
    let now = Utc::now();
    for (k, v) in accepted {
        base.insert(k, v);
    }
    match kind {
        Kind::Case => {
            if let Some(name) = base.get("name").and_then(Value::as_str) {
                let same = tx.page(
                    kind,
                    &[Cond::FieldEq("name".into(), name.into())],
                    None,
                    0,
                    2,
                )?;
                if same
                    .items
                    .iter()
                    .any(|c| c.get("id").and_then(Value::as_i64) != id)
                {
                    return Err(ApiError::invalid_field(
                        "/name",
                        "name has already been taken",
                    ));
                }
            }
            for (field, kind) in [
                ("case_stage", Kind::CaseStage),
                ("practice_area", Kind::PracticeArea),
            ] {
                if let Some(name) = base.get(field).and_then(Value::as_str).map(str::to_owned) {
                    let found = named(tx, kind, &name)?;
                    base.insert(field.into(), found.map_or(Value::Null, Value::from));
                }
            }
            if let Some(staff) = base.get("staff") {
                let kept = refs_keep(staff, &["lead_lawyer", "originating_lawyer"]);
                base.insert("staff".into(), kept);
            }
            for field in ["clients", "companies"] {
                if let Some(list) = base.get(field) {
                    let kept = refs_keep(list, &[]);
                    base.insert(field.into(), kept);
                }
            }
            let closed = base.get("status").and_then(Value::as_str) == Some("closed");
            let has_closed = base.get("closed_date").is_some_and(|v| !v.is_null());
            if closed && !has_closed {
                base.insert(
                    "closed_date".into(),
                    Value::from(now.date_naive().format("%Y-%m-%d").to_string()),
                );
            } else if !closed {
                base.insert("closed_date".into(), Value::Null);
            }
        }
        Kind::Event => {
            let start = base
                .get("start")
                .and_then(Value::as_str)
                .and_then(parse_time);
            let end = base.get("end").and_then(Value::as_str).and_then(parse_time);
            if let (Some(start), Some(end)) = (start, end) {
                if end < start {
                    return Err(ApiError::invalid_field(
                        "/end",
                        "end must not be before start",
                    ));
                }
            }
            if let Some(staff) = base.get("staff") {
                let kept = refs_keep(staff, &[]);
                base.insert("staff".into(), kept);
            }
            for field in ["case", "location"] {
                if let Some(id) = base.get(field).and_then(super::common::ref_id) {
                    base.insert(field.into(), id_ref(id));
                }
            }
        }
        Kind::Task => {
            if let Some(staff) = base.get("staff") {
                let kept = refs_keep(staff, &[]);
                base.insert("staff".into(), kept);
            }
            if let Some(id) = base.get("case").and_then(super::common::ref_id) {
                base.insert("case".into(), id_ref(id));
            }
            if base.get("completed").and_then(Value::as_bool) == Some(true) {
                if !base.get("completed_at").is_some_and(Value::is_string) {
                    base.insert(
                        "completed_at".into(),
                        Value::from(crate::store::format_time(now)),
                    );
                }
            } else {
                base.remove("completed_at");
            }
        }
        Kind::Client => {
            if base.contains_key("middle_initial") && base.contains_key("middle_name") {
                return Err(ApiError::invalid_field(
                    "/middle_initial",
                    "Use middle_name or middle_initial, not both",
                ));
            }
            if let Some(list) = base.get("cases") {
                let kept = refs_keep(list, &[]);
                base.insert("cases".into(), kept);
            }
        }
        Kind::Company => {
            for field in ["clients", "cases"] {
                if let Some(list) = base.get(field) {
                    let kept = refs_keep(list, &[]);
                    base.insert(field.into(), kept);
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// The listing conditions a kind supports from `filter[...]` query parameters.
fn filters(kind: Kind, params: &Params) -> ApiResult<Vec<Cond>> {
    let mut conds = Vec::new();
    let eq: &[&str] = match kind {
        Kind::Client => &[
            "email",
            "first_name",
            "last_name",
            "cell_phone_number",
            "work_phone_number",
            "home_phone_number",
        ],
        Kind::Company => &["email", "name", "main_phone_number", "fax_phone_number"],
        _ => &[],
    };
    for field in eq {
        if let Some(v) = params.get(&format!("filter[{field}]")) {
            conds.push(Cond::FieldEq((*field).to_owned(), v.clone()));
        }
    }
    if let Some(status) = params.get("filter[status]") {
        match kind {
            Kind::Staff => match status.as_str() {
                "active" | "inactive" => {
                    conds.push(Cond::FieldBool("active".into(), status == "active"))
                }
                _ => {
                    return Err(ApiError::invalid_param(
                        "filter[status]",
                        "filter[status] must be active or inactive",
                    ))
                }
            },
            Kind::Case => match status.as_str() {
                "open" | "closed" => conds.push(Cond::FieldEq("status".into(), status.clone())),
                _ => {
                    return Err(ApiError::invalid_param(
                        "filter[status]",
                        "filter[status] must be open or closed",
                    ))
                }
            },
            _ => {}
        }
    }
    Ok(conds)
}

/// Expands a case's nested clients with the fields named by `field[client]`.
fn expand_case(app: &AppState, params: &Params, mut case: Value) -> Value {
    let Some(wanted) = params.get("field[client]") else {
        return case;
    };
    let wanted: Vec<&str> = wanted.split(',').map(str::trim).collect();
    if let Some(clients) = case.get_mut("clients").and_then(Value::as_array_mut) {
        for c in clients.iter_mut() {
            let Some(id) = super::common::ref_id(c) else {
                continue;
            };
            if let Ok(Some(row)) = app.store.read(|tx| tx.get(Kind::Client, id)) {
                let mut m = Map::new();
                m.insert("id".into(), Value::from(id));
                for f in &wanted {
                    if let Some(v) = row.body.get(*f) {
                        m.insert((*f).to_owned(), v.clone());
                    }
                }
                *c = Value::Object(m);
            }
        }
    }
    case
}

/// `GET /v1/<kind>`.
pub fn list(kind: Kind) -> MethodRouter<Arc<AppState>> {
    routing::get(
        move |State(app): State<Arc<AppState>>,
              Query(params): Query<Params>,
              uri: Uri,
              ext: Extensions| async move {
            let conds = filters(kind, &params)?;
            let app2 = app.clone();
            listing(&app, &ext, uri.path(), &params, kind, &conds, |v| {
                if kind == Kind::Case {
                    expand_case(&app2, &params, v)
                } else {
                    v
                }
            })
        },
    )
}

/// `GET /v1/<kind>/{id}`.
pub fn get_one(kind: Kind) -> MethodRouter<Arc<AppState>> {
    routing::get(
        move |State(app): State<Arc<AppState>>,
              Query(params): Query<Params>,
              Path(id): Path<String>| async move {
            let id = parse_id(&id, kind.as_str())?;
            let row = app
                .store
                .read(|tx| tx.get(kind, id))?
                .ok_or_else(|| ApiError::not_found(kind.as_str()))?;
            let body = if kind == Kind::Case {
                expand_case(&app, &params, row.body)
            } else {
                row.body
            };
            Ok::<_, ApiError>(axum::Json(body))
        },
    )
}

/// `POST /v1/<kind>`: 201 with the created record.
pub fn create(kind: Kind) -> MethodRouter<Arc<AppState>> {
    routing::post(
        move |State(app): State<Arc<AppState>>, body: Bytes| async move {
            let body = json_body(&body)?;
            let doomed = crate::state::lock(&app.faults)
                .config()
                .fail_creates_named
                .clone();
            if doomed.is_some_and(|n| body.get("name").and_then(Value::as_str) == Some(&n)) {
                return Err(ApiError::internal());
            }
            if body.contains_key("contacts") && body.contains_key("clients") {
                return Err(ApiError::invalid_field(
                    "/contacts",
                    "contacts is deprecated; use clients only",
                ));
            }
            let record = app.store.batch(|tx| {
                let accepted = validate(tx, fields(kind), required(kind), &body, true)?;
                let mut base = defaults(kind);
                shape(tx, kind, &mut base, accepted, None)?;
                let case_id = base.get("case").and_then(super::common::ref_id);
                let record = tx.create(kind, base, case_id, None, Utc::now())?;
                if kind == Kind::Case {
                    if let Some(id) = record.get("id").and_then(Value::as_i64) {
                        super::folders::ensure_root(tx, id, Utc::now())?;
                    }
                }
                Ok::<_, ApiError>(record)
            })?;
            Ok::<Response, ApiError>(created(record))
        },
    )
}

/// `PUT /v1/<kind>/{id}`: 204.
pub fn update(kind: Kind) -> MethodRouter<Arc<AppState>> {
    routing::put(
        move |State(app): State<Arc<AppState>>, Path(id): Path<String>, body: Bytes| async move {
            let id = parse_id(&id, kind.as_str())?;
            let body = json_body(&body)?;
            app.store.batch(|tx| {
                let row = tx
                    .get(kind, id)?
                    .ok_or_else(|| ApiError::not_found(kind.as_str()))?;
                let accepted = validate(tx, fields(kind), required(kind), &body, false)?;
                let Value::Object(mut base) = row.body else {
                    return Err(ApiError::internal());
                };
                shape(tx, kind, &mut base, accepted, Some(id))?;
                tx.update(kind, id, Value::Object(base), Utc::now())?;
                Ok(())
            })?;
            Ok::<Response, ApiError>(no_content())
        },
    )
}

/// `DELETE /v1/<kind>/{id}`: 204.
pub fn delete(kind: Kind) -> MethodRouter<Arc<AppState>> {
    routing::delete(
        move |State(app): State<Arc<AppState>>, Path(id): Path<String>| async move {
            let id = parse_id(&id, kind.as_str())?;
            if !app.store.batch(|tx| tx.delete(kind, id))? {
                return Err(ApiError::not_found(kind.as_str()));
            }
            Ok::<Response, ApiError>(no_content())
        },
    )
}

/// `GET /v1/clients/{id}/cases`.
pub async fn client_cases(
    State(app): State<Arc<AppState>>,
    Query(params): Query<Params>,
    Path(id): Path<String>,
    uri: Uri,
    ext: Extensions,
) -> ApiResult<Response> {
    let id = parse_id(&id, "client")?;
    if !app.store.read(|tx| tx.exists(Kind::Client, id))? {
        return Err(ApiError::not_found("client"));
    }
    let conds = [Cond::ArrayHasId("clients".into(), id)];
    listing(&app, &ext, uri.path(), &params, Kind::Case, &conds, |v| {
        expand_case(&app, &params, v)
    })
}
