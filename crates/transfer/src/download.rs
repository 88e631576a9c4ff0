//! One download attempt: follow the provider's redirect to storage, stream
//! into the blob store (verified by length and hash before it becomes
//! visible), remember which server version the bytes are, and, when asked,
//! save a copy under a safe name in the user's directory.

use std::path::Path;

use casefile_domain::entity::{Document, Kind};
use casefile_domain::ids::LocalId;
use casefile_providers::documents::DocumentTransport;
use casefile_store::transfers::Transfer;
use casefile_store::Store;

use crate::blobs::BlobStore;
use crate::names;
use crate::queue::{Progressor, TransferError};

/// Downloads `t`'s document; returns where a copy was saved, if asked to.
pub async fn run<P: DocumentTransport>(
    store: &Store,
    provider: &P,
    blobs: &BlobStore,
    t: &Transfer,
) -> Result<Option<String>, TransferError> {
    let local = t
        .document_id
        .as_deref()
        .and_then(|d| LocalId::parse(d).ok())
        .ok_or(TransferError::NoDocument)?;
    let doc: Document = store.get(&local)?.ok_or(TransferError::NoDocument)?;
    let remote = store
        .remote_id_of(Kind::Document, &local)?
        .ok_or(TransferError::NoDocument)?;
    let version = doc.meta.server_updated_at.map(|t| t.to_rfc3339());
    let have = store.document_blob(&local.to_string())?;
    let sha = match have {
        Some((sha, _, v)) if v == version && blobs.contains(&sha) => sha,
        _ => {
            let incoming = provider.open_download(&remote).await?;
            let progress = Progressor::new(store, &t.id, incoming.length.map(|l| l as i64));
            let blob = blobs
                .receive(
                    incoming.response.bytes_stream(),
                    incoming.sha256.as_deref(),
                    incoming.length,
                    &|n| progress.report(n),
                )
                .await?;
            store.set_document_blob(&local.to_string(), &blob.sha256, blob.size as i64, version)?;
            blob.sha256
        }
    };
    match &t.save_to {
        Some(dir) => {
            let saved = names::save_copy(Path::new(dir), &doc.name, |tmp| {
                blobs.export(&sha, tmp).map_err(std::io::Error::other)
            })
            .map_err(|e| TransferError::Save(e.to_string()))?;
            Ok(Some(saved.display().to_string()))
        }
        None => Ok(None),
    }
}
