//! The account's content-addressed blob store. A document's bytes are kept
//! sealed (see [`crate::seal`]) under a name derived from their SHA-256, and
//! written under a temporary name while they are hashed, renamed into place
//! only when complete and verified. So a blob that exists is whole and is
//! the bytes its name says; a crash leaves only a temporary file, which the
//! next start removes. Bytes stream through in segments: a file is never
//! held in memory, and plain bytes never touch the disk.

use std::io::Write;
use std::path::{Path, PathBuf};

use casefile_providers::documents::Bytes;
use casefile_store::CacheKey;
use futures_util::{Stream, StreamExt};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::seal::{self, BlobKey, Opener, SealError, Sealer};

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
    Write(std::io::Error),
    /// No room for the document's bytes: nothing half-written is kept.
    #[error("the disk is full, so the document could not be stored; free some space and it is tried again")]
    DiskFull,
    #[error("the file changed or was damaged in transit: expected {expected}, got {got}")]
    Mismatch { expected: String, got: String },
    #[error("the download broke off: {0}")]
    Incoming(String),
    /// A user's file changed while it was being copied in: the copy would
    /// be neither the old file nor the new one, so it is not kept.
    #[error("the file changed while it was being copied")]
    Changed,
    #[error(transparent)]
    Seal(#[from] SealError),
}

impl From<std::io::Error> for BlobError {
    fn from(e: std::io::Error) -> Self {
        if casefile_store::error::is_disk_full(&e) {
            BlobError::DiskFull
        } else {
            BlobError::Write(e)
        }
    }
}

impl BlobError {
    /// The class of this failure: a full disk, or a local file.
    pub fn class(&self) -> casefile_domain::error::ErrorCode {
        use casefile_domain::error::ErrorCode;
        match self {
            BlobError::DiskFull => ErrorCode::DiskFull,
            _ => ErrorCode::File,
        }
    }
}

/// A stored blob: its hash (hex) and size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blob {
    pub sha256: String,
    pub size: u64,
}

/// A file's length and modification time, to tell whether it changed.
async fn stamp(file: &tokio::fs::File) -> std::io::Result<(u64, Option<std::time::SystemTime>)> {
    let meta = file.metadata().await?;
    Ok((meta.len(), meta.modified().ok()))
}

#[derive(Clone)]
pub struct BlobStore {
    root: PathBuf,
    key: BlobKey,
}

/// A blob being written: sealed and hashed as the bytes arrive.
struct Writing {
    out: tokio::io::BufWriter<tokio::fs::File>,
    sealer: Sealer,
    hasher: Sha256,
    size: u64,
}

impl Writing {
    async fn create(tmp: &Path, key: &BlobKey) -> Result<Self, BlobError> {
        let (sealer, header) = Sealer::new(key)?;
        let file = tokio::fs::File::create(tmp).await?;
        let mut out = tokio::io::BufWriter::with_capacity(CHUNK, file);
        out.write_all(&header).await?;
        Ok(Self {
            out,
            sealer,
            hasher: Sha256::new(),
            size: 0,
        })
    }

    async fn write(&mut self, mut data: &[u8]) -> Result<(), BlobError> {
        self.hasher.update(data);
        self.size += data.len() as u64;
        while let Some(segment) = self.sealer.fill(&mut data)? {
            self.out.write_all(segment).await?;
        }
        Ok(())
    }

    /// Seals the last segment and makes the file durable.
    async fn finish(mut self) -> Result<Blob, BlobError> {
        self.out.write_all(&self.sealer.finish()?).await?;
        self.out.flush().await?;
        self.out.get_ref().sync_all().await?;
        Ok(Blob {
            sha256: hex::encode(self.hasher.finalize()),
            size: self.size,
        })
    }
}

impl BlobStore {
    /// Opens (creating) the store at `root` with the account's key, clearing
    /// temporaries a crash left and sealing any blobs an earlier version
    /// kept in the clear.
    pub fn open(root: &Path, key: &CacheKey) -> Result<Self, BlobError> {
        std::fs::create_dir_all(root.join("tmp"))?;
        std::fs::create_dir_all(root.join("sealed"))?;
        for entry in std::fs::read_dir(root.join("tmp"))? {
            let _ = std::fs::remove_file(entry?.path());
        }
        let store = Self {
            root: root.to_owned(),
            key: BlobKey::new(key),
        };
        store.seal_plain_blobs()?;
        Ok(store)
    }

