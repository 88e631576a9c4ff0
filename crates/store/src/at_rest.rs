//! Bringing an unencrypted cache under its key. A cache written before
//! encryption at rest (or by a build without it) is plain SQLite; opening it
//! with a key re-writes it encrypted with SQLCipher's `sqlcipher_export`,
//! beside the original, and only then renames it into place. A crash part
//! way leaves the plain file whole and a stray copy the next open replaces.

use std::path::{Path, PathBuf};

use rusqlite::Connection;

use crate::error::Result;
use crate::key::CacheKey;

/// The first 16 bytes of every unencrypted SQLite file.
const PLAIN_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// Whether `path` is an unencrypted SQLite database.
pub fn is_plain(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 16];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|()| &head == PLAIN_HEADER)
}

fn side(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Encrypts the cache at `path` in place if it is a plain SQLite file.
pub fn encrypt_if_plain(path: &Path, key: &CacheKey) -> Result<()> {
    let copy = side(path, ".encrypting");
    if copy.exists() {
        std::fs::remove_file(&copy)?;
    }
    if !is_plain(path) {
        return Ok(());
    }
    tracing::info!("encrypting an unencrypted cache");
    crate::sqlcipher_start::ensure_started()?;
    {
        let conn = Connection::open(path)?;
        // Everything into the main file first, so the export sees it all.
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let sub = key.subkey("sqlcipher");
        let raw = zeroize::Zeroizing::new(format!("x'{}'", hex::encode(sub.as_ref())));
        conn.execute(
            "ATTACH DATABASE ?1 AS encrypted KEY ?2",
            rusqlite::params![copy.to_string_lossy(), raw.as_str()],
        )?;
        conn.query_row("SELECT sqlcipher_export('encrypted')", [], |_| Ok(()))?;
        // The export copies schema and rows, not the header's schema version.
        conn.execute_batch(&format!("PRAGMA encrypted.user_version = {version};"))?;
        conn.execute_batch("DETACH DATABASE encrypted;")?;
    }
    std::fs::File::open(&copy)?.sync_all()?;
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(side(path, suffix));
    }
    std::fs::rename(&copy, path)?;
    Ok(())
}
