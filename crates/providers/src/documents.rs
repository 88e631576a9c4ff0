//! Moving document bytes, provider-neutrally. A provider that stores files
//! behind pre-signed URLs (S3-style storage) creates the document record first,
//! then takes one streaming PUT of the bytes; one with a multipart upload
//! takes the record and the bytes in one request ([`DocumentTransport::post_document`]).
//! A download follows the provider's link to the bytes. The transfer queue
//! drives these calls and owns resumption; nothing here buffers a file in memory.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use casefile_domain::ids::RemoteId;
use futures_util::{Stream, StreamExt};
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

/// `body` with a count of the bytes read from it so far.
pub(crate) fn counted<S>(body: S) -> (impl Stream<Item = std::io::Result<Bytes>>, Arc<AtomicU64>)
where
    S: Stream<Item = std::io::Result<Bytes>>,
{
    let sent = Arc::new(AtomicU64::new(0));
    let counter = sent.clone();
    let stream = body.map(move |chunk| {
        if let Ok(c) = &chunk {
            counter.fetch_add(c.len() as u64, Ordering::Relaxed);
        }
        chunk
    });
    (stream, sent)
}

/// Sends `request`, reporting the count five times a second until it answers.
pub(crate) async fn with_progress(
    request: reqwest::RequestBuilder,
    sent: &AtomicU64,
    progress: Progress<'_>,
) -> Result<reqwest::Response, ProviderError> {
    let send = request.send();
    tokio::pin!(send);
    let mut tick = tokio::time::interval(std::time::Duration::from_millis(200));
    let response = loop {
        tokio::select! {
            r = &mut send => break r?,
            _ = tick.tick() => progress(sent.load(Ordering::Relaxed)),
        }
    };
    progress(sent.load(Ordering::Relaxed));
    Ok(response)
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

    /// Creates the document `path` in a case and uploads its `size` bytes in
    /// one request (a multipart upload); returns its id. Not retried: a
    /// failure may have created it, which [`Self::find_document`] settles.
    fn post_document<S>(
        &self,
        case: &RemoteId,
        path: &str,
        filename: &str,
        body: S,
        size: u64,
        progress: Progress<'_>,
    ) -> impl Future<Output = Result<RemoteId, ProviderError>> + Send
    where
        S: Stream<Item = std::io::Result<Bytes>> + Send + 'static,
    {
        let _ = (case, path, filename, body, size, progress);
        async { Err(no_documents()) }
    }

    /// Every document of a case as the server lists it, for a provider
    /// that lists them one case at a time (`capabilities.documents_per_case`).
    fn case_documents(
        &self,
        _case: &RemoteId,
    ) -> impl Future<Output = Result<Vec<Value>, ProviderError>> + Send {
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
