//! A case's notes, read-only: from the cache, read again from the server
//! first when asked (the case screen opens). The rules are
//! `casefile_core::notes`; this routes.

use serde::Serialize;
use specta::Type;
use tauri::State;

use super::documents::{blocking, parse_case};
use crate::error::UiError;
use crate::state::AppState;

/// One case note, as the server wrote it.
#[derive(Debug, Clone, Serialize, Type)]
pub struct NoteItem {
    pub id: String,
    pub subject: String,
    /// Plain text, or HTML when `is_html`: the window shows its text only.
    pub body: String,
    pub is_html: bool,
    pub note_type: Option<String>,
    /// YYYY-MM-DD.
    pub posted_on: Option<String>,
    /// RFC 3339.
    pub created_at: Option<String>,
    pub author: Option<String>,
}

/// A case's notes and where they stand.
#[derive(Debug, Clone, Serialize, Type)]
pub struct CaseNotes {
    /// Whether the account's provider keeps case notes at all; without
    /// them the case screen shows no notes.
    pub kept: bool,
    pub notes: Vec<NoteItem>,
    /// When they were last read from the server (RFC 3339); none if never.
    pub read_at: Option<String>,
    /// Why they could not be read now (offline, signed out); none when
    /// they were, or were not asked for.
    pub problem: Option<UiError>,
}

#[tauri::command]
#[specta::specta]
pub async fn case_notes(
    state: State<'_, AppState>,
    case_id: String,
    refresh: bool,
) -> Result<CaseNotes, UiError> {
    let case = parse_case(&case_id)?;
    let store = state.store()?;
    let session = state.session();
    let kept = session.as_ref().is_some_and(|s| s.keeps_notes());
    let problem = match (&session, refresh && kept) {
        (Some(session), true) => session
            .refresh_case_notes(&case)
            .await
            .err()
            .map(|e| UiError::from(&e)),
        _ => None,
    };
    let key = case.to_string();
    let (notes, read_at) = blocking(move || Ok(store.case_notes(&key)?)).await?;
    Ok(CaseNotes {
        kept,
        notes: notes
            .into_iter()
            .map(|n| NoteItem {
                id: n.remote_id,
                subject: n.subject,
                body: n.body,
                is_html: n.is_html,
                note_type: n.note_type,
                posted_on: n.posted_on.map(|d| d.to_string()),
                created_at: n.created_at.map(|t| t.to_rfc3339()),
                author: n.author,
            })
            .collect(),
        read_at,
        problem,
    })
}
