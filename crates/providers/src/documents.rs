//! Moving document bytes, provider-neutrally. A provider that stores files
//! behind pre-signed URLs (S3-style storage) creates the document record first,
//! then takes one streaming PUT of the bytes; a download follows the
//! provider's redirect to storage. The transfer queue drives these calls
//! and owns resumption; nothing here buffers a file in memory.

use std::future::Future;

use casefile_domain::ids::RemoteId;
use futures_util::Stream;
use serde_json::Value;

pub use bytes::Bytes;

use crate::error::ProviderError;

/// Where one PUT of a document's bytes goes. The URL is a short-lived
/// credential: it is never logged or stored.
#[derive(Clone)]
pub struct PutTarget {
    pub url: String,
    pub headers: Vec<(String, String)>,
}

impl std::fmt::Debug for PutTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PutTarget(<signed URL>)")
    }
}

/// A document record the server just made, and where its bytes go.
#[derive(Debug)]
pub struct CreatedDocument {
    pub remote_id: RemoteId,
    pub item: Value,
    pub put: PutTarget,
}

/// Progress callback: bytes sent or received so far.
pub type Progress<'a> = &'a (dyn Fn(u64) + Send + Sync);

/// An open download: its length when known, the SHA-256 storage vouches
/// for (hex) when it says, and the body.
pub struct Incoming {
    pub length: Option<u64>,
    pub sha256: Option<String>,
    pub response: reqwest::Response,
}

fn no_documents() -> ProviderError {
    ProviderError::Unsupported("this provider keeps no documents".into())
}

/// Document transfer for one provider. Every method defaults to
/// "unsupported", so a provider without documents implements none of them
/// (and says so in its capabilities: `documents: None`).
pub trait DocumentTransport: Send + Sync {
    /// Creates the document `path` (folders included, the file name last) in a case.
    fn create_document(
        &self,
        _case: &RemoteId,
        _path: &str,
        _filename: &str,
    ) -> impl Future<Output = Result<CreatedDocument, ProviderError>> + Send {
        async { Err(no_documents()) }
    }

    /// A new version of a document (also the way to a fresh upload URL).
    fn new_version(
        &self,
        _document: &RemoteId,
    ) -> impl Future<Output = Result<PutTarget, ProviderError>> + Send {
        async { Err(no_documents()) }
    }

    /// The case's document at `path`, if there is one (settles an in-doubt create).
    fn find_document(
        &self,
        _case: &RemoteId,
        _path: &str,
    ) -> impl Future<Output = Result<Option<(RemoteId, Value)>, ProviderError>> + Send {
        async { Err(no_documents()) }
    }

    /// Streams `body` (`size` bytes) to the target with Content-Length.
    fn put_stream<S>(
        &self,
        target: &PutTarget,
        body: S,
        size: u64,
        progress: Progress<'_>,
    ) -> impl Future<Output = Result<(), ProviderError>> + Send
    where
        S: Stream<Item = std::io::Result<Bytes>> + Send + 'static,
    {
        let _ = (target, body, size, progress);
        async { Err(no_documents()) }
    }

    /// Removes a document an upload created and will not finish (cancelled,
    /// or its stored copy was lost). One already gone counts as removed.
    fn discard_document(
        &self,
        _document: &RemoteId,
    ) -> impl Future<Output = Result<(), ProviderError>> + Send {
        async { Err(no_documents()) }
    }

    /// Every folder of a case, as a path under its root (`Pleadings/Motions`;
    /// the root itself is not listed), parents before children.
    fn case_folders(
        &self,
        _case: &RemoteId,
    ) -> impl Future<Output = Result<Vec<String>, ProviderError>> + Send {
        async { Err(no_documents()) }
    }

    /// Makes the folder `path` in a case, with any missing folder above it.
    /// Making one that exists changes nothing, so it may be retried.
    fn create_folder(
        &self,
        _case: &RemoteId,
        _path: &str,
    ) -> impl Future<Output = Result<(), ProviderError>> + Send {
        async { Err(no_documents()) }
    }

    /// Opens the current bytes of a document.
    fn open_download(
        &self,
        _document: &RemoteId,
    ) -> impl Future<Output = Result<Incoming, ProviderError>> + Send {
        async { Err(no_documents()) }
    }
}
