//! A cancelled upload, or one whose stored copy turned out damaged, leaves
//! nothing behind on the server. An upload creates its document before it
//! sends the bytes, so stopping halfway would otherwise leave an empty
//! document in the case for everyone at the firm.
//! The document is removed only when this upload created it (one found by
//! path might be someone else's), and the transfer then forgets it, so a
//! retry creates a new one: exactly one document, or none.

use casefile_domain::ids::RemoteId;
use casefile_providers::documents::DocumentTransport;
use casefile_store::transfers::Transfer;
use casefile_store::{Store, StoreError};

/// Removes the server documents of cancelled uploads; returns how many. One
/// that cannot be removed now (offline) is tried again on the next run.
pub async fn discard_cancelled<P: DocumentTransport>(
    store: &Store,
    provider: &P,
) -> Result<usize, StoreError> {
    let mut removed = 0;
    for t in store.uploads_to_discard()? {
        removed += usize::from(discard(store, provider, &t).await?);
    }
    if removed > 0 {
        tracing::info!(removed, "removed the documents of cancelled uploads");
    }
    Ok(removed)
}

/// After an upload failed for good because its stored copy is gone or
/// damaged: the user is told to add the file again, which makes a new
/// document, so the half-made one goes now.
pub async fn discard_failed<P: DocumentTransport>(
    store: &Store,
    provider: &P,
    id: &str,
) -> Result<bool, StoreError> {
    match store.transfer(id)? {
        Some(t) if t.remote_created => discard(store, provider, &t).await,
        _ => Ok(false),
    }
}

/// Removes `t`'s created document from the server and forgets it.
async fn discard<P: DocumentTransport>(
    store: &Store,
    provider: &P,
    t: &Transfer,
) -> Result<bool, StoreError> {
    let Some(remote) = t.remote_document.clone() else {
        return Ok(false);
    };
    match provider.discard_document(&RemoteId(remote.clone())).await {
        Ok(()) => {
            store.forget_transfer_remote(&t.id, &remote)?;
            Ok(true)
        }
        Err(e) => {
            tracing::warn!(
                code = e.code(),
                "an abandoned upload's document stays for now"
            );
            Ok(false)
        }
    }
}
