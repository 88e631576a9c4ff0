//! A case's folder tree: listed from the cache (documents' paths, the
//! server's own folders, folders made here), walked on the server when the
//! case is opened online, and added to with New folder. The rules are
//! `casefile_core::folders` and `casefile_core::documents`; this routes.

use casefile_core::{documents, folders};
use serde::Serialize;
use specta::Type;
use tauri::State;

use super::documents::{blocking, parse_case};
use crate::error::UiError;
use crate::state::AppState;

/// One folder of a case, depth first; the root has the empty path.
#[derive(Debug, Clone, Serialize, Type)]
pub struct FolderItem {
    pub path: String,
    pub name: String,
    pub depth: u32,
    pub documents: u32,
    /// Made on this laptop; created on the server at the next sync.
    pub pending: bool,
}

/// What walking a case's tree on the server found.
#[derive(Debug, Clone, Serialize, Type)]
pub struct FolderRefresh {
    /// When the tree was last walked (RFC 3339); none if never.
    pub refreshed_at: Option<String>,
    /// Why it could not be walked now (offline, signed out); none when it was.
    pub problem: Option<UiError>,
}

#[tauri::command]
#[specta::specta]
pub async fn case_folders(
    state: State<'_, AppState>,
    case_id: String,
) -> Result<Vec<FolderItem>, UiError> {
    let case = parse_case(&case_id)?;
    let store = state.store()?;
    blocking(move || {
        Ok(documents::folders(&store, &case)?
            .into_iter()
            .map(|f| FolderItem {
                path: f.path,
                name: f.name,
                depth: f.depth,
                documents: f.documents,
                pending: f.pending,
            })
            .collect())
    })
    .await
}

/// Walks a case's folders on the server now (when an account is
/// connected), so empty folders show and the tree browses offline later.
#[tauri::command]
#[specta::specta]
pub async fn refresh_case_folders(
    state: State<'_, AppState>,
    case_id: String,
) -> Result<FolderRefresh, UiError> {
    let case = parse_case(&case_id)?;
    let store = state.store()?;
    let problem = match state.session() {
        Some(session) => session
            .refresh_case(&case)
            .await
            .err()
            .map(|e| UiError::from(&e)),
        None => None,
    };
    let key = case.to_string();
    let refreshed_at = blocking(move || Ok(store.case_folders_walked_at(&key)?)).await?;
    Ok(FolderRefresh {
        refreshed_at,
        problem,
    })
}

/// Makes a folder inside `parent` at once; it is created on the server now
/// when connected, else at the next sync. Returns its path.
#[tauri::command]
#[specta::specta]
pub async fn new_folder(
    state: State<'_, AppState>,
    case_id: String,
    parent: String,
    name: String,
) -> Result<String, UiError> {
    let case = parse_case(&case_id)?;
    let store = state.store()?;
    let path = blocking(move || folders::new_folder(&store, &case, &parent, &name)).await?;
    crate::sync::move_documents(&state);
    Ok(path)
}
