//! The task list: due range, overdue, completed, assignee, case; paged.

use casefile_domain::entity::{Priority, Task};
use casefile_domain::ids::LocalId;
use rusqlite::{types::Value, Connection};
use serde::{Deserialize, Serialize};

use super::cases::data_rows;
use super::{clamp_limit, Page};
use crate::error::Result;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TaskQuery {
    /// Due on or after this date (YYYY-MM-DD).
    pub due_from: Option<String>,
    /// Due before this date (exclusive).
    pub due_to: Option<String>,
    /// Only open tasks due before this date (today, for "overdue").
    pub overdue_before: Option<String>,
    pub completed: Option<bool>,
    pub assignee: Option<LocalId>,
    pub case: Option<LocalId>,
    pub priority: Option<Priority>,
    pub offset: u32,
    pub limit: u32,
}

/// Tasks sorted by due date (undated last), then id.
pub fn list_tasks(conn: &Connection, q: &TaskQuery) -> Result<Page<Task>> {
    let mut filter = String::from(" WHERE deleted = 0");
    let mut args: Vec<Value> = Vec::new();
    let mut add = |cond: &str, v: Value, filter: &mut String| {
        args.push(v);
        filter.push_str(&cond.replace('?', &format!("?{}", args.len())));
    };
    if let Some(d) = &q.due_from {
        add(" AND due >= ?", Value::Text(d.clone()), &mut filter);
    }
    if let Some(d) = &q.due_to {
        add(" AND due < ?", Value::Text(d.clone()), &mut filter);
    }
    if let Some(d) = &q.overdue_before {
        add(
            " AND completed = 0 AND due < ?",
            Value::Text(d.clone()),
            &mut filter,
        );
    }
    if let Some(c) = q.completed {
        add(" AND completed = ?", Value::Integer(c.into()), &mut filter);
    }
    if let Some(a) = q.assignee {
        add(
            " AND id IN (SELECT from_id FROM links WHERE rel = 'task_staff' AND to_id = ?)",
            Value::Text(a.to_string()),
            &mut filter,
        );
    }
    if let Some(c) = q.case {
        add(" AND case_id = ?", Value::Text(c.to_string()), &mut filter);
    }
    if let Some(p) = q.priority {
        add(
            " AND priority = ?",
            Value::Text(p.as_str().into()),
            &mut filter,
        );
    }
    let total: u64 = conn.query_row(
        &format!("SELECT count(*) FROM tasks{filter}"),
        rusqlite::params_from_iter(args.iter()),
        |r| r.get::<_, i64>(0).map(|n| n.max(0) as u64),
    )?;
    let limit = clamp_limit(q.limit);
    let items = data_rows(
        conn,
        &format!(
            "SELECT data FROM tasks{filter} ORDER BY due IS NULL, due, id LIMIT {limit} OFFSET {}",
            q.offset
        ),
        rusqlite::params_from_iter(args.iter()),
    )?;
    Ok(Page {
        items,
        total,
        offset: q.offset,
        limit,
    })
}