    /// Where the blob with this hash lives.
    fn path(&self, sha256: &str) -> PathBuf {
        let name = self.key.file_name(sha256);
        let (a, b) = name.split_at(2);
        self.root.join("sealed").join(a).join(b)
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
        let before = stamp(&input).await.map_err(read_err)?;
        let tmp = self.temp();
        let result = async {
            let mut out = Writing::create(&tmp, &self.key).await?;
            let mut buf = vec![0u8; CHUNK];
            loop {
                let n = input.read(&mut buf).await.map_err(read_err)?;
                if n == 0 {
                    break;
                }
                out.write(&buf[..n]).await?;
                progress(out.size);
                if out.size > before.0 {
                    // Still growing (a file being written): it would never end.
                    return Err(BlobError::Changed);
                }
            }
            let blob = out.finish().await?;
            // Written to while it was read (or replaced under its name): the
            // copy matches neither version.
            let after = stamp(&input).await.map_err(read_err)?;
            let renamed =
                tokio::fs::metadata(source).await.map(|m| m.len()).ok() != Some(blob.size);
            if before != after || blob.size != before.0 || renamed {
                return Err(BlobError::Changed);
            }
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
            let mut out = Writing::create(&tmp, &self.key).await?;
            while let Some(chunk) = body.next().await {
                let chunk = chunk.map_err(|e| BlobError::Incoming(e.to_string()))?;
                out.write(&chunk).await?;
                progress(out.size);
            }
            let blob = out.finish().await?;
            if let Some(len) = expected_len.filter(|l| *l != blob.size) {
                return Err(BlobError::Mismatch {
                    expected: format!("{len} bytes"),
                    got: format!("{} bytes", blob.size),
                });
            }
            if let Some(expected) =
                expected_sha256.filter(|e| !e.eq_ignore_ascii_case(&blob.sha256))
            {
                return Err(BlobError::Mismatch {
                    expected: format!("sha256 {expected}"),
                    got: format!("sha256 {}", blob.sha256),
                });
            }
            self.commit(&tmp, &blob)?;
            Ok(blob)
        }
        .await;
        discard_on_error(&tmp, result)
    }

    /// Opens a blob for reading: its plain segments, checked as they are read.
    fn opener(&self, sha256: &str) -> Result<Opener<std::fs::File>, BlobError> {
        let file = std::fs::File::open(self.path(sha256))?;
        let len = file.metadata()?.len();
        Ok(Opener::new(file, len, &self.key)?)
    }

    /// The plain size of a stored blob.
    pub fn size(&self, sha256: &str) -> Result<u64, BlobError> {
        let len = std::fs::metadata(self.path(sha256))?.len();
        Ok(seal::plain_len(len)?)
    }

