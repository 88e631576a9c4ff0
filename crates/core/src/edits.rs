//! The edit rules for events and tasks, written once for the window and
//! the CLI. Every edit is validated here, checked against what the
//! account's provider accepts (its capabilities), and saved by the store in
//! one transaction with its outbox entry, so it works offline and reaches
//! the server on the next sync.
//!
//! Inputs are text as people type it (a date, an RFC 3339 time, a
//! priority word, ids from a list), so both front ends hand over what they
//! were given and get the same answer and the same message.

use casefile_domain::entity::{Case, Event, Kind, Meta, Priority, Staff, Task};
use casefile_domain::error::ErrorCode;
use casefile_domain::ids::LocalId;
use casefile_domain::time::{day_bounds, local_to_instant, EventTime, TimeError};
use casefile_providers::Capabilities;
use casefile_store::{Store, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

/// Why an edit was not saved. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    /// The input breaks a rule; `field` names the input.
    #[error("{message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    #[error("there is no {kind} {id}")]
    NotFound { kind: &'static str, id: String },
    /// The account's provider does not take this change.
    #[error("{0}")]
    NotAllowed(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl EditError {
    pub fn class(&self) -> ErrorCode {
        match self {
            EditError::Invalid { .. } => ErrorCode::Validation,
            EditError::NotFound { .. } => ErrorCode::NotFound,
            EditError::NotAllowed(_) => ErrorCode::Unsupported,
            EditError::Store(e) => e.class(),
        }
    }

    fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        EditError::Invalid {
            field,
            message: message.into(),
        }
    }
}

type Result<T> = std::result::Result<T, EditError>;

/// A name that must be given and not blank.
fn required_name(name: &Option<String>) -> Result<String> {
    name.clone()
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| EditError::invalid("name", "a name is required"))
}

/// A new name, when one is given; a blank one is refused.
fn rename(given: &Option<String>, name: &mut String) -> Result<()> {
    if given.is_some() {
        *name = required_name(given)?;
    }
    Ok(())
}

/// An event's fields as given; `None` keeps the current value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventInput {
    pub name: Option<String>,
    pub description: Option<String>,
    /// RFC 3339 with an offset (timed), or YYYY-MM-DD (all-day, or a timed
    /// event starting at that day's midnight in the firm's zone).
    pub start: Option<String>,
    /// RFC 3339, or the LAST day of an all-day event.
    pub end: Option<String>,
    pub all_day: bool,
    /// Where it happens; blank clears it.
    pub location: Option<String>,
    /// A case id; blank takes the event off its case.
    pub case: Option<String>,
    /// Staff ids; none given on a create: the firm's first active staff member.
    pub staff: Vec<String>,
    /// Shown only to its attendees.
    pub private: Option<bool>,
}

/// A task's fields as given; `None` keeps the current value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskInput {
    pub name: Option<String>,
    /// YYYY-MM-DD.
    pub due: Option<String>,
    /// low, medium or high.
    pub priority: Option<String>,
    pub description: Option<String>,
    /// A case id; blank takes the task off its case.
    pub case: Option<String>,
    pub staff: Vec<String>,
}

/// Text as typed, with a blank meaning "none".
fn given_text(text: &str) -> Option<String> {
    Some(text.trim().to_owned()).filter(|t| !t.is_empty())
}

/// Parses an id the way every front end shows them.
pub fn local_id(text: &str) -> Result<LocalId> {
    LocalId::parse(text.trim())
        .map_err(|_| EditError::invalid("id", format!("{text} is not a Casefile id")))
}

/// A YYYY-MM-DD date.
pub fn date(field: &'static str, text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| EditError::invalid(field, format!("{text} is not a YYYY-MM-DD date")))
}

