//! Waiting for SQLCipher's start-up before a connection is keyed.
//!
//! SQLite marks itself initialised and only then, outside its locks, runs
//! SQLCipher's start-up (crypto provider, private heap, random seed). A second
//! thread that opens and keys a connection in that gap gets SQLITE_ERROR ("An
//! error occurred with PRAGMA key or rekey"): the first caches a process opens
//! at once from several threads could fail to open, and a healthy cache could
//! be taken for a damaged one. `tests/first_open.rs` reproduces it.

use std::os::raw::{c_char, c_int};

use rusqlite::ffi;

extern "C" {
    /// SQLCipher's start-up, which SQLite runs as its `SQLITE_EXTRA_INIT`
    /// (libsqlite3-sys builds SQLCipher with it). It runs under SQLite's main
    /// mutex and returns at once when it has already completed, so calling it
    /// waits for a start-up in progress on another thread.
    fn sqlcipher_extra_init(arg: *const c_char) -> c_int;
}

/// Returns once SQLite and SQLCipher are both started in this process.
pub fn ensure_started() -> rusqlite::Result<()> {
    // SAFETY: both take no pointers but a null argument, are safe to call from
    // any thread at any time, and are no-ops once their start-up has run.
    let rc = unsafe { ffi::sqlite3_initialize() };
    check(rc)?;
    // SAFETY: as above; the argument is unused by SQLCipher.
    let rc = unsafe { sqlcipher_extra_init(std::ptr::null()) };
    check(rc)
}

fn check(rc: c_int) -> rusqlite::Result<()> {
    if rc == ffi::SQLITE_OK {
        Ok(())
    } else {
        Err(rusqlite::Error::SqliteFailure(
            ffi::Error::new(rc),
            Some("the encryption library did not start".into()),
        ))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn starting_twice_is_harmless() {
        super::ensure_started().unwrap();
        super::ensure_started().unwrap();
    }
}
