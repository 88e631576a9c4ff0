//! The calendar's "Export…": the events of a range (or of one case) as an
//! RFC 5545 file where the user picks in the native save dialog, for
//! someone outside the firm or for Outlook and Google Calendar. The file is
//! `casefile_core::ics`'s; this asks where and routes.

use casefile_core::ics::{self, ExportError, ExportRange};
use casefile_domain::ids::LocalId;
use chrono::{DateTime, Utc};
use tauri::State;

use super::calendar::viewer_zone;
use super::copies::{ask_where, SavedCopy};
use crate::error::UiError;
use crate::state::AppState;

fn export_error(e: ExportError) -> UiError {
    match e {
        ExportError::Store(e) => UiError::from(&e),
        ExportError::EmptyRange => {
            UiError::validation("to", "The end of the range must come after its start.")
        }
        other => UiError::from_class(other.class(), "That case is not in the local cache."),
    }
}

/// Asks where to save, then writes the events overlapping [from, to)
/// (RFC 3339), only `case_id`'s when given; `path` is none when cancelled.
#[tauri::command]
#[specta::specta]
pub async fn export_events(
    state: State<'_, AppState>,
    from: String,
    to: String,
    zone: String,
    case_id: Option<String>,
    file_name: String,
) -> Result<SavedCopy, UiError> {
    let instant = |field: &str, v: &str| {
        DateTime::parse_from_rfc3339(v)
            .map(|d| d.with_timezone(&Utc))
            .map_err(|_| UiError::validation(field, "Expected a date-time with an offset."))
    };
    let range = ExportRange {
        from: instant("from", &from)?,
        to: instant("to", &to)?,
        viewer: viewer_zone(&zone)?,
        case: case_id
            .as_deref()
            .map(|c| {
                LocalId::parse(c).map_err(|_| UiError::validation("case", "That is not a case id."))
            })
            .transpose()?,
    };
    let store = state.store()?;
    let text = tauri::async_runtime::spawn_blocking(move || {
        ics::events_to_export(&store, &range)
            .map(|events| (events.len(), ics::to_ics(&events, Utc::now())))
    })
    .await
    .map_err(|_| UiError::internal("The request was interrupted."))?
    .map_err(export_error)?;
    let name = casefile_transfer::names::safe_name(&file_name);
    let Some(target) =
        ask_where(&state, "Export events", name, Some(("iCalendar", &["ics"]))).await?
    else {
        return Ok(SavedCopy { path: None });
    };
    let (count, body) = text;
    let writing = target.clone();
    tauri::async_runtime::spawn_blocking(move || ics::write_file(&writing, body.as_bytes()))
        .await
        .map_err(|_| UiError::internal("The request was interrupted."))?
        .map_err(|e| {
            tracing::warn!(error = %e, "the calendar export could not be written");
            UiError::validation(
                "path",
                "The file could not be written there; choose another folder.",
            )
        })?;
    tracing::info!(events = count, "events were exported");
    Ok(SavedCopy {
        path: Some(target.display().to_string()),
    })
}
