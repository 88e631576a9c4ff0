//! Commands that read the local cache: the case list, the filters,
//! global search and a summary for the status bar. Arguments are validated
//! here; queries run on the store's reader connections off the async runtime.
//! The view types below are the UI's contract; they are mapped from the
//! store's types so storage can change without breaking the UI.

use std::sync::Arc;

use casefile_domain::entity::Kind;
use casefile_domain::ids::LocalId;
use casefile_store::{CaseQuery, Store, StoreError};
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::State;

use crate::error::UiError;
use crate::state::AppState;

const MAX_PAGE: u32 = 200;
const MAX_TEXT: usize = 200;

/// Runs a store read on a blocking thread and classifies its error (a
/// missing record is `not_found`, refused input `validation`, the rest
/// `internal`; see [`UiError`]'s `From<&StoreError>`).
pub(crate) async fn with_store<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&Store) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, UiError> {
    let store: Arc<Store> = state.store()?;
    tauri::async_runtime::spawn_blocking(move || f(&store))
        .await
        .map_err(|_| UiError::internal("The local cache query was interrupted."))?
        .map_err(|err| UiError::from(&err))
}

pub(crate) fn check_page(offset: u32, limit: u32) -> Result<(), UiError> {
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

/// Which cases the list shows, by status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    Open,
    Closed,
}

impl CaseStatus {
    /// The store's text form of the status (the domain's own).
    pub fn as_str(self) -> &'static str {
        casefile_domain::entity::CaseStatus::from(self).as_str()
    }
}

impl From<CaseStatus> for casefile_domain::entity::CaseStatus {
    fn from(s: CaseStatus) -> Self {
        match s {
            CaseStatus::Open => Self::Open,
            CaseStatus::Closed => Self::Closed,
        }
    }
}

/// The column the case list is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum CaseSort {
    Name,
    Number,
    Opened,
    Updated,
}

