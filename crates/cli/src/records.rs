//! The edit commands. Each edit is saved locally in one transaction with its
//! outbox entry (it works offline) and reaches the server on the next sync.

use casefile_domain::entity::{Event, Kind, Meta, Priority, Staff, Task};
use casefile_domain::ids::LocalId;
use casefile_domain::time::EventTime;
use casefile_store::Store;
use chrono::{NaiveDate, Utc};
use serde_json::json;

use crate::args::{EventCmd, EventFields, TaskCmd, TaskFields};
use crate::error::CliError;
use crate::lists::{event_json, instant};
use crate::run::{emit, Ctx};

pub fn local_id(text: &str) -> Result<LocalId, CliError> {
    LocalId::parse(text)
        .map_err(|_| CliError::Invalid(format!("{text} is not an id from --json output")))
}

pub fn existing(store: &Store, kind: Kind, text: &str) -> Result<LocalId, CliError> {
    let id = local_id(text)?;
    let found = match kind {
        Kind::Case => store.get::<casefile_domain::entity::Case>(&id)?.is_some(),
        Kind::Staff => store.get::<Staff>(&id)?.is_some(),
        _ => true,
    };
    if found {
        Ok(id)
    } else {
        Err(CliError::NotFound(format!(
            "there is no {} {text}",
            kind.as_str()
        )))
    }
}

/// The staff given, or the firm's first active staff member.
fn staff(store: &Store, given: &[String]) -> Result<Vec<LocalId>, CliError> {
    if !given.is_empty() {
        return given
            .iter()
            .map(|s| existing(store, Kind::Staff, s))
            .collect();
    }
    let first = store.read(|c| {
        Ok(c.query_row(
            "SELECT id FROM staff WHERE deleted = 0 AND coalesce(json_extract(data, '$.active'), 1) ORDER BY CAST(remote_id AS INTEGER), id LIMIT 1",
            [],
            |r| r.get::<_, String>(0),
        )
        .ok())
    })?;
    let first = first.ok_or_else(|| {
        CliError::Invalid("no staff are cached yet: run `sync` first, or pass --staff".into())
    })?;
    Ok(vec![local_id(&first)?])
}

fn date(text: &str) -> Result<NaiveDate, CliError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| CliError::Invalid(format!("{text} is not a YYYY-MM-DD date")))
}

fn event_time(
    f: &EventFields,
    zone: chrono_tz::Tz,
    current: Option<&EventTime>,
) -> Result<EventTime, CliError> {
    let all_day =
        f.all_day || matches!(current, Some(EventTime::AllDay { .. })) && f.start.is_none();
    let invalid = |e: casefile_domain::time::TimeError| CliError::Invalid(e.to_string());
    if all_day {
        let (cur_start, cur_last) = match current {
            Some(EventTime::AllDay { start, end }) => (Some(*start), end.pred_opt()),
            _ => (None, None),
        };
        let start = f
            .start
            .as_deref()
            .map(date)
            .transpose()?
            .or(cur_start)
            .ok_or_else(|| CliError::Invalid("--start is required".into()))?;
        let last = f
            .end
            .as_deref()
            .map(date)
            .transpose()?
            .or(cur_last)
            .unwrap_or(start);
        let end = last
            .max(start)
            .succ_opt()
            .ok_or_else(|| CliError::Invalid("--end is out of range".into()))?;
        return EventTime::all_day(start, end).map_err(invalid);
    }
    let (cur_start, cur_end) = match current {
        Some(EventTime::Timed { start, end, .. }) => (Some(*start), Some(*end)),
        _ => (None, None),
    };
    let start = match f.start.as_deref() {
        Some(s) => instant(s, zone)?,
        None => cur_start.ok_or_else(|| CliError::Invalid("--start is required".into()))?,
    };
    let end = match f.end.as_deref() {
        Some(s) => instant(s, zone)?,
        None => cur_end.unwrap_or(start + chrono::Duration::hours(1)),
    };
    if end <= start {
        return Err(CliError::Invalid("--end must be after --start".into()));
    }
    EventTime::timed(start, end, zone).map_err(invalid)
}

