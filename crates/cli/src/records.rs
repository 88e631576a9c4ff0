//! The edit commands. The rules are the application core's
//! ([`casefile_core::edits`]); each edit is saved locally in one
//! transaction with its outbox entry (it works offline) and reaches the
//! server on the next sync.

use casefile_core::edits::{EventInput, TaskInput};
use casefile_domain::entity::Task;
use serde_json::json;

use crate::args::{EventCmd, EventFields, TaskCmd, TaskFields};
use crate::error::CliError;
use crate::lists::event_json;
use crate::run::{emit, Ctx};
use crate::text::field;

fn event_input(f: EventFields) -> EventInput {
    EventInput {
        name: f.name,
        description: f.description,
        start: f.start,
        end: f.end,
        all_day: f.all_day,
        case: f.case,
        staff: f.staff,
        ..EventInput::default()
    }
}

fn task_input(f: TaskFields) -> TaskInput {
    TaskInput {
        name: f.name,
        due: f.due,
        priority: f.priority,
        description: f.description,
        case: f.case,
        staff: f.staff,
    }
}

pub fn event(ctx: &Ctx, cmd: EventCmd) -> Result<(), CliError> {
    let cache = ctx.cache()?;
    let editor = cache.editor();
    let (event, json) = match cmd {
        EventCmd::Create { fields, json } => (editor.create_event(&event_input(fields))?, json),
        EventCmd::Update { id, fields, json } => {
            (editor.update_event(&id, &event_input(fields))?, json)
        }
        EventCmd::Delete { id } => return Ok(editor.delete_event(&id)?),
    };
    emit(json, &[event_json(&event)], |e| field(&e["id"]));
    Ok(())
}

fn task_json(t: &Task) -> serde_json::Value {
    json!({"id": t.meta.id.to_string(), "name": t.name, "due": t.due.map(|d| d.to_string()),
        "priority": t.priority.as_str(), "completed": t.completed, "description": t.description,
        "case": t.case.map(|c| c.to_string()), "remote_id": t.meta.remote_id.as_ref().map(|r| r.0.clone())})
}

pub fn task(ctx: &Ctx, cmd: TaskCmd) -> Result<(), CliError> {
    let cache = ctx.cache()?;
    let editor = cache.editor();
    let (task, json) = match cmd {
        TaskCmd::Create { fields, json } => (editor.create_task(&task_input(fields))?, json),
        TaskCmd::Update { id, fields, json } => {
            (editor.update_task(&id, &task_input(fields))?, json)
        }
        TaskCmd::Complete { id } => {
            editor.complete_task(&id)?;
            return Ok(());
        }
        TaskCmd::Delete { id } => return Ok(editor.delete_task(&id)?),
    };
    emit(json, &[task_json(&task)], |t| field(&t["id"]));
    Ok(())
}
