//! The calendar's commands: the events in a range, one event for the edit
//! dialog, and saving, moving and deleting one. The edit rules (required
//! fields, an end after the start, what the provider accepts, DST) are
//! `casefile_core::edits`; every change is one store transaction with its
//! outbox entry, so it shows at once, works offline and syncs later. This
//! routes, converts the UI's wall-clock times through the core's one time
//! function, and asks the session to push.

use std::sync::Arc;

use casefile_core::edits::{self, EventInput};
use casefile_core::{CoreError, Session};
use casefile_domain::entity::{Case, Event, Kind, Staff};
use casefile_domain::ids::LocalId;
use casefile_domain::time::{parse_zone, EventTime};
use casefile_store::{CalendarTime, EventQuery, Store, StoreError};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::State;

use super::cache::{with_store, FilterOption};
use super::documents::blocking;
use crate::error::UiError;
use crate::state::AppState;

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
    pub case: Option<FilterOption>,
    /// The first attendee, for colouring by staff member.
    pub lead: Option<FilterOption>,
    pub sync: EditBadge,
}

/// Which events the calendar asks for.
#[derive(Debug, Clone, Deserialize, Type)]
pub struct EventRange {
    /// RFC 3339 with an offset.
    pub from: String,
    pub to: String,
    /// The zone shown, whose dates all-day events match.
    pub zone: String,
    /// Only this case's events.
    pub case_id: Option<String>,
    /// Only events this staff member attends.
    pub staff_id: Option<String>,
}

/// Where a record's local edits stand, for its badge: waiting to sync,
/// refused by the server (in its words), in conflict, checking (its
/// create was sent, the answer lost, and the server is being asked), or
/// failing (the server answered its last sends with errors, in its words).
#[derive(Debug, Clone, Default, Serialize, Type)]
pub struct EditBadge {
    pub pending: bool,
    pub problem: Option<String>,
    pub conflict: bool,
    pub checking: bool,
    pub failing: Option<String>,
}

impl From<casefile_store::EditState> for EditBadge {
    fn from(s: casefile_store::EditState) -> Self {
        Self {
            pending: s.pending,
            problem: s.problem,
            conflict: s.conflict,
            checking: s.checking,
            failing: s.failing,
        }
    }
}

#[tauri::command]
#[specta::specta]
pub async fn list_events(
    state: State<'_, AppState>,
    range: EventRange,
) -> Result<Vec<CalendarEvent>, UiError> {
    let EventRange {
        from,
        to,
        zone,
        case_id,
        staff_id,
    } = range;
    let id = |field: &str, v: Option<String>| {
        v.map(|v| {
            casefile_domain::ids::LocalId::parse(&v)
                .map_err(|_| UiError::validation(field, "That is not a Casefile id."))
        })
        .transpose()
    };
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
    let viewer = viewer_zone(&zone)?;
    let query = EventQuery {
        from,
        to,
        viewer,
        case: id("case_id", case_id)?,
        staff: id("staff_id", staff_id)?,
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
                case: row.case.map(|c| FilterOption {
                    id: c.to_string(),
                    name: row.case_name.unwrap_or_default(),
                }),
                lead: row.lead.map(|(id, name)| FilterOption {
                    id: id.to_string(),
                    name,
                }),
                sync: row.sync.into(),
            }
        })
        .collect())
}

/// The UI's zone name, checked.
pub(crate) fn viewer_zone(zone: &str) -> Result<Tz, UiError> {
    parse_zone(zone).map_err(|_| UiError::validation("zone", "Unknown time zone."))
}

/// What the calendar needs besides its events.
#[derive(Debug, Clone, Serialize, Type)]
pub struct CalendarSettings {
    /// The firm's zone (IANA), for the "firm's time" switch; none without an account.
    pub firm_zone: Option<String>,
    /// How many minutes before an event its reminder comes.
    pub reminder_minutes: u32,
    /// What the shown account's provider lets Casefile change.
    pub events: Changes,
    pub tasks: Changes,
    /// Why some change is not offered, for the tooltips; none when all are.
    pub read_only: Option<String>,
    /// The signed-in user's own staff id, for "my events" and "my tasks";
    /// none until the provider has said who that is.
    pub me: Option<String>,
}

/// Which changes of one kind the shown account's provider takes.
#[derive(Debug, Clone, Copy, Serialize, Type)]
pub struct Changes {
    pub create: bool,
    pub update: bool,
    pub delete: bool,
    /// Whether its records keep a description (the dialogs offer the field only then).
    pub description: bool,
}

impl Changes {
    fn of(caps: &casefile_providers::capabilities::Capabilities, kind: Kind) -> Self {
        Self {
            create: caps.can_create(kind),
            update: caps.can_update(kind),
            delete: caps.can_delete(kind),
            description: caps.keeps_description(kind),
        }
    }

    fn all(self) -> bool {
        self.create && self.update && self.delete
    }

    fn any(self) -> bool {
        self.create || self.update || self.delete
    }
}

fn reminder_error(e: casefile_core::reminders::ReminderError) -> UiError {
    UiError::from(&CoreError::from(e))
}

