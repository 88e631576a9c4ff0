//! Events overlapping a window. Timed events match by instant; all-day events
//! match by date, using the window's dates in the viewer's zone, so they stay
//! on their dates wherever the laptop is (DESIGN invariant 6).

use casefile_domain::entity::Event;
use casefile_domain::ids::LocalId;
use casefile_domain::time::window_dates;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use rusqlite::{types::Value, Connection};

use super::cases::data_rows;
use crate::error::Result;

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

/// Events overlapping [from, to), ordered by start.
pub fn events_in_range(conn: &Connection, q: &EventQuery) -> Result<Vec<Event>> {
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
    // Three index-friendly branches: ordinary timed events (bounded lookback),
    // long timed events, and all-day events by date.
    let sql = format!(
        "SELECT data FROM (
           SELECT data, start_s AS k, id FROM events
            WHERE deleted = 0 AND all_day = 0 AND start_s >= ?3 AND start_s < ?2 AND end_s > ?1{extra}
           UNION
           SELECT data, start_s AS k, id FROM events
            WHERE deleted = 0 AND all_day = 0 AND start_s < ?3 AND end_s > ?1 AND end_s - start_s > {LONG_EVENT_S}{extra}
           UNION
           SELECT data, unixepoch(start_date) AS k, id FROM events
            WHERE deleted = 0 AND all_day = 1 AND start_date < ?5 AND end_date > ?4{extra}
         ) ORDER BY k, id"
    );
    data_rows(conn, &sql, rusqlite::params_from_iter(args.iter()))
}
