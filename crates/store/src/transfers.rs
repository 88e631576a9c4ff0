//! The document transfer queue, its blobs and pinned cases, as rows. The
//! queue survives restarts: a transfer found `running` at start-up was
//! interrupted and is queued again. Nothing here moves bytes; the transfer
//! crate does, and records each step here before and after it happens.

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;

use crate::error::{Result, StoreError};
use crate::Store;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Upload,
    Download,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TransferState {
    Queued,
    Running,
    Paused,
    Failed,
    Done,
    Cancelled,
}

impl TransferState {
    pub fn as_str(self) -> &'static str {
        match self {
            TransferState::Queued => "queued",
            TransferState::Running => "running",
            TransferState::Paused => "paused",
            TransferState::Failed => "failed",
            TransferState::Done => "done",
            TransferState::Cancelled => "cancelled",
        }
    }

    fn parse(s: &str) -> Result<Self> {
        Ok(match s {
            "queued" => TransferState::Queued,
            "running" => TransferState::Running,
            "paused" => TransferState::Paused,
            "failed" => TransferState::Failed,
            "done" => TransferState::Done,
            "cancelled" => TransferState::Cancelled,
            other => return Err(StoreError::Invalid(format!("transfer state {other}"))),
        })
    }
}

/// One queued, running or finished transfer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Transfer {
    pub id: String,
    pub direction: Direction,
    pub state: TransferState,
    pub case_id: String,
    pub document_id: Option<String>,
    pub remote_document: Option<String>,
    pub create_sent: bool,
    /// Whether this upload created `remote_document` (rather than found it).
    pub remote_created: bool,
    pub path: Option<String>,
    pub file_name: String,
    pub blob: Option<String>,
    pub size: Option<i64>,
    pub done_bytes: i64,
    pub bytes_per_s: Option<i64>,
    pub attempts: i64,
    pub next_attempt_at: Option<String>,
    pub last_error: Option<String>,
    pub save_to: Option<String>,
    pub saved_as: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

const COLUMNS: &str =
    "id, direction, state, case_id, document_id, remote_document, create_sent, path, \
     file_name, blob, size, done_bytes, attempts, next_attempt_at, last_error, save_to, saved_as, \
     created_at, updated_at, bytes_per_s, remote_created";

fn from_row(r: &Row<'_>) -> rusqlite::Result<(Transfer, String, String)> {
    let direction: String = r.get(1)?;
    let state: String = r.get(2)?;
    Ok((
        Transfer {
            id: r.get(0)?,
            direction: Direction::Upload,
            state: TransferState::Queued,
            case_id: r.get(3)?,
            document_id: r.get(4)?,
            remote_document: r.get(5)?,
            create_sent: r.get(6)?,
            path: r.get(7)?,
            file_name: r.get(8)?,
            blob: r.get(9)?,
            size: r.get(10)?,
            done_bytes: r.get(11)?,
            attempts: r.get(12)?,
            next_attempt_at: r.get(13)?,
            last_error: r.get(14)?,
            save_to: r.get(15)?,
            saved_as: r.get(16)?,
            created_at: r.get(17)?,
            updated_at: r.get(18)?,
            bytes_per_s: r.get(19)?,
            remote_created: r.get(20)?,
        },
        direction,
        state,
    ))
}

fn finish(raw: (Transfer, String, String)) -> Result<Transfer> {
    let (mut t, direction, state) = raw;
    t.direction = match direction.as_str() {
        "download" => Direction::Download,
        _ => Direction::Upload,
    };
    t.state = TransferState::parse(&state)?;
    Ok(t)
}

fn query(conn: &Connection, filter: &str, args: impl rusqlite::Params) -> Result<Vec<Transfer>> {
    let sql = format!("SELECT {COLUMNS} FROM transfers {filter}");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(args, from_row)?;
    rows.map(|r| finish(r?)).collect()
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// A document as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentRow {
    pub id: String,
    pub name: String,
    pub path: String,
    pub size: Option<i64>,
}

