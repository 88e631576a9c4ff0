//! The store's error type. Callers (the shell, the sync engine) classify these;
//! nothing here carries client data in its message. A full disk is told apart
//! where the error is made, from SQLite's and the OS's codes, so every layer
//! above can say so plainly instead of "database error".

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
    #[error("migration failed: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("file error: {0}")]
    Io(std::io::Error),
    /// The disk, or the file size the system allows, is full. SQLite rolled
    /// the write back, so the cache is as it was before it.
    #[error("the disk is full, so the local cache could not be written (nothing saved before was lost); free some space and try again")]
    DiskFull,
    #[error("record encoding error: {0}")]
    Json(#[from] serde_json::Error),
    /// The database was corrupt; it was moved aside (never deleted) and a fresh
    /// one created. `rescued_ops` pending edits were carried over.
    #[error("the local cache was damaged and moved to {moved_to}; {rescued_ops} pending changes were recovered")]
    Corrupt {
        moved_to: PathBuf,
        rescued_ops: usize,
    },
    #[error("no {kind} with id {id}")]
    NotFound { kind: &'static str, id: String },
    #[error("invalid input: {0}")]
    Invalid(String),
    /// The writer thread is gone (the store is shutting down).
    #[error("the store is closed")]
    Closed,
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

impl StoreError {
    /// The class of this failure: a missing record, bad input, a full
    /// disk, or the cache itself.
    pub fn class(&self) -> casefile_domain::error::ErrorCode {
        use casefile_domain::error::ErrorCode;
        match self {
            StoreError::NotFound { .. } => ErrorCode::NotFound,
            StoreError::Invalid(_) => ErrorCode::Validation,
            StoreError::DiskFull => ErrorCode::DiskFull,
            _ => ErrorCode::Cache,
        }
    }
}

/// Whether SQLite failed for want of room: `SQLITE_FULL`, or the WAL's
/// shared-memory file that could not grow.
pub(crate) fn no_room(e: &rusqlite::Error) -> bool {
    match e {
        rusqlite::Error::SqliteFailure(f, _) => {
            f.code == rusqlite::ErrorCode::DiskFull
                || f.extended_code == rusqlite::ffi::SQLITE_IOERR_SHMSIZE
        }
        _ => false,
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        if no_room(&e) {
            StoreError::DiskFull
        } else {
            StoreError::Sqlite(e)
        }
    }
}

impl From<std::io::Error> for StoreError {
    fn from(e: std::io::Error) -> Self {
        if is_disk_full(&e) {
            StoreError::DiskFull
        } else {
            StoreError::Io(e)
        }
    }
}

/// Whether an OS error says there is no room: the disk (ENOSPC), the
/// user's quota (EDQUOT) or the file size the process may write (EFBIG).
pub fn is_disk_full(e: &std::io::Error) -> bool {
    use std::io::ErrorKind;
    matches!(
        e.kind(),
        ErrorKind::StorageFull | ErrorKind::QuotaExceeded | ErrorKind::FileTooLarge
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_disk_is_told_apart_from_other_failures() {
        let full = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL),
            None,
        );
        assert!(matches!(StoreError::from(full), StoreError::DiskFull));
        let busy = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
            None,
        );
        assert!(matches!(StoreError::from(busy), StoreError::Sqlite(_)));
        let shm = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_IOERR_SHMSIZE),
            None,
        );
        assert!(matches!(StoreError::from(shm), StoreError::DiskFull));
        for errno in [28, 27, 122] {
            let e = std::io::Error::from_raw_os_error(errno);
            assert!(
                matches!(StoreError::from(e), StoreError::DiskFull),
                "errno {errno}"
            );
        }
        let denied = std::io::Error::from_raw_os_error(13);
        assert!(matches!(StoreError::from(denied), StoreError::Io(_)));
    }
}
