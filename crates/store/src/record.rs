//! How entities become rows. Each entity is stored whole as JSON in its
//! table's `data` column (so unmodelled provider fields survive); the columns
//! SQL filters and sorts on are generated from that JSON by the schema. This
//! module writes rows and their `links` (relations) for any [`Entity`].

use casefile_domain::entity::{
    Case, Client, Company, Document, Event, Folder, Kind, Location, Meta, Named, Staff, Task,
};
use casefile_domain::ids::LocalId;
use casefile_domain::record::Record;
use rusqlite::{params, OptionalExtension, Transaction};
use serde::{de::DeserializeOwned, Serialize};

use crate::error::{Result, StoreError};

/// A relation from a record to another, e.g. case -> client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub rel: &'static str,
    pub to: LocalId,
    pub role: Option<String>,
}

/// A cached entity: its kind, its meta, and its relations.
pub trait Entity: Serialize + DeserializeOwned + Send + 'static {
    const KIND: Kind;
    fn meta(&self) -> &Meta;
    fn meta_mut(&mut self) -> &mut Meta;
    fn links(&self) -> Vec<Link> {
        Vec::new()
    }
    /// The typed record inside a [`Record`] of this kind.
    fn from_record(record: Record) -> Option<Self>;
    fn into_record(self) -> Record;
}

macro_rules! record_conversions {
    ($variant:ident) => {
        fn from_record(record: Record) -> Option<Self> {
            match record {
                Record::$variant(r) => Some(r),
                _ => None,
            }
        }
        fn into_record(self) -> Record {
            Record::$variant(self)
        }
    };
}

macro_rules! plain_entity {
    ($ty:ident, $kind:expr) => {
        impl Entity for $ty {
            const KIND: Kind = $kind;
            record_conversions!($ty);
            fn meta(&self) -> &Meta {
                &self.meta
            }
            fn meta_mut(&mut self) -> &mut Meta {
                &mut self.meta
            }
        }
    };
}

plain_entity!(Staff, Kind::Staff);
plain_entity!(Location, Kind::Location);
plain_entity!(Client, Kind::Client);
plain_entity!(Company, Kind::Company);
plain_entity!(Folder, Kind::Folder);
plain_entity!(Document, Kind::Document);

/// Case stages and practice areas share a shape; the wrapper picks the table.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct CaseStage(pub Named);
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct PracticeArea(pub Named);

impl Entity for CaseStage {
    const KIND: Kind = Kind::CaseStage;
    fn from_record(record: Record) -> Option<Self> {
        match record {
            Record::CaseStage(r) => Some(CaseStage(r)),
            _ => None,
        }
    }
    fn into_record(self) -> Record {
        Record::CaseStage(self.0)
    }
    fn meta(&self) -> &Meta {
        &self.0.meta
    }
    fn meta_mut(&mut self) -> &mut Meta {
        &mut self.0.meta
    }
}

impl Entity for PracticeArea {
    const KIND: Kind = Kind::PracticeArea;
    fn from_record(record: Record) -> Option<Self> {
        match record {
            Record::PracticeArea(r) => Some(PracticeArea(r)),
            _ => None,
        }
    }
    fn into_record(self) -> Record {
        Record::PracticeArea(self.0)
    }
    fn meta(&self) -> &Meta {
        &self.0.meta
    }
    fn meta_mut(&mut self) -> &mut Meta {
        &mut self.0.meta
    }
}

impl Entity for Case {
    const KIND: Kind = Kind::Case;
    record_conversions!(Case);
    fn meta(&self) -> &Meta {
        &self.meta
    }
    fn meta_mut(&mut self) -> &mut Meta {
        &mut self.meta
    }
    fn links(&self) -> Vec<Link> {
        let clients = self.clients.iter().map(|&to| Link {
            rel: "case_client",
            to,
            role: None,
        });
        let companies = self.companies.iter().map(|&to| Link {
            rel: "case_company",
            to,
            role: None,
        });
        let staff = self.staff.iter().map(|s| Link {
            rel: "case_staff",
            to: s.staff,
            role: Some(s.role.clone()),
        });
        clients.chain(companies).chain(staff).collect()
    }
}

impl Entity for Event {
    const KIND: Kind = Kind::Event;
    record_conversions!(Event);
    fn meta(&self) -> &Meta {
        &self.meta
    }
    fn meta_mut(&mut self) -> &mut Meta {
        &mut self.meta
    }
    fn links(&self) -> Vec<Link> {
        staff_links("event_staff", &self.staff)
    }
}

impl Entity for Task {
    const KIND: Kind = Kind::Task;
    record_conversions!(Task);
    fn meta(&self) -> &Meta {
        &self.meta
    }
    fn meta_mut(&mut self) -> &mut Meta {
        &mut self.meta
    }
    fn links(&self) -> Vec<Link> {
        staff_links("task_staff", &self.staff)
    }
}

fn staff_links(rel: &'static str, staff: &[LocalId]) -> Vec<Link> {
    staff
        .iter()
        .map(|&to| Link {
            rel,
            to,
            role: None,
        })
        .collect()
}

/// The table holding a kind.
pub fn table(kind: Kind) -> &'static str {
    kind.plural()
}

/// The state of a row before a write.
pub struct Existing {
    pub id: LocalId,
    pub change_counter: i64,
}

