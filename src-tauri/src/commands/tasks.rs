//! The task list and its edits: the page shown (grouped by the UI by due
//! date), one task for the edit dialog, and creating, changing, ticking off
//! and deleting one. The rules are `casefile_core::edits`; each change is
//! one store transaction with its outbox entry and syncs later. This routes.

use casefile_core::edits::{self, TaskInput};
use casefile_domain::entity::{Kind, Priority, Task};
use casefile_store::{Store, StoreError, TaskQuery};
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::State;

use super::cache::{check_page, with_store, FilterOption};
use super::calendar::{case_option, editing_session, staff_options, EditBadge};
use super::documents::blocking;
use crate::error::UiError;
use crate::state::AppState;

/// Which tasks the list shows; `overdue` is open tasks due before `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum TaskFilter {
    Open,
    Overdue,
    Completed,
    All,
}

#[derive(Debug, Clone, Deserialize, Type)]
pub struct TaskListRequest {
    pub filter: TaskFilter,
    /// Today in the viewer's zone (YYYY-MM-DD), for "overdue".
    pub today: String,
    /// Only tasks assigned to this staff member.
    pub assignee: Option<String>,
    /// Only tasks of this case.
    pub case_id: Option<String>,
    /// Only tasks of this priority (low, medium or high).
    pub priority: Option<String>,
    pub offset: u32,
    pub limit: u32,
}

/// A task as the list and the edit dialog show it.
#[derive(Debug, Clone, Serialize, Type)]
pub struct TaskItem {
    pub id: String,
    pub name: String,
    pub description: String,
    /// low, medium or high.
    pub priority: String,
    /// YYYY-MM-DD.
    pub due: Option<String>,
    pub completed: bool,
    pub case: Option<FilterOption>,
    pub staff: Vec<FilterOption>,
    pub sync: EditBadge,
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct TaskPage {
    pub items: Vec<TaskItem>,
    pub total: u32,
    pub offset: u32,
    pub limit: u32,
}

/// The store query for a (checked) task list request.
pub(crate) fn task_query(request: TaskListRequest) -> Result<TaskQuery, UiError> {
    let id = |field: &str, text: &Option<String>| {
        text.as_deref()
            .map(|t| {
                casefile_domain::ids::LocalId::parse(t)
                    .map_err(|_| UiError::validation(field, "That is not a Casefile id."))
            })
            .transpose()
    };
    let mut query = TaskQuery {
        offset: request.offset,
        limit: request.limit,
        assignee: id("assignee", &request.assignee)?,
        case: id("case_id", &request.case_id)?,
        priority: request
            .priority
            .as_deref()
            .map(|p| {
                Priority::parse(p).ok_or_else(|| {
                    UiError::validation("priority", "Priority is low, medium or high.")
                })
            })
            .transpose()?,
        ..Default::default()
    };
    match request.filter {
        TaskFilter::Open => query.completed = Some(false),
        TaskFilter::Completed => query.completed = Some(true),
        TaskFilter::Overdue => query.overdue_before = Some(request.today),
        TaskFilter::All => {}
    }
    Ok(query)
}

/// A task's priority as the UI names it.
pub fn priority_word(p: Priority) -> &'static str {
    match p {
        Priority::Low => "low",
        Priority::Medium => "medium",
        Priority::High => "high",
    }
}

/// The list's and the dialog's view of a task, with its case's and
/// assignees' names.
fn task_item(store: &Store, task: Task, sync: EditBadge) -> Result<TaskItem, StoreError> {
    let case = case_option(store, task.case)?;
    let staff = staff_options(store, &task.staff)?;
    Ok(TaskItem {
        id: task.meta.id.to_string(),
        name: task.name,
        description: task.description.unwrap_or_default(),
        priority: priority_word(task.priority).to_owned(),
        due: task.due.map(|d| d.to_string()),
        completed: task.completed,
        case,
        staff,
        sync,
    })
}

/// One task with its badge.
fn one(store: &Store, task: Task) -> Result<TaskItem, StoreError> {
    let sync = store
        .edit_states(Kind::Task, &[task.meta.id])?
        .remove(&task.meta.id)
        .map(Into::into)
        .unwrap_or_default();
    task_item(store, task, sync)
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
    let query = task_query(request)?;
    with_store(&state, move |s| {
        let page = s.tasks(&query)?;
        let ids: Vec<_> = page.items.iter().map(|t| t.meta.id).collect();
        let mut states = s.edit_states(Kind::Task, &ids)?;
        let mut items = Vec::with_capacity(page.items.len());
        for task in page.items {
            let badge = states
                .remove(&task.meta.id)
                .map(Into::into)
                .unwrap_or_default();
            items.push(task_item(s, task, badge)?);
        }
        Ok(TaskPage {
            total: u32::try_from(page.total).unwrap_or(u32::MAX),
            offset: page.offset,
            limit: page.limit,
            items,
        })
    })
    .await
}

