//! Events overlapping a window. Timed events match by instant; all-day events
//! match by date, using the window's dates in the viewer's zone, so they stay
//! on their dates wherever the laptop is (DESIGN invariant 6).

use std::collections::{BTreeSet, HashMap};

use casefile_domain::entity::{Event, Kind};
use casefile_domain::ids::LocalId;
use casefile_domain::time::window_dates;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use rusqlite::{types::Value, Connection};
use serde::Serialize;

use super::cases::data_rows;
use super::edit_state::{edit_states_of_kind, EditState};
use crate::error::{Result, StoreError};

/// Timed events longer than this are found by a second, unbounded branch.
const LONG_EVENT_S: i64 = 31 * 24 * 3600;

#[derive(Debug, Clone, PartialEq)]
pub struct EventQuery {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// The laptop's zone, which decides the dates all-day events match.
    pub viewer: Tz,
    pub case: Option<LocalId>,
    pub staff: Option<LocalId>,
}

/// Events overlapping [from, to), ordered by start, as full records.
pub fn events_in_range(conn: &Connection, q: &EventQuery) -> Result<Vec<Event>> {
    let (sql, args) = window_sql(q, Select::Records);
    data_rows(conn, &sql, rusqlite::params_from_iter(args.iter()))
}

/// What the calendar draws for one event; read from indexed columns without
/// decoding the whole record, so a month of events stays fast.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CalendarRow {
    pub id: LocalId,
    pub name: String,
    pub location: Option<String>,
    pub case: Option<LocalId>,
    pub case_name: Option<String>,
    /// The first attendee (id and name), whose colour the calendar can use.
    pub lead: Option<(LocalId, String)>,
    pub time: CalendarTime,
    /// Where the local edits stand.
    pub sync: EditState,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum CalendarTime {
    Timed {
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    },
    AllDay {
        start: NaiveDate,
        end: NaiveDate,
    },
}

/// [`events_in_range`] for the calendar: the same rows, only what it draws,
/// in no particular order (the calendar lays events out itself). The rows
/// come from the covering indexes alone; the names of their cases and
/// attendees and the state of their edits are read once for the whole
/// window, not per event.
pub fn calendar_in_range(conn: &Connection, q: &EventQuery) -> Result<Vec<CalendarRow>> {
    let (sql, args) = window_sql(q, Select::Calendar);
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, Option<String>>(1)?,
            r.get::<_, Option<String>>(2)?,
            r.get::<_, bool>(3)?,
            r.get::<_, Option<i64>>(4)?,
            r.get::<_, Option<i64>>(5)?,
            r.get::<_, Option<String>>(6)?,
            r.get::<_, Option<String>>(7)?,
            r.get::<_, Option<String>>(8)?,
            r.get::<_, Option<String>>(9)?,
        ))
    })?;
    let bad = |what: &str| StoreError::Invalid(format!("event row: bad {what}"));
    let mut out = Vec::new();
    let mut leads: Vec<(usize, String)> = Vec::new();
    for row in rows {
        let (id, name, location, all_day, start_s, end_s, start_date, end_date, case, lead) = row?;
        let time = if all_day {
            let date = |d: Option<String>| {
                d.and_then(|d| d.parse::<NaiveDate>().ok())
                    .ok_or_else(|| bad("date"))
            };
            CalendarTime::AllDay {
                start: date(start_date)?,
                end: date(end_date)?,
            }
        } else {
            let instant = |s: Option<i64>| {
                s.and_then(|s| DateTime::from_timestamp(s, 0))
                    .ok_or_else(|| bad("instant"))
            };
            CalendarTime::Timed {
                start: instant(start_s)?,
                end: instant(end_s)?,
            }
        };
        if let Some(lead) = lead {
            leads.push((out.len(), lead));
        }
        out.push(CalendarRow {
            id: LocalId::parse(&id).map_err(|_| bad("id"))?,
            name: name.unwrap_or_default(),
            location,
            case: case.and_then(|c| LocalId::parse(&c).ok()),
            case_name: None,
            lead: None,
            time,
            sync: EditState::default(),
        });
    }
    let case_names = names_by_id(
        conn,
        "SELECT id, json_extract(data, '$.name') FROM cases INDEXED BY cases_id_name
         WHERE id IN (SELECT value FROM json_each(?1))",
        out.iter().filter_map(|r| r.case.map(|c| c.to_string())),
    )?;
    let staff_names = names_by_id(
        conn,
        "SELECT id, trim(coalesce(first_name, '') || ' ' || coalesce(last_name, ''))
         FROM staff WHERE id IN (SELECT value FROM json_each(?1))",
        leads.iter().map(|(_, id)| id.clone()),
    )?;
    for row in &mut out {
        row.case_name = row
            .case
            .and_then(|c| case_names.get(&c.to_string()).cloned());
    }
    for (at, id) in leads {
        if let Ok(lead) = LocalId::parse(&id) {
            out[at].lead = Some((lead, staff_names.get(&id).cloned().unwrap_or_default()));
        }
    }
    let states = edit_states_of_kind(conn, Kind::Event)?;
    if !states.is_empty() {
        for row in &mut out {
            if let Some(state) = states.get(&row.id) {
                row.sync = state.clone();
            }
        }
    }
    Ok(out)
}

