//! casefile-store: the local SQLite cache everything in the UI reads from.
//!
//! One database file per firm account, in WAL mode, with ONE writer (a
//! dedicated thread) and a few read-only connections, so the UI never waits
//! on sync. A user's edit is one transaction (row + change counter + outbox);
//! a server page is one transaction (rows + mirror + checkpoint). No
//! transaction ever spans network I/O: callers fetch first, then write.
//!
//! Modules: `record` (entities <-> rows), `edits` (local edits), `server_page`
//! (server pages), `incoming` (what to do with each server row, as pure
//! data), `merge` (the 3-way merge), `push` (the outbox as a push
//! plan), `resolve` (settling conflicts), `bookkeeping` (outbox, mirror,
//! checkpoints, conflicts, quarantine), `activity`, `query` (the UI's reads), `recovery` (damaged
//! files), `integrity` (when the whole file is checked for damage), `key` and `at_rest` (encryption at rest), `migrations`, `writer`,
//! `readers`, `connection`.

pub mod activity;
mod at_rest;
pub mod bookkeeping;
mod connection;
pub mod edits;
pub mod error;
pub mod folders;
pub mod in_doubt;
pub mod incoming;
pub mod integrity;
pub mod key;
pub mod listing;
pub mod merge;
pub mod migrations;
pub mod notes;
pub mod push;
pub mod query;
mod readers;
pub mod record;
pub mod recovery;
pub mod resolve;
pub mod search_index;
pub mod server_page;
mod sqlcipher_start;
pub mod transfers;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use casefile_domain::entity::{
    Case, Client, Company, Document, Event, Folder, Kind, Location, Staff, Task,
};
use casefile_domain::ids::{AccountId, LocalId, RemoteId};
use chrono::Utc;
use rusqlite::{params, OptionalExtension, Transaction};

pub use activity::Change;
pub use bookkeeping::{Checkpoint, Conflict, OutboxOp, QuarantineEntry, Quarantined, StoreSummary};
pub use edits::{OpId, OpKind};
pub use error::{Result, StoreError};
pub use in_doubt::CreateInDoubt;
pub use incoming::{plan_incoming, IncomingAction, LocalState};
pub use key::{CacheKey, KeyError};
pub use push::{Failure, PushAction, PushItem};
pub use query::cases::{CaseDetail, CaseQuery, CaseRow, CaseSort};
pub use query::edit_state::EditState;
pub use query::events::{CalendarRow, CalendarTime, EventQuery};
pub use query::folders::FolderNode;
pub use query::search::SearchHit;
pub use query::tasks::TaskQuery;
pub use query::Page;
pub use record::{CaseStage, Entity, PracticeArea};
pub use recovery::Recovery;
pub use resolve::{Choice, DELETED_ON_SERVER};
pub use server_page::PageOutcome;

use readers::Readers;
use writer::Writer;

/// The cache of one firm account.
pub struct Store {
    account: AccountId,
    path: PathBuf,
    writer: Writer,
    readers: Readers,
    recovery: Option<Recovery>,
    /// Whether the open checked the whole file (see [`integrity`]).
    full_check: bool,
    /// Held while the idle-time check runs, so two never overlap.
    background: Mutex<()>,
}

/// The readers close before the writer, so the writer's connection is the
/// file's last: SQLite then checkpoints the WAL into the database and deletes
/// it. The other way round, the last connection is read-only and the WAL (a
/// first sync leaves hundreds of MiB) stays, to be replayed at the next start.
/// A close that left no WAL is clean, and removes the open marker, so the
/// next open need not check the whole file ([`integrity`]).
impl Drop for Store {
    fn drop(&mut self) {
        self.readers.close();
        self.writer.close();
        integrity::mark_closed(&self.path);
    }
}

fn now() -> String {
    Utc::now().to_rfc3339()
}

/// The database file name for an account: only safe characters.
fn file_name(account: &AccountId) -> String {
    let safe: String = account
        .0
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{safe}.sqlite")
}

impl Store {
    /// Opens (creating if needed) an unencrypted cache: the demo firm's, and
    /// tests'. A firm account's cache is opened with [`Store::open_encrypted`].
    pub fn open(dir: &Path, account: &AccountId) -> Result<Self> {
        Self::open_with(dir, account, None)
    }

