//! When the cache's whole file is checked for damage, so that opening it is
//! not O(cache size).
//!
//! `PRAGMA quick_check` reads every page: seconds on a large encrypted cache.
//! It used to run on every open. Now it runs at open only when there is a
//! reason to doubt the file:
//!
//! - an *open marker* (`<name>.sqlite.open`) is left: the app did not close
//!   the cache cleanly (a crash, a kill, a power cut). The marker is created
//!   once the store is open and removed by a clean close, i.e. one that left
//!   no WAL behind;
//! - a WAL (`<name>.sqlite-wal`) is left, whatever the marker says;
//! - a *check marker* (`<name>.sqlite.check`) asks for it: a query met
//!   `SQLITE_CORRUPT` (or "not a database"), or the idle-time check
//!   ([`crate::Store::background_check`], at most once a day) found damage.
//!
//! Otherwise the open only proves the key and page 1 (the schema is read), so
//! a wrong key or a file that is not a database is still caught at once. In
//! every case a damaged file is moved aside, never deleted, with its pending
//! outbox rescued ([`crate::recovery`]).

use std::path::{Path, PathBuf};
use std::sync::TryLockError;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, ErrorCode, OpenFlags};

use crate::connection::unlock;
use crate::error::{Result, StoreError};
use crate::key::CacheKey;
use crate::recovery::{self, Recovery};
use crate::Store;

/// The `store_meta` key holding when the idle-time check last ran (RFC 3339).
pub const CHECKED_AT: &str = "integrity.checked_at";

/// How often the idle-time check runs at most.
pub const BACKGROUND_INTERVAL: chrono::Duration = chrono::Duration::hours(24);

fn side(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// The marker that says the store at `path` is open (or was not closed cleanly).
pub fn open_marker(path: &Path) -> PathBuf {
    side(path, ".open")
}

/// The marker that asks the next open of `path` to check the whole file.
pub fn check_marker(path: &Path) -> PathBuf {
    side(path, ".check")
}

fn wal(path: &Path) -> PathBuf {
    side(path, "-wal")
}

/// Asks the next open of the cache at `path` to check the whole file.
pub fn request_full_check(path: &Path) -> Result<()> {
    std::fs::write(check_marker(path), Utc::now().to_rfc3339())?;
    Ok(())
}

/// Whether the next open must check the whole file: a marker or a WAL is left.
pub(crate) fn full_check_due(path: &Path) -> bool {
    open_marker(path).exists() || wal(path).exists() || check_marker(path).exists()
}

/// The cheap check: the file opens, the key unlocks it, and its schema (page
/// 1 onwards) reads. Proves the key and the header, not every page.
fn opens(path: &Path, key: Option<&CacheKey>) -> Result<bool> {
    recovery::verdict((|| {
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
        unlock(&conn, key)?;
        Ok(true)
    })())
}

/// What the open found.
pub(crate) struct AtOpen {
    pub recovery: Option<Recovery>,
    /// Whether the whole file was checked.
    pub full_check: bool,
}

/// Checks the existing file at `path` (fully when `full` is set, cheaply
/// otherwise) and moves it aside if it is damaged. `full` is decided by
/// [`full_check_due`] before anything opens the file, which could remove a
/// WAL left behind.
pub(crate) fn check_at_open(path: &Path, key: Option<&CacheKey>, full: bool) -> Result<AtOpen> {
    if !path.exists() {
        // A new cache: nothing to check; a marker of a file gone is stale.
        remove(&check_marker(path))?;
        return Ok(AtOpen {
            recovery: None,
            full_check: false,
        });
    }
    let healthy = if full {
        tracing::info!(
            "the cache was not closed cleanly or a check was asked for: checking the whole file"
        );
        recovery::is_healthy(path, key)?
    } else {
        opens(path, key)?
    };
    let recovery = if healthy {
        None
    } else {
        let stamp = Utc::now().format("%Y%m%dT%H%M%S%.3fZ").to_string();
        Some(recovery::move_aside(path, key, &stamp)?)
    };
    if full || recovery.is_some() {
        // Checked and healthy, or the damaged file is gone: asked and answered.
        remove(&check_marker(path))?;
    }
    Ok(AtOpen {
        recovery,
        full_check: full,
    })
}

/// Marks the store at `path` open; a clean close removes the mark.
/// With the disk full the mark cannot be written; the store still opens,
/// so the cache reads, and nothing can be torn while no write fits.
pub(crate) fn mark_open(path: &Path) -> Result<()> {
    match std::fs::write(open_marker(path), Utc::now().to_rfc3339()) {
        Err(e) if crate::error::is_disk_full(&e) => {
            tracing::warn!("the disk is full: the cache opens without its open marker");
            Ok(())
        }
        other => Ok(other?),
    }
}

/// After the last connection closed: the close was clean if it left no WAL;
/// only then is the open marker removed.
pub(crate) fn mark_closed(path: &Path) {
    if wal(path).exists() {
        tracing::info!("the cache's WAL is left after close; the next open checks the whole file");
        return;
    }
    if let Err(e) = remove(&open_marker(path)) {
        tracing::warn!(error = %e, "could not remove the cache's open marker");
    }
}

fn remove(file: &Path) -> Result<()> {
    match std::fs::remove_file(file) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
        _ => Ok(()),
    }
}

