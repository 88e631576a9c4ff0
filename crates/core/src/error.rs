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

impl CoreError {
    pub fn class(&self) -> ErrorCode {
        match self {
            CoreError::Account(e) => e.class(),
            CoreError::Edit(e) => e.class(),
            CoreError::Store(e) => e.class(),
            CoreError::Sync(e) => e.class(),
            CoreError::Blobs(e) => e.class(),
            CoreError::Transfer(e) => e.class(),
            CoreError::Provider(e) => e.class(),
        }
    }
}