/// `id -> name` for the distinct `ids`, by `sql` over a JSON list of them.
fn names_by_id(
    conn: &Connection,
    sql: &str,
    ids: impl Iterator<Item = String>,
) -> Result<HashMap<String, String>> {
    let ids: BTreeSet<String> = ids.collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let list = serde_json::to_string(&ids)?;
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map([list], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
    })?;
    let mut out = HashMap::new();
    for row in rows {
        let (id, name) = row?;
        out.insert(id, name.unwrap_or_default());
    }
    Ok(out)
}

/// What the window query returns.
#[derive(Clone, Copy)]
enum Select {
    /// Whole records (`data`).
    Records,
    /// The calendar's columns, read from the covering indexes alone.
    Calendar,
}

/// The window query. Three index-friendly branches: ordinary timed events
/// (bounded lookback), long timed events, and all-day events by date.
fn window_sql(q: &EventQuery, select: Select) -> (String, Vec<Value>) {
    let (first, last_exclusive) = window_dates(q.from, q.to, q.viewer);
    let from_s = q.from.timestamp();
    let to_s = q.to.timestamp();
    let mut args: Vec<Value> = vec![
        Value::Integer(from_s),
        Value::Integer(to_s),
        Value::Integer(from_s - LONG_EVENT_S),
        Value::Text(first.to_string()),
        Value::Text(last_exclusive.to_string()),
    ];
    let mut extra = String::new();
    if let Some(case) = q.case {
        args.push(Value::Text(case.to_string()));
        extra.push_str(&format!(" AND case_id = ?{}", args.len()));
    }
    if let Some(staff) = q.staff {
        args.push(Value::Text(staff.to_string()));
        extra.push_str(&format!(
            " AND id IN (SELECT from_id FROM links WHERE rel = 'event_staff' AND to_id = ?{})",
            args.len()
        ));
    }
    let (timed, all_day) = match select {
        Select::Records => (
            "data, start_s AS k, id".to_owned(),
            "data, unixepoch(start_date) AS k, id".to_owned(),
        ),
        Select::Calendar => (
            "id, name, location, 0, start_s, end_s, NULL, NULL, case_id, json_extract(data, '$.staff[0]')".to_owned(),
            "id, name, location, 1, NULL, NULL, start_date, end_date, case_id, json_extract(data, '$.staff[0]')".to_owned(),
        ),
    };
    // The calendar sorts what it draws itself; whole records come in start order.
    let (open, close) = match select {
        Select::Records => ("SELECT * FROM (", ") ORDER BY k, id"),
        Select::Calendar => ("", ""),
    };
    let sql = format!(
        "{open}
           SELECT {timed} FROM events
            WHERE deleted = 0 AND all_day = 0 AND start_s >= ?3 AND start_s < ?2 AND end_s > ?1{extra}
           UNION ALL
           SELECT {timed} FROM events
            WHERE deleted = 0 AND all_day = 0 AND start_s < ?3 AND end_s > ?1 AND end_s - start_s > {LONG_EVENT_S}{extra}
           UNION ALL
           SELECT {all_day} FROM events
            WHERE deleted = 0 AND all_day = 1 AND start_date < ?5 AND end_date > ?4{extra}
         {close}"
    );
    (sql, args)
}