/// The task dialog's fields, all of them, as typed.
#[derive(Debug, Clone, Deserialize, Type)]
pub struct TaskEdit {
    pub name: String,
    pub description: String,
    /// low, medium or high.
    pub priority: String,
    /// YYYY-MM-DD.
    pub due: String,
    /// None: no case.
    pub case_id: Option<String>,
    pub staff: Vec<String>,
}

/// Runs a task edit on a blocking thread, asks for a push, and answers with
/// the task as saved.
async fn edit_task(
    state: &AppState,
    f: impl FnOnce(&edits::Editor<'_>) -> Result<Task, edits::EditError> + Send + 'static,
) -> Result<TaskItem, UiError> {
    let session = editing_session(state)?;
    let pushing = session.clone();
    let saved = blocking(move || {
        let task = f(&session.cache.editor())?;
        Ok(one(&session.cache.store, task)?)
    })
    .await?;
    pushing.engine.request();
    Ok(saved)
}

#[tauri::command]
#[specta::specta]
pub async fn task_detail(state: State<'_, AppState>, id: String) -> Result<TaskItem, UiError> {
    let session = editing_session(&state)?;
    blocking(move || {
        let task = session.cache.editor().load_task(&id)?;
        Ok(one(&session.cache.store, task)?)
    })
    .await
}

/// Creates a task (`id` none) or saves the dialog's fields over one.
#[tauri::command]
#[specta::specta]
pub async fn save_task(
    state: State<'_, AppState>,
    id: Option<String>,
    edit: TaskEdit,
) -> Result<TaskItem, UiError> {
    let fields = TaskInput {
        name: Some(edit.name),
        description: Some(edit.description),
        priority: Some(edit.priority),
        due: Some(edit.due).filter(|d| !d.trim().is_empty()),
        case: Some(edit.case_id.unwrap_or_default()),
        staff: edit.staff,
    };
    edit_task(&state, move |editor| match id {
        Some(id) => editor.update_task(&id, &fields),
        None => editor.create_task(&fields),
    })
    .await
}

/// The checkbox: ticks a task off, or opens it again.
#[tauri::command]
#[specta::specta]
pub async fn set_task_done(
    state: State<'_, AppState>,
    id: String,
    done: bool,
) -> Result<TaskItem, UiError> {
    edit_task(&state, move |editor| editor.set_task_done(&id, done)).await
}

#[tauri::command]
#[specta::specta]
pub async fn delete_task(state: State<'_, AppState>, id: String) -> Result<(), UiError> {
    let session = editing_session(&state)?;
    let pushing = session.clone();
    blocking(move || Ok(session.cache.editor().delete_task(&id)?)).await?;
    pushing.engine.request();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn task_request(filter: &str) -> serde_json::Value {
        json!({ "filter": filter, "today": "2026-03-02", "offset": 0, "limit": 50 })
    }

    #[test]
    fn an_unknown_task_filter_is_refused_at_deserialisation() {
        for filter in ["bogus", "Open", "closed", ""] {
            let bad = serde_json::from_value::<TaskListRequest>(task_request(filter));
            assert!(bad.is_err(), "filter {filter:?} must not deserialise");
        }
    }

    #[test]
    fn task_filters_map_to_the_store_query() {
        let query = |filter: &str| {
            let request: TaskListRequest = serde_json::from_value(task_request(filter)).unwrap();
            let q = task_query(request).unwrap();
            (q.completed, q.overdue_before)
        };
        assert_eq!(query("open"), (Some(false), None));
        assert_eq!(query("completed"), (Some(true), None));
        assert_eq!(query("overdue"), (None, Some("2026-03-02".to_owned())));
        assert_eq!(query("all"), (None, None));
    }

    #[test]
    fn a_bad_assignee_or_priority_is_refused_by_field() {
        let mut request = task_request("open");
        request["assignee"] = json!("1 OR 1=1");
        let refused = task_query(serde_json::from_value(request).unwrap()).unwrap_err();
        assert!(matches!(refused, UiError::Validation { ref field, .. } if field == "assignee"));
        let mut request = task_request("open");
        request["priority"] = json!("urgent");
        let refused = task_query(serde_json::from_value(request).unwrap()).unwrap_err();
        assert!(matches!(refused, UiError::Validation { ref field, .. } if field == "priority"));
        let mut request = task_request("all");
        request["priority"] = json!("high");
        let q = task_query(serde_json::from_value(request).unwrap()).unwrap();
        assert_eq!(q.priority, Some(Priority::High));
    }
}
