//! A few read-only connections for queries. In WAL mode they read a
//! consistent snapshot while the writer commits, so the UI never waits on sync.

use std::path::PathBuf;
use std::sync::Mutex;

use rusqlite::Connection;

use crate::connection::open_reader;
use crate::error::Result;
use crate::key::CacheKey;

pub struct Readers {
    path: PathBuf,
    key: Option<CacheKey>,
    idle: Mutex<Vec<Connection>>,
    keep: usize,
}

impl Readers {
    pub fn new(path: PathBuf, key: Option<CacheKey>, keep: usize) -> Self {
        Self {
            path,
            key,
            idle: Mutex::new(Vec::new()),
            keep,
        }
    }

    /// Closes the idle readers (a reader in use closes when it is returned).
    pub fn close(&self) {
        self.idle.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }

    /// Runs `f` on an idle reader, opening one if all are busy.
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let conn = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let conn = match conn {
            Some(conn) => conn,
            None => open_reader(&self.path, self.key.as_ref())?,
        };
        let result = f(&conn);
        let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        if idle.len() < self.keep {
            idle.push(conn);
        }
        result
    }
}
