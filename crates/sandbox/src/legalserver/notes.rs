//! A matter's case notes, `GET /api/v1/matters/{uuid}/notes`, in
//! LegalServer's search envelope and the spec's `v1_core_matter_note`
//! shape. The firm model keeps no notes, so each matter has a few made
//! from its id (the same on every run), written by its first staff
//! member, after any a test added (`POST /admin/notes/{case_id}`:
//! hostile text, or a note made on the server since the last look).

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use uuid::{Builder, Uuid};

use super::ids::{record_of, uuid_of};
use super::search::{admit, error, internal, number, Refusal, MAX_PAGE_SIZE};
use crate::state::{lock, AppState};
use crate::store::Kind;

/// What the made-up notes say: subject, body, type.
const SEEDED: [(&str, &str, &str); 4] = [
    (
        "Intake interview",
        "Met the client; they described what happened in detail.\nAsked for the letters and the lease by next week.",
        "Case Note",
    ),
    (
        "Call with opposing counsel",
        "Discussed the schedule. They will confirm the deposition dates by Friday.",
        "Phone Call",
    ),
    (
        "Conflict check cleared",
        "No conflicts with the parties or their counsel.",
        "Case Note",
    ),
    (
        "Documents received",
        "Client dropped off the signed retainer and two bank statements.",
        "Case Note",
    ),
];

/// A note's UUID: tagged as ours but of no record kind, so it names nothing
/// else; `n` counts the matter's notes.
fn note_uuid(case_id: i64, n: usize) -> Uuid {
    let mut bytes = *uuid_of(Kind::Case, case_id).as_bytes();
    bytes[0] = 0xF0;
    bytes[7] = n as u8;
    Builder::from_random_bytes(bytes).into_uuid()
}

/// The matter's notes, oldest first: the seeded ones, then those added.
fn notes_of(app: &AppState, case_id: i64, case: &Value, author: Option<&Value>) -> Vec<Value> {
    let seeded = (case_id % 3) as usize;
    let opened = case["opened_date"].as_str().unwrap_or("2026-01-05");
    let user = author.map(|s| {
        json!({
            "user_id": s["id"].as_i64().unwrap_or_default(),
            "user_uuid": uuid_of(Kind::Staff, s["id"].as_i64().unwrap_or_default()).to_string(),
            "user_name": format!(
                "{} {}",
                s["first_name"].as_str().unwrap_or_default(),
                s["last_name"].as_str().unwrap_or_default()
            ),
        })
    });
    let number = case["case_number"].as_str().unwrap_or_default();
    let mut out: Vec<Value> = (0..seeded)
        .map(|n| {
            let (subject, body, note_type) = SEEDED[(case_id as usize + n) % SEEDED.len()];
            let uuid = note_uuid(case_id, n);
            json!({
                "id": case_id * 16 + n as i64,
                "matter_id": case_id,
                "matter_identification_number": number,
                "subject": subject,
                "body": body,
                "note_type": note_type,
                "date_posted": opened,
                "date_time_created": format!("{opened}T09:{:02}:00-05:00", 10 + n),
                "created_by": user,
                "last_update": null,
                "last_updated_by": user,
                "is_html": false,
                "allow_etransfer": true,
                "active": true,
                "note_was_emailed": false,
                "note_was_messaged": false,
                "note_has_document_attached": false,
                "casenote_uuid": uuid.to_string(),
            })
        })
        .collect();
    let added = lock(&app.notes).get(&case_id).cloned().unwrap_or_default();
    for (i, mut note) in added.into_iter().enumerate() {
        let n = seeded + i;
        note["id"] = json!(case_id * 16 + n as i64);
        note["matter_id"] = json!(case_id);
        note["matter_identification_number"] = json!(number);
        note["casenote_uuid"] = json!(note_uuid(case_id, n).to_string());
        out.push(note);
    }
    out
}

/// `GET /api/v1/matters/{uuid}/notes`, paged by `page_number` and `page_size`.
pub async fn list(
    State(app): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(uuid): Path<String>,
    Query(params): Query<BTreeMap<String, String>>,
) -> Result<Response, Refusal> {
    let limits = admit(&app, &headers)?;
    let unknown = || error(StatusCode::NOT_FOUND, "Unknown matter UUID");
    let case_id = match record_of(&uuid) {
        Some((Kind::Case, id)) => id,
        _ => return Err(unknown()),
    };
    let page_number = number(&params, "page_number", 1)?;
    let page_size = number(&params, "page_size", 20)?.min(MAX_PAGE_SIZE);
    let found = app
        .store
        .read(|tx| {
            let Some(case) = tx.get(Kind::Case, case_id)? else {
                return Ok(None);
            };
            let lead = case.body["staff"]
                .as_array()
                .and_then(|s| s.first())
                .and_then(|s| s["id"].as_i64());
            let author = match lead {
                Some(id) => tx.get(Kind::Staff, id)?.map(|r| r.body),
                None => None,
            };
            Ok::<_, crate::error::SandboxError>(Some((case.body, author)))
        })
        .map_err(internal)?;
    let (case, author) = found.ok_or_else(unknown)?;
    let notes = notes_of(&app, case_id, &case, author.as_ref());
    let total = notes.len() as u64;
    let data: Vec<Value> = notes
        .into_iter()
        .skip(((page_number - 1) * page_size) as usize)
        .take(page_size as usize)
        .collect();
    let body = json!({
        "page_number": page_number,
        "page_size": page_size,
        "total_number_of_pages": total.div_ceil(page_size).max(1),
        "total_records": total,
        "data": data,
    });
    let mut response = axum::Json(body).into_response();
    response.headers_mut().extend(limits);
    Ok(response)
}