/// An instant from RFC 3339; a wall-clock time (`YYYY-MM-DDTHH:MM[:SS]`,
/// as a time field gives it) in `zone`, through the one time function (a
/// time in a DST gap moves forward, a fold takes its first occurrence); or
/// the start of a date in `zone`.
pub fn instant(field: &'static str, text: &str, zone: Tz) -> Result<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    let wall = ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"]
        .iter()
        .find_map(|f| chrono::NaiveDateTime::parse_from_str(text, f).ok());
    if let Some(wall) = wall {
        return Ok(local_to_instant(wall, zone));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(|d| day_bounds(d, zone).0)
        .map_err(|_| {
            EditError::invalid(
                field,
                format!("{text} is neither a date, a time nor an RFC 3339 time"),
            )
        })
}

/// The priority of a task from its word.
pub fn priority(text: &str) -> Result<Priority> {
    Priority::parse(&text.trim().to_ascii_lowercase()).ok_or_else(|| {
        EditError::invalid(
            "priority",
            format!("{text}: priority is low, medium or high"),
        )
    })
}

/// Edits one account's cache, within what its provider accepts.
pub struct Editor<'a> {
    store: &'a Store,
    zone: Tz,
    caps: &'a Capabilities,
}

impl<'a> Editor<'a> {
    pub fn new(store: &'a Store, zone: Tz, caps: &'a Capabilities) -> Self {
        Self { store, zone, caps }
    }

    fn allowed(&self, kind: Kind, ok: bool, verb: &str) -> Result<()> {
        if ok {
            Ok(())
        } else {
            Err(EditError::NotAllowed(format!(
                "this account's provider does not let Casefile {verb} {}",
                kind.plural().replace('_', " ")
            )))
        }
    }

    /// Refuses a description the provider would drop.
    fn described(&self, kind: Kind, description: Option<&String>) -> Result<()> {
        let given = description.is_some_and(|d| !d.trim().is_empty());
        if given && !self.caps.keeps_description(kind) {
            return Err(EditError::NotAllowed(format!(
                "this account's provider keeps no description for {}; leave it empty",
                kind.plural().replace('_', " ")
            )));
        }
        Ok(())
    }

    /// A record id that must exist in the cache.
    pub fn existing(&self, kind: Kind, text: &str) -> Result<LocalId> {
        let id = local_id(text)?;
        let found = match kind {
            Kind::Case => self.store.get::<Case>(&id)?.is_some(),
            Kind::Staff => self.store.get::<Staff>(&id)?.is_some(),
            Kind::Event => self.store.get::<Event>(&id)?.is_some(),
            Kind::Task => self.store.get::<Task>(&id)?.is_some(),
            _ => true,
        };
        if found {
            Ok(id)
        } else {
            Err(EditError::NotFound {
                kind: kind.as_str(),
                id: text.to_owned(),
            })
        }
    }

    /// The staff given, or the firm's first active staff member (the
    /// provider may require at least one).
    fn staff(&self, given: &[String]) -> Result<Vec<LocalId>> {
        if !given.is_empty() {
            return given
                .iter()
                .map(|s| self.existing(Kind::Staff, s))
                .collect();
        }
        let first = self.store.default_staff()?.ok_or_else(|| {
            EditError::invalid(
                "staff",
                "no staff are cached yet: sync first, or name a staff member",
            )
        })?;
        Ok(vec![first])
    }

    /// The location given, which must be one of the firm's locations (the
    /// server keeps them as records, not as free text); blank is none.
    fn location(&self, given: &str) -> Result<Option<String>> {
        let Some(name) = given_text(given) else {
            return Ok(None);
        };
        match self.store.local_id_by_name(Kind::Location, &name)? {
            Some(_) => Ok(Some(name)),
            None => Err(EditError::invalid(
                "location",
                format!("{name} is not one of the firm's locations; choose one from the list"),
            )),
        }
    }

    /// The case given; a blank one is no case.
    fn case(&self, given: Option<&str>) -> Result<Option<LocalId>> {
        given
            .and_then(given_text)
            .map(|c| self.existing(Kind::Case, &c))
            .transpose()
    }

