//! A cancelled upload leaves nothing behind on the server. An upload creates
//! its document before it sends the bytes, so cancelling it halfway would
//! otherwise leave an empty document in the case for everyone at the firm.
//! The document is removed only when this upload created it (one found by
//! path might be someone else's), and the transfer then forgets it, so a
//! retry creates a new one: exactly one document, or none.

use casefile_domain::ids::RemoteId;
use casefile_providers::documents::DocumentTransport;
use casefile_store::{Store, StoreError};

/// Removes the server documents of cancelled uploads; returns how many. One
/// that cannot be removed now (offline) is tried again on the next run.
pub async fn discard_cancelled<P: DocumentTransport>(
    store: &Store,
    provider: &P,
) -> Result<usize, StoreError> {
    let mut removed = 0;
    for t in store.uploads_to_discard()? {
        let Some(remote) = t.remote_document.clone() else {
            continue;
        };
        match provider.discard_document(&RemoteId(remote.clone())).await {
            Ok(()) => {
                store.forget_transfer_remote(&t.id, &remote)?;
                removed += 1;
            }
            Err(e) => {
                tracing::warn!(
                    code = e.code(),
                    "a cancelled upload's document stays for now"
                );
            }
        }
    }
    if removed > 0 {
        tracing::info!(removed, "removed the documents of cancelled uploads");
    }
    Ok(removed)
}
