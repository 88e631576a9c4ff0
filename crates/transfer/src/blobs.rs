//! The account's content-addressed blob store: a document's bytes live at
//! `sha256/<2 hex>/<62 hex>`, written under a temporary name while their
//! hash is computed and renamed into place only when complete and verified.
//! So a blob that exists is whole and is the bytes its name says; a crash
//! leaves only a temporary file, which the next start removes. Bytes are
//! streamed in chunks; a file is never held in memory.

use std::path::{Path, PathBuf};

use casefile_providers::documents::Bytes;
use futures_util::{Stream, StreamExt};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Bytes moved per read.
pub const CHUNK: usize = 256 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("could not read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("could not write to the document store: {0}")]
    Write(#[from] std::io::Error),
    #[error("the file changed or was damaged in transit: expected {expected}, got {got}")]
    Mismatch { expected: String, got: String },
    #[error("the download broke off: {0}")]
    Incoming(String),
}

/// A stored blob: its hash (hex) and size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blob {
    pub sha256: String,
    pub size: u64,
}

pub struct BlobStore {
    root: PathBuf,
}

impl BlobStore {
    /// Opens (creating) the store at `root`, clearing temporaries a crash left.
    pub fn open(root: &Path) -> std::io::Result<Self> {
        std::fs::create_dir_all(root.join("tmp"))?;
        std::fs::create_dir_all(root.join("sha256"))?;
        for entry in std::fs::read_dir(root.join("tmp"))? {
            let _ = std::fs::remove_file(entry?.path());
        }
        Ok(Self {
            root: root.to_owned(),
        })
    }

    /// Where the blob with this hash lives.
    pub fn path(&self, sha256: &str) -> PathBuf {
        let (a, b) = sha256.split_at(2.min(sha256.len()));
        self.root.join("sha256").join(a).join(b)
    }

    pub fn contains(&self, sha256: &str) -> bool {
        self.path(sha256).is_file()
    }

    fn temp(&self) -> PathBuf {
        self.root
            .join("tmp")
            .join(format!("{:016x}.part", fastrand::u64(..)))
    }

    /// Moves a finished temporary into place (an identical blob may already be there).
    fn commit(&self, tmp: &Path, blob: &Blob) -> std::io::Result<()> {
        let path = self.path(&blob.sha256);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::rename(tmp, &path)
    }

    /// Copies a user's file into the store (so the original may be moved
    /// or deleted at once), hashing as it goes.
    pub async fn import(
        &self,
        source: &Path,
        progress: &(dyn Fn(u64) + Send + Sync),
    ) -> Result<Blob, BlobError> {
        let read_err = |source| BlobError::Read {
            path: "the file".to_owned(),
            source,
        };
        let mut input = tokio::fs::File::open(source).await.map_err(read_err)?;
        let tmp = self.temp();
        let result = async {
            let mut out = tokio::fs::File::create(&tmp).await?;
            let mut hasher = Sha256::new();
            let mut buf = vec![0u8; CHUNK];
            let mut size = 0u64;
            loop {
                let n = input.read(&mut buf).await.map_err(read_err)?;
                if n == 0 {
                    break;
                }
                hasher.update(&buf[..n]);
                out.write_all(&buf[..n]).await?;
                size += n as u64;
                progress(size);
            }
            out.sync_all().await?;
            let blob = Blob {
                sha256: hex::encode(hasher.finalize()),
                size,
            };
            self.commit(&tmp, &blob)?;
            Ok(blob)
        }
        .await;
        discard_on_error(&tmp, result)
    }

    /// Streams a download into the store, verifying its length and, when
    /// the source vouches for one, its hash, before it becomes visible.
    pub async fn receive<S, E>(
        &self,
        mut body: S,
        expected_sha256: Option<&str>,
        expected_len: Option<u64>,
        progress: &(dyn Fn(u64) + Send + Sync),
    ) -> Result<Blob, BlobError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let tmp = self.temp();
        let result = async {
            let file = tokio::fs::File::create(&tmp).await?;
            let mut out = tokio::io::BufWriter::with_capacity(CHUNK, file);
            let mut hasher = Sha256::new();
            let mut size = 0u64;
            while let Some(chunk) = body.next().await {
                let chunk = chunk.map_err(|e| BlobError::Incoming(e.to_string()))?;
                hasher.update(&chunk);
                out.write_all(&chunk).await?;
                size += chunk.len() as u64;
                progress(size);
            }
            out.flush().await?;
            out.get_ref().sync_all().await?;
            let sha256 = hex::encode(hasher.finalize());
            if let Some(len) = expected_len.filter(|l| *l != size) {
                return Err(BlobError::Mismatch {
                    expected: format!("{len} bytes"),
                    got: format!("{size} bytes"),
                });
            }
            if let Some(expected) = expected_sha256.filter(|e| !e.eq_ignore_ascii_case(&sha256)) {
                return Err(BlobError::Mismatch {
                    expected: format!("sha256 {expected}"),
                    got: format!("sha256 {sha256}"),
                });
            }
            let blob = Blob { sha256, size };
            self.commit(&tmp, &blob)?;
            Ok(blob)
        }
        .await;
        discard_on_error(&tmp, result)
    }
}

/// A failed write leaves no temporary behind.
fn discard_on_error<T>(tmp: &Path, result: Result<T, BlobError>) -> Result<T, BlobError> {
    if result.is_err() {
        let _ = std::fs::remove_file(tmp);
    }
    result
}