    /// Opens (creating if needed) the cache of `account` in `dir`, encrypted
    /// with `key` (SQLCipher). An unencrypted cache left by an earlier
    /// version is encrypted in place first.
    pub fn open_encrypted(dir: &Path, account: &AccountId, key: &CacheKey) -> Result<Self> {
        Self::open_with(dir, account, Some(key.clone()))
    }

    /// A damaged file is moved aside and its pending changes carried over;
    /// see [`Store::recovery`]. The whole file is checked only after an
    /// unclean close or when a check was asked for; otherwise only the key
    /// and the schema are ([`integrity`]).
    fn open_with(dir: &Path, account: &AccountId, key: Option<CacheKey>) -> Result<Self> {
        std::fs::create_dir_all(dir)?;
        let path = dir.join(file_name(account));
        // Before anything opens the file: an open may remove a WAL left behind.
        let full = integrity::full_check_due(&path);
        if let Some(key) = &key {
            at_rest::encrypt_if_plain(&path, key)?;
        }
        let integrity::AtOpen {
            recovery,
            full_check,
        } = integrity::check_at_open(&path, key.as_ref(), full)?;
        // From here until a clean close, a crash leaves the marker behind.
        integrity::mark_open(&path)?;
        let mut conn = connection::open_writer(&path, key.as_ref())?;
        migrations::apply(&mut conn)?;
        if let Some(recovery) = &recovery {
            let tx = conn.transaction()?;
            restore(&tx, recovery)?;
            tx.commit()?;
        }
        let writer = Writer::spawn(conn)?;
        Ok(Self {
            account: account.clone(),
            readers: Readers::new(path.clone(), key, 3),
            path,
            writer,
            recovery,
            full_check,
            background: Mutex::new(()),
        })
    }