    /// The event's time from the input, keeping what the input leaves out.
    pub fn event_time(&self, f: &EventInput, current: Option<&EventTime>) -> Result<EventTime> {
        // An all-day event stays all-day unless it is given a time of day.
        let is_date = |s: &str| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").is_ok();
        let all_day = f.all_day
            || matches!(current, Some(EventTime::AllDay { .. }))
                && f.start.as_deref().is_none_or(is_date);
        let invalid = |e: TimeError| EditError::invalid("start", e.to_string());
        if all_day {
            let (cur_start, cur_last) = match current {
                Some(EventTime::AllDay { start, end }) => (Some(*start), end.pred_opt()),
                _ => (None, None),
            };
            let start = f
                .start
                .as_deref()
                .map(|s| date("start", s))
                .transpose()?
                .or(cur_start)
                .ok_or_else(|| EditError::invalid("start", "a start date is required"))?;
            // A start moved without an end keeps the event's number of days.
            let days = match (cur_start, cur_last) {
                (Some(s), Some(l)) => l - s,
                _ => chrono::Duration::zero(),
            };
            let last = match f.end.as_deref() {
                Some(s) => date("end", s)?,
                None if f.start.is_some() => start + days,
                None => cur_last.unwrap_or(start),
            };
            let end = last
                .max(start)
                .succ_opt()
                .ok_or_else(|| EditError::invalid("end", "the end date is out of range"))?;
            return EventTime::all_day(start, end).map_err(invalid);
        }
        let (cur_start, cur_end) = match current {
            Some(EventTime::Timed { start, end, .. }) => (Some(*start), Some(*end)),
            _ => (None, None),
        };
        let start = match f.start.as_deref() {
            Some(s) => instant("start", s, self.zone)?,
            None => cur_start.ok_or_else(|| EditError::invalid("start", "a start is required"))?,
        };
        // A start moved without an end keeps the event's length (a drag
        // in the calendar); a new event lasts an hour.
        let length = match (cur_start, cur_end) {
            (Some(s), Some(e)) => e - s,
            _ => chrono::Duration::hours(1),
        };
        let end = match f.end.as_deref() {
            Some(s) => instant("end", s, self.zone)?,
            None if f.start.is_some() => start + length,
            None => cur_end.unwrap_or(start + length),
        };
        if end <= start {
            return Err(EditError::invalid("end", "the end must be after the start"));
        }
        EventTime::timed(start, end, self.zone).map_err(invalid)
    }

    pub fn load_event(&self, id: &str) -> Result<Event> {
        let local = local_id(id)?;
        self.store.get(&local)?.ok_or_else(|| EditError::NotFound {
            kind: "event",
            id: id.to_owned(),
        })
    }

    pub fn load_task(&self, id: &str) -> Result<Task> {
        let local = local_id(id)?;
        self.store.get(&local)?.ok_or_else(|| EditError::NotFound {
            kind: "task",
            id: id.to_owned(),
        })
    }

    pub fn create_event(&self, f: &EventInput) -> Result<Event> {
        self.allowed(Kind::Event, self.caps.can_create(Kind::Event), "create")?;
        self.described(Kind::Event, f.description.as_ref())?;
        let name = required_name(&f.name)?;
        let event = Event {
            meta: Meta::local(self.store.account()),
            name,
            description: f.description.clone().filter(|d| !d.is_empty()),
            location: f
                .location
                .as_deref()
                .map(|l| self.location(l))
                .transpose()?
                .flatten(),
            case: self.case(f.case.as_deref())?,
            staff: self.staff(&f.staff)?,
            time: self.event_time(f, None)?,
            private: f.private.unwrap_or(false),
        };
        self.store
            .save(event.clone(), format!("Created event {}", event.name))?;
        Ok(event)
    }

