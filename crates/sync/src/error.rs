//! Sync errors: a provider failure, a local cache failure, or a stop.

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
    /// A stable code for the UI and the CLI.
    pub fn code(&self) -> &'static str {
        match self {
            SyncError::Provider(e) => e.code(),
            SyncError::Store(_) => "cache",
            SyncError::Cancelled => "cancelled",
            SyncError::Internal(_) => "internal",
        }
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
