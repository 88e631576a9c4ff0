//! SQLite record storage. Every record is kept as the JSON object the API returns,
//! beside indexed columns for the id, its change time and its place in the folder
//! tree, so listing, the `updated_after` filter and keyset paging are plain SQL.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{params, params_from_iter, Connection, OptionalExtension};
use serde_json::{Map, Value};

use crate::error::SandboxError;

/// The stored resource kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Staff,
    CaseStage,
    PracticeArea,
    Location,
    Client,
    Company,
    Case,
    Event,
    Task,
    Folder,
    Document,
    DocumentVersion,
}

impl Kind {
    pub const ALL: [Kind; 12] = [
        Kind::Staff,
        Kind::CaseStage,
        Kind::PracticeArea,
        Kind::Location,
        Kind::Client,
        Kind::Company,
        Kind::Case,
        Kind::Event,
        Kind::Task,
        Kind::Folder,
        Kind::Document,
        Kind::DocumentVersion,
    ];

    /// The collection name as it appears in `/v1/<name>` (and in admin URLs).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Staff => "staff",
            Kind::CaseStage => "case_stages",
            Kind::PracticeArea => "practice_areas",
            Kind::Location => "locations",
            Kind::Client => "clients",
            Kind::Company => "companies",
            Kind::Case => "cases",
            Kind::Event => "events",
            Kind::Task => "tasks",
            Kind::Folder => "folders",
            Kind::Document => "documents",
            Kind::DocumentVersion => "document_versions",
        }
    }

    pub fn parse(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

/// A stored record with the case it belongs to.
#[derive(Clone, Debug)]
pub struct Row {
    pub body: Value,
    pub case_id: Option<i64>,
}

/// One condition of a listing.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Cond {
    /// Records whose folder/document parent is this id.
    Parent(i64),
    /// Records belonging to this case.
    Case(i64),
    /// A top-level JSON string field equals this value (case-insensitive).
    FieldEq(String, String),
    /// A top-level JSON boolean field has this value.
    FieldBool(String, bool),
    /// A top-level JSON array of `{"id":..}` objects contains this id.
    ArrayHasId(String, i64),
}

/// One page of a listing.
#[derive(Debug)]
pub struct Page {
    pub items: Vec<Value>,
    pub total: i64,
    pub last_id: Option<i64>,
    pub more: bool,
}

/// Upload bookkeeping of one document version.
#[derive(Clone, Debug)]
pub struct Blob {
    pub path: String,
    pub sha256: String,
    pub size: i64,
}

/// The storage handle: one connection, used briefly under a mutex.
pub struct Store {
    conn: Mutex<Connection>,
}

/// Formats an instant the way the sandbox's API does.
pub fn format_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Parses an ISO 8601 date or date-time; a bare date means midnight UTC and a
/// date-time without offset is UTC (time-zones.txt).
pub fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    if let Ok(t) = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f") {
        return Some(t.and_utc());
    }
    if let Ok(t) = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M") {
        return Some(t.and_utc());
    }
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
}

fn micros_of(body: &Value, now: DateTime<Utc>) -> i64 {
    body.get("updated_at")
        .and_then(Value::as_str)
        .and_then(parse_time)
        .unwrap_or(now)
        .timestamp_micros()
}