impl From<CaseSort> for casefile_store::CaseSort {
    fn from(sort: CaseSort) -> Self {
        match sort {
            CaseSort::Name => casefile_store::CaseSort::Name,
            CaseSort::Number => casefile_store::CaseSort::Number,
            CaseSort::Opened => casefile_store::CaseSort::Opened,
            CaseSort::Updated => casefile_store::CaseSort::Updated,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Type)]
pub struct CaseListRequest {
    /// Null for all statuses.
    pub status: Option<CaseStatus>,
    /// Ids from [`case_filter_options`]; null for any.
    pub stage: Option<String>,
    pub practice_area: Option<String>,
    pub staff: Option<String>,
    pub client: Option<String>,
    pub text: Option<String>,
    pub sort: CaseSort,
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

fn filter_id(field: &str, id: &Option<String>) -> Result<Option<LocalId>, UiError> {
    id.as_deref()
        .map(|text| {
            LocalId::parse(text)
                .map_err(|_| UiError::validation(field, "That filter is not known."))
        })
        .transpose()
}

/// The store query for a (checked) case list request.
fn case_query(request: CaseListRequest) -> Result<CaseQuery, UiError> {
    Ok(CaseQuery {
        stage: filter_id("stage", &request.stage)?,
        practice_area: filter_id("practice_area", &request.practice_area)?,
        staff: filter_id("staff", &request.staff)?,
        client: filter_id("client", &request.client)?,
        status: request.status.map(|s| s.as_str().to_owned()),
        text: request.text.filter(|t| !t.trim().is_empty()),
        sort: request.sort.into(),
        descending: request.descending,
        offset: request.offset,
        limit: request.limit,
    })
}

#[tauri::command]
#[specta::specta]
pub async fn list_cases(
    state: State<'_, AppState>,
    request: CaseListRequest,
) -> Result<CasePage, UiError> {
    check_page(request.offset, request.limit)?;
    check_text(&request.text)?;
    let query = case_query(request)?;
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

/// One choice of a case-list filter.
#[derive(Debug, Clone, Serialize, Type)]
pub struct FilterOption {
    pub id: String,
    pub name: String,
}

/// What the case list can be filtered by.
#[derive(Debug, Clone, Serialize, Type)]
pub struct CaseFilterOptions {
    pub stages: Vec<FilterOption>,
    pub practice_areas: Vec<FilterOption>,
    pub staff: Vec<FilterOption>,
    /// Clients and companies with a case, by name.
    pub clients: Vec<FilterOption>,
    /// The firm's locations, for an event's location.
    pub locations: Vec<FilterOption>,
}

#[tauri::command]
#[specta::specta]
pub async fn case_filter_options(state: State<'_, AppState>) -> Result<CaseFilterOptions, UiError> {
    let choices = with_store(&state, |s| s.case_filter_choices(2000)).await?;
    let map = |list: Vec<casefile_store::query::filters::Choice>| {
        list.into_iter()
            .map(|c| FilterOption {
                id: c.id,
                name: c.name,
            })
            .collect()
    };
    Ok(CaseFilterOptions {
        stages: map(choices.stages),
        practice_areas: map(choices.practice_areas),
        staff: map(choices.staff),
        clients: map(choices.clients),
        locations: map(choices.locations),
    })
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct SearchResult {
    /// "case", "client", "company", "event", "task" or "document".
    pub kind: String,
    pub id: String,
    pub title: String,
    pub subtitle: Option<String>,
    /// The case it belongs to (events, tasks, documents), if any.
    pub case_id: Option<String>,
    /// Where it sits: an event's start (RFC 3339, or a date when all day),
    /// a task's due date, a document's folder path.
    pub at: Option<String>,
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
            case_id: h.case_id,
            at: h.at,
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn case_request(status: serde_json::Value, sort: &str) -> serde_json::Value {
        json!({
            "status": status,
            "text": null,
            "sort": sort,
            "descending": false,
            "offset": 0,
            "limit": 50
        })
    }

    #[test]
    fn an_unknown_case_sort_is_refused_at_deserialisation() {
        let bad = serde_json::from_value::<CaseListRequest>(case_request(json!("open"), "bogus"));
        assert!(bad.is_err(), "sort \"bogus\" must not deserialise");
        // Wire values are case-sensitive, as the old string match was.
        assert!(
            serde_json::from_value::<CaseListRequest>(case_request(json!(null), "Name")).is_err()
        );
    }

    #[test]
    fn an_unknown_case_status_is_refused_at_deserialisation() {
        for status in [json!("bogus"), json!("OPEN"), json!(""), json!(1)] {
            let bad =
                serde_json::from_value::<CaseListRequest>(case_request(status.clone(), "name"));
            assert!(bad.is_err(), "status {status} must not deserialise");
        }
    }

    #[test]
    fn case_sorts_map_to_the_store_sort() {
        for (wire, store) in [
            ("name", casefile_store::CaseSort::Name),
            ("number", casefile_store::CaseSort::Number),
            ("opened", casefile_store::CaseSort::Opened),
            ("updated", casefile_store::CaseSort::Updated),
        ] {
            let request: CaseListRequest =
                serde_json::from_value(case_request(json!(null), wire)).unwrap();
            assert_eq!(case_query(request).unwrap().sort, store, "sort {wire:?}");
        }
    }

    #[test]
    fn case_statuses_keep_their_wire_values_in_the_store_query() {
        for (wire, store) in [
            (json!("open"), Some("open")),
            (json!("closed"), Some("closed")),
            (json!(null), None),
        ] {
            let request: CaseListRequest =
                serde_json::from_value(case_request(wire.clone(), "name")).unwrap();
            let query = case_query(request).unwrap();
            assert_eq!(query.status.as_deref(), store, "status {wire}");
        }
    }

    #[test]
    fn case_query_drops_blank_text_and_keeps_paging() {
        let mut request = case_request(json!("closed"), "updated");
        request["text"] = json!("   ");
        request["descending"] = json!(true);
        request["offset"] = json!(100);
        let query = case_query(serde_json::from_value(request).unwrap()).unwrap();
        assert_eq!(query.text, None);
        assert!(query.descending);
        assert_eq!((query.offset, query.limit), (100, 50));
    }

    #[test]
    fn case_filters_carry_ids_and_refuse_anything_else() {
        let id = "0193b7a0-0000-7000-8000-000000000001";
        let mut request = case_request(json!(null), "name");
        request["stage"] = json!(id);
        request["client"] = json!(id);
        let query = case_query(serde_json::from_value(request.clone()).unwrap()).unwrap();
        assert_eq!(query.stage.map(|s| s.to_string()).as_deref(), Some(id));
        assert_eq!(query.client.map(|s| s.to_string()).as_deref(), Some(id));
        assert!(query.staff.is_none() && query.practice_area.is_none());
        request["staff"] = json!("1 OR 1=1");
        let refused = case_query(serde_json::from_value(request).unwrap()).unwrap_err();
        assert!(
            matches!(refused, UiError::Validation { ref field, .. } if field == "staff"),
            "{refused:?}"
        );
    }
}
