//! Commands that read the local cache: the case list, calendar events, tasks,
//! global search and a summary for the status bar. Arguments are validated
//! here; queries run on the store's reader connections off the async runtime.
//! The view types below are the UI's contract; they are mapped from the
//! store's types so storage can change without breaking the UI.

use std::sync::Arc;

use casefile_domain::entity::{Kind, Priority};
use casefile_domain::time::parse_zone;
use casefile_store::{CalendarTime, CaseQuery, CaseSort, EventQuery, Store, StoreError, TaskQuery};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::State;

use crate::error::UiError;
use crate::state::AppState;

const MAX_PAGE: u32 = 200;
const MAX_TEXT: usize = 200;

/// Runs a store read on a blocking thread and classifies its error.
async fn with_store<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&Store) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, UiError> {
    let store: Arc<Store> = state.store()?;
    tauri::async_runtime::spawn_blocking(move || f(&store))
        .await
        .map_err(|_| UiError::internal("The local cache query was interrupted."))?
        .map_err(|err| {
            tracing::error!(error = %err, "cache query failed");
            UiError::internal("The local cache could not be read; details are in the log.")
        })
}

fn check_page(offset: u32, limit: u32) -> Result<(), UiError> {
    if limit == 0 || limit > MAX_PAGE {
        return Err(UiError::validation(
            "limit",
            format!("Ask for 1 to {MAX_PAGE} rows at a time."),
        ));
    }
    if offset > 10_000_000 {
        return Err(UiError::validation("offset", "That page is out of range."));
    }
    Ok(())
}

fn check_text(text: &Option<String>) -> Result<(), UiError> {
    match text {
        Some(t) if t.chars().count() > MAX_TEXT => Err(UiError::validation(
            "text",
            format!("Search text is limited to {MAX_TEXT} characters."),
        )),
        _ => Ok(()),
    }
}

#[derive(Debug, Clone, Deserialize, Type)]
pub struct CaseListRequest {
    /// "open", "closed", or null for all.
    pub status: Option<String>,
    pub text: Option<String>,
    /// "name", "number", "opened" or "updated".
    pub sort: String,
    pub descending: bool,
    pub offset: u32,
    pub limit: u32,
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct CaseListItem {
    pub id: String,
    pub name: String,
    pub number: Option<String>,
    pub status: String,
    pub stage: Option<String>,
    pub practice_area: Option<String>,
    pub opened_on: Option<String>,
    pub pending_changes: bool,
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct CasePage {
    pub items: Vec<CaseListItem>,
    pub total: u32,
    pub offset: u32,
    pub limit: u32,
}

#[tauri::command]
#[specta::specta]
pub async fn list_cases(
    state: State<'_, AppState>,
    request: CaseListRequest,
) -> Result<CasePage, UiError> {
    check_page(request.offset, request.limit)?;
    check_text(&request.text)?;
    let status = match request.status.as_deref() {
        None => None,
        Some(s @ ("open" | "closed")) => Some(s.to_owned()),
        Some(_) => {
            return Err(UiError::validation(
                "status",
                "Status must be open or closed.",
            ))
        }
    };
    let sort = match request.sort.as_str() {
        "name" => CaseSort::Name,
        "number" => CaseSort::Number,
        "opened" => CaseSort::Opened,
        "updated" => CaseSort::Updated,
        _ => {
            return Err(UiError::validation(
                "sort",
                "Sort by name, number, opened or updated.",
            ))
        }
    };
    let query = CaseQuery {
        status,
        text: request.text.filter(|t| !t.trim().is_empty()),
        sort,
        descending: request.descending,
        offset: request.offset,
        limit: request.limit,
        ..Default::default()
    };
    let page = with_store(&state, move |s| s.cases(&query)).await?;
    Ok(CasePage {
        total: u32::try_from(page.total).unwrap_or(u32::MAX),
        offset: page.offset,
        limit: page.limit,
        items: page
            .items
            .into_iter()
            .map(|r| CaseListItem {
                id: r.id.to_string(),
                name: r.name,
                number: r.number,
                status: r.status,
                stage: r.stage,
                practice_area: r.practice_area,
                opened_on: r.opened_on,
                pending_changes: r.pending_changes,
            })
            .collect(),
    })
}

/// An event shaped for the calendar: instants for timed events, dates (with
/// an exclusive end) for all-day ones.
#[derive(Debug, Clone, Serialize, Type)]
pub struct CalendarEvent {
    pub id: String,
    pub title: String,
    pub start: String,
    pub end: String,
    pub all_day: bool,
    pub location: Option<String>,
}

#[tauri::command]
#[specta::specta]
pub async fn list_events(
    state: State<'_, AppState>,
    from: String,
    to: String,
    zone: String,
) -> Result<Vec<CalendarEvent>, UiError> {
    let parse = |field: &str, v: &str| {
        DateTime::parse_from_rfc3339(v)
            .map(|d| d.with_timezone(&Utc))
            .map_err(|_| UiError::validation(field, "Expected a date-time with an offset."))
    };
    let (from, to) = (parse("from", &from)?, parse("to", &to)?);
    if to <= from || to - from > chrono::Duration::days(400) {
        return Err(UiError::validation(
            "to",
            "The range must be positive and at most 400 days.",
        ));
    }
    let viewer =
        parse_zone(&zone).map_err(|_| UiError::validation("zone", "Unknown time zone."))?;
    let query = EventQuery {
        from,
        to,
        viewer,
        case: None,
        staff: None,
    };
    let rows = with_store(&state, move |s| s.calendar(&query)).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let (start, end, all_day) = match row.time {
                CalendarTime::Timed { start, end } => (start.to_rfc3339(), end.to_rfc3339(), false),
                CalendarTime::AllDay { start, end } => (start.to_string(), end.to_string(), true),
            };
            CalendarEvent {
                id: row.id.to_string(),
                title: row.name,
                start,
                end,
                all_day,
                location: row.location,
            }
        })
        .collect())
}

