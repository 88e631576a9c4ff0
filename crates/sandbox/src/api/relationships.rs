//! `POST .../relationships/...`: link clients, companies and staff to cases, clients
//! to companies, and staff to events and tasks (204 No Content).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use chrono::Utc;

use super::common::{add_refs, json_body, no_content, parse_id, refs_keep, validate, Field, Ty};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::store::Kind;

fn link(
    app: &AppState,
    kind: Kind,
    raw_id: &str,
    field: &'static str,
    target: Kind,
    keep: &[&str],
    body: &Bytes,
) -> ApiResult<Response> {
    let id = parse_id(raw_id, kind.as_str())?;
    let body = json_body(body)?;
    let field_spec = [Field(field, Ty::Refs(target))];
    app.store.batch(|tx| {
        let row = tx
            .get(kind, id)?
            .ok_or_else(|| ApiError::not_found(kind.as_str()))?;
        let accepted = validate(tx, &field_spec, &[field], &body, true)?;
        let new = refs_keep(&accepted[field], keep);
        let mut record = row.body;
        add_refs(
            &mut record,
            field,
            new.as_array().map(Vec::as_slice).unwrap_or(&[]),
        );
        tx.update(kind, id, record, Utc::now())?;
        Ok::<(), ApiError>(())
    })?;
    Ok(no_content())
}

/// `POST /v1/cases/{id}/relationships/{clients|companies|staff}`.
pub async fn case_relationship(
    State(app): State<Arc<AppState>>,
    Path((id, rel)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<Response> {
    match rel.as_str() {
        "clients" => link(&app, Kind::Case, &id, "clients", Kind::Client, &[], &body),
        "companies" => link(
            &app,
            Kind::Case,
            &id,
            "companies",
            Kind::Company,
            &[],
            &body,
        ),
        "staff" => link(
            &app,
            Kind::Case,
            &id,
            "staff",
            Kind::Staff,
            &["lead_lawyer", "originating_lawyer"],
            &body,
        ),
        _ => Err(ApiError::not_found("relationship")),
    }
}

/// `POST /v1/companies/{id}/relationships/clients`.
pub async fn company_clients(
    State(app): State<Arc<AppState>>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    link(
        &app,
        Kind::Company,
        &id,
        "clients",
        Kind::Client,
        &[],
        &body,
    )
}

/// `POST /v1/events/{id}/relationships/staff`.
pub async fn event_staff(
    State(app): State<Arc<AppState>>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    link(&app, Kind::Event, &id, "staff", Kind::Staff, &[], &body)
}

/// `POST /v1/tasks/{id}/relationships/staff`.
pub async fn task_staff(
    State(app): State<Arc<AppState>>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    link(&app, Kind::Task, &id, "staff", Kind::Staff, &[], &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_refs_does_not_duplicate() {
        let mut rec = serde_json::json!({"clients": [{"id": 1}]});
        add_refs(
            &mut rec,
            "clients",
            &[serde_json::json!({"id": 1}), serde_json::json!({"id": 2})],
        );
        assert_eq!(rec["clients"], serde_json::json!([{"id": 1}, {"id": 2}]));
    }
}
