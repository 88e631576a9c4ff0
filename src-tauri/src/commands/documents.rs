//! Commands for one case and its documents: the case screen, its folder
//! tree and files, files dropped from the desktop, opening a document,
//! keeping a case offline, recent documents. The rules are
//! `casefile_core::documents`; this routes and shapes the answers.

use std::path::PathBuf;

use casefile_core::documents::{self, Clash, DocumentState, DropOutcome};
use casefile_core::CoreError;
use casefile_domain::entity::Kind;
use casefile_domain::ids::LocalId;
use casefile_domain::time::EventTime;
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::State;

use crate::error::UiError;
use crate::state::AppState;

pub(crate) fn parse_case(text: &str) -> Result<LocalId, UiError> {
    LocalId::parse(text).map_err(|_| UiError::validation("case", "That is not a case id."))
}

/// Runs blocking core work off the async runtime.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, CoreError> + Send + 'static,
) -> Result<T, UiError> {
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|_| UiError::internal("The request was interrupted."))?
        .map_err(|e| UiError::from(&e))
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct Person {
    pub id: String,
    pub name: String,
    /// A role on the case, an email or a phone number.
    pub detail: Option<String>,
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct UpcomingEvent {
    pub id: String,
    pub title: String,
    /// RFC 3339 for a timed event, a date for an all-day one.
    pub start: String,
    pub all_day: bool,
    pub location: Option<String>,
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct OpenTask {
    pub id: String,
    pub name: String,
    pub due: Option<String>,
    pub priority: String,
}

/// Everything the case screen shows.
#[derive(Debug, Clone, Serialize, Type)]
pub struct CaseDetail {
    pub id: String,
    pub name: String,
    pub number: Option<String>,
    pub description: Option<String>,
    pub status: String,
    pub opened_on: Option<String>,
    pub closed_on: Option<String>,
    pub clients: Vec<Person>,
    pub companies: Vec<Person>,
    pub staff: Vec<Person>,
    pub upcoming_events: Vec<UpcomingEvent>,
    pub open_tasks: Vec<OpenTask>,
    pub document_count: u32,
    /// Kept on this laptop with all its documents.
    pub pinned: bool,
    /// The bytes of its documents on this laptop.
    pub offline_bytes: f64,
}

fn role(text: &str) -> String {
    let spaced = text.replace('_', " ");
    let mut chars = spaced.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The case screen, with "upcoming" measured in the viewer's `zone`.
#[tauri::command]
#[specta::specta]
pub async fn case_detail(
    state: State<'_, AppState>,
    id: String,
    zone: String,
) -> Result<CaseDetail, UiError> {
    let case = parse_case(&id)?;
    let viewer = casefile_domain::time::parse_zone(&zone)
        .map_err(|_| UiError::validation("zone", "Unknown time zone."))?;
    let store = state.store()?;
    blocking(move || {
        let now = chrono::Utc::now();
        let today = now.with_timezone(&viewer).date_naive();
        let d =
            store
                .case_detail(&case, now, today)?
                .ok_or(casefile_store::StoreError::NotFound {
                    kind: Kind::Case.as_str(),
                    id: case.to_string(),
                })?;
        let pinned = store.is_pinned(&case.to_string())?;
        let offline_bytes = store.case_offline_bytes(&case.to_string())? as f64;
        Ok(CaseDetail {
            id: case.to_string(),
            name: d.case.name,
            number: d.case.number,
            description: d.case.description,
            status: d.case.status.as_str().to_owned(),
            opened_on: d.case.opened_on.map(|x| x.to_string()),
            closed_on: d.case.closed_on.map(|x| x.to_string()),
            clients: d
                .clients
                .into_iter()
                .map(|c| Person {
                    id: c.meta.id.to_string(),
                    name: format!("{} {}", c.first_name, c.last_name)
                        .trim()
                        .to_owned(),
                    detail: c.email.or(c.phone),
                })
                .collect(),
            companies: d
                .companies
                .into_iter()
                .map(|c| Person {
                    id: c.meta.id.to_string(),
                    name: c.name,
                    detail: c.email.or(c.phone),
                })
                .collect(),
            staff: d
                .staff
                .into_iter()
                .map(|(s, r)| Person {
                    id: s.meta.id.to_string(),
                    name: format!("{} {}", s.first_name, s.last_name)
                        .trim()
                        .to_owned(),
                    detail: Some(role(&r)),
                })
                .collect(),
            upcoming_events: d
                .upcoming_events
                .into_iter()
                .map(|e| {
                    let (start, all_day) = match e.time {
                        EventTime::Timed { start, .. } => (start.to_rfc3339(), false),
                        EventTime::AllDay { start, .. } => (start.to_string(), true),
                    };
                    UpcomingEvent {
                        id: e.meta.id.to_string(),
                        title: e.name,
                        start,
                        all_day,
                        location: e.location,
                    }
                })
                .collect(),
            open_tasks: d
                .open_tasks
                .into_iter()
                .map(|t| OpenTask {
                    id: t.meta.id.to_string(),
                    name: t.name,
                    due: t.due.map(|x| x.to_string()),
                    priority: format!("{:?}", t.priority).to_lowercase(),
                })
                .collect(),
            document_count: u32::try_from(d.document_count).unwrap_or(u32::MAX),
            pinned,
            offline_bytes,
        })
    })
    .await
}

/// A file's badge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum FileBadge {
    Synced,
    Offline,
    Queued,
    Uploading,
    Paused,
    /// Failed, and tried again by itself.
    Waiting,
    Failed,
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct FileItem {
    pub document: Option<String>,
    pub transfer: Option<String>,
    pub name: String,
    pub path: String,
    pub size: Option<f64>,
    pub updated: Option<String>,
    pub badge: FileBadge,
    /// Upload progress, 0 to 100.
    pub percent: u8,
    /// Why an upload failed, in plain words.
    pub reason: Option<String>,
}

#[tauri::command]
#[specta::specta]
pub async fn folder_files(
    state: State<'_, AppState>,
    case_id: String,
    folder: String,
) -> Result<Vec<FileItem>, UiError> {
    let case = parse_case(&case_id)?;
    let store = state.store()?;
    blocking(move || {
        Ok(documents::files(&store, &case, &folder)?
            .into_iter()
            .map(|f| {
                let (badge, percent, reason) = match f.state {
                    DocumentState::Synced => (FileBadge::Synced, 100, None),
                    DocumentState::Offline => (FileBadge::Offline, 100, None),
                    DocumentState::Queued => (FileBadge::Queued, 0, None),
                    DocumentState::Uploading { percent } => (FileBadge::Uploading, percent, None),
                    DocumentState::Paused => (FileBadge::Paused, 0, None),
                    DocumentState::Waiting { reason } => (FileBadge::Waiting, 0, Some(reason)),
                    DocumentState::Failed { reason } => (FileBadge::Failed, 0, Some(reason)),
                };
                FileItem {
                    document: f.document,
                    transfer: f.transfer,
                    name: f.name,
                    path: f.path,
                    size: f.size.map(|s| s as f64),
                    updated: f.updated,
                    badge,
                    percent,
                    reason,
                }
            })
            .collect())
    })
    .await
}

/// What to do with dropped files named like files already there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ClashChoice {
    NewVersion,
    KeepBoth,
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct DropProblem {
    pub name: String,
    pub message: String,
}

/// How a drop went: files queued (with any that were not, and why), or
/// names that clash, to be asked about before anything is queued.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum DropResult {
    Queued {
        queued: u32,
        problems: Vec<DropProblem>,
    },
    Clashes {
        names: Vec<String>,
        /// Whether "upload as a new version" may be offered (the firm's
        /// system keeps versions); otherwise only "keep both".
        versions: bool,
    },
}

/// Files and folders dropped on a case folder: sealed into the local
/// document store at once (so the originals may be deleted), then uploaded.
#[tauri::command]
#[specta::specta]
pub async fn drop_files(
    state: State<'_, AppState>,
    case_id: String,
    folder: String,
    paths: Vec<String>,
    on_clash: Option<ClashChoice>,
) -> Result<DropResult, UiError> {
    let case = parse_case(&case_id)?;
    if paths.is_empty() || paths.len() > 10_000 {
        return Err(UiError::validation(
            "paths",
            "Drop between 1 and 10,000 items at a time.",
        ));
    }
    let store = state.store()?;
    let blobs = state.blobs().ok_or_else(|| {
        UiError::validation("case", "This account keeps no documents on this laptop.")
    })?;
    let paths: Vec<PathBuf> = paths.into_iter().map(PathBuf::from).collect();
    let clash = on_clash.map(|c| match c {
        ClashChoice::NewVersion => Clash::NewVersion,
        ClashChoice::KeepBoth => Clash::KeepBoth,
    });
    let versions = state
        .session()
        .is_none_or(|s| s.cache.capabilities().document_versions);
    let outcome = documents::drop_files(&store, &blobs, &case, &folder, &paths, clash, versions)
        .await
        .map_err(|e| UiError::from(&e))?;
    Ok(match outcome {
        DropOutcome::Clashes { names, versions } => DropResult::Clashes { names, versions },
        DropOutcome::Queued {
            transfers,
            problems,
        } => {
            if !transfers.is_empty() {
                crate::sync::move_documents(&state);
            }
            DropResult::Queued {
                queued: u32::try_from(transfers.len()).unwrap_or(u32::MAX),
                problems: problems
                    .into_iter()
                    .map(|p| DropProblem {
                        name: p.name,
                        message: p.message,
                    })
                    .collect(),
            }
        }
    })
}

/// A recently changed document, with its case.
#[derive(Debug, Clone, Serialize, Type)]
pub struct RecentDocument {
    pub id: String,
    pub name: String,
    /// The folder it is in ("" at the case's top level).
    pub folder: String,
    pub case_id: String,
    pub case_name: String,
    pub updated: Option<String>,
}

#[tauri::command]
#[specta::specta]
pub async fn recent_documents(state: State<'_, AppState>) -> Result<Vec<RecentDocument>, UiError> {
    let store = state.store()?;
    blocking(move || {
        Ok(store
            .recent_documents(30)?
            .into_iter()
            .map(|d| RecentDocument {
                folder: documents::parent_of(&d.path).to_owned(),
                id: d.id,
                name: d.name,
                case_id: d.case_id,
                case_name: d.case_name,
                updated: d.server_updated_at,
            })
            .collect())
    })
    .await
}

/// Keeps a case's documents on this laptop (downloading them now when
/// connected), or stops keeping them. Returns how many were queued.
#[tauri::command]
#[specta::specta]
pub async fn keep_case_offline(
    state: State<'_, AppState>,
    case_id: String,
    keep: bool,
) -> Result<u32, UiError> {
    let case = parse_case(&case_id)?;
    let store = state.store()?;
    if !keep {
        blocking(move || Ok(store.unpin_case(&case.to_string())?)).await?;
        return Ok(0);
    }
    let queued = blocking(move || Ok(casefile_transfer::pin(&store, &case)?)).await?;
    crate::sync::move_documents(&state);
    Ok(u32::try_from(queued).unwrap_or(u32::MAX))
}