#[derive(Debug, Clone, Deserialize, Type)]
pub struct TaskListRequest {
    /// "open", "overdue", "completed" or "all".
    pub filter: String,
    /// Today in the viewer's zone (YYYY-MM-DD), for "overdue".
    pub today: String,
    pub offset: u32,
    pub limit: u32,
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct TaskItem {
    pub id: String,
    pub name: String,
    pub priority: String,
    pub due: Option<String>,
    pub completed: bool,
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct TaskPage {
    pub items: Vec<TaskItem>,
    pub total: u32,
    pub offset: u32,
    pub limit: u32,
}

#[tauri::command]
#[specta::specta]
pub async fn list_tasks(
    state: State<'_, AppState>,
    request: TaskListRequest,
) -> Result<TaskPage, UiError> {
    check_page(request.offset, request.limit)?;
    if chrono::NaiveDate::parse_from_str(&request.today, "%Y-%m-%d").is_err() {
        return Err(UiError::validation(
            "today",
            "Expected a date (YYYY-MM-DD).",
        ));
    }
    let mut query = TaskQuery {
        offset: request.offset,
        limit: request.limit,
        ..Default::default()
    };
    match request.filter.as_str() {
        "open" => query.completed = Some(false),
        "completed" => query.completed = Some(true),
        "overdue" => query.overdue_before = Some(request.today.clone()),
        "all" => {}
        _ => {
            return Err(UiError::validation(
                "filter",
                "Filter by open, overdue, completed or all.",
            ))
        }
    }
    let page = with_store(&state, move |s| s.tasks(&query)).await?;
    Ok(TaskPage {
        total: u32::try_from(page.total).unwrap_or(u32::MAX),
        offset: page.offset,
        limit: page.limit,
        items: page
            .items
            .into_iter()
            .map(|t| TaskItem {
                id: t.meta.id.to_string(),
                name: t.name,
                priority: match t.priority {
                    Priority::Low => "low",
                    Priority::Medium => "medium",
                    Priority::High => "high",
                }
                .to_owned(),
                due: t.due.map(|d| d.to_string()),
                completed: t.completed,
            })
            .collect(),
    })
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct SearchResult {
    /// "case", "client", "company", "event", "task" or "document".
    pub kind: String,
    pub id: String,
    pub title: String,
    pub subtitle: Option<String>,
}

#[tauri::command]
#[specta::specta]
pub async fn search(
    state: State<'_, AppState>,
    text: String,
) -> Result<Vec<SearchResult>, UiError> {
    check_text(&Some(text.clone()))?;
    let hits = with_store(&state, move |s| s.search(&text, 12)).await?;
    Ok(hits
        .into_iter()
        .map(|h| SearchResult {
            kind: h.kind.as_str().to_owned(),
            id: h.id.to_string(),
            title: h.title,
            subtitle: h.subtitle,
        })
        .collect())
}

/// How much the local cache holds.
#[derive(Debug, Clone, Serialize, Type)]
pub struct CacheSummary {
    pub cases: u32,
    pub events: u32,
    pub tasks: u32,
    pub documents: u32,
    pub pending_changes: u32,
}

#[tauri::command]
#[specta::specta]
pub async fn cache_summary(state: State<'_, AppState>) -> Result<CacheSummary, UiError> {
    let (counts, pending) = with_store(&state, |s| Ok((s.counts()?, s.pending_count()?))).await?;
    let count = |k: Kind| {
        counts
            .iter()
            .find(|(kind, _)| *kind == k)
            .map(|(_, n)| u32::try_from(*n).unwrap_or(u32::MAX))
            .unwrap_or(0)
    };
    Ok(CacheSummary {
        cases: count(Kind::Case),
        events: count(Kind::Event),
        tasks: count(Kind::Task),
        documents: count(Kind::Document),
        pending_changes: u32::try_from(pending).unwrap_or(u32::MAX),
    })
}
