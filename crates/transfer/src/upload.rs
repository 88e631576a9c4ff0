//! One upload attempt, resumable at every step. The transfer row records
//! that a create is about to be sent BEFORE it is sent, and the server's
//! document id as soon as it is known; so after a crash, a dropped answer
//! or an expired link, the next attempt finds the document (on the server
//! if need be) and puts the bytes as a new version of it. Exactly one
//! document results, however many times an attempt is cut short.
//!
//! A provider with a multipart upload takes the record and the bytes in
//! one request: the row records the create as sent, then the request goes;
//! after a cut, the document is looked for on the server by its path, and
//! one found is the upload done (it came with every byte). It has no
//! versions, so a new version of a document is refused with its words.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use casefile_domain::entity::Kind;
use casefile_domain::ids::{LocalId, RemoteId};
use casefile_providers::capabilities::UploadStyle;
use casefile_providers::documents::{DocumentTransport, PutTarget};
use casefile_providers::{Provider, ProviderError};
use casefile_store::transfers::Transfer;
use casefile_store::Store;
use futures_util::StreamExt;

use crate::blobs::BlobStore;
use crate::queue::{Progressor, TransferError};
use crate::seal::SealError;

/// Uploads `t`'s blob; returns the server's document id.
pub async fn run<P: Provider + DocumentTransport>(
    store: &Store,
    provider: &P,
    blobs: &BlobStore,
    t: &Transfer,
) -> Result<RemoteId, TransferError> {
    let sha = t.blob.as_deref().ok_or(TransferError::NoBlob)?;
    // Missing, or not a sealed blob: either way there is nothing to send.
    let size = blobs.size(sha).map_err(|_| TransferError::NoBlob)?;
    let case = LocalId::parse(&t.case_id).map_err(|_| TransferError::NoCase)?;
    let case_remote = store
        .remote_id_of(Kind::Case, &case)?
        .ok_or(TransferError::NoCase)?;
    let path = t.path.clone().unwrap_or_else(|| t.file_name.clone());

    let progress = Progressor::new(store, &t.id, Some(size as i64));
    let progress = &progress;
    // A damaged segment ends the body with an error, which the transport can only
    // report as a broken connection; `damaged` notes it, so it is not retried as one.
    let body = |damaged: &Arc<AtomicBool>| {
        let seen = damaged.clone();
        Ok::<_, TransferError>(blobs.stream(sha)?.inspect(move |item| {
            if let Err(e) = item {
                if e.get_ref().is_some_and(|inner| inner.is::<SealError>()) {
                    seen.store(true, Ordering::Relaxed);
                }
            }
        }))
    };
    let failed = |damaged: &AtomicBool, e: ProviderError| {
        if damaged.load(Ordering::Relaxed) {
            TransferError::Damaged
        } else {
            TransferError::from(e)
        }
    };
    if provider.capabilities().documents == Some(UploadStyle::Multipart) {
        if let Some(done) = already_posted(store, provider, t, &case_remote, &path).await? {
            return Ok(done);
        }
        let damaged = Arc::new(AtomicBool::new(false));
        let sent = provider
            .post_document(
                &case_remote,
                &path,
                &t.file_name,
                body(&damaged)?,
                size,
                &|n| progress.report(n),
            )
            .await;
        let remote = sent.map_err(|e| failed(&damaged, e))?;
        // Complete (the bytes came with it): kept even if the row is cancelled.
        store.set_transfer_remote(&t.id, &remote.0, false)?;
        progress.report(size);
        return Ok(remote);
    }

    let (remote, target) = target(store, provider, t, &case_remote, &path).await?;
    let put = |target: PutTarget| async move {
        let damaged = Arc::new(AtomicBool::new(false));
        let sent = provider
            .put_stream(&target, body(&damaged)?, size, &|n| progress.report(n))
            .await;
        sent.map_err(|e| failed(&damaged, e))
    };
    match put(target).await {
        // One fresh link if the first has expired (a long queue, a slow network).
        Err(TransferError::Provider(ProviderError::LinkExpired(_))) => {
            tracing::info!("upload link expired; asking for a fresh one");
            put(provider.new_version(&remote).await?).await?
        }
        other => other?,
    }
    progress.report(size);
    Ok(remote)
}

/// For a one-request upload: the document already made (a resumed row,
/// or found on the server after a cut, bytes and all), or `None` once the
/// create is marked as about to be sent. A new version is refused.
async fn already_posted<P: DocumentTransport>(
    store: &Store,
    provider: &P,
    t: &Transfer,
    case_remote: &RemoteId,
    path: &str,
) -> Result<Option<RemoteId>, TransferError> {
    let found = match (&t.remote_document, &t.document_id) {
        (Some(remote), _) => Some(RemoteId(remote.clone())),
        (None, Some(_)) => return Err(TransferError::Provider(ProviderError::Unsupported(
            "the firm's system keeps no versions of a document; upload the file under a new name"
                .into(),
        ))),
        (None, None) if t.create_sent => provider
            .find_document(case_remote, path)
            .await?
            .map(|(id, _)| id),
        (None, None) => None,
    };
    match found {
        Some(remote) => {
            store.set_transfer_remote(&t.id, &remote.0, false)?;
            Ok(Some(remote))
        }
        None => {
            store.mark_create_sent(&t.id)?;
            Ok(None)
        }
    }
}

/// The document the bytes belong to, and where to put them.
async fn target<P: DocumentTransport>(
    store: &Store,
    provider: &P,
    t: &Transfer,
    case_remote: &RemoteId,
    path: &str,
) -> Result<(RemoteId, PutTarget), TransferError> {
    // Known document: a resumed upload, or a new version of an existing one.
    let known = match (&t.remote_document, &t.document_id) {
        (Some(remote), _) => Some(RemoteId(remote.clone())),
        (None, Some(local)) => {
            let local = LocalId::parse(local).map_err(|_| TransferError::NoDocument)?;
            Some(
                store
                    .remote_id_of(Kind::Document, &local)?
                    .ok_or(TransferError::NoDocument)?,
            )
        }
        (None, None) if t.create_sent => provider
            .find_document(case_remote, path)
            .await?
            .map(|(id, _)| id),
        (None, None) => None,
    };
    if let Some(remote) = known {
        // Found, not created: kept even if the upload is cancelled.
        let created = t.remote_created && t.remote_document.as_deref() == Some(&remote.0);
        store.set_transfer_remote(&t.id, &remote.0, created)?;
        let put = provider.new_version(&remote).await?;
        return Ok((remote, put));
    }
    store.mark_create_sent(&t.id)?;
    let created = provider
        .create_document(case_remote, path, &t.file_name)
        .await?;
    store.set_transfer_remote(&t.id, &created.remote_id.0, true)?;
    Ok((created.remote_id, created.put))
}