impl Store {
    pub fn open(path: Option<&Path>) -> Result<Self, SandboxError> {
        let conn = match path {
            Some(p) => Connection::open(p)?,
            None => Connection::open_in_memory()?,
        };
        conn.execute_batch(
            "PRAGMA journal_mode=WAL;
             PRAGMA synchronous=NORMAL;
             DROP TABLE IF EXISTS records;
             DROP TABLE IF EXISTS blobs;
             CREATE TABLE records(
               kind TEXT NOT NULL, id INTEGER NOT NULL, updated_us INTEGER NOT NULL,
               case_id INTEGER, parent_id INTEGER, body TEXT NOT NULL,
               PRIMARY KEY(kind, id)) WITHOUT ROWID;
             CREATE INDEX records_parent ON records(kind, parent_id, id);
             CREATE INDEX records_case ON records(kind, case_id, id);
             CREATE TABLE blobs(
               version_id INTEGER PRIMARY KEY, path TEXT NOT NULL,
               sha256 TEXT NOT NULL, size INTEGER NOT NULL);",
        )?;
        Ok(Self {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `f` inside one transaction.
    pub fn batch<T, E: From<SandboxError>>(
        &self,
        f: impl FnOnce(&Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(SandboxError::from)?;
        let out = f(&Tx { conn: &tx })?;
        tx.commit().map_err(SandboxError::from)?;
        Ok(out)
    }

    /// Runs `f` on the connection without an explicit transaction.
    pub fn read<T, E: From<SandboxError>>(
        &self,
        f: impl FnOnce(&Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let conn = self.conn();
        f(&Tx { conn: &conn })
    }
}

/// Operations on an open connection or transaction.
pub struct Tx<'a> {
    conn: &'a Connection,
}

impl Tx<'_> {
    /// The next free id of a kind.
    pub fn next_id(&self, kind: Kind) -> Result<i64, SandboxError> {
        let id: i64 = self.conn.query_row(
            "SELECT COALESCE(MAX(id), 0) + 1 FROM records WHERE kind = ?1",
            params![kind.as_str()],
            |r| r.get(0),
        )?;
        Ok(id)
    }

    /// Creates a record: assigns the id and both timestamps (now), stores and returns it.
    pub fn create(
        &self,
        kind: Kind,
        mut body: Map<String, Value>,
        case_id: Option<i64>,
        parent_id: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<Value, SandboxError> {
        let id = self.next_id(kind)?;
        let stamp = Value::String(format_time(now));
        body.insert("id".into(), Value::from(id));
        body.insert("created_at".into(), stamp.clone());
        body.insert("updated_at".into(), stamp);
        let body = Value::Object(body);
        self.put(kind, id, &body, case_id, parent_id, now)?;
        Ok(body)
    }

    /// Stores a record exactly as given (it must carry an integer `id`), keeping its
    /// timestamps: used for demo data.
    pub fn put(
        &self,
        kind: Kind,
        id: i64,
        body: &Value,
        case_id: Option<i64>,
        parent_id: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<(), SandboxError> {
        self.conn.execute(
            "INSERT OR REPLACE INTO records(kind, id, updated_us, case_id, parent_id, body)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                kind.as_str(),
                id,
                micros_of(body, now),
                case_id,
                parent_id,
                serde_json::to_string(body)?
            ],
        )?;
        Ok(())
    }

    pub fn get(&self, kind: Kind, id: i64) -> Result<Option<Row>, SandboxError> {
        let row = self
            .conn
            .query_row(
                "SELECT body, case_id FROM records WHERE kind = ?1 AND id = ?2",
                params![kind.as_str(), id],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<i64>>(1)?)),
            )
            .optional()?;
        match row {
            Some((body, case_id)) => Ok(Some(Row {
                body: serde_json::from_str(&body)?,
                case_id,
            })),
            None => Ok(None),
        }
    }

    pub fn exists(&self, kind: Kind, id: i64) -> Result<bool, SandboxError> {
        Ok(self
            .conn
            .query_row(
                "SELECT 1 FROM records WHERE kind = ?1 AND id = ?2",
                params![kind.as_str(), id],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// Replaces a record's body, stamping `updated_at` with `now`.
    pub fn update(
        &self,
        kind: Kind,
        id: i64,
        mut body: Value,
        now: DateTime<Utc>,
    ) -> Result<Value, SandboxError> {
        if let Some(obj) = body.as_object_mut() {
            obj.insert("id".into(), Value::from(id));
            obj.insert("updated_at".into(), Value::String(format_time(now)));
        }
        self.conn.execute(
            "UPDATE records SET body = ?3, updated_us = ?4 WHERE kind = ?1 AND id = ?2",
            params![
                kind.as_str(),
                id,
                serde_json::to_string(&body)?,
                now.timestamp_micros()
            ],
        )?;
        Ok(body)
    }

    /// Changes a record's parent (folder moves of documents).
    pub fn set_parent(&self, kind: Kind, id: i64, parent: Option<i64>) -> Result<(), SandboxError> {
        self.conn.execute(
            "UPDATE records SET parent_id = ?3 WHERE kind = ?1 AND id = ?2",
            params![kind.as_str(), id, parent],
        )?;
        Ok(())
    }

    pub fn delete(&self, kind: Kind, id: i64) -> Result<bool, SandboxError> {
        Ok(self.conn.execute(
            "DELETE FROM records WHERE kind = ?1 AND id = ?2",
            params![kind.as_str(), id],
        )? > 0)
    }

    /// A keyset page: records with `id > after` matching every condition and changed
    /// at or after `updated_after_us`, ordered by id. `total` counts every match,
    /// ignoring `after`.
    pub fn page(
        &self,
        kind: Kind,
        conds: &[Cond],
        updated_after_us: Option<i64>,
        after: i64,
        limit: usize,
    ) -> Result<Page, SandboxError> {
        let mut sql = String::from(" FROM records WHERE kind = ?");
        let mut args: Vec<rusqlite::types::Value> = vec![kind.as_str().to_owned().into()];
        if let Some(us) = updated_after_us {
            sql.push_str(" AND updated_us >= ?");
            args.push(us.into());
        }
        for cond in conds {
            match cond {
                Cond::Parent(id) => {
                    sql.push_str(" AND parent_id = ?");
                    args.push((*id).into());
                }
                Cond::Case(id) => {
                    sql.push_str(" AND case_id = ?");
                    args.push((*id).into());
                }
                Cond::FieldEq(field, value) => {
                    sql.push_str(" AND lower(json_extract(body, ?)) = lower(?)");
                    args.push(format!("$.\"{field}\"").into());
                    args.push(value.clone().into());
                }
                Cond::FieldBool(field, value) => {
                    sql.push_str(" AND json_extract(body, ?) = ?");
                    args.push(format!("$.\"{field}\"").into());
                    args.push(i64::from(*value).into());
                }
                Cond::ArrayHasId(field, id) => {
                    sql.push_str(
                        " AND EXISTS (SELECT 1 FROM json_each(body, ?) \
                         WHERE json_extract(value, '$.id') = ?)",
                    );
                    args.push(format!("$.\"{field}\"").into());
                    args.push((*id).into());
                }
            }
        }
        let total: i64 = self.conn.query_row(
            &format!("SELECT COUNT(*){sql}"),
            params_from_iter(args.iter()),
            |r| r.get(0),
        )?;
        let mut page_args = args;
        page_args.push(after.into());
        page_args.push((limit as i64 + 1).into());
        let mut stmt = self.conn.prepare(&format!(
            "SELECT id, body{sql} AND id > ? ORDER BY id LIMIT ?"
        ))?;
        let rows = stmt.query_map(params_from_iter(page_args.iter()), |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut items = Vec::new();
        let mut ids = Vec::new();
        for row in rows {
            let (id, body) = row?;
            ids.push(id);
            items.push(serde_json::from_str(&body)?);
        }
        let more = items.len() > limit;
        items.truncate(limit);
        ids.truncate(limit);
        Ok(Page {
            items,
            total,
            last_id: ids.last().copied(),
            more,
        })
    }

    /// How many records of a kind there are.
    pub fn count(&self, kind: Kind) -> Result<u64, SandboxError> {
        let total: i64 = self.conn.query_row(
            "SELECT COUNT(*) FROM records WHERE kind = ?1",
            params![kind.as_str()],
            |r| r.get(0),
        )?;
        Ok(total.max(0) as u64)
    }

    /// Records of a kind by id, `limit` of them after skipping `offset`, and
    /// how many there are (page-number paging, as LegalServer's searches).
    pub fn page_at(
        &self,
        kind: Kind,
        offset: u64,
        limit: u64,
    ) -> Result<(Vec<Value>, u64), SandboxError> {
        let total: i64 = self.conn.query_row(
            "SELECT COUNT(*) FROM records WHERE kind = ?1",
            params![kind.as_str()],
            |r| r.get(0),
        )?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT body FROM records WHERE kind = ?1 ORDER BY id LIMIT ?2 OFFSET ?3",
        )?;
        let rows = stmt.query_map(params![kind.as_str(), limit as i64, offset as i64], |r| {
            r.get::<_, String>(0)
        })?;
        let mut out = Vec::new();
        for row in rows {
            out.push(serde_json::from_str(&row?)?);
        }
        Ok((out, total.max(0) as u64))
    }

    /// Every record of a kind, by id (admin dump).
    pub fn all(&self, kind: Kind) -> Result<Vec<Value>, SandboxError> {
        let mut stmt = self
            .conn
            .prepare("SELECT body FROM records WHERE kind = ?1 ORDER BY id")?;
        let rows = stmt.query_map(params![kind.as_str()], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for row in rows {
            out.push(serde_json::from_str(&row?)?);
        }
        Ok(out)
    }

    /// Finds a child folder by name (case-sensitive) under `parent`.
    pub fn child_folder(&self, parent: i64, name: &str) -> Result<Option<i64>, SandboxError> {
        Ok(self
            .conn
            .query_row(
                "SELECT id FROM records WHERE kind = 'folders' AND parent_id = ?1
                 AND json_extract(body, '$.name') = ?2 ORDER BY id LIMIT 1",
                params![parent, name],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// The root folder of a case (the folder with the case and no parent).
    pub fn case_root_folder(&self, case_id: i64) -> Result<Option<i64>, SandboxError> {
        Ok(self
            .conn
            .query_row(
                "SELECT id FROM records WHERE kind = 'folders' AND case_id = ?1
                 AND parent_id IS NULL ORDER BY id LIMIT 1",
                params![case_id],
                |r| r.get(0),
            )
            .optional()?)
    }

    pub fn put_blob(&self, version_id: i64, blob: &Blob) -> Result<(), SandboxError> {
        self.conn.execute(
            "INSERT OR REPLACE INTO blobs(version_id, path, sha256, size) VALUES (?1, ?2, ?3, ?4)",
            params![version_id, blob.path, blob.sha256, blob.size],
        )?;
        Ok(())
    }

    pub fn blob(&self, version_id: i64) -> Result<Option<Blob>, SandboxError> {
        Ok(self
            .conn
            .query_row(
                "SELECT path, sha256, size FROM blobs WHERE version_id = ?1",
                params![version_id],
                |r| {
                    Ok(Blob {
                        path: r.get(0)?,
                        sha256: r.get(1)?,
                        size: r.get(2)?,
                    })
                },
            )
            .optional()?)
    }

    /// All blobs keyed by version id (admin dump).
    pub fn all_blobs(&self) -> Result<Vec<(i64, Blob)>, SandboxError> {
        let mut stmt = self
            .conn
            .prepare("SELECT version_id, path, sha256, size FROM blobs ORDER BY version_id")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get(0)?,
                Blob {
                    path: r.get(1)?,
                    sha256: r.get(2)?,
                    size: r.get(3)?,
                },
            ))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
