//! The application core's one error, and the class of each failure, so the
//! CLI's exit codes and the window's `{code, message}` are decided here,
//! from types, never from an error's English text.

use casefile_domain::error::ErrorCode;
use casefile_store::StoreError;

use crate::accounts::AccountError;
use crate::edits::EditError;

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    #[error(transparent)]
    Account(#[from] AccountError),
    #[error(transparent)]
    Edit(#[from] EditError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Sync(#[from] casefile_sync::SyncError),
    #[error(transparent)]
    Blobs(#[from] casefile_transfer::blobs::BlobError),
    #[error(transparent)]
    Transfer(#[from] casefile_transfer::TransferError),
    #[error(transparent)]
    Provider(#[from] casefile_providers::ProviderError),
}

/// The class of a store failure: a missing record, bad input, or the cache.
pub fn store_class(e: &StoreError) -> ErrorCode {
    match e {
        StoreError::NotFound { .. } => ErrorCode::NotFound,
        StoreError::Invalid(_) => ErrorCode::Validation,
        _ => ErrorCode::Cache,
    }
}

impl CoreError {
    pub fn class(&self) -> ErrorCode {
        match self {
            CoreError::Account(e) => e.class(),
            CoreError::Edit(e) => e.class(),
            CoreError::Store(e) => store_class(e),
            CoreError::Sync(casefile_sync::SyncError::Store(e)) => store_class(e),
            CoreError::Sync(e) => e.class(),
            CoreError::Blobs(_) => ErrorCode::File,
            CoreError::Transfer(e) => e.class(),
            CoreError::Provider(e) => e.class(),
        }
    }
}
