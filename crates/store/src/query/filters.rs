//! What the case list can be filtered by: stages, practice areas, staff
//! and clients (people and companies), each as (id, name) sorted by name.

use rusqlite::Connection;

use crate::error::Result;

/// One choice of a filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilterChoices {
    pub stages: Vec<Choice>,
    pub practice_areas: Vec<Choice>,
    pub staff: Vec<Choice>,
    /// Clients and companies linked to at least one case, at most `limit`.
    pub clients: Vec<Choice>,
    /// The firm's locations (where an event can be held).
    pub locations: Vec<Choice>,
}

fn choices(conn: &Connection, sql: &str, limit: u32) -> Result<Vec<Choice>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map([limit], |r| {
        Ok(Choice {
            id: r.get(0)?,
            name: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn filter_choices(conn: &Connection, limit: u32) -> Result<FilterChoices> {
    Ok(FilterChoices {
        stages: choices(
            conn,
            "SELECT id, name FROM case_stages WHERE deleted = 0 ORDER BY name COLLATE NOCASE LIMIT ?1",
            limit,
        )?,
        practice_areas: choices(
            conn,
            "SELECT id, name FROM practice_areas WHERE deleted = 0 ORDER BY name COLLATE NOCASE LIMIT ?1",
            limit,
        )?,
        staff: choices(
            conn,
            "SELECT id, trim(coalesce(first_name, '') || ' ' || coalesce(last_name, '')) AS n FROM staff
             WHERE deleted = 0 ORDER BY n COLLATE NOCASE LIMIT ?1",
            limit,
        )?,
        clients: choices(
            conn,
            "SELECT id, n FROM (
               SELECT id, trim(coalesce(first_name, '') || ' ' || coalesce(last_name, '')) AS n FROM clients
                 WHERE deleted = 0 AND id IN (SELECT to_id FROM links WHERE rel = 'case_client')
               UNION ALL
               SELECT id, name AS n FROM companies
                 WHERE deleted = 0 AND id IN (SELECT to_id FROM links WHERE rel = 'case_company'))
             ORDER BY n COLLATE NOCASE LIMIT ?1",
            limit,
        )?,
        locations: choices(
            conn,
            "SELECT id, name FROM locations WHERE deleted = 0 ORDER BY name COLLATE NOCASE LIMIT ?1",
            limit,
        )?,
    })
}
