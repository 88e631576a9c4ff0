//! The read commands: cases and events from the cache, offline.

use casefile_domain::time::{day_bounds, EventTime};
use casefile_store::{CaseQuery, EventQuery};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{json, Value};

use crate::args::{CasesCmd, EventsCmd};
use crate::error::CliError;
use crate::run::{emit, Ctx};

pub fn cases(ctx: &Ctx, cmd: CasesCmd) -> Result<(), CliError> {
    let CasesCmd::List {
        json,
        search,
        limit,
    } = cmd;
    let (_, store) = ctx.store()?;
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
        format!(
            "{}\t{}",
            c["id"].as_str().unwrap_or(""),
            c["name"].as_str().unwrap_or("")
        )
    });
    Ok(())
}

/// An instant from RFC 3339, or the start of a date in `zone`.
pub fn instant(text: &str, zone: chrono_tz::Tz) -> Result<DateTime<Utc>, CliError> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(|d| day_bounds(d, zone).0)
        .map_err(|_| CliError::Invalid(format!("{text} is neither an RFC 3339 time nor a date")))
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
    let (settings, store) = ctx.store()?;
    let zone = settings.zone()?;
    let (from, to) = (instant(&from, zone)?, instant(&to, zone)?);
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
            e["id"].as_str().unwrap_or(""),
            e["name"].as_str().unwrap_or(""),
            e["start"].as_str().unwrap_or(""),
            e["end"].as_str().unwrap_or("")
        )
    });
    Ok(())
}