    pub fn update_event(&self, id: &str, f: &EventInput) -> Result<Event> {
        self.allowed(Kind::Event, self.caps.can_update(Kind::Event), "change")?;
        self.described(Kind::Event, f.description.as_ref())?;
        let mut event = self.load_event(id)?;
        rename(&f.name, &mut event.name)?;
        if let Some(d) = &f.description {
            event.description = Some(d.clone()).filter(|d| !d.is_empty());
        }
        if let Some(l) = f.location.as_deref() {
            event.location = self.location(l)?;
        }
        if f.case.is_some() {
            event.case = self.case(f.case.as_deref())?;
        }
        if !f.staff.is_empty() {
            event.staff = self.staff(&f.staff)?;
        }
        if let Some(p) = f.private {
            event.private = p;
        }
        if f.start.is_some() || f.end.is_some() || f.all_day {
            event.time = self.event_time(f, Some(&event.time))?;
        }
        self.store
            .save(event.clone(), format!("Changed event {}", event.name))?;
        Ok(event)
    }

    pub fn delete_event(&self, id: &str) -> Result<()> {
        self.allowed(Kind::Event, self.caps.can_delete(Kind::Event), "delete")?;
        self.store
            .delete(Kind::Event, local_id(id)?, "Deleted an event")?;
        Ok(())
    }

    pub fn create_task(&self, f: &TaskInput) -> Result<Task> {
        self.allowed(Kind::Task, self.caps.can_create(Kind::Task), "create")?;
        self.described(Kind::Task, f.description.as_ref())?;
        let name = required_name(&f.name)?;
        let due = f
            .due
            .as_deref()
            .map(|d| date("due", d))
            .transpose()?
            .ok_or_else(|| EditError::invalid("due", "a due date is required"))?;
        let task = Task {
            meta: Meta::local(self.store.account()),
            name,
            description: f.description.clone(),
            priority: f
                .priority
                .as_deref()
                .map(priority)
                .transpose()?
                .unwrap_or(Priority::Medium),
            due: Some(due),
            completed: false,
            completed_at: None,
            case: self.case(f.case.as_deref())?,
            staff: self.staff(&f.staff)?,
        };
        self.store
            .save(task.clone(), format!("Created task {}", task.name))?;
        Ok(task)
    }

    pub fn update_task(&self, id: &str, f: &TaskInput) -> Result<Task> {
        self.allowed(Kind::Task, self.caps.can_update(Kind::Task), "change")?;
        self.described(Kind::Task, f.description.as_ref())?;
        let mut task = self.load_task(id)?;
        rename(&f.name, &mut task.name)?;
        if let Some(d) = f.due.as_deref() {
            task.due = Some(date("due", d)?);
        }
        if let Some(p) = f.priority.as_deref() {
            task.priority = priority(p)?;
        }
        if let Some(d) = &f.description {
            task.description = Some(d.clone()).filter(|d| !d.is_empty());
        }
        if f.case.is_some() {
            task.case = self.case(f.case.as_deref())?;
        }
        if !f.staff.is_empty() {
            task.staff = self.staff(&f.staff)?;
        }
        self.store
            .save(task.clone(), format!("Changed task {}", task.name))?;
        Ok(task)
    }

    pub fn complete_task(&self, id: &str) -> Result<Task> {
        self.set_task_done(id, true)
    }

    /// Ticks a task off, or opens it again.
    pub fn set_task_done(&self, id: &str, done: bool) -> Result<Task> {
        self.allowed(Kind::Task, self.caps.can_update(Kind::Task), "change")?;
        let mut task = self.load_task(id)?;
        task.completed = done;
        task.completed_at = done.then(Utc::now);
        let verb = if done { "Completed" } else { "Reopened" };
        self.store
            .save(task.clone(), format!("{verb} task {}", task.name))?;
        Ok(task)
    }

    pub fn delete_task(&self, id: &str) -> Result<()> {
        self.allowed(Kind::Task, self.caps.can_delete(Kind::Task), "delete")?;
        self.store
            .delete(Kind::Task, local_id(id)?, "Deleted a task")?;
        Ok(())
    }
}