fn is_damage_code(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase)
    )
}

/// Whether `err` says the database file is damaged (`SQLITE_CORRUPT`, or
/// `SQLITE_NOTADB`, which SQLCipher also reports for a page that fails its
/// check).
pub fn is_corruption(err: &StoreError) -> bool {
    matches!(err, StoreError::Sqlite(e) if is_damage_code(e))
}

/// Passes `result` through; if it is a damage error, the next open of `path`
/// checks the whole file.
pub(crate) fn note<T>(path: &Path, result: Result<T>) -> Result<T> {
    if let Err(StoreError::Sqlite(e)) = &result {
        if is_damage_code(e) {
            tracing::warn!(code = ?e.sqlite_error_code(), "a query met a damaged cache; the next open checks the whole file");
            if let Err(e) = request_full_check(path) {
                tracing::error!(error = %e, "could not ask for a check of the damaged cache");
            }
        }
    }
    result
}

/// Runs `PRAGMA quick_check` on `conn`: whether the whole file is healthy. A
/// page too damaged to read counts as "not healthy", not as an error.
pub(crate) fn quick_check(conn: &Connection) -> Result<bool> {
    match conn.query_row("PRAGMA quick_check", [], |r| r.get::<_, String>(0)) {
        Ok(answer) => Ok(answer == "ok"),
        Err(e) if is_damage_code(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Whether the idle-time check is due at `now`, given when it last ran. A
/// time that does not parse, or lies in the future (the clock went back),
/// makes it due.
pub(crate) fn background_due(last: Option<&str>, now: DateTime<Utc>) -> bool {
    let Some(last) = last.and_then(|s| DateTime::parse_from_rfc3339(s).ok()) else {
        return true;
    };
    let since = now.signed_duration_since(last.with_timezone(&Utc));
    since < chrono::Duration::zero() || since >= BACKGROUND_INTERVAL
}

impl Store {
    /// Whether the open ran the full-file check: after an unclean close (a
    /// WAL or the open marker left behind) or when one was asked for (a query
    /// met damage, or [`Store::background_check`] found it). False for a
    /// cleanly closed file and for a brand-new one, which needs no check.
    pub fn opened_with_full_check(&self) -> bool {
        self.full_check
    }

    /// The full-file check (`PRAGMA quick_check`), at most once a day: the
    /// app calls this when it is idle, off the UI thread, since it reads every
    /// page (seconds on a large cache). It runs on a reader connection, so
    /// edits and sync are not blocked. `Ok(None)`: not due (it ran less than
    /// 24 h before `now`, or is running now); `Ok(Some(true))`: it ran and the
    /// file is healthy; `Ok(Some(false))`: it found damage, and the next open
    /// checks the whole file and moves it aside, rescuing the outbox.
    pub fn background_check(&self, now: DateTime<Utc>) -> Result<Option<bool>> {
        let _running = match self.background.try_lock() {
            Ok(guard) => guard,
            Err(TryLockError::Poisoned(p)) => p.into_inner(),
            Err(TryLockError::WouldBlock) => return Ok(None),
        };
        let last = self.meta_value(CHECKED_AT)?;
        if !background_due(last.as_deref(), now) {
            return Ok(None);
        }
        let healthy = self.read(quick_check)?;
        if !healthy {
            tracing::warn!(
                "the idle-time check found the cache damaged; the next open moves it aside"
            );
            request_full_check(&self.path)?;
        }
        let recorded = self.set_meta_value(CHECKED_AT.into(), now.to_rfc3339());
        match recorded {
            // A damaged file may refuse the write; the check marker is what counts.
            Err(e) if !healthy => tracing::warn!(error = %e, "could not record the check"),
            other => other?,
        }
        Ok(Some(healthy))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(code: i32) -> StoreError {
        StoreError::Sqlite(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(code),
            None,
        ))
    }

    #[test]
    fn corrupt_and_not_a_database_are_damage_and_nothing_else_is() {
        assert!(is_corruption(&failure(rusqlite::ffi::SQLITE_CORRUPT)));
        assert!(is_corruption(&failure(rusqlite::ffi::SQLITE_NOTADB)));
        assert!(!is_corruption(&failure(rusqlite::ffi::SQLITE_BUSY)));
        assert!(!is_corruption(&failure(rusqlite::ffi::SQLITE_CONSTRAINT)));
        assert!(!is_corruption(&StoreError::Sqlite(
            rusqlite::Error::QueryReturnedNoRows
        )));
        assert!(!is_corruption(&StoreError::Closed));
    }

    #[test]
    fn a_check_that_found_no_room_is_no_verdict_on_the_file() {
        let err = |code| {
            Err(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(code),
                None,
            ))
        };
        assert!(matches!(
            recovery::verdict(err(rusqlite::ffi::SQLITE_FULL)),
            Err(StoreError::DiskFull)
        ));
        assert!(matches!(
            recovery::verdict(err(rusqlite::ffi::SQLITE_IOERR_SHMSIZE)),
            Err(StoreError::DiskFull)
        ));
        assert!(matches!(
            recovery::verdict(err(rusqlite::ffi::SQLITE_CORRUPT)),
            Ok(false)
        ));
        assert!(matches!(
            recovery::verdict(err(rusqlite::ffi::SQLITE_NOTADB)),
            Ok(false)
        ));
        assert!(matches!(recovery::verdict(Ok(true)), Ok(true)));
    }

    #[test]
    fn a_damage_error_leaves_the_check_marker_and_others_do_not() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.sqlite");
        let _ = note::<()>(&path, Err(failure(rusqlite::ffi::SQLITE_BUSY)));
        assert!(!check_marker(&path).exists());
        let _ = note::<()>(&path, Ok(()));
        assert!(!check_marker(&path).exists());
        let _ = note::<()>(&path, Err(failure(rusqlite::ffi::SQLITE_CORRUPT)));
        assert!(check_marker(&path).exists());
        assert!(full_check_due(&path));
    }

    #[test]
    fn the_background_check_is_due_once_a_day() {
        let now: DateTime<Utc> = "2026-03-01T12:00:00Z".parse().unwrap();
        assert!(background_due(None, now));
        assert!(background_due(Some("not a time"), now));
        assert!(!background_due(Some("2026-03-01T12:00:00Z"), now));
        assert!(!background_due(Some("2026-02-28T12:00:01Z"), now));
        assert!(background_due(Some("2026-02-28T12:00:00Z"), now));
        assert!(
            background_due(Some("2026-03-02T12:00:00Z"), now),
            "clock went back"
        );
    }
}