#[tauri::command]
#[specta::specta]
pub async fn calendar_settings(state: State<'_, AppState>) -> Result<CalendarSettings, UiError> {
    let store = state.store()?;
    let (lead, me) = tauri::async_runtime::spawn_blocking(move || {
        let lead = casefile_core::reminders::saved_lead(&store).map_err(reminder_error)?;
        let me = casefile_core::me::my_staff(&store).map_err(|e| UiError::from(&e))?;
        Ok::<_, UiError>((lead, me))
    })
    .await
    .map_err(|_| UiError::internal("The request was interrupted."))??;
    let session = state.session();
    let (events, tasks, read_only) = match &session {
        Some(s) => {
            let caps = s.cache.capabilities();
            let (events, tasks) = (
                Changes::of(caps, Kind::Event),
                Changes::of(caps, Kind::Task),
            );
            let label = s.cache.settings.provider.label();
            let read_only = if !events.any() && !tasks.any() {
                Some(format!(
                    "{label} accounts are read-only in Casefile for now; change events and tasks on {label} itself."
                ))
            } else {
                (!events.all() || !tasks.all()).then(|| {
                    let missing: Vec<&str> = [
                        (!events.create || !tasks.create).then_some("new"),
                        (!events.update || !tasks.update).then_some("changed"),
                        (!events.delete || !tasks.delete).then_some("deleted"),
                    ]
                    .into_iter()
                    .flatten()
                    .collect();
                    format!(
                        "{label} does not take {} events or tasks from Casefile; do this on {label} itself.",
                        missing.join(" or ")
                    )
                })
            };
            (events, tasks, read_only)
        }
        None => {
            let none = Changes {
                create: false,
                update: false,
                delete: false,
                description: true,
            };
            let why =
                "Sign in to this account to change it here; until then its cache can only be read.";
            (none, none, Some(why.to_owned()))
        }
    };
    Ok(CalendarSettings {
        firm_zone: session.as_ref().map(|s| s.cache.zone.name().to_owned()),
        reminder_minutes: u32::try_from(lead.num_minutes()).unwrap_or(0),
        events,
        tasks,
        read_only,
        me: me.map(|id| id.to_string()),
    })
}

/// Sets how long before events their reminders come (0 to 1440 minutes).
#[tauri::command]
#[specta::specta]
pub async fn set_reminder_minutes(state: State<'_, AppState>, minutes: u32) -> Result<(), UiError> {
    let store = state.store()?;
    tauri::async_runtime::spawn_blocking(move || {
        casefile_core::reminders::save_lead(&store, minutes)
    })
    .await
    .map_err(|_| UiError::internal("The request was interrupted."))?
    .map_err(reminder_error)
}

/// The session that edits the shown account, or why there is none.
pub(crate) fn editing_session(state: &AppState) -> Result<Arc<Session>, UiError> {
    state.session().ok_or_else(|| UiError::AuthRequired {
        message:
            "Sign in to this account to change it here; until then its cache can only be read."
                .to_owned(),
    })
}

/// An event as the edit dialog shows it.
#[derive(Debug, Clone, Serialize, Type)]
pub struct EventDetail {
    pub id: String,
    pub name: String,
    pub description: String,
    pub location: String,
    /// RFC 3339 for a timed event; a date for an all-day one.
    pub start: String,
    /// RFC 3339; for an all-day event the day after its last (exclusive).
    pub end: String,
    pub all_day: bool,
    /// The zone a timed event was scheduled in (it may differ from the laptop's).
    pub zone: Option<String>,
    pub case: Option<FilterOption>,
    pub staff: Vec<FilterOption>,
    pub private: bool,
    pub sync: EditBadge,
}

/// The edit dialog's fields, all of them, as typed.
#[derive(Debug, Clone, Deserialize, Type)]
pub struct EventEdit {
    pub name: String,
    pub description: String,
    pub location: String,
    /// Timed: a wall-clock time `YYYY-MM-DDTHH:MM` in `zone`, or RFC 3339.
    /// All-day: the first day, `YYYY-MM-DD`.
    pub start: String,
    /// Timed: as `start`. All-day: the LAST day (inclusive).
    pub end: String,
    pub all_day: bool,
    /// The zone the wall-clock times were typed in (the laptop's, or the firm's).
    pub zone: String,
    /// None: no case.
    pub case_id: Option<String>,
    pub staff: Vec<String>,
    pub private: bool,
}

/// A dragged or resized event's new time.
#[derive(Debug, Clone, Deserialize, Type)]
pub struct EventMove {
    /// RFC 3339, or a date for an all-day event.
    pub start: String,
    /// None keeps the length. All-day: the LAST day (inclusive).
    pub end: Option<String>,
    pub all_day: bool,
    pub zone: String,
}

/// A time field as the core takes it: RFC 3339 for a timed event (a wall
/// clock in `zone` resolved by the core's time function), a date as given.
fn time_text(field: &'static str, text: &str, all_day: bool, zone: Tz) -> Result<String, UiError> {
    if all_day {
        return Ok(text.trim().to_owned());
    }
    let at = edits::instant(field, text, zone).map_err(|e| UiError::from(&CoreError::from(e)))?;
    Ok(at.to_rfc3339())
}

