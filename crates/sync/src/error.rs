//! Sync errors: a provider failure, a local cache failure, or a stop.

use casefile_domain::error::ErrorCode;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Provider(#[from] casefile_providers::ProviderError),
    #[error(transparent)]
    Store(#[from] casefile_store::StoreError),
    #[error("the sync was cancelled")]
    Cancelled,
    #[error("internal error: {0}")]
    Internal(String),
}

impl SyncError {
    /// The class of this failure.
    pub fn class(&self) -> ErrorCode {
        match self {
            SyncError::Provider(e) => e.class(),
            SyncError::Store(e) => e.class(),
            SyncError::Cancelled => ErrorCode::Cancelled,
            SyncError::Internal(_) => ErrorCode::Internal,
        }
    }

    /// A stable code for the UI and the CLI.
    pub fn code(&self) -> &'static str {
        self.class().as_str()
    }

    /// Whether trying again later may succeed on its own.
    pub fn is_transient(&self) -> bool {
        matches!(self, SyncError::Provider(e) if e.is_retryable())
    }
}

impl From<tokio::task::JoinError> for SyncError {
    fn from(e: tokio::task::JoinError) -> Self {
        SyncError::Internal(e.to_string())
    }
}
