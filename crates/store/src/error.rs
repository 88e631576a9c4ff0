//! The store's error type. Callers (the shell, the sync engine) classify these;
//! nothing here carries client data in its message.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("migration failed: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
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
