//! The CLI's errors and their exit codes, which scripts may depend on:
//!
//! | code | meaning |
//! |---|---|
//! | 0 | done |
//! | 1 | an unexpected failure (the message says what) |
//! | 2 | bad usage (clap's own code) |
//! | 3 | no such record, conflict or account |
//! | 4 | invalid input (a date, a time zone, a value) |
//! | 5 | the server could not be reached or failed; try again |
//! | 6 | sign-in required: the token is missing, expired or refused |
//! | 7 | the server refused a change |
//! | 8 | refused because unsynced changes would be lost (sign-out without --force) |
//! | 9 | no usable OS keychain (the message says how to fix it) |

use casefile_providers::ProviderError;
use casefile_store::StoreError;
use casefile_sync::account::AccountError;
use casefile_sync::SyncError;

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Account(#[from] AccountError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Sync(#[from] SyncError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Blobs(#[from] casefile_transfer::blobs::BlobError),
    #[error(transparent)]
    TransferQueue(#[from] casefile_transfer::TransferError),
    /// A transfer failed; `retrying` when it stays queued for another try.
    #[error("{message}")]
    Transfer { message: String, retrying: bool },
}

fn provider_code(e: &ProviderError) -> i32 {
    match e {
        ProviderError::Unauthorized | ProviderError::SignInRequired => 6,
        ProviderError::Validation { .. } => 7,
        ProviderError::NotFound => 3,
        _ => 5,
    }
}

impl CliError {
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::NotFound(_) => 3,
            CliError::Invalid(_) => 4,
            CliError::Account(AccountError::NoAccount | AccountError::Unknown(_)) => 3,
            CliError::Account(
                AccountError::MissingToken(_) | AccountError::SignIn(_) | AccountError::NotOAuth(_),
            ) => 6,
            CliError::Account(AccountError::Pending(_)) => 8,
            CliError::Account(
                AccountError::Keychain(_) | AccountError::Secrets(_) | AccountError::CacheKey(_),
            ) => 9,
            CliError::Account(AccountError::Zone(_) | AccountError::Provider(_)) => 4,
            CliError::Account(AccountError::Client(e)) => provider_code(e),
            CliError::Store(StoreError::NotFound { .. }) => 3,
            CliError::Store(StoreError::Invalid(_)) => 4,
            CliError::Sync(SyncError::Provider(e)) => provider_code(e),
            CliError::Transfer { retrying: true, .. } => 5,
            CliError::Transfer {
                retrying: false, ..
            } => 7,
            CliError::TransferQueue(casefile_transfer::TransferError::Provider(e)) => {
                provider_code(e)
            }
            CliError::TransferQueue(casefile_transfer::TransferError::NoDocument) => 3,
            CliError::TransferQueue(_) => 4,
            _ => 1,
        }
    }
}
