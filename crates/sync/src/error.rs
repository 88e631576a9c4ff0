//! Sync errors: a provider failure or a local cache failure.

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Provider(#[from] casefile_providers::ProviderError),
    #[error(transparent)]
    Store(#[from] casefile_store::StoreError),
}
