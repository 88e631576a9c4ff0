//! The read commands: cases and events from the cache, offline.

use casefile_core::edits::instant;
use casefile_domain::time::EventTime;
use casefile_store::{CaseQuery, EventQuery};
use serde_json::{json, Value};

use crate::args::{CasesCmd, EventsCmd};
use crate::error::CliError;
use crate::run::{emit, Ctx};
use crate::text::field;

pub fn cases(ctx: &Ctx, cmd: CasesCmd) -> Result<(), CliError> {
    let CasesCmd::List {
        json,
        search,
        limit,
    } = cmd;
    let cache = ctx.cache()?;
    let store = &cache.store;
    let page = store.cases(&CaseQuery {
        text: search,
        limit,
        ..Default::default()
    })?;
    let items: Vec<Value> = page
        .items
        .into_iter()
        .map(|c| {
            let remote = store
                .remote_id_of(casefile_domain::entity::Kind::Case, &c.id)
                .ok()
                .flatten()
                .map(|r| r.0);
            json!({"id": c.id.to_string(), "name": c.name, "number": c.number, "status": c.status,
                "stage": c.stage, "practice_area": c.practice_area, "pending_changes": c.pending_changes,
                "remote_id": remote})
        })
        .collect();
    emit(json, &items, |c| {
        format!("{}\t{}", field(&c["id"]), field(&c["name"]))
    });
    Ok(())
}

pub fn event_json(e: &casefile_domain::entity::Event) -> Value {
    let (start, end, all_day) = match &e.time {
        EventTime::Timed { start, end, zone } => (
            casefile_domain::time::format_with_offset(*start, *zone),
            casefile_domain::time::format_with_offset(*end, *zone),
            false,
        ),
        EventTime::AllDay { start, end } => (start.to_string(), end.to_string(), true),
    };
    json!({"id": e.meta.id.to_string(), "name": e.name, "start": start, "end": end, "all_day": all_day,
        "description": e.description, "case": e.case.map(|c| c.to_string()),
        "remote_id": e.meta.remote_id.as_ref().map(|r| r.0.clone())})
}

pub fn events(ctx: &Ctx, cmd: EventsCmd) -> Result<(), CliError> {
    let EventsCmd::List { json, from, to } = cmd;
    let cache = ctx.cache()?;
    let (store, zone) = (&cache.store, cache.zone);
    let (from, to) = (instant("from", &from, zone)?, instant("to", &to, zone)?);
    if to <= from {
        return Err(CliError::Invalid("--to must be after --from".into()));
    }
    let events = store.events(&EventQuery {
        from,
        to,
        viewer: zone,
        case: None,
        staff: None,
    })?;
    let items: Vec<Value> = events.iter().map(event_json).collect();
    emit(json, &items, |e| {
        format!(
            "{}\t{}\t{} – {}",
            field(&e["id"]),
            field(&e["name"]),
            field(&e["start"]),
            field(&e["end"])
        )
    });
    Ok(())
}
