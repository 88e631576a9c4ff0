//! A document's bytes leaving the sealed blob store for the user: opened
//! with the system's default application, or saved as a copy where the
//! user picks in the native save dialog. Both use the local bytes when
//! they are here (a pinned case, offline too), else download first. The
//! rules are `casefile_core::documents`; this routes.

use std::path::PathBuf;

use casefile_core::documents;
use casefile_domain::error::ErrorCode;
use casefile_domain::ids::LocalId;
use casefile_store::Store;
use casefile_transfer::BlobStore;
use serde::Serialize;
use specta::Type;
use tauri::State;

use super::documents::blocking;
use crate::error::UiError;
use crate::state::AppState;

/// How opening a document went.
#[derive(Debug, Clone, Serialize, Type)]
pub struct OpenedDocument {
    /// The decrypted copy handed to the system's viewer.
    pub path: String,
    /// Whether an application took it.
    pub opened: bool,
}

/// How saving a copy went.
#[derive(Debug, Clone, Serialize, Type)]
pub struct SavedCopy {
    /// Where the copy was written; none when the user cancelled the dialog.
    pub path: Option<String>,
}

fn document_id(text: &str) -> Result<LocalId, UiError> {
    LocalId::parse(text).map_err(|_| UiError::validation("document", "That is not a document id."))
}

fn parts(state: &AppState) -> Result<(std::sync::Arc<Store>, BlobStore), UiError> {
    let store = state.store()?;
    let blobs = state.blobs().ok_or_else(|| {
        UiError::validation(
            "document",
            "This account keeps no documents on this laptop.",
        )
    })?;
    Ok((store, blobs))
}

/// Runs `use_bytes` on the local bytes; when they are not here, downloads
/// the document first (if an account is connected) and runs it again.
async fn with_bytes<T: Send + 'static>(
    state: &AppState,
    document: LocalId,
    use_bytes: impl Fn(&Store, &BlobStore) -> Result<Option<T>, casefile_core::CoreError>
        + Clone
        + Send
        + 'static,
) -> Result<T, UiError> {
    let (store, blobs) = parts(state)?;
    let attempt = {
        let (store, blobs, f) = (store.clone(), blobs.clone(), use_bytes.clone());
        move || f(&store, &blobs)
    };
    if let Some(done) = blocking(attempt.clone()).await? {
        return Ok(done);
    }
    let Some(session) = state.session() else {
        return Err(UiError::from_class(
            ErrorCode::Offline,
            "This document is not on this laptop, and no account is connected to fetch it.",
        ));
    };
    let queue = store.clone();
    blocking(move || Ok(casefile_transfer::add_download(&queue, &document, None)?)).await?;
    session
        .run_transfers()
        .await
        .map_err(|e| UiError::from(&e))?;
    blocking(attempt).await?.ok_or_else(|| {
        UiError::from_class(
            ErrorCode::Offline,
            "The document could not be downloaded now; it is queued and is ready once it is here. \
             Keep the case offline to have its documents without a connection.",
        )
    })
}

/// Opens a document with the system's default application.
#[tauri::command]
#[specta::specta]
pub async fn open_document(
    state: State<'_, AppState>,
    document_id: String,
) -> Result<OpenedDocument, UiError> {
    let document = self::document_id(&document_id)?;
    let dir = state.paths.data_dir.join("open");
    let path: PathBuf = with_bytes(&state, document, move |store, blobs| {
        documents::local_copy(store, blobs, &document, &dir)
    })
    .await?;
    let opened = match state.app.get() {
        Some(app) => {
            use tauri_plugin_opener::OpenerExt;
            match app.opener().open_path(path.to_string_lossy(), None::<&str>) {
                Ok(()) => true,
                Err(e) => {
                    tracing::info!(error = %e, "no application opened the document");
                    false
                }
            }
        }
        None => false,
    };
    Ok(OpenedDocument {
        path: path.display().to_string(),
        opened,
    })
}

/// Asks in the native save dialog where to write a file, offering `name`
/// (and, when given, a filter such as `("iCalendar", &["ics"])`); none when
/// the user cancelled.
pub(crate) async fn ask_where(
    state: &AppState,
    title: &'static str,
    name: String,
    filter: Option<(&'static str, &'static [&'static str])>,
) -> Result<Option<PathBuf>, UiError> {
    let app = state
        .app
        .get()
        .cloned()
        .ok_or_else(|| UiError::internal("The window is not ready yet."))?;
    let picked = tauri::async_runtime::spawn_blocking(move || {
        use tauri_plugin_dialog::DialogExt;
        let mut dialog = app.dialog().file().set_title(title).set_file_name(name);
        if let Some((label, extensions)) = filter {
            dialog = dialog.add_filter(label, extensions);
        }
        dialog.blocking_save_file()
    })
    .await
    .map_err(|_| UiError::internal("The request was interrupted."))?;
    picked
        .map(|p| {
            p.into_path()
                .map_err(|_| UiError::validation("path", "Choose a folder on this computer."))
        })
        .transpose()
}

/// Asks where to save a copy of a document (the native save dialog, with
/// the document's name made safe), then writes it there, never replacing
/// a file already present.
#[tauri::command]
#[specta::specta]
pub async fn save_document_copy(
    state: State<'_, AppState>,
    document_id: String,
) -> Result<SavedCopy, UiError> {
    let document = self::document_id(&document_id)?;
    let (store, _) = parts(&state)?;
    let name = blocking(move || documents::copy_name(&store, &document)).await?;
    let Some(target) = ask_where(&state, "Save a copy", name, None).await? else {
        return Ok(SavedCopy { path: None });
    };
    let (Some(dir), Some(file)) = (target.parent(), target.file_name()) else {
        return Err(UiError::validation(
            "path",
            "Choose a file name to save as.",
        ));
    };
    let (dir, file) = (dir.to_owned(), file.to_string_lossy().into_owned());
    let written = with_bytes(&state, document, move |store, blobs| {
        documents::save_copy(store, blobs, &document, &dir, &file)
    })
    .await?;
    tracing::info!("a copy of a document was saved");
    Ok(SavedCopy {
        path: Some(written.display().to_string()),
    })
}