    pub fn account(&self) -> &AccountId {
        &self.account
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Set when the database was found damaged at open.
    pub fn recovery(&self) -> Option<&Recovery> {
        self.recovery.as_ref()
    }

    /// Runs `f` in one write transaction on the writer thread. A damage
    /// error (`SQLITE_CORRUPT`) asks the next open for a full check.
    pub fn write<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Transaction<'_>) -> Result<T> + Send + 'static,
    {
        let result = self.writer.call(move |conn| {
            let tx = conn.transaction()?;
            let out = f(&tx)?;
            tx.commit()?;
            Ok(out)
        });
        integrity::note(&self.path, result)
    }

    /// Runs `f` on a reader connection. A damage error (`SQLITE_CORRUPT`)
    /// asks the next open for a full check.
    pub fn read<T>(&self, f: impl FnOnce(&rusqlite::Connection) -> Result<T>) -> Result<T> {
        integrity::note(&self.path, self.readers.read(f))
    }

    // ---- writes -------------------------------------------------------

    /// Applies a page of server records and the resource's checkpoint atomically.
    pub fn apply_page<E: Entity>(
        &self,
        rows: Vec<E>,
        checkpoint: Option<Checkpoint>,
    ) -> Result<PageOutcome> {
        self.apply_page_with_quarantine(rows, Vec::new(), checkpoint)
    }

    /// Applies a page of server records, quarantines the page's items that
    /// could not be decoded, and records the resource's checkpoint, in ONE
    /// transaction: a failed page leaves no quarantine row behind, and a
    /// record that now arrives in good shape leaves quarantine.
    pub fn apply_page_with_quarantine<E: Entity>(
        &self,
        rows: Vec<E>,
        quarantined: Vec<QuarantineEntry>,
        checkpoint: Option<Checkpoint>,
    ) -> Result<PageOutcome> {
        self.write(move |tx| {
            server_page::apply_page_with_quarantine(
                tx,
                rows,
                &quarantined,
                checkpoint.as_ref(),
                &now(),
            )
        })
    }

    /// Writes server pages in ONE transaction, in order, each with its
    /// checkpoint: a killed sync resumes after the last page committed.
    /// Returns each page's outcome.
    pub fn apply_pages(&self, pages: Vec<server_page::PendingPage>) -> Result<Vec<PageOutcome>> {
        self.write(move |tx| {
            let now = now();
            pages.into_iter().map(|page| page.apply(tx, &now)).collect()
        })
    }

    /// Saves a local create or update; returns its outbox op id once committed.
    pub fn save<E: Entity>(&self, record: E, summary: impl Into<String>) -> Result<OpId> {
        let account = self.account.clone();
        let summary = summary.into();
        self.write(move |tx| edits::save_local(tx, &account, &record, &summary, &now()))
    }

    /// Deletes a record locally (tombstone + queued delete).
    pub fn delete(&self, kind: Kind, id: LocalId, summary: impl Into<String>) -> Result<OpId> {
        let account = self.account.clone();
        let summary = summary.into();
        self.write(move |tx| edits::delete_local(tx, &account, kind, &id, &summary, &now()))
    }

    pub fn ack_op(
        &self,
        op_id: OpId,
        counter_snapshot: i64,
        remote_id: Option<RemoteId>,
    ) -> Result<()> {
        self.write(move |tx| bookkeeping::ack_op(tx, &op_id, counter_snapshot, remote_id.as_ref()))
    }

    pub fn fail_op(&self, op_id: OpId, reason: impl Into<String>) -> Result<()> {
        let reason = reason.into();
        self.write(move |tx| bookkeeping::fail_op(tx, &op_id, &reason))
    }

    pub fn record_conflicts(&self, conflicts: Vec<Conflict>) -> Result<()> {
        self.write(move |tx| {
            conflicts
                .iter()
                .try_for_each(|c| bookkeeping::record_conflict(tx, c))
        })
    }

    /// Settles a conflict with the user's choice.
    pub fn resolve_conflict(&self, id: String, choice: Choice) -> Result<()> {
        let account = self.account.clone();
        self.write(move |tx| resolve::resolve(tx, &account, &id, choice, &now()))
    }

    /// The push plan: one item per record with pending ops.
    pub fn push_plan(&self) -> Result<Vec<PushItem>> {
        self.write(push::plan)
    }

    pub fn begin_attempt(&self, ops: Vec<OpId>) -> Result<()> {
        self.write(move |tx| push::begin_attempt(tx, &ops))
    }

    pub fn clear_attempts(&self, ops: Vec<OpId>) -> Result<()> {
        self.write(move |tx| push::clear_attempts(tx, &ops))
    }

    /// Records, with the attempt, the body a create is about to send.
    pub fn begin_create(&self, item: &PushItem, body: &serde_json::Value) -> Result<()> {
        let (item, body) = (item.clone(), body.clone());
        self.write(move |tx| in_doubt::begin(tx, &item, &body, &now()))
    }

    /// Creates that may already be on the server.
    pub fn creates_in_doubt(&self) -> Result<Vec<CreateInDoubt>> {
        self.write(in_doubt::list)
    }

    /// The server holds a create in doubt: bind the record to it.
    pub fn adopt_create(
        &self,
        doubt: &CreateInDoubt,
        remote_id: Option<RemoteId>,
        server_copy: Option<serde_json::Value>,
    ) -> Result<()> {
        let doubt = doubt.clone();
        self.write(move |tx| {
            in_doubt::adopt(tx, &doubt, remote_id.as_ref(), server_copy.as_ref(), &now())
        })
    }

    /// A create in doubt never reached the server: send it again as it is now.
    pub fn create_not_sent(&self, doubt: &CreateInDoubt) -> Result<()> {
        let doubt = doubt.clone();
        self.write(move |tx| in_doubt::not_sent(tx, &doubt))
    }

    /// The server answered a create without making it: it is not in doubt.
    pub fn create_answered(&self, kind: Kind, id: LocalId, ops: Vec<OpId>) -> Result<()> {
        self.write(move |tx| in_doubt::answered(tx, kind, &id.to_string(), &ops))
    }

    /// Restarts a create in doubt's window (see [`in_doubt::restart_window`]).
    pub fn restart_doubt_window(&self, doubt: &CreateInDoubt) -> Result<()> {
        let (kind, id) = (doubt.kind, doubt.record_id.to_string());
        self.write(move |tx| in_doubt::restart_window(tx, kind, &id, &now()))
    }

    pub fn fail_push(&self, ops: Vec<OpId>, failure: Failure, error: String) -> Result<()> {
        self.write(move |tx| push::fail(tx, &ops, failure, &error, &now()))
    }

    pub fn ack_push(
        &self,
        item: PushItem,
        remote_id: Option<RemoteId>,
        server_copy: Option<serde_json::Value>,
    ) -> Result<()> {
        self.write(move |tx| push::ack(tx, &item, remote_id.as_ref(), server_copy.as_ref(), &now()))
    }

    pub fn remote_ids(&self, kind: Kind) -> Result<Vec<(LocalId, RemoteId)>> {
        self.read(|c| push::remote_ids(c, kind))
    }

    pub fn remote_id_of(&self, kind: Kind, id: &LocalId) -> Result<Option<RemoteId>> {
        self.read(|c| push::remote_id_of(c, kind, id))
    }

    /// Reads a key of the store's own settings.
    pub fn meta_value(&self, key: &str) -> Result<Option<String>> {
        self.read(|c| {
            Ok(
                c.prepare_cached("SELECT value FROM store_meta WHERE key = ?1")?
                    .query_row([key], |r| r.get(0))
                    .optional()?,
            )
        })
    }

    pub fn set_meta_value(&self, key: String, value: String) -> Result<()> {
        self.write(move |tx| {
            tx.execute(
                "INSERT INTO store_meta (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )?;
            Ok(())
        })
    }

    /// Sets aside a record the server sent that could not be applied; the
    /// same record set aside again updates its one row. Prefer
    /// [`Store::apply_page_with_quarantine`], which commits with the page.
    pub fn quarantine(
        &self,
        resource: String,
        remote_id: Option<String>,
        payload: serde_json::Value,
        reason: String,
    ) -> Result<()> {
        self.write(move |tx| {
            bookkeeping::quarantine(
                tx,
                &resource,
                remote_id.as_deref(),
                &payload,
                &reason,
                &now(),
            )
        })
    }

    pub fn apply_remote_deletions<E: Entity>(&self, ids: Vec<LocalId>) -> Result<Vec<LocalId>> {
        self.write(move |tx| server_page::apply_remote_deletions::<E>(tx, &ids, &now()))
    }

    // ---- reads --------------------------------------------------------

    pub fn get<E: Entity>(&self, id: &LocalId) -> Result<Option<E>> {
        self.read(|c| record::read_row(c, id, false))
    }

    pub fn mirror(&self, kind: Kind, id: &LocalId) -> Result<Option<serde_json::Value>> {
        self.read(|c| bookkeeping::get_mirror(c, kind, id))
    }

    pub fn checkpoint(&self, resource: &str) -> Result<Option<Checkpoint>> {
        self.read(|c| bookkeeping::get_checkpoint(c, resource))
    }

    pub fn pending_ops(&self) -> Result<Vec<OutboxOp>> {
        self.read(bookkeeping::pending_ops)
    }

    pub fn pending_count(&self) -> Result<u64> {
        self.read(bookkeeping::pending_count)
    }

    pub fn conflicts(&self) -> Result<Vec<Conflict>> {
        self.read(bookkeeping::open_conflicts)
    }

    /// The quarantined records, newest first.
    pub fn quarantined(&self) -> Result<Vec<Quarantined>> {
        self.read(bookkeeping::quarantined)
    }

    /// How many records are quarantined.
    pub fn quarantined_count(&self) -> Result<u64> {
        self.read(bookkeeping::quarantined_count)
    }

    /// The firm's first active staff member (lowest server id), the default
    /// staff of a new record; `None` until staff are cached.
    pub fn default_staff(&self) -> Result<Option<LocalId>> {
        self.read(bookkeeping::default_staff)
    }

    /// The status line's counts (pending, refused, conflicts, quarantined,
    /// cases) from one snapshot, in one cheap read.
    pub fn summary(&self) -> Result<StoreSummary> {
        self.read(bookkeeping::summary)
    }

    pub fn local_id_for(&self, kind: Kind, remote: &RemoteId) -> Result<Option<LocalId>> {
        self.read(|c| bookkeeping::local_id_for(c, kind, remote))
    }

    /// The local id of a case stage or practice area by its name (providers
    /// that refer to them by name).
    pub fn local_id_by_name(&self, kind: Kind, name: &str) -> Result<Option<LocalId>> {
        self.read(|c| bookkeeping::local_id_by_name(c, kind, name))
    }

    pub fn cases(&self, q: &CaseQuery) -> Result<Page<CaseRow>> {
        self.read(|c| query::cases::list_cases(c, q))
    }

    /// What the case list can be filtered by, at most `limit` of each.
    pub fn case_filter_choices(&self, limit: u32) -> Result<query::filters::FilterChoices> {
        self.read(move |c| query::filters::filter_choices(c, limit))
    }

    /// The case screen; "upcoming" is measured from `now`, in the viewer's `today`.
    pub fn case_detail(
        &self,
        id: &LocalId,
        now: chrono::DateTime<Utc>,
        today: chrono::NaiveDate,
    ) -> Result<Option<CaseDetail>> {
        self.read(|c| query::cases::case_detail(c, id, now.timestamp(), &today.to_string(), 20))
    }

    pub fn events(&self, q: &EventQuery) -> Result<Vec<Event>> {
        self.read(|c| query::events::events_in_range(c, q))
    }

    /// The calendar's view of [`Store::events`]: only what it draws.
    pub fn calendar(&self, q: &EventQuery) -> Result<Vec<CalendarRow>> {
        self.read(|c| query::events::calendar_in_range(c, q))
    }

    /// Where the local edits of `ids` stand; those with none are left out.
    pub fn edit_states(
        &self,
        kind: Kind,
        ids: &[LocalId],
    ) -> Result<std::collections::HashMap<LocalId, EditState>> {
        self.read(|c| query::edit_state::edit_states(c, kind, ids))
    }

    pub fn tasks(&self, q: &TaskQuery) -> Result<Page<Task>> {
        self.read(|c| query::tasks::list_tasks(c, q))
    }

    pub fn folder_tree(&self, case: &LocalId) -> Result<Vec<FolderNode>> {
        self.read(|c| query::folders::folder_tree(c, case))
    }

    pub fn documents_in_folder(&self, folder: &LocalId) -> Result<Vec<Document>> {
        self.read(|c| query::folders::documents_in_folder(c, folder))
    }

    pub fn recent_changes(&self, limit: u32, offset: u32) -> Result<Vec<Change>> {
        self.read(|c| activity::recent_changes(c, limit, offset))
    }

    pub fn search(&self, text: &str, limit: u32) -> Result<Vec<SearchHit>> {
        self.read(|c| query::search::search(c, text, limit))
    }

    /// Counts of live records per kind, for status displays.
    pub fn counts(&self) -> Result<Vec<(Kind, u64)>> {
        self.read(|c| {
            Kind::ALL
                .iter()
                .map(|&k| {
                    let n = c.query_row(
                        &format!(
                            "SELECT count(*) FROM {} WHERE deleted = 0",
                            record::table(k)
                        ),
                        [],
                        |r| r.get::<_, i64>(0).map(|n| n.max(0) as u64),
                    )?;
                    Ok((k, n))
                })
                .collect()
        })
    }
}

/// Puts rescued operations, and the records they carry, into a fresh database.
fn restore(tx: &Transaction<'_>, recovery: &Recovery) -> Result<()> {
    let at = now();
    for op in &recovery.rescued {
        if let (Some(payload), Some(kind)) = (&op.payload, Kind::parse(&op.kind)) {
            restore_record(tx, kind, payload, op.counter_snapshot, &at)?;
        }
        tx.execute(
            "INSERT OR IGNORE INTO outbox (op_id, kind, record_id, op, payload, counter_snapshot, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![op.op_id, op.kind, op.record_id, op.op, op.payload, op.counter_snapshot, op.created_at],
        )?;
    }
    Ok(())
}

fn restore_record(
    tx: &Transaction<'_>,
    kind: Kind,
    payload: &str,
    counter: i64,
    at: &str,
) -> Result<()> {
    fn put<E: Entity>(tx: &Transaction<'_>, payload: &str, counter: i64, at: &str) -> Result<()> {
        let record: E = serde_json::from_str(payload)?;
        record::write_row(tx, &record, counter, false, at)
    }
    match kind {
        Kind::Staff => put::<Staff>(tx, payload, counter, at),
        Kind::CaseStage => put::<CaseStage>(tx, payload, counter, at),
        Kind::PracticeArea => put::<PracticeArea>(tx, payload, counter, at),
        Kind::Location => put::<Location>(tx, payload, counter, at),
        Kind::Client => put::<Client>(tx, payload, counter, at),
        Kind::Company => put::<Company>(tx, payload, counter, at),
        Kind::Case => put::<Case>(tx, payload, counter, at),
        Kind::Folder => put::<Folder>(tx, payload, counter, at),
        Kind::Document => put::<Document>(tx, payload, counter, at),
        Kind::Event => put::<Event>(tx, payload, counter, at),
        Kind::Task => put::<Task>(tx, payload, counter, at),
    }
}