    /// A blob's plain bytes as a stream, for an upload body. The file is
    /// read and opened on a blocking thread, a segment or two ahead of the
    /// network; a damaged segment ends the stream with an error.
    pub fn stream(
        &self,
        sha256: &str,
    ) -> Result<impl Stream<Item = std::io::Result<Bytes>> + Send + 'static, BlobError> {
        let opener = self.opener(sha256)?;
        let (tx, rx) = tokio::sync::mpsc::channel(2);
        tokio::task::spawn_blocking(move || {
            for segment in opener {
                if tx.blocking_send(segment.map(Bytes::from)).is_err() {
                    break;
                }
            }
        });
        Ok(futures_util::stream::unfold(rx, |mut rx| async move {
            rx.recv().await.map(|item| (item, rx))
        }))
    }

    /// Writes a blob's plain bytes to `dest` (a new file the caller names).
    pub fn export(&self, sha256: &str, dest: &Path) -> Result<(), BlobError> {
        let mut out = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(dest)?;
        for segment in self.opener(sha256)? {
            out.write_all(&segment?)?;
        }
        out.sync_all()?;
        Ok(())
    }

    /// Seals, once, the blobs an earlier version kept in the clear under
    /// `sha256/`: each is re-hashed, sealed, and its plain copy removed.
    fn seal_plain_blobs(&self) -> Result<(), BlobError> {
        let legacy = self.root.join("sha256");
        let Ok(dirs) = std::fs::read_dir(&legacy) else {
            return Ok(());
        };
        for dir in dirs.flatten() {
            for file in std::fs::read_dir(dir.path())?.flatten() {
                let name = format!(
                    "{}{}",
                    dir.file_name().to_string_lossy(),
                    file.file_name().to_string_lossy()
                );
                self.seal_plain(&file.path(), &name)?;
                std::fs::remove_file(file.path())?;
            }
            let _ = std::fs::remove_dir(dir.path());
        }
        let _ = std::fs::remove_dir(&legacy);
        tracing::info!("sealed the blobs an earlier version kept in the clear");
        Ok(())
    }

    fn seal_plain(&self, source: &Path, named: &str) -> Result<(), BlobError> {
        let tmp = self.temp();
        let result = (|| {
            let (mut sealer, header) = Sealer::new(&self.key)?;
            let mut input = std::fs::File::open(source)?;
            let mut out = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
            out.write_all(&header)?;
            let (mut hasher, mut size, mut buf) = (Sha256::new(), 0u64, vec![0u8; CHUNK]);
            loop {
                let n = std::io::Read::read(&mut input, &mut buf)?;
                if n == 0 {
                    break;
                }
                hasher.update(&buf[..n]);
                size += n as u64;
                let mut data = &buf[..n];
                while let Some(segment) = sealer.fill(&mut data)? {
                    out.write_all(segment)?;
                }
            }
            out.write_all(&sealer.finish()?)?;
            out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
            let blob = Blob {
                sha256: hex::encode(hasher.finalize()),
                size,
            };
            // A plain blob that no longer matches its name is dropped: it
            // is downloaded again when needed.
            if blob.sha256 == named {
                self.commit(&tmp, &blob)?;
            }
            Ok(())
        })();
        let _ = std::fs::remove_file(&tmp);
        result
    }
}

/// A failed write leaves no temporary behind.
fn discard_on_error<T>(tmp: &Path, result: Result<T, BlobError>) -> Result<T, BlobError> {
    if result.is_err() {
        let _ = std::fs::remove_file(tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(dir: &Path) -> BlobStore {
        BlobStore::open(&dir.join("blobs"), &CacheKey::generate().unwrap()).unwrap()
    }

    fn temporaries(dir: &Path) -> usize {
        std::fs::read_dir(dir.join("blobs/tmp")).unwrap().count()
    }

    #[tokio::test]
    async fn a_file_written_to_while_it_is_copied_in_is_refused_and_nothing_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = store(dir.path());
        let file = dir.path().join("brief.docx");
        std::fs::write(&file, vec![b'a'; CHUNK * 2]).unwrap();
        let grown = std::sync::atomic::AtomicBool::new(false);
        let grow = |_: u64| {
            use std::io::Write;
            if !grown.swap(true, std::sync::atomic::Ordering::SeqCst) {
                let mut f = std::fs::OpenOptions::new()
                    .append(true)
                    .open(&file)
                    .unwrap();
                f.write_all(b"more").unwrap();
            }
        };
        let result = blobs.import(&file, &grow).await;
        assert!(matches!(result, Err(BlobError::Changed)), "{result:?}");
        assert_eq!(temporaries(dir.path()), 0, "no half-written copy is left");
        // Once it stops changing, it goes in.
        let blob = blobs.import(&file, &|_| {}).await.unwrap();
        assert!(blobs.contains(&blob.sha256));
    }

    #[tokio::test]
    async fn a_file_deleted_while_it_is_copied_in_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = store(dir.path());
        let file = dir.path().join("exhibit.pdf");
        std::fs::write(&file, vec![b'b'; CHUNK * 2]).unwrap();
        let vanish = |_: u64| {
            let _ = std::fs::remove_file(&file);
        };
        let result = blobs.import(&file, &vanish).await;
        assert!(matches!(result, Err(BlobError::Changed)), "{result:?}");
        assert_eq!(temporaries(dir.path()), 0);
    }
}
