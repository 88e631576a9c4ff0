//! The conflict chooser's commands: the open conflicts, one row per field
//! changed both here and on the server with base, mine and theirs; and a
//! person's choice for one field. A conflict is only ever settled by that
//! choice (`casefile_core`'s rule); the result travels through the outbox.

use casefile_domain::entity::{Case, Event, Kind, Task};
use casefile_store::{Choice, Store, StoreError};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use specta::Type;
use tauri::State;

use super::calendar::editing_session;
use super::documents::blocking;
use crate::error::UiError;
use crate::state::AppState;

/// One field changed on both sides.
#[derive(Debug, Clone, Serialize, Type)]
pub struct ConflictItem {
    pub id: String,
    /// event, task, case…
    pub kind: String,
    pub record_id: String,
    /// The record's name as cached here.
    pub record_name: String,
    /// The field's name in the record (`name`, `time`, `description`…), or
    /// `deleted_on_server` when the server deleted what was edited here.
    pub field: String,
    /// Each side as text, none when the field was empty.
    pub base: Option<String>,
    pub mine: Option<String>,
    pub theirs: Option<String>,
    pub created_at: String,
}

/// Which side a person kept for one field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum Keep {
    Mine,
    Theirs,
}

/// A field's value as a person reads it: text as itself, a time range or a
/// list as its JSON.
fn shown(value: Option<Value>) -> Option<String> {
    match value? {
        Value::Null => None,
        Value::String(s) => Some(s),
        other => Some(other.to_string()),
    }
}

fn record_name(
    store: &Store,
    kind: Kind,
    id: &casefile_domain::ids::LocalId,
) -> Result<String, StoreError> {
    let name = match kind {
        Kind::Event => store.get::<Event>(id)?.map(|e| e.name),
        Kind::Task => store.get::<Task>(id)?.map(|t| t.name),
        Kind::Case => store.get::<Case>(id)?.map(|c| c.name),
        _ => None,
    };
    Ok(name.unwrap_or_else(|| id.to_string()))
}

#[tauri::command]
#[specta::specta]
pub async fn list_conflicts(state: State<'_, AppState>) -> Result<Vec<ConflictItem>, UiError> {
    let store = state.store()?;
    blocking(move || {
        let mut out = Vec::new();
        for c in store.conflicts()? {
            out.push(ConflictItem {
                record_name: record_name(&store, c.kind, &c.record_id)?,
                id: c.id,
                kind: c.kind.as_str().to_owned(),
                record_id: c.record_id.to_string(),
                field: c.field,
                base: shown(c.base),
                mine: shown(c.local),
                theirs: shown(c.remote),
                created_at: c.created_at,
            });
        }
        Ok(out)
    })
    .await
}

/// Keeps one side of one field; the result is pushed at once when online.
#[tauri::command]
#[specta::specta]
pub async fn resolve_conflict(
    state: State<'_, AppState>,
    id: String,
    keep: Keep,
) -> Result<(), UiError> {
    let session = editing_session(&state)?;
    let pushing = session.clone();
    let choice = match keep {
        Keep::Mine => Choice::Local,
        Keep::Theirs => Choice::Remote,
    };
    blocking(move || session.cache.resolve_conflict(&id, choice)).await?;
    pushing.engine.request();
    Ok(())
}