fn input(edit: EventEdit) -> Result<EventInput, UiError> {
    let zone = viewer_zone(&edit.zone)?;
    Ok(EventInput {
        start: Some(time_text("start", &edit.start, edit.all_day, zone)?),
        end: Some(time_text("end", &edit.end, edit.all_day, zone)?),
        name: Some(edit.name),
        description: Some(edit.description),
        location: Some(edit.location),
        all_day: edit.all_day,
        case: Some(edit.case_id.unwrap_or_default()),
        staff: edit.staff,
        private: Some(edit.private),
    })
}

/// An event's or a task's case, by name, for the dialog and the lists.
pub(crate) fn case_option(
    store: &Store,
    case: Option<LocalId>,
) -> Result<Option<FilterOption>, StoreError> {
    let Some(id) = case else { return Ok(None) };
    Ok(store.get::<Case>(&id)?.map(|c| FilterOption {
        id: id.to_string(),
        name: c.name,
    }))
}

/// Staff members by name, those still in the cache.
pub(crate) fn staff_options(
    store: &Store,
    ids: &[LocalId],
) -> Result<Vec<FilterOption>, StoreError> {
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(s) = store.get::<Staff>(id)? {
            out.push(FilterOption {
                id: id.to_string(),
                name: format!("{} {}", s.first_name, s.last_name)
                    .trim()
                    .to_owned(),
            });
        }
    }
    Ok(out)
}

/// The dialog's view of an event, with its case's and attendees' names.
fn detail(store: &Store, event: Event) -> Result<EventDetail, CoreError> {
    let case = case_option(store, event.case)?;
    let staff = staff_options(store, &event.staff)?;
    let sync = store
        .edit_states(Kind::Event, &[event.meta.id])?
        .remove(&event.meta.id)
        .map(Into::into)
        .unwrap_or_default();
    let (start, end, all_day, zone) = match event.time {
        EventTime::Timed { start, end, zone } => (
            start.to_rfc3339(),
            end.to_rfc3339(),
            false,
            Some(zone.name().to_owned()),
        ),
        EventTime::AllDay { start, end } => (start.to_string(), end.to_string(), true, None),
    };
    Ok(EventDetail {
        id: event.meta.id.to_string(),
        name: event.name,
        description: event.description.unwrap_or_default(),
        location: event.location.unwrap_or_default(),
        start,
        end,
        all_day,
        zone,
        case,
        staff,
        private: event.private,
        sync,
    })
}

#[tauri::command]
#[specta::specta]
pub async fn event_detail(state: State<'_, AppState>, id: String) -> Result<EventDetail, UiError> {
    let session = editing_session(&state)?;
    blocking(move || {
        let event = session.cache.editor().load_event(&id)?;
        detail(&session.cache.store, event)
    })
    .await
}

/// Runs an edit on a blocking thread, asks for a push, and answers with the
/// event as saved.
async fn edit_event(
    state: &AppState,
    f: impl FnOnce(&edits::Editor<'_>) -> Result<Event, edits::EditError> + Send + 'static,
) -> Result<EventDetail, UiError> {
    let session = editing_session(state)?;
    let pushing = session.clone();
    let saved = blocking(move || {
        let event = f(&session.cache.editor())?;
        detail(&session.cache.store, event)
    })
    .await?;
    pushing.engine.request();
    Ok(saved)
}

/// Creates an event (`id` none) or saves the dialog's fields over one.
#[tauri::command]
#[specta::specta]
pub async fn save_event(
    state: State<'_, AppState>,
    id: Option<String>,
    edit: EventEdit,
) -> Result<EventDetail, UiError> {
    let fields = input(edit)?;
    edit_event(&state, move |editor| match id {
        Some(id) => editor.update_event(&id, &fields),
        None => editor.create_event(&fields),
    })
    .await
}

/// A drag or a resize in the calendar: only the time changes.
#[tauri::command]
#[specta::specta]
pub async fn move_event(
    state: State<'_, AppState>,
    id: String,
    to: EventMove,
) -> Result<EventDetail, UiError> {
    let zone = viewer_zone(&to.zone)?;
    let fields = EventInput {
        start: Some(time_text("start", &to.start, to.all_day, zone)?),
        end: to
            .end
            .as_deref()
            .map(|e| time_text("end", e, to.all_day, zone))
            .transpose()?,
        all_day: to.all_day,
        ..EventInput::default()
    };
    edit_event(&state, move |editor| editor.update_event(&id, &fields)).await
}

#[tauri::command]
#[specta::specta]
pub async fn delete_event(state: State<'_, AppState>, id: String) -> Result<(), UiError> {
    let session = editing_session(&state)?;
    let pushing = session.clone();
    blocking(move || Ok(session.cache.editor().delete_event(&id)?)).await?;
    pushing.engine.request();
    Ok(())
}