/// What a new transfer starts with.
#[derive(Debug, Clone, Default)]
pub struct NewTransfer {
    pub upload: bool,
    pub case_id: String,
    pub document_id: Option<String>,
    pub path: Option<String>,
    pub file_name: String,
    pub blob: Option<String>,
    pub size: Option<i64>,
    pub save_to: Option<String>,
}

impl Store {
    /// Queues a transfer; returns its id.
    pub fn add_transfer(&self, new: NewTransfer) -> Result<String> {
        let id = uuid::Uuid::now_v7().to_string();
        let out = id.clone();
        self.write(move |tx| {
            let at = now();
            tx.execute(
                "INSERT INTO transfers (id, direction, state, case_id, document_id, path, file_name,
                   blob, size, save_to, created_at, updated_at)
                 VALUES (?1, ?2, 'queued', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
                params![
                    id,
                    if new.upload { "upload" } else { "download" },
                    new.case_id,
                    new.document_id,
                    new.path,
                    new.file_name,
                    new.blob,
                    new.size,
                    new.save_to,
                    at
                ],
            )?;
            Ok(())
        })?;
        Ok(out)
    }

    /// Gives an upload not yet begun on the server (queued, paused or
    /// failed, its create never sent) new bytes, instead of a second upload
    /// to the same path making a second document. Its id, or none when no
    /// such upload is waiting (one already under way is left alone).
    pub fn replace_unsent_upload(
        &self,
        case_id: &str,
        path: &str,
        blob: &str,
        size: i64,
    ) -> Result<Option<String>> {
        let (case, path, blob) = (case_id.to_owned(), path.to_owned(), blob.to_owned());
        self.write(move |tx| {
            let id: Option<String> = tx
                .query_row(
                    "SELECT id FROM transfers WHERE direction = 'upload' AND case_id = ?1
                       AND lower(path) = lower(?2) AND document_id IS NULL AND create_sent = 0
                       AND state IN ('queued', 'paused', 'failed')
                     ORDER BY created_at DESC LIMIT 1",
                    params![case, path],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(id) = &id {
                tx.execute(
                    "UPDATE transfers SET blob = ?2, size = ?3, done_bytes = 0, state = 'queued',
                       attempts = 0, next_attempt_at = NULL, last_error = NULL, updated_at = ?4
                     WHERE id = ?1",
                    params![id, blob, size, now()],
                )?;
            }
            Ok(id)
        })
    }

    /// Every transfer, newest first.
    pub fn transfers(&self) -> Result<Vec<Transfer>> {
        self.read(|c| query(c, "ORDER BY created_at DESC, id DESC", []))
    }

    /// A case's uploads that are not cancelled, newest first: what its file
    /// list shows, without reading the whole queue's history.
    pub fn case_uploads(&self, case_id: &str) -> Result<Vec<Transfer>> {
        let case = case_id.to_owned();
        self.read(|c| {
            query(
                c,
                "WHERE direction = 'upload' AND case_id = ?1 AND state != 'cancelled' \
                 ORDER BY created_at DESC, id DESC",
                [case],
            )
        })
    }

    pub fn transfer(&self, id: &str) -> Result<Option<Transfer>> {
        let id = id.to_owned();
        Ok(self
            .read(|c| query(c, "WHERE id = ?1", [id]))?
            .into_iter()
            .next())
    }

    /// The transfers due now, oldest first: queued, or failed with a retry due.
    pub fn due_transfers(&self, now_rfc3339: &str) -> Result<Vec<Transfer>> {
        let now = now_rfc3339.to_owned();
        self.read(|c| {
            query(
                c,
                "WHERE state = 'queued' OR (state = 'failed' AND next_attempt_at IS NOT NULL AND next_attempt_at <= ?1)
                 ORDER BY created_at, id",
                [now],
            )
        })
    }

    /// The connection is back: failed transfers waiting to be tried again
    /// are due now instead of at their backoff. Returns how many.
    pub fn retry_waiting_transfers(&self, now_rfc3339: &str) -> Result<usize> {
        let now = now_rfc3339.to_owned();
        self.write(move |tx| {
            Ok(tx.execute(
                "UPDATE transfers SET next_attempt_at = ?1
                 WHERE state = 'failed' AND next_attempt_at IS NOT NULL AND next_attempt_at > ?1",
                [now],
            )?)
        })
    }

    /// Transfers left `running` by a process that died go back to the queue:
    /// those whose owner `is_dead` says is gone, and those silent since
    /// `stale_before` (a moving transfer records progress several times a
    /// second). A live one in another process (the app and the CLI share the
    /// queue) is left alone.
    pub fn requeue_interrupted(
        &self,
        stale_before: &str,
        is_dead: &dyn Fn(&str) -> bool,
    ) -> Result<usize> {
        let running: Vec<(String, Option<String>, String)> = self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT id, owner, updated_at FROM transfers WHERE state = 'running'",
            )?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })?;
        let mut n = 0;
        for (id, owner, updated) in running {
            let gone = owner.as_deref().is_none_or(is_dead) || updated.as_str() < stale_before;
            if gone {
                let id2 = id.clone();
                n += self.write(move |tx| {
                    Ok(tx.execute(
                        "UPDATE transfers SET state = 'queued', owner = NULL
                         WHERE id = ?1 AND state = 'running'",
                        [id2],
                    )?)
                })?;
            }
        }
        Ok(n)
    }

    /// Claims a due transfer for process `owner`: true when it was still
    /// queued (or failed) and is now running there, false when another
    /// process has it or the user paused or cancelled it meanwhile. Progress
    /// starts again from zero: every attempt sends or fetches the whole file.
    pub fn claim_transfer(&self, id: &str, owner: &str) -> Result<bool> {
        let (id, owner) = (id.to_owned(), owner.to_owned());
        self.write(move |tx| {
            Ok(tx.execute(
                "UPDATE transfers SET state = 'running', owner = ?3, updated_at = ?2,
                   done_bytes = 0, bytes_per_s = NULL
                 WHERE id = ?1 AND state IN ('queued', 'failed')",
                params![id, now(), owner],
            )? == 1)
        })
    }

    /// Moves a transfer to `state` (pause, resume, cancel, retry). Resuming
    /// one that is running changes nothing: it is already moving, and a
    /// queued row could be claimed by a second runner. A finished one is
    /// refused.
    pub fn set_transfer_state(&self, id: &str, state: TransferState) -> Result<()> {
        let id = id.to_owned();
        self.write(move |tx| {
            let current: Option<String> = tx
                .query_row("SELECT state FROM transfers WHERE id = ?1", [&id], |r| {
                    r.get(0)
                })
                .optional()?;
            let Some(current) = current else {
                return Err(StoreError::NotFound {
                    kind: "transfer",
                    id,
                });
            };
            // A finished transfer stays finished: cancelling a done upload
            // would remove the document it made, retrying it would send the
            // bytes again as a new version.
            if current == "done" {
                return Err(StoreError::Invalid(
                    "the transfer has already finished".into(),
                ));
            }
            tx.execute(
                "UPDATE transfers SET state = ?2, updated_at = ?3,
                   next_attempt_at = CASE WHEN ?2 = 'queued' THEN NULL ELSE next_attempt_at END
                 WHERE id = ?1 AND NOT (state = 'running' AND ?2 = 'queued')",
                params![id, state.as_str(), now()],
            )?;
            Ok(())
        })
    }

    /// Records progress and the attempt's speed.
    pub fn set_transfer_progress(
        &self,
        id: &str,
        done: i64,
        size: Option<i64>,
        bytes_per_s: Option<i64>,
    ) -> Result<()> {
        let id = id.to_owned();
        self.write(move |tx| {
            tx.execute(
                "UPDATE transfers SET done_bytes = ?2, size = COALESCE(?3, size), bytes_per_s = ?5,
                   updated_at = ?4 WHERE id = ?1",
                params![id, done, size, now(), bytes_per_s],
            )?;
            Ok(())
        })
    }

    /// An upload is about to POST its create: from now on it may exist on the
    /// server even if no answer comes.
    pub fn mark_create_sent(&self, id: &str) -> Result<()> {
        let id = id.to_owned();
        self.write(move |tx| {
            tx.execute(
                "UPDATE transfers SET create_sent = 1, attempts = attempts + 1, updated_at = ?2 WHERE id = ?1",
                params![id, now()],
            )?;
            Ok(())
        })
    }

    /// The server's id of the document an upload made (`created`) or found.
    pub fn set_transfer_remote(&self, id: &str, remote: &str, created: bool) -> Result<()> {
        let (id, remote) = (id.to_owned(), remote.to_owned());
        self.write(move |tx| {
            tx.execute(
                "UPDATE transfers SET remote_document = ?2, remote_created = ?4, updated_at = ?3
                 WHERE id = ?1",
                params![id, remote, now(), created],
            )?;
            Ok(())
        })
    }

    /// Cancelled uploads still holding a server document they created: each
    /// is removed from the server, so a cancel leaves nothing behind.
    pub fn uploads_to_discard(&self) -> Result<Vec<Transfer>> {
        self.read(|c| {
            query(
                c,
                "WHERE direction = 'upload' AND state = 'cancelled' AND remote_created = 1
                   AND remote_document IS NOT NULL ORDER BY created_at",
                [],
            )
        })
    }

    /// The upload's server document is gone (removed after a cancel): a
    /// retry starts afresh with a new create.
    pub fn forget_transfer_remote(&self, id: &str, remote: &str) -> Result<()> {
        let (id, remote) = (id.to_owned(), remote.to_owned());
        self.write(move |tx| {
            tx.execute(
                "UPDATE transfers SET remote_document = NULL, remote_created = 0, create_sent = 0,
                   done_bytes = 0, updated_at = ?3 WHERE id = ?1 AND remote_document = ?2",
                params![id, remote, now()],
            )?;
            Ok(())
        })
    }

    /// A failed attempt: the error in plain words, and when to try again
    /// (`None`: only when the user says so). A row the user paused or
    /// cancelled meanwhile keeps that state.
    pub fn fail_transfer(&self, id: &str, error: &str, retry_at: Option<String>) -> Result<()> {
        let (id, error) = (id.to_owned(), error.to_owned());
        self.write(move |tx| {
            tx.execute(
                "UPDATE transfers SET state = 'failed', last_error = ?2, next_attempt_at = ?3,
                   attempts = attempts + 1, updated_at = ?4 WHERE id = ?1 AND state = 'running'",
                params![id, error, retry_at, now()],
            )?;
            Ok(())
        })
    }

    /// Done: where the bytes are, and (downloads) where a copy was saved.
    pub fn finish_transfer(
        &self,
        id: &str,
        document_id: Option<String>,
        saved_as: Option<String>,
    ) -> Result<()> {
        let id = id.to_owned();
        self.write(move |tx| {
            tx.execute(
                "UPDATE transfers SET state = 'done', last_error = NULL, next_attempt_at = NULL,
                   done_bytes = COALESCE(size, done_bytes), document_id = COALESCE(?2, document_id),
                   saved_as = COALESCE(?3, saved_as), updated_at = ?4 WHERE id = ?1",
                params![id, document_id, saved_as, now()],
            )?;
            Ok(())
        })
    }

    /// Records that a document's bytes are in the blob store.
    pub fn set_document_blob(
        &self,
        document_id: &str,
        sha256: &str,
        size: i64,
        server_updated_at: Option<String>,
    ) -> Result<()> {
        let (doc, sha) = (document_id.to_owned(), sha256.to_owned());
        self.write(move |tx| {
            tx.execute(
                "INSERT INTO document_blobs (document_id, sha256, size, server_updated_at, stored_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (document_id) DO UPDATE SET sha256 = excluded.sha256, size = excluded.size,
                   server_updated_at = excluded.server_updated_at, stored_at = excluded.stored_at",
                params![doc, sha, size, server_updated_at, now()],
            )?;
            Ok(())
        })
    }

    /// The blob (sha256, size, server version) of a document, if downloaded.
    pub fn document_blob(
        &self,
        document_id: &str,
    ) -> Result<Option<(String, i64, Option<String>)>> {
        let doc = document_id.to_owned();
        self.read(|c| {
            Ok(c.query_row(
                "SELECT sha256, size, server_updated_at FROM document_blobs WHERE document_id = ?1",
                [doc],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?)
        })
    }

    /// The live document at `path` in a case, if the cache has one.
    pub fn document_at(&self, case_id: &str, path: &str) -> Result<Option<String>> {
        let (case, path) = (case_id.to_owned(), path.to_owned());
        self.read(|c| {
            Ok(c.query_row(
                "SELECT id FROM documents WHERE case_id = ?1 AND path = ?2 AND deleted = 0 LIMIT 1",
                [case, path],
                |r| r.get(0),
            )
            .optional()?)
        })
    }

    /// A case's live documents.
    pub fn case_documents(&self, case_id: &str) -> Result<Vec<DocumentRow>> {
        let case = case_id.to_owned();
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT id, name, path, json_extract(data, '$.size') FROM documents
                 WHERE case_id = ?1 AND deleted = 0 ORDER BY path, id",
            )?;
            let rows = stmt.query_map([case], |r| {
                Ok(DocumentRow {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    path: r.get(2)?,
                    size: r.get(3)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// Whether a case is kept offline.
    pub fn is_pinned(&self, case_id: &str) -> Result<bool> {
        let case = case_id.to_owned();
        self.read(|c| {
            Ok(c.query_row(
                "SELECT EXISTS (SELECT 1 FROM pinned_cases WHERE case_id = ?1)",
                [case],
                |r| r.get(0),
            )?)
        })
    }

    pub fn pin_case(&self, case_id: &str) -> Result<()> {
        let case = case_id.to_owned();
        self.write(move |tx| {
            tx.execute(
                "INSERT OR IGNORE INTO pinned_cases (case_id, pinned_at) VALUES (?1, ?2)",
                params![case, now()],
            )?;
            Ok(())
        })
    }

    pub fn unpin_case(&self, case_id: &str) -> Result<()> {
        let case = case_id.to_owned();
        self.write(move |tx| {
            tx.execute("DELETE FROM pinned_cases WHERE case_id = ?1", [case])?;
            Ok(())
        })
    }

    pub fn pinned_cases(&self) -> Result<Vec<String>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached("SELECT case_id FROM pinned_cases ORDER BY case_id")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// Documents of pinned cases whose current bytes are not here yet and
    /// have no download queued: (document id, case id, name).
    pub fn pinned_documents_missing(&self) -> Result<Vec<(String, String, String)>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT d.id, d.case_id, d.name FROM documents d
                 JOIN pinned_cases p ON p.case_id = d.case_id
                 LEFT JOIN document_blobs b ON b.document_id = d.id
                 WHERE d.deleted = 0
                   AND (b.document_id IS NULL OR b.server_updated_at IS NOT d.server_updated_at)
                   AND NOT EXISTS (SELECT 1 FROM transfers t WHERE t.document_id = d.id
                        AND t.direction = 'download' AND t.state IN ('queued', 'running', 'paused', 'failed'))
                 ORDER BY d.case_id, d.name",
            )?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }
}
