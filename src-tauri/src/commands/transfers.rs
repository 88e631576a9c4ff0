//! Commands for the transfer queue: list it, and pause, resume, retry or
//! cancel one. The rules are `casefile_core::transfers`; this routes.

use casefile_core::transfers::{self, TransferCommand};
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::State;

use super::documents::blocking;
use crate::error::UiError;
use crate::state::AppState;

/// One transfer in the panel.
#[derive(Debug, Clone, Serialize, Type)]
pub struct TransferItem {
    pub id: String,
    pub upload: bool,
    /// "queued", "running", "paused", "failed", "done" or "cancelled".
    pub state: String,
    pub name: String,
    pub path: Option<String>,
    pub case_id: String,
    pub size: Option<f64>,
    pub done_bytes: f64,
    pub bytes_per_s: Option<f64>,
    pub seconds_left: Option<f64>,
    pub error: Option<String>,
    pub retry_at: Option<String>,
}

#[tauri::command]
#[specta::specta]
pub async fn list_transfers(state: State<'_, AppState>) -> Result<Vec<TransferItem>, UiError> {
    let store = state.store()?;
    blocking(move || {
        Ok(transfers::list(&store)?
            .into_iter()
            .map(|t| TransferItem {
                id: t.id,
                upload: t.upload,
                state: t.state.to_owned(),
                name: t.name,
                path: t.path,
                case_id: t.case_id,
                size: t.size.map(|s| s as f64),
                done_bytes: t.done_bytes as f64,
                bytes_per_s: t.bytes_per_s.map(|s| s as f64),
                seconds_left: t.seconds_left.map(|s| s as f64),
                error: t.error,
                retry_at: t.retry_at,
            })
            .collect())
    })
    .await
}

/// What the user asks of a transfer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum TransferAction {
    Pause,
    Resume,
    Retry,
    Cancel,
}

#[tauri::command]
#[specta::specta]
pub async fn transfer_action(
    state: State<'_, AppState>,
    id: String,
    action: TransferAction,
) -> Result<(), UiError> {
    let store = state.store()?;
    let command = match action {
        TransferAction::Pause => TransferCommand::Pause,
        TransferAction::Resume => TransferCommand::Resume,
        TransferAction::Retry => TransferCommand::Retry,
        TransferAction::Cancel => TransferCommand::Cancel,
    };
    blocking(move || transfers::command(&store, &id, command)).await?;
    if matches!(
        action,
        TransferAction::Resume | TransferAction::Retry | TransferAction::Cancel
    ) {
        crate::sync::move_documents(&state);
    }
    Ok(())
}