/// Finds the row for this record: by local id, else by remote id.
pub fn find_existing(tx: &Transaction<'_>, kind: Kind, meta: &Meta) -> Result<Option<Existing>> {
    let table = table(kind);
    // One statement, two index probes: by local id first, else by remote id.
    let found = tx
        .prepare_cached(&format!(
            "SELECT id, change_counter FROM {table} WHERE id = ?1
             UNION ALL SELECT id, change_counter FROM {table} WHERE remote_id = ?2
             LIMIT 1"
        ))?
        .query_row(
            params![
                meta.id.to_string(),
                meta.remote_id.as_ref().map(|r| r.0.as_str())
            ],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)),
        )
        .optional()?;
    found
        .map(|(id, change_counter)| {
            LocalId::parse(&id)
                .map(|id| Existing { id, change_counter })
                .map_err(|e| StoreError::Invalid(format!("bad id in {table}: {e}")))
        })
        .transpose()
}

/// Writes `record` as its row (insert or replace by id), setting the counter
/// to `counter` and the tombstone flag to `deleted`, and rewrites its links.
pub fn write_row<E: Entity>(
    tx: &Transaction<'_>,
    record: &E,
    counter: i64,
    deleted: bool,
    now: &str,
) -> Result<()> {
    let data = serde_json::to_string(record)?;
    write_row_json(
        tx,
        record,
        &data,
        RowState {
            counter,
            deleted,
            is_new: false,
        },
        now,
    )?;
    Ok(())
}

/// How a row is written: its change counter, tombstone flag, and whether it
/// is known to be new (then there are no old links to clear).
#[derive(Debug, Clone, Copy)]
pub struct RowState {
    pub counter: i64,
    pub deleted: bool,
    pub is_new: bool,
}

/// [`write_row`] with the record already serialised as `data`. Returns the
/// row's rowid (what the search index knows it by).
pub fn write_row_json<E: Entity>(
    tx: &Transaction<'_>,
    record: &E,
    data: &str,
    state: RowState,
    now: &str,
) -> Result<i64> {
    let meta = record.meta();
    let table = table(E::KIND);
    let rowid: i64 = tx.prepare_cached(&format!(
        "INSERT INTO {table} (id, remote_id, data, change_counter, deleted, server_updated_at, local_updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (id) DO UPDATE SET remote_id = excluded.remote_id, data = excluded.data,
           change_counter = excluded.change_counter, deleted = excluded.deleted,
           server_updated_at = excluded.server_updated_at, local_updated_at = excluded.local_updated_at
         RETURNING rowid"
    ))?
    .query_row(params![
        meta.id.to_string(),
        meta.remote_id.as_ref().map(|r| r.0.as_str()),
        data,
        state.counter,
        state.deleted,
        meta.server_updated_at.map(|t| t.to_rfc3339()),
        now,
    ], |r| r.get(0))?;
    let from = meta.id.to_string();
    if !state.is_new {
        tx.prepare_cached("DELETE FROM links WHERE from_id = ?1")?
            .execute([&from])?;
    }
    let links = record.links();
    if !links.is_empty() {
        let mut insert = tx.prepare_cached(
            "INSERT OR REPLACE INTO links (from_id, rel, to_id, role) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for link in links {
            insert.execute(params![from, link.rel, link.to.to_string(), link.role])?;
        }
    }
    Ok(rowid)
}

/// Reads one record by local id (tombstoned rows included when `with_deleted`).
pub fn read_row<E: Entity>(
    conn: &rusqlite::Connection,
    id: &LocalId,
    with_deleted: bool,
) -> Result<Option<E>> {
    let table = table(E::KIND);
    let sql = if with_deleted {
        format!("SELECT data FROM {table} WHERE id = ?1")
    } else {
        format!("SELECT data FROM {table} WHERE id = ?1 AND deleted = 0")
    };
    let data: Option<String> = conn
        .prepare_cached(&sql)?
        .query_row([id.to_string()], |r| r.get(0))
        .optional()?;
    data.map(|d| serde_json::from_str(&d).map_err(StoreError::from))
        .transpose()
}

/// Calls a generic function with the entity type of a runtime [`Kind`]:
/// `for_kind!(kind, f(args...))` runs `f::<E>(args...)`.
#[macro_export]
macro_rules! for_kind {
    ($kind:expr, $f:ident ( $($arg:expr),* $(,)? )) => {{
        use casefile_domain::entity as __e;
        match $kind {
            __e::Kind::Staff => $f::<__e::Staff>($($arg),*),
            __e::Kind::CaseStage => $f::<$crate::record::CaseStage>($($arg),*),
            __e::Kind::PracticeArea => $f::<$crate::record::PracticeArea>($($arg),*),
            __e::Kind::Location => $f::<__e::Location>($($arg),*),
            __e::Kind::Client => $f::<__e::Client>($($arg),*),
            __e::Kind::Company => $f::<__e::Company>($($arg),*),
            __e::Kind::Case => $f::<__e::Case>($($arg),*),
            __e::Kind::Folder => $f::<__e::Folder>($($arg),*),
            __e::Kind::Document => $f::<__e::Document>($($arg),*),
            __e::Kind::Event => $f::<__e::Event>($($arg),*),
            __e::Kind::Task => $f::<__e::Task>($($arg),*),
        }
    }};
}
