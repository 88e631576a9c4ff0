//! The case list (filter, sort, text filter, paging) and the case detail.

use casefile_domain::entity::{Case, Client, Company, Event, Staff, Task};
use casefile_domain::ids::LocalId;
use rusqlite::{types::Value, Connection};
use serde::{Deserialize, Serialize};

use super::search::match_expression;
use super::{clamp_limit, Page};
use crate::error::{Result, StoreError};
use crate::record::read_row;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseSort {
    #[default]
    Name,
    Number,
    Opened,
    Updated,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CaseQuery {
    /// "open" or "closed"; none for all.
    pub status: Option<String>,
    pub stage: Option<LocalId>,
    pub practice_area: Option<LocalId>,
    pub staff: Option<LocalId>,
    pub client: Option<LocalId>,
    /// Free text matched against name, number and description.
    pub text: Option<String>,
    pub sort: CaseSort,
    pub descending: bool,
    pub offset: u32,
    pub limit: u32,
}

/// One row of the case list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseRow {
    pub id: LocalId,
    pub name: String,
    pub number: Option<String>,
    pub status: String,
    pub opened_on: Option<String>,
    pub stage: Option<String>,
    pub practice_area: Option<String>,
    pub pending_changes: bool,
}

pub fn list_cases(conn: &Connection, q: &CaseQuery) -> Result<Page<CaseRow>> {
    let mut filter = String::from(" WHERE c.deleted = 0");
    let mut args: Vec<Value> = Vec::new();
    let mut push = |sql: &str, v: Value, args: &mut Vec<Value>| {
        args.push(v);
        filter.push_str(&sql.replace('?', &format!("?{}", args.len())));
    };
    if let Some(status) = &q.status {
        push(" AND c.status = ?", Value::Text(status.clone()), &mut args);
    }
    if let Some(stage) = q.stage {
        push(
            " AND c.stage_id = ?",
            Value::Text(stage.to_string()),
            &mut args,
        );
    }
    if let Some(area) = q.practice_area {
        push(
            " AND c.practice_area_id = ?",
            Value::Text(area.to_string()),
            &mut args,
        );
    }
    if let Some(staff) = q.staff {
        push(
            " AND c.id IN (SELECT from_id FROM links WHERE rel = 'case_staff' AND to_id = ?)",
            Value::Text(staff.to_string()),
            &mut args,
        );
    }
    if let Some(client) = q.client {
        push(
            " AND c.id IN (SELECT from_id FROM links WHERE rel IN ('case_client', 'case_company') AND to_id = ?)",
            Value::Text(client.to_string()),
            &mut args,
        );
    }
    if let Some(text) = q.text.as_deref().and_then(match_expression) {
        push(
            " AND c.rowid IN (SELECT rowid FROM cases_fts WHERE cases_fts MATCH ?)",
            Value::Text(text),
            &mut args,
        );
    }
    let dir = if q.descending { "DESC" } else { "ASC" };
    let order = match q.sort {
        CaseSort::Name => format!("c.name COLLATE NOCASE {dir}, c.id"),
        CaseSort::Number => format!("c.number {dir}, c.id"),
        CaseSort::Opened => format!("c.opened_on {dir}, c.id"),
        CaseSort::Updated => format!("c.server_updated_at {dir}, c.id"),
    };
    let total: u64 = conn.query_row(
        &format!("SELECT count(*) FROM cases c{filter}"),
        rusqlite::params_from_iter(args.iter()),
        |r| r.get::<_, i64>(0).map(|n| n.max(0) as u64),
    )?;
    let limit = clamp_limit(q.limit);
    let sql = format!(
        "SELECT c.id, c.name, c.number, c.status, c.opened_on, s.name, p.name, c.change_counter > 0
         FROM cases c
         LEFT JOIN case_stages s ON s.id = c.stage_id
         LEFT JOIN practice_areas p ON p.id = c.practice_area_id
         {filter} ORDER BY {order} LIMIT {limit} OFFSET {}",
        q.offset
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), |r| {
        Ok((
            r.get::<_, String>(0)?,
            CaseRow {
                id: LocalId::default(),
                name: r.get(1)?,
                number: r.get(2)?,
                status: r.get(3)?,
                opened_on: r.get(4)?,
                stage: r.get(5)?,
                practice_area: r.get(6)?,
                pending_changes: r.get(7)?,
            },
        ))
    })?;
    let mut items = Vec::new();
    for row in rows {
        let (id, mut item) = row?;
        item.id = LocalId::parse(&id).map_err(|_| StoreError::Invalid("case id".into()))?;
        items.push(item);
    }
    Ok(Page {
        items,
        total,
        offset: q.offset,
        limit,
    })
}

/// Everything the case screen shows at once.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseDetail {
    pub case: Case,
    pub clients: Vec<Client>,
    pub companies: Vec<Company>,
    /// Staff with their role on the case.
    pub staff: Vec<(Staff, String)>,
    /// Timed events starting at or after `now`, and all-day events ending after today, soonest first.
    pub upcoming_events: Vec<Event>,
    pub open_tasks: Vec<Task>,
    pub document_count: u64,
}

pub fn case_detail(
    conn: &Connection,
    id: &LocalId,
    now_s: i64,
    today: &str,
    upcoming: u32,
) -> Result<Option<CaseDetail>> {
    let Some(case) = read_row::<Case>(conn, id, false)? else {
        return Ok(None);
    };
    let mut clients = Vec::new();
    for c in &case.clients {
        clients.extend(read_row::<Client>(conn, c, false)?);
    }
    let mut companies = Vec::new();
    for c in &case.companies {
        companies.extend(read_row::<Company>(conn, c, false)?);
    }
    let mut staff = Vec::new();
    for s in &case.staff {
        if let Some(member) = read_row::<Staff>(conn, &s.staff, false)? {
            staff.push((member, s.role.clone()));
        }
    }
    let case_id = id.to_string();
    let upcoming_events = data_rows::<Event>(
        conn,
        "SELECT data FROM events WHERE deleted = 0 AND case_id = ?1
           AND ((all_day = 0 AND end_s > ?2) OR (all_day = 1 AND end_date > ?3))
         ORDER BY coalesce(start_s, unixepoch(start_date)), id LIMIT ?4",
        rusqlite::params![case_id, now_s, today, upcoming],
    )?;
    let open_tasks = data_rows::<Task>(
        conn,
        "SELECT data FROM tasks WHERE deleted = 0 AND case_id = ?1 AND completed = 0
         ORDER BY due IS NULL, due, id",
        rusqlite::params![case_id],
    )?;
    let document_count = conn.query_row(
        "SELECT count(*) FROM documents WHERE deleted = 0 AND case_id = ?1",
        [&case_id],
        |r| r.get::<_, i64>(0).map(|n| n.max(0) as u64),
    )?;
    Ok(Some(CaseDetail {
        case,
        clients,
        companies,
        staff,
        upcoming_events,
        open_tasks,
        document_count,
    }))
}

/// Runs a `SELECT data ...` and decodes each row.
pub(crate) fn data_rows<T: serde::de::DeserializeOwned>(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<T>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(params, |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for row in rows {
        out.push(serde_json::from_str(&row?)?);
    }
    Ok(out)
}