pub fn event(ctx: &Ctx, cmd: EventCmd) -> Result<(), CliError> {
    let (settings, store) = ctx.store()?;
    let zone = settings.zone()?;
    match cmd {
        EventCmd::Create { fields, json } => {
            let name = fields
                .name
                .clone()
                .filter(|n| !n.trim().is_empty())
                .ok_or_else(|| CliError::Invalid("--name is required".into()))?;
            let event = Event {
                meta: Meta::local(store.account()),
                name,
                description: fields.description.clone(),
                location: None,
                case: fields
                    .case
                    .as_deref()
                    .map(|c| existing(&store, Kind::Case, c))
                    .transpose()?,
                staff: staff(&store, &fields.staff)?,
                time: event_time(&fields, zone, None)?,
                private: false,
            };
            store.save(event.clone(), format!("Created event {}", event.name))?;
            emit(json, &[event_json(&event)], |e| {
                e["id"].as_str().unwrap_or("").to_owned()
            });
        }
        EventCmd::Update { id, fields, json } => {
            let id = local_id(&id)?;
            let mut event: Event = store
                .get(&id)?
                .ok_or_else(|| CliError::NotFound(format!("there is no event {id}")))?;
            if let Some(name) = fields.name.clone() {
                event.name = name;
            }
            if let Some(d) = fields.description.clone() {
                event.description = Some(d).filter(|d| !d.is_empty());
            }
            if let Some(c) = fields.case.as_deref() {
                event.case = Some(existing(&store, Kind::Case, c)?);
            }
            if !fields.staff.is_empty() {
                event.staff = staff(&store, &fields.staff)?;
            }
            if fields.start.is_some() || fields.end.is_some() || fields.all_day {
                event.time = event_time(&fields, zone, Some(&event.time))?;
            }
            store.save(event.clone(), format!("Changed event {}", event.name))?;
            emit(json, &[event_json(&event)], |e| {
                e["id"].as_str().unwrap_or("").to_owned()
            });
        }
        EventCmd::Delete { id } => {
            let id = local_id(&id)?;
            store.delete(Kind::Event, id, "Deleted an event")?;
        }
    }
    Ok(())
}

fn task_json(t: &Task) -> serde_json::Value {
    json!({"id": t.meta.id.to_string(), "name": t.name, "due": t.due.map(|d| d.to_string()),
        "priority": t.priority.as_str(), "completed": t.completed, "description": t.description,
        "case": t.case.map(|c| c.to_string()), "remote_id": t.meta.remote_id.as_ref().map(|r| r.0.clone())})
}

fn priority(text: &str) -> Result<Priority, CliError> {
    Priority::parse(&text.to_ascii_lowercase())
        .ok_or_else(|| CliError::Invalid(format!("{text}: priority is low, medium or high")))
}

pub fn task(ctx: &Ctx, cmd: TaskCmd) -> Result<(), CliError> {
    let (_, store) = ctx.store()?;
    let load = |id: &str| -> Result<Task, CliError> {
        let id = local_id(id)?;
        store
            .get(&id)?
            .ok_or_else(|| CliError::NotFound(format!("there is no task {id}")))
    };
    match cmd {
        TaskCmd::Create { fields, json } => {
            let TaskFields {
                name,
                due,
                priority: p,
                description,
                case,
                staff: who,
            } = fields;
            let name = name
                .filter(|n| !n.trim().is_empty())
                .ok_or_else(|| CliError::Invalid("--name is required".into()))?;
            let due = due
                .as_deref()
                .map(date)
                .transpose()?
                .ok_or_else(|| CliError::Invalid("--due is required".into()))?;
            let task = Task {
                meta: Meta::local(store.account()),
                name,
                description,
                priority: p
                    .as_deref()
                    .map(priority)
                    .transpose()?
                    .unwrap_or(Priority::Medium),
                due: Some(due),
                completed: false,
                completed_at: None,
                case: case
                    .as_deref()
                    .map(|c| existing(&store, Kind::Case, c))
                    .transpose()?,
                staff: staff(&store, &who)?,
            };
            store.save(task.clone(), format!("Created task {}", task.name))?;
            emit(json, &[task_json(&task)], |t| {
                t["id"].as_str().unwrap_or("").to_owned()
            });
        }
        TaskCmd::Update { id, fields, json } => {
            let mut task = load(&id)?;
            if let Some(n) = fields.name {
                task.name = n;
            }
            if let Some(d) = fields.due.as_deref() {
                task.due = Some(date(d)?);
            }
            if let Some(p) = fields.priority.as_deref() {
                task.priority = priority(p)?;
            }
            if let Some(d) = fields.description {
                task.description = Some(d).filter(|d| !d.is_empty());
            }
            if let Some(c) = fields.case.as_deref() {
                task.case = Some(existing(&store, Kind::Case, c)?);
            }
            if !fields.staff.is_empty() {
                task.staff = staff(&store, &fields.staff)?;
            }
            store.save(task.clone(), format!("Changed task {}", task.name))?;
            emit(json, &[task_json(&task)], |t| {
                t["id"].as_str().unwrap_or("").to_owned()
            });
        }
        TaskCmd::Complete { id } => {
            let mut task = load(&id)?;
            task.completed = true;
            task.completed_at = Some(Utc::now());
            store.save(task.clone(), format!("Completed task {}", task.name))?;
        }
        TaskCmd::Delete { id } => {
            store.delete(Kind::Task, local_id(&id)?, "Deleted a task")?;
        }
    }
    Ok(())
}
